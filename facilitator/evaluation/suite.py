"""Run the scenario suite with several policies side by side, and score each run.

Every scenario runs once per policy on the real engine and store (the embedded server), and
once with no bot for the participation baseline. See metrics.py for what each figure means.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from facilitator.config import Settings
from facilitator.engine import Engine, Outcome, Policy
from facilitator.evaluation.fakes import InstantLLM
from facilitator.evaluation.metrics import (
    ScenarioScore,
    aggregate,
    bot_moves,
    check_never_entries,
    percentile,
    score_moves,
    window,
)
from facilitator.evaluation.words import WordsChecked, WordsVerdict
from facilitator.events import ChatEvent
from facilitator.memory.store import RoomStore
from facilitator.sim.scenario import Scenario, ScenarioError, load_scenario
from facilitator.sim.simulate import SilentPolicy, Simulation, SimulationResult

DEFAULT_SUITE = Path(__file__).resolve().parent.parent / "sim" / "scenarios" / "eval"
POLICY_NAMES = ("rules", "llm", "always", "mention-only")


class TimedEngine(Engine):
    """The real engine, timing each event end to end (store, signals, gate, policy, post)."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.latencies_ms: list[float] = []

    async def handle(self, event: ChatEvent) -> Outcome:
        start = time.perf_counter()
        outcome = await super().handle(event)
        self.latencies_ms.append((time.perf_counter() - start) * 1000.0)
        return outcome


@dataclass(slots=True)
class PolicySpec:
    name: str
    policy: Policy | None
    note: str = ""  # "fake LLM", the provider name, or why it was skipped

    @property
    def skipped(self) -> bool:
        return self.policy is None


@dataclass(slots=True)
class Run:
    path: Path
    scenario: Scenario
    result: SimulationResult
    score: ScenarioScore
    latencies_ms: list[float]
    llm_calls: int
    words: list[WordsVerdict] = field(default_factory=list)  # every bot turn's words, scored


@dataclass(slots=True)
class SuiteResult:
    scenarios: list[tuple[Path, Scenario]]
    specs: list[PolicySpec]
    runs: dict[str, list[Run]] = field(default_factory=dict)  # policy -> runs
    baseline: dict[str, SimulationResult] = field(default_factory=dict)  # path -> no-bot run
    seconds: float = 0.0

    def metrics(self, policy: str) -> dict[str, float]:
        runs = self.runs[policy]
        out = aggregate([r.score for r in runs])
        said = [r.result.metrics() for r in runs]
        messages = sum(m["messages"] for m in said)
        humans = sum(m["human_messages"] for m in said)
        out["bot_share"] = sum(m["bot_messages"] for m in said) / messages if messages else 0.0
        out["gini_with_bot"] = _mean([m["gini"] for m in said])
        out["gini_without_bot"] = _mean([self.baseline[str(r.path)].metrics()["gini"]
                                         for r in runs])
        dominated = [r for r in runs if "dominated" in r.scenario.tags]
        if dominated:
            out["gini_dominated_with_bot"] = _mean([r.result.metrics()["gini"] for r in dominated])
            out["gini_dominated_without_bot"] = _mean(
                [self.baseline[str(r.path)].metrics()["gini"] for r in dominated])
        out["llm_calls_per_message"] = sum(r.llm_calls for r in runs) / humans if humans else 0.0
        lat = [x for r in runs for x in r.latencies_ms]
        words = [w for r in runs for w in r.words]
        out["words_checked"] = float(len(words))
        out["words_true_rate"] = sum(w.ok for w in words) / len(words) if words else 1.0
        out["latency_p50_ms"] = percentile(lat, 50)
        out["latency_p99_ms"] = percentile(lat, 99)
        out["events"] = float(len(lat))
        return out


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def load_suite(folder: Path) -> list[tuple[Path, Scenario]]:
    """Every *.yaml under `folder`, validated, with checks of the checkpoints themselves."""
    paths = sorted(p for p in folder.rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))
    if not paths:
        raise ScenarioError(f"{folder}: no scenario files (*.yaml)")
    loaded = []
    problems = []
    for path in paths:
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            problems.append(str(exc))
            continue
        problems += [f"{path}: {p}" for p in lint_scenario(scenario)]
        loaded.append((path, scenario))
    if problems:
        raise ScenarioError("\n".join(problems))
    return loaded


def lint_scenario(s: Scenario) -> list[str]:
    """Mistakes in a scenario's expectations that would make its score meaningless."""
    problems = []
    last = len(s.script) - 1
    for i, cp in enumerate(s.expect):
        lo, hi = window(cp)
        if not 0 <= lo <= last:
            problems.append(f"expect {i}: after={lo} is not a script line (0..{last})")
        if hi < lo:
            problems.append(f"expect {i}: window ends ({hi}) before it starts ({lo})")
        bad = [x for x in cp.intervention if x not in _intervention_names()]
        if bad:
            problems.append(f"expect {i}: unknown intervention {', '.join(bad)}")
        ids = {m.id for m in s.participants}
        if any(t not in ids for t in cp.to):
            problems.append(f"expect {i}: `to` names someone not in participants")
    speak = [window(cp) for cp in s.expect if cp.speak]
    for i, cp in enumerate(s.expect):
        if cp.speak:
            continue
        lo, hi = window(cp)
        if any(a <= hi and lo <= b for a, b in speak):
            problems.append(f"expect {i}: silence window {lo}-{hi} overlaps a must-speak window")
    unknown = check_never_entries(s.never)
    if unknown:
        problems.append(f"never: unknown entries {', '.join(unknown)}")
    return problems


def _intervention_names() -> set[str]:
    from facilitator.policies.decision import Intervention

    return {i.value for i in Intervention}


def llm_configured(settings: Settings) -> bool:
    return settings.llm.strip().lower() != "rules"


def build_specs(names: list[str], settings: Settings, *, fake_llm: bool,
                env: Mapping[str, str] | None = None) -> list[PolicySpec]:
    """The policies asked for, each built or marked skipped with the reason."""
    from facilitator.policies.llm.stack import provider_from_env
    from facilitator.policies.peers import AlwaysPolicy, MentionOnlyPolicy
    from facilitator.policies.policy import FacilitatorPolicy
    from facilitator.policies.prompts import Prompts

    env = settings.llm_env() if env is None else env
    specs: list[PolicySpec] = []
    provider = None
    note = ""
    if any(n in ("llm", "always") for n in names):
        if llm_configured(settings):
            provider = provider_from_env(settings.llm, env=env, timeout_s=settings.llm_timeout_s)
            note = settings.llm
        elif fake_llm:
            provider, note = InstantLLM(), "fake LLM (instant)"
    prompts = Prompts()
    for name in names:
        if name == "rules":
            specs.append(PolicySpec(name, FacilitatorPolicy(prompts, None), "offline rules"))
        elif name == "mention-only":
            specs.append(PolicySpec(name, MentionOnlyPolicy(prompts), "answers mentions only"))
        elif name in ("llm", "always"):
            if provider is None:
                specs.append(PolicySpec(name, None, "skipped: no LLM configured "
                                        "(set FACILITATOR_LLM, or pass --fake-llm)"))
            elif name == "llm":
                specs.append(PolicySpec(name, FacilitatorPolicy(
                    prompts, provider, calls_per_hour=settings.llm_calls_per_room_per_hour),
                    note))
            else:
                specs.append(PolicySpec(name, AlwaysPolicy(provider), note))
        else:
            raise ValueError(f"unknown policy {name!r}; choose from {', '.join(POLICY_NAMES)}")
    return specs


async def run_scenario(store: RoomStore, scenario: Scenario, policy: Policy, *, room_name: str,
                       bot: bool = True,
                       words: list[WordsVerdict] | None = None,
                       ) -> tuple[SimulationResult, list[float], int]:
    """One scenario through the engine; with `words`, every bot turn's words are scored
    into it."""
    checked = WordsChecked(policy) if words is not None else None
    engine = TimedEngine(store, checked or policy, bot_id=scenario.bot_name)
    result = await Simulation(scenario, engine, bot=bot, room_name=room_name).run()
    await store.delete(f"local:{room_name}")
    llm_calls = sum(o.decision.llm_calls for o in result.outcomes)
    if checked is not None and words is not None:
        words.extend(checked.verdicts)
    return result, engine.latencies_ms, llm_calls


async def run_suite(store: RoomStore, scenarios: list[tuple[Path, Scenario]],
                    specs: list[PolicySpec], *, progress: Any = None) -> SuiteResult:
    started = time.perf_counter()
    out = SuiteResult(scenarios, specs)
    for path, scenario in scenarios:
        result, _, _ = await run_scenario(store, scenario, SilentPolicy(),
                                          room_name=f"eval-nobot-{path.stem}", bot=False)
        out.baseline[str(path)] = result
    for spec in specs:
        if spec.policy is None:
            continue
        runs = out.runs.setdefault(spec.name, [])
        for path, scenario in scenarios:
            words: list[WordsVerdict] = []
            result, lat, calls = await run_scenario(store, scenario, spec.policy,
                                                    room_name=f"eval-{spec.name}-{path.stem}",
                                                    words=words)
            score = score_moves(scenario, bot_moves(result.turns))
            runs.append(Run(path, scenario, result, score, lat, calls, words))
            if progress is not None:
                progress(spec.name, path, score)
    out.seconds = time.perf_counter() - started
    return out
