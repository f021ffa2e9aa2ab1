"""Questions and requests put to the room: who asked, whom they were put to, who took them up.

A question is taken up by a reply to it, a word to the asker, or the person it was put to
answering. In a small room the next answering words take it up too. In a busy channel that
is not enough: many answers name nobody, and a word to the asker is often about another of
their threads. There, for a question in its view, the uptake reader (`reading/uptake.py`,
fitted on IRC reply links and Slack threads, checked on each kind left out) weighs every
cue; a word to the asker or the addressee speaking still takes the question up unless the
reader is sure it is about something else (probability under its `veto`). A reply on the
platform always takes it up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal

from facilitator.events import ChatEvent
from facilitator.memory.state import CAP_QUESTIONS, Question, RoomState
from facilitator.memory.trackers.common import follows_on, quote, trim_closed_first
from facilitator.reading.message import MessageRead, read_text
from facilitator.reading.replies import HORIZON_S, ReplyModel, ReplyScene, scene, shipped_model, taken_up
from facilitator.reading.uptake import UptakeScene, taken_up_by, uptake_scene, within_view

FOLLOWS_ON_LINES = 10  # human messages before a question in which its asker spoke or was spoken to

# Which reply model closes questions in a busy channel: the shipped one, another (a candidate
# being fitted), or none (the rules alone, to measure them and to gather training pairs that
# do not depend on an earlier model). Scoped to the caller's context, never set globally.
_REPLY_MODEL: ContextVar[ReplyModel | Literal["shipped"] | None] = ContextVar(
    "facilitator_reply_model", default="shipped")


@contextmanager
def reply_model(model: ReplyModel | None) -> Iterator[None]:
    """Within the block, close questions with `model` (None: with the rules alone)."""
    token = _REPLY_MODEL.set(model)
    try:
        yield
    finally:
        _REPLY_MODEL.reset(token)


def current_reply_model() -> ReplyModel | None:
    model = _REPLY_MODEL.get()
    return shipped_model() if model == "shipped" else model


def on_message(state: RoomState, event: ChatEvent, read: MessageRead) -> None:
    _close(state, event, read)
    if read.asks:
        state.questions.append(Question(
            id=event.id, asker=event.author.id,
            addressee=read.addressees[0] if read.addressees else None,
            text=quote(event.text), ts=event.ts, turn=state.human_messages,
            follows_on=follows_on(state, event.author.id, FOLLOWS_ON_LINES)))
        trim_closed_first(state.questions, CAP_QUESTIONS, lambda q: q.answered_by is None)


def rules_take_up(q: Question, event: ChatEvent, read: MessageRead) -> bool:
    """The explicit signs: a word to the asker ("nick: try this") or the person it was put to
    answering (unless talking to someone else). A platform reply is checked on its own."""
    to_asker = q.asker in read.addressees
    return to_asker or (q.addressee == event.author.id and (not read.addressees or to_asker))


def _close(state: RoomState, event: ChatEvent, read: MessageRead) -> None:
    author = event.author.id
    meeting = state.rolling.shape != "channel"
    # By default a busy channel's questions are weighed by the uptake reader, fitted across
    # kinds of rooms (IRC reply links and Slack threads); a candidate reply model being fitted
    # replaces it within `reply_model(...)`.
    uptake = not meeting and _REPLY_MODEL.get() == "shipped"
    model = None if meeting or uptake else current_reply_model()
    sc: ReplyScene | None = None  # read once per message, only when the model has work
    usc: UptakeScene | None = None
    for q in state.questions:
        if q.answered_by is not None or q.asker == author:
            continue
        explicit = rules_take_up(q, event, read)
        if event.reply_to == q.id:
            taken = True  # a reply on the platform says it outright
        elif uptake and within_view(state, author, event.ts, q):
            usc = usc or uptake_scene(state, event, read)
            taken = taken_up_by(usc, q, explicit=explicit) is not None
        elif model is not None and event.ts - q.ts <= HORIZON_S:
            # A busy channel: the model weighs every cue; the explicit signs stand unless it
            # is sure they are about another of the asker's threads.
            sc = sc or scene(state, event, read)
            taken = taken_up(sc, q, explicit=explicit, model=model)
        else:
            taken = explicit or (meeting and q.addressee is None and _group_answer(state, q, read))
        if taken:
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
    since = state.human_messages - q.turn
    if since == 1 and (text.answer_opening or read_text(q.text).open_prompt):
        return True
    return since <= 3 and text.answer_opening and _only_two(state, q)


def _only_two(state: RoomState, q: Question) -> bool:
    """A two-person exchange: any reply from the other person answers the asker."""
    recent = {m.author for m in state.window[-8:] if not m.is_bot}
    return len(recent | {q.asker}) <= 2


def forget(state: RoomState, member_id: str) -> None:
    """Questions put to the person, or answered by them, stay, without their name."""
    for q in state.questions:
        if q.addressee == member_id:
            q.addressee = None
        if q.answered_by == member_id:
            q.answered_by = "someone"
