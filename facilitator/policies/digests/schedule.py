"""When each room's digest is due, kept in Redis so it survives restarts and is shared by
every worker; a claim per room and period makes sure one digest is posted, once.

`fac:digests:due`  sorted set: room key -> next due time (epoch seconds)
`fac:digests:ref`  hash: room key -> the RoomRef (JSON) to post to
`fac:{<room>}:digest:<period>`  the claim (SET NX, expires after a week and a day)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from pydantic import ValidationError
from redis.exceptions import RedisError

from facilitator.events import RoomRef
from facilitator.memory.keys import state_key
from facilitator.memory.state import DigestSchedule, RoomState
from facilitator.memory.store import RoomStore
from facilitator.policies.digests.compose import compose_digest

log = logging.getLogger(__name__)

DUE_KEY = "fac:digests:due"
REF_KEY = "fac:digests:ref"
CLAIM_TTL_S = 8 * 86400
DIGEST_HOUR_UTC = 9  # mornings in Europe, early for the Americas: configurable per deployment
TICK_S = 60.0

Poster = Callable[[RoomRef, str], Awaitable[str | None]]


def next_due(schedule: DigestSchedule, now: float, *, hour: int = DIGEST_HOUR_UTC) -> float | None:
    """The next digest time strictly after `now`: daily at `hour` UTC, weekly on Mondays."""
    if schedule == "off":
        return None
    at = datetime.fromtimestamp(now, UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    if at.timestamp() <= now:
        at += timedelta(days=1)
    if schedule == "weekly":
        at += timedelta(days=(7 - at.weekday()) % 7)
    return at.timestamp()


def period_of(schedule: DigestSchedule, due: float) -> str:
    day = datetime.fromtimestamp(due, UTC)
    if schedule == "weekly":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.strftime("%Y-%m-%d")


def claim_key(room_key: str, period: str) -> str:
    # Same hash tag as the room's state: one slot per room on a cluster.
    return state_key(room_key).removesuffix(":state") + f":digest:{period}"


class DigestScheduler:
    def __init__(self, store: RoomStore, poster: Poster | None = None, *, hour: int = DIGEST_HOUR_UTC,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.client = store.client
        self.poster = poster
        self.hour = hour
        self.clock = clock
        self.posted = 0

    async def set(self, room: RoomRef, schedule: DigestSchedule) -> float | None:
        """Schedule (or stop) the room's digests; returns the next due time."""
        if schedule == "off":
            await self.client.zrem(DUE_KEY, room.key)
            await self.client.hdel(REF_KEY, room.key)
            return None
        due = next_due(schedule, self.clock(), hour=self.hour)
        await self.client.hset(REF_KEY, room.key, room.model_dump_json())
        await self.client.zadd(DUE_KEY, {room.key: due})
        return due

    async def due_rooms(self, now: float) -> list[tuple[str, float]]:
        raw = await self.client.zrangebyscore(DUE_KEY, "-inf", now, withscores=True)
        return [(k.decode() if isinstance(k, bytes) else str(k), float(s)) for k, s in raw]

    async def run_due(self) -> int:
        """Post every digest that is due; returns how many this worker posted."""
        now = self.clock()
        posted = 0
        for room_key, due in await self.due_rooms(now):
            try:
                posted += await self._one(room_key, due, now)
            except (RedisError, OSError) as exc:
                log.error("digest for %s: store unavailable: %s", room_key, exc)
        return posted

    async def _one(self, room_key: str, due: float, now: float) -> int:
        raw_ref = await self.client.hget(REF_KEY, room_key)
        state = await self.store.get(room_key)
        try:
            ref = RoomRef.model_validate_json(raw_ref) if raw_ref else None
        except ValidationError:
            ref = None
        if ref is None or state is None or state.charter.digest == "off":
            await self.client.zrem(DUE_KEY, room_key)
            return 0
        schedule = state.charter.digest
        # Reschedule first: whoever gets here, the next period is due once, at one time.
        await self.client.zadd(DUE_KEY, {room_key: next_due(schedule, now, hour=self.hour) or now})
        period = period_of(schedule, due)
        if not await self.client.set(claim_key(room_key, period), "1", nx=True, ex=CLAIM_TTL_S):
            return 0  # another worker has this one
        if state.charter.paused:
            return 0
        text = compose_digest(state, since=state.last_digest_ts, scheduled=True)
        if text is None or self.poster is None:
            return 0
        try:
            await self.poster(ref, text)
        except Exception as exc:  # a platform failure must never stop the scheduler
            log.error("digest for %s could not be posted: %s", room_key, exc)
            return 0

        def mark(s: RoomState) -> None:
            s.last_digest_ts = now

        await self.store.update(room_key, mark)
        self.posted += 1
        return 1

    async def run(self, stop: asyncio.Event, tick_s: float = TICK_S) -> None:
        """Check for due digests every `tick_s` until `stop` is set."""
        while not stop.is_set():
            try:
                await self.run_due()
            except Exception:  # keep the loop alive; the next tick tries again
                log.exception("digest tick failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), tick_s)
