"""The bot's own record: what it said, to whom, and how the room took it."""

from __future__ import annotations

from facilitator.events import ChatEvent
from facilitator.memory.state import CAP_BOT_LOG, CAP_WINDOW, BotTurn, RoomState, StoredMessage
from facilitator.reading.message import MessageRead

# A bot turn counts as ignored when this many human messages pass without a response.
IGNORED_AFTER = 3


def on_message(state: RoomState, event: ChatEvent, read: MessageRead) -> None:
    last = state.last_bot_turn()
    if last is None or last.response != "pending":
        return
    if read.to_bot and read.text.disagree:
        last.response = "objected"
    elif read.to_bot or event.author.id in last.to:
        last.response = "answered"
    elif state.turn - last.turn >= IGNORED_AFTER:
        last.response = "ignored"


def record_bot_turn(state: RoomState, turn: BotTurn, *, bot_id: str) -> None:
    """The bot's own message joins the window (so it never speaks twice in a row) and the log."""
    state.bot_log.append(turn)
    del state.bot_log[:-CAP_BOT_LOG]
    state.bot_messages += 1
    state.window.append(StoredMessage(id=turn.id, author=bot_id, text=turn.text, ts=turn.ts,
                                      turn=state.turn, is_bot=True))
    del state.window[:-CAP_WINDOW]
    for pid in turn.to:
        if turn.intervention == "invite_quiet" and pid in state.participants:
            state.participants[pid].invited_turn = state.turn
            state.participants[pid].answered_invite = None
