"""A local stand-in for Discord's REST API on 127.0.0.1; discord.py's real HTTP client talks to it.

Tests point `discord.http.Route.BASE` here, so every request the library makes (login, command
sync, posts, interaction callbacks, follow-ups) arrives over a real socket and is recorded.
Replies can be scripted per route (429s with rate-limit headers, errors) to exercise the
library's own bucket handling.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer
from discord.utils import time_snowflake, utcnow


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Exactly "application/json", as Discord sends it: discord.py compares the header verbatim
    # (aiohttp's json_response would append "; charset=utf-8").
    return web.Response(body=json.dumps(body).encode(), status=status,
                        headers={**(headers or {}), "Content-Type": "application/json"})


@dataclass
class Request:
    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    body: Any
    at: float = field(default_factory=time.monotonic)


@dataclass
class Scripted:
    method: str
    pattern: re.Pattern[str]
    status: int
    body: Any
    headers: dict[str, str]


class FakeDiscord:
    API = "/api/v10"

    def __init__(self, bot_user: dict[str, Any], app_id: str,
                 on_identify: list[dict[str, Any]] | None = None) -> None:
        self.bot_user = bot_user
        self.app_id = app_id
        # Gateway: dispatches sent right after IDENTIFY (READY, GUILD_CREATE...), or a close code.
        self.on_identify = on_identify or []
        self.close_on_identify: int | None = None
        self.identify: dict[str, Any] | None = None
        self._ws: web.WebSocketResponse | None = None
        self._seq = 0
        self.requests: list[Request] = []
        self._scripted: list[Scripted] = []
        self._ids = itertools.count(1)
        self._server: TestServer | None = None
        self._changed = asyncio.Condition()
        # Rate-limit headers sent with every successful message post (one bucket per channel).
        self.post_bucket: dict[str, str] = {"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "4",
                                            "X-RateLimit-Reset-After": "1.0"}
        self.channels: dict[str, dict[str, Any]] = {}  # GET /channels/{id} answers

    # Server lifecycle -------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/gateway/", self._gateway)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._server = TestServer(app, host="127.0.0.1", port=None)
        await self._server.start_server()
        return self.base

    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.port}{self.API}"

    @property
    def gateway_url(self) -> str:
        assert self._server is not None
        return f"ws://127.0.0.1:{self._server.port}/gateway/"

    async def stop(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._server is not None:
            await self._server.close()

    # Gateway (a websocket speaking Discord's opcodes, plain JSON text frames) --------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        async for msg in ws:
            frame = json.loads(msg.data)
            if frame["op"] == 1:  # heartbeat
                await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
            elif frame["op"] == 2:  # identify
                self.identify = frame
                if self.close_on_identify is not None:
                    await ws.close(code=self.close_on_identify)
                else:
                    for payload in self.on_identify:
                        await self.dispatch(payload)
            async with self._changed:
                self._changed.notify_all()
        return ws

    async def dispatch(self, payload: dict[str, Any]) -> None:
        """Send one gateway dispatch (op 0) to the connected client."""
        assert self._ws is not None, "no gateway connection"
        self._seq += 1
        frame = {**payload, "s": self._seq}
        if frame["t"] == "READY":
            frame["d"] = {**frame["d"], "resume_gateway_url": self.gateway_url}
        await self._ws.send_json(frame)

    # Scripting and inspection -----------------------------------------------------------

    def script(self, method: str, path_regex: str, status: int, body: Any = None,
               **headers: str) -> None:
        """The next matching request gets this reply instead of the default one."""
        self._scripted.append(Scripted(method, re.compile(path_regex), status, body,
                                       {k.replace("_", "-"): v for k, v in headers.items()}))

    def find(self, method: str, path_regex: str) -> list[Request]:
        pattern = re.compile(path_regex)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    def posts(self, channel_id: str | int) -> list[dict[str, Any]]:
        return [r.body for r in self.find("POST", rf"/channels/{channel_id}/messages")]

    def callbacks(self) -> list[Request]:
        return self.find("POST", r"/interactions/\d+/[^/]+/callback")

    def followups(self) -> list[Request]:
        return self.find("POST", rf"/webhooks/{self.app_id}/[^/]+")

    async def wait_for(self, predicate: Callable[[], object], within: float = 5.0) -> None:
        async def until() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(until(), within)

    # Replies ----------------------------------------------------------------------------

    def _snowflake(self) -> str:
        return str(time_snowflake(utcnow()) + next(self._ids))

    def message(self, channel_id: str, content: str, *, flags: int = 0) -> dict[str, Any]:
        return {"type": 0, "content": content, "mentions": [], "mention_roles": [],
                "attachments": [], "embeds": [], "timestamp": utcnow().isoformat(),
                "edited_timestamp": None, "flags": flags, "components": [],
                "id": self._snowflake(), "channel_id": channel_id, "author": self.bot_user,
                "pinned": False, "mention_everyone": False, "tts": False}

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.path.removeprefix(self.API)
        raw = await request.read()
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode(errors="replace")
        record = Request(request.method, path, dict(request.query), body)
        self.requests.append(record)
        try:
            for i, s in enumerate(self._scripted):
                if s.method == request.method and s.pattern.fullmatch(path):
                    del self._scripted[i]
                    return _json(s.body, status=s.status, headers=s.headers)
            return self._default(record)
        finally:
            async with self._changed:
                self._changed.notify_all()

    def _default(self, r: Request) -> web.Response:
        m, p = r.method, r.path
        if (m, p) == ("GET", "/users/@me"):
            return _json(self.bot_user)
        if (m, p) == ("GET", "/oauth2/applications/@me"):
            return _json({
                "id": self.app_id, "name": "facilitator", "icon": None,
                "description": "A facilitator for group chats", "summary": "", "type": None,
                "bot_public": False, "bot_require_code_grant": False, "verify_key": "ab" * 32,
                "flags": 8953856, "owner": {**self.bot_user, "bot": False, "id": "562592066085847040",
                                            "username": "dana.r"},
                "team": None, "bot": self.bot_user, "interactions_endpoint_url": None,
                "redirect_uris": [], "tags": [], "hook": True, "is_monetized": False})
        if m == "PUT" and re.fullmatch(rf"/applications/{self.app_id}(/guilds/\d+)?/commands", p):
            guild = re.search(r"/guilds/(\d+)/", p)
            return _json([
                {**cmd, "id": self._snowflake(), "application_id": self.app_id, "version": "1",
                 "default_member_permissions": None, "type": cmd.get("type", 1),
                 **({"guild_id": guild.group(1)} if guild else {})}
                for cmd in r.body])
        if m == "POST" and (found := re.fullmatch(r"/channels/(\d+)/messages", p)):
            msg = self.message(found.group(1), r.body.get("content", ""), flags=r.body.get("flags", 0))
            return _json(msg, headers={**self.post_bucket,
                                                   "X-RateLimit-Bucket": f"msg-{found.group(1)}"})
        if m == "POST" and (found := re.fullmatch(r"/interactions/(\d+)/[^/]+/callback", p)):
            kind = r.body["type"]
            data = r.body.get("data") or {}
            ephemeral = bool(data.get("flags", 0) & 64)
            payload: dict[str, Any] = {"interaction": {
                "id": found.group(1), "type": 2, "response_message_loading": kind == 5,
                "response_message_ephemeral": ephemeral}}
            if kind == 4:
                msg = self.message("0", data.get("content", ""), flags=data.get("flags", 0))
                payload["interaction"]["response_message_id"] = msg["id"]
                payload["resource"] = {"type": 4, "message": msg}
            return _json(payload)
        if m == "POST" and re.fullmatch(rf"/webhooks/{self.app_id}/[^/]+", p):
            return _json(self.message("0", r.body.get("content", ""),
                                                  flags=r.body.get("flags", 0)))
        if m in ("PATCH", "DELETE") and re.fullmatch(rf"/webhooks/{self.app_id}/[^/]+/messages/.+", p):
            return web.Response(status=204)
        if m == "PUT" and re.fullmatch(r"/channels/\d+/messages/\d+/reactions/[^/]+/@me", p):
            return web.Response(status=204)  # Create Reaction
        if m == "GET" and (found := re.fullmatch(r"/channels/(\d+)", p)):
            if found.group(1) in self.channels:
                return _json(self.channels[found.group(1)])
        return _json({"message": "Unknown", "code": 0}, status=404)
