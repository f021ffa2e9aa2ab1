"""Payload -> ChatEvent translation, on Slack's real payload shapes (fixtures/)."""

from __future__ import annotations

import pytest

from facilitator.adapters.slack.translate import (
    Scope,
    command_room,
    slack_text,
    to_slack,
    translate_event,
)
from facilitator.events import EventKind
from tests.slack.payloads import envelope, fixture

SCOPE = Scope(team="T0TEAM0001", bot_user_id="U0FACBOT01", bot_id="B0FACBOT01")


def test_channel_message() -> None:
    event = translate_event(fixture("message"), SCOPE)
    assert event is not None and event.kind == EventKind.MESSAGE
    assert event.id == "1712000001.000100" and event.ts == pytest.approx(1712000001.0001)
    assert event.room.key == "slack:T0TEAM0001:C0PLANS001"
    assert not event.room.is_dm and event.room.thread is None and event.reply_to is None
    assert event.author.id == "U0ALICE001" and not event.author.is_bot
    assert event.text == "Let's plan the offsite & book the lake venue, @U0BOBBY001?"
    assert event.mentions == ("U0BOBBY001",) and not event.addressed


def test_thread_reply_is_its_own_room() -> None:
    event = translate_event(fixture("thread_reply"), SCOPE)
    assert event is not None
    assert event.room.thread == "1712000001.000100"
    assert event.room.key == "slack:T0TEAM0001:C0PLANS001:1712000001.000100"
    assert event.reply_to == "1712000001.000100"
    assert not event.addressed  # the thread was started by Alice, not the bot


def test_reply_in_a_thread_the_bot_started_addresses_it() -> None:
    event = translate_event(envelope("thread_reply", parent_user_id="U0FACBOT01"), SCOPE)
    assert event is not None and event.addressed


def test_thread_parent_stays_in_the_channel_room() -> None:
    body = envelope("message", thread_ts="1712000001.000100")
    event = translate_event(body, SCOPE)
    assert event is not None and event.room.thread is None


def test_edit_points_at_the_original() -> None:
    event = translate_event(fixture("message_changed"), SCOPE)
    assert event is not None and event.kind == EventKind.EDIT
    assert event.target == "1712000001.000100"
    assert event.id == "edit:1712000001.000100:1712000099.000000"
    assert event.text == "Let's plan the offsite and book the mountain hut instead"
    assert event.room.key == "slack:T0TEAM0001:C0PLANS001"


def test_message_changed_without_new_words_is_not_an_edit() -> None:
    body = fixture("message_changed")
    body["event"]["message"]["text"] = body["event"]["previous_message"]["text"]
    assert translate_event(body, SCOPE) is None  # unfurls, reply counts, language metadata


def test_delete_points_at_the_original() -> None:
    event = translate_event(fixture("message_deleted"), SCOPE)
    assert event is not None and event.kind == EventKind.DELETE
    assert event.target == "1712000001.000100" and event.id == "delete:1712000001.000100"
    assert event.author.id == "U0ALICE001"


def test_reaction_strips_skin_tone_and_finds_the_thread() -> None:
    event = translate_event(fixture("reaction_added"), SCOPE,
                            thread_of=lambda team, channel, ts: "1712000000.000001")
    assert event is not None and event.kind == EventKind.REACTION
    assert event.emoji == "+1" and not event.removed
    assert event.target == "1712000001.000100" and event.author.id == "U0BOBBY001"
    assert event.room.thread == "1712000000.000001"
    removed = translate_event(envelope("reaction_added", type="reaction_removed"), SCOPE)
    assert removed is not None and removed.removed and removed.id != event.id


def test_app_mention_is_addressed_and_shares_the_message_id() -> None:
    mention = translate_event(fixture("app_mention"), SCOPE)
    assert mention is not None and mention.addressed
    assert mention.text == "@facilitator what have we decided so far?"
    assert mention.mentions == ()  # the bot is not a member of the conversation
    # The same words also arrive as a message event: same id, so the engine counts it once.
    twin = envelope("message", user="U0CAROL001", ts=mention.id, text=fixture("app_mention")
                    ["event"]["text"])
    as_message = translate_event(twin, SCOPE)
    assert as_message is not None and as_message.id == mention.id and as_message.addressed


def test_member_join_and_leave() -> None:
    join = translate_event(fixture("member_joined_channel"), SCOPE)
    assert join is not None and join.kind == EventKind.JOIN and join.author.id == "U0DANA0001"
    leave = translate_event(envelope("member_joined_channel", type="member_left_channel"), SCOPE)
    assert leave is not None and leave.kind == EventKind.LEAVE and leave.id != join.id
    assert translate_event(envelope("member_joined_channel", user="U0FACBOT01"), SCOPE) is None


def test_dm_is_a_room_of_its_own_and_addressed() -> None:
    event = translate_event(fixture("im_message"), SCOPE)
    assert event is not None and event.room.is_dm and event.addressed
    assert event.room.key == "slack:T0TEAM0001:D0DANA0001"


def test_group_dm_is_a_group() -> None:
    event = translate_event(envelope("message", channel="G0GROUP001", channel_type="mpim"), SCOPE)
    assert event is not None and not event.room.is_dm and not event.addressed


def test_own_messages_are_dropped() -> None:
    assert translate_event(envelope("message", user="U0FACBOT01"), SCOPE) is None
    own_bot = envelope("bot_message", bot_id="B0FACBOT01")
    assert translate_event(own_bot, Scope(team="T0TEAM0001", bot_user_id="U0FACBOT01",
                                          bot_id="B0FACBOT01", ignore_bots=False)) is None


def test_other_bots_are_ignored_unless_configured() -> None:
    assert translate_event(fixture("bot_message"), SCOPE) is None
    kept = translate_event(fixture("bot_message"), Scope(team="T0TEAM0001", ignore_bots=False))
    assert kept is not None and kept.author.is_bot and kept.author.name == "deploybot"


def test_housekeeping_subtypes_are_skipped() -> None:
    for subtype in ("channel_join", "channel_topic", "message_replied", "channel_purpose"):
        assert translate_event(envelope("message", subtype=subtype), SCOPE) is None


def test_unknown_event_types_are_skipped() -> None:
    assert translate_event(envelope("message", type="pin_added"), SCOPE) is None


def test_slash_command_room() -> None:
    room = command_room(fixture("slash_command"))
    assert room.key == "slack:T0TEAM0001:C0PLANS001" and not room.is_dm
    dm = command_room({**fixture("slash_command"), "channel_id": "D0DANA0001",
                       "channel_name": "directmessage"})
    assert dm.is_dm


def test_markup_to_plain_text() -> None:
    raw = ("<!here> see <https://example.com/plan|the plan> in <#C0PLANS001|plans>, "
           "<@U0BOBBY001|bob> &lt;3 <https://example.com>")
    assert slack_text(raw, SCOPE) == ("@here see the plan in #plans, @U0BOBBY001 <3 "
                                      "https://example.com")


def test_plain_text_to_slack() -> None:
    assert to_slack("U0DANA0001, a < b & c > d") == "<@U0DANA0001>, a &lt; b &amp; c &gt; d"
    assert to_slack("ask @U0DANA0001 about UNDERSTOOD") == "ask <@U0DANA0001> about UNDERSTOOD"
    assert to_slack("Dana, anything to add?") == "Dana, anything to add?"
