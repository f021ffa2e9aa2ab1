"""Posting to Slack so that a post can be found again: message metadata carries the trigger.

`find` reads the room's recent history (conversations.history, or conversations.replies in a
thread) with metadata and returns the ts of the post made for a trigger event, if any. The
worker calls it only when it takes over an event another worker may have posted for.
Posts are paced per channel (`ChannelPacer`), as Slack's chat.postMessage limit asks.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from facilitator.adapters.slack.translate import to_slack
from facilitator.events import RoomRef
from facilitator.intake.posts import HISTORY_LIMIT, metadata_trigger, slack_metadata


class ChannelPacer:
    """At most one post per `interval` seconds per channel (Slack's chat.postMessage limit)."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._last: dict[Hashable, float] = {}

    @contextlib.asynccontextmanager
    async def slot(self, channel: Hashable) -> AsyncIterator[None]:
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            wait = self._last.get(channel, float("-inf")) + self.interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                yield
            finally:
                self._last[channel] = time.monotonic()
        if len(self._last) > 10_000:
            self._prune()

    def _prune(self) -> None:
        cutoff = time.monotonic() - self.interval
        for key in [k for k, t in self._last.items() if t < cutoff]:
            lock = self._locks.get(key)
            if lock is None or not lock.locked():
                self._last.pop(key, None)
                self._locks.pop(key, None)


TokenFor = Callable[[str], Awaitable[str]]
Slot = Callable[[tuple[str, str]], AbstractAsyncContextManager[object]]


class SlackSender:
    name = "slack"

    def __init__(self, client: AsyncWebClient, token_for: TokenFor, *, slot: Slot | None = None,
                 on_posted: Callable[[RoomRef, str], None] | None = None) -> None:
        self.client = client
        self.token_for = token_for
        self.slot = slot
        self.on_posted = on_posted

    async def post(self, room: RoomRef, text: str, *, trigger: str | None = None) -> str | None:
        """Into the room's thread when it is one, else top level. Returns the ts."""
        token = await self.token_for(room.workspace)
        extra: dict[str, Any] = {}
        if trigger is not None:
            extra["metadata"] = slack_metadata(trigger)
        slot = self.slot((room.workspace, room.channel)) if self.slot else nullcontext()
        async with slot:
            response = await self.client.chat_postMessage(
                token=token, channel=room.channel, text=to_slack(text), thread_ts=room.thread,
                unfurl_links=False, unfurl_media=False, **extra)
        ts = response.get("ts")
        if ts and self.on_posted is not None:
            self.on_posted(room, str(ts))
        return str(ts) if ts else None

    async def react(self, room: RoomRef, message_id: str, emoji: str) -> None:
        """Put the reaction `emoji` (its name: "eyes") on the message `message_id` (its ts).
        Slack answers a reaction already there with `already_reacted`: it is there, as asked."""
        token = await self.token_for(room.workspace)
        slot = self.slot((room.workspace, room.channel)) if self.slot else nullcontext()
        try:
            async with slot:
                await self.client.reactions_add(token=token, channel=room.channel, name=emoji,
                                                timestamp=message_id)
        except SlackApiError as exc:
            if exc.response.get("error") != "already_reacted":
                raise

    async def find(self, room: RoomRef, trigger: str) -> str | None:
        token = await self.token_for(room.workspace)
        if room.thread:
            response = await self.client.conversations_replies(
                token=token, channel=room.channel, ts=room.thread, limit=HISTORY_LIMIT,
                include_all_metadata=True)
        else:
            response = await self.client.conversations_history(
                token=token, channel=room.channel, limit=HISTORY_LIMIT, include_all_metadata=True)
        for message in response.get("messages") or []:
            if isinstance(message, dict) and metadata_trigger(message) == trigger:
                ts = message.get("ts")
                return str(ts) if ts else None
        return None
