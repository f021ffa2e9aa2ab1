"""Who already runs this meeting: a member who hands out turns, opens and closes items.

A human chair is read from what a member's messages do to the run of the conversation more
than from their words:

- hub: they speak between two other members who are not the same person (A, chair, B):
  the floor passes through them;
- hand-off: they name a member, and that member speaks next;
- process talk (reading/cues.py): opening, moving or closing an item, giving the floor;
- they hold a large share of the messages, and they opened the meeting.

While a chair runs the meeting the bot makes no process moves of its own unless the room
asks (policies/defaults.py). The chair is let go when they have not spoken for a while.
Bounded: evidence is kept for the CAP_CHAIR_EVIDENCE most active members; one pass over
the last few window messages per event.
"""

from __future__ import annotations

import re
from functools import lru_cache

from facilitator.events import ChatEvent
from facilitator.memory.state import CAP_CHAIR_EVIDENCE, ChairEvidence, RoomState, StoredMessage
from facilitator.memory.trackers.kind import busy
from facilitator.reading.cues import process_talk

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

_WORD = re.compile(r"[A-Za-z][\w'-]+")


def on_message(state: RoomState, event: ChatEvent) -> None:
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
    words = [w for w in _WORD.findall(label) if len(w) >= 4]
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


def forget(state: RoomState, member_id: str) -> None:
    state.traffic.evidence.pop(member_id, None)
    if member_id in state.traffic.chairs:
        state.traffic.chairs.remove(member_id)
    if state.traffic.chair == member_id:
        state.traffic.chair, state.traffic.chair_since = None, None
