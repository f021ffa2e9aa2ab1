"""Questions and requests put to the room: who asked, whom they were put to, who took them up."""

from __future__ import annotations

from facilitator.events import ChatEvent
from facilitator.memory.state import CAP_QUESTIONS, Question, RoomState
from facilitator.memory.trackers.common import quote, trim_closed_first
from facilitator.reading.message import MessageRead
from facilitator.reading.text import read_text


def on_message(state: RoomState, event: ChatEvent, read: MessageRead) -> None:
    _close(state, event, read)
    if read.asks:
        state.questions.append(Question(
            id=event.id, asker=event.author.id,
            addressee=read.addressees[0] if read.addressees else None,
            text=quote(event.text), ts=event.ts, turn=state.turn))
        trim_closed_first(state.questions, CAP_QUESTIONS, lambda q: q.answered_by is None)


def _close(state: RoomState, event: ChatEvent, read: MessageRead) -> None:
    author = event.author.id
    meeting = state.rolling.shape != "channel"
    for q in state.questions:
        if q.answered_by is not None or q.asker == author:
            continue
        replied = event.reply_to == q.id
        # Speaking to the asker takes their question up ("nick: try this"); so does the
        # person it was put to answering, unless they are talking to someone else.
        to_asker = q.asker in read.addressees
        addressee_spoke = q.addressee == author and (not read.addressees or to_asker)
        if replied or to_asker or addressee_spoke or (
                meeting and q.addressee is None and _group_answer(state, q, read)):
            q.answered_by = author
    for q in state.questions:
        if q.answered_by is not None or q.asker != author or read.text.question:
            continue
        if read.addressees:
            # The asker is talking with someone now: that conversation is their help.
            q.answered_by = read.addressees[0]
        elif meeting:
            # In a meeting, an asker who carries on after others spoke has moved on.
            others = [m.author for m in state.window if m.turn > q.turn and not m.is_bot
                      and m.author != author]
            if others:
                q.answered_by = others[0]


def _group_answer(state: RoomState, q: Question, read: MessageRead) -> bool:
    """A question to the whole (small) room, taken up by content or by answering words.

    A reply may answer and ask back in one breath; a bare counter-question does not answer."""
    text = read.text
    substantive = not text.question or text.words >= 12
    if substantive and text.content & read_text(q.text).content:
        return True
    if text.question:
        return False
    since = state.turn - q.turn
    if since == 1 and (text.answer_opening or read_text(q.text).open_prompt):
        return True
    return since <= 3 and text.answer_opening and _only_two(state, q)


def _only_two(state: RoomState, q: Question) -> bool:
    """A two-person exchange: any reply from the other person answers the asker."""
    recent = {m.author for m in state.window[-8:] if not m.is_bot}
    return len(recent | {q.asker}) <= 2
