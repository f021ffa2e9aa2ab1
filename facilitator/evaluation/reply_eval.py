"""Is a question taken up? The tracker measured against human-drawn reply links (IRC).

Each room is replayed through `apply_event` on a plain `RoomState` (no Redis), exactly as the
engine would update it. At every human message, before it is applied, each question the
tracker holds open (in a busy channel, where the reply model is used) gives one pair
(question, message): its features, whether the explicit rules take it up, and the gold label.

Gold label: the message, by someone other than the asker, replies (per the links) to the
question or to another message of the asker's in the question's conversation (the connected
part of the link graph so far): a follow-up ("I tried that, still no sound"), a repeat of the
question, or the line the question continues. Helpers usually answer the latest line of the
asker's problem, not the first one, and that is still taking the question up; a reply to the
asker about another of their threads is not.

Pairs count up to and including the question's first gold taking-up ("live" pairs): after
that, whether a message takes it up again changes nothing the tracker does.

Per question, "answered within 10 minutes" by the gold links is compared with the tracker
closing the question within 10 minutes, with the model and with the rules alone.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from facilitator.evaluation.irc_split import Split, irc_split
from facilitator.events import ChatEvent, EventKind
from facilitator.memory.state import Question, RoomState
from facilitator.memory.trackers import apply_event
from facilitator.memory.trackers.questions import reply_model, rules_take_up
from facilitator.reading.message import read_message
from facilitator.reading.replies import HORIZON_S, ReplyFeatures, ReplyModel, reply_features, scene
from facilitator.sim.transcript import BadLine, read_transcript

BOT_ID = "facilitator"
WITHIN_S = 600.0  # "answered within 10 minutes": the wait before a busy channel surfaces one
Links = dict[str, list[str]]


@dataclass(slots=True)
class Pair:
    room: str
    question: str
    message: str
    ts: float
    features: ReplyFeatures
    rules: bool  # the explicit rules take it up
    label: bool  # the gold links say this message takes it up


@dataclass(slots=True)
class QuestionOutcome:
    room: str
    id: str
    ts: float
    channel: bool  # opened while the room read as a busy channel
    gold_ts: float | None = None  # first gold taking-up
    closed_ts: float | None = None  # when the tracker closed it
    asker_ts: float | None = None  # when the asker turned to someone by name (the asker's rule)


@dataclass(slots=True)
class RoomRun:
    pairs: list[Pair] = field(default_factory=list)
    questions: dict[str, QuestionOutcome] = field(default_factory=dict)


def load_rooms(data: Path) -> dict[str, list[ChatEvent]]:
    rooms: dict[str, list[ChatEvent]] = defaultdict(list)
    for item in read_transcript(data, BOT_ID):
        if isinstance(item, BadLine):
            continue
        rooms[item.room.channel].append(item)
    return dict(rooms)


def load_links(path: Path) -> dict[str, Links]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {room_name: {k: list(v) for k, v in links.items()} for room_name, links in raw.items()}


def rooms_of(rooms: dict[str, list[ChatEvent]], split: Split) -> list[str]:
    return sorted(r for r in rooms if irc_split(r) == split)


class _Threads:
    """The gold conversations (connected parts of the link graph) as they grow, message by
    message, and which questions each message takes up."""

    def __init__(self, links: Links) -> None:
        self.links = links
        self.root: dict[str, str] = {}  # union-find over the messages seen so far
        self.author: dict[str, str] = {}
        self.asked: dict[str, list[str]] = defaultdict(list)  # asker -> their questions

    def _find(self, mid: str) -> str:
        root = mid
        while self.root[root] != root:
            root = self.root[root]
        while self.root[mid] != root:  # path compression
            self.root[mid], mid = root, self.root[mid]
        return root

    def open(self, qid: str, asker: str) -> None:
        self.asked[asker].append(qid)

    def taken_up(self, event: ChatEvent) -> set[str]:
        """Questions this message takes up: by someone other than the asker, it replies to
        one of the asker's messages in the question's conversation (the question itself,
        a follow-up, or the asker's earlier line that the question continues)."""
        found: set[str] = set()
        for p in self.links.get(event.id, ()):
            asker = self.author.get(p)
            if asker is None or asker == event.author.id:
                continue
            root = self._find(p)
            found.update(q for q in self.asked.get(asker, ()) if self._find(q) == root)
        return found

    def add(self, event: ChatEvent) -> None:
        """The message joins the conversations it replies to."""
        self.root.setdefault(event.id, event.id)
        self.author[event.id] = event.author.id
        for p in self.links.get(event.id, ()):
            if p in self.root:
                a, b = self._find(p), self._find(event.id)
                if a != b:
                    self.root[b] = a


def replay_room(events: Iterable[ChatEvent], links: Links, *, model: ReplyModel | None,
                pairs: bool = False) -> RoomRun:
    """Replay one room with `model` closing questions in a busy channel (None: rules alone).

    With `pairs`, every question the tracker opened in a busy channel is paired with every
    later message of someone else for `HORIZON_S`, whether or not the tracker has closed
    it: the features do not depend on what was closed, so the same pairs serve to fit the
    model and to weigh any closing rule on them."""
    state = RoomState(room="")
    threads = _Threads(links)
    run = RoomRun()
    live: list[Question] = []  # questions still within the pair horizon
    with reply_model(model):
        for event in events:
            human = event.kind == EventKind.MESSAGE and event.is_human
            read = read_message(state, event, bot_id=BOT_ID) if human else None
            if read is not None:
                gold = threads.taken_up(event)
                for qid in gold:
                    outcome = run.questions[qid]
                    if outcome.gold_ts is None:
                        outcome.gold_ts = event.ts
                threads.add(event)
                live = [q for q in live if event.ts - q.ts <= HORIZON_S]
                author = event.author.id
                if pairs and state.rolling.shape == "channel" and live:
                    sc = scene(state, event, read)
                    run.pairs.extend(
                        Pair(room=event.room.channel, question=q.id, message=event.id,
                             ts=event.ts, features=reply_features(sc, q),
                             rules=rules_take_up(q, event, read), label=q.id in gold)
                        for q in live if q.asker != author)
                if read.addressees and not read.text.question:
                    for q in live:
                        outcome = run.questions[q.id]
                        if q.asker == author and outcome.asker_ts is None:
                            outcome.asker_ts = event.ts
            known = {q.id for q in state.questions}
            apply_event(state, event, bot_id=BOT_ID, read=read)
            for q in state.questions:
                if q.id not in known and q.id not in run.questions:
                    channel = state.rolling.shape == "channel"
                    run.questions[q.id] = QuestionOutcome(
                        room=event.room.channel, id=q.id, ts=q.ts, channel=channel)
                    threads.open(q.id, q.asker)
                    if channel:
                        live.append(q.model_copy())
                outcome = run.questions[q.id]
                if q.answered_by is not None and outcome.closed_ts is None:
                    outcome.closed_ts = event.ts
    return run


def replay_rooms(rooms: dict[str, list[ChatEvent]], links: dict[str, Links], names: list[str],
                 *, model: ReplyModel | None, pairs: bool = False) -> Iterator[RoomRun]:
    for name in names:
        yield replay_room(rooms[name], links.get(name, {}), model=model, pairs=pairs)


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "fp": fp, "fn": fn}


def pair_scores(pairs: Iterable[Pair], decide: Iterable[bool]) -> dict[str, float]:
    tp = fp = fn = 0
    for pair, said in zip(pairs, decide, strict=True):
        tp += said and pair.label
        fp += said and not pair.label
        fn += (not said) and pair.label
    return prf(tp, fp, fn)


def question_scores(outcomes: Iterable[QuestionOutcome], *, channel_only: bool = True,
                    within: float = WITHIN_S) -> dict[str, float]:
    """Answered within `within` seconds: the tracker against the gold links."""
    tp = fp = fn = n = 0
    for q in outcomes:
        if channel_only and not q.channel:
            continue
        n += 1
        gold = q.gold_ts is not None and q.gold_ts - q.ts <= within
        said = q.closed_ts is not None and q.closed_ts - q.ts <= within
        tp += said and gold
        fp += said and not gold
        fn += (not said) and gold
    scores = prf(tp, fp, fn)
    scores["questions"] = n
    return scores


def simulated_outcomes(outcomes: Iterable[QuestionOutcome], pairs: Iterable[Pair],
                       decide: Iterable[bool]) -> list[QuestionOutcome]:
    """Each question closed by the first pair `decide` takes up, or by the asker's rule.

    A quick stand-in for a full replay when weighing many thresholds; the reported figures
    come from full replays of the tracker itself."""
    first: dict[str, float] = {}
    for pair, said in zip(pairs, decide, strict=True):
        if said and pair.question not in first:
            first[pair.question] = pair.ts
    out = []
    for q in outcomes:
        times = [t for t in (first.get(q.id), q.asker_ts) if t is not None]
        out.append(QuestionOutcome(room=q.room, id=q.id, ts=q.ts, channel=q.channel,
                                   gold_ts=q.gold_ts, closed_ts=min(times) if times else None,
                                   asker_ts=q.asker_ts))
    return out


def live_pairs(pairs: Iterable[Pair], outcomes: Iterable[QuestionOutcome]) -> list[Pair]:
    """Pairs up to and including their question's first gold taking-up."""
    first = {q.id: q.gold_ts for q in outcomes}
    return [p for p in pairs if (t := first.get(p.question)) is None or p.ts <= t]
