"""A recording Slack at the HTTP boundary: chat.postMessage and conversations.history.

The real slack_sdk client talks to it through `base_url`. Every post is recorded with its
metadata, and history answers with the channel's latest messages first, as Slack does.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from facilitator.web.server import listen


@dataclass
class Post:
    channel: str
    text: str
    ts: str
    metadata: dict[str, Any] | None


@dataclass
class FakeSlack:
    posts: list[Post] = field(default_factory=list)
    history_calls: int = 0
    port: int = 0
    _runner: web.AppRunner | None = None
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.add_routes([web.route("*", "/api/{method}", self._api)])
        self._runner, self.port = await listen(app, "127.0.0.1", 0)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.method == "GET":
            params = dict(request.query)
        elif request.content_type == "application/json":
            params: dict[str, Any] = await request.json()
        else:
            params = dict(parse_qsl(await request.text()))
        if method == "chat.postMessage":
            metadata = params.get("metadata")
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            ts = f"1700000000.{next(self._ts):06d}"
            self.posts.append(Post(str(params["channel"]), str(params.get("text", "")), ts,
                                   metadata))
            return web.json_response({"ok": True, "channel": params["channel"], "ts": ts})
        if method == "conversations.history":
            self.history_calls += 1
            channel = str(params["channel"])
            limit = int(params.get("limit", 100))
            mine = [p for p in self.posts if p.channel == channel][::-1][:limit]
            messages = [{"type": "message", "ts": p.ts, "text": p.text,
                         **({"metadata": p.metadata} if p.metadata else {})} for p in mine]
            return web.json_response({"ok": True, "messages": messages, "has_more": False})
        return web.json_response({"ok": False, "error": "unknown_method"})
