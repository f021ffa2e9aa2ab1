"""`/facilitator ...` commands, the same on every platform.

The room's settings change only by the room: an admin, or a visible group decision (one
member asks in the open, a second member seconds). Once a room is locked, only an admin
changes them. A proposal is announced once (the same member asking again is answered
privately), and each member gets a few settings announcements per room in ten minutes
(policies.ratelimit.SettingsLimiter); past that the answer is private and nothing changes,
so no member can make the bot repeat their words to the room. Status, summary and digest
answers are posted for everyone, so every member sees the same read of the room; a page link
is handed privately to the member who asks.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from pydantic import BaseModel

from facilitator.events import Author, RoomRef
from facilitator.memory.state import Activity, CharterChange, CharterField, RoomState
from facilitator.memory.store import RoomStore
from facilitator.memory.trackers import forget_member
from facilitator.policies.defaults import MOVES, moves_text
from facilitator.policies.digests.compose import compose_digest
from facilitator.policies.digests.schedule import DigestScheduler
from facilitator.policies.ratelimit import SettingsLimiter
from facilitator.policies.readout import status_text, summary_text

SECOND_WITHIN_S = 24 * 3600
MAX_GOAL_CHARS = 300

HELP = (
    "I'm this room's facilitator: I serve the group as a whole, never one member.\n"
    "• `/facilitator status` — my read of the room (voices, mood, open questions, decisions), "
    "posted for everyone\n"
    "• `/facilitator summary` — where the conversation stands\n"
    "• `/facilitator page` — a private link to the room's page (charts, open items, my turns)\n"
    "• `/facilitator digest` — a digest now; `/facilitator digest daily | weekly | off` sets the schedule\n"
    "• `/facilitator quiet | normal | active` — how often I step in\n"
    "• `/facilitator shape meeting | channel | auto` — whether this room is a meeting or a busy "
    "channel (auto: I read it from the traffic)\n"
    "• `/facilitator more MOVE` / `less MOVE` — turn one of my moves on or off here "
    "(`/facilitator more` lists them and what is on)\n"
    "• `/facilitator goal TEXT` — the room's goal\n"
    "• `/facilitator pause | resume` — silence me here, or let me speak again\n"
    "  (settings change when an admin sets them, or when one member asks and another seconds)\n"
    "• `/facilitator lock | unlock` — admins only: settings become admin-only\n"
    "• `/facilitator export` / `delete-room` — admins only: the room's memory as JSON, or erase it\n"
    "• `/facilitator forget-me` — remove your messages and entries from my memory"
)
# Everyone may use these (settings among them take a second, or an admin) ...
MEMBER_COMMANDS = ("help", "status", "summary", "quiet", "normal", "active", "goal", "page",
                   "digest", "shape", "more", "less", "pause", "resume", "forget-me")
# ... and these are for admins only.
ADMIN_COMMANDS = ("lock", "unlock", "export", "delete-room")
SUBCOMMANDS = MEMBER_COMMANDS + ADMIN_COMMANDS
DIGEST_CHOICES = ("off", "daily", "weekly")
SHAPE_CHOICES = ("meeting", "channel", "auto")


class PageLinks(Protocol):
    """Signed links to a room's page and export (the web layer's signer fits)."""

    page_ttl_s: float
    export_ttl_s: float

    def page_url(self, room_key: str, *, now: float | None = None) -> str: ...

    def export_url(self, room_key: str, *, now: float | None = None) -> str: ...


@dataclass(slots=True)
class CommandServices:
    """What some commands need beyond the store; absent parts make those commands say so."""

    links: PageLinks | None = None
    digests: DigestScheduler | None = None
    llm_status: Callable[[], str | None] | None = None  # the policy's model state, for `status`
    # Settings announcements per member (kept as long as these services are: one per run).
    limits: SettingsLimiter = field(default_factory=SettingsLimiter)


class CommandRequest(BaseModel):
    room: RoomRef
    user: Author
    text: str = ""  # everything after `/facilitator`
    is_admin: bool = False
    ts: float | None = None


class CommandReply(BaseModel):
    text: str
    visibility: Literal["room", "private"]


def private(text: str) -> CommandReply:
    return CommandReply(text=text, visibility="private")


async def run_command(store: RoomStore, req: CommandRequest,
                      services: CommandServices | None = None) -> CommandReply:
    services = services or CommandServices()
    word, _, rest = req.text.strip().partition(" ")
    word = word.lower() or "help"
    rest = rest.strip()
    room_key = req.room.key
    if word == "help":
        return private(HELP)
    if word in ("status", "summary"):
        state = await store.get(room_key) or RoomState(room=room_key)
        if word == "summary":
            return CommandReply(text=summary_text(state), visibility="room")
        llm = services.llm_status() if services.llm_status else None
        text = status_text(state, page=services.links is not None, llm=llm)
        return CommandReply(text=text, visibility="room")
    if word == "page":
        if services.links is None:
            return private("The room's page is not served by this installation (its admin can set "
                           "FACILITATOR_PUBLIC_URL to turn it on).")
        url = services.links.page_url(room_key)  # valid from now, whatever the event time
        hours = services.links.page_ttl_s / 3600
        return private(f"This room's page, for you: {url}\nEvery member sees the same page. "
                       f"The link works for {hours:g} hours; ask again any time.")
    if word == "digest":
        if not rest:
            state = await store.get(room_key) or RoomState(room=room_key)
            text = compose_digest(state, scheduled=False)
            if text is None:
                return private("Nothing for a digest yet: no decisions, open questions, proposals "
                               "or action items.")
            return CommandReply(text=text, visibility="room")
        choice = rest.lower()
        if choice not in DIGEST_CHOICES:
            return private("Digests can be `off`, `daily` or `weekly`.")
        return await _charter(store, req, "digest", choice, services)
    if word in ("quiet", "normal", "active"):
        return await _charter(store, req, "activity", word, services)
    if word == "shape":
        choice = rest.lower()
        if choice not in SHAPE_CHOICES:
            return private("The room's shape can be `meeting` (everyone expected to speak), "
                           "`channel` (a busy room: I speak when asked, for personal attacks and "
                           "long-unanswered requests) or `auto` (I read it from the traffic).")
        return await _charter(store, req, "shape", choice, services)
    if word in ("more", "less"):
        choice = rest.lower().replace("-", "_")
        if choice not in MOVES:
            state = await store.get(room_key) or RoomState(room=room_key)
            return private(moves_text(state))
        return await _charter(store, req, word, choice, services)  # type: ignore[arg-type]
    if word in ("pause", "resume"):
        return await _charter(store, req, "paused", "on" if word == "pause" else "off", services)
    if word == "goal":
        if not rest:
            state = await store.get(room_key)
            goal = state.charter.goal if state and state.charter.goal else "no goal set"
            return private(f"The room's goal: {goal}.")
        return await _charter(store, req, "goal", rest[:MAX_GOAL_CHARS], services)
    if word in ("lock", "unlock"):
        return await _lock(store, req, word == "lock", services)
    if word == "export":
        if not req.is_admin:
            return private("Only an admin can export a room's memory.")
        if services.links is None:
            return private("Exports need the room page to be served (FACILITATOR_PUBLIC_URL); "
                           "on the bot's machine, `facilitator room show` prints a room.")
        url = services.links.export_url(room_key)
        minutes = services.links.export_ttl_s / 60
        return private(f"This room's memory as JSON (for you only; the link works for "
                       f"{minutes:g} minutes): {url}")
    if word == "delete-room":
        return await _delete(store, req, rest, services)
    if word == "forget-me":
        touched = await store.forget(req.user.id, forget_member)
        return private(f"Done: I removed your messages and entries from {_rooms(touched)} I remember.")
    return private(f"Unknown command {word!r}. Try: {', '.join(SUBCOMMANDS)}.")


def _rooms(n: int) -> str:
    return "1 room" if n == 1 else f"{n} rooms"


def _described(field: CharterField, value: str) -> tuple[str, str]:
    """How a change reads, and the command a second member types to second it."""
    if field == "goal":
        return f"the goal to “{value}”", f"/facilitator goal {value}"
    if field == "paused":
        word = "pause" if value == "on" else "resume"
        return ("pausing me (I'd stay silent until resumed)" if value == "on"
                else "resuming me"), f"/facilitator {word}"
    if field == "digest":
        return (f"digests to {value}" if value == "off" else f"a {value} digest",
                f"/facilitator digest {value}")
    if field in ("more", "less"):
        return (f"{'turning on' if field == 'more' else 'turning off'} my {value} here",
                f"/facilitator {field} {value}")
    if field == "shape":
        return (f"treating this room as {'a ' + value if value != 'auto' else 'whatever its traffic shows'}",
                f"/facilitator shape {value}")
    return f"my activity to {value}", f"/facilitator {value}"


def _over_limit(req: CommandRequest, services: CommandServices, now: float) -> CommandReply | None:
    """The private answer to a member past their settings announcements, or None."""
    wait = services.limits.wait_s(req.room.key, req.user.id, now)
    if wait <= 0:
        return None
    limits = services.limits
    return private(f"You've changed or proposed {limits.limit} settings here in the last "
                   f"{limits.window_s / 60:g} minutes; let the room catch up. You can ask again "
                   f"in about {max(1, math.ceil(wait / 60))} minute(s).")


def _apply(state: RoomState, field: CharterField, value: str) -> None:
    if field == "goal":
        state.charter.goal = value
    elif field == "paused":
        state.charter.paused = value == "on"
    elif field == "digest":
        state.charter.digest = value  # type: ignore[assignment]  # checked by the caller
    elif field == "shape":
        state.charter.shape = value  # type: ignore[assignment]  # checked by the caller
    elif field in ("more", "less"):
        into, out = ((state.charter.more, state.charter.less) if field == "more"
                     else (state.charter.less, state.charter.more))
        if value in out:
            out.remove(value)
        if value not in into:
            into.append(value)
    else:
        state.charter.activity = Activity(value)


async def _charter(store: RoomStore, req: CommandRequest, field: CharterField, value: str,
                   services: CommandServices) -> CommandReply:
    now = req.ts if req.ts is not None else time.time()
    limited = _over_limit(req, services, now)
    if limited is not None:
        return limited
    who = req.user.display
    described, command = _described(field, value)
    reply = CommandReply(text="", visibility="room")
    applied = False

    def change(state: RoomState) -> None:
        nonlocal applied
        applied = False
        if state.charter.locked and not req.is_admin:
            reply.text, reply.visibility = ("Settings in this room are locked: only an admin can "
                                            "change them."), "private"
            return
        pending = state.charter.pending
        same = (pending is not None and pending.field == field and pending.value == value
                and now - pending.ts <= SECOND_WITHIN_S)
        seconded = same and pending is not None and pending.by != req.user.id
        if same and not seconded and not req.is_admin:
            # Announced already: the room need not read it again.
            reply.text, reply.visibility = (f"You proposed {described} already; it waits for "
                                            f"another member to second it with `{command}`."
                                            ), "private"
            return
        if req.is_admin or seconded:
            _apply(state, field, value)
            state.charter.changed_by = req.user.id
            state.charter.changed_ts = now
            state.charter.pending = None
            applied = True
            how = "as an admin" if req.is_admin else (
                f"seconding {pending.by_name or pending.by}" if pending else "seconded")
            verb = {"paused": "agreed to", "digest": "set"}.get(field, "set")
            text = f"{who} {verb} {described} ({how})."
            if field == "paused" and value == "on":
                text += " I'll stay silent here until someone asks me to `/facilitator resume`."
            reply.text, reply.visibility = text, "room"
        else:
            state.charter.pending = CharterChange(field=field, value=value, by=req.user.id,
                                                  by_name=who, ts=now)
            reply.text, reply.visibility = (
                f"{who} proposes {described}. Settings change for the whole room, so another "
                f"member can second this with `{command}`.", "room")

    await store.update(req.room.key, change)
    if reply.visibility == "room":
        services.limits.record(req.room.key, req.user.id, now)
    if applied and field == "digest" and services.digests is not None:
        await services.digests.set(req.room, value)  # type: ignore[arg-type]
    return reply


async def _lock(store: RoomStore, req: CommandRequest, lock: bool,
                services: CommandServices) -> CommandReply:
    if not req.is_admin:
        return private(f"Only an admin can {'lock' if lock else 'unlock'} this room's settings.")
    now = req.ts if req.ts is not None else time.time()
    limited = _over_limit(req, services, now)
    if limited is not None:
        return limited

    def change(state: RoomState) -> None:
        state.charter.locked = lock
        state.charter.pending = None
        state.charter.changed_by = req.user.id
        state.charter.changed_ts = now

    await store.update(req.room.key, change)
    services.limits.record(req.room.key, req.user.id, now)
    if lock:
        return CommandReply(text=f"{req.user.display} locked this room's settings: from now on only "
                                 "an admin changes them.", visibility="room")
    return CommandReply(text=f"{req.user.display} unlocked this room's settings: a member can ask "
                             "and another second again.", visibility="room")


async def _delete(store: RoomStore, req: CommandRequest, rest: str,
                  services: CommandServices) -> CommandReply:
    if not req.is_admin:
        return private("Only an admin can delete a room's memory.")
    if rest.lower() != "confirm":
        copy = ""
        if services.links is not None:  # the same care as `room reset --save-to`: a copy first
            minutes = services.links.export_ttl_s / 60
            copy = (f" To keep a copy first, save this export (the link works for {minutes:g} "
                    f"minutes): {services.links.export_url(req.room.key)}")
        return private("This erases everything I remember about this room (messages, open items, "
                       "decisions, settings)." + copy
                       + " To go ahead: `/facilitator delete-room confirm`.")
    await store.reset(req.room.key)  # its state, and any unreadable copy kept aside
    if services.digests is not None:
        await services.digests.set(req.room, "off")
    return CommandReply(text=f"{req.user.display} (an admin) erased my memory of this room. I start "
                             "afresh from here.", visibility="room")
