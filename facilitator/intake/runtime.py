"""How a run mode wires adapter, engine, metrics and (optionally) the streams intake.

`FACILITATOR_INTAKE=streams` (the container files set it): the adapter appends each event to
the intake stream and the platform is acknowledged only after that; a worker in the same
process (and every other process on the same store) consumes the streams, decides and posts.
Unset (`direct`, one process on one machine): the adapter hands events to the engine in
memory, as before; `/metrics` is served either way. Both modes post through the one delivery
(facilitator.intake.delivery).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from redis.exceptions import RedisError

from facilitator.config import Settings
from facilitator.engine import Engine, Outcome
from facilitator.events import ChatEvent
from facilitator.intake.dead import DeadLetters
from facilitator.intake.delivery import Delivery
from facilitator.intake.posts import Sender
from facilitator.intake.streams import Intake, IntakeConfig
from facilitator.intake.worker import Prepare, Worker
from facilitator.memory.store import RoomStore
from facilitator.web.metrics import Metrics, measure_llm, store_pinger

log = logging.getLogger(__name__)
MODES = ("direct", "streams")


def intake_mode(settings: Settings | Mapping[str, str]) -> str:
    """FACILITATOR_INTAKE: `direct` or `streams` (checked by Settings)."""
    if not isinstance(settings, Settings):
        settings = Settings.from_env(settings)
    return settings.intake


@dataclass(slots=True)
class Queued:
    """What the adapter's delivery sees for an event appended to the stream."""

    processed: bool = True
    retryable: bool = False
    error: str | None = None


@dataclass
class Pipeline:
    metrics: Metrics
    engine: Engine
    # Direct mode's posts (the runner sets `delivery.poster` to the adapter's post); the streams
    # worker has its own, posting once through the ledger.
    delivery: Delivery
    intake: Intake | None = None
    worker: Worker | None = None
    _task: asyncio.Task[None] | None = field(default=None, repr=False)
    _stop: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def streams(self) -> bool:
        return self.intake is not None

    async def on_event(self, event: ChatEvent) -> Outcome | Queued:
        """The adapter's callback: into the stream, or straight to the engine."""
        if self.intake is not None:
            try:
                await self.intake.append(event)
            except (RedisError, OSError) as exc:
                # Not acknowledged: Slack redelivers, Discord's delivery holds and retries.
                log.error("room %s: cannot queue event %s: %s", event.room.key, event.id, exc)
                return Queued(processed=False, retryable=True, error=str(exc))
            return Queued()
        self.metrics.events.labels(event.room.platform, event.kind.value).inc()
        start = time.perf_counter()
        outcome = await self.engine.handle(event)
        self.metrics.decide_seconds.observe(time.perf_counter() - start)
        self.metrics.observe_outcome(outcome)
        if not outcome.processed and outcome.retryable:
            self.metrics.store_errors.labels("handle").inc()
        await self.delivery.post(event, outcome)
        return outcome

    async def append(self, event: ChatEvent) -> None:
        """For listeners that acknowledge after this returns: raises when not queued."""
        assert self.intake is not None
        await self.intake.append(event)

    def start(self, sender: Sender, prepare: Prepare | None = None) -> None:
        """Streams mode: start this process's worker (posting through `sender`)."""
        if self.intake is None:
            return
        self.worker = Worker(self.intake, self.engine, sender, prepare=prepare)
        self._task = asyncio.create_task(self.worker.run(self._stop), name="intake-worker")

    async def stop(self) -> None:
        self._stop.set()
        task, self._task = self._task, None
        if task is not None:
            with contextlib.suppress(Exception):
                await task

    def details(self) -> dict[str, int]:
        """For /readyz."""
        if self.worker is None:
            return {}
        return {"intake_handled": self.worker.handled, "intake_shards": len(self.worker.owned),
                "intake_dead_lettered": self.worker.dead_lettered}


def build_pipeline(store: RoomStore, engine: Engine, *, platform: str,
                   metrics: Metrics | None = None, settings: Settings | None = None,
                   env: Mapping[str, str] | None = None) -> Pipeline:
    """`settings` decide the intake (or, in tests, `env`: a mapping of variables)."""
    if settings is None:
        settings = Settings.from_env(env or {})
    metrics = metrics or Metrics()
    metrics.watch_store(store_pinger(store.client))
    measure_llm(engine.policy, metrics)
    intake = None
    if settings.intake == "streams":
        intake = Intake(store.client, IntakeConfig.from_settings(settings),
                        platform=platform, metrics=metrics)
        metrics.watch_streams(intake.stream_rows)
        metrics.watch_dead(DeadLetters(store.client, platform=platform, shards=intake.shards,
                                       maxlen=intake.config.maxlen).lengths)
    return Pipeline(metrics=metrics, engine=engine, intake=intake,
                    delivery=Delivery(engine, metrics=metrics, platform=platform))
