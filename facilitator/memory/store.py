"""The room store: one round trip to load a room, one atomic compare-and-set to save it.

Concurrency is optimistic: a save names the version it loaded and fails if another worker
saved first; the caller reloads and re-applies. Event ids are remembered per room, so the
same event twice changes nothing the second time.

A stored state that cannot be decoded is never silently replaced: it is copied aside under
`fac:{room}:quarantine`, logged as an error and counted, and the room refuses every save
(`RoomQuarantined`) until an operator runs `facilitator room reset ROOM`.

A person -> rooms index (`fac:member-rooms:<person>`, a set) lets `forget` visit only the
rooms that hold that person; it rewrites them keeping each room's remaining time to live.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import redis.asyncio as aioredis
from pydantic import ValidationError
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import RedisError

from facilitator.config import Settings
from facilitator.memory.keys import (
    STATE_PATTERN,
    member_rooms_key,
    quarantine_key,
    room_of,
    seen_key,
    state_key,
)
from facilitator.memory.server import EmbeddedServer, EmbeddedServerError, running_durable_socket
from facilitator.memory.state import RoomState
from facilitator.memory.update import forget_member
from facilitator.redact import redact

log = logging.getLogger(__name__)

SEEN_CAP = 1000  # event ids remembered per room: platform retries arrive within minutes

# KEYS: state hash, seen zset, quarantine. ARGV: expected version ('' for a new room), state
# JSON, event id ('' for none), ttl seconds ('' keeps the current time to live), seen cap.
# Returns the new version, 0 when another writer saved first, -1 when the room is quarantined.
_SAVE_LUA = """
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local current = redis.call('HGET', KEYS[1], 'ver')
if (current or '') ~= ARGV[1] then return 0 end
local ver = tonumber(current or '0') + 1
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'ver', ver)
if ARGV[4] ~= '' then redis.call('EXPIRE', KEYS[1], ARGV[4]) end
if ARGV[3] ~= '' then
  redis.call('ZADD', KEYS[2], ver, ARGV[3])
  local n = redis.call('ZCARD', KEYS[2])
  if n > tonumber(ARGV[5]) then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, n - tonumber(ARGV[5]) - 1) end
end
if ARGV[4] ~= '' and redis.call('EXISTS', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ARGV[4]) end
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
INDEXED_CACHE = 50_000  # (room, person) pairs this worker knows are in the index
INDEX_REFRESH_S = 86_400.0  # re-assert an index entry (and its TTL) at least this often
INDEX_BUILT = "fac:member-rooms:built"  # set once every room has been indexed


class StoreUnavailable(RuntimeError):
    """Redis cannot be reached; the message names the URL (password masked)."""


class RoomQuarantined(RuntimeError):
    """The room's stored state could not be decoded; it is kept aside and the room refuses
    to be overwritten until an operator runs `facilitator room reset ROOM`."""

    def __init__(self, room: str) -> None:
        super().__init__(f"room {room}: stored state is unreadable and kept aside; "
                         f"`facilitator room reset {room}` starts it afresh")
        self.room = room


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
        self._indexed: OrderedDict[tuple[str, str], float] = OrderedDict()
        self.roundtrips = 0  # counted for the benchmark
        self.quarantined = 0  # rooms found unreadable by this process
        self.server: EmbeddedServer | None = None  # the embedded server we launched, if any

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
            state = await self._decode(room, raw or None)
        return Loaded(state, version, bool(seen))

    async def _decode(self, room: str, raw: bytes | None) -> RoomState:
        if raw is None:
            return RoomState(room=room)
        try:
            return RoomState.model_validate_json(raw)
        except (ValidationError, ValueError, RecursionError) as exc:
            # Never replace it silently: the next save would make the loss permanent.
            kept = await self.client.set(quarantine_key(room), raw, nx=True, ex=self.retention_s)
            if kept:
                self.quarantined += 1
                log.error("room %s: stored state unreadable (%d bytes), kept aside under %s; "
                          "the room is paused until `facilitator room reset %s`: %s",
                          room, len(raw), quarantine_key(room), room, str(exc)[:300])
            raise RoomQuarantined(room) from None

    async def save(self, state: RoomState, version: str, event_id: str | None = None, *,
                   keep_ttl: bool = False) -> bool:
        """Atomic compare-and-set. False when another writer saved this room first.

        `keep_ttl` leaves the room's expiry where it is (admin rewrites such as `forget`
        must not extend how long a room is kept)."""
        room = state.room
        result = await self._save(
            keys=[state_key(room), seen_key(room), quarantine_key(room)],
            args=[version, state.model_dump_json(), event_id or "",
                  "" if keep_ttl else self.retention_s, SEEN_CAP],
        )
        self.roundtrips += 1
        if result == -1:
            raise RoomQuarantined(room)
        if not result:
            return False
        self._held[room] = (str(result), state)
        self._held.move_to_end(room)
        while len(self._held) > CACHE_ROOMS:
            self._held.popitem(last=False)
        if not keep_ttl:
            await self._index_members(room, state)
        return True

    async def _index_members(self, room: str, state: RoomState) -> None:
        """Person -> rooms entries for the room's participants this worker has not yet
        written recently; usually none, so no round trip."""
        now = time.monotonic()
        fresh = [pid for pid in state.participants
                 if now - self._indexed.get((room, pid), -INDEX_REFRESH_S) >= INDEX_REFRESH_S]
        if not fresh:
            return
        pipe = self.client.pipeline(transaction=False)
        for pid in fresh:
            pipe.sadd(member_rooms_key(pid), room)
            # The index outlives any one room it names; a room gone stale is skipped by forget.
            pipe.expire(member_rooms_key(pid), self.retention_s)
        await pipe.execute()
        for pid in fresh:
            self._indexed[(room, pid)] = now
            self._indexed.move_to_end((room, pid))
        while len(self._indexed) > INDEXED_CACHE:
            self._indexed.popitem(last=False)

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

    async def rooms_of(self, member_id: str) -> list[str]:
        """The rooms that hold this person (from the index; built once for older data)."""
        if not await self.client.exists(INDEX_BUILT):
            await self.build_member_index()
        found = await self.client.smembers(member_rooms_key(member_id))
        return sorted(_text(r) for r in found)

    async def build_member_index(self) -> int:
        """Index every stored room's participants (rooms saved before the index existed)."""
        indexed = 0
        for room in await self.rooms():
            try:
                state = await self.get(room)
            except RoomQuarantined:
                continue
            if state is not None:
                await self._index_members(room, state)
                indexed += 1
        await self.client.set(INDEX_BUILT, "1")
        return indexed

    async def forget(self, member_id: str) -> int:
        """Remove a person's messages and entries from the rooms that hold them; how many
        rooms had any. Only those rooms are rewritten, and their expiry does not move."""
        touched = 0
        for room in await self.rooms_of(member_id):
            for _ in range(20):
                try:
                    loaded = await self.load(room)
                except RoomQuarantined:
                    log.error("room %s: quarantined; %s could not be forgotten there yet",
                              room, member_id)
                    break
                if not loaded.version:
                    break  # expired since it was indexed: nothing left to forget
                # Storage calls the tracker hook; the lead is moving it (DESIGN.md layout).
                if not forget_member(loaded.state, member_id):
                    break
                if await self.save(loaded.state, loaded.version, keep_ttl=True):
                    touched += 1
                    break
            else:
                raise RuntimeError(f"room {room}: too many conflicting writers")
        await self.client.delete(member_rooms_key(member_id))
        for key in [k for k in self._indexed if k[1] == member_id]:
            del self._indexed[key]
        return touched

    async def get(self, room: str) -> RoomState | None:
        raw = await self.client.hget(state_key(room), "state")
        return None if raw is None else await self._decode(room, raw)

    async def quarantined_state(self, room: str) -> bytes | None:
        raw = await self.client.get(quarantine_key(room))
        return None if raw is None else bytes(raw)

    async def reset(self, room: str) -> bytes | None:
        """The operator's act on a quarantined room: drop its keys (state, seen, the copy
        kept aside) so it starts afresh. Returns the copy that was kept aside, if any."""
        kept = await self.quarantined_state(room)
        await self.delete(room)
        await self.client.delete(quarantine_key(room))
        return kept

    async def delete_workspace(self, platform: str, workspace: str) -> int:
        """Delete every room of one workspace or server (the app was uninstalled)."""
        prefix = f"{platform}:{workspace}:"
        gone = 0
        for room in await self.rooms():
            if room.startswith(prefix):
                await self.delete(room)
                await self.client.delete(quarantine_key(room))
                gone += 1
        return gone

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
async def open_store(settings: Settings, *, durable: bool = False,
                     exclusive: bool = False) -> AsyncIterator[RoomStore]:
    """A store on FACILITATOR_REDIS_URL, else on a private embedded server.

    `durable` keeps memory in the data folder across restarts (single-machine `run`), with
    the server supervised: restarted from its append-only file if it dies. Otherwise the
    embedded server is throwaway. A durable data folder already served by another process is
    joined (short admin commands: `room`, `forget`) or, with `exclusive` (`run`), refused
    with a one-line reason: when that other process stopped, ours would lose its store.
    """
    server: EmbeddedServer | None = None
    url = settings.redis_url
    if url is None and durable:
        url = running_durable_socket(settings.data_dir)
        if url is not None and exclusive:
            raise EmbeddedServerError(
                f"another facilitator process is running on the data folder {settings.data_dir}; "
                "stop it, or give this one its own FACILITATOR_DATA_DIR or a shared "
                "FACILITATOR_REDIS_URL")
        if url is None:
            server = EmbeddedServer(data_dir=Path(settings.data_dir), supervise=True)
    elif url is None:
        server = EmbeddedServer()
    try:
        if server is not None:
            url = await server.start()
        assert url is not None
        client = await connect_url(url)
        try:
            store = RoomStore(client, retention_s=settings.retention_s)
            store.server = server
            yield store
        finally:
            await client.aclose()
    finally:
        if server is not None:
            await server.stop()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
