"""What the CI cassette holds: the LLM path over a few suite scenarios, with the real local model
(SmolLM2-135M on llama-cpp-python, through the real openai SDK) when recording, and from the
cassette alone when replaying. Shared by `scripts/record_cassette.py` (records) and
`tests/test_llm_cassette_ci.py` (replays in CI, no model)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from facilitator.engine import Engine
from facilitator.evaluation.suite import DEFAULT_SUITE
from facilitator.evaluation.words import WordsChecked, WordsVerdict
from facilitator.memory.store import RoomStore
from facilitator.policies.llm.base import LLMProvider
from facilitator.policies.policy import FacilitatorPolicy
from facilitator.sim.scenario import load_scenario
from facilitator.sim.simulate import Simulation
from tests.policy_scenarios import EveryMovePolicy

CASSETTE = Path(__file__).resolve().parent / "cassettes" / "smollm2.jsonl"
SPEC = "openai:smollm2"
SCENARIOS = ("heated_code_review", "heated_parking_neighbours", "compound_hoa_heat_question",
             "invite_design_review", "question_due_date", "decision_release_date",
             "crux_monorepo", "capture_who_is_right")


async def run_scenarios(store: RoomStore, provider: LLMProvider
                        ) -> tuple[list[dict[str, Any]], list[WordsVerdict], FacilitatorPolicy]:
    """Every scenario through the LLM path; the bot's turns and their words' verdicts."""
    policy = EveryMovePolicy(provider=provider, calls_per_hour=1000)
    checked = WordsChecked(policy)
    turns: list[dict[str, Any]] = []
    for name in SCENARIOS:
        scenario = load_scenario(DEFAULT_SUITE / f"{name}.yaml")
        engine = Engine(store, checked, bot_id=scenario.bot_name)
        result = await Simulation(scenario, engine, room_name=f"cassette-{name}").run()
        turns += [{"scenario": name, "intervention": str(t.intervention), "text": t.text,
                   "reason": t.reason} for t in result.turns if t.bot]
        await store.delete(f"local:cassette-{name}")
    return turns, checked.verdicts, policy
