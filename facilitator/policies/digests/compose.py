"""A digest's words, from the room state alone: decisions, open items, common ground, and,
gently and without numbers about anyone, whose voice the room has not heard lately."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from facilitator.memory.state import GroupDecision, RoomState
from facilitator.memory.trackers.common import short
from facilitator.policies.readout import names
from facilitator.policies.signals import compute_signals

MAX_ITEMS = 5


def quiet_lately(state: RoomState, since: float) -> list[str]:
    """Present members not heard since the last digest (or lately), while others spoke."""
    signals = compute_signals(state)
    spoke_since = [p for p in state.participants.values() if p.last_ts > since]
    quiet = list(signals.quiet)
    if since and spoke_since:
        for p in state.participants.values():
            if p.present and p.messages > 0 and p.last_ts <= since and p.id not in quiet:
                quiet.append(p.id)
    return quiet


def compose_digest(state: RoomState, *, since: float = 0.0, scheduled: bool = True) -> str | None:
    """The digest text, or None when there is nothing worth a post.

    A scheduled digest needs human activity since the last one: a room that went quiet
    does not get the same open questions repeated every morning.
    """
    if scheduled and state.last_ts <= since:
        return None
    n = state.name_of
    decided = [d for d in state.decisions if d.ts > since]
    questions = state.open_questions()
    awaiting = [p for p in state.open_proposals() if not p.supporters]

    def owned(d: GroupDecision) -> str:
        return f" — owner: {names(state, d.owners)}" if d.owners else " — no owner yet"

    parts: list[tuple[str, Sequence[Any], Callable[[Any], str], int]] = [
        ("Decided", decided, lambda d: f"“{short(d.text)}”{owned(d)}", MAX_ITEMS),
        ("Still open", questions, lambda q: f"{n(q.asker)} asked “{short(q.text)}”"
         + (f", waiting on {n(q.addressee)}" if q.addressee else ""), MAX_ITEMS),
        ("Proposals awaiting a second", awaiting, lambda p: f"{n(p.author)}: “{short(p.text)}”",
         MAX_ITEMS),
        ("Action items", state.actions, lambda a: f"{n(a.owner)}: {short(a.text)}", MAX_ITEMS),
        ("Common ground", state.bridging,
         lambda b: f"“{short(b.text)}” ({n(b.author)}), agreed across sides", 3),
    ]
    sections: list[str] = [f"{title}:\n" + "\n".join(f"• {line(x)}" for x in items[-keep:])
                           for title, items, line, keep in parts if items]
    if not sections:
        return None
    quiet = quiet_lately(state, since)
    if quiet:
        sections.append(f"We haven't heard lately from {names(state, quiet)}; "
                        "your view is welcome here whenever you're ready.")
    return "Here's where the room stands.\n\n" + "\n\n".join(sections)
