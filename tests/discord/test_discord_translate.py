"""Captured gateway payloads through discord.py's parsers to ChatEvents (what the engine sees)."""

from __future__ import annotations

import datetime as dt

from discord_harness import Bot, MakeBot
from discord_payloads import BOT_ID, GENERAL, GUILD, MODS, THREAD, USERS, chat, load

from facilitator.adapters.discord.translate import parse_room, room_for
from facilitator.events import EventKind

ROOM = f"discord:{GUILD}:{GENERAL}"


async def test_message_create_becomes_a_message_event(bot: Bot) -> None:
    await bot.send("message_create")
    [event] = bot.events
    payload = load("message_create")["d"]
    assert event.kind == EventKind.MESSAGE
    assert event.id == payload["id"]
    assert event.room.key == ROOM
    assert (event.room.workspace, event.room.channel, event.room.thread) == (GUILD, GENERAL, None)
    assert event.author.id == USERS["alice"]["id"]
    assert event.author.name == "Alice"  # the display name, not the username
    assert not event.author.is_bot
    assert event.text == payload["content"]
    assert event.ts == dt.datetime.fromisoformat(payload["timestamp"]).timestamp()
    assert not event.addressed and event.reply_to is None and event.mentions == ()


async def test_mention_of_the_bot_addresses_it(bot: Bot) -> None:
    await bot.send("message_create_mention")
    [event] = bot.events
    assert event.addressed
    assert event.mentions == ()  # the bot itself is conveyed by `addressed`
    assert event.text.startswith("@facilitator ")  # shown as members read it, not <@id>


async def test_mention_of_the_bots_role_addresses_it(bot: Bot) -> None:
    await bot.send("message_create_role_mention")
    [event] = bot.events
    assert event.addressed


async def test_reply_to_the_bot_addresses_it(bot: Bot) -> None:
    await bot.send("message_create_reply_to_bot")
    [event] = bot.events
    assert event.addressed
    assert event.reply_to == load("message_create_own")["d"]["id"]


async def test_mentions_of_members_are_their_ids(bot: Bot) -> None:
    payload = load("message_create")
    bob, cara = USERS["bob"]["id"], USERS["cara"]["id"]
    payload["d"]["content"] = f"<@{bob}> and <@{cara}>, <@{BOT_ID}> is listening"
    await bot.send(payload)
    [event] = bot.events
    assert event.mentions == (bob, cara)
    assert event.addressed


async def test_everyone_is_defused_in_the_text(bot: Bot) -> None:
    payload = load("message_create")
    payload["d"]["content"] = "@everyone look at this"
    await bot.send(payload)
    assert "@everyone" not in bot.events[0].text  # a quote of it can never ping the server


async def test_system_messages_are_not_chat(bot: Bot) -> None:
    await bot.send("message_create_system_join")
    assert bot.events == []


async def test_edit_becomes_an_edit_event(bot: Bot) -> None:
    await bot.send("message_create")
    await bot.send("message_update")
    edit = bot.events[-1]
    payload = load("message_update")["d"]
    assert edit.kind == EventKind.EDIT
    assert edit.target == payload["id"]
    assert edit.text == payload["content"]
    assert edit.id != payload["id"]  # its own id, so a second edit is not a duplicate
    assert edit.ts == dt.datetime.fromisoformat(payload["edited_timestamp"]).timestamp()
    state = await bot.store.get(ROOM)
    assert state is not None and state.window[-1].text == payload["content"]


async def test_link_preview_update_is_not_an_edit(bot: Bot) -> None:
    await bot.send("message_create")
    await bot.send("message_update_embed")
    assert [e.kind for e in bot.events] == [EventKind.MESSAGE]


async def test_delete_and_bulk_delete(bot: Bot) -> None:
    await bot.send("message_create")
    await bot.send("message_delete")
    delete = bot.events[-1]
    assert delete.kind == EventKind.DELETE
    assert delete.target == load("message_delete")["d"]["id"]
    assert delete.author.id == USERS["alice"]["id"]  # known from the library's message cache
    state = await bot.store.get(ROOM)
    assert state is not None and state.window == []
    await bot.send("message_delete_bulk")
    assert [e.target for e in bot.events[-2:]] == load("message_delete_bulk")["d"]["ids"]


async def test_reactions_add_and_remove(bot: Bot) -> None:
    await bot.send("message_create")
    await bot.send("message_reaction_add")
    await bot.send("message_reaction_remove")
    add, remove = bot.events[-2:]
    target = load("message_create")["d"]["id"]
    assert (add.kind, add.emoji, add.target, add.removed) == (EventKind.REACTION, "👍", target, False)
    assert add.author.id == USERS["bob"]["id"] and add.author.name == "Bob"
    assert (remove.kind, remove.removed, remove.author.id) == (EventKind.REACTION, True,
                                                                USERS["bob"]["id"])
    assert add.id != remove.id


async def test_the_bots_own_reactions_are_ignored(bot: Bot) -> None:
    await bot.send("message_create")
    payload = load("message_reaction_add")
    payload["d"]["user_id"] = BOT_ID
    payload["d"]["member"]["user"] = load("ready")["d"]["user"]
    await bot.send(payload)
    assert [e.kind for e in bot.events] == [EventKind.MESSAGE]


async def test_a_thread_is_a_room_of_its_own(bot: Bot) -> None:
    await bot.send("thread_create")
    await bot.send("message_create_thread")
    [event] = bot.events
    assert event.room.key == f"discord:{GUILD}:{THREAD}"
    assert event.room.key != ROOM
    assert await bot.adapter.parent_of(int(GUILD), int(THREAD)) == int(GENERAL)
    assert await bot.store.get(ROOM) is None  # the parent channel's room is untouched


async def test_member_join_and_leave(make_bot: MakeBot) -> None:
    bot = await make_bot(channels=frozenset({int(GENERAL)}))
    await bot.send("guild_member_add")
    [join] = bot.events
    assert (join.kind, join.author.id, join.room.key) == (EventKind.JOIN, USERS["cara"]["id"], ROOM)
    await bot.send("guild_member_remove")
    [_, leave] = bot.events
    assert (leave.kind, leave.author.id, leave.room.key) == (EventKind.LEAVE, USERS["cara"]["id"],
                                                             ROOM)
    state = await bot.store.get(ROOM)
    assert state is not None and not state.participants[USERS["cara"]["id"]].present


async def test_join_reaches_only_rooms_the_member_can_see(make_bot: MakeBot) -> None:
    bot = await make_bot()
    await bot.send("message_create")  # #general now holds a room
    await bot.send(chat("dana", "Mods only: the rota for next week is pinned.", 50, channel=MODS))
    assert bot.adapter.known_rooms(int(GUILD)) == {int(GENERAL), int(MODS)}
    await bot.send("guild_member_add")
    joins = [e for e in bot.events if e.kind == EventKind.JOIN]
    assert [e.room.channel for e in joins] == [GENERAL]  # #mods hides from @everyone


def test_room_keys_round_trip() -> None:
    room = room_for(GUILD, THREAD)
    assert parse_room(room.key) == (int(GUILD), int(THREAD))
    assert parse_room("slack:T1:C9") is None
    assert parse_room("discord:1:2:3") is None
