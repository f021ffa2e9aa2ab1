"""`facilitator bench`: throughput, latency and cost of the policy, with the `always` peer beside it.

    facilitator bench [--events N] [--rooms R] [--seed S] [--json]

Both run on the same generated traffic against the real embedded server, one event at a time
in one worker (events of a room in order, rooms interleaved), with an LLM fake that answers at
once (facilitator.evaluation.fakes.InstantLLM), so the figures are the policy's own. The time
spent inside the fake is subtracted from every event's latency.

Figures per side: events_per_s, p50_ms, p99_ms (per event, LLM time excluded),
redis_roundtrips_per_event (RoomStore.roundtrips), llm_calls_per_message, bytes_per_room
(RoomStore.footprint, averaged over rooms at the end); `ratios` are policy over peer. The
policy side also reports its silent path alone: events the gate ended without the graph.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from facilitator.config import Settings
from facilitator.engine import Engine, Policy
from facilitator.evaluation.fakes import InstantLLM
from facilitator.evaluation.metrics import percentile
from facilitator.events import Author, ChatEvent, EventKind, RoomRef
from facilitator.memory.state import Charter, RoomState
from facilitator.memory.store import RoomStore

KEYS = ("events_per_s", "p50_ms", "p99_ms", "redis_roundtrips_per_event",
        "llm_calls_per_message", "bytes_per_room")

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


def make_traffic(n_events: int, n_rooms: int, seed: int = 1, prefix: str = "bench") -> tuple[
        list[ChatEvent], list[RoomGen]]:
    """Busy-room traffic: mostly calm, some questions, proposals, agreement, heat, mentions."""
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
        roll = rng.random()
        eid = f"{room.ref.channel}-e{i}"
        author = Author(id=who.lower(), name=who)
        if roll < 0.03 and room.last_ids:
            events.append(ChatEvent(id=eid, kind=EventKind.REACTION, room=room.ref,
                                    author=author, ts=ts, target=rng.choice(room.last_ids[-5:]),
                                    emoji=rng.choice(["+1", "heart", "-1", "eyes"])))
            continue
        if roll < 0.70:
            text = rng.choice(CALM)
        elif roll < 0.78:
            text = rng.choice(QUESTIONS)
        elif roll < 0.84:
            text = rng.choice(ANSWERS)
        elif roll < 0.88:
            text = rng.choice(PROPOSALS)
        elif roll < 0.94:
            text = rng.choice(AGREE)
        elif roll < 0.96:
            text = rng.choice(DISAGREE)
        elif roll < 0.99:
            text = rng.choice(HEAT)
        else:
            text = rng.choice(BOT_ASKS)
        text = text.format(t=t, n=other)
        reply = rng.choice(room.last_ids[-3:]) if room.last_ids and rng.random() < 0.2 else None
        events.append(ChatEvent(id=eid, room=room.ref, author=author, text=text, ts=ts,
                                reply_to=reply, addressed="@facilitator" in text))
        room.last_ids.append(eid)
        del room.last_ids[:-10]
    return events, rooms


# -- measuring ------------------------------------------------------------------------------------

@dataclass(slots=True)
class Side:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    silent_ms: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    llm_s: float = 0.0
    roundtrips: int = 0
    llm_calls: int = 0
    messages: int = 0
    spoke: int = 0
    graph_runs: int = 0
    bytes_per_room: float = 0.0
    interventions: dict[str, int] = field(default_factory=dict)

    def figures(self) -> dict[str, float]:
        n = len(self.latencies_ms)
        busy = max(self.wall_s - self.llm_s, 1e-9)
        return {
            "events_per_s": round(n / busy, 1),
            "p50_ms": round(percentile(self.latencies_ms, 50), 4),
            "p99_ms": round(percentile(self.latencies_ms, 99), 4),
            "redis_roundtrips_per_event": round(self.roundtrips / n, 4) if n else 0.0,
            "llm_calls_per_message": round(self.llm_calls / self.messages, 4)
            if self.messages else 0.0,
            "bytes_per_room": round(self.bytes_per_room, 1),
        }


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


async def _prepare(store: RoomStore, rooms: list[RoomGen]) -> None:
    for room in rooms:
        goal = room.goal

        def charter(state: RoomState, goal: str = goal) -> None:
            state.charter = Charter(goal=goal, changed_by="bench")

        await store.delete(room.ref.key)
        await store.update(room.ref.key, charter)


async def run_side(store: RoomStore, name: str, policy: Policy, llm: InstantLLM,
                   events: list[ChatEvent], rooms: list[RoomGen]) -> Side:
    await _prepare(store, rooms)
    engine = Engine(store, policy, bot_id="facilitator")
    counter = _GraphCounter.on(policy)
    side = Side(name)
    store.roundtrips = 0
    gc.collect()
    start = time.perf_counter()
    for event in events:
        t0 = time.perf_counter()
        busy0 = llm.busy_s
        runs0 = counter.runs
        outcome = await engine.handle(event)
        llm_dt = llm.busy_s - busy0
        ms = (time.perf_counter() - t0 - llm_dt) * 1000.0
        side.latencies_ms.append(ms)
        side.llm_s += llm_dt
        if counter.runs == runs0:
            side.silent_ms.append(ms)
        if event.kind == EventKind.MESSAGE:
            side.messages += 1
        side.llm_calls += outcome.decision.llm_calls
        side.spoke += outcome.decision.speak
        if outcome.decision.intervention is not None:
            kind = outcome.decision.intervention.value
            side.interventions[kind] = side.interventions.get(kind, 0) + 1
    side.wall_s = time.perf_counter() - start
    side.roundtrips = store.roundtrips
    side.graph_runs = counter.runs
    sizes = [await store.footprint(r.ref.key) for r in rooms]
    side.bytes_per_room = sum(sizes) / len(sizes) if sizes else 0.0
    for room in rooms:
        await store.delete(room.ref.key)
    return side


async def bench(store: RoomStore, n_events: int, n_rooms: int, *, seed: int = 1,
                warmup: int = 300) -> dict[str, Any]:
    from facilitator.policies.peers import AlwaysPolicy
    from facilitator.policies.policy import FacilitatorPolicy
    from facilitator.policies.prompts import Prompts

    prompts = Prompts()
    llm_policy, llm_peer = InstantLLM(), InstantLLM()
    policy = FacilitatorPolicy(prompts, llm_policy, calls_per_hour=10_000)
    peer = AlwaysPolicy(llm_peer)
    if warmup:
        warm, warm_rooms = make_traffic(warmup, min(n_rooms, 5), seed=seed + 1000, prefix="warm")
        await run_side(store, "warmup", policy, llm_policy, warm, warm_rooms)
        await run_side(store, "warmup", peer, llm_peer, warm, warm_rooms)
    events, rooms = make_traffic(n_events, n_rooms, seed=seed)
    ours = await run_side(store, "policy", policy, llm_policy, events, rooms)
    theirs = await run_side(store, "peer", peer, llm_peer, events, rooms)
    a, b = ours.figures(), theirs.figures()
    silent_busy = sum(ours.silent_ms) / 1000.0
    out: dict[str, Any] = {
        "events": n_events,
        "rooms": n_rooms,
        "messages": ours.messages,
        "seed": seed,
        "llm": "instant fake (answers at once; its time is excluded)",
        "policy": a | {"speak_rate": round(ours.spoke / ours.messages, 4) if ours.messages
                       else 0.0,
                       "graph_runs_per_event": round(ours.graph_runs / n_events, 4),
                       "interventions": dict(sorted(ours.interventions.items(),
                                                    key=lambda kv: -kv[1]))},
        "peer": b | {"name": "always", "speak_rate": round(theirs.spoke / theirs.messages, 4)
                     if theirs.messages else 0.0},
        "silent_path": {
            "events": len(ours.silent_ms),
            "share": round(len(ours.silent_ms) / n_events, 4) if n_events else 0.0,
            "events_per_s": round(len(ours.silent_ms) / silent_busy, 1) if silent_busy else 0.0,
            "p50_ms": round(percentile(ours.silent_ms, 50), 4),
            "p99_ms": round(percentile(ours.silent_ms, 99), 4),
        },
        "ratios": {k: (round(a[k] / b[k], 4) if b[k] else None) for k in KEYS},
    }
    return out


# -- command line ------------------------------------------------------------------------------------

def add_bench_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "bench", help="throughput, latency and cost: the policy beside the always-LLM peer",
        description="Generated busy-room traffic through the engine on the embedded server, "
                    "with an LLM fake that answers at once.")
    p.add_argument("--events", type=int, default=5000, metavar="N", help="events (default 5000)")
    p.add_argument("--rooms", type=int, default=20, metavar="R", help="rooms (default 20)")
    p.add_argument("--seed", type=int, default=1, help="traffic seed (default 1)")
    p.add_argument("--json", action="store_true", help="print the JSON on stdout")
    p.set_defaults(func=cmd_bench)
    return p


async def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from facilitator.memory.store import open_store

    if args.events < 1 or args.rooms < 1:
        print("error: --events and --rooms must be at least 1", file=sys.stderr)
        return 2
    async with open_store(settings) as store:
        report = await bench(store, args.events, args.rooms, seed=args.seed)
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"facilitator bench · {report['events']} events in {report['rooms']} rooms "
                        "· instant fake LLM", title_style="bold")
    for col in ("figure", "policy", "always peer", "policy / peer", "silent path"):
        table.add_column(col, justify="left" if col == "figure" else "right")
    silent = report["silent_path"]
    for key in KEYS:
        ratio = report["ratios"][key]
        table.add_row(key, f"{report['policy'][key]:g}", f"{report['peer'][key]:g}",
                      "—" if ratio is None else f"{ratio:g}",
                      f"{silent[key]:g}" if key in silent else "")
    Console(highlight=False).print(table)
    print(f"silent path: {silent['share']:.0%} of events; the policy spoke after "
          f"{report['policy']['speak_rate']:.1%} of messages, the peer after "
          f"{report['peer']['speak_rate']:.0%}")
    return 0
