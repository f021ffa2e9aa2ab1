"""Joining a channel (one welcome, members learned silently) and the App Home, over the real
bolt app and slack_sdk against a local Slack."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from facilitator.adapters.slack.adapter import SlackAdapter
from facilitator.config import Settings
from facilitator.engine import Engine
from facilitator.events import Author, ChatEvent, EventKind
from facilitator.intake.delivery import Delivery
from facilitator.intake.runtime import build_pipeline
from facilitator.intake.streams import FIELD
from facilitator.memory.state import RoomState
from facilitator.memory.store import RoomStore
from facilitator.policies.commands import CommandServices, run_command
from facilitator.policies.onboarding import welcome_text
from facilitator.policies.policy import FacilitatorPolicy
from facilitator.web.links import LinkSigner
from tests.slack.conftest import MEMBERS, base_config, signed_post
from tests.slack.mock_slack_home import MockSlackHome
from tests.slack.payloads import BOT_TOKEN, BOT_USER, CHANNEL, TEAM, envelope, joined, message

ROOM = f"slack:{TEAM}:{CHANNEL}"
OTHER = "C0OTHER001"
SECRET = b"slack-home-test-secret-0123456789"


@pytest.fixture
async def home_mock() -> AsyncIterator[MockSlackHome]:
    server = await MockSlackHome().start()
    server.add_workspace(TEAM, BOT_TOKEN)
    for uid, name in MEMBERS.items():
        server.add_user(uid, name, admin=(name == "Alice"))
    server.add_user("U0HELPBOT1", "Helper", bot=True)
    server.channel_members[CHANNEL] = [*MEMBERS, "U0HELPBOT1", BOT_USER]
    server.channel_members[OTHER] = ["U0BOBBY001", BOT_USER]
    try:
        yield server
    finally:
        await server.stop()


Make = Callable[..., Awaitable[SlackAdapter]]


@pytest.fixture
async def make(home_mock: MockSlackHome, slack_store: RoomStore, tmp_path: Any
               ) -> AsyncIterator[Make]:
    started: list[SlackAdapter] = []
    links = LinkSigner(SECRET, "https://bot.example.org")
    settings = Settings(data_dir=tmp_path / "data")
    text = welcome_text(settings, page_available=True)

    async def build() -> SlackAdapter:
        engine = Engine(slack_store, FacilitatorPolicy(), bot_id="facilitator", welcome=text)
        services = CommandServices(links=links)
        delivery = Delivery(engine)
        adapter = SlackAdapter(delivery.handle, base_config(home_mock),
                               commands=lambda req: run_command(slack_store, req, services),
                               store=slack_store, onboard=True, links=links,
                               lookup_interval_s=0)
        delivery.poster = adapter.post
        await adapter.start()
        started.append(adapter)
        return adapter

    try:
        yield build
    finally:
        for adapter in started:
            await adapter.stop()


async def deliver(adapter: SlackAdapter, body: dict[str, Any]) -> None:
    async with aiohttp.ClientSession() as http:
        status, _ = await signed_post(http, f"http://127.0.0.1:{adapter.http_port}", json.dumps(body))
    assert status == 200


async def settle(adapter: SlackAdapter, mock: MockSlackHome, received: int) -> None:
    await mock.wait_for(lambda: adapter.received >= received)
    await adapter.drain()
    await mock.wait_for(lambda: not adapter._background)


async def test_joining_posts_one_welcome_and_learns_members_silently(
        make: Make, home_mock: MockSlackHome, slack_store: RoomStore) -> None:
    adapter = await make()
    await deliver(adapter, joined(BOT_USER, "1712000000.000010"))
    await settle(adapter, home_mock, 1)
    [welcome] = home_mock.posts(CHANNEL)
    text = welcome.params["text"]
    for words in ("I'm facilitator, this room's facilitator", "for 30 days",
                  "No AI service outside this server sees your messages", "`/facilitator pause`",
                  "`/facilitator forget-me`", "`/facilitator page`"):
        assert words in text, words
    assert not any(name in text for name in MEMBERS.values())  # nothing said about anyone
    # The member list was followed page by page; everyone is known, by name, none has spoken.
    assert len(home_mock.called("conversations.members")) == 3
    state = await slack_store.get(ROOM)
    assert state is not None and state.welcomed and state.human_messages == 0
    assert state.title == "plans-001"  # the channel's name, for the room page
    assert {pid: p.name for pid, p in state.participants.items()} == MEMBERS  # the bot user is not
    assert all(p.present and p.messages == 0 for p in state.participants.values())
    # Joining again (a re-invite, a retried event) never welcomes twice.
    await deliver(adapter, joined(BOT_USER, "1712000900.000010"))
    await settle(adapter, home_mock, 2)
    assert len(home_mock.posts(CHANNEL)) == 1


async def test_two_workers_post_one_welcome(make: Make, home_mock: MockSlackHome) -> None:
    first, second = await make(), await make()
    body = joined(BOT_USER, "1712000000.000010")
    await deliver(first, body)
    await deliver(second, body)
    await settle(first, home_mock, 1)
    await settle(second, home_mock, 1)
    assert len(home_mock.posts(CHANNEL)) == 1


async def test_a_member_joining_is_not_welcomed_by_the_bot(make: Make, home_mock: MockSlackHome,
                                                           slack_store: RoomStore) -> None:
    adapter = await make()
    await deliver(adapter, joined("U0DANA0001", "1712000000.000050"))
    await settle(adapter, home_mock, 1)
    assert home_mock.posts(CHANNEL) == [] and not home_mock.called("conversations.members")
    state = await slack_store.get(ROOM)
    assert state is not None and state.participants["U0DANA0001"].present


async def test_app_home_lists_only_the_viewers_rooms_with_their_read_and_page(
        make: Make, home_mock: MockSlackHome, slack_store: RoomStore) -> None:
    adapter = await make()
    await deliver(adapter, joined(BOT_USER, "1712000000.000010"))
    await deliver(adapter, joined(BOT_USER, "1712000000.000011", channel=OTHER))
    await deliver(adapter, message("U0ALICE001", "Shall we pick the venue today?", "1712000001.000100"))
    await settle(adapter, home_mock, 3)
    await deliver(adapter, envelope("app_home_opened", user="U0ALICE001"))
    await settle(adapter, home_mock, 4)
    [publish] = home_mock.called("views.publish")
    assert publish.params["user_id"] == "U0ALICE001" and publish.token == BOT_TOKEN
    view = publish.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["type"] == "home"
    sections = [b for b in view["blocks"] if b["type"] == "section"]
    assert len(sections) == 1  # Alice is not in the other channel
    section = sections[0]
    assert section["text"]["text"].startswith(f"*<#{CHANNEL}>*")
    assert "One person has spoken so far" in section["text"]["text"]
    assert "%" not in section["text"]["text"] and "Gini" not in section["text"]["text"]
    url = section["accessory"]["url"]
    token = re.fullmatch(r"https://bot\.example\.org/room/(\S+)", url)
    assert token is not None
    claims = LinkSigner(SECRET, "https://bot.example.org").verify(token.group(1), "page")
    assert claims is not None and claims.room_key == ROOM
    # Bob shares both rooms; someone outside both sees an invitation, no rooms.
    await deliver(adapter, envelope("app_home_opened", user="U0BOBBY001"))
    await deliver(adapter, envelope("app_home_opened", user="U0ERIN0001"))
    await settle(adapter, home_mock, 6)
    by_user = {c.params["user_id"]: c.params["view"] for c in home_mock.called("views.publish")}
    bob = json.loads(by_user["U0BOBBY001"]) if isinstance(by_user["U0BOBBY001"], str) \
        else by_user["U0BOBBY001"]
    assert sum(b["type"] == "section" for b in bob["blocks"]) == 2
    erin = json.dumps(by_user["U0ERIN0001"])
    assert "We don't share a channel yet" in erin and CHANNEL not in erin


async def test_page_command_is_answered_privately(make: Make, home_mock: MockSlackHome) -> None:
    adapter = await make()
    form = {"token": "x", "team_id": TEAM, "channel_id": CHANNEL, "channel_name": "plans",
            "user_id": "U0BOBBY001", "user_name": "bob", "command": "/facilitator", "text": "page",
            "response_url": home_mock.response_url(), "trigger_id": "1.2.3"}
    from urllib.parse import urlencode
    async with aiohttp.ClientSession() as http:
        status, _ = await signed_post(http, f"http://127.0.0.1:{adapter.http_port}", urlencode(form),
                                      content_type="application/x-www-form-urlencoded")
    assert status == 200
    await settle(adapter, home_mock, 1)
    [answer] = home_mock.responses
    assert answer["response_type"] == "ephemeral" and "https://bot.example.org/room/" in answer["text"]
    assert home_mock.posts(CHANNEL) == []  # nothing in the channel


def test_learning_skips_bots_and_respects_the_cap() -> None:
    from facilitator.memory.state import CAP_PARTICIPANTS
    from facilitator.policies.onboarding import learn_members
    state = RoomState(room="r")
    crowd = [Author(id=f"U{i:08d}") for i in range(CAP_PARTICIPANTS + 50)]
    added = learn_members(state, [Author(id="B1", is_bot=True), Author(id="ME"), *crowd],
                          bot_ids={"ME"})
    assert added == CAP_PARTICIPANTS and "B1" not in state.participants
    assert "ME" not in state.participants


async def test_joining_reaches_the_engine_as_one_join_event_and_the_adapter_writes_nothing(
        home_mock: MockSlackHome, slack_store: RoomStore) -> None:
    """The adapter translates only: the bot being added becomes a JOIN event carrying who is
    in the channel and its name (then again with the names looked up); it posts nothing and
    writes no room itself."""
    events: list[ChatEvent] = []

    async def on_event(event: ChatEvent) -> None:
        events.append(event)

    adapter = SlackAdapter(on_event, base_config(home_mock), store=slack_store, onboard=True,
                           lookup_interval_s=0)
    await adapter.start()
    try:
        await deliver(adapter, joined(BOT_USER, "1712000000.000010"))
        await settle(adapter, home_mock, 1)
    finally:
        await adapter.stop()
    listed, named = events
    for event in (listed, named):
        assert event.kind == EventKind.JOIN and event.joined_room
        assert event.room.key == ROOM and event.title == "plans-001"
        assert event.author.id == BOT_USER and event.author.is_bot
    assert [m.id for m in listed.roster or ()] == [*MEMBERS, "U0HELPBOT1"]  # not the bot user
    assert all(not m.name for m in listed.roster or ())
    assert {m.id: (m.name, m.is_bot) for m in named.roster or ()} == {
        **{uid: (name, False) for uid, name in MEMBERS.items()}, "U0HELPBOT1": ("Helper", True)}
    assert named.id != listed.id  # the engine takes both
    assert home_mock.posts(CHANNEL) == []
    assert await slack_store.get(ROOM) is None


async def test_with_the_streams_intake_the_join_is_queued_and_the_worker_welcomes_once(
        home_mock: MockSlackHome, slack_store: RoomStore, tmp_path: Any) -> None:
    text = welcome_text(Settings(data_dir=tmp_path / "data"), page_available=False)
    engine = Engine(slack_store, FacilitatorPolicy(), bot_id="facilitator", welcome=text)
    pipeline = build_pipeline(slack_store, engine, platform="slack",
                              env={"FACILITATOR_INTAKE": "streams", "FACILITATOR_INTAKE_SHARDS": "4"})
    adapter = SlackAdapter(pipeline.on_event, base_config(home_mock), store=slack_store,
                           onboard=True, append=pipeline.append, lookup_interval_s=0)
    await adapter.start()
    try:
        await deliver(adapter, joined(BOT_USER, "1712000000.000010"))
        await settle(adapter, home_mock, 1)
        assert pipeline.intake is not None
        key = pipeline.intake.stream(pipeline.intake.shard_of(ROOM))
        queued = [ChatEvent.model_validate_json(fields[FIELD])
                  for _, fields in await slack_store.client.xrange(key)]
        assert [e.joined_room for e in queued] == [True, True]  # listed, then named
        assert home_mock.posts(CHANNEL) == []  # nothing posted before a worker takes them
        pipeline.start(adapter.sender, prepare=adapter.prepare)
        worker = pipeline.worker
        assert worker is not None
        await home_mock.wait_for(lambda: worker.handled >= 2, 10)
        # The same join delivered again (Slack retrying) is one join: still one welcome.
        await deliver(adapter, joined(BOT_USER, "1712000000.000010"))
        await settle(adapter, home_mock, 2)
        await home_mock.wait_for(lambda: worker.handled >= 4, 10)
    finally:
        await pipeline.stop()
        await adapter.stop()
    [welcome] = home_mock.posts(CHANNEL)
    assert welcome.params["text"] == text
    assert welcome.params["metadata"]["event_payload"]["trigger"] == queued[0].id
    state = await slack_store.get(ROOM)
    assert state is not None and state.welcomed and state.title == "plans-001"
    assert {pid: p.name for pid, p in state.participants.items()} == MEMBERS
