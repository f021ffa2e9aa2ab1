"""post(): thread or top level, Slack markup, per-channel pacing, 429s retried."""

from __future__ import annotations

import asyncio

import pytest
from slack_sdk.oauth.installation_store import Installation

from facilitator.adapters.slack.adapter import SlackAdapter, SlackPostError
from facilitator.adapters.slack.stores import RedisInstallationStore, RedisOAuthStateStore
from facilitator.adapters.slack.translate import room_ref
from facilitator.events import ChatEvent
from facilitator.memory.store import RoomStore
from tests.slack.conftest import base_config
from tests.slack.mock_slack import MockSlack
from tests.slack.payloads import BOT_TOKEN, TEAM


async def noop(event: ChatEvent) -> None:
    return None


async def make(mock: MockSlack, **overrides: object) -> SlackAdapter:
    return SlackAdapter(noop, base_config(mock, **overrides))


async def test_post_top_level_and_in_thread(mock: MockSlack) -> None:
    adapter = await make(mock)
    top = await adapter.post(room_ref(TEAM, "C0PLANS001"), "Dana, anything to add? a < b")
    threaded = await adapter.post(room_ref(TEAM, "C0PLANS001", "1712000001.000100"), "Noted.")
    first, second = mock.posts()
    assert top == first.result["ts"] and threaded == second.result["ts"]
    assert first.params == {"channel": "C0PLANS001", "text": "Dana, anything to add? a &lt; b",
                            "unfurl_links": False, "unfurl_media": False}
    assert second.params["thread_ts"] == "1712000001.000100"
    assert {first.token, second.token} == {BOT_TOKEN}


async def test_at_most_one_post_per_interval_per_channel(mock: MockSlack) -> None:
    adapter = await make(mock, min_post_interval=0.3)
    room, other = room_ref(TEAM, "C0PLANS001"), room_ref(TEAM, "C0OTHER001")
    await asyncio.gather(adapter.post(room, "one"), adapter.post(room, "two"),
                         adapter.post(other, "elsewhere"))
    calls = {c.params["text"]: c.at for c in mock.posts()}
    assert abs(calls["two"] - calls["one"]) >= 0.28
    # Another channel is not held back by this one's pacing.
    assert calls["elsewhere"] - min(calls["one"], calls["two"]) < 0.2


async def test_429_is_retried_after_retry_after(mock: MockSlack) -> None:
    adapter = await make(mock)
    mock.rate_limit_next("chat.postMessage", retry_after=1)
    ts = await adapter.post(room_ref(TEAM, "C0PLANS001"), "hello")
    first, second = mock.posts()
    assert first.result == {} and second.result["ts"] == ts
    assert second.at - first.at >= 1.0


async def test_post_uses_the_workspace_installation(mock: MockSlack, slack_store: RoomStore) -> None:
    installs = RedisInstallationStore(slack_store.client)
    adapter = SlackAdapter(noop, base_config(mock, bot_token=None, client_id="1.2", client_secret="s"),
                           installation_store=installs,
                           state_store=RedisOAuthStateStore(slack_store.client))
    with pytest.raises(SlackPostError, match="T0NOWHERE1"):
        await adapter.post(room_ref("T0NOWHERE1", "C0PLANS001"), "hello")
    await installs.async_save(Installation(team_id=TEAM, user_id="U0INSTALL1", bot_token=BOT_TOKEN,
                                           bot_id="B0FACBOT01", bot_user_id="U0FACBOT01"))
    await adapter.post(room_ref(TEAM, "C0PLANS001"), "hello")
    [post] = mock.posts()
    assert post.token == BOT_TOKEN
