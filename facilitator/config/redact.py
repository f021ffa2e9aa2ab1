"""Secrets never reach a message: passwords inside URLs are masked wherever text is printed.

`redis://:hunter2@host` and `rediss://user:hunter2@host` become `redis://:***@host` and
`rediss://user:***@host`. Applied to our own error messages and, through `RedactingFilter`,
to every log record (a library's exception text may quote the URL it was given).
"""

from __future__ import annotations

import logging
import re

# scheme://[user]:password@  — the password runs to the last '@' before the host part.
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@]*):(?P<pw>[^\s/]*)@")


def redact(text: str) -> str:
    """`text` with the password of every URL in it replaced by `***`."""
    return _URL_PASSWORD.sub(lambda m: f"{m.group('head')}:***@", text)


class RedactingFilter(logging.Filter):
    """A handler filter: formats the record's message once, redacted, and drops the args."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string is the logger's problem, not ours
            return True
        cleaned = redact(message)
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            # Tracebacks carry exception text too; render it now so it can be cleaned.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


def install(handler_owner: logging.Logger | None = None) -> None:
    """Add the filter to every handler of the root logger (call after logging is configured)."""
    root = handler_owner or logging.getLogger()
    for handler in root.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
