"""Words are scored (issue 23, item 6): the suite checks every bot turn's words for the rules
and the LLM path; `facilitator eval judge` has a model judge a fixed-seed sample blind by the
rubric and reports the four counts per kind of room."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.evaluation.fakes import InstantLLM
from facilitator.evaluation.judge import (
    ContextLine,
    JudgeVerdict,
    Turn,
    bot_turns,
    draw_sample,
    judge_turns,
    read_rooms,
    summarize,
)
from facilitator.evaluation.suite import DEFAULT_SUITE, PolicySpec, load_suite, run_suite
from facilitator.evaluation.words import score_words
from facilitator.memory.state import RoomState
from facilitator.memory.store import RoomStore
from facilitator.policies.decision import BotDecision, Intervention
from facilitator.policies.llm.cassette import complete, missing_path
from facilitator.policies.llm.scripted import ScriptedProvider
from facilitator.policies.llm.stack import _OPEN, provider_from_env
from facilitator.policies.prompts import Prompts
from tests.llm_wire import Wire, openai_completion
from tests.policy_scenarios import EveryMovePolicy
from tests.test_policy_llm import HEATED, OPENING

RUBRIC = "# Judging\n- **HELPFUL** — ...\n- **NEUTRAL** — ...\n- **HARMFUL** — ...\n"


def write_transcript(path: Path) -> Path:
    rows = []
    for room in ("gh-demo-1", "meet-committee-demo", "gh-demo-2"):
        # Ends with a request to the bot: with no move on by default in any kind of room,
        # what the bot answers is what there is to judge.
        lines = [*OPENING, *HEATED, ("rosa", f"@facilitator what is still open for {room}?")]
        for i, (who, text) in enumerate(lines):
            rows.append({"id": f"{room}-{i}", "room": room, "author": who,
                         "author_name": who.capitalize(), "text": text, "ts": 1000.0 + i})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


async def test_the_suite_scores_the_words_of_every_turn_for_rules_and_llm(
        store: RoomStore) -> None:
    scenarios = [s for s in load_suite(DEFAULT_SUITE) if "heated" in s[0].stem][:3]
    prompts = Prompts()
    specs = [PolicySpec("rules", EveryMovePolicy(prompts, None)),
             PolicySpec("llm", EveryMovePolicy(prompts, InstantLLM()))]
    suite = await run_suite(store, scenarios, specs)
    for name in ("rules", "llm"):
        words = [w for r in suite.runs[name] for w in r.words]
        assert words, name
        assert suite.metrics(name)["words_checked"] == len(words)
        assert suite.metrics(name)["words_true_rate"] == 1.0, [w for w in words if not w.ok]


def test_untrue_words_are_scored_as_such() -> None:
    state = RoomState(room="local:x")
    from facilitator.events import Author, ChatEvent, RoomRef

    event = ChatEvent(id="e1", room=RoomRef.local("x"), author=Author(id="ana", name="Ana"),
                      text="hi", ts=1.0)
    signed = BotDecision(speak=True, intervention=Intervention.SUMMARIZE, reason="r",
                         text="Here is where things stand: nothing yet.\n\nBest, Lena")
    assert score_words(signed, state, event).problem == "ends with a signature"
    garbled = BotDecision(speak=True, intervention=Intervention.REFOCUS, reason="r",
                          text='{"message": "calm"}')
    assert (score_words(garbled, state, event).problem or "").startswith("not well-formed")


def test_the_sample_is_fixed_by_its_seed_and_spread_over_kinds() -> None:
    turns = [Turn(f"{k}-{i}", f"e{i}", k, "deescalate", f"t{i}") for k in ("irc", "github")
             for i in range(20)]
    a = draw_sample(turns, 10, 23)
    assert [t.room for t in a] == [t.room for t in draw_sample(list(reversed(turns)), 10, 23)]
    assert {t.kind for t in a} == {"irc", "github"} and len(a) == 10
    assert [t.room for t in a] != [t.room for t in draw_sample(turns, 10, 24)]


async def test_the_judge_sees_only_the_room_kind_context_and_text(tmp_path: Path) -> None:
    """Through the real openai SDK: what the judging model is sent, and the four counts."""
    transcript = write_transcript(tmp_path / "t.jsonl")
    report = {"steps": [
        {"id": "gh-demo-1-8", "room": "gh-demo-1", "speak": True, "intervention": "deescalate",
         "text": "Rosa, Greg — let's pause.", "reason": "SECRET-REASON"},
        {"id": "meet-committee-demo-8", "room": "meet-committee-demo", "speak": True,
         "intervention": "answer", "text": "Still open: the lot.", "reason": "r"}]}
    turns = bot_turns(report, read_rooms([transcript], "facilitator"))
    assert [len(t.context) for t in turns] == [6, 6]
    assert turns[0].context[-1] == ContextLine("Greg", HEATED[5][1])  # the message it followed
    wire = Wire([openai_completion(json.dumps({"reason": "it calmed them", "verdict": "HELPFUL"})),
                 openai_completion(json.dumps({"reason": "talked over the chair",
                                               "verdict": "harmful"}))])
    judge = provider_from_env("openai:gpt-4o-mini", env={"OPENAI_API_KEY": "sk"},
                              http_client=wire.client())
    assert judge is not None
    sample = draw_sample(turns, 30, 23)
    await judge_turns(sample, judge, RUBRIC)
    await judge.aclose()
    sent = wire.body(0)
    system, user = sent["messages"][0]["content"], sent["messages"][1]["content"]
    assert RUBRIC.strip() in system
    assert "heated issue thread" in user or "chaired meeting" in user
    assert "deescalate" not in user and "SECRET-REASON" not in user and "answer" not in user.split(
        "Answer with")[0]
    assert user.count("<message ") == 6
    out = summarize(sample, seed=23, command="cmd", judge=judge.name, rubric="r")
    assert [t.kind for t in sample] == ["committee", "github"]  # kinds taken in name order
    assert out["kinds"]["committee"]["HELPFUL"] == 1
    assert out["kinds"]["committee"]["answers"]["HELPFUL"] == 1
    assert out["kinds"]["github"]["HARMFUL"] == 1
    assert out["kinds"]["github"]["proactive"]["HARMFUL"] == 1
    assert out["all"] == {"HELPFUL": 1, "NEUTRAL": 0, "HARMFUL": 1, "WRONG-MOMENT": 0,
                          "not_judged": 0, "n": 2}
    assert out["worst"][0]["verdict"] == "HARMFUL"


async def replay_rules(transcript: Path, tmp_path: Path) -> dict[str, object]:
    """`facilitator replay --json` of the rules in rooms that turned their moves on."""
    from facilitator.config import Settings
    from facilitator.engine import Engine
    from facilitator.memory.store import open_store
    from facilitator.sim.replay import replay

    async with open_store(Settings(data_dir=tmp_path / "replay")) as store:
        engine = Engine(store, EveryMovePolicy(provider=None), bot_id="facilitator")
        return await replay(engine, [transcript], bot_name="facilitator")


def test_eval_judge_from_the_command_line_with_a_cassette(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Replay the rules, then judge: the first run finds no answers in the cassette (every
    turn is 'not judged' and its request is kept), any model completes the cassette, and
    the same command then reports the verdicts."""
    import asyncio

    transcript = write_transcript(tmp_path / "t.jsonl")
    rubric = tmp_path / "JUDGING.md"
    rubric.write_text(RUBRIC)
    report = tmp_path / "replay.json"
    report.write_text(json.dumps(asyncio.run(replay_rules(transcript, tmp_path))))
    tape = tmp_path / "judge.jsonl"
    monkeypatch.setenv("FACILITATOR_LLM_CASSETTE", str(tape))
    monkeypatch.setenv("FACILITATOR_LLM_CASSETTE_MODE", "replay")
    args = ["eval", "judge", str(transcript), "--replay", str(report), "--judge",
            "openai:judge-model", "--rubric", str(rubric), "--json", str(tmp_path / "out.json")]
    _OPEN.clear()
    assert main(args) == 0
    first = json.loads((tmp_path / "out.json").read_text())
    assert first["sample_size"] == first["all"]["not_judged"] > 0
    assert missing_path(tape).is_file()

    answers = ScriptedProvider([JudgeVerdict(reason="fine", verdict="NEUTRAL")], cycle=True)
    answered, left = asyncio.run(complete(tape, answers, {"JudgeVerdict": JudgeVerdict}))
    assert answered == first["sample_size"] and left == 0
    _OPEN.clear()
    assert main(args) == 0
    second = json.loads((tmp_path / "out.json").read_text())
    assert second["all"]["NEUTRAL"] == second["sample_size"]
    assert set(second["kinds"]) == {"github", "committee"}
    assert second["command"].startswith("facilitator eval judge ")
    assert "seed 23" in capsys.readouterr().out
