"""The room's shape, read from its traffic: a meeting, or a busy channel.

A meeting is a few people on one task, where everyone is expected to speak. A channel (a
support room, a big community) has many people, short interleaved threads, joins and
leaves; nobody is "quiet" there for not speaking, and a facilitator mostly keeps out of the
way. The bot picks its profile from this read; the room's charter can override it.
"""

from __future__ import annotations

from facilitator.events import ChatEvent, EventKind
from facilitator.memory.state import RoomState

CHURN_DECAY = 0.95  # per event: about the last 20 events
# Distinct speakers among the recent messages at which a room reads as a channel.
CHANNEL_SPEAKERS = 8
CHANNEL_SPEAKERS_WITH_CHURN = 5
CHURN_AT = 0.15
CHURN_AFTER = 5
# So many members present that most of them are reading, not meeting.
CHANNEL_PRESENT = 15
# So many different people have spoken that this is a community, not one small group.
CHANNEL_VOICES = 12
# Messages opening with "nick:" mark interleaved one-to-one threads: a channel's way of
# talking. A meeting addresses the room.
PREFIX_DECAY = 0.9
PREFIX_AT = 0.2
CHANNEL_SPEAKERS_WITH_PREFIX = 4


def on_event(state: RoomState, event: ChatEvent, prefixed: bool = False) -> None:
    r = state.rolling
    moved = event.kind in (EventKind.JOIN, EventKind.LEAVE)
    # Everyone arriving as a meeting starts is not churn: count comings and goings once the
    # conversation is under way.
    r.churn = r.churn * CHURN_DECAY + (1 - CHURN_DECAY) * (moved and state.human_messages >= CHURN_AFTER)
    if moved:
        r.present = sum(1 for p in state.participants.values() if p.present)
    elif event.kind != EventKind.MESSAGE:
        return
    else:
        r.prefixed = r.prefixed * PREFIX_DECAY + (1 - PREFIX_DECAY) * prefixed
    speakers = len({m.author for m in state.window if not m.is_bot})
    busy = speakers >= CHANNEL_SPEAKERS or r.present >= CHANNEL_PRESENT or (
        r.voices >= CHANNEL_VOICES) or (
        speakers >= CHANNEL_SPEAKERS_WITH_PREFIX and r.prefixed >= PREFIX_AT) or (
        speakers >= CHANNEL_SPEAKERS_WITH_CHURN and r.churn >= CHURN_AT)
    if busy:
        # Sticky: a channel in a slow hour is still a channel; the charter can override.
        r.shape = "channel"


def shape(state: RoomState) -> str:
    """The profile the bot uses: the charter's choice, else the read of the traffic."""
    return state.charter.shape if state.charter.shape != "auto" else state.rolling.shape
