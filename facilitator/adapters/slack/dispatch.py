"""Work after the ack: per-room ordered queues, per-channel post pacing, a thread index.

Slack wants an ack within 3 s, but the engine may call an LLM. So listeners only translate
and enqueue; one worker per room drains that room's queue in arrival order (the engine also
locks per room, but only a queue keeps the order in which events reached us). Rooms run
concurrently and independently.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[object]]
MAX_PENDING_PER_ROOM = 500  # a flood in one room must not eat the process's memory
# ...nor many rooms at once: while the store is down every room holds its events, and this
# bounds them all together.
MAX_PENDING_TOTAL = 20_000


class RoomQueues:
    def __init__(self, max_pending: int = MAX_PENDING_PER_ROOM,
                 max_total: int = MAX_PENDING_TOTAL) -> None:
        self.max_pending = max_pending
        self.max_total = max_total
        self._queues: dict[str, deque[Job]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self.pending = 0
        self.dropped = 0

    def submit(self, room: str, job: Job) -> bool:
        """Queue a job for the room; never blocks (listeners must return at once)."""
        queue = self._queues.setdefault(room, deque())
        if len(queue) >= self.max_pending or self.pending >= self.max_total:
            self.dropped += 1
            log.warning("room %s: %d jobs pending here, %d in all; dropping one", room,
                        len(queue), self.pending)
            if not queue:
                self._queues.pop(room, None)
            return False
        queue.append(job)
        self.pending += 1
        if room not in self._workers:
            self._workers[room] = asyncio.create_task(self._drain(room), name=f"slack-room:{room}")
        return True

    async def _drain(self, room: str) -> None:
        queue = self._queues[room]
        try:
            while queue:
                job = queue.popleft()
                self.pending -= 1
                try:
                    await job()
                except asyncio.CancelledError:
                    raise
                except Exception:  # one bad event must not stop the room
                    log.exception("room %s: event handling failed", room)
        finally:
            # No await between the loop's last check and here, so no job can slip in unseen.
            self._workers.pop(room, None)
            if not queue:
                self._queues.pop(room, None)

    async def join(self) -> None:
        """Wait until every queued job has run (jobs may queue more; those are waited for too)."""
        while self._workers:
            await asyncio.gather(*list(self._workers.values()), return_exceptions=True)

    async def close(self, grace_s: float) -> None:
        try:
            async with asyncio.timeout(grace_s):
                await self.join()
        except TimeoutError:
            log.warning("stopping with %d room queue(s) unfinished", len(self._workers))
        for task in list(self._workers.values()):
            task.cancel()
        await asyncio.gather(*list(self._workers.values()), return_exceptions=True)
        lost = sum(len(q) for q in self._queues.values())
        if lost:
            log.error("stopping: %d queued event(s) not handled", lost)
        self._queues.clear()
        self.pending = 0


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
