"""The read of a verdict on a member, by meaning (reading/verdicts.py; issue 23, item 3): what it
catches and what it lets pass on facilitator messages written apart from its labelled set."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.evaluation.training import load_jsonl, members_in
from facilitator.policies.facts import _judged
from facilitator.reading.clauses import sentences, unquoted
from facilitator.reading.language import detect_language
from facilitator.reading.requests import verdict_in
from facilitator.reading.verdicts import DATA_PATH, FEATURES, passes_verdict, shipped_verdict_weights
from tests.test_fitted_readers import _script

DATA = Path(__file__).parent / "data"
# Whole messages, never fitted on; the second set was written after the labelled set was last
# extended, by a hand that saw neither (scripts/train_verdicts.py prints both sets' figures).
FRESH = DATA / "verdicts_fresh_2.jsonl"


def test_the_shipped_weights_load_with_their_thresholds() -> None:
    w = shipped_verdict_weights()
    assert len(w.coefficients) == len(FEATURES) == 512
    assert 0.0 < w.confirms <= w.threshold < 1.0
    assert set(w.training.languages) == {"en", "es", "fr", "de", "pt"}


FRESH_SETS = ("verdicts_fresh.jsonl", "verdicts_fresh_2.jsonl", "verdicts_fresh_3.jsonl")


def test_no_sentence_of_the_fresh_messages_is_in_the_labelled_set() -> None:
    # Sentences of six words or more: the first set shares two short stock questions
    # ("¿Qué te ayudaría ahora mismo?") with it, too short to say anything of a member.
    labelled = {s.casefold() for r in load_jsonl(DATA_PATH) for s in sentences(r["text"])}
    for name in FRESH_SETS:
        shared = [s for r in load_jsonl(DATA / name) for s in sentences(r["text"])
                  if len(s.split()) >= 6 and s.casefold() in labelled]
        assert not shared, (name, shared)


def _caught(rows: list[dict[str, str]], names: set[str], *, fitted: bool) -> tuple[int, int, int, int]:
    """(verdicts caught, verdicts, other messages refused, other messages): by the check the
    LLM path runs (`fitted`), or by the English structural read alone, as before issue 23."""
    caught = verdicts = refused = others = 0
    for r in rows:
        bare = unquoted(r["text"])
        english = detect_language(bare).code == "en"
        said = False
        for s in sentences(bare):
            structural = english and bool(verdict_in(s, names, also=_judged))
            said = said or (passes_verdict(s, names, english=english, structural=structural)
                            if fitted else structural)
        if r["label"] == "verdict":
            verdicts += 1
            caught += said
        else:
            others += 1
            refused += said
    return caught, verdicts, refused, others


@pytest.mark.slow
def test_verdicts_in_other_languages_are_caught_and_english_is_no_worse() -> None:
    rows = load_jsonl(FRESH)
    names = members_in(load_jsonl(DATA_PATH)) | members_in(rows)
    elsewhere = [r for r in rows if r["lang"] != "en"]
    english = [r for r in rows if r["lang"] == "en"]
    caught, verdicts, refused, others = _caught(elsewhere, names, fitted=True)
    # Before, no verdict outside English was caught at all (measured: 35 of 40, 14 of 40).
    assert caught >= 0.8 * verdicts, (caught, verdicts)
    assert refused <= 0.4 * others, (refused, others)
    assert _caught(elsewhere, names, fitted=False)[0] == 0
    now, before = _caught(english, names, fitted=True), _caught(english, names, fitted=False)
    assert now[0] == before[0] and now[2] <= before[2], (now, before)


@pytest.mark.train
def test_train_verdicts_check_reproduces_the_shipped_weights() -> None:
    assert _script("train_verdicts").main(["--check"]) == 0
