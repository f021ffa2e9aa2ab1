"""The one neutral event type every adapter produces and the engine consumes."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Texts longer than this are cut at the boundary: nobody facilitates a 1 MB message,
# and keeping it would blow the room's memory cap.
MAX_TEXT_CHARS = 8000


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

    platform: str = "local"
    workspace: str = ""
    channel: str
    thread: str | None = None
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

    id: str
    name: str = ""
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

    id: str = Field(min_length=1)
    kind: EventKind = EventKind.MESSAGE
    room: RoomRef
    author: Author
    text: str = ""
    ts: float
    reply_to: str | None = None
    target: str | None = None  # the message an edit, delete or reaction refers to
    emoji: str | None = None
    removed: bool = False  # a reaction taken back
    addressed: bool = False
    mentions: tuple[str, ...] = ()  # author ids or names mentioned in the text

    @field_validator("text", mode="before")
    @classmethod
    def _clip_text(cls, value: object) -> object:
        if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
            return value[:MAX_TEXT_CHARS]
        return value

    @property
    def is_human(self) -> bool:
        return not self.author.is_bot
