"""`/facilitator ...` commands, the same on every platform.

The room's settings change only by the room: an admin, or a visible group decision (one
member asks in the open, a second member seconds). Status and summary answers are posted
for everyone, so every member sees the same read of the room.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel

from facilitator.events import Author, RoomRef
from facilitator.memory.state import Activity, CharterChange, RoomState
from facilitator.memory.store import RoomStore
from facilitator.readout import status_text, summary_text

SECOND_WITHIN_S = 24 * 3600
MAX_GOAL_CHARS = 300

HELP = (
    "I'm this room's facilitator: I serve the group as a whole, never one member.\n"
    "• `/facilitator status` — my read of the room (balance, heat, open questions, decisions), "
    "posted for everyone\n"
    "• `/facilitator summary` — where the conversation stands\n"
    "• `/facilitator quiet | normal | active` — how often I step in\n"
    "• `/facilitator goal TEXT` — the room's goal\n"
    "  (settings change when an admin sets them, or when one member asks and another seconds)\n"
    "• `/facilitator forget-me` — remove your messages and entries from my memory"
)
SUBCOMMANDS = ("help", "status", "summary", "quiet", "normal", "active", "goal", "forget-me")


class CommandRequest(BaseModel):
    room: RoomRef
    user: Author
    text: str = ""  # everything after `/facilitator`
    is_admin: bool = False
    ts: float | None = None


class CommandReply(BaseModel):
    text: str
    visibility: Literal["room", "private"]


async def run_command(store: RoomStore, req: CommandRequest, *,
                      llm_status: Callable[[], str | None] | None = None) -> CommandReply:
    """`llm_status` (the policy's `llm_status`) adds the model's state to `status`."""
    word, _, rest = req.text.strip().partition(" ")
    word = word.lower() or "help"
    rest = rest.strip()
    room = req.room.key
    if word == "help":
        return CommandReply(text=HELP, visibility="private")
    if word in ("status", "summary"):
        state = await store.get(room) or RoomState(room=room)
        text = (status_text(state, llm_status() if llm_status else None) if word == "status"
                else summary_text(state))
        return CommandReply(text=text, visibility="room")
    if word in ("quiet", "normal", "active"):
        return await _charter(store, req, "activity", word)
    if word == "goal":
        if not rest:
            state = await store.get(room)
            goal = state.charter.goal if state and state.charter.goal else "no goal set"
            return CommandReply(text=f"The room's goal: {goal}.", visibility="private")
        return await _charter(store, req, "goal", rest[:MAX_GOAL_CHARS])
    if word == "forget-me":
        touched = await store.forget(req.user.id)
        return CommandReply(text=f"Done: I removed your messages and entries from {touched} "
                                 "room(s) I remember.", visibility="private")
    return CommandReply(text=f"Unknown command {word!r}. Try: {', '.join(SUBCOMMANDS)}.",
                        visibility="private")


async def _charter(store: RoomStore, req: CommandRequest, field: Literal["activity", "goal"],
                   value: str) -> CommandReply:
    now = req.ts if req.ts is not None else time.time()
    who = req.user.display
    described = f"the goal to “{value}”" if field == "goal" else f"my activity to {value}"
    reply = CommandReply(text="", visibility="room")

    def change(state: RoomState) -> None:
        pending = state.charter.pending
        seconded = (pending is not None and pending.field == field and pending.value == value
                    and pending.by != req.user.id and now - pending.ts <= SECOND_WITHIN_S)
        if req.is_admin or seconded:
            if field == "goal":
                state.charter.goal = value
            else:
                state.charter.activity = Activity(value)
            state.charter.changed_by = req.user.id
            state.charter.changed_ts = now
            state.charter.pending = None
            how = "as an admin" if req.is_admin else (
                f"seconding {pending.by_name or pending.by}" if pending else "seconded")
            reply.text = f"{who} set {described} ({how})."
        else:
            state.charter.pending = CharterChange(field=field, value=value, by=req.user.id,
                                                  by_name=who, ts=now)
            command = f"/facilitator {'goal ' + value if field == 'goal' else value}"
            reply.text = (f"{who} proposes setting {described}. Settings change for the whole "
                          f"room, so another member can second this with `{command}`.")

    await store.update(req.room.key, change)
    return reply
