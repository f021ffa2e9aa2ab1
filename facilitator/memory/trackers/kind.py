"""What kind of room this is, its shape (a meeting or a busy channel) and who chairs it, read
from its traffic alone.

Six kinds, each with its own defaults for the bot's proactive moves (policies/defaults.py):

- help_channel: a busy channel: many people at once, short interleaved threads, joins and
  leaves, "nick:" addressing (the shape read's "channel", below);
- community: written chat that comes in bursts with long pauses, people posting several
  messages in a row, conversations starting and ending through the day;
- issue_thread: long written comments hours apart (an issue, a pull request, a forum thread);
- chaired_meeting: a live exchange that a member runs (the chair read, below);
- small_team: a live exchange among a few people with short turns and nobody chairing;
- deliberation: a live exchange of long, argued messages among a few people.

"forming" until the room has said enough to tell. Every feature is a running average over
the last twenty-odd messages (bounded work per event, nothing rescanned) and the kind is
re-read on every human message, so a room can change kind as its traffic changes.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from facilitator.events import ChatEvent, EventKind
from facilitator.memory.state import CAP_CHAIR_EVIDENCE, ChairEvidence, RoomKind, RoomState, StoredMessage
from facilitator.reading.message import MessageRead, process_talk
from facilitator.reading.tokens import NAME_WORD

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
    t.argued = ema(t.argued, float(read.text.disagree or read.heat >= ARGUED_HEAT))
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
    written = is_written(state)
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


# A small group convened for the talk: every member joined, each by their own join, before
# its first message, and nobody came, went or spoke up from outside since — a study group, a
# task team, a room made for one piece of work. The list of members a platform gives when the
# bot is added is not that: it names a channel's members, lurkers too, not who came to talk.
# There a member who stays silent is one of the group being left out; in a room whose members
# are known only by speaking (a meeting's transcript, an open channel) the bot cannot tell who
# is there.
CONVENED_AT_LEAST = 3  # with two, the silent one's partner is the one to ask
CONVENED_AT_MOST = 8


def is_written(state: RoomState) -> bool:
    """People write here (minutes or hours between messages), they do not talk."""
    t = state.traffic
    return t.log_gap >= math.log1p(ASYNC_GAP_S) or t.long_gaps >= LONG_GAPS_AT


def note_roster(state: RoomState, event: ChatEvent) -> None:
    """Before the participants tracker learns the author: who was there as the talk began,
    and whether a voice from outside that roster has spoken."""
    t = state.traffic
    if t.messages == 0:
        here = [p for p in state.participants.values() if p.present]
        # Nobody is counted where any member is known only from the platform's list.
        t.roster = len(here) if all(p.joined_ts is not None for p in here) else 0
    if event.author.id not in state.participants:
        t.opened = True


def convened(state: RoomState) -> bool:
    """Convened, and talking live: a team channel written in over days is another room (the
    judged groups talked for minutes)."""
    t = state.traffic
    return (not t.opened and CONVENED_AT_LEAST <= t.roster <= CONVENED_AT_MOST
            and not is_written(state))


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
    if moved and state.traffic.messages:
        state.traffic.opened = True
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


# Who already runs this meeting: a member who hands out turns, opens and closes items.
#
# A human chair is read from what a member's messages do to the run of the conversation more
# than from their words:
#
# - hub: they speak between two other members who are not the same person (A, chair, B):
#   the floor passes through them;
# - hand-off: they name a member, and that member speaks next;
# - process talk (reading/cues.py): opening, moving or closing an item, giving the floor;
# - they hold a large share of the messages, and they opened the meeting.
#
# While a chair runs the meeting the bot makes no process moves of its own unless the room
# asks (policies/defaults.py). The chair is let go when they have not spoken for a while.
# Bounded: evidence is kept for the CAP_CHAIR_EVIDENCE most active members; one pass over
# the last few window messages per event.
# Calibrated on the TUNE meetings of meetings-train.roles.json (the chair of each sitting or
# team); `facilitator eval real` reports how it does on the REPORT meetings.
MIN_MESSAGES = 8  # a member's messages before they can be read as the chair
MIN_ROOM = 20  # the room's messages before anyone is
HUB_AT = 0.6  # share of their messages that sit between two other, different members ...
HUB_ABOVE = 0.15  # ... and that much above the others' share
HANDOFF_AT = 0.06  # share of their messages that named the member who spoke next
PROCESS_AT = 0.05  # share of process talk ...
PROCESS_TIMES = 2.5  # ... and this many times the others'
LEADING_TIMES = 1.2  # more messages than anyone else, by this factor
OPENER_WITHIN = 3  # spoke among the room's first messages
SCORE_AT = 2.0  # hub, hand-off and process count 1 each, leading and opening 0.5 each
KEEP_AT = 1.5  # a recognised chair stays while their score holds this, and nobody scores more
CAP_CHAIRS = 4  # members remembered as having chaired
DECIDE_EVERY = 4  # who chairs is weighed every few messages (letting go is checked on each)
IDLE_AFTER = 40  # human messages without a word from the chair: nobody chairs now



def note_chair(state: RoomState, event: ChatEvent) -> None:
    """Before the message joins the window: credit the members before it, then its author."""
    author = event.author.id
    t = state.traffic
    if busy(state):
        # A busy channel has helpers and regulars, not a chair: no evidence is gathered.
        t.chair, t.chair_since = None, None
        return
    prev, before = _last_two_humans(state)
    if prev is not None and prev.author != author:
        giver = t.evidence.get(prev.author)
        if giver is not None and names(prev.text, state, author):
            giver.handoffs += 1
        if before is not None and before.author not in (prev.author, author) and giver is not None:
            giver.hubs += 1
    mine = t.evidence.get(author)
    if mine is None:
        mine = t.evidence[author] = ChairEvidence(first=state.human_messages)
        _bound(state, keep=author)
    mine.messages += 1
    mine.process += process_talk(event.text)
    _decide(state)


def _last_two_humans(state: RoomState) -> tuple[StoredMessage | None, StoredMessage | None]:
    """The last two human messages in the window (the bot's own lines do not hand the floor)."""
    window = state.window
    found: list[StoredMessage] = []
    i = len(window) - 1
    while i >= 0 and len(found) < 2 and i >= len(window) - 6:
        if not window[i].is_bot:
            found.append(window[i])
        i -= 1
    return (found[0] if found else None), (found[1] if len(found) > 1 else None)


def names(text: str, state: RoomState, member: str) -> bool:
    """The text names the member: their whole name, or its last word as a capitalised word."""
    person = state.participants.get(member)
    label = person.label if person else member
    if len(label) >= 3 and label.lower() in text.lower():
        return True
    pattern = _last_name(label)
    return pattern is not None and pattern.search(text) is not None


@lru_cache(maxsize=1024)
def _last_name(label: str) -> re.Pattern[str] | None:
    """"Mr. Genuis" -> a pattern for "Genuis" as a word, case kept (None: no such word)."""
    words = [w for w in NAME_WORD.findall(label) if len(w) >= 4]
    if not words or words[-1] == label:
        return None
    return re.compile(rf"(?<![\w-]){re.escape(words[-1])}(?![\w-])")


def _bound(state: RoomState, keep: str) -> None:
    evidence = state.traffic.evidence
    if len(evidence) <= CAP_CHAIR_EVIDENCE:
        return
    drop = min((e for e in evidence.items() if e[0] not in (keep, state.traffic.chair)),
               key=lambda e: (e[1].messages, e[0]))
    del evidence[drop[0]]


def scores(state: RoomState, members: list[str] | None = None) -> dict[str, float]:
    """How strongly each member's messages show a chair's marks (0 to 4), against the others
    in the room: one pass over the (bounded) evidence for the totals."""
    evidence = state.traffic.evidence
    n_all = sum(e.messages for e in evidence.values())
    hubs_all = sum(e.hubs for e in evidence.values())
    process_all = sum(e.process for e in evidence.values())
    most = [*sorted((e.messages for e in evidence.values()), reverse=True)[:2], 0, 0]
    handing = [*sorted((e.handoffs for e in evidence.values()), reverse=True)[:2], 0, 0]
    out: dict[str, float] = {}
    for member in evidence if members is None else members:
        e = evidence[member]
        n = e.messages
        if n < MIN_MESSAGES:
            out[member] = 0.0
            continue
        rest = n_all - n
        hubs_rest = (hubs_all - e.hubs) / rest if rest else 0.0
        process_rest = (process_all - e.process) / rest if rest else 0.0
        most_other = most[1] if n == most[0] else most[0]
        handing_other = handing[1] if e.handoffs == handing[0] else handing[0]
        hub = e.hubs / n >= HUB_AT and e.hubs / n >= hubs_rest + HUB_ABOVE
        handoff = e.handoffs / n >= HANDOFF_AT and e.handoffs >= handing_other
        process = e.process / n >= PROCESS_AT and e.process / n >= PROCESS_TIMES * process_rest
        leading = n >= LEADING_TIMES * most_other
        opener = e.first < OPENER_WITHIN
        out[member] = hub + handoff + process + 0.5 * leading + 0.5 * opener
    return out


def score(state: RoomState, member: str) -> float:
    return scores(state, [member])[member] if member in state.traffic.evidence else 0.0


def _decide(state: RoomState) -> None:
    t = state.traffic
    channel = busy(state)  # a busy channel has helpers and regulars, not a chair
    if t.chair is not None:
        if not _active(state, t.chair) or channel:
            t.chair, t.chair_since = None, None
    if state.human_messages < MIN_ROOM or channel or state.human_messages % DECIDE_EVERY:
        return
    recent = [m for m in t.evidence if _active(state, m)]
    marks = scores(state, recent)
    best = max(recent, key=lambda m: (marks[m], t.evidence[m].messages, m), default=None)
    if best is None or best == t.chair:
        return
    top = marks[best]
    held = marks.get(t.chair, 0.0) if t.chair is not None else 0.0
    if t.chair is not None and held >= KEEP_AT and held >= top:
        return
    if top >= SCORE_AT:
        t.chair, t.chair_since = best, state.human_messages
        if best in t.chairs:
            t.chairs.remove(best)
        t.chairs = [*t.chairs, best][-CAP_CHAIRS:]
    elif t.chair is not None and held < KEEP_AT:
        t.chair, t.chair_since = None, None


def _active(state: RoomState, member: str) -> bool:
    """Spoke within the last IDLE_AFTER human messages: a chair who went quiet chairs no more."""
    person = state.participants.get(member)
    return person is not None and state.human_messages - person.last_turn <= IDLE_AFTER


def forget_chair(state: RoomState, member_id: str) -> None:
    state.traffic.evidence.pop(member_id, None)
    if member_id in state.traffic.chairs:
        state.traffic.chairs.remove(member_id)
    if state.traffic.chair == member_id:
        state.traffic.chair, state.traffic.chair_since = None, None
