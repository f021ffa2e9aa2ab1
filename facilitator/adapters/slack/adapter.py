"""The Slack adapter: Socket Mode or HTTP in, ChatEvents to the engine, posts back out.

It translates only. Listeners queue work per room and return at once (the ack); a worker
per room then resolves the speaker's name, hands the event to `on_event` (the engine) and
the engine calls `post` when the bot speaks. Who a speaker is (name, bot, admin) comes from
users.info through the adapter's `UserDirectory`, below.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import aiohttp
from pydantic import ValidationError
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncBoltContext, AsyncRespond
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from facilitator.adapters.base import Adapter, EventCallback
from facilitator.adapters.lanes import Job, Lanes, run_job
from facilitator.adapters.slack.app import WebServer, build_app, build_web_app
from facilitator.adapters.slack.config import SlackConfig
from facilitator.adapters.slack.home import home_view, shared_rooms
from facilitator.adapters.slack.posting import ChannelPacer, SlackSender
from facilitator.adapters.slack.translate import (
    Scope,
    ThreadIndex,
    body_problem,
    bot_joined_event,
    command_room,
    room_ref,
    to_slack,
    translate_event,
)
from facilitator.events import Author, ChatEvent, EventKind, RoomRef
from facilitator.intake.delivery import Holding
from facilitator.memory.state import CAP_PARTICIPANTS
from facilitator.memory.store import RoomStore
from facilitator.policies.commands import CommandReply, CommandRequest
from facilitator.web.health import StoreProbe
from facilitator.web.links import LinkSigner

log = logging.getLogger(__name__)

CommandRunner = Callable[[CommandRequest], Awaitable[CommandReply]]
UninstallHandler = Callable[[str, str | None], Awaitable[object]]
NETWORK_ERRORS = (SlackClientError, aiohttp.ClientError, TimeoutError)
RATE_LIMIT_RETRIES = 3
STOP_DRAIN_S = 10.0
MAX_PENDING_PER_ROOM = 500  # a flood in one room must not eat the process's memory
CONNECT_TIMEOUT_S = 30.0
MEMBERS_PAGE = 200  # conversations.members page size (Slack recommends at most 200)
# users.info is Tier 4 (100+ calls a minute): names of members learned on joining are
# looked up in the background at about that pace, so commands and speakers never wait.
LOOKUP_INTERVAL_S = 0.6


class SlackStartError(RuntimeError):
    """The adapter cannot connect; the message says which setting or service is at fault."""


class SlackPostError(RuntimeError):
    pass


def make_client(config: SlackConfig) -> AsyncWebClient:
    """The Web API client: 429s are retried after Retry-After on every call made with it."""
    kwargs: dict[str, Any] = {"token": config.bot_token}
    if config.api_url:
        kwargs["base_url"] = config.api_url if config.api_url.endswith("/") else config.api_url + "/"
    client = AsyncWebClient(**kwargs)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


class SlackAdapter(Adapter):
    name = "slack"

    def __init__(self, on_event: EventCallback, config: SlackConfig, *,
                 client: AsyncWebClient | None = None,
                 installation_store: AsyncInstallationStore | None = None,
                 state_store: AsyncOAuthStateStore | None = None,
                 commands: CommandRunner | None = None,
                 store: RoomStore | None = None, onboard: bool = False,
                 links: LinkSigner | None = None,
                 lookup_interval_s: float = LOOKUP_INTERVAL_S,
                 probe: StoreProbe | None = None,
                 on_uninstall: UninstallHandler | None = None,
                 append: Callable[[ChatEvent], Awaitable[None]] | None = None) -> None:
        """`onboard` turns on joining: when the bot is added to a channel, its members and name
        go to the engine in a JOIN event (the engine learns them and welcomes the room once).
        `store` turns on the App Home; `links` adds room page links to it. `append` (the streams
        intake) queues each event durably before Slack is acknowledged; names are then
        looked up by the worker (`prepare`)."""
        super().__init__(on_event)
        self.store = store
        self.onboard = onboard
        self.links = links
        self.lookup_interval_s = lookup_interval_s
        self._background: set[asyncio.Task[None]] = set()
        # Events the store cannot take yet are held and retried in order (Socket Mode has no
        # redelivery); over HTTP, `probe` makes the endpoint answer 503 so Slack redelivers.
        self.holding = Holding(on_event)
        self.probe = probe
        self.on_uninstall = on_uninstall
        self.config = config
        self.client = client or make_client(config)
        self.installation_store = installation_store
        self.commands = commands
        self.users = UserDirectory(self.client)
        # Events, joins, App Home views and commands: in order per room, rooms side by side.
        self.lanes: Lanes[Job] = Lanes(run_job, cap=MAX_PENDING_PER_ROOM, name="slack-room")
        self.pacer = ChannelPacer(config.min_post_interval)
        self.threads = ThreadIndex()
        self.sender = SlackSender(self.client, self._token_for, slot=self.pacer.slot,
                                  on_posted=self._posted)
        self._tokens: dict[str, str] = {}  # workspace -> bot token, learned from its events
        self.append = append
        self.app = build_app(config, self.client, self, installation_store=installation_store,
                             state_store=state_store, process_before_response=append is not None)
        self.invalid = 0  # payloads whose fields broke the event limits (logged, dropped)
        self.foreign = 0  # events and commands from a workspace the bot is not installed in
        self._socket: AsyncSocketModeHandler | None = None
        self._web: WebServer | None = None
        self.http_port: int | None = None
        self.received = 0  # payloads that reached a listener (events and commands)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        try:
            if self.config.bot_token:
                await self._check_bot_token()
            if self.config.serves_http:
                self._web = WebServer(build_web_app(self.app, events=self.config.http,
                                                    probe=self.probe, holding=self._holding,
                                                    signing_secret=self.config.signing_secret),
                                      self.config.host, self.config.port)
                try:
                    self.http_port = await self._web.start()
                except OSError as exc:
                    raise SlackStartError(f"cannot listen on {self.config.host}:{self.config.port}: "
                                          f"{exc.strerror or exc}") from exc
            if not self.config.http:
                await self._connect_socket()
        except BaseException:
            await self.stop()
            raise

    async def _check_bot_token(self) -> None:
        try:
            await self.client.auth_test(token=self.config.bot_token)
        except SlackApiError as exc:
            raise SlackStartError(
                f"SLACK_BOT_TOKEN was rejected by Slack: {exc.response.get('error')}") from exc
        except NETWORK_ERRORS as exc:
            raise SlackStartError(f"cannot reach the Slack API: {exc}") from exc

    async def _connect_socket(self) -> None:
        assert self.config.app_token is not None
        # Ask for the WebSocket URL ourselves: the SDK's connect() would retry a rejected
        # token forever, and a bad setup should fail at once with the variable's name.
        try:
            opened = await self.client.apps_connections_open(app_token=self.config.app_token)
        except SlackApiError as exc:
            raise SlackStartError(
                f"SLACK_APP_TOKEN was rejected by Slack: {exc.response.get('error')}") from exc
        except NETWORK_ERRORS as exc:
            raise SlackStartError(f"cannot reach the Slack API: {exc}") from exc
        handler = AsyncSocketModeHandler(self.app, self.config.app_token, web_client=self.client)
        handler.client.wss_uri = opened["url"]
        self._socket = handler
        try:
            # The SDK retries a failing connection forever; at start-up, say so instead.
            async with asyncio.timeout(CONNECT_TIMEOUT_S):
                await handler.connect_async()
        except TimeoutError as exc:
            raise SlackStartError(f"no Socket Mode connection to Slack within "
                                  f"{CONNECT_TIMEOUT_S:.0f} s") from exc
        log.info("connected to Slack in Socket Mode")

    def _holding(self) -> bool:
        """True while events wait for the store: new HTTP events are refused (503) meanwhile."""
        return self.holding.held > 0

    async def stop(self) -> None:
        # Events still waiting for a dead store give up now (counted and logged).
        self.holding.stopping.set()
        socket, self._socket = self._socket, None
        if socket is not None:
            await socket.close_async()
        web, self._web = self._web, None
        if web is not None:
            await web.stop()
        # Finish what was already acked: Slack will not send those events again.
        await self.lanes.close(STOP_DRAIN_S)
        for task in list(self._background):
            task.cancel()  # name lookups are a nicety; they resume on the next join
        await asyncio.gather(*self._background, return_exceptions=True)

    async def drain(self) -> None:
        """Wait until every queued event and command has been handled."""
        await self.lanes.drain()

    # ------------------------------------------------------------------ inbound

    def accept_event(self, body: dict[str, Any],
                     context: AsyncBoltContext) -> Awaitable[None] | None:
        """Called by the bolt listener after the ack; must not block. With `append`, called
        before the ack, and returns the append for the listener to await."""
        self.received += 1
        problem = body_problem(body)
        if problem is not None:
            # Over HTTP such a body got a 400 already; Socket Mode has no status to give.
            self.invalid += 1
            log.warning("Slack event %s dropped: cannot read it: %s",
                        body.get("event_id") if isinstance(body, dict) else None, problem)
            return None
        team = context.team_id or str(body.get("team_id") or "")
        if not self._installed_in(team, context):
            self.foreign += 1
            log.info("Slack event %s from workspace %s ignored: the bot is not installed there",
                     body.get("event_id"), team)
            return None
        if context.bot_token:
            self._tokens[team] = context.bot_token
        raw = body.get("event") or {}
        if raw.get("type") == "app_home_opened":
            if raw.get("tab") == "home" and raw.get("user") and self.store is not None:
                user = str(raw["user"])
                self.lanes.submit(f"home:{team}:{user}",
                                   partial(self._publish_home, team, user, context.bot_token))
            return
        if (raw.get("type") == "member_joined_channel" and raw.get("channel") and raw.get("user")
                and raw.get("user") == context.bot_user_id):
            # The bot itself was added: who is there is listed after the ack, in the room's lane.
            room = room_ref(team, str(raw["channel"]))
            self.lanes.submit(room.key, partial(self._joined, room, context.bot_token,
                                                 str(context.bot_user_id),
                                                 raw.get("event_ts") or body.get("event_time")))
            return
        scope = Scope(team=team, bot_user_id=context.bot_user_id, bot_id=context.bot_id,
                      bot_name=self.config.bot_name, ignore_bots=self.config.ignore_bots)
        try:
            event = translate_event(body, scope, self.threads.get)
        except ValidationError as exc:
            # A field beyond the documented limits (events.py): never crash the listener.
            self.invalid += 1
            log.warning("Slack event %s dropped: %s", body.get("event_id"),
                        exc.errors(include_input=False)[0]["msg"])
            return
        if event is None:
            return
        if event.kind == EventKind.MESSAGE:
            self.threads.remember(team, event.room.channel, event.id, event.room.thread)
        if self.append is not None:
            return self.append(event)
        self.lanes.submit(event.room.key, partial(self._deliver, event, context.bot_token))
        return None

    @staticmethod
    def _installed_in(team: str, context: AsyncBoltContext) -> bool:
        """Whether `team` is the workspace the token answering this request belongs to. With
        one token (SLACK_BOT_TOKEN), bolt authorizes every request with it, whatever team
        sent it; with OAuth, bolt refuses a team with no installation before any listener.
        An org-wide (Enterprise Grid) install answers for every team of the org."""
        result = context.authorize_result
        if result is None or not result.team_id or context.is_enterprise_install:
            return True
        return team == result.team_id

    async def prepare(self, event: ChatEvent, token: str | None = None) -> ChatEvent | None:
        """The author's name, looked up after the ack (Slack events carry only the user id);
        None for a bot user posting as a user when bots are ignored. The lane calls it before
        delivering with the event's token; the worker (streams intake) calls it with none, and
        the workspace's token is used."""
        author = event.author
        if author.is_bot or author.name or event.kind == EventKind.DELETE:
            return event
        info = await self.users.get(event.room.workspace, author.id,
                                    token or await self._token_for(event.room.workspace))
        if info.is_bot and self.config.ignore_bots:
            return None  # a bot user posting as a user: still a bot
        return event.model_copy(update={"author": Author(id=author.id, name=info.name,
                                                         is_bot=info.is_bot)})

    async def _deliver(self, event: ChatEvent, token: str | None) -> None:
        prepared = await self.prepare(event, token)
        if prepared is not None:
            await self.holding.deliver(prepared)

    async def uninstalled(self, team: str, enterprise: str | None, *, whole_app: bool) -> None:
        """app_uninstalled / tokens_revoked (bot): forget the workspace's token and let the
        runner delete its rooms and installation data."""
        self._tokens.pop(team, None)
        if whole_app and self.on_uninstall is not None:
            await self.on_uninstall(team, enterprise)

    # ------------------------------------------------------------------ joining, App Home

    async def channel_members(self, room: RoomRef, token: str | None) -> list[str]:
        """Who is in the channel (ids), page by page, up to what a room keeps."""
        members: list[str] = []
        cursor: str | None = None
        while len(members) < CAP_PARTICIPANTS:
            try:
                response = await self.client.conversations_members(
                    channel=room.channel, limit=MEMBERS_PAGE, cursor=cursor, token=token)
            except NETWORK_ERRORS as exc:
                log.warning("room %s: conversations.members failed: %s", room.key, exc)
                break
            members += [str(m) for m in response.get("members") or []]
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
        return members[:CAP_PARTICIPANTS]

    async def _joined(self, room: RoomRef, token: str | None, bot_user_id: str,
                      event_ts: object) -> None:
        """The bot was added: its members and the channel's name, as one JOIN event to the
        engine (which learns them and decides on the welcome; delivery posts it)."""
        if not self.onboard:
            return
        ids = [m for m in await self.channel_members(room, token) if m != bot_user_id]
        title = ""
        try:
            info = await self.client.conversations_info(channel=room.channel, token=token)
            title = str((info.get("channel") or {}).get("name") or "")
        except NETWORK_ERRORS as exc:
            log.info("room %s: no channel name (%s)", room.key, exc)
        event = bot_joined_event(room, bot_user_id, event_ts, [Author(id=m) for m in ids], title)
        if not await self._emit(event):
            return
        task = asyncio.create_task(self._name_members(event, token),
                                   name=f"slack-names:{room.key}")
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _emit(self, event: ChatEvent) -> bool:
        """An event the adapter makes itself (not a payload's): queued durably with the
        streams intake, else handed to the engine (held while the store is down)."""
        if self.append is None:
            await self.holding.deliver(event)
            return True
        try:
            await self.append(event)
        except Exception as exc:  # the room works without a welcome; never crash the lane
            log.warning("room %s: cannot queue event %s: %s", event.room.key, event.id, exc)
            return False
        return True

    async def _name_members(self, joined: ChatEvent, token: str | None) -> None:
        """Look up the names of the members listed on joining, paced (the welcome does not
        wait for them), and send the join again with them: learning is idempotent, so the
        engine only fills in names and drops members found to be bots."""
        room = joined.room
        found: list[Author] = []
        for i, member in enumerate(joined.roster or ()):
            if i and self.lookup_interval_s:
                await asyncio.sleep(self.lookup_interval_s)
            info = await self.users.get(room.workspace, member.id, token)
            found.append(Author(id=member.id, name=info.name, is_bot=info.is_bot))
        if found:
            named = joined.model_copy(update={"id": f"{joined.id}:names", "roster": tuple(found)})
            await self._emit(named)

    async def _publish_home(self, team: str, user: str, token: str | None) -> None:
        assert self.store is not None
        rooms = await shared_rooms(self.store, team, user)
        try:
            await self.client.views_publish(user_id=user, view=home_view(rooms, self.links),
                                            token=token or await self._token_for(team))
        except (*NETWORK_ERRORS, SlackPostError) as exc:
            log.warning("App Home for %s in %s could not be published: %s", user, team, exc)

    def accept_command(self, command: dict[str, Any], context: AsyncBoltContext,
                       respond: AsyncRespond) -> None:
        self.received += 1
        room = command_room(command)
        if not self._installed_in(room.workspace, context):
            self.foreign += 1
            log.info("/facilitator from workspace %s ignored: the bot is not installed there",
                     room.workspace)
            return
        if context.bot_token:
            self._tokens[room.workspace] = context.bot_token
        # Through the room's queue: `status` then reflects every event that arrived before it.
        self.lanes.submit(room.key, partial(self._run_command, command, room, context.bot_token,
                                             respond))

    async def _run_command(self, command: dict[str, Any], room: RoomRef, token: str | None,
                           respond: AsyncRespond) -> None:
        user_id = str(command.get("user_id") or "")
        info = await self.users.get(room.workspace, user_id, token)
        request = CommandRequest(
            room=room, user=Author(id=user_id, name=info.name or str(command.get("user_name") or "")),
            text=str(command.get("text") or ""), is_admin=info.is_admin)
        try:
            if self.commands is None:
                reply = CommandReply(text="Commands are not available here.", visibility="private")
            else:
                reply = await self.commands(request)
        except Exception:
            log.exception("room %s: /facilitator %s failed", room.key, request.text)
            reply = CommandReply(text="Sorry, I could not do that just now; please try again.",
                                 visibility="private")
        if reply.visibility == "room":
            try:
                await self.post(room, reply.text)
                return
            except (*NETWORK_ERRORS, SlackPostError) as exc:
                # Typically not_in_channel: the command's response_url still reaches everyone.
                log.warning("room %s: posting the command reply failed (%s); using response_url",
                            room.key, exc)
        kind = "in_channel" if reply.visibility == "room" else "ephemeral"
        try:
            await respond(text=to_slack(reply.text), response_type=kind)
        except (*NETWORK_ERRORS, ValueError) as exc:
            log.error("room %s: could not answer /facilitator: %s", room.key, exc)

    # ------------------------------------------------------------------ outbound

    async def _token_for(self, team: str) -> str:
        if self.config.bot_token:
            return self.config.bot_token
        token = self._tokens.get(team)
        if token:
            return token
        if self.installation_store is not None:
            bot = await self.installation_store.async_find_bot(enterprise_id=None, team_id=team)
            if bot is not None and bot.bot_token:
                self._tokens[team] = bot.bot_token
                return bot.bot_token
        raise SlackPostError(f"no Slack installation for workspace {team!r}")

    async def post(self, room: RoomRef, text: str, *, trigger: str | None = None) -> str | None:
        """Post to the room: into its thread when it is one, else top level. Returns the ts.
        `trigger` (the event answered) goes into the message metadata, so `find` can tell
        whether the post went out."""
        return await self.sender.post(room, text, trigger=trigger)

    async def react(self, room: RoomRef, message_id: str, emoji: str) -> None:
        """A reaction on a message of the room (reactions.add)."""
        await self.sender.react(room, message_id, emoji)

    async def find(self, room: RoomRef, trigger: str) -> str | None:
        """The ts of the post made for `trigger` in the room's recent history, or None."""
        return await self.sender.find(room, trigger)

    def _posted(self, room: RoomRef, ts: str) -> None:
        self.threads.remember(room.workspace, room.channel, ts, room.thread)


# Who a Slack user is: display name, bot or human, workspace admin. Cached briefly.
#
# Events carry only user ids. Names make the bot's words readable ("Dana, ...") and admin
# status decides who may change a room's charter on their own; both come from users.info,
# which is rate limited, so answers are kept for a few minutes.
@dataclass(frozen=True, slots=True)
class UserInfo:
    name: str = ""
    is_bot: bool = False
    is_admin: bool = False


UNKNOWN = UserInfo()


class UserDirectory:
    def __init__(self, client: AsyncWebClient, *, ttl_s: float = 300.0, miss_ttl_s: float = 60.0,
                 capacity: int = 20_000) -> None:
        self.client = client
        self.ttl_s = ttl_s
        self.miss_ttl_s = miss_ttl_s
        self.capacity = capacity
        self._cache: OrderedDict[tuple[str, str], tuple[float, UserInfo]] = OrderedDict()

    async def get(self, team: str, user: str, token: str | None) -> UserInfo:
        key = (team, user)
        hit = self._cache.get(key)
        now = time.monotonic()
        if hit is not None and hit[0] > now:
            return hit[1]
        ttl = self.ttl_s
        try:
            response = await self.client.users_info(user=user, token=token)
            info = _info(response.get("user") or {})
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
            # Without users:read, or with Slack down, the bot still works with bare ids
            # and without admin rights; try again a little later.
            log.warning("users.info for %s in %s failed: %s", user, team, exc)
            info, ttl = UNKNOWN, self.miss_ttl_s
        self._cache[key] = (now + ttl, info)
        self._cache.move_to_end(key)
        while len(self._cache) > self.capacity:
            self._cache.popitem(last=False)
        return info


def _info(user: dict) -> UserInfo:
    profile = user.get("profile") or {}
    name = (profile.get("display_name") or profile.get("real_name") or user.get("real_name")
            or user.get("name") or "")
    return UserInfo(
        name=str(name),
        is_bot=bool(user.get("is_bot") or user.get("id") == "USLACKBOT"),
        is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
    )
