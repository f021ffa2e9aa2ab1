"""Slack while the store is down: HTTP events get a 503 so Slack redelivers them; none is lost.
Uninstalling the app deletes the workspace's rooms and installation data."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from functools import partial
from pathlib import Path

import aiohttp

from facilitator.adapters.slack.adapter import SlackAdapter
from facilitator.adapters.slack.stores import RedisInstallationStore
from facilitator.config import Settings
from facilitator.engine import Engine
from facilitator.events import Author, ChatEvent, RoomRef
from facilitator.intake.delivery import Delivery
from facilitator.memory.keys import state_key
from facilitator.memory.store import open_store
from facilitator.policies.commands import run_command
from facilitator.policies.policy import FacilitatorPolicy
from facilitator.web.health import StoreProbe
from tests.slack.conftest import base_config, signed_post
from tests.slack.mock_slack import MockSlack
from tests.slack.payloads import envelope, message

ROOM = "slack:T0TEAM0001:C0PLANS001"


async def test_http_events_while_the_store_is_down_are_redelivered_not_lost(
        mock: MockSlack, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", http_port=0)
    async with open_store(settings, durable=True) as store, aiohttp.ClientSession() as http:
        engine = Engine(store, FacilitatorPolicy(), bot_id="facilitator")
        delivery = Delivery(engine)
        adapter = SlackAdapter(delivery.handle, base_config(mock), commands=partial(run_command, store),
                               probe=StoreProbe(store.client, cache_s=0.0))
        delivery.poster = adapter.post
        await adapter.start()
        url = f"http://127.0.0.1:{adapter.http_port}"
        try:
            bodies = [json.dumps(message("U0ALICE001", f"point {i}", f"1700000{i:03d}.000100"))
                      for i in range(60)]
            refused = 0
            assert store.server is not None and store.server.process is not None
            pid = store.server.process.pid

            hung = False
            for i, raw in enumerate(bodies):
                if i == 20:
                    os.kill(pid, signal.SIGSTOP)  # the store hangs: it cannot keep events
                    hung = True
                if i == 40:
                    os.kill(store.server.process.pid, signal.SIGKILL)  # and now it dies
                status, _ = await signed_post(http, url, raw)
                assert status in (200, 503)
                retry = 0
                while status == 503:  # Slack redelivers a non-2xx with X-Slack-Retry-Num
                    refused += 1
                    retry += 1
                    if hung and refused >= 5:
                        # Resumed after a count of refusals, not after a clock: on a loaded
                        # machine one refusal may take longer than a fixed pause.
                        os.kill(pid, signal.SIGCONT)
                        hung = False
                    await asyncio.sleep(0.05)
                    status, _ = await signed_post(http, url, raw, retry=min(retry, 3))
                assert status == 200
            assert not hung, "events were accepted while the store hung"
            assert refused >= 5  # events sent while it hung were refused, not dropped
            await asyncio.wait_for(adapter.drain(), 30)
            state = await store.get(ROOM)
            assert state is not None and state.events == 60  # nothing lost, nothing twice
        finally:
            await adapter.stop()


async def test_app_uninstalled_deletes_the_workspaces_rooms_and_installation(
        mock: MockSlack, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", http_port=0)
    async with open_store(settings) as store, aiohttp.ClientSession() as http:
        engine = Engine(store, FacilitatorPolicy(), bot_id="facilitator")
        installs = RedisInstallationStore(store.client)
        from slack_sdk.oauth.installation_store import Installation

        await installs.async_save(Installation(app_id="A1", team_id="T0TEAM0001", user_id="U1",
                                               bot_token="xoxb-secret-1", bot_id="B1",
                                               bot_user_id="U0FACBOT01"))
        await installs.async_save(Installation(app_id="A1", team_id="T0OTHER01", user_id="U2",
                                               bot_token="xoxb-other", bot_id="B1",
                                               bot_user_id="U0FACBOT01"))

        async def uninstall(team: str, enterprise: str | None) -> None:
            await store.delete_workspace("slack", team)

        delivery = Delivery(engine)
        adapter = SlackAdapter(delivery.handle, base_config(mock), installation_store=installs,
                               on_uninstall=uninstall)
        delivery.poster = adapter.post
        await adapter.start()
        url = f"http://127.0.0.1:{adapter.http_port}"
        try:
            assert (await signed_post(http, url, json.dumps(
                message("U0ALICE001", "our secret plan", "1700000001.000100"))))[0] == 200
            # The other workspace's room, made through its own installation (this adapter's
            # one bot token answers only its own workspace: tests/slack/test_slack_unreadable.py).
            await engine.handle(ChatEvent(
                id="1700000002.000100", room=RoomRef(platform="slack", workspace="T0OTHER01",
                                                     channel="C0PLANS001"),
                author=Author(id="U0BOB00001"), text="elsewhere", ts=1700000002.0))
            await adapter.drain()
            assert await store.rooms() == sorted([ROOM, "slack:T0OTHER01:C0PLANS001"])
            body = envelope("message", type="app_uninstalled")
            body["event"] = {"type": "app_uninstalled"}
            assert (await signed_post(http, url, json.dumps(body)))[0] == 200
            for _ in range(200):
                if ROOM not in await store.rooms():
                    break
                await asyncio.sleep(0.01)
            assert await store.rooms() == ["slack:T0OTHER01:C0PLANS001"]
            assert not await store.client.exists(state_key(ROOM))
            raw = b"".join([await store.client.get(k) or b"" for k in await store.client.keys("*")
                            if await store.client.type(k) == b"string"])
            assert b"xoxb-secret-1" not in raw and b"our secret plan" not in raw
            assert b"xoxb-other" in raw  # the other workspace keeps its installation
        finally:
            await adapter.stop()
