"""Slack payloads in, ChatEvents out (and the bot's words back to Slack markup): pure functions.

Ids are chosen so that the same Slack event always yields the same ChatEvent id: a retry
(x-slack-retry-num) or the `app_mention` twin of a `message` event is then recognised as a
duplicate by the engine's per-room idempotence. A message's id is its Slack `ts`, which is
also what edits, deletes, reactions and thread replies point at, and what `post` returns.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from facilitator.events import Author, ChatEvent, EventKind, RoomRef

PLATFORM = "slack"
# Subtypes that carry a member's words; every other subtype (joins, topic changes, ...) is
# channel housekeeping. Joins arrive separately as member_joined_channel.
SPOKEN_SUBTYPES = frozenset({None, "thread_broadcast", "file_share", "me_message", "bot_message"})
_MARKUP = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")
# Slack user ids: U/W followed by upper-case letters and digits, with at least one digit.
_BARE_ID = re.compile(r"(?<![<\w])@?\b([UW](?=[A-Z0-9]*\d)[A-Z0-9]{8,})\b")

ThreadLookup = Callable[[str, str, str], str | None]  # (team, channel, ts) -> thread ts


class ThreadIndex:
    """Which thread a recent message belongs to: reactions only name the message's ts (the
    adapter remembers each message it translates; `get` is the `ThreadLookup`)."""

    def __init__(self, capacity: int = 50_000) -> None:
        self.capacity = capacity
        self._threads: OrderedDict[tuple[str, str, str], str | None] = OrderedDict()

    def remember(self, team: str, channel: str, ts: str, thread: str | None) -> None:
        key = (team, channel, ts)
        self._threads[key] = thread
        self._threads.move_to_end(key)
        while len(self._threads) > self.capacity:
            self._threads.popitem(last=False)

    def get(self, team: str, channel: str, ts: str) -> str | None:
        return self._threads.get((team, channel, ts))



@dataclass(frozen=True, slots=True)
class Scope:
    """What translation needs to know about the receiving workspace and bot."""

    team: str
    bot_user_id: str | None = None  # the bot's user id (U...) in this workspace
    bot_id: str | None = None  # the bot's bot id (B...), on messages it posts
    bot_name: str = "facilitator"
    ignore_bots: bool = True


# --------------------------------------------------------------------------- text


def slack_text(raw: str, scope: Scope) -> str:
    """Slack mrkdwn to plain text: mentions as @id (the bot as @name), links as their label."""

    def plain(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            uid = target[1:]
            return f"@{scope.bot_name}" if uid == scope.bot_user_id else f"@{uid}"
        if target.startswith("#"):
            return f"#{label or target[1:]}"
        if target.startswith("!"):
            word = target[1:].split("^", 1)[0]
            if word in ("here", "channel", "everyone"):
                return f"@{word}"
            return label or ""  # user groups and dates carry their readable form as label
        return label or target  # a link

    text = _MARKUP.sub(plain, raw)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mentions_in(raw: str, scope: Scope) -> tuple[str, ...]:
    found: list[str] = []
    for uid in _USER_MENTION.findall(raw):
        if uid != scope.bot_user_id and uid not in found:
            found.append(uid)
    return tuple(found)


def to_slack(text: str) -> str:
    """The bot's plain text as Slack markup: escape control characters, user ids as mentions."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BARE_ID.sub(lambda m: f"<@{m.group(1)}>", escaped)


# --------------------------------------------------------------------------- rooms


def is_dm_channel(channel: str, channel_type: str | None) -> bool:
    # A group DM (mpim) has several members: it is a group the bot facilitates, not a DM.
    return channel_type == "im" or (channel_type in (None, "") and channel.startswith("D"))


def room_ref(team: str, channel: str, thread: str | None = None,
             channel_type: str | None = None) -> RoomRef:
    return RoomRef(platform=PLATFORM, workspace=team, channel=channel, thread=thread,
                   is_dm=is_dm_channel(channel, channel_type))


def _thread_of(message: Mapping[str, Any]) -> str | None:
    """The parent ts when the message is a reply inside a thread (not the parent itself)."""
    thread, ts = message.get("thread_ts"), message.get("ts")
    return str(thread) if thread and thread != ts else None


def _stamp(*candidates: object) -> float:
    for value in candidates:
        try:
            if value is not None and value != "":
                return float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
    return 0.0


# --------------------------------------------------------------------------- authors


def _is_own(message: Mapping[str, Any], scope: Scope) -> bool:
    user, bot_id = message.get("user"), message.get("bot_id")
    return bool((user and user == scope.bot_user_id) or (bot_id and bot_id == scope.bot_id))


def author_of(message: Mapping[str, Any], scope: Scope) -> Author | None:
    """The speaker of a message, or None when it must be dropped (ours, or an ignored bot)."""
    if _is_own(message, scope):
        return None  # never react to ourselves: that is how loops start
    bot_id = message.get("bot_id")
    is_bot = bool(bot_id) or message.get("subtype") == "bot_message"
    if is_bot and scope.ignore_bots:
        return None
    pid = message.get("user") or bot_id
    if not pid:
        return None
    profile = message.get("user_profile") or message.get("bot_profile") or {}
    name = (profile.get("display_name") or profile.get("real_name") or profile.get("name")
            or message.get("username") or "")
    return Author(id=str(pid), name=str(name), is_bot=is_bot)


# --------------------------------------------------------------------------- events


def translate_event(body: Mapping[str, Any], scope: Scope,
                    thread_of: ThreadLookup | None = None) -> ChatEvent | None:
    """One Events API envelope (HTTP or Socket Mode) to a ChatEvent; None when irrelevant."""
    event = body.get("event") or {}
    kind = event.get("type")
    fallback = body.get("event_time")
    if kind == "message":
        subtype = event.get("subtype")
        if subtype == "message_changed":
            return edit_event(event, scope)
        if subtype == "message_deleted":
            return delete_event(event, scope, fallback)
        return message_event(event, scope)
    if kind == "app_mention":
        return message_event(event, scope, addressed=True)
    if kind in ("reaction_added", "reaction_removed"):
        return reaction_event(event, scope, removed=kind == "reaction_removed",
                              thread_of=thread_of, fallback_ts=fallback)
    if kind in ("member_joined_channel", "member_left_channel"):
        return membership_event(event, scope, joined=kind == "member_joined_channel",
                                fallback_ts=fallback)
    return None


def message_event(event: Mapping[str, Any], scope: Scope, *,
                  addressed: bool = False) -> ChatEvent | None:
    if event.get("subtype") not in SPOKEN_SUBTYPES:
        return None
    ts, channel = event.get("ts"), event.get("channel")
    author = author_of(event, scope)
    if not ts or not channel or author is None:
        return None
    thread = _thread_of(event)
    room = room_ref(scope.team, str(channel), thread, event.get("channel_type"))
    raw = str(event.get("text") or "")
    addressed = (addressed or room.is_dm
                 or bool(scope.bot_user_id and scope.bot_user_id in _USER_MENTION.findall(raw))
                 # a reply in a thread the bot started speaks to the bot
                 or bool(thread and scope.bot_user_id
                         and event.get("parent_user_id") == scope.bot_user_id))
    return ChatEvent(id=str(ts), kind=EventKind.MESSAGE, room=room, author=author,
                     text=slack_text(raw, scope), ts=_stamp(ts), reply_to=thread,
                     addressed=addressed, mentions=mentions_in(raw, scope))


def edit_event(event: Mapping[str, Any], scope: Scope) -> ChatEvent | None:
    message = event.get("message") or {}
    previous = event.get("previous_message")
    text = str(message.get("text") or "")
    # Slack also sends message_changed for unfurls, reply counts and language metadata;
    # only a change of the words is an edit.
    if previous is not None and text == str(previous.get("text") or ""):
        return None
    if previous is None and "edited" not in message:
        return None
    ts, channel = message.get("ts"), event.get("channel")
    author = author_of(message, scope)
    if not ts or not channel or author is None:
        return None
    edited_ts = (message.get("edited") or {}).get("ts") or event.get("event_ts") or event.get("ts")
    room = room_ref(scope.team, str(channel), _thread_of(message), event.get("channel_type"))
    return ChatEvent(id=f"edit:{ts}:{edited_ts}", kind=EventKind.EDIT, room=room,
                     author=author, text=slack_text(text, scope),
                     ts=_stamp(edited_ts, event.get("event_ts")), target=str(ts),
                     mentions=mentions_in(text, scope))


def delete_event(event: Mapping[str, Any], scope: Scope,
                 fallback_ts: object = None) -> ChatEvent | None:
    previous = event.get("previous_message") or {}
    deleted, channel = event.get("deleted_ts") or previous.get("ts"), event.get("channel")
    if not deleted or not channel:
        return None
    if previous:
        author = author_of(previous, scope)
        if author is None:
            return None  # our own or an ignored bot's message: nothing the room state holds
    else:
        author = Author(id="unknown")
    thread = previous.get("thread_ts")
    room = room_ref(scope.team, str(channel), str(thread) if thread and thread != deleted else None,
                    event.get("channel_type"))
    return ChatEvent(id=f"delete:{deleted}", kind=EventKind.DELETE, room=room, author=author,
                     ts=_stamp(event.get("event_ts"), event.get("ts"), fallback_ts),
                     target=str(deleted))


def reaction_event(event: Mapping[str, Any], scope: Scope, *, removed: bool,
                   thread_of: ThreadLookup | None = None,
                   fallback_ts: object = None) -> ChatEvent | None:
    item = event.get("item") or {}
    user, emoji = event.get("user"), event.get("reaction")
    if item.get("type") != "message" or not user or not emoji or user == scope.bot_user_id:
        return None
    channel, ts = item.get("channel"), item.get("ts")
    if not channel or not ts:
        return None
    # Reactions do not say which thread their message is in; the adapter remembers.
    thread = thread_of(scope.team, str(channel), str(ts)) if thread_of else None
    name = str(emoji).split("::", 1)[0]  # "+1::skin-tone-2" is still +1
    event_ts = event.get("event_ts") or fallback_ts
    sign = "-" if removed else "+"
    return ChatEvent(id=f"reaction:{ts}:{user}:{name}:{sign}:{event_ts}", kind=EventKind.REACTION,
                     room=room_ref(scope.team, str(channel), thread), author=Author(id=str(user)),
                     ts=_stamp(event_ts), target=str(ts), emoji=name, removed=removed)


def membership_event(event: Mapping[str, Any], scope: Scope, *, joined: bool,
                     fallback_ts: object = None) -> ChatEvent | None:
    user, channel = event.get("user"), event.get("channel")
    if not user or not channel or user == scope.bot_user_id:
        return None
    event_ts = event.get("event_ts") or fallback_ts
    kind = EventKind.JOIN if joined else EventKind.LEAVE
    return ChatEvent(id=f"{kind.value}:{user}:{event_ts}", kind=kind,
                     room=room_ref(scope.team, str(channel)), author=Author(id=str(user)),
                     ts=_stamp(event_ts))


def bot_joined_event(room: RoomRef, bot_user_id: str, event_ts: object,
                     roster: list[Author], title: str) -> ChatEvent:
    """The bot itself added to a channel (member_joined_channel for the bot user), with the
    members the adapter listed and the channel's name. The id is the one a member's join has,
    so Slack sending the event again (or two workers taking it) is one join."""
    return ChatEvent(id=f"{EventKind.JOIN.value}:{bot_user_id}:{event_ts}", kind=EventKind.JOIN,
                     room=room, author=Author(id=bot_user_id, is_bot=True),
                     ts=_stamp(event_ts), roster=tuple(roster), title=title)


# --------------------------------------------------------------------------- commands


def command_room(command: Mapping[str, Any]) -> RoomRef:
    """Slash commands run in a channel (never a thread): the channel's room answers."""
    channel = str(command.get("channel_id") or "")
    kind = "im" if command.get("channel_name") == "directmessage" else None
    return room_ref(str(command.get("team_id") or ""), channel, None, kind)


# --------------------------------------------------------------------------- what can be read

# The fields bolt and this module read, by the type they must have (absent or null is fine).
# A body that breaks these is refused (HTTP 400) before bolt or a listener sees it.
_TEXT_FIELDS = frozenset({
    "type", "subtype", "token", "team_id", "api_app_id", "event_id", "enterprise_id",
    "context_team_id", "context_enterprise_id", "user_id", "channel_id", "thread_ts", "ts",
    "event_ts", "deleted_ts", "text", "channel_type", "bot_id", "reaction", "parent_user_id",
    "tab", "username", "user_team", "item_user", "challenge", "response_url", "trigger_id",
    "command", "display_name", "real_name", "function_execution_id", "bot_access_token",
    "app_installed_team_id",
})
_ID_OR_OBJECT = frozenset({"enterprise", "team", "user", "channel"})  # "T1" or {"id": "T1"}
_OBJECTS = frozenset({"event", "message", "previous_message", "item", "edited", "user_profile",
                      "bot_profile", "view", "assistant_thread", "function_data", "tokens"})
_LISTS_OF_OBJECTS = frozenset({"authorizations", "response_urls"})
_LISTS_OF_TEXT = frozenset({"oauth", "bot"})  # tokens_revoked
_FLAGS = frozenset({"is_bot", "is_ext_shared_channel", "hidden"})
_NUMBERS = frozenset({"event_time"})


def _problem_in(obj: Mapping[str, Any], path: str) -> str | None:
    for key, value in obj.items():
        if value is None:
            continue
        where = f"{path}.{key}" if path else str(key)
        if key in _TEXT_FIELDS and not isinstance(value, str):
            return f"{where} is not a string"
        if key in _ID_OR_OBJECT:
            if isinstance(value, Mapping):
                found = _problem_in(value, where)
                if found:
                    return found
            elif not isinstance(value, str):
                return f"{where} is neither an id nor an object"
        if key in _OBJECTS:
            if not isinstance(value, Mapping):
                return f"{where} is not an object"
            found = _problem_in(value, where)
            if found:
                return found
        if key in _LISTS_OF_OBJECTS:
            if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
                return f"{where} is not a list of objects"
            for i, item in enumerate(value):
                found = _problem_in(item, f"{where}[{i}]")
                if found:
                    return found
        if key in _LISTS_OF_TEXT and not (isinstance(value, list)
                                          and all(isinstance(v, str) for v in value)):
            return f"{where} is not a list of strings"
        if key in _FLAGS and not isinstance(value, bool):
            return f"{where} is not true or false"
        if key == "is_enterprise_install" and not isinstance(value, bool | str):
            return f"{where} is not true or false"
        if key in _NUMBERS and (isinstance(value, bool) or not isinstance(value, int | float)):
            return f"{where} is not a number"
    return None


def body_problem(body: object) -> str | None:
    """Why a parsed Slack request body cannot be read, or None when it can: an object, with
    the fields bolt and the translation read of the types Slack sends."""
    if not isinstance(body, Mapping):
        return f"the body is a JSON {type(body).__name__}, not an object"
    if body.get("type") == "event_callback" and not isinstance(body.get("event"), Mapping):
        return "an event callback without an event object"
    try:
        return _problem_in(body, "")
    except RecursionError:
        return "nested too deeply"
