"""Rooms with a real history, built by running messages through the real engine."""

from __future__ import annotations

from facilitator.engine import Engine
from facilitator.events import Author, ChatEvent, EventKind, RoomRef
from facilitator.memory.state import ActionItem, BridgeNote, GroupDecision
from facilitator.memory.store import RoomStore
from tests.policy_scenarios import EveryMovePolicy

START = 1_790_000_000.0  # a fixed morning, so pages and digests read the same every run

GARDEN = [
    ("ana", "Thanks all for coming. We need to decide how to use the empty lot next to the garden."),
    ("rosa", "The garden has a waiting list of thirty families. Expanding the garden is the obvious use."),
    ("greg", "There is no playground within a mile. Kids in this neighbourhood have nowhere to play."),
    ("li", "Could the lot hold both, a smaller garden section and a play area?"),
    ("rosa", "Half a garden helps nobody. The soil work alone costs the same either way."),
    ("greg", "Honestly, you always act like the garden is the only thing that matters here."),
    ("rosa", "That's ridiculous. You weren't even at the last three meetings, so don't lecture me."),
    ("greg", "Seriously? Your garden club runs this association like a private club and you know it!!"),
    ("rosa", "That is a personal attack and frankly it's nonsense. Stop twisting what I said."),
    ("greg", "You keep ignoring every family with kids. It's pathetic."),
    ("ana", "The budget covers either the soil work or the play equipment this year, not both."),
    ("rosa", "Then the garden, since it has been waiting longer."),
    ("greg", "Then the playground, since kids can't wait three years."),
    ("li", "Maybe we could ask the families on the waiting list how many of them have young kids?"),
    ("ana", "That's a useful question. I can pull the list tonight."),
    ("greg", "Fine. I'd like a real vote at the next meeting."),
    ("rosa", "Agreed, a vote after we see the numbers."),
    ("ana", "@greg can you check the playground grant deadline before then?"),
    ("li", "I propose we hold the vote on the 14th at the community hall."),
]


def ref(name: str) -> RoomRef:
    return RoomRef(platform="slack", workspace="T0GARDEN01", channel=name)


async def lively_room(store: RoomStore, room: RoomRef, *, gap_s: float = 40.0,
                      start: float = START) -> None:
    """Nineteen messages over about thirteen minutes, heated in the middle; the bot speaks."""
    # A room that turned every move on, so the page has turns of several kinds to show.
    engine = Engine(store, EveryMovePolicy(), bot_id="facilitator")
    for i, (who, text) in enumerate(GARDEN):
        await engine.handle(ChatEvent(
            id=f"{room.channel}-{i}", kind=EventKind.MESSAGE, room=room,
            author=Author(id=who, name=who.capitalize()), text=text, ts=start + i * gap_s,
            addressed="@facilitator" in text))
    end = start + len(GARDEN) * gap_s

    def extras(state: object) -> None:
        # The group's own records that a short script does not produce on its own.
        from facilitator.memory.state import RoomState
        assert isinstance(state, RoomState)
        state.decisions.append(GroupDecision(id="d1", text="We vote at the next meeting, after seeing "
                                        "the waiting list", ts=end, recorded_by="facilitator",
                                        owners=["ana"]))
        state.actions.append(ActionItem(id="a1", owner="ana", text="pull the waiting list tonight",
                                        ts=end))
        state.bridging.append(BridgeNote(id="b1", author="li", text="Could the lot hold both, a "
                                         "smaller garden section and a play area?",
                                         approvers=["rosa", "greg"], camps=2))

    await store.update(room.key, extras)
