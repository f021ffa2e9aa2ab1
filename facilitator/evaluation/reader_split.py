"""Which half of each real corpus the fitted readers may be fitted on ("tune") and which half
they are only measured on ("report").

One function, `half(kind, room)`, used by every training script and report of the fitted
readers (`scripts/train_uptake.py`, `scripts/train_attacks.py`), so switching the split is a
one-file change:

1. `real_split.json` beside this file, when it exists (the project-wide split of every corpus
   into tune and report halves): its word wins for every room it names. Read tolerantly: a
   `{"tune": [rooms], "report": [rooms]}` block at any depth, or `{room: "tune"|"report"}`.
2. IRC rooms: the committed IRC split (`irc_split.json`, the one `eval irc` and the reply
   model use), so nothing here is fitted on a room `eval irc` reports on.
3. Any other room: one byte of the SHA-256 of its name; below 128 is "tune". The first byte
   for every kind but GitHub — for WikiTactics this is exactly `reading.hostility.is_fit_room`,
   so the hostility model's held-out rooms are this split's report rooms too. The GitHub
   threads in `shared/data` are the ones whose first byte is below 128 (that is how the corpus
   was cut in two: every one of them would be "tune"), so GitHub is split by the second byte.

Decided by name alone: the same on every machine, run and `PYTHONHASHSEED`.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Literal

Half = Literal["tune", "report"]
REAL_SPLIT = Path(__file__).with_name("real_split.json")
HALVES: tuple[Half, Half] = ("tune", "report")


def _walk(node: object, out: dict[str, Half]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in HALVES and isinstance(value, list):
                out.update({str(room): key for room in value})
            elif isinstance(value, str) and value in HALVES:
                out[str(key)] = value  # type: ignore[assignment]
            else:
                _walk(value, out)
    elif isinstance(node, list):
        for item in node:
            _walk(item, out)


@lru_cache(maxsize=1)
def committed(path: Path = REAL_SPLIT) -> dict[str, Half]:
    """The project-wide split, room -> half; empty while it does not exist."""
    if not path.is_file():
        return {}
    out: dict[str, Half] = {}
    _walk(json.loads(path.read_text(encoding="utf-8")), out)
    return out


# Which byte of the hash splits each kind (see the module docstring); 0 when not named.
HASH_BYTE = {"github": 1}


def hash_half(room: str, byte: int = 0) -> Half:
    return "tune" if hashlib.sha256(room.encode()).digest()[byte] < 128 else "report"


def half(kind: str, room: str) -> Half:
    """"tune" (fit and choose on it) or "report" (only measure on it)."""
    named = committed().get(room)
    if named is not None:
        return named
    if kind == "irc":
        from facilitator.evaluation.irc_split import irc_split

        return irc_split(room)
    return hash_half(room, HASH_BYTE.get(kind, 0))


def source() -> str:
    """Which rule is in force, for the weights' training record."""
    if committed():
        return f"{REAL_SPLIT.name} (rooms it names), else the IRC split / SHA-256 of the room name"
    return ("no real_split.json yet: IRC rooms by irc_split.json, others by SHA-256(room)[b] < 128 "
            "(b = 1 for GitHub, else 0)")
