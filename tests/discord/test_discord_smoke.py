from __future__ import annotations

from conftest import Bot
from discord_payloads import GENERAL


async def test_smoke(bot: Bot) -> None:
    await bot.send("message_create")
    state = await bot.store.get(f"discord:{bot.client.guilds[0].id}:{GENERAL}")
    assert state is not None and state.turn == 1
    print([ (r.method, r.path) for r in bot.api.requests])
