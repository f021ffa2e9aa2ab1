"""Parts shared by the intake tests and their worker processes.

`EchoPolicy` speaks after every human message and says which event it answers and the room's
turn when it was applied: the posts alone then show whether every event was handled once and
in order (turn k answers the room's k-th message).
"""

from __future__ import annotations

import re

from facilitator.events import Author, ChatEvent, RoomRef
from facilitator.memory.state import RoomState
from facilitator.policies.decision import BotDecision, Intervention
from facilitator.policies.signals import Signals

TEAM = "T0SCALE"
TOKEN = "xoxb-scale-test"
ECHO = re.compile(r"^(?P<event>\S+) at turn (?P<turn>\d+)$")


class EchoPolicy:
    name = "echo"

    async def decide(self, event: ChatEvent, room: RoomState, signals: Signals) -> BotDecision:
        if not event.is_human:
            return BotDecision.silence("a bot's own event")
        return BotDecision(speak=True, intervention=Intervention.SUMMARIZE,
                        text=f"{event.id} at turn {room.human_messages}", reason="echo")


def room(i: int) -> RoomRef:
    return RoomRef(platform="slack", workspace=TEAM, channel=f"C{i:04d}")


def event(room_no: int, seq: int) -> ChatEvent:
    """The seq-th message (from 1) of room `room_no`; ids unique across rooms."""
    who = f"U{seq % 3}"
    return ChatEvent(id=f"r{room_no}-m{seq}", room=room(room_no),
                     author=Author(id=who, name=f"Member {who}"),
                     text=f"message {seq}", ts=1_700_000_000.0 + seq)


async def token_for(team: str) -> str:
    return TOKEN
