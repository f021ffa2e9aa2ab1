"""Drive discord.py's real client without the network.

- REST: `discord.http.Route.BASE` points at a FakeDiscord server on 127.0.0.1, so login,
  command sync, posts and interaction callbacks go through the library's HTTP client.
- Gateway: captured dispatch payloads go through the library's ConnectionState parsers
  (`client._connection.parsers[t](d)`), exactly where the websocket would hand them over.
- Memory: a real embedded Valkey server via `open_store` (the root conftest's `store`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

# First, before anything imports discord.py: the package imports it with its audioop
# DeprecationWarning silenced, which warnings-as-errors would otherwise turn into a
# collection error.
import facilitator.adapters.discord  # noqa: F401

# isort: split
import discord
from discord_harness import Bot, MakeBot
from discord_payloads import APP_ID, BOT, load
from discord_wire import FakeDiscord

from facilitator.adapters.discord.adapter import DiscordAdapter
from facilitator.adapters.discord.options import DiscordOptions
from facilitator.config import Settings
from facilitator.engine import Engine, Outcome
from facilitator.events import ChatEvent
from facilitator.intake.delivery import Delivery
from facilitator.memory.store import RoomStore
from tests.policy_scenarios import EveryMovePolicy


@pytest.fixture
async def api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord(BOT, APP_ID, on_identify=[load("ready"), load("guild_create")])
    base = await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", base)
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
async def make_bot(api: FakeDiscord, store: RoomStore, settings: Settings
                   ) -> AsyncIterator[MakeBot]:
    made: list[DiscordAdapter] = []

    async def make(**options: Any) -> Bot:
        # A room that turned every move on: these tests are about Discord, not about which
        # moves a kind of room has on by default (tests/test_room_kinds.py).
        engine = Engine(store, EveryMovePolicy(), bot_id=settings.bot_name)
        delivery = Delivery(engine)
        events: list[ChatEvent] = []
        outcomes: list[Outcome] = []

        async def on_event(event: ChatEvent) -> Outcome:
            events.append(event)
            outcome = await delivery.handle(event)
            outcomes.append(outcome)
            return outcome

        adapter = DiscordAdapter(on_event, options=DiscordOptions(token="test-token", **options),
                                 store=store, guild_ready_timeout=0.01)
        made.append(adapter)
        # A loaded test machine must not turn direct answers into deferrals at random;
        # the deferral path has tests of its own that set this low.
        adapter.commands.defer_after = 30.0
        delivery.poster = adapter.post
        delivery.reacter = adapter.react
        await adapter.login()
        engine.bot_id = str(adapter.bot_id)  # as the runner does
        bot = Bot(adapter, engine, store, api, events, outcomes)
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
