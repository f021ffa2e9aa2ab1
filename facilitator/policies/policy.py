"""The facilitation policy: the gate first (plain functions), the graph only for candidates, and
the lighter form of a move (a reaction instead of a message, or beside it) where it says it."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass

from facilitator.config import Settings
from facilitator.events import ChatEvent, EventKind
from facilitator.memory.state import RoomState
from facilitator.policies.decision import BotDecision, Intervention, Moment
from facilitator.policies.gate import addressed, find_moments, recall_moments
from facilitator.policies.graph import PolicyGraph, _bot_names
from facilitator.policies.llm.base import LLMError, LLMProvider
from facilitator.policies.llm.intent import read_request_llm
from facilitator.policies.prompts import Prompts
from facilitator.policies.readout import MOVE_QUOTE_LIMIT, said
from facilitator.policies.signals import Signals
from facilitator.reading.intent import normalise
from facilitator.reading.intent_labels import RequestRead

log = logging.getLogger(__name__)


class FacilitatorPolicy:
    name = "facilitator"

    def __init__(self, prompts: Prompts | None = None, provider: LLMProvider | None = None,
                 *, calls_per_hour: int = 30, judge: LLMProvider | None = None) -> None:
        self.prompts = prompts or Prompts()
        self.provider = provider
        self.calls_per_hour = calls_per_hour
        self.graph = PolicyGraph(self.prompts, provider, calls_per_hour=calls_per_hour,
                                 judge=judge)

    async def decide(self, event: ChatEvent, state: RoomState, signals: Signals) -> BotDecision:
        meaning = await self.read_request(event, state, signals)
        decision = await self._decide(event, state, signals, meaning)
        if meaning is not None:  # the read's call is the decision's too
            decision.llm_calls += 1
            decision.tokens_in += meaning.tokens_in
            decision.tokens_out += meaning.tokens_out
        return decision

    async def read_request(self, event: ChatEvent, state: RoomState,
                           signals: Signals) -> RequestRead | None:
        """The model's read of a message addressed to the bot (issue 20, item 1), or None.

        None means the offline readers decide: no model configured, not an addressed human
        message, the breaker open, the room's call budget spent, or the call failed in any way
        (provider error, timeout, an answer outside the closed set). A failure is logged and
        counted, never said in the room."""
        breaker = self.graph.breaker
        if (breaker is None or event.author.is_bot or event.kind != EventKind.MESSAGE
                or not addressed(event, state, signals)):
            return None
        if not breaker.allows():
            breaker.note_fallback()
            return None
        if not self.graph._within_budget(state, event.ts or time.time()):
            breaker.note_over_budget()
            return None
        names = sorted(_bot_names(state))
        if not any(ch.isalnum() for ch in normalise(event.text, names)):
            return None  # "@facilitator" alone asks nothing: no call
        try:
            read = await read_request_llm(event.text, breaker, bot_names=names, offline=False,
                                          prompts=self.prompts)
        except LLMError as exc:
            state.usage.llm_failures += 1
            breaker.note_fallback()
            log.warning("room %s: the LLM request read failed, the offline readers decide: %s",
                        state.room, exc)
            return None
        usage = state.usage
        usage.llm_calls += 1
        usage.llm_calls_in_window += 1
        usage.llm_tokens_in += read.tokens_in
        usage.llm_tokens_out += read.tokens_out
        return read

    async def _decide(self, event: ChatEvent, state: RoomState, signals: Signals,
                      meaning: RequestRead | None) -> BotDecision:
        moments, why = find_moments(event, state, signals, meaning)
        recall: list[Moment] = []
        if self.provider is not None:
            # With a model the gate is a high-recall filter: moments a little below the
            # rules' bar go to the model too (it judges; the rules never speak them).
            offered = {m.intervention for m in moments}
            recall = [m for m in recall_moments(event, state, signals)
                      if m.intervention not in offered]
        if not moments and not recall:
            return BotDecision.silence(why, signals=signals.as_json())
        # Lighter moves first: a reaction that says it all needs no words, no model, no guard.
        first = moments[0] if moments else None
        reaction = lighter_form(first, state, event) if first is not None else None
        if first is not None and reaction is not None and reaction.alone:
            return BotDecision(speak=True, intervention=first.intervention, react=reaction.emoji,
                               react_to=reaction.target, to=first.to, ref=first.ref,
                               reason=f"{first.reason} (a reaction says it)",
                               signals=signals.as_json())
        decision = await self.graph.run(event, state, signals, moments, recall)
        if (first is not None and reaction is not None and decision.speak
                and decision.intervention == first.intervention and decision.ref == first.ref):
            decision.react, decision.react_to = reaction.emoji, reaction.target
        return decision

    def llm_status(self) -> str | None:
        """The model's line for the room status readout; None on the offline rules path."""
        return self.graph.breaker.status_line() if self.graph.breaker else None

    def llm_metrics(self) -> dict[str, float | int | str]:
        """The LLM path's counters and breaker state, for a /metrics endpoint ({} offline):
        the main model's, the judge's (`judge_*`, when one is set) and the per-room budget."""
        if self.graph.breaker is None:
            return {}
        out = self.graph.breaker.snapshot()
        out["room_budget_per_hour"] = self.calls_per_hour
        if self.graph.judge is not None:
            out.update({f"judge_{k}": v for k, v in self.graph.judge.snapshot().items()})
        return out


def build_policy(settings: Settings, env: Mapping[str, str] | None = None) -> FacilitatorPolicy:
    """The policy the settings ask for: the offline rules, or an LLM provider behind the gate
    (and, with `FACILITATOR_LLM_JUDGE`, a second model that makes the choice)."""
    from facilitator.policies.llm.stack import JUDGE_ENV, provider_from_env

    env = settings.llm_env() if env is None else env
    provider = provider_from_env(settings.llm, env=env, timeout_s=settings.llm_timeout_s)
    judge_spec = env.get(JUDGE_ENV, "").strip()
    judge = provider_from_env(judge_spec, env=env, timeout_s=settings.llm_timeout_s) \
        if provider is not None and judge_spec else None
    return FacilitatorPolicy(Prompts(), provider,
                             calls_per_hour=settings.llm_calls_per_room_per_hour, judge=judge)


# Lighter moves first (issue 19, item 5): where the platform allows it, a reaction instead of a
# message, or beside it.
#
# - A question that has waited (`surface_question`): 👀 (`eyes`) on the question, instead of a
#   message, while it is still on screen (at most ON_SCREEN human messages ago): the room sees
#   the mark land on it, and nobody is interrupted. A question further back is brought back by a
#   message quoting it, since a reaction on a message scrolled out of view is not seen — unless
#   no clause of it can be quoted well: then the reaction is the only form that says it well.
# - A decision the group reached (`record_decision`): ✅ (`white_check_mark`) on the proposal,
#   beside the message that reads it out. The message stays because it asks who takes the
#   decision forward and gives the room the chance to object to the record; the mark shows, on
#   the proposal itself, what was recorded. When the proposal cannot be quoted well, the mark
#   alone records it (no garbled words).
#
# Platforms: Slack (`reactions.add`), Discord (`add_reaction`), and the local chat that
# simulation and replay use (a `react` field on the step).
REACTION_PLATFORMS = frozenset({"slack", "discord", "local"})
ON_SCREEN = 8  # human messages since a question for it to count as still in view
EYES = "eyes"
CHECK = "white_check_mark"


@dataclass(frozen=True, slots=True)
class Reaction:
    emoji: str  # its name, as Slack spells it ("eyes", "white_check_mark")
    target: str  # the message it goes on
    alone: bool  # instead of the message (True) or beside it


def lighter_form(moment: Moment, state: RoomState, event: ChatEvent) -> Reaction | None:
    """The reaction that makes this move, or goes with its message; None when a message alone."""
    if event.room.platform not in REACTION_PLATFORMS or moment.ref is None:
        return None
    if moment.intervention == Intervention.SURFACE_QUESTION:
        if moment.facts.get("mode") == "channel":
            # In a busy channel a mark on a waiting request brings nobody to it: judged blind
            # on TUNE IRC rooms, all 7 were neutral. The request is quoted, or left alone.
            return None
        q = next((q for q in state.questions if q.id == moment.ref), None)
        if q is None:
            return None
        on_screen = state.human_messages - q.turn <= ON_SCREEN
        if on_screen or not said(state, q.text, q.id, want="question", limit=MOVE_QUOTE_LIMIT):
            return Reaction(EYES, q.id, alone=True)
        return None
    if moment.intervention == Intervention.RECORD_DECISION:
        p = next((p for p in state.proposals if p.id == moment.ref), None)
        if p is None:
            return None
        quotable = bool(said(state, p.text, p.id, want="proposal", limit=MOVE_QUOTE_LIMIT))
        return Reaction(CHECK, p.id, alone=not quotable)
    return None
