"""Builders shared by the tests."""

from __future__ import annotations

import itertools

from facilitator.events import Author, ChatEvent, EventKind, RoomRef
from facilitator.memory.state import RoomState
from facilitator.memory.trackers import apply_event

_ids = itertools.count(1)


def msg(room: str, who: str, text: str, *, ts: float | None = None, id: str | None = None,
        kind: EventKind = EventKind.MESSAGE, **kw: object) -> ChatEvent:
    n = next(_ids)
    kw.setdefault("addressed", "@facilitator" in text.lower())
    return ChatEvent(id=id or f"e{n}", kind=kind, room=RoomRef.local(room),
                     author=Author(id=who, name=who.capitalize()), text=text,
                     ts=ts if ts is not None else 1000.0 + n, **kw)  # type: ignore[arg-type]


def room_with(*events: ChatEvent, bot_id: str = "facilitator") -> RoomState:
    """A room's state after these events, through the trackers alone."""
    state = RoomState(room="local:r")
    for event in events:
        apply_event(state, event, bot_id=bot_id)
    return state
