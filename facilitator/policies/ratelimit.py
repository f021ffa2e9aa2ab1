"""Per-member rate limits: on replies the bot gives when addressed, and (`SettingsLimiter`)
on the settings commands it announces to the room.

One member's hundred mentions must not buy a hundred replies (the bot's share of the room
belongs to the group). Within any `window_s` seconds a member gets at most `limit` addressed
replies; the next one is replaced by one short notice, and after that the bot stays silent
to them until the window has room again. Time is the event's own timestamp, so replay and
simulation stay deterministic.

Wiring (two calls, in `Engine._handle` right after the policy decides, before the save):

    decision = limit_addressed(self.replies, event, decision)

`Engine.replies` is a `ReplyLimiter`; the policy gate may call `ReplyLimiter.check`
directly instead when it prefers to skip composing a reply that would be dropped.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field
from enum import StrEnum

from facilitator.events import ChatEvent
from facilitator.policies.decision import BotDecision, Intervention

REPLIES_PER_WINDOW = 4
WINDOW_S = 60.0
MAX_TRACKED = 10_000  # (room, member) pairs remembered; the least recent are forgotten
NOTICE = ("I'll hold off answering you for a minute so the rest of the group has room; "
          "ask again shortly.")
ADDRESSED = frozenset({Intervention.ANSWER, Intervention.DECLINE_CAPTURE})


class Verdict(StrEnum):
    ALLOW = "allow"
    NOTICE = "notice"  # over the limit for the first time in this stretch: one short notice
    SILENCE = "silence"  # already told: say nothing


@dataclass(slots=True)
class _Member:
    given: deque[float] = field(default_factory=deque)  # timestamps of replies given
    noticed: bool = False  # the notice was given in this stretch over the limit
    # The last event checked and its verdict: the engine re-runs an event when another worker
    # saved the room first, and that second look must not count as a second reply.
    last_event: str | None = None
    last_verdict: Verdict = Verdict.ALLOW


class ReplyLimiter:
    def __init__(self, limit: int = REPLIES_PER_WINDOW, window_s: float = WINDOW_S,
                 max_tracked: int = MAX_TRACKED) -> None:
        self.limit = limit
        self.window_s = window_s
        self.max_tracked = max_tracked
        self._members: OrderedDict[tuple[str, str], _Member] = OrderedDict()
        self.limited = 0  # replies replaced by the notice or by silence

    def check(self, room_key: str, member: str, ts: float, event_id: str | None = None) -> Verdict:
        """Record an addressed reply about to be given at `ts`; say whether to give it."""
        key = (room_key, member)
        entry = self._members.get(key)
        if entry is None:
            entry = self._members[key] = _Member()
            while len(self._members) > self.max_tracked:
                self._members.popitem(last=False)
        self._members.move_to_end(key)
        if event_id is not None and entry.last_event == event_id:
            return entry.last_verdict
        verdict = self._verdict(entry, ts)
        entry.last_event, entry.last_verdict = event_id, verdict
        return verdict

    def _verdict(self, entry: _Member, ts: float) -> Verdict:
        while entry.given and entry.given[0] <= ts - self.window_s:
            entry.given.popleft()
        if len(entry.given) < self.limit:
            entry.given.append(ts)
            entry.noticed = False
            return Verdict.ALLOW
        self.limited += 1
        if entry.noticed:
            return Verdict.SILENCE
        entry.noticed = True
        return Verdict.NOTICE


def is_addressed_reply(event: ChatEvent, decision: BotDecision) -> bool:
    return decision.speak and (event.addressed or decision.intervention in ADDRESSED)


def limit_addressed(limiter: ReplyLimiter, event: ChatEvent, decision: BotDecision) -> BotDecision:
    """The decision to act on: unchanged, the one short notice, or silence."""
    if not is_addressed_reply(event, decision):
        return decision
    verdict = limiter.check(event.room.key, event.author.id, event.ts, event.id)
    if verdict is Verdict.ALLOW:
        return decision
    if verdict is Verdict.NOTICE:
        return decision.model_copy(update={
            "text": NOTICE, "reason": f"{decision.reason}; reply limit reached for this member",
            "to": [event.author.id]})
    return BotDecision.silence("reply limit reached for this member; notice already given",
                            signals=decision.signals, llm_calls=decision.llm_calls)


SETTINGS_PER_WINDOW = 4
SETTINGS_WINDOW_S = 600.0


class SettingsLimiter:
    """Per member and room: how many settings requests the bot announced in the room.

    A settings command (`goal TEXT`, `quiet`, `pause`, `lock`, ...) is answered in the room,
    for everyone, so one member could make the bot post their words over and over. Within any
    `window_s` seconds a member gets at most `limit` such announcements in a room; past that
    they are answered privately and nothing changes. Kept in this process (like
    `ReplyLimiter`): with several processes answering commands, each keeps its own count.
    """

    def __init__(self, limit: int = SETTINGS_PER_WINDOW, window_s: float = SETTINGS_WINDOW_S,
                 max_tracked: int = MAX_TRACKED) -> None:
        self.limit = limit
        self.window_s = window_s
        self.max_tracked = max_tracked
        self._given: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()
        self.limited = 0  # requests answered privately because of the limit

    def wait_s(self, room_key: str, member: str, now: float) -> float:
        """0 when the member may be announced now; else the seconds until they may."""
        given = self._given.get((room_key, member))
        if given is None:
            return 0.0
        while given and given[0] <= now - self.window_s:
            given.popleft()
        if len(given) < self.limit:
            return 0.0
        self.limited += 1
        return given[0] + self.window_s - now

    def record(self, room_key: str, member: str, now: float) -> None:
        key = (room_key, member)
        given = self._given.setdefault(key, deque())
        self._given.move_to_end(key)
        given.append(now)
        while len(self._given) > self.max_tracked:
            self._given.popitem(last=False)
