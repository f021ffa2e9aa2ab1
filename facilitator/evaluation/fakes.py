"""Deterministic stand-ins for an LLM: `InstantLLM` (`--fake-llm` in eval, the bench's
service-time pass) and `LatencyLLM` (the bench's throughput passes: the same answers, each after
a wait like a hosted model's, with calls in flight concurrently across rooms).

They keep the provider contract (facilitator.policies.llm.base.LLMProvider):

- structured(Assessment): picks the first candidate moment the gate listed in the prompt
  (`<candidate move="…" to="a,b">`, or a line `- <intervention>: <reason> (to: a, b)`),
  i.e. it agrees with the gate;
- text() for the composer: returns the rules' draft the prompt carries (`<draft>…</draft>`),
  unchanged;
- text() for anything else (the `always` peer): a short generic assistant reply.

It is a fake: it shows what the LLM path costs in calls and time, not what a real model says.
"""

from __future__ import annotations

import asyncio
import html
import math
import random
import re
import time
import zlib
from typing import Any

from pydantic import ValidationError

from facilitator.policies.llm.base import LLMError, LLMResult, T_Model, TokenUsage

_CANDIDATE = re.compile(r'<candidate move="(\w+)" to="([^"]*)"')
_DRAFT_TAG = re.compile(r"<draft>(.*?)</draft>", re.S)
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
            found = _CANDIDATE.search(user) or _MOMENT.search(user)
            if "intervention" in fields:
                data["intervention"] = found.group(1) if found else "silence"
            if "to" in fields:
                to = found.group(2) if found and found.group(2) else ""
                data["to"] = [html.unescape(t).strip() for t in to.split(",")
                              if t.strip() and t.strip() != "the group"]
            if "reason" in fields:
                data["reason"] = "fake LLM: agrees with the gate's first candidate"
            try:
                value = schema.model_validate(data)
            except ValidationError as exc:
                raise LLMError(f"fake LLM cannot fill {schema.__name__}", kind="malformed",
                               provider=self.name) from exc
            return LLMResult(value, TokenUsage(_tokens(system + user), _tokens(str(data))))
        finally:
            self.busy_s += time.perf_counter() - start

    async def text(self, system: str, user: str, *, max_tokens: int = 300) -> LLMResult[str]:
        start = time.perf_counter()
        self.calls += 1
        try:
            tagged = _DRAFT_TAG.search(user)
            draft = _DRAFT.search(user)
            if tagged and tagged.group(1).strip():
                reply = html.unescape(tagged.group(1).strip())
            elif draft and draft.group("draft").strip():
                reply = draft.group("draft").strip()
            else:
                who = _REPLY_TO.search(user)
                name = who.group(1).strip() if who else "everyone"
                reply = GENERIC[zlib.crc32(user.encode()) % len(GENERIC)].format(who=name)
            return LLMResult(reply, TokenUsage(_tokens(system + user), _tokens(reply)))
        finally:
            self.busy_s += time.perf_counter() - start

    async def aclose(self) -> None:
        return None


# The default wait per call: the median end-to-end latency of GPT-4o-mini, 776 ms, from continuous
# probing (~10,080 streamed probes per model over 7 days through OpenRouter, prompt "Hello", at
# most 20 output tokens; median time to first token 645 ms, p95 1,094 ms):
# J. Wrede, "I monitored 6 LLM APIs for 7 days", jonathanwrede.de/en/blog/i-monitored-6-llm-apis-for-7-days/
# Our calls ask for more than 20 tokens, so a real call waits at least this long: a floor.
PUBLISHED_MEDIAN_LATENCY_MS = 776.0
PUBLISHED_MEDIAN_SOURCE = ("GPT-4o-mini median end-to-end latency, 776 ms (J. Wrede, 'I monitored "
                           "6 LLM APIs for 7 days', jonathanwrede.de)")
# Spread of the wait: log-normal with the source's p95/p50 ratio of ~1.7 (1,094 / 645 ms TTFT),
# so sigma = ln(1.7) / 1.645. A fixed wait would hide the tail that a busy room queues behind.
LATENCY_SIGMA = math.log(1.7) / 1.645


class LatencyLLM(InstantLLM):
    """InstantLLM's answers, each returned after a seeded log-normal wait around `median_s`.

    The wait is an `asyncio.sleep`, so calls from different rooms are in flight at once, as
    with a real HTTP client; `waited_s` sums the waits (LLM-seconds), `busy_s` stays the
    fake's own CPU time.
    """

    def __init__(self, median_s: float, *, sigma: float = LATENCY_SIGMA, seed: int = 0,
                 name: str = "fake-latency") -> None:
        super().__init__(name)
        if median_s < 0 or not math.isfinite(median_s):
            raise ValueError(f"median latency must be a finite number >= 0, not {median_s}")
        self.median_s = median_s
        self.sigma = sigma
        self.waited_s = 0.0
        self._rng = random.Random(seed)

    async def _wait(self) -> None:
        if self.median_s <= 0:
            return
        wait = self.median_s * math.exp(self._rng.gauss(0.0, self.sigma))
        self.waited_s += wait
        await asyncio.sleep(wait)

    async def structured(self, system: str, user: str, schema: type[T_Model], *,
                         max_tokens: int = 400) -> LLMResult[T_Model]:
        await self._wait()
        return await super().structured(system, user, schema, max_tokens=max_tokens)

    async def text(self, system: str, user: str, *, max_tokens: int = 300) -> LLMResult[str]:
        await self._wait()
        return await super().text(system, user, max_tokens=max_tokens)
