"""Discord with the streams intake: the worker posts with a nonce derived from the trigger
event and `enforce_nonce`, so a post repeated after a takeover is one message on Discord."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal

import aiohttp
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord_harness import Bot
from discord_payloads import GENERAL, load
from discord_wire import FakeDiscord
from test_discord_adapter import Talkative
from test_discord_runner import _signal_handler_installed

from facilitator.adapters.discord.adapter import DiscordAdapter
from facilitator.adapters.discord.options import DiscordOptions
from facilitator.adapters.discord.runner import run_discord
from facilitator.config import Settings
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


async def test_the_discord_run_mode_on_the_streams_intake_serves_metrics(
        api: FakeDiscord, settings: Settings, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`run discord` with FACILITATOR_INTAKE=streams: the mention goes through the stream and
    the worker answers it with a nonce; /metrics counts it; SIGTERM stops cleanly."""
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(api.gateway_url))
    env = {"DISCORD_TOKEN": "test-token", "DISCORD_CHANNELS": GENERAL}
    # Settings are read once, in one place: the intake mode comes with them, not from `env`.
    streams = settings.model_copy(update={"intake": "streams"})
    run = asyncio.create_task(run_discord(argparse.Namespace(platform="discord"), streams,
                                          env=env))
    try:
        await api.wait_for(lambda: api.identify is not None, within=10)
        await _signal_handler_installed(signal.SIGTERM)
        found = re.search(r"health on http://127\.0\.0\.1:(\d+)/healthz",
                          capsys.readouterr().err)
        assert found is not None
        await api.dispatch(load("message_create_mention"))
        # The welcome (the adapter's join event, through the stream), then the answer: both
        # posted by the worker.
        await api.wait_for(lambda: len(api.posts(GENERAL)) >= 2, within=10)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{found.group(1)}/metrics") as response:
                assert response.status == 200
                text = await response.text()
        os.kill(os.getpid(), signal.SIGTERM)
        assert await asyncio.wait_for(run, 10) == 0
    finally:
        if not run.done():
            run.cancel()
    answer = api.posts(GENERAL)[-1]
    trigger = load("message_create_mention")["d"]["id"]
    assert answer["nonce"] == discord_nonce(f"{trigger}#0")
    assert 'facilitator_events_total{kind="message",platform="discord"} 1.0' in text
    assert 'facilitator_events_total{kind="join",platform="discord"} 1.0' in text
    assert 'facilitator_posts_total{platform="discord"} 2.0' in text  # the welcome and the answer
    # The welcome is words with no move: neither an intervention nor an event let pass.
    assert "facilitator_silences_total{" not in text
    assert "facilitator_shards_owned 16.0" in text
