"""Run small scenarios through the real engine and store for policy tests."""

from __future__ import annotations

from typing import Any

from facilitator.engine import Engine
from facilitator.events import ChatEvent
from facilitator.memory.state import RoomState
from facilitator.memory.store import RoomStore
from facilitator.policies.decision import BotDecision
from facilitator.policies.defaults import MOVES
from facilitator.policies.policy import FacilitatorPolicy
from facilitator.policies.signals import Signals
from facilitator.reading.message import AttackRead
from facilitator.sim.scenario import Scenario
from facilitator.sim.simulate import ChatLine, Simulation, SimulationResult

# Two members name one thing in two vocabularies ("creation care" / "climate justice").
TWO_VOCABULARIES = [
    ("ruth", "Our church group wants to talk about creation care this season."),
    ("sam", "Good. Climate justice is exactly what the youth group cares about."),
    ("ruth", "Creation care means looking after what we were given."),
    ("sam", "And climate justice means the people hit hardest come first."),
    ("ruth", "We could start with the garden project."),
    ("sam", "The garden project works for me."),
    ("tess", "I can ask the youth group to help with the garden.")]


class EveryMovePolicy(FacilitatorPolicy):
    """The bot in a room that turned every move on (`/facilitator more MOVE`): for tests about
    what the bot's turns hold (quotes, records, what forgetting reaches), not about when a move
    is on by default in a kind of room (issue 19; tests/test_room_kinds.py)."""

    async def decide(self, event: ChatEvent, state: RoomState, signals: Signals) -> BotDecision:
        state.charter.more = list(MOVES)
        return await super().decide(event, state, signals)


def scenario(lines: list[tuple[str, str]] | list[Any], *, people: tuple[str, ...] | None = None,
             goal: str = "", reactions: list[dict[str, Any]] | None = None,
             absent: tuple[str, ...] = (), activity: str = "normal",
             more: tuple[str, ...] = ()) -> Scenario:
    script = [{"who": w, "text": t} if isinstance((w_t := (w, t)), tuple) else w_t
              for w, t in lines] if lines and isinstance(lines[0], tuple) else lines
    who = people or tuple(dict.fromkeys(line["who"] for line in script))
    return Scenario.model_validate({
        "title": "test", "goal": goal, "activity": activity, "more": list(more),
        "participants": [{"id": p, "name": p.capitalize(), "present": p not in absent}
                         for p in who],
        "script": script, "reactions": reactions or [],
    })


async def run(store: RoomStore, sc: Scenario, policy: Any = None, room: str = "t", *,
              attack_read: AttackRead = "hostility") -> SimulationResult:
    engine = Engine(store, policy or FacilitatorPolicy(), bot_id=sc.bot_name,
                    attack_read=attack_read)
    return await Simulation(sc, engine, room_name=room).run()


def bot_turns(result: SimulationResult) -> list[tuple[int, ChatLine]]:
    """Bot turns with the index of the scripted line they followed."""
    out: list[tuple[int, ChatLine]] = []
    last_script = -1
    for turn in result.turns:
        if turn.script_index is not None:
            last_script = turn.script_index
        if turn.bot:
            out.append((last_script, turn))
    return out
