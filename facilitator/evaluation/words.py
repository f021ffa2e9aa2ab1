"""Are the bot's words true to the room? Every bot turn of a run, scored.

`WordsChecked` wraps any policy: each time it speaks, the words are checked against the room
state it decided from (the state before its own turn is recorded), by the same checks the LLM
path runs before posting (facilitator/policies/facts.py) and the sanity check of a message's
form (facilitator/policies/llm/sanity.py):

- well-formed: a message a person could read (no JSON, markup, template fields, label, loop);
- every member it names is in the room;
- every quote exists in a message of the room (a quote that does not is a failure here,
  where the LLM path would drop its sentence);
- every claim about questions, proposals and decisions matches the state;
- no greeting, no signature, no judgement of a member.

The rules and the LLM path are scored alike; `facilitator eval` reports the share of turns
whose words pass, per policy, and lists the ones that do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from facilitator.events import ChatEvent
from facilitator.memory.state import RoomState
from facilitator.policies.decision import BotDecision, Moment
from facilitator.policies.facts import check_words
from facilitator.policies.llm import sanity
from facilitator.policies.signals import Signals


@dataclass(frozen=True, slots=True)
class WordsVerdict:
    room: str
    event_id: str
    intervention: str
    text: str
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def as_json(self) -> dict[str, Any]:
        return {"room": self.room, "after": self.event_id, "intervention": self.intervention,
                "text": self.text, "problem": self.problem}


def score_words(decision: BotDecision, state: RoomState, event: ChatEvent) -> WordsVerdict:
    text = decision.text or ""
    intervention = decision.intervention.value if decision.intervention else ""
    problem = sanity.problem(text)
    if problem is not None:
        problem = f"not well-formed: {problem}"
    else:
        moment = Moment(intervention=decision.intervention, reason=decision.reason,
                        to=decision.to, ref=decision.ref) if decision.intervention else None
        bots = {"facilitator"} | {m.author for m in state.window if m.is_bot}
        checked = check_words(text, state, event, moment, bot_names=bots)
        if checked.dropped:
            problem = f"quotes words not in the room ({checked.dropped[0][:40]!r})"
        else:
            problem = checked.problem
    return WordsVerdict(state.room, event.id, intervention, text, problem)


class WordsChecked:
    """A policy whose every spoken turn is scored; everything else is the wrapped policy's."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.verdicts: list[WordsVerdict] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def decide(self, event: ChatEvent, state: RoomState, signals: Signals) -> BotDecision:
        decision: BotDecision = await self.inner.decide(event, state, signals)
        if decision.speak and decision.text:
            self.verdicts.append(score_words(decision, state, event))
        return decision
