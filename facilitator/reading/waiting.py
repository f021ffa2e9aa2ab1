"""Would bringing this waiting request back help a busy help channel? A small fitted read.

The structural checks of `policies/bring_back.py` and `policies/floor.py` decide which request
may come back and when; this read then weighs what they cannot: whether a helper would take
the request up once it is quoted back. A logistic regression over the request's multilingual
sentence embedding (the one `intent.py` ships) and ten numbers the bot has at that moment (in
`FEATURES` order): the request's length, how long it has waited and how many messages since,
whether it names something concrete (a number, a path, a file or package name, a quote) or
a trouble word, whether it is its asker's first line and how many lines they posted, how much
of the last six messages revolve around one member, how many of them are addressed to a
member, and whether it has a question mark.

Fitted by `scripts/train_waiting.py` on the blind judgments of the TUNE rooms of Ubuntu IRC
(`judged/help-channel-requests/tune*`: 125 brought-back requests, a turn judged helpful = 1);
the threshold chosen on TUNE out of fold. Only its weights ship (`models/waiting.json`): at
runtime one embedding (cached by text) and a dot product, and only for a request that passed
every other check at a free moment — never on the silent path.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from functools import cache
from pathlib import Path
from typing import ClassVar

from pydantic import Field

from facilitator.reading.cues import CONCRETE, TROUBLE
from facilitator.reading.intent import MAX_CHARS, anonymise, embed_one
from facilitator.reading.logistic import LogisticWeights

MODEL_PATH = Path(__file__).with_name("models") / "waiting.json"
FEATURES: tuple[str, ...] = (
    "words_log",  # log(1 + words of the request)
    "wait_min_log",  # log(1 + minutes it has waited)
    "since_log",  # log(1 + human messages since it)
    "concrete",  # a digit, a path, a quote, or a word with inner . _ - (a file, a package)
    "trouble",  # an error or failure word (English)
    "first_line",  # it is its asker's first line in the room
    "asker_lines_log",  # log(1 + the asker's lines in the room)
    "floor_share",  # of the last six human messages, the most that involve one member
    "directed_share",  # of the last six human messages, the share addressed to a member
    "question_mark",  # the request has a question mark
)
LAST = 6  # the human messages read for the floor and directed shares


def text_cues(text: str) -> tuple[float, float, float, float]:
    """(words_log, concrete, trouble, question_mark) of a request's text."""
    return (math.log1p(len(text.split())), float(CONCRETE.search(text) is not None),
            float(TROUBLE.search(text) is not None), float("?" in text))


class WaitingWeights(LogisticWeights):
    FEATURES: ClassVar[tuple[str, ...]] = FEATURES
    WHAT: ClassVar[str] = "waiting-request reader"

    embedding: list[float] = Field(min_length=512, max_length=512)

    def helps(self, features: Sequence[float], vector: Sequence[float]) -> float:
        """The probability that bringing the request back helps the room."""
        z = self.intercept + math.fsum(c * x for c, x in zip(self.coefficients, features,
                                                              strict=True))
        z += math.fsum(w * v for w, v in zip(self.embedding, vector, strict=True))
        return self.of_logit(z)


@cache
def load_model(path: Path = MODEL_PATH) -> WaitingWeights:
    return WaitingWeights.model_validate_json(path.read_text(encoding="utf-8"))


def request_vector(text: str, member_names: Collection[str] = ()) -> tuple[float, ...]:
    """The request's embedding, members' names read as one stand-in (as `intent.py` does)."""
    return embed_one(anonymise(text[:MAX_CHARS], member_names))


def help_probability(text: str, features: Sequence[float],
                     member_names: Collection[str] = (),
                     model: WaitingWeights | None = None) -> float:
    """How likely bringing the request `text` back helps, given its `features` (FEATURES)."""
    model = model or load_model()
    return model.helps(features, request_vector(text, member_names))
