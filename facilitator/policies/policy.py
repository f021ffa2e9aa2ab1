"""The facilitation policy: the gate first (plain functions), the graph only for candidates."""

from __future__ import annotations

import os
from collections.abc import Mapping

from facilitator.config import Settings
from facilitator.events import ChatEvent
from facilitator.memory.state import RoomState
from facilitator.policies.decision import BotDecision
from facilitator.policies.gate import find_moments
from facilitator.policies.graph import PolicyGraph
from facilitator.policies.lighter import lighter_form
from facilitator.policies.llm.base import LLMProvider
from facilitator.policies.prompts import Prompts
from facilitator.policies.signals import Signals


class FacilitatorPolicy:
    name = "facilitator"

    def __init__(self, prompts: Prompts | None = None, provider: LLMProvider | None = None,
                 *, calls_per_hour: int = 30) -> None:
        self.prompts = prompts or Prompts()
        self.provider = provider
        self.graph = PolicyGraph(self.prompts, provider, calls_per_hour=calls_per_hour)

    async def decide(self, event: ChatEvent, room: RoomState, signals: Signals) -> BotDecision:
        moments, why = find_moments(event, room, signals)
        if not moments:
            return BotDecision.silence(why, signals=signals.as_json())
        # Lighter moves first: a reaction that says it all needs no words, no model, no guard.
        first = moments[0]
        reaction = lighter_form(first, room, event)
        if reaction is not None and reaction.alone:
            return BotDecision(speak=True, intervention=first.intervention, react=reaction.emoji,
                               react_to=reaction.target, to=first.to, ref=first.ref,
                               reason=f"{first.reason} (a reaction says it)",
                               signals=signals.as_json())
        decision = await self.graph.run(event, room, signals, moments)
        if (reaction is not None and decision.speak and decision.intervention == first.intervention
                and decision.ref == first.ref):
            decision.react, decision.react_to = reaction.emoji, reaction.target
        return decision

    def llm_status(self) -> str | None:
        """The model's line for the room status readout; None on the offline rules path."""
        return self.graph.breaker.status_line() if self.graph.breaker else None

    def llm_metrics(self) -> dict[str, float | int | str]:
        """The LLM path's counters and breaker state, for a /metrics endpoint ({} offline)."""
        return self.graph.breaker.snapshot() if self.graph.breaker else {}


def build_policy(settings: Settings, env: Mapping[str, str] | None = None) -> FacilitatorPolicy:
    """The policy the settings ask for: the offline rules, or an LLM provider behind the gate."""
    from facilitator.policies.llm.factory import make_provider

    provider = make_provider(settings.llm, env=os.environ if env is None else env,
                             timeout_s=settings.llm_timeout_s)
    return FacilitatorPolicy(Prompts(), provider,
                             calls_per_hour=settings.llm_calls_per_room_per_hour)
