"""A digest's words, from the room state alone: decisions, open items, common ground, and,
gently and without numbers about anyone, whose voice the room has not heard lately."""

from __future__ import annotations

from facilitator.memory.state import RoomState
from facilitator.policies.signals import compute_signals
from facilitator.readout import names, short

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
    actions = state.actions
    common = state.bridging
    sections: list[str] = []
    if decided:
        lines = []
        for d in decided[-MAX_ITEMS:]:
            owner = f" — owner: {names(state, d.owners)}" if d.owners else " — no owner yet"
            lines.append(f"• “{short(d.text)}”{owner}")
        sections.append("Decided:\n" + "\n".join(lines))
    if questions:
        lines = []
        for q in questions[-MAX_ITEMS:]:
            waits = f", waiting on {n(q.addressee)}" if q.addressee else ""
            lines.append(f"• {n(q.asker)} asked “{short(q.text)}”{waits}")
        sections.append("Still open:\n" + "\n".join(lines))
    if awaiting:
        sections.append("Proposals awaiting a second:\n" + "\n".join(
            f"• {n(p.author)}: “{short(p.text)}”" for p in awaiting[-MAX_ITEMS:]))
    if actions:
        sections.append("Action items:\n" + "\n".join(
            f"• {n(a.owner)}: {short(a.text)}" for a in actions[-MAX_ITEMS:]))
    if common:
        sections.append("Common ground:\n" + "\n".join(
            f"• “{short(b.text)}” ({n(b.author)}), agreed across sides" for b in common[-3:]))
    if not sections:
        return None
    quiet = quiet_lately(state, since)
    if quiet:
        sections.append(f"We haven't heard lately from {names(state, quiet)}; "
                        "your view is welcome here whenever you're ready.")
    return "Here's where the room stands.\n\n" + "\n\n".join(sections)
