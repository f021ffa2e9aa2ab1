"""Fit text into Discord messages: 2,000 characters each, cut where a reader would pause."""

from __future__ import annotations

import re

# Discord rejects message content longer than this (HTTP 400, code 50035).
MAX_MESSAGE_CHARS = 2000
ELLIPSIS = "…"

# Where a sentence ends: terminal punctuation (optionally closed by a quote or bracket), then space.
_SENTENCE_END = re.compile(r"[.!?…](?:[\"'”’)\]]*)(?=\s)")


def _last_break(window: str, floor: int) -> int:
    """The best place to cut `window`, never before `floor`; 0 when there is no good place.

    Paragraphs first, then lines, then sentences, then words: each is a place a reader
    already pauses, so a cut there reads as a natural break rather than a truncation.
    """
    for sep in ("\n\n", "\n"):
        at = window.rfind(sep)
        if at >= floor:
            return at
    ends = [m.end() for m in _SENTENCE_END.finditer(window) if m.end() >= floor]
    if ends:
        return ends[-1]
    at = window.rfind(" ")
    return at if at >= floor else 0


def split_text(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Split into parts of at most `limit` characters at the most natural breaks available.

    A part never shrinks below half the limit to find a nicer break (that would turn one
    long message into many stubs); a single unbroken run longer than the limit is cut hard.
    """
    if limit < 2:
        raise ValueError("limit must be at least 2")
    text = text.strip()
    parts: list[str] = []
    while len(text) > limit:
        cut = _last_break(text[: limit + 1], limit // 2) or limit
        head = text[:cut].rstrip()
        parts.append(head)
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return parts


def shorten(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """One message of at most `limit` characters: whole sentences, then an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS) - 1  # keep space for " …"
    window = text[: room + 1]
    ends = [m.end() for m in _SENTENCE_END.finditer(window) if m.end() >= room // 2]
    if ends:
        cut = ends[-1]
    else:
        space = window.rfind(" ")
        cut = space if space >= room // 2 else room
    return text[:cut].rstrip() + " " + ELLIPSIS


def fit_message(text: str, *, limit: int = MAX_MESSAGE_CHARS, max_parts: int = 1) -> list[str]:
    """At most `max_parts` messages for `text`; what does not fit is shortened, not dropped mid-word."""
    if max_parts < 1:
        raise ValueError("max_parts must be at least 1")
    parts = split_text(text, limit)
    if len(parts) <= max_parts:
        return parts
    head = parts[: max_parts - 1]
    rest = text.strip()
    for part in head:
        # Continue from where the kept parts end, with the original spacing.
        rest = rest[rest.index(part) + len(part):]
    return [*head, shorten(rest, limit)]
