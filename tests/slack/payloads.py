"""Test payloads built from the captured-shape fixtures in tests/slack/fixtures/."""

from __future__ import annotations

import copy
import itertools
import json
import time
import uuid
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

FIXTURES = Path(__file__).parent / "fixtures"
TEAM = "T0TEAM0001"
CHANNEL = "C0PLANS001"
BOT_USER = "U0FACBOT01"
BOT_TOKEN = "xoxb-T0TEAM0001-local"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
_event_ids = itertools.count(1)


@cache
def _raw(name: str) -> str:
    return (FIXTURES / f"{name}.json").read_text(encoding="utf-8")


def fixture(name: str) -> dict[str, Any]:
    return json.loads(_raw(name))


def envelope(name: str, *, team: str | None = None, **event: Any) -> dict[str, Any]:
    """A fixture's Events API envelope with event fields overridden (and a fresh event_id)."""
    body = copy.deepcopy(fixture(name))
    body["event"].update(event)
    body["event_id"] = f"Ev{next(_event_ids):09d}"
    if team is not None:
        body["team_id"] = team
        body["event"]["team"] = team
        for auth in body.get("authorizations", []):
            auth["team_id"] = team
    return body


def message(user: str, text: str, ts: str, *, channel: str = CHANNEL, team: str | None = None,
            **extra: Any) -> dict[str, Any]:
    return envelope("message", team=team, user=user, text=text, ts=ts, event_ts=ts,
                    channel=channel, blocks=[], **extra)


def joined(user: str, ts: str, *, channel: str = CHANNEL, team: str | None = None) -> dict[str, Any]:
    return envelope("member_joined_channel", team=team, user=user, channel=channel, event_ts=ts)


def edited(user: str, ts: str, old: str, new: str, edit_ts: str, *,
           channel: str = CHANNEL, team: str | None = None) -> dict[str, Any]:
    body = envelope("message_changed", team=team, channel=channel, ts=edit_ts, event_ts=edit_ts)
    body["event"]["message"].update(user=user, text=new, ts=ts,
                                    edited={"user": user, "ts": edit_ts})
    body["event"]["previous_message"].update(user=user, text=old, ts=ts)
    return body


def deleted(user: str, ts: str, text: str, del_ts: str, *, channel: str = CHANNEL,
            team: str | None = None) -> dict[str, Any]:
    body = envelope("message_deleted", team=team, channel=channel, deleted_ts=ts, ts=del_ts,
                    event_ts=del_ts)
    body["event"]["previous_message"].update(user=user, text=text, ts=ts)
    return body


def command(text: str, *, user: str = "U0CAROL001", channel: str = CHANNEL, team: str = TEAM,
            response_url: str = "") -> dict[str, str]:
    body = fixture("slash_command")
    body.update(text=text, user_id=user, channel_id=channel, team_id=team)
    if response_url:
        body["response_url"] = response_url
    return body


def signed(body: str, secret: str = SIGNING_SECRET, *, timestamp: int | None = None,
           retry: int | None = None, content_type: str = "application/json") -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body),
    }
    if retry:
        headers["X-Slack-Retry-Num"] = str(retry)
        headers["X-Slack-Retry-Reason"] = "http_timeout"
    return headers


def form(fields: dict[str, str]) -> str:
    return urlencode(fields)


def socket_envelope(kind: str, payload: dict[str, Any], *, retry: int = 0) -> dict[str, Any]:
    """Socket Mode's wrapper around an Events API body or a slash command's fields."""
    return {
        "envelope_id": str(uuid.uuid4()),
        "payload": payload,
        "type": kind,
        "accepts_response_payload": kind != "events_api",
        "retry_attempt": retry,
        "retry_reason": "timeout" if retry else "",
    }
