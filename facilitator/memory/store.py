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
from dataclasses import dataclass, field
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
from pydantic import ValidationError
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import NoScriptError, RedisError

from facilitator.config import Settings
from facilitator.config.redact import redact
from facilitator.memory.codec import (
    DECODED_PER_JSON_BYTE,
    PARTS,
    Snapshot,
    assemble,
    encode,
    snapshot_of,
)
from facilitator.memory.keys import (
    STATE_PATTERN,
    member_rooms_key,
    part_key,
    quarantine_key,
    room_of,
    seen_key,
    state_key,
)
from facilitator.memory.server import EmbeddedServer, EmbeddedServerError, running_durable_socket
from facilitator.memory.state import RoomState

log = logging.getLogger(__name__)

SEEN_CAP = 1000  # event ids remembered per room: platform retries arrive within minutes
# The decoded rooms a worker keeps, by estimated bytes (FACILITATOR_STATE_CACHE_MB).
CACHE_BYTES = 256 * 1024 * 1024
INDEXED_CACHE = 50_000  # (room, person) pairs this worker knows are in the index
INDEX_REFRESH_S = 86_400.0  # re-assert an index entry (and its TTL) at least this often
INDEX_BUILT = "fac:member-rooms:built"  # set once every room has been indexed
KEY_MEMO = 20_000  # rooms whose key names are kept ready
OPEN_BASES = 4096  # rooms loaded and not yet saved whose snapshot is kept for the save


class StoreUnavailable(RuntimeError):
    """Redis cannot be reached; the message names the URL (password masked)."""


class RoomQuarantined(RuntimeError):
    """The room's stored state could not be decoded; it is kept aside and the room refuses
    to be overwritten until an operator runs `facilitator room reset ROOM`."""

    def __init__(self, room_key: str) -> None:
        super().__init__(f"room {room_key}: stored state is unreadable and kept aside; "
                         f"`facilitator room reset {room_key}` starts it afresh")
        self.room_key = room_key


class Saved(Enum):
    SAVED = "saved"
    CONFLICT = "conflict"  # another writer saved first: reload and re-apply
    DUPLICATE = "duplicate"  # one of the event ids was already applied


@dataclass(slots=True)
class Loaded:
    state: RoomState
    version: str  # '' when the room is new
    duplicate: bool  # this event id was already applied
    seen: list[bool] = field(default_factory=list)  # per event id asked about (load_many)


@dataclass(slots=True)
class _Held:
    version: str
    state: RoomState
    snapshot: Snapshot
    size: int  # estimated bytes in memory


def _keys(room_key: str) -> list[str]:
    return [state_key(room_key), seen_key(room_key), quarantine_key(room_key),
            *(part_key(room_key, p) for p in PARTS)]


def lua_script(name: str) -> str:
    """A server-side script of `memory/lua/` (kept as .lua files, read once per store)."""
    return resources.files("facilitator.memory").joinpath(f"lua/{name}.lua").read_text()


class RoomStore:
    """Rooms in Redis, with the last state this worker saved kept decoded in memory.

    A worker that holds a room's current version skips the load (`take`): the save names the
    version and fails if another worker saved since, and only then is the room reloaded. The
    memory is bounded by estimated bytes (`cache_bytes`), least recently used rooms first out.
    """

    def __init__(self, client: aioredis.Redis | RedisCluster, *, retention_s: int,
                 cache_bytes: int = CACHE_BYTES) -> None:
        self.client = client
        self.retention_s = retention_s
        self.cache_bytes = cache_bytes
        self._load = client.register_script(lua_script("load"))
        self._save = client.register_script(lua_script("save"))
        self._held: OrderedDict[str, _Held] = OrderedDict()
        self._held_bytes = 0
        self._bases: OrderedDict[str, tuple[str, RoomState, Snapshot]] = OrderedDict()
        self._indexed: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._key_memo: dict[str, list[str]] = {}
        self.roundtrips = 0  # counted for the benchmark
        self.written = 0  # bytes of room data sent by saves, for the benchmark
        self.quarantined = 0  # rooms found unreadable by this process
        self.server: EmbeddedServer | None = None  # the embedded server we launched, if any

    def _keys(self, room_key: str) -> list[str]:
        # Escaping the room for each of its keys costs more than the save's other work.
        keys = self._key_memo.get(room_key)
        if keys is None:
            if len(self._key_memo) >= KEY_MEMO:
                self._key_memo.clear()
            keys = self._key_memo[room_key] = _keys(room_key)
        return keys

    @property
    def cached_bytes(self) -> int:
        return self._held_bytes

    def _unhold(self, room_key: str) -> _Held | None:
        held = self._held.pop(room_key, None)
        if held is not None:
            self._held_bytes -= held.size
        return held

    def _hold(self, room_key: str, held: _Held) -> None:
        self._unhold(room_key)
        if held.size > self.cache_bytes:
            return
        self._held[room_key] = held
        self._held_bytes += held.size
        while self._held_bytes > self.cache_bytes:
            _, old = self._held.popitem(last=False)
            self._held_bytes -= old.size

    def _open(self, room_key: str, version: str, state: RoomState, snapshot: Snapshot) -> None:
        self._bases[room_key] = (version, state, snapshot)
        self._bases.move_to_end(room_key)
        while len(self._bases) > OPEN_BASES:
            self._bases.popitem(last=False)

    def take(self, room_key: str) -> Loaded | None:
        """The room as this worker last saved it, without a round trip, or None when it is
        not held. The caller will change it: it leaves the cache until saved again. Whether
        it is still current, and whether an event was already applied, the save checks."""
        held = self._unhold(room_key)
        if held is None:
            return None
        self._open(room_key, held.version, held.state, held.snapshot)
        return Loaded(held.state, held.version, False)

    def keep(self, room_key: str, loaded: Loaded) -> None:
        """Give back an unchanged room from `take` or `load` (nothing to save)."""
        base = self._bases.pop(room_key, None)
        if base is not None and base[0] == loaded.version and base[1] is loaded.state:
            snapshot = base[2]
            self._hold(room_key, _Held(loaded.version, loaded.state, snapshot,
                                   snapshot.bytes * DECODED_PER_JSON_BYTE))

    async def load(self, room_key: str, event_id: str | None = None) -> Loaded:
        loaded = await self.load_many(room_key, [event_id] if event_id else [])
        loaded.duplicate = bool(loaded.seen and loaded.seen[0])
        return loaded

    async def load_many(self, room_key: str, event_ids: list[str]) -> Loaded:
        """One round trip: the room's current state, and which of these events it has seen."""
        # The caller will mutate the state: take it out of memory until it is saved again.
        held = self._unhold(room_key)
        keys = self._keys(room_key)
        reply = await self._load(keys=[keys[0], keys[1], *keys[3:]],
                                 args=[held.version if held else "", *event_ids])
        self.roundtrips += 1
        version = _text(reply[0] or "")
        seen = [bool(int(x)) for x in reply[3]]
        if held is not None and version == held.version:
            state, snapshot = held.state, held.snapshot
        else:
            state, snapshot = await self._decode(room_key, reply[1] or None, reply[2] or None,
                                                 reply[4:])
        self._open(room_key, version, state, snapshot)
        return Loaded(state, version, bool(seen and seen[0]), seen)

    async def _decode(self, room_key: str, core: bytes | None, fmt: bytes | None,
                      lists: list[list[bytes]]) -> tuple[RoomState, Snapshot]:
        if core is None:
            state = RoomState(room=room_key)
            return state, snapshot_of(state, None, None)
        parts = dict(zip(PARTS, lists, strict=False)) if fmt is not None else None
        raw = assemble(core, parts)
        try:
            state = RoomState.model_validate_json(raw)
        except (ValidationError, ValueError, RecursionError) as exc:
            # Never replace it silently: the next save would make the loss permanent.
            kept = await self.client.set(quarantine_key(room_key), raw, nx=True, ex=self.retention_s)
            if kept:
                self.quarantined += 1
                log.error("room %s: stored state unreadable (%d bytes), kept aside under %s; "
                          "the room is paused until `facilitator room reset %s`: %s",
                          room_key, len(raw), quarantine_key(room_key), room_key, str(exc)[:300])
            raise RoomQuarantined(room_key) from None
        return state, snapshot_of(state, core, parts)

    async def save_if_current(self, state: RoomState, version: str,
                              event_id: str | None = None, *, keep_ttl: bool = False) -> bool:
        """Atomic compare-and-set: saved only while the room is still at `version`. False
        (nothing written) when another writer saved this room first, or the event was already
        applied; the caller reloads and re-applies.

        `keep_ttl` leaves the room's expiry where it is (admin rewrites such as `forget`
        must not extend how long a room is kept)."""
        result = await self.commit(state, version, [event_id] if event_id else [],
                                   keep_ttl=keep_ttl)
        return result is Saved.SAVED

    async def commit(self, state: RoomState, version: str, event_ids: list[str], *,
                     keep_ttl: bool = False) -> Saved:
        """Save the room if it is still at `version` and none of `event_ids` was applied;
        only what changed since it was loaded is written."""
        room_key = state.room
        base = self._bases.pop(room_key, None)
        snapshot = base[2] if base is not None and base[0] == version and base[1] is state \
            else None
        delta = encode(state, snapshot)
        args: list[bytes | str | int] = [version, "" if keep_ttl else self.retention_s,
                                         SEEN_CAP, len(event_ids), *event_ids]
        args += ["k"] if delta.core is None else ["c", delta.core]
        for name in PARTS:
            args += delta.ops[name]
        fresh = [] if keep_ttl else self._unindexed(room_key, state)
        result = await self._save_and_index(room_key, self._keys(room_key), args, fresh)
        if result == -1:
            raise RoomQuarantined(room_key)
        if result == -2:
            return Saved.DUPLICATE
        if not result:
            return Saved.CONFLICT
        self.written += delta.written
        self._hold(room_key, _Held(str(result), state, delta.snapshot,
                               delta.snapshot.bytes * DECODED_PER_JSON_BYTE))
        return Saved.SAVED

    async def _save_and_index(self, room_key: str, keys: list[str], args: list[bytes | str | int],
                              fresh: list[str]) -> Any:
        """The save script, with the person -> rooms entries of new participants in the same
        round trip (one pipeline) on a single server. The entries are written even when the
        save is refused: the index only has to hold every room a person is in, and `forget`
        skips a room that does not name them. On a cluster the entries live on other slots,
        so they follow in a second round trip."""
        if not fresh or isinstance(self.client, RedisCluster):
            result = await self._save(keys=keys, args=args)
            self.roundtrips += 1
            if fresh:
                await self._write_index(room_key, fresh)
            return result
        pipe = self.client.pipeline(transaction=False)
        pipe.evalsha(self._save.sha, len(keys), *keys, *args)
        self._queue_index(pipe, room_key, fresh)
        first, *rest = await pipe.execute(raise_on_error=False)
        self.roundtrips += 1
        if isinstance(first, NoScriptError):  # a restarted server: load the script and retry
            first = await self._save(keys=keys, args=args)
            self.roundtrips += 1
        for outcome in (first, *rest):
            if isinstance(outcome, Exception):
                raise outcome
        self._mark_indexed(room_key, fresh)
        return first

    def _unindexed(self, room_key: str, state: RoomState) -> list[str]:
        """The room's participants this worker has not written to the index recently (usually
        none)."""
        now = time.monotonic()
        return [pid for pid in state.participants
                if now - self._indexed.get((room_key, pid), -INDEX_REFRESH_S) >= INDEX_REFRESH_S]

    def _queue_index(self, pipe: Any, room_key: str, people: list[str]) -> None:
        for pid in people:
            pipe.sadd(member_rooms_key(pid), room_key)
            # The index outlives any one room it names; a room gone stale is skipped by forget.
            pipe.expire(member_rooms_key(pid), self.retention_s)

    def _mark_indexed(self, room_key: str, people: list[str]) -> None:
        now = time.monotonic()
        for pid in people:
            self._indexed[(room_key, pid)] = now
            self._indexed.move_to_end((room_key, pid))
        while len(self._indexed) > INDEXED_CACHE:
            self._indexed.popitem(last=False)

    async def _write_index(self, room_key: str, people: list[str]) -> None:
        pipe = self.client.pipeline(transaction=False)
        self._queue_index(pipe, room_key, people)
        await pipe.execute()
        self.roundtrips += 1
        self._mark_indexed(room_key, people)

    async def update(
        self,
        room_key: str,
        change: Callable[[RoomState], Awaitable[object] | object],
        *,
        attempts: int = 20,
    ) -> RoomState:
        """Load, change, save; retried on conflicting writers. For admin paths (and the
        posted id after a post). A room this worker holds is changed without a load: `change`
        runs again on the stored state if another worker saved first."""
        for attempt in range(attempts):
            loaded = (self.take(room_key) if attempt == 0 else None) or await self.load(room_key)
            outcome = change(loaded.state)
            if isinstance(outcome, Awaitable):
                await outcome
            if await self.save_if_current(loaded.state, loaded.version):
                return loaded.state
        raise RuntimeError(f"room {room_key}: too many conflicting writers")

    async def rooms_of(self, member_id: str) -> list[str]:
        """The rooms that hold this person (from the index; built once for older data)."""
        if not await self.client.exists(INDEX_BUILT):
            await self.build_member_index()
        found = await self.client.smembers(member_rooms_key(member_id))
        return sorted(_text(r) for r in found)

    async def build_member_index(self) -> int:
        """Index every stored room's participants (rooms saved before the index existed)."""
        indexed = 0
        for room_key in await self.rooms():
            try:
                state = await self.get(room_key)
            except RoomQuarantined:
                continue
            if state is not None:
                fresh = self._unindexed(room_key, state)
                if fresh:
                    await self._write_index(room_key, fresh)
                indexed += 1
        await self.client.set(INDEX_BUILT, "1")
        return indexed

    async def forget(self, member_id: str, change: Callable[[RoomState, str], bool]) -> int:
        """Remove a person from the rooms that hold them with `change` (the trackers' own
        forgetting, passed in: storage knows no domain logic), which says whether the room
        changed; how many rooms did. Only those rooms are rewritten, and their expiry does
        not move."""
        touched = 0
        for room_key in await self.rooms_of(member_id):
            for _ in range(20):
                try:
                    loaded = await self.load(room_key)
                except RoomQuarantined:
                    log.error("room %s: quarantined; %s could not be forgotten there yet",
                              room_key, member_id)
                    break
                if not loaded.version:
                    break  # expired since it was indexed: nothing left to forget
                if not change(loaded.state, member_id):
                    self.keep(room_key, loaded)  # unchanged: still good to hold
                    break
                if await self.save_if_current(loaded.state, loaded.version, keep_ttl=True):
                    touched += 1
                    break
            else:
                raise RuntimeError(f"room {room_key}: too many conflicting writers")
        await self.client.delete(member_rooms_key(member_id))
        for key in [k for k in self._indexed if k[1] == member_id]:
            del self._indexed[key]
        return touched

    async def get(self, room_key: str) -> RoomState | None:
        """The room as stored (a round trip; the cache is neither used nor changed)."""
        keys = _keys(room_key)
        reply = await self._load(keys=[keys[0], keys[1], *keys[3:]], args=[""])
        if not reply[1]:
            return None
        state, _ = await self._decode(room_key, reply[1], reply[2] or None, reply[4:])
        return state

    async def quarantined_state(self, room_key: str) -> bytes | None:
        raw = await self.client.get(quarantine_key(room_key))
        return None if raw is None else bytes(raw)

    async def reset(self, room_key: str) -> bytes | None:
        """The operator's act on a quarantined room: drop its keys (state, seen, the copy
        kept aside) so it starts afresh. Returns the copy that was kept aside, if any."""
        kept = await self.quarantined_state(room_key)
        await self.delete(room_key)
        await self.client.delete(quarantine_key(room_key))
        return kept

    async def delete_workspace(self, platform: str, workspace: str) -> int:
        """Delete every room of one workspace or server (the app was uninstalled)."""
        prefix = f"{platform}:{workspace}:"
        gone = 0
        for room_key in await self.rooms():
            if room_key.startswith(prefix):
                await self.delete(room_key)
                await self.client.delete(quarantine_key(room_key))
                gone += 1
        return gone

    async def rooms(self) -> list[str]:
        found: set[str] = set()
        async for key in self.client.scan_iter(match=STATE_PATTERN, count=500):
            name = room_of(key.decode() if isinstance(key, bytes) else key)
            if name is not None:
                found.add(name)
        return sorted(found)

    async def delete(self, room_key: str) -> None:
        self._unhold(room_key)
        self._bases.pop(room_key, None)
        # Separate calls: each key is a single-slot command, safe on a cluster.
        for key in (state_key(room_key), seen_key(room_key), *(part_key(room_key, p) for p in PARTS)):
            await self.client.delete(key)

    async def footprint(self, room_key: str) -> int:
        """Bytes Redis uses for the room's keys.

        Every element counted (SAMPLES 0): by default MEMORY USAGE extrapolates from five, chosen
        by the server's randomly seeded hash order, so the same room measured up to ~10% apart.
        """
        total = 0
        for key in (state_key(room_key), seen_key(room_key), *(part_key(room_key, p) for p in PARTS)):
            total += await self.client.memory_usage(key, samples=0) or 0
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
            store = RoomStore(client, retention_s=settings.retention_s,
                              cache_bytes=settings.state_cache_bytes)
            store.server = server
            yield store
        finally:
            await client.aclose()
    finally:
        if server is not None:
            await server.stop()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
