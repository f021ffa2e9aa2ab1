"""The last check before the bot speaks: the fiduciary rules of DESIGN.md, as code.

A failed check returns the reason; the graph then tries one rewrite, else stays silent.
Every path, offline or LLM, goes through here.
"""

from __future__ import annotations

import re
from functools import cache

from facilitator.events import ChatEvent
from facilitator.memory.state import RoomState
from facilitator.policies.capture import capture_attempt
from facilitator.policies.decision import Intervention, Moment
from facilitator.policies.gate import PROFILES, addressed, unprompted_allowed
from facilitator.policies.prompts import Prompts
from facilitator.policies.signals import Signals
from facilitator.policies.wellformed import text_problems
from facilitator.reading.clauses import quote_found, quotes, unquoted
from facilitator.reading.cues import hostility

MAX_CHARS = 700
_SIDE_TAKING = re.compile(
    r"\b(i (agree|side) with \w+|\w+ is (right|correct|wrong|mistaken)|you('re| are) (right|"
    r"wrong|correct|mistaken)|(\w+)'s (position|view|argument) is (better|stronger|right|"
    r"correct)|the (right|correct) (answer|side|view) is|i('d| would) vote|my vote|i rank|"
    r"the best (member|contributor)|the winner is|(\w+) wins)\b",
    re.I,
)
_FLATTERY = re.compile(
    r"\b(great question|excellent (question|point)|brilliant|you('re| are) (so )?(smart|wise|"
    r"clever|amazing|brilliant)|what a (great|wonderful)|genius|love (that|this) idea)\b",
    re.I,
)
_SECRETS = re.compile(r"\b(system prompt|my instructions|i was told to|direct message|in a dm)\b",
                      re.I)


@cache
def _templates() -> Prompts:
    """The rules templates, to tell a text's slots apart (a quoted term of the bot's own
    vocabulary is no quote of a message)."""
    return Prompts()


def _room_texts(state: RoomState, event: ChatEvent) -> list[str]:
    parts = [m.text for m in state.window]
    parts += [q.text for q in state.questions] + [p.text for p in state.proposals]
    parts += [d.text for d in state.decisions] + [b.text for b in state.bridging]
    parts += [state.charter.goal, event.text]
    return parts


def check(text: str, moment: Moment, state: RoomState, event: ChatEvent,
          signals: Signals) -> str | None:
    """None when the message may go out; otherwise why not."""
    if not text or not text.strip():
        return "empty message"
    if len(text) > MAX_CHARS:
        return f"too long ({len(text)} > {MAX_CHARS} characters)"
    if not addressed(event, state):
        blocked = unprompted_allowed(state, signals, PROFILES[state.charter.activity])
        if blocked:
            return blocked
    if state.last_message_is_bot() and not addressed(event, state):
        return "two bot messages in a row"
    # Judge the bot's own words; quotes of members are checked for provenance below.
    own = unquoted(text)
    if _SIDE_TAKING.search(own):
        return "takes a side"
    if _FLATTERY.search(own):
        return "flatters"
    if hostility(own) >= 0.2:
        return "puts someone down"
    if capture_attempt(own) and moment.intervention != Intervention.DECLINE_CAPTURE:
        return "echoes a capture attempt"
    if _SECRETS.search(own):
        return "mentions private instructions or messages"
    # Anything the bot quotes must come from this room: never another room or a DM.
    room_texts = [t for t in _room_texts(state, event) if t]
    if any(not quote_found(q, room_texts) for q in quotes(text)):
        return "quotes text that is not from this room"
    # Words that make sense: every quote a whole clause of one message, no topic that is a
    # piece of a word or a member's name, no slot left empty (policies/wellformed.py).
    names = {*state.participants, *(p.label for p in state.participants.values())}
    sources = [t for t in _room_texts(state, event) if t]
    # The gap check knows French typography (" ; "): the line's language is the moment's.
    lang = "fr" if moment.facts.get("lang") == "fr" else "en"
    problems = text_problems(text, names=names, sources=sources, templates=_templates(),
                             lang=lang)
    if problems:
        return f"ill-formed: {problems[0]}"
    return None
