"""The bot's own record: what it said, to whom, and how the room took it; and how the room
steers the bot from that record (a move it waves off becomes rarer there)."""

from __future__ import annotations

import re

from facilitator.events import ChatEvent
from facilitator.memory.state import (
    CAP_BOT_LOG,
    CAP_SOURCES,
    CAP_WINDOW,
    BotTurn,
    MoveSteer,
    RoomState,
    StoredMessage,
)
from facilitator.reading.clauses import aligned, key_phrases, may_hold_phrases_of
from facilitator.reading.message import MessageRead, dismisses, thanks

_QUOTED = re.compile(r"\"([^\"]+)\"")
# A bot turn counts as ignored when this many human messages pass without a response.
IGNORED_AFTER = 3


def on_message(state: RoomState, event: ChatEvent, read: MessageRead) -> None:
    last = state.last_bot_turn()
    if last is None or last.response != "pending":
        return
    # The first message after the bot's may tell it off without addressing it ("not now").
    right_after = bool(state.window) and state.window[-1].id == last.id
    spoken_to = read.to_bot or event.author.id in last.to
    if (read.to_bot or right_after) and dismisses(event.text):
        last.response = "objected"
    elif read.to_bot and read.text.disagree:
        last.response = "objected"
    elif spoken_to and thanks(event.text):
        last.response = "thanked"
    elif spoken_to:
        last.response = "answered"
    elif state.human_messages - last.turn >= IGNORED_AFTER:
        last.response = "ignored"
    else:
        return
    note_response(state, last)


def record_bot_turn(state: RoomState, turn: BotTurn, *, bot_id: str) -> None:
    """The bot's own message joins the window (so it never speaks twice in a row) and the log.
    A reaction alone joins the log only: it keeps the bot's cooldowns, but it is no message
    (not in the window, not in the bot's share of the conversation)."""
    if turn.text and not turn.sources:
        turn.sources = quoted_sources(state, turn.text)
    if turn.react_to and turn.react_to not in turn.sources:
        turn.sources.append(turn.react_to)  # forgetting or deleting that message reaches it
    state.bot_log.append(turn)
    del state.bot_log[:-CAP_BOT_LOG]
    note_turn(state, turn)
    if not turn.text:
        return
    state.bot_messages += 1
    state.window.append(StoredMessage(id=turn.id, author=bot_id, text=turn.text, ts=turn.ts,
                                      turn=state.human_messages, is_bot=True))
    del state.window[:-CAP_WINDOW]
    for pid in turn.to:
        if turn.intervention == "invite_quiet" and pid in state.participants:
            state.participants[pid].invited_turn = state.human_messages
            state.participants[pid].answered_invite = None


def quoted_sources(state: RoomState, text: str) -> list[str]:
    """The messages whose words the bot's text repeats: a quote (whole, its opening as
    summaries shorten it, or one clause of it, cleaned of hesitations) or one of a message's
    key phrases (a summary's topic). Kept on the turn so deleting, editing or forgetting those
    messages reaches it later."""
    flat = " ".join(text.split())
    lowered = flat.lower()
    exclude = {*state.participants, *(p.label for p in state.participants.values())}
    found: dict[str, None] = {}
    items = [*((m.id, m.text) for m in state.window if not m.is_bot),
             *((q.id, q.text) for q in state.questions), *((p.id, p.text) for p in state.proposals),
             *((d.id, d.text) for d in state.decisions), *((a.id, a.text) for a in state.actions),
             *((b.id, b.text) for b in state.bridging)]
    clauses = [q for q in _QUOTED.findall(flat) if len(q.split()) >= 2]
    for item_id, item_text in items:
        words = " ".join(item_text.split())
        if (len(words) >= 12 and words[:40] in flat) or any(
                aligned(c, [item_text]) for c in clauses):
            found[item_id] = None
    for use in state.terms:
        # translate_terms names each member's term: those messages are its sources.
        for member, term in use.by.items():
            if _says(lowered, term):
                found.update(dict.fromkeys(use.sources.get(member, ())))
    for m in state.window:
        if m.is_bot or m.id in found or not may_hold_phrases_of(lowered, m.text):
            continue
        phrases = key_phrases([m.text], exclude=exclude, n=3)
        if any(_says(lowered, p) for p in phrases if len(p) >= 3):
            found[m.id] = None
    return list(found)[:CAP_SOURCES]  # verbatim quotes first


def _says(lowered: str, phrase: str) -> bool:
    """The phrase appears as whole words (quotes and punctuation around it allowed)."""
    phrase = phrase.lower()
    return phrase in lowered and re.search(
        rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered) is not None


# The room steers the bot: a move it waves off becomes rarer there; one it takes up stays.
#
# Each of the bot's turns gets a response (on_message above, reactions.py): taken up
# (the member spoken to answers, or someone answers the bot), thanked (a thank-you or a 👍),
# ignored (three messages and nobody picks it up), objected (a 👎, a disagreeing reply) or
# told off ("not now", "we got it" right after it). Per move the room's net wave-offs are kept
# (`MoveSteer.net`: ignored 1, objected or told off 2, taken up or thanked takes 2 away); from
# 2 on, the move waits twice as many messages after its last turn for every 2 more, up to
# MAX_WAIT. The room page says it in one sentence.
WAVED_AT = 2  # net wave-offs from which the move waits
BASE_WAIT = 20  # human messages after the move's last turn, at WAVED_AT
MAX_WAIT = 160
WEIGHT = {"ignored": 1, "objected": 2}
TAKEN = ("answered", "thanked")


def note_response(state: RoomState, turn: BotTurn) -> None:
    """A bot turn's response was just set: count it for its move."""
    move = steer_key(turn)
    s = state.steer.setdefault(move, MoveSteer())
    if turn.response in TAKEN:
        s.taken += 1
        s.net = max(0, s.net - 2)
    elif turn.response in WEIGHT:
        s.waved += 1
        s.net += WEIGHT[turn.response]


def note_turn(state: RoomState, turn: BotTurn) -> None:
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


def steer_sentence(state: RoomState) -> str | None:
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
