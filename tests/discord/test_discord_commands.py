"""`/facilitator` as app commands: sync, INTERACTION_CREATE -> the library's callback request."""

from __future__ import annotations

import asyncio
from typing import Any

from discord_harness import Bot, MakeBot
from discord_payloads import APP_ID, GENERAL, GUILD, USERS, load

from facilitator.adapters.discord.commands import expected_private
from facilitator.memory.store import RoomStore
from facilitator.policies.commands import (
    ADMIN_COMMANDS,
    MEMBER_COMMANDS,
    CommandReply,
    CommandRequest,
    CommandServices,
    run_command,
)

ROOM = f"discord:{GUILD}:{GENERAL}"
EPHEMERAL = 64


def command(name: str, *, who: str = "alice", text: str | None = None,
            admin: bool = False) -> dict[str, Any]:
    """INTERACTION_CREATE for `/facilitator <name> [text]`, from the captured shape."""
    payload = load("interaction_create_goal" if admin else "interaction_create_status")
    d = payload["d"]
    d["member"]["user"] = USERS[who]
    options: list[dict[str, Any]] = []
    if text is not None:
        options.append({"type": 3, "name": "text", "value": text})
    d["data"]["options"] = [{"type": 1, "name": name, "options": options}]
    return payload


async def answered(bot: Bot, n: int = 1) -> list[dict[str, Any]]:
    await bot.api.wait_for(lambda: len(bot.api.callbacks()) >= n)
    return [r.body for r in bot.api.callbacks()]


async def test_commands_are_synced_globally_as_guild_only_groups(bot: Bot) -> None:
    [sync] = bot.api.find("PUT", rf"/applications/{APP_ID}/commands")
    group, admin = sync.body
    assert group["name"] == "facilitator"
    assert [o["name"] for o in group["options"]] == list(MEMBER_COMMANDS)
    assert group["default_member_permissions"] is None  # every member: settings take a second
    # Admin-only commands carry default member permissions: Manage Server (bit 5).
    assert admin["name"] == "facilitator-admin"
    assert [o["name"] for o in admin["options"]] == list(ADMIN_COMMANDS)
    assert int(admin["default_member_permissions"]) == 1 << 5
    assert admin["contexts"] == [0] and admin["integration_types"] == [0]
    assert all(o["type"] == 1 for o in group["options"])  # subcommands
    assert group["contexts"] == [0]  # guilds only: the bot facilitates server channels
    assert group["integration_types"] == [0]  # installed in a server, not by one user
    goal = next(o for o in group["options"] if o["name"] == "goal")
    [text] = goal["options"]
    assert (text["name"], text["type"], text["required"]) == ("text", 3, False)  # optional string


async def test_dev_guild_sync_is_per_guild(make_bot: MakeBot, bot: Bot) -> None:
    dev = await make_bot(dev_guild=int(GUILD))
    assert dev.api.find("PUT", rf"/applications/{APP_ID}/guilds/{GUILD}/commands")


async def test_no_sync_when_disabled(make_bot: MakeBot, api: Any) -> None:
    await make_bot(sync_commands=False)
    assert api.find("PUT", r"/applications/.*") == []


async def test_status_is_answered_for_the_whole_room(bot: Bot) -> None:
    await bot.send("message_create")
    bot.feed("interaction_create_status")
    [callback] = await answered(bot)
    interaction = load("interaction_create_status")["d"]
    [request] = bot.api.callbacks()
    assert request.path == f"/interactions/{interaction['id']}/{interaction['token']}/callback"
    assert callback["type"] == 4  # CHANNEL_MESSAGE_WITH_SOURCE
    data = callback["data"]
    assert not data.get("flags", 0) & EPHEMERAL  # every member sees the same read
    state = await bot.store.get(ROOM)
    assert state is not None
    expected = await run_command(bot.store, CommandRequest(room=bot.events[0].room,
                                                           user=bot.events[0].author,
                                                           text="status"))
    assert data["content"] == expected.text
    assert data["allowed_mentions"] == {"parse": []}


async def test_help_is_private(bot: Bot) -> None:
    bot.feed(command("help"))
    [callback] = await answered(bot)
    assert callback["data"]["flags"] & EPHEMERAL
    assert "/facilitator status" in callback["data"]["content"]


async def test_admin_sets_the_goal_members_propose_it(bot: Bot) -> None:
    await bot.send("message_create")  # Alice has spoken: the room knows her name
    bot.feed("interaction_create_goal")  # Dana has Manage Server
    [callback] = await answered(bot)
    assert "as an admin" in callback["data"]["content"]
    state = await bot.store.get(ROOM)
    assert state is not None and state.charter.goal == "Agree the spring planting plan"

    bot.feed(command("quiet", who="alice"))  # no Manage Server: a proposal, in the open
    callbacks = await answered(bot, 2)
    assert "proposes" in callbacks[1]["data"]["content"]
    assert not callbacks[1]["data"].get("flags", 0) & EPHEMERAL
    bot.feed(command("quiet", who="bob"))  # a second member seconds it
    callbacks = await answered(bot, 3)
    assert "seconding Alice" in callbacks[2]["data"]["content"]
    state = await bot.store.get(ROOM)
    assert state is not None and state.charter.activity.value == "quiet"


async def test_forget_me_answers_privately(bot: Bot) -> None:
    await bot.send("message_create")
    bot.feed(command("forget-me", who="alice"))
    [callback] = await answered(bot)
    assert callback["data"]["flags"] & EPHEMERAL
    state = await bot.store.get(ROOM)
    assert state is not None and USERS["alice"]["id"] not in state.participants


async def test_a_slow_answer_is_deferred_then_followed_up(bot: Bot) -> None:
    async def slow(store: RoomStore, request: CommandRequest,
                   services: CommandServices | None) -> CommandReply:
        await asyncio.sleep(0.3)
        return await run_command(store, request, services)

    bot.adapter.commands.run = slow
    bot.adapter.commands.defer_after = 0.05
    bot.feed("interaction_create_status")
    [callback] = await answered(bot)
    assert callback == {"type": 5}  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, public like status
    await bot.api.wait_for(lambda: bot.api.followups())
    [followup] = bot.api.followups()
    assert followup.query.get("wait") in ("1", "true")  # the library waits for the message
    assert not followup.body.get("flags", 0) & EPHEMERAL
    assert followup.body["content"].strip()


async def test_a_private_answer_never_lands_in_a_public_deferral(bot: Bot) -> None:
    async def slow_private(store: RoomStore, request: CommandRequest,
                           services: CommandServices | None) -> CommandReply:
        await asyncio.sleep(0.2)
        return CommandReply(text="only for you", visibility="private")

    bot.adapter.commands.run = slow_private
    bot.adapter.commands.defer_after = 0.05
    bot.feed("interaction_create_status")
    await bot.api.wait_for(lambda: bot.api.followups())
    assert bot.api.find("DELETE", rf"/webhooks/{APP_ID}/[^/]+/messages/@original")
    [followup] = bot.api.followups()
    assert followup.body["flags"] & EPHEMERAL


async def test_channels_outside_the_allowlist_get_a_private_no(make_bot: MakeBot) -> None:
    bot = await make_bot(channels=frozenset({12345}))
    bot.feed("interaction_create_status")
    [callback] = await answered(bot)
    assert callback["data"]["flags"] & EPHEMERAL
    assert "not facilitating" in callback["data"]["content"]
    assert await bot.store.get(ROOM) is None


async def test_a_failing_store_gets_a_private_apology(bot: Bot) -> None:
    async def broken(store: RoomStore, request: CommandRequest,
                     services: CommandServices | None) -> CommandReply:
        raise ConnectionError("redis went away")

    bot.adapter.commands.run = broken
    bot.feed("interaction_create_status")
    [callback] = await answered(bot)
    assert callback["data"]["flags"] & EPHEMERAL
    assert "try again" in callback["data"]["content"]


async def test_expected_visibility_mirrors_the_core(store: RoomStore) -> None:
    """How a slow command is deferred must match how the core will answer it."""
    from facilitator.events import Author, RoomRef

    room = RoomRef(platform="discord", workspace=GUILD, channel=GENERAL)
    for text in ("help", "status", "summary", "quiet", "normal", "active", "goal",
                 "goal Plant beans", "forget-me", "nonsense", "", "page", "pause", "resume",
                 "digest daily", "export", "delete-room"):
        reply = await run_command(store, CommandRequest(room=room, user=Author(id="1"), text=text))
        assert expected_private(text) == (reply.visibility == "private"), text
