"""Labelled comments for the attack reader, per kind of room.

- github: the TBDF incivility label of each annotated comment. Attack: Insulting, Mocking,
  Threat, Identity attack / Name-calling. Not an attack: None (civil) and the heat without
  an attack (Bitter frustration, Impatience, Entitlement, Irony, Vulgarity).
- wikitactics: the per-utterance rebuttal labels. Attack: DH0 (name calling) or DH1 (ad
  hominem); every other utterance is not one.
- irc, slack, meetings: no labels; nearly every message is civil, so the share a reader flags
  there is its false-alarm rate (an upper bound: the rare real attack counts as a false
  alarm). Meetings: every speaker turn of the committee, AMI design and ICSI research meetings.

Each row carries the room's members as the bot would know them (display name -> member id)
so the hostility model's target read sees the same names it does at run time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
ATTACK_TBDF = frozenset({"Insulting", "Mocking", "Threat", "Identity attacks/Name-Calling",
                         "Identity Attack/Name-Calling"})
HEAT_TBDF = frozenset({"Bitter frustration", "Impatience", "Entitlement", "Irony", "Vulgarity"})
ATTACK_DH = ("DH0", "DH1")
FILES = {
    "github": "github-heated-train.jsonl",
    "wikitactics": "wikitactics-train.jsonl",
    "irc": "ubuntu-irc-train.jsonl",
    "slack": "slack-racket-train.jsonl",
    "meetings": "meetings-train.jsonl",
}
# Kinds whose comments come from more than one file (the first is in FILES).
MORE_FILES = {"meetings": ("meetings-academic-train.jsonl",)}
LABELLED = ("github", "wikitactics")


@dataclass(slots=True)
class Comment:
    kind: str
    room: str
    id: str
    author: str
    text: str
    attack: bool
    heat: bool = False  # heat without an attack (GitHub's frustration labels)
    names: dict[str, str] = field(default_factory=dict)


def _lines(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def comments(kind: str, data: Path = DATA) -> list[Comment]:
    """The kind's comments in file order (IRC, Slack, meetings: human messages with text)."""
    rows = [r for f in (FILES[kind], *MORE_FILES.get(kind, ())) for r in _lines(data / f)]
    names: dict[str, dict[str, str]] = {}
    for r in rows:
        label = str(r.get("author_name") or r["author"])
        names.setdefault(str(r["room"]), {})[label.lower()] = str(r["author"])
    labels: dict[str, list[str]] = {}
    if kind == "github":
        labels = json.loads((data / "github-heated-train.labels.json").read_text(encoding="utf-8"))
    out: list[Comment] = []
    for r in rows:
        text = r.get("text")
        if not isinstance(text, str) or not text.strip():
            continue
        if r.get("kind", "message") != "message" or r.get("is_bot"):
            continue
        attack = heat = False
        if kind == "github":
            tags = labels.get(str(r["id"]))
            if not tags:
                continue  # not annotated
            attack = any(t in ATTACK_TBDF for t in tags)
            heat = not attack and any(t in HEAT_TBDF for t in tags)
        elif kind == "wikitactics":
            attack = any(str(t).startswith(ATTACK_DH) for t in r.get("rebuttal_labels") or [])
        room_name = str(r["room"])
        out.append(Comment(kind, room_name, str(r["id"]), str(r["author"]), text, attack, heat,
                           names[room_name]))
    return out
