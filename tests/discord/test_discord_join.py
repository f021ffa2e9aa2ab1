"""Joining a Discord channel: one welcome, and the members who can read it learned silently."""

from __future__ import annotations

from typing import Any

from discord_harness import Bot
from discord_payloads import GENERAL, GUILD, MODS, THREAD, USERS, chat, load

WELCOME = "Hello, I'm facilitator, this room's facilitator. What I keep: ..."


def member(who: str) -> dict[str, Any]:
    return {"user": USERS[who], "roles": [], "joined_at": "2024-01-01T00:00:00+00:00", "deaf": False,
            "mute": False, "flags": 0, "pending": False, "nick": None, "avatar": None}


def script_members(bot: Bot) -> None:
    bot.api.script("GET", rf"/guilds/{GUILD}/members", 200,
                   [member(w) for w in ("alice", "bob", "cara", "dana", "otherbot")])


async def test_first_message_in_a_channel_brings_one_welcome_and_its_readers(bot: Bot) -> None:
    bot.adapter.welcome = WELCOME
    script_members(bot)
    await bot.send(chat("alice", "Morning! Shall we plan the stall rota?", 1))
    await bot.send(chat("bob", "Yes, let's.", 2))
    posts = bot.api.posts(GENERAL)
    assert [p["content"] for p in posts].count(WELCOME) == 1 and posts[0]["content"] == WELCOME
    assert posts[0]["allowed_mentions"] == {"parse": []}  # it names nobody, pings nobody
    state = await bot.store.get(f"discord:{GUILD}:{GENERAL}")
    assert state is not None and state.welcomed and state.title == "general"
    ids = {USERS[w]["id"] for w in ("alice", "bob", "cara", "dana")}
    assert set(state.participants) == ids  # the other bot is not a member of the talk
    assert state.participants[USERS["cara"]["id"]].messages == 0  # known, silent, unnamed in posts
    assert state.participants[USERS["cara"]["id"]].present


async def test_a_private_channel_learns_only_who_can_read_it(bot: Bot) -> None:
    bot.adapter.welcome = WELCOME
    script_members(bot)
    owner = load("guild_create")["d"]["owner_id"]
    await bot.send(chat("dana", "Mods only: the spam wave is back.", 1, channel=MODS))
    state = await bot.store.get(f"discord:{GUILD}:{MODS}")
    assert state is not None
    # @everyone is denied View Channel there: only the server owner reads it.
    assert set(state.participants) == {owner}
    assert [p["content"] for p in bot.api.posts(MODS)][:1] == [WELCOME]


async def test_threads_get_no_welcome_of_their_own(bot: Bot) -> None:
    bot.adapter.welcome = WELCOME
    bot.feed("thread_create")
    await bot.send(chat("alice", "In the thread now.", 1, channel=THREAD))
    assert all(p["content"] != WELCOME for p in bot.api.posts(THREAD))
    assert not bot.api.find("GET", rf"/guilds/{GUILD}/members")


async def test_without_the_member_list_the_welcome_still_goes_out(bot: Bot) -> None:
    bot.adapter.welcome = WELCOME
    bot.api.script("GET", rf"/guilds/{GUILD}/members", 403,
                   {"message": "Missing Access", "code": 50001})
    await bot.send(chat("alice", "Hello?", 1))
    assert bot.api.posts(GENERAL)[0]["content"] == WELCOME
    state = await bot.store.get(f"discord:{GUILD}:{GENERAL}")
    assert state is not None and USERS["alice"]["id"] in state.participants


async def test_page_link_is_handed_privately(bot: Bot) -> None:
    from facilitator.policies.commands import CommandServices
    from facilitator.web.links import LinkSigner

    signer = LinkSigner(b"discord-page-secret-0123456789", "https://bot.example.org")
    bot.adapter.commands.services = CommandServices(links=signer)
    payload = load("interaction_create_status")
    payload["d"]["data"]["options"] = [{"type": 1, "name": "page", "options": []}]
    bot.feed(payload)
    await bot.api.wait_for(lambda: bot.api.callbacks())
    [callback] = bot.api.callbacks()
    data = callback.body["data"]
    assert data["flags"] & 64  # ephemeral: only the member who asked sees it
    token = data["content"].split("https://bot.example.org/room/")[1].split()[0]
    claims = signer.verify(token, "page")
    assert claims is not None and claims.room == f"discord:{GUILD}:{GENERAL}"
