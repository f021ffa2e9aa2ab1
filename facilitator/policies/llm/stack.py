"""The provider the policy talks to, built from the environment: the SDK provider, wrapped.

    policy -> circuit breaker (graph.py) -> RedactingProvider -> CassetteProvider -> SDK

`FACILITATOR_LLM_REDACT` (on by default) masks e-mail addresses, phone numbers and secrets in
every prompt before it leaves the machine (redact.py); `FACILITATOR_LLM_CASSETTE` and
`FACILITATOR_LLM_CASSETTE_MODE` record the requests and answers, or replay them without any
model (cassette.py). Masking comes first, so a cassette holds only what a model was sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .base import LLMProvider
from .cassette import Cassette, CassetteProvider, Mode, cassette_setting
from .factory import make_provider
from .redact import RedactingProvider, redaction_on

if TYPE_CHECKING:
    import httpx2

# A second, smaller model for the choice (speak or not, which move); FACILITATOR_LLM words it.
JUDGE_ENV = "FACILITATOR_LLM_JUDGE"


def wrap(provider: LLMProvider | None, env: Mapping[str, str], *,
         name: str = "") -> LLMProvider:
    """`provider` behind the layers the environment asks for (None: a replayed cassette
    stands in for a model that is not configured)."""
    setting = cassette_setting(env)
    if setting is not None:
        provider = CassetteProvider(provider, cassette_for(*setting), name=name)
    if provider is None:
        raise ValueError("no model configured")
    if redaction_on(env):
        provider = RedactingProvider(provider)
    return provider


_OPEN: dict[tuple[str, str], Cassette] = {}


def cassette_for(path: Path, mode: Mode) -> Cassette:
    """One Cassette object per file and mode in a process (a judge and a main model, or two
    policies, share the file and its counts)."""
    key = (str(path.resolve()), mode)
    if key not in _OPEN:
        _OPEN[key] = Cassette(path, mode)
    return _OPEN[key]


def provider_from_env(spec: str, *, env: Mapping[str, str], timeout_s: float = 20.0,
                      max_retries: int = 2,
                      http_client: httpx2.AsyncClient | None = None) -> LLMProvider | None:
    """make_provider(spec) wrapped as the environment asks; None for the offline rules."""
    redaction_on(env)  # a bad setting fails before anything else, naming the variable
    setting = cassette_setting(env)
    if spec.strip().lower() == "rules":
        return None
    if setting is not None and setting[1] == "replay":
        # Replaying needs no model, no key and no network: the cassette answers.
        try:
            provider = make_provider(spec, env=env, timeout_s=timeout_s,
                                     max_retries=max_retries, http_client=http_client)
        except ValueError:
            provider = None
        return wrap(provider, env, name=spec.strip())
    provider = make_provider(spec, env=env, timeout_s=timeout_s, max_retries=max_retries,
                             http_client=http_client)
    return None if provider is None else wrap(provider, env, name=spec.strip())
