"""Check the configured provider once, before `facilitator run` joins any room.

One small structured call proves the three things that otherwise fail quietly in the room: the
model exists, the key works, and a structured answer round-trips (in whichever JSON mode this
server takes: the check is also the mode's discovery). A problem comes back as one line.
"""

from __future__ import annotations

from collections.abc import Mapping

from facilitator.config import Settings

from .base import Answer, LLMError, LLMProvider
from .factory import make_provider

PROBE_SYSTEM = "You check that a connection works. Reply exactly as asked."
PROBE_USER = 'Set "ok" to true.'


class Probe(Answer):
    """The answer to the start-up check."""

    ok: bool


def explain(exc: LLMError, provider: LLMProvider) -> str:
    """One line a person can act on, from a failed check."""
    where = getattr(provider, "base_url", "") or "the provider"
    model = getattr(provider, "model", provider.name)
    if exc.status in (401, 403):
        return f"{provider.name}: the API key was refused by {where} (HTTP {exc.status})"
    if exc.status == 404:
        return f"{provider.name}: model {model!r} not found at {where} (HTTP 404)"
    if exc.kind == "connection":
        return f"{provider.name}: cannot reach {where} ({exc.reason})"
    if exc.kind == "timeout":
        return f"{provider.name}: {where} did not answer in time ({exc.reason})"
    if exc.kind in ("malformed", "truncated", "refusal"):
        return f"{provider.name}: a structured call did not round-trip ({exc.reason})"
    return f"{provider.name}: check failed ({exc.reason})"


async def check_provider(provider: LLMProvider) -> str | None:
    """None when a structured call round-trips and the server, if it lists its models, lists
    this one; otherwise what is wrong, in one line."""
    try:
        await provider.structured(PROBE_SYSTEM, PROBE_USER, Probe, max_tokens=64)
    except LLMError as exc:
        return explain(exc, provider)
    listing = getattr(provider, "served_models", None)
    served = await listing() if listing is not None else None
    model = str(getattr(provider, "model", ""))
    if served and model and not any(_names(model, served_id) for served_id in served):
        where = getattr(provider, "base_url", "") or "the provider"
        return (f"{provider.name}: model {model!r} is not served at {where} (it serves: "
                f"{', '.join(served[:5])}{', …' if len(served) > 5 else ''})")
    return None


def _names(model: str, served_id: str) -> bool:
    """Whether a configured model name means this listed id: the same, Ollama's default tag
    ("llama3.2" for "llama3.2:latest"), or a path's last part ("org/model")."""
    return served_id in (model, f"{model}:latest") or served_id.rsplit("/", 1)[-1] == model


async def preflight(settings: Settings, env: Mapping[str, str] | None = None, *,
                    timeout_s: float | None = None) -> str | None:
    """For `facilitator run`: None when the offline rules are configured or the provider works."""
    try:
        provider = make_provider(settings.llm, env=settings.llm_env() if env is None else env,
                                 timeout_s=timeout_s or settings.llm_timeout_s, max_retries=1)
    except ValueError as exc:
        return str(exc)
    if provider is None:
        return None
    try:
        return await check_provider(provider)
    finally:
        await provider.aclose()
