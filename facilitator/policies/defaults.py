"""Which proactive moves are on by default in which kind of room, and what the room changed.

Issue 19's rule: a proactive move is on by default in a kind of room only where it has been
shown, on real conversations of that kind that it was not tuned on, to be right (at least 70%
helpful and at most 5% harmful, JUDGING.md, and the measured targets); everywhere else the
bot stays silent on it unless the room asks for more. Silence is never a failure; a wrong turn
is.

`ON` is that table (kind -> moves on), `EVIDENCE` the figures behind each cell (README, "Moves
by kind of room"); `ON_CONVENED` the moves on in a small group convened for its talk, whatever
kind its traffic reads as, with `CONVENED_EVIDENCE`. The room's charter changes it:
`/facilitator more MOVE` turns a move on, `/facilitator less MOVE` off (an admin, or one member
asking and a second seconding). While a member chairs the meeting (memory/trackers/kind.py)
the bot makes no process moves and answers no attack, whatever the table or the charter say:
keeping order is the chair's (judged blind, 9 of 9 answers to attack reads in chaired
committee sittings were harmful, cutting across the chair). It still answers when addressed
and records a decision the group (or the chair) made. A move the room keeps waving off
becomes rarer in that room (`steer`, memory/trackers/bot_log.py).

Answers to direct requests and declined capture attempts are not proactive: never filtered.
"""

from __future__ import annotations

from collections.abc import Sequence

from facilitator.memory.state import RoomKind, RoomState
from facilitator.memory.trackers.bot_log import steer_sentence, wait_for
from facilitator.memory.trackers.kind import convened
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
# Judged blind on REPORT rooms (JUDGING.md; README, "Moves by kind of room"), the two cells
# the TUNE figures had put on missed the bar: bringing back requests in a help channel, 17
# and 12 of 30 helpful, 3 and 4 harmful (two judges); answering strong attacks in issue
# threads and deliberations, 3 of 4 helpful and 1 harmful, and 3 of the 6 attack answers
# judged over every kind harmful (banter and help read as attacks). So no move is on by
# default anywhere yet: the bot answers when addressed and declines capture, and a room that
# wants more asks for it. Since, bringing back requests in a help channel is on: weighed by a
# read fitted on the judged TUNE turns (reading/waiting.py), the held-out REPORT draw's kept
# turns were 17 and 19 of 20 helpful, none harmful (EVIDENCE).
ON: dict[str, frozenset[str]] = {
    "help_channel": frozenset({"surface_question"}),
    "community": frozenset(),
    "issue_thread": frozenset(),
    "chaired_meeting": frozenset(),
    "small_team": frozenset(),
    "deliberation": frozenset(),
}
# Before the kind can be read: only what is on in every kind.
ON["forming"] = frozenset.intersection(*(ON[k] for k in KINDS))
# In a small group convened for the talk (memory/trackers/kind.py `convened`: every member
# there before its first message, nobody come, gone or new since), whatever its traffic reads
# as: inviting a member who has stayed silent. Judged blind on DeliData's REPORT groups (a
# kind of room the rules were never tuned on), three judges: 56, 56 and 55 of 66 invitations
# helpful, none harmful (CONVENED_EVIDENCE). Still not while a member chairs (`blocked`).
ON_CONVENED: frozenset[str] = frozenset({"invite_quiet"})
CONVENED_EVIDENCE: dict[str, str] = {
    "invite_quiet": "on: DeliData REPORT groups (small groups convened on the Wason task, "
                    "never tuned on): every invitation with the move on, 66, judged blind by "
                    "three judges: 56, 56, 55 helpful (85%), 0 harmful, 5-6 wrong moment; "
                    "two earlier judges on 26 of the same moments: 13 and 15 helpful, 1 and 1 "
                    "harmful. Fitted before on TUNE verdicts only (the last six human lines, "
                    "no invitation across an unmarked question, an unfinished line or a "
                    "member just named)",
}
# By default an attack is answered only when the read is strong: the message's heat, or with
# the fitted attack reader switched on (FACILITATOR_ATTACK_READ=fitted) its probability (its
# own threshold, 0.25, is where it reads an attack at all); on the TUNE rooms the milder reads were banter,
# frustration or a technical word as often as an insult. `/facilitator more answer_attack`
# answers every attack read.
STRONG_ATTACK = 0.8

# kind -> move -> what showed it right or not: `facilitator eval real --split tune` and a
# reading of the turns (TUNE rooms only; the README's table has the REPORT figures beside).
# Corpora: help_channel ~ Ubuntu IRC, community ~ Racket Slack, issue_thread ~ heated GitHub
# threads, chaired_meeting ~ committee sittings and AMI design meetings, small_team ~ ICSI
# research meetings, deliberation ~ WikiTactics talk pages.
EVIDENCE: dict[str, dict[str, str]] = {
    "help_channel": {
        "surface_question": "on: weighed by a read fitted on the 125 judged TUNE turns only "
                            "(reading/waiting.py, read once at a request's first free moment; "
                            "grouped CV AUROC 0.74; out of fold it keeps 54% of them, 82% "
                            "helpful): of the last 40-turn REPORT draw below it keeps 20, "
                            "judged 17 and 19 helpful, 0 and 0 harmful, 2 and 0 wrong moment; "
                            "of the earlier draws' turns the code still makes at the same "
                            "moment it keeps 20: 17 and 16 helpful, 0 and 2 harmful (one turn "
                            "judged twice: the request had been answered). By default 55 REPORT "
                            "turns (0.20 per 100), 12 at moments no judged draw saw; all 55 "
                            "judged blind by three judges (seed 2700): 51, 10 and 49 helpful, "
                            "none harmful; by each turn's majority 47 helpful (85%), 0 harmful. "
                            "Before "
                            "it, off: "
                            "TUNE 272 turns (0.87 per 100), 17 (6%) already taken up by "
                            "reply links; judged blind on 30 REPORT turns: 17 and 12 helpful, "
                            "3 and 4 harmful (two judges), under the bar. Second try, fitted on "
                            "40 judged TUNE turns (only a request that says its problem, quoted, "
                            "never into a member being helped or over a fresh plea): TUNE 129 "
                            "turns (0.41 per 100), 8 (6%) taken up; a fresh 30 REPORT turns "
                            "judged blind: 19 and 19 helpful, 4 and 5 harmful, still under. "
                            "Third, fitted on 30 more judged TUNE turns (no follow-up to the "
                            "asker's own lines, no statement, no question leaning on what came "
                            "before): a fresh 30 REPORT turns, 18 and 19 helpful, 4 and 3 "
                            "harmful, still under. Unchanged since, a fresh 40 REPORT turns: "
                            "26 and 29 helpful, 0 and 0 harmful: no harm, help at the edge and "
                            "under it for one judge",
        ANSWER_ATTACK: "off: of 32 answers to strong reads about 17 answer a real attack and "
                       "about 10 misread ('you're shitting me', 'wtf', 'lazy umount', a bot "
                       "told to shut up, banter)",
        "invite_quiet": "off: 29 invitations to strangers in a support channel",
        "summarize": "off: 3 recaps for joiners, no evidence either way",
    },
    "community": {
        "invite_quiet": "off: 290 invitations (3.77 per 100) in a Q&A channel",
        "surface_question": "off: 97 turns, 35 (36%) already taken up in the same conversation",
        ANSWER_ATTACK: "off: 5 answers, all misreads ('oh shit. I didn't know', ':troll:')",
    },
    "issue_thread": {
        ANSWER_ATTACK: "off: TUNE 9 answers to strong reads on GitHub and WikiTactics, all "
                       "after a comment labelled uncivil, none mutual; judged blind on the "
                       "REPORT turns: 3 of 4 helpful, 1 harmful, under the bar. With the "
                       "two-stage attack reader switched on (reading/attacks.py) and the move on: "
                       "20 REPORT answers, 16 of 43 labelled attacks answered, 4 after a civil "
                       "comment, none mutual; judged blind over every kind, 5 of 40 of its "
                       "answers helpful and 34-35 harmful (judged/attack-answers)",
        COOL_HEAT: "off: 3 turns, no evidence either way",
        "invite_quiet": "off: 19 invitations to thread participants",
        "surface_question": "off: 6 turns, 3 (50%) already taken up",
    },
    "chaired_meeting": {
        "invite_quiet": "off: 75 invitations, 53 within three messages of the chair's",
        "surface_question": "off: 130 turns, all (100%) already taken up by the next speaker",
        "record_decision": "off: 71 turns, 60 next to the chair, most recording a 'Yeah.' as "
                           "agreement ('Noting a decision: \"So let's say Whoops.'Kay.\"')",
        "propose_process": "off: 12 turns, 11 next to the chair",
        ANSWER_ATTACK: "off: 15 turns, mostly banter between role-players ('Bastard.')",
    },
    "small_team": {
        "invite_quiet": "off: 84 invitations, most on a garbled topic ('any thoughts on "
                        "Oakland?', 'how does romantic comedy look from where you sit?'); "
                        "without a topic, in the REPORT research and design meetings "
                        "(members known only by speaking) 81 invitations unjudged, 33 of "
                        "them in meetings a chair ran; on in a convened group instead "
                        "(ON_CONVENED)",
        "surface_question": "off: 171 turns, all (100%) already taken up by the next speaker",
        "record_decision": "off: 22 turns recording backchannel 'Yeah.' as support",
        ANSWER_ATTACK: "off: 4 turns, no evidence either way",
    },
    "deliberation": {
        ANSWER_ATTACK: "off: see issue_thread (7 of the 9 TUNE answers were on WikiTactics; "
                       "judged blind, under the bar); before, 23 answers to every read, 6 "
                       "(26%) after a civil utterance. With the two-stage attack reader switched "
                       "on and the move on: 109 REPORT answers, 65 of 219 labelled attacks answered, 67 "
                       "after an utterance without a DH0/DH1 label; judged blind, see issue_thread",
        COOL_HEAT: "off: 31 turns, 18 (58%) after a civil utterance, blaming both sides",
        "translate_terms": "off: 11 turns offering 'citation' and 'reliable source' as two "
                           "vocabularies to Wikipedia editors",
        "invite_quiet": "off: 20 invitations to editors long gone from the page",
        "surface_question": "off: 12 turns, 8 (67%) already taken up",
    },
}


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


def on_by_default(kind: str, move: str, *, convened: bool = False) -> bool:
    return move in ON.get(kind, ON["forming"]) or (convened and move in ON_CONVENED)


def _on_here(state: RoomState, move: str) -> bool:
    return on_by_default(state.traffic.kind, move, convened=convened(state))


def is_on(state: RoomState, name: str) -> bool:
    """Whether the move `name` (of MOVES) is on in this room now: by default in its kind, or
    turned on by the room, and not turned off."""
    more, less = expand(state.charter.more), expand(state.charter.less)
    return all((_on_here(state, m) or m in more) and m not in less for m in MOVES[name])


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
    if chair is not None and move == ANSWER_ATTACK:
        return f"{state.name_of(chair)} is chairing: keeping order is theirs"
    kind = state.traffic.kind
    asked = move in expand(charter.more)
    if not asked and not _on_here(state, move):
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


def _convened_note(state: RoomState) -> str:
    return (", a small group all here since the talk began (I invite a member who stays silent)"
            if convened(state) else "")


def moves_text(state: RoomState) -> str:
    """What `/facilitator more` (without a move) tells a member: the moves, and which are on."""
    kind = state.traffic.kind
    on = sorted(name for name in MOVES if is_on(state, name))
    lines = [f"This room reads as {KIND_NAMES.get(kind, kind)}{_convened_note(state)}."
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
    kind = state.traffic.kind
    on = sorted(name for name in MOVES if name in ON_NAMES and is_on(state, name))
    rows = [f"Kind of room: {KIND_NAMES.get(kind, kind)}{_convened_note(state)} (read from "
            "its traffic)"]
    if state.traffic.chair:
        rows.append(f"Chair: {state.name_of(state.traffic.chair)} runs this meeting, so I make "
                    "no process moves (invitations, summaries, reminders) unless asked")
    rows.append("My moves on here, unprompted: " + (", ".join(on) if on else "none"))
    if state.charter.more or state.charter.less:
        rows.append("Turned on by the room: " + (", ".join(state.charter.more) or "none")
                    + "; turned off: " + (", ".join(state.charter.less) or "none"))
    learned = steer_sentence(state)
    if learned:
        rows.append(learned)
    return rows


# The names shown in the list of moves on (the umbrella name `deescalate` covers the two).
ON_NAMES = tuple(n for n in MOVES if n != "deescalate")
