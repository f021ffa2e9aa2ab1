"""Lighter moves on Slack (issue 19, item 5): a reaction goes out through `reactions.add`."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from facilitator.adapters.slack.posting import SlackSender
from facilitator.engine import Engine
from facilitator.events import Author, ChatEvent, RoomRef
from facilitator.intake.delivery import Delivery
from facilitator.memory.state import RoomState
from facilitator.memory.store import RoomStore
from facilitator.policies.decision import BotDecision, Intervention
from facilitator.policies.signals import Signals
from tests.slack.mock_slack import MockSlack
from tests.slack.payloads import BOT_TOKEN, CHANNEL, TEAM

ROOM = RoomRef(platform="slack", workspace=TEAM, channel=CHANNEL)


async def token_for(team: str) -> str:
    return BOT_TOKEN


class Marks:
    """A policy that reacts to every message: 👀 alone, or ✅ beside a line of text."""

    name = "marks"

    def __init__(self, text: str | None, emoji: str) -> None:
        self.text, self.emoji = text, emoji

    async def decide(self, event: ChatEvent, state: RoomState, signals: Signals) -> BotDecision:
        return BotDecision(speak=True, intervention=Intervention.SURFACE_QUESTION, text=self.text,
                           react=self.emoji, react_to=event.id, reason="test")


def event(ts: str) -> ChatEvent:
    return ChatEvent(id=ts, room=ROOM, author=Author(id="U0ALICE001", name="Alice"),
                     text="who books the venue?", ts=float(ts))


async def test_the_sender_adds_the_reaction_and_takes_a_repeat_as_done(mock: MockSlack) -> None:
    sender = SlackSender(AsyncWebClient(base_url=mock.base_url), token_for)
    await sender.react(ROOM, "1700000000.000100", "eyes")
    await sender.react(ROOM, "1700000000.000100", "eyes")  # already_reacted: fine
    calls = mock.called("reactions.add")
    assert [(c.params["channel"], c.params["timestamp"], c.params["name"], c.token)
            for c in calls] == [(CHANNEL, "1700000000.000100", "eyes", BOT_TOKEN)] * 2
    assert mock.reactions == {(CHANNEL, "1700000000.000100", "eyes")}
    with pytest.raises(SlackApiError):  # any other refusal is the platform's, and raised
        bad = SlackSender(AsyncWebClient(base_url=mock.base_url), lambda team: _bad())
        await bad.react(ROOM, "1700000000.000100", "eyes")


async def _bad() -> str:
    return "xoxb-not-a-token"


@pytest.mark.parametrize("text", [None, "Noting a decision: \"we rent the barn\"."])
async def test_delivery_reacts_on_slack_instead_of_or_beside_the_message(
        mock: MockSlack, slack_store: RoomStore, text: str | None) -> None:
    store = slack_store
    sender = SlackSender(AsyncWebClient(base_url=mock.base_url), token_for)
    delivery = Delivery(Engine(store, Marks(text, "white_check_mark" if text else "eyes")),
                        sender.post, reacter=sender.react)
    outcome = await delivery.handle(event("1700000000.000200"))
    assert outcome.error is None
    [call] = mock.called("reactions.add")
    assert call.params == {"channel": CHANNEL, "timestamp": "1700000000.000200",
                           "name": "white_check_mark" if text else "eyes"}
    posts = mock.called("chat.postMessage")
    assert [p.params["text"] for p in posts] == ([text] if text else [])
    state = await store.get(ROOM.key)
    assert state is not None
    turn = state.bot_log[-1]
    assert (turn.react, turn.react_to) == (call.params["name"], "1700000000.000200")
    # A reaction alone is no message: not in the window, not in the bot's share of the talk.
    assert state.bot_messages == (1 if text else 0)
    assert [m.is_bot for m in state.window] == ([False, True] if text else [False])
