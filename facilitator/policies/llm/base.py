"""The provider contract the policy graph talks to.

The policy never sees an SDK type or an SDK exception: it gets validated pydantic objects (or text)
plus token usage, and a single `LLMError` for every way a call can fail. That lets the policy fall
back to the offline rules path on any failure with one `except LLMError`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ValidationError
from pydantic.json_schema import DEFAULT_REF_TEMPLATE, GenerateJsonSchema, JsonSchemaMode
from pydantic_core import CoreSchema

T = TypeVar("T")
T_Model = TypeVar("T_Model", bound=BaseModel)

class _NoClassDocs(GenerateJsonSchema):
    """A JSON schema without the classes' docstrings: pydantic makes a model's or an enum's
    docstring the `description` of its schema (the root's, or its entry in `$defs`). Field
    descriptions stay: they are written for the model; a class docstring is written for
    whoever reads the code, and small models copy it into their answers."""

    def generate(self, schema: CoreSchema, mode: JsonSchemaMode = "validation") -> dict[str, Any]:
        out = super().generate(schema, mode)
        out.pop("description", None)
        for entry in out.get("$defs", {}).values():
            entry.pop("description", None)
        return out


def answer_schema(schema: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema sent to a model for `schema`, without any class docstring (also for a
    model that is not an `Answer`)."""
    return schema.model_json_schema(schema_generator=_NoClassDocs)


class Answer(BaseModel):
    """The base of every schema a model answers in a structured call.

    Its JSON schema, however it is asked for (by our providers, the cassette, or the openai
    SDK's own strict-schema conversion, which calls `model_json_schema()`), carries no class
    docstring, so a model sees only the field names, types and field descriptions."""

    @classmethod
    def model_json_schema(cls, by_alias: bool | None = None,
                          ref_template: str = DEFAULT_REF_TEMPLATE,
                          schema_generator: type[GenerateJsonSchema] = _NoClassDocs,
                          mode: JsonSchemaMode = "validation", **kwargs: Any) -> dict[str, Any]:
        return super().model_json_schema(by_alias, ref_template, schema_generator, mode,
                                         **kwargs)


ErrorKind = Literal[
    "timeout", "rate_limit", "http", "connection", "malformed", "refusal", "truncated",
    "unsupported", "circuit_open", "cassette_miss", "other"
]


class LLMError(Exception):
    """Any provider failure after the SDK's own retries: timeout, 4xx/5xx, malformed output.

    `kind` lets callers count failures by cause without parsing messages; `status` is the HTTP
    status when there was one.
    """

    def __init__(
        self,
        reason: str,
        *,
        kind: ErrorKind = "other",
        status: int | None = None,
        provider: str | None = None,
    ) -> None:
        self.reason = reason
        self.kind: ErrorKind = kind
        self.status = status
        self.provider = provider
        prefix = f"{provider}: " if provider else ""
        super().__init__(f"{prefix}{reason}")


@dataclass(frozen=True)
class TokenUsage:
    tokens_in: int
    tokens_out: int

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(self.tokens_in + other.tokens_in, self.tokens_out + other.tokens_out)


ZERO_USAGE = TokenUsage(0, 0)


@dataclass(frozen=True)
class LLMResult(Generic[T]):
    value: T
    usage: TokenUsage
    # A text answer the model stopped at the token cap: the caller trims it to its last whole
    # sentence (and checks it) instead of throwing the whole answer away. Structured answers
    # cut at the cap are an LLMError("truncated"): half a JSON object is no answer.
    truncated: bool = False


@runtime_checkable
class LLMProvider(Protocol):
    name: str  # e.g. "openai:gpt-4o-mini"

    async def structured(
        self, system: str, user: str, schema: type[T_Model], *, max_tokens: int = 400
    ) -> LLMResult[T_Model]: ...

    async def text(self, system: str, user: str, *, max_tokens: int = 300) -> LLMResult[str]: ...

    async def aclose(self) -> None: ...


def validation_reason(err: ValidationError) -> str:
    """A one-line summary of a pydantic error: the policy logs it, it never reaches the room."""
    first = err.errors()[0] if err.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ())) or "<root>"
    return f"output does not match schema ({err.error_count()} errors; {where}: {first.get('msg')})"


def overall_deadline(timeout_s: float, max_retries: int) -> float:
    """Wall-clock cap on one call, retries and backoff included.

    The SDKs' `timeout` is per HTTP attempt, and anthropic sleeps for whatever `retry-after` a 429
    asks (no upper bound), so without this a rate-limited room could stall for minutes while the
    conversation moves on; and httpx's read timeout is per chunk, so a server trickling bytes can
    outlive it. Budget: every attempt may use its full timeout, plus the SDKs' maximum exponential
    backoff (8 s) between attempts, plus a second of grace so the SDK's own, more specific timeout
    error wins when both would fire.
    """
    return timeout_s * (max_retries + 1) + 8.0 * max_retries + 1.0


@asynccontextmanager
async def deadline(seconds: float | None, provider: str) -> AsyncIterator[None]:
    """Turn an overrun of the whole call (not one attempt) into an LLMError."""
    if seconds is None:
        yield
        return
    try:
        async with asyncio.timeout(seconds):
            yield
    except TimeoutError as err:
        raise LLMError(
            f"no answer within {seconds:g}s (retries included)", kind="timeout", provider=provider
        ) from err
