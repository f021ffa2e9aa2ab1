"""Is a model's text a message a person could read in the room? (Before the fiduciary guard.)

The guard (policies/guard.py) judges what a message says; this judges whether it is a message at
all. Small or confused models answer with JSON, markup, the prompt's own scaffolding, unfilled
template fields, a label like "Facilitator:", or the same sentence over and over — none of which
may reach a room. `rambles` refuses a model's turn that runs far past the one to three sentences
its prompt asks for (the rules' own templates are not held to it). A rejected text is not
retried with the model: the offline rules word the moment.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from facilitator.reading.tokens import PLAIN_WORD

_LABEL = re.compile(r"^\s*(facilitator|assistant|bot|ai)\s*:\s*", re.I)
_WRAPPING_QUOTES = re.compile(r'^\s*["“](.*)["”]\s*$', re.S)
_MARKUP = re.compile(r"</?\s*(message|system|user|assistant|s|im_start|im_end)\b|<\|", re.I)
_TEMPLATE = re.compile(r"\{[a-z_]+\}")
_SCAFFOLD = re.compile(r"\b(intervention|recent conversation|facts you may use|a plain draft|"
                       r"reply with the message|as an ai|language model)\b", re.I)
MAX_SENTENCES = 4  # the prompts ask for one to three; one more is let through
ECHO_WORDS = 5  # this many words in a row from the prompt's own wording: an echo, not a message
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def clean(text: str) -> str:
    """Strip what a model wraps a good message in: whitespace, a speaker label, quotes; and
    undo the prompt's escaping (`&quot;` back to `"`) so the checks see the real characters."""
    text = _LABEL.sub("", html.unescape(text).strip())
    quoted = _WRAPPING_QUOTES.match(text)
    if quoted and '"' not in quoted.group(1):
        text = quoted.group(1)
    return text.strip()


def echoes(text: str, templates: Sequence[str]) -> bool:
    """Whether `text` repeats ECHO_WORDS words in a row of the prompt templates' own wording.
    The templates' {fields} (the room's words, a member's persona, the topic) split them, so a
    message may repeat what members said; only the scaffolding around it counts."""
    words = PLAIN_WORD.findall(text.lower())
    grams: set[tuple[str, ...]] = set()
    for template in templates:
        for part in _TEMPLATE.split(template.lower()):
            ws = PLAIN_WORD.findall(part)
            grams.update(tuple(ws[i:i + ECHO_WORDS]) for i in range(len(ws) - ECHO_WORDS + 1))
    return any(tuple(words[i:i + ECHO_WORDS]) in grams
               for i in range(len(words) - ECHO_WORDS + 1))


def problem(text: str, templates: Sequence[str] = ()) -> str | None:
    """None when `text` reads as a chat message; otherwise what is wrong with it. `templates`:
    the prompts it answered, unfilled, whose wording it must not echo."""
    if len(text) < 12 or not re.search(r"[A-Za-z]{2}", text):
        return "is not a message"
    if text.lstrip().startswith(("{", "[")) or "```" in text:
        return "looks like code or JSON"
    if _MARKUP.search(text) or _TEMPLATE.search(text):
        return "carries markup or template fields"
    if _SCAFFOLD.search(text) or echoes(text, templates):
        return "repeats the prompt's instructions"
    if _CONTROL.search(text):
        return "has control characters"
    sentences = [s.strip().lower() for s in _SENTENCE.findall(text) if len(s.strip()) > 8]
    if len(sentences) >= 3 and len(set(sentences)) <= len(sentences) // 2:
        return "repeats itself"
    return None


_QUOTED = re.compile(r"[\"“][^\"”\n]*[\"”]")
_SENTENCE_END = re.compile(r"[.!?…]+[\"”')\]]*(?:\s+|$)|\n+")


def rambles(text: str) -> str | None:
    """For a model's wording of a turn: asked for one to three sentences, a model that writes
    a letter has lost the moment (the real 135M model's crux turn: eight sentences about its
    own day, every one of them checkable and none of them false). Quotes and decimals do not
    end a sentence. None when the text is short enough."""
    bare = _QUOTED.sub('""', text)
    count = sum(1 for piece in _SENTENCE_END.split(bare) if len(piece.strip()) > 8)
    if count > MAX_SENTENCES:
        return f"rambles ({count} sentences; a turn is one to three)"
    return None
