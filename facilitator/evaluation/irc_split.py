"""The fixed TUNE/REPORT split of the IRC logs, as one function every fitter and report uses.

The split itself is the one `facilitator eval irc` committed (`irc_split.json`: 86 tune / 67
report rooms, drawn by SHA-256 of the name, the same rule for rooms not listed), so nothing is
ever fitted on a room that `eval irc` reports on. Decided by name alone: the same on every
machine, run and `PYTHONHASHSEED`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from facilitator.evaluation.irc import load_split, split_of

Split = Literal["tune", "report"]


@lru_cache(maxsize=1)
def _committed() -> dict[str, Split]:
    return load_split()


def irc_split(room_name: str) -> Split:
    """"tune" (fit and choose on it) or "report" (only measure on it)."""
    return split_of(room_name, _committed())
