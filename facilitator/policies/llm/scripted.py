"""A scripted fake LLM for policy tests: canned replies in order, every call recorded.

In the spirit of langgraph's tests/fake_chat.py, but it keeps the real providers' contract: a
structured reply is validated against the schema asked for, and a malformed one (a dict or JSON
string that does not fit) raises LLMError just as a real provider would. So policy tests can
exercise the fallback paths without a network.

    llm = ScriptedProvider([Assessment(...), "Let's hear from Ana.", LLMError("boom")])
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from .base import LLMError, LLMResult, T_Model, TokenUsage, validation_reason

# What a script step may be: a pydantic instance, a dict or a JSON string (for structured calls),
# a string (for text calls), an LLMResult (to fix the usage), or an exception (instance or class)
# to raise.
Step = BaseModel | dict[str, Any] | str | LLMResult[Any] | BaseException | type[BaseException]


class ScriptError(AssertionError):
    """The test's script does not fit the calls made: a bug in the test, not an LLM failure.

    An AssertionError, not an LLMError, so policy code that falls back on LLMError cannot hide it.
    """


@dataclass(frozen=True)
class ScriptedCall:
    method: str  # "structured" or "text"
    system: str
    user: str
    schema: type[BaseModel] | None
    max_tokens: int


def estimate_tokens(text: str) -> int:
    """Rough, deterministic token count (~4 characters a token) so budgets can be tested."""
    return (len(text) + 3) // 4


class ScriptedProvider:
    def __init__(
        self, responses: Iterable[Step] = (), *, name: str = "scripted", cycle: bool = False
    ) -> None:
        self.name = name
        self.responses: list[Step] = list(responses)
        self.cycle = cycle  # wrap around like langgraph's FakeChatModel instead of failing
        self.calls: list[ScriptedCall] = []
        self.usage = TokenUsage(0, 0)
        self.closed = False
        self._next = 0

    @property
    def remaining(self) -> int:
        return len(self.responses) - self._next

    def push(self, *responses: Step) -> None:
        """Append replies mid-test."""
        self.responses.extend(responses)

    async def structured(
        self, system: str, user: str, schema: type[T_Model], *, max_tokens: int = 400
    ) -> LLMResult[T_Model]:
        step = self._take(ScriptedCall("structured", system, user, schema, max_tokens))
        if isinstance(step, LLMResult):
            value, usage = self._as_model(step.value, schema), step.usage
        else:
            value = self._as_model(step, schema)
            usage = TokenUsage(estimate_tokens(system + user), estimate_tokens(value.model_dump_json()))
        return self._count(LLMResult(value, usage))

    async def text(self, system: str, user: str, *, max_tokens: int = 300) -> LLMResult[str]:
        step = self._take(ScriptedCall("text", system, user, None, max_tokens))
        if isinstance(step, LLMResult):
            value, usage = step.value, step.usage
        else:
            value, usage = step, TokenUsage(estimate_tokens(system + user), 0)
        if not isinstance(value, str):
            raise ScriptError(f"text() call #{len(self.calls)} got scripted {value!r}, not a str")
        if not isinstance(step, LLMResult):
            usage = TokenUsage(usage.tokens_in, estimate_tokens(value))
        truncated = step.truncated if isinstance(step, LLMResult) else False
        return self._count(LLMResult(value, usage, truncated=truncated))

    async def aclose(self) -> None:
        self.closed = True

    def _take(self, call: ScriptedCall) -> Any:
        self.calls.append(call)
        if self._next >= len(self.responses):
            if not (self.cycle and self.responses):
                raise ScriptError(
                    f"{call.method}() call #{len(self.calls)} but the script has only "
                    f"{len(self.responses)} responses; last user prompt: {call.user[:200]!r}"
                )
            self._next = 0
        step = self.responses[self._next]
        self._next += 1
        if isinstance(step, BaseException):
            raise step
        if isinstance(step, type) and issubclass(step, BaseException):
            raise step("scripted failure")
        return step

    def _as_model(self, step: Any, schema: type[T_Model]) -> T_Model:
        try:
            if isinstance(step, schema):
                return step
            if isinstance(step, BaseModel):
                # Another model class: round-trip it so the test sees what a provider would give.
                return schema.model_validate(step.model_dump(mode="json"))
            if isinstance(step, dict):
                return schema.model_validate(step)
            if isinstance(step, str):
                return schema.model_validate_json(step)
        except ValidationError as err:
            raise LLMError(validation_reason(err), kind="malformed", provider=self.name) from err
        raise ScriptError(
            f"structured({schema.__name__}) got scripted {type(step).__name__}: "
            f"{json.dumps(step, default=repr)[:200]}"
        )

    def _count(self, result: LLMResult[Any]) -> LLMResult[Any]:
        self.usage = self.usage + result.usage
        return result
