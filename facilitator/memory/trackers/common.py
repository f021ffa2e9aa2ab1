"""Small helpers the trackers share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from facilitator.memory.state import CAP_QUOTE, RoomState, StoredMessage
from facilitator.reading.message import read_text, resolve

T = TypeVar("T")


def spoken_to(state: RoomState, msg: StoredMessage, authors: dict[str, str]) -> str | None:
    """The member a stored message speaks to: its platform reply's author, or its "nick:"
    prefix; None for a message to the room. `authors`: message id -> author, for replies."""
    if msg.reply_to is not None and msg.reply_to in authors:
        return authors[msg.reply_to]
    prefix = read_text(msg.text).prefix
    return resolve(state, prefix) if prefix else None


def follows_on(state: RoomState, asker: str, lines: int) -> bool:
    """`asker` wrote, or was spoken to, in the last `lines` human messages of the window: what
    they say now goes on from those lines."""
    authors = {m.id: m.author for m in state.window}
    recent = state.recent_human(lines)
    return any(m.author == asker or spoken_to(state, m, authors) == asker for m in recent)


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
