"""The request read by an LLM, when one is configured (issue 20, items 1 and 2).

The model gets the closed label set with one line of meaning per label and the message as
data (prompts/llm/intent_system.md and intent.md, versioned like every prompt), and answers a
pydantic schema: `label` (one of the closed set, nothing else validates), `language` (the
asker's, ISO 639-1) and a one-line `reason`. It goes through the project's provider contract
(`facilitator/policies/llm/base.py`: strict JSON schema, JSON mode or JSON in the prompt on
OpenAI-compatible servers, a forced tool call on Anthropic). On any failure (`LLMError`:
timeout, HTTP error, refusal, an answer outside the schema) the offline reader decides, and the
read says so in `source`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache

from pydantic import ConfigDict, Field, field_validator

from facilitator.policies.llm.base import Answer, LLMError, LLMProvider
from facilitator.policies.llm.promptdata import esc
from facilitator.policies.prompts import Prompts
from facilitator.reading.intent import normalise, read_request
from facilitator.reading.intent_labels import MEANING, Intent, RequestRead, kind_of
from facilitator.reading.language import READABLE

MAX_TOKENS = 120


class RequestJudgement(Answer):
    """What an addressed message asks of a group's facilitator bot."""

    model_config = ConfigDict(extra="forbid")

    label: Intent = Field(description="exactly one label from the closed set")
    language: str = Field(description="ISO 639-1 code of the message's language, e.g. en, de")
    reason: str = Field(description="one short line: why this label")

    @field_validator("language")
    @classmethod
    def _code(cls, value: str) -> str:
        code = value.strip().lower()[:3].split("-")[0].split("_")[0]
        if not re.fullmatch(r"[a-z]{2,3}", code):
            raise ValueError("not a language code")
        return code

    @field_validator("reason")
    @classmethod
    def _short(cls, value: str) -> str:
        return " ".join(value.split())[:200]


# The read's prompts: prompts/llm/intent_system.md (the standing instructions, with the label
# set) and prompts/llm/intent.md (the message), versioned like every prompt.
SYSTEM_PROMPT = "llm/intent_system"
MESSAGE_PROMPT = "llm/intent"


@cache
def _default_prompts() -> Prompts:
    return Prompts()


def system_prompt(prompts: Prompts | None = None) -> str:
    labels = "\n".join(f"- {intent.value}: {MEANING[intent]}" for intent in Intent)
    return (prompts or _default_prompts()).text(SYSTEM_PROMPT).format(labels=labels)


def user_prompt(text: str, prompts: Prompts | None = None) -> str:
    # Escaped: the message cannot close its tag and write instructions after it.
    return (prompts or _default_prompts()).text(MESSAGE_PROMPT).format(message=esc(text))


async def read_request_llm(text: str, provider: LLMProvider, *, lang_hint: str | None = None,
                           bot_names: Collection[str] = ("facilitator",),
                           offline: bool = True, prompts: Prompts | None = None) -> RequestRead:
    """The model's read of an addressed message; the offline read on any failure.

    With `offline=False` a failure raises the `LLMError` instead (the policy then lets the
    gate's own offline readers decide, and counts the failure)."""
    clean = normalise(text, bot_names)
    if not any(ch.isalnum() for ch in clean):
        if not offline:
            raise LLMError("nothing asked: no call made", kind="other")
        return read_request(text, lang_hint=lang_hint, bot_names=bot_names)
    try:
        result = await provider.structured(system_prompt(prompts), user_prompt(clean, prompts),
                                           RequestJudgement, max_tokens=MAX_TOKENS)
    except LLMError as exc:
        if not offline:
            raise
        offline_read = read_request(text, lang_hint=lang_hint, bot_names=bot_names)
        return offline_read.model_copy(update={"source": f"offline (llm {exc.kind})"})
    judged = result.value
    return RequestRead(label=judged.label, kind=kind_of(judged.label), language=judged.language,
                       readable=True, confidence=1.0, source="llm",
                       reason=f"read as {judged.label.value}: {judged.reason}",
                       tokens_in=result.usage.tokens_in, tokens_out=result.usage.tokens_out)


def answers_in_catalogue(read: RequestRead) -> bool:
    """Whether the fixed lines exist in the read's language (else the LLM words the answer)."""
    return read.language in READABLE
