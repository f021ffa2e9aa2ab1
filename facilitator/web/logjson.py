"""JSON log lines for log shippers: `FACILITATOR_LOG_FORMAT=json` (one object per line).

Fields: ts (ISO 8601, UTC), level, logger, message, and exc (the traceback) when there is
one. Redaction (facilitator.config.redact) works on the records before they are formatted, so it
applies to JSON lines as well.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime

from facilitator.config import Settings


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:  # rendered (and redacted) already by the redacting filter
            line["exc"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


def use_json_logs(settings: Settings | Mapping[str, str]) -> bool:
    """Switch the root handlers to JSON when the settings ask; True if it did."""
    if not isinstance(settings, Settings):
        settings = Settings.from_env(settings)
    if settings.log_format != "json":
        return False
    for handler in logging.getLogger().handlers:
        handler.setFormatter(JsonFormatter())
    return True
