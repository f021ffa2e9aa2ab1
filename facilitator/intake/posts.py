"""Posts happen once: the intent is saved before posting, and a worker that takes over an event
asks the platform whether the post already went out before posting again.

Ledger: `fac:{<room>}:posts`, a hash under the room's tag (same Cluster slot as its state):
field = trigger event id, value = JSON {"text", "state": "intent" | "posted" | "failed", "id"}.
It expires LEDGER_TTL_S after its last write, so it stays small (the bot speaks rarely).

What is still possible, and how rarely:
- Slack: a worker dies after chat.postMessage returned but before the ledger says "posted",
  and the post has since scrolled out of the last HISTORY_LIMIT messages of the channel (or
  thread) before another worker takes over (the lease runs out in seconds): posted twice.
  A post Slack accepted but whose answer never reached us is found the same way.
- Discord: the message nonce with `enforce_nonce` makes Discord return the first message for a
  repeated nonce, but only for a few minutes; a takeover later than that may post again.
- Both: a post the platform refused is logged and counted, not retried (the bot's words are
  about that moment; later they would be out of place).
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster

from facilitator.events import RoomRef
from facilitator.memory.keys import PREFIX, tag

log = logging.getLogger(__name__)
LEDGER_TTL_S = 7 * 24 * 3600
HISTORY_LIMIT = 100
METADATA_TYPE = "facilitator_post"


def ledger_key(room_key: str) -> str:
    return f"{PREFIX}:{{{tag(room_key)}}}:posts"


class Sender(Protocol):
    """Posting that carries the trigger event id, and a way to ask whether it went out."""

    name: str  # the platform, as in metrics labels

    async def post(self, room: RoomRef, text: str, *, trigger: str) -> str | None: ...

    async def find(self, room: RoomRef, trigger: str) -> str | None:
        """The platform id of the post made for `trigger`, or None when none is found."""
        ...


class Ledger:
    def __init__(self, client: Redis | RedisCluster) -> None:
        self.client = client

    async def get(self, room_key: str, trigger: str) -> dict[str, Any] | None:
        raw = await self.client.hget(ledger_key(room_key), trigger)
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    async def put(self, room_key: str, trigger: str, text: str, state: str,
                  posted_id: str | None = None) -> None:
        key = ledger_key(room_key)
        value = json.dumps({"text": text, "state": state, "id": posted_id})
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.hset(key, trigger, value)
            pipe.expire(key, LEDGER_TTL_S)
            await pipe.execute()


def discord_nonce(trigger: str) -> str:
    """Discord nonces are at most 25 characters; the same trigger always gives the same one."""
    return hashlib.sha1(trigger.encode("utf-8", "surrogatepass")).hexdigest()[:25]


def slack_metadata(trigger: str) -> dict[str, Any]:
    return {"event_type": METADATA_TYPE, "event_payload": {"trigger": trigger}}


def metadata_trigger(message: dict[str, Any]) -> str | None:
    meta = message.get("metadata") or {}
    if meta.get("event_type") != METADATA_TYPE:
        return None
    payload = meta.get("event_payload") or {}
    trigger = payload.get("trigger")
    return str(trigger) if trigger is not None else None
