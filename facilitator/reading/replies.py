"""Has a new message taken up an open question? Cues weighed by a small fitted model.

In a meeting the rules in `memory/trackers/questions.py` can tell: few people, and the next
speaker answers. In a busy channel threads interleave, many answers name nobody, and a word to
the asker is often about another of their threads; no single cue decides, and a person weighs
many at once (who spoke right after the asker, whether the words overlap, whether the reply
opens like an answer, whether it is put to someone else). Here those cues are computed from
what the bot has at runtime, and a logistic regression fitted offline on human-drawn reply
links (`scripts/train_replies.py`, IRC tune rooms only) weighs them. Only its weights ship,
in `models/replies.json`: at runtime the model is a dot product and a sigmoid, no
scikit-learn.

Every cue reads the state as the questions tracker sees it when a message arrives: the window
and the turn counter before the message is added, and members other than its author (whose
counters other trackers have already moved), so training and runtime read the same values.
No cue depends on which questions are already closed, so the training pairs do not depend on
the closing rule in force when they were gathered.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel, Field

from facilitator.events import ChatEvent
from facilitator.reading.logistic import LogisticWeights
from facilitator.reading.message import MessageRead, read_text

if TYPE_CHECKING:  # reading sits below memory: it reads a room, it never builds one
    from facilitator.memory.state import Question, RoomState

MODEL_PATH = Path(__file__).with_name("models") / "replies.json"
# The model weighs questions of the last quarter hour, the span it was fitted on; older ones
# close by the explicit rules alone (in a busy channel, by then the bot may surface them).
HORIZON_S = 900.0

# The order of the model's inputs; the weights file names them and must match.
FEATURES: tuple[str, ...] = (
    "turn_gap_log",  # log of messages since the question (1 = the very next one)
    "next_message",  # posted right after the question
    "seconds_log",  # log(1 + seconds since the question)
    "to_asker",  # addressed to the asker (reply, mention, "nick:" prefix or name)
    "to_other",  # addressed to someone, not the asker
    "prefix_unknown",  # opens with "nick:" for nobody in the room: talking to someone else
    "from_addressee",  # written by the person the question was put to
    "put_to_other",  # the question was put to someone other than this author
    "author_spoke_since",  # the author has spoken since the question
    "author_recent",  # the author spoke in the recent window at all
    "asker_spoke_last",  # the message just before is the asker's
    "asker_spoke_since",  # the asker followed the question up
    "asker_gap_log",  # log of messages since the asker last spoke
    "asker_absent",  # the asker has left
    "m_question",
    "m_answer_opening",
    "m_second_person",  # "you", "your": spoken to someone
    "m_technical",  # a command, path, option or link: what answers in a help channel carry
    "overlap_question",  # Jaccard of content words with the question
    "overlap_asker_last",  # ... with the asker's latest message (their follow-up, if any)
    "m_words_log",
    "q_words_log",
    "q_request",  # a request without a question mark ("anyone know how to ...")
    "next_unaddressed",  # the very next message, put to nobody
    "after_asker_unaddressed",  # right after the asker's message, put to nobody
)

_TECHNICAL = re.compile(
    r"https?://|www\.|`|(^|\s)(sudo|apt|apt-get|dpkg|ls|cd|cat|grep|chmod|mount|man)\s|"
    r"(^|\s)--?[a-z][\w-]*|(^|\s)~?/[\w.-]+/|\.(conf|cfg|sh|deb|rpm|exe|txt|log|py)\b",
    re.I,
)

ReplyFeatures = tuple[float, ...]
_LOG_N = 256
_LOG = [0.0] + [math.log(n) for n in range(1, _LOG_N)]


@lru_cache(maxsize=8192)
def _technical(text: str) -> bool:
    return bool(_TECHNICAL.search(text))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter) if inter else 0.0


@dataclass(slots=True)
class ReplyScene:
    """What one new message sees of the room: read once, shared by every open question."""

    state: RoomState
    author: str
    ts: float
    content: frozenset[str]
    addressees: tuple[str, ...]
    last_turn_of: dict[str, int]  # author -> their latest turn in the window
    last_text_of: dict[str, str]
    prev_author: str | None
    # Cues of the message itself, the same for every question.
    m_question: float
    m_answer_opening: float
    m_second_person: float
    m_technical: float
    m_words_log: float
    prefix_unknown: float


def scene(state: RoomState, event: ChatEvent, read: MessageRead) -> ReplyScene:
    last_turn: dict[str, int] = {}
    last_text: dict[str, str] = {}
    prev: str | None = None
    for msg in state.window:
        # One pass over the plain fields: pydantic attribute access costs more on a hot path.
        fields = msg.__dict__
        if not fields["is_bot"]:
            prev = fields["author"]
            last_turn[prev] = fields["turn"]
            last_text[prev] = fields["text"]
    text = read.text
    return ReplyScene(
        state, event.author.id, event.ts, text.content, read.addressees, last_turn, last_text,
        prev, float(text.question),
        float(text.answer_opening), float(text.second_person), float(_technical(event.text)),
        math.log1p(text.words),
        float(bool(text.prefix) and not read.addressees and not read.to_bot),
    )


def reply_features(sc: ReplyScene, q: Question) -> ReplyFeatures:
    """The model's inputs for (open question `q`, the message of `sc`), in `FEATURES` order."""
    qtext = read_text(q.text)
    asker_id = q.asker
    qturn = q.turn
    turn = sc.state.human_messages
    gap = turn - qturn if turn - qturn > 1 else 1
    addressed = bool(sc.addressees)
    to_asker = asker_id in sc.addressees
    asker = sc.state.participants.get(asker_id)
    asker_turn = asker.last_turn if asker is not None else qturn
    author_turn = sc.last_turn_of.get(sc.author, -1)
    asker_window_turn = sc.last_turn_of.get(asker_id, -1)
    overlap_q = _jaccard(sc.content, qtext.content)
    overlap_last = overlap_q
    if asker_window_turn > qturn:
        overlap_last = _jaccard(sc.content, read_text(sc.last_text_of[asker_id]).content)
    asker_spoke_last = sc.prev_author == asker_id
    plain = not addressed and not sc.prefix_unknown
    since = sc.ts - q.ts
    return (
        _LOG[gap] if gap < _LOG_N else math.log(gap),
        1.0 if gap == 1 else 0.0,
        math.log1p(since) if since > 0 else 0.0,
        1.0 if to_asker else 0.0,
        1.0 if addressed and not to_asker else 0.0,
        sc.prefix_unknown,
        1.0 if q.addressee == sc.author else 0.0,
        1.0 if q.addressee is not None and q.addressee != sc.author else 0.0,
        1.0 if author_turn > qturn else 0.0,
        1.0 if author_turn >= 0 else 0.0,
        1.0 if asker_spoke_last else 0.0,
        1.0 if asker_turn > qturn else 0.0,
        math.log1p(max(0, turn - 1 - asker_turn)),
        1.0 if asker is not None and not asker.present else 0.0,
        sc.m_question,
        sc.m_answer_opening,
        sc.m_second_person,
        sc.m_technical,
        overlap_q,
        overlap_last,
        sc.m_words_log,
        math.log1p(qtext.words),
        1.0 if qtext.request and "?" not in q.text else 0.0,
        1.0 if gap == 1 and plain else 0.0,
        1.0 if asker_spoke_last and plain else 0.0,
    )


def features_dict(features: ReplyFeatures) -> dict[str, float]:
    return dict(zip(FEATURES, features, strict=True))


class Training(BaseModel):
    """How the weights were made, so a reader can rebuild and judge them."""

    data: str = ""
    split: str = ""
    rooms: int = 0
    pairs: int = 0
    positives: int = 0
    label: str = ""
    solver: str = ""
    threshold_rule: str = ""
    tune: dict[str, float] = Field(default_factory=dict)
    report: dict[str, float] = Field(default_factory=dict)


class ReplyModel(LogisticWeights):
    FEATURES: ClassVar[tuple[str, ...]] = FEATURES
    WHAT: ClassVar[str] = "reply"

    # An explicit sign (a word to the asker, the person asked speaking) takes it up unless the
    # model is this sure it is about something else: in a busy channel a person talks with
    # the asker about their other threads too.
    veto: float = Field(default=0.0, ge=0.0, le=1.0)
    training: Training = Field(default_factory=Training)


def load_model(path: Path | None = None) -> ReplyModel:
    if path is None:
        return shipped_model()
    return ReplyModel.model_validate(json.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def shipped_model() -> ReplyModel:
    """The weights shipped in the package, read once (read-only, like a lexicon)."""
    return ReplyModel.model_validate(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


def taken_up_probability(features: ReplyFeatures | Mapping[str, float],
                         model: ReplyModel | None = None) -> float:
    """Probability that the message took the question up, by the shipped model by default."""
    return (model or shipped_model()).probability(features)


def taken_up(sc: ReplyScene, q: Question, *, explicit: bool, model: ReplyModel | None = None) -> bool:
    """The tracker's decision in a busy channel, for a question younger than `HORIZON_S`.

    `explicit`: a word to the asker or the person asked speaking (the rules' signs)."""
    m = model or shipped_model()
    p = m.probability(reply_features(sc, q))
    return p >= (m.veto if explicit else m.threshold)


__all__ = [
    "FEATURES",
    "ReplyModel",
    "ReplyScene",
    "features_dict",
    "load_model",
    "reply_features",
    "scene",
    "shipped_model",
    "taken_up",
    "taken_up_probability",
]
