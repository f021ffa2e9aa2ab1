"""A local stand-in for Slack: the Web API over HTTP and a Socket Mode WebSocket server.

The real slack_sdk / bolt code runs against it through `base_url`; only the wire is local.
Every Web API call is recorded so tests assert on what the bot actually sent
(bolt-python's tests/mock_web_api_server does the same).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from websockets.asyncio.server import Server, ServerConnection, serve

from facilitator.web.server import listen


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None
    result: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)


@dataclass
class Workspace:
    team_id: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    name: str = "Offsite planners"


@dataclass
class Scripted:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


APP_TOKEN = "xapp-1-A0FACAPP01-1234-abcdef"


class MockSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.reactions: set[tuple[Any, Any, Any]] = set()  # (channel, ts, name) reactions.add made
        self.responses: list[dict[str, Any]] = []  # bodies posted to response_url
        self.workspaces: dict[str, Workspace] = {}  # by bot token
        self.users: dict[str, dict[str, Any]] = {}  # by user id
        self.oauth_codes: dict[str, Workspace] = {}
        self.scripted: dict[str, list[Scripted]] = {}
        self.ws_url = "ws://127.0.0.1:1/link"
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ------------------------------------------------------------------ setup

    def add_workspace(self, team_id: str, bot_token: str, bot_user_id: str = "U0FACBOT01",
                      bot_id: str = "B0FACBOT01") -> Workspace:
        ws = Workspace(team_id, bot_token, bot_user_id, bot_id)
        self.workspaces[bot_token] = ws
        return ws

    def add_user(self, user_id: str, name: str, *, admin: bool = False, bot: bool = False) -> None:
        self.users[user_id] = {
            "id": user_id, "name": name.lower(), "real_name": name, "is_admin": admin,
            "is_owner": False, "is_bot": bot, "deleted": False,
            "profile": {"display_name": name, "real_name": name},
        }

    def rate_limit_next(self, method: str, retry_after: int = 1) -> None:
        self.scripted.setdefault(method, []).append(
            Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"http://127.0.0.1:{self.port}/respond/{name}"

    # ------------------------------------------------------------------ queries

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def posts(self, channel: str | None = None) -> list[Call]:
        return [c for c in self.called("chat.postMessage")
                if channel is None or c.params.get("channel") == channel]

    async def wait_for(self, predicate: Callable[[], Any], wait_s: float = 5.0) -> Any:
        deadline = asyncio.get_running_loop().time() + wait_s
        while True:
            value = predicate()
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"condition not met within {wait_s}s; calls: "
                                     f"{[(c.method, c.params) for c in self.calls]}")
            await asyncio.sleep(0.01)

    # ------------------------------------------------------------------ server

    async def start(self) -> MockSlack:
        app = web.Application()
        app.add_routes([web.route("*", "/api/{method}", self._api),
                        web.post("/respond/{name}", self._respond)])
        self._runner, self.port = await listen(app, "127.0.0.1", 0)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        raw = await request.text()
        if raw:
            if request.content_type == "application/json":
                params.update(json.loads(raw))
            else:
                params.update(dict(parse_qsl(raw, keep_blank_values=True)))
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        auth = request.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else params.get("token")
        call = Call(method, params, token)
        self.calls.append(call)
        queue = self.scripted.get(method)
        if queue:
            scripted = queue.pop(0)
            return web.json_response(scripted.body, status=scripted.status, headers=scripted.headers)
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        call.result = handler(params, token)
        return web.json_response(call.result)

    async def _respond(self, request: web.Request) -> web.Response:
        self.responses.append(json.loads(await request.text()))
        return web.Response(text="ok")

    def _ws(self, token: str | None) -> Workspace | None:
        return self.workspaces.get(token or "")

    # ------------------------------------------------------------------ methods

    def _m_auth_test(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        ws = self._ws(token)
        if ws is None:
            return {"ok": False, "error": "invalid_auth"}
        return {"ok": True, "url": "https://offsite.slack.com/", "team": ws.name, "user": "facilitator",
                "team_id": ws.team_id, "user_id": ws.bot_user_id, "bot_id": ws.bot_id,
                "is_enterprise_install": False}

    def _m_chat_postMessage(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        if self._ws(token) is None:
            return {"ok": False, "error": "invalid_auth"}
        ts = f"1800000000.{next(self._ts):06d}"
        return {"ok": True, "channel": params.get("channel"), "ts": ts,
                "message": {"type": "message", "text": params.get("text"), "ts": ts}}

    def _m_reactions_add(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        if self._ws(token) is None:
            return {"ok": False, "error": "invalid_auth"}
        key = (params.get("channel"), params.get("timestamp"), params.get("name"))
        if key in self.reactions:
            return {"ok": False, "error": "already_reacted"}
        self.reactions.add(key)
        return {"ok": True}

    def _m_chat_postEphemeral(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        return {"ok": True, "message_ts": f"1800000000.{next(self._ts):06d}"}

    def _m_users_info(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        if self._ws(token) is None:
            return {"ok": False, "error": "invalid_auth"}
        user = self.users.get(params.get("user", ""))
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _m_apps_connections_open(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        if token != APP_TOKEN:
            return {"ok": False, "error": "invalid_auth"}
        return {"ok": True, "url": self.ws_url}

    def _m_oauth_v2_access(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        ws = self.oauth_codes.pop(params.get("code", ""), None)
        if ws is None:
            return {"ok": False, "error": "invalid_code"}
        self.workspaces[ws.bot_token] = ws
        return {"ok": True, "app_id": "A0FACAPP01", "authed_user": {"id": "U0INSTALL1"},
                "scope": "app_mentions:read,channels:history,chat:write,commands",
                "token_type": "bot", "access_token": ws.bot_token, "bot_user_id": ws.bot_user_id,
                "team": {"id": ws.team_id, "name": ws.name}, "enterprise": None,
                "is_enterprise_install": False}


class SocketModeServer:
    """Slack's Socket Mode side: says hello, sends envelopes, collects the acks."""

    def __init__(self) -> None:
        self.acks: list[dict[str, Any]] = []
        self.connections: list[ServerConnection] = []
        self._server: Server | None = None
        self._connected = asyncio.Event()
        self.port = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link/?ticket=local"

    async def start(self) -> SocketModeServer:
        self._server = await serve(self._handle, "127.0.0.1", 0)
        self.port = next(iter(self._server.sockets)).getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 5)

    async def _handle(self, ws: ServerConnection) -> None:
        self.connections.append(ws)
        await ws.send(json.dumps({"type": "hello", "num_connections": 1,
                                  "debug_info": {"host": "local", "approximate_connection_time": 3600},
                                  "connection_info": {"app_id": "A0FACAPP01"}}))
        self._connected.set()
        with contextlib.suppress(Exception):
            async for raw in ws:
                self.acks.append(json.loads(raw))

    async def connected(self, wait_s: float = 5.0) -> None:
        await asyncio.wait_for(self._connected.wait(), wait_s)

    async def send(self, envelope: dict[str, Any]) -> None:
        await self.connected()
        await self.connections[-1].send(json.dumps(envelope))

    async def ack_for(self, envelope_id: str, wait_s: float = 5.0) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + wait_s
        while True:
            for ack in self.acks:
                if ack.get("envelope_id") == envelope_id:
                    return ack
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no ack for {envelope_id}; acks: {self.acks}")
            await asyncio.sleep(0.01)
