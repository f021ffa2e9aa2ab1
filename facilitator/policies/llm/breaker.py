"""A circuit breaker around a provider, and the counters that say how the LLM path is doing.

After `failures_to_open` failed calls in a row the breaker opens: for `cooldown_s` no call goes
out and the offline rules decide every moment (fast, instead of each moment waiting out a dead
server's deadline). Then one trial call is let through (half-open): success closes the breaker,
failure opens it again for twice as long (capped). State and counters live on this object — one
per provider, no global state — so the room status readout and a `/metrics` endpoint read the
same numbers (`snapshot()`).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from .base import LLMError, LLMProvider, LLMResult, T_Model
from .scripted import ScriptError

log = logging.getLogger(__name__)
BreakerState = Literal["closed", "open", "half_open"]
R = TypeVar("R")
# A refusal is the model's answer, not a broken server, and a request missing from a replayed
# cassette is the cassette's gap: neither counts toward opening.
_NOT_A_FAULT = frozenset({"refusal", "cassette_miss"})


@dataclass
class LLMStats:
    """Counters for the LLM path since the process started (Prometheus counters and gauges)."""

    calls: int = 0  # calls that went out to the provider
    ok: int = 0
    failures: Counter[str] = field(default_factory=Counter)  # by LLMError.kind
    fallbacks: int = 0  # moments the offline rules decided because the LLM failed or was off
    rejected: int = 0  # model answers the guard or the sanity check refused
    over_budget: int = 0  # moments the rules decided because the room's call budget was spent
    opened: int = 0  # times the breaker opened
    consecutive_failures: int = 0
    last_error: str = ""


class CircuitBreaker:
    """Wraps any LLMProvider; the policy graph talks to this instead of the provider."""

    def __init__(self, inner: LLMProvider, *, failures_to_open: int = 3, cooldown_s: float = 60.0,
                 max_cooldown_s: float = 900.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.inner = inner
        self.name = inner.name
        self.failures_to_open = max(1, failures_to_open)
        self.base_cooldown_s = cooldown_s
        self.max_cooldown_s = max(cooldown_s, max_cooldown_s)
        self.stats = LLMStats()
        self._clock = clock
        self._state: BreakerState = "closed"
        self._open_until = 0.0
        self._cooldown_s = cooldown_s
        self._trial_running = False

    # -- state -------------------------------------------------------------------------------
    @property
    def state(self) -> BreakerState:
        if self._state == "open" and self._clock() >= self._open_until:
            self._state = "half_open"
        return self._state

    def allows(self) -> bool:
        """May a call go out now? (Half-open lets exactly one trial call through at a time.)"""
        state = self.state
        if state == "closed":
            return True
        return state == "half_open" and not self._trial_running

    def seconds_left(self) -> float:
        return max(0.0, self._open_until - self._clock()) if self.state == "open" else 0.0

    @property
    def json_mode(self) -> str | None:
        mode = getattr(self.inner, "json_mode", None)
        return mode if isinstance(mode, str) else None

    def note_fallback(self) -> None:
        self.stats.fallbacks += 1

    def note_rejected(self) -> None:
        self.stats.rejected += 1

    def note_over_budget(self) -> None:
        self.stats.over_budget += 1

    # -- the provider contract -------------------------------------------------------------
    async def structured(self, system: str, user: str, schema: type[T_Model], *,
                         max_tokens: int = 400) -> LLMResult[T_Model]:
        return await self._call(lambda: self.inner.structured(system, user, schema,
                                                              max_tokens=max_tokens))

    async def text(self, system: str, user: str, *, max_tokens: int = 300) -> LLMResult[str]:
        return await self._call(lambda: self.inner.text(system, user, max_tokens=max_tokens))

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def _call(self, make: Callable[[], Awaitable[R]]) -> R:
        if not self.allows():
            raise LLMError(f"circuit open for {self.seconds_left():.0f}s more after "
                           f"{self.stats.consecutive_failures} failures", kind="circuit_open",
                           provider=self.name)
        trial = self.state == "half_open"
        self._trial_running = trial
        self.stats.calls += 1
        try:
            result = await make()
        except LLMError as exc:
            self._failed(exc, trial)
            raise
        except ScriptError:
            raise  # a test's script that does not fit its calls: a bug in the test, shown
        except Exception as err:
            # The contract is "only LLMError escapes a provider"; one that breaks it (a bug, a
            # hand-edited cassette) must still never take the bot down: the rules decide.
            log.exception("LLM provider %s broke its contract with %s", self.name,
                          type(err).__name__)
            wrapped = LLMError(f"{type(err).__name__}: {str(err)[:160]}", kind="other",
                               provider=self.name)
            self._failed(wrapped, trial)
            raise wrapped from err
        finally:
            if trial:
                self._trial_running = False
        self._succeeded()
        return result

    def _succeeded(self) -> None:
        self.stats.ok += 1
        self.stats.consecutive_failures = 0
        self._state = "closed"
        self._cooldown_s = self.base_cooldown_s

    def _failed(self, exc: LLMError, trial: bool) -> None:
        self.stats.failures[exc.kind] += 1
        self.stats.last_error = str(exc)[:200]
        if exc.kind in _NOT_A_FAULT:
            return
        self.stats.consecutive_failures += 1
        if trial:
            # The trial failed: the server is still down; wait longer before the next one.
            self._cooldown_s = min(self._cooldown_s * 2, self.max_cooldown_s)
            self._open()
        elif self._state == "closed" and self.stats.consecutive_failures >= self.failures_to_open:
            self._open()

    def _open(self) -> None:
        self._state = "open"
        self._open_until = self._clock() + self._cooldown_s
        self.stats.opened += 1

    # -- what people and dashboards read ---------------------------------------------------
    def status_line(self) -> str:
        """One line for the room's status readout (every member sees the same)."""
        if self.state == "open":
            return (f"Model: {self.name} is switched off for {self.seconds_left():.0f} s after "
                    f"{self.stats.consecutive_failures} failed calls in a row; my offline rules "
                    "decide meanwhile.")
        fallbacks = f", {self.stats.fallbacks} decided by my offline rules" \
            if self.stats.fallbacks else ""
        return f"Model: {self.name}, working ({self.stats.ok} good calls{fallbacks})."

    def snapshot(self) -> dict[str, float | int | str]:
        """Flat figures for a /metrics endpoint: counters, gauges and the breaker's state."""
        s = self.stats
        out: dict[str, float | int | str] = {
            "provider": self.name,
            "json_mode": self.json_mode or "",
            "breaker_state": self.state,
            "breaker_open": 1 if self.state == "open" else 0,
            "breaker_opened_total": s.opened,
            "breaker_seconds_left": round(self.seconds_left(), 3),
            "calls_total": s.calls,
            "ok_total": s.ok,
            "failures_total": sum(s.failures.values()),
            "fallbacks_total": s.fallbacks,
            "rejected_total": s.rejected,
            "over_budget_total": s.over_budget,
            "consecutive_failures": s.consecutive_failures,
        }
        for kind, n in sorted(s.failures.items()):
            out[f"failures_{kind}_total"] = n
        return out
