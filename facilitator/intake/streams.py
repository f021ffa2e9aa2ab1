"""The durable intake: events go into Redis Streams before the platform is acknowledged.

Layout (the same on one server, an external Redis and a Cluster):

    fac:intake:{slack-s07}:events   stream of Slack's shard 7: one entry per event, field `e`
                                    = the ChatEvent's JSON
    fac:intake:{slack-s07}:lease    who owns it right now (SET NX PX, renewed by the owner)
    fac:intake:slack:workers        sorted set: live Slack workers, scored by heartbeat end

Each platform has its own streams and workers (a Slack worker can only post to Slack). A room
always maps to the same shard (CRC-32 of its key modulo the shard count), so the one worker
holding a shard's lease sees that room's events in stream order. The hash tag keeps a shard's
stream and lease on one Cluster slot; shards spread over the slots.

Bound: each stream is trimmed at about `maxlen` entries (XADD MAXLEN ~; default 100,000 per
shard, so 1.6 M events with 16 shards). Trimming drops the oldest entries even if no worker
has read them: the bound is meant to be reached only when every worker has been down for a
long time (at 100 events/s, more than 4 hours). The shard count must be the same in every
process; change it only with the streams drained (see deploy/OPERATIONS.md).
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import ResponseError

from facilitator.config import Settings
from facilitator.events import ChatEvent
from facilitator.memory.keys import tag
from facilitator.web.metrics import Metrics

log = logging.getLogger(__name__)

GROUP = "workers"
FIELD = b"e"
DEFAULT_SHARDS = 16
DEFAULT_MAXLEN = 100_000
DEFAULT_ATTEMPTS = 5  # tries of one entry before it goes to the dead letters (intake/dead.py)


def shard_tag(shard: int, platform: str) -> str:
    return f"{tag(platform)}-s{shard:02d}"


def stream_key(shard: int, platform: str) -> str:
    return f"fac:intake:{{{shard_tag(shard, platform)}}}:events"


def lease_key(shard: int, platform: str) -> str:
    return f"fac:intake:{{{shard_tag(shard, platform)}}}:lease"


def workers_key(platform: str) -> str:
    return f"fac:intake:{tag(platform)}:workers"


def shard_of(room_key: str, shards: int) -> int:
    """Stable in every process and every Python (no `hash()`, which is salted per process)."""
    return zlib.crc32(room_key.encode("utf-8", "surrogatepass")) % shards


@dataclass(frozen=True, slots=True)
class IntakeConfig:
    shards: int = DEFAULT_SHARDS
    maxlen: int = DEFAULT_MAXLEN
    attempts: int = DEFAULT_ATTEMPTS

    @classmethod
    def from_settings(cls, settings: Settings) -> IntakeConfig:
        """FACILITATOR_INTAKE_SHARDS, _MAXLEN and _ATTEMPTS (checked by Settings)."""
        return cls(shards=settings.intake_shards, maxlen=settings.intake_maxlen,
                   attempts=settings.intake_attempts)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> IntakeConfig:
        """The same, from a mapping of variables (a container file's environment)."""
        return cls.from_settings(Settings.from_env(env))


class Intake:
    """Append one platform's events (its adapter) and describe its streams (metrics, workers)."""

    def __init__(self, client: Redis | RedisCluster, config: IntakeConfig | None = None, *,
                 platform: str, metrics: Metrics | None = None) -> None:
        self.client = client
        self.platform = platform
        self.config = config or IntakeConfig()
        self.metrics = metrics or Metrics()
        self._groups_ready: set[int] = set()

    @property
    def shards(self) -> int:
        return self.config.shards

    def shard_of(self, room_key: str) -> int:
        return shard_of(room_key, self.config.shards)

    def stream(self, shard: int) -> str:
        return stream_key(shard, self.platform)

    def lease(self, shard: int) -> str:
        return lease_key(shard, self.platform)

    def tag(self, shard: int) -> str:
        return shard_tag(shard, self.platform)

    async def ensure_group(self, shard: int) -> None:
        if shard in self._groups_ready:
            return
        try:
            # From the stream's start: entries added before any worker existed are read too.
            await self.client.xgroup_create(self.stream(shard), GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._groups_ready.add(shard)

    async def append(self, event: ChatEvent) -> str:
        """Durably queue one event; raises when the store cannot take it (do not ack then)."""
        if event.room.platform != self.platform:
            raise ValueError(f"a {event.room.platform} event in the {self.platform} intake")
        shard = self.shard_of(event.room.key)
        await self.ensure_group(shard)
        with self.metrics.store_op("xadd"):
            entry = await self.client.xadd(self.stream(shard), {FIELD: event.model_dump_json()},
                                           maxlen=self.config.maxlen, approximate=True)
        self.metrics.events.labels(event.room.platform, event.kind.value).inc()
        return entry.decode() if isinstance(entry, bytes) else str(entry)

    async def stream_rows(self) -> list[tuple[str, int, int]]:
        """(shard, length, pending) for every shard, for /metrics."""
        rows: list[tuple[str, int, int]] = []
        for shard in range(self.config.shards):
            key = self.stream(shard)
            length = int(await self.client.xlen(key))
            pending = 0
            if length:
                try:
                    summary = await self.client.xpending(key, GROUP)
                    pending = int(summary.get("pending", 0) or 0)
                except ResponseError:
                    pending = 0  # no group yet
            rows.append((self.tag(shard), length, pending))
        return rows
