"""What Slack's HTTP endpoint does with bodies it cannot read, and with other workspaces.

A body that passes the signature but cannot be read (not UTF-8, not JSON, not an object, a
field of the wrong type) gets a 400 and one log line, never a 500 with a traceback; unsigned,
the same body gets the 401 any unsigned request gets. With one bot token, an event or a
command from another workspace is acknowledged and ignored."""

from __future__ import annotations

import json
import logging
import time
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.slack.conftest import Factory, Harness, signed_post
from tests.slack.mock_slack import MockSlack
from tests.slack.payloads import (
    SIGNING_SECRET,
    command,
    envelope,
    fixture,
    form,
    message,
)

ROOM = "slack:T0TEAM0001:C0PLANS001"
OTHER = "T0OTHER001"


def with_event(name: str, **fields: Any) -> str:
    body = fixture(name)
    body["event"].update(fields)
    return json.dumps(body)


def deep(levels: int) -> str:
    return '{"type": "event_callback", "event": ' + "[" * levels + "]" * levels + "}"


UNREADABLE: dict[str, tuple[bytes, str]] = {
    "bad JSON": (b'{"type": "event_callback", ', "application/json"),
    "an array": (b"[1, 2, 3]", "application/json"),
    "a string": (b'"hello"', "application/json"),
    "null": (b"null", "application/json"),
    "not UTF-8": (b'{"type": "event_callback", "event": {"type": "message", "text": "\xff\xfe"}}',
                  "application/json"),
    "nested 3,000 deep": (deep(3000).encode(), "application/json"),
    "event is a string": (json.dumps({**fixture("message"), "event": "hi"}).encode(),
                          "application/json"),
    "event is a list": (json.dumps({**fixture("message"), "event": [1]}).encode(),
                        "application/json"),
    "authorizations is a string": (json.dumps({**fixture("message"),
                                               "authorizations": "x"}).encode(), "application/json"),
    "an authorization is a string": (json.dumps({**fixture("message"),
                                                 "authorizations": ["x"]}).encode(),
                                     "application/json"),
    "team_id is a number": (json.dumps({**fixture("message"), "team_id": 5}).encode(),
                            "application/json"),
    "enterprise is a number": (json.dumps({**fixture("message"), "enterprise": 5}).encode(),
                               "application/json"),
    "event_time is text": (json.dumps({**fixture("message"), "event_time": "soon"}).encode(),
                           "application/json"),
    "user is a list": (with_event("message", user=["U0ALICE001"]).encode(), "application/json"),
    "text is an object": (with_event("message", text={"a": 1}).encode(), "application/json"),
    "ts is a list": (with_event("message", ts=[1]).encode(), "application/json"),
    "channel is a number": (with_event("message", channel=7).encode(), "application/json"),
    "an edit's message is a string": (with_event("message_changed", message="x").encode(),
                                      "application/json"),
    "a reaction's item is a string": (with_event("reaction_added", item="x").encode(),
                                      "application/json"),
    "form payload is not JSON": (b"payload=%7Bnot", "application/x-www-form-urlencoded"),
    "form payload is an array": (b"payload=%5B1%5D", "application/x-www-form-urlencoded"),
    "form is not UTF-8": (b"command=%2Ffacilitator&text=\xff", "application/x-www-form-urlencoded"),
}


def sign_bytes(raw: bytes, content_type: str, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """Slack signs the raw bytes (the SDK's helper takes text only: the same HMAC here)."""
    import hashlib
    import hmac

    ts = str(int(time.time()))
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + raw, hashlib.sha256)
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": f"v0={digest.hexdigest()}"}


async def post_raw(http: aiohttp.ClientSession, h: Harness, raw: bytes, content_type: str, *,
                   secret: str = SIGNING_SECRET) -> tuple[int, str]:
    async with http.post(f"{h.url}/slack/events", data=raw,
                         headers=sign_bytes(raw, content_type, secret)) as resp:
        return resp.status, await resp.text()


@pytest.mark.parametrize("name", list(UNREADABLE))
async def test_a_signed_body_that_cannot_be_read_gets_a_400_and_one_log_line(
        name: str, harness: Factory, http: aiohttp.ClientSession, mock: MockSlack,
        caplog: pytest.LogCaptureFixture) -> None:
    h = await harness()
    raw, content_type = UNREADABLE[name]
    caplog.set_level(logging.INFO)
    caplog.clear()
    status, _ = await post_raw(http, h, raw, content_type)
    await h.settle()
    assert status == 400
    said = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(said) == 1 and said[0].exc_info is None, [r.getMessage() for r in said]
    assert said[0].getMessage().startswith("Slack request refused (400): ")
    # Unsigned, the same bytes are refused like any unsigned request: no hint what we read.
    status, _ = await post_raw(http, h, raw, content_type, secret="not-the-signing-secret")
    assert status == 401
    assert await h.store.rooms() == [] and mock.posts() == []
    # And the endpoint goes on.
    status, _ = await signed_post(http, h.url, json.dumps(fixture("message")))
    assert status == 200
    await h.settle(received=1)
    assert await h.store.rooms() == [ROOM]


# Values of every JSON type, for any field of a real payload.
VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                      | st.text(max_size=5), lambda inner: st.lists(inner, max_size=2)
                      | st.dictionaries(st.text(max_size=3), inner, max_size=2), max_leaves=4)
FIXTURES = ["message", "app_mention", "message_changed", "message_deleted", "reaction_added",
            "member_joined_channel", "thread_reply", "im_message", "app_home_opened"]


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            found += paths(inner, (*prefix, i))
    return found


def replaced(body: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    copy = dict(body) if isinstance(body, dict) else list(body)
    copy[head] = replaced(body[head], rest, value)
    return copy


_ONE: dict[int, Harness] = {}  # one app for every example of the run (the harness stops it)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
async def test_no_signed_body_ever_gets_a_500(harness: Factory, http: aiohttp.ClientSession,
                                             data: st.DataObject) -> None:
    """Any field of a real payload replaced by any JSON value: 200 (read, or dropped with one
    line) or 400, never a 500."""
    h = _ONE.get(id(harness)) or _ONE.setdefault(id(harness), await harness())
    name = data.draw(st.sampled_from(FIXTURES))
    body = fixture(name)
    path = data.draw(st.sampled_from(paths(body)))
    raw = json.dumps(replaced(body, path, data.draw(VALUES)))
    status, text = await signed_post(http, h.url, raw)
    await h.settle()
    assert status in (200, 400, 404), (name, path, status, text)  # 404: bolt, no listener


async def test_with_one_token_another_workspace_is_acknowledged_and_ignored(
        harness: Factory, http: aiohttp.ClientSession, mock: MockSlack) -> None:
    h = await harness()
    mention = envelope("app_mention", team=OTHER, text="<@U0FACBOT01> say this to everyone")
    for body in (message("U0ALICE001", "hello from elsewhere", "1712000001.000100", team=OTHER),
                 mention):
        status, _ = await signed_post(http, h.url, json.dumps(body))
        assert status == 200
    raw = form(command("goal take over the room", team=OTHER,
                       response_url=mock.response_url("goal")))
    status, _ = await signed_post(http, h.url, raw,
                                  content_type="application/x-www-form-urlencoded")
    assert status == 200
    await h.settle(received=3)
    assert await h.store.rooms() == [] and mock.posts() == [] and mock.responses == []
    assert h.adapter.foreign == 3
    # Its own workspace is answered as ever.
    status, _ = await signed_post(http, h.url, json.dumps(fixture("app_mention")))
    await h.settle(received=4)
    assert status == 200 and len(mock.posts()) == 1
    assert await h.store.rooms() == [ROOM]


def test_a_form_body_is_read_as_bolt_reads_it() -> None:
    from facilitator.adapters.slack.app import read_body

    fields = command("status")
    assert read_body(form(fields).encode(), "application/x-www-form-urlencoded") == (fields, None)
    payload = {"type": "block_actions", "user": {"id": "U1"}, "team": {"id": "T1"}}
    raw = f"payload={quote(json.dumps(payload))}".encode()
    assert read_body(raw, "application/x-www-form-urlencoded") == (payload, None)
    assert read_body(b"", "application/json") == ({}, None)
