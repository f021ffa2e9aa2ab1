"""The discord.py client: intents, the command tree, and gateway events handed to a sink.

The client holds no logic of its own: each gateway event goes straight to the sink (the
adapter), which translates it and queues it. discord.py already runs every event handler as
its own task, so nothing here can stall the gateway's read loop.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import discord
from discord import app_commands

from facilitator.adapters.discord.commands import (
    CommandAnswerer,
    FacilitatorAdminGroup,
    FacilitatorGroup,
)

log = logging.getLogger(__name__)

# A post that would have to wait longer than this for a rate limit is dropped (the library
# raises RateLimited) rather than delivered late: a facilitator's remark minutes after the
# moment is noise. 30 s is the smallest value discord.py accepts.
MAX_RATELIMIT_WAIT_S = 60.0
# Minimal permissions for the invite link: View Channels, Send Messages, Send Messages in
# Threads, Add Reactions (the lighter form of a move), Read Message History (a reaction goes on
# a message already posted). Answers to slash commands are interaction responses and need none.
BOT_PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True,
                                      send_messages_in_threads=True, add_reactions=True,
                                      read_message_history=True)


def facilitator_intents() -> discord.Intents:
    """Only what the facilitator reads; two of these are privileged (see deploy/discord)."""
    intents = discord.Intents.none()
    intents.guilds = True  # guilds, channels, threads, roles: the state everything else needs
    intents.guild_messages = True  # MESSAGE_CREATE / UPDATE / DELETE in server channels
    intents.message_content = True  # privileged: without it message text arrives empty
    intents.guild_reactions = True  # reactions count as agreement or objection
    intents.members = True  # privileged: member join and leave
    return intents


class Sink(Protocol):
    """What the client hands events to (the adapter)."""

    def on_message(self, message: discord.Message) -> None: ...
    def on_edit(self, raw: discord.RawMessageUpdateEvent) -> None: ...
    def on_delete(self, guild_id: int | None, channel_id: int, message_ids: list[int],
                  cached: list[discord.Message]) -> None: ...
    def on_reaction(self, raw: discord.RawReactionActionEvent, *, removed: bool) -> None: ...
    def on_member_join(self, member: discord.Member) -> None: ...
    def on_member_leave(self, guild_id: int, user: discord.abc.User) -> None: ...
    def on_thread(self, thread: discord.Thread) -> None: ...
    async def on_guild_remove(self, guild_id: int) -> None: ...


class FacilitatorClient(discord.Client):
    def __init__(self, sink: Sink, answerer: CommandAnswerer, *, dev_guild: int | None = None,
                 sync_commands: bool = True, **options: Any) -> None:
        options.setdefault("max_ratelimit_timeout", MAX_RATELIMIT_WAIT_S)
        super().__init__(
            intents=facilitator_intents(),
            # The member list is never needed up front: authors come with their messages.
            # Chunking would also hold back READY on large servers.
            chunk_guilds_at_startup=False,
            # The bot names people; it never pings them, nor @everyone through a quote.
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.sink = sink
        self.dev_guild = dev_guild
        self.sync_commands = sync_commands
        self.tree = app_commands.CommandTree(self)
        self.tree.add_command(FacilitatorGroup(answerer))
        self.tree.add_command(FacilitatorAdminGroup(answerer))
        self.synced: list[app_commands.AppCommand] = []

    async def setup_hook(self) -> None:
        # Runs once, after login and before the gateway connects.
        if not self.sync_commands:
            return
        try:
            if self.dev_guild is not None:
                # Guild commands update instantly: the way to iterate while developing.
                guild = discord.Object(id=self.dev_guild)
                self.tree.copy_global_to(guild=guild)
                self.synced = await self.tree.sync(guild=guild)
                where = f"guild {self.dev_guild}"
            else:
                self.synced = await self.tree.sync()
                where = "all servers (global commands may take a while to appear)"
            log.info("synced /facilitator to %s", where)
        except discord.HTTPException as exc:
            # Messages still work without the commands; say how to fix it and carry on.
            log.error("could not sync /facilitator commands: %s (was the bot invited with the "
                      "applications.commands scope?)", exc)

    # Gateway events -------------------------------------------------------------------

    async def on_ready(self) -> None:
        log.info("connected to Discord as %s in %d server(s)", self.user, len(self.guilds))

    async def on_message(self, message: discord.Message) -> None:
        self.sink.on_message(message)

    async def on_raw_message_edit(self, raw: discord.RawMessageUpdateEvent) -> None:
        self.sink.on_edit(raw)

    async def on_raw_message_delete(self, raw: discord.RawMessageDeleteEvent) -> None:
        cached = [raw.cached_message] if raw.cached_message is not None else []
        self.sink.on_delete(raw.guild_id, raw.channel_id, [raw.message_id], cached)

    async def on_raw_bulk_message_delete(self, raw: discord.RawBulkMessageDeleteEvent) -> None:
        self.sink.on_delete(raw.guild_id, raw.channel_id, sorted(raw.message_ids),
                            raw.cached_messages)

    async def on_raw_reaction_add(self, raw: discord.RawReactionActionEvent) -> None:
        self.sink.on_reaction(raw, removed=False)

    async def on_raw_reaction_remove(self, raw: discord.RawReactionActionEvent) -> None:
        self.sink.on_reaction(raw, removed=True)

    async def on_member_join(self, member: discord.Member) -> None:
        self.sink.on_member_join(member)

    async def on_raw_member_remove(self, raw: discord.RawMemberRemoveEvent) -> None:
        self.sink.on_member_leave(raw.guild_id, raw.user)

    async def on_thread_create(self, thread: discord.Thread) -> None:
        self.sink.on_thread(thread)

    async def on_thread_join(self, thread: discord.Thread) -> None:
        self.sink.on_thread(thread)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        # Removed from the server (kicked, banned, or the server deleted): forget it.
        await self.sink.on_guild_remove(guild.id)


class ShardedFacilitatorClient(FacilitatorClient, discord.AutoShardedClient):
    """The same client on several gateway shards in one process (`shard_ids`, `shard_count`)."""

    async def close(self) -> None:
        if not hasattr(self, "_AutoShardedClient__queue"):
            # Never logged in (a bad token, a stop before start): the library's close expects
            # the event queue that login creates; only the HTTP session is open.
            await self.http.close()
            return
        await super().close()
