"""slack_sdk's own async installation-store suite, rewritten for our Redis store.

The behaviours checked are those of slack_sdk's `test_async_sqlalchemy.py` (save and find,
org-wide installs, token rotation, mixed user and bot installs), plus the semantics of its
reference stores after a user's installation is deleted: the workspace's latest installation
is the latest one that remains, never the deleted user's.
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store import Installation

from facilitator.adapters.slack.stores import RedisInstallationStore
from facilitator.memory.store import RoomStore


def _store(room_store: RoomStore) -> RedisInstallationStore:
    return RedisInstallationStore(room_store.client, client_id="C1.D2")


def _install(**kw: object) -> Installation:
    values: dict[str, object] = {"app_id": "A1", "enterprise_id": "E1", "team_id": "T1",
                                 "user_id": "U1", "bot_id": "B1", "bot_token": "xoxb-1",
                                 "bot_scopes": ["chat:write"], "bot_user_id": "U9"}
    values.update(kw)
    return Installation(**values)  # type: ignore[arg-type]


async def test_workspace_install_found_by_exact_scope_only(slack_store: RoomStore) -> None:
    s = _store(slack_store)
    await s.async_save(_install())
    assert await s.async_find_bot(enterprise_id="E1", team_id="T1") is not None
    for enterprise, team in (("E1", "T2"), (None, "T1")):
        assert await s.async_find_bot(enterprise_id=enterprise, team_id=team) is None
        assert await s.async_find_installation(enterprise_id=enterprise, team_id=team) is None
    await s.async_delete_bot(enterprise_id="E1", team_id="T2")  # another team: a no-op
    assert await s.async_find_bot(enterprise_id="E1", team_id="T1") is not None
    assert await s.async_find_installation(enterprise_id="E1", team_id="T1") is not None
    assert await s.async_find_installation(enterprise_id="E1", team_id="T1", user_id="U1") is not None
    assert await s.async_find_installation(enterprise_id="E1", team_id="T1", user_id="U2") is None
    assert await s.async_find_installation(enterprise_id="E1", team_id="T2", user_id="U1") is None

    await s.async_delete_installation(enterprise_id="E1", team_id="T1", user_id="U1")
    assert await s.async_find_installation(enterprise_id="E1", team_id="T1", user_id="U1") is None
    # The only installation was that user's: nothing is left to find (this failed before).
    assert await s.async_find_installation(enterprise_id="E1", team_id="T1") is None

    await s.async_save(_install())
    await s.async_delete_all(enterprise_id="E1", team_id="T1")
    assert await s.async_find_installation(enterprise_id="E1", team_id="T1") is None
    assert await s.async_find_installation(enterprise_id="E1", team_id="T1", user_id="U1") is None
    assert await s.async_find_bot(enterprise_id="E1", team_id="T1") is None


async def test_org_wide_install(slack_store: RoomStore) -> None:
    s = _store(slack_store)
    await s.async_save(_install(enterprise_id="EO", team_id=None, user_id="UO",
                                is_enterprise_install=True))
    assert await s.async_find_bot(enterprise_id="EO", team_id=None) is not None
    assert await s.async_find_bot(enterprise_id="EO", team_id="TX",
                                  is_enterprise_install=True) is not None
    assert await s.async_find_bot(enterprise_id="EO", team_id="TX") is None
    assert await s.async_find_bot(enterprise_id=None, team_id="TX") is None
    await s.async_delete_bot(enterprise_id="EO", team_id="TX")
    assert await s.async_find_bot(enterprise_id="EO", team_id=None) is not None
    await s.async_delete_bot(enterprise_id="EO", team_id=None)
    assert await s.async_find_bot(enterprise_id="EO", team_id=None) is None

    assert await s.async_find_installation(enterprise_id="EO", team_id=None) is not None
    assert await s.async_find_installation(enterprise_id="EO", team_id="TX",
                                           is_enterprise_install=True) is not None
    assert await s.async_find_installation(enterprise_id="EO", team_id="TY") is None
    assert await s.async_find_installation(enterprise_id="EO", team_id=None, user_id="UO") is not None
    assert await s.async_find_installation(enterprise_id="EO", team_id="TX", user_id="UZ",
                                           is_enterprise_install=True) is None
    await s.async_delete_all(enterprise_id="EO", team_id=None)
    assert await s.async_find_installation(enterprise_id="EO", team_id=None) is None
    assert await s.async_find_installation(enterprise_id="EO", team_id=None, user_id="UO") is None


async def test_token_rotation_keeps_the_refreshed_tokens(slack_store: RoomStore) -> None:
    s = _store(slack_store)
    await s.async_save(_install(bot_token="xoxe.xoxb-1-first", bot_refresh_token="xoxe-1-first",
                                bot_token_expires_in=43200))
    bot = await s.async_find_bot(enterprise_id="E1", team_id="T1")
    assert bot is not None and bot.bot_refresh_token == "xoxe-1-first"
    await s.async_save(_install(bot_token="xoxe.xoxb-1-second", bot_refresh_token="xoxe-1-second",
                                bot_token_expires_in=43200))
    bot = await s.async_find_bot(enterprise_id="E1", team_id="T1")
    assert bot is not None and bot.bot_refresh_token == "xoxe-1-second"
    found = await s.async_find_installation(enterprise_id="E1", team_id="T1", user_id="U1")
    assert found is not None and found.bot_token == "xoxe.xoxb-1-second"
    await s.async_delete_installation(enterprise_id="E1", team_id="T1", user_id="U1")
    assert await s.async_find_installation(enterprise_id="E1", team_id="T1") is None


async def test_user_install_after_bot_install_keeps_the_bot_token(slack_store: RoomStore) -> None:
    s = _store(slack_store)
    await s.async_save(_install())
    await s.async_save(Installation(app_id="A1", enterprise_id="E1", team_id="T1", user_id="U1",
                                    bot_scopes=["openid"], user_token="xoxp-1"))
    bot = await s.async_find_bot(enterprise_id="E1", team_id="T1")
    assert bot is not None and bot.bot_token == "xoxb-1"
    found = await s.async_find_installation(enterprise_id="E1", team_id="T1")
    assert found is not None and found.bot_token == "xoxb-1" and found.user_token == "xoxp-1"
    assert await s.async_find_installation(enterprise_id="E1", team_id="T2") is None


async def test_deleting_one_user_leaves_the_latest_remaining_install(slack_store: RoomStore) -> None:
    s = _store(slack_store)
    await s.async_save(_install(user_id="UA", user_token="xoxp-a", installed_at=100.0))
    await s.async_save(_install(user_id="UB", user_token="xoxp-b", installed_at=200.0))
    await s.async_save(_install(user_id="UC", user_token="xoxp-c", installed_at=300.0))
    await s.async_delete_installation(enterprise_id="E1", team_id="T1", user_id="UC")
    latest = await s.async_find_installation(enterprise_id="E1", team_id="T1")
    # Never the deleted user's tokens: the latest of those that remain (this failed before).
    assert latest is not None and latest.user_id == "UB" and latest.user_token == "xoxp-b"
    keys = [k for k in await slack_store.client.keys("*")
            if await slack_store.client.type(k) == b"string"]
    raw = b"".join([await slack_store.client.get(k) or b"" for k in keys])
    assert b"xoxp-c" not in raw  # and nothing of them is left in Redis
    await s.async_delete_installation(enterprise_id="E1", team_id="T1", user_id="UB")
    await s.async_delete_installation(enterprise_id="E1", team_id="T1", user_id="UA")
    assert await s.async_find_installation(enterprise_id="E1", team_id="T1") is None
    # The bot stays until it is deleted itself, as in slack_sdk's stores.
    assert await s.async_find_bot(enterprise_id="E1", team_id="T1") is not None
