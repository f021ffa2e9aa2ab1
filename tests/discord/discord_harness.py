"""A logged-in DiscordAdapter whose gateway is fed by hand (imported by tests as `discord_harness`,
a unique name, since several test folders have a `conftest`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import discord
from discord_payloads import load
from discord_wire import FakeDiscord

from facilitator.adapters.discord.adapter import DiscordAdapter
from facilitator.engine import Engine, Outcome
from facilitator.events import ChatEvent
from facilitator.memory.store import RoomStore


@dataclass
class Bot:
    adapter: DiscordAdapter
    engine: Engine
    store: RoomStore
    api: FakeDiscord
    events: list[ChatEvent] = field(default_factory=list)  # what reached the engine
    outcomes: list[Outcome] = field(default_factory=list)

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
