"""Run small scenarios through the real engine and store for policy tests."""

from __future__ import annotations

from typing import Any

from facilitator.engine import Engine
from facilitator.memory.store import RoomStore
from facilitator.policies.policy import FacilitatorPolicy
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


async def run(store: RoomStore, sc: Scenario, policy: Any = None, room: str = "t") -> SimulationResult:
    engine = Engine(store, policy or FacilitatorPolicy(), bot_id=sc.bot_name)
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
