"""Drive discord.py's real client without the network.

- REST: `discord.http.Route.BASE` points at a FakeDiscord server on 127.0.0.1, so login,
  command sync, posts and interaction callbacks go through the library's HTTP client.
- Gateway: captured dispatch payloads go through the library's ConnectionState parsers
  (`client._connection.parsers[t](d)`), exactly where the websocket would hand them over.
- Memory: a real embedded Valkey server via `open_store` (the root conftest's `store`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

# First, before anything imports discord.py: the package imports it with its audioop
# DeprecationWarning silenced, which warnings-as-errors would otherwise turn into a
# collection error.
import facilitator.adapters.discord  # noqa: F401

# isort: split
import discord
from discord_payloads import APP_ID, BOT, load
from discord_wire import FakeDiscord

from facilitator.adapters.discord.adapter import DiscordAdapter
from facilitator.adapters.discord.options import DiscordOptions
from facilitator.config import Settings
from facilitator.engine import Engine
from facilitator.memory.store import RoomStore
from facilitator.policies.policy import build_policy


@pytest.fixture
async def api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord(BOT, APP_ID)
    base = await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", base)
    try:
        yield fake
    finally:
        await fake.stop()


@dataclass
class Bot:
    """A logged-in adapter whose gateway is fed by hand."""

    adapter: DiscordAdapter
    engine: Engine
    store: RoomStore
    api: FakeDiscord

    @property
    def client(self) -> discord.Client:
        return self.adapter.client

    def feed(self, payload: dict[str, Any] | str) -> None:
        """Hand one gateway dispatch to the library's parser, as its websocket reader does."""
        if isinstance(payload, str):
            payload = load(payload)
        self.client._connection.parsers[payload["t"]](payload["d"])

    async def settle(self) -> None:
        """Let discord.py's event tasks run, then wait until the adapter handled everything."""
        for _ in range(3):
            await asyncio.sleep(0)
        await asyncio.wait_for(self.adapter.drain(), 10)

    async def send(self, payload: dict[str, Any] | str) -> None:
        self.feed(payload)
        await self.settle()


MakeBot = Callable[..., Awaitable[Bot]]


@pytest.fixture
async def make_bot(api: FakeDiscord, store: RoomStore, settings: Settings
                   ) -> AsyncIterator[MakeBot]:
    made: list[DiscordAdapter] = []

    async def make(**options: Any) -> Bot:
        engine = Engine(store, build_policy(settings, env={}), bot_id=settings.bot_name)
        adapter = DiscordAdapter(engine.handle, options=DiscordOptions(token="test-token", **options),
                                 store=store, guild_ready_timeout=0.01)
        made.append(adapter)
        engine.poster = adapter.post
        await adapter.login()
        engine.bot_id = str(adapter.bot_id)  # as the runner does
        bot = Bot(adapter, engine, store, api)
        bot.feed("ready")
        bot.feed("guild_create")
        await asyncio.wait_for(adapter.client.wait_until_ready(), 5)
        return bot

    try:
        yield make
    finally:
        for adapter in made:
            await adapter.stop()


@pytest.fixture
async def bot(make_bot: MakeBot) -> Bot:
    return await make_bot()
