"""Slack test fixtures: a mock Slack on 127.0.0.1, a real embedded Valkey, the real bolt app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from facilitator.adapters.slack.adapter import SlackAdapter
from facilitator.adapters.slack.config import SlackConfig
from facilitator.adapters.slack.stores import RedisInstallationStore, RedisOAuthStateStore
from facilitator.config import Settings
from facilitator.engine import Engine
from facilitator.intake.delivery import Delivery
from facilitator.memory.store import RoomStore, open_store
from facilitator.policies.commands import run_command
from tests.policy_scenarios import EveryMovePolicy
from tests.slack.mock_slack import APP_TOKEN, MockSlack, SocketModeServer, Workspace
from tests.slack.payloads import BOT_TOKEN, SIGNING_SECRET, TEAM, signed

MEMBERS = {"U0ALICE001": "Alice", "U0BOBBY001": "Bob", "U0CAROL001": "Carol", "U0DANA0001": "Dana"}


@pytest.fixture
async def mock() -> AsyncIterator[MockSlack]:
    server = await MockSlack().start()
    server.add_workspace(TEAM, BOT_TOKEN)
    for uid, name in MEMBERS.items():
        server.add_user(uid, name, admin=(name == "Alice"))
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def socket_server(mock: MockSlack) -> AsyncIterator[SocketModeServer]:
    server = await SocketModeServer().start()
    mock.ws_url = server.url
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def slack_store(tmp_path: Path) -> AsyncIterator[RoomStore]:
    async with open_store(Settings(data_dir=tmp_path / "data")) as store:
        yield store


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@dataclass
class Harness:
    adapter: SlackAdapter
    engine: Engine
    store: RoomStore
    mock: MockSlack

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.adapter.http_port}"

    async def settle(self, received: int | None = None, wait_s: float = 5.0) -> None:
        """Wait until `received` payloads reached the listeners, then until all are handled."""
        if received is not None:
            await self.mock.wait_for(lambda: self.adapter.received >= received, wait_s)
        await self.adapter.drain()


def base_config(mock: MockSlack, **overrides: Any) -> SlackConfig:
    config = SlackConfig(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, app_token=APP_TOKEN,
                         http=True, host="127.0.0.1", port=0, api_url=mock.base_url,
                         min_post_interval=0.05)
    return replace(config, **overrides)


Factory = Callable[..., Awaitable[Harness]]


@pytest.fixture
async def harness(mock: MockSlack, slack_store: RoomStore) -> AsyncIterator[Factory]:
    """Build and start the adapter + engine; everything is stopped at teardown."""
    started: list[SlackAdapter] = []

    async def make(**overrides: Any) -> Harness:
        config = base_config(mock, **overrides)
        engine = Engine(slack_store, EveryMovePolicy(), bot_id="facilitator")
        stores: dict[str, Any] = {}
        if config.oauth:
            stores = {
                "installation_store": RedisInstallationStore(slack_store.client,
                                                             client_id=config.client_id),
                "state_store": RedisOAuthStateStore(slack_store.client, client_id=config.client_id),
            }
        delivery = Delivery(engine)
        adapter = SlackAdapter(delivery.handle, config, commands=partial(run_command, slack_store),
                               **stores)
        delivery.poster = adapter.post
        await adapter.start()
        started.append(adapter)
        return Harness(adapter, engine, slack_store, mock)

    try:
        yield make
    finally:
        for adapter in started:
            await adapter.stop()


async def signed_post(http: aiohttp.ClientSession, url: str, raw: str, *,
                      content_type: str = "application/json", **sign: Any) -> tuple[int, str]:
    headers = signed(raw, content_type=content_type, **sign)
    async with http.post(f"{url}/slack/events", data=raw.encode(), headers=headers) as resp:
        return resp.status, await resp.text()


async def oauth_install(http: aiohttp.ClientSession, h: Harness, *, team: str, token: str,
                        code: str = "code-1") -> aiohttp.ClientResponse:
    """Walk the OAuth install as a browser would: install page, Slack's consent, redirect."""
    async with http.get(f"{h.url}/slack/install", allow_redirects=False) as page:
        assert page.status == 200
        cookie = page.headers["Set-Cookie"].split(";", 1)[0]  # slack-app-oauth-state=<state>
        state = cookie.split("=", 1)[1]
        assert f"state={state}" in await page.text()
    # The user approves on slack.com, which redirects back with a one-time code.
    h.mock.oauth_codes[code] = Workspace(team, token, "U0FACBOT02", "B0FACBOT02")
    async with http.get(f"{h.url}/slack/oauth_redirect", params={"code": code, "state": state},
                        headers={"Cookie": cookie}, allow_redirects=False) as done:
        await done.read()
        return done
