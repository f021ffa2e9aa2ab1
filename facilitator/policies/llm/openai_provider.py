"""OpenAI Chat Completions provider (also any OpenAI-compatible server: Ollama, vLLM, llama.cpp).

Structured output uses `client.chat.completions.parse(response_format=Model)`: the SDK turns the
pydantic model into a strict `json_schema` response format and validates the reply into the model.
Retries (408/409/429/5xx, timeouts, connection errors, with `retry-after` honoured) are the SDK's.
"""

from __future__ import annotations

from typing import Any, TypeVar

import httpx2
import openai
from openai.types.chat import ChatCompletionMessageParam

from .base import (
    LLMError,
    LLMResult,
    T_Model,
    Usage,
    overall_deadline,
)
from .sdk import SDKProvider

OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"

R = TypeVar("R")


class OpenAIProvider(SDKProvider):
    _sdk = openai

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
        self.name = f"openai:{model}"
        self.base_url = base_url or OPENAI_DEFAULT_BASE_URL
        # OpenAI's own models reject the legacy `max_tokens` (o-series, gpt-5) and want
        # `max_completion_tokens`; compatible servers (llama.cpp, older Ollama) only know
        # `max_tokens`. So the token cap's field follows the endpoint.
        self._cap_field = "max_tokens" if base_url else "max_completion_tokens"
        self._deadline_s = deadline_s if deadline_s is not None else overall_deadline(timeout_s, max_retries)
        # base_url is always passed explicitly: left unset, the SDK would read OPENAI_BASE_URL from
        # os.environ behind the factory's back (the factory decides from the env it is given).
        self._client = openai.AsyncOpenAI(
            api_key=api_key,
            base_url=self.base_url,
            timeout=timeout_s,
            max_retries=max_retries,
            http_client=http_client,
        )

    async def _structured(
        self, system: str, user: str, schema: type[T_Model], max_tokens: int
    ) -> LLMResult[T_Model]:
        completion = await self._client.chat.completions.parse(
            model=self.model,
            messages=_messages(system, user),
            response_format=schema,
            **{self._cap_field: max_tokens},
        )
        usage = _usage(completion)
        if not completion.choices:
            raise self._error("reply has no choices", "malformed")
        message = completion.choices[0].message
        if message.refusal:
            raise self._error(f"model refused: {message.refusal[:120]}", "refusal")
        if message.parsed is None:
            # parse() only parses non-empty content; empty content means nothing usable came back.
            raise self._error("reply has no content to parse", "malformed")
        if not isinstance(message.parsed, schema):  # pragma: no cover - SDK contract
            raise self._error("reply did not parse into the schema", "malformed")
        return LLMResult(message.parsed, usage)

    async def _text(self, system: str, user: str, max_tokens: int) -> LLMResult[str]:
        completion = await self._client.chat.completions.create(
            model=self.model,
            messages=_messages(system, user),
            **{self._cap_field: max_tokens},
        )
        if not completion.choices:
            raise self._error("reply has no choices", "malformed")
        choice = completion.choices[0]
        if choice.finish_reason == "length":
            # A message cut mid-sentence must not be posted to the room.
            raise self._error(f"reply truncated at max_tokens={max_tokens}", "truncated")
        content = (choice.message.content or "").strip()
        if not content:
            raise self._error("empty reply", "malformed")
        return LLMResult(content, _usage(completion))


    def _specific_error(self, err: Exception) -> LLMError | None:
        if isinstance(err, openai.LengthFinishReasonError):
            return self._error("structured reply truncated at max_tokens", "truncated")
        if isinstance(err, openai.ContentFilterFinishReasonError):
            return self._error("reply stopped by the content filter", "refusal")
        return None

def _messages(system: str, user: str) -> list[ChatCompletionMessageParam]:
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _usage(completion: Any) -> Usage:
    # Some compatible servers omit usage; count zero rather than fail a good answer.
    usage = getattr(completion, "usage", None)
    if usage is None:
        return Usage(0, 0)
    return Usage(int(usage.prompt_tokens or 0), int(usage.completion_tokens or 0))
