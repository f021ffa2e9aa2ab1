"""How a room is stored: its fast-changing parts apart, and only what changed is written.

A room is its *core* (the scalars, charter, rolling signals, usage, terms: JSON in the state
hash's `state` field) plus *parts*, each a Redis list under the room's hash tag with one
compact JSON item per element: the recent window, the bot's log, the minute history, the
questions, proposals, decisions and actions, and the participants and relations (a dict part:
each item is `"<key>":{...}`, so the items joined by commas are a JSON object).

Saving compares the state against the snapshot taken when it was loaded (or last saved):
an item that is the same object with the same field values is not re-encoded or sent. A part
whose items were only trimmed at the front, changed in place and appended to is written as a
delta (LTRIM, LSET, RPUSH); any other change rewrites that part. The core is sent only when
its bytes changed. Loading splices the core and the parts back into one JSON document and
validates it in one call, so a room decodes exactly as the whole-state JSON did.

Why JSON and not msgpack: measured on a busy room (21.5 KB of JSON), pydantic's own JSON
serializer and validator (Rust) beat `model_dump` + `msgpack.packb` (126 + 191 µs vs 114 µs to
encode) and `msgpack.unpackb` + `model_validate` (1.1 ms vs 0.57 ms to decode): the Python
dicts in between cost more than msgpack's smaller bytes save. Writing only what changed is
where the time is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from facilitator.memory.state import RoomState

LIST_PARTS = ("window", "bot_log", "history", "questions", "proposals", "decisions", "actions")
DICT_PARTS = ("participants", "relations")
PARTS = LIST_PARTS + DICT_PARTS
_EXCLUDE = set(PARTS)
FORMAT = b"2"  # the state hash's `fmt`: absent for rooms saved whole (one JSON blob)

# A room held in memory takes several times its JSON: measured with tracemalloc on busy bench
# rooms of 24-28 KB of JSON, the decoded state 6.3-6.5 times, the snapshot kept for the next
# save's comparison 1.9-2.1 times more. The cache counts bytes of JSON times this.
DECODED_PER_JSON_BYTE = 9


@dataclass(slots=True)
class PartSnap:
    """The items of one part as last stored: the objects, their field values, their size."""

    objs: list[Any] = field(default_factory=list)  # kept alive, so their ids stay theirs
    ids: list[int] = field(default_factory=list)
    keys: list[str] | None = None  # dict parts: the keys, in order
    values: list[dict[str, Any]] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)

    @property
    def bytes(self) -> int:
        return sum(self.sizes)


@dataclass(slots=True)
class Snapshot:
    """What the store holds for a room at one version; None parts are rewritten whole."""

    core: bytes
    parts: dict[str, PartSnap | None]

    @property
    def bytes(self) -> int:
        return len(self.core) + sum(p.bytes for p in self.parts.values() if p is not None)


def _values(obj: Any) -> dict[str, Any]:
    # Items hold only scalars and lists or dicts of scalars; a shallow copy of those is a
    # faithful record of the item's state that `==` compares in C.
    return {k: (v.copy() if isinstance(v, (list, dict)) else v) for k, v in obj.__dict__.items()}


def _encode_item(obj: Any, key: str | None) -> bytes:
    body: bytes = obj.__pydantic_serializer__.to_json(obj)
    if key is None:
        return body
    return json.dumps(key).encode() + b":" + body


def _items(state: RoomState, name: str) -> tuple[list[Any], list[str] | None]:
    value = getattr(state, name)
    if isinstance(value, dict):
        return list(value.values()), list(value.keys())
    return list(value), None


@dataclass(slots=True)
class Delta:
    """What one save sends: the core (None: unchanged) and per part its operations."""

    core: bytes | None
    ops: dict[str, list[bytes | str | int]]  # part -> script arguments (see memory/lua/save.lua)
    snapshot: Snapshot
    written: int = 0  # bytes sent


def encode(state: RoomState, base: Snapshot | None) -> Delta:
    """The smallest write that turns `base` (what the store holds) into `state`."""
    core: bytes = state.__pydantic_serializer__.to_json(state, exclude=_EXCLUDE)
    send_core = base is None or core != base.core
    delta = Delta(core if send_core else None, {}, Snapshot(core, {}))
    delta.written = len(core) if send_core else 0
    for name in PARTS:
        objs, keys = _items(state, name)
        old = base.parts.get(name) if base is not None else None
        ops, snap, written = _diff(objs, keys, old)
        delta.ops[name] = ops
        delta.snapshot.parts[name] = snap
        delta.written += written
    return delta


def _diff(objs: list[Any], keys: list[str] | None,
          old: PartSnap | None) -> tuple[list[bytes | str | int], PartSnap, int]:
    ids = list(map(id, objs))
    start = _align(ids, keys, old)
    if old is None or start is None:
        # Rewrite: every item encoded afresh.
        encoded = [_encode_item(o, None if keys is None else keys[i]) for i, o in enumerate(objs)]
        snap = PartSnap(objs, ids, keys, [_values(o) for o in objs], [len(e) for e in encoded])
        return ["w", len(encoded), *encoded], snap, sum(snap.sizes)
    kept = len(old.objs) - start
    # Compared in C, list against list: the common case is that nothing kept has changed.
    values = old.values[start:]
    sizes = old.sizes[start:]
    sets: list[bytes | str | int] = []
    if [o.__dict__ for o in objs[:kept]] != values:
        for j in range(kept):
            obj = objs[j]
            if obj.__dict__ != values[j]:
                enc = _encode_item(obj, None if keys is None else keys[j])
                sets += [j, enc]
                values[j] = _values(obj)
                sizes[j] = len(enc)
    pushes = [_encode_item(objs[j], None if keys is None else keys[j])
              for j in range(kept, len(objs))]
    values += [_values(o) for o in objs[kept:]]
    sizes += map(len, pushes)
    snap = PartSnap(objs, ids, keys, values, sizes)
    if not start and not sets and not pushes:
        return ["k"], snap, 0
    written = sum(len(v) for v in sets[1::2] if isinstance(v, bytes)) + sum(map(len, pushes))
    return (["d", len(old.objs), start, len(sets) // 2, *sets, len(pushes), *pushes], snap,
            written)


def _align(ids: list[int], keys: list[str] | None, old: PartSnap | None) -> int | None:
    """How many items were trimmed from the front of `old` if the items now are what remains
    of it (the same objects, in order, under the same keys) followed by new items; else None.
    Ids are safe to compare: the snapshot keeps its objects alive, so none is reused."""
    if old is None:
        return None
    if not old.ids:
        return 0  # everything is appended
    if not ids:
        return None  # emptied: rewritten to nothing
    try:
        start = old.ids.index(ids[0])
    except ValueError:
        return None
    kept = len(old.ids) - start
    if kept > len(ids) or ids[:kept] != old.ids[start:]:
        return None
    if keys is not None and (old.keys is None or keys[:kept] != old.keys[start:]):
        return None
    return start


def snapshot_of(state: RoomState, core: bytes | None, parts: dict[str, list[bytes]] | None
                ) -> Snapshot:
    """The snapshot of a state just decoded from what the store holds. `parts` None: the
    room was stored whole (the old format), so the first save rewrites every part."""
    snap = Snapshot(core or b"", {})
    for name in PARTS:
        if parts is None:
            snap.parts[name] = None
            continue
        objs, keys = _items(state, name)
        raw = parts.get(name, [])
        if len(raw) != len(objs):
            snap.parts[name] = None
            continue
        snap.parts[name] = PartSnap(objs, list(map(id, objs)), keys, [_values(o) for o in objs],
                                    [len(r) for r in raw])
    return snap


def assemble(core: bytes, parts: dict[str, list[bytes]] | None) -> bytes:
    """One JSON document of the whole room, as `RoomState.model_validate_json` reads it."""
    if parts is None:
        return core
    pieces = [core.rstrip()[:-1]]
    for name in LIST_PARTS:
        pieces.append(b',"' + name.encode() + b'":[' + b",".join(parts.get(name, [])) + b"]")
    for name in DICT_PARTS:
        pieces.append(b',"' + name.encode() + b'":{' + b",".join(parts.get(name, [])) + b"}")
    pieces.append(b"}")
    return b"".join(pieces)
