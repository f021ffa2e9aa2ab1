"""What one message's words say, independent of who is in the room (cached by text).

Plain regular expressions and counts, so the silent path stays in microseconds. These are
cues the trackers aggregate; the member-dependent part of the read is in `message.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from facilitator.reading.cues import (
    AGREE,
    ANSWER_OPENING,
    COMMITMENT,
    DECISION,
    DISAGREE,
    OPEN_PROMPT,
    PROPOSAL,
    SOCIAL,
    WORK,
    content_words,
    hostility,
    is_question,
)

# "nick: text" / "nick, text" — how IRC and busy channels address one person without a
# mention syntax. The token is resolved against the room's members by the message read.
_PREFIX = re.compile(r"^\s*@?([^\s:,]{2,40})\s*[:,]\s*\S")
# Requests for help that carry no question mark. Each is a grammatical frame (who/anyone +
# a verb of knowing or helping), not a topic, so it holds across subjects.
_REQUEST = re.compile(
    r"\b(can|could|would|will) (some|any)(one|body) (help|tell|explain|show|point|confirm|"
    r"check|look|recommend|suggest)\b|"
    r"\b(does|do|did) (any|some)(one|body)( here)? (know|have|use|run|understand)\b|"
    r"^\s*(who|anyone|anybody|someone|somebody) (here )?(knows?|can|could|has|have|is able|"
    r"understands?|uses?)\b|"
    r"\bany ?(idea|ideas|clue|clues|hint|hints|suggestions?|pointers?|tips?)\b.{0,20}"
    r"\b(why|how|what|where|when|which|whether|if|on|about|for)\b|"
    r"\b(i|we) (need|want|would like|'d like) (some )?(help|advice|a hand|assistance)\b|"
    r"\bhelp (me|us|please|pls|plz)\b|\b(please|pls|plz) help\b|"
    r"^\s*how (do|can|could|should|would) (i|we|one|you)\b|^\s*how to\b|"
    r"\bis (there|it possible) (a|any|some)? ?(way|tool|command|package|option|program)\b|"
    r"\b(tell|show) me how\b|\bi('m| am) (looking|searching) for (a|an|some|the)\b|"
    r"\bi (wonder|was wondering) (if|whether|how|why|what)\b",
    re.I,
)
_SECOND_PERSON = re.compile(r"\b(you|your|yours|yourself|you're|you've|you'll|you'd|u|ur)\b", re.I)


@dataclass(frozen=True, slots=True)
class TextRead:
    words: int
    content: frozenset[str]
    question: bool  # a question put to someone (with or without "?")
    request: bool  # a request for help or information without a question mark
    open_prompt: bool  # "any thoughts?": the next reply takes it up
    answer_opening: bool  # opens the way replies usually do ("yes", "I think", "it's")
    social: bool
    work: bool
    agree: bool
    disagree: bool
    proposal: bool
    decision: bool
    commitment: str | None
    hostility: float
    second_person: bool
    prefix: str | None  # the "nick:" token that opens the message, unresolved
    # "nick: text" with a colon, IRC's way to speak to one person ("Ann, what do you think?"
    # is a meeting's way too, so a comma does not count).
    prefix_colon: bool


@lru_cache(maxsize=8192)
def read_text(text: str) -> TextRead:
    agree = bool(AGREE.search(text))
    disagree = bool(DISAGREE.search(text))
    commitment = COMMITMENT.search(text)
    prefix = _PREFIX.match(text)
    body = text[prefix.end() - 1:] if prefix else text
    request = bool(_REQUEST.search(body))
    return TextRead(
        words=len(text.split()),
        content=frozenset(content_words(text)),
        question=is_question(text) or request,
        request=request,
        open_prompt=bool(OPEN_PROMPT.search(text)),
        # "Yes, ..." looks like a "nick," prefix: an answer may open either way.
        answer_opening=bool(ANSWER_OPENING.match(text) or ANSWER_OPENING.match(body)),
        social=bool(SOCIAL.search(text)),
        work=bool(WORK.search(text)),
        agree=agree and not disagree,
        disagree=disagree,
        proposal=bool(PROPOSAL.search(text)),
        decision=bool(DECISION.search(text)),
        commitment=(commitment.group(0).strip() if commitment else None),
        hostility=hostility(text),
        second_person=bool(_SECOND_PERSON.search(text)),
        prefix=prefix.group(1) if prefix else None,
        prefix_colon=prefix is not None and text.lstrip().lstrip("@")[
            len(prefix.group(1)):].lstrip().startswith(":"),
    )
