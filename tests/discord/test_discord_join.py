"""Joining a Discord channel: one welcome, and the members who can read it learned silently."""

from __future__ import annotations

from typing import Any

from discord_harness import Bot, MakeBot
from discord_payloads import GENERAL, GUILD, MODS, THREAD, USERS, chat, load

from facilitator.events import EventKind

WELCOME = "Hello, I'm facilitator, this room's facilitator. What I keep: ..."


def member(who: str) -> dict[str, Any]:
    return {"user": USERS[who], "roles": [], "joined_at": "2024-01-01T00:00:00+00:00", "deaf": False,
            "mute": False, "flags": 0, "pending": False, "nick": None, "avatar": None}


def welcoming(bot: Bot) -> None:
    """Joining on, as the runner has it: the adapter lists the channel, the engine welcomes."""
    bot.adapter.onboard = True
    bot.engine.welcome = WELCOME


def script_members(bot: Bot) -> None:
    bot.api.script("GET", rf"/guilds/{GUILD}/members", 200,
                   [member(w) for w in ("alice", "bob", "cara", "dana", "otherbot")])


async def test_first_message_in_a_channel_brings_one_welcome_and_its_readers(bot: Bot) -> None:
    welcoming(bot)
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
    welcoming(bot)
    script_members(bot)
    owner = load("guild_create")["d"]["owner_id"]
    await bot.send(chat("dana", "Mods only: the spam wave is back.", 1, channel=MODS))
    state = await bot.store.get(f"discord:{GUILD}:{MODS}")
    assert state is not None
    # @everyone is denied View Channel there: only the server owner reads it.
    assert set(state.participants) == {owner}
    assert [p["content"] for p in bot.api.posts(MODS)][:1] == [WELCOME]


async def test_threads_get_no_welcome_of_their_own(bot: Bot) -> None:
    welcoming(bot)
    bot.feed("thread_create")
    await bot.send(chat("alice", "In the thread now.", 1, channel=THREAD))
    assert all(p["content"] != WELCOME for p in bot.api.posts(THREAD))
    assert not bot.api.find("GET", rf"/guilds/{GUILD}/members")


async def test_without_the_member_list_the_welcome_still_goes_out(bot: Bot) -> None:
    welcoming(bot)
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
    assert claims is not None and claims.room_key == f"discord:{GUILD}:{GENERAL}"


async def test_the_adapter_tells_the_engine_it_joined_and_writes_nothing_itself(
        make_bot: MakeBot) -> None:
    """Translate only: the channel's readers and name reach the engine as a JOIN event, ahead
    of the message that revealed the channel; the welcome is the engine's decision, posted by
    delivery. A restarted process finds the room welcomed and sends no second join."""
    bot = await make_bot()
    welcoming(bot)
    script_members(bot)
    await bot.send(chat("alice", "Morning! Shall we plan the stall rota?", 1))
    joined, message = bot.events
    assert joined.kind == EventKind.JOIN and joined.joined_room and not message.joined_room
    assert joined.author.id == str(bot.adapter.bot_id) and joined.author.is_bot
    assert joined.room == message.room and joined.title == "general"
    readers = {USERS[w]["id"] for w in ("alice", "bob", "cara", "dana")}
    assert {m.id for m in joined.roster or ()} == readers  # the other bot is not one
    welcome = bot.outcomes[0].decision
    assert welcome.speak and welcome.text == WELCOME and welcome.intervention is None
    assert bot.outcomes[0].posted_id is not None  # posted through delivery, once
    again = await make_bot()
    welcoming(again)
    await again.send(chat("bob", "Yes, let's.", 2))
    assert [e.joined_room for e in again.events] == [False]
    assert [p["content"] for p in bot.api.posts(GENERAL)].count(WELCOME) == 1
