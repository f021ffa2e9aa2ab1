"""The replay transcript format of DESIGN.md: one JSON object per line, parsed leniently.

A bad line yields a `BadLine` with its number and reason; it never stops the reading.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from facilitator.events import Author, ChatEvent, EventKind, RoomRef


class TranscriptLine(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    room: str
    author: str
    text: str | None = None
    ts: float
    author_name: str | None = None
    reply_to: str | None = None
    kind: EventKind = EventKind.MESSAGE
    emoji: str | None = None
    target: str | None = None
    is_bot: bool = False

    @field_validator("id", "room", "author", mode="before")
    @classmethod
    def _ids_are_text(cls, value: object) -> object:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value


@dataclass(frozen=True, slots=True)
class BadLine:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


def addressed_pattern(bot_name: str) -> re.Pattern[str]:
    return re.compile(rf"@{re.escape(bot_name)}\b", re.I)


def to_event(line: TranscriptLine, addressed: re.Pattern[str]) -> ChatEvent:
    if line.text is None and line.kind in (EventKind.MESSAGE, EventKind.EDIT):
        raise ValueError("missing field 'text'")
    text = line.text or ""
    return ChatEvent(
        id=line.id,
        kind=line.kind,
        room=RoomRef.local(line.room),
        author=Author(id=line.author, name=line.author_name or line.author, is_bot=line.is_bot),
        text=text,
        ts=line.ts,
        reply_to=line.reply_to,
        target=line.target,
        emoji=line.emoji,
        addressed=bool(addressed.search(text)),
    )


def _reason(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    if err["type"] == "missing":
        return f"missing field '{where}'"
    if where == "kind":
        return f"unknown event kind {err.get('input')!r}"
    return f"field '{where}': {err['msg']}"


def read_transcript(path: Path, bot_name: str) -> Iterator[ChatEvent | BadLine]:
    pattern = addressed_pattern(bot_name)
    name = str(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield BadLine(name, 0, f"cannot open: {exc.strerror or exc}")
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                decoded = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield BadLine(name, number, f"invalid UTF-8 at byte {exc.start}")
                continue
            try:
                data = json.loads(decoded)
            except json.JSONDecodeError as exc:
                yield BadLine(name, number, f"malformed JSON: {exc.msg}")
                continue
            if not isinstance(data, dict):
                yield BadLine(name, number, "not a JSON object")
                continue
            try:
                yield to_event(TranscriptLine.model_validate(data), pattern)
            except ValidationError as exc:
                yield BadLine(name, number, _reason(exc))
            except ValueError as exc:
                yield BadLine(name, number, str(exc))
