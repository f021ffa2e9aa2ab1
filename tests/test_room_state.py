"""The relationship state of one room: what it records, and that it stays private and bounded."""

from __future__ import annotations

import re
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.engine import Engine
from facilitator.events import Author, EventKind, RoomRef
from facilitator.memory.state import CAP_PARTICIPANTS, CAP_WINDOW, RoomState
from facilitator.memory.store import RoomStore
from facilitator.memory.trackers import apply_event, forget_member
from facilitator.policies.commands import CommandRequest, run_command
from facilitator.policies.policy import FacilitatorPolicy
from tests.helpers import msg, room_with

BOT = "facilitator"


def test_participants_count_messages_words_and_replies() -> None:
    state = room_with(msg("r", "ann", "one two three", id="1"),
                      msg("r", "bob", "four five", id="2", reply_to="1"),
                      msg("r", "ann", "six", id="3"))
    ann, bob = state.participants["ann"], state.participants["bob"]
    assert (ann.messages, ann.words, ann.last_turn) == (2, 4, 2)
    assert (bob.messages, bob.words, bob.replies_received) == (1, 2, 0)
    assert ann.replies_received == 1
    assert state.relations["ann|bob"].replies == 1


def test_agreement_and_disagreement_by_words_and_reactions() -> None:
    state = room_with(msg("r", "ann", "we should cache the index", id="1"),
                      msg("r", "bob", "I disagree, caching hides the real problem", id="2"),
                      msg("r", "cy", "", id="3", kind=EventKind.REACTION, emoji="+1", target="1"),
                      msg("r", "cy", "", id="4", kind=EventKind.REACTION, emoji="thumbsdown",
                          target="2"))
    assert state.relations["ann|bob"].disagree == 1
    assert state.relations["ann|cy"].agree == 1
    assert state.relations["bob|cy"].disagree == 1
    assert state.window[0].approvals == ["cy"]
    # Taking the reaction back undoes it.
    apply_event(state, msg("r", "cy", "", id="5", kind=EventKind.REACTION, emoji="+1",
                           target="1", removed=True), bot_id=BOT)
    assert state.relations["ann|cy"].agree == 0 and state.window[0].approvals == []


def test_open_questions_close_when_answered() -> None:
    # bob speaks first, so ann's @bob names a known member: a question to him, not the group
    state = room_with(msg("r", "bob", "morning", id="b0"),
                      msg("r", "ann", "@bob can you take the release notes?", id="q1"),
                      msg("r", "cy", "the build is green", id="c1"))
    q = state.questions[0]
    assert (q.asker, q.addressee, q.answered_by) == ("ann", "bob", None)
    apply_event(state, msg("r", "bob", "sure, I'll do it", id="b1"), bot_id=BOT)
    assert q.answered_by == "bob"
    assert state.open_questions() == []


def test_proposals_decisions_and_action_items() -> None:
    state = room_with(msg("r", "ann", "I propose we rotate the editor monthly", id="p"),
                      msg("r", "bob", "agreed, sounds good", id="2"),
                      msg("r", "cy", "", id="3", kind=EventKind.REACTION, emoji="+1", target="p"),
                      msg("r", "dee", "we all agree then, decided", id="4"),
                      msg("r", "bob", "I'll take the first month", id="5"))
    p = state.proposals[0]
    assert p.supporters == ["bob", "cy", "dee"] and p.status == "decided"
    assert state.decisions[0].proposal_id == "p"
    assert state.actions[0].owner == "bob" and "first month" in state.actions[0].text
    assert state.decisions[0].owners == ["bob"]


def test_bridging_notes_come_from_approval_across_camps() -> None:
    events = [msg("r", "ann", "we need more parking", id="1"),
              msg("r", "bob", "I disagree, we need fewer cars", id="2"),
              msg("r", "ann", "no, that's wrong", id="3"),
              msg("r", "cy", "we should make the street safe for kids", id="4")]
    events += [msg("r", who, "", id=f"r{who}", kind=EventKind.REACTION, emoji="+1", target="4")
               for who in ("ann", "bob")]
    state = room_with(*events)
    assert [b.id for b in state.bridging] == ["4"]
    assert state.bridging[0].camps == 2


async def test_the_bot_record_notes_how_the_room_responded(store: RoomStore) -> None:
    engine = Engine(store, FacilitatorPolicy())
    await engine.handle(msg("b", "ann", "let's plan the party"))
    await engine.handle(msg("b", "bob", "@facilitator what's still open?"))
    await engine.handle(msg("b", "cy", "thanks, that helps", reply_to="facilitator:" + "x"))
    state = await store.get("local:b")
    assert state is not None and state.bot_log[0].intervention == "answer"
    for i in range(4):
        await engine.handle(msg("b", "ann", f"unrelated {i}"))
    state = await store.get("local:b")
    assert state is not None and state.bot_log[0].response == "ignored"


async def test_charter_changes_only_by_admin_or_a_second(store: RoomStore) -> None:
    room = RoomRef.local("c")
    ann, bob = Author(id="ann", name="Ann"), Author(id="bob", name="Bob")
    reply = await run_command(store, CommandRequest(room=room, user=ann, text="quiet"))
    assert reply.visibility == "room" and "another member can second" in reply.text
    state = await store.get("local:c")
    assert state is not None and state.charter.activity == "normal"
    again = await run_command(store, CommandRequest(room=room, user=ann, text="quiet"))
    # Asking twice is not a second (and is not announced to the room again).
    assert again.visibility == "private" and "waits for another member" in again.text
    seconded = await run_command(store, CommandRequest(room=room, user=bob, text="quiet"))
    assert "seconding Ann" in seconded.text
    state = await store.get("local:c")
    assert state is not None and state.charter.activity == "quiet"
    assert state.charter.changed_by == "bob"
    admin = await run_command(store, CommandRequest(room=room, user=ann, is_admin=True,
                                                    text="goal ship the beta by June"))
    assert admin.visibility == "room" and "as an admin" in admin.text
    state = await store.get("local:c")
    assert state is not None and state.charter.goal == "ship the beta by June"


def test_bad_events_are_noted_not_fatal() -> None:
    state = room_with(msg("r", "ann", "hello", id="1", ts=50.0))
    notes = apply_event(state, msg("r", "bob", "", id="2", kind=EventKind.REACTION, emoji="+1",
                                   target="missing"), bot_id=BOT)
    assert notes == ["reaction to unknown message missing; ignored"]
    apply_event(state, msg("r", "ann", "", id="3", kind=EventKind.DELETE, target="1"), bot_id=BOT)
    notes = apply_event(state, msg("r", "ann", "resurrected", id="4", kind=EventKind.EDIT,
                                   target="1"), bot_id=BOT)
    assert notes and "unknown or deleted" in notes[0]
    assert "resurrected" not in state.model_dump_json()
    latest = state.last_ts
    notes = apply_event(state, msg("r", "cy", "late", id="5", ts=10.0), bot_id=BOT)
    assert "out-of-order" in notes[0] and state.last_ts == latest
    assert state.window[-1].text == "late"  # kept, in arrival order


def test_thousands_of_members_stay_bounded_and_fast() -> None:
    state = RoomState(room="local:big")
    started = time.process_time()  # CPU time: a loaded machine does not count against it
    for i in range(5000):
        apply_event(state, msg("big", f"user{i}", f"hello from user {i}", id=f"m{i}",
                               ts=float(i)), bot_id=BOT)
    assert len(state.participants) <= CAP_PARTICIPANTS
    assert state.folded_participants == 5000 - len(state.participants)
    assert len(state.window) == CAP_WINDOW
    assert time.process_time() - started < 10


async def test_footprint_stays_under_a_cap(store: RoomStore) -> None:
    engine = Engine(store, FacilitatorPolicy())
    sizes = []
    for block in range(3):
        for i in range(600):
            n = block * 600 + i
            who = f"p{n % 37}"
            await engine.handle(msg("long", who, f"message {n}: should we {['ship', 'wait', 'test'][n % 3]} "
                                    f"the {['api', 'docs', 'ui'][n % 3]} now? I'll check. " * 2,
                                    id=f"m{n}", ts=float(n)))
        sizes.append(await store.footprint("local:long"))
    assert sizes[-1] < 200_000
    assert sizes[2] < sizes[1] * 1.2  # no longer growing with history


def test_forget_member_removes_every_trace() -> None:
    state = room_with(msg("r", "zoe", "I propose the zebra plan?", id="z1"),
                      msg("r", "ann", "agreed with the zebra plan", id="a1", reply_to="z1"),
                      msg("r", "ann", "@Zoe thanks", id="a2"))
    assert forget_member(state, "zoe")
    dump = state.model_dump_json()
    assert "zoe" not in dump.lower() and "zebra plan?" not in dump


_TOKEN = st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=6, max_size=9)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rooms=st.lists(st.lists(_TOKEN, min_size=3, max_size=12), min_size=2, max_size=6))
async def test_no_room_carries_another_rooms_words(store: RoomStore,
                                                   rooms: list[list[str]]) -> None:
    """The state of room A and the bot's words in room A never hold a token seen only in B."""
    await store.client.flushall()
    engine = Engine(store, FacilitatorPolicy())
    seen: dict[str, set[str]] = {}
    steps = []
    for r, tokens in enumerate(rooms):
        for i, token in enumerate(tokens):
            steps.append((f"room{r}", f"m{r}-{i}", ["ann", "bob", "cy"][i % 3], token))
    # Interleave rooms, and include moments the bot speaks at (summaries quote the room).
    steps.sort(key=lambda s: (s[1].split("-")[1], s[0]))
    for room, event_id, who, token in steps:
        text = f"what about {token}?" if event_id.endswith("-2") else f"I think {token} matters"
        seen.setdefault(room, set()).add(token)
        await engine.handle(msg(room, who, text, id=event_id))
    for room in seen:
        await engine.handle(msg(room, "ann", "@facilitator can you summarise?", id=f"{room}-s"))
    for room, mine in seen.items():
        state = await store.get(f"local:{room}")
        assert state is not None
        words = set(re.findall(r"[a-z]+", state.model_dump_json()))
        foreign = set().union(*(t for r, t in seen.items() if r != room)) - mine
        assert not (words & foreign), (room, words & foreign)
