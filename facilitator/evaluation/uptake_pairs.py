"""(question, later message) pairs from real rooms, with a gold "takes it up" label, per kind.

Each room is replayed through `apply_event` on a plain `RoomState` (no Redis), as the engine
would update it, with the rules alone closing questions (so the pairs do not depend on any
fitted model). At every human message, before it is applied, each question the tracker
opened and that is still in the uptake reader's view (`reading.uptake.in_view`) gives one
pair: the reader's features, the explicit rules' verdict, and the gold label.

Gold, one definition for every kind: the message, by someone other than the asker, belongs
to the question's conversation as the corpus draws conversations —
- IRC: connected parts of the human-drawn reply-link graph (Kummerfeld et al.);
- Slack: the corpus's own conversation ids (its disentanglement, not a hand annotation).
Pairs count up to and including the question's first gold taking-up ("live" pairs): after
that, whether a message takes it up again changes nothing the tracker does.

Meetings have no reply labels. Their weak label, "the next speaker answers", makes the first
message by someone other than the asker the taking-up by definition, so every live pair of a
meeting is positive: nothing to fit a discriminator on, and no negatives to measure one with.
They serve only a report-only check: how often the reader agrees that the next other
speaker took the question up (recall against the weak label).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from facilitator.events import ChatEvent, EventKind
from facilitator.memory.state import Question, RoomState
from facilitator.memory.trackers import apply_event
from facilitator.memory.trackers.questions import reply_model, rules_take_up
from facilitator.reading.message import read_message
from facilitator.reading.uptake import UptakeFeatures, in_view, uptake_features, uptake_scene
from facilitator.sim.transcript import BadLine, read_transcript

BOT_ID = "facilitator"
DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
# kind -> (transcripts, labels); labels None: the weak "next speaker answers" label.
CORPORA: dict[str, tuple[tuple[str, ...], str | None]] = {
    "irc": (("ubuntu-irc-train.jsonl",), "ubuntu-irc-train.links.json"),
    "slack": (("slack-racket-train.jsonl",), "slack-racket-train.threads.json"),
    "meetings": (("meetings-train.jsonl", "meetings-academic-train.jsonl"), None),
}
FITTED_KINDS = ("irc", "slack")


@dataclass(slots=True)
class UptakePair:
    kind: str
    room: str
    question: str
    message: str
    author: str
    ts: float
    features: UptakeFeatures
    rules: bool  # the explicit rules take it up (a word to the asker, the addressee speaking)
    label: bool


def load_rooms(paths: Iterable[Path]) -> dict[str, list[ChatEvent]]:
    rooms: dict[str, list[ChatEvent]] = defaultdict(list)
    for path in paths:
        for item in read_transcript(path, BOT_ID):
            if not isinstance(item, BadLine):
                rooms[item.room.channel].append(item)
    return dict(rooms)


def conversations(kind: str, labels: dict) -> dict[str, dict[str, str]]:
    """room -> {message id: conversation id}."""
    if kind == "slack":
        return {room_name: dict(conv) for room_name, conv in labels.items()}
    out: dict[str, dict[str, str]] = {}
    for room_name, links in labels.items():
        parent: dict[str, str] = {}
        for child, parents in links.items():
            for p in parents:
                a, b = _find(parent, child), _find(parent, p)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        out[room_name] = {m: _find(parent, m) for m in list(parent)}
    return out


def _find(parent: dict[str, str], x: str) -> str:
    """Union-find root of `x` (added as its own root when new), with path halving."""
    parent.setdefault(x, x)
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def replay_pairs(kind: str, room_name: str, events: list[ChatEvent],
                 conv: dict[str, str] | None) -> Iterator[UptakePair]:
    """The room's live pairs. `conv` None: the weak meeting label (next other speaker)."""
    state = RoomState(room="")
    open_q: list[Question] = []
    done: set[str] = set()  # questions past their first gold taking-up
    with reply_model(None):
        for event in events:
            human = event.kind == EventKind.MESSAGE and event.is_human
            read = read_message(state, event, bot_id=BOT_ID) if human else None
            if read is not None and open_q:
                sc = uptake_scene(state, event, read)
                keep: list[Question] = []
                for q in open_q:
                    if q.asker == event.author.id:
                        keep.append(q)
                        continue
                    if not in_view(sc, q):
                        continue  # out of view for good: the window and the clock only move on
                    if conv is None:
                        gold = True
                    else:
                        cq = conv.get(q.id)
                        gold = cq is not None and conv.get(event.id) == cq
                    yield UptakePair(kind, room_name, q.id, event.id, event.author.id, event.ts,
                                     uptake_features(sc, q), rules_take_up(q, event, read), gold)
                    if gold:
                        done.add(q.id)
                    else:
                        keep.append(q)
                open_q = keep
            known = {q.id for q in state.questions}
            apply_event(state, event, bot_id=BOT_ID, read=read)
            open_q.extend(q.model_copy() for q in state.questions
                          if q.id not in known and q.id not in done)


def kind_pairs(kind: str, data: Path = DATA, rooms: Iterable[str] | None = None) -> list[UptakePair]:
    files, labels_file = CORPORA[kind]
    events = load_rooms(data / f for f in files)
    convs = (conversations(kind, json.loads((data / labels_file).read_text(encoding="utf-8")))
             if labels_file else None)
    names = sorted(events) if rooms is None else [r for r in sorted(events) if r in set(rooms)]
    out: list[UptakePair] = []
    for name in names:
        conv = None if convs is None else convs.get(name, {})
        out.extend(replay_pairs(kind, name, events[name], conv))
    return out


def room_names(kind: str, data: Path = DATA) -> list[str]:
    files, _ = CORPORA[kind]
    names: set[str] = set()
    for f in files:
        with (data / f).open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    names.add(str(json.loads(line)["room"]))
                except (ValueError, KeyError, TypeError):
                    continue
    return sorted(names)
