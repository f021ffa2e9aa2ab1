"""What the two SDK-backed providers share: the public calls, the overall deadline, error mapping.

openai 3.x and anthropic 2.x are generated from one toolkit and name their errors alike
(APITimeoutError, APIConnectionError, RateLimitError, APIStatusError), so one mapping serves both;
a provider adds its own cases in `_specific_error`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable
from types import ModuleType
from typing import Any, TypeVar

from pydantic import ValidationError

from .base import ErrorKind, LLMError, LLMResult, T_Model, deadline, validation_reason

R = TypeVar("R")


class SDKProvider(ABC):
    name: str
    _sdk: ModuleType  # the SDK module whose error classes `_map_error` checks
    _client: Any
    _deadline_s: float | None

    async def structured(
        self, system: str, user: str, schema: type[T_Model], *, max_tokens: int = 400
    ) -> LLMResult[T_Model]:
        return await self._guard(self._structured(system, user, schema, max_tokens))

    async def text(self, system: str, user: str, *, max_tokens: int = 300) -> LLMResult[str]:
        return await self._guard(self._text(system, user, max_tokens))

    async def aclose(self) -> None:
        await self._client.close()

    @abstractmethod
    async def _structured(
        self, system: str, user: str, schema: type[T_Model], max_tokens: int
    ) -> LLMResult[T_Model]: ...

    @abstractmethod
    async def _text(self, system: str, user: str, max_tokens: int) -> LLMResult[str]: ...

    async def _guard(self, work: Awaitable[R]) -> R:
        """Run one call under the overall deadline; map every failure to LLMError."""
        async with deadline(self._deadline_s, self.name):
            try:
                return await work
            except LLMError:
                raise
            except Exception as err:
                raise self._map_error(err) from err

    def _map_error(self, err: Exception) -> LLMError:
        sdk = self._sdk
        if isinstance(err, sdk.APITimeoutError):  # before APIConnectionError, its base class
            return self._error("request timed out", "timeout")
        if isinstance(err, sdk.APIConnectionError):
            return self._error(f"connection failed: {err.__cause__ or err}", "connection")
        if isinstance(err, sdk.RateLimitError):
            return self._error("rate limited (429) after retries", "rate_limit", err)
        if isinstance(err, sdk.APIStatusError):
            return self._error(status_reason(err), "http", err)
        specific = self._specific_error(err)
        if specific is not None:
            return specific
        if isinstance(err, ValidationError):
            return self._error(validation_reason(err), "malformed")
        # The contract is "only LLMError escapes": e.g. a 200 whose body is not JSON. The policy
        # then stays silent.
        return self._error(f"{type(err).__name__}: {str(err)[:160]}", "other")

    def _specific_error(self, err: Exception) -> LLMError | None:
        """A provider's own failure types; None when `err` is not one of them."""
        return None

    def _error(self, reason: str, kind: ErrorKind, err: Any = None) -> LLMError:
        status = getattr(err, "status_code", None) if err is not None else None
        return LLMError(reason, kind=kind, status=status, provider=self.name)


def status_reason(err: Any) -> str:
    """"HTTP 429: <the API's message>" from an SDK status error."""
    # Both SDKs put the payload's "error" object in .body (or the whole body when it has none).
    body = err.body
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = body["error"]
    message = body.get("message") if isinstance(body, dict) else None
    return f"HTTP {err.status_code}" + (f": {str(message)[:160]}" if message else "")
