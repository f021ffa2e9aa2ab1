"""The room store: one round trip to load a room, one atomic compare-and-set to save it.

Concurrency is optimistic: a save names the version it loaded and fails if another worker
saved first; the caller reloads and re-applies. Event ids are remembered per room, so the
same event twice changes nothing the second time.
"""

from __future__ import annotations

import contextlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import redis.asyncio as aioredis
from pydantic import ValidationError
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import RedisError

from facilitator.config import Settings
from facilitator.memory.keys import STATE_PATTERN, room_of, seen_key, state_key
from facilitator.memory.server import EmbeddedServer, running_durable_socket
from facilitator.memory.state import RoomState
from facilitator.memory.update import forget_member
from facilitator.redact import redact

log = logging.getLogger(__name__)

SEEN_CAP = 1000  # event ids remembered per room: platform retries arrive within minutes

# KEYS: state hash, seen zset. ARGV: expected version ('' for a new room), state JSON,
# event id ('' for none), ttl seconds, seen cap.
_SAVE_LUA = """
local current = redis.call('HGET', KEYS[1], 'ver')
if (current or '') ~= ARGV[1] then return 0 end
local ver = tonumber(current or '0') + 1
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'ver', ver)
redis.call('EXPIRE', KEYS[1], ARGV[4])
if ARGV[3] ~= '' then
  redis.call('ZADD', KEYS[2], ver, ARGV[3])
  local n = redis.call('ZCARD', KEYS[2])
  if n > tonumber(ARGV[5]) then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, n - tonumber(ARGV[5]) - 1) end
end
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ARGV[4]) end
return ver
"""


# KEYS: state hash, seen zset. ARGV: the version this worker holds in memory ('' for none),
# event id ('' for none). Returns {version, state JSON or false when the held one is current,
# 1 if the event was seen}. One round trip; the blob travels only when it changed elsewhere.
_LOAD_LUA = """
local ver = redis.call('HGET', KEYS[1], 'ver') or ''
local seen = 0
if ARGV[2] ~= '' and redis.call('ZSCORE', KEYS[2], ARGV[2]) then seen = 1 end
if ver ~= '' and ver == ARGV[1] then return {ver, false, seen} end
return {ver, redis.call('HGET', KEYS[1], 'state') or false, seen}
"""
CACHE_ROOMS = 2000  # rooms whose last saved state this worker keeps decoded in memory


class StoreUnavailable(RuntimeError):
    """Redis cannot be reached; the message names the URL."""


@dataclass(slots=True)
class Loaded:
    state: RoomState
    version: str  # '' when the room is new
    duplicate: bool  # this event id was already applied


class RoomStore:
    """Rooms in Redis, with the last state this worker saved kept decoded in memory.

    The memory is only a shortcut: every load asks Redis for the room's version, and the
    stored blob is fetched and decoded whenever another worker has saved since.
    """

    def __init__(self, client: aioredis.Redis | RedisCluster, *, retention_s: int) -> None:
        self.client = client
        self.retention_s = retention_s
        self._load = client.register_script(_LOAD_LUA)
        self._save = client.register_script(_SAVE_LUA)
        self._held: OrderedDict[str, tuple[str, RoomState]] = OrderedDict()
        self.roundtrips = 0  # counted for the benchmark

    async def load(self, room: str, event_id: str | None = None) -> Loaded:
        # The caller will mutate the state: take it out of memory until it is saved again.
        held = self._held.pop(room, None)
        ver_raw, raw, seen = await self._load(keys=[state_key(room), seen_key(room)],
                                              args=[held[0] if held else "", event_id or ""])
        self.roundtrips += 1
        version = ver_raw.decode() if isinstance(ver_raw, bytes) else str(ver_raw or "")
        if held is not None and not raw and version == held[0]:
            state = held[1]
        else:
            state = self._decode(room, raw or None)
        return Loaded(state, version, bool(seen))

    def _decode(self, room: str, raw: bytes | None) -> RoomState:
        if raw is None:
            return RoomState(room=room)
        try:
            return RoomState.model_validate_json(raw)
        except ValidationError as exc:
            # A corrupt blob must not take the bot down: start the room afresh and say so.
            log.error("room %s: stored state unreadable, starting fresh: %s", room, exc)
            return RoomState(room=room)

    async def save(self, state: RoomState, version: str, event_id: str | None = None) -> bool:
        """Atomic compare-and-set. False when another writer saved this room first."""
        room = state.room
        result = await self._save(
            keys=[state_key(room), seen_key(room)],
            args=[version, state.model_dump_json(), event_id or "", self.retention_s, SEEN_CAP],
        )
        self.roundtrips += 1
        if not result:
            return False
        self._held[room] = (str(result), state)
        self._held.move_to_end(room)
        while len(self._held) > CACHE_ROOMS:
            self._held.popitem(last=False)
        return True

    async def update(
        self,
        room: str,
        change: Callable[[RoomState], Awaitable[object] | object],
        *,
        attempts: int = 20,
    ) -> RoomState:
        """Load, change, save; retried on conflicting writers. For admin paths."""
        for _ in range(attempts):
            loaded = await self.load(room)
            outcome = change(loaded.state)
            if isinstance(outcome, Awaitable):
                await outcome
            if await self.save(loaded.state, loaded.version):
                return loaded.state
        raise RuntimeError(f"room {room}: too many conflicting writers")

    async def forget(self, member_id: str) -> int:
        """Remove a person's messages and entries from every room; how many rooms had any."""
        touched = 0
        for room in await self.rooms():
            hit = False

            def change(state: RoomState) -> None:
                nonlocal hit
                hit = forget_member(state, member_id)

            await self.update(room, change)
            touched += hit
        return touched

    async def get(self, room: str) -> RoomState | None:
        raw = await self.client.hget(state_key(room), "state")
        return None if raw is None else self._decode(room, raw)

    async def rooms(self) -> list[str]:
        found: set[str] = set()
        async for key in self.client.scan_iter(match=STATE_PATTERN, count=500):
            name = room_of(key.decode() if isinstance(key, bytes) else key)
            if name is not None:
                found.add(name)
        return sorted(found)

    async def delete(self, room: str) -> None:
        self._held.pop(room, None)
        # Separate calls: each key is a single-slot command, safe on a cluster.
        await self.client.delete(state_key(room))
        await self.client.delete(seen_key(room))

    async def footprint(self, room: str) -> int:
        """Bytes Redis uses for the room's keys."""
        total = 0
        for key in (state_key(room), seen_key(room)):
            total += await self.client.memory_usage(key) or 0
        return total


async def connect_url(url: str) -> aioredis.Redis | RedisCluster:
    cluster = "cluster=true" in url or "cluster=1" in url
    clean = url.replace("?cluster=true", "").replace("?cluster=1", "")
    try:
        client: aioredis.Redis | RedisCluster
        if cluster:
            client = RedisCluster.from_url(clean)
            await client.initialize()
        else:
            client = aioredis.from_url(clean)
        await client.ping()
    except (RedisError, OSError, ValueError) as exc:
        # The URL may carry a password; neither it nor the driver's text may print it.
        raise StoreUnavailable(f"cannot reach Redis at {redact(url)}: {redact(str(exc))}") from None
    return client


@contextlib.asynccontextmanager
async def open_store(settings: Settings, *, durable: bool = False) -> AsyncIterator[RoomStore]:
    """A store on FACILITATOR_REDIS_URL, else on a private embedded server.

    `durable` keeps memory in the data folder across restarts (single-machine `run`);
    otherwise the embedded server is throwaway.
    """
    server: EmbeddedServer | None = None
    url = settings.redis_url
    if url is None and durable:
        url = running_durable_socket(settings.data_dir)
        if url is None:
            server = EmbeddedServer(data_dir=Path(settings.data_dir))
    elif url is None:
        server = EmbeddedServer()
    try:
        if server is not None:
            url = await server.start()
        assert url is not None
        client = await connect_url(url)
        try:
            yield RoomStore(client, retention_s=settings.retention_s)
        finally:
            await client.aclose()
    finally:
        if server is not None:
            await server.stop()
