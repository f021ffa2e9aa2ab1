"""Key layout: every key of a room carries the room in a hash tag.

`fac:{<room>}:state` (hash: state JSON and version) and `fac:{<room>}:seen` (sorted set of
recent event ids) share one Redis Cluster slot, so a room's update is one atomic script.
`fac:{<room>}:quarantine` holds a stored state that could not be decoded, kept for an operator.
`fac:{<room>}:<part>` (lists: window, bot_log, history, ...) hold the parts of the room kept
apart from the state hash so a save writes only what changed (see memory/codec.py).

The room inside the braces is escaped, and the escaping is injective: two different rooms
never share keys. `%` starts every escape and is itself escaped, so decoding is unambiguous:
`%25` is `%`, `%7B` is `{`, `%7D` is `}`, `%uXXXX` an unpaired surrogate (which UTF-8 cannot
carry), and a lone trailing `%` the empty room (an empty hash tag would not be a tag at all).
Rooms without those characters keep the keys they always had.
"""

from __future__ import annotations

PREFIX = "fac"
STATE_PATTERN = f"{PREFIX}:{{*}}:state"
# Person -> rooms index (not tagged by room: it spans rooms; one key per person).
MEMBER_ROOMS_PREFIX = f"{PREFIX}:member-rooms:"

_ESCAPES = {"%": "%25", "{": "%7B", "}": "%7D"}
_UNESCAPES = {v[1:]: k for k, v in _ESCAPES.items()}


def tag(room_key: str) -> str:
    """The room as it appears between the braces of its keys (injective, brace-free)."""
    if not room_key:
        return "%"
    out: list[str] = []
    for ch in room_key:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"%u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def untag(tagged: str) -> str | None:
    """The inverse of `tag`; None when `tagged` is not something `tag` produces."""
    if tagged == "%":
        return ""
    out: list[str] = []
    i = 0
    while i < len(tagged):
        ch = tagged[i]
        if ch in "{}":
            return None
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        code = tagged[i + 1 : i + 3]
        if code in _UNESCAPES:
            out.append(_UNESCAPES[code])
            i += 3
            continue
        hexa = tagged[i + 2 : i + 6]
        if tagged[i + 1 : i + 2] == "u" and len(hexa) == 4:
            try:
                value = int(hexa, 16)
            except ValueError:
                return None
            if 0xD800 <= value <= 0xDFFF and hexa == f"{value:04X}":
                out.append(chr(value))
                i += 6
                continue
        return None
    return "".join(out)


def state_key(room_key: str) -> str:
    return f"{PREFIX}:{{{tag(room_key)}}}:state"


def seen_key(room_key: str) -> str:
    return f"{PREFIX}:{{{tag(room_key)}}}:seen"


def part_key(room_key: str, part: str) -> str:
    return f"{PREFIX}:{{{tag(room_key)}}}:{part}"


def quarantine_key(room_key: str) -> str:
    return f"{PREFIX}:{{{tag(room_key)}}}:quarantine"


def member_rooms_key(member_id: str) -> str:
    return MEMBER_ROOMS_PREFIX + tag(member_id)


def room_of(key: str) -> str | None:
    """The room a state key belongs to, or None for foreign keys."""
    if not (key.startswith(f"{PREFIX}:{{") and key.endswith("}:state")):
        return None
    return untag(key[len(PREFIX) + 2 : -len("}:state")])
