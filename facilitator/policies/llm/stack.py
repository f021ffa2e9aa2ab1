"""The provider the policy talks to, built from the environment: the SDK provider, wrapped.

    policy -> circuit breaker (graph.py) -> RedactingProvider -> the SDK provider

`FACILITATOR_LLM_REDACT` (on by default) masks e-mail addresses, phone numbers and secrets in
every prompt before it leaves the machine (redact.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .base import LLMProvider
from .factory import make_provider
from .redact import RedactingProvider, redaction_on

if TYPE_CHECKING:
    import httpx2

# A second, smaller model for the choice (speak or not, which move); FACILITATOR_LLM words it.
JUDGE_ENV = "FACILITATOR_LLM_JUDGE"


def wrap(provider: LLMProvider, env: Mapping[str, str]) -> LLMProvider:
    """`provider` behind the layers the environment asks for."""
    if redaction_on(env):
        provider = RedactingProvider(provider)
    return provider


def provider_from_env(spec: str, *, env: Mapping[str, str], timeout_s: float = 20.0,
                      max_retries: int = 2,
                      http_client: httpx2.AsyncClient | None = None) -> LLMProvider | None:
    """make_provider(spec) wrapped as the environment asks; None for the offline rules."""
    redaction_on(env)  # a bad setting fails before anything else, naming the variable
    provider = make_provider(spec, env=env, timeout_s=timeout_s, max_retries=max_retries,
                             http_client=http_client)
    return None if provider is None else wrap(provider, env)
