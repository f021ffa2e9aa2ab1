"""Signed, expiring links to a room's page: the token names one room, one use, one deadline.

A token is `<payload>.<mac>`, both base64url: the payload is `scope|expiry|room` and the mac
an HMAC-SHA256 of it under the server's secret. Nothing else is trusted from the URL, so a
link for room A can only ever open room A, and only until it expires.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Literal

import redis.asyncio as aioredis
from redis.asyncio.cluster import RedisCluster

Scope = Literal["page", "export"]
SCOPES: tuple[Scope, ...] = ("page", "export")
PAGE_TTL_S = 24 * 3600  # a page link works for a day, then ask again
EXPORT_TTL_S = 15 * 60  # an admin's export link is short-lived
SECRET_KEY = "fac:page-secret"  # shared by every worker, so any worker can check any link
MIN_SECRET_BYTES = 16


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    """Strict: one spelling per value, so a token is either exactly ours or refused."""
    data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    if _b64(data) != text:
        raise ValueError("not canonical base64url")
    return data


@dataclass(frozen=True, slots=True)
class Claims:
    room_key: str
    scope: Scope
    expires: float


class LinkSigner:
    def __init__(self, secret: bytes, base_url: str, *, page_ttl_s: float = PAGE_TTL_S,
                 export_ttl_s: float = EXPORT_TTL_S) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise ValueError(f"the page secret must be at least {MIN_SECRET_BYTES} bytes")
        self._secret = secret
        self.base_url = base_url.rstrip("/")
        self.page_ttl_s = page_ttl_s
        self.export_ttl_s = export_ttl_s

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()

    def token(self, room_key: str, scope: Scope = "page", *, now: float | None = None,
              ttl_s: float | None = None) -> str:
        now = time.time() if now is None else now
        ttl = ttl_s if ttl_s is not None else (self.page_ttl_s if scope == "page" else self.export_ttl_s)
        payload = f"{scope}|{int(now + ttl)}|{room_key}".encode()
        return f"{_b64(payload)}.{_b64(self._mac(payload))}"

    def verify(self, token: str, scope: Scope, *, now: float | None = None) -> Claims | None:
        """The claims when the token is ours, for this scope and not expired; else None."""
        now = time.time() if now is None else now
        try:
            head, _, mac = token.partition(".")
            payload, given = _unb64(head), _unb64(mac)
        except (binascii.Error, ValueError):
            return None
        if not hmac.compare_digest(self._mac(payload), given):
            return None
        try:
            kind, expiry, room_key = payload.decode().split("|", 2)
            expires = float(int(expiry))
        except (UnicodeDecodeError, ValueError):
            return None
        if kind != scope or not room_key or now >= expires:
            return None
        return Claims(room_key=room_key, scope=scope, expires=expires)

    def page_url(self, room_key: str, *, now: float | None = None) -> str:
        return f"{self.base_url}/room/{self.token(room_key, 'page', now=now)}"

    def export_url(self, room_key: str, *, now: float | None = None) -> str:
        return f"{self.base_url}/room/{self.token(room_key, 'export', now=now)}/export.json"


async def shared_secret(client: aioredis.Redis | RedisCluster, configured: str | None) -> bytes:
    """The configured secret, else one made once and kept in Redis for every worker."""
    if configured:
        return configured.encode()
    fresh = secrets.token_urlsafe(32)
    await client.set(SECRET_KEY, fresh, nx=True)
    stored = await client.get(SECRET_KEY)
    return stored if isinstance(stored, bytes) else str(stored).encode()
