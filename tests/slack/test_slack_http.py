"""The HTTP Events API: signed requests against the running app, acks, retries, replies."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp

from facilitator.adapters.slack.adapter import SlackAdapter
from facilitator.events import ChatEvent
from tests.slack.conftest import Factory, Harness, base_config, signed_post
from tests.slack.mock_slack import MockSlack, Scripted
from tests.slack.payloads import (
    CHANNEL,
    SIGNING_SECRET,
    command,
    envelope,
    fixture,
    form,
    message,
)

ROOM = "slack:T0TEAM0001:C0PLANS001"


async def send(http: aiohttp.ClientSession, url: str, body: dict[str, Any] | str, *,
               secret: str = SIGNING_SECRET, timestamp: int | None = None, retry: int | None = None,
               content_type: str = "application/json") -> tuple[int, str]:
    raw = body if isinstance(body, str) else json.dumps(body)
    return await signed_post(http, url, raw, secret=secret, timestamp=timestamp, retry=retry,
                             content_type=content_type)


async def test_signed_event_is_acked_then_handled(harness: Factory, http: aiohttp.ClientSession,
                                                  mock: MockSlack) -> None:
    h = await harness()
    status, _ = await send(http, h.url, fixture("message"))
    assert status == 200
    await h.settle(received=1)
    state = await h.store.get(ROOM)
    assert state is not None and state.human_messages == 1
    alice = state.participants["U0ALICE001"]
    assert alice.name == "Alice"  # resolved through users.info, with the workspace's token
    assert [c.token for c in mock.called("users.info")] == ["xoxb-T0TEAM0001-local"]


async def test_bad_signature_is_rejected(harness: Factory, http: aiohttp.ClientSession) -> None:
    h = await harness()
    status, _ = await send(http, h.url, fixture("message"), secret="not-the-signing-secret")
    assert status == 401
    await h.settle()
    assert await h.store.rooms() == []


async def test_stale_timestamp_is_rejected(harness: Factory, http: aiohttp.ClientSession) -> None:
    h = await harness()
    # Correctly signed, but six minutes old: a replayed request.
    status, _ = await send(http, h.url, fixture("message"), timestamp=int(time.time()) - 360)
    assert status == 401
    await h.settle()
    assert await h.store.rooms() == []


async def test_retry_delivered_twice_is_processed_once(harness: Factory,
                                                       http: aiohttp.ClientSession) -> None:
    h = await harness()
    body = fixture("message")
    assert (await send(http, h.url, body))[0] == 200
    assert (await send(http, h.url, body, retry=1))[0] == 200
    await h.settle(received=2)
    state = await h.store.get(ROOM)
    assert state is not None and state.human_messages == 1 and state.events == 1


async def test_url_verification(harness: Factory, http: aiohttp.ClientSession) -> None:
    h = await harness()
    status, text = await send(http, h.url, {"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595",
                                             "type": "url_verification"})
    assert status == 200 and "3eZbrw1aBm2rZgRNFdxV2595" in text


async def test_ack_does_not_wait_for_the_engine(mock: MockSlack, http: aiohttp.ClientSession) -> None:
    gate = asyncio.Event()
    seen: list[ChatEvent] = []

    async def slow_engine(event: ChatEvent) -> None:
        await gate.wait()  # stands in for an LLM call of many seconds
        seen.append(event)

    adapter = SlackAdapter(slow_engine, base_config(mock))
    await adapter.start()
    try:
        url = f"http://127.0.0.1:{adapter.http_port}"
        started = time.monotonic()
        status, _ = await send(http, url, fixture("message"))
        assert status == 200 and time.monotonic() - started < 3.0  # Slack's own limit
        assert seen == []
        gate.set()
        await adapter.drain()
        assert [e.id for e in seen] == ["1712000001.000100"]
    finally:
        gate.set()
        await adapter.stop()


async def test_events_of_a_room_keep_their_order(mock: MockSlack, http: aiohttp.ClientSession) -> None:
    seen: list[str] = []

    async def engine(event: ChatEvent) -> None:
        await asyncio.sleep(0.01)
        seen.append(event.id)

    adapter = SlackAdapter(engine, base_config(mock))
    await adapter.start()
    try:
        url = f"http://127.0.0.1:{adapter.http_port}"
        for i in range(5):
            await send(http, url, message("U0ALICE001", f"point {i}", f"1712000100.00000{i}"))
        await adapter.drain()
        assert seen == [f"1712000100.00000{i}" for i in range(5)]
    finally:
        await adapter.stop()


async def test_mention_and_its_message_twin_count_once(harness: Factory, http: aiohttp.ClientSession,
                                                       mock: MockSlack) -> None:
    h = await harness()
    mention = fixture("app_mention")
    twin = envelope("message", user="U0CAROL001", ts=mention["event"]["ts"],
                    text=mention["event"]["text"])
    assert (await send(http, h.url, twin))[0] == 200
    assert (await send(http, h.url, mention))[0] == 200
    await h.settle(received=2)
    state = await h.store.get(ROOM)
    assert state is not None and state.human_messages == 1
    posts = mock.posts()
    assert len(posts) == 1  # addressed once, answered once, top level
    assert posts[0].params["channel"] == CHANNEL and "thread_ts" not in posts[0].params
    assert posts[0].token == "xoxb-T0TEAM0001-local"


async def test_addressed_in_a_thread_is_answered_in_the_thread(
        harness: Factory, http: aiohttp.ClientSession, mock: MockSlack) -> None:
    h = await harness()
    body = envelope("thread_reply", text="<@U0FACBOT01> can you sum up where we are?")
    assert (await send(http, h.url, body))[0] == 200
    await h.settle(received=1)
    [post] = mock.posts()
    assert post.params["channel"] == CHANNEL and post.params["thread_ts"] == "1712000001.000100"
    state = await h.store.get(f"{ROOM}:1712000001.000100")
    # The engine records the bot's turn under Slack's ts, so replies to it are recognised.
    assert state is not None and state.bot_log[-1].id == post.result["ts"]


async def test_dm_is_answered_in_the_dm_only(harness: Factory, http: aiohttp.ClientSession,
                                             mock: MockSlack) -> None:
    h = await harness()
    await send(http, h.url, message("U0ALICE001", "Morning all, shall we start?", "1712000290.000100"))
    assert (await send(http, h.url, fixture("im_message")))[0] == 200
    await h.settle(received=2)
    assert [p.params["channel"] for p in mock.posts()] == ["D0DANA0001"]
    dm = await h.store.get("slack:T0TEAM0001:D0DANA0001")
    channel = await h.store.get(ROOM)
    assert dm is not None and channel is not None
    assert "U0DANA0001" not in channel.participants  # the DM never reached the channel's room
    assert all("what do you do" not in m.text for m in channel.window)


async def test_other_bots_and_own_messages_never_reach_the_engine(
        harness: Factory, http: aiohttp.ClientSession, mock: MockSlack) -> None:
    h = await harness()
    await send(http, h.url, fixture("bot_message"))
    # Our own post echoed back by Slack: bolt drops it before any listener runs.
    await send(http, h.url, envelope("bot_message", bot_id="B0FACBOT01", ts="1712000401.000100",
                                     text="I'd like to make sure every voice is in this."))
    await h.settle(received=1)
    assert await h.store.rooms() == []
    assert mock.posts() == []


async def test_slash_command_acks_then_answers(harness: Factory, http: aiohttp.ClientSession,
                                               mock: MockSlack) -> None:
    h = await harness()
    raw = form(command("help", response_url=mock.response_url("help")))
    status, text = await send(http, h.url, raw, content_type="application/x-www-form-urlencoded")
    assert status == 200 and text == ""
    await h.settle(received=1)
    [private] = mock.responses
    assert private["response_type"] == "ephemeral" and "/facilitator status" in private["text"]
    assert mock.posts() == []

    raw = form(command("status", response_url=mock.response_url("status")))
    status, _ = await send(http, h.url, raw, content_type="application/x-www-form-urlencoded")
    assert status == 200
    await h.settle(received=2)
    [post] = mock.posts()
    assert post.params["channel"] == CHANNEL and len(mock.responses) == 1


async def test_room_reply_falls_back_to_response_url(harness: Factory, http: aiohttp.ClientSession,
                                                     mock: MockSlack) -> None:
    h: Harness = await harness()
    mock.scripted["chat.postMessage"] = [Scripted(200, {"ok": False, "error": "not_in_channel"})]
    raw = form(command("status", response_url=mock.response_url("status")))
    await send(http, h.url, raw, content_type="application/x-www-form-urlencoded")
    await h.settle(received=1)
    # not_in_channel: the status still reaches every member, through the response_url.
    [public] = mock.responses
    assert public["response_type"] == "in_channel" and "Voices:" in public["text"]
