"""The bot added to a room, as the engine sees it: one JOIN event with the room's roster.
Onboarding learns the members silently and owes one welcome; the engine saves both at once."""

from __future__ import annotations

from facilitator.engine import Engine
from facilitator.events import Author, ChatEvent, EventKind, RoomRef
from facilitator.memory.store import RoomStore
from facilitator.policies.policy import FacilitatorPolicy
from tests.helpers import msg

WELCOME = "Hello, I'm facilitator. What I keep, who sees it, and how to pause me: ..."
ROOM = RoomRef.local("plans")


def added(event_id: str, roster: list[Author], title: str = "plans") -> ChatEvent:
    return ChatEvent(id=event_id, kind=EventKind.JOIN, room=ROOM, ts=1000.0, title=title,
                     author=Author(id="U0BOT", is_bot=True), roster=tuple(roster))


async def test_joining_learns_the_roster_and_welcomes_once(store: RoomStore) -> None:
    engine = Engine(store, FacilitatorPolicy(), welcome=WELCOME)
    roster = [Author(id="ann"), Author(id="bo"), Author(id="helper", is_bot=True), Author(id="U0BOT")]
    first = await engine.handle(added("join:1", roster))
    assert first.decision.speak and first.decision.text == WELCOME
    state = await store.get(ROOM.key)
    assert state is not None and state.welcomed and state.title == "plans"
    assert set(state.participants) == {"ann", "bo"}  # bots, the bot itself included, are not
    assert all(p.present and p.messages == 0 for p in state.participants.values())
    assert state.human_messages == 0 and state.bot_log == []  # a welcome is no turn of the talk
    # The same event again, or a later re-invite, never welcomes twice.
    assert (await engine.handle(added("join:1", roster))).duplicate
    again = await engine.handle(added("join:2", [*roster, Author(id="cy")]))
    assert not again.decision.speak
    state = await store.get(ROOM.key)
    assert state is not None and set(state.participants) == {"ann", "bo", "cy"}


async def test_names_looked_up_later_fill_in_and_bots_found_are_dropped(store: RoomStore) -> None:
    engine = Engine(store, FacilitatorPolicy(), welcome=WELCOME)
    await engine.handle(added("join:1", [Author(id="ann"), Author(id="helper")]))
    await engine.handle(msg("plans", "ann", "Shall we start?"))
    named = [Author(id="ann", name="Ann"), Author(id="helper", name="Helper", is_bot=True)]
    outcome = await engine.handle(added("join:1:names", named))
    assert not outcome.decision.speak
    state = await store.get(ROOM.key)
    assert state is not None and {p: v.name for p, v in state.participants.items()} == {"ann": "Ann"}


async def test_without_a_welcome_the_members_are_still_learned(store: RoomStore) -> None:
    engine = Engine(store, FacilitatorPolicy())
    outcome = await engine.handle(added("join:1", [Author(id="ann")]))
    assert not outcome.decision.speak
    state = await store.get(ROOM.key)
    assert state is not None and not state.welcomed and "ann" in state.participants
