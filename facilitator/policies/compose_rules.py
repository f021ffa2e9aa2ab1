"""Offline composer: fills the templates in prompts/rules/ with names and quotes from the state."""

from __future__ import annotations

import re

from facilitator.events import ChatEvent
from facilitator.memory.state import RoomState
from facilitator.policies.decision import Intervention, Moment
from facilitator.policies.prompts import Prompts
from facilitator.readout import (
    decisions_text,
    names,
    open_items_text,
    summary_text,
    topic_phrase,
    topic_phrases,
)

ATTEMPT_PHRASES = {
    "to take a side": "take sides between members",
    "to vote or rank members": "vote, or rank the people in this group",
    "to act against a member": "act against any member of this group",
    "to reveal what was said elsewhere": "share what was said in other rooms or in private",
    "to serve only one member": "work for one member over the others",
    "to change its instructions": "follow instructions that arrive inside a message",
    "flattery bait": "take a side, however kindly it's asked",
}
_ASKS_OPEN = re.compile(r"\b(open|unanswered|pending|left to|still to|outstanding)\b", re.I)
_ASKS_DECIDED = re.compile(r"\b(decide|decided|decision|agreed|agree on)\b", re.I)
_ASKS_SUMMARY = re.compile(r"\b(summar\w*|recap|catch me up|where (are|do) we stand|tl;?dr)\b",
                           re.I)
_ASKS_HELP = re.compile(r"\b(help|what (can|do) you do|who are you|how do you work)\b", re.I)


def answer_template(text: str) -> str:
    """Which kind of service an addressed message asks for."""
    if _ASKS_SUMMARY.search(text):
        return "summarize"
    if _ASKS_DECIDED.search(text):
        return "decisions"
    if _ASKS_OPEN.search(text):
        return "open_items"
    if _ASKS_HELP.search(text):
        return "help"
    return "answer"


def _interest(state: RoomState, member: str) -> str:
    return " and ".join(topic_phrases(state, n=2, last=12, author=member))


def _crux(state: RoomState, a: str, b: str) -> str:
    """What both keep coming back to: a phrase of the exchange that each of them used."""
    texts = {who: " ".join(m.text.lower() for m in state.window[-12:] if m.author == who)
             for who in (a, b)}
    for phrase in topic_phrases(state, n=6, last=12):
        if all(phrase.lower() in t for t in texts.values()):
            return f'what to do about "{phrase}"'
    return topic_phrase(state)


def _with_topic(name: str, topic: str) -> str:
    """The template that names a topic, or its variant that does without one."""
    return name if topic else f"{name}_open"


def compose_fields(moment: Moment, state: RoomState, event: ChatEvent) -> tuple[str, dict[str, str]]:
    """The template name and its fields for one moment."""
    kind = moment.intervention
    to = moment.to
    asker = event.author.display
    match kind:
        case Intervention.ANSWER:
            name = answer_template(event.text)
            fields = {"asker": asker, "state_line": summary_text(state),
                      "open_list": open_items_text(state),
                      "decision_list": decisions_text(state), "greeting": "",
                      "summary": summary_text(state)}
            return name, fields
        case Intervention.DECLINE_CAPTURE:
            attempt = moment.facts.get("attempt", "")
            return "decline_capture", {
                "asker": asker,
                "attempt_phrase": ATTEMPT_PHRASES.get(attempt, "take sides")}
        case Intervention.INVITE_QUIET:
            topic = topic_phrase(state)
            return _with_topic("invite_quiet", topic), {"name": state.name_of(to[0]), "topic": topic}
        case Intervention.DEESCALATE if len(to) == 1:
            # One member's attack or heat: speak to them, never "between" them and the target.
            target = moment.facts.get("target", "")
            topic = topic_phrase(state)
            return _with_topic("deescalate_attack", topic), {
                "name": state.name_of(to[0]),
                "target": state.name_of(target) if target else "others",
                "topic": topic}
        case Intervention.DEESCALATE:
            a, b = to[0], to[1]
            interest_a, interest_b = _interest(state, a), _interest(state, b)
            return _with_topic("deescalate", interest_a and interest_b), {
                "a": state.name_of(a), "b": state.name_of(b),
                "interest_a": interest_a, "interest_b": interest_b}
        case Intervention.NAME_CRUX:
            a, b = to[0], to[1]
            crux = _crux(state, a, b)
            return _with_topic("name_crux", crux), {"a": state.name_of(a), "b": state.name_of(b),
                                                    "crux": crux}
        case Intervention.TRANSLATE_TERMS:
            use = next(t for t in state.terms if t.concept == moment.ref)
            a, b = to[0], to[1]
            return "translate_terms", {"a": state.name_of(a), "b": state.name_of(b),
                                       "term_a": use.by[a], "term_b": use.by[b],
                                       "concept": use.concept}
        case Intervention.SURFACE_QUESTION:
            q = next(q for q in state.questions if q.id == moment.ref)
            hint = f" (to {state.name_of(q.addressee)})" if q.addressee and (
                q.addressee != q.asker) else ""
            name = "surface_request" if moment.facts.get("mode") == "channel" else "surface_question"
            return name, {"asker": state.name_of(q.asker), "question": q.text,
                                        "addressee_hint": hint}
        case Intervention.RECORD_DECISION:
            p = next(p for p in state.proposals if p.id == moment.ref)
            return "record_decision", {"proposal": p.text, "author": state.name_of(p.author),
                                       "supporters": names(state, p.supporters)}
        case Intervention.REFOCUS:
            return "refocus", {"goal": state.charter.goal}
        case Intervention.SUMMARIZE:
            greeting = f"Welcome, {state.name_of(to[0])}! " if to else ""
            return "summarize", {"greeting": greeting, "summary": summary_text(state)}
        case Intervention.COMMON_GROUND:
            note = next(b for b in state.bridging if b.id == moment.ref)
            return "common_ground", {"author": state.name_of(note.author), "quote": note.text,
                                     "approvers": names(state, note.approvers)}
        case Intervention.PROPOSE_PROCESS:
            props = [f'"{p.text}"' for p in state.open_proposals() if p.objectors][:3]
            return "propose_process", {"proposals": "; ".join(props)}
    raise ValueError(f"no template for {kind}")


def compose(prompts: Prompts, moment: Moment, state: RoomState, event: ChatEvent,
            *, attempt: int = 0) -> str:
    name, fields = compose_fields(moment, state, event)
    return prompts.render(f"rules/{name}", fields, seed=event.id, skip=attempt)
