"""Members played by a model (`simulate --members llm`) and the evaluations' `--llm` option.

The model here is the scripted fake; tests/test_llm_real.py runs the same paths on a real one.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from facilitator.cli import build_parser
from facilitator.config import Settings
from facilitator.engine import Engine
from facilitator.evaluation.cli import with_llm
from facilitator.memory.store import RoomStore
from facilitator.policies.llm import LLMError, ScriptedProvider
from facilitator.policies.policy import FacilitatorPolicy
from facilitator.policies.prompts import Prompts
from facilitator.sim.scenario import load_scenario
from facilitator.sim.simulate import LLMMembers, Simulation, member_text
from tests.conftest import FACILITATOR, REPO, cli_env

HEATED = REPO / "facilitator" / "sim" / "scenarios" / "heated_disagreement.yaml"


async def test_personas_speak_through_the_model_in_the_scripts_order(store: RoomStore) -> None:
    scenario = load_scenario(HEATED)
    lines = [f"Line {i} from the model about the lot and what we should do." for i in range(40)]
    llm = ScriptedProvider(lines, cycle=True)
    members = LLMMembers(llm)
    engine = Engine(store, FacilitatorPolicy(provider=None), bot_id=scenario.bot_name)
    result = await Simulation(scenario, engine, members=members, room_name="m").run()

    said = [t for t in result.turns if not t.bot and t.kind == "message"]
    assert all(t.source == "model" for t in said)
    assert [t.who for t in said if t.script_index is not None] == [x.who for x in scenario.script]
    assert members.lines == len(said) == len(llm.calls)
    # Each member sees its own persona and the conversation so far, nothing else.
    third = llm.calls[2]
    assert "Greg" in third.system and "parent who wants a playground" in third.system
    assert "Rosa: Line 1 from the model" in third.user and "Line 2" not in third.user
    data = result.to_json()
    assert data["metrics"]["model_lines"] == len(said)
    assert {t["source"] for t in data["transcript"]} <= {"model", "bot"}


async def test_a_failed_or_unusable_model_line_stays_scripted(store: RoomStore) -> None:
    scenario = load_scenario(HEATED)
    steps: list[object] = [LLMError("down", kind="timeout"), '{"text": "json"}',
                           "Greg: I hear you all, let's look at the budget first.",
                           "We could split the lot in two, honestly."]
    llm = ScriptedProvider(steps, cycle=True)
    members = LLMMembers(llm)
    engine = Engine(store, FacilitatorPolicy(provider=None), bot_id=scenario.bot_name)
    result = await Simulation(scenario, engine, members=members, room_name="f").run()
    said = [t for t in result.turns if not t.bot and t.kind == "message"]
    assert [t.source for t in said[:3]] == ["script", "script", "model"]
    assert said[0].text == scenario.script[0].text and said[1].text == scenario.script[1].text
    assert said[2].text == "I hear you all, let's look at the budget first."
    assert members.fallbacks >= 2


@pytest.mark.parametrize(("raw", "clean"), [
    ("Greg: Kids need space.\nRosa: No they don't.", "Kids need space."),
    ('"We should vote on it next week."', "We should vote on it next week."),
    ("  Fine, let's see the numbers first.  ", "Fine, let's see the numbers first."),
    ("<|im_start|>assistant", None), ("Greg:", None)])
def test_member_text_is_the_first_message_as_typed(raw: str, clean: str | None) -> None:
    scenario = load_scenario(HEATED)
    assert member_text(raw, scenario.member("greg"), scenario) == clean


def test_simulate_members_llm_needs_a_model(tmp_path: Path) -> None:
    done = subprocess.run([*FACILITATOR, "simulate", str(HEATED), "--members", "llm"],
                          env=cli_env(tmp_path), capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 1
    assert "--members llm needs a model" in done.stderr


def test_llm_option_on_eval_and_each_dataset(tmp_path: Path) -> None:
    parser = build_parser()
    settings = Settings(data_dir=tmp_path)
    for argv in (["eval", "--llm", "openai:m"], ["eval", "deli", "--llm", "openai:m"],
                 ["eval", "--llm", "openai:m", "wikitactics"],
                 ["eval", "wikitactics", "--llm", "openai:m"]):
        assert with_llm(parser.parse_args(argv), settings).llm == "openai:m", argv
    assert with_llm(parser.parse_args(["eval", "deli"]), settings).llm == "rules"
    with pytest.raises(ValueError, match="expected 'rules'"):
        with_llm(parser.parse_args(["eval", "--llm", "gpt4"]), settings)


def test_eval_with_a_bad_llm_spec_says_so(tmp_path: Path) -> None:
    done = subprocess.run([*FACILITATOR, "eval", "wikitactics", "--llm", "nope"],
                          env=cli_env(tmp_path), capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 2 and "--llm 'nope'" in done.stderr


def test_a_model_echoing_its_prompt_is_not_a_member_line() -> None:
    """SmolLM2 once answered Rosa's turn with the system prompt itself; repeating the topic or
    what members said is fine, repeating the prompt's own wording is not."""
    scenario = load_scenario(HEATED)
    rosa = scenario.member("rosa")
    prompts = Prompts()
    templates = (prompts.text("llm/member_system"), prompts.text("llm/member"))
    echo = (f"You're Rosa, a member of a group chat about: {scenario.goal}. Who you are: "
            "long-time gardener. Stay in character.")
    assert member_text(echo, rosa, scenario, templates=templates) is None
    topic = f"Honestly we need to {scenario.goal.lower()} before winter."
    assert member_text(topic, rosa, scenario, templates=templates) == topic
    quoting = "Greg, you keep ignoring every family with kids? That's not fair."
    assert member_text(quoting, rosa, scenario, templates=templates) == quoting
