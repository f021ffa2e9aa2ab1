"""The adapter interface: an event callback in, `post` out, and a lifecycle."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable

from facilitator.events import ChatEvent, RoomRef

EventCallback = Callable[[ChatEvent], Awaitable[object]]
log = logging.getLogger(__name__)


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


# Holding events while the store is down -------------------------------------------------
# Socket Mode and Discord cannot ask the platform to send an event again, so an event the
# engine could not process because the store was unreachable is retried, in order, by the
# room's worker (the rest of the room waits behind it: order is kept). What waits is bounded
# by the per-room queue caps of each adapter; beyond them events are counted and logged.

RETRY_FIRST_S = 0.05
RETRY_MAX_S = 5.0


class Delivery:
    """Hand events to the engine; hold and retry those the store could not take yet."""

    def __init__(self, handle: EventCallback, *, first_s: float = RETRY_FIRST_S,
                 max_s: float = RETRY_MAX_S) -> None:
        self.handle = handle
        self.first_s = first_s
        self.max_s = max_s
        self.retries = 0  # attempts repeated because the store was down
        self.failed = 0  # events given up on (not retryable, or stopped while waiting)
        self.held = 0  # events waiting for the store right now
        self.stopping = asyncio.Event()

    async def deliver(self, event: ChatEvent) -> object:
        delay = self.first_s
        waiting = False
        try:
            while True:
                outcome = await self.handle(event)
                if getattr(outcome, "processed", True):
                    return outcome
                if not getattr(outcome, "retryable", False):
                    self.failed += 1
                    log.error("room %s: event %s not processed: %s", event.room.key, event.id,
                              getattr(outcome, "error", None))
                    return outcome
                if self.stopping.is_set():
                    self.failed += 1
                    log.error("room %s: stopping while the store is down; event %s lost",
                              event.room.key, event.id)
                    return outcome
                if not waiting:
                    waiting = True
                    self.held += 1
                    log.warning("room %s: store unavailable; holding event %s and retrying",
                                event.room.key, event.id)
                self.retries += 1
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self.stopping.wait()
                delay = min(self.max_s, delay * 2)
        finally:
            if waiting:
                self.held -= 1
