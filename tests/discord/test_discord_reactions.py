"""Lighter moves on Discord (issue 19, item 5): a reaction goes out through discord.py's
`add_reaction`, a PUT on the message's reactions route."""

from __future__ import annotations

import pytest
from discord_harness import Bot
from discord_payloads import GENERAL, GUILD, chat

from facilitator.adapters.discord.translate import room_for
from facilitator.events import ChatEvent, EventKind, RoomRef
from facilitator.memory.state import RoomState
from facilitator.policies.decision import BotDecision, Intervention
from facilitator.policies.signals import Signals

ROOM = room_for(GUILD, GENERAL)


class Marks:
    """Reacts to every member's message: 👀 alone, or ✅ beside a line of text."""

    name = "marks"

    def __init__(self, text: str | None, emoji: str) -> None:
        self.text, self.emoji = text, emoji

    async def decide(self, event: ChatEvent, state: RoomState, signals: Signals) -> BotDecision:
        if event.kind != EventKind.MESSAGE:
            return BotDecision.silence("not a message")
        return BotDecision(speak=True, intervention=Intervention.RECORD_DECISION, text=self.text,
                           react=self.emoji, react_to=event.id, reason="test")


@pytest.mark.parametrize("text, emoji, character", [(None, "eyes", "👀"),
                                                    ("Noted as decided.", "white_check_mark", "✅")])
async def test_the_reaction_goes_on_the_message_through_add_reaction(
        bot: Bot, text: str | None, emoji: str, character: str) -> None:
    bot.engine.policy = Marks(text, emoji)
    await bot.send(chat("bob", "shall we plant the beans on Saturday?", 100))
    [event] = [e for e in bot.events if e.kind == EventKind.MESSAGE]
    route = rf"/channels/{GENERAL}/messages/{event.id}/reactions/{character}/@me"
    await bot.api.wait_for(lambda: bot.api.find("PUT", route))
    assert len(bot.api.find("PUT", route)) == 1
    assert [b["content"] for b in bot.api.posts(GENERAL)] == ([text] if text else [])
    assert bot.outcomes[-1].error is None


async def test_react_rejects_other_platforms(bot: Bot) -> None:
    with pytest.raises(ValueError):
        await bot.adapter.react(RoomRef.local("lobby"), "1", "eyes")
