"""One member cannot make the bot post their words over and over (issue 22): a proposal is
announced once, and settings announcements are limited per member. Through the real bolt
app and slack_sdk, over HTTP, with only the wire faked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial

import aiohttp
import pytest

from facilitator.adapters.slack.adapter import SlackAdapter
from facilitator.engine import Engine
from facilitator.intake.delivery import Delivery
from facilitator.memory.store import RoomStore
from facilitator.policies.commands import CommandServices, run_command
from facilitator.policies.policy import FacilitatorPolicy
from facilitator.policies.ratelimit import SETTINGS_PER_WINDOW
from tests.slack.conftest import base_config, signed_post
from tests.slack.mock_slack import MockSlack
from tests.slack.payloads import command, form

ROOM = "slack:T0TEAM0001:C0PLANS001"
CAROL, BOB = "U0CAROL001", "U0BOBBY001"  # members, not admins
ALICE = "U0ALICE001"  # an admin


@pytest.fixture
async def adapter(mock: MockSlack, slack_store: RoomStore) -> AsyncIterator[SlackAdapter]:
    """As `facilitator run slack` wires it: one CommandServices for the whole run."""
    engine = Engine(slack_store, FacilitatorPolicy(), bot_id="facilitator")
    delivery = Delivery(engine)
    services = CommandServices()
    started = SlackAdapter(delivery.handle, base_config(mock),
                           commands=partial(run_command, slack_store, services=services))
    delivery.poster = started.post
    await started.start()
    try:
        yield started
    finally:
        await started.stop()


async def slash(http: aiohttp.ClientSession, adapter: SlackAdapter, mock: MockSlack, text: str,
                user: str) -> None:
    raw = form(command(text, user=user, response_url=mock.response_url(text[:10])))
    status, _ = await signed_post(http, f"http://127.0.0.1:{adapter.http_port}", raw,
                                  content_type="application/x-www-form-urlencoded")
    assert status == 200


async def test_twenty_identical_proposals_are_announced_once(
        adapter: SlackAdapter, mock: MockSlack, http: aiohttp.ClientSession,
        slack_store: RoomStore) -> None:
    words = "Bob is wrong <!channel> and everyone should say so"
    for _ in range(20):
        await slash(http, adapter, mock, f"goal {words}", CAROL)
    await mock.wait_for(lambda: adapter.received >= 20)
    await adapter.drain()
    [post] = mock.posts()
    assert "Carol proposes the goal" in post.params["text"]
    assert "&lt;!channel&gt;" in post.params["text"]  # the broadcast stays escaped
    assert len(mock.responses) == 19
    assert all(r["response_type"] == "ephemeral" and "already" in r["text"]
               for r in mock.responses)
    state = await slack_store.get(ROOM)
    assert state is not None and state.charter.goal == ""  # still only proposed


async def test_settings_announcements_are_limited_per_member(
        adapter: SlackAdapter, mock: MockSlack, http: aiohttp.ClientSession,
        slack_store: RoomStore) -> None:
    for i in range(20):
        await slash(http, adapter, mock, f"goal say my thing number {i}", CAROL)
    await mock.wait_for(lambda: adapter.received >= 20)
    await adapter.drain()
    assert len(mock.posts()) == SETTINGS_PER_WINDOW
    limited = [r for r in mock.responses if "let the room catch up" in r["text"]]
    assert len(limited) == 20 - SETTINGS_PER_WINDOW
    assert all(r["response_type"] == "ephemeral" for r in limited)
    # Another member is not limited by Carol's requests: seconding her last proposal works.
    await slash(http, adapter, mock, f"goal say my thing number {SETTINGS_PER_WINDOW - 1}", BOB)
    await mock.wait_for(lambda: adapter.received >= 21)
    await adapter.drain()
    assert len(mock.posts()) == SETTINGS_PER_WINDOW + 1
    assert "seconding Carol" in mock.posts()[-1].params["text"]
    state = await slack_store.get(ROOM)
    assert state is not None and state.charter.goal == f"say my thing number {SETTINGS_PER_WINDOW - 1}"
    # Nor are admins spared: the limit is on announcements, whoever asks.
    for activity in ("quiet", "active", "quiet", "active", "quiet", "active"):
        await slash(http, adapter, mock, activity, ALICE)
    await mock.wait_for(lambda: adapter.received >= 27)
    await adapter.drain()
    assert len(mock.posts()) == 2 * SETTINGS_PER_WINDOW + 1
