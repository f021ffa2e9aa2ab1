"""Who a Slack user is: display name, bot or human, workspace admin. Cached briefly.

Events carry only user ids. Names make the bot's words readable ("Dana, ...") and admin
status decides who may change a room's charter on their own; both come from users.info,
which is rate limited, so answers are kept for a few minutes.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UserInfo:
    name: str = ""
    is_bot: bool = False
    is_admin: bool = False


UNKNOWN = UserInfo()


class UserDirectory:
    def __init__(self, client: AsyncWebClient, *, ttl_s: float = 300.0, miss_ttl_s: float = 60.0,
                 capacity: int = 20_000) -> None:
        self.client = client
        self.ttl_s = ttl_s
        self.miss_ttl_s = miss_ttl_s
        self.capacity = capacity
        self._cache: OrderedDict[tuple[str, str], tuple[float, UserInfo]] = OrderedDict()

    async def get(self, team: str, user: str, token: str | None) -> UserInfo:
        key = (team, user)
        hit = self._cache.get(key)
        now = time.monotonic()
        if hit is not None and hit[0] > now:
            return hit[1]
        ttl = self.ttl_s
        try:
            response = await self.client.users_info(user=user, token=token)
            info = _info(response.get("user") or {})
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
            # Without users:read, or with Slack down, the bot still works with bare ids
            # and without admin rights; try again a little later.
            log.warning("users.info for %s in %s failed: %s", user, team, exc)
            info, ttl = UNKNOWN, self.miss_ttl_s
        self._cache[key] = (now + ttl, info)
        self._cache.move_to_end(key)
        while len(self._cache) > self.capacity:
            self._cache.popitem(last=False)
        return info


def _info(user: dict) -> UserInfo:
    profile = user.get("profile") or {}
    name = (profile.get("display_name") or profile.get("real_name") or user.get("real_name")
            or user.get("name") or "")
    return UserInfo(
        name=str(name),
        is_bot=bool(user.get("is_bot") or user.get("id") == "USLACKBOT"),
        is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
    )
