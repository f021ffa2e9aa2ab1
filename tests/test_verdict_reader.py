"""The read of a verdict on a member, by meaning (reading/verdicts.py; issue 23, item 3): what it
catches and what it lets pass on facilitator messages written apart from its labelled set."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.evaluation.training import load_jsonl, members_in, verdicts_as_checked
from facilitator.reading.clauses import sentences
from facilitator.reading.requests import fault_in
from facilitator.reading.verdicts import CUES, DATA_PATH, FEATURES, shipped_verdict_weights
from tests.test_fitted_readers import _script

DATA = Path(__file__).parent / "data"
# Whole messages, never fitted on (scripts/train_verdicts.py prints every set's figures). The
# second set's errors were read before the labelled set last grew; the third was measured once
# before the read by kind and its cues, its errors read; the fourth was written after them.
FRESH = DATA / "verdicts_fresh_2.jsonl"


def test_the_shipped_weights_load_with_their_thresholds() -> None:
    w = shipped_verdict_weights()
    assert len(FEATURES) == 512 + len(CUES)
    assert all(len(row) == len(FEATURES) for row in w.weights)
    assert set(w.verdicts) < set(w.classes)
    assert 0.0 < w.confirms <= w.threshold < 1.0
    assert set(w.training.languages) == {"en", "es", "fr", "de", "pt"}


FRESH_SETS = ("verdicts_fresh.jsonl", "verdicts_fresh_2.jsonl", "verdicts_fresh_3.jsonl",
              "verdicts_fresh_4.jsonl", "verdicts_fresh_5.jsonl", "verdicts_fresh_6.jsonl")


def test_no_sentence_of_the_fresh_messages_is_in_the_labelled_set() -> None:
    # Sentences of six words or more: the first set shares two short stock questions
    # ("¿Qué te ayudaría ahora mismo?") with it, too short to say anything of a member.
    labelled = {s.casefold() for r in load_jsonl(DATA_PATH) for s in sentences(r["text"])}
    for name in (*FRESH_SETS, NEUTRAL):
        shared = [s for r in load_jsonl(DATA / name) for s in sentences(r["text"])
                  if len(s.split()) >= 6 and s.casefold() in labelled]
        assert not shared, (name, shared)


def _caught(rows: list[dict[str, str]], names: set[str], *, fitted: bool) -> tuple[int, int, int, int]:
    """(verdicts caught, verdicts, other messages refused, other messages): by the check the
    LLM path runs (`fitted`), or by the English structural read alone, as before issue 23."""
    counts = verdicts_as_checked(rows, names, fitted=fitted).values()
    return (sum(c[0] for c in counts), sum(c[1] for c in counts), sum(c[2] for c in counts),
            sum(c[3] for c in counts))


def _split(name: str) -> tuple[list[dict[str, str]], list[dict[str, str]], set[str]]:
    rows = load_jsonl(DATA / name)
    names = members_in(load_jsonl(DATA_PATH)) | members_in(rows)
    return [r for r in rows if r["lang"] != "en"], [r for r in rows if r["lang"] == "en"], names


@pytest.mark.slow
def test_verdicts_in_other_languages_are_caught_and_english_is_no_worse() -> None:
    elsewhere, english, names = _split(FRESH.name)
    caught, verdicts, refused, others = _caught(elsewhere, names, fitted=True)
    # Before, no verdict outside English was caught at all (measured: 35 of 40, 14 of 40;
    # with the read by kind and its cues, 36 of 40 and 6 of 40).
    assert caught >= 0.8 * verdicts, (caught, verdicts)
    assert refused <= 0.4 * others, (refused, others)
    assert _caught(elsewhere, names, fitted=False)[0] == 0
    now, before = _caught(english, names, fitted=True), _caught(english, names, fitted=False)
    # Measured: 5 of 10 by the structure alone; 6 since a fault put on a member is read by
    # structure ("the missed launch date is on Mateo, since he never sent the specs").
    assert (now[0], before[0]) == (6, 5) and now[2] <= before[2], (now, before)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "caught_share", "refused_share", "english_caught"), [
    ("verdicts_fresh_3.jsonl", 0.9, 0.05, 6), ("verdicts_fresh_4.jsonl", 0.8, 0.1, 1),
    ("verdicts_fresh_5.jsonl", 0.8, 0.05, 4), ("verdicts_fresh_6.jsonl", 0.9, 0.05, 0)])
def test_on_the_later_fresh_sets_few_ordinary_messages_are_refused(
        name: str, caught_share: float, refused_share: float, english_caught: int) -> None:
    # Measured on the third set before the read by kind: outside English 34 of 40 caught and
    # 12 of 40 others refused; in English 7 of 10 and 1 of 10. Since blame is read in English
    # (the fitted read decides it alone where the structure finds no evaluation of a member),
    # the fifth set's English verdicts are caught 1 of 5 (0 by the structure alone), and
    # two structural ones the refit no longer confirms are lost: "…Wren's headline is clearly
    # the smarter one…" (third set) and "…Edwina made the sensible call and Fergus was being
    # silly" (fourth), read below confirms 0.395. Since a fault put on a member is read by
    # structure (`fault_in`), the fourth set's English verdicts are caught 1 of 5 ("the failed
    # build is on Tobias") and the fifth's 4 of 5 (its errors were read before that read was
    # written); the sixth set's five, none of them a fault put on a member (competence, motive,
    # a ranking, an apology owed, sarcasm), 0 of 5, as at its first contact.
    elsewhere, english, names = _split(name)
    caught, verdicts, refused, others = _caught(elsewhere, names, fitted=True)
    assert caught >= caught_share * verdicts, (caught, verdicts)
    assert refused <= refused_share * others, (refused, others)
    now, before = _caught(english, names, fitted=True), _caught(english, names, fitted=False)
    # Pinned as measured, so a change either way is seen; and no set loses more than one.
    assert now[0] == english_caught and before[0] - now[0] <= 1, (now, before)
    assert now[2] <= before[2], (now, before)


# English sentences about members that pass no verdict — their circumstances, absences, what they
# have or have not done yet — written to test a read by the fitted read alone in English (any
# verdict kind, at 0.6 where out of fold 98% of what it refused were verdicts): it refused 8
# of these 30 and was not kept. The check as it runs refuses none of them.
NEUTRAL = "verdicts_neutral_en.jsonl"


def test_sentences_about_members_that_judge_nobody_are_not_refused() -> None:
    rows = load_jsonl(DATA / NEUTRAL)
    assert len(rows) == 30 and all(r["label"] != "verdict" for r in rows)
    counts = verdicts_as_checked(rows, members_in(rows))
    assert counts == {"en": (0, 0, 0, 30)}, counts


@pytest.mark.parametrize("text", [
    "The broken projector is down to Kirsi; she packed it without the case.",
    "The missed deadline is on Elena.", "Omar, the missing receipts are on you.",
    "We lost the market stall because Bashir forgot to renew the permit.",
    "The choir lost its slot because Nuala never returned the form.",
    "Ugo dropped the ball on the sponsor letters.", "The delay is your fault.",
    "We lost the grant; the responsibility sits with her.",
    "The delay is because of Bo.", "Bo really messed up the booking.",
    "The mess in the kitchen is Bo's fault."])
def test_a_fault_put_on_a_member_is_read_by_structure(text: str) -> None:
    assert fault_in(text, {"Kirsi", "Elena", "Omar", "Bashir", "Nuala", "Ugo", "Bo"}), text


@pytest.mark.parametrize("text", [
    # A task's owner, nothing gone wrong; a fault put on no member; a member's circumstances.
    "The booking is down to Ana.", "It's down to Bo to decide.", "The hall is your responsibility.",
    "The delay is down to Ana's illness.", "The missing form is on Ana's desk.",
    "Rosa missed the start of the call because of a train delay.",
    "We're late because Ana is not well.", "Bo couldn't make it today, so we'll fill him in.",
    "Greg hasn't replied to the poll yet.", "Ana was off sick on Monday and missed the vote."])
def test_no_fault_is_read_where_none_is_put_on_a_member(text: str) -> None:
    assert fault_in(text, {"Ana", "Bo", "Rosa", "Greg"}) is None, text


@pytest.mark.train
def test_train_verdicts_check_reproduces_the_shipped_weights() -> None:
    assert _script("train_verdicts").main(["--check"]) == 0
