"""The replay transcript format of DESIGN.md: one JSON object per line, parsed leniently.

A bad line yields a `BadLine` with its number and reason; it never stops the reading,
whatever the line holds: any bytes, any JSON (deep nesting, huge numbers, NaN), any types.
Field limits are those of `facilitator.events`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from facilitator.events import Author, ChatEvent, EventKind, RoomRef

# A line longer than this is skipped unparsed: no event needs 8 MB (texts are clipped to 8,000).
MAX_LINE_BYTES = 8_000_000


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


def to_event(line: TranscriptLine, addressed: re.Pattern[str], bot_id: str | None = None) -> ChatEvent:
    if line.text is None and line.kind in (EventKind.MESSAGE, EventKind.EDIT):
        raise ValueError("missing field 'text'")
    text = line.text or ""
    # A line written by the bot's own id is the bot's own message, whatever `is_bot` says:
    # the bot must never answer itself.
    is_bot = line.is_bot or (bot_id is not None and line.author == bot_id)
    return ChatEvent(
        id=line.id,
        kind=line.kind,
        room=RoomRef.local(line.room),
        author=Author(id=line.author, name=line.author_name or line.author, is_bot=is_bot),
        text=text,
        ts=line.ts,
        reply_to=line.reply_to,
        target=line.target,
        emoji=line.emoji,
        addressed=bool(addressed.search(text)),
    )


def _reason(exc: ValidationError) -> str:
    err = exc.errors(include_input=False)[0]
    where = ".".join(str(p) for p in err["loc"])
    if err["type"] == "missing":
        return f"missing field '{where}'"
    if where == "kind":
        value = exc.errors()[0].get("input")
        # repr escapes whatever cannot be printed; clipped, since it may be huge.
        return f"unknown event kind {repr(value)[:60]}"
    # The message only; echoing the input could print megabytes or unprintable text.
    return f"field '{where}': {err['msg']}"


def parse_line(raw: bytes, pattern: re.Pattern[str], bot_id: str | None) -> ChatEvent | str:
    """One line to an event, or the reason it is skipped. Never raises."""
    if len(raw) > MAX_LINE_BYTES:
        return f"line longer than {MAX_LINE_BYTES} bytes"
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"invalid UTF-8 at byte {exc.start}"
    try:
        data = json.loads(decoded)
    except json.JSONDecodeError as exc:
        return f"malformed JSON: {exc.msg}"
    except RecursionError:
        return "JSON nested too deeply"
    except ValueError as exc:  # e.g. an integer beyond Python's digit limit
        return f"malformed JSON: {str(exc)[:100]}"
    if not isinstance(data, dict):
        return "not a JSON object"
    try:
        return to_event(TranscriptLine.model_validate(data), pattern, bot_id)
    except ValidationError as exc:
        return _reason(exc)
    except RecursionError:
        return "JSON nested too deeply"
    except ValueError as exc:
        return str(exc)[:200]
    except Exception as exc:  # a line must never stop the run, whatever it holds
        return f"unreadable event ({type(exc).__name__})"


def read_transcript(path: Path, bot_name: str,
                    bot_id: str | None = None) -> Iterator[ChatEvent | BadLine]:
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
            parsed = parse_line(raw, pattern, bot_name if bot_id is None else bot_id)
            if isinstance(parsed, str):
                yield BadLine(name, number, parsed)
            else:
                yield parsed
