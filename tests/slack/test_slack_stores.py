"""The Redis OAuth stores honour slack_sdk's async store contracts, on a real server."""

from __future__ import annotations

import asyncio

from slack_sdk.oauth.installation_store import Installation

from facilitator.adapters.slack.stores import RedisInstallationStore, RedisOAuthStateStore
from facilitator.memory.store import RoomStore


def installation(team: str = "T0TEAM0002", user: str = "U0INSTALL1", token: str = "xoxb-2",
                 **kw: object) -> Installation:
    return Installation(app_id="A0FACAPP01", team_id=team, team_name="Two", user_id=user,
                        bot_token=token, bot_id="B0FACBOT02", bot_user_id="U0FACBOT02",
                        bot_scopes=["chat:write", "commands"], **kw)  # type: ignore[arg-type]


async def test_save_and_find(slack_store: RoomStore) -> None:
    store = RedisInstallationStore(slack_store.client, client_id="111.222")
    assert await store.async_find_installation(enterprise_id=None, team_id="T0TEAM0002") is None
    await store.async_save(installation())
    found = await store.async_find_installation(enterprise_id=None, team_id="T0TEAM0002")
    assert found is not None and found.bot_token == "xoxb-2" and found.user_id == "U0INSTALL1"
    assert found.bot_scopes == ["chat:write", "commands"]
    bot = await store.async_find_bot(enterprise_id=None, team_id="T0TEAM0002")
    assert bot is not None and bot.bot_token == "xoxb-2" and bot.bot_user_id == "U0FACBOT02"
    mine = await store.async_find_installation(enterprise_id=None, team_id="T0TEAM0002",
                                               user_id="U0INSTALL1")
    assert mine is not None and mine.user_id == "U0INSTALL1"
    # Keys live under fac:slack:<client id>, never where room states are scanned for.
    keys = sorted(k.decode() for k in await slack_store.client.keys("*"))
    assert keys and all(k.startswith("fac:slack:111.222:{-:T0TEAM0002}:") for k in keys)
    assert await slack_store.rooms() == []


async def test_reinstall_by_another_user_refreshes_the_bot_token(slack_store: RoomStore) -> None:
    store = RedisInstallationStore(slack_store.client)
    await store.async_save(installation(user="U0FIRST001", token="xoxb-old"))
    await store.async_save(installation(user="U0SECOND01", token="xoxb-new"))
    first = await store.async_find_installation(enterprise_id=None, team_id="T0TEAM0002",
                                                user_id="U0FIRST001")
    assert first is not None and first.bot_token == "xoxb-new"


async def test_workspaces_are_separate_and_deletable(slack_store: RoomStore) -> None:
    store = RedisInstallationStore(slack_store.client)
    await store.async_save(installation(team="T0TEAM0002", token="xoxb-2"))
    await store.async_save(installation(team="T0TEAM0003", token="xoxb-3"))
    await store.async_delete_all(enterprise_id=None, team_id="T0TEAM0002")
    assert await store.async_find_bot(enterprise_id=None, team_id="T0TEAM0002") is None
    assert await store.async_find_installation(enterprise_id=None, team_id="T0TEAM0002") is None
    assert await store.async_find_installation(enterprise_id=None, team_id="T0TEAM0002",
                                               user_id="U0INSTALL1") is None
    other = await store.async_find_bot(enterprise_id=None, team_id="T0TEAM0003")
    assert other is not None and other.bot_token == "xoxb-3"


async def test_enterprise_install_is_found_by_enterprise(slack_store: RoomStore) -> None:
    store = RedisInstallationStore(slack_store.client)
    org = Installation(app_id="A1", enterprise_id="E0ORG00001", team_id=None, user_id="U0ADMIN001",
                       bot_token="xoxb-org", bot_id="B1", bot_user_id="U1",
                       is_enterprise_install=True)
    await store.async_save(org)
    found = await store.async_find_bot(enterprise_id="E0ORG00001", team_id="T0ANY00001",
                                       is_enterprise_install=True)
    assert found is not None and found.bot_token == "xoxb-org"


async def test_state_is_consumed_once_and_expires(slack_store: RoomStore) -> None:
    states = RedisOAuthStateStore(slack_store.client, expiration_seconds=120)
    state = await states.async_issue()
    assert len(state) >= 30 and state != await states.async_issue()
    ttl = await slack_store.client.ttl(f"fac:slack:oauth-state:{state}")
    assert 0 < ttl <= 120
    assert await states.async_consume(state) is True
    assert await states.async_consume(state) is False  # a replayed callback is refused
    assert await states.async_consume("forged") is False
    assert await states.async_consume("") is False


async def test_expired_state_is_refused(slack_store: RoomStore) -> None:
    states = RedisOAuthStateStore(slack_store.client, expiration_seconds=60)
    state = await states.async_issue()
    await slack_store.client.pexpire(f"fac:slack:oauth-state:{state}", 1)
    await asyncio.sleep(0.02)
    assert await states.async_consume(state) is False
