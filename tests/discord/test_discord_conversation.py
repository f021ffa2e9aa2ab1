"""Done when: a Discord channel conversation, through discord.py's real objects, reaches a bot
intervention posted over HTTP, and an app command gets its answer.

Members join the server, Alice holds the floor, Bob says one thing, Cara stays silent. The
offline rules policy (the default without an LLM key) notices after six messages that Cara,
present all along, has not been heard while Alice holds most of the talk, and invites her in.
"""

from __future__ import annotations

from discord_harness import MakeBot
from discord_payloads import GENERAL, GUILD, USERS, chat, load, member_add

from facilitator.events import EventKind
from facilitator.policies.decision import Intervention

ROOM = f"discord:{GUILD}:{GENERAL}"

TALK = [
    ("alice", "Morning all! The east beds get full sun from ten until four."),
    ("alice", "The soil test came back with low nitrogen in the east beds."),
    ("bob", "The tool shed key is under the blue pot now."),
    ("alice", "Tomatoes and peppers would suit the east beds best."),
    ("alice", "The compost delivery arrives on Thursday morning."),
    ("alice", "Beans could fix nitrogen after the tomatoes finish."),
    ("alice", "The nursery on Elm Street had strong seedlings last spring."),
    ("alice", "Their peppers cropped until October."),
]


async def test_a_channel_conversation_reaches_an_intervention_and_a_command_answer(
        make_bot: MakeBot) -> None:
    bot = await make_bot(channels=frozenset({int(GENERAL)}))
    cara = USERS["cara"]["id"]

    for i, who in enumerate(("alice", "bob", "cara")):
        await bot.send(member_add(who, -300 + i))
    assert [e.kind for e in bot.events] == [EventKind.JOIN] * 3

    for n, (who, text) in enumerate(TALK):
        await bot.send(chat(who, text, 60 * (n + 1)))
        if bot.api.posts(GENERAL):
            break

    # The intervention, as the library sent it: POST /channels/{general}/messages.
    [body] = bot.api.posts(GENERAL)
    spoke = [o for o in bot.outcomes if o.decision.speak]
    assert len(spoke) == 1
    assert spoke[0].decision.intervention == Intervention.INVITE_QUIET
    assert spoke[0].decision.to == [cara]
    assert "Cara" in body["content"]
    assert body["allowed_mentions"] == {"parse": []}
    assert len(body["content"]) <= 2000
    posted_id = spoke[0].posted_id
    assert posted_id is not None
    turns_before_echo = (await bot.store.get(ROOM)).human_messages  # type: ignore[union-attr]

    # Discord echoes the bot's own post over the gateway: it must change nothing.
    echo = load("message_create_own")
    echo["d"].update(id=posted_id, content=body["content"])
    await bot.send(echo)
    state = await bot.store.get(ROOM)
    assert state is not None and state.human_messages == turns_before_echo
    assert state.is_bot_message(posted_id)

    # Cara answers the bot with Discord's reply feature: addressed, and the invite answered.
    await bot.send(chat("cara", "I'd love a pollinator strip along the fence.", 1200,
                        reply_to=echo["d"]))
    reply = bot.events[-1]
    assert reply.addressed and reply.reply_to == posted_id
    state = await bot.store.get(ROOM)
    assert state is not None and state.participants[cara].answered_invite is True

    # An app command end to end: INTERACTION_CREATE -> the library's callback request.
    bot.feed("interaction_create_status")
    await bot.api.wait_for(lambda: bot.api.callbacks())
    [callback] = bot.api.callbacks()
    assert callback.body["type"] == 4
    content = callback.body["data"]["content"]
    assert not callback.body["data"].get("flags", 0) & 64  # the room sees the same read
    # Plain words: how the talk is shared, no score or percentage about anyone.
    assert "3 people have spoken" in content and "%" not in content and "Gini" not in content
