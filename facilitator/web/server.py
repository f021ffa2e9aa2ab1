"""The operational HTTP server: one aiohttp app on one configurable port, in every run mode.

    ops = await start_ops_server(settings, store, extra_routes=[...])  # or `async with
    ...                                                               # ops_server(...) as ops`
    await ops.stop()                                                  # ops.port: the bound port

Route groups are plain lists of aiohttp `RouteDef`s. To serve one in every run mode, add it
in `route_groups()` below (both runners serve what it returns); elsewhere pass
`extra_routes=` to `build_app` / `start_ops_server` / `ops_server`, or call
`ops.add_routes(routes)` before `start()`. `/healthz` and `/readyz` are always there.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Iterable

from aiohttp import web

from facilitator.config import Settings
from facilitator.memory.store import RoomStore
from facilitator.web.health import Details, StoreProbe, health_routes
from facilitator.web.metrics import Metrics, metrics_routes, store_pinger

log = logging.getLogger(__name__)

PROBE_KEY: web.AppKey[StoreProbe] = web.AppKey("store_probe", StoreProbe)
STORE_KEY: web.AppKey[RoomStore] = web.AppKey("room_store", RoomStore)


async def listen(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Serve `app` on host:port; returns the runner (to clean up) and the bound port (port 0
    picks a free one)."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    bound = next((int(a[1]) for a in runner.addresses if isinstance(a, tuple)), port)
    return runner, bound


def route_groups(store: RoomStore, metrics: Metrics | None = None) -> list[web.RouteDef]:
    """Route groups every run mode serves next to the health probes (room page, /metrics...).
    One line per group, e.g. `*metrics_routes(store)`. `metrics`: the process's counters
    (a fresh registry that still samples the store when the caller keeps none)."""
    if metrics is None:
        metrics = Metrics()
        metrics.watch_store(store_pinger(store.client))
    return [*metrics_routes(metrics)]


def build_app(probe: StoreProbe, *, store: RoomStore | None = None,
              extra_routes: Iterable[web.RouteDef] = (), details: Details | None = None,
              client_max_size: int = 1024 * 1024) -> web.Application:
    """The app: health routes plus any extra route groups. Handlers find the probe and the
    store as `request.app[PROBE_KEY]` and `request.app[STORE_KEY]`."""
    app = web.Application(client_max_size=client_max_size)
    app[PROBE_KEY] = probe
    if store is not None:
        app[STORE_KEY] = store
    app.add_routes(health_routes(probe, details))
    app.add_routes(list(extra_routes))
    return app


class OpsServer:
    """Runs an aiohttp app inside our event loop (start/stop), not in `web.run_app`."""

    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self.app = app
        self.probe = app[PROBE_KEY]
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    def add_routes(self, routes: Iterable[web.RouteDef]) -> None:
        """Add a route group; only before `start` (aiohttp freezes the router then)."""
        self.app.add_routes(list(routes))

    async def start(self) -> int:
        self._runner, self.port = await listen(self.app, self.host, self.port)
        log.info("health and readiness on http://%s:%d/healthz and /readyz", self.host, self.port)
        return self.port

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()


class OpsServerError(RuntimeError):
    pass


async def start_ops_server(settings: Settings, store: RoomStore, *,
                           extra_routes: Iterable[web.RouteDef] | None = None,
                           details: Details | None = None,
                           probe: StoreProbe | None = None) -> OpsServer:
    """Serve the ops app on FACILITATOR_HTTP_HOST:FACILITATOR_HTTP_PORT; call `stop()` after.
    Without `extra_routes`, the groups of `route_groups(store)` are served."""
    probe = probe or StoreProbe(store.client)
    if extra_routes is None:
        extra_routes = route_groups(store)
    server = OpsServer(build_app(probe, store=store, extra_routes=extra_routes, details=details),
                       settings.http_host, settings.http_port)
    try:
        await server.start()
    except OSError as exc:
        raise OpsServerError(f"cannot serve health checks on {settings.http_host}:"
                             f"{settings.http_port} (FACILITATOR_HTTP_PORT): "
                             f"{exc.strerror or exc}") from exc
    return server


@contextlib.asynccontextmanager
async def ops_server(settings: Settings, store: RoomStore, *,
                     extra_routes: Iterable[web.RouteDef] | None = None,
                     details: Details | None = None,
                     probe: StoreProbe | None = None) -> AsyncIterator[OpsServer]:
    """`start_ops_server` as a context manager."""
    server = await start_ops_server(settings, store, extra_routes=extra_routes, details=details,
                                    probe=probe)
    try:
        yield server
    finally:
        await server.stop()
