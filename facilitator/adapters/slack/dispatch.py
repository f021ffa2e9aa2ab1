"""Work after the ack: per-channel post pacing and a thread index. (The per-room ordered
queues are every platform's lane pool, facilitator.adapters.lanes.)
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Hashable


class ChannelPacer:
    """At most one post per `interval` seconds per channel (Slack's chat.postMessage limit)."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._last: dict[Hashable, float] = {}

    @contextlib.asynccontextmanager
    async def slot(self, channel: Hashable) -> AsyncIterator[None]:
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            wait = self._last.get(channel, float("-inf")) + self.interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                yield
            finally:
                self._last[channel] = time.monotonic()
        if len(self._last) > 10_000:
            self._prune()

    def _prune(self) -> None:
        cutoff = time.monotonic() - self.interval
        for key in [k for k, t in self._last.items() if t < cutoff]:
            lock = self._locks.get(key)
            if lock is None or not lock.locked():
                self._last.pop(key, None)
                self._locks.pop(key, None)


class ThreadIndex:
    """Which thread a recent message belongs to: reactions only name the message's ts."""

    def __init__(self, capacity: int = 50_000) -> None:
        self.capacity = capacity
        self._threads: OrderedDict[tuple[str, str, str], str | None] = OrderedDict()

    def remember(self, team: str, channel: str, ts: str, thread: str | None) -> None:
        key = (team, channel, ts)
        self._threads[key] = thread
        self._threads.move_to_end(key)
        while len(self._threads) > self.capacity:
            self._threads.popitem(last=False)

    def get(self, team: str, channel: str, ts: str) -> str | None:
        return self._threads.get((team, channel, ts))
