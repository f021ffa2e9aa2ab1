"""The last check before the bot speaks: the fiduciary rules of DESIGN.md, as code.

A failed check returns the reason; the graph then tries one rewrite, else stays silent.
Every path, offline or LLM, goes through here. The checks it runs live here too: whether the
words carry a capture attempt, and whether they are well formed (each slot a whole phrase or
clause, nothing left unfilled), which the composer also asks of each slot before it fills it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from facilitator.events import ChatEvent
from facilitator.memory.state import RoomState
from facilitator.policies.decision import Intervention, Moment
from facilitator.policies.gate import PROFILES, addressed, unprompted_allowed
from facilitator.policies.prompts import Prompts
from facilitator.policies.signals import Signals
from facilitator.reading.clauses import (
    QUOTE,
    phrase_problem,
    quote_found,
    quote_problem,
    quotes,
    unquoted,
)
from facilitator.reading.message import hostile_wording
from facilitator.reading.requests import refusal_in
from facilitator.reading.tokens import TOKEN

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
    # A request answered is prompted, even where its line does not name the bot (a member
    # seconding another's request the bot just answered).
    prompted = addressed(event, state) or moment.facts.get("request") == event.id
    if not prompted:
        blocked = unprompted_allowed(state, signals, PROFILES[state.charter.activity])
        if blocked:
            return blocked
    if state.last_message_is_bot() and not prompted:
        return "two bot messages in a row"
    # Judge the bot's own words; quotes of members are checked for provenance below.
    own = unquoted(text)
    if _SIDE_TAKING.search(own):
        return "takes a side"
    if _FLATTERY.search(own):
        return "flatters"
    if hostile_wording(own) >= 0.2:
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
    # piece of a word or a member's name, no slot left empty (policies/guard.py).
    names = {*state.participants, *(p.label for p in state.participants.values())}
    sources = [t for t in _room_texts(state, event) if t]
    # The line's language is the moment's: the gap check knows French typography (" ; "),
    # and a hesitation is one of that language ("um" is a word in Portuguese, quoted as is).
    lang = moment.facts.get("lang", "en")
    lang = lang if lang in ("es", "fr", "de", "pt") else "en"
    problems = text_problems(text, names=names, sources=sources, templates=_templates(),
                             lang=lang)
    if problems:
        return f"ill-formed: {problems[0]}"
    return None


# Attempts to recruit the bot against the group or rewrite it, in the bot's own words.
#
# The read of requests lives in facilitator/reading/requests.py (read by meaning, not by phrase
# lists); this keeps the guard's question — do these words carry a capture attempt? —
# in one place. Message text is data, never instructions.
def capture_attempt(text: str, member_names: Iterable[str] = ()) -> str | None:
    """The kind of capture the text asks for or commits to (e.g. "against_member"), or None."""
    found = refusal_in(text, member_names)
    return found.value if found else None


# Words that make sense (issue 19, item 6): a check for a filled template slot and for a whole
# bot text.
#
# No slot is filled with a fragment, a name, a number or a piece of a word. A topic is a phrase
# of whole words of one message that is no member's name; a quote is a whole clause of one
# message, cleaned of hesitations (`facilitator.reading.clauses` holds the word-level checks).
# The composer checks each slot before it fills it and drops the slot (the template's `_open`
# variant) or the move when it cannot be said well; the guard checks the whole text before it goes
# out; the tests run the same check over every bot text of the real corpora's report parts.
#
# `text_problems` reads a text without knowing how it was made: it finds the template variant
# that produced it (when one did), pulls the slot values back out and checks each by its kind,
# and checks what any text must pass (no unfilled slot, no empty or broken quote, no word left
# hanging where a slot was dropped).
# Slot kinds, by field name in prompts/rules/*.md.
PHRASE_FIELDS = frozenset({"topic", "interest_a", "interest_b", "crux", "term_a", "term_b"})
QUOTE_FIELDS = frozenset({"question", "proposal", "quote"})
NAME_FIELDS = frozenset({"name", "a", "b", "asker", "author", "target_obj", "supporters",
                         "approvers"})
OPTIONAL_FIELDS = frozenset({"greeting", "addressee_hint", "target_clause"})
# Slots inside the readouts (facilitator/policies/readout.py), which fill composite fields.
INNER_SLOTS = (re.compile(r"\bso far on (?P<topic>[^;]+?); "),)

_FIELD = re.compile(r"\{(\w+)\}")
_UNFILLED = re.compile(r"\{\w+\}")
# A space before a comma, a semicolon or a full stop, or two spaces inside a line: where an
# empty slot was. (Not before "?", "!" or ":": French sets a space there.)
_GAP = re.compile(r"\s[,;](?=\s)|\s\.(?=\s|$)|\S {2,}\S")
# French sets a space before ";" (and ":", "?", "!"): in a French line " ; " is typography.
_GAP_FR = re.compile(r"\s,(?=\s)|\s\.(?=\s|$)|\S {2,}\S")
_CUT_QUOTE = re.compile(r"\"\s*…|…\s*\"")


@dataclass(frozen=True, slots=True)
class Problem:
    where: str  # a field name, "quote" or "text"
    value: str
    why: str

    def __str__(self) -> str:
        return f"{self.where} {self.value!r}: {self.why}"


def _pieces(field: str, value: str) -> list[str]:
    """The member's words inside a filled slot: the crux's quoted phrase, each of two interests."""
    if field == "crux":
        m = re.fullmatch(r'what to do about "(.*)"', value)
        return [m.group(1)] if m else [value]
    if field in ("interest_a", "interest_b"):
        return value.split(" and ")
    return [value]


def slot_problem(field: str, value: str, *, names: Collection[str] = (),
                 sources: Sequence[str] | None = None, lang: str | None = "en") -> str | None:
    """None when `value` may fill the template field `field`; else why not."""
    if field in PHRASE_FIELDS:
        for piece in _pieces(field, value):
            why = phrase_problem(piece, names=names, sources=sources, lang=lang)
            if why:
                return why
        return None
    if field in QUOTE_FIELDS:
        return quote_problem(value, sources=sources, lang=lang)
    if field in NAME_FIELDS:
        return None if value.strip() else "no name"
    return None


def _quoted_problem(segment: str, *, names: Collection[str], sources: Sequence[str] | None,
                    lang: str | None) -> str | None:
    """A quoted stretch of a bot text: a whole clause, or a term / noun phrase of a few words."""
    why = quote_problem(segment, sources=sources, lang=lang)
    short = len(TOKEN.findall(segment)) <= 4 and not segment.rstrip().endswith(("?", "!", "."))
    if why and short and phrase_problem(segment, names=names, sources=sources, lang=lang) is None:
        return None  # a term or a noun phrase, not a clause
    return why


def text_problems(text: str, *, names: Collection[str] = (), sources: Sequence[str] | None = None,
                  templates: Prompts | None = None, lang: str | None = "en") -> list[Problem]:
    """Every way `text` is not well formed (empty list: it is).

    `names`: the room's members (ids and display names): none is a topic. `sources`: the
    messages the bot may repeat: every quote and topic must be whole words of one of them.
    `templates`: find the variant that made the text and check each slot by its kind."""
    problems: list[Problem] = []
    if not text.strip():
        return [Problem("text", text, "empty")]
    for m in _UNFILLED.finditer(text):
        problems.append(Problem("text", m.group(), "a slot left unfilled"))
    if _CUT_QUOTE.search(text):
        problems.append(Problem("quote", _CUT_QUOTE.search(text).group(), "cut short"))  # type: ignore[union-attr]
    filled = match_template(text, templates) if templates is not None else None
    # Quotes: a template's quoted slots by their kind; elsewhere (a composite field such as a
    # summary, or a text no template made) every stretch between double quotes.
    scan = [text] if filled is None else [
        v for f, v in filled[1].items()
        if f not in PHRASE_FIELDS | QUOTE_FIELDS | NAME_FIELDS | OPTIONAL_FIELDS]
    for part in scan:
        for segment in quotes(part):
            why = _quoted_problem(segment, names=names, sources=sources, lang=lang)
            if why:
                problems.append(Problem("quote", segment, why))
    if filled is not None:
        for field, value in filled[1].items():
            # Terms come from the bot's vocabulary (a member's word may be its plural):
            # checked as phrases, not against the messages.
            from_messages = sources if field not in ("term_a", "term_b") else None
            why = slot_problem(field, value, names=names, sources=from_messages, lang=lang)
            if why:
                problems.append(Problem(field, value, why))
    elif (_GAP_FR if lang == "fr" else _GAP).search(QUOTE.sub('"q"', text)):
        problems.append(Problem("text", text, "a gap where a slot was"))
    for inner in INNER_SLOTS:
        for m in inner.finditer(text):
            for field, value in m.groupdict().items():
                why = slot_problem(field, value, names=names, sources=sources, lang=lang)
                if why:
                    problems.append(Problem(field, value, why))
    return problems


@cache
def _compiled(root: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    prompts = Prompts(Path(root))
    out: list[tuple[str, re.Pattern[str]]] = []
    for name in prompts.rules_names:
        for variant in prompts.variants(f"rules/{name}"):
            if _FIELD.fullmatch(variant.strip()):
                continue  # a line made elsewhere ("{line}"): nothing to match it by
            out.append((name, _variant_regex(variant)))
    return tuple(out)


def _variant_regex(variant: str) -> re.Pattern[str]:
    parts: list[str] = []
    seen: set[str] = set()
    pos = 0
    for m in _FIELD.finditer(variant):
        parts.append(re.escape(variant[pos:m.start()]))
        field = m.group(1)
        if field in seen:
            parts.append(f"(?P={field})")
        else:
            seen.add(field)
            # A quote runs to its last closing mark (it may hold quote marks of its own).
            parts.append(f"(?P<{field}>.*?)" if field in OPTIONAL_FIELDS else
                         f"(?P<{field}>.+)" if field in QUOTE_FIELDS else f"(?P<{field}>.+?)")
        pos = m.end()
    parts.append(re.escape(variant[pos:]))
    return re.compile("".join(parts), re.S)


def match_template(text: str, templates: Prompts) -> tuple[str, dict[str, str]] | None:
    """The rules template whose variant made `text`, and the values of its slots."""
    for name, pattern in _compiled(str(templates.root)):
        m = pattern.fullmatch(text)
        if m is not None:
            return name, {k: v for k, v in m.groupdict().items() if v is not None}
    return None
