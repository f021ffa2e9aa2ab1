"""Structured output on any OpenAI-compatible server, the circuit breaker, and the start-up check.

The real openai SDK runs; only the wire is faked, with replies shaped like those of the servers
named (llama-cpp-python's validation error is the one the issue reports).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import httpx2
import pytest
from pydantic import BaseModel

from facilitator.config import Settings
from facilitator.policies.commands import CommandServices
from facilitator.policies.llm import LLMError, ScriptedProvider, make_provider
from facilitator.policies.llm.base import answer_schema
from facilitator.policies.llm.breaker import CircuitBreaker
from facilitator.policies.llm.check import check_provider, preflight
from facilitator.policies.llm.jsonmode import extract_json
from facilitator.policies.llm.openai_provider import OpenAIProvider
from tests.llm_wire import Wire, openai_completion, status

LOCAL = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}


class Pick(BaseModel):
    """A choice."""

    move: Literal["invite_quiet", "silence"]
    why: str


GOOD = {"move": "invite_quiet", "why": "Ana has not spoken"}
# What llama-cpp-python's server answers to a strict json_schema response_format.
LLAMA_CPP_500 = {"error": {"message": "[{'type': 'literal_error', 'loc': ('body', "
                           "'response_format', 'type'), 'msg': \"Input should be 'text' or "
                           "'json_object'\", 'input': 'json_schema'}]", "type": "internal_server_error"}}


def local(wire: Wire, env: dict[str, str] | None = None) -> OpenAIProvider:
    provider = make_provider("openai:smollm2", env={**LOCAL, **(env or {})},
                             http_client=wire.client(), max_retries=0)
    assert isinstance(provider, OpenAIProvider)
    return provider


async def test_strict_schema_refused_steps_down_to_json_object_once_and_remembers() -> None:
    wire = Wire([status(500, LLAMA_CPP_500), openai_completion(json.dumps(GOOD)),
                 openai_completion(json.dumps(GOOD))])
    llm = local(wire)
    first = await llm.structured("s", "Who should speak?", Pick)
    second = await llm.structured("s", "Again?", Pick)
    await llm.aclose()

    assert first.value == Pick(**GOOD) and second.value == Pick(**GOOD)
    assert llm.json_mode == "json_object"
    formats = [wire.body(i).get("response_format") for i in range(3)]
    assert formats[0]["type"] == "json_schema"
    # Discovered once: the second call goes straight to the mode that works.
    assert formats[1] == formats[2] == {"type": "json_object", "schema": answer_schema(Pick)}
    assert "JSON schema" in wire.body(1)["messages"][1]["content"]


async def test_json_object_refused_too_steps_down_to_the_prompt() -> None:
    no_json_object = {"error": {"message": "response_format is not supported by this server"}}
    wire = Wire([status(400, {"error": {"message": "json_schema is not supported"}}),
                 status(400, no_json_object),
                 openai_completion("Sure! Here it is:\n```json\n" + json.dumps(GOOD) + "\n```")])
    llm = local(wire)
    result = await llm.structured("s", "u", Pick)
    await llm.aclose()
    assert result.value == Pick(**GOOD) and llm.json_mode == "prompt"
    assert "response_format" not in wire.body(2)
    assert '"move"' in wire.body(2)["messages"][1]["content"]  # the schema rides in the prompt


async def test_a_fixed_mode_from_the_environment_is_used_from_the_first_call() -> None:
    wire = Wire([openai_completion(json.dumps(GOOD))])
    llm = local(wire, {"FACILITATOR_LLM_JSON_MODE": "json_object"})
    await llm.structured("s", "u", Pick)
    await llm.aclose()
    assert wire.body(0)["response_format"]["type"] == "json_object"


async def test_a_fixed_mode_does_not_step_down() -> None:
    wire = Wire([status(500, LLAMA_CPP_500)])
    llm = local(wire, {"FACILITATOR_LLM_JSON_MODE": "json_schema"})
    with pytest.raises(LLMError, match="HTTP 500"):
        await llm.structured("s", "u", Pick)
    await llm.aclose()
    assert len(wire.requests) == 1 and llm.json_mode == "json_schema"


def test_a_bad_json_mode_setting_names_the_variable() -> None:
    with pytest.raises(ValueError, match="FACILITATOR_LLM_JSON_MODE='xml'"):
        make_provider("openai:m", env={**LOCAL, "FACILITATOR_LLM_JSON_MODE": "xml"})


async def test_an_ordinary_server_error_does_not_change_the_mode() -> None:
    wire = Wire([status(500, {"error": {"message": "CUDA out of memory"}})])
    llm = local(wire)
    with pytest.raises(LLMError, match="out of memory"):
        await llm.structured("s", "u", Pick)
    await llm.aclose()
    assert llm.json_mode == "json_schema"


@pytest.mark.parametrize("reply", ["I think Ana should speak.", '{"move": "dance", "why": "x"}',
                                   '{"move": "silence"'])
async def test_loose_modes_validate_the_reply_with_the_schema(reply: str) -> None:
    wire = Wire([openai_completion(reply)])
    llm = local(wire, {"FACILITATOR_LLM_JSON_MODE": "prompt"})
    with pytest.raises(LLMError) as info:
        await llm.structured("s", "u", Pick)
    await llm.aclose()
    assert info.value.kind == "malformed"


@pytest.mark.parametrize(("text", "found"), [
    ('{"a": 1}', '{"a": 1}'), ('```json\n{"a": 1}\n```', '{"a": 1}'),
    ('Here: {"a": {"b": 2}} done', '{"a": {"b": 2}}'), ("no json", None), ("", None)])
def test_extract_json(text: str, found: str | None) -> None:
    assert extract_json(text) == found


# ---- circuit breaker ---------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_breaker_opens_after_repeated_failures_and_recovers_after_the_cooldown() -> None:
    clock = Clock()
    inner = ScriptedProvider([LLMError("down", kind="connection")] * 3 + ["back", "again"])
    breaker = CircuitBreaker(inner, failures_to_open=3, cooldown_s=60, clock=clock)
    for _ in range(3):
        with pytest.raises(LLMError):
            await breaker.text("s", "u")
    assert breaker.state == "open" and not breaker.allows()
    with pytest.raises(LLMError) as info:
        await breaker.text("s", "u")
    assert info.value.kind == "circuit_open" and len(inner.calls) == 3  # nothing went out
    assert "switched off for 60 s after 3 failed calls" in breaker.status_line()
    snap = breaker.snapshot()
    assert snap["breaker_open"] == 1 and snap["failures_connection_total"] == 3
    assert snap["breaker_opened_total"] == 1

    clock.now += 61
    assert breaker.state == "half_open" and breaker.allows()
    assert (await breaker.text("s", "u")).value == "back"
    assert breaker.state == "closed" and breaker.status_line().startswith("Model: scripted, working")


async def test_a_failed_trial_reopens_for_longer() -> None:
    clock = Clock()
    inner = ScriptedProvider([LLMError("down", kind="timeout")] * 4)
    breaker = CircuitBreaker(inner, failures_to_open=3, cooldown_s=10, clock=clock)
    for _ in range(3):
        with pytest.raises(LLMError):
            await breaker.text("s", "u")
    clock.now += 11
    with pytest.raises(LLMError):
        await breaker.text("s", "u")
    assert breaker.state == "open" and breaker.seconds_left() == pytest.approx(20)


async def test_refusals_do_not_open_the_breaker() -> None:
    inner = ScriptedProvider([LLMError("no", kind="refusal")] * 5)
    breaker = CircuitBreaker(inner, failures_to_open=2)
    for _ in range(5):
        with pytest.raises(LLMError):
            await breaker.text("s", "u")
    assert breaker.state == "closed"


async def test_an_open_breaker_shows_in_the_room_status(store: Any) -> None:
    from facilitator.events import Author, RoomRef
    from facilitator.policies.commands import CommandRequest, run_command
    from facilitator.policies.policy import FacilitatorPolicy

    policy = FacilitatorPolicy(provider=ScriptedProvider([LLMError("x", kind="timeout")] * 3))
    assert policy.graph.breaker is not None
    for _ in range(3):
        with pytest.raises(LLMError):
            await policy.graph.breaker.text("s", "u")
    req = CommandRequest(room=RoomRef.local("r"), user=Author(id="ana"), text="status")
    reply = await run_command(store, req, CommandServices(llm_status=policy.llm_status))
    assert reply.visibility == "room"
    assert "is switched off" in reply.text and "offline rules decide" in reply.text
    offline = await run_command(store, req)
    assert "Model:" not in offline.text


# ---- start-up check ------------------------------------------------------------------------------


def models(*ids: str) -> httpx2.Response:
    return httpx2.Response(200, json={"object": "list", "data": [
        {"id": i, "object": "model", "created": 0, "owned_by": "me"} for i in ids]})


@pytest.mark.parametrize("listing", [models("smollm2"), models("smollm2:latest"),
                                     models("HuggingFaceTB/smollm2"), status(404)])
async def test_check_passes_when_a_structured_call_round_trips(listing: Any) -> None:
    wire = Wire([openai_completion('{"ok": true}'), listing])
    llm = local(wire)
    assert await check_provider(llm) is None
    await llm.aclose()
    assert wire.requests[1].url.path == "/v1/models"


async def test_check_refuses_a_model_the_server_does_not_list() -> None:
    """llama.cpp's server answers for any model name: only its list tells a typo."""
    wire = Wire([openai_completion('{"ok": true}'), models("smollm2")])
    provider = make_provider("openai:smolm2", env=LOCAL, http_client=wire.client(),
                             max_retries=0)
    assert provider is not None
    problem = await check_provider(provider)
    await provider.aclose()
    assert problem == ("openai:smolm2: model 'smolm2' is not served at http://127.0.0.1:9/v1 "
                       "(it serves: smollm2)")


@pytest.mark.parametrize(("reply", "line"), [
    (status(401, {"error": {"message": "Incorrect API key"}}), "API key was refused"),
    (status(404, {"error": {"message": "model 'smollm2' not found"}}),
     "model 'smollm2' not found at http://127.0.0.1:9/v1"),
    (openai_completion("hello there"), "structured call did not round-trip"),
    (httpx2.ConnectError("refused"), "cannot reach http://127.0.0.1:9/v1"),
])
async def test_check_names_the_problem_in_one_line(reply: Any, line: str) -> None:
    wire = Wire([reply])
    llm = local(wire, {"FACILITATOR_LLM_JSON_MODE": "prompt"})
    problem = await check_provider(llm)
    await llm.aclose()
    assert problem is not None and line in problem and "\n" not in problem


async def test_preflight_is_silent_for_the_offline_rules(tmp_path: Path) -> None:
    assert await preflight(Settings(data_dir=tmp_path, llm="rules"), env={}) is None


async def test_preflight_reports_a_missing_key(tmp_path: Path) -> None:
    problem = await preflight(Settings(data_dir=tmp_path, llm="openai:gpt-4o-mini"), env={})
    assert problem is not None and "OPENAI_API_KEY" in problem


def test_run_refuses_to_start_when_the_provider_is_unreachable(tmp_path: Path) -> None:
    import socket
    import subprocess

    from tests.conftest import FACILITATOR, cli_env

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = cli_env(tmp_path, FACILITATOR_LLM="openai:smollm2",
                  OPENAI_BASE_URL=f"http://127.0.0.1:{port}/v1", FACILITATOR_LLM_TIMEOUT="2",
                  SLACK_BOT_TOKEN="xoxb-test", SLACK_APP_TOKEN="xapp-test")
    done = subprocess.run([*FACILITATOR, "run", "slack"], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: LLM check failed: openai:smollm2: "
                                                   f"cannot reach http://127.0.0.1:{port}/v1")
