"""The room page served for real: an aiohttp server on 127.0.0.1 and a real Valkey store."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from web_harness import SECRET, PageServer

from facilitator.memory.store import RoomStore
from facilitator.web.links import LinkSigner
from facilitator.web.page import page_routes


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
