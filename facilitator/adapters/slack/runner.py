"""`facilitator run slack [--http] [--port N]`: connect, facilitate, stop cleanly on a signal."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Callable
from functools import partial

from facilitator.adapters.slack.adapter import SlackAdapter, SlackStartError
from facilitator.adapters.slack.config import SlackConfig, SlackConfigError
from facilitator.adapters.slack.stores import RedisInstallationStore, RedisOAuthStateStore
from facilitator.adapters.slack.translate import PLATFORM
from facilitator.config import Settings
from facilitator.engine import Engine
from facilitator.intake.runtime import Pipeline, build_pipeline
from facilitator.memory.store import RoomStore, open_store
from facilitator.policies.commands import run_command
from facilitator.policies.onboarding import welcome_text
from facilitator.policies.policy import build_policy
from facilitator.web.health import StoreProbe
from facilitator.web.server import OpsServerError, start_ops_server
from facilitator.web.services import room_services, web_routes

log = logging.getLogger(__name__)


async def run_slack(args: argparse.Namespace, settings: Settings) -> int:
    """Exit code: 0 after a clean stop, 2 for missing or bad settings, 1 when Slack refuses."""
    try:
        config = SlackConfig.from_settings(settings, http=bool(args.http), port=int(args.port),
                                      bot_name=settings.bot_name)
    except SlackConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        return await serve(config, settings, stop)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def serve(config: SlackConfig, settings: Settings, stop: asyncio.Event,
                on_ready: Callable[[SlackAdapter], object] | None = None) -> int:
    """Run until `stop` is set. Memory is durable: it survives restarts of the bot."""
    async with open_store(settings, durable=True, exclusive=True) as store:
        policy = build_policy(settings)
        services = await room_services(store, settings, llm_status=policy.llm_status)
        welcome = welcome_text(settings, page_available=services.links is not None,
                               base_url=settings.openai_base_url)
        engine = Engine(store, policy, bot_id=settings.bot_name,
                        attack_read=settings.attack_read, welcome=welcome)
        pipeline = build_pipeline(store, engine, platform=PLATFORM, settings=settings)
        installation_store = state_store = None
        if config.oauth:
            installation_store = RedisInstallationStore(store.client, client_id=config.client_id)
            state_store = RedisOAuthStateStore(store.client, client_id=config.client_id)
        probe = StoreProbe(store.client)

        async def uninstall(team: str, enterprise: str | None) -> None:
            gone = await store.delete_workspace(PLATFORM, team)
            log.warning("Slack workspace %s uninstalled the app: deleted %d room(s)", team, gone)

        adapter = SlackAdapter(pipeline.on_event, config, installation_store=installation_store,
                               state_store=state_store,
                               commands=partial(run_command, store, services=services),
                               probe=probe, on_uninstall=uninstall,
                               store=store, onboard=True, links=services.links,
                               append=pipeline.append if pipeline.streams else None)
        # With the streams intake the worker posts (once, with the trigger in the metadata).
        if not pipeline.streams:
            pipeline.delivery.poster = adapter.post
            pipeline.delivery.reacter = adapter.react
        try:
            ops = await start_ops_server(
                settings, store, probe=probe,
                extra_routes=web_routes(store, services, settings, pipeline.metrics),
                details=partial(_details, adapter, store, pipeline))
        except OpsServerError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        digests = None
        try:
            try:
                await adapter.start()
            except SlackStartError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
            if services.digests is not None:
                services.digests.poster = adapter.post
                digests = asyncio.create_task(services.digests.run(stop), name="digests")
            mode = "HTTP Events API" if config.http else "Socket Mode"
            where = f" on port {adapter.http_port}" if adapter.http_port else ""
            install = " — install at /slack/install" if config.oauth else ""
            print(f"facilitator: connected to Slack ({mode}{where}){install}; health on "
                  f"http://{settings.http_host}:{ops.port}/healthz and /readyz; Ctrl-C stops",
                  file=sys.stderr)
            pipeline.start(adapter.sender, prepare=adapter.prepare)
            if on_ready is not None:
                on_ready(adapter)
            try:
                await stop.wait()
            finally:
                await pipeline.stop()
                if digests is not None:
                    digests.cancel()
                    with contextlib.suppress(BaseException):
                        await digests
                with contextlib.suppress(Exception):
                    await adapter.stop()
        finally:
            await ops.stop()
    return 0


def _details(adapter: SlackAdapter, store: RoomStore, pipeline: Pipeline) -> dict[str, int]:
    """Counters shown by /readyz: what is held, retried, lost or refused."""
    return {**pipeline.details(), "events_held": adapter.holding.held, "retries": adapter.holding.retries,
            "events_failed": adapter.holding.failed, "events_dropped": adapter.lanes.dropped,
            "events_invalid": adapter.invalid, "events_foreign": adapter.foreign,
            "rooms_quarantined": store.quarantined,
            "store_restarts": store.server.restarts if store.server else 0}
