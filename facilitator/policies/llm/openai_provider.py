"""OpenAI Chat Completions provider (also any OpenAI-compatible server: Ollama, vLLM, llama.cpp).

Structured output uses `client.chat.completions.parse(response_format=Model)`: the SDK turns the
pydantic model into a strict `json_schema` response format and validates the reply into the model.
Retries (408/409/429/5xx, timeouts, connection errors, with `retry-after` honoured) are the SDK's.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar

import httpx2
import openai
from openai.types.chat import ChatCompletionMessageParam
from pydantic import ValidationError

from .base import (
    ErrorKind,
    LLMError,
    LLMResult,
    T_Model,
    Usage,
    deadline,
    overall_deadline,
    validation_reason,
)

OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"

R = TypeVar("R")


class OpenAIProvider:
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

    async def structured(
        self, system: str, user: str, schema: type[T_Model], *, max_tokens: int = 400
    ) -> LLMResult[T_Model]:
        return await self._guard(self._structured(system, user, schema, max_tokens))

    async def text(self, system: str, user: str, *, max_tokens: int = 300) -> LLMResult[str]:
        return await self._guard(self._text(system, user, max_tokens))

    async def aclose(self) -> None:
        await self._client.close()

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

    async def _guard(self, work: Awaitable[R]) -> R:
        """Run one call under the overall deadline; map every failure to LLMError."""
        async with deadline(self._deadline_s, self.name):
            try:
                return await work
            except LLMError:
                raise
            except openai.APITimeoutError as err:
                raise self._error("request timed out", "timeout") from err
            except openai.APIConnectionError as err:
                raise self._error(f"connection failed: {err.__cause__ or err}", "connection") from err
            except openai.RateLimitError as err:
                raise self._error("rate limited (429) after retries", "rate_limit", err) from err
            except openai.APIStatusError as err:
                raise self._error(_status_reason(err), "http", err) from err
            except openai.LengthFinishReasonError as err:
                raise self._error("structured reply truncated at max_tokens", "truncated") from err
            except openai.ContentFilterFinishReasonError as err:
                raise self._error("reply stopped by the content filter", "refusal") from err
            except ValidationError as err:
                raise self._error(validation_reason(err), "malformed") from err
            except Exception as err:
                # The contract is "only LLMError escapes": e.g. a 200 whose body is not JSON, or a
                # schema the SDK cannot convert. The policy then falls back to its rules.
                raise self._error(f"{type(err).__name__}: {str(err)[:160]}", "other") from err

    def _error(self, reason: str, kind: ErrorKind, err: openai.APIStatusError | None = None) -> LLMError:
        status = err.status_code if err is not None else None
        return LLMError(reason, kind=kind, status=status, provider=self.name)


def _messages(system: str, user: str) -> list[ChatCompletionMessageParam]:
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _usage(completion: Any) -> Usage:
    # Some compatible servers omit usage; count zero rather than fail a good answer.
    usage = getattr(completion, "usage", None)
    if usage is None:
        return Usage(0, 0)
    return Usage(int(usage.prompt_tokens or 0), int(usage.completion_tokens or 0))


def _status_reason(err: openai.APIStatusError) -> str:
    # The SDK puts the payload's "error" object in .body (or the whole body when it has none).
    body = err.body
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = body["error"]
    message = body.get("message") if isinstance(body, dict) else None
    return f"HTTP {err.status_code}" + (f": {str(message)[:160]}" if message else "")
