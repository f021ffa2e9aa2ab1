"""The fitted readers' weights: a logistic regression on raw feature values, read from JSON.

Only the weights ship (each reader's `models/*.json`); at runtime a reader is a dot product
and a sigmoid, no scikit-learn. Each reader names its features in `FEATURES` (a weights file
for another feature list is refused: it would silently weigh the wrong cues).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from operator import mul
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, Field, model_validator


class LogisticWeights(BaseModel):
    FEATURES: ClassVar[tuple[str, ...]] = ()
    WHAT: ClassVar[str] = "reader"  # named in the refusal of a mismatched file
    NAN_PROBABILITY: ClassVar[float] = 0.5  # an absurd input: no evidence either way

    kind: str = "logistic"
    features: list[str]
    coefficients: list[float]
    intercept: float
    threshold: float = Field(ge=0.0, le=1.0)  # the reader says yes at this probability

    @model_validator(mode="after")
    def _matches_code(self) -> LogisticWeights:
        expected = type(self).FEATURES
        if tuple(self.features) != expected or len(self.coefficients) != len(expected):
            raise ValueError(f"the weights file does not match this version's {self.WHAT} features")
        if self.kind != "logistic":
            raise ValueError(f"unknown model kind {self.kind!r}")
        return self

    def probability(self, features: Sequence[float] | Mapping[str, float]) -> float:
        names = type(self).FEATURES
        if type(features) is not tuple:  # the hot path passes a tuple; skip the ABC check
            if isinstance(features, Mapping):
                features = tuple(features[name] for name in names)
            features = tuple(features)
        if len(features) != len(names):
            raise ValueError(f"expected {len(names)} features, got {len(features)}")
        return self.of_logit(self.intercept + sum(map(mul, self.coefficients, features)))

    def of_logit(self, z: float) -> float:
        """The probability of a logit (the weighted sum with the intercept)."""
        if z != z:
            return self.NAN_PROBABILITY
        # Clamped so an absurd input cannot overflow exp().
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def softmax(logits: Sequence[float]) -> list[float]:
    top = max(logits)  # shifted, so that no logit overflows exp()
    exps = [math.exp(z - top) for z in logits]
    total = sum(exps)
    return [e / total for e in exps]


def class_probabilities(weights: Sequence[Sequence[float]], bias: Sequence[float],
                        vector: Sequence[float]) -> list[float]:
    """A multinomial logistic regression's class probabilities: a row of weights and a bias
    per class."""
    return softmax([b + sum(w * x for w, x in zip(row, vector, strict=True))
                    for row, b in zip(weights, bias, strict=True)])


class SoftmaxWeights(BaseModel):
    """A multinomial logistic regression: one row of weights and a bias per class. Below
    `threshold` the likeliest class's probability is too low to say (the reader abstains)."""

    classes: list[str]
    weights: list[list[float]]
    bias: list[float]
    threshold: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _shapes(self) -> SoftmaxWeights:
        if not len(self.classes) == len(self.weights) == len(self.bias):
            raise ValueError("classes, weights and bias differ in length")
        return self

    def probabilities(self, vector: Sequence[float]) -> list[float]:
        return class_probabilities(self.weights, self.bias, vector)

    def likeliest(self, vector: Sequence[float]) -> tuple[str | None, float]:
        """The likeliest class and its probability; None below the threshold."""
        probs = self.probabilities(vector)
        best = max(range(len(probs)), key=probs.__getitem__)
        return (self.classes[best] if probs[best] >= self.threshold else None), probs[best]


def ship_weights(text: str, out: Path, *, check: bool, write: bool) -> int:
    """What a training script does with the weights it rebuilt: with `check`, compare them
    with the shipped file (exit status 1 unless equal); else write them (unless not `write`)."""
    if check:
        same = out.is_file() and out.read_text(encoding="utf-8") == text
        print("shipped weights reproduced" if same else f"differs from {out}")
        return 0 if same else 1
    if write:
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
    return 0
