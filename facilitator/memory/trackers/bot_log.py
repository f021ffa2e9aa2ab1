"""The bot's own record: what it said, to whom, and how the room took it."""

from __future__ import annotations

import re

from facilitator.events import ChatEvent
from facilitator.memory.state import (
    CAP_BOT_LOG,
    CAP_SOURCES,
    CAP_WINDOW,
    BotTurn,
    RoomState,
    StoredMessage,
)
from facilitator.memory.trackers import steer
from facilitator.reading.clauses import aligned
from facilitator.reading.cues import dismisses, thanks
from facilitator.reading.message import MessageRead
from facilitator.reading.phrases import key_phrases, may_hold_phrases_of

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
    steer.note(state, last)


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
    steer.on_turn(state, turn)
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
