"""Prometheus metrics: one `Metrics` object (with its own `CollectorRegistry`) per process.

No module-level registry: a process builds one `Metrics`, hands it to whatever counts (the
intake, the worker, the runners) and to `route_groups`, which serves it on `/metrics`.
Label sets are bounded: platforms and event kinds come from enums, interventions from the
repertoire, silence reasons are folded into a few categories (`silence_category`), store
operations are a fixed list named in the code.

What is read at scrape time (collectors, not counters): the intake streams' length and
pending count, the dead letters stored per shard, one timed PING of the store, and the LLM
circuit breaker's state and counters.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from facilitator.policies.llm.breaker import CircuitBreaker

log = logging.getLogger(__name__)

# Silence reasons are free text (they name members and numbers): never a label as they are.
SILENCE_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("duplicate", ("duplicate",)),
    ("bot_event", ("bot's", "a bot", "not a human")),
    ("paused", ("paused",)),
    ("store", ("store unavailable", "quarantined")),
    ("llm", ("llm", "empty reply", "nothing to say")),
    ("reply_limit", ("reply limit",)),
    ("budget", ("budget", "cooldown", "twice in a row", "busy channel", "recently")),
    ("not_addressed", ("not addressed",)),
    ("too_early", ("too early", "early in the conversation")),
    ("event_kind", ("event",)),
)
OTHER = "no_moment"


def silence_category(reason: str) -> str:
    """A bounded label for a free-text silence reason."""
    low = reason.lower()
    for category, needles in SILENCE_CATEGORIES:
        if any(needle in low for needle in needles):
            return category
    return OTHER


# Something that returns (length, pending) for every intake stream, read at scrape time.
StreamProbe = Callable[[], Awaitable[list[tuple[str, int, int]]]]
DeadProbe = Callable[[], Awaitable[list[tuple[str, int]]]]  # (shard, dead letters stored)
StoreTimer = Callable[[], Awaitable[float]]
Rows = TypeVar("Rows")

# The unlabelled gauges set at scrape time (the store's PING, the LLM circuit breaker's state
# and counters) or once when the model is measured (the room budget): (attribute, name, help).
SCRAPED_GAUGES: tuple[tuple[str, str, str], ...] = (
    ("store_ping", "facilitator_store_ping_seconds",
     "One PING at scrape time (NaN when the store does not answer)"),
    ("llm_circuit_open", "facilitator_llm_circuit_open",
     "1 while the LLM circuit breaker keeps the model off (the offline rules decide meanwhile)"),
    ("llm_fallbacks", "facilitator_llm_fallbacks",
     "Moments the offline rules decided because the LLM failed, answered something unusable "
     "or was switched off (since start)"),
    ("llm_rejected", "facilitator_llm_rejected",
     "LLM answers the guard or the sanity check refused (since start)"),
    ("llm_room_budget", "facilitator_llm_room_budget",
     "Model calls each room may make per hour (FACILITATOR_LLM_CALLS_PER_HOUR); past it the "
     "offline rules decide"),
    ("llm_over_budget", "facilitator_llm_over_budget",
     "Moments decided without the model because the room's budget of calls was spent "
     "(since start)"),
)


class Metrics:
    """The counters of one process. Everything is labelled; nothing is global."""

    # Made from SCRAPED_GAUGES in __init__.
    store_ping: Gauge
    llm_circuit_open: Gauge
    llm_fallbacks: Gauge
    llm_rejected: Gauge
    llm_room_budget: Gauge
    llm_over_budget: Gauge

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.events = Counter("facilitator_events", "Events taken in, by platform and kind",
                              ["platform", "kind"], registry=r)
        self.decisions = Counter("facilitator_decisions", "Interventions the bot decided on",
                                 ["intervention"], registry=r)
        self.silences = Counter("facilitator_silences", "Events the bot let pass, by category "
                                "of reason", ["reason"], registry=r)
        self.llm_calls = Counter("facilitator_llm_calls", "LLM calls made by the policy",
                                 registry=r)
        self.llm_errors = Counter("facilitator_llm_errors", "LLM calls that failed",
                                  registry=r)
        self.llm_tokens = Counter("facilitator_llm_tokens", "LLM tokens", ["direction"],
                                  registry=r)
        self.llm_seconds = Histogram("facilitator_llm_seconds", "Latency of one LLM call",
                                     registry=r, buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30))
        self.decide_seconds = Histogram(
            "facilitator_event_seconds", "Time to handle one event (store, read, policy)",
            registry=r, buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5))
        self.store_seconds = Histogram(
            "facilitator_store_seconds", "Latency of store operations", ["op"], registry=r,
            buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1))
        self.store_errors = Counter("facilitator_store_errors", "Store operations that failed",
                                    ["op"], registry=r)
        self.posts = Counter("facilitator_posts", "Messages the bot posted", ["platform"],
                             registry=r)
        self.posts_failed = Counter("facilitator_posts_failed", "Posts the platform refused or "
                                    "that could not be sent", ["platform"], registry=r)
        self.reactions = Counter("facilitator_reactions", "Reactions the bot put on a message "
                                 "(the lighter form of a move)", ["platform"], registry=r)
        self.posts_recovered = Counter(
            "facilitator_posts_recovered", "Posts found already made when a worker took over "
            "an event (not posted again)", ["platform"], registry=r)
        self.stream_length = Gauge("facilitator_stream_length", "Entries in an intake stream",
                                   ["shard"], registry=r)
        self.stream_pending = Gauge("facilitator_stream_pending", "Entries read but not yet "
                                    "acknowledged in an intake stream", ["shard"], registry=r)
        self.attempts_failed = Counter(
            "facilitator_intake_attempts_failed", "Attempts at an intake entry that raised (the "
            "entry is tried again, or dead-lettered after the last)", ["platform"], registry=r)
        self.dead_letters = Counter(
            "facilitator_dead_letters", "Intake entries moved to the dead letters after their "
            "last attempt failed (alert on any: deploy/OPERATIONS.md)", ["platform"], registry=r)
        self.dead_stored = Gauge("facilitator_dead_letters_stored", "Dead letters waiting in a "
                                 "shard (`facilitator intake dead list`)", ["shard"], registry=r)
        self.shards_owned = Gauge("facilitator_shards_owned", "Intake shards this worker owns",
                                  registry=r)
        for attribute, name, doc in SCRAPED_GAUGES:
            setattr(self, attribute, Gauge(name, doc, registry=r))
        self._streams: StreamProbe | None = None
        self._dead: DeadProbe | None = None
        self._ping: StoreTimer | None = None
        self._breaker: CircuitBreaker | None = None
        self._judge: CircuitBreaker | None = None
        self.llm_measured = False  # True once calls are timed at the provider (no double count)

    # ---------------------------------------------------------------- recording helpers

    def observe_outcome(self, outcome: object) -> None:
        """Count an engine `Outcome` (duck-typed: no import of the engine here)."""
        decision = getattr(outcome, "decision", None)
        if decision is None:
            return
        speak = getattr(decision, "speak", False)
        if speak and getattr(decision, "intervention", None):
            self.decisions.labels(str(decision.intervention)).inc()
        elif not speak:
            self.silences.labels(silence_category(str(getattr(decision, "reason", "")))).inc()
        # Words with no move (the welcome on joining) are neither: delivery counts the post.
        if self.llm_measured:
            return
        calls = int(getattr(decision, "llm_calls", 0) or 0)
        if calls:
            self.llm_calls.inc(calls)
        tokens_in = int(getattr(decision, "tokens_in", 0) or 0)
        tokens_out = int(getattr(decision, "tokens_out", 0) or 0)
        if tokens_in:
            self.llm_tokens.labels("in").inc(tokens_in)
        if tokens_out:
            self.llm_tokens.labels("out").inc(tokens_out)
        if "LLM unavailable" in str(getattr(decision, "reason", "")):
            self.llm_errors.inc()

    @contextmanager
    def store_op(self, op: str) -> Iterator[None]:
        """Time a store operation; count it as an error when it raises."""
        start = time.perf_counter()
        try:
            yield
        except Exception:
            self.store_errors.labels(op).inc()
            raise
        finally:
            self.store_seconds.labels(op).observe(time.perf_counter() - start)

    def watch_streams(self, probe: StreamProbe) -> None:
        self._streams = probe

    def watch_dead(self, probe: DeadProbe) -> None:
        self._dead = probe

    def watch_store(self, ping: StoreTimer) -> None:
        self._ping = ping

    async def refresh(self) -> None:
        """Read what is sampled at scrape time. A dead store never fails the scrape."""
        if self._breaker is not None:
            snap = self._breaker.snapshot()
            self.llm_circuit_open.set(float(snap["breaker_open"]))
            self.llm_fallbacks.set(float(snap["fallbacks_total"]))
            self.llm_rejected.set(float(snap["rejected_total"]))
            over = float(snap.get("over_budget_total", 0))
            if self._judge is not None:
                over += float(self._judge.snapshot().get("over_budget_total", 0))
            self.llm_over_budget.set(over)
        if self._ping is not None:
            try:
                self.store_ping.set(await self._ping())
            except Exception as exc:  # the scrape must answer even with the store down
                self.store_ping.set(float("nan"))
                self.store_errors.labels("ping").inc()
                log.debug("metrics: store ping failed: %s", exc)
        if self._streams is not None:
            rows = await self._probe(self._streams, "stream")
            if rows is None:
                return
            for shard, length, pending in rows:
                self.stream_length.labels(shard).set(length)
                self.stream_pending.labels(shard).set(pending)
        if self._dead is not None:
            dead = await self._probe(self._dead, "dead-letter")
            if dead is None:
                return
            for shard, stored in dead:
                self.dead_stored.labels(shard).set(stored)

    async def _probe(self, probe: Callable[[], Awaitable[Rows]], what: str) -> Rows | None:
        """What an intake probe reads, or None when it fails (a `stream_info` store error)."""
        try:
            return await probe()
        except Exception as exc:
            self.store_errors.labels("stream_info").inc()
            log.debug("metrics: %s probe failed: %s", what, exc)
            return None

    def render(self) -> bytes:
        return generate_latest(self.registry)


class MeasuredProvider:
    """An LLM provider whose calls are timed and counted (calls, errors, tokens)."""

    def __init__(self, inner: Any, metrics: Metrics) -> None:
        self.inner = inner
        self.metrics = metrics
        self.name = getattr(inner, "name", "llm")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)  # breaker state and anything else the provider has

    async def _measure(self, work: Awaitable[Any]) -> Any:
        self.metrics.llm_calls.inc()
        start = time.perf_counter()
        try:
            result = await work
        except Exception:
            self.metrics.llm_errors.inc()
            raise
        finally:
            self.metrics.llm_seconds.observe(time.perf_counter() - start)
        usage = getattr(result, "usage", None)
        if usage is not None:
            self.metrics.llm_tokens.labels("in").inc(int(getattr(usage, "tokens_in", 0) or 0))
            self.metrics.llm_tokens.labels("out").inc(int(getattr(usage, "tokens_out", 0) or 0))
        return result

    async def structured(self, system: str, user: str, schema: Any, **kw: Any) -> Any:
        return await self._measure(self.inner.structured(system, user, schema, **kw))

    async def text(self, system: str, user: str, **kw: Any) -> Any:
        return await self._measure(self.inner.text(system, user, **kw))

    async def aclose(self) -> None:
        await self.inner.aclose()


def measure_llm(policy: object, metrics: Metrics) -> None:
    """Time the policy's LLM calls where they go out (inside its circuit breaker, so a call the
    breaker refuses is not counted as one) and read the breaker at scrape time. The offline
    rules have no breaker: nothing to do."""
    graph = getattr(policy, "graph", None)
    breaker = getattr(graph, "breaker", None)
    if not isinstance(breaker, CircuitBreaker) or isinstance(breaker.inner, MeasuredProvider):
        return
    breaker.inner = MeasuredProvider(breaker.inner, metrics)  # type: ignore[assignment]
    metrics._breaker = breaker
    judge = getattr(graph, "judge", None)
    if isinstance(judge, CircuitBreaker) and not isinstance(judge.inner, MeasuredProvider):
        judge.inner = MeasuredProvider(judge.inner, metrics)  # type: ignore[assignment]
        metrics._judge = judge
    budget = getattr(graph, "calls_per_hour", None)
    if isinstance(budget, int):
        metrics.llm_room_budget.set(float(budget))
    metrics.llm_measured = True


def store_pinger(client: object) -> StoreTimer:
    """A timed PING on a redis client (single server or cluster)."""
    async def ping() -> float:
        start = time.perf_counter()
        await client.ping()  # type: ignore[attr-defined]
        return time.perf_counter() - start
    return ping


def metrics_routes(metrics: Metrics) -> list[web.RouteDef]:
    async def handler(request: web.Request) -> web.Response:
        await metrics.refresh()
        # prometheus_client's content type carries a charset; aiohttp wants them apart.
        content_type, _, _ = CONTENT_TYPE_LATEST.partition(";")
        return web.Response(body=metrics.render(), content_type=content_type, charset="utf-8")
    return [web.get("/metrics", handler)]
