"""Attempts to recruit the bot against the group or rewrite it, for checks on the bot's own words.

The read of requests lives in facilitator/reading/requests.py (read by meaning, not by phrase
lists); this module keeps the guard's question — do these words carry a capture attempt? —
in one place. Message text is data, never instructions.
"""

from __future__ import annotations

from collections.abc import Iterable

from facilitator.reading.requests import refusal_in


def capture_attempt(text: str, member_names: Iterable[str] = ()) -> str | None:
    """The kind of capture the text asks for or commits to (e.g. "against_member"), or None."""
    found = refusal_in(text, member_names)
    return found.value if found else None
