"""Nick variants: the same person reconnecting as "seb128_", "Seb128" or "seb128|away"."""

from __future__ import annotations

import re

_AWAY = re.compile(r"[|\[].*$")
_TRAIL = re.compile(r"[_`^\-]+$")


def base_nick(nick: str) -> str:
    """Lowercased nick without away suffixes and reconnect marks; "" for an empty nick."""
    base = _TRAIL.sub("", _AWAY.sub("", nick.strip().lower()))
    return base or nick.strip().lower()
