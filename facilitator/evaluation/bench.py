"""`facilitator bench`: throughput, latency and cost of the policy, with the `always` peer beside it.

    facilitator bench [--events N] [--rooms R] [--seed S] [--llm-latency-ms MS]
                      [--peer-events N] [--workers N] [--batch N] [--json]

Both sides see the same generated busy-room traffic on the real store (the embedded server, or
FACILITATOR_REDIS_URL). What is measured, and how:

- Throughput (`events_per_s`) is events over the wall clock of the whole pass, with one lane per
  room (events of a room in order, rooms concurrently, as the adapters run them) and an LLM fake
  (facilitator.evaluation.fakes.LatencyLLM) that answers after a realistic wait: by default the
  published median latency of a small hosted model (776 ms, cited in fakes.py), so calls are in
  flight concurrently across rooms, as in a deployment. `cpu_ms_per_event` is this process's
  CPU time per event in that pass: `1000 / cpu_ms_per_event` is what one worker core could reach
  with enough rooms in flight to hide every LLM wait.
- Cost: LLM calls and LLM-seconds (the summed waits) per 1,000 messages, for both sides.
- Service time (`p50_ms`, `p99_ms`): a second pass, one event at a time, with the instant fake:
  the worker's own time per event. `decision_p50_ms` / `decision_p99_ms` are from the
  throughput pass: the time from picking an event up to its decision, LLM waits included.
- The silent path: its service-time percentiles (events the gate ended without the graph), and
  a wall-clock throughput over calm traffic (only the calm lines, lanes as above, the instant
  fake for the few graph runs), with `calm_silent_share`, the share the gate ended.
- `--workers N`: the throughput passes run in N worker processes on one store (each takes the
  rooms whose index modulo N is its own), started together; throughput is all their events over
  the wall clock from the common start to the last worker's end. `cpu_busy_share` is the share
  of that wall clock the workers spent computing (their event loops' CPU time over wall
  clock × N).

The `always` peer is LLM-bound (one wait per message, in order per room), so its throughput pass
runs the first `--peer-events` events (default 25 per room) to keep the bench short: a rate over
a prefix of the same traffic.

`--batch N`: each lane hands the engine up to N of its room's waiting events at once
(`Engine.handle_batch`: one load and one save for them), as an intake that reads a backlog in
batches does; each event's latency is then its batch's. The default, 1, is one event at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from facilitator.config import Settings
from facilitator.engine import Engine, Outcome, Policy
from facilitator.evaluation.fakes import (
    PUBLISHED_MEDIAN_LATENCY_MS,
    PUBLISHED_MEDIAN_SOURCE,
    InstantLLM,
    LatencyLLM,
)
from facilitator.evaluation.metrics import percentile
from facilitator.events import Author, ChatEvent, EventKind, RoomRef
from facilitator.memory.state import Charter, RoomState
from facilitator.memory.store import RoomStore, open_store

KEYS = ("events_per_s", "cpu_ms_per_event", "p50_ms", "p99_ms", "decision_p50_ms",
        "decision_p99_ms", "redis_roundtrips_per_event", "llm_calls_per_message",
        "llm_calls_per_1000_messages", "llm_seconds_per_1000_messages", "bytes_per_room")
PEER_EVENTS_PER_ROOM = 25

# -- traffic -------------------------------------------------------------------------------------

NAMES = ["Ana", "Ben", "Chloe", "Dev", "Emeka", "Fatima", "Greg", "Hana", "Ivan", "Jun", "Kara",
         "Luis", "Mira", "Noah", "Olu", "Pia", "Quinn", "Rosa", "Sami", "Tess", "Uma", "Vik"]
GOALS = ["ship the mobile release", "plan the community festival", "fix the onboarding flow",
         "agree the club's budget", "prepare the conference talk", "organise the food drive"]
TOPICS = ["the release", "the budget", "the venue", "the onboarding flow", "the API", "the poster",
          "the schedule", "the test suite", "the volunteers", "the newsletter", "the migration",
          "the design", "the caching layer", "the sign-up form", "the raffle", "the agenda"]
CALM = [
    "I pushed the changes to {t}, have a look when you can.",
    "Quick update on {t}: about half done, should finish tomorrow.",
    "I talked to the supplier about {t}, they can deliver on Thursday.",
    "Makes sense to me, I'll start on {t} after lunch.",
    "Here's the doc for {t}, comments welcome.",
    "Thanks {n}, that helps a lot with {t}.",
    "I think {t} is in decent shape now.",
    "Small thing: the numbers for {t} changed a bit since last week.",
    "I can take {t} if nobody else wants it.",
    "Let me check my calendar and get back to you about {t}.",
    "Good progress on {t} today, the last bit is the review.",
    "Lunch break, back in 30.",
    "lol yes",
    "ok",
    "On it.",
    "Just read the thread, catching up on {t}.",
]
QUESTIONS = [
    "Does anyone know when {t} is due?", "{n}, can you check {t} before Friday?",
    "Who is looking after {t} this week?", "Is {t} blocked on anything?",
    "What did the client say about {t}?",
]
ANSWERS = ["It's due on Friday, I checked.", "I'm looking after it, no blockers so far.",
           "They were happy with it, just minor changes.", "Yes, I'll check it tomorrow morning."]
PROPOSALS = ["Let's move {t} to next week.", "I propose we split {t} into two parts.",
             "How about we ask {n} to review {t}?", "We should freeze {t} on Monday."]
AGREE = ["Works for me.", "+1", "Agreed.", "Sounds good, let's do it.", "Fine by me."]
DISAGREE = ["I disagree, {t} needs more time.", "Not convinced, that's not how {t} works.",
            "No, I don't think so."]
HEAT = [
    "That's ridiculous, you clearly didn't read {t} at all.",
    "Are you serious? You always do this with {t}.",
    "Stop pushing your agenda on {t}, it's getting absurd.",
    "This is nonsense and you know it.",
]
BOT_ASKS = ["@facilitator can you summarise where we are?", "@facilitator what's still open?",
            "@facilitator what did we decide about {t}?"]


@dataclass(slots=True)
class RoomGen:
    ref: RoomRef
    goal: str
    members: list[str]
    weights: list[float]
    last_ids: list[str] = field(default_factory=list)


# What a room says, by share of messages: each pool up to its cumulative share of 1.
MIX = ((0.70, CALM), (0.78, QUESTIONS), (0.84, ANSWERS), (0.88, PROPOSALS), (0.94, AGREE),
       (0.96, DISAGREE), (0.99, HEAT), (float("inf"), BOT_ASKS))


def make_traffic(n_events: int, n_rooms: int, seed: int = 1, prefix: str = "bench", *,
                 calm: bool = False) -> tuple[list[ChatEvent], list[RoomGen]]:
    """Busy-room traffic: mostly calm, some questions, proposals, agreement, heat, mentions.

    `calm`: only the calm lines, no reactions and no replies: traffic on which the gate ends
    (nearly) every event, to time the silent path on the wall clock.
    """
    rng = random.Random(seed)
    rooms = []
    for r in range(n_rooms):
        k = rng.randint(4, 9)
        members = rng.sample(NAMES, k)
        weights = [1.0 / (i + 1) ** 0.9 for i in range(k)]  # a few talk a lot
        rooms.append(RoomGen(RoomRef(platform="bench", workspace=prefix, channel=f"room{r}"),
                             rng.choice(GOALS), members, weights))
    events: list[ChatEvent] = []
    ts = 1_700_000_000.0
    for i in range(n_events):
        room = rng.choice(rooms)
        ts += rng.uniform(0.05, 0.4)
        who = rng.choices(room.members, room.weights)[0]
        other = rng.choice([m for m in room.members if m != who])
        t = rng.choice(TOPICS)
        roll = 0.5 if calm else rng.random()
        eid = f"{room.ref.channel}-e{i}"
        author = Author(id=who.lower(), name=who)
        if roll < 0.03 and room.last_ids:
            events.append(ChatEvent(id=eid, kind=EventKind.REACTION, room=room.ref,
                                    author=author, ts=ts, target=rng.choice(room.last_ids[-5:]),
                                    emoji=rng.choice(["+1", "heart", "-1", "eyes"])))
            continue
        pool = next(lines for below, lines in MIX if roll < below)
        text = rng.choice(pool).format(t=t, n=other)
        reply = (rng.choice(room.last_ids[-3:])
                 if not calm and room.last_ids and rng.random() < 0.2 else None)
        events.append(ChatEvent(id=eid, room=room.ref, author=author, text=text, ts=ts,
                                reply_to=reply, addressed="@facilitator" in text))
        room.last_ids.append(eid)
        del room.last_ids[:-10]
    return events, rooms


# -- measuring ------------------------------------------------------------------------------------

@dataclass(slots=True)
class Pass:
    """What one pass over some traffic measured; passes of several workers add up."""

    events: int = 0
    messages: int = 0
    start: float = 0.0  # time.monotonic(): one clock for every process on the machine
    end: float = 0.0
    cpu_s: float = 0.0
    llm_calls: int = 0
    llm_s: float = 0.0  # LLM-seconds: the fake's summed waits
    roundtrips: int = 0
    graph_runs: int = 0
    spoke: int = 0
    failed: int = 0  # events the engine could not process (the store failed): must stay 0
    footprint: int = 0  # bytes of the rooms' keys at the end, summed
    rooms: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    silent_ms: list[float] = field(default_factory=list)
    interventions: dict[str, int] = field(default_factory=dict)

    @property
    def wall_s(self) -> float:
        return max(self.end - self.start, 1e-9)

    @classmethod
    def merge(cls, parts: Sequence[Pass]) -> Pass:
        out = cls(start=min(p.start for p in parts), end=max(p.end for p in parts))
        for p in parts:
            for name in ("events", "messages", "cpu_s", "llm_calls", "llm_s", "roundtrips",
                         "graph_runs", "spoke", "failed", "footprint", "rooms"):
                setattr(out, name, getattr(out, name) + getattr(p, name))
            out.latencies_ms += p.latencies_ms
            out.silent_ms += p.silent_ms
            for k, v in p.interventions.items():
                out.interventions[k] = out.interventions.get(k, 0) + v
        return out


class _GraphCounter:
    """Counts invocations of a FacilitatorPolicy's graph (the non-silent path)."""

    def __init__(self, policy: Any) -> None:
        self.runs = 0
        graph = getattr(policy, "graph", None)
        if graph is not None:
            original = graph.run

            async def counted(*args: Any, **kw: Any) -> Any:
                self.runs += 1
                return await original(*args, **kw)

            graph.run = counted

    @classmethod
    def on(cls, policy: Any) -> _GraphCounter:
        """One counter per policy object, however many runs use it."""
        counter = getattr(policy, "_bench_graph_counter", None)
        if counter is None:
            counter = cls(policy)
            policy._bench_graph_counter = counter
        return counter


async def prepare(store: RoomStore, rooms: Sequence[RoomGen]) -> None:
    """Fresh rooms with a goal, as a room that ran `/facilitator goal` would be."""
    for room in rooms:
        goal = room.goal

        def charter(state: RoomState, goal: str = goal) -> None:
            state.charter = Charter(goal=goal, changed_by="bench")

        await store.delete(room.ref.key)
        await store.update(room.ref.key, charter)


async def run_pass(store: RoomStore, policy: Policy, llm: InstantLLM, events: Sequence[ChatEvent],
                   rooms: Sequence[RoomGen], *, concurrent: bool, batch: int = 1) -> Pass:
    """Every event through the engine; `concurrent`: one in-order lane per room, all at once.

    Call `prepare` first. The rooms are deleted at the end, after their footprint is taken.
    """
    engine = Engine(store, policy, bot_id="facilitator")
    counter = _GraphCounter.on(policy)
    out = Pass(rooms=len(rooms))
    calls0, waited0 = llm.calls, getattr(llm, "waited_s", 0.0)

    def count(outcome: Outcome) -> None:
        out.messages += outcome.event.kind == EventKind.MESSAGE
        decision = outcome.decision
        out.failed += outcome.error is not None
        out.spoke += decision.speak
        if decision.intervention is not None:
            kind = decision.intervention.value
            out.interventions[kind] = out.interventions.get(kind, 0) + 1

    async def one(event: ChatEvent) -> None:
        t0 = time.perf_counter()
        busy0 = llm.busy_s
        runs0 = counter.runs
        outcome = await engine.handle(event)
        # The instant fake's own CPU time is not the policy's: leave it out of service time.
        ms = (time.perf_counter() - t0 - (llm.busy_s - busy0 if not concurrent else 0.0)) * 1e3
        out.latencies_ms.append(ms)
        # Lanes share the counter, so only a one-at-a-time pass can tell a silent event.
        if not concurrent and counter.runs == runs0:
            out.silent_ms.append(ms)
        count(outcome)

    async def several(chunk: list[ChatEvent]) -> None:
        t0 = time.perf_counter()
        outcomes = await engine.handle_batch(chunk)
        ms = (time.perf_counter() - t0) * 1e3
        for outcome in outcomes:
            out.latencies_ms.append(ms)
            count(outcome)

    async def lane(queue: list[ChatEvent]) -> None:
        if batch > 1:
            for i in range(0, len(queue), batch):
                await several(queue[i:i + batch])
            return
        for event in queue:
            await one(event)

    store.roundtrips = 0
    runs0 = counter.runs
    gc.collect()
    # The event loop's own thread: the pass is one asyncio thread, and a process's CPU time
    # also counts threads it does not own (an idle BLAS pool spinning, a test's server).
    out.start, cpu0 = time.monotonic(), time.thread_time()
    if concurrent:
        lanes: dict[str, list[ChatEvent]] = {}
        for event in events:
            lanes.setdefault(event.room.key, []).append(event)
        await asyncio.gather(*(lane(q) for q in lanes.values()))
    else:
        await lane(list(events))
    out.end, out.cpu_s = time.monotonic(), time.thread_time() - cpu0
    out.events = len(events)
    out.roundtrips = store.roundtrips
    out.graph_runs = counter.runs - runs0
    out.llm_calls = llm.calls - calls0
    out.llm_s = getattr(llm, "waited_s", 0.0) - waited0
    for room in rooms:
        out.footprint += await store.footprint(room.ref.key)
        await store.delete(room.ref.key)
    return out


# -- the sides ---------------------------------------------------------------------------------------

@dataclass(slots=True)
class Params:
    events: int
    rooms: int
    seed: int = 1
    llm_latency_ms: float = PUBLISHED_MEDIAN_LATENCY_MS
    peer_events: int | None = None  # None: PEER_EVENTS_PER_ROOM per room
    warmup: int = 300
    workers: int = 1
    batch: int = 1  # events of a room handed to the engine at once in the throughput passes

    @property
    def peer_n(self) -> int:
        n = self.peer_events if self.peer_events is not None else PEER_EVENTS_PER_ROOM * self.rooms
        return max(1, min(self.events, n))


def _policy(llm: InstantLLM) -> Policy:
    from facilitator.policies.policy import FacilitatorPolicy
    from facilitator.policies.prompts import Prompts

    # A budget that never binds: the bench measures what the gate asks for, not the cap.
    return FacilitatorPolicy(Prompts(), llm, calls_per_hour=1_000_000)


def _peer(llm: InstantLLM) -> Policy:
    from facilitator.policies.peers import AlwaysPolicy

    return AlwaysPolicy(llm)


SIDES = {"policy": _policy, "peer": _peer}
# The throughput passes (in this process, or in each worker process): name, side, traffic.
PHASES = (("policy", "policy", "busy"), ("peer", "peer", "busy"), ("calm", "policy", "calm"))


def _traffic(params: Params, phase: str) -> tuple[list[ChatEvent], list[RoomGen]]:
    events, rooms = make_traffic(params.events, params.rooms, seed=params.seed,
                                 calm=phase == "calm", prefix=phase)
    if phase == "peer":
        events = events[:params.peer_n]
    return events, rooms


def _share(params: Params, events: list[ChatEvent], rooms: list[RoomGen], index: int,
           workers: int) -> tuple[list[ChatEvent], list[RoomGen]]:
    """This worker's rooms: those whose number modulo `workers` is `index`."""
    mine = {r.ref.key for i, r in enumerate(rooms) if i % workers == index}
    return [e for e in events if e.room.key in mine], [r for r in rooms if r.ref.key in mine]


async def _warm(store: RoomStore, params: Params) -> None:
    """Imports, caches and the server's first scripts, so the first pass is not the slowest."""
    if not params.warmup:
        return
    events, rooms = make_traffic(params.warmup, min(params.rooms, 5), seed=params.seed + 1000,
                                 prefix="warm")
    for make in SIDES.values():
        llm = InstantLLM()
        await prepare(store, rooms)
        await run_pass(store, make(llm), llm, events, rooms, concurrent=True)


def _llm_for(params: Params, phase: str, index: int = 0) -> InstantLLM:
    if phase == "calm":
        return InstantLLM()  # the silent path's own speed; the few graph runs do not wait
    return LatencyLLM(params.llm_latency_ms / 1000.0, seed=params.seed * 7919 + index)


async def _throughput_in_process(store: RoomStore, params: Params) -> dict[str, Pass]:
    out: dict[str, Pass] = {}
    for phase, side, _ in PHASES:
        events, rooms = _traffic(params, phase)
        llm = _llm_for(params, phase)
        await prepare(store, rooms)
        out[phase] = await run_pass(store, SIDES[side](llm), llm, events, rooms,
                                    concurrent=True, batch=params.batch)
    return out


# -- worker processes ---------------------------------------------------------------------------

class WorkerFailed(RuntimeError):
    """A bench worker process died before it reported."""


async def _worker_main(params: Params, index: int) -> None:
    """One of N bench workers: prepare a phase, say ready, wait for go, run, report (stdout)."""
    settings = Settings.from_env()
    loop = asyncio.get_running_loop()

    def send(data: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(data) + "\n")
        sys.stdout.flush()

    async with open_store(settings) as store:
        await _warm(store, params)
        for phase, side, _ in PHASES:
            events, rooms = _share(params, *_traffic(params, phase), index, params.workers)
            llm = _llm_for(params, phase, index)
            policy = SIDES[side](llm)
            await prepare(store, rooms)
            send({"ready": phase})
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if line.strip() != "go":
                return
            result = await run_pass(store, policy, llm, events, rooms, concurrent=True,
                                    batch=params.batch)
            send({"phase": phase, "pass": asdict(result)})


async def _throughput_in_workers(url: str, params: Params) -> dict[str, Pass]:
    """Start N worker processes on the store at `url`; release each phase in all at once."""
    env = dict(os.environ, FACILITATOR_REDIS_URL=url)
    spec = json.dumps(asdict(params))
    procs = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "facilitator.evaluation.bench", "--worker", str(i), spec,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=env)
        for i in range(params.workers)]

    async def read(proc: asyncio.subprocess.Process) -> dict[str, Any]:
        assert proc.stdout is not None
        line = await proc.stdout.readline()
        if not line:
            code = await proc.wait()
            raise WorkerFailed(f"a bench worker exited with status {code} before reporting "
                               "(its error is above)")
        data: dict[str, Any] = json.loads(line)
        return data

    out: dict[str, Pass] = {}
    try:
        for phase, _, _ in PHASES:
            ready = await asyncio.gather(*(read(p) for p in procs))
            if any(r.get("ready") != phase for r in ready):
                raise WorkerFailed(f"bench workers out of step at {phase}: {ready}")
            for p in procs:
                assert p.stdin is not None
                p.stdin.write(b"go\n")
            await asyncio.gather(*(p.stdin.drain() for p in procs if p.stdin is not None))
            reports = await asyncio.gather(*(read(p) for p in procs))
            out[phase] = Pass.merge([Pass(**r["pass"]) for r in reports])
    finally:
        for p in procs:
            if p.returncode is None:
                if p.stdin is not None:
                    p.stdin.close()
                try:
                    await asyncio.wait_for(p.wait(), 30)
                except TimeoutError:
                    p.kill()
                    await p.wait()
    return out


# -- the report --------------------------------------------------------------------------------------

def _per_message(value: float, messages: int, scale: float = 1.0) -> float:
    return round(value * scale / messages, 4) if messages else 0.0


def _side_figures(busy: Pass, serial: Pass, workers: int) -> dict[str, Any]:
    return {
        "events_per_s": round(busy.events / busy.wall_s, 1),
        "wall_s": round(busy.wall_s, 3),
        # The share of the wall clock the worker(s) spent computing: low with a slow LLM means
        # the rooms wait on the LLM; low with an instant one means the machine is contended.
        "cpu_busy_share": round(busy.cpu_s / (busy.wall_s * workers), 4),
        "cpu_ms_per_event": round(busy.cpu_s * 1e3 / busy.events, 4) if busy.events else 0.0,
        "p50_ms": round(percentile(serial.latencies_ms, 50), 4),
        "p99_ms": round(percentile(serial.latencies_ms, 99), 4),
        "decision_p50_ms": round(percentile(busy.latencies_ms, 50), 4),
        "decision_p99_ms": round(percentile(busy.latencies_ms, 99), 4),
        "redis_roundtrips_per_event": round(busy.roundtrips / busy.events, 4)
        if busy.events else 0.0,
        "llm_calls_per_message": _per_message(busy.llm_calls, busy.messages),
        "llm_calls_per_1000_messages": _per_message(busy.llm_calls, busy.messages, 1000.0),
        "llm_seconds_per_1000_messages": _per_message(busy.llm_s, busy.messages, 1000.0),
        "llm_seconds": round(busy.llm_s, 3),
        "bytes_per_room": round(busy.footprint / busy.rooms, 1) if busy.rooms else 0.0,
        "events": busy.events,
        "failed_events": busy.failed + serial.failed,
        "messages": busy.messages,
        "speak_rate": _per_message(busy.spoke, busy.messages),
        "interventions": dict(sorted(busy.interventions.items(), key=lambda kv: -kv[1])),
    }


async def bench(store: RoomStore, n_events: int, n_rooms: int, *, seed: int = 1,
                warmup: int = 300, llm_latency_ms: float = PUBLISHED_MEDIAN_LATENCY_MS,
                peer_events: int | None = None, workers: int = 1,
                url: str | None = None, batch: int = 1) -> dict[str, Any]:
    """The whole bench on `store`; with `workers` > 1 the throughput passes run in that many
    processes on the store at `url` (the same one)."""
    params = Params(n_events, n_rooms, seed=seed, llm_latency_ms=llm_latency_ms,
                    peer_events=peer_events, warmup=warmup, workers=workers, batch=batch)
    if workers > 1 and url is None:
        raise ValueError("several workers need the store's URL")
    await _warm(store, params)
    if workers > 1:
        assert url is not None
        passes = await _throughput_in_workers(url, params)
    else:
        passes = await _throughput_in_process(store, params)
    serial: dict[str, Pass] = {}
    for side in SIDES:
        events, rooms = _traffic(params, side)
        llm = InstantLLM()
        await prepare(store, rooms)
        serial[side] = await run_pass(store, SIDES[side](llm), llm, events, rooms,
                                      concurrent=False)
    ours = _side_figures(passes["policy"], serial["policy"], workers)
    theirs = _side_figures(passes["peer"], serial["peer"], workers)
    ours["graph_runs_per_event"] = round(passes["policy"].graph_runs / n_events, 4)
    theirs["name"] = "always"
    calm, quiet = passes["calm"], serial["policy"]
    return {
        "events": n_events,
        "rooms": n_rooms,
        "messages": passes["policy"].messages,
        "seed": seed,
        "workers": workers,
        "batch": batch,
        "cpus": os.cpu_count(),
        "llm": {"fake": "LatencyLLM: InstantLLM's answers after a seeded log-normal wait",
                "median_latency_ms": llm_latency_ms,
                "default_source": PUBLISHED_MEDIAN_SOURCE},
        "policy": ours,
        "peer": theirs,
        "silent_path": {
            "events": len(quiet.silent_ms),
            "share": round(len(quiet.silent_ms) / quiet.events, 4) if quiet.events else 0.0,
            "p50_ms": round(percentile(quiet.silent_ms, 50), 4),
            "p99_ms": round(percentile(quiet.silent_ms, 99), 4),
            "events_per_s": round(calm.events / calm.wall_s, 1),
            "calm_events": calm.events,
            "calm_silent_share": round(1 - calm.graph_runs / calm.events, 4)
            if calm.events else 0.0,
            "cpu_ms_per_event": round(calm.cpu_s * 1e3 / calm.events, 4) if calm.events else 0.0,
            "failed_events": calm.failed,
        },
        "ratios": {k: (round(ours[k] / theirs[k], 4) if theirs[k] else None) for k in KEYS},
        "readers": reader_costs(),
    }


def reader_costs(n: int = 200) -> dict[str, float]:
    """CPU time of the readers that run only on some messages: the request read of an
    addressed message (language, multilingual embedding, classifier), on the first `n`
    lines of its labelled set, after one warm-up call (the models load once per process)."""
    from facilitator.reading.attacks import shipped_attack_reader
    from facilitator.reading.intent import DATA_PATH, read_request
    from facilitator.reading.language import detect_language

    texts = [json.loads(line)["text"] for line in DATA_PATH.read_text().splitlines()[:n]]
    started = time.process_time()
    read_request(texts[0])
    load_s = time.process_time() - started
    started = time.process_time()
    for text in texts:
        read_request(text)
    read_ms = (time.process_time() - started) * 1e3 / len(texts)
    started = time.process_time()
    for text in texts:
        detect_language(text)
    language_ms = (time.process_time() - started) * 1e3 / len(texts)
    # The attack reader (reading/attacks.py) on the same lines, spoken to someone nearly all:
    # its first pass, its first stage, and above the gate the embedding and second stage.
    attacks = shipped_attack_reader()
    embedded = sum(1 for t in texts if attacks.first_pass(t)
                   and attacks.probability_of(attacks.features(t)) >= attacks.second.gate)  # type: ignore[union-attr]
    started = time.process_time()
    for text in texts:
        attacks.assess(text)
    attack_ms = (time.process_time() - started) * 1e3 / len(texts)
    # With an LLM configured the model reads instead: one call per addressed message, whose
    # prompt is the label set and the message (estimated at ~4 characters a token).
    from facilitator.policies.llm.intent import MAX_TOKENS, system_prompt, user_prompt

    prompt_chars = sum(len(system_prompt()) + len(user_prompt(t)) for t in texts) / len(texts)
    return {"request_read_cpu_ms_per_addressed_message": round(read_ms, 3),
            "language_cpu_ms_per_message": round(language_ms, 4),
            "request_reader_load_cpu_s": round(load_s, 2), "messages": len(texts),
            "attack_read_cpu_ms_per_message": round(attack_ms, 3),
            "attack_read_embedded_share": round(embedded / len(texts), 3),
            "llm_request_read_calls_per_addressed_message": 1,
            "llm_request_read_prompt_tokens_est": round(prompt_chars / 4),
            "llm_request_read_max_output_tokens": MAX_TOKENS}


# -- command line ------------------------------------------------------------------------------------

async def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from facilitator.memory.server import EmbeddedServer

    for name in ("events", "rooms", "workers", "batch"):
        if getattr(args, name) < 1:
            print(f"error: --{name} must be at least 1", file=sys.stderr)
            return 2
    if args.llm_latency_ms < 0 or args.llm_latency_ms != args.llm_latency_ms:
        print("error: --llm-latency-ms must be a number >= 0", file=sys.stderr)
        return 2
    if args.peer_events is not None and args.peer_events < 1:
        print("error: --peer-events must be at least 1", file=sys.stderr)
        return 2
    kwargs: dict[str, Any] = {"seed": args.seed, "llm_latency_ms": args.llm_latency_ms,
                              "peer_events": args.peer_events, "workers": args.workers,
                              "batch": args.batch}
    try:
        if args.workers > 1 and settings.redis_url is None:
            # Several processes share one store: this process's embedded server, by its socket.
            async with EmbeddedServer() as server:
                shared = settings.model_copy(update={"redis_url": server.url})
                async with open_store(shared) as store:
                    report = await bench(store, args.events, args.rooms, url=server.url,
                                         **kwargs)
        else:
            async with open_store(settings) as store:
                report = await bench(store, args.events, args.rooms, url=settings.redis_url,
                                     **kwargs)
    except WorkerFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        _print(report)
    failed = sum(report[k]["failed_events"] for k in ("policy", "peer", "silent_path"))
    if failed:
        # Figures over events that were not processed are not figures: say so, and fail.
        print(f"error: {failed} events could not be processed (see the log)", file=sys.stderr)
        return 1
    return 0


def _print(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"facilitator bench · {report['events']} events in {report['rooms']} rooms"
                        f" · {report['workers']} worker(s) · fake LLM with a "
                        f"{report['llm']['median_latency_ms']:g} ms median wait",
                  title_style="bold")
    for col in ("figure", "policy", "always peer", "policy / peer"):
        table.add_column(col, justify="left" if col == "figure" else "right")
    for key in KEYS:
        ratio = report["ratios"][key]
        table.add_row(key, f"{report['policy'][key]:g}", f"{report['peer'][key]:g}",
                      "—" if ratio is None else f"{ratio:g}")
    Console(highlight=False).print(table)
    silent = report["silent_path"]
    print(f"silent path: {silent['share']:.0%} of events, p50 {silent['p50_ms']:g} ms, p99 "
          f"{silent['p99_ms']:g} ms; {silent['events_per_s']:g} events/s on the wall clock over "
          f"calm traffic ({silent['calm_silent_share']:.1%} of it silent)")
    readers = report["readers"]
    print(f"request read of an addressed message: {readers['request_read_cpu_ms_per_addressed_message']:g}"
          f" ms of CPU (language alone {readers['language_cpu_ms_per_message']:g} ms; models load"
          f" once in {readers['request_reader_load_cpu_s']:g} s)")
    print(f"attack read of the same lines: {readers['attack_read_cpu_ms_per_message']:g} ms of CPU a "
          f"message ({readers['attack_read_embedded_share']:.0%} past the first stage's gate, "
          "embedded)")
    print(f"the policy spoke after {report['policy']['speak_rate']:.1%} of messages, the peer "
          f"after {report['peer']['speak_rate']:.0%} (the peer ran the first "
          f"{report['peer']['events']} events)")


def _worker_entry(argv: list[str]) -> int:
    """`python -m facilitator.evaluation.bench --worker INDEX PARAMS_JSON` (bench --workers N)."""
    if len(argv) != 3 or argv[0] != "--worker":
        print("usage: python -m facilitator.evaluation.bench --worker INDEX PARAMS_JSON",
              file=sys.stderr)
        return 2
    params = Params(**json.loads(argv[2]))
    asyncio.run(_worker_main(params, int(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(_worker_entry(sys.argv[1:]))
