"""OpenAI Chat Completions provider (also any OpenAI-compatible server: Ollama, vLLM, llama.cpp).

Structured output has three modes (see jsonmode.py): strict `json_schema` through
`client.chat.completions.parse(response_format=Model)`; `json_object` with the schema; or JSON asked
for in the prompt. In `auto` (the default) the provider starts with `json_schema` and steps down the
first time a server answers that it does not take that format, then keeps the mode that works from
then on: one discovery per provider, not one per call.
Retries (408/409/429/5xx, timeouts, connection errors, with `retry-after` honoured) are the SDK's.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar, cast

import httpx2
import openai
from openai.types.chat import ChatCompletionMessageParam

from .base import (
    LLMError,
    LLMResult,
    T_Model,
    TokenUsage,
    answer_schema,
    overall_deadline,
)
from .jsonmode import (
    JsonMode,
    extract_json,
    next_mode,
    parse_mode_setting,
    says_format_unsupported,
    schema_instruction,
)
from .sdk import SDKProvider

log = logging.getLogger(__name__)

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
        json_mode: str = "auto",
    ) -> None:
        self.model = model
        self.name = f"openai:{model}"
        setting = parse_mode_setting(json_mode)
        self._auto = setting == "auto"
        self.json_mode: JsonMode = cast(JsonMode, "json_schema" if self._auto else setting)
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

    async def served_models(self) -> list[str] | None:
        """The model ids the server lists (`GET /models`), or None when it lists none or cannot
        say. llama.cpp's server answers for any model name, so only the list tells a typo."""
        try:
            page = await self._client.models.list()
            ids = [m.id for m in page.data]
        except Exception:  # a server without the listing: nothing to check against
            return None
        return ids or None

    async def _structured(
        self, system: str, user: str, schema: type[T_Model], max_tokens: int
    ) -> LLMResult[T_Model]:
        while True:
            mode = self.json_mode
            try:
                if mode == "json_schema":
                    return await self._strict(system, user, schema, max_tokens)
                return await self._loose(mode, system, user, schema, max_tokens)
            except openai.APIStatusError as err:
                lower = next_mode(mode) if self._auto else None
                if lower is None or not says_format_unsupported(err.status_code, err.body, str(err)):
                    raise
                # Remembered on this provider: later calls go straight to the mode that works.
                log.warning("%s: the server does not take response_format %s (HTTP %s); "
                            "using %s from now on", self.name, mode, err.status_code, lower)
                self.json_mode = lower

    async def _strict(
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

    async def _loose(
        self, mode: JsonMode, system: str, user: str, schema: type[T_Model], max_tokens: int
    ) -> LLMResult[T_Model]:
        """json_object or prompt mode: the schema rides in the prompt, pydantic checks the reply."""
        extra: dict[str, Any] = {}
        if mode == "json_object":
            # Sent through extra_body: the SDK's typed json_object format has no `schema` field,
            # but llama-cpp-python and vLLM read it and constrain decoding to it.
            extra["extra_body"] = {"response_format": {
                "type": "json_object", "schema": answer_schema(schema)}}
        completion = await self._client.chat.completions.create(
            model=self.model,
            messages=_messages(system, user + schema_instruction(schema)),
            **{self._cap_field: max_tokens},
            **extra,
        )
        if not completion.choices:
            raise self._error("reply has no choices", "malformed")
        choice = completion.choices[0]
        if choice.finish_reason == "length":
            raise self._error(f"structured reply truncated at max_tokens={max_tokens}", "truncated")
        found = extract_json(choice.message.content or "")
        if found is None:
            raise self._error(f"reply holds no JSON object ({mode} mode)", "malformed")
        # A ValidationError here becomes a "malformed" LLMError in _guard.
        return LLMResult(schema.model_validate_json(found), _usage(completion))

    async def _text(self, system: str, user: str, max_tokens: int) -> LLMResult[str]:
        completion = await self._client.chat.completions.create(
            model=self.model,
            messages=_messages(system, user),
            **{self._cap_field: max_tokens},
        )
        if not completion.choices:
            raise self._error("reply has no choices", "malformed")
        choice = completion.choices[0]
        content = (choice.message.content or "").strip()
        if not content:
            raise self._error("empty reply", "malformed")
        # Cut at the cap: returned marked, so the policy can keep its whole sentences.
        return LLMResult(content, _usage(completion), truncated=choice.finish_reason == "length")

    def _specific_error(self, err: Exception) -> LLMError | None:
        if isinstance(err, openai.LengthFinishReasonError):
            return self._error("structured reply truncated at max_tokens", "truncated")
        if isinstance(err, openai.ContentFilterFinishReasonError):
            return self._error("reply stopped by the content filter", "refusal")
        return None


def _messages(system: str, user: str) -> list[ChatCompletionMessageParam]:
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _usage(completion: Any) -> TokenUsage:
    # Some compatible servers omit usage; count zero rather than fail a good answer.
    usage = getattr(completion, "usage", None)
    if usage is None:
        return TokenUsage(0, 0)
    return TokenUsage(int(usage.prompt_tokens or 0), int(usage.completion_tokens or 0))
