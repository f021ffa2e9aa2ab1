"""The engine connects adapters, memory and policy: one event in, at most one decision to speak
out. Posting it, once, and recording the platform's id is delivery's (facilitator.intake.delivery),
the same in direct mode and for the streams worker.

Per event: the room (held in memory from this worker's last save, else loaded), the event
applied, signals and gate, the policy graph for candidate moments only, then one atomic save
that checks the version and the event id and also records the decision: one round trip when
the room is held, and a reload only when another worker saved it first. Events that queued up
for a room go through `handle_batch` under one load and one save. Events of one room are
handled in order; rooms never see each other's state.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field
from typing import Protocol

from redis.exceptions import RedisError

from facilitator.events import ChatEvent, EventKind
from facilitator.memory.state import BotTurn, RoomState
from facilitator.memory.store import RoomQuarantined, RoomStore, Saved
from facilitator.memory.trackers import apply_event, note_minute
from facilitator.memory.trackers.bot_log import record_bot_turn
from facilitator.memory.trackers.proposals import record_decision
from facilitator.policies.decision import BotDecision, Intervention
from facilitator.policies.onboarding import on_joined
from facilitator.policies.ratelimit import ReplyLimiter, limit_addressed
from facilitator.policies.signals import Signals, compute_signals
from facilitator.reading.message import AttackRead, read_message

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 200  # compare-and-set retries against other workers before giving up


class Policy(Protocol):
    name: str

    async def decide(self, event: ChatEvent, state: RoomState, signals: Signals) -> BotDecision: ...


@dataclass(slots=True)
class Outcome:
    event: ChatEvent
    decision: BotDecision
    duplicate: bool = False
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    posted_id: str | None = None  # the platform's id of the post, once delivery made it
    processed: bool = True  # False: the event left no trace (the store failed); see `error`
    # When not processed: True if trying again later may work (the store was unreachable);
    # adapters then hold the event or ask the platform to redeliver it.
    retryable: bool = False


class Engine:
    def __init__(self, store: RoomStore, policy: Policy, *, bot_id: str = "facilitator",
                 bot_name: str = "", attack_read: AttackRead = "hostility",
                 welcome: str | None = None) -> None:
        self.store = store
        self.policy = policy
        self.bot_id = bot_id
        self.bot_name = bot_name or bot_id
        self.attack_read: AttackRead = attack_read  # which reader calls a message an attack
        self.welcome = welcome  # posted once when the bot is added to a room (run modes only)
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}
        self.replies = ReplyLimiter()  # addressed replies per member (see facilitator.policies.ratelimit)

    async def handle(self, event: ChatEvent) -> Outcome:
        """Never raises for a bad event or a dead dependency: the outcome says what happened."""
        return (await self._room_batch(event.room.key, [event]))[0]

    async def handle_batch(self, events: list[ChatEvent]) -> list[Outcome]:
        """Events that queued up, handled with one load and one save per room (rooms side by
        side, each room's events in order), with the decisions handling them one by one
        would give. The outcomes are in the order of `events`."""
        by_room: dict[str, list[int]] = {}
        for i, event in enumerate(events):
            by_room.setdefault(event.room.key, []).append(i)
        results = await asyncio.gather(*(
            self._room_batch(room_key, [events[i] for i in idx]) for room_key, idx in by_room.items()))
        outcomes: list[Outcome | None] = [None] * len(events)
        for idx, room_outcomes in zip(by_room.values(), results, strict=True):
            for i, outcome in zip(idx, room_outcomes, strict=True):
                outcomes[i] = outcome
        return [o for o in outcomes if o is not None]

    async def _room_batch(self, room_key: str, events: list[ChatEvent]) -> list[Outcome]:
        lock = self._locks.setdefault(room_key, asyncio.Lock())
        self._waiting[room_key] = self._waiting.get(room_key, 0) + 1
        try:
            async with lock:
                return await self._handle(room_key, events)
        except RoomQuarantined as exc:
            # Not retryable: the room waits for an operator (logged once by the store).
            return [Outcome(e, BotDecision.silence("room quarantined"), error=str(exc),
                            processed=False) for e in events]
        except (RedisError, OSError) as exc:
            log.error("room %s: store unavailable, %d event(s) not processed (%s): %s", room_key,
                      len(events), events[0].id, exc)
            return [Outcome(e, BotDecision.silence("store unavailable"), error=str(exc),
                            processed=False, retryable=True) for e in events]
        finally:
            self._waiting[room_key] -= 1
            if not self._waiting[room_key]:
                del self._waiting[room_key]
                self._locks.pop(room_key, None)

    async def _handle(self, room_key: str, events: list[ChatEvent]) -> list[Outcome]:
        ids = [e.id for e in events if e.id]
        for attempt in range(MAX_ATTEMPTS):
            if attempt > 1:
                # Jittered backoff so two workers on one room do not keep colliding (the first
                # retry is usually only a stale cached copy, so it goes at once).
                await asyncio.sleep(random.uniform(0, min(0.05, 0.001 * 2 ** min(attempt, 6))))
            # One round trip per event: a room this worker saved last is used as held, and the
            # save says whether it was still current (and the events new).
            loaded = self.store.take(room_key) if attempt == 0 else None
            if loaded is None:
                loaded = await self.store.load_many(room_key, ids)
                seen = {i for i, was in zip(ids, loaded.seen, strict=True) if was}
            else:
                seen = set()
            state = loaded.state
            outcomes: list[Outcome] = []
            applied: list[str] = []
            for event in events:
                if event.id and event.id in seen:
                    outcomes.append(Outcome(event, BotDecision.silence("duplicate event"),
                                            duplicate=True))
                    continue
                if event.id:
                    seen.add(event.id)  # the same id again later in this batch is a duplicate
                    applied.append(event.id)
                outcomes.append(await self._apply(room_key, state, event))
            if all(o.duplicate for o in outcomes):
                self.store.keep(room_key, loaded)  # every event was a duplicate: nothing changed
                return outcomes
            saved = await self.store.commit(state, loaded.version, applied)
            if saved is Saved.SAVED:
                return outcomes
            log.debug("room %s: %s, retrying %d event(s)", room_key, saved.value, len(events))
        raise RedisError(f"room {room_key}: could not save after {MAX_ATTEMPTS} attempts")

    async def _apply(self, room_key: str, state: RoomState, event: ChatEvent) -> Outcome:
        if event.joined_room:
            # The bot itself was added: no message to read, no moment to weigh; onboarding
            # learns the members and owes the welcome once, delivery posts it.
            return Outcome(event, on_joined(state, event, welcome=self.welcome))
        # The message is read once, before the trackers change the room it is read against.
        read = read_message(state, event, bot_id=self.bot_id, bot_name=self.bot_name,
                            attack_read=self.attack_read) if (
            event.kind == EventKind.MESSAGE and event.is_human) else None
        notes = apply_event(state, event, bot_id=self.bot_id, read=read)
        for note in notes:
            log.info("room %s event %s: %s", room_key, event.id, note)
        signals = compute_signals(state, read)
        if event.author.id == self.bot_id or event.author.is_bot:
            # The bot's own message (or another bot's): never something to answer.
            decision = BotDecision.silence("a bot's own event", signals=signals.as_json())
        elif state.charter.paused:
            # Paused by the room: keep the read up to date, say nothing, spend nothing.
            decision = BotDecision.silence("paused by the room", signals=signals.as_json())
        else:
            decision = await self.policy.decide(event, state, signals)
            if decision.speak:  # the reply limit counts only what the bot would say
                decision = limit_addressed(self.replies, event, decision)
        if decision.speak:
            self._record(state, event, decision)
        note_minute(state, event.ts, tension=signals.tension,
                    evenness=1.0 - signals.participation_gini, voices=signals.humans,
                    human_message=event.kind == EventKind.MESSAGE and event.is_human,
                    bot_spoke=decision.speak)
        return Outcome(event, decision, notes=notes)

    def _record(self, state: RoomState, event: ChatEvent, decision: BotDecision) -> None:
        assert decision.intervention is not None and (decision.text or decision.react)
        if decision.intervention == Intervention.RECORD_DECISION and decision.ref:
            record_decision(state, decision.ref, event.ts)
        if decision.intervention == Intervention.SURFACE_QUESTION and decision.ref:
            for q in state.questions:
                if q.id == decision.ref:
                    q.surfaced = True
        if decision.intervention == Intervention.TRANSLATE_TERMS and decision.ref:
            for use in state.terms:
                if use.concept == decision.ref:
                    use.translated = True
        record_bot_turn(state, BotTurn(
            id=f"{self.bot_id}:{event.id}", ts=event.ts, turn=state.human_messages,
            intervention=decision.intervention.value, reason=decision.reason,
            text=decision.text or "", to=decision.to, trigger=event.id, react=decision.react,
            react_to=decision.react_to), bot_id=self.bot_id)


class PatientHandler:
    """`engine.handle`, tried again (backing off) while the store cannot answer yet — one that
    times out on a loaded machine —, for runs that read a file (replay, evaluations), where a
    slow moment must not change the report. A store that stays silent through every attempt
    is taken as gone: later events are tried once each (and counted as not processed) until
    one goes through. Live workers hold events longer (intake.delivery)."""

    def __init__(self, engine: Engine, *, attempts: int = 4, first_s: float = 0.2) -> None:
        self.engine = engine
        self.attempts = attempts
        self.first_s = first_s
        self.gone = False

    async def __call__(self, event: ChatEvent) -> Outcome:
        outcome = await self.engine.handle(event)
        delay = self.first_s
        for _ in range(0 if self.gone else self.attempts - 1):
            if outcome.processed or not outcome.retryable:
                break
            await asyncio.sleep(delay)
            delay *= 2
            outcome = await self.engine.handle(event)
        self.gone = not outcome.processed and outcome.retryable
        return outcome
