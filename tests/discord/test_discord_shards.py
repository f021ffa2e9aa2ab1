"""Many Discord workers: shards from configuration, event ids the same in every process."""

from __future__ import annotations

import asyncio

import discord
import pytest
from discord_harness import MakeBot
from discord_payloads import GENERAL

from facilitator.adapters.discord.adapter import DiscordAdapter
from facilitator.adapters.discord.options import DiscordOptions, OptionsError
from facilitator.memory.store import RoomStore

TOKEN = {"DISCORD_TOKEN": "a.b.c"}


def test_shards_from_configuration() -> None:
    options = DiscordOptions.from_env({**TOKEN, "DISCORD_SHARD_COUNT": "4",
                                       "DISCORD_SHARD_IDS": "3,1"})
    assert (options.shard_count, options.shard_ids) == (4, (1, 3))
    assert not DiscordOptions.from_env(TOKEN).sharded
    for bad in ({"DISCORD_SHARD_IDS": "1"}, {"DISCORD_SHARD_COUNT": "0"},
                {"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "2"}):
        with pytest.raises(OptionsError, match="DISCORD_SHARD"):
            DiscordOptions.from_env({**TOKEN, **bad})


async def test_a_sharded_worker_runs_the_auto_sharded_client(store: RoomStore) -> None:
    options = DiscordOptions.from_env({**TOKEN, "DISCORD_SHARD_COUNT": "4",
                                       "DISCORD_SHARD_IDS": "2,3"})

    async def ignore(event: object) -> None:
        return None

    sharded = DiscordAdapter(ignore, options=options, store=store)
    plain = DiscordAdapter(ignore, options=DiscordOptions.from_env(TOKEN), store=store)
    try:
        assert isinstance(sharded.client, discord.AutoShardedClient)
        assert (sharded.client.shard_count, sharded.client.shard_ids) == (4, [2, 3])
        assert not isinstance(plain.client, discord.AutoShardedClient)
    finally:
        await sharded.stop()
        await plain.stop()


async def test_reaction_and_leave_ids_are_the_same_in_every_process(make_bot: MakeBot) -> None:
    """Two processes hearing the same payloads (a gateway replay, a second worker) make the
    same ids, whatever their clocks say, so the room's duplicate check drops the repeat."""
    ids = []
    for _ in range(2):
        bot = await make_bot(channels=frozenset({int(GENERAL)}))
        for name in ("message_reaction_add", "message_reaction_remove", "guild_member_add",
                     "guild_member_remove"):
            await bot.send(name)
        ids.append([e.id for e in bot.events])
        await asyncio.sleep(0.002)  # a different clock for the second process
    assert len(ids[0]) == 4 and ids[0] == ids[1]
    assert len(set(ids[0])) == 4
