"""The LLM provider layer, run through the real openai/anthropic SDKs with only the wire faked.

Retry timing: both SDKs wait `retry-after-ms` / `retry-after` when it is > 0 and otherwise back off
exponentially from 0.5 s (so `retry-after: 0` does NOT make a retry instant). Replies here carry
`retry-after-ms: 1`, the SDKs' own knob, so retried calls stay fast without patching; only the
timeout-then-success case (no response, so no header) shrinks the SDK's initial delay.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Literal

import anthropic._base_client
import httpx2
import openai._base_client
import pytest
from llm_wire import (
    Wire,
    anthropic_message,
    anthropic_text,
    anthropic_tool_use,
    openai_completion,
    status,
)
from pydantic import BaseModel, Field

from facilitator.policies.llm import (
    LLMError,
    LLMProvider,
    LLMResult,
    ScriptedCall,
    ScriptedProvider,
    ScriptError,
    TokenUsage,
    make_provider,
)
from facilitator.policies.llm.anthropic_provider import AnthropicProvider
from facilitator.policies.llm.base import answer_schema
from facilitator.policies.llm.factory import LOCAL_PLACEHOLDER_KEY
from facilitator.policies.llm.openai_provider import OpenAIProvider

OPENAI_MODEL = "gpt-4o-mini"
ANTHROPIC_MODEL = "claude-haiku-4-5"  # not in the SDK's deprecated list (that warns = error here)
FAST = "1"  # retry-after-ms value: retry after 1 ms


class Read(BaseModel):
    """The assessor's read of the room."""

    speak: bool
    move: Literal["invite_quiet", "deescalate", "none"]
    tension: float = Field(ge=0, le=1)


GOOD = {"speak": True, "move": "invite_quiet", "tension": 0.4}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Both SDKs read OPENAI_* / ANTHROPIC_* from os.environ for some settings (org, custom
    # headers, base URL when not given); none of the developer's may leak into a test.
    import os

    for key in list(os.environ):
        if key.startswith(("OPENAI_", "ANTHROPIC_")):
            monkeypatch.delenv(key)


@pytest.fixture
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shrink the SDKs' exponential backoff (0.5 s, 1 s, ...) for retries with no response."""
    monkeypatch.setattr(openai._base_client, "INITIAL_RETRY_DELAY", 0.001)
    monkeypatch.setattr(anthropic._base_client, "INITIAL_RETRY_DELAY", 0.001)


ProviderKind = Literal["openai", "anthropic"]


def make(kind: ProviderKind, wire: Wire, **kw: Any) -> OpenAIProvider | AnthropicProvider:
    if kind == "openai":
        return OpenAIProvider(OPENAI_MODEL, api_key="sk-test", http_client=wire.client(), **kw)
    return AnthropicProvider(ANTHROPIC_MODEL, api_key="sk-ant-test", http_client=wire.client(), **kw)


def structured_ok(kind: ProviderKind, value: Any = None) -> httpx2.Response:
    value = GOOD if value is None else value
    if kind == "openai":
        return openai_completion(value if isinstance(value, str) else json.dumps(value))
    return anthropic_tool_use("Read", value)


def text_ok(kind: ProviderKind, text: str = "Ana, what do you think?") -> httpx2.Response:
    return openai_completion(text) if kind == "openai" else anthropic_text(text)


@pytest.fixture(params=["openai", "anthropic"])
def kind(request: pytest.FixtureRequest) -> ProviderKind:
    return request.param


# ---- request shape --------------------------------------------------------------------------


async def test_openai_structured_request_shape() -> None:
    wire = Wire([openai_completion(json.dumps(GOOD), prompt_tokens=120, completion_tokens=9)])
    llm = make("openai", wire)
    result = await llm.structured("You facilitate.", "alice: hi", Read, max_tokens=123)
    await llm.aclose()

    assert result == LLMResult(Read(**GOOD), TokenUsage(tokens_in=120, tokens_out=9))
    (req,) = wire.requests
    assert req.method == "POST"
    assert str(req.url) == "https://api.openai.com/v1/chat/completions"
    assert req.headers["authorization"] == "Bearer sk-test"
    body = wire.body()
    assert body["model"] == OPENAI_MODEL
    assert body["messages"] == [
        {"role": "system", "content": "You facilitate."},
        {"role": "user", "content": "alice: hi"},
    ]
    assert body["max_completion_tokens"] == 123
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["name"] == "Read"
    assert fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"speak", "move", "tension"}
    assert schema["properties"]["move"]["enum"] == ["invite_quiet", "deescalate", "none"]


async def test_openai_text_request_shape() -> None:
    wire = Wire([openai_completion("  Shall we hear from Ana?  ")])
    llm = make("openai", wire)
    result = await llm.text("You facilitate.", "bob: whatever", max_tokens=55)
    await llm.aclose()

    assert result.value == "Shall we hear from Ana?"
    assert result.usage == TokenUsage(11, 7)
    body = wire.body()
    assert wire.requests[0].url.path == "/v1/chat/completions"
    assert body["model"] == OPENAI_MODEL
    assert body["max_completion_tokens"] == 55
    assert "response_format" not in body
    assert body["messages"][1] == {"role": "user", "content": "bob: whatever"}


async def test_anthropic_structured_request_shape() -> None:
    wire = Wire([anthropic_tool_use("Read", GOOD, input_tokens=200, output_tokens=31)])
    llm = make("anthropic", wire)
    result = await llm.structured("You facilitate.", "alice: hi", Read, max_tokens=123)
    await llm.aclose()

    assert result == LLMResult(Read(**GOOD), TokenUsage(tokens_in=200, tokens_out=31))
    (req,) = wire.requests
    assert str(req.url) == "https://api.anthropic.com/v1/messages"
    # anthropic 2.x sends the API key as a bearer token (not the old x-api-key header).
    assert req.headers["authorization"] == "Bearer sk-ant-test"
    assert "anthropic-version" in req.headers
    body = wire.body()
    assert body["model"] == ANTHROPIC_MODEL
    assert body["system"] == "You facilitate."
    assert body["messages"] == [{"role": "user", "content": "alice: hi"}]
    assert body["max_tokens"] == 123
    (tool,) = body["tools"]
    assert tool["name"] == "Read"
    # Neither the tool nor its schema carries the class docstring (tests/test_llm_schemas.py).
    assert tool["description"] == "Record the Read."
    assert tool["input_schema"] == answer_schema(Read)
    assert "description" not in tool["input_schema"]
    assert body["tool_choice"]["type"] == "tool"
    assert body["tool_choice"]["name"] == "Read"


async def test_anthropic_text_request_shape() -> None:
    wire = Wire(
        [
            anthropic_message(
                [
                    {"type": "text", "text": "Let's pause. "},
                    {"type": "text", "text": "Bob, say more?"},
                ],
                input_tokens=40,
                output_tokens=8,
            )
        ]
    )
    llm = make("anthropic", wire)
    result = await llm.text("You facilitate.", "bob: whatever", max_tokens=55)
    await llm.aclose()

    assert result == LLMResult("Let's pause. Bob, say more?", TokenUsage(40, 8))
    body = wire.body()
    assert body["max_tokens"] == 55
    assert body["system"] == "You facilitate."
    assert "tools" not in body and "tool_choice" not in body


async def test_anthropic_usage_counts_prompt_cache_tokens() -> None:
    reply = anthropic_tool_use("Read", GOOD)
    body = json.loads(reply.content)
    body["usage"].update(cache_read_input_tokens=100, cache_creation_input_tokens=20)
    wire = Wire([httpx2.Response(200, json=body)])
    llm = make("anthropic", wire)
    result = await llm.structured("s", "u", Read)
    await llm.aclose()
    assert result.usage == TokenUsage(13 + 100 + 20, 5)


async def test_openai_missing_usage_counts_zero() -> None:
    wire = Wire([openai_completion("ok", usage=False)])
    llm = make("openai", wire)
    assert (await llm.text("s", "u")).usage == TokenUsage(0, 0)
    await llm.aclose()


# ---- malformed model output -----------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        "{not json",  # invalid JSON
        {"speak": "perhaps", "move": "invite_quiet", "tension": 0.1},  # wrong type
        {"speak": True, "move": "take_sides", "tension": 0.1},  # not in the enum
        {"speak": True, "move": "none", "tension": 7},  # out of range
        {"speak": True},  # missing fields
    ],
)
async def test_malformed_structured_output_is_llmerror(kind: ProviderKind, bad: Any) -> None:
    wire = Wire([structured_ok(kind, bad)])
    llm = make(kind, wire)
    with pytest.raises(LLMError) as info:
        await llm.structured("s", "u", Read)
    await llm.aclose()
    assert info.value.kind == "malformed"
    assert info.value.provider == llm.name
    assert len(wire.requests) == 1  # a bad answer is not an HTTP failure: no SDK retry


async def test_openai_refusal_and_empty_content() -> None:
    wire = Wire([openai_completion(None, refusal="I can't help with that."), openai_completion("")])
    llm = make("openai", wire)
    with pytest.raises(LLMError) as refused:
        await llm.structured("s", "u", Read)
    with pytest.raises(LLMError) as empty:
        await llm.structured("s", "u", Read)
    await llm.aclose()
    assert refused.value.kind == "refusal"
    assert empty.value.kind == "malformed"


async def test_anthropic_reply_without_tool_call() -> None:
    wire = Wire([anthropic_text("Sure! Here is JSON: {...}")])
    llm = make("anthropic", wire)
    with pytest.raises(LLMError, match="no Read tool call"):
        await llm.structured("s", "u", Read)
    await llm.aclose()


async def test_truncated_structured_is_llmerror_and_text_comes_back_marked(
        kind: ProviderKind) -> None:
    if kind == "openai":
        replies = [
            openai_completion('{"speak": tr', finish_reason="length"),
            openai_completion("Let us pause. Rosa, what do", finish_reason="length"),
            openai_completion("Let us pause."),
        ]
    else:
        replies = [
            anthropic_tool_use("Read", {"speak": True}, stop_reason="max_tokens"),
            anthropic_text("Let us pause. Rosa, what do", stop_reason="max_tokens"),
            anthropic_text("Let us pause."),
        ]
    wire = Wire(replies)
    llm = make(kind, wire)
    with pytest.raises(LLMError) as s_err:
        await llm.structured("s", "u", Read)
    cut = await llm.text("s", "u")
    whole = await llm.text("s", "u")
    await llm.aclose()
    assert s_err.value.kind == "truncated"
    # Half a JSON object is no answer; half a message may still hold whole sentences.
    assert cut.truncated and cut.value == "Let us pause. Rosa, what do"
    assert not whole.truncated


async def test_non_json_http_body_is_llmerror(kind: ProviderKind) -> None:
    wire = Wire([httpx2.Response(200, text="<html>gateway says hi</html>")])
    llm = make(kind, wire)
    with pytest.raises(LLMError) as info:
        await llm.structured("s", "u", Read)
    await llm.aclose()
    assert info.value.kind == "other"


# ---- retries, status errors, timeouts ---------------------------------------------------------


async def test_429_then_success_retries_once(kind: ProviderKind) -> None:
    wire = Wire([status(429, retry_after_ms=FAST), structured_ok(kind)])
    llm = make(kind, wire)
    start = time.perf_counter()
    result = await llm.structured("s", "u", Read)
    elapsed = time.perf_counter() - start
    await llm.aclose()
    assert result.value == Read(**GOOD)
    assert len(wire.requests) == 2
    assert [r.headers["x-stainless-retry-count"] for r in wire.requests] == ["0", "1"]
    # The header was honoured: the SDK's own backoff would have slept at least 0.375 s.
    assert elapsed < 0.35


async def test_500_twice_then_success(kind: ProviderKind) -> None:
    wire = Wire([status(500, retry_after_ms=FAST), status(503, retry_after_ms=FAST), text_ok(kind)])
    llm = make(kind, wire, max_retries=2)
    result = await llm.text("s", "u")
    await llm.aclose()
    assert result.value == "Ana, what do you think?"
    assert len(wire.requests) == 3


async def test_5xx_beyond_max_retries_is_llmerror(kind: ProviderKind) -> None:
    wire = Wire([status(500, retry_after_ms=FAST) for _ in range(3)])
    llm = make(kind, wire, max_retries=2)
    with pytest.raises(LLMError) as info:
        await llm.text("s", "u")
    await llm.aclose()
    assert len(wire.requests) == 3
    assert (info.value.kind, info.value.status) == ("http", 500)


async def test_429_beyond_max_retries_is_rate_limit(kind: ProviderKind) -> None:
    wire = Wire([status(429, retry_after_ms=FAST) for _ in range(2)])
    llm = make(kind, wire, max_retries=1)
    with pytest.raises(LLMError) as info:
        await llm.structured("s", "u", Read)
    await llm.aclose()
    assert len(wire.requests) == 2
    assert (info.value.kind, info.value.status) == ("rate_limit", 429)


async def test_400_is_not_retried(kind: ProviderKind) -> None:
    body = {"type": "error", "error": {"type": "invalid_request_error", "message": "bad schema"}}
    wire = Wire([status(400, body)])
    llm = make(kind, wire)
    with pytest.raises(LLMError, match="HTTP 400: bad schema") as info:
        await llm.structured("s", "u", Read)
    await llm.aclose()
    assert len(wire.requests) == 1
    assert info.value.status == 400


async def test_read_timeout_is_llmerror(kind: ProviderKind) -> None:
    wire = Wire([httpx2.ReadTimeout("slow model")])
    llm = make(kind, wire, max_retries=0)
    with pytest.raises(LLMError, match="timed out") as info:
        await llm.text("s", "u")
    await llm.aclose()
    assert info.value.kind == "timeout"
    assert len(wire.requests) == 1


async def test_read_timeout_then_success_is_retried(kind: ProviderKind, fast_backoff: None) -> None:
    wire = Wire([httpx2.ReadTimeout("slow model"), httpx2.ConnectError("refused"), text_ok(kind)])
    llm = make(kind, wire, max_retries=2)
    result = await llm.text("s", "u")
    await llm.aclose()
    assert result.value == "Ana, what do you think?"
    assert len(wire.requests) == 3


async def test_connection_error_after_retries_is_llmerror(kind: ProviderKind, fast_backoff: None) -> None:
    wire = Wire([httpx2.ConnectError("refused") for _ in range(2)])
    llm = make(kind, wire, max_retries=1)
    with pytest.raises(LLMError) as info:
        await llm.structured("s", "u", Read)
    await llm.aclose()
    assert info.value.kind == "connection"
    assert len(wire.requests) == 2


async def test_overall_deadline_caps_a_long_retry_after(kind: ProviderKind) -> None:
    # anthropic sleeps for any retry-after a 429 asks (openai refuses > 120 s and gives up);
    # either way the call must end within its deadline, as an LLMError.
    wire = Wire([status(429, retry_after="30"), structured_ok(kind)])
    llm = make(kind, wire, deadline_s=0.2)
    start = time.perf_counter()
    with pytest.raises(LLMError) as info:
        await llm.structured("s", "u", Read)
    await llm.aclose()
    assert time.perf_counter() - start < 2
    assert info.value.kind in ("timeout", "rate_limit")


async def test_openai_gives_up_at_once_on_retry_after_over_two_minutes() -> None:
    wire = Wire([status(429, retry_after="600"), structured_ok("openai")])
    llm = make("openai", wire)
    with pytest.raises(LLMError) as info:
        await llm.structured("s", "u", Read)
    await llm.aclose()
    assert info.value.kind == "rate_limit"
    assert len(wire.requests) == 1


async def test_overall_deadline_covers_a_hung_handler(kind: ProviderKind) -> None:
    async def hang(request: httpx2.Request) -> httpx2.Response:
        await asyncio.sleep(30)
        raise AssertionError("unreachable")  # pragma: no cover

    wire = Wire([])
    client = httpx2.AsyncClient(transport=httpx2.MockTransport(hang))
    cls = OpenAIProvider if kind == "openai" else AnthropicProvider
    llm = cls("m", api_key="k", http_client=client, deadline_s=0.1)
    with pytest.raises(LLMError, match="no answer within") as info:
        await llm.text("s", "u")
    await llm.aclose()
    assert info.value.kind == "timeout"
    assert wire.requests == []


async def test_real_socket_timeout_is_llmerror(kind: ProviderKind, silent_server: str) -> None:
    # The SDKs' own per-attempt timeout on a real connection (MockTransport cannot time out).
    if kind == "openai":
        llm = OpenAIProvider("m", api_key="k", base_url=f"{silent_server}/v1", timeout_s=0.2, max_retries=0)
    else:
        llm = AnthropicProvider("m", api_key="k", base_url=silent_server, timeout_s=0.2, max_retries=0)
    start = time.perf_counter()
    with pytest.raises(LLMError, match="timed out") as info:
        await llm.text("s", "u")
    await llm.aclose()
    assert info.value.kind == "timeout"
    assert time.perf_counter() - start < 3


# ---- factory ------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["rules", " Rules "])
def test_factory_rules_is_none(spec: str) -> None:
    assert make_provider(spec, env={"OPENAI_API_KEY": "sk"}) is None


@pytest.mark.parametrize(
    ("spec", "var"),
    [("openai:gpt-4o-mini", "OPENAI_API_KEY"), ("anthropic:claude-haiku-4-5", "ANTHROPIC_API_KEY")],
)
def test_factory_missing_key_names_the_variable(spec: str, var: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(var, "from-os-environ")  # ignored: only the env given counts
    with pytest.raises(ValueError, match=var):
        make_provider(spec, env={})
    with pytest.raises(ValueError, match=var):
        make_provider(spec, env={var: "  "})


@pytest.mark.parametrize("spec", ["gemini:pro", "openai", "openai:", "anthropic: ", "", "gpt-4o"])
def test_factory_bad_spec(spec: str) -> None:
    with pytest.raises(ValueError, match="rules"):
        make_provider(spec, env={"OPENAI_API_KEY": "k", "ANTHROPIC_API_KEY": "k"})


async def test_factory_openai_uses_key_from_env() -> None:
    wire = Wire([openai_completion("hi")])
    llm = make_provider("openai:gpt-4o-mini", env={"OPENAI_API_KEY": "sk-env"}, http_client=wire.client())
    assert isinstance(llm, OpenAIProvider)
    assert llm.name == "openai:gpt-4o-mini"
    await llm.text("s", "u")
    await llm.aclose()
    assert wire.requests[0].headers["authorization"] == "Bearer sk-env"
    assert str(wire.requests[0].url) == "https://api.openai.com/v1/chat/completions"


async def test_factory_openai_base_url_local_server_without_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://elsewhere.invalid/v1")  # ignored
    wire = Wire([openai_completion(json.dumps(GOOD))])
    llm = make_provider(
        "openai:qwen2.5:7b",  # Ollama-style model name with its own colon
        env={"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1"},
        http_client=wire.client(),
    )
    assert llm is not None and llm.name == "openai:qwen2.5:7b"
    await llm.structured("s", "u", Read, max_tokens=99)
    await llm.aclose()
    req = wire.requests[0]
    assert str(req.url) == "http://127.0.0.1:11434/v1/chat/completions"
    assert req.headers["authorization"] == f"Bearer {LOCAL_PLACEHOLDER_KEY}"
    body = wire.body()
    assert body["model"] == "qwen2.5:7b"
    # compatible servers get the widely supported field
    assert body["max_tokens"] == 99 and "max_completion_tokens" not in body


async def test_factory_ignores_os_environ_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://elsewhere.invalid/v1")
    wire = Wire([openai_completion("hi")])
    llm = make_provider("openai:gpt-4o-mini", env={"OPENAI_API_KEY": "k"}, http_client=wire.client())
    assert llm is not None
    await llm.text("s", "u")
    await llm.aclose()
    assert wire.requests[0].url.host == "api.openai.com"


async def test_factory_anthropic_passes_timeout_and_retries() -> None:
    wire = Wire([status(500)])
    llm = make_provider(
        "anthropic:claude-haiku-4-5",
        env={"ANTHROPIC_API_KEY": "sk-ant-env"},
        timeout_s=7.5,
        max_retries=0,
        http_client=wire.client(),
    )
    assert isinstance(llm, AnthropicProvider)
    with pytest.raises(LLMError):
        await llm.text("s", "u")
    await llm.aclose()
    assert len(wire.requests) == 1  # max_retries=0 reached the SDK
    assert wire.requests[0].headers["x-stainless-read-timeout"] == "7.5"
    assert wire.requests[0].headers["authorization"] == "Bearer sk-ant-env"


def test_providers_satisfy_the_protocol() -> None:
    wire = Wire([])
    for llm in (make("openai", wire), make("anthropic", wire), ScriptedProvider()):
        assert isinstance(llm, LLMProvider)


# ---- ScriptedProvider ---------------------------------------------------------------------------


class Other(BaseModel):
    speak: bool
    move: str
    tension: float


async def test_scripted_returns_in_order_and_records_calls() -> None:
    llm = ScriptedProvider(
        [
            Read(**GOOD),
            {"speak": False, "move": "none", "tension": 0.0},
            json.dumps(GOOD),
            Other(**GOOD),
            "Ana, your view?",
        ]
    )
    a = await llm.structured("sys1", "user1", Read)
    b = await llm.structured("sys2", "user2", Read, max_tokens=50)
    c = await llm.structured("sys3", "user3", Read)
    d = await llm.structured("sys4", "user4", Read)
    e = await llm.text("sys5", "user5", max_tokens=80)
    assert a.value == Read(**GOOD) and isinstance(a.value, Read)
    assert b.value == Read(speak=False, move="none", tension=0.0)
    assert c.value == d.value == Read(**GOOD)
    assert e.value == "Ana, your view?"
    assert llm.calls[0] == ScriptedCall("structured", "sys1", "user1", Read, 400)
    assert llm.calls[1].max_tokens == 50
    assert llm.calls[4] == ScriptedCall("text", "sys5", "user5", None, 80)
    assert [(c.system, c.user, c.schema) for c in llm.calls][2] == ("sys3", "user3", Read)
    assert llm.remaining == 0


async def test_scripted_raises_scripted_exceptions() -> None:
    llm = ScriptedProvider([LLMError("rate limited", kind="rate_limit"), LLMError, "ok"])
    with pytest.raises(LLMError, match="rate limited"):
        await llm.text("s", "u")
    with pytest.raises(LLMError, match="scripted failure"):
        await llm.structured("s", "u", Read)
    assert (await llm.text("s", "u")).value == "ok"
    assert len(llm.calls) == 3


async def test_scripted_malformed_output_is_llmerror_like_a_real_provider() -> None:
    llm = ScriptedProvider([{"speak": "maybe"}, "{oops"])
    for _ in range(2):
        with pytest.raises(LLMError) as info:
            await llm.structured("s", "u", Read)
        assert info.value.kind == "malformed"


async def test_scripted_exhausted_or_mismatched_is_a_test_bug() -> None:
    llm = ScriptedProvider([Read(**GOOD)])
    with pytest.raises(ScriptError):
        await llm.text("s", "u")  # a model where text was expected
    with pytest.raises(ScriptError, match="only 1 responses"):
        await llm.text("s", "u")
    assert not isinstance(ScriptError("x"), LLMError)


async def test_scripted_cycle_wraps_around() -> None:
    llm = ScriptedProvider(["a", "b"], cycle=True)
    got = [(await llm.text("s", "u")).value for _ in range(5)]
    assert got == ["a", "b", "a", "b", "a"]


async def test_scripted_counts_usage() -> None:
    llm = ScriptedProvider([LLMResult("hi", TokenUsage(100, 3)), "x" * 40, Read(**GOOD)])
    r1 = await llm.text("s", "u")
    r2 = await llm.text("12345678", "1234")  # 12 chars in -> 3 tokens; 40 chars out -> 10
    await llm.structured("s", "u", Read)
    assert r1.usage == TokenUsage(100, 3)
    assert r2.usage == TokenUsage(3, 10)
    assert llm.usage.tokens_in > 103 and llm.usage.tokens_out > 13
    llm.push("more")
    assert llm.remaining == 1
    await llm.aclose()
    assert llm.closed


def test_usage_adds() -> None:
    assert TokenUsage(1, 2) + TokenUsage(3, 4) == TokenUsage(4, 6)


def test_llmerror_message_names_provider() -> None:
    err = LLMError("HTTP 500", kind="http", status=500, provider="openai:x")
    assert str(err) == "openai:x: HTTP 500"
    assert (err.reason, err.kind, err.status) == ("HTTP 500", "http", 500)
