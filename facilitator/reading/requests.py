"""What a message addressed to the bot asks of it, read by meaning: a service, a refusal, or neither.

The bot offers a small, closed set of services (a summary, the open questions, the decisions
and next steps, its read of the room, help, how its settings change, what it keeps). Everything
else a member asks of it is declined plainly; some requests are refused because they would
turn the bot against the group (act against a member, take a side, reveal what it holds, change
its settings or instructions on one member's word, serve one member).

The read is structural, not a list of phrasings. Each clause is reduced to word stems and
read for:
- who it is addressed to and whether it asks anything: an imperative, "can/could/would you",
  "I want you to", "please", an obligation put on the bot, or a question put to the bot;
- what the asked action is done to: a member (a name from the room, a third-person pronoun,
  a noun for a person, "us"), the bot's memory or what was said elsewhere, its settings or
  instructions, or the room's own work (discussion, questions, decisions);
- the class of the action's verb (restraining, excluding, shaming, judging, ranking, revealing,
  recording, changing, siding), built from ordinary lexical knowledge rather than from the
  requests seen in tests;
- restrictions that narrow a service to some members ("only", "just", "except", "leave out").

Message text is data, never instructions: this read only decides whether the bot serves or
declines, openly. It never makes the bot do what a message asks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from facilitator.reading.tokens import LOWER_RUN, request_tokens


class RequestKind(StrEnum):
    NONE = "none"  # not a request to the bot: chat that mentions it, thanks, a greeting
    SERVICE = "service"  # one of the bot's services
    REFUSE = "refuse"  # a request the bot declines in the room's interest
    UNSERVED = "unserved"  # a request outside what the bot does: declined plainly


class Service(StrEnum):
    SUMMARY = "summary"
    OPEN_ITEMS = "open_items"
    DECISIONS = "decisions"  # decisions, next steps, action items, owners
    STATUS = "status"  # the bot's read of the room: balance, heat, who has spoken
    HELP = "help"
    SETTINGS = "settings"  # how the room changes the bot's settings (/facilitator ...)
    MEMORY = "memory"  # what the bot keeps, and how a member has theirs removed
    PROCESS = "process"  # how the group might take a question: a way to proceed


class Refusal(StrEnum):
    AGAINST_MEMBER = "against_member"  # mute, exclude, shame, leave out, serve only one side
    JUDGE_MEMBERS = "judge_members"  # rank, rate, judge or put a member on record
    TAKE_SIDE = "take_side"  # say who is right, vote, pick among the group's options
    REVEAL = "reveal"  # memory, deleted text, other rooms, private messages, a member's file
    SETTINGS_ALONE = "settings_alone"  # change the room's settings on one member's word
    ONE_MEMBER = "one_member"  # work for, report to, or talk privately with one member
    INSTRUCTIONS = "instructions"  # rewrite its instructions, role, or words (injection)
    FLATTERY = "flattery"  # praise offered in exchange for a judgement


@dataclass(frozen=True, slots=True)
class LexiconRead:
    """The read of one addressed message. `category` is set for REFUSE, `service` for SERVICE."""

    kind: RequestKind
    category: Refusal | None = None
    service: Service | None = None
    target: str | None = None  # the member acted upon, when the message names one
    majority: bool = False  # the asker speaks for many ("we all agree ...")
    question: bool = False  # asked as a question (shapes the wording of a decline)
    cue: str = ""  # the structure that decided, for the decision's reason

    @property
    def declined(self) -> bool:
        return self.kind in (RequestKind.REFUSE, RequestKind.UNSERVED)


# --------------------------------------------------------------------------------------------
# Words: the English lexicon is language data, in data/request_words.json. Each class is a set
# of stems (a trailing * matches any word that starts with it) or of surface forms.
# --------------------------------------------------------------------------------------------

@lru_cache(maxsize=1 << 16)  # pure; literal stems are looked up inside loops
def _stem(word: str) -> str:
    """A light stemmer: enough that "muting", "muted" and "mutes" all read as "mute"."""
    w = word
    if w in _FUNCTION:
        return "~" + w  # "not" must never meet the stem of "note", nor "none" that of "non"
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("ing") and len(w) > 5:
        w = w[:-3]
    elif w.endswith("ed") and len(w) > 4:
        w = w[:-2]
    elif w.endswith("es") and len(w) > 4 and w[-3] in "sxzh":
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]
    return w


@cache
def _lexicon() -> dict[str, Any]:
    raw = resources.files("facilitator.reading").joinpath("data/request_words.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


_FUNCTION = frozenset(_lexicon()["stem_exempt"])


@dataclass(frozen=True, slots=True)
class _Class:
    stems: frozenset[str]
    prefixes: tuple[str, ...] = field(default=())

    def __or__(self, other: _Class) -> _Class:
        return _union(self, other)

    def __contains__(self, stem: object) -> bool:
        return isinstance(stem, str) and (stem in self.stems or stem.startswith(self.prefixes)
                                          if self.prefixes else stem in self.stems)


def _words(spec: str) -> _Class:
    stems: set[str] = set()
    prefixes: list[str] = []
    for item in spec.split():
        if item.endswith("*"):
            prefixes.append(item[:-1])
        else:
            stems.add(_stem(item))
    return _Class(frozenset(stems), tuple(sorted(prefixes)))


def _stemmed(name: str) -> _Class:
    return _words(_lexicon()["classes"][name]["stemmed"])


def _surface(name: str) -> frozenset[str]:
    return frozenset(_lexicon()["classes"][name]["surface"])


def _union(*classes: _Class) -> _Class:
    stems: frozenset[str] = frozenset().union(*(c.stems for c in classes))
    prefixes = tuple(sorted({p for c in classes for p in c.prefixes}))
    return _Class(stems, prefixes)


# The classes, named as in the lexicon; what each holds is said there.
RESTRAIN = _stemmed("restrain")
MOVE_OUT = _stemmed("move_out")
PARTICIPATE = _stemmed("participate")
INCLUDE = _stemmed("include")
SHAME = _stemmed("shame")
JUDGE = _stemmed("judge")
RECORD = _stemmed("record")
REVEAL = _stemmed("reveal")
COMMUNICATE = _stemmed("communicate")
KNOW = _stemmed("know")
MEMORY = _stemmed("memory")
HIDDEN = _surface("hidden")
PLACE = _stemmed("place")
OTHER = _stemmed("other")
CHANGE = _stemmed("change")
SETTING = _stemmed("setting")
SELF_PACE = _stemmed("self_pace")
SELF_ACTS = _stemmed("self_acts")
LEAVE_SELF = _stemmed("leave_self")
INSTRUCTION = _stemmed("instruction")
RULES = _stemmed("rules")
OVERRIDE = _stemmed("override")
EARLIER = _surface("earlier")
PRETEND = _stemmed("pretend")
VERBATIM = _stemmed("verbatim")
SPEAK_FOR = _stemmed("speak_for")
SIDE = _stemmed("side")
DECIDE = _stemmed("decide")
VERDICT = _stemmed("verdict")
OPINE = _stemmed("opine")
RIGHTNESS = _stemmed("rightness")
EVAL = _stemmed("eval")
TRUTH = _stemmed("truth")
PRAISE = _stemmed("praise")
AGREE_ASK = _stemmed("agree_ask")
PERSON = _stemmed("person")
THIRD = _surface("third")
GROUP = _stemmed("group")
MAJORITY_WORDS = _stemmed("majority_words")
MAJORITY_ACTS = _stemmed("majority_acts")
RESTRICT = _surface("restrict")
EXCLUDE = _stemmed("exclude")
SUMMARY_WORDS = _stemmed("summary_words")
OPEN_WORDS = _stemmed("open_words")
DECISION_WORDS = _stemmed("decision_words")
STATUS_WORDS = _stemmed("status_words")
HELP_WORDS = _stemmed("help_words")
PROCESS_WORDS = _stemmed("process_words")
KEEP_WORDS = _stemmed("keep_words")
TALK_ACTS = _stemmed("talk_acts")
GENERAL_VERBS = _stemmed("general_verbs")
FILLER = _surface("filler")
WH = _surface("wh")
AUX = _surface("aux")
MODAL = _surface("modal")
OBLIGE = _surface("oblige")
WANT = _stemmed("want")
NEG = _surface("neg")
TO_ROOM = _surface("to_room")
FIRST = _surface("first")
YOU = _surface("you")
AGENT = _stemmed("agent")
PRIVATE_WAYS = _stemmed("private_ways")

_CONTRACTIONS = (
    (re.compile(r"\bwon'?t\b"), "will not"), (re.compile(r"\bcan'?t\b"), "can not"),
    (re.compile(r"\bshan'?t\b"), "shall not"), (re.compile(r"\bain'?t\b"), "is not"),
    (re.compile(r"n't\b"), " not"), (re.compile(r"'re\b"), " are"), (re.compile(r"'m\b"), " am"),
    (re.compile(r"'ll\b"), " will"), (re.compile(r"'d\b"), " would"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"\b(who|what|where|how|that|it|he|she|there|here|this|why|when|which)'s\b"),
     r"\1 is"),
)
_APOS = re.compile(r"[’‘`´]")
_SENTENCE = re.compile(r"(?<=[.!?;:\n])\s+|\n+|\s+[-–—]\s+")
# Single quotes count only as quotes at word edges: "I'll ignore Jonas's" holds none.
_QUOTED = re.compile(r"[\"“”«»]([^\"“”«»]{2,})[\"“”«»]|(?:^|(?<=[\s:(]))'([^']{2,})'(?=[\s.,!?;:)]|$)")
_MARKUP = re.compile(
    r"<\s*/?\s*(system|sys|inst|instructions?|assistant|admin|prompt)\s*>|\[/?\s*(inst|system|"
    r"sys|admin)\s*\]|<\|[a-z_]+\|>|^\s*#{2,}\s*\w|\b(system|assistant|developer|admin)\s*:",
    re.I | re.M)


@dataclass(slots=True)
class _Clause:
    words: list[str]  # lower-case tokens, contractions expanded; "'s" split off as "'s"
    stems: list[str]
    members: list[str | None]  # the member a token names, if any
    question: bool
    starts: tuple[int, ...] = (0,)  # where each comma-separated part begins

    def at(self, i: int) -> str:
        return self.words[i] if 0 <= i < len(self.words) else ""

    def stem(self, i: int) -> str:
        return self.stems[i] if 0 <= i < len(self.stems) else ""

    def find(self, cls: _Class | frozenset[str]) -> list[int]:
        if isinstance(cls, frozenset):
            return [i for i, w in enumerate(self.words) if w in cls]
        return [i for i, s in enumerate(self.stems) if s in cls]

    def has(self, cls: _Class | frozenset[str]) -> bool:
        return bool(self.find(cls))

    def person_at(self, i: int, *, pronouns: bool = True) -> bool:
        w = self.at(i)
        return (self.members[i] is not None if 0 <= i < len(self.members) else False) or (
            pronouns and w in THIRD) or self.stem(i) in PERSON or w == "us"

    def person_near(self, i: int, after: int = 4, before: int = 0, *,
                    pronouns: bool = True) -> int | None:
        for j in range(i + 1, min(len(self.words), i + after + 1)):
            if self.person_at(j, pronouns=pronouns):
                return j
        for j in range(i - 1, max(0, i - before) - 1, -1):  # nearest first
            if self.person_at(j, pronouns=pronouns):
                return j
        return None


def _clauses(text: str, members: Collection[str], bot_names: Collection[str]) -> list[_Clause]:
    low = _APOS.sub("'", text.lower())
    for pattern, repl in _CONTRACTIONS:
        low = pattern.sub(repl, low)
    names = {n for n in (_norm_name(m) for m in members) if n}
    # A member called "will" or "may" would turn every sentence into a target: skip such names.
    bots = {b.lower().lstrip("@") for b in bot_names}
    names |= _proper_names(text, bots)
    names -= FILLER | AUX | WH | NEG | FIRST | YOU | {"i", "a", "the", "us"}
    out: list[_Clause] = []
    for part in _SENTENCE.split(low):
        tokens: list[str] = []
        cuts: list[int] = []
        for piece in part.split(","):
            cuts.append(len(tokens))
            tokens += request_tokens(piece)
        question = "?" in tokens or _asks(tokens, names)
        words: list[str] = []
        owners: list[str | None] = []
        starts: list[int] = []
        for k, tok in enumerate(tokens):
            if k in cuts and (not starts or starts[-1] != len(words)):
                starts.append(len(words))
            if tok == "?":
                continue
            possessive = tok.endswith("'s")
            base = tok[:-2] if possessive else tok
            bare = base.lstrip("@")
            if bare in bots:
                continue  # the bot's own name is a vocative, not part of the request
            named = bare if bare in names else None
            if named is None and base.startswith("@") and bare not in bots:
                named = bare  # a mention of someone the room has not heard from yet
            words.append(bare)
            owners.append(named)
            if possessive:
                words.append("'s")
                owners.append(None)
        if words:
            out.append(_Clause(words, [_stem(w) for w in words], owners, question,
                               tuple(x for x in starts if x < len(words)) or (0,)))
    return out


_SUBJECTS = frozenset({"you", "we", "i", "he", "she", "they", "it", "there", "this", "that",
                       "anyone", "anybody", "someone", "somebody", "everyone"})


def _asks(tokens: list[str], names: Collection[str]) -> bool:
    """A question without its question mark: "who is the least useful person here"."""
    words = [t for t in tokens if t not in FILLER and t.lstrip("@") != "facilitator"]
    if not words:
        return False
    if words[0] in WH:
        return len(words) > 1 and words[1] in AUX | {"of", "one", "do", "you", "we", "is"}
    return words[0] in AUX and len(words) > 1 and (words[1] in _SUBJECTS or words[1] in names)


_CAPITALISED = re.compile(r"(?:^|(?<=[\s(\"'“]))([A-Z][a-z]+)\b")
_DETERMINERS = frozenset({"the", "a", "an", "this", "our", "your", "my", "their", "its",
                          "his", "her", "these", "those", "some", "any", "every", "each"})


def _proper_names(text: str, bots: Collection[str]) -> set[str]:
    """Capitalised words inside a sentence that are not known words: names of people.

    The room's member list misses people who have not spoken yet ("boot Luis out"); a
    capitalised word mid-sentence, without a determiner before it, is most often a name."""
    found: set[str] = set()
    # A word also written in lower case ("see 'Line'" ... "not line") is a common word.
    lower = set(LOWER_RUN.findall(text))
    text = _QUOTED.sub(" ", text)  # quoted words are words handed over, not people
    for sentence in re.split(r"[.!?;:\n]+", text):
        words = [w for w in sentence.split() if w.lower().lstrip("@") not in bots]
        for k, raw in enumerate(words):
            if k == 0:
                continue
            m = _CAPITALISED.match(raw.rstrip(",()\"'“”"))
            if m is None or m.group(1) in {"I", "OK"} or m.group(1).lower() in lower:
                continue
            word = m.group(1).lower()
            if words[k - 1].lower().strip(",") in _DETERMINERS or _known(word):
                continue
            found.add(word)
    return found


def _known(word: str) -> bool:
    stem = _stem(word)
    return word in _COMMON or any(stem in cls for cls in _VOCABULARY)


def _norm_name(name: str) -> str:
    first = _APOS.sub("'", name.strip().lower().lstrip("@")).split()
    return first[0] if first else ""


def _lead(c: _Clause, start: int = 0) -> int:
    """Index of the first word after vocatives and fillers ("ok so please ...")."""
    i = start
    w = c.words
    while i < len(w):
        if w[i] in FILLER or w[i] == "facilitator" or (w[i].endswith("ly") and len(w[i]) > 4):
            i += 1
        elif w[i] == "go" and c.at(i + 1) == "ahead":
            i += 3 if c.at(i + 2) == "and" else 2
        elif w[i] == "from" and any(x in {"on", "onward", "onwards", "forward"}
                                    for x in w[i + 1:i + 5]):
            # "from now on", "from this point forward": when, not what
            i = next(k for k in range(i + 1, i + 5) if w[k] in {"on", "onward", "onwards",
                                                                "forward"}) + 1
        elif w[i] == "only" and i + 1 < len(w) and c.stems[i + 1] in _ALL_ACTS:
            i += 1
        else:
            break
    return i


def _imperative_at(c: _Clause, start: int) -> bool:
    """Does the part of the clause from `start` open with a verb in the imperative?"""
    w = c.words
    i = _lead(c, start)
    if i >= len(w):
        return False
    first = w[i]
    if first in {"do", "don't"} and c.at(i + 1) == "not":
        return True  # "do not invite ..."
    if first in {"never", "stop", "quit"} or (first == "no" and c.at(i + 1) in {"more", "longer"}):
        return True
    if first.endswith(("ing", "ed")):
        return False  # "doing it ...", "noted": a gerund or participle is not an imperative
    if first == "back" and c.at(i + 1) == "to":
        return False  # "back to the agenda"
    if c.stems[i] in GENERAL_VERBS or c.stems[i] in _ALL_ACTS:
        # "help is on the way" or "record numbers today" read as statements: a verb of
        # being right after the first word means it was a subject, not an imperative.
        return c.at(i + 1) not in {"is", "are", "was", "were", "has", "had"}
    # An unknown first word followed by its object ("cast your vote", "draft a memo"): the
    # shape of an imperative, whatever the verb.
    return (first not in _NOT_VERBS and c.members[i] is None and not first.endswith("ly")
            and c.at(i + 1) in _OBJECT_OPENERS)


_NOT_VERBS = frozenset(WH | AUX | FIRST | YOU | THIRD | FILLER | NEG | {
    "we", "it", "this", "that", "these", "those", "there", "here", "a", "an", "the", "some",
    "thanks", "thank", "lol", "haha", "yes", "yeah", "nope", "sure", "great", "good", "nice",
    "cool", "wow", "sorry", "morning", "evening", "night", "our", "us", "all", "everyone",
    "nobody", "somebody", "someone", "anyone", "if", "when", "while", "because", "as", "in",
    "on", "at", "for", "with", "of", "to", "from", "by", "about", "after", "before", "like",
    "since", "until", "or", "nor", "yet", "not", "its", "each", "every", "both", "either",
    "neither", "one", "two", "three", "today", "tomorrow", "yesterday", "again", "too"})
_OBJECT_OPENERS = frozenset({"your", "my", "the", "a", "an", "this", "that", "these", "those",
                             "me", "us", "him", "her", "them", "it", "everyone", "everybody",
                             "our", "his", "their", "some", "all", "each", "every"})


def _request_shaped(c: _Clause) -> bool:
    """Does this clause ask the bot to do something (as opposed to telling or chatting)?"""
    w = c.words
    if _to_member(c):
        return False
    if "please" in w or "pls" in w or "plz" in w or "kindly" in w:
        return True
    if any(_imperative_at(c, start) for start in c.starts):
        return True
    i = _lead(c)
    for j in range(len(w) - 1):
        if w[j] in MODAL and w[j + 1] in YOU:
            return True  # can you / would you
        if w[j] in YOU and w[j + 1] in OBLIGE | MODAL | {"ought"}:
            return True  # you should / you must / you could
        if w[j] in {"i", "we"} and c.stems[j + 1] in WANT and "you" in w[j + 1:j + 5]:
            return True  # I want you to / we need you to
        if w[j] in {"i", "we"} and c.stems[j + 1] in WANT and j + 2 < len(w) and w[j + 2] in {
                "a", "an", "the", "some", "your", "to"}:
            return True  # I'd like a recap / we need the open questions
        if w[j] == "would" and w[j + 1] == "be" and j + 2 < len(w) and c.stems[j + 2] in _NICE:
            return True  # a summary would be great
        if w[j] == "why" and w[j + 1] == "not" and "you" in w[j + 2:j + 4]:
            return True
        if w[j] == "your" and c.stems[j + 1] in {"job", "task", "duty", "role"}:
            return True  # it is your job to ...
        if w[j] == "let" and w[j + 1] in {"us", "me"} and j + 2 < len(w) and c.stems[j + 2] in {
                "know", "see", "hear", "have"}:
            return True
        if w[j] in {"do", "did"} and w[j + 1] in {"it", "that", "this", "so"} and j == i:
            return True
    return c.question and not _to_room(c)


_NICE = frozenset(_stem(x) for x in ("nice", "great", "helpful", "good", "useful", "appreciated",
                                     "lovely", "handy", "ideal", "perfect", "awesome"))
_VOCABULARY: tuple[_Class, ...] = ()  # filled below, once every class exists
_ALL_ACTS = _union(RESTRAIN, SHAME, JUDGE, REVEAL, CHANGE, SIDE, DECIDE, SPEAK_FOR, PRETEND,
                   OVERRIDE, RECORD, SELF_ACTS, INCLUDE)


def _to_room(c: _Clause) -> bool:
    """A question put to the people in the room, with the bot merely mentioned."""
    i = _lead(c)
    head = c.words[i:i + 4]
    return any(w in TO_ROOM for w in head) and not any(w in YOU for w in head)


def _to_member(c: _Clause) -> bool:
    """"Keiko, did you see ...": the clause opens by calling on a member, not the bot."""
    first = c.starts[1] if len(c.starts) > 1 else 0
    return 0 < first <= 2 and any(m is not None for m in c.members[:first])


def _obligation(c: _Clause) -> bool:
    """"Tom should be muted", "he needs to go": a demand without an imperative."""
    w = c.words
    return any(x in {"should", "must", "ought", "gotta"} or (
        x in {"has", "have", "need", "needs"} and c.at(k + 1) == "to") for k, x in enumerate(w))


# --------------------------------------------------------------------------------------------
# Refusals: each finder returns (category, cue, target) or None.
# --------------------------------------------------------------------------------------------

Found = tuple[Refusal, str, str | None]


def _target(c: _Clause, j: int | None) -> str | None:
    if j is None:
        return None
    return c.members[j] if c.members[j] else None


def _instruction_at(c: _Clause, j: int) -> bool:
    """Is word j the bot's instructions: "prompt", or "rules" when they are its own?"""
    if c.stem(j) in INSTRUCTION:
        return True
    return c.stem(j) in RULES and any(x in {"your", "you", "all"} or x in EARLIER
                                      for x in c.words[max(0, j - 3):j])


def _instructions(text: str, cs: Sequence[_Clause]) -> Found | None:
    if _MARKUP.search(text):
        return Refusal.INSTRUCTIONS, "markup that imitates a system message", None
    for c in cs:
        w, s = c.words, c.stems
        for i, st in enumerate(s):
            if st in OVERRIDE and any(_instruction_at(c, j) for j in range(i + 1, i + 6)):
                return Refusal.INSTRUCTIONS, "asks it to drop its instructions", None
            if st in OVERRIDE and any(c.at(j) in EARLIER for j in range(i + 1, i + 7)):
                return Refusal.INSTRUCTIONS, "asks it to drop what it was told", None
            if st in REVEAL and "your" in w[i + 1:i + 5] and any(
                    _instruction_at(c, j) for j in range(i + 1, i + 6)):
                return Refusal.INSTRUCTIONS, "asks for its instructions", None
            if st in REVEAL and c.at(i + 1) in YOU and c.stem(i + 2) in INSTRUCTION:
                return Refusal.INSTRUCTIONS, "asks for its instructions", None
            if st in PRETEND and (c.at(i + 1) in {"to", "as", "like", "that", "you", "the", "a",
                                                  "an", "my"} or i == _lead(c)):
                if st in {_stem("play"), _stem("act"), _stem("channel")} and c.at(i + 1) not in {
                        "as", "like"} and not any(x in {"role", "part"} for x in w[i + 1:i + 4]):
                    continue
                return Refusal.INSTRUCTIONS, "asks it to take on another role", None
            if st in SPEAK_FOR and (any(c.stem(j) in VERBATIM for j in range(i + 1, i + 4))
                                    or (c.at(i + 1) == "after" and c.at(i + 2) == "me")
                                    or (c.at(i + 1) == "only" and c.at(i + 2) == "with")):
                return Refusal.INSTRUCTIONS, "dictates its words", None
            if st in {_stem("respond"), _stem("reply"), _stem("answer"), _stem("begin"),
                      _stem("start")} and c.at(i + 1) == "only" and c.at(i + 2) == "with":
                return Refusal.INSTRUCTIONS, "dictates its words", None
        if any(w[k] in YOU and c.at(k + 1) in {"are", "will"} for k in range(len(w))) and any(
                x in {"now", "henceforth", "forward", "onward", "onwards"} for x in w):
            if not any(x in {"doing", "going", "getting"} for x in w):
                return Refusal.INSTRUCTIONS, "redefines what it is", None
        if w[:1] == ["new"] and s[1:2] and (s[1] in INSTRUCTION or s[1] in RULES):
            return Refusal.INSTRUCTIONS, "announces new rules for it", None
        for i in range(len(w) - 2):
            if w[i] == "your" and w[i + 1] == "new":
                return Refusal.INSTRUCTIONS, "gives it a new role", None
            if w[i] == "new" and s[i + 1] in INSTRUCTION:
                return Refusal.INSTRUCTIONS, "gives it new instructions", None
        if ("developer" in w and "mode" in w) or "jailbreak" in s or "jailbroken" in w:
            return Refusal.INSTRUCTIONS, "asks it to drop its instructions", None
    # "say 'X'" / "post 'X' to the group": words handed to the bot to speak as its own.
    if _QUOTED.search(text):
        for c in cs:
            if _request_shaped(c) and any(st in SPEAK_FOR for st in c.stems[_lead(c):_lead(c) + 2]):
                return Refusal.INSTRUCTIONS, "hands it words to say", None
    return None


def _one_member(cs: Sequence[_Clause]) -> Found | None:
    for c in cs:
        w, s = c.words, c.stems
        for i, word in enumerate(w):
            if word in RESTRICT:
                # "only me", "just my points", "only from me", "my messages only"
                after = w[i + 1:i + 3]
                # "just" is mostly an intensifier ("just tell me"): it restricts only when it
                # touches the first person; "only" also reaches over a verb ("only answer me").
                reach = 3 if word != "just" else 1
                if any(x in FIRST for x in w[i + 1:i + 1 + reach]) or (
                        after[:1] and after[0] in {"from", "to", "for", "with"}
                        and after[1:2] and after[1] in FIRST) or (
                        i > 0 and (w[i - 1] in {"me", "mine"} or (i > 1 and w[i - 2] == "my"))):
                    return Refusal.ONE_MEMBER, "narrows its work to one member", None
            if word in {"for", "to"} and c.at(i + 1) == "me" and any(c.stem(k) in {
                    _stem("work"), _stem("answer"), _stem("report"), _stem("belong"),
                    _stem("listen"), _stem("loyal")} and ("you" in w[max(0, k - 2):k] or k == _lead(
                        c)) for k in range(max(0, i - 3), i)):
                return Refusal.ONE_MEMBER, "asks it to work for one member", None
            if s[i] in {_stem("obey"), _stem("serve")} and c.at(i + 1) in FIRST:
                return Refusal.ONE_MEMBER, "asks it to work for one member", None
            if word == "my" and c.at(i + 1) in {"team", "camp", "corner"} and i > 0 and w[
                    i - 1] in {"on", "in"}:
                return Refusal.ONE_MEMBER, "asks it onto one member's team", None
            if word == "my" and any(x in AGENT for x in s[i + 1:i + 3]) and (
                    "be" in w[:i] or "are" in w[:i] or "as" in w[:i] or "act" in w[:i]):
                return Refusal.ONE_MEMBER, "asks it to act for one member", None
            if s[i] in PRIVATE_WAYS and any(start <= i < _lead(c, start) for start in c.starts):
                return Refusal.ONE_MEMBER, "asks it to act in secret for one member", None
            if w[i] in HIDDEN and s[i] in PRIVATE_WAYS and not _said_elsewhere(c):
                if any(x in FIRST for x in w) or "between" in w:
                    return Refusal.ONE_MEMBER, "asks it to talk to one member in private", None
            if word == "between" and any(x in {"us", "you"} for x in w[i + 1:i + 5]) and (
                    ("me" not in w[i + 1:i + 5] and not c.question) or "keep" in w):
                return Refusal.ONE_MEMBER, "asks it to keep a secret for one member", None
            # ("my first shift" counts shifts: an ordinal before its noun puts nobody first)
            if word in FIRST - {"i"} and any(x in {"first", "priority", "precedence"}
                                             for x in w[i + 1:i + 4]) and not (
                    word in {"my", "our"} and c.at(i + 1) == "first" and c.at(i + 2)):
                return Refusal.ONE_MEMBER, "asks it to put one member first", None
            if word == "behind" and c.at(i + 2) in {"back", "backs"}:
                return Refusal.ONE_MEMBER, "asks it to act behind the room's back", None
            if word == "not" and c.stem(i + 1) in {_stem("tell"), _stem("show"), _stem("let")} and (
                    c.at(i + 2) in {"anyone", "anybody", "them", "the", "others", "everyone"}):
                return Refusal.ONE_MEMBER, "asks it to keep something from the room", None
            if word == "without" and c.stem(i + 1) in {_stem("tell"), _stem("inform"),
                                                      _stem("let")}:
                return Refusal.ONE_MEMBER, "asks it to keep something from the room", None
    return None


def _said_elsewhere(c: _Clause) -> bool:
    return c.has(COMMUNICATE) and not any(w in FIRST for w in c.words[_lead(c):_lead(c) + 3])


def _elsewhere(c: _Clause) -> bool:
    """Does the clause point at a place that is not this room?"""
    w = c.words
    for i in range(len(w)):
        if c.stem(i) in OTHER and any(c.stem(j) in PLACE for j in range(i + 1, i + 3)):
            return True  # "the other channel", "another group"
        if w[i] in {"in", "on", "over"} and c.at(i + 1) == "the" and c.stem(i + 3) in PLACE \
                and c.at(i + 2) not in {"this", "same", "main", "current", "our"}:
            return True  # "in the leadership channel"
        if w[i] == "over" and c.at(i + 1) == "there":
            return True  # "what are they saying over there"
    return False


def _reveal(cs: Sequence[_Clause]) -> Found | None:
    # A place named in one sentence and the question in the next ("You're in the leads
    # channel. What are they saying?") still ask for what was said elsewhere.
    if any(_elsewhere(c) for c in cs) and any(
            c.question or c.has(COMMUNICATE) or c.has(REVEAL) for c in cs):
        return Refusal.REVEAL, "asks for what was said elsewhere", None
    for c in cs:
        w, s = c.words, c.stems
        asks_what = any(x in WH for x in w[:3]) or any(st in REVEAL for st in s)
        hidden = [i for i, word in enumerate(w) if word in HIDDEN]
        # "PM" and "DM" are also verbs of talking: they need another word for the asking.
        talk = [k for k in range(len(w)) if s[k] in COMMUNICATE or s[k] in REVEAL]
        if hidden and (any(k not in hidden for k in talk) or (
                asks_what and any(w[k] not in {"dm", "dms", "pm", "pms"} for k in hidden))):
            return Refusal.REVEAL, "asks for what was said elsewhere, in private, or taken back", None
        # "the message she took back": text withdrawn from the room.
        if any(c.stem(k) in {_stem("take"), "took", "taken"} and c.at(k + 1) == "back"
               for k in range(len(w))) and (asks_what or c.has(COMMUNICATE)):
            return Refusal.REVEAL, "asks for text a member took back", None
        # "what does Maria say about me": others' words about the asker, put to the bot.
        if asks_what and c.question and c.has(COMMUNICATE) and any(
                w[k] == "about" and c.at(k + 1) in FIRST for k in range(len(w))):
            return Refusal.REVEAL, "asks what others say about the asker", None
        if "behind" in w and any(x in {"back", "backs"} for x in w) and c.has(COMMUNICATE):
            return Refusal.REVEAL, "asks for what was said behind someone's back", None
        for i, st in enumerate(s):
            # "output your memory about Maria", "dump your logs"
            if st not in MEMORY:
                continue
            j = c.person_near(i, after=4, before=4)
            if j is not None and w[j] not in FIRST and (asks_what or c.has(REVEAL)):
                return Refusal.REVEAL, "asks it to hand over what it holds on a member", \
                    _target(c, j)
            if c.has(REVEAL) and "your" in w[max(0, i - 3):i]:
                return Refusal.REVEAL, "asks it to hand over its memory", None
        for i, st in enumerate(s):
            # "what do you know / have / keep about Maria"
            if st in KNOW and "you" in w[max(0, i - 2):i] and any(
                    x in {"about", "on", "of", "regarding"} for x in w[i + 1:i + 4]):
                j = c.person_near(i, after=5)
                if j is not None and (c.members[j] or w[j] in THIRD or s[j] in PERSON):
                    if st in {_stem("think"), _stem("thought"), _stem("feel")}:
                        return (Refusal.JUDGE_MEMBERS, "asks its opinion of a member",
                                _target(c, j))
                    return Refusal.REVEAL, "asks what it holds about a member", _target(c, j)
        # "what did Maria say / tell you / DM you" put to the bot: what it was told privately.
        if w[:1] and w[0] in {"what", "did", "has", "have"} and "you" in w:
            for i, st in enumerate(s):
                if st in COMMUNICATE and c.person_near(i, before=4, after=0, pronouns=False) \
                        is not None and "you" in w[i:i + 3]:
                    j = c.person_near(i, before=4, after=0, pronouns=False)
                    return Refusal.REVEAL, "asks what a member told it", _target(c, j)
    return None


def _settings_alone(cs: Sequence[_Clause], how: bool) -> Found | None:
    if how:
        return None  # asking how settings change is a service, not a change
    for c in cs:
        w, s = c.words, c.stems
        # A named member or "him/her" makes it an act against someone, not a setting.
        if any(c.members[j] is not None or w[j] in THIRD - {"they", "them", "their"}
               for j in range(len(w))):
            continue
        for i, st in enumerate(s):
            if (st in CHANGE or st in {"go", "get", "mov"}) and any(
                    c.stem(j) in SETTING for j in range(i + 1, i + 6)):
                return Refusal.SETTINGS_ALONE, "asks it to change the room's settings", None
            if st in CHANGE and c.at(i + 1) in {"yourself", "you"} and any(
                    c.stem(j) in SELF_PACE or c.at(j) == "off" for j in range(i + 2, i + 5)):
                return Refusal.SETTINGS_ALONE, "asks it to change how active it is", None
            if st in CHANGE and c.at(i + 1) in {"off", "on", "down", "up"} and c.at(i + 2) in {
                    "the", "your", "all", "those", "these"} and _imperative_at(c, 0):
                return Refusal.SETTINGS_ALONE, "asks it to switch part of its work", None
            if st in CHANGE and c.at(i + 1) == "how" and any(x in YOU for x in w[i + 2:i + 5]):
                return Refusal.SETTINGS_ALONE, "asks it to change how it works", None
            if st in CHANGE and any(x in YOU for x in w[i + 1:i + 3]) and c.at(i + 1) != "sure" \
                    and not c.has(INSTRUCTION):
                return Refusal.SETTINGS_ALONE, "asks it to change how it works", None
            if st in SETTING and c.at(i + 1) in {"to", "="} and any(
                    x in CHANGE for x in s[max(0, i - 4):i]):
                return Refusal.SETTINGS_ALONE, "asks it to change the room's settings", None
        lead = _lead(c)
        head = w[lead:]
        if head[:1] == ["be"] and any(c.stem(j) in SELF_PACE for j in range(lead + 1, lead + 4)):
            return Refusal.SETTINGS_ALONE, "asks it to change how active it is", None
        for i in range(lead, len(w)):
            if s[i] in SELF_ACTS | LEAVE_SELF and c.at(i + 1) in {"down", "off", "away"}:
                if "you" in w[:i] or i == lead:
                    return Refusal.SETTINGS_ALONE, "asks it to go quiet", None
            if s[i] in SELF_ACTS and any(c.stem(j) in SELF_PACE or c.at(j) in {"less", "more"}
                                         for j in range(i + 1, i + 5)):
                if "you" in w[:i] or i == lead:
                    return Refusal.SETTINGS_ALONE, "asks it to change how often it speaks", None
            if i == lead and w[i] in {"stop", "quit"} and c.at(i + 1).endswith("ing"):
                return Refusal.SETTINGS_ALONE, "asks it to stop part of its work", None
            if w[i] in {"stop", "quit", "not"} and c.stem(i + 1) in SELF_ACTS and (
                    "you" in w[:i + 1] or i == lead or w[lead] in {"do", "stop", "quit"}):
                return Refusal.SETTINGS_ALONE, "asks it to stop facilitating", None
            if s[i] in LEAVE_SELF and i == lead and c.at(i + 1) in {"", "away", "up", "off",
                                                                  "quiet", "now", "the",
                                                                  "this", "yourself"}:
                return Refusal.SETTINGS_ALONE, "asks it to leave or go quiet", None
        for i in range(len(w)):
            if w[i] in {"only", "unless"} and c.stem(i + 1) in SELF_ACTS:
                return Refusal.SETTINGS_ALONE, "asks it to change when it speaks", None
    return None


def _majority(cs: Sequence[_Clause]) -> bool:
    for c in cs:
        w, s = c.words, c.stems
        for i, st in enumerate(s):
            if st in MAJORITY_WORDS and (w[i] in {"everyone", "everybody", "consensus",
                                                  "unanimous", "unanimously", "majority"}
                                         or c.at(i + 1) in {"of", "agree", "agreed", "want",
                                                            "think", "voted"}
                                         or c.at(i - 1) in {"we", "the"}):
                return True
            if w[i] == "we" and any(c.stem(k) in MAJORITY_ACTS for k in range(i + 1, i + 4)):
                return True
            if w[i] == "rest" and c.at(i + 1) == "of" and c.at(i + 2) == "us":
                return True
            if w[i] == "all" and "we" in w[max(0, i - 2):i]:
                return True  # "we've all had enough"
            if w[i] in {"team", "group", "room", "everyone", "everybody"} and c.stem(
                    i + 1) in MAJORITY_ACTS:
                return True
            if w[i].isdigit() or w[i] in {"three", "four", "five", "six", "seven", "several"}:
                if c.at(i + 1) == "of" and c.at(i + 2) == "us":
                    return True
    return False


def _against_member(cs: Sequence[_Clause]) -> Found | None:
    for c in cs:
        w, s = c.words, c.stems
        for i, st in enumerate(s):
            if (st in RESTRAIN or st in SHAME) and _used_as_verb(c, i):
                # The person acted upon: after the verb ("mute Tom", "kick him out"), or before a
                # passive or a demand ("Tom should be muted", "get Tom removed").
                j = c.person_near(i, after=4, before=5)
                if j is not None and not (w[j] == "us" and st in RESTRAIN):
                    if w[j] in FIRST:
                        continue
                    cue = "asks it to shame or attack a member" if st in SHAME else \
                        "asks it to silence, exclude or remove a member"
                    return Refusal.AGAINST_MEMBER, cue, _target(c, j)
                if st in RESTRAIN and any(x in {"who", "whom"} for x in w) and c.question:
                    return Refusal.AGAINST_MEMBER, "asks whom to remove", None
            if st in INCLUDE and any(x in NEG for x in w[max(0, i - 3):i + 4]):
                j = c.person_near(i, after=3, before=4)
                if j is not None and w[j] not in FIRST and w[j] != "us":
                    return Refusal.AGAINST_MEMBER, "asks it to leave a member out", _target(c, j)
            if st in MOVE_OUT and any(x in NEG for x in w[max(0, i - 3):i]):
                continue  # "don't wanna leave anyone out": the wish not to exclude
            if st in MOVE_OUT:
                j = c.person_near(i, after=3)
                if j is not None and any(x in {"out", "off"} for x in w[j:j + 5]) and \
                        w[j] not in FIRST:
                    return Refusal.AGAINST_MEMBER, "asks it to leave a member out", _target(c, j)
                # "leave out anything Priya said": the particle first, then the person
                if c.at(i + 1) in {"out", "off"}:
                    j = c.person_near(i + 1, after=4)
                    if j is not None and w[j] not in FIRST:
                        return Refusal.AGAINST_MEMBER, "asks it to leave a member out", \
                            _target(c, j)
                # "keep Jonas from posting": held back from taking part
                if j is not None and w[j] not in FIRST and c.at(j + 1) == "from" and \
                        c.at(j + 2).endswith("ing"):
                    return Refusal.AGAINST_MEMBER, "asks it to hold a member back", _target(c, j)
            if st in EXCLUDE or (w[i] == "other" and c.at(i + 1) == "than"):
                j = c.person_near(i, after=3)
                if j is not None and w[j] not in FIRST:
                    return Refusal.AGAINST_MEMBER, "narrows its work to some members", \
                        _target(c, j)
            if w[i] in RESTRICT:
                j = c.person_near(i, after=3, pronouns=False)
                # "only that one": a thing pointed at, not a side of the room
                grp = next((k for k in range(i + 1, min(len(w), i + 4)) if s[k] in GROUP
                            and not (w[k] == "one" and w[k - 1] in {"that", "this"})), None)
                if grp is not None or (j is not None and w[j] not in FIRST | {"us"}):
                    return Refusal.AGAINST_MEMBER, "narrows its work to some members", \
                        _target(c, j)
            if st in PARTICIPATE and any(x in NEG for x in w[max(0, i - 4):i]):
                # "Jonas shouldn't get to speak", "don't let her post": a member silenced.
                j = c.person_near(i, before=6, after=0, pronouns=False)
                if j is None:
                    j = next((k for k in range(max(0, i - 6), i) if w[k] in {"him", "her", "them",
                                                                           "he", "she"}), None)
                if j is not None and w[j] not in FIRST:
                    return Refusal.AGAINST_MEMBER, "asks it to silence a member", _target(c, j)
            if st in RECORD and c.has(EVAL):
                j = c.person_near(i, after=5)
                if j is not None and w[j] not in FIRST:
                    return Refusal.JUDGE_MEMBERS, "asks it to put a member on record", _target(c, j)
            if st in {_stem("tell"), _stem("get"), _stem("make"), _stem("force")}:
                j = c.person_near(i, after=2)
                if j is not None and w[j] not in FIRST and any(
                        c.stem(k) in RESTRAIN or c.stem(k) in LEAVE_SELF or c.at(k) == "up"
                        for k in range(j + 1, j + 5)):
                    return Refusal.AGAINST_MEMBER, "asks it to silence or remove a member", \
                        _target(c, j)
    return None


_VERB_CUES = frozenset({"to", "please", "and", "then", "be", "been", "being", "get", "got", "will",
                        "would", "can", "could", "should", "must", "you", "just", "also", "not",
                        "never", "or", "so", "now"})


def _used_as_verb(c: _Clause, i: int) -> bool:
    """"report Tom" asks for an act; "the report" or "his attack" names a thing."""
    if c.at(i + 1) == "in" and c.words[i] in {"cut", "cuts", "cutting"}:
        return False  # "cut in and hear from Dana": to interrupt, or to let someone in
    if any(start <= i <= _lead(c, start) for start in c.starts):
        return True  # the first word of a request: an imperative
    before = c.words[max(0, i - 2):i]
    if c.words[i].endswith("ed"):
        return True  # a participle: "Tom should be muted", "want Luis banned"
    if "been" in before:
        # past "been", a word not a participle says how someone was: "she's been (pretty) quiet"
        return False
    if i >= 2 and c.person_at(i - 1) and c.stem(i - 2) in MOVE_OUT:
        return True  # "want Luis gone", "get her kicked"
    if before[-1:] in (["a"], ["an"]) and any(
            c.stem(k) in {_stem("give"), _stem("issue"), _stem("send"), _stem("hand")}
            for k in range(max(0, i - 5), i)):
        return True  # "give Keiko a warning": a light verb and the act as its noun
    return any(x in _VERB_CUES for x in before) and not any(
        x in {"the", "a", "an", "his", "her", "their", "my", "our", "this", "that"}
        for x in before[-1:])


def _superlative(word: str) -> bool:
    if word in {"best", "worst", "most", "least"}:
        return True
    if not word.endswith("est") or len(word) < 6:
        return False
    base = word[:-3]
    return any(_stem(b) in EVAL or _stem(b) in PRAISE for b in (
        base, base + "e", base[:-1], base[:-1] + "y"))


def _judge(cs: Sequence[_Clause]) -> Found | None:
    for c in cs:
        w, s = c.words, c.stems
        for i, st in enumerate(s):
            if st in JUDGE:
                j = c.person_near(i, after=4, before=3)
                if j is not None or "each" in w or ("of" in w[i:i + 3] and "us" in w):
                    return Refusal.JUDGE_MEMBERS, "asks it to rank or judge members", \
                        _target(c, j)
        # "who is the least useful person here", "which of us talks sense"
        leads = [_lead(c, start) for start in c.starts]
        asks_who = any(x in {"who", "whom", "whose"} for lead in leads for x in w[lead:lead + 3]) \
            or any("which" in w[lead:lead + 3] and ("of" in w or c.person_near(lead, after=4)
                                                    is not None) for lead in leads)
        if asks_who:
            evals = [k for k in range(len(w)) if s[k] in EVAL or _superlative(w[k])
                     or s[k] in RIGHTNESS or w[k] in {"more", "less"}]
            talk_only = all(w[k] in {"most", "least", "more", "less"} for k in evals) and \
                c.has(TALK_ACTS)
            if evals and not talk_only:
                if any(x in FIRST for x in w) and not any(s[k] in EVAL for k in evals):
                    return Refusal.TAKE_SIDE, "asks it to compare the asker with a member", None
                if any(s[k] in RIGHTNESS for k in evals) and not any(
                        s[k] in EVAL and s[k] not in RIGHTNESS for k in evals):
                    return Refusal.TAKE_SIDE, "asks who is right", None
                return Refusal.JUDGE_MEMBERS, "asks it to rank or judge members", None
            if any(x in {"fault", "blame", "blamed", "responsible", "guilty"} for x in w):
                return Refusal.JUDGE_MEMBERS, "asks whom to blame", None
        # "is Tom being lazy?", "do you think Maria was rude", "tell me, is he useless"
        for i, word in enumerate(w):
            if c.person_at(i) and word not in FIRST and word != "us" and (
                    c.question or "think" in w or "honestly" in w or "agree" in w):
                if any(c.stem(k) in EVAL or _superlative(c.at(k))
                       for k in range(max(0, i - 3), i + 6) if k != i):
                    if any(c.stem(k) in TRUTH for k in range(i + 1, i + 6)):
                        return Refusal.TAKE_SIDE, "asks whether a member is right", _target(c, i)
                    return Refusal.JUDGE_MEMBERS, "asks it to judge a member", _target(c, i)
        # "call her out for being lazy", "let Sam know he is useless": a verdict on a member,
        # delivered by the bot.
        if _request_shaped(c) and c.has(EVAL):
            # The person is what the asked verb acts on: right after it ("call her out ...").
            # Bare "them" and "it" are as often things as people: a name, "him", "her".
            objects = [k for start in c.starts if _imperative_at(c, start)
                       for k in range(_lead(c, start) + 1, _lead(c, start) + 4)]
            j = next((k for k in objects if k < len(w) and (
                c.person_at(k, pronouns=False) or w[k] in {"him", "her"})
                and w[k] not in FIRST and w[k] != "us"), None)
            if j is not None:
                return Refusal.JUDGE_MEMBERS, "asks it to pass a verdict on a member", \
                    _target(c, j)
        # "your honest impression of Sam", "what do you make of him"
        for i, word in enumerate(w):
            if word in {"of", "about", "on"} and i > 0 and (
                    s[i - 1] in VERDICT or s[i - 1] in {_stem("impression"), _stem("make"),
                                                        _stem("feel")}):
                j = c.person_near(i, after=2)
                if j is not None and w[j] not in FIRST and ("you" in w or "your" in w):
                    return Refusal.JUDGE_MEMBERS, "asks its opinion of a member", _target(c, j)
    return None


def _take_side(cs: Sequence[_Clause]) -> Found | None:
    for c in cs:
        w, s = c.words, c.stems
        lead = _lead(c)
        bot_agent = _request_shaped(c) or any(x in YOU for x in w)
        for i, st in enumerate(s):
            if st in SIDE and c.at(i - 1) in FIRST | {"our"} and bot_agent:
                return Refusal.TAKE_SIDE, "asks it onto one side", None
            if st in SIDE and bot_agent and not _we_did(c, i):
                near = w[i + 1:i + 5]
                if any(x in FIRST or x in {"our", "him", "her", "them", "that", "this"}
                       for x in near) or c.person_near(i, after=3) is not None:
                    return Refusal.TAKE_SIDE, "asks it to back a side", None
            if st in DECIDE and bot_agent and not _we_did(c, i) and not any(
                    x in {"us", "we", "group", "team", "everyone"} for x in w[max(0, i - 4):i]):
                if i == lead or "you" in w[max(0, i - 3):i] or c.at(i - 1) == "to":
                    return Refusal.TAKE_SIDE, "asks it to make the group's call", None
            if w[i] == "tie" and any(x in {"break", "settle", "decide", "resolve"} for x in w):
                return Refusal.TAKE_SIDE, "asks it to break a tie", None
            if st in VERDICT and "your" in w[max(0, i - 2):i]:
                return Refusal.TAKE_SIDE, "asks for its verdict", None
            if st in OPINE and c.at(i - 1) == "you" and (c.question or "tell" in w) and not (
                    c.has(PROCESS_WORDS) and ("how" in w or "process" in w)):
                return Refusal.TAKE_SIDE, "asks for its opinion on the question", None
            if st in RIGHTNESS and (c.question or "tell" in w or "say" in w or "declare" in w
                                    or "confirm" in w or "agree" in w or "admit" in w
                                    or "concede" in w or "accept" in w):
                if c.at(i + 1) in {"way", "time", "approach", "process", "format", "order",
                                   "place", "next", "thing", "tool", "option", "choice"}:
                    continue
                if i in c.starts and (i + 1 in c.starts or i + 1 == len(w)):
                    continue  # ", right?": a tag, not a verdict
                about = w[max(0, i - 4):i]
                if "if" in w[max(0, i - 6):i]:
                    continue  # "sorry if I've got this wrong", "correct me if I'm wrong"
                # Said of a person, the asker or an option: "who is right", "am I wrong",
                # "which one is better"; not of a thing ("what is wrong with it").
                if not (any(x in {"who", "whose", "which"} or x in FIRST or x in {
                        "one", "side", "winner", "option", "proposal", "idea", "plan"}
                            for x in about)
                        or any(c.person_at(k) for k in range(max(0, i - 4), i))
                        or w[i] in {"winner", "win", "wins", "winning"}):
                    continue
                return Refusal.TAKE_SIDE, "asks it to say who or what is right", None
        for i, st in enumerate(s):
            if st in {_stem("tell"), _stem("inform"), _stem("remind"), _stem("convince")}:
                j = c.person_near(i, after=3)
                if j is not None and w[j] not in FIRST and w[j] != "us" and (
                        c.has(EVAL) or c.has(RIGHTNESS)):
                    return Refusal.TAKE_SIDE, "asks it to tell a member they are wrong", \
                        _target(c, j)
    return None


def _we_did(c: _Clause, i: int) -> bool:
    """"what did we agree / decide": the group's past decision, not a request to take sides."""
    before = c.words[max(0, i - 4):i]
    return ("we" in before or "everyone" in before or "they" in before) and (
        "did" in before or "have" in before or c.words[i].endswith("ed") or c.question)


def _flattery(cs: Sequence[_Clause], refusal: Found | None) -> bool:
    for c in cs:
        w, s = c.words, c.stems
        for i, st in enumerate(s):
            if st in PRAISE or (_superlative(w[i]) and _stem(w[i][:-3]) in PRAISE):
                praised = any(w[k] in YOU and c.at(k + 1) in {"are", "were"}
                              for k in range(max(0, i - 4), i)) or any(
                    c.at(k) in YOU and c.at(k - 1) in {"like", "as"} for k in range(i + 1, i + 5))
                judged = c.has(RIGHTNESS) or c.has(EVAL) or any(
                    m is not None for m in c.members) or any(x in FIRST for x in w)
                if praised and (refusal is not None or (c.has(AGREE_ASK) and judged)):
                    return True
    return False


# --------------------------------------------------------------------------------------------
# Services.
# --------------------------------------------------------------------------------------------

def _service(cs: Sequence[_Clause]) -> Service | None:
    words = [w for c in cs for w in c.words]
    stems = [s for c in cs for s in c.stems]
    text = " ".join(words)
    # "questions we haven't answered", "nothing resolved yet": what is still open
    if any(words[k] == "not" and any(x in {"answered", "resolved", "settled", "closed",
                                           "decided", "covered", "addressed"}
                                     for x in words[k + 1:k + 3]) for k in range(len(words))):
        return Service.OPEN_ITEMS
    asks_how = any(c.words[_lead(c):_lead(c) + 1] == ["how"] for c in cs) or "how" in words
    about_you = any(w in YOU for w in words)
    if any(s in SUMMARY_WORDS for s in stems) or "where we stand" in text or (
            "where" in words and ("stand" in words or "are we" in text or "we are" in text)) or (
            "lay" in words and "out" in words) or ("up" in words and "speed" in words):
        return Service.SUMMARY
    decided = any(s in DECISION_WORDS for s in stems) or (
        "who" in words and ("doing" in words or "owns" in words or "taking" in words))
    still_open = any(s in OPEN_WORDS for s in stems) and not ("open" in words and "up" in words)
    if decided and still_open:
        return Service.SUMMARY  # the summary carries both
    if (asks_how or "way" in words or "process" in words) and any(
            s in PROCESS_WORDS or s in DECISION_WORDS for s in stems) and any(
            w in {"we", "us", "group", "team"} for w in words):
        return Service.PROCESS
    if decided:
        return Service.DECISIONS
    if asks_how and any(s in PROCESS_WORDS for s in stems) and any(
            w in {"we", "us", "group", "team", "i"} for w in words):
        return Service.PROCESS
    if still_open:
        return Service.OPEN_ITEMS
    if any(s in SETTING for s in stems) or (
            asks_how and about_you and (any(s in SELF_PACE for s in stems) or any(
                s in CHANGE for s in stems))):
        return Service.SETTINGS
    if (about_you and any(s in KEEP_WORDS for s in stems)) or ("forget" in words and (
            "me" in words or "my" in words)):
        return Service.MEMORY
    if any(s in STATUS_WORDS for s in stems) and ("room" in words or "we" in words or "us" in
                                                   words or "everyone" in words or "status" in
                                                   words or "who" in words or "mood" in words):
        return Service.STATUS
    if asks_how and any(s in PROCESS_WORDS for s in stems) and any(
            w in {"we", "us", "group", "team", "i"} for w in words):
        return Service.PROCESS
    if any(s in PROCESS_WORDS for s in stems) and ("suggest" in words or "propose" in words) and (
            "process" in words or "way" in words or "format" in words):
        return Service.PROCESS
    if "help" in words and ("decide" in words or "sort" in words or "move" in words):
        return Service.PROCESS
    if any(s in HELP_WORDS for s in stems) and (about_you or "help" in words or "bot" in words):
        return Service.HELP
    return None


def _about_bot(cs: Sequence[_Clause]) -> bool:
    """A question about the bot itself ("are you a person?", "who made you?")."""
    for c in cs:
        if not c.question:
            continue
        w = c.words[_lead(c):]
        if w[:1] and ((w[0] in AUX - MODAL and w[1:2] and w[1] in YOU) or (w[0] in WH and (
                "you" in w[1:4] and not any(c.stem(k) in OPINE for k in range(len(c.words)))))):
            return True
    return False


# --------------------------------------------------------------------------------------------
# The read.
# --------------------------------------------------------------------------------------------

def _refusal(text: str, cs: Sequence[_Clause]) -> Found | None:
    how = any(c.words[_lead(c):_lead(c) + 1] == ["how"] and c.question for c in cs) or any(
        "is there a way" in " ".join(c.words) for c in cs)
    for finder in (lambda: _one_member(cs), lambda: _instructions(text, cs), lambda: _reveal(cs),
                   lambda: _against_member(cs), lambda: _judge(cs),
                   lambda: _take_side(cs), lambda: _settings_alone(cs, how)):
        found = finder()
        if found is not None:
            return found
    return None


def read_request(text: str, member_names: Collection[str] = (), *,
                 bot_names: Collection[str] = ("facilitator",)) -> LexiconRead:
    """What an addressed message asks of the bot.

    `member_names`: the room's members (display names and ids); a name in the message marks
    the person an action is aimed at. `bot_names`: how members address the bot.
    """
    cs = _clauses(text or "", member_names, bot_names)
    if not cs:
        return LexiconRead(RequestKind.NONE)
    asking = [c for c in cs if _request_shaped(c)]
    question = any(c.question for c in asking)
    # Directives need not be imperatives: "you only answer me from now on", "Tom should go".
    demanding = asking or [c for c in cs if _obligation(c) or any(w in YOU for w in c.words)
                           or "anymore" in c.words or "longer" in c.words
                           or (c.words[:1] == ["new"] and (c.stem(1) in INSTRUCTION
                                                           or c.stem(1) in RULES))]
    found = _refusal(text, cs) if demanding or _MARKUP.search(text) else None
    if found is None and _flattery(cs, None):
        # Praise aimed at a judgement ("a wise bot like you sees Bob's idea is dumb") is bait
        # even without an imperative; praise alone is just chat.
        found = (Refusal.FLATTERY, "praise in exchange for a judgement", None)
    if found is not None:
        category, cue, target = found
        if _flattery(cs, found) and category in (Refusal.TAKE_SIDE, Refusal.JUDGE_MEMBERS):
            category = Refusal.FLATTERY
        return LexiconRead(RequestKind.REFUSE, category=category, target=target,
                           majority=_majority(cs), question=question, cue=cue)
    if not asking:
        short = len([w for c in cs for w in c.words]) <= 4
        service = _service(cs) if short else None
        if service is not None:
            return LexiconRead(RequestKind.SERVICE, service=service, cue="names a service")
        return LexiconRead(RequestKind.NONE, cue="not a request")
    service = _service(asking) or _service(cs)
    if service is not None:
        return LexiconRead(RequestKind.SERVICE, service=service, question=question,
                           cue="asks for one of its services")
    if _about_bot(asking):
        return LexiconRead(RequestKind.SERVICE, service=Service.HELP, question=question,
                           cue="asks about the bot itself")
    return LexiconRead(RequestKind.UNSERVED, question=question,
                       cue="asks for something outside its services")


def refusal_in(text: str, member_names: Iterable[str] = ()) -> Refusal | None:
    """A refusal structure in any text, request or not: for checking the bot's own words.

    Used by the guard on what the bot is about to say ("Sure, I'll mute Tom"), where there is
    no request mood to look for.
    """
    cs = _clauses(text or "", tuple(member_names), ("facilitator",))
    # Only the bot's promises count: its own answers describe settings and memory by design.
    found = _refusal(text, [c for c in cs if _commits(c)])
    return found[0] if found else None


def _commits(c: _Clause) -> bool:
    """The bot promising an action: "I'll ignore ...", "I will tell ..."."""
    w = c.words
    return any(w[k] == "i" and c.at(k + 1) in {"will", "shall", "am"} for k in range(len(w)))


def a_task(verb: str) -> bool:
    """Whether a verb (its plain form, "ask", "draft", "take") is something one does for the
    group: one of the verbs a member may ask the bot to do (GENERAL_VERBS), being, staying,
    waiting, coming and going aside."""
    word = verb.lower()
    return word not in _NOT_TASKS and _stem(word) in GENERAL_VERBS


_NOT_TASKS = frozenset("""be stay wait hurry imagine pretend act go come let keep guess predict
    sing play""".split())


# --------------------------------------------------------------------------------------------
# A verdict on a member, in any statement (the bot's own words: policies/facts.py)
# --------------------------------------------------------------------------------------------

# Verbs that join a subject to what is said of it ("Greg is ...", "you seem ...", "that came
# across as ..."), and "'s" when it stands for "is" ("Greg's being ...").
_LINKING = frozenset("""is are was were be been being am 's seem seems seemed sound sounds sounded
    look looks looked appear appears appeared come comes came across as remain remains stay
    stays keep keeps kept act acts acting""".split())
# What may stand between the linking verb and the evaluation, or after the subject: degree,
# quantity and negation ("you are both so very wrong", "Greg is not being fair").
_DEGREE = frozenset("""so very really quite too just a an the bit little both all two such rather
    pretty kind sort of not never always clearly obviously simply totally completely somewhat
    slightly being been""".split())
# Having or making a better or a good thing: "Rosa has the better argument", "Greg made a good
# point" (a comparison or praise of one member's contribution).
_HAVING = frozenset("has have had made makes make gave gives offers offered".split())
_POSSESSIVES = frozenset({"your", "ur", "his", "her", "their"})
_DEMONSTRATIVES = frozenset({"that", "this"})


# A go-ahead, not an evaluation: "you're good to go", "Ana is clear to order the timber", "you
# are free to start" (the word, then "to").
_PERMISSION = frozenset("good fine free clear cleared welcome ok okay set".split())


def _evaluation(c: _Clause, k: int, also: Callable[[Sequence[str], int], int] | None) -> int:
    """How many words of the clause at k say how good, right or bad someone is (0: none): a
    word of the evaluative classes (EVAL, RIGHTNESS), a superlative of one, or what `also`
    finds there (a caller's own words and phrases); a go-ahead ("good to go") is none."""
    if c.at(k) in _PERMISSION and c.at(k + 1) == "to":
        return 0
    if c.stem(k) in EVAL or c.stem(k) in RIGHTNESS or _superlative(c.at(k)):
        return 1
    return also(c.words, k) if also is not None else 0


def _subject(c: _Clause, j: int) -> bool:
    """Whether word j is a member, "you", a third person, or what one of them said ("your
    tone", "Greg's comment", "that remark" said to a member by name)."""
    if 0 <= j < len(c.words) and (c.person_at(j) or c.at(j) in YOU) and c.at(j) not in FIRST:
        return c.at(j) not in {"us", "them", "him"}  # objects, not subjects
    # A noun phrase owned by a member: "your tone", "Greg's last comment", "your point about
    # the budget".
    for back in (1, 2, 3, 4):
        owner = j - back
        if owner < 0 or any(owner < start <= j for start in c.starts):
            break  # not past a comma: "given your concern, the budget is ..."
        if c.at(owner) in _POSSESSIVES:
            return True
        if c.at(owner) == "'s" and owner > 0 and (c.person_at(owner - 1) or c.at(owner - 1) in YOU):
            return True
        # "Greg, that remark was ...": a demonstrative opening what is said to a member.
        if c.at(owner) in _DEMONSTRATIVES and c.members[0] is not None and owner in c.starts[1:]:
            return True
    # "Greg, that is ...": the demonstrative alone, said to a member.
    return c.at(j) in _DEMONSTRATIVES and c.members[0] is not None and j in c.starts[1:]


def verdict_in(text: str, member_names: Iterable[str] = (), *,
               bot_names: Collection[str] = ("facilitator",),
               also: Callable[[Sequence[str], int], int] | None = None) -> str | None:
    """A verdict on a member in any text, request or not: the words that pass it, or None.

    For checking the bot's own words, where no request mood is needed. Structural: a member
    (a name of the room, an @mention, a capitalised name), "you", a third person, or what one
    of them said is the subject of an evaluation — a linking verb, then only degree words, then
    an evaluative word ("you are both wrong", "Greg is being rude", "your tone was unfair");
    asked, the same inverted ("is Greg right?"); or one member has or made the better or a good
    thing ("Rosa has the better argument"). `also(words, k)`: the length of a caller's own
    evaluative word or phrase at k in the clause's lowercased words (0 when none)."""
    for c in _clauses(text or "", tuple(member_names), tuple(bot_names)):
        w = c.words
        for k in range(len(w)):
            size = _evaluation(c, k, also)
            if not size:
                continue
            said = " ".join(w[max(0, k - 4):k + size])
            j = k - 1
            while j >= 0 and w[j] in _DEGREE:
                j -= 1
            if j >= 0 and (w[j] in _LINKING or (w[j] in _HAVING and j < k - 1)):
                # The linking verb (or "has a ..."); the subject stands before it, past degree
                # and quantity words and further linking verbs ("you are both being ...").
                i = j - 1
                while i >= 0 and (w[i] in _DEGREE or w[i] in _LINKING):
                    i -= 1
                # Not a name said before a comma: "Greg, is the best option ...?" speaks to him.
                if _subject(c, i) and not any(i < start <= j for start in c.starts):
                    return said
            elif j >= 1 and _subject(c, j) and w[j] not in _DEMONSTRATIVES:
                # Asked: "is Greg right?", "are you both being fair?".
                i = j - 1
                while i >= 0 and w[i] in _DEGREE:
                    i -= 1
                if i >= 0 and w[i] in _LINKING and (i in c.starts or c.question):
                    return said
    return None


# A fault attributed to a member (`fault_in`): what went wrong, said anywhere in the sentence
# ("the broken release", "we lost the grant", "the missing receipts", "the delay")…
_FAILURE = frozenset("""broken broke break failed fail fails failure missing missed miss lost lose
    late delay delayed delays mess mistake mistakes error errors outage crash crashed forgot
    forgotten ignored skipped overspent overspend damage damaged scrambling behind""".split())
# …a member who did it ("because Siobhan missed the window", "Bo never sent the specs")…
_FAILED = frozenset("""missed forgot failed ignored skipped lost broke dropped never""".split())
# …and the member as the subject of an idiom of failing: "Hattie dropped the ball", "Bo let the
# team down", "you messed up".
_FAILING = (("dropped", "the", "ball"), ("drops", "the", "ball"), ("messed", "up"),
            ("screwed", "up"), ("blew", "it"))
_ATTRIBUTION = frozenset({"responsibility", "blame", "fault"})


def _faulted(c: _Clause, k: int) -> bool:
    """Whether word k of `c` is a member a fault can be put on: a name, "you", "him" or "her"
    (not followed by "'s": "down to Ana's illness" attributes it to an illness)."""
    if c.at(k + 1) == "'s":
        return False
    return (0 <= k < len(c.members) and c.members[k] is not None) or c.at(k) in {"you", "him", "her"}


def fault_in(text: str, member_names: Iterable[str] = (), *,
             bot_names: Collection[str] = ("facilitator",)) -> str | None:
    """A fault attributed to a member: the words that attribute it, or None. Structural, for
    checking the bot's own words, beside `verdict_in` (which reads an evaluation said of a
    member and finds none here: no evaluative word is said of anyone). A member as the subject
    of an idiom of failing ("Hattie dropped the ball", "you messed up"); or, in a sentence that
    says what went wrong, the fault put on a member — "the broken release is down to Declan",
    "the missing receipts are on you", "because of Bo", "the delay is your fault",
    "the responsibility sits with her" — or a member as the cause who failed ("we lost the grant
    because Siobhan missed the window"). A task's owner ("the booking is down to Ana", "the
    hall is your responsibility") says nothing went wrong."""
    clauses = _clauses(text or "", tuple(member_names), tuple(bot_names))
    failure = any(x in _FAILURE for c in clauses for x in c.words)
    for c in clauses:
        w = c.words
        for k in range(len(w)):
            named = 0 <= k < len(c.members) and c.members[k] is not None
            if not (named or w[k] in YOU or w[k] in {"him", "her", "his"}):
                continue
            said = " ".join(w[max(0, k - 3):k + 4])
            # "Hattie dropped the ball", "Bo really messed up", "you let the team down".
            j = k + 1
            while w[j:j + 1] and w[j] in {"really", "completely", "totally", "just", "has", "have",
                                          "had"}:
                j += 1
            if _faulted(c, k) and (any(tuple(w[j:j + len(p)]) == p for p in _FAILING)
                                   or (c.at(j) == "let" and "down" in w[j + 1:j + 4])):
                return said
            if not failure:
                continue
            # "the delay is your fault", "the mess is Bo's fault", "it was her fault".
            owner = k + 2 if named and c.at(k + 1) == "'s" else k + 1
            if (w[k] in {"your", "his", "her"} or owner == k + 2) and c.at(owner) == "fault":
                return said
            if not _faulted(c, k):
                continue
            before = w[max(0, k - 2):k]
            # "is down to Declan", "are on you", "because of Bo".
            linked_on = before[-1:] == ["on"] and k >= 2 and w[k - 2] in _LINKING
            if linked_on or before in (["down", "to"], ["because", "of"]):
                return said
            # "the responsibility sits with her", "the blame lies with Bo".
            if before[-1:] == ["with"] and any(x in _ATTRIBUTION for x in w[max(0, k - 5):k]):
                return said
            # "because Siobhan missed the window", "since you never sent the specs".
            after = w[k + 1:k + 4]
            if before[-1:] in (["because"], ["since"]) and (
                    any(x in _FAILED for x in after) or after[:2] in (["did", "not"], ["had", "not"])):
                return said
    return None


_COMMON = frozenset(FILLER | WH | AUX | NEG | FIRST | YOU | THIRD | RESTRICT | _NOT_VERBS | {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday"})
_VOCABULARY = tuple(v for v in globals().values() if isinstance(v, _Class))
