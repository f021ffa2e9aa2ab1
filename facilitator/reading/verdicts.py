"""Does a sentence pass a verdict on a member? Read by meaning, in any language the embedding reads.

A facilitator belongs to nobody: it never says who is right, whose point is better, whose tone is
out of line, who is to blame, or that what a member said is mere opinion. The English structural
read (`reading.requests.verdict_in`: a member as the subject of an evaluation) knows English word
order only. This reader decides in other languages and, in English, confirms the structural
read; it is weak (held-out figures in the README), and it does not clear every false verdict
of the structure ("Bo, you're good to go" is still refused). It is a logistic regression over the
sentence's multilingual embedding (`reading.intent.embed`, Universal Sentence Encoder
multilingual, shipped in its wheel), members' names read as one stand-in name, fitted by
`scripts/train_verdicts.py` on `data/verdicts_labelled.jsonl`: sentences a facilitator might
write, in five languages, labelled by kind (verdicts of every sort, and the facilitator's other
sentences that come close to them in words).

It checks the bot's own words before they are posted (`policies/facts.py`), so it runs on the
LLM path (and in the evaluation's scoring of words) only, a few milliseconds a sentence. Its
thresholds are chosen out of fold by `scripts/train_verdicts.py` (`VerdictWeights`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from functools import cache
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, Field

from facilitator.reading.intent import STAND_IN, anonymise, embed_one, normalise
from facilitator.reading.logistic import LogisticWeights

MODEL_PATH = Path(__file__).with_name("models") / "verdicts.json"
DATA_PATH = Path(__file__).with_name("data") / "verdicts_labelled.jsonl"
DIMENSIONS = 512
FEATURES: tuple[str, ...] = tuple(f"embedding_{i}" for i in range(DIMENSIONS))


class VerdictTraining(BaseModel):
    """How the weights were fitted and what they scored on sentences they were not fitted on."""

    data: str = ""
    sentences: dict[str, int] = Field(default_factory=dict)  # per label
    languages: list[str] = Field(default_factory=list)
    c: float = 0.0
    held_out: dict[str, dict[str, float]] = Field(default_factory=dict)


class VerdictWeights(LogisticWeights):
    FEATURES: ClassVar[tuple[str, ...]] = FEATURES
    WHAT: ClassVar[str] = "verdict"
    NAN_PROBABILITY: ClassVar[float] = 0.0

    # In English the structural read (word order) decides, and a verdict it found stands at
    # `confirms` or above: below it, its evaluative word sat in a sentence that passes none.
    # The fitted read alone is not trusted there: it weighs the words of an evaluation more
    # than whom they are said of ("are you saying the budget is wrong?"). Elsewhere, where no
    # structural read exists, `threshold` decides alone.
    confirms: float = Field(ge=0.0, le=1.0)
    training: VerdictTraining = Field(default_factory=VerdictTraining)


# Whom a sentence speaks to is not what it says of them: "Rosa, Greg — let's pause" is no
# verdict, "Rosa, you are wrong" is one without the names too. The members named at its start
# (joined by commas, "and" in the five languages, "&") are taken off before embedding.
_ADDRESS = re.compile(rf"^\s*{STAND_IN}(?:\s*(?:,|&|\b(?:and|y|e|et|und|en)\b)\s*{STAND_IN})*"
                      r"\s*(?:,|—|–|:|\s-)\s*")


def sentence_text(sentence: str, names: Collection[str] = ()) -> str:
    """What is embedded: the sentence without the bot's name and without the members it opens
    by addressing; other members' names as the stand-in."""
    return _ADDRESS.sub("", anonymise(normalise(sentence), names))


def sentence_vector(sentence: str, names: Collection[str] = ()) -> tuple[float, ...]:
    """The sentence's embedding as the readers of the bot's own words read it; the verdict and
    the claim read of one sentence embed it once."""
    return embed_one(sentence_text(sentence, names))


@cache
def shipped_verdict_weights() -> VerdictWeights:
    return VerdictWeights.model_validate(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


def passes_verdict(sentence: str, names: Collection[str], *, english: bool,
                   structural: bool, weights: VerdictWeights | None = None) -> bool:
    """Whether `sentence` passes a verdict on a member. `english`: the text is English, where
    `structural` says whether the structural read (`reading.requests.verdict_in`) found one."""
    if english and not structural:
        return False  # no need to embed it
    weights = weights or shipped_verdict_weights()
    p = verdict_probability(sentence, names, weights)
    if english:
        return structural and p >= weights.confirms
    return p >= weights.threshold


def verdict_probability(sentence: str, names: Collection[str] = (),
                        weights: VerdictWeights | None = None) -> float:
    """How likely `sentence` passes a verdict on a member (`names`: the room's members)."""
    weights = weights or shipped_verdict_weights()
    return weights.probability(sentence_vector(sentence, names))


__all__ = ["DATA_PATH", "FEATURES", "MODEL_PATH", "VerdictTraining", "VerdictWeights",
           "passes_verdict", "sentence_text", "sentence_vector", "shipped_verdict_weights",
           "verdict_probability"]
