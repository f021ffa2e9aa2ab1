"""What `run` builds once per process for the room page and digests.

    services = await room_services(store, settings)
    ops = await start_ops_server(settings, store, extra_routes=web_routes(store, services, settings))
    asyncio.create_task(services.digests.run(stop))
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from facilitator.config import Settings
from facilitator.memory.store import RoomStore
from facilitator.policies.commands import CommandServices
from facilitator.policies.digests.schedule import DigestScheduler, Poster
from facilitator.web.links import LinkSigner, shared_secret
from facilitator.web.metrics import Metrics
from facilitator.web.page import page_routes
from facilitator.web.server import route_groups


async def room_services(store: RoomStore, settings: Settings, *,
                        poster: Poster | None = None,
                        llm_status: Callable[[], str | None] | None = None) -> CommandServices:
    links = None
    if settings.public_url:
        secret = await shared_secret(store.client, settings.page_secret_value)
        links = LinkSigner(secret, settings.public_url)
    digests = DigestScheduler(store, poster, hour=settings.digest_hour_utc)
    return CommandServices(links=links, digests=digests, llm_status=llm_status)


def web_routes(store: RoomStore, services: CommandServices,
               settings: Settings, metrics: Metrics | None = None) -> list[web.RouteDef]:
    """Every route group of the ops port, with the room page when the bot knows its public
    address (links handed to members must open)."""
    routes = route_groups(store, metrics)
    if services.links is not None:
        routes += page_routes(store, services.links, retention_days=settings.retention_days)
    return routes
