"""No class docstring reaches a model (issue 23): every schema a structured call sends — the
start-up check's, the request read's, the choice's, the judge's — carries field names, types
and field descriptions only. Checked on the wire, through the real openai SDK in each of its
three JSON modes and the real anthropic SDK's forced tool call, and for every answer model the
package defines, so a new one with a docstring cannot leak it either."""

from __future__ import annotations

import enum
import importlib
import inspect
import json
import pkgutil
import typing
from typing import Any

import pytest
from pydantic import BaseModel

import facilitator.policies.llm as llm_package
from facilitator.evaluation.judge import JudgeVerdict
from facilitator.policies.llm.base import Answer
from facilitator.policies.llm.check import Probe, check_provider
from facilitator.policies.llm.choice import Assessment
from facilitator.policies.llm.factory import make_provider
from facilitator.policies.llm.intent import RequestJudgement
from tests.llm_wire import Wire, anthropic_tool_use, openai_completion, status

# What each schema a model answers looks like, filled in.
ANSWERS: dict[type[BaseModel], dict[str, Any]] = {
    Probe: {"ok": True},
    RequestJudgement: {"label": "chat", "language": "en", "reason": "small talk"},
    Assessment: {"reason": "nothing to add", "intervention": "silence", "to": []},
    JudgeVerdict: {"reason": "it helped", "verdict": "HELPFUL"},
}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith(("OPENAI_", "ANTHROPIC_")):
            monkeypatch.delenv(key)


def answer_models() -> set[type[BaseModel]]:
    """Every pydantic model defined in policies/llm, and the judge's."""
    found: set[type[BaseModel]] = {JudgeVerdict}
    for info in pkgutil.iter_modules(llm_package.__path__):
        if info.name == "local":
            continue  # the local server's launcher: it needs the llm-local extra
        module = importlib.import_module(f"{llm_package.__name__}.{info.name}")
        found |= {obj for _, obj in inspect.getmembers(module, inspect.isclass)
                  if issubclass(obj, BaseModel) and obj.__module__ == module.__name__}
    return found - {Answer}


def docstrings(model: type[Any], seen: set[type[Any]] | None = None) -> set[str]:
    """The docstrings of a model and of every model or enum its fields refer to."""
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    out = {inspect.cleandoc(model.__doc__)} if model.__doc__ else set()
    if isinstance(model, type) and issubclass(model, BaseModel):
        for info in model.model_fields.values():
            stack: list[Any] = [info.annotation]
            while stack:
                hint = stack.pop()
                if isinstance(hint, type) and issubclass(hint, (BaseModel, enum.Enum)):
                    out |= docstrings(hint, seen)
                stack += typing.get_args(hint)
    return out


def class_descriptions(schema: dict[str, Any]) -> list[str]:
    """The class-level descriptions of a JSON schema: its root's and its definitions'."""
    return [d["description"] for d in (schema, *schema.get("$defs", {}).values())
            if "description" in d]


def test_every_answer_model_is_an_answer_and_its_schema_has_no_class_docstring() -> None:
    models = answer_models()
    assert {Probe, RequestJudgement, Assessment, JudgeVerdict} <= models
    for model in models:
        assert issubclass(model, Answer), f"{model.__name__}: base it on base.Answer"
        schema = model.model_json_schema()
        assert class_descriptions(schema) == [], model.__name__
        assert not docstrings(model) & set(_strings(schema)), model.__name__
    # The request read's docstrings are real (the model's and its label enum's): they were
    # what leaked, and the field descriptions the read relies on are still sent.
    assert len(docstrings(RequestJudgement)) == 2
    assert "exactly one label from the closed set" in json.dumps(
        RequestJudgement.model_json_schema())


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def sent_schemas(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every JSON schema in a request body: OpenAI's response_format (strict or json_object),
    the one written into the prompt, and Anthropic's tool input schema."""
    found = []
    fmt = body.get("response_format") or {}
    if "json_schema" in fmt:
        found.append(fmt["json_schema"]["schema"])
    if "schema" in fmt:
        found.append(fmt["schema"])
    for message in body.get("messages", []):
        content = message.get("content")
        if isinstance(content, str) and "It must match this JSON schema:\n" in content:
            found.append(json.loads(content.split("It must match this JSON schema:\n", 1)[1]))
    found += [tool["input_schema"] for tool in body.get("tools", [])]
    return found


@pytest.mark.parametrize("way", ["json_schema", "json_object", "prompt", "anthropic"])
async def test_no_schema_sent_to_a_model_carries_a_class_docstring(way: str) -> None:
    models = sorted(ANSWERS, key=lambda m: m.__name__)
    if way == "anthropic":
        wire = Wire([anthropic_tool_use(m.__name__, ANSWERS[m]) for m in models])
        provider = make_provider("anthropic:claude-haiku-4-5", env={"ANTHROPIC_API_KEY": "k"},
                                 http_client=wire.client(), max_retries=0)
    else:
        wire = Wire([openai_completion(json.dumps(ANSWERS[m])) for m in models])
        provider = make_provider("openai:gpt-4o-mini", env={
            "OPENAI_API_KEY": "sk-test", "FACILITATOR_LLM_JSON_MODE": way},
            http_client=wire.client(), max_retries=0)
    assert provider is not None
    for model in models:
        result = await provider.structured("s", "u", model, max_tokens=64)
        assert result.value == model(**ANSWERS[model])
    await provider.aclose()
    assert len(wire.requests) == len(models)
    for model, request in zip(models, wire.requests, strict=True):
        body = json.loads(request.content)
        schemas = sent_schemas(body)
        # json_object mode sends it twice: in response_format and in the prompt.
        assert len(schemas) == (2 if way == "json_object" else 1), (way, model.__name__)
        assert all(class_descriptions(x) == [] for x in schemas), (way, model.__name__)
        text = request.content.decode()
        for doc in docstrings(model):
            assert json.dumps(doc)[1:-1] not in text, (way, model.__name__, doc)


async def test_the_start_up_check_sends_its_probe_without_the_docstring() -> None:
    wire = Wire([openai_completion(json.dumps({"ok": True})), status(404)])
    provider = make_provider("openai:gpt-4o-mini", env={"OPENAI_API_KEY": "sk-test"},
                             http_client=wire.client(), max_retries=0)
    assert provider is not None
    assert await check_provider(provider) is None
    await provider.aclose()
    schema = wire.body(0)["response_format"]["json_schema"]["schema"]
    assert schema["properties"] == {"ok": {"title": "Ok", "type": "boolean"}}
    assert "description" not in schema and Probe.__doc__
    assert inspect.cleandoc(Probe.__doc__) not in wire.requests[0].content.decode()
