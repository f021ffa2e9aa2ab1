"""Which half of each real corpus the fitted readers may be fitted on ("tune") and which half
they are only measured on ("report").

One function, `half(kind, room)`, used by every training script and report of the fitted
readers (`scripts/train_uptake.py`, `scripts/train_attacks.py`). It is the project-wide split
of `eval real` (`evaluation.real_split.part_of`, committed in `real_split.json`): IRC by the
committed IRC split, WikiTactics by the hostility combiner's fit rooms, the others by a salted
SHA-256 of the room (AMI meetings by series), so no reader is fitted on a room any real-data
evaluation reports on. `kind` is kept for the callers' records; the room name decides.
"""

from __future__ import annotations

from typing import Literal

from facilitator.evaluation.real_split import SPLIT_FILE, part_of

Half = Literal["tune", "report"]
HALVES: tuple[Half, Half] = ("tune", "report")


def half(kind: str, room_name: str) -> Half:
    """"tune" (fit and choose on it) or "report" (only measure on it)."""
    return part_of(room_name)


def source() -> str:
    """Which rule is in force, for the weights' training record."""
    return (f"evaluation.real_split.part_of ({SPLIT_FILE.name}; IRC by irc_split.json, "
            "WikiTactics by hostility.is_fit_room, others by salted SHA-256 of the room)")
