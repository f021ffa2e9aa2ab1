"""Who is in the room: counts, presence, invitations answered."""

from __future__ import annotations

from facilitator.events import ChatEvent
from facilitator.memory.state import CAP_PARTICIPANTS, Participant, RoomState
from facilitator.reading.message import MessageRead


def member(state: RoomState, event: ChatEvent) -> Participant:
    pid = event.author.id
    person = state.participants.get(pid)
    if person is None:
        person = Participant(id=pid, name=event.author.name, first_turn=state.human_messages)
        state.participants[pid] = person
        state.members_changed()
        if len(state.participants) > CAP_PARTICIPANTS:
            _fold(state, keep=pid)
    elif event.author.name and person.name != event.author.name:
        person.name = event.author.name
        state.members_changed()
    return person


def _fold(state: RoomState, keep: str) -> None:
    in_window = {m.author for m in state.window}
    candidates = sorted(
        (p for p in state.participants.values() if p.id != keep and p.id not in in_window),
        key=lambda p: (p.last_ts, p.messages, p.id),
    )
    excess = len(state.participants) - CAP_PARTICIPANTS
    for person in candidates[:excess]:
        del state.participants[person.id]
        state.folded_participants += 1


def on_message(state: RoomState, event: ChatEvent, read: MessageRead) -> None:
    person = member(state, event)
    if not person.messages:
        state.rolling.voices += 1
    person.messages += 1
    person.words += read.text.words
    person.last_turn = state.human_messages
    person.last_ts = event.ts
    person.present = True
    if person.invited_turn is not None and person.answered_invite is None:
        person.answered_invite = True


def on_join(state: RoomState, event: ChatEvent) -> None:
    person = member(state, event)
    person.present = True
    person.joined_ts = event.ts


def on_leave(state: RoomState, event: ChatEvent) -> None:
    if event.author.id in state.participants:
        state.participants[event.author.id].present = False


def forget(state: RoomState, member_id: str) -> None:
    state.participants.pop(member_id, None)
    state.members_changed()
