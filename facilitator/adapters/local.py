"""An in-process chat backend for simulation, replay and tests (errbot's test backend idea)."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass

from facilitator.adapters.base import Adapter, EventCallback
from facilitator.events import ChatEvent, RoomRef


@dataclass(frozen=True, slots=True)
class Post:
    id: str
    room: RoomRef
    text: str


class LocalAdapter(Adapter):
    name = "local"

    def __init__(self, on_event: EventCallback) -> None:
        super().__init__(on_event)
        self.posts: asyncio.Queue[Post] = asyncio.Queue()
        self.history: list[Post] = []
        self._ids = itertools.count(1)
        self.running = False

    async def start(self) -> None:
        self.running = True

    async def push(self, event: ChatEvent) -> object:
        """Deliver one event as if a member sent it; returns what the callback returned."""
        if not self.running:
            raise RuntimeError("local adapter not started")
        return await self.on_event(event)

    async def post(self, room: RoomRef, text: str) -> str:
        post = Post(id=f"local-post-{next(self._ids)}", room=room, text=text)
        self.history.append(post)
        await self.posts.put(post)
        return post.id

    def pop(self) -> Post | None:
        """The oldest post not yet read, or None."""
        try:
            return self.posts.get_nowait()
        except asyncio.QueueEmpty:
            return None

    async def stop(self) -> None:
        self.running = False
