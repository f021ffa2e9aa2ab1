"""The room's task and drift away from it."""

from __future__ import annotations

from facilitator.memory.state import CAP_GOAL_TERMS, RoomState
from facilitator.reading.message import MessageRead, read_text


def on_message(state: RoomState, read: MessageRead, message_id: str = "") -> None:
    """Drift: a run of messages that share no words with the goal or the talk that served it.

    The goal's vocabulary starts from the goal and the room's opening messages (they set the
    agenda) and grows from clearly on-task talk, so "the docs build" counts as on the goal
    "plan the release" once the room has tied the two together. Social chatter never counts
    as on-task, whatever words it shares.
    """
    if not state.charter.goal:
        return
    text = read.text
    r = state.rolling
    mine = _stems(text.content)
    known = set(r.goal_terms) | _stems(read_text(state.charter.goal).content)
    shared = mine & known
    on_task = not text.social and (bool(shared) or text.work)
    if on_task or not mine:
        r.off_goal_streak = r.off_goal_social = 0
    else:
        r.off_goal_streak += 1
        r.off_goal_social += text.social
    opening = state.human_messages < 3
    if not text.social and (opening or text.work or len(shared) >= 2):
        r.goal_terms = [*[t for t in r.goal_terms if t not in mine], *sorted(mine)][-CAP_GOAL_TERMS:]
        if message_id:
            r.goal_sources.update(dict.fromkeys(mine, message_id))
        kept = set(r.goal_terms)
        r.goal_sources = {t: m for t, m in r.goal_sources.items() if t in kept}


def forget_sources(state: RoomState, ids: set[str]) -> bool:
    """Drop the stems these messages were the last to bring (others regrow from later talk).
    True when any went."""
    r = state.rolling
    gone = {t for t, m in r.goal_sources.items() if m in ids}
    if gone:
        r.goal_terms = [t for t in r.goal_terms if t not in gone]
        r.goal_sources = {t: m for t, m in r.goal_sources.items() if t not in gone}
    return bool(gone)


def _stems(words: frozenset[str] | set[str]) -> set[str]:
    return {w[:4] for w in words}


def forget(state: RoomState, member_id: str) -> None:
    """A change of the charter they made stays the room's; a request of theirs not yet
    seconded goes."""
    charter = state.charter
    if charter.changed_by == member_id:
        charter.changed_by = None
    if charter.pending is not None and charter.pending.by == member_id:
        charter.pending = None  # their request, not yet the room's
