"""The decision-talk reader (reading/decision_talk.py): what a line does to a proposal, read by
meaning in the five languages of its labelled set. Its effect on the record is tested in
test_decision_record.py; here, the shipped weights and the labelled set they come from."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from facilitator.reading.decision_talk import DATA_PATH, Talk, load_model, read_talk
from tests.test_fitted_readers import _script

ROWS = [json.loads(x) for x in DATA_PATH.read_text(encoding="utf-8").splitlines() if x.strip()]


def test_every_kind_is_written_in_every_language_with_its_translations() -> None:
    assert {r["label"] for r in ROWS} == {k.value for k in Talk}
    by_group: dict[str, list[str]] = {}
    for r in ROWS:
        by_group.setdefault(r["group"], []).append(r["lang"])
    # A line and its translations share a group: the held-out folds keep them together.
    assert all(sorted(langs) == ["de", "en", "es", "fr", "pt"] for langs in by_group.values())
    per_kind = Counter(r["label"] for r in ROWS if r["lang"] == "en")
    assert min(per_kind.values()) >= 10


def test_the_shipped_model_reads_every_kind_over_the_embedding() -> None:
    model = load_model()
    assert set(model.classes) == set(Talk)
    assert {len(row) for row in model.weights} == {512}
    assert 0.0 < model.threshold < 1.0


def test_odd_input_is_no_read() -> None:
    for text in ("", "   ", "!!!", "👍"):
        assert read_talk(text).kind is None


@pytest.mark.train
@pytest.mark.timeout(600)  # embeds the labelled set and fits 21 models: a minute on 2 cores
def test_train_decision_talk_check_reproduces_the_shipped_weights() -> None:
    assert _script("train_decision_talk").main(["--check"]) == 0
