"""The HTTP side: Events API requests and the OAuth install pages, on aiohttp.

bolt's own `AsyncSlackAppServer` blocks in `web.run_app`; this runs the same bolt aiohttp
adapter on an AppRunner so it starts and stops inside our event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from facilitator.adapters.slack.config import EVENTS_PATH
from facilitator.web.health import StoreProbe, health_routes
from facilitator.web.server import listen

log = logging.getLogger(__name__)


def build_web_app(app: AsyncApp, *, events: bool, probe: StoreProbe | None = None,
                  holding: Callable[[], bool] | None = None) -> web.Application:
    routes = health_routes(probe) if probe is not None else [web.get("/healthz", _health)]
    if events:
        async def dispatch(request: web.Request) -> web.Response:
            # While the store cannot keep an event, say so: Slack redelivers on a non-2xx
            # (up to 3 times, over about an hour), where a 200 would lose the event.
            if (holding is not None and holding()) or (probe is not None and not await probe.ready()):
                return web.Response(status=503, text="store unavailable; retry later")
            # bolt checks the signature and timestamp (401 when wrong or older than 5 min).
            return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

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
