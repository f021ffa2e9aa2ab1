"""Anthropic Messages API provider.

Structured output forces a tool call: one tool whose `input_schema` is the pydantic model's JSON
schema, with `tool_choice={"type": "tool", "name": ...}`, so the model must answer by "calling" it;
its input is then validated with the model. Retries (408/409/429/5xx, timeouts, connection errors,
`retry-after` honoured) are the SDK's.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import anthropic
import httpx2
from anthropic.types import Message, MessageParam, ToolParam

from .base import (
    LLMResult,
    T_Model,
    TokenUsage,
    answer_schema,
    overall_deadline,
)
from .sdk import SDKProvider

ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com"

R = TypeVar("R")


class AnthropicProvider(SDKProvider):
    _sdk = anthropic

    def __init__(
        self,
        model: str,
        *,
        api_key: str,
        base_url: str | None = None,
        timeout_s: float = 20.0,
        max_retries: int = 2,
        http_client: httpx2.AsyncClient | None = None,
        deadline_s: float | None = None,
    ) -> None:
        self.model = model
        self.name = f"anthropic:{model}"
        self.base_url = base_url or ANTHROPIC_DEFAULT_BASE_URL
        self._deadline_s = deadline_s if deadline_s is not None else overall_deadline(timeout_s, max_retries)
        # Explicit api_key and base_url: otherwise the SDK consults os.environ, profiles on disk
        # and workload-identity variables, and the factory's env would not be the whole story.
        self._client = anthropic.AsyncAnthropic(
            api_key=api_key,
            base_url=self.base_url,
            timeout=timeout_s,
            max_retries=max_retries,
            http_client=http_client,
        )

    async def _structured(
        self, system: str, user: str, schema: type[T_Model], max_tokens: int
    ) -> LLMResult[T_Model]:
        tool_name = _tool_name(schema)
        tool: ToolParam = {
            "name": tool_name,
            # Not the class docstring: that is written for whoever reads the code.
            "description": f"Record the {schema.__name__}.",
            "input_schema": answer_schema(schema),
        }
        message = await self._client.messages.create(
            model=self.model,
            max_tokens=max_tokens,
            system=system,
            messages=_messages(user),
            tools=[tool],
            tool_choice={"type": "tool", "name": tool_name, "disable_parallel_tool_use": True},
        )
        usage = _usage(message)
        if message.stop_reason == "max_tokens":
            # The tool input was cut off mid-JSON; whatever parsed is not the model's answer.
            raise self._error(f"structured reply truncated at max_tokens={max_tokens}", "truncated")
        if message.stop_reason == "refusal":
            raise self._error("model refused", "refusal")
        block = next((b for b in message.content if b.type == "tool_use" and b.name == tool_name), None)
        if block is None:
            raise self._error(f"reply has no {tool_name} tool call", "malformed")
        # A ValidationError here becomes a "malformed" LLMError in _guard.
        return LLMResult(schema.model_validate(block.input), usage)

    async def _text(self, system: str, user: str, max_tokens: int) -> LLMResult[str]:
        message = await self._client.messages.create(
            model=self.model,
            max_tokens=max_tokens,
            system=system,
            messages=_messages(user),
        )
        if message.stop_reason == "refusal":
            raise self._error("model refused", "refusal")
        content = "".join(b.text for b in message.content if b.type == "text").strip()
        if not content:
            raise self._error("empty reply", "malformed")
        # Cut at the cap: returned marked, so the policy can keep its whole sentences.
        return LLMResult(content, _usage(message), truncated=message.stop_reason == "max_tokens")


def _tool_name(schema: type[Any]) -> str:
    # Tool names must match ^[a-zA-Z0-9_-]{1,64}$.
    return (re.sub(r"[^a-zA-Z0-9_-]", "_", schema.__name__) or "answer")[:64]


def _messages(user: str) -> list[MessageParam]:
    return [{"role": "user", "content": user}]


def _usage(message: Message) -> TokenUsage:
    u = message.usage
    # input_tokens excludes prompt-cache reads and writes; all of them are tokens we sent.
    tokens_in = (
        (u.input_tokens or 0) + (u.cache_creation_input_tokens or 0) + (u.cache_read_input_tokens or 0)
    )
    return TokenUsage(int(tokens_in), int(u.output_tokens or 0))
