"""The HTTP side: Events API requests and the OAuth install pages, on aiohttp.

bolt's own `AsyncSlackAppServer` blocks in `web.run_app`; this runs the same bolt aiohttp
adapter on an AppRunner so it starts and stops inside our event loop.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from facilitator.adapters.slack.config import EVENTS_PATH
from facilitator.adapters.slack.translate import body_problem
from facilitator.web.health import StoreProbe, health_routes
from facilitator.web.server import listen

log = logging.getLogger(__name__)
SIGNATURE_MAX_AGE_S = 5 * 60  # as slack_sdk's SignatureVerifier


def read_body(raw: bytes, content_type: str | None) -> tuple[Any, str | None]:
    """A request body as bolt parses it (JSON, a form, or a form whose `payload` is JSON),
    strictly: (body, None), or (None, why it cannot be read)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "the body is not UTF-8"
    try:
        if not text:
            return {}, None
        if content_type == "application/json" or text.startswith("{"):
            body: Any = json.loads(text)
        else:
            form = dict(parse_qsl(text, keep_blank_values=True))
            body = json.loads(form["payload"]) if "payload" in text and "payload" in form else (
                {} if "payload" in text else form)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        return None, f"the body is not valid JSON ({type(exc).__name__})"
    problem = body_problem(body)
    return (None, problem) if problem else (body, None)


def build_web_app(app: AsyncApp, *, events: bool, probe: StoreProbe | None = None,
                  holding: Callable[[], bool] | None = None,
                  signing_secret: str | None = None) -> web.Application:
    routes = health_routes(probe) if probe is not None else [web.get("/healthz", _health)]
    verifier = SignatureVerifier(signing_secret) if signing_secret else None
    if events:
        async def dispatch(request: web.Request) -> web.Response:
            # While the store cannot keep an event, say so: Slack redelivers on a non-2xx
            # (up to 3 times, over about an hour), where a 200 would lose the event.
            if (holding is not None and holding()) or (probe is not None and not await probe.ready()):
                return web.Response(status=503, text="store unavailable; retry later")
            raw = await request.read()
            _, problem = read_body(raw, request.content_type)
            if problem is None:
                try:
                    bolt_request = AsyncBoltRequest(body=raw.decode("utf-8"),
                                                    query=request.query_string,
                                                    headers=request.headers)  # type: ignore[arg-type]
                except Exception as exc:  # bolt reading what it wants from the body
                    problem = f"bolt could not read it ({type(exc).__name__})"
            if problem is not None:
                if not _signed(verifier, raw, request):
                    return web.json_response({"error": "invalid request"}, status=401)
                # Signed by Slack (or by whoever holds the secret), yet not readable: one line,
                # no traceback, and a 4xx so it is not mistaken for our failure.
                log.warning("Slack request refused (400): %s", problem)
                return web.Response(status=400, text=f"cannot read this request: {problem}")
            # bolt checks the signature and timestamp (401 when wrong or older than 5 min).
            return await to_aiohttp_response(await app.async_dispatch(bolt_request))

        routes.append(web.post(EVENTS_PATH, dispatch))
    flow = app.oauth_flow
    if flow is not None:
        async def install(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_installation(await to_bolt_request(request)))

        async def redirect(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

        routes += [web.get(flow.install_path, install), web.get(flow.redirect_uri_path, redirect)]
    web_app = web.Application(client_max_size=1024 * 1024)
    web_app.add_routes(routes)
    return web_app


def _signed(verifier: SignatureVerifier | None, raw: bytes, request: web.Request) -> bool:
    """Slack's signature check (slack_sdk's), also for a body that is not UTF-8 (which the
    SDK cannot take): the same HMAC over the raw bytes."""
    timestamp = request.headers.get("X-Slack-Request-Timestamp")
    signature = request.headers.get("X-Slack-Signature")
    if verifier is None or timestamp is None or signature is None:
        return False
    try:
        return verifier.is_valid(body=raw.decode("utf-8"), timestamp=timestamp,
                                 signature=signature)
    except UnicodeDecodeError:
        pass
    except ValueError:  # a timestamp that is not a number
        return False
    try:
        if abs(time.time() - int(timestamp)) > SIGNATURE_MAX_AGE_S:
            return False
    except ValueError:
        return False
    expected = hmac.new(verifier.signing_secret.encode(), b"v0:" + timestamp.encode() + b":" + raw,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"v0={expected}", signature)


async def _health(request: web.Request) -> web.Response:
    return web.Response(text="ok")


class WebServer:
    def __init__(self, web_app: web.Application, host: str, port: int) -> None:
        self.web_app = web_app
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> int:
        """Listen; returns the bound port (useful with port 0)."""
        self._runner, self.port = await listen(self.web_app, self.host, self.port)
        log.info("Slack HTTP endpoint on http://%s:%d", self.host, self.port)
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
