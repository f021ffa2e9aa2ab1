"""Issue 5's "done when", in one run against the mock Slack and a real Valkey:

install through OAuth -> a channel conversation one member dominates -> the bot invites the
quiet member -> an edit and a delete change the room state -> `/facilitator status` is
answered for the room -> a 429 from chat.postMessage is retried after Retry-After.
"""

from __future__ import annotations

import json
import time

import aiohttp
import pytest

from tests.slack.conftest import Factory, oauth_install, signed_post
from tests.slack.mock_slack import MockSlack
from tests.slack.payloads import command, deleted, edited, form, joined, message

# slack_sdk 3.47's oauth.v2.access builds aiohttp.BasicAuth, which aiohttp 3.14 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

TEAM, TOKEN, CHANNEL = "T0TEAM0002", "xoxb-T0TEAM0002-oauth", "C0OFFSITE2"
ROOM = f"slack:{TEAM}:{CHANNEL}"
ALICE, BOB, CAROL, DANA = "U0ALICE001", "U0BOBBY001", "U0CAROL001", "U0DANA0001"
# Alice holds the floor; Dana, present from the start, never gets a word in.
CONVERSATION = [
    (ALICE, "Let's plan the offsite. I think we should book the lake venue for two days."),
    (BOB, "Sounds reasonable to me."),
    (ALICE, "The lake venue has good rooms and a kitchen, and the price works for our budget."),
    (ALICE, "We could do workshops in the morning and hiking in the afternoon."),
    (CAROL, "Hiking works for me."),
    (ALICE, "I'll draft the agenda with the workshops and the hiking slots."),
]


def ts(n: int) -> str:
    return f"1712100{n:03d}.000100"


async def test_install_facilitate_edit_delete_status_ratelimit(
        harness: Factory, http: aiohttp.ClientSession, mock: MockSlack) -> None:
    h = await harness(bot_token=None, client_id="111.222", client_secret="oauth-secret")
    received = 0

    async def deliver(body: dict[str, object] | str, form_encoded: bool = False) -> None:
        nonlocal received
        raw = body if isinstance(body, str) else json.dumps(body)
        kind = "application/x-www-form-urlencoded" if form_encoded else "application/json"
        status, _ = await signed_post(http, h.url, raw, content_type=kind)
        assert status == 200
        received += 1
        await h.settle(received=received)

    def team2(body: dict[str, object]) -> dict[str, object]:
        body["authorizations"][0]["user_id"] = "U0FACBOT02"  # type: ignore[index]
        return body

    # 1. Install through OAuth.
    assert (await oauth_install(http, h, team=TEAM, token=TOKEN)).status == 200

    # 2. Everyone joins, then Alice dominates the conversation.
    for n, member in enumerate((ALICE, BOB, CAROL, DANA)):
        await deliver(team2(joined(member, ts(n), channel=CHANNEL, team=TEAM)))
    for n, (member, text) in enumerate(CONVERSATION, start=10):
        await deliver(team2(message(member, text, ts(n), channel=CHANNEL, team=TEAM)))

    # 3. The bot invites the quiet member, in the channel, with the workspace's own token.
    [invite] = mock.posts(CHANNEL)
    assert invite.token == TOKEN and "thread_ts" not in invite.params
    assert "Dana" in invite.params["text"]
    state = await h.store.get(ROOM)
    assert state is not None and state.bot_log[-1].intervention == "invite_quiet"
    assert state.bot_log[-1].id == invite.result["ts"]  # the engine knows Slack's id for it

    # 4. An edit and a delete change the room state.
    old = CONVERSATION[2][1]
    new = "The mountain hut has good rooms too, and it is cheaper than the lake venue."
    await deliver(team2(edited(ALICE, ts(12), old, new, "1712100200.000100", channel=CHANNEL,
                                team=TEAM)))
    state = await h.store.get(ROOM)
    assert state is not None and state.message(ts(12)).text == new  # type: ignore[union-attr]
    await deliver(team2(deleted(BOB, ts(11), CONVERSATION[1][1], "1712100210.000100",
                                channel=CHANNEL, team=TEAM)))
    state = await h.store.get(ROOM)
    assert state is not None and state.message(ts(11)) is None
    assert all(m.text != CONVERSATION[1][1] for m in state.window)

    # 5 + 6. `/facilitator status`, posted for the room; Slack answers the first try with 429.
    mock.rate_limit_next("chat.postMessage", retry_after=1)
    started = time.monotonic()
    await deliver(form(command("status", user=CAROL, channel=CHANNEL, team=TEAM,
                               response_url=mock.response_url("status"))), form_encoded=True)
    elapsed = time.monotonic() - started
    attempts = mock.posts(CHANNEL)[1:]
    assert len(attempts) == 2 and attempts[0].params == attempts[1].params
    assert elapsed >= 1.0  # Retry-After honoured before the retry
    status = attempts[1].params["text"]
    assert status.startswith("Voices:") and "%" not in status and "Gini" not in status
    assert attempts[1].result["ok"] and attempts[1].token == TOKEN
    assert mock.responses == []  # nothing fell back to the response_url
