"""Has an open question been taken up, and by whom? A small reader fitted across kinds of room.

`replies.py` weighs the cues of one busy help channel (fitted on IRC only). This reader reads
the same cues plus a few that carry from one kind of room to another — time measured in the
room's own pace rather than in seconds, whether anyone but the asker has spoken since, how
many people are talking — and is fitted on every labelled kind at once (IRC reply links,
Slack conversations; `scripts/train_uptake.py`), then checked on each kind left out of the
fit. Only its weights ship (`models/uptake.json`); at run time it is a dot product and a
sigmoid over numbers the bot already has, no scikit-learn, no embedding model.

Runtime API (what a tracker calls, for each message and each question still open):

    open_q = [q for q in state.questions          # the cheap first pass: most messages stop here
              if q.answered_by is None and within_view(state, event.author.id, event.ts, q)]
    sc = uptake_scene(state, event, read)        # once per message with work, before the state moves
    p = uptake_probability(sc, question)         # 0..1: this message takes the question up
    by = taken_up_by(sc, question, explicit=rules_take_up(question, event, read))
                                                 # the member who took it up, or None

`taken_up_by` answers None for the asker's own messages and for questions older than
`HORIZON_TURNS` messages or `HORIZON_S` seconds (the span it was fitted on): those close by the
tracker's explicit rules alone. A question whose `answered_by` is set has been taken up before
now, and the bot must not bring it back.

Every cue reads the state as the questions tracker sees it when a message arrives (the window
and the human-message counter before the message is added), as `replies.py` does, so training pairs and
runtime read the same values.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel, Field

from facilitator.events import ChatEvent
from facilitator.reading.logistic import LogisticWeights
from facilitator.reading.message import MessageRead
from facilitator.reading.replies import FEATURES as REPLY_FEATURES
from facilitator.reading.replies import ReplyScene, reply_features, scene

if TYPE_CHECKING:  # reading sits below memory: it reads a room, it never builds one
    from facilitator.memory.state import Question, RoomState

MODEL_PATH = Path(__file__).with_name("models") / "uptake.json"
# The span the reader was fitted on: a question stays in its view for this many later
# messages (the room's window) and this long. Older questions close by the rules alone.
HORIZON_TURNS = 30
HORIZON_S = 6 * 3600.0

# Cues that carry across kinds of room, added to the reply cues of `replies.py`.
EXTRA_FEATURES: tuple[str, ...] = (
    "pace_gap_log",  # log(1 + seconds since the question / the room's typical gap)
    "first_other",  # nobody but the asker has spoken since the question
    "others_since_log",  # log(1 + people other than asker and author who spoke since)
    "speakers_log",  # log of the people in the recent window: how busy the room is
    "q_to_room",  # the question was put to nobody in particular
)
FEATURES: tuple[str, ...] = REPLY_FEATURES + EXTRA_FEATURES
UptakeFeatures = tuple[float, ...]


@dataclass(slots=True)
class UptakeScene:
    """What one new message sees of the room, read once and shared by every open question."""

    reply: ReplyScene
    pace: float  # median seconds between the window's human messages (at least 1)
    speakers: int  # distinct human authors in the window
    turns: tuple[tuple[int, str], ...]  # (turn, author) of the window's human messages


def uptake_scene(state: RoomState, event: ChatEvent, read: MessageRead) -> UptakeScene:
    """Read the room once for this message (before the message is applied to the state)."""
    turns: list[tuple[int, str]] = []
    gaps: list[float] = []
    last: float | None = None
    for msg in state.window:
        fields = msg.__dict__  # plain field reads: pydantic attribute access costs more here
        if not fields["is_bot"]:
            turns.append((fields["turn"], fields["author"]))
            ts = fields["ts"]
            if last is not None and ts >= last:
                gaps.append(ts - last)
            last = ts
    if gaps:
        gaps.sort()
        pace = max(1.0, gaps[len(gaps) // 2])
    else:
        pace = 60.0
    return UptakeScene(scene(state, event, read), pace, len({a for _, a in turns}), tuple(turns))


def uptake_features(sc: UptakeScene, q: Question) -> UptakeFeatures:
    """The reader's inputs for (open question `q`, the message of `sc`), in `FEATURES` order."""
    base = reply_features(sc.reply, q)
    author = sc.reply.author
    asker = q.asker
    qturn = q.turn
    others: set[str] = set()
    author_since = False
    for t, a in sc.turns:
        if t > qturn:
            if a == author:
                author_since = True
            elif a != asker:
                others.add(a)
    since = sc.reply.ts - q.ts
    return (
        *base,
        math.log1p(since / sc.pace) if since > 0 else 0.0,
        1.0 if not others and not author_since else 0.0,
        _LOG1P[len(others)] if len(others) < len(_LOG1P) else math.log1p(len(others)),
        math.log(sc.speakers) if sc.speakers > 1 else 0.0,
        1.0 if q.addressee is None else 0.0,
    )


_LOG1P = [math.log1p(n) for n in range(64)]


def within_view(state: RoomState, author: str, ts: float, q: Question) -> bool:
    """The cheap first pass, before any scene is read: is `q` within the span the reader
    weighs (`HORIZON_TURNS` messages, `HORIZON_S` seconds), and is the new message by someone
    other than the asker? Only then does the reader run for the pair."""
    return q.asker != author and state.human_messages - q.turn <= HORIZON_TURNS and ts - q.ts <= HORIZON_S


def in_view(sc: UptakeScene, q: Question) -> bool:
    """`within_view` for the message of `sc`."""
    return within_view(sc.reply.state, sc.reply.author, sc.reply.ts, q)


class UptakeTraining(BaseModel):
    """How the weights were made, so a reader can rebuild and judge them."""

    data: list[str] = Field(default_factory=list)
    split: str = ""
    label: str = ""
    pairs: dict[str, int] = Field(default_factory=dict)
    positives: dict[str, int] = Field(default_factory=dict)
    solver: str = ""
    threshold_rule: str = ""
    report: dict[str, dict[str, float]] = Field(default_factory=dict)


class UptakeModel(LogisticWeights):
    FEATURES: ClassVar[tuple[str, ...]] = FEATURES
    WHAT: ClassVar[str] = "uptake"

    # An explicit sign (a word to the asker, the person asked speaking) takes it up unless the
    # reader is this sure it is about something else.
    veto: float = Field(default=0.0, ge=0.0, le=1.0)
    training: UptakeTraining = Field(default_factory=UptakeTraining)


@lru_cache(maxsize=1)
def shipped_uptake_model() -> UptakeModel:
    """The weights shipped in the package, read once."""
    return UptakeModel.model_validate(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


def load_uptake_model(path: Path | None = None) -> UptakeModel:
    if path is None:
        return shipped_uptake_model()
    return UptakeModel.model_validate(json.loads(path.read_text(encoding="utf-8")))


def uptake_probability(sc: UptakeScene, q: Question, model: UptakeModel | None = None) -> float:
    """Probability that the message of `sc` takes up question `q` (0.0 for the asker's own)."""
    if q.asker == sc.reply.author:
        return 0.0
    return (model or shipped_uptake_model()).probability(uptake_features(sc, q))


def decide(model: UptakeModel, probability: float, explicit: bool) -> bool:
    """The reader's verdict from its probability and the explicit rules' verdict."""
    return probability >= (model.veto if explicit else model.threshold)


def taken_up_by(sc: UptakeScene, q: Question, *, explicit: bool = False,
                model: UptakeModel | None = None) -> str | None:
    """The member who takes `q` up with this message (its author), or None.

    `explicit`: the tracker's explicit signs say so (`rules_take_up`: a word to the asker, or
    the person asked answering); they stand unless the reader is sure they are about another
    thread (probability under `veto`). None for a question outside the reader's view (see
    `in_view`): the tracker's rules decide those alone."""
    if not in_view(sc, q):
        return None
    m = model or shipped_uptake_model()
    return sc.reply.author if decide(m, m.probability(uptake_features(sc, q)), explicit) else None


def features_dict(features: UptakeFeatures) -> dict[str, float]:
    return dict(zip(FEATURES, features, strict=True))


__all__ = [
    "FEATURES",
    "HORIZON_S",
    "HORIZON_TURNS",
    "UptakeModel",
    "UptakeScene",
    "decide",
    "features_dict",
    "in_view",
    "load_uptake_model",
    "shipped_uptake_model",
    "taken_up_by",
    "uptake_features",
    "uptake_probability",
    "uptake_scene",
    "within_view",
]
