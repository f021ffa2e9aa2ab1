"""Does a sentence pass a verdict on a member? Read by meaning, in any language the embedding reads.

A facilitator belongs to nobody: it never says who is right, whose point is better, whose tone is
out of line, who is to blame, or that what a member said is mere opinion. The English structural
read (`reading.requests.verdict_in`: a member as the subject of an evaluation) knows English word
order only. This reader decides in other languages and, in English, confirms the structural
read (alone it is not trusted there: it weighs the words of an evaluation more than whom they
are said of, "are you saying the budget is wrong?"). It is weak (held-out figures in the README).

It reads a sentence by kind: a multinomial logistic regression over the kinds of sentence a
facilitator writes (verdicts of every sort, and the facilitator's other sentences that come
close to them in words: a member's words reported, a task a member owns, a go-ahead, a feeling
reflected), whose verdict kinds' probabilities add up to the verdict's. Its features are the
sentence's multilingual embedding (`reading.intent.embed`, Universal Sentence Encoder
multilingual, shipped in its wheel) and a few cues to whom the sentence is about
(`data/verdict_cues.json`, five languages: "X said that…", "X takes the minutes", "go ahead",
"X is right", "your fault"), members' names read as one stand-in name. The embedding weighs
the words of an evaluation; the cues say whether a member is what they are said of. Fitted by
`scripts/train_verdicts.py` on `data/verdicts_labelled.jsonl` (sentences in five languages,
written by kind), its thresholds chosen out of fold.

It checks the bot's own words before they are posted (`policies/facts.py`), so it runs on the
LLM path (and in the evaluation's scoring of words) only, a few milliseconds a sentence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from functools import cache
from pathlib import Path

from pydantic import BaseModel, Field, model_validator

from facilitator.reading.intent import STAND_IN, anonymise, embed_one, normalise
from facilitator.reading.logistic import SoftmaxWeights

MODEL_PATH = Path(__file__).with_name("models") / "verdicts.json"
DATA_PATH = Path(__file__).with_name("data") / "verdicts_labelled.jsonl"
CUES_PATH = Path(__file__).with_name("data") / "verdict_cues.json"
DIMENSIONS = 512
# Whom a sentence is about (data/verdict_cues.json): a member's words reported, a task a member
# owns, a go-ahead, an invitation to speak, a feeling reflected, who is right, who is to blame.
CUES = ("reported", "task", "go_ahead", "invite", "feeling", "rightness", "blame")
FEATURES: tuple[str, ...] = (*(f"embedding_{i}" for i in range(DIMENSIONS)),
                             *(f"cue_{c}" for c in CUES))


class VerdictTraining(BaseModel):
    """How the weights were fitted and what they scored on sentences they were not fitted on."""

    data: str = ""
    sentences: dict[str, int] = Field(default_factory=dict)  # per label
    languages: list[str] = Field(default_factory=list)
    c: float = 0.0
    held_out: dict[str, dict[str, float]] = Field(default_factory=dict)


class VerdictWeights(SoftmaxWeights):
    """Weights over the kinds of sentence (`classes`); a sentence's verdict probability is the sum
    of its `verdicts` kinds'. `threshold` decides outside English, where no structural read
    exists. In English the structural read's verdict stands at `confirms` or above (below it,
    its evaluative word sat in a sentence of a kind that passes none: "Ana is responsible for
    the fence"). Blame the structure cannot see: it puts no evaluative word on a member as the
    subject, it attributes a fault to one ("the failed build is on Tobias", "the delay is
    down to you", "Ana dropped the ball"); in English the fitted read decides it alone where
    its `blames` kinds add up to `blamed` or more and the sentence names a member or says
    "you"."""

    features: list[str]
    verdicts: list[str]
    confirms: float = Field(ge=0.0, le=1.0)
    blames: list[str] = Field(default_factory=list)
    blamed: float = Field(default=1.0, ge=0.0, le=1.0)
    training: VerdictTraining = Field(default_factory=VerdictTraining)

    @model_validator(mode="after")
    def _matches_code(self) -> VerdictWeights:
        if tuple(self.features) != FEATURES or any(len(w) != len(FEATURES) for w in self.weights):
            raise ValueError("the weights file does not match this version's verdict features")
        if not set(self.blames) <= set(self.verdicts) <= set(self.classes):
            raise ValueError("verdict or blame kinds that are not classes of the weights")
        return self

    def probability(self, vector: tuple[float, ...]) -> float:
        """How likely the sentence whose features are `vector` passes a verdict."""
        return self.share(vector, self.verdicts)

    def share(self, vector: tuple[float, ...], kinds: Collection[str]) -> float:
        """How likely the sentence whose features are `vector` is of one of `kinds`."""
        return sum(p for kind, p in zip(self.classes, self.probabilities(vector), strict=True)
                   if kind in kinds)


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
def _cue_patterns() -> tuple[re.Pattern[str], ...]:
    """One pattern per cue, its five languages' expressions joined."""
    data = json.loads(CUES_PATH.read_text(encoding="utf-8"))
    if set(data) - {"_doc"} != set(CUES):
        raise ValueError(f"{CUES_PATH.name} does not hold the cues {CUES}")
    return tuple(re.compile("|".join(p.replace("{M}", STAND_IN) for ps in data[c].values() for p in ps),
                            re.IGNORECASE) for c in CUES)


def cue_values(text: str) -> tuple[float, ...]:
    """Which cues to whom it is about the sentence `text` (as `sentence_text` gives it) holds."""
    return tuple(float(p.search(text) is not None) for p in _cue_patterns())


def verdict_features(sentence: str, names: Collection[str] = ()) -> tuple[float, ...]:
    """What the verdict read weighs: the sentence's embedding and its cues."""
    text = sentence_text(sentence, names)
    return embed_one(text) + cue_values(text)


@cache
def shipped_verdict_weights() -> VerdictWeights:
    return VerdictWeights.model_validate(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


# Whom an English sentence can blame: a member (the stand-in) or the one it speaks to.
_SOMEONE = re.compile(rf"\b(?:{STAND_IN}|you|your|yours|yourself)\b", re.IGNORECASE)


def about_someone(text: str) -> bool:
    """Whether an English sentence, as `sentence_text` gives it, names a member or says "you"."""
    return _SOMEONE.search(text) is not None


def passes_verdict(sentence: str, names: Collection[str], *, english: bool,
                   structural: bool, fault: bool = False,
                   weights: VerdictWeights | None = None) -> bool:
    """Whether `sentence` passes a verdict on a member. `english`: the text is English, where
    `structural` says whether the structural read (`reading.requests.verdict_in`) found one;
    where it found none, the fitted read decides blame alone (`VerdictWeights`). `fault`: in
    English, the structural read of a fault attributed to a member
    (`reading.requests.fault_in`: "the broken release is down to Declan", "Hattie dropped the
    ball") found one, a verdict on that read alone: it names what went wrong and whom it is put
    on, where the fitted read weighs the words of an evaluation, which it has none of."""
    if english and fault:
        return True
    weights = weights or shipped_verdict_weights()
    text = sentence_text(sentence, names)
    if english and not structural and not about_someone(text):
        return False  # no member to blame: no need to embed it
    vector = embed_one(text) + cue_values(text)
    if not english:
        return weights.probability(vector) >= weights.threshold
    if structural:
        return weights.probability(vector) >= weights.confirms
    return weights.share(vector, weights.blames) >= weights.blamed


def verdict_probability(sentence: str, names: Collection[str] = (),
                        weights: VerdictWeights | None = None) -> float:
    """How likely `sentence` passes a verdict on a member (`names`: the room's members)."""
    weights = weights or shipped_verdict_weights()
    return weights.probability(verdict_features(sentence, names))


__all__ = ["CUES", "CUES_PATH", "DATA_PATH", "FEATURES", "MODEL_PATH", "VerdictTraining",
           "VerdictWeights", "about_someone", "cue_values", "passes_verdict", "sentence_text",
           "sentence_vector", "shipped_verdict_weights", "verdict_features", "verdict_probability"]
