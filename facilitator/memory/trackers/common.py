"""Small helpers the trackers share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from facilitator.memory.state import CAP_QUOTE

T = TypeVar("T")


def quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CAP_QUOTE else text[: CAP_QUOTE - 1] + "…"


def short(text: str, limit: int = 90) -> str:
    """At most `limit` characters, cut between words (never inside one): how readouts and
    summaries shorten a quote, and so how the trackers find it again after an edit."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-") + "…"


def trim_closed_first(items: list[T], cap: int, is_open: Callable[[T], bool]) -> None:
    """Drop the oldest closed entries first, then the oldest open ones."""
    while len(items) > cap:
        victim = next((i for i, item in enumerate(items) if not is_open(item)), 0)
        del items[victim]
