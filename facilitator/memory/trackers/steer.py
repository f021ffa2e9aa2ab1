"""The room steers the bot: a move it waves off becomes rarer there; one it takes up stays.

Each of the bot's turns gets a response (memory/trackers/bot_log.py, reactions.py): taken up
(the member spoken to answers, or someone answers the bot), thanked (a thank-you or a 👍),
ignored (three messages and nobody picks it up), objected (a 👎, a disagreeing reply) or
told off ("not now", "we got it" right after it). Per move the room's net wave-offs are kept
(`MoveSteer.net`: ignored 1, objected or told off 2, taken up or thanked takes 2 away); from
2 on, the move waits twice as many messages after its last turn for every 2 more, up to
MAX_WAIT. The room page says it in one sentence.
"""

from __future__ import annotations

from facilitator.memory.state import BotTurn, MoveSteer, RoomState

WAVED_AT = 2  # net wave-offs from which the move waits
BASE_WAIT = 20  # human messages after the move's last turn, at WAVED_AT
MAX_WAIT = 160
WEIGHT = {"ignored": 1, "objected": 2}
TAKEN = ("answered", "thanked")


def note(state: RoomState, turn: BotTurn) -> None:
    """A bot turn's response was just set: count it for its move."""
    move = steer_key(turn)
    s = state.steer.setdefault(move, MoveSteer())
    if turn.response in TAKEN:
        s.taken += 1
        s.net = max(0, s.net - 2)
    elif turn.response in WEIGHT:
        s.waved += 1
        s.net += WEIGHT[turn.response]


def on_turn(state: RoomState, turn: BotTurn) -> None:
    """The bot just took a turn of this move."""
    state.steer.setdefault(steer_key(turn), MoveSteer()).last_turn = state.human_messages


def steer_key(turn: BotTurn) -> str:
    return turn.intervention


def waits(net: int) -> int:
    if net < WAVED_AT:
        return 0
    return min(MAX_WAIT, BASE_WAIT * 2 ** ((net - WAVED_AT) // 2))


def wait_for(state: RoomState, move: str) -> str | None:
    """Why this move must wait longer in this room, or None."""
    key = "deescalate" if move in ("answer_attack", "cool_heat") else move
    s = state.steer.get(key)
    if s is None:
        return None
    wait = waits(s.net)
    if wait and s.last_turn >= 0 and state.human_messages - s.last_turn < wait:
        return (f"the room waved off {key} {s.waved} times: it waits {wait} messages "
                f"({state.human_messages - s.last_turn} so far)")
    return None


def sentence(state: RoomState) -> str | None:
    """One plain sentence for the room page: what the bot learned from the room."""
    rarer = sorted(k for k, s in state.steer.items() if waits(s.net))
    kept = sorted(k for k, s in state.steer.items() if s.taken and not waits(s.net))
    if not rarer and not kept:
        return None
    parts = []
    if rarer:
        parts.append(f"this room waved off my {_names(rarer)}, so I make "
                     f"{'it' if len(rarer) == 1 else 'them'} rarely now")
    if kept:
        parts.append(f"it took up my {_names(kept)}, so I keep "
                     f"{'it' if len(kept) == 1 else 'them'} as before")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


LABELS = {"invite_quiet": "invitations", "surface_question": "reminders of open questions",
          "common_ground": "notes of common ground", "name_crux": "namings of the crux",
          "translate_terms": "translations of terms", "deescalate": "calls to cool down",
          "summarize": "summaries", "refocus": "nudges back to the goal",
          "propose_process": "process proposals", "record_decision": "records of decisions",
          "answer": "answers", "decline_capture": "refusals"}


def _names(moves: list[str]) -> str:
    labels = [LABELS.get(m, m.replace("_", " ")) for m in moves]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
