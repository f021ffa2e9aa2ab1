"""The one neutral event type every adapter produces and the engine consumes.

Every field is bounded here, at the boundary, so "everything is bounded" holds downstream:

| field | limit | over the limit |
|---|---|---|
| `id`, `reply_to`, `target`, author `id` | 1-256 characters (`id`, author id non-empty) | rejected |
| room `platform`, `workspace`, `channel`, `thread` | 256 characters each | rejected |
| author `name` | 200 characters | clipped |
| `text` | 8,000 characters | clipped |
| `emoji` | 100 characters | clipped |
| `mentions` | 50 entries of at most 256 characters | extra entries dropped, long ones clipped |
| `roster` | 400 members (a room's participant cap) | extra members dropped |
| `title` | 200 characters | clipped |
| `ts` | finite, 0 <= ts <= 10^10 (seconds since 1970, before year 2286) | rejected |

Unpaired surrogates (which UTF-8, Redis and JSON output cannot carry) are rejected in ids and
room parts and replaced by U+FFFD in free text (text, names, emoji).
"""

from __future__ import annotations

import math
import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

# Texts longer than this are cut at the boundary: nobody facilitates a 1 MB message,
# and keeping it would blow the room's memory cap.
MAX_TEXT_CHARS = 8000
MAX_ID_CHARS = 256
MAX_NAME_CHARS = 200
MAX_EMOJI_CHARS = 100
MAX_MENTIONS = 50
MAX_ROSTER = 400  # memory.state.CAP_PARTICIPANTS: a room keeps no more members than this
MAX_TS = 1e10
# The emoji the bot reacts with, by the names Slack (and replay) use, as the characters Discord
# and the local chat show (facilitator.policies.policy chooses them: the lighter form).
EMOJI_CHARACTERS = {"eyes": "👀", "white_check_mark": "✅"}

_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_surrogates(value: str) -> str:
    if _SURROGATE.search(value):
        raise ValueError("contains an unpaired surrogate (not valid Unicode text)")
    return value


def clean_text(value: object, limit: int) -> object:
    """Free text: clipped to `limit`, unpaired surrogates replaced (they cannot be stored)."""
    if not isinstance(value, str):
        return value
    if len(value) > limit:
        value = value[:limit]
    return _SURROGATE.sub("\ufffd", value)


def _clip(limit: int) -> BeforeValidator:
    return BeforeValidator(lambda v: clean_text(v, limit))


# An identifier: bounded and valid Unicode; never clipped (two ids must stay two ids).
Ident = Annotated[str, Field(max_length=MAX_ID_CHARS), AfterValidator(_no_surrogates)]
Name = Annotated[str, _clip(MAX_NAME_CHARS)]


def _finite_ts(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("timestamp must be a finite number")
    if not 0 <= value <= MAX_TS:
        raise ValueError(f"timestamp must be between 0 and {MAX_TS:.0e} seconds")
    return value


Timestamp = Annotated[float, AfterValidator(_finite_ts)]


class EventKind(StrEnum):
    MESSAGE = "message"
    EDIT = "edit"
    DELETE = "delete"
    REACTION = "reaction"
    JOIN = "join"
    LEAVE = "leave"


class RoomRef(BaseModel):
    """Where a conversation happens. A thread is a room of its own."""

    model_config = ConfigDict(frozen=True)

    platform: Ident = "local"
    workspace: Ident = ""
    channel: Ident
    thread: Ident | None = None
    is_dm: bool = False

    @property
    def key(self) -> str:
        """Stable room id used for storage; also what users pass to `room show`."""
        parts = [self.platform, self.workspace, self.channel, self.thread or ""]
        return ":".join(p for p in parts if p)

    @classmethod
    def local(cls, name: str) -> RoomRef:
        return cls(platform="local", channel=name)


class Author(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: Annotated[Ident, Field(min_length=1)]
    name: Name = ""
    is_bot: bool = False

    @property
    def display(self) -> str:
        return self.name or self.id


class ChatEvent(BaseModel):
    """A platform-neutral chat event.

    `addressed` is set by the adapter (it knows the platform's mention syntax); replies to
    one of the bot's own messages are detected by the engine from the room state.
    """

    model_config = ConfigDict(frozen=True)

    id: Annotated[Ident, Field(min_length=1)]
    kind: EventKind = EventKind.MESSAGE
    room: RoomRef
    author: Author
    text: Annotated[str, _clip(MAX_TEXT_CHARS)] = ""
    ts: Timestamp
    reply_to: Ident | None = None
    target: Ident | None = None  # the message an edit, delete or reaction refers to
    emoji: Annotated[str | None, _clip(MAX_EMOJI_CHARS)] = None
    removed: bool = False  # a reaction taken back
    addressed: bool = False
    mentions: tuple[str, ...] = ()  # author ids or names mentioned in the text
    # Only on the JOIN that says the bot itself was added to the room (`joined_room`): who
    # the adapter found already there, and the room's name. The engine learns them and the
    # onboarding policy decides on the welcome, so the adapter never writes the room.
    roster: tuple[Author, ...] | None = None
    title: Annotated[str, _clip(MAX_NAME_CHARS)] = ""

    @field_validator("mentions", mode="before")
    @classmethod
    def _bound_mentions(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            return tuple(clean_text(v, MAX_ID_CHARS) for v in value[:MAX_MENTIONS])
        return value

    @field_validator("roster", mode="before")
    @classmethod
    def _bound_roster(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            return tuple(value[:MAX_ROSTER])
        return value

    @property
    def joined_room(self) -> bool:
        """The bot itself was added to the room (or first saw it): the event carries its roster."""
        return self.kind == EventKind.JOIN and self.roster is not None

    @property
    def is_human(self) -> bool:
        return not self.author.is_bot
