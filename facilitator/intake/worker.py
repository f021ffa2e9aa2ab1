"""The worker loop: own some shards, read their streams in order, decide, post once, XACK.

Ownership. Each shard has a lease key (SET NX PX) held by one worker and renewed every third
of its lifetime with a compare-and-extend script; only the holder reads the shard, so a
room's events are handled in stream order by one worker at a time. Live workers keep a
heartbeat in `fac:intake:<platform>:workers`; each takes at most its fair share (shards / live workers,
rounded up) and gives back what is over it, so rooms spread over every worker and a new
worker gets shards within a lease period. A worker that dies stops renewing; its leases run
out (`lease_ms`) and other workers take the shards over.

Takeover. The new owner first XAUTOCLAIMs every entry left pending in the group (the old
owner read them but never acknowledged them), then reads its own pending entries from the
start, in order, before any new one. An entry is acknowledged only after the engine saved
its decision and the post, if any, was made (or found already made): at-least-once delivery,
with the engine's per-room `seen` set turning a second delivery into a no-op and the delivery's
posts ledger (facilitator.intake.delivery) keeping a second delivery from posting twice. While
the store is down an entry is retried as every delivery retries (`Holding`), until the shard
moves to another worker.

Poison. An entry the engine (or posting) raises on is tried again in place, after a backoff
(RETRY_FIRST_S doubling up to RETRY_MAX_S), so the room's order holds; the shard's other rooms
wait meanwhile. Attempts are recorded in the shard's attempts hash (facilitator.intake.dead):
a redelivered entry's attempt is recorded before it runs, so an entry that kills its worker
each time is bounded too (a fresh entry's first attempt is recorded only when it fails: no
round trip on the way everything else takes). After `IntakeConfig.attempts` attempts the
entry goes to the shard's dead letters with its error, is acknowledged in the same script and
counted (`facilitator_dead_letters_total`), and the shard goes on with the next entry. Store
errors are not the event's fault: they stop the shard as before and are not counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import secrets
import socket
import time
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError
from redis.exceptions import RedisError

from facilitator.engine import Engine, Outcome
from facilitator.events import ChatEvent
from facilitator.intake.dead import DeadLetters
from facilitator.intake.delivery import Delivery, Holding
from facilitator.intake.posts import Ledger, Sender
from facilitator.intake.streams import FIELD, GROUP, Intake, workers_key
from facilitator.memory.store import lua_script

log = logging.getLogger(__name__)

DEFAULT_LEASE_MS = 5000
BATCH = 64
VALID_SHARE = 0.8  # of a lease's time to live that a worker counts on
RETRY_FIRST_S = 0.1  # backoff between attempts at an entry that raised ...
RETRY_MAX_S = 2.0  # ... doubling up to this
RENEW = lua_script("lease_renew")
RELEASE = lua_script("lease_release")


# Completes an event before the engine sees it (Slack: the author's name, looked up after the
# platform was acknowledged); None drops it. Failures keep the event as it was queued.
Prepare = Callable[[ChatEvent], Awaitable[ChatEvent | None]]


def worker_name() -> str:
    """Unique per process: host, pid and a random part (a restarted pid gets a new name)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class Worker:
    def __init__(self, intake: Intake, engine: Engine, sender: Sender | None = None, *,
                 name: str | None = None, lease_ms: int = DEFAULT_LEASE_MS,
                 block_ms: int = 500, batch: int = BATCH, prepare: Prepare | None = None,
                 retry_first_s: float = RETRY_FIRST_S, retry_max_s: float = RETRY_MAX_S) -> None:
        if sender is not None and sender.name != intake.platform:
            raise ValueError(f"a {sender.name} sender for the {intake.platform} intake")
        self.intake = intake
        self.client = intake.client
        self.engine = engine
        self.sender = sender
        self.metrics = intake.metrics
        self.name = name or worker_name()
        self.lease_ms = lease_ms
        self.block_ms = block_ms
        self.batch = batch
        # Decided with the store-down retry of every delivery; posted once (the ledger).
        self.holding = Holding(self._decide)
        self.delivery = None if sender is None else Delivery(
            engine, sender=sender, ledger=Ledger(self.client), metrics=self.metrics)
        self.workers_key = workers_key(intake.platform)
        self.prepare = prepare
        self.handled = 0  # entries acknowledged by this worker
        self.invalid = 0  # entries that were not events (acknowledged, logged)
        self.dead = DeadLetters(self.client, platform=intake.platform, shards=intake.shards,
                                maxlen=intake.config.maxlen)
        self.max_attempts = intake.config.attempts
        self.retry_first_s = retry_first_s
        self.retry_max_s = retry_max_s
        self.dead_lettered = 0  # entries this worker moved to the dead letters
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._losing: set[int] = set()  # shards to hand back once the current entry is done
        # Until when (monotonic clock) each lease is surely ours: measured from before the
        # command that set or extended it, with a margin for clock drift between machines.
        self._valid_until: dict[int, float] = {}
        self._renew = self.client.register_script(RENEW)
        self._release = self.client.register_script(RELEASE)

    # ------------------------------------------------------------------ ownership

    @property
    def owned(self) -> list[int]:
        return sorted(self._tasks)

    async def run(self, stop: asyncio.Event) -> None:
        """Own shards and consume them until `stop` is set; then hand them back."""
        # The lease loop ends on its own flag, not by cancel(): a cancel that lands while a
        # command is inside the cluster client can be lost there (the call comes back as a
        # RedisError), and a loop stopped only by cancel() then renews forever while `run`
        # waits for it (the suite hung on this for 22 minutes).
        closed = asyncio.Event()
        renewing = asyncio.create_task(self._renew_loop(closed), name="intake-leases")
        try:
            while not stop.is_set():
                try:
                    await self._tick()
                except RedisError as exc:
                    log.warning("intake: store unavailable for leases: %s", exc)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.lease_ms / 3000):
                        await stop.wait()
        finally:
            await self._shutdown()
            closed.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(renewing), timeout=self.lease_ms / 1000)
            if not renewing.done():
                renewing.cancel()
                await asyncio.wait([renewing], timeout=self.lease_ms / 1000)

    async def _renew_loop(self, closed: asyncio.Event) -> None:
        """Extend every lease we hold, on its own clock: a busy tick must not let one lapse.
        Runs until the worker has handed every shard back (`closed`)."""
        while not closed.is_set():
            for shard in list(self._tasks):
                sent = time.monotonic()
                try:
                    held = await self._renew(keys=[self.intake.lease(shard)],
                                             args=[self.name, self.lease_ms])
                except (RedisError, OSError) as exc:
                    log.warning("intake: cannot renew the lease on shard %s: %s",
                                self.intake.tag(shard), exc)
                    continue
                if held:
                    self._valid_until[shard] = sent + VALID_SHARE * self.lease_ms / 1000
                elif shard in self._tasks and shard not in self._losing:
                    log.warning("intake: lost the lease on shard %s", self.intake.tag(shard))
                    self._losing.add(shard)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(closed.wait(), timeout=self.lease_ms / 4000)

    def held_now(self, shard: int) -> bool:
        """Fencing without a round trip, before each event: a worker whose lease may have
        lapsed (paused, starved) stops and leaves the entry to the next owner."""
        return shard not in self._losing and time.monotonic() < self._valid_until.get(shard, 0)

    async def holds(self, shard: int) -> bool:
        """Fencing with a look at the lease itself, right before posting."""
        if not self.held_now(shard):
            return False
        held = await self.client.get(self.intake.lease(shard))
        return held is not None and _text(held) == self.name

    async def _tick(self) -> None:
        now_ms = int(time.time() * 1000)
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.zadd(self.workers_key, {self.name: now_ms + self.lease_ms})
            pipe.zremrangebyscore(self.workers_key, "-inf", now_ms)
            pipe.zcard(self.workers_key)
            _, _, live = await pipe.execute()
        fair = math.ceil(self.intake.shards / max(1, int(live)))
        for shard, task in list(self._tasks.items()):
            if task.done():
                self._forget(shard)
        # Over the fair share: hand back the shards taken last (their consumers stop after
        # the entry in hand; the lease is released then).
        keep = len([s for s in self._tasks if s not in self._losing])
        for shard in sorted(self._tasks, reverse=True):
            if keep <= fair:
                break
            if shard not in self._losing:
                self._losing.add(shard)
                keep -= 1
        if keep >= fair:
            self.metrics.shards_owned.set(len(self._tasks))
            return
        # Under it: try free shards, starting at a place of our own so workers spread out.
        start = zlib.crc32(self.name.encode()) % self.intake.shards
        for i in range(self.intake.shards):
            if keep >= fair:
                break
            shard = (start + i) % self.intake.shards
            if shard in self._tasks:
                continue
            sent = time.monotonic()
            if await self.client.set(self.intake.lease(shard), self.name, nx=True, px=self.lease_ms):
                self._valid_until[shard] = sent + VALID_SHARE * self.lease_ms / 1000
                self._tasks[shard] = asyncio.create_task(self._consume(shard),
                                                         name=f"intake-{self.intake.tag(shard)}")
                keep += 1
                log.info("intake: %s took shard %s", self.name, self.intake.tag(shard))
        self.metrics.shards_owned.set(len(self._tasks))

    def _forget(self, shard: int) -> None:
        self._tasks.pop(shard, None)
        self._losing.discard(shard)

    async def _shutdown(self) -> None:
        self._losing.update(self._tasks)
        tasks = list(self._tasks.items())
        for _, task in tasks:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(task), timeout=10)
            if not task.done():
                task.cancel()
        await asyncio.gather(*(t for _, t in tasks), return_exceptions=True)
        with contextlib.suppress(RedisError, OSError):
            await self.client.zrem(self.workers_key, self.name)

    # ------------------------------------------------------------------ consuming

    async def _consume(self, shard: int) -> None:
        key = self.intake.stream(shard)
        try:
            await self.intake.ensure_group(shard)
            await self._claim_pending(shard)
            cursor = "0"  # our own pending entries first, in order, then new ones (">")
            while shard not in self._losing:
                with self.metrics.store_op("xreadgroup"):
                    reply = await self.client.xreadgroup(
                        GROUP, self.name, {key: cursor}, count=self.batch,
                        block=None if cursor == "0" else self.block_ms)
                entries = reply[0][1] if reply else []
                if cursor == "0" and not entries:
                    cursor = ">"
                    continue
                for entry_id, fields in entries:
                    if not self.held_now(shard) or not await self._process(
                            key, _text(entry_id), fields, shard, redelivered=cursor == "0"):
                        self._losing.add(shard)  # stop here: the entry stays for the next owner
                        break
                if cursor == "0" and len(entries) < self.batch:
                    cursor = ">"
        except (RedisError, OSError) as exc:
            log.warning("intake: shard %s stopped: %s", self.intake.tag(shard), exc)
            await asyncio.sleep(self.lease_ms / 5000)
        except Exception:  # a bug must not leave the shard leased to a silent task
            log.exception("intake: shard %s stopped", self.intake.tag(shard))
        finally:
            self._tasks.pop(shard, None)
            self._losing.discard(shard)
            self._valid_until.pop(shard, None)
            with contextlib.suppress(RedisError, OSError):
                await self._release(keys=[self.intake.lease(shard)], args=[self.name])

    async def _claim_pending(self, shard: int) -> None:
        """Take over what earlier owners of this shard read and never acknowledged."""
        key = self.intake.stream(shard)
        start = "0-0"
        while True:
            with self.metrics.store_op("xautoclaim"):
                # Not JUSTID: redis-py then drops the cursor from the reply.
                reply = await self.client.xautoclaim(key, GROUP, self.name, min_idle_time=0,
                                                     start_id=start, count=500)
            start = _text(reply[0])
            if reply[1]:
                log.info("intake: %s took over %d pending entries of shard %s", self.name,
                         len(reply[1]), self.intake.tag(shard))
            if start == "0-0":
                return

    async def _process(self, key: str, entry_id: str, fields: Any, shard: int, *,
                       redelivered: bool) -> bool:
        """Handle one entry: True when it is done with (acknowledged), False when the shard
        is no longer ours and the entry stays for the next owner."""
        raw = fields.get(FIELD) if isinstance(fields, dict) else None
        try:
            event = ChatEvent.model_validate_json(raw) if raw is not None else None
        except ValidationError as exc:
            event = None
            log.warning("intake: entry %s is not an event: %s", entry_id,
                        exc.errors(include_input=False)[0]["msg"])
        if event is None:
            # Never blocks the shard; nothing a retry could fix.
            self.invalid += 1
            await self._ack(key, entry_id)
            return True
        # Attempts recorded so far, this one included when it is recorded before it runs.
        attempts = await self.dead.count(shard, entry_id) if redelivered else 0
        if attempts > self.max_attempts:
            return await self._bury(shard, entry_id, fields, event, attempts - 1,
                                    "no attempt finished (the worker stopped or died during "
                                    "each)")
        delay = self.retry_first_s
        while True:
            try:
                done = await self._attempt(key, entry_id, event, shard, counted=attempts > 0)
            except (RedisError, OSError):
                # The store, not the event: not an attempt. The shard stops and is taken again.
                if attempts > 0:
                    with contextlib.suppress(RedisError, OSError):
                        await self.dead.count(shard, entry_id, -1)
                raise
            except Exception as exc:  # whatever the event makes the code raise
                if attempts == 0:
                    attempts = await self.dead.count(shard, entry_id)
                self.metrics.attempts_failed.labels(self.intake.platform).inc()
                if attempts >= self.max_attempts:
                    return await self._bury(shard, entry_id, fields, event, attempts,
                                            f"{type(exc).__name__}: {exc}", exc)
                log.warning("intake: event %s of room %s (entry %s) failed, attempt %d of %d: "
                            "%s: %s; again in %.2f s", event.id, event.room.key, entry_id,
                            attempts, self.max_attempts, type(exc).__name__, exc, delay)
                await asyncio.sleep(delay)
                delay = min(self.retry_max_s, delay * 2)
                if not self.held_now(shard):
                    return False  # the new owner goes on counting from what is recorded
                attempts = await self.dead.count(shard, entry_id)
                continue
            if not done and attempts > 0:
                # Stopped because the shard moved, not because of the event: not an attempt.
                with contextlib.suppress(RedisError, OSError):
                    await self.dead.count(shard, entry_id, -1)
            return done

    async def _attempt(self, key: str, entry_id: str, event: ChatEvent, shard: int, *,
                       counted: bool) -> bool:
        if self.prepare is not None:
            try:
                prepared = await self.prepare(event)
            except Exception as exc:  # a lookup that failed leaves the event as queued
                log.warning("room %s: could not complete event %s: %s", event.room.key,
                            event.id, exc)
                prepared = event
            if prepared is None:
                await self._ack(key, entry_id, shard if counted else None)
                return True
            event = prepared
        outcome = await self.holding.deliver(event, stay=lambda: self.held_now(shard))
        if not outcome.processed and outcome.retryable:
            return False  # the shard moved while the store was down: the new owner has it
        self.metrics.observe_outcome(outcome)
        if outcome.processed and (outcome.decision.speak or outcome.duplicate):
            if not await self.holds(shard):
                return False  # the new owner takes this entry over, post included
            if self.delivery is not None:
                await self.delivery.post(event, outcome)
        await self._ack(key, entry_id, shard if counted else None)
        return True

    async def _bury(self, shard: int, entry_id: str, fields: Any, event: ChatEvent,
                    attempts: int, error: str, exc: BaseException | None = None) -> bool:
        """Move the entry to the dead letters (acknowledged in the same script) and go on."""
        moved = await self.dead.bury(shard, entry_id, fields, error=error, attempts=attempts,
                                     lease=self.intake.lease(shard), owner=self.name)
        if moved is None:
            return False  # acknowledged elsewhere, or no longer our shard: nothing to do here
        self.dead_lettered += 1
        self.handled += 1
        self.metrics.dead_letters.labels(self.intake.platform).inc()
        log.error("intake: event %s of room %s dead-lettered after %d attempt(s): %s (entry %s "
                  "is now %s/%s; `facilitator intake dead show` has it)", event.id,
                  event.room.key, attempts, error, entry_id, self.intake.tag(shard), moved,
                  exc_info=exc)
        return True

    async def _decide(self, event: ChatEvent) -> Outcome:
        start = time.perf_counter()
        outcome = await self.engine.handle(event)
        self.metrics.decide_seconds.observe(time.perf_counter() - start)
        if not outcome.processed and outcome.retryable:
            self.metrics.store_errors.labels("handle").inc()
        return outcome

    async def _ack(self, key: str, entry_id: str, counted: int | None = None) -> None:
        """Acknowledge; `counted` (the shard) also clears the entry's recorded attempts."""
        with self.metrics.store_op("xack"):
            if counted is None:
                await self.client.xack(key, GROUP, entry_id)
            else:
                async with self.client.pipeline(transaction=False) as pipe:
                    pipe.xack(key, GROUP, entry_id)
                    pipe.hdel(self.dead.attempts(counted), entry_id)
                    await pipe.execute()
        self.handled += 1
