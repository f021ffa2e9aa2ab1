"""What kind of claim about the room's record a sentence makes, read by meaning in any language.

The words check (`policies/facts.py`) grounds every claim a model's words make about the room's
record: what they call decided must be a decision, what they call open an open question, what
they say a member proposed a proposal, what they say a member took on an action item. In English
the claim is found by the sentence's structure. In another language this reader says which kind
of claim a sentence makes — `decided`, `open_question`, `proposal`, `task` or `none` (asking
whether something was decided, a condition, an invitation, a member's statement reported) — and
the check grounds it the same way, by the content words of the sentence.

A multinomial logistic regression over the multilingual sentence embedding
(`reading.intent.embed`), members' names read as one stand-in and the members a sentence opens by
addressing taken off (`reading.verdicts.sentence_vector`), fitted by `scripts/train_claim_kinds.py`
on `data/claims_labelled.jsonl` (sentences a facilitator might write, in five languages, written
by kind). Below its threshold it abstains: no claim is read, as before this reader.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from functools import cache
from pathlib import Path

from pydantic import Field

from facilitator.reading.logistic import SoftmaxWeights
from facilitator.reading.verdicts import sentence_vector

MODEL_PATH = Path(__file__).with_name("models") / "claim_kinds.json"
DATA_PATH = Path(__file__).with_name("data") / "claims_labelled.jsonl"
KINDS = ("decided", "open_question", "proposal", "task", "none")


class ClaimKindWeights(SoftmaxWeights):
    training: dict[str, object] = Field(default_factory=dict)  # how fitted, held-out figures


@cache
def shipped_claim_kinds() -> ClaimKindWeights:
    return ClaimKindWeights.model_validate(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


def claim_kind(sentence: str, names: Collection[str] = (),
               weights: ClaimKindWeights | None = None) -> str | None:
    """The kind of claim `sentence` makes about the room's record; None for none or unsure."""
    weights = weights or shipped_claim_kinds()
    kind, _ = weights.likeliest(sentence_vector(sentence, names))
    return None if kind == "none" else kind


__all__ = ["DATA_PATH", "KINDS", "MODEL_PATH", "ClaimKindWeights", "claim_kind", "shipped_claim_kinds"]
