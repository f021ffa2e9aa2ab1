"""Slack OAuth installations and OAuth states in Redis, on the room store's client.

slack_sdk ships file, SQL and S3 stores but none for Redis. These honour its async
interfaces (AsyncInstallationStore, AsyncOAuthStateStore), so bolt's OAuth flow and its
authorize step use them unchanged.

Key layout (a workspace's keys share one hash tag, so they sit on one cluster slot and one
MULTI writes them together):
  fac:slack[:<client_id>]:{<enterprise>:<team>}:bot             latest bot installation
  fac:slack[:<client_id>]:{<enterprise>:<team>}:installation    latest installation
  fac:slack[:<client_id>]:{<enterprise>:<team>}:installation:U  latest one by installer U
  fac:slack[:<client_id>]:{<enterprise>:<team>}:installers      set of installer ids
  fac:slack[:<client_id>]:oauth-state:<state>                   one-time state, with a TTL
None of these match the room keys (`fac:{room}:...`).
"""

from __future__ import annotations

import json
import logging
import secrets
from logging import Logger
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.cluster import RedisCluster
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

RedisClient = aioredis.Redis | RedisCluster
PREFIX = "fac:slack"
NONE = "-"


def _prefix(client_id: str | None) -> str:
    # Several Slack apps may share one Redis; the client id keeps their installs apart.
    return f"{PREFIX}:{client_id}" if client_id else PREFIX


def _dump(entity: Installation | Bot) -> str:
    # __dict__ holds exactly the constructor's arguments (slack_sdk's file store relies on it).
    return json.dumps(entity.__dict__)


class RedisInstallationStore(AsyncInstallationStore):
    def __init__(self, client: RedisClient, *, client_id: str | None = None,
                 logger: Logger | None = None) -> None:
        self.client = client
        self.prefix = _prefix(client_id)
        self._logger = logger or logging.getLogger(__name__)

    @property
    def logger(self) -> Logger:
        return self._logger

    def _workspace(self, enterprise_id: str | None, team_id: str | None,
                   is_enterprise_install: bool | None = False) -> str:
        # An org-wide install is found by its enterprise alone, as in slack_sdk's stores.
        team = NONE if is_enterprise_install else (team_id or NONE)
        return f"{self.prefix}:{{{enterprise_id or NONE}:{team}}}"

    async def async_save(self, installation: Installation) -> None:
        base = self._workspace(installation.enterprise_id, installation.team_id,
                               installation.is_enterprise_install)
        entity = _dump(installation)
        user = installation.user_id or NONE
        pipe = self.client.pipeline(transaction=True)
        pipe.set(f"{base}:installation", entity)
        pipe.set(f"{base}:installation:{user}", entity)
        pipe.sadd(f"{base}:installers", user)
        if installation.bot_token is not None:
            pipe.set(f"{base}:bot", _dump(installation.to_bot()))
        await pipe.execute()

    async def async_save_bot(self, bot: Bot) -> None:
        if bot.bot_token is None:
            return  # nothing to authorize with; same as slack_sdk's stores
        base = self._workspace(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        await self.client.set(f"{base}:bot", _dump(bot))

    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                             is_enterprise_install: bool | None = False) -> Bot | None:
        base = self._workspace(enterprise_id, team_id, is_enterprise_install)
        raw = await self.client.get(f"{base}:bot")
        return None if raw is None else Bot(**_load(raw))

    async def async_find_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        base = self._workspace(enterprise_id, team_id, is_enterprise_install)
        key = f"{base}:installation" if user_id is None else f"{base}:installation:{user_id}"
        raw = await self.client.get(key)
        if raw is None:
            return None
        installation = Installation(**_load(raw))
        if user_id is not None or installation.bot_token is None:
            # A user's own installation may predate the latest bot token (bolt-python #664).
            bot = await self.async_find_bot(enterprise_id=enterprise_id, team_id=team_id,
                                            is_enterprise_install=is_enterprise_install)
            if bot is not None and bot.bot_token != installation.bot_token:
                installation.bot_id = bot.bot_id
                installation.bot_user_id = bot.bot_user_id
                installation.bot_token = bot.bot_token
                installation.bot_scopes = bot.bot_scopes
                installation.bot_refresh_token = bot.bot_refresh_token
                installation.bot_token_expires_at = bot.bot_token_expires_at
        return installation

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.client.delete(f"{self._workspace(enterprise_id, team_id)}:bot")

    async def async_delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                        user_id: str | None = None) -> None:
        base = self._workspace(enterprise_id, team_id)
        if user_id is not None:
            pipe = self.client.pipeline(transaction=True)
            pipe.delete(f"{base}:installation:{user_id}")
            pipe.srem(f"{base}:installers", user_id)
            await pipe.execute()
            await self._reelect_latest(base, user_id)
            return
        users = [_text(u) for u in await self.client.smembers(f"{base}:installers")]
        pipe = self.client.pipeline(transaction=True)
        for user in users:
            pipe.delete(f"{base}:installation:{user}")
        pipe.delete(f"{base}:installation")
        pipe.delete(f"{base}:installers")
        await pipe.execute()

    async def _reelect_latest(self, base: str, deleted_user: str) -> None:
        """After a user's installation is deleted, the workspace's latest installation is the
        latest one that remains (as in slack_sdk's SQL stores), never the deleted user's."""
        raw = await self.client.get(f"{base}:installation")
        if raw is None or (_load(raw).get("user_id") or NONE) != deleted_user:
            return
        best: tuple[float, bytes | str] | None = None
        for user in [_text(u) for u in await self.client.smembers(f"{base}:installers")]:
            entity = await self.client.get(f"{base}:installation:{user}")
            if entity is None:
                continue
            installed_at = float(_load(entity).get("installed_at") or 0.0)
            if best is None or installed_at > best[0]:
                best = (installed_at, entity)
        if best is None:
            await self.client.delete(f"{base}:installation")
        else:
            await self.client.set(f"{base}:installation", best[1])


class RedisOAuthStateStore(AsyncOAuthStateStore):
    """One-time OAuth `state` values: issued with a TTL, consumed at most once (GETDEL)."""

    def __init__(self, client: RedisClient, *, expiration_seconds: int = 600,
                 client_id: str | None = None, logger: Logger | None = None) -> None:
        self.client = client
        self.expiration_seconds = expiration_seconds
        self.prefix = f"{_prefix(client_id)}:oauth-state"
        self._logger = logger or logging.getLogger(__name__)

    @property
    def logger(self) -> Logger:
        return self._logger

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(24)
        await self.client.set(f"{self.prefix}:{state}", "1", ex=self.expiration_seconds, nx=True)
        return state

    async def async_consume(self, state: str) -> bool:
        if not state:
            return False
        # GETDEL is atomic: two callbacks racing with the same state cannot both succeed.
        consumed = await self.client.getdel(f"{self.prefix}:{state}") is not None
        if not consumed:
            self.logger.warning("OAuth state unknown, expired or already used")
        return consumed


def _load(raw: bytes | str) -> dict[str, Any]:
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("stored Slack installation is not an object")
    return data


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
