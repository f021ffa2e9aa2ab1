"""Signals computed from the room state already loaded: O(members), no history scans."""

from __future__ import annotations

from dataclasses import dataclass, field

from facilitator.memory.state import Relation, RoomState
from facilitator.reading.message import MessageRead

PAIR_TURN_DECAY = 0.9
# A member counts as quiet once this many human turns passed without them speaking.
QUIET_AFTER_TURNS = 6


def gini(values: list[int] | list[float]) -> float:
    """Gini coefficient of non-negative shares: 0 equal, towards 1 one voice."""
    n = len(values)
    total = sum(values)
    if n < 2 or total <= 0:
        return 0.0
    ordered = sorted(values)
    weighted = sum((i + 1) * v for i, v in enumerate(ordered))
    return max(0.0, (2.0 * weighted) / (n * total) - (n + 1.0) / n)


def pair_tension(rel: Relation, turn: int) -> float:
    return rel.tension * PAIR_TURN_DECAY ** max(0, turn - 1 - rel.last_turn)


@dataclass(slots=True)
class Signals:
    tension: float = 0.0
    tension_trend: float = 0.0
    participation_gini: float = 0.0
    bot_share: float = 0.0
    humans: int = 0
    dominant: str | None = None
    dominant_share: float = 0.0
    quiet: list[str] = field(default_factory=list)
    hot_pair: tuple[str, str] | None = None
    pace_per_min: float = 0.0
    loop_score: float = 0.0
    off_goal_streak: int = 0
    open_questions: int = 0
    read: MessageRead | None = None  # the current message's read, when it is a message

    def as_json(self) -> dict[str, float]:
        return {
            "tension": round(self.tension, 4),
            "tension_trend": round(self.tension_trend, 4),
            "participation_gini": round(self.participation_gini, 4),
            "bot_share": round(self.bot_share, 4),
            "dominant_share": round(self.dominant_share, 4),
            "pace_per_min": round(self.pace_per_min, 3),
            "loop_score": round(self.loop_score, 3),
            "open_questions": float(self.open_questions),
        }


def compute_signals(state: RoomState, read: MessageRead | None = None) -> Signals:
    people = state.participants
    counts = [p.messages for p in people.values() if p.messages > 0]
    total = sum(counts)
    sig = Signals(
        participation_gini=gini(counts),
        humans=len(counts),
        pace_per_min=state.rolling.pace_per_min,
        loop_score=state.rolling.loop_score,
        off_goal_streak=state.rolling.off_goal_streak,
        open_questions=sum(1 for q in state.questions if q.answered_by is None),
        read=read,
    )
    spoken = total + state.bot_messages
    sig.bot_share = state.bot_messages / spoken if spoken else 0.0
    if total:
        top = max(people.values(), key=lambda p: p.messages)
        sig.dominant, sig.dominant_share = top.id, top.messages / total
    # Quiet: present members who have fallen silent (or never spoken since joining)
    # while the conversation went on without them.
    fair = 1.0 / max(2, len(counts))
    for p in people.values():
        if not p.present or p.id == sig.dominant:
            continue
        silent_for = state.human_messages - (p.last_turn if p.last_turn >= 0 else p.first_turn)
        share = p.messages / total if total else 0.0
        if silent_for >= QUIET_AFTER_TURNS and share < fair * 0.6:
            sig.quiet.append(p.id)
    sig.quiet.sort(key=lambda pid: (people[pid].messages, people[pid].last_turn))
    hottest = 0.0
    for rel in state.relations.values():
        if state.human_messages - rel.last_turn > 12:
            continue
        t = pair_tension(rel, state.human_messages)
        if t > hottest:
            hottest, sig.hot_pair = t, (rel.a, rel.b)
    heat = state.rolling.heat
    sig.tension = min(1.0, max(heat, 0.85 * hottest))
    sig.tension_trend = heat - state.rolling.heat_prev
    return sig
