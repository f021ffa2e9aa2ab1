"""What `run` builds once per process for the room page and digests (see the report for wiring).

    services = await room_services(store, settings, poster=adapter.post)
    shared_web_app.add_routes(page_routes(store, services.links, ...))  # when links is set
    asyncio.create_task(services.digests.run(stop))
"""

from __future__ import annotations

from facilitator.commands import CommandServices
from facilitator.config import Settings
from facilitator.digests.schedule import DigestScheduler, Poster
from facilitator.memory.store import RoomStore
from facilitator.web.links import LinkSigner, shared_secret


async def room_services(store: RoomStore, settings: Settings, *,
                        poster: Poster | None = None) -> CommandServices:
    links = None
    if settings.public_url:
        secret = await shared_secret(store.client, settings.page_secret)
        links = LinkSigner(secret, settings.public_url)
    digests = DigestScheduler(store, poster, hour=settings.digest_hour_utc)
    return CommandServices(links=links, digests=digests)
