"""The model's choice: its reason first, then one of the gate's candidates, silence, or a move
the gate did not offer (any move of the repertoire, with its target member).

- `Assessment` is the schema the model answers. It has no field descriptions on purpose:
  pydantic would put them into the JSON schema the model sees, and small models copy a
  schema's descriptions into their answers (a class docstring never gets there: `base.Answer`).
  What each field means is said once, in the prompt. `reason` comes first so the model reasons
  before it chooses.
- `moment_for` turns a choice the gate did not offer into a `Moment` the composer can word,
  when the room's state gives it ground (an open question to surface, a proposal with support
  and no objection to record, a goal to come back to…); None when it has none.
- `declined_key` / `room_print`: a moment the model declined is not offered again until the
  room changes (see `RoomState.declined`).
"""

from __future__ import annotations

import hashlib
from typing import Literal, get_args

from pydantic import ConfigDict, Field, field_validator

from facilitator.events import ChatEvent
from facilitator.memory.state import RoomState
from facilitator.memory.trackers.kind import shape
from facilitator.memory.trackers.proposals import agreed
from facilitator.policies.bring_back import why_not
from facilitator.policies.decision import Intervention, Moment
from facilitator.policies.gate import PROFILES, hostile_authors, invitable
from facilitator.policies.llm.base import Answer
from facilitator.policies.signals import Signals

Choice = Literal[
    "silence", "answer", "invite_quiet", "common_ground", "name_crux", "translate_terms",
    "deescalate", "summarize", "refocus", "propose_process", "record_decision",
    "surface_question",
]
CHOICES: tuple[str, ...] = get_args(Choice)
MAX_REASON = 300
CAP_DECLINED = 24


class Assessment(Answer):
    # No docstring, no descriptions: see the module's docstring.
    model_config = ConfigDict(extra="ignore")

    reason: str
    intervention: Choice
    to: list[str] = Field(default=[])

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        value = " ".join(value.split())[:MAX_REASON]
        if not value:
            raise ValueError("empty reason")
        return value

    @field_validator("to", mode="before")
    @classmethod
    def _to(cls, value: object) -> object:
        if isinstance(value, str):  # "ana" or "ana, bo" for ["ana", "bo"]
            return [v.strip() for v in value.split(",") if v.strip()]
        return value


def resolve_members(state: RoomState, names: list[str]) -> list[str] | None:
    """Member ids for the names or ids the model gave (an @ and case do not matter); None
    when any of them is not a member of this room."""
    index = state.name_index()
    ids: list[str] = []
    for name in names:
        key = name.strip().lstrip("@").strip().lower()
        if not key:
            continue
        found = name if name in state.participants else index.get(key)
        if found is None:
            return None
        if found not in ids:
            ids.append(found)
    return ids


def _recent_speakers(state: RoomState, last: int = 12) -> list[str]:
    seen: list[str] = []
    for msg in reversed(state.window[-last:]):
        if not msg.is_bot and msg.author not in seen:
            seen.append(msg.author)
    return seen


def moment_for(choice: str, to: list[str], state: RoomState, event: ChatEvent,
               signals: Signals) -> Moment | None:
    """A moment for a move the gate did not offer, when the room gives it ground."""
    why = f"the model's choice: {choice}"
    recent = _recent_speakers(state)
    match choice:
        case "invite_quiet":
            pool = to or signals.quiet
            for pid in pool:
                person = state.participants.get(pid)
                if person is not None and pid != event.author.id and invitable(state, person):
                    return Moment(intervention=Intervention.INVITE_QUIET, to=[pid], reason=why)
            return None
        case "deescalate":
            hostile = hostile_authors(state)
            pair = to or list(signals.hot_pair or ())
            if len(pair) >= 2 and all(p in recent for p in pair[:2]) and any(
                    p in hostile for p in pair[:2]):
                return Moment(intervention=Intervention.DEESCALATE, to=pair[:2], reason=why,
                              facts={"mode": "mutual"})
            if len(pair) == 1 and pair[0] in hostile:
                return Moment(intervention=Intervention.DEESCALATE, to=pair, reason=why,
                              ref=event.id, facts={"mode": "one_sided", "target": ""})
            return None
        case "name_crux":
            pair = to if len(to) >= 2 else list(signals.hot_pair or ()) or recent[:2]
            if len(pair) >= 2 and all(p in recent for p in pair[:2]):
                return Moment(intervention=Intervention.NAME_CRUX, to=pair[:2], reason=why)
            return None
        case "translate_terms":
            for use in state.terms:
                distinct: dict[str, str] = {}
                for member, term in use.by.items():
                    distinct.setdefault(term, member)
                members = list(distinct.values())
                if len(members) >= 2 and not use.translated and (
                        not to or set(to) <= set(members)):
                    pair = (to + [m for m in members if m not in to])[:2]
                    return Moment(intervention=Intervention.TRANSLATE_TERMS, to=pair,
                                  ref=use.concept, reason=why)
            return None
        case "surface_question":
            # In a busy channel only a request that may stand quoted alone (the checks its
            # judged turns passed: it says a problem, in English, not leaning on earlier lines)
            # and that the waiting read did not turn down: the model weighs the moment, not
            # whether a fragment or an ask-to-ask reads well quoted back.
            channel = shape(state) == "channel"
            for q in state.questions:
                if q.answered_by is None and not q.surfaced and (not to or q.asker in to) and (
                        state.human_messages - q.turn >= 2) and not (
                        channel and (q.read_down or why_not(state, q) is not None)):
                    return Moment(intervention=Intervention.SURFACE_QUESTION, ref=q.id,
                                  to=[q.asker] + ([q.addressee] if q.addressee else []),
                                  reason=why)
            return None
        case "record_decision":
            for prop in reversed(state.open_proposals()):
                if agreed(prop) and (not to or prop.author in to):
                    return Moment(intervention=Intervention.RECORD_DECISION, ref=prop.id,
                                  to=[prop.author, *prop.supporters], reason=why)
            return None
        case "common_ground":
            if state.bridging:
                note = state.bridging[0]
                return Moment(intervention=Intervention.COMMON_GROUND, ref=note.id,
                              to=note.approvers[:3], reason=why)
            return None
        case "summarize":
            if state.human_messages >= PROFILES[state.charter.activity].min_turns:
                return Moment(intervention=Intervention.SUMMARIZE, to=to[:1], reason=why)
            return None
        case "refocus":
            if state.charter.goal:
                return Moment(intervention=Intervention.REFOCUS, reason=why)
            return None
        case "propose_process":
            contested = [p for p in state.open_proposals() if p.objectors]
            if contested and len(state.open_proposals()) >= 2:
                return Moment(intervention=Intervention.PROPOSE_PROCESS, reason=why)
            return None
    # `answer` is the gate's alone (when addressed); declines never come from a model.
    return None


def declined_key(state: RoomState, moment: Moment) -> str:
    """A short key for a moment (its move, people and item), hashed with the room's name:
    the stored record holds no member ids."""
    # A de-escalation's ref is the message that set it off, not an item: the same pair's
    # heat is the same moment whichever message carried it.
    ref = "" if moment.intervention == Intervention.DEESCALATE else moment.ref or ""
    raw = "|".join([state.room, moment.intervention.value, ",".join(sorted(moment.to)), ref])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:12]


HEAT_RISE = 0.15  # a declined moment comes back when the room is this much hotter


def _concerns(state: RoomState, signals: Signals, move: Intervention) -> list[str]:
    """What a move is about in the room: when that changes, a declined moment is new."""
    match move:
        case Intervention.DEESCALATE | Intervention.NAME_CRUX:
            return [",".join(signals.hot_pair or ()), str(int(signals.loop_score))]
        case Intervention.INVITE_QUIET:
            return [",".join(sorted(signals.quiet))]
        case Intervention.SURFACE_QUESTION:
            return [",".join(q.id for q in state.questions
                             if q.answered_by is None and not q.surfaced)]
        case Intervention.RECORD_DECISION | Intervention.PROPOSE_PROCESS:
            return [",".join(f"{p.id}:{len(p.supporters)}:{len(p.objectors)}"
                             for p in state.open_proposals()), str(len(state.decisions))]
        case Intervention.COMMON_GROUND:
            return [",".join(b.id for b in state.bridging)]
        case Intervention.TRANSLATE_TERMS:
            return [",".join(f"{t.concept}:{len(t.by)}" for t in state.terms if not t.translated)]
        case Intervention.REFOCUS:
            return [state.charter.goal, str(signals.off_goal_streak // 5)]
        case Intervention.SUMMARIZE:
            return [str(state.human_messages // 10)]
    return [str(state.human_messages)]


def room_print(state: RoomState, signals: Signals, moment: Moment) -> str:
    """The room as a declined moment saw it: a hash of what the move is about (the heated
    pair and the loop, the quiet members, the open questions, the proposals and decisions,
    the goal…) and the room's activity setting; the 25-message epoch (every 25 messages a
    moment is new in any case); and the heat, in hundredths."""
    parts = [state.charter.activity.value, *_concerns(state, signals, moment.intervention)]
    items = hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:12]
    return f"{items}:{state.human_messages // 25}:{int(signals.tension * 100)}"


def was_declined(state: RoomState, moment: Moment, signals: Signals) -> bool:
    """Declined before, and the room has not changed since for this move: the same items in
    the same epoch, and not markedly hotter than when it was declined."""
    then = state.declined.get(declined_key(state, moment))
    if then is None:
        return False
    items, epoch, heat = room_print(state, signals, moment).split(":")
    then_items, then_epoch, then_heat = then.split(":")
    return (items, epoch) == (then_items, then_epoch) and (
        int(heat) < int(then_heat) + HEAT_RISE * 100)


def note_declined(state: RoomState, moments: list[Moment], signals: Signals) -> None:
    for moment in moments:
        key = declined_key(state, moment)
        state.declined.pop(key, None)
        state.declined[key] = room_print(state, signals, moment)
    while len(state.declined) > CAP_DECLINED:
        state.declined.pop(next(iter(state.declined)))
