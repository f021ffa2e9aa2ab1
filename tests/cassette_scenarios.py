"""What the CI cassette holds: the LLM path over a few suite scenarios, with the real local model
(SmolLM2-135M on llama-cpp-python, through the real openai SDK) when recording, and from the
cassette alone when replaying. Shared by `scripts/record_cassette.py` (records) and
`tests/test_llm_cassette_ci.py` (replays in CI, no model).

Two passes over the scenarios: in the first the model makes every choice (the 135M model
mostly chooses silence or answers off the schema, so it rarely gets to word a turn); in the
second the choice is the rules' advice (`RulesAdvice`, as `FACILITATOR_LLM_JUDGE` would be a
second model) and the real model words the turns, so the cassette also holds the wording
calls and what the facts check made of them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from facilitator.engine import Engine
from facilitator.evaluation.suite import DEFAULT_SUITE
from facilitator.evaluation.words import WordsChecked, WordsVerdict
from facilitator.memory.store import RoomStore
from facilitator.policies.llm.base import LLMError, LLMProvider, LLMResult, T_Model, TokenUsage
from facilitator.policies.llm.choice import Assessment
from facilitator.policies.policy import FacilitatorPolicy
from facilitator.sim.scenario import load_scenario
from facilitator.sim.simulate import Simulation
from tests.policy_scenarios import EveryMovePolicy

CASSETTE = Path(__file__).resolve().parent / "cassettes" / "smollm2.jsonl"
SPEC = "openai:smollm2"
SCENARIOS = ("heated_code_review", "heated_parking_neighbours", "compound_hoa_heat_question",
             "invite_design_review", "question_due_date", "decision_release_date",
             "crux_monorepo", "capture_who_is_right")
# The second pass (the rules advise, the model words) over the scenarios whose moves a model
# words (graph.LLM_WORDED): a de-escalation and a crux.
WORDS_SCENARIOS = ("heated_code_review", "crux_monorepo")


class RulesAdvice:
    """A judge that takes the rules' advice: the candidate the rules would act on (the one
    marked rules="would do this" in the choice prompt), else silence. Deterministic, offline."""

    name = "rules-advice"

    async def structured(self, system: str, user: str, schema: type[T_Model], *,
                         max_tokens: int = 400) -> LLMResult[T_Model]:
        assert schema is Assessment, schema
        found = re.search(r'<candidate move="(\w+)"[^>]*rules="would do this"', user)
        choice = Assessment(reason="the rules' first candidate",
                            intervention=found.group(1) if found else "silence")  # type: ignore[arg-type]
        return LLMResult(choice, TokenUsage(0, 0))  # type: ignore[arg-type]

    async def text(self, system: str, user: str, *, max_tokens: int = 300) -> LLMResult[str]:
        raise LLMError("the judge only chooses", kind="other", provider=self.name)

    async def aclose(self) -> None:
        return None


async def _pass(store: RoomStore, policy: FacilitatorPolicy, prefix: str,
                checked: WordsChecked, names: tuple[str, ...]) -> list[dict[str, Any]]:
    turns: list[dict[str, Any]] = []
    for name in names:
        scenario = load_scenario(DEFAULT_SUITE / f"{name}.yaml")
        engine = Engine(store, checked, bot_id=scenario.bot_name)
        result = await Simulation(scenario, engine, room_name=f"{prefix}-{name}").run()
        turns += [{"scenario": name, "pass": prefix, "intervention": str(t.intervention),
                   "text": t.text, "reason": t.reason} for t in result.turns if t.bot]
        await store.delete(f"local:{prefix}-{name}")
    return turns


async def run_scenarios(store: RoomStore, provider: LLMProvider
                        ) -> tuple[list[dict[str, Any]], list[WordsVerdict],
                                   list[FacilitatorPolicy]]:
    """Every scenario through the LLM path, twice (the model chooses; the rules advise and the
    model words); the bot's turns, their words' verdicts and the two policies."""
    chooses = EveryMovePolicy(provider=provider, calls_per_hour=1000)
    words = EveryMovePolicy(provider=provider, calls_per_hour=1000, judge=RulesAdvice())
    turns: list[dict[str, Any]] = []
    verdicts: list[WordsVerdict] = []
    for prefix, policy, names in (("cassette", chooses, SCENARIOS),
                                  ("cassette-words", words, WORDS_SCENARIOS)):
        checked = WordsChecked(policy)
        turns += await _pass(store, policy, prefix, checked, names)
        verdicts += checked.verdicts
    return turns, verdicts, [chooses, words]
