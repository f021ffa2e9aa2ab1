"""`/healthz` (the process is alive) and `/readyz` (the store answers), plus the probe the
Slack HTTP intake uses to refuse events it could not keep.

`/healthz` answers 200 as long as the event loop runs: a liveness probe that restarts the
process would not bring a dead store back faster than the supervisor does. `/readyz`
answers 200 only when the store answers PING within `timeout_s`; otherwise 503 with the
reason, so a load balancer stops sending traffic and an operator sees why.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

import redis.asyncio as aioredis
from aiohttp import web
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import RedisError

from facilitator.config.redact import redact

PROBE_TIMEOUT_S = 0.5
PROBE_CACHE_S = 1.0  # a healthy answer is trusted this long (Slack may send many events)


class StoreProbe:
    """Does the store answer? Healthy answers are cached briefly; failures never are."""

    def __init__(self, client: aioredis.Redis | RedisCluster, *, timeout_s: float = PROBE_TIMEOUT_S,
                 cache_s: float = PROBE_CACHE_S) -> None:
        self.client = client
        self.timeout_s = timeout_s
        self.cache_s = cache_s
        self._ok_until = 0.0
        self.last_error: str | None = None

    def mark_down(self, reason: str) -> None:
        """Called when a store call just failed: stop trusting the cached answer."""
        self._ok_until = 0.0
        self.last_error = redact(reason)

    async def ready(self, *, fresh: bool = False) -> bool:
        now = time.monotonic()
        if not fresh and now < self._ok_until:
            return True
        try:
            async with asyncio.timeout(self.timeout_s):
                await self.client.ping()
        except (RedisError, OSError, TimeoutError) as exc:
            self.mark_down(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
            return False
        self._ok_until = now + self.cache_s
        self.last_error = None
        return True


Details = Callable[[], Mapping[str, Any]]


def health_routes(probe: StoreProbe, details: Details | None = None) -> list[web.RouteDef]:
    """The two probes as aiohttp routes; `details` adds counters to /readyz's JSON body."""

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(request: web.Request) -> web.Response:
        ok = await probe.ready(fresh=True)
        body: dict[str, Any] = {"ready": ok, "store": "ok" if ok else (probe.last_error or "down")}
        if details is not None:
            body.update(details())
        return web.Response(status=200 if ok else 503, text=json.dumps(body) + "\n",
                            content_type="application/json")

    return [web.get("/healthz", healthz), web.get("/readyz", readyz)]
