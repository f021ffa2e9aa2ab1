"""Delivery: the one way from an event to the room, for direct mode and the streams worker alike.

1. Hand on, retrying while the store is down (`Holding`). An event the engine could not
   process because the store was unreachable is tried again, in order, with a backoff from
   RETRY_FIRST_S doubling up to RETRY_MAX_S; the rest of its room waits behind it (order is
   kept). Adapters hold their events this way (Socket Mode and Discord cannot ask the platform
   to send an event again; what waits is bounded by the lane caps, facilitator.adapters.lanes);
   the worker holds its stream entry the same way, and stops holding once its shard moved to
   another worker (the entry stays for the new owner).
2. Post once (`Delivery.post`), after the engine saved the decision. Direct mode (one process)
   posts the words as they are. With the streams intake, where another worker may take an
   entry over, the posts ledger (facilitator.intake.posts) makes it once: the intent is written
   before posting, a worker that takes an event over asks the platform whether the post went
   out (`Sender.find`, the trigger in the message metadata or nonce) before posting again, and
   an event delivered twice posts the intent its first delivery saved. A post the platform
   refused is logged and counted, never retried (the words were about that moment).
3. React. A decision may carry a reaction (an emoji on a member's message: the lighter form
   of a move, facilitator.policies.policy), beside its words or instead of them. It goes out
   after the words through the adapter's `react` (Slack `reactions.add`, Discord
   `add_reaction`); platforms take a reaction twice as once, so it needs no ledger. A
   reaction the platform refuses is logged and counted, never retried. A worker that takes
   over an event already applied does not react again (the posts ledger holds words only).
4. Record the platform's id. The engine saves the bot's turn under a provisional id
   (`<bot id>:<trigger event id>`); members reply to the platform's id, so the turn and its
   window entry are renamed to it, or replies would not count as addressing the bot.

   The rename is one compare-and-set save of the room (`RoomStore.update`), made right after
   the post. It needs no load: the engine has just saved the room, so this worker holds its
   current version and only the two renamed items are written; the room is loaded again only
   when another writer saved it in between. Recording it later instead (the id kept in the
   ledger and applied to the room at its next event) would save that round trip, but it is not
   safe with the store as it is: until the next event the stored room (the room page, an
   export, a worker that takes the room over or a restarted process) would hold the
   provisional id, and a restart or a shard moving to another worker would lose the rename
   unless every load also read the ledger, which the store's one-round-trip load cannot do
   yet. So the rename stays a save, made here and nowhere else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from redis.exceptions import RedisError

from facilitator.engine import Engine, Outcome
from facilitator.events import ChatEvent, RoomRef
from facilitator.intake.posts import Ledger, Sender
from facilitator.memory.state import RoomState
from facilitator.memory.store import RoomQuarantined
from facilitator.web.metrics import Metrics

log = logging.getLogger(__name__)

RETRY_FIRST_S = 0.05
RETRY_MAX_S = 5.0

Handle = Callable[[ChatEvent], Awaitable[Any]]
Post = Callable[[RoomRef, str], Awaitable[str | None]]
React = Callable[[RoomRef, str, str], Awaitable[object]]  # room, message id, emoji name


class Holding:
    """Hand events to `handle`; hold and retry those the store could not take yet.

    `handle` returns an outcome (duck-typed: `processed`, `retryable`, `error`), an engine
    `Outcome` or what the streams intake says about an append."""

    def __init__(self, handle: Handle, *, first_s: float = RETRY_FIRST_S,
                 max_s: float = RETRY_MAX_S) -> None:
        self.handle = handle
        self.first_s = first_s
        self.max_s = max_s
        self.retries = 0  # attempts repeated because the store was down
        self.failed = 0  # events given up on (not retryable, or stopped while waiting)
        self.held = 0  # events waiting for the store right now
        self.stopping = asyncio.Event()

    async def deliver(self, event: ChatEvent, *, stay: Callable[[], bool] | None = None) -> Any:
        """The outcome of the last attempt. `stay` (the worker: does it still own the shard?)
        turning false ends the wait without counting the event as failed: its new owner has it."""
        delay = self.first_s
        waiting = False
        try:
            while True:
                outcome = await self.handle(event)
                if getattr(outcome, "processed", True):
                    return outcome
                if not getattr(outcome, "retryable", False):
                    self.failed += 1
                    log.error("room %s: event %s not processed: %s", event.room.key, event.id,
                              getattr(outcome, "error", None))
                    return outcome
                if self.stopping.is_set():
                    self.failed += 1
                    log.error("room %s: stopping while the store is down; event %s lost",
                              event.room.key, event.id)
                    return outcome
                if stay is not None and not stay():
                    return outcome
                if not waiting:
                    waiting = True
                    self.held += 1
                    log.warning("room %s: store unavailable; holding event %s and retrying",
                                event.room.key, event.id)
                self.retries += 1
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self.stopping.wait()
                delay = min(self.max_s, delay * 2)
        finally:
            if waiting:
                self.held -= 1


class Delivery:
    """Post the words of a decision the engine saved, once, and record the platform's id.

    Direct mode: `Delivery(engine, poster)`, `poster(room, text)` returning the platform's id
    (set it later when the adapter is made after the delivery: `delivery.poster = ...`), and
    `reacter(room, message_id, emoji)` for reactions (`delivery.reacter = adapter.react`).
    Streams intake: `Delivery(engine, sender=..., ledger=...)`: posts carry their trigger and
    are made once (see the module's docstring); reactions go through `sender.react`."""

    def __init__(self, engine: Engine, poster: Post | None = None, *,
                 sender: Sender | None = None, ledger: Ledger | None = None,
                 metrics: Metrics | None = None, platform: str | None = None,
                 reacter: React | None = None) -> None:
        if ledger is not None and sender is None:
            raise ValueError("posting once with a ledger needs a sender (posts carry the trigger)")
        self.engine = engine
        self.poster = poster
        self.reacter = reacter
        self.sender = sender
        self.ledger = ledger
        self.metrics = metrics
        self.platform = platform or (sender.name if sender is not None else "")

    async def handle(self, event: ChatEvent) -> Outcome:
        """Direct mode in one call: the engine decides and saves, then the words go out."""
        outcome = await self.engine.handle(event)
        await self.post(event, outcome)
        return outcome

    async def post(self, event: ChatEvent, outcome: Outcome) -> None:
        """After the engine's save. Sets `outcome.posted_id`, or `outcome.error` on failure."""
        decision = outcome.decision
        reacting = (decision.speak and decision.react and decision.react_to
                    and not outcome.error and not outcome.duplicate)
        if self.ledger is not None:
            await self._post_once(event, outcome)
        elif (decision.speak and decision.text and self.poster is not None
              and not outcome.error):
            await self._send(event, outcome, decision.text)
        if reacting:
            await self._react(event, outcome)

    async def _react(self, event: ChatEvent, outcome: Outcome) -> None:
        decision = outcome.decision
        assert decision.react is not None and decision.react_to is not None
        react = self.reacter if self.ledger is None else getattr(self.sender, "react", None)
        if react is None:
            return
        try:
            await react(event.room, decision.react_to, decision.react)
        except Exception as exc:  # a platform failure must never take the bot down
            log.error("room %s: reacting failed: %s", event.room.key, exc)
            if self.metrics is not None:
                self.metrics.posts_failed.labels(self.platform).inc()
            outcome.error = outcome.error or f"reaction failed: {exc}"
            return
        if self.metrics is not None:
            self.metrics.reactions.labels(self.platform).inc()

    async def _send(self, event: ChatEvent, outcome: Outcome, text: str) -> bool:
        """Post; True when the platform took it (its id, if any, is recorded)."""
        try:
            if self.ledger is None:
                assert self.poster is not None
                posted = await self.poster(event.room, text)
            else:
                assert self.sender is not None
                posted = await self.sender.post(event.room, text, trigger=event.id)
        except Exception as exc:  # a platform failure must never take the bot down
            log.error("room %s: posting failed: %s", event.room.key, exc)
            if self.metrics is not None:
                self.metrics.posts_failed.labels(self.platform).inc()
            outcome.error = f"post failed: {exc}"
            if self.ledger is not None:
                await self.ledger.put(event.room.key, event.id, text, "failed")
            return False
        if self.metrics is not None:
            self.metrics.posts.labels(self.platform).inc()
        outcome.posted_id = posted
        if self.ledger is not None:
            await self.ledger.put(event.room.key, event.id, text, "posted", posted)
        # The welcome (an event that says the bot joined) is no turn of the talk: nothing saved
        # under a provisional id, so nothing to rename.
        if posted and not event.joined_room:
            await self._record(event, posted)
        return True

    async def _post_once(self, event: ChatEvent, outcome: Outcome) -> None:
        assert self.sender is not None and self.ledger is not None
        room_key = event.room.key
        taking_over = outcome.duplicate
        if outcome.decision.speak and outcome.decision.text and not outcome.duplicate:
            text = outcome.decision.text
            # A ledger entry for a fresh decision means an earlier attempt got this far.
            entry = await self.ledger.get(room_key, event.id)
            if entry is not None:
                if entry.get("state") != "intent":
                    return
                taking_over = True
        elif outcome.duplicate:
            found = await self._saved_intent(event)
            if found is None:
                return
            text = found
        else:
            return
        if taking_over:
            try:
                existing = await self.sender.find(event.room, event.id)
            except Exception as exc:  # the platform's answer decides nothing about the room
                log.warning("room %s: could not look for an earlier post: %s", room_key, exc)
                existing = None
            if existing is not None:
                if self.metrics is not None:
                    self.metrics.posts_recovered.labels(self.platform).inc()
                outcome.posted_id = existing
                await self.ledger.put(room_key, event.id, text, "posted", existing)
                await self._record(event, existing)
                return
        await self.ledger.put(room_key, event.id, text, "intent")
        await self._send(event, outcome, text)

    async def _saved_intent(self, event: ChatEvent) -> str | None:
        """For an event already applied: the words still to post, or None when none are."""
        assert self.ledger is not None
        entry = await self.ledger.get(event.room.key, event.id)
        if entry is not None:
            return str(entry.get("text")) if entry.get("state") == "intent" else None
        # Died between the engine's save and the ledger write: the saved bot turn is the intent.
        try:
            state = await self.engine.store.get(event.room.key)
        except (RedisError, OSError, RoomQuarantined):
            return None
        provisional = self.provisional_id(event)
        for turn in state.bot_log if state is not None else []:
            if turn.trigger == event.id:
                # Renamed to the platform's id only after a post: then it went out.
                return turn.text if turn.id == provisional else None
        return None

    def provisional_id(self, event: ChatEvent) -> str:
        """The id the engine saves the bot's turn for `event` under, until it is posted."""
        return f"{self.engine.bot_id}:{event.id}"

    async def _record(self, event: ChatEvent, posted: str) -> None:
        """Members reply to the platform's id: the bot's turn and its window entry take it."""
        provisional = self.provisional_id(event)
        if posted == provisional:
            return

        def rename(state: RoomState) -> None:
            for item in (*state.bot_log, *state.window):
                if item.id == provisional:
                    item.id = posted
        try:
            await self.engine.store.update(event.room.key, rename)
        except (RedisError, OSError, RoomQuarantined) as exc:
            log.warning("room %s: could not record posted id: %s", event.room.key, exc)
