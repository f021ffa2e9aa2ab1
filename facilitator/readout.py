"""The bot's read of a room in words: the same for every member who asks."""

from __future__ import annotations

from collections import Counter

from facilitator.cues import content_words
from facilitator.memory.state import RoomState
from facilitator.policies.signals import Signals, compute_signals


def names(state: RoomState, ids: list[str], limit: int = 4) -> str:
    labels = [state.name_of(i) for i in ids[:limit]]
    if len(ids) > limit:
        labels.append(f"{len(ids) - limit} more")
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def topic_words(state: RoomState, n: int = 2, last: int = 10, author: str | None = None) -> list[str]:
    counts: Counter[str] = Counter()
    for msg in state.window[-last:]:
        if msg.is_bot or (author is not None and msg.author != author):
            continue
        counts.update(content_words(msg.text))
    return [w for w, _ in counts.most_common(n)]


def topic_phrase(state: RoomState) -> str:
    """What the room is talking about right now, in two or three words."""
    words = topic_words(state)
    if words:
        return " and ".join(words)
    return state.charter.goal or "where this is going"


def short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def open_items_text(state: RoomState, limit: int = 2) -> str:
    items = [f"{state.name_of(q.asker)} asked \"{short(q.text)}\""
             for q in state.open_questions()[-limit:]]
    items += [f"{state.name_of(p.author)} proposed \"{short(p.text)}\""
              for p in state.open_proposals()[-limit:]]
    return "; ".join(items) + "." if items else "no open questions or proposals right now."


def decisions_text(state: RoomState, limit: int = 3) -> str:
    if not state.decisions:
        return "nothing decided yet."
    parts = []
    for d in state.decisions[-limit:]:
        owners = f" (owner: {names(state, d.owners)})" if d.owners else " (no owner yet)"
        parts.append(f"\"{short(d.text)}\"{owners}")
    return "; ".join(parts) + "."


def heat_word(tension: float) -> str:
    if tension >= 0.6:
        return "heated"
    if tension >= 0.35:
        return "tense"
    if tension >= 0.15:
        return "lively"
    return "calm"


def balance_text(state: RoomState, signals: Signals) -> str:
    if not signals.humans:
        return "nobody has spoken yet"
    text = f"{signals.humans} people have spoken"
    if signals.dominant and signals.humans > 1 and signals.dominant_share >= 0.4:
        text += f", {state.name_of(signals.dominant)} the most ({signals.dominant_share:.0%})"
    if signals.quiet:
        text += f"; not heard from lately: {names(state, signals.quiet)}"
    return text


def summary_text(state: RoomState) -> str:
    signals = compute_signals(state)
    parts = [f"{state.turn} messages so far on {topic_phrase(state)}; "
             f"{balance_text(state, signals)}."]
    if state.decisions:
        parts.append(f"Decided: {decisions_text(state)}")
    parts.append(f"Open: {open_items_text(state)}")
    if signals.tension >= 0.35:
        parts.append(f"The mood is {heat_word(signals.tension)}.")
    return " ".join(parts)


def status_text(state: RoomState, llm: str | None = None) -> str:
    """The bot's read of the room, posted so every member sees the same.

    `llm` is the model's status line (working, or switched off by its circuit breaker).
    """
    signals = compute_signals(state)
    lines = [
        f"Balance: {balance_text(state, signals)} "
        f"(participation Gini {signals.participation_gini:.2f}).",
        f"Heat: {heat_word(signals.tension)} (tension {signals.tension:.2f}).",
        f"Open: {open_items_text(state)}",
        f"Decisions: {decisions_text(state)}",
        f"Settings: {state.charter.activity.value}"
        + (f"; goal: {state.charter.goal}" if state.charter.goal else "; no goal set"),
    ]
    if llm:
        lines.append(llm)
    return "\n".join(lines)
