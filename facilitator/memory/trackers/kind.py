"""What kind of room this is, and its shape (a meeting or a busy channel), read from its
traffic alone.

Six kinds, each with its own defaults for the bot's proactive moves (policies/defaults.py):

- help_channel: a busy channel: many people at once, short interleaved threads, joins and
  leaves, "nick:" addressing (the shape read's "channel", below);
- community: written chat that comes in bursts with long pauses, people posting several
  messages in a row, conversations starting and ending through the day;
- issue_thread: long written comments hours apart (an issue, a pull request, a forum thread);
- chaired_meeting: a live exchange that a member runs (trackers/chair.py);
- small_team: a live exchange among a few people with short turns and nobody chairing;
- deliberation: a live exchange of long, argued messages among a few people.

"forming" until the room has said enough to tell. Every feature is a running average over
the last twenty-odd messages (bounded work per event, nothing rescanned) and the kind is
re-read on every human message, so a room can change kind as its traffic changes.
"""

from __future__ import annotations

import math

from facilitator.events import ChatEvent, EventKind
from facilitator.memory.state import RoomKind, RoomState
from facilitator.reading.message import MessageRead

DECAY = 0.92  # per human message: about the last 25 messages
KIND_AFTER = 5  # human messages before the kind is read at all
ASYNC_GAP_S = 300.0  # typical gap (geometric mean) above which people write, not talk
LONG_GAP_S = 1800.0
LONG_GAPS_AT = 0.12  # share of half-hour pauses that makes a room bursty
LONG_MESSAGE = 120  # characters (geometric mean) of argued or written-out messages
SHORT_TALK = 0.3  # share of three-word turns ("Yeah.", "Mm-hmm.") of spoken talk
BUSY_GAP_S = 60.0  # typical gap under which a channel-shaped room is a busy one
PREFIXED_AT = 0.1  # share of "nick:" messages
RUNS_AT = 0.25  # share of messages following one by the same author (several in a row)
ARGUED_HEAT = 0.2  # a message this hostile pushes back, whatever its words
ARGUED_AT = 0.1  # share of disagreeing messages of a room that argues a matter out


def on_message(state: RoomState, event: ChatEvent, read: MessageRead) -> None:
    t = state.traffic
    r = state.rolling
    first = t.messages == 0
    gap = max(event.ts - r.last_human_ts, 0.0) if r.last_human_ts else None
    previous = next((m for m in reversed(state.window) if not m.is_bot), None)

    def ema(old: float, value: float) -> float:
        return value if first else DECAY * old + (1 - DECAY) * value

    t.length = ema(t.length, math.log1p(len(event.text)))
    t.short = ema(t.short, float(len(event.text.split()) <= 3))
    t.argued = ema(t.argued, float(read.text.disagree or read.hostility >= ARGUED_HEAT))
    if gap is not None:
        # The first gap seeds the average (none for the first message).
        seed = t.messages == 1
        t.log_gap = math.log1p(gap) if seed else DECAY * t.log_gap + (1 - DECAY) * math.log1p(gap)
        long = float(gap >= LONG_GAP_S)
        t.long_gaps = long if seed else DECAY * t.long_gaps + (1 - DECAY) * long
        same = float(previous is not None and previous.author == event.author.id)
        t.runs = same if seed else DECAY * t.runs + (1 - DECAY) * same
    t.messages += 1


def read_kind(state: RoomState) -> RoomKind:
    """The kind of room the traffic so far shows (after the message is in the state)."""
    t = state.traffic
    if t.messages < KIND_AFTER:
        return "forming"
    long = t.length >= math.log1p(LONG_MESSAGE)
    written = t.log_gap >= math.log1p(ASYNC_GAP_S) or t.long_gaps >= LONG_GAPS_AT
    if busy(state):
        return "help_channel"
    if t.chair is not None and not written:
        return "chaired_meeting"
    if written:
        return "issue_thread" if long else "community"
    if long or (t.argued >= ARGUED_AT and t.short < SHORT_TALK):
        return "deliberation"
    if t.runs >= RUNS_AT:
        return "community"
    return "small_team"


def busy(state: RoomState) -> bool:
    """Many people at once (the shape read's channel), short messages, a fast pace, and a
    channel's own marks: comings and goings, "nick:" threads or a crowd present. Many
    speakers alone is also a big meeting (on the TUNE committee sittings and research
    meetings, up to 17% of messages read as a help channel without these marks)."""
    t = state.traffic
    r = state.rolling
    return (r.shape == "channel" and t.length < math.log1p(LONG_MESSAGE)
            and t.log_gap < math.log1p(BUSY_GAP_S)
            and (r.churn >= CHURN_AT or r.prefixed >= PREFIXED_AT or r.present >= CHANNEL_PRESENT))


def on_event_done(state: RoomState, event: ChatEvent) -> None:
    """Re-read the kind once the event has gone through every tracker (shape included)."""
    t = state.traffic
    t.kind = read_kind(state)
    if event.kind == EventKind.MESSAGE and event.is_human:
        t.seen[t.kind] = t.seen.get(t.kind, 0) + 1


# The room's shape, read from its traffic: a meeting, or a busy channel.
#
# A meeting is a few people on one task, where everyone is expected to speak. A channel (a
# support room, a big community) has many people, short interleaved threads, joins and
# leaves; nobody is "quiet" there for not speaking, and a facilitator mostly keeps out of the
# way. The bot picks its profile from this read; the room's charter can override it.
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


def note_shape(state: RoomState, event: ChatEvent, prefixed: bool = False) -> None:
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
