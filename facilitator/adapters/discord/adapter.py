"""The Discord adapter: gateway events in (translated, filtered, queued per room), posts out.

Translate only: whether to speak is the engine's business. Events are translated the moment
they arrive (library objects may change later) and handed to a per-room lane, so the gateway
never waits for the engine and a room's events reach it in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Callable
from typing import Any

import discord
from pydantic import ValidationError

from facilitator.adapters.base import Adapter, EventCallback
from facilitator.adapters.discord.client import (
    BOT_PERMISSIONS,
    FacilitatorClient,
    ShardedFacilitatorClient,
)
from facilitator.adapters.discord.commands import NO_PINGS, CommandAnswerer
from facilitator.adapters.discord.limits import fit_message
from facilitator.adapters.discord.options import DiscordOptions
from facilitator.adapters.discord.translate import (
    PLATFORM,
    bot_joined_event,
    delete_events,
    edit_event,
    is_automated,
    join_event,
    leave_event,
    message_event,
    parse_room,
    reaction_event,
    room_for,
)
from facilitator.adapters.lanes import Lanes
from facilitator.events import EMOJI_CHARACTERS, Author, ChatEvent, RoomRef
from facilitator.intake.delivery import Holding
from facilitator.intake.posts import discord_nonce
from facilitator.memory.state import CAP_PARTICIPANTS
from facilitator.memory.store import RoomStore
from facilitator.policies.commands import CommandServices

log = logging.getLogger(__name__)

# Bounded memories of what the gateway taught us; both are cheap to relearn.
MAX_REMEMBERED = 10_000
# Channel types with their own chat (text, and the chat inside voice and stage channels).
CHAT_CHANNELS = (discord.TextChannel, discord.VoiceChannel, discord.StageChannel)


def _guarded(method: Callable[..., None]) -> Callable[..., None]:
    """A gateway payload whose fields break the event limits is logged and dropped, never raised
    into discord.py's dispatcher."""

    @functools.wraps(method)
    def wrapper(self: DiscordAdapter, *args: Any, **kwargs: Any) -> None:
        try:
            method(self, *args, **kwargs)
        except ValidationError as exc:
            self.invalid += 1
            log.warning("Discord event dropped (%s): %s", method.__name__,
                        exc.errors(include_input=False)[0]["msg"])

    return wrapper


class DiscordAdapter(Adapter):
    name = "discord"

    def __init__(self, on_event: EventCallback, *, options: DiscordOptions, store: RoomStore,
                 onboard: bool = False, services: CommandServices | None = None,
                 **client_options: Any) -> None:
        """`client_options` go to discord.Client (e.g. `guild_ready_timeout`, `max_messages`).

        `onboard` turns on joining: the first time a channel that was never welcomed is heard
        from, the members who can read it and its name go to the engine in a JOIN event (the
        engine learns them and welcomes the room once). `services` give commands the page and
        digests.
        """
        super().__init__(on_event)
        self.options = options
        self.store = store
        self.onboard = onboard
        self._joined: set[str] = set()  # rooms checked for a welcome since this process started
        self.commands = CommandAnswerer(store, self.room_allowed, services=services)
        client_cls: type[FacilitatorClient] = FacilitatorClient
        if options.sharded:
            client_cls = ShardedFacilitatorClient
            client_options = {**client_options, "shard_count": options.shard_count,
                              "shard_ids": list(options.shard_ids) if options.shard_ids else None}
        self.client = client_cls(self, self.commands, dev_guild=options.dev_guild,
                                 sync_commands=options.sync_commands, **client_options)
        self.lanes: Lanes[ChatEvent] = Lanes(self._deliver)
        # Events the store cannot take yet are held in their lane and retried in order.
        self.holding = Holding(on_event)
        self.invalid = 0  # gateway payloads whose fields broke the event limits (dropped)
        # channel or thread id -> parent channel id (None: a channel, not a thread)
        self._parents: dict[int, int | None] = {}
        # guild id -> channel and thread ids that hold a room (seen events or stored state);
        # member joins and leaves go to these rooms.
        self._rooms: dict[int, set[int]] = {}
        # Ids of bots seen so far: a reaction removal carries no member, only a user id.
        self._bots: dict[int, None] = {}
        self._gateway: asyncio.Task[None] | None = None
        self._logged_in = False
        self._stopped = False

    # Lifecycle --------------------------------------------------------------------------

    @property
    def bot_id(self) -> int:
        if self.client.user is None:
            raise RuntimeError("not logged in yet")
        return self.client.user.id

    def invite_url(self) -> str:
        app_id = self.client.application_id or self.bot_id
        return discord.utils.oauth_url(app_id, permissions=BOT_PERMISSIONS,
                                       scopes=("bot", "applications.commands"))

    async def login(self) -> None:
        """Check the token, sync commands, recall known rooms; no gateway connection yet."""
        if self._logged_in:
            return
        await self.client.login(self.options.token)
        self._logged_in = True
        for key in await self.store.rooms():
            parsed = parse_room(key)
            if parsed is not None:
                self._rooms.setdefault(parsed[0], set()).add(parsed[1])

    async def start(self) -> None:
        """Log in if needed, connect to the gateway, and return once READY."""
        await self.login()
        self._gateway = asyncio.create_task(self.client.connect(reconnect=True),
                                            name="discord gateway")
        ready = asyncio.create_task(self.client.wait_until_ready())
        done, _ = await asyncio.wait({self._gateway, ready},
                                     return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            ready.cancel()
            self._gateway.result()  # raises why: privileged intents not enabled, bad token...
            raise ConnectionError("the Discord gateway closed before the bot was ready")

    async def wait_closed(self) -> None:
        """Until the gateway connection ends for good (reconnects happen inside)."""
        if self._gateway is not None:
            await self._gateway

    async def drain(self) -> None:
        """Wait until every event received so far has been handled."""
        await self.lanes.drain()

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.holding.stopping.set()  # events waiting for a dead store give up (counted)
        await self.lanes.close()
        await self.client.close()
        if self._gateway is not None:
            if not self._gateway.done():
                self._gateway.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._gateway

    # Posting ----------------------------------------------------------------------------

    async def post(self, room: RoomRef, text: str, *, trigger: str | None = None) -> str | None:
        """Post into the room's channel or thread; returns the (first) message id.

        `trigger` (the event answered) gives each part a nonce derived from it; discord.py
        sends it with `enforce_nonce`, so Discord answers a repeat within a few minutes with
        the message it already made instead of a second one (a worker taking over an event).

        Rate limits are the library's: it queues the request per bucket and sleeps the
        time Discord asks, up to MAX_RATELIMIT_WAIT_S; beyond that it raises RateLimited and
        the engine logs a failed post. Nothing here retries, so nothing can spin.
        """
        if room.platform != PLATFORM:
            raise ValueError(f"not a Discord room: {room.key}")
        parts = fit_message(text, max_parts=self.options.max_post_parts)
        if not parts:
            return None
        channel = self.client.get_partial_messageable(
            int(room.channel), guild_id=int(room.workspace) if room.workspace else None)
        first: str | None = None
        for i, part in enumerate(parts):
            extra: dict[str, Any] = {}
            if trigger is not None:
                extra["nonce"] = discord_nonce(f"{trigger}#{i}")
            sent = await channel.send(part, allowed_mentions=NO_PINGS, suppress_embeds=True,
                                      **extra)
            first = first or str(sent.id)
        return first

    async def react(self, room: RoomRef, message_id: str, emoji: str) -> None:
        """Put the reaction `emoji` (its name: "eyes") on a message of the room (add_reaction;
        Discord takes the same reaction twice as once)."""
        if room.platform != PLATFORM:
            raise ValueError(f"not a Discord room: {room.key}")
        channel = self.client.get_partial_messageable(
            int(room.channel), guild_id=int(room.workspace) if room.workspace else None)
        await channel.get_partial_message(int(message_id)).add_reaction(
            EMOJI_CHARACTERS.get(emoji, emoji))

    async def find(self, room: RoomRef, trigger: str) -> str | None:
        """Nothing to look up: posting again with the same nonce is how Discord tells."""
        return None

    # Allowlists and rooms ---------------------------------------------------------------

    async def room_allowed(self, guild_id: int, channel_id: int) -> bool:
        if not self.options.guild_allowed(guild_id):
            return False
        if not self.options.channels or channel_id in self.options.channels:
            return True
        parent = await self.parent_of(guild_id, channel_id)
        return parent is not None and parent in self.options.channels

    async def parent_of(self, guild_id: int, channel_id: int) -> int | None:
        """The parent channel of a thread; None for a channel (or one we cannot see)."""
        if channel_id in self._parents:
            return self._parents[channel_id]
        parent: int | None = None
        guild = self.client.get_guild(guild_id)
        thread = guild.get_thread(channel_id) if guild is not None else None
        if thread is not None:
            parent = thread.parent_id
        elif guild is None or guild.get_channel(channel_id) is None:
            # A thread the cache does not hold (e.g. unarchived while we were away).
            try:
                fetched = await self.client.fetch_channel(channel_id)
            except discord.HTTPException as exc:
                log.warning("cannot look up channel %s: %s", channel_id, exc)
                fetched = None
            if isinstance(fetched, discord.Thread):
                parent = fetched.parent_id
        self._remember_parent(channel_id, parent)
        return parent

    def _remember_parent(self, channel_id: int, parent: int | None) -> None:
        if len(self._parents) >= MAX_REMEMBERED:
            self._parents.pop(next(iter(self._parents)))
        self._parents[channel_id] = parent

    def _remember_bot(self, user_id: int) -> None:
        if user_id in self._bots:
            return
        if len(self._bots) >= MAX_REMEMBERED:
            self._bots.pop(next(iter(self._bots)))
        self._bots[user_id] = None

    def known_rooms(self, guild_id: int) -> set[int]:
        return set(self._rooms.get(guild_id, ()))

    # Delivery ---------------------------------------------------------------------------

    def _submit(self, event: ChatEvent) -> None:
        # A cheap early cut for other servers; channel allowlists are checked in the lane,
        # since a thread's parent may need a lookup. Once stopping, nothing new is taken on.
        if not self._stopped and self.options.guild_allowed(int(event.room.workspace)):
            self.lanes.submit(event.room.key, event)

    async def _deliver(self, event: ChatEvent) -> None:
        guild_id, channel_id = int(event.room.workspace), int(event.room.channel)
        if not await self.room_allowed(guild_id, channel_id):
            return
        self._rooms.setdefault(guild_id, set()).add(channel_id)
        if self.onboard and event.room.key not in self._joined:
            await self._join(event.room, guild_id, channel_id)
        outcome = await self.holding.deliver(event)
        error = getattr(outcome, "error", None)
        if error:
            log.warning("room %s event %s: %s", event.room.key, event.id, error)

    # Joining -----------------------------------------------------------------------------

    async def _join(self, room: RoomRef, guild_id: int, channel_id: int) -> None:
        """Tell the engine the bot is in a channel never welcomed, with who can read it;
        threads get no welcome. The stored flag is only read, to spare a member listing per
        channel on every restart: the engine decides (and sets it)."""
        self._joined.add(room.key)
        if len(self._joined) > MAX_REMEMBERED:
            self._joined.clear()  # only a shortcut: the stored flag is what counts
        try:
            state = await self.store.get(room.key)
        except Exception as exc:  # the engine reports store trouble for the event itself
            log.warning("room %s: cannot check the welcome: %s", room.key, exc)
            return
        if state is not None and state.welcomed:
            return
        if await self.parent_of(guild_id, channel_id) is not None:
            return  # a thread: its channel's welcome covers it
        members = await self.readers(guild_id, channel_id)
        guild = self.client.get_guild(guild_id)
        channel = guild.get_channel(channel_id) if guild is not None else None
        joined = bot_joined_event(room, str(self.bot_id), members,
                                  getattr(channel, "name", "") or "")
        outcome = await self.holding.deliver(joined)
        error = getattr(outcome, "error", None)
        if error:
            log.warning("room %s: joining: %s", room.key, error)

    async def readers(self, guild_id: int, channel_id: int) -> list[Author]:
        """Members who can read the channel (needs the Server Members intent)."""
        guild = self.client.get_guild(guild_id)
        channel = guild.get_channel(channel_id) if guild is not None else None
        if guild is None or not isinstance(channel, CHAT_CHANNELS):
            return []
        try:
            members = [m async for m in guild.fetch_members(limit=CAP_PARTICIPANTS * 2)]
        except (discord.HTTPException, discord.ClientException) as exc:
            log.warning("guild %s: cannot list members (%s); using the ones in cache", guild_id, exc)
            members = list(guild.members)
        readers = []
        for member in members:
            if member.bot or not channel.permissions_for(member).view_channel:
                continue
            readers.append(Author(id=str(member.id), name=member.display_name))
        return readers[:CAP_PARTICIPANTS]

    # Sink: called by the client for each gateway event ---------------------------------

    @_guarded
    def on_message(self, message: discord.Message) -> None:
        if isinstance(message.channel, discord.Thread):
            self._remember_parent(message.channel.id, message.channel.parent_id)
        if is_automated(message):
            self._remember_bot(message.author.id)
            return  # never answer a bot, never hear ourselves: no loops
        event = message_event(message, self.bot_id)
        if event is not None:
            self._submit(event)

    @_guarded
    def on_edit(self, raw: discord.RawMessageUpdateEvent) -> None:
        event = edit_event(raw, self.bot_id)
        if event is not None:
            self._submit(event)

    @_guarded
    def on_delete(self, guild_id: int | None, channel_id: int, message_ids: list[int],
                  cached: list[discord.Message]) -> None:
        for event in delete_events(guild_id, channel_id, message_ids, cached, self.bot_id):
            self._submit(event)

    @_guarded
    def on_reaction(self, raw: discord.RawReactionActionEvent, *, removed: bool) -> None:
        member = None
        if raw.member is None and raw.guild_id is not None:
            guild = self.client.get_guild(raw.guild_id)
            member = guild.get_member(raw.user_id) if guild is not None else None
        elif raw.member is not None and raw.member.bot:
            self._remember_bot(raw.user_id)
        event = reaction_event(raw, self.bot_id, removed=removed, member=member,
                               known_bot=raw.user_id in self._bots)
        if event is not None:
            self._submit(event)

    @_guarded
    def on_member_join(self, member: discord.Member) -> None:
        if member.bot:
            self._remember_bot(member.id)
            return
        guild = member.guild
        if not self.options.guild_allowed(guild.id):
            return
        # A new member is present in the channels they can see (threads they join later).
        for channel_id in sorted(self.known_rooms(guild.id) | self.options.channels):
            channel = guild.get_channel(channel_id)
            if not isinstance(channel, CHAT_CHANNELS):
                continue
            if channel.permissions_for(member).view_channel:
                self._submit(join_event(member, room_for(guild.id, channel_id)))

    @_guarded
    def on_member_leave(self, guild_id: int, user: discord.abc.User) -> None:
        if user.bot:
            return
        now = time.time()
        for channel_id in sorted(self.known_rooms(guild_id)):
            self._submit(leave_event(user, room_for(guild_id, channel_id), now))

    def on_thread(self, thread: discord.Thread) -> None:
        self._remember_parent(thread.id, thread.parent_id)

    async def on_guild_remove(self, guild_id: int) -> None:
        """The bot left or was removed from a server: delete that server's rooms."""
        self._rooms.pop(guild_id, None)
        gone = await self.store.delete_workspace(PLATFORM, str(guild_id))
        log.warning("removed from Discord server %s; deleted its %d room(s)", guild_id, gone)
