"""The fixed TUNE/REPORT split of the IRC logs: decided by room name alone.

Every part of the project that fits or calibrates anything on the IRC logs uses the `tune`
rooms only, and every figure it reports comes from the `report` rooms. A checksum of the
name (not Python's `hash`, which changes with `PYTHONHASHSEED`) keeps the split the same on
every machine and run, and a new room lands on a side without reshuffling the others.
"""

from __future__ import annotations

import zlib
from typing import Literal

Split = Literal["tune", "report"]


def irc_split(room: str) -> Split:
    """About 40% of rooms are set aside for reporting."""
    return "report" if zlib.crc32(room.encode()) % 5 < 2 else "tune"
