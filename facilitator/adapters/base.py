"""The adapter interface: an event callback in, `post` out, and a lifecycle."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable

from facilitator.events import ChatEvent, RoomRef

EventCallback = Callable[[ChatEvent], Awaitable[object]]


class Adapter(ABC):
    """Translate only: no policy here. Ack the platform fast and hand events to `on_event`."""

    name: str = "adapter"

    def __init__(self, on_event: EventCallback) -> None:
        self.on_event = on_event

    @abstractmethod
    async def start(self) -> None:
        """Connect and begin delivering events; returns once connected."""

    @abstractmethod
    async def post(self, room: RoomRef, text: str) -> str | None:
        """Post the bot's message; returns the platform's message id when it has one."""

    @abstractmethod
    async def stop(self) -> None:
        """Disconnect; idempotent."""
