"""An instant, deterministic stand-in for an LLM (`--fake-llm` in eval, always in bench).

It keeps the provider contract (facilitator.policies.llm.base.LLMProvider) and answers at once,
so the figures measured around it are the policy's own:

- structured(Assessment): picks the first candidate moment the gate listed in the prompt
  (lines `- <intervention>: <reason> (to: a, b)`), i.e. it agrees with the gate;
- text() for the composer: returns the plain draft the prompt carries, unchanged;
- text() for anything else (the `always` peer): a short generic assistant reply.

It is a fake: it shows what the LLM path costs in calls and time, not what a real model says.
"""

from __future__ import annotations

import re
import time
import zlib
from typing import Any

from pydantic import ValidationError

from facilitator.policies.llm.base import LLMError, LLMResult, T_Model, Usage

_MOMENT = re.compile(r"^- (\w+): .*?(?:\(to: ([^)]*)\))?\s*$", re.M)
_DRAFT = re.compile(r"draft[^\n]*:\s*\n(?P<draft>.+?)\n\s*\n", re.S | re.I)
_REPLY_TO = re.compile(r"Reply to ([^\n.]+)\.\s*$")
GENERIC = [
    "Good point, {who}! It might help to list the options and weigh the trade-offs together.",
    "Thanks for sharing, {who}. I'd suggest writing down the next steps so nothing gets lost.",
    "Interesting, {who}. Have you considered asking the rest of the team what they think?",
    "That makes sense, {who}. One way forward is to try it for a week and review.",
]


def _tokens(text: str) -> int:
    return (len(text) + 3) // 4


class InstantLLM:
    """Answers at once; counts calls and the (tiny) time spent inside it."""

    def __init__(self, name: str = "fake-instant") -> None:
        self.name = name
        self.calls = 0
        self.busy_s = 0.0

    async def structured(self, system: str, user: str, schema: type[T_Model], *,
                         max_tokens: int = 400) -> LLMResult[T_Model]:
        start = time.perf_counter()
        self.calls += 1
        try:
            fields = schema.model_fields
            data: dict[str, Any] = {}
            found = _MOMENT.search(user)
            if "intervention" in fields:
                data["intervention"] = found.group(1) if found else "silence"
            if "to" in fields:
                to = found.group(2) if found and found.group(2) else ""
                data["to"] = [t.strip() for t in to.split(",") if t.strip()]
            if "reason" in fields:
                data["reason"] = "fake LLM: agrees with the gate's first candidate"
            try:
                value = schema.model_validate(data)
            except ValidationError as exc:
                raise LLMError(f"fake LLM cannot fill {schema.__name__}", kind="malformed",
                               provider=self.name) from exc
            return LLMResult(value, Usage(_tokens(system + user), _tokens(str(data))))
        finally:
            self.busy_s += time.perf_counter() - start

    async def text(self, system: str, user: str, *, max_tokens: int = 300) -> LLMResult[str]:
        start = time.perf_counter()
        self.calls += 1
        try:
            draft = _DRAFT.search(user)
            if draft and draft.group("draft").strip():
                reply = draft.group("draft").strip()
            else:
                who = _REPLY_TO.search(user)
                name = who.group(1).strip() if who else "everyone"
                reply = GENERIC[zlib.crc32(user.encode()) % len(GENERIC)].format(who=name)
            return LLMResult(reply, Usage(_tokens(system + user), _tokens(reply)))
        finally:
            self.busy_s += time.perf_counter() - start

    async def aclose(self) -> None:
        return None
