"""The room store's contract, run against a single server and a 3-node cluster alike."""

from __future__ import annotations

import asyncio

import pytest

from facilitator.engine import Engine
from facilitator.events import EventKind
from facilitator.memory.codec import PARTS
from facilitator.memory.keys import part_key, quarantine_key, seen_key, state_key
from facilitator.memory.state import RoomState
from facilitator.memory.store import RoomQuarantined, RoomStore
from facilitator.memory.trackers import forget_member
from facilitator.policies.policy import FacilitatorPolicy
from tests.conftest import connect
from tests.helpers import msg


def engine_on(store: RoomStore) -> Engine:
    return Engine(store, FacilitatorPolicy(), bot_id="facilitator")


async def raw_room(store: RoomStore, room: str) -> bytes:
    """Every byte Redis holds for the room: the state hash and each of its parts."""
    out = [await store.client.hget(state_key(room), "state") or b""]
    for part in PARTS:
        out += await store.client.lrange(part_key(room, part), 0, -1)
    return b"\n".join(out)


async def test_new_room_is_empty(backend: RoomStore) -> None:
    loaded = await backend.load("local:new", "e1")
    assert loaded.state.room == "local:new" and loaded.state.human_messages == 0
    assert loaded.version == "" and not loaded.duplicate


async def test_save_and_load_round_trip(backend: RoomStore) -> None:
    eng = engine_on(backend)
    for i, text in enumerate(["hello all", "what is the plan?", "let's ship on friday"]):
        await eng.handle(msg("r", ["ann", "bob", "cy"][i], text))
    state = await backend.get("local:r")
    assert state is not None
    assert [p.id for p in state.participants.values()] == ["ann", "bob", "cy"]
    assert [m.text for m in state.window] == ["hello all", "what is the plan?",
                                             "let's ship on friday"]
    again = await backend.load("local:r")
    assert again.state == state and again.version == "3"


async def test_compare_and_set_rejects_a_stale_writer(backend: RoomStore) -> None:
    first = await backend.load("local:cas")
    second = await backend.load("local:cas")
    first.state.human_messages = 1
    second.state.human_messages = 2
    assert await backend.save_if_current(first.state, first.version)
    assert not await backend.save_if_current(second.state, second.version)
    kept = await backend.get("local:cas")
    assert kept is not None and kept.human_messages == 1


async def test_same_event_twice_changes_nothing(backend: RoomStore) -> None:
    eng = engine_on(backend)
    event = msg("r", "ann", "a first message", id="dup-1")
    await eng.handle(event)
    before = (await backend.get("local:r"))
    outcome = await eng.handle(event)
    assert outcome.duplicate
    assert await backend.get("local:r") == before


async def test_two_workers_never_lose_an_update(backend: RoomStore, backend_url: str) -> None:
    other = await connect(backend_url)
    try:
        workers = [engine_on(backend), engine_on(other)]
        events = [msg("busy", f"m{i % 5}", f"message number {i}") for i in range(60)]
        await asyncio.gather(*(workers[i % 2].handle(e) for i, e in enumerate(events)))
        state = await backend.get("local:busy")
        assert state is not None
        assert state.human_messages == 60
        assert sum(p.messages for p in state.participants.values()) == 60
    finally:
        await other.client.aclose()


async def test_room_keys_share_one_slot_and_expire(backend: RoomStore) -> None:
    store = RoomStore(backend.client, retention_s=120)
    await engine_on(store).handle(msg("exp", "ann", "hello"))
    parts = [part_key("local:exp", p) for p in ("window", "participants", "history")]
    for key in (state_key("local:exp"), seen_key("local:exp"), *parts):
        ttl = await backend.client.ttl(key)
        assert 0 < ttl <= 120
    tags = {k.split("}")[0] for k in (state_key("local:exp"), seen_key("local:exp"), *parts)}
    assert len(tags) == 1


async def test_rooms_are_listed_and_deleted(backend: RoomStore) -> None:
    eng = engine_on(backend)
    for room in ("a", "b", "c"):
        await eng.handle(msg(room, "ann", f"hi from {room}"))
    assert await backend.rooms() == ["local:a", "local:b", "local:c"]
    await backend.delete("local:b")
    assert await backend.rooms() == ["local:a", "local:c"]


async def test_edit_replaces_text_everywhere(backend: RoomStore) -> None:
    eng = engine_on(backend)
    await eng.handle(msg("ed", "ann", "should we move the launch to March?", id="q1"))
    await eng.handle(msg("ed", "ann", "should we move the launch to May?", id="q1-edit",
                         kind=EventKind.EDIT, target="q1"))
    state = await backend.get("local:ed")
    assert state is not None
    dump = state.model_dump_json()
    assert "March" not in dump and "May" in dump
    assert state.questions[0].text == "should we move the launch to May?"


async def test_delete_removes_message_and_what_quotes_it(backend: RoomStore) -> None:
    eng = engine_on(backend)
    await eng.handle(msg("del", "ann", "I propose we adopt the blue logo", id="p1"))
    await eng.handle(msg("del", "bob", "agreed, sounds good", id="p2"))
    await eng.handle(msg("del", "ann", "", id="p1-del", kind=EventKind.DELETE, target="p1"))
    state = await backend.get("local:del")
    assert state is not None
    assert "blue logo" not in state.model_dump_json()
    assert [m.id for m in state.window] == ["p2"]


async def test_forget_removes_a_person_from_every_room(backend: RoomStore) -> None:
    eng = engine_on(backend)
    for room in ("x", "y"):
        await eng.handle(msg(room, "zoe", f"zoe's secret plan for {room}?"))
        await eng.handle(msg(room, "ann", f"ann replies in {room}"))
    assert await backend.forget("zoe", forget_member) == 2
    for room in ("local:x", "local:y"):
        state = await backend.get(room)
        assert state is not None
        dump = state.model_dump_json()
        assert "zoe" not in dump and "secret" not in dump
        assert "ann" in state.participants


async def test_corrupt_state_is_kept_aside_and_never_overwritten(backend: RoomStore) -> None:
    await backend.client.hset(state_key("local:bad"), mapping={"state": b"{not json", "ver": 3})
    engine = engine_on(backend)
    outcome = await engine.handle(msg("bad", "ann", "still works?"))
    assert not outcome.processed and outcome.error and "room reset" in outcome.error
    # The unreadable blob is untouched and a copy sits under its own key.
    assert await backend.client.hget(state_key("local:bad"), "state") == b"{not json"
    assert await backend.client.get(quarantine_key("local:bad")) == b"{not json"
    assert backend.quarantined == 1
    again = await engine.handle(msg("bad", "bob", "hello?"))
    assert not again.processed and backend.quarantined == 1  # counted once
    # Even a writer holding a matching version cannot overwrite it.
    with pytest.raises(RoomQuarantined):
        await backend.save_if_current(RoomState(room="local:bad"), "3")
    # Other rooms are unaffected.
    assert (await engine.handle(msg("good", "ann", "fine here"))).processed
    # The operator's act: reset. Then the room starts afresh.
    assert await backend.reset("local:bad") == b"{not json"
    assert (await engine.handle(msg("bad", "ann", "back?"))).processed
    state = await backend.get("local:bad")
    assert state is not None and state.human_messages == 1


async def test_state_round_trips_through_json(backend: RoomStore) -> None:
    state = RoomState(room="local:j")
    assert await backend.save_if_current(state, "")
    assert await backend.get("local:j") == state


async def test_forget_touches_only_rooms_holding_the_person_and_keeps_expiry(
        backend: RoomStore) -> None:
    eng = engine_on(backend)
    for room in ("a", "b", "c"):
        await eng.handle(msg(room, "ann", f"hello from ann in {room}"))
    await eng.handle(msg("a", "zoe", "zoe's secret in a"))
    await eng.handle(msg("b", "zoe", "zoe's secret in b"))
    # Each room has lived a while: a little of its retention is used up.
    for room in ("local:a", "local:b", "local:c"):
        await backend.client.expire(state_key(room), 1000)
    versions = {r: await backend.client.hget(state_key(r), "ver")
                for r in ("local:a", "local:b", "local:c")}
    assert await backend.rooms_of("zoe") == ["local:a", "local:b"]
    assert await backend.forget("zoe", forget_member) == 2
    for room in ("local:a", "local:b"):
        raw = await raw_room(backend, room)
        assert b"ann" in raw
        assert b"zoe" not in raw and b"secret" not in raw  # the raw Redis values, not a view
        for key in (state_key(room), part_key(room, "window"), part_key(room, "participants")):
            assert 0 < await backend.client.ttl(key) <= 1000  # not extended
    # The room without zoe was not rewritten at all.
    assert await backend.client.hget(state_key("local:c"), "ver") == versions["local:c"]
    assert await backend.rooms_of("zoe") == []


async def test_forget_finds_rooms_saved_before_the_index_existed(backend: RoomStore) -> None:
    eng = engine_on(backend)
    await eng.handle(msg("old", "zoe", "an old secret"))
    await backend.client.delete("fac:member-rooms:zoe", "fac:member-rooms:built")
    fresh = RoomStore(backend.client, retention_s=3600)  # a new process: nothing cached
    assert await fresh.forget("zoe", forget_member) == 1
    raw = await raw_room(backend, "local:old")
    assert b"old secret" not in raw


async def test_deleting_a_workspace_removes_only_its_rooms(backend: RoomStore) -> None:
    from facilitator.events import Author, ChatEvent, RoomRef

    eng = engine_on(backend)
    for ws, ch in (("T1", "C1"), ("T1", "C2"), ("T2", "C1")):
        await eng.handle(ChatEvent(id=f"{ws}{ch}", room=RoomRef(platform="slack", workspace=ws,
                                                               channel=ch),
                                   author=Author(id="U1"), text="hi", ts=5.0))
    assert await backend.delete_workspace("slack", "T1") == 2
    assert await backend.rooms() == ["slack:T2:C1"]
    for room in ("slack:T1:C1", "slack:T1:C2"):
        assert not await backend.client.exists(state_key(room), seen_key(room))


async def test_a_room_saved_whole_by_an_older_version_loads_and_is_split(
        backend: RoomStore) -> None:
    eng = engine_on(backend)
    await eng.handle(msg("v1", "ann", "written by the new store"))
    written = await backend.get("local:v1")
    assert written is not None
    old = written.model_copy(update={"human_messages": 7})
    await backend.delete("local:v1")
    # The layout before rooms were stored in parts: one JSON blob and a version.
    await backend.client.hset(state_key("local:v1"),
                              mapping={"state": old.model_dump_json(), "ver": 4})
    fresh = RoomStore(backend.client, retention_s=3600)
    assert (await fresh.get("local:v1")) == old
    await engine_on(fresh).handle(msg("v1", "bob", "and now a second message"))
    state = await backend.get("local:v1")
    assert state is not None and state.human_messages == 8
    assert [m.author for m in state.window] == ["ann", "bob"]
    assert await backend.client.hget(state_key("local:v1"), "ver") == b"5"
    assert await backend.client.llen(part_key("local:v1", "window")) == 2


async def test_a_corrupt_part_quarantines_the_room(backend: RoomStore) -> None:
    await engine_on(backend).handle(msg("cp", "ann", "hello there"))
    await backend.client.rpush(part_key("local:cp", "window"), b'{"id": 3')
    fresh = engine_on(RoomStore(backend.client, retention_s=3600))
    outcome = await fresh.handle(msg("cp", "bob", "anyone?"))
    assert not outcome.processed and outcome.error and "room reset" in outcome.error
    kept = await backend.client.get(quarantine_key("local:cp"))
    assert kept is not None and b'{"id": 3' in kept and b"hello there" in kept
    # The worker that saved the room last holds a copy, but its save is refused too.
    again = await engine_on(backend).handle(msg("cp", "cy", "still there?"))
    assert not again.processed
    assert await backend.client.llen(part_key("local:cp", "window")) == 2
