"""The fixed TUNE/REPORT split of every real corpus `facilitator eval real` reads.

One question answered everywhere: is this room one we may tune on, or one we only report on?
`part_of(room)`. Decided by the room's name alone (the same on every machine, run and
`PYTHONHASHSEED`) and committed in `real_split.json`, like the IRC split:

- Ubuntu IRC (`irc-...`): the split `eval irc` already committed (`irc_split.json`, 60/40 by
  SHA-256 of the name); reused, never redrawn.
- WikiTactics (`wt-...`): the split the hostility combiner was fitted with
  (`reading.hostility.is_fit_room`: first SHA-256 byte < 128 -> fit): its fit rooms are TUNE,
  the others REPORT, so no reported room was ever fitted on.
- Slack (`slack-racket-...`, one channel-day a room), committee, research and GitHub rooms:
  SHA-256 of "eval-real:" + the room name, first 8 hex digits / 2**32 < 0.5 -> TUNE, else
  REPORT. The salt matters: the GitHub threads in ../shared/data are exactly those whose
  unsalted SHA-256 is below one half (the other half is held back), so the plain rule would put
  every one of them in TUNE.
- AMI product meetings (`meet-product-ES2002a`...): the same rule on the series (`ES2002`): the
  four meetings of one team fall in one part, so the report part holds teams never tuned on.

A room not in the file (a new copy of the data) falls back to the same rule.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Literal

Part = Literal["tune", "report"]
PARTS: tuple[Part, ...] = ("tune", "report")
SPLIT_FILE = Path(__file__).with_name("real_split.json")
TUNE_SHARE = 0.5
SALT = "eval-real:"

# Kind of room, from the room name's prefix (the data README's names).
KIND_PREFIXES: tuple[tuple[str, str], ...] = (
    ("irc-", "irc"),
    ("slack-", "slack"),
    ("meet-committee-", "committee"),
    ("meet-product-", "product"),
    ("meet-academic-", "academic"),
    ("gh-", "github"),
    ("wt-", "wikitactics"),
)
KINDS: tuple[str, ...] = tuple(kind for _, kind in KIND_PREFIXES)
_AMI_SERIES = re.compile(r"^meet-product-([A-Z]+\d+)[a-z]?$")


def kind_of(room_name: str) -> str | None:
    """irc, slack, committee, product, academic, github or wikitactics (None: unknown room)."""
    for prefix, kind in KIND_PREFIXES:
        if room_name.startswith(prefix):
            return kind
    return None


def group_of(room_name: str) -> str:
    """What the split is drawn on: the room, or for an AMI meeting its series (one team)."""
    series = _AMI_SERIES.match(room_name)
    return f"meet-product-{series.group(1)}" if series else room_name


def hash_part(room_name: str) -> Part:
    """The rule the committed split was drawn with; the fallback for rooms not listed."""
    kind = kind_of(room_name)
    if kind == "irc":
        from facilitator.evaluation.irc import hash_split

        return hash_split(room_name)
    if kind == "wikitactics":
        from facilitator.reading.hostility import is_fit_room

        return "tune" if is_fit_room(room_name) else "report"
    digest = hashlib.sha256((SALT + group_of(room_name)).encode("utf-8")).hexdigest()[:8]
    return "tune" if int(digest, 16) / 0x1_0000_0000 < TUNE_SHARE else "report"


@lru_cache(maxsize=1)
def _committed() -> dict[str, Part]:
    if not SPLIT_FILE.is_file():
        return {}
    data = json.loads(SPLIT_FILE.read_text(encoding="utf-8"))
    fixed: dict[str, Part] = {}
    for parts in data["corpora"].values():
        fixed.update({name: "tune" for name in parts["tune"]})
        fixed.update({name: "report" for name in parts["report"]})
    return fixed


def part_of(room_name: str) -> Part:
    """"tune" (fit and choose on it) or "report" (only measure on it)."""
    if kind_of(room_name) == "irc":
        from facilitator.evaluation.irc_split import irc_split

        return irc_split(room_name)
    return _committed().get(room_name) or hash_part(room_name)


def split_file_text(rooms: Iterable[str]) -> str:
    """The committed file, regenerated from the rule (IRC lives in irc_split.json)."""
    by_kind: dict[str, list[str]] = {}
    for room_name in sorted(set(rooms)):
        kind = kind_of(room_name)
        if kind is not None and kind != "irc":
            by_kind.setdefault(kind, []).append(room_name)
    return json.dumps({
        "rule": {
            "irc": "irc_split.json (the split `eval irc` committed)",
            "wikitactics": "reading.hostility.is_fit_room (the combiner's fit rooms) -> tune",
            "product": f"sha256('{SALT}' + series, e.g. meet-product-ES2002)[:8] / 2**32 < "
                       f"{TUNE_SHARE} -> tune",
            "other": f"sha256('{SALT}' + room name)[:8] / 2**32 < {TUNE_SHARE} -> tune, else "
                     "report",
        },
        "corpora": {kind: {"tune": [n for n in names if hash_part(n) == "tune"],
                           "report": [n for n in names if hash_part(n) == "report"]}
                    for kind, names in by_kind.items()},
    }, indent=1) + "\n"
