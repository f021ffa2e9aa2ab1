"""Where a reply stands on a proposal: yes, no, or not clear — read by meaning in any language.

A late joiner who asks what was decided is told who said yes and who objected. The decision
record's own read (memory/trackers/proposals.py) is strict on purpose — a vote forged or
blocked changes the group's record — and leaves many a plain reply unplaced (a yes said with
only its reason, a no said as a price or a date that does not suit), which the answer then
told as unclear: judged blind, a clear stance told as unclear was among the harmful answers.
This reader takes a second look at those replies, for the telling only; it never votes.

A multinomial logistic regression over the multilingual sentence embedding
(`reading.intent.embed_one`, the one the request and decision-talk reads already load), fitted
by `scripts/train_reply_stance.py` on real chat (DeliData's messages labelled Agree and
Disagree, its questions and moderation as neither), the decision-talk labelled lines, and the
replies to proposals in the written request batches 1 to 19, each labelled by two readers who
saw only the proposal and the reply. Its threshold was chosen out of fold on those batches (at
most 2% of the replies it places placed wrongly); below it, or read as neither, it abstains.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from pydantic import Field

from facilitator.reading.intent import embed_one, normalise
from facilitator.reading.logistic import SoftmaxWeights

MODEL_PATH = Path(__file__).with_name("models") / "reply_stance.json"
LABELS_PATH = Path(__file__).with_name("data") / "reply_stance_labels.json"
STANCES = ("yes", "no", "unclear")
MAX_CHARS = 400  # a reply to a proposal is a line or two


class StanceWeights(SoftmaxWeights):
    training: dict[str, object] = Field(default_factory=dict)  # how fitted, held-out figures


@cache
def shipped_stance() -> StanceWeights:
    return StanceWeights.model_validate(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


def reply_stance(text: str, weights: StanceWeights | None = None) -> int:
    """+1 when the reply says yes to the proposal it answers, -1 when it says no, 0 when the
    reader cannot tell (or reads neither). Never raises for any text."""
    clean = " ".join((text or "").split())[:MAX_CHARS]
    if not any(ch.isalnum() for ch in clean):
        return 0
    stance, _ = (weights or shipped_stance()).likeliest(embed_one(normalise(clean)))
    return {"yes": 1, "no": -1}.get(stance or "", 0)


__all__ = ["LABELS_PATH", "MODEL_PATH", "STANCES", "StanceWeights", "reply_stance",
           "shipped_stance"]
