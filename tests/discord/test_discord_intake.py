"""Discord with the streams intake: the worker posts with a nonce derived from the trigger
event and `enforce_nonce`, so a post repeated after a takeover is one message on Discord."""

from __future__ import annotations

import asyncio

from discord_harness import Bot
from discord_payloads import GENERAL, load
from discord_wire import FakeDiscord
from test_discord_adapter import Talkative

from facilitator.adapters.discord.adapter import DiscordAdapter
from facilitator.adapters.discord.options import DiscordOptions
from facilitator.engine import Engine
from facilitator.intake.posts import discord_nonce
from facilitator.intake.runtime import build_pipeline
from facilitator.memory.store import RoomStore


async def test_worker_posts_once_with_the_trigger_as_nonce(api: FakeDiscord,
                                                           store: RoomStore) -> None:
    engine = Engine(store, Talkative("Happy to help keep track."), bot_id="facilitator")
    pipeline = build_pipeline(store, engine, platform="discord",
                              env={"FACILITATOR_INTAKE": "streams",
                                   "FACILITATOR_INTAKE_SHARDS": "2"})
    adapter = DiscordAdapter(pipeline.on_event, options=DiscordOptions(token="test-token"),
                             store=store, guild_ready_timeout=0.01)
    try:
        await adapter.login()
        engine.bot_id = str(adapter.bot_id)
        bot = Bot(adapter, engine, store, api, [], [])
        bot.feed("ready")
        bot.feed("guild_create")
        await asyncio.wait_for(adapter.client.wait_until_ready(), 5)
        pipeline.start(adapter)
        await bot.send("message_create_mention")
        assert pipeline.worker is not None
        worker = pipeline.worker
        async with asyncio.timeout(10):
            while worker.handled < 1:  # noqa: ASYNC110 - acknowledged: decided and posted
                await asyncio.sleep(0.02)
    finally:
        await pipeline.stop()
        await adapter.stop()
    [body] = api.posts(GENERAL)
    trigger = load("message_create_mention")["d"]["id"]
    assert body["nonce"] == discord_nonce(f"{trigger}#0") and body["enforce_nonce"] is True
    assert len(body["nonce"]) <= 25
    state = await store.get(f"discord:{load('guild_create')['d']['id']}:{GENERAL}")
    assert state is not None and state.bot_log[-1].trigger == trigger
    assert state.bot_log[-1].id != f"{engine.bot_id}:{trigger}"  # the platform's id, recorded
