"""Which proactive moves are on by default in which kind of room, and what the room changed.

Issue 19's rule: a proactive move is on by default in a kind of room only where it has been
shown, on real conversations of that kind that it was not tuned on, to be right (at least 70%
helpful and at most 5% harmful, JUDGING.md, and the measured targets); everywhere else the
bot stays silent on it unless the room asks for more. Silence is never a failure; a wrong turn
is.

`ON` is that table (kind -> moves on), `EVIDENCE` the figures behind each cell (README, "Moves
by kind of room"). The room's charter changes it: `/facilitator more MOVE` turns a move on,
`/facilitator less MOVE` off (an admin, or one member asking and a second seconding). While a
member chairs the meeting (memory/trackers/chair.py) the bot makes no process moves, whatever
the table or the charter say; it still answers when addressed, answers a personal attack and
records a decision the group (or the chair) made. A move the room keeps waving off becomes
rarer in that room (`steer`, memory/trackers/steer.py).

Answers to direct requests and declined capture attempts are not proactive: never filtered.
"""

from __future__ import annotations

from collections.abc import Sequence

from facilitator.memory.state import RoomKind, RoomState
from facilitator.memory.trackers.steer import wait_for
from facilitator.policies.decision import Intervention, Moment

# A deescalate moment is one of two moves: answering one member's personal attack (the
# message was read as an attack), or cooling rising heat between members (no attack read).
ANSWER_ATTACK = "answer_attack"
COOL_HEAT = "cool_heat"

# What the room may name with `more` / `less`, and what each name covers.
MOVES: dict[str, tuple[str, ...]] = {
    "invite_quiet": ("invite_quiet",),
    "surface_question": ("surface_question",),
    "common_ground": ("common_ground",),
    "name_crux": ("name_crux",),
    "translate_terms": ("translate_terms",),
    "deescalate": (ANSWER_ATTACK, COOL_HEAT),
    "answer_attack": (ANSWER_ATTACK,),
    "cool_heat": (COOL_HEAT,),
    "summarize": ("summarize",),
    "refocus": ("refocus",),
    "propose_process": ("propose_process",),
    "record_decision": ("record_decision",),
}
PROACTIVE = frozenset(m for ms in MOVES.values() for m in ms)
# Moves that run the meeting: a human chair's job while there is one.
PROCESS = frozenset({"invite_quiet", "summarize", "surface_question", "propose_process",
                     "refocus", "name_crux", "common_ground", "translate_terms", COOL_HEAT})
KINDS: tuple[RoomKind, ...] = ("help_channel", "community", "issue_thread", "chaired_meeting",
                               "small_team", "deliberation")
KIND_NAMES: dict[str, str] = {
    "forming": "a room whose kind I cannot tell yet", "help_channel": "a busy help channel",
    "community": "a community chat", "issue_thread": "an issue thread",
    "chaired_meeting": "a chaired meeting", "small_team": "a small team's meeting",
    "deliberation": "a deliberation"}

# The table. Filled from `facilitator eval real --split tune` (figures in EVIDENCE) and kept
# honest on the REPORT part; a move missing from a kind is off there by default.
ON: dict[str, frozenset[str]] = {
    "help_channel": frozenset({"surface_question"}),
    "community": frozenset(),
    "issue_thread": frozenset({ANSWER_ATTACK}),
    "chaired_meeting": frozenset(),
    "small_team": frozenset(),
    "deliberation": frozenset({ANSWER_ATTACK}),
}
# Before the kind can be read: only what is on in every kind.
ON["forming"] = frozenset.intersection(*(ON[k] for k in KINDS))
# By default an attack is answered only when the read is strong (the message's hostility):
# on the TUNE rooms the milder reads were banter, frustration or a technical word as often as
# an insult. `/facilitator more answer_attack` answers every attack read.
STRONG_ATTACK = 0.8

# kind -> move -> what showed it right or not (TUNE part; see the README's table).
EVIDENCE: dict[str, dict[str, str]] = {}


def move_of(moment: Moment) -> str:
    if moment.intervention == Intervention.DEESCALATE:
        return ANSWER_ATTACK if moment.facts.get("on") == "attack" else COOL_HEAT
    return moment.intervention.value


def _strength(moment: Moment) -> float:
    try:
        return float(moment.facts.get("strength", "1"))
    except ValueError:
        return 1.0


def expand(names: Sequence[str]) -> set[str]:
    return {m for name in names for m in MOVES.get(name, ())}


def on_by_default(kind: str, move: str) -> bool:
    return move in ON.get(kind, ON["forming"])


def blocked(state: RoomState, moment: Moment) -> str | None:
    """Why the room's kind, chair or charter keep this moment back; None when it may go."""
    move = move_of(moment)
    if move not in PROACTIVE:
        return None  # answers, declines, and moves this table does not know
    charter = state.charter
    if move in expand(charter.less):
        return f"the room turned {move} off"
    chair = state.traffic.chair
    if chair is not None and move in PROCESS:
        return f"{state.name_of(chair)} is chairing: no process moves of mine"
    kind = state.traffic.kind
    asked = move in expand(charter.more)
    if not asked and not on_by_default(kind, move):
        return (f"{move} is off by default in {KIND_NAMES.get(kind, kind)} "
                f"(`/facilitator more {move}` turns it on)")
    if not asked and move == ANSWER_ATTACK and _strength(moment) < STRONG_ATTACK:
        return (f"a milder attack than I answer unasked ({_strength(moment):.2f} < "
                f"{STRONG_ATTACK}; `/facilitator more answer_attack` answers these too)")
    wait = wait_for(state, move)
    if wait:
        return wait
    return None


def allowed(state: RoomState, moments: list[Moment], why: str) -> tuple[list[Moment], str]:
    """The gate's moments less those the room's kind, chair or charter keep back."""
    if not moments:
        return moments, why
    kept: list[Moment] = []
    reasons: list[str] = []
    for moment in moments:
        reason = blocked(state, moment)
        if reason is None:
            kept.append(moment)
        else:
            reasons.append(reason)
    return kept, ("" if kept else reasons[0])


def moves_text(state: RoomState) -> str:
    """What `/facilitator more` (without a move) tells a member: the moves, and which are on."""
    kind = state.traffic.kind
    more, less = expand(state.charter.more), expand(state.charter.less)
    on = sorted(name for name, moves in MOVES.items()
                if all((on_by_default(kind, m) or m in more) and m not in less for m in moves))
    lines = [f"This room reads as {KIND_NAMES.get(kind, kind)}."
             + (f" {state.name_of(state.traffic.chair)} is chairing: I make no process moves "
                "while they do." if state.traffic.chair else ""),
             "On here: " + (", ".join(on) if on else "none of my moves unprompted") + ".",
             "Moves: " + ", ".join(MOVES) + ".",
             "`/facilitator more MOVE` turns one on, `/facilitator less MOVE` off (an admin, or "
             "one member asks and another seconds)."]
    return "\n".join(lines)


def read_rows(state: RoomState) -> list[str]:
    """Plain lines for the room page: the kind of room, its chair, the moves on, what the bot
    learned from how the room took its turns."""
    from facilitator.memory.trackers.steer import sentence

    kind = state.traffic.kind
    more, less = expand(state.charter.more), expand(state.charter.less)
    on = sorted(name for name, moves in MOVES.items() if name in ON_NAMES
                and all((on_by_default(kind, m) or m in more) and m not in less for m in moves))
    rows = [f"Kind of room: {KIND_NAMES.get(kind, kind)} (read from its traffic)"]
    if state.traffic.chair:
        rows.append(f"Chair: {state.name_of(state.traffic.chair)} runs this meeting, so I make "
                    "no process moves (invitations, summaries, reminders) unless asked")
    rows.append("My moves on here, unprompted: " + (", ".join(on) if on else "none"))
    if state.charter.more or state.charter.less:
        rows.append("Turned on by the room: " + (", ".join(state.charter.more) or "none")
                    + "; turned off: " + (", ".join(state.charter.less) or "none"))
    learned = sentence(state)
    if learned:
        rows.append(learned)
    return rows


# The names shown in the list of moves on (the umbrella name `deescalate` covers the two).
ON_NAMES = tuple(n for n in MOVES if n != "deescalate")
