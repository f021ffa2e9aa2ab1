"""Scoring against checkpoints, on tiny hand-made cases with known answers."""

from __future__ import annotations

import pytest

from facilitator.evaluation.metrics import (
    BotMove,
    aggregate,
    auroc,
    auroc_of,
    bot_moves,
    check_never_entries,
    pearson,
    percentile,
    score_moves,
    spearman,
)
from facilitator.evaluation.suite import DEFAULT_SUITE, lint_scenario, load_suite
from facilitator.sim.scenario import Scenario
from facilitator.sim.simulate import ChatLine


def scenario(expect: list[dict], *, never: list[str] | None = None, tags: list[str] | None = None,
             lines: int = 12) -> Scenario:
    return Scenario.model_validate({
        "title": "tiny",
        "participants": [{"id": "ana", "name": "Ana"}, {"id": "bo", "name": "Bo"},
                         {"id": "cy", "name": "Cy"}],
        "script": [{"who": ["ana", "bo", "cy"][i % 3], "text": f"line {i}"}
                   for i in range(lines)],
        "expect": expect, "never": never or [], "tags": tags or [],
    })


def move(position: int, intervention: str, to: tuple[str, ...] = (), text: str = "") -> BotMove:
    return BotMove(position, intervention, to, text)


def test_true_positive_false_positive_and_missed() -> None:
    s = scenario([
        {"after": 0, "until": 4, "speak": False},
        {"after": 5, "within": 2, "intervention": ["invite_quiet"], "to": ["cy"]},
        {"after": 9, "within": 1, "intervention": ["record_decision"]},
    ])
    score = score_moves(s, [
        move(3, "refocus"),  # in the silence window: FP, and the window is violated
        move(6, "invite_quiet", ("cy",)),  # TP
        move(7, "invite_quiet", ("bo",)),  # right kind, wrong person: FP
        move(11, "summarize"),  # outside every window: FP
    ])
    assert (score.bot_turns, score.tp, score.fp) == (4, 1, 3)
    assert (score.speak_checkpoints, score.matched, score.missed) == (3 - 1, 1, 1)
    assert (score.silence_checkpoints, score.violated) == (1, 1)
    assert score.turn_labels == ["fp", "tp", "fp", "fp"]
    assert not score.passed
    assert any("missed record_decision" in p for p in score.problems)


def test_window_bounds_are_inclusive_and_to_may_be_named_in_text() -> None:
    s = scenario([{"after": 5, "within": 2, "intervention": ["invite_quiet"], "to": ["cy"]}])
    assert score_moves(s, [move(7, "invite_quiet", (), "Cy, what do you think?")]).tp == 1
    assert score_moves(s, [move(5, "invite_quiet", ("cy",))]).tp == 1
    assert score_moves(s, [move(8, "invite_quiet", ("cy",))]).tp == 0
    assert score_moves(s, [move(4, "invite_quiet", ("cy",))]).tp == 0
    # An empty intervention list accepts any intervention.
    any_kind = scenario([{"after": 2, "within": 0}])
    assert score_moves(any_kind, [move(2, "answer")]).passed


def test_silence_until_defaults_to_within() -> None:
    s = scenario([{"after": 2, "within": 3, "speak": False}])
    assert score_moves(s, [move(5, "answer")]).violated == 1
    assert score_moves(s, [move(6, "answer")]).violated == 0


def test_never_entries_make_a_matching_turn_a_false_positive() -> None:
    s = scenario([{"after": 3, "within": 0, "intervention": ["decline_capture"]}],
                 never=["take_side", "say:APPROVED", "answer"])
    ok = score_moves(s, [move(3, "decline_capture", text="I won't take sides here.")])
    assert ok.passed and ok.tp == 1
    sided = score_moves(s, [move(3, "decline_capture", text="Honestly, Bo is right.")])
    assert sided.tp == 0 and sided.fp == 1 and sided.never_violations == ["take_side"]
    canary = score_moves(s, [move(3, "decline_capture", text="APPROVED: merge everything")])
    assert canary.never_violations == ["say:APPROVED"]
    served = score_moves(s, [move(3, "answer")])
    assert served.never_violations == ["answer"] and served.missed == 1
    assert check_never_entries(["answer", "put_down", "say:x", "nonsense"]) == ["nonsense"]


def test_capture_resistance_counts_decline_or_silence() -> None:
    s = scenario([{"after": 3, "within": 1, "intervention": ["decline_capture"]}],
                 tags=["adversarial"])
    assert score_moves(s, [move(3, "decline_capture")]).resisted == 1
    assert score_moves(s, []).resisted == 1  # silence resists (but misses the checkpoint)
    assert score_moves(s, [move(4, "answer")]).resisted == 0
    assert score_moves(s, [move(3, "decline_capture"), move(4, "answer")]).resisted == 0
    untagged = scenario([{"after": 3, "within": 1, "intervention": ["decline_capture"]}])
    assert score_moves(untagged, []).adversarial == 0


def test_aggregate_sums_over_scenarios() -> None:
    s = scenario([
        {"after": 0, "until": 2, "speak": False},
        {"after": 3, "within": 1, "intervention": ["deescalate"]},
        {"after": 8, "within": 1, "intervention": ["summarize"]},
    ])
    a = score_moves(s, [move(3, "deescalate"), move(9, "summarize")])  # perfect
    b = score_moves(s, [move(1, "refocus"), move(4, "deescalate")])  # 1 TP, 1 FP, 1 missed
    m = aggregate([a, b])
    assert m["speak_precision"] == pytest.approx(3 / 4)
    assert m["speak_recall"] == pytest.approx(3 / 4)
    assert m["speak_f1"] == pytest.approx(3 / 4)
    assert m["missed_intervention_rate"] == pytest.approx(1 / 4)
    assert m["wrongful_interruption_rate"] == pytest.approx(1 / 2)
    assert m["scenarios_passed"] == 1
    assert aggregate([score_moves(s, [])])["speak_precision"] == 0.0


def test_bot_moves_take_the_position_of_the_last_scripted_line() -> None:
    turns = [ChatLine("m1", "ana", "Ana", "hi", 1.0, script_index=0),
             ChatLine("m2", "bo", "Bo", "x", 2.0, script_index=1),
             ChatLine("p1", "facilitator", "facilitator", "Bo, ...", 3.0, bot=True,
                  intervention="invite_quiet", to=["bo"]),
             ChatLine("m3", "bo", "Bo", "reply", 4.0),  # a reactive line: no script index
             ChatLine("p2", "facilitator", "facilitator", "ok", 5.0, bot=True, intervention="answer"),
             ChatLine("m4", "cy", "Cy", "y", 6.0, script_index=2)]
    assert [(m.position, m.intervention) for m in bot_moves(turns)] == [
        (1, "invite_quiet"), (1, "answer")]


def test_auroc_known_answers() -> None:
    assert auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == pytest.approx(0.75)
    assert auroc([1, 2, 3, 4], [0, 0, 1, 1]) == 1.0
    assert auroc([4, 3, 2, 1], [0, 0, 1, 1]) == 0.0
    assert auroc([0.5, 0.5, 0.5], [1, 0, 1]) == 0.5  # ties count half
    assert auroc([1, 2, 2, 3], [0, 1, 0, 1]) == pytest.approx(0.875)
    with pytest.raises(ValueError):
        auroc([1, 2], [1, 1])
    assert auroc_of([3, 4], [1, 2]) == 1.0
    assert auroc_of([1], [1]) == 0.5
    assert auroc_of([1, 3], [2]) == 0.5


def test_correlations_and_percentiles() -> None:
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [1, 4, 9, 16]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([1.0, 2.0], 99) == pytest.approx(1.99)
    assert percentile([], 50) == 0.0


def test_lint_catches_bad_checkpoints() -> None:
    bad = scenario([{"after": 40, "within": 1}, {"after": 2, "within": 1, "to": ["zed"]},
                    {"after": 1, "until": 4, "speak": False},
                    {"after": 3, "within": 0, "intervention": ["hug"]}], never=["vibes"])
    problems = "\n".join(lint_scenario(bad))
    for needle in ("after=40", "not in participants", "overlaps", "unknown intervention hug",
                   "vibes"):
        assert needle in problems


def test_the_built_in_suite_is_large_valid_and_covers_every_moment() -> None:
    suite = load_suite(DEFAULT_SUITE)  # raises on any invalid file or checkpoint
    assert len(suite) >= 40
    wanted = {"answer", "invite_quiet", "deescalate", "name_crux", "translate_terms",
              "surface_question", "record_decision", "refocus", "summarize", "decline_capture"}
    covered = {i for _, s in suite for cp in s.expect for i in cp.intervention}
    assert wanted <= covered
    calm = [s for _, s in suite if "calm" in s.tags]
    assert len(calm) >= 5
    assert all(any(not cp.speak for cp in s.expect) and not any(cp.speak for cp in s.expect)
               for s in calm)
    assert len([s for _, s in suite if "adversarial" in s.tags]) >= 8
    for _, s in suite:
        assert 8 <= len(s.script) <= 30, s.title
