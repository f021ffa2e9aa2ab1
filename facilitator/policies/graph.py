"""The policy graph: assess -> compose -> guard, with one rewrite before giving up to silence.

The gate runs before this graph (plain functions, see gate.py); the graph is invoked only
for candidate moments, so the silent path never pays for it.

The LLM is optional at every step. When it fails (error, timeout, an answer that does not fit,
text the guard or the sanity check refuses) or its circuit breaker is open, the offline rules
decide that moment — the gate's first candidate, worded by the templates, checked by the same
guard — so a failing model means the rules facilitator, never silence and never an error.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal, TypedDict

from langgraph.graph import END, START, StateGraph

from facilitator.events import ChatEvent
from facilitator.locale import LANGUAGES as CATALOGUE
from facilitator.memory.state import RoomState
from facilitator.policies import guard
from facilitator.policies.compose_rules import compose
from facilitator.policies.decision import BotDecision, Intervention, Moment
from facilitator.policies.defaults import blocked
from facilitator.policies.facts import check_words, trim_to_sentence
from facilitator.policies.llm import sanity
from facilitator.policies.llm.base import LLMError, LLMProvider, LLMResult
from facilitator.policies.llm.breaker import CircuitBreaker
from facilitator.policies.llm.choice import (
    Assessment,
    moment_for,
    note_declined,
    resolve_members,
    was_declined,
)
from facilitator.policies.llm.context import (
    candidates_block,
    move_cards,
    other_moves,
    room_block,
)
from facilitator.policies.llm.promptdata import esc
from facilitator.policies.prompts import Prompts
from facilitator.policies.signals import Signals
from facilitator.reading.language import OTHERS, detect_language

log = logging.getLogger(__name__)
# Token caps: an assessment is a choice and one sentence; a message is at most guard.MAX_CHARS
# (~175 tokens). Small local models ramble to whatever cap they get, and every token is time.
ASSESS_TOKENS = 200
COMPOSE_TOKENS = 200
LLM_WINDOW_S = 3600.0
# Moments whose wording needs judgment go to the model; formulaic ones (an invitation by name,
# a question quoted back, a decision read out) keep their template: fewer calls, same words.
# Declines never reach a model, so no message can talk it round.
LLM_WORDED = frozenset({
    Intervention.ANSWER, Intervention.DEESCALATE, Intervention.NAME_CRUX,
    Intervention.SUMMARIZE, Intervention.COMMON_GROUND, Intervention.PROPOSE_PROCESS,
    Intervention.REFOCUS,
})


_COMMAND = re.compile(r"`[^`]+`")


def translation_problem(text: str, draft: str, lang: str) -> str | None:
    """None when `text` can stand for `draft` in `lang`; otherwise what is wrong with it."""
    if len(text) < 12 or len(text) > 3 * len(draft) + 40:
        return "is not the line"
    if text.lstrip().startswith(("{", "[")) or "```" in text:
        return "looks like code or JSON"
    if sanity._MARKUP.search(text) or sanity._TEMPLATE.search(text) or sanity._CONTROL.search(text):
        return "carries markup or template fields"
    if any(cmd not in text for cmd in _COMMAND.findall(draft)):
        return "lost a command"
    if lang in OTHERS and detect_language(text).code != lang:
        return f"is not in {lang}"
    return None


class PolicyState(TypedDict, total=False):
    event: ChatEvent
    state: RoomState
    signals: Signals
    moments: list[Moment]  # the gate's candidates, best first (the rules decide the first)
    recall: list[Moment]  # more the gate's recall profile found, for the model to judge only
    moment: Moment | None
    text: str
    attempt: int
    failure: str | None
    llm_calls: int
    tokens_in: int
    tokens_out: int
    silence_reason: str
    source: Literal["llm", "rules"]  # who worded `text`
    llm_off: bool  # the LLM failed in this moment: the rules decide the rest of it
    fallback: str  # why the rules took over, shown in the decision's reason
    model_declined: bool  # the model chose silence (or a move without ground)


def _breaker(provider: LLMProvider | None) -> CircuitBreaker | None:
    if provider is None or isinstance(provider, CircuitBreaker):
        return provider
    return CircuitBreaker(provider)


def _bot_names(state: RoomState) -> set[str]:
    return {"facilitator"} | {m.author for m in state.window if m.is_bot}


def _route(key: str, then: str) -> Callable[[PolicyState], Awaitable[str]]:
    # Async routers: LangGraph would run plain functions in a thread pool on every step.
    async def route(s: PolicyState) -> str:
        return then if s.get(key) else END

    return route


class PolicyGraph:
    """Compiled once per process; `run` is called per candidate moment."""

    def __init__(self, prompts: Prompts, provider: LLMProvider | None = None,
                 *, calls_per_hour: int = 30, judge: LLMProvider | None = None) -> None:
        self.prompts = prompts
        # Every call goes through a breaker, which also keeps the LLM path's counters.
        self.breaker: CircuitBreaker | None = _breaker(provider)
        self.provider: LLMProvider | None = self.breaker
        # An optional second (smaller) model for the choice; the main one words the message.
        self.judge: CircuitBreaker | None = _breaker(judge) if provider is not None else None
        self.calls_per_hour = calls_per_hour
        graph = StateGraph(PolicyState)
        graph.add_node("assess", self._assess)
        graph.add_node("compose", self._compose)
        graph.add_node("guard", self._guard)
        graph.add_edge(START, "assess")
        graph.add_conditional_edges("assess", _route("moment", "compose"), ["compose", END])
        graph.add_conditional_edges("compose", _route("text", "guard"), ["guard", END])
        graph.add_conditional_edges("guard", self._after_guard, ["compose", END])
        self.graph = graph.compile()

    async def run(self, event: ChatEvent, state: RoomState, signals: Signals,
                  moments: list[Moment], recall: list[Moment] | None = None) -> BotDecision:
        out: dict[str, Any] = await self.graph.ainvoke(
            {"event": event, "state": state, "signals": signals, "moments": moments,
             "recall": recall or [], "attempt": 0, "llm_calls": 0, "tokens_in": 0,
             "tokens_out": 0})
        usage = {"llm_calls": out.get("llm_calls", 0), "tokens_in": out.get("tokens_in", 0),
                 "tokens_out": out.get("tokens_out", 0)}
        moment: Moment | None = out.get("moment")
        if moment is None or out.get("failure") or not out.get("text"):
            if not out.get("model_declined"):
                # The model's declines are kept apart (RoomState.declined): offered again
                # as soon as the room changes, not after a fixed number of messages.
                for weighed in moments:
                    state.considered[weighed.intervention.value] = state.human_messages
            reason = out.get("failure") or out.get("silence_reason") or "assessed: silence"
            return BotDecision.silence(reason, signals=signals.as_json(), **usage)
        reason = moment.reason
        if out.get("fallback"):
            reason += f" [offline rules: {out['fallback']}]"
        return BotDecision(speak=True, intervention=moment.intervention, text=out["text"],
                        reason=reason, to=moment.to, ref=moment.ref,
                        signals=signals.as_json(), **usage)

    # -- LLM budget ----------------------------------------------------------------------
    def _llm_allowed(self, state: RoomState, now: float,
                     via: CircuitBreaker | None = None) -> bool:
        via = via or self.breaker
        if via is None or not via.allows():
            return False
        return self._within_budget(state, now)

    def _within_budget(self, state: RoomState, now: float) -> bool:
        """The room's budget of calls per hour (`FACILITATOR_LLM_CALLS_PER_HOUR`)."""
        u = state.usage
        if now - u.llm_window_start >= LLM_WINDOW_S:
            u.llm_window_start, u.llm_calls_in_window = now, 0
        return u.llm_calls_in_window < self.calls_per_hour

    def _count(self, s: PolicyState, tokens_in: int, tokens_out: int) -> dict[str, int]:
        u = s["state"].usage
        u.llm_calls += 1
        u.llm_calls_in_window += 1
        u.llm_tokens_in += tokens_in
        u.llm_tokens_out += tokens_out
        return {"llm_calls": s.get("llm_calls", 0) + 1,
                "tokens_in": s.get("tokens_in", 0) + tokens_in,
                "tokens_out": s.get("tokens_out", 0) + tokens_out}

    def _fallback(self, s: PolicyState, why: str, exc: LLMError | None = None) -> dict[str, Any]:
        """The rules take over this moment; the room never hears about the failure."""
        if exc is not None:
            s["state"].usage.llm_failures += 1
            log.warning("room %s: LLM provider failed, the offline rules decide: %s",
                        s["state"].room, exc)
        else:
            log.info("room %s: LLM answer unusable (%s), the offline rules decide",
                     s["state"].room, why)
        if self.breaker is not None:
            self.breaker.note_fallback()
        return {"llm_off": True, "fallback": why}

    # -- nodes ---------------------------------------------------------------------------
    async def _assess(self, s: PolicyState) -> dict[str, Any]:
        state, event, signals = s["state"], s["event"], s["signals"]
        moments = s["moments"]
        # Capture attempts are declined by rule: no model gets a chance to be talked round.
        if moments and moments[0].intervention == Intervention.DECLINE_CAPTURE:
            return {"moment": moments[0]}
        if self.breaker is None:
            return {"moment": moments[0] if moments else None,
                    "silence_reason": "nothing worth interrupting for"}
        # A moment the model declined is not offered again until the room changes.
        offered = [m for m in moments if not was_declined(state, m, signals)]
        extra = [m for m in s.get("recall", []) if not was_declined(state, m, signals)]
        first = offered[0] if offered else None  # what the rules would do: they advise
        if first is None and not extra:
            return {"moment": None, "model_declined": True,
                    "silence_reason": "the model declined these moments and "
                                                      "the room has not changed since"}
        judge = self.judge if self.judge is not None and self.judge.allows() else self.breaker
        now = event.ts or time.time()
        if not judge.allows():
            judge.note_fallback()  # the breaker is open: the rules stand in
            return {"moment": first, "llm_off": True, "fallback": "LLM switched off",
                    "silence_reason": "nothing the rules would say; the model is switched off"}
        if not self._within_budget(state, now):
            judge.note_over_budget()
            return {"moment": first, "silence_reason": "the room's budget of model calls is "
                                                       "spent; nothing the rules would say"}
        candidates = offered + extra
        user = self._choice_prompt(s, candidates)
        try:
            result = await judge.structured(self.prompts.text("llm/system"), user, Assessment,
                                            max_tokens=ASSESS_TOKENS)
        except LLMError as exc:
            return {**self._fallback(s, f"LLM {exc.kind}", exc), "moment": first,
                    "silence_reason": f"LLM {exc.kind}; nothing the rules would say"}
        counted = self._count(s, result.usage.tokens_in, result.usage.tokens_out)
        choice = result.value
        unusable = None
        if sanity.echoes(choice.reason, (self.prompts.text("llm/system"),
                                         self.prompts.text("llm/choose"))):
            unusable = "model's reason repeats the prompt"
        # Silence needs no target: a stray `to` with it (small models fill every field) is
        # no reason to hand the moment to the rules.
        to = [] if choice.intervention == "silence" else resolve_members(state, choice.to)
        if to is None:
            unusable = "model named someone not in the room"
        if unusable or to is None:
            judge.note_rejected()
            return {**counted, **self._fallback(s, unusable or "unusable"), "moment": first,
                    "silence_reason": f"{unusable}; nothing the rules would say"}
        if choice.intervention == "silence":
            note_declined(state, candidates, signals)
            return {**counted, "moment": None, "model_declined": True,
                    "silence_reason": f"assessed silence: {choice.reason}"}
        chosen = next((m for m in candidates if m.intervention.value == choice.intervention
                       and (not to or set(to) == set(m.to))), None)
        if chosen is None:
            # A move the gate did not offer, or offered for other people: the model decides,
            # when the room gives the move ground and allows it; silence when it does not.
            chosen = moment_for(choice.intervention, to, state, event, signals)
            kept_back = blocked(state, chosen) if chosen is not None else None
            if kept_back:
                note_declined(state, candidates, signals)
                return {**counted, "moment": None, "model_declined": True,
                        "silence_reason": f"model chose {choice.intervention}, but {kept_back}"}
        if chosen is None:
            same = next((m for m in candidates if m.intervention.value == choice.intervention),
                        None)
            chosen = same if same is not None and not to else None
        if chosen is None:
            judge.note_rejected()
            note_declined(state, candidates, signals)
            return {**counted, "moment": None, "model_declined": True,
                    "silence_reason": f"model chose {choice.intervention}, which the room gives "
                                      f"no ground for now ({choice.reason})"}
        note_declined(state, [m for m in candidates if m is not chosen], signals)
        chosen = chosen.model_copy(update={"reason": f"{chosen.reason}; model: {choice.reason}"})
        return {**counted, "moment": chosen}

    def _choice_prompt(self, s: PolicyState, candidates: list[Moment]) -> str:
        state, event = s["state"], s["event"]
        rules_count = sum(1 for m in candidates if m in s["moments"])
        return self.prompts.text("llm/choose").format(
            room=room_block(state, event, s["signals"]),
            candidates=candidates_block(self.prompts, candidates, state, event,
                                        rules_count=rules_count, signals=s["signals"]),
            other_moves=other_moves(self.prompts, candidates, state))

    async def _compose(self, s: PolicyState) -> dict[str, Any]:
        moment = s["moment"]
        assert moment is not None
        attempt = s.get("attempt", 0)
        try:
            draft = compose(self.prompts, moment, s["state"], s["event"], attempt=attempt,
                            signals=s["signals"])
        except (StopIteration, KeyError, IndexError) as exc:
            return {"moment": None, "silence_reason": f"nothing to say: {exc!r}"}
        state = s["state"]
        lang = moment.facts.get("lang", "en")
        # A decline of a request the bot does not serve keeps its one plain template line:
        # a model asked to word it tends to half-serve the request instead.
        declined = moment.facts.get("service") == "unserved"
        service = moment.facts.get("service")
        # So do the services whose words state the room's record (what was recorded, what
        # a proposal lacks, who asked together, whom it invites): a model may not restate them.
        fixed = (moment.intervention not in LLM_WORDED or declined
                 or service in ("unsure", "cant_read", "give_turn", "note_decision")
                 or bool(moment.facts.get("together")) or (lang != "en" and service == "help"))
        if fixed or s.get("llm_off") or not self._llm_allowed(state, s["event"].ts or time.time()):
            if lang not in CATALOGUE and service != "cant_read" and not s.get(
                    "llm_off") and self._llm_allowed(
                    state, s["event"].ts or time.time()):
                # A fixed line in a language the catalogue lacks: the model translates the
                # bot's own line (no member's words but the asker's name go to it).
                return await self._translate(s, draft, lang)
            return {"text": draft, "source": "rules"}
        assert self.provider is not None
        card = move_cards(self.prompts).get(moment.intervention.value)
        user = self.prompts.text("llm/compose").format(
            room=room_block(state, s["event"], s["signals"]), move=moment.intervention.value,
            purpose=esc(card.purpose) if card else "", why=esc(moment.reason),
            to=esc(", ".join(state.name_of(t) for t in moment.to)) or "the whole group",
            draft=esc(draft))
        if lang != "en":
            # The asker wrote in another language (the request read says which): answer in it.
            user += f"\nWrite it in the asker's language (ISO 639-1 code: {esc(lang)})."
        result, counted = await self._ask_text(s, self.prompts.text("llm/system"), user, draft)
        if result is None:
            return counted
        text = sanity.clean(result.value)
        if result.truncated:
            # Cut at the token cap: keep the whole sentences, then check them like any text.
            text = trim_to_sentence(text)
        broken = sanity.problem(text, (self.prompts.text("llm/system"),
                                       self.prompts.text("llm/compose"))) or sanity.rambles(text)
        checked = None if broken else check_words(text, state, s["event"], moment,
                                                  bot_names=_bot_names(state))
        if checked is not None and checked.problem:
            broken = checked.problem
        if broken:
            return self._rejected(s, counted, f"model text {broken}", draft)
        assert checked is not None
        return {**counted, "text": checked.text, "source": "llm"}

    async def _translate(self, s: PolicyState, draft: str, lang: str) -> dict[str, Any]:
        """The rules' fixed line in `lang`, by the model; the line as it is on any failure."""
        assert self.provider is not None
        # prompts/llm/translate_system.md and translate.md; the line is escaped data.
        user = self.prompts.text("llm/translate").format(lang=esc(lang), line=esc(draft))
        result, counted = await self._ask_text(s, self.prompts.text("llm/translate_system"),
                                               user, draft)
        if result is None:
            return counted
        text = sanity.clean(result.value)
        broken = translation_problem(text, draft, lang)
        if broken or result.truncated:
            return self._rejected(s, counted, f"model translation {broken or 'cut'}", draft)
        return {**counted, "text": text, "source": "llm"}

    async def _ask_text(self, s: PolicyState, system: str, user: str,
                        draft: str) -> tuple[LLMResult[str] | None, dict[str, Any]]:
        """(the model's answer, its token counts); (None, the rules' draft) when the call fails."""
        assert self.provider is not None
        try:
            result = await self.provider.text(system, user, max_tokens=COMPOSE_TOKENS)
        except LLMError as exc:
            return None, {**self._fallback(s, f"LLM {exc.kind}", exc), "text": draft,
                          "source": "rules"}
        return result, self._count(s, result.usage.tokens_in, result.usage.tokens_out)

    def _rejected(self, s: PolicyState, counted: dict[str, Any], why: str,
                  draft: str) -> dict[str, Any]:
        """A model text refused: the breaker hears of it and the rules' draft goes out."""
        if self.breaker is not None:
            self.breaker.note_rejected()
        return {**counted, **self._fallback(s, why), "text": draft, "source": "rules"}

    async def _guard(self, s: PolicyState) -> dict[str, Any]:
        moment = s["moment"]
        assert moment is not None
        failure = guard.check(s["text"], moment, s["state"], s["event"], s["signals"])
        if failure and s.get("source") == "llm":
            # The model's words broke a fiduciary rule: the rules word this moment instead (their
            # own attempts are not used up; the model gets no second try to be talked round).
            if self.breaker is not None:
                self.breaker.note_rejected()
            return {"failure": failure, **self._fallback(s, f"guard: model text {failure}")}
        return {"failure": failure, "attempt": s.get("attempt", 0) + (1 if failure else 0)}

    @staticmethod
    async def _after_guard(s: PolicyState) -> str:
        if s.get("failure") and s.get("attempt", 0) <= 1:
            return "compose"
        return END
