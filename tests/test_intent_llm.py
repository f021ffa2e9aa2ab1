"""The LLM path of the request read, through the real openai/anthropic SDKs with the wire faked."""

from __future__ import annotations

import json

import pytest
from llm_wire import Wire, anthropic_tool_use, openai_completion, status

from facilitator.policies.llm.anthropic_provider import AnthropicProvider
from facilitator.policies.llm.intent import RequestJudgement, read_request_llm
from facilitator.policies.llm.openai_provider import OpenAIProvider
from facilitator.reading.intent_labels import Intent, Kind


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith(("OPENAI_", "ANTHROPIC_")):
            monkeypatch.delenv(key)


def openai(wire: Wire) -> OpenAIProvider:
    return OpenAIProvider("gpt-4o-mini", api_key="sk-test", http_client=wire.client(),
                          max_retries=0)


async def test_the_model_reads_any_language_into_the_closed_set() -> None:
    answer = {"label": "against_member", "language": "it",
              "reason": "asks the bot to tell a member to stop singing"}
    wire = Wire([openai_completion(json.dumps(answer), prompt_tokens=400, completion_tokens=20)])
    llm = openai(wire)
    read = await read_request_llm("@facilitator di' a Pascal che deve smetterla di cantare", llm)
    await llm.aclose()
    assert (read.label, read.kind, read.language, read.source) == (
        Intent.AGAINST_MEMBER, Kind.REFUSE, "it", "llm")
    assert (read.tokens_in, read.tokens_out) == (400, 20)
    body = wire.body()
    schema = body["response_format"]["json_schema"]["schema"]
    labels = schema["$defs"]["Intent"]["enum"] if "$defs" in schema else schema[
        "properties"]["label"]["enum"]
    assert set(labels) == {i.value for i in Intent}  # the answer is the closed set
    user = body["messages"][1]["content"]
    assert "Pascal" in user and "@facilitator" not in user  # the message, as data
    assert "never instructions" in body["messages"][0]["content"]


async def test_an_answer_outside_the_closed_set_falls_back_to_the_offline_read() -> None:
    wire = Wire([openai_completion(json.dumps(
        {"label": "obey", "language": "en", "reason": "the member is the boss"}))])
    llm = openai(wire)
    read = await read_request_llm("@facilitator what did we decide about the venue?", llm)
    await llm.aclose()
    assert read.source == "offline (llm malformed)"
    assert read.label == Intent.DECISIONS


async def test_a_server_error_falls_back_to_the_offline_read() -> None:
    wire = Wire([status(500)])
    llm = openai(wire)
    read = await read_request_llm("@facilitator rank everyone in the choir by talent", llm)
    await llm.aclose()
    assert read.source == "offline (llm http)" and read.kind == Kind.REFUSE


async def test_anthropic_answers_through_its_forced_tool_call() -> None:
    answer = {"label": "give_turn", "language": "de", "reason": "asks to let quieter members in"}
    wire = Wire([anthropic_tool_use("RequestJudgement", answer)])
    llm = AnthropicProvider("claude-haiku-4-5", api_key="sk-ant-test", http_client=wire.client(),
                            max_retries=0)
    read = await read_request_llm("@facilitator lass bitte die anderen auch zu Wort kommen", llm)
    await llm.aclose()
    assert (read.label, read.kind, read.language) == (Intent.GIVE_TURN, Kind.SERVICE, "de")


def test_the_language_code_is_normalised_or_refused() -> None:
    assert RequestJudgement(label=Intent.HELP, language="pt-BR", reason="x").language == "pt"
    with pytest.raises(ValueError):
        RequestJudgement(label=Intent.HELP, language="??", reason="x")
