"""JSON log lines: one object per line, secrets redacted as in plain logs."""

from __future__ import annotations

import io
import json
import logging

from facilitator.config.redact import RedactingFilter
from facilitator.web.logjson import JsonFormatter, use_json_logs


def test_json_lines_carry_level_logger_message_and_traceback() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter())
    log = logging.getLogger("facilitator.test.json")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("room %s: cannot reach %s", "slack:T1:C9", "redis://:hunter2@db:6379")
        try:
            raise ValueError("bad \"quote\"\nnew line")
        except ValueError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
        log.propagate = True
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["level"] == "warning" and first["logger"] == "facilitator.test.json"
    assert first["message"] == "room slack:T1:C9: cannot reach redis://:***@db:6379"
    assert first["ts"].endswith("+00:00")
    assert second["message"] == "failed" and "ValueError: bad" in second["exc"]


def test_only_when_asked() -> None:
    assert not use_json_logs({})
    assert not use_json_logs({"FACILITATOR_LOG_FORMAT": "text"})
