"""Key layout: every key of a room carries the room in a hash tag.

`fac:{<room>}:state` (hash: state JSON and version) and `fac:{<room>}:seen` (sorted set of
recent event ids) share one Redis Cluster slot, so a room's update is one atomic script.
"""

from __future__ import annotations

PREFIX = "fac"
STATE_PATTERN = f"{PREFIX}:{{*}}:state"


def _tag(room: str) -> str:
    # Braces would end the hash tag early and split a room across slots.
    return room.replace("{", "(").replace("}", ")")


def state_key(room: str) -> str:
    return f"{PREFIX}:{{{_tag(room)}}}:state"


def seen_key(room: str) -> str:
    return f"{PREFIX}:{{{_tag(room)}}}:seen"


def room_of(key: str) -> str | None:
    """The room a state key belongs to (as tagged), or None for foreign keys."""
    if not (key.startswith(f"{PREFIX}:{{") and key.endswith("}:state")):
        return None
    return key[len(PREFIX) + 2 : -len("}:state")]
