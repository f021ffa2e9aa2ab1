"""The room page's test server pieces (a unique module name: several test folders have a
`conftest`, so tests import these from here)."""

from __future__ import annotations

from dataclasses import dataclass

from facilitator.memory.store import RoomStore
from facilitator.web.links import LinkSigner

SECRET = b"test-secret-of-the-room-page-0123456789"


@dataclass
class PageServer:
    url: str
    signer: LinkSigner
    store: RoomStore
