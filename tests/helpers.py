"""Builders shared by the tests."""

from __future__ import annotations

import itertools

from facilitator.events import Author, ChatEvent, EventKind, RoomRef

_ids = itertools.count(1)


def msg(room: str, who: str, text: str, *, ts: float | None = None, id: str | None = None,
        kind: EventKind = EventKind.MESSAGE, **kw: object) -> ChatEvent:
    n = next(_ids)
    kw.setdefault("addressed", "@facilitator" in text.lower())
    return ChatEvent(id=id or f"e{n}", kind=kind, room=RoomRef.local(room),
                     author=Author(id=who, name=who.capitalize()), text=text,
                     ts=ts if ts is not None else 1000.0 + n, **kw)  # type: ignore[arg-type]
