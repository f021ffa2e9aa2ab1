"""The fast path: one round trip per event, only what changed written, queued events of a room
handled together with the decisions one-by-one handling gives, and a cache bounded by bytes."""

from __future__ import annotations

import random

import pytest

from facilitator.config import Settings
from facilitator.engine import Engine, Outcome
from facilitator.evaluation.bench import make_traffic, prepare, run_pass
from facilitator.evaluation.fakes import InstantLLM
from facilitator.events import Author, ChatEvent, EventKind
from facilitator.memory.codec import DECODED_PER_JSON_BYTE
from facilitator.memory.state import RoomState
from facilitator.memory.store import RoomStore
from tests.conftest import SHARED_DATA
from tests.helpers import msg
from tests.policy_scenarios import EveryMovePolicy


def engine_on(store: RoomStore) -> Engine:
    # Every move on: the test is about batching, and needs the bot to speak.
    return Engine(store, EveryMovePolicy(), bot_id="facilitator")


def busy_room(n: int, seed: int = 3) -> list[ChatEvent]:
    """One busy room's traffic: questions, proposals, agreement, heat, replies, reactions,
    mentions of the bot, with a few edits, deletes, joins and leaves mixed in."""
    events, _ = make_traffic(n, 1, seed=seed, prefix="perf")
    rng = random.Random(seed)
    out: list[ChatEvent] = []
    for i, event in enumerate(events):
        out.append(event)
        if i % 37 == 5 and event.kind == EventKind.MESSAGE:
            out.append(event.model_copy(update={
                "id": f"{event.id}-edit", "kind": EventKind.EDIT, "target": event.id,
                "text": event.text + " (edited)"}))
        if i % 53 == 11 and event.kind == EventKind.MESSAGE:
            out.append(event.model_copy(update={
                "id": f"{event.id}-del", "kind": EventKind.DELETE, "target": event.id,
                "text": ""}))
        if i % 41 == 7:
            kind = rng.choice([EventKind.JOIN, EventKind.LEAVE])
            out.append(ChatEvent(id=f"{event.id}-{kind.value}", kind=kind, room=event.room,
                                 author=Author(id=f"visitor{i % 4}"), ts=event.ts + 0.01))
    return out


def decisions(outcomes: list[Outcome]) -> list[tuple[object, ...]]:
    return [(o.event.id, o.duplicate, o.processed, o.decision.speak, o.decision.intervention,
             o.decision.text, o.decision.reason) for o in outcomes]


async def test_a_worker_holding_the_room_makes_one_round_trip_per_event(store: RoomStore) -> None:
    eng = engine_on(store)
    await eng.handle(msg("warm-up", "zoe", "hello"))  # the server learns the two scripts
    events = busy_room(300)
    store.roundtrips = 0
    for event in events:
        await eng.handle(event)
    # One load for the room's first event, then one save per event; the person -> rooms
    # entries of a new member go in the same round trip as the save.
    assert store.roundtrips == len(events) + 1
    room = events[0].room.key
    people = {e.author.id for e in events if e.kind == EventKind.MESSAGE}
    assert people and all([[room] == await store.rooms_of(p) for p in people])


async def test_what_is_stored_is_what_the_worker_holds(store: RoomStore) -> None:
    """Deltas (trimmed window, changed items, appended log) rebuild exactly the held room."""
    eng = engine_on(store)
    events = busy_room(400)
    other = RoomStore(store.client, retention_s=3600)  # another process: nothing cached
    room = events[0].room.key
    for i, event in enumerate(events):
        await eng.handle(event)
        if i % 50 == 49 or i == len(events) - 1:
            held = store.take(room)
            assert held is not None
            stored = await other.get(room)
            assert stored is not None
            # Field by field (the held copy also carries a cached name index, not stored).
            assert stored.model_dump() == held.state.model_dump()
            store.keep(room, held)
    state = await other.get(room)
    assert state is not None and len(state.window) == 30 and state.bot_log


async def test_a_silent_event_writes_a_small_part_of_the_room(store: RoomStore) -> None:
    eng = engine_on(store)
    events = busy_room(400)
    for event in events:
        await eng.handle(event)
    room = events[0].room.key
    whole = len((await store.get(room) or RoomState(room=room)).model_dump_json())
    store.written = 0
    last = events[-1]
    outcome = await eng.handle(msg("x", last.author.id, "ok, makes sense to me",
                                   ts=last.ts + 1).model_copy(update={"room": last.room}))
    assert not outcome.decision.speak
    # The new message, its author's counters, the core; not the log, the window or the rest.
    assert 0 < store.written < whole / 3


async def test_a_stale_held_room_is_reloaded_and_nothing_is_lost(store: RoomStore) -> None:
    a, b = engine_on(store), engine_on(RoomStore(store.client, retention_s=3600))
    await a.handle(msg("s", "ann", "first from worker a"))
    await b.handle(msg("s", "bob", "second from worker b"))
    await a.handle(msg("s", "cy", "third, worker a again with a stale copy"))
    state = await store.get("local:s")
    assert state is not None
    assert [m.author for m in state.window] == ["ann", "bob", "cy"] and state.human_messages == 3


async def test_a_batch_decides_as_one_by_one(settings: Settings, store: RoomStore) -> None:
    events = busy_room(500, seed=5)
    one = engine_on(store)
    singly = [await one.handle(e) for e in events]
    room = events[0].room.key
    state_singly = await store.get(room)
    assert any(o.decision.speak for o in singly)  # a busy room: the bot does speak
    await store.delete(room)

    batched_store = RoomStore(store.client, retention_s=settings.retention_s)
    two = engine_on(batched_store)
    batched: list[Outcome] = []
    rng = random.Random(1)
    i = 0
    batched_store.roundtrips = 0
    while i < len(events):
        size = rng.randint(1, 25)  # bursts of queued events of varying length
        batched += await two.handle_batch(events[i:i + size])
        i += size
    assert decisions(batched) == decisions(singly)
    assert await batched_store.get(room) == state_singly
    assert batched_store.roundtrips < len(events) / 5


async def test_a_batch_skips_events_already_applied(store: RoomStore) -> None:
    eng = engine_on(store)
    first = [msg("d", "ann", f"message {i}", id=f"d{i}") for i in range(3)]
    await eng.handle_batch(first)
    again = [first[1], msg("d", "bob", "new one", id="d3"), msg("d", "bob", "new one", id="d3")]
    fresh = engine_on(RoomStore(store.client, retention_s=3600))  # it cannot know from memory
    outcomes = await fresh.handle_batch(again)
    assert [o.duplicate for o in outcomes] == [True, False, True]
    # The worker that holds the room learns of the duplicate from the save, and reloads.
    outcome = await eng.handle(first[0])
    assert outcome.duplicate
    state = await store.get("local:d")
    assert state is not None and state.human_messages == 4
    assert [m.id for m in state.window] == ["d0", "d1", "d2", "d3"]


async def test_batches_of_several_rooms_keep_each_room_in_order(store: RoomStore) -> None:
    eng = engine_on(store)
    events = [msg(f"r{i % 3}", f"m{i % 4}", f"message {i}") for i in range(30)]
    outcomes = await eng.handle_batch(events)
    assert [o.event.id for o in outcomes] == [e.id for e in events]
    for r in range(3):
        state = await store.get(f"local:r{r}")
        assert state is not None
        assert [m.text for m in state.window] == [f"message {i}" for i in range(r, 30, 3)]


async def test_the_decoded_room_cache_stays_under_its_byte_budget(store: RoomStore) -> None:
    budget = 200_000
    small = RoomStore(store.client, retention_s=3600, cache_bytes=budget)
    eng = engine_on(small)
    for r in range(20):
        for i in range(15):
            await eng.handle(msg(f"c{r}", f"m{i % 3}", f"room {r} says a fairly long thing {i}"))
        assert small.cached_bytes <= budget
    assert 0 < small.cached_bytes
    # Rooms pushed out of memory are still whole: loaded from the store.
    state = await small.get("local:c0")
    assert state is not None and state.human_messages == 15
    held = small.take("local:c19")
    assert held is not None  # the most recent room stayed in memory
    estimate = len(held.state.model_dump_json()) * DECODED_PER_JSON_BYTE
    assert budget / 20 < estimate < budget


def test_the_cache_budget_is_configured_in_megabytes() -> None:
    settings = Settings.from_env({"FACILITATOR_DATA_DIR": "/tmp/x", "FACILITATOR_STATE_CACHE_MB": "8"})
    assert settings.state_cache_bytes == 8 * 1024 * 1024
    assert Settings.from_env({"FACILITATOR_DATA_DIR": "/tmp/x"}).state_cache_bytes == 256 * 2**20


async def test_the_bench_batches_a_backlog_with_the_same_decisions(store: RoomStore) -> None:
    from facilitator.evaluation.bench import _policy

    passes = []
    for batch in (1, 10):
        events, rooms = make_traffic(400, 4, seed=2, prefix=f"b{batch}")
        llm = InstantLLM()
        await prepare(store, rooms)
        passes.append(await run_pass(store, _policy(llm), llm, events, rooms, concurrent=True,
                                     batch=batch))
    one, ten = passes
    assert one.spoke > 0 and one.failed == ten.failed == 0
    assert (ten.spoke, ten.interventions, ten.messages) == (one.spoke, one.interventions,
                                                           one.messages)
    assert ten.roundtrips < one.roundtrips / 4


async def test_an_update_of_a_held_room_is_one_round_trip_and_sees_other_writers(
        store: RoomStore) -> None:
    eng = engine_on(store)
    await eng.handle(msg("u", "ann", "hello"))
    store.roundtrips = 0

    def pause(state: RoomState) -> None:
        state.charter.paused = True

    await store.update("local:u", pause)
    assert store.roundtrips == 1
    # Another worker writes; this one's held copy is stale and the update is re-run on the
    # stored state, keeping the other worker's message.
    await engine_on(RoomStore(store.client, retention_s=3600)).handle(msg("u", "bob", "hi"))
    seen_turns: list[int] = []

    def goal(state: RoomState) -> None:
        seen_turns.append(state.human_messages)
        state.charter.goal = "ship"

    state = await store.update("local:u", goal)
    assert seen_turns == [1, 2]
    assert state.human_messages == 2 and state.charter.goal == "ship" and state.charter.paused
    stored = await store.get("local:u")
    assert stored is not None and [m.author for m in stored.window] == ["ann", "bob"]


async def test_a_part_gone_behind_the_workers_back_is_reloaded_not_patched(
        store: RoomStore) -> None:
    """Keys of one room expire one by one; a delta never lands on a list that is not the one
    the worker's copy was taken from."""
    from facilitator.memory.keys import part_key

    eng = engine_on(store)
    for i in range(5):
        await eng.handle(msg("gone", "ann", f"message {i}"))
    await store.client.delete(part_key("local:gone", "window"))
    outcome = await eng.handle(msg("gone", "bob", "after the window expired"))
    assert outcome.processed and outcome.error is None
    state = await store.get("local:gone")
    assert state is not None and state.human_messages == 6
    # The stored window is what the reloaded room had (nothing), plus the new message.
    assert [m.text for m in state.window] == ["after the window expired"]


REAL_IRC = SHARED_DATA / "ubuntu-irc-train.jsonl"


@pytest.mark.skipif(not REAL_IRC.exists(), reason=f"{REAL_IRC} is absent (../shared/data)")
async def test_a_real_busy_channel_decides_the_same_batched(settings: Settings,
                                                            store: RoomStore) -> None:
    """A real Ubuntu IRC room, one event at a time and in queued bursts: the same decisions
    and the same state, on traffic nobody here wrote."""
    from facilitator.evaluation.irc import load_corpus

    rooms = load_corpus(REAL_IRC, settings.bot_name).rooms
    name = max(rooms, key=lambda r: len(rooms[r]))  # the busiest room: the most to get wrong
    events = rooms[name][:1500]
    one = engine_on(store)
    singly = [await one.handle(e) for e in events]
    room = events[0].room.key
    state_singly = await store.get(room)
    assert sum(o.decision.speak for o in singly) >= 1
    await store.delete(room)
    two = engine_on(RoomStore(store.client, retention_s=settings.retention_s))
    rng = random.Random(7)
    batched: list[Outcome] = []
    i = 0
    while i < len(events):
        size = rng.randint(1, 30)
        batched += await two.handle_batch(events[i:i + size])
        i += size
    assert decisions(batched) == decisions(singly)
    assert await store.get(room) == state_singly
