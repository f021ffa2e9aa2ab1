"""One FIFO lane per room, for every platform: a room's work runs in arrival order, rooms in
parallel.

Platforms want a fast answer (Slack acks within 3 s; discord.py runs each gateway event as its
own task) while the engine may wait on a model. So listeners only translate and `submit`; a
lane's worker, which exists only while the lane has work, hands the items on one at a time
(the engine also locks per room, but only a queue keeps the order in which events reached
us). One failing item is logged and never stops its room. Lanes are bounded, one by one and
all together (while the store is down every room holds its events): beyond the caps the
newest items are dropped and counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

# A room flooding faster than it can be handled loses its newest events, not the bot.
MAX_PENDING_PER_LANE = 1000
# ...and all lanes together are bounded too (while the store is down every room holds events).
MAX_PENDING_TOTAL = 20_000

Job = Callable[[], Awaitable[object]]


async def run_job(job: Job) -> object:
    """The handler of a pool whose items are jobs (`Lanes(run_job)`)."""
    return await job()


class Lanes(Generic[T]):
    def __init__(self, handle: Callable[[T], Awaitable[object]], *,
                 cap: int = MAX_PENDING_PER_LANE, total_cap: int = MAX_PENDING_TOTAL,
                 name: str = "lane") -> None:
        self._handle = handle
        self._cap = cap
        self._total_cap = total_cap
        self._name = name  # the workers' task names: "<name>:<key>"
        self._queued = 0
        self._lanes: dict[str, deque[T]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._idle = asyncio.Event()
        self._idle.set()
        self.dropped = 0

    def submit(self, key: str, item: T) -> bool:
        """Queue `item` on lane `key` without waiting; False when the lane is full."""
        lane = self._lanes.setdefault(key, deque())
        if len(lane) >= self._cap or self._queued >= self._total_cap:
            self.dropped += 1
            log.warning("lane %s is full (%d pending here, %d in all); dropping an event", key,
                        len(lane), self._queued)
            if not lane and key not in self._workers:
                self._lanes.pop(key, None)
            return False
        lane.append(item)
        self._queued += 1
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._work(key), name=f"{self._name}:{key}")
            self._idle.clear()
        return True

    async def _work(self, key: str) -> None:
        lane = self._lanes[key]
        try:
            while lane:
                item = lane.popleft()
                self._queued -= 1
                try:
                    await self._handle(item)
                except Exception:  # one bad event must not stop the room
                    log.exception("lane %s: handling an event failed", key)
        finally:
            # No await between the empty check and here: a submit cannot slip in between.
            self._workers.pop(key, None)
            self._queued -= len(lane)  # left unhandled when cancelled at close
            self._lanes.pop(key, None)
            if not self._workers:
                self._idle.set()

    @property
    def pending(self) -> int:
        """Items waiting or being handled."""
        return self._queued + len(self._workers)

    async def drain(self) -> None:
        """Wait until every lane is empty and idle (items queued by items included)."""
        await self._idle.wait()

    async def close(self, grace_s: float = 5.0) -> None:
        """Let queued work finish for up to `grace_s`, then cancel what is left."""
        try:
            await asyncio.wait_for(self.drain(), grace_s)
        except TimeoutError:
            log.warning("stopping with %d lane(s) unfinished", len(self._workers))
        lost = self._queued
        workers = list(self._workers.values())
        for task in workers:
            task.cancel()
        for task in workers:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if lost:
            log.error("stopping: %d queued event(s) not handled", lost)
