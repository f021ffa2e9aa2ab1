"""`/facilitator ...` as Discord application commands, answered by the platform-neutral core.

Discord drops an interaction that gets no response within 3 seconds of being sent, and part of
that budget is already spent on the gateway. So the answer races a deadline: when the core is
quick (the usual case) the answer itself is the response; otherwise the interaction is deferred
("facilitator is thinking…") and the answer follows as a follow-up message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import discord
from discord import app_commands
from redis.exceptions import RedisError

from facilitator.adapters.discord.limits import MAX_MESSAGE_CHARS, fit_message
from facilitator.adapters.discord.translate import author_of, room_for
from facilitator.memory.store import RoomStore
from facilitator.policies.commands import CommandReply, CommandRequest, CommandServices, run_command
from facilitator.policies.defaults import MOVES

log = logging.getLogger(__name__)

# Respond or defer by then; Discord's hard limit is 3 s from its side.
DEFER_AFTER_S = 1.5
# Status and summary replies may run long; a few follow-ups, then shortened.
MAX_REPLY_PARTS = 3
NO_PINGS = discord.AllowedMentions.none()

RoomCheck = Callable[[int, int], Awaitable[bool]]
Runner = Callable[[RoomStore, CommandRequest, CommandServices | None], Awaitable[CommandReply]]


def expected_private(text: str) -> bool:
    """Whether the core will answer privately; decides how to defer before the answer exists."""
    word, _, rest = text.strip().partition(" ")
    word = word.lower() or "help"
    if word in ("status", "summary", "quiet", "normal", "active", "pause", "resume", "lock",
                "unlock"):
        return False
    if word in ("goal", "digest", "more", "less"):
        # Asking for the goal or the moves is private, changing them is not; a digest now is
        # for the room.
        return word in ("goal", "more") and not rest.strip()
    if word == "delete-room":
        return rest.strip().lower() != "confirm"
    return True  # help, page, export, forget-me and anything unknown


def is_admin(interaction: discord.Interaction) -> bool:
    # `permissions` is what Discord computed for this member in this channel; for an
    # administrator it already has every bit set.
    perms = interaction.permissions
    return perms.manage_guild or perms.administrator


class CommandAnswerer:
    """Runs one `/facilitator` command for an interaction and delivers the reply in time."""

    def __init__(self, store: RoomStore, room_allowed: RoomCheck, *,
                 defer_after: float = DEFER_AFTER_S, run: Runner = run_command,
                 services: CommandServices | None = None) -> None:
        self.store = store
        self.services = services
        self.room_allowed = room_allowed
        self.defer_after = defer_after
        self.run = run
        self._tasks: set[asyncio.Task[CommandReply]] = set()

    async def answer(self, interaction: discord.Interaction, text: str) -> None:
        work = asyncio.create_task(self._reply(interaction, text))
        self._tasks.add(work)
        work.add_done_callback(self._tasks.discard)
        done, _ = await asyncio.wait({work}, timeout=self.defer_after)
        if done:
            await self._respond(interaction, work.result())
            return
        deferred_private = expected_private(text)
        try:
            await interaction.response.defer(ephemeral=deferred_private, thinking=True)
        except discord.HTTPException as exc:
            log.error("could not defer /facilitator %s: %s", text, exc)
        reply = await work
        await self._follow_up(interaction, reply, deferred_private)

    async def _reply(self, interaction: discord.Interaction, text: str) -> CommandReply:
        guild_id, channel_id = interaction.guild_id, interaction.channel_id
        if guild_id is None or channel_id is None:
            return CommandReply(text="I facilitate server channels, not direct messages.",
                                visibility="private")
        if not await self.room_allowed(guild_id, channel_id):
            return CommandReply(text="I'm not facilitating this channel.", visibility="private")
        request = CommandRequest(
            room=room_for(guild_id, channel_id), user=author_of(interaction.user), text=text,
            is_admin=is_admin(interaction), ts=interaction.created_at.timestamp())
        try:
            return await self.run(self.store, request, self.services)
        except (RedisError, OSError, RuntimeError) as exc:
            log.error("/facilitator %s in %s failed: %s", text, request.room.key, exc)
            return CommandReply(text="I couldn't reach my memory just now; please try again.",
                                visibility="private")

    async def _respond(self, interaction: discord.Interaction, reply: CommandReply) -> None:
        private = reply.visibility == "private"
        parts = fit_message(reply.text, limit=MAX_MESSAGE_CHARS, max_parts=MAX_REPLY_PARTS) or ["…"]
        try:
            await interaction.response.send_message(parts[0], ephemeral=private,
                                                    allowed_mentions=NO_PINGS)
            for part in parts[1:]:
                await interaction.followup.send(part, ephemeral=private, allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.error("could not answer /facilitator in channel %s: %s",
                      interaction.channel_id, exc)

    async def _follow_up(self, interaction: discord.Interaction, reply: CommandReply,
                         deferred_private: bool) -> None:
        private = reply.visibility == "private"
        parts = fit_message(reply.text, limit=MAX_MESSAGE_CHARS, max_parts=MAX_REPLY_PARTS) or ["…"]
        try:
            if private and not deferred_private:
                # The first follow-up would replace the public "thinking…" message; a private
                # answer must never land there, so remove it and answer privately instead.
                await interaction.delete_original_response()
            # A room answer after a private deferral stays private: it reaches the member
            # who asked, and nothing meant for one member is ever shown to the room.
            for part in parts:
                await interaction.followup.send(part, ephemeral=private or deferred_private,
                                                allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.error("could not follow up /facilitator in channel %s: %s",
                      interaction.channel_id, exc)


# Server channels only, and only where the bot is installed in the server: it has no
# business in DMs or as a user-installed app following one member around.
@app_commands.guild_only()
@app_commands.allowed_installs(guilds=True, users=False)
class FacilitatorGroup(app_commands.Group, name="facilitator",
                       description="The room's facilitator: status, summary, settings"):
    """`/facilitator <subcommand>`; each subcommand is the same text the core understands."""

    def __init__(self, answerer: CommandAnswerer) -> None:
        super().__init__()
        self.answerer = answerer

    @app_commands.command(name="help", description="What I do and the commands I understand")
    async def help_(self, interaction: discord.Interaction) -> None:
        await self.answerer.answer(interaction, "help")

    @app_commands.command(name="status", description="My read of the room, shown to everyone")
    async def status(self, interaction: discord.Interaction) -> None:
        await self.answerer.answer(interaction, "status")

    @app_commands.command(name="summary", description="Where the conversation stands")
    async def summary(self, interaction: discord.Interaction) -> None:
        await self.answerer.answer(interaction, "summary")

    @app_commands.command(name="quiet", description="Step in rarely (admin, or asked and seconded)")
    async def quiet(self, interaction: discord.Interaction) -> None:
        await self.answerer.answer(interaction, "quiet")

    @app_commands.command(name="normal", description="Step in now and then (admin, or seconded)")
    async def normal(self, interaction: discord.Interaction) -> None:
        await self.answerer.answer(interaction, "normal")

    @app_commands.command(name="active", description="Step in more often (admin, or seconded)")
    async def active(self, interaction: discord.Interaction) -> None:
        await self.answerer.answer(interaction, "active")

    @app_commands.command(name="goal", description="Show the room's goal, or propose a new one")
    @app_commands.describe(text="The new goal; leave empty to see the current one")
    async def goal(self, interaction: discord.Interaction, text: str | None = None) -> None:
        await self.answerer.answer(interaction, f"goal {text}" if text else "goal")

    @app_commands.command(name="page", description="A private link to the room's page")
    async def page(self, interaction: discord.Interaction) -> None:
        await self.answerer.answer(interaction, "page")

    @app_commands.command(name="digest",
                          description="A digest now, or set the schedule (admin, or seconded)")
    @app_commands.describe(schedule="Leave empty for a digest now")
    @app_commands.choices(schedule=[app_commands.Choice(name=c, value=c)
                                    for c in ("off", "daily", "weekly")])
    async def digest(self, interaction: discord.Interaction,
                     schedule: app_commands.Choice[str] | None = None) -> None:
        await self.answerer.answer(interaction, f"digest {schedule.value}" if schedule else "digest")

    @app_commands.command(name="shape",
                          description="A meeting or a busy channel (admin, or seconded)")
    @app_commands.choices(shape=[app_commands.Choice(name=c, value=c)
                                 for c in ("meeting", "channel", "auto")])
    async def shape(self, interaction: discord.Interaction,
                    shape: app_commands.Choice[str]) -> None:
        await self.answerer.answer(interaction, f"shape {shape.value}")

    @app_commands.command(name="more",
                          description="Turn one of my moves on here (admin, or seconded)")
    @app_commands.describe(move="Leave empty to see which moves are on")
    @app_commands.choices(move=[app_commands.Choice(name=m, value=m) for m in MOVES])
    async def more(self, interaction: discord.Interaction,
                   move: app_commands.Choice[str] | None = None) -> None:
        await self.answerer.answer(interaction, f"more {move.value}" if move else "more")

    @app_commands.command(name="less", description="Turn one of my moves off here (admin, or seconded)")
    @app_commands.choices(move=[app_commands.Choice(name=m, value=m) for m in MOVES])
    async def less(self, interaction: discord.Interaction,
                   move: app_commands.Choice[str]) -> None:
        await self.answerer.answer(interaction, f"less {move.value}")

    @app_commands.command(name="pause", description="Silence me here (admin, or asked and seconded)")
    async def pause(self, interaction: discord.Interaction) -> None:
        await self.answerer.answer(interaction, "pause")

    @app_commands.command(name="resume", description="Let me speak again (admin, or seconded)")
    async def resume(self, interaction: discord.Interaction) -> None:
        await self.answerer.answer(interaction, "resume")

    @app_commands.command(name="forget-me",
                          description="Remove your messages and entries from my memory")
    async def forget_me(self, interaction: discord.Interaction) -> None:
        await self.answerer.answer(interaction, "forget-me")


# Admin-only commands live in their own group because Discord sets default member
# permissions per top-level command: members without Manage Server do not even see these
# (a server admin can widen or narrow that under Server Settings > Integrations). The core
# checks admin rights again, so a changed override never lets a member lock or erase a room.
@app_commands.guild_only()
@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.default_permissions(manage_guild=True)
class FacilitatorAdminGroup(app_commands.Group, name="facilitator-admin",
                            description="Admins: lock settings, export or erase a room's memory"):
    def __init__(self, answerer: CommandAnswerer) -> None:
        super().__init__()
        self.answerer = answerer

    @app_commands.command(name="lock", description="Settings become admin-only in this channel")
    async def lock(self, interaction: discord.Interaction) -> None:
        await self.answerer.answer(interaction, "lock")

    @app_commands.command(name="unlock", description="Members may propose and second settings again")
    async def unlock(self, interaction: discord.Interaction) -> None:
        await self.answerer.answer(interaction, "unlock")

    @app_commands.command(name="export", description="A private link to this room's memory as JSON")
    async def export(self, interaction: discord.Interaction) -> None:
        await self.answerer.answer(interaction, "export")

    @app_commands.command(name="delete-room", description="Erase my memory of this channel")
    @app_commands.describe(confirm="Type confirm to erase")
    async def delete_room(self, interaction: discord.Interaction, confirm: str | None = None) -> None:
        await self.answerer.answer(interaction, f"delete-room {confirm}" if confirm else "delete-room")
