"""One tracker per concern of the room's state, each updated from the message's one read.

`apply_event` is the trackers' step of the engine's pipeline. A human message runs through
`MESSAGE_TRACKERS` in the order their inputs need: who speaks, the bot's record first (a reply
to the bot is a response, not a new thread), then who speaks to whom, the group's questions,
proposals and terms, the room's heat and goal, and the window last. Edits, deletes and
reactions have trackers of their own. Once the bot has decided, `note_minute` folds the event
into the room's minute history. Forgetting a person walks `FORGETTERS`, each tracker
forgetting what it keeps; storage only runs the walk it is handed.

Problems with an event (a reaction to an unknown message, an edit of a deleted one) are
returned as notes for the log; they never raise and never touch anything else.
"""

from __future__ import annotations

from facilitator.events import ChatEvent, EventKind
from facilitator.memory.state import (
    CAP_HISTORY,
    CAP_WINDOW,
    CAP_WINDOW_TEXT,
    Minute,
    RoomState,
    StoredMessage,
)
from facilitator.memory.trackers import (
    bot_log,
    bridging,
    edits,
    goal,
    kind,
    participants,
    proposals,
    questions,
    reactions,
    relations,
    terms,
)
from facilitator.reading.message import MessageRead, read_message


def apply_event(state: RoomState, event: ChatEvent, *, bot_id: str,
                read: MessageRead | None = None) -> list[str]:
    """Update `state` in place with `event`. Returns notes worth logging.

    `read` is the message's read taken before the update (the engine takes it once and
    hands it on to the gate); it is taken here when the caller has none."""
    state.events += 1
    if not state.created_ts:
        state.created_ts = event.ts
    notes: list[str] = []
    if event.ts < state.last_ts:
        notes.append(f"out-of-order timestamp {event.ts} < {state.last_ts}; kept in arrival order")
    state.last_ts = max(state.last_ts, event.ts)
    if event.author.is_bot and event.author.id != bot_id:
        return notes  # other bots are not members of the conversation
    prefixed = False
    match event.kind:
        case EventKind.MESSAGE:
            if event.author.id == bot_id:
                notes.append("own message echoed back; ignored")
            else:
                read = read or read_message(state, event, bot_id=bot_id)
                prefixed = read.text.prefix_colon
                apply_message(state, event, read)
        case EventKind.EDIT:
            notes += edits.on_edit(state, event)
        case EventKind.DELETE:
            notes += edits.on_delete(state, event)
        case EventKind.REACTION:
            notes += reactions.on_reaction(state, event)
        case EventKind.JOIN:
            participants.on_join(state, event)
        case EventKind.LEAVE:
            participants.on_leave(state, event)
    kind.note_shape(state, event, prefixed)
    kind.on_event_done(state, event)
    return notes


def apply_message(state: RoomState, event: ChatEvent, read: MessageRead) -> None:
    """One human message through every tracker, in the order their inputs need."""
    kind.note_roster(state, event)  # before the author becomes a known member
    participants.on_message(state, event, read)
    kind.on_message(state, event, read)  # before heat: it reads the gap to the last message
    kind.note_chair(state, event)
    bot_log.on_message(state, event, read)
    to, implicit = relations.targets(state, event, read)
    relations.on_message(state, event, read, to, implicit)
    questions.on_message(state, event, read)
    proposals.on_message(state, event, read)
    terms.on_message(state, event, read.text)
    relations.note_heat(state, event, read, to)
    goal.on_message(state, read, event.id)
    state.window.append(StoredMessage(
        id=event.id, author=event.author.id, text=event.text[:CAP_WINDOW_TEXT], ts=event.ts,
        turn=state.human_messages, reply_to=event.reply_to, hostility=read.heat))
    del state.window[:-CAP_WINDOW]
    state.human_messages += 1


FORGETTERS = (participants.forget, edits.forget_words, questions.forget, proposals.forget,
              relations.forget, terms.forget, reactions.forget, bridging.forget, goal.forget,
              kind.forget_chair)


def forget_member(state: RoomState, member_id: str) -> bool:
    """Remove a person's words, entries and mentions, in the window and in everything derived
    from their older messages. True when anything changed."""
    before = state.model_dump_json()
    person = state.participants.get(member_id)
    for forget in FORGETTERS:
        forget(state, member_id)
    edits.forget_name(state, member_id, person)
    return state.model_dump_json() != before


# The room over time, one sample per minute with activity: what the room page charts.
#
# Kept sparse (quiet minutes are not stored) and bounded (CAP_HISTORY), and it holds no
# member ids, so forgetting a member never needs to touch it.
def note_minute(state: RoomState, ts: float, *, tension: float, evenness: float, voices: int,
                human_message: bool, bot_spoke: bool) -> None:
    """Fold one handled event into the minute it happened in."""
    if ts <= 0:
        return
    minute = int(ts // 60)
    last = state.history[-1] if state.history else None
    if last is None or minute > last.t:
        last = Minute(t=minute)
        state.history.append(last)
        if len(state.history) > CAP_HISTORY:
            del state.history[: len(state.history) - CAP_HISTORY]
    elif minute < last.t:
        # Out-of-order timestamps are counted in the latest minute rather than reordering.
        pass
    last.messages += int(human_message)
    last.bot += int(bot_spoke)
    last.heat = round(tension, 3)
    last.evenness = round(evenness, 3)
    last.voices = voices
