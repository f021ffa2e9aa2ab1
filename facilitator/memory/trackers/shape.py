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
# Distinct speakers among the recent messages at which a room reads as a channel; back to
# a meeting only well below it, so the profile does not flap.
CHANNEL_SPEAKERS = 8
CHANNEL_SPEAKERS_WITH_CHURN = 5
MEETING_SPEAKERS = 4
CHURN_AT = 0.15


def on_event(state: RoomState, event: ChatEvent) -> None:
    r = state.rolling
    moved = event.kind in (EventKind.JOIN, EventKind.LEAVE)
    r.churn = r.churn * CHURN_DECAY + (1 - CHURN_DECAY) * moved
    if event.kind != EventKind.MESSAGE and not moved:
        return
    speakers = len({m.author for m in state.window if not m.is_bot})
    busy = speakers >= CHANNEL_SPEAKERS or (
        speakers >= CHANNEL_SPEAKERS_WITH_CHURN and r.churn >= CHURN_AT)
    if busy:
        r.shape = "channel"
    elif r.shape == "channel" and speakers <= MEETING_SPEAKERS and r.churn < CHURN_AT / 2:
        r.shape = "meeting"


def shape(state: RoomState) -> str:
    """The profile the bot uses: the charter's choice, else the read of the traffic."""
    return state.charter.shape if state.charter.shape != "auto" else state.rolling.shape
