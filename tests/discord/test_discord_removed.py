"""Removed from a Discord server: that server's rooms are deleted (issue 11, item 4)."""

from __future__ import annotations

from discord_harness import Bot
from discord_payloads import GENERAL, GUILD

from facilitator.adapters.discord.translate import room_for
from facilitator.events import Author, ChatEvent
from facilitator.memory.keys import state_key


async def test_guild_remove_deletes_that_servers_rooms(bot: Bot) -> None:
    await bot.send("message_create_mention")
    here = room_for(int(GUILD), int(GENERAL)).key
    assert here in await bot.store.rooms()
    other = ChatEvent(id="o1", room=room_for(int(GUILD) + 1, int(GENERAL)), author=Author(id="7"),
                      text="another server", ts=1_700_000_000.0)
    await bot.engine.handle(other)
    bot.feed({"t": "GUILD_DELETE", "d": {"id": str(GUILD), "unavailable": False}})
    for _ in range(100):
        await bot.settle()
        if here not in await bot.store.rooms():
            break
    assert await bot.store.rooms() == [other.room.key]
    assert not await bot.store.client.exists(state_key(here))
