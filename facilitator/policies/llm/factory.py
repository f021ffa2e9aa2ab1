"""Build a provider from a `FACILITATOR_LLM` spec and an explicit environment mapping.

The environment is passed in (not read from os.environ) so tests and the CLI decide exactly which
keys a run sees; the providers also pass every setting explicitly so the SDKs never fall back to
os.environ on their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .base import LLMProvider
from .jsonmode import JSON_MODE_ENV, parse_mode_setting

if TYPE_CHECKING:
    import httpx2

# Local OpenAI-compatible servers (Ollama, vLLM, llama.cpp) ignore the key, but the SDK refuses to
# start without one.
LOCAL_PLACEHOLDER_KEY = "sk-local-no-key"

SPEC_HELP = "expected 'rules', 'openai:<model>' or 'anthropic:<model>'"


def make_provider(
    spec: str,
    *,
    env: Mapping[str, str],
    timeout_s: float = 20.0,
    max_retries: int = 2,
    http_client: httpx2.AsyncClient | None = None,
) -> LLMProvider | None:
    """Return the provider for `spec`, or None for the offline `rules` facilitator.

    Raises ValueError for an unknown spec or a missing key, naming the variable to set.
    """
    spec = spec.strip()
    if spec.lower() == "rules":
        return None
    kind, sep, model = spec.partition(":")
    kind = kind.strip().lower()
    # partition, not split: local model names carry colons of their own ("qwen2.5:7b").
    model = model.strip()
    if not sep or kind not in ("openai", "anthropic"):
        raise ValueError(f"unknown LLM spec {spec!r}: {SPEC_HELP}")
    if not model:
        raise ValueError(f"LLM spec {spec!r} names no model: {SPEC_HELP}")

    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None  # an empty variable counts as unset

    json_mode = parse_mode_setting(get(JSON_MODE_ENV))
    # The SDKs are imported here, not at module top: together they take over a second to import,
    # and the offline rules path (replay, eval, tests) never needs them.
    if kind == "openai":
        from .openai_provider import OpenAIProvider

        base_url = get("OPENAI_BASE_URL")
        api_key = get("OPENAI_API_KEY")
        if api_key is None:
            if base_url is None:
                raise ValueError(
                    f"FACILITATOR_LLM={spec} needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local "
                    "OpenAI-compatible server); use FACILITATOR_LLM=rules to run offline"
                )
            api_key = LOCAL_PLACEHOLDER_KEY
        return OpenAIProvider(
            model,
            api_key=api_key,
            base_url=base_url,
            timeout_s=timeout_s,
            max_retries=max_retries,
            http_client=http_client,
            json_mode=json_mode,
        )

    # Anthropic keeps its own structured path (a forced tool call), whatever the JSON mode says.
    from .anthropic_provider import AnthropicProvider

    api_key = get("ANTHROPIC_API_KEY")
    if api_key is None:
        raise ValueError(
            f"FACILITATOR_LLM={spec} needs ANTHROPIC_API_KEY; use FACILITATOR_LLM=rules to run offline"
        )
    return AnthropicProvider(
        model,
        api_key=api_key,
        base_url=get("ANTHROPIC_BASE_URL"),
        timeout_s=timeout_s,
        max_retries=max_retries,
        http_client=http_client,
    )
