"""LLM providers behind one small contract (see base.py).

`make_provider(spec, env=...)` picks one from `FACILITATOR_LLM`; `None` means the offline rules
facilitator. Every failure surfaces as `LLMError`, so the policy falls back with one except clause.
"""

from .base import LLMError, LLMProvider, LLMResult, TokenUsage
from .factory import make_provider
from .scripted import ScriptedCall, ScriptedProvider, ScriptError

__all__ = [
    "LLMError",
    "LLMProvider",
    "LLMResult",
    "ScriptError",
    "ScriptedCall",
    "ScriptedProvider",
    "TokenUsage",
    "make_provider",
]
