"""`facilitator run discord`: wire the store, the engine and the Discord adapter, then serve."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Mapping
from functools import partial

import aiohttp
import discord

from facilitator.adapters.discord.adapter import DiscordAdapter
from facilitator.adapters.discord.options import TOKEN_VAR, DiscordOptions, OptionsError
from facilitator.config import Settings
from facilitator.engine import Engine
from facilitator.intake.runtime import Pipeline, build_pipeline
from facilitator.memory.store import RoomStore, open_store
from facilitator.policies.onboarding import welcome_text
from facilitator.policies.policy import build_policy
from facilitator.web.server import OpsServerError, start_ops_server
from facilitator.web.services import room_services, web_routes

log = logging.getLogger(__name__)
INTENTS_HELP = ("enable the privileged Message Content and Server Members intents for this bot "
                "(developer portal > your application > Bot > Privileged Gateway Intents)")


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


async def run_discord(args: argparse.Namespace, settings: Settings,
                      env: Mapping[str, str] | None = None) -> int:
    """`env`: DISCORD_* variables to use instead of the settings' (tests)."""
    try:
        options = (DiscordOptions.from_settings(settings) if env is None
                   else DiscordOptions.from_env(env))
        policy = build_policy(settings)
    except (OptionsError, ValueError) as exc:
        _fail(str(exc))
        return 2
    async with open_store(settings, durable=True, exclusive=True) as store:
        services = await room_services(store, settings, llm_status=policy.llm_status)
        welcome = welcome_text(settings, page_available=services.links is not None,
                               base_url=settings.openai_base_url)
        # The engine's bot id becomes the bot's Discord user id once logged in.
        engine = Engine(store, policy, bot_id=settings.bot_name,
                        attack_read=settings.attack_read, welcome=welcome)
        pipeline = build_pipeline(store, engine, platform="discord", settings=settings)
        adapter = DiscordAdapter(pipeline.on_event, options=options, store=store,
                                 onboard=True, services=services)
        # With the streams intake the worker posts (once: the nonce carries the trigger).
        if not pipeline.streams:
            pipeline.delivery.poster = adapter.post
            pipeline.delivery.reacter = adapter.react
        try:
            ops = await start_ops_server(
                settings, store,
                extra_routes=web_routes(store, services, settings, pipeline.metrics),
                details=partial(_details, adapter, store, pipeline))
        except OpsServerError as exc:
            _fail(str(exc))
            return 2
        print(f"facilitator: health on http://{settings.http_host}:{ops.port}/healthz and /readyz",
              file=sys.stderr)
        digests_stop = asyncio.Event()
        digests = None
        if services.digests is not None:
            services.digests.poster = adapter.post
            digests = asyncio.create_task(services.digests.run(digests_stop), name="digests")
        try:
            return await _serve(adapter, engine, pipeline)
        finally:
            await pipeline.stop()
            digests_stop.set()
            if digests is not None:
                with contextlib.suppress(BaseException):
                    await digests
            await adapter.stop()
            await ops.stop()


def _details(adapter: DiscordAdapter, store: RoomStore, pipeline: Pipeline) -> dict[str, int]:
    """Counters shown by /readyz: what is held, retried, lost or refused."""
    return {**pipeline.details(), "events_held": adapter.holding.held, "retries": adapter.holding.retries,
            "events_failed": adapter.holding.failed, "events_dropped": adapter.lanes.dropped,
            "events_invalid": adapter.invalid, "rooms_quarantined": store.quarantined,
            "store_restarts": store.server.restarts if store.server else 0}


async def _serve(adapter: DiscordAdapter, engine: Engine, pipeline: Pipeline) -> int:
    try:
        await adapter.login()
    except discord.LoginFailure:
        _fail(f"Discord rejected the token in {TOKEN_VAR}; reset it in the developer portal "
              "(Bot > Reset Token) and try again")
        return 2
    except (discord.HTTPException, aiohttp.ClientError, OSError) as exc:
        _fail(f"cannot reach Discord: {exc}")
        return 1
    engine.bot_id = str(adapter.bot_id)
    # The worker starts once the bot knows its own id (the engine tells its posts by it).
    pipeline.start(adapter)
    print(f"facilitator: logged in as {adapter.client.user}; invite link: {adapter.invite_url()}",
          file=sys.stderr)
    try:
        await adapter.start()
    except discord.PrivilegedIntentsRequired:
        _fail(INTENTS_HELP)
        return 2
    except (discord.DiscordException, aiohttp.ClientError, OSError) as exc:
        _fail(f"the Discord gateway failed: {exc}")
        return 1

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    stopping = asyncio.create_task(stop.wait())
    closed = asyncio.create_task(adapter.wait_closed())
    try:
        await asyncio.wait({stopping, closed}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGTERM)
    if closed.done():
        exc = closed.exception()
        if exc is not None:
            _fail(f"the Discord connection ended: {exc}")
            return 1
    else:
        closed.cancel()
    return 0
