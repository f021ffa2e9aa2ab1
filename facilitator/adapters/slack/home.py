"""The App Home tab: the rooms the viewer shares with the bot, each with its read in words
and a link to its page. Only rooms where the viewer is a present member are listed."""

from __future__ import annotations

from typing import Any

from facilitator.adapters.slack.translate import PLATFORM, to_slack
from facilitator.memory.state import RoomState
from facilitator.memory.store import RoomStore
from facilitator.policies.readout import read_in_words
from facilitator.web.links import LinkSigner

MAX_ROOMS_SHOWN = 20  # a Home view holds at most 100 blocks
MAX_ROOMS_SCANNED = 2000


async def shared_rooms(store: RoomStore, team: str, user: str) -> list[RoomState]:
    """Channel rooms (not threads) of this workspace where `user` is a present member."""
    prefix = f"{PLATFORM}:{team}:"
    found: list[RoomState] = []
    for key in (await store.rooms())[:MAX_ROOMS_SCANNED]:
        if not key.startswith(prefix) or key.count(":") != 2:
            continue
        state = await store.get(key)
        person = state.participants.get(user) if state else None
        if state is not None and person is not None and person.present:
            found.append(state)
    found.sort(key=lambda s: s.last_ts, reverse=True)
    return found[:MAX_ROOMS_SHOWN]


def home_view(rooms: list[RoomState], links: LinkSigner | None, *, now: float | None = None
              ) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Your rooms with the facilitator"}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": (
            "My read of each room you share with me: the same read every member of that room sees.")}]},
    ]
    if not rooms:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": (
            "We don't share a channel yet. Invite me to one with `/invite @facilitator`.")}})
    for state in rooms:
        channel = state.room.split(":")[2]
        section: dict[str, Any] = {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"*<#{channel}>*\n{to_slack(read_in_words(state))}"},
        }
        if links is not None:
            section["accessory"] = {
                "type": "button", "text": {"type": "plain_text", "text": "Open the room's page"},
                "url": links.page_url(state.room, now=now), "action_id": f"page-{channel}",
            }
        blocks += [section, {"type": "divider"}]
    return {"type": "home", "blocks": blocks}
