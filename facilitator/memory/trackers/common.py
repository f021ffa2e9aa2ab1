"""Small helpers the trackers share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from facilitator.memory.state import CAP_QUOTE

T = TypeVar("T")


def quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CAP_QUOTE else text[: CAP_QUOTE - 1] + "…"


def trim_closed_first(items: list[T], cap: int, is_open: Callable[[T], bool]) -> None:
    """Drop the oldest closed entries first, then the oldest open ones."""
    while len(items) > cap:
        victim = next((i for i, item in enumerate(items) if not is_open(item)), 0)
        del items[victim]
