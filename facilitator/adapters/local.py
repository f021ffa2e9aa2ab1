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
    react: str | None = None  # a reaction (its emoji's name) on the message `react_to`
    react_to: str | None = None


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

    async def react(self, room: RoomRef, message_id: str, emoji: str) -> None:
        """Put a reaction on a message; shown in the chat as the bot's reaction."""
        post = Post(id=f"local-reaction-{next(self._ids)}", room=room, text="", react=emoji,
                    react_to=message_id)
        self.history.append(post)
        await self.posts.put(post)

    def pop_all(self) -> list[Post]:
        """Every post and reaction not yet read, oldest first."""
        out: list[Post] = []
        while (post := self.pop()) is not None:
            out.append(post)
        return out

    def pop(self) -> Post | None:
        """The oldest post not yet read, or None."""
        try:
            return self.posts.get_nowait()
        except asyncio.QueueEmpty:
            return None

    async def stop(self) -> None:
        self.running = False
