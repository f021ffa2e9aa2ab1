"""Gateway payloads from tests/discord/fixtures, and small variations on them.

Each fixture is a gateway dispatch as Discord sends it: `{"op": 0, "t": "MESSAGE_CREATE",
"s": 4, "d": {...}}`. Tests feed `d` through discord.py's own ConnectionState parser for `t`.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

from discord.utils import time_snowflake

FIXTURES = Path(__file__).parent / "fixtures"


@cache
def _read(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def load(name: str) -> dict[str, Any]:
    """A fresh copy of fixture `name` (the whole dispatch: op, t, s, d)."""
    return copy.deepcopy(_read(name if name.endswith(".json") else f"{name}.json"))


# Ids used across the fixtures (a server "Community Garden Co-op" with #general and #mods).
_ready, _guild = _read("ready.json")["d"], _read("guild_create.json")["d"]
BOT = _ready["user"]
BOT_ID = BOT["id"]
APP_ID = _ready["application"]["id"]
GUILD = _guild["id"]
GENERAL = next(c["id"] for c in _guild["channels"] if c["name"] == "general")
MODS = next(c["id"] for c in _guild["channels"] if c["name"] == "mods")
THREAD = _read("thread_create.json")["d"]["id"]
BOT_ROLE = next(r["id"] for r in _guild["roles"] if r.get("tags", {}).get("bot_id") == BOT_ID)


def _user_from(fixture: str) -> dict[str, Any]:
    return _read(fixture)["d"]["author"]


USERS: dict[str, dict[str, Any]] = {
    "alice": _user_from("message_create.json"),
    "bob": _user_from("message_create_mention.json"),
    "cara": _user_from("message_create_reply_to_bot.json"),
    "dana": _read("interaction_create_goal.json")["d"]["member"]["user"],
    "otherbot": _user_from("message_create_other_bot.json"),
}

T0 = dt.datetime(2024, 3, 5, 14, 0, tzinfo=dt.UTC)


def at(seconds: float) -> tuple[str, str]:
    """A (snowflake id, ISO timestamp) pair `seconds` after T0, as Discord would mint them."""
    when = T0 + dt.timedelta(seconds=seconds)
    return str(time_snowflake(when) + int(seconds * 1000) % 4096), when.isoformat()


def chat(who: str, content: str, seconds: float, *, channel: str = GENERAL,
         reply_to: dict[str, Any] | None = None) -> dict[str, Any]:
    """MESSAGE_CREATE from the captured shape, by `who` in `channel`, `seconds` after T0."""
    payload = load("message_create.json")
    d = payload["d"]
    mid, ts = at(seconds)
    d.update(id=mid, timestamp=ts, content=content, channel_id=channel, author=USERS[who],
             nonce=str(int(mid) + 4096))
    if channel == THREAD:
        d["channel_type"] = 11
        d["position"] = 1
    if reply_to is not None:
        ref = copy.deepcopy(reply_to)
        for key in ("member", "guild_id", "channel_type", "nonce"):
            ref.pop(key, None)
        d["type"] = 19
        d["message_reference"] = {"type": 0, "channel_id": ref["channel_id"],
                                  "message_id": ref["id"], "guild_id": GUILD}
        d["referenced_message"] = ref
    return payload


def member_add(who: str, seconds: float) -> dict[str, Any]:
    payload = load("guild_member_add.json")
    payload["d"]["user"] = USERS[who]
    payload["d"]["joined_at"] = at(seconds)[1]
    return payload
