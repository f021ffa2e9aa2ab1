"""The adapter with discord.py's real client: loops, limits, rate limits, threads, allowlists."""

from __future__ import annotations

import asyncio

import discord
import pytest
from discord_harness import Bot, MakeBot
from discord_payloads import BOT_ID, GENERAL, GUILD, MODS, THREAD, chat, load

from facilitator.adapters.discord.limits import ELLIPSIS, MAX_MESSAGE_CHARS
from facilitator.adapters.discord.translate import room_for
from facilitator.events import ChatEvent, EventKind
from facilitator.memory.state import RoomState
from facilitator.policies.decision import BotDecision, Intervention
from facilitator.policies.signals import Signals

ROOM = room_for(GUILD, GENERAL)
LONG = " ".join(f"Point {i}: the beds need compost before we plant anything at all." for i in range(80))


class Talkative:
    """A policy that answers every addressed message with `text` (to test what the adapter posts)."""

    name = "talkative"

    def __init__(self, text: str) -> None:
        self.text = text

    async def decide(self, event: ChatEvent, state: RoomState, signals: Signals) -> BotDecision:
        if event.kind == EventKind.MESSAGE and event.addressed:
            return BotDecision(speak=True, intervention=Intervention.ANSWER, text=self.text,
                            reason="addressed")
        return BotDecision.silence("not addressed")


# Loop protection ---------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["message_create_own", "message_create_other_bot",
                                     "message_create_webhook"])
async def test_bots_and_webhooks_never_reach_the_engine(bot: Bot, fixture: str) -> None:
    bot.engine.policy = Talkative("I always answer.")
    await bot.send(fixture)
    assert bot.events == []
    assert await bot.store.rooms() == []
    assert bot.api.posts(GENERAL) == []


async def test_the_bot_never_answers_its_own_post(bot: Bot) -> None:
    """Addressed -> post -> the post echoes back over the gateway -> nothing more."""
    bot.engine.policy = Talkative("Happy to help keep track.")
    await bot.send("message_create_mention")
    [body] = bot.api.posts(GENERAL)
    # The echo as Discord would deliver it: the posted message, authored by the bot, which
    # (like any reply) mentions whoever it answers; here even the bot itself, worst case.
    echo = load("message_create_own")
    echo["d"]["id"] = bot.outcomes[-1].posted_id
    echo["d"]["content"] = f"<@{BOT_ID}> {body['content']}"
    await bot.send(echo)
    await asyncio.sleep(0.05)
    await bot.settle()
    assert len(bot.api.posts(GENERAL)) == 1
    assert [e.id for e in bot.events] == [load("message_create_mention")["d"]["id"]]


async def test_other_bots_reactions_are_ignored(bot: Bot) -> None:
    await bot.send("message_create")
    reaction = load("message_reaction_add")
    other = load("message_create_other_bot")["d"]["author"]
    reaction["d"]["user_id"] = other["id"]
    reaction["d"]["member"]["user"] = other
    await bot.send(reaction)
    removal = load("message_reaction_remove")
    removal["d"]["user_id"] = other["id"]  # a removal carries no member: remembered as a bot
    await bot.send(removal)
    assert [e.kind for e in bot.events] == [EventKind.MESSAGE]


# Posting: the 2,000-character limit and the request the library sends ----------------------


async def test_a_long_intervention_is_shortened_to_one_message(bot: Bot) -> None:
    bot.engine.policy = Talkative(LONG)
    await bot.send("message_create_mention")
    [body] = bot.api.posts(GENERAL)
    content = body["content"]
    assert len(LONG) > 2 * MAX_MESSAGE_CHARS
    assert len(content) <= MAX_MESSAGE_CHARS
    assert content.endswith("at all. " + ELLIPSIS)  # whole sentences, then an ellipsis
    assert LONG.startswith(content.removesuffix(" " + ELLIPSIS))
    # No pings from the bot's words, and no link previews under its notes.
    assert body["allowed_mentions"] == {"parse": []}
    assert body["flags"] & discord.MessageFlags.suppress_embeds.flag
    # The engine learned the platform id, so replies to the post count as addressing the bot.
    state = await bot.store.get(ROOM.key)
    assert state is not None and state.is_bot_message(bot.outcomes[-1].posted_id)


async def test_splitting_when_more_parts_are_allowed(make_bot: MakeBot) -> None:
    bot = await make_bot(max_post_parts=3)
    message_id = await bot.adapter.post(ROOM, LONG)
    bodies = bot.api.posts(GENERAL)
    assert 2 <= len(bodies) <= 3
    assert all(len(b["content"]) <= MAX_MESSAGE_CHARS for b in bodies)
    assert " ".join(b["content"] for b in bodies).startswith(bodies[0]["content"])
    assert LONG.startswith(bodies[0]["content"])
    assert message_id is not None


async def test_posts_into_a_thread_go_to_the_thread(bot: Bot) -> None:
    bot.engine.policy = Talkative("Noted in the thread.")
    await bot.send("thread_create")
    await bot.send(chat("bob", f"<@{BOT_ID}> keep this thread on track please", 2000,
                        channel=THREAD))
    assert [b["content"] for b in bot.api.posts(THREAD)] == ["Noted in the thread."]
    assert bot.api.posts(GENERAL) == []


async def test_post_rejects_other_platforms(bot: Bot) -> None:
    from facilitator.events import RoomRef

    with pytest.raises(ValueError):
        await bot.adapter.post(RoomRef.local("lobby"), "hi")
    assert await bot.adapter.post(ROOM, "   ") is None
    assert bot.api.posts(GENERAL) == []


# Rate limits: the library's buckets do the waiting; nothing here spins -------------------


async def test_a_429_is_waited_out_by_the_library_and_retried_once(bot: Bot) -> None:
    bot.api.script("POST", rf"/channels/{GENERAL}/messages", 429,
                   {"message": "You are being rate limited.", "retry_after": 0.2, "global": False},
                   Via="1.1 google", X_RateLimit_Limit="5", X_RateLimit_Remaining="0",
                   X_RateLimit_Reset_After="0.2", X_RateLimit_Bucket="msg", X_RateLimit_Scope="user")
    assert await bot.adapter.post(ROOM, "One thing at a time.")
    first, second = bot.api.find("POST", rf"/channels/{GENERAL}/messages")
    assert second.at - first.at >= 0.18  # slept the time Discord asked for, then one retry


async def test_a_long_rate_limit_drops_the_post_instead_of_waiting_or_spinning(bot: Bot) -> None:
    bot.api.script("POST", rf"/channels/{GENERAL}/messages", 429,
                   {"message": "You are being rate limited.", "retry_after": 600.0, "global": False},
                   Via="1.1 google", X_RateLimit_Scope="user")
    bot.engine.policy = Talkative("Too late to matter.")
    await bot.send("message_create_mention")
    assert len(bot.api.find("POST", rf"/channels/{GENERAL}/messages")) == 1
    outcome = bot.outcomes[-1]
    assert outcome.decision.speak and outcome.posted_id is None
    assert outcome.error is not None and "post failed" in outcome.error


async def test_an_exhausted_bucket_delays_the_next_post(bot: Bot) -> None:
    bot.api.post_bucket = {"X-RateLimit-Limit": "1", "X-RateLimit-Remaining": "0",
                           "X-RateLimit-Reset-After": "0.3"}
    await asyncio.gather(bot.adapter.post(ROOM, "First."), bot.adapter.post(ROOM, "Second."))
    first, second = bot.api.find("POST", rf"/channels/{GENERAL}/messages")
    assert second.at - first.at >= 0.25


# Allowlists ---------------------------------------------------------------------------------


async def test_channel_allowlist_admits_threads_under_listed_channels(make_bot: MakeBot) -> None:
    bot = await make_bot(channels=frozenset({int(GENERAL)}))
    await bot.send("thread_create")
    await bot.send("message_create_thread")
    await bot.send(chat("alice", "This belongs in #mods, not here.", 100, channel=MODS))
    await bot.send("message_create")
    assert [e.room.channel for e in bot.events] == [THREAD, GENERAL]


async def test_uncached_thread_parent_is_looked_up_once(make_bot: MakeBot) -> None:
    bot = await make_bot(channels=frozenset({int(GENERAL)}))
    thread = load("thread_create")["d"]
    thread.pop("newly_created")
    bot.api.channels[THREAD] = thread  # GET /channels/{id} answers with the thread
    await bot.send(chat("alice", "Back in the old thread.", 3000, channel=THREAD))
    await bot.send(chat("bob", "Me too.", 3010, channel=THREAD))
    assert [e.room.channel for e in bot.events] == [THREAD, THREAD]
    assert len(bot.api.find("GET", rf"/channels/{THREAD}")) == 1


async def test_guild_allowlist(make_bot: MakeBot) -> None:
    bot = await make_bot(guilds=frozenset({1}))
    await bot.send("message_create")
    await bot.send("guild_member_add")
    assert bot.events == []


async def test_rooms_stored_earlier_receive_joins_after_a_restart(make_bot: MakeBot) -> None:
    first = await make_bot()
    await first.send("message_create")
    await first.adapter.stop()
    second = await make_bot()  # same store: it recalls the room at login
    assert int(GENERAL) in second.adapter.known_rooms(int(GUILD))
    await second.send("guild_member_add")
    assert [e.kind for e in second.events] == [EventKind.JOIN]


async def test_stop_is_idempotent(bot: Bot) -> None:
    await bot.adapter.stop()
    await bot.adapter.stop()
    assert bot.client.is_closed()
