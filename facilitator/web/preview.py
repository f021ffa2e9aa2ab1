"""The room page without a workspace: after `simulate` or `replay`, on 127.0.0.1 or in a file.

The same page as members see (facilitator.web.page), from the same store, behind the same
signed link — only the address is local and nothing has to be public:

    url, stop = await serve_preview(store, room_key, port=0)   # http://127.0.0.1:PORT/room/...
    write_preview(state, Path("room.html"))                     # one self-contained file
"""

from __future__ import annotations

import secrets
from pathlib import Path

from aiohttp import web

from facilitator.memory.state import RoomState
from facilitator.memory.store import RoomStore
from facilitator.web.links import LinkSigner
from facilitator.web.page import page_routes, render_page
from facilitator.web.server import listen

LOCALHOST = "127.0.0.1"


class Preview:
    """A page server on loopback for one room; `stop()` closes it."""

    def __init__(self, runner: web.AppRunner, url: str) -> None:
        self._runner = runner
        self.url = url

    async def stop(self) -> None:
        await self._runner.cleanup()


async def serve_preview(store: RoomStore, room_key: str, *, port: int = 0,
                        retention_days: float | None = None) -> Preview:
    """Serve the room's page on 127.0.0.1:`port` (0: a free one). OSError if the port is taken."""
    signer = LinkSigner(secrets.token_bytes(32), "http://placeholder")
    app = web.Application()
    app.add_routes(page_routes(store, signer, retention_days=retention_days))
    runner, bound = await listen(app, LOCALHOST, port)
    signer.base_url = f"http://{LOCALHOST}:{bound}"
    return Preview(runner, signer.page_url(room_key))


def write_preview(state: RoomState, path: Path, *, retention_days: float | None = None) -> None:
    """The page as one HTML file (styles and charts inline: it opens anywhere, offline)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_page(state, expires=None, retention_days=retention_days),
                    encoding="utf-8")
