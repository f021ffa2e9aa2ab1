"""Slack with the streams intake: the event is in the stream before Slack gets its 200; the
worker decides and posts with the trigger event id in the message metadata."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest

from facilitator.adapters.slack.adapter import SlackAdapter
from facilitator.engine import Engine
from facilitator.intake.runtime import Pipeline, build_pipeline
from facilitator.memory.store import RoomStore
from facilitator.policies.policy import FacilitatorPolicy
from tests.slack.conftest import base_config, signed_post
from tests.slack.mock_slack import MockSlack
from tests.slack.payloads import envelope, fixture

ROOM = "slack:T0TEAM0001:C0PLANS001"
THREAD = f"{ROOM}:1712000001.000100"


@pytest.fixture
async def streamed(mock: MockSlack, slack_store: RoomStore
                   ) -> AsyncIterator[tuple[SlackAdapter, Pipeline]]:
    engine = Engine(slack_store, FacilitatorPolicy(), bot_id="facilitator")
    pipeline = build_pipeline(slack_store, engine, platform="slack", env={"FACILITATOR_INTAKE": "streams",
                                                        "FACILITATOR_INTAKE_SHARDS": "4"})
    adapter = SlackAdapter(pipeline.on_event, base_config(mock), append=pipeline.append)
    await adapter.start()
    try:
        yield adapter, pipeline
    finally:
        await pipeline.stop()
        await adapter.stop()


async def send(url: str, body: dict[str, object]) -> int:
    async with aiohttp.ClientSession() as http:
        status, _ = await signed_post(http, f"http://127.0.0.1:{url}", json.dumps(body))
    return status


async def test_acknowledged_only_once_in_the_stream_then_answered_once(
        streamed: tuple[SlackAdapter, Pipeline], mock: MockSlack, slack_store: RoomStore) -> None:
    adapter, pipeline = streamed
    assert pipeline.intake is not None
    key = pipeline.intake.stream(pipeline.intake.shard_of(THREAD))
    body = envelope("thread_reply", text="<@U0FACBOT01> can you sum up where we are?")
    assert await send(str(adapter.http_port), body) == 200
    # The 200 came after the XADD: the event is there although no worker runs yet.
    assert await slack_store.client.xlen(key) == 1
    assert mock.posts() == []
    pipeline.start(adapter.sender, prepare=adapter.prepare)
    assert pipeline.worker is not None
    worker = pipeline.worker
    await mock.wait_for(lambda: worker.handled >= 1, 10)  # acknowledged: decided and posted
    [post] = mock.posts()
    trigger = post.params["metadata"]["event_payload"]["trigger"]
    assert post.params["metadata"]["event_type"] == "facilitator_post"
    state = await slack_store.get(THREAD)
    assert state is not None and state.bot_log[-1].trigger == trigger
    assert state.bot_log[-1].id == post.result["ts"]
    # The author's name was looked up by the worker, after the ack.
    assert state.participants["U0BOBBY001"].name == "Bob"


async def test_store_down_means_no_ack(streamed: tuple[SlackAdapter, Pipeline],
                                       slack_store: RoomStore) -> None:
    adapter, _ = streamed
    assert slack_store.server is not None
    await slack_store.server.stop()
    status = await asyncio.wait_for(send(str(adapter.http_port), fixture("message")), 10)
    assert status >= 500  # Slack retries what it did not get a 2xx for
