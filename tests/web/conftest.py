"""The room page served for real: an aiohttp server on 127.0.0.1 and a real Valkey store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web

from facilitator.memory.store import RoomStore
from facilitator.web.links import LinkSigner
from facilitator.web.page import page_routes

SECRET = b"test-secret-of-the-room-page-0123456789"


@dataclass
class PageServer:
    url: str
    signer: LinkSigner
    store: RoomStore


@pytest.fixture
async def page_server(store: RoomStore) -> AsyncIterator[PageServer]:
    app = web.Application()
    signer = LinkSigner(SECRET, "http://placeholder")
    app.add_routes(page_routes(store, signer, retention_days=30))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = int(runner.addresses[0][1])
    url = f"http://127.0.0.1:{port}"
    signer.base_url = url  # links point at this very server
    try:
        yield PageServer(url, signer, store)
    finally:
        await runner.cleanup()
