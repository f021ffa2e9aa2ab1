"""Bolt wiring: an AsyncApp whose listeners only hand payloads to the adapter.

Events are acked by bolt before the listener runs; the slash command listener acks first
thing. Listeners do no I/O of their own: the adapter translates and queues, and the engine
runs afterwards, so Slack always gets its answer well inside 3 seconds. Over HTTP the same
app sits behind an aiohttp server (`WebServer`, below) that checks each request first.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from facilitator.adapters.slack.config import (
    BOT_SCOPES,
    EVENTS_PATH,
    INSTALL_PATH,
    REDIRECT_PATH,
    SlackConfig,
)
from facilitator.adapters.slack.translate import body_problem
from facilitator.web.health import StoreProbe, health_routes
from facilitator.web.server import listen

log = logging.getLogger(__name__)
COMMAND = "/facilitator"
EVENT_TYPES = (
    "message", "app_mention", "reaction_added", "reaction_removed",
    "member_joined_channel", "member_left_channel", "app_home_opened",
)


class SlackSink(Protocol):
    def accept_event(self, body: dict[str, Any],
                     context: AsyncBoltContext) -> Awaitable[None] | None: ...

    def accept_command(self, command: dict[str, Any], context: AsyncBoltContext,
                       respond: AsyncRespond) -> None: ...

    async def uninstalled(self, team: str, enterprise: str | None, *, whole_app: bool) -> None: ...


def retry_num(request: AsyncBoltRequest) -> int:
    values = request.headers.get("x-slack-retry-num") or ["0"]
    try:
        return int(values[0])
    except ValueError:
        return 0


class _TokenViaClient(logging.Filter):
    """bolt reads SLACK_BOT_TOKEN itself and warns that our `client` (which carries that
    very token) takes precedence; that is intended, so the warning is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "As you gave `client` as well" not in record.getMessage()


BOLT_LOG = logging.getLogger("facilitator.adapters.slack.bolt")
BOLT_LOG.addFilter(_TokenViaClient())


def build_app(config: SlackConfig, client: AsyncWebClient, sink: SlackSink, *,
              installation_store: AsyncInstallationStore | None = None,
              state_store: AsyncOAuthStateStore | None = None,
              process_before_response: bool = False) -> AsyncApp:
    bolt_log = BOLT_LOG
    oauth_settings: AsyncOAuthSettings | None = None
    authorize: AsyncInstallationStoreAuthorize | None = None
    if config.oauth:
        if installation_store is None or state_store is None:
            raise ValueError("OAuth needs an installation store and a state store")
        oauth_settings = AsyncOAuthSettings(
            client_id=config.client_id, client_secret=config.client_secret,
            scopes=list(BOT_SCOPES), user_scopes=[], redirect_uri=config.redirect_uri,
            install_path=INSTALL_PATH, redirect_uri_path=REDIRECT_PATH,
            installation_store=installation_store, installation_store_bot_only=True,
            state_store=state_store, logger=bolt_log,
        )
        # bolt's default authorize calls auth.test on every event; the result for a given
        # token never changes, so cache it (a reinstall brings a new token, a new entry).
        authorize = AsyncInstallationStoreAuthorize(
            logger=bolt_log, installation_store=installation_store,
            client_id=config.client_id, client_secret=config.client_secret,
            bot_only=True, cache_enabled=True, client=client,
        )
    app = AsyncApp(
        name="facilitator",
        logger=bolt_log,
        client=client,
        # Explicit values throughout: bolt would otherwise read SLACK_* from the environment.
        signing_secret=config.signing_secret or "",
        request_verification_enabled=True,  # Socket Mode requests skip it by design
        ignoring_self_events_enabled=True,
        installation_store=installation_store if config.oauth else None,
        installation_store_bot_only=True if config.oauth else None,
        authorize=authorize,
        oauth_settings=oauth_settings,
        process_before_response=process_before_response,
    )

    async def on_event(body: dict[str, Any], context: AsyncBoltContext,
                       request: AsyncBoltRequest) -> None:
        if retry_num(request):
            # Processed again on purpose (the first delivery may have been lost before it was
            # queued); the stable event id makes the engine drop it if it was not.
            log.debug("Slack retry %d of event %s", retry_num(request), body.get("event_id"))
        queued = sink.accept_event(body, context)
        if queued is not None:
            # With the streams intake the event is appended before Slack gets its ack
            # (process_before_response); if that fails, no ack: Slack delivers it again.
            await queued

    for event_type in EVENT_TYPES:
        app.event(event_type)(on_event)

    async def on_command(ack: AsyncAck, command: dict[str, Any], context: AsyncBoltContext,
                         respond: AsyncRespond) -> None:
        await ack()  # empty ack: the answer follows as a post or an ephemeral reply
        sink.accept_command(command, context, respond)

    app.command(COMMAND)(on_command)

    async def on_page_button(ack: AsyncAck) -> None:
        # The App Home's "Open the room's page" is a link button: the browser opens the URL,
        # and Slack still expects an ack for the click.
        await ack()

    app.action(re.compile(r"^page-"))(on_page_button)

    async def on_uninstall(body: dict[str, Any], context: AsyncBoltContext) -> None:
        # Our own listener in both modes (bolt runs one listener per event, so this replaces
        # its token-revocation listeners): the installation data goes, as bolt's would, and
        # when the bot itself lost access, so do the workspace's rooms.
        event = body.get("event") or {}
        team = context.team_id or str(body.get("team_id") or "")
        enterprise = context.enterprise_id or body.get("enterprise_id") or None
        whole_app = event.get("type") == "app_uninstalled"
        if event.get("type") == "tokens_revoked":
            tokens = event.get("tokens") or {}
            whole_app = bool(tokens.get("bot"))
            if installation_store is not None:
                for user in tokens.get("oauth") or []:
                    await installation_store.async_delete_installation(
                        enterprise_id=enterprise, team_id=team, user_id=user)
        log.warning("Slack reports %s for workspace %s%s", event.get("type"), team,
                    "; deleting its rooms and installation data" if whole_app else "")
        if whole_app and installation_store is not None:
            await installation_store.async_delete_all(enterprise_id=enterprise, team_id=team)
        await sink.uninstalled(team, enterprise, whole_app=whole_app)

    app.event("app_uninstalled")(on_uninstall)
    app.event("tokens_revoked")(on_uninstall)
    return app


# The HTTP side: Events API requests and the OAuth install pages, on aiohttp.
#
# bolt's own `AsyncSlackAppServer` blocks in `web.run_app`; this runs the same bolt aiohttp
# adapter on an AppRunner so it starts and stops inside our event loop.
SIGNATURE_MAX_AGE_S = 5 * 60  # as slack_sdk's SignatureVerifier


def read_body(raw: bytes, content_type: str | None) -> tuple[Any, str | None]:
    """A request body as bolt parses it (JSON, a form, or a form whose `payload` is JSON),
    strictly: (body, None), or (None, why it cannot be read)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "the body is not UTF-8"
    try:
        if not text:
            return {}, None
        if content_type == "application/json" or text.startswith("{"):
            body: Any = json.loads(text)
        else:
            form = dict(parse_qsl(text, keep_blank_values=True))
            body = json.loads(form["payload"]) if "payload" in text and "payload" in form else (
                {} if "payload" in text else form)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        return None, f"the body is not valid JSON ({type(exc).__name__})"
    problem = body_problem(body)
    return (None, problem) if problem else (body, None)


def build_web_app(app: AsyncApp, *, events: bool, probe: StoreProbe | None = None,
                  holding: Callable[[], bool] | None = None,
                  signing_secret: str | None = None) -> web.Application:
    routes = health_routes(probe) if probe is not None else [web.get("/healthz", _health)]
    verifier = SignatureVerifier(signing_secret) if signing_secret else None
    if events:
        async def dispatch(request: web.Request) -> web.Response:
            # While the store cannot keep an event, say so: Slack redelivers on a non-2xx
            # (up to 3 times, over about an hour), where a 200 would lose the event.
            if (holding is not None and holding()) or (probe is not None and not await probe.ready()):
                return web.Response(status=503, text="store unavailable; retry later")
            raw = await request.read()
            _, problem = read_body(raw, request.content_type)
            if problem is None:
                try:
                    bolt_request = AsyncBoltRequest(body=raw.decode("utf-8"),
                                                    query=request.query_string,
                                                    headers=request.headers)  # type: ignore[arg-type]
                except Exception as exc:  # bolt reading what it wants from the body
                    problem = f"bolt could not read it ({type(exc).__name__})"
            if problem is not None:
                if not _signed(verifier, raw, request):
                    return web.json_response({"error": "invalid request"}, status=401)
                # Signed by Slack (or by whoever holds the secret), yet not readable: one line,
                # no traceback, and a 4xx so it is not mistaken for our failure.
                log.warning("Slack request refused (400): %s", problem)
                return web.Response(status=400, text=f"cannot read this request: {problem}")
            # bolt checks the signature and timestamp (401 when wrong or older than 5 min).
            return await to_aiohttp_response(await app.async_dispatch(bolt_request))

        routes.append(web.post(EVENTS_PATH, dispatch))
    flow = app.oauth_flow
    if flow is not None:
        async def install(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_installation(await to_bolt_request(request)))

        async def redirect(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

        routes += [web.get(flow.install_path, install), web.get(flow.redirect_uri_path, redirect)]
    web_app = web.Application(client_max_size=1024 * 1024)
    web_app.add_routes(routes)
    return web_app


def _signed(verifier: SignatureVerifier | None, raw: bytes, request: web.Request) -> bool:
    """Slack's signature check (slack_sdk's), also for a body that is not UTF-8 (which the
    SDK cannot take): the same HMAC over the raw bytes."""
    timestamp = request.headers.get("X-Slack-Request-Timestamp")
    signature = request.headers.get("X-Slack-Signature")
    if verifier is None or timestamp is None or signature is None:
        return False
    try:
        return verifier.is_valid(body=raw.decode("utf-8"), timestamp=timestamp,
                                 signature=signature)
    except UnicodeDecodeError:
        pass
    except ValueError:  # a timestamp that is not a number
        return False
    try:
        if abs(time.time() - int(timestamp)) > SIGNATURE_MAX_AGE_S:
            return False
    except ValueError:
        return False
    expected = hmac.new(verifier.signing_secret.encode(), b"v0:" + timestamp.encode() + b":" + raw,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"v0={expected}", signature)


async def _health(request: web.Request) -> web.Response:
    return web.Response(text="ok")


class WebServer:
    def __init__(self, web_app: web.Application, host: str, port: int) -> None:
        self.web_app = web_app
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> int:
        """Listen; returns the bound port (useful with port 0)."""
        self._runner, self.port = await listen(self.web_app, self.host, self.port)
        log.info("Slack HTTP endpoint on http://%s:%d", self.host, self.port)
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
