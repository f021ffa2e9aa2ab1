"""Words that make sense, on real rooms: every text the bot would post over the real corpora's
REPORT parts, through the well-formedness check (`facilitator.policies.guard`).

The rooms are replayed exactly as `facilitator eval real` replays them (`irc.run_rooms`: one
`engine.handle` per event, in order), each with every move turned on (as `/facilitator more`
would): the check is about the words of every move, not about which are on by default. Each
bot text is checked against the room as it stood at that moment: the members' names (ids and
display names) of the events so far, and the messages so far, of which every quote and topic
must be whole words of one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from facilitator.engine import Engine
from facilitator.evaluation.irc import load_corpus, run_rooms
from facilitator.evaluation.real import DATA_FILES
from facilitator.evaluation.real_split import kind_of, part_of
from facilitator.events import ChatEvent, EventKind
from facilitator.memory.state import RoomState
from facilitator.policies.defaults import MOVES
from facilitator.policies.guard import text_problems
from facilitator.policies.prompts import Prompts


@dataclass(frozen=True, slots=True)
class Failure:
    kind: str
    room: str
    event: str
    intervention: str
    text: str
    problems: tuple[str, ...]

    def __str__(self) -> str:
        return (f"{self.kind} {self.room} @ {self.event} ({self.intervention}): {self.text!r}\n"
                + "\n".join(f"    - {p}" for p in self.problems))


@dataclass(slots=True)
class WordingReport:
    texts: int = 0  # bot texts checked (reactions alone carry none)
    reactions: int = 0  # turns made as a reaction alone
    turns: int = 0
    failures: list[Failure] = field(default_factory=list)


def _every_move(state: RoomState) -> None:
    state.charter.more = list(MOVES)


@cache
def _corpus(path: Path, bot_name: str) -> dict[str, list[ChatEvent]]:
    return load_corpus(path, bot_name).rooms


def report_rooms(folder: Path, kind: str, *, split: str = "report",
                 bot_name: str = "facilitator") -> dict[str, list[ChatEvent]]:
    """The rooms of one kind in one part, by name, each its events in order."""
    data = next(d for d in DATA_FILES if kind in d.kinds)
    rooms = _corpus(folder / data.file, bot_name)
    return {n: rooms[n] for n in sorted(rooms) if kind_of(n) == kind and part_of(n) == split}


def check_room(kind: str, room_name: str, events: Sequence[ChatEvent], turns: Sequence[object],
               prompts: Prompts, report: WordingReport) -> None:
    """Check one room's turns (irc.WouldBeTurn) against the room as it stood at each."""
    for turn in turns:
        position = turn.position  # type: ignore[attr-defined]
        text = turn.text  # type: ignore[attr-defined]
        report.turns += 1
        if not text:
            report.reactions += 1
            continue
        report.texts += 1
        so_far = events[:position + 1]
        sources = [e.text for e in so_far if e.kind == EventKind.MESSAGE and e.text]
        names = {x for e in so_far for x in (e.author.id, e.author.display) if x}
        problems = text_problems(text, names=names, sources=sources, templates=prompts)
        if problems:
            report.failures.append(Failure(kind, room_name, turn.event_id,  # type: ignore[attr-defined]
                                           turn.intervention,  # type: ignore[attr-defined]
                                           text, tuple(str(p) for p in problems)))


async def check_wording(engine: Engine, rooms: dict[str, list[ChatEvent]], *, kind: str,
                        jobs: int = 2, every_move: bool = True,
                        report: WordingReport | None = None) -> WordingReport:
    """Replay `rooms` through `engine` and check every bot text."""
    report = report or WordingReport()
    prompts = Prompts()
    if every_move:
        for events in rooms.values():
            if events:
                await engine.store.update(events[0].room.key, _every_move)
    ran = await run_rooms(engine, rooms, jobs=jobs)
    for name, (turns, _errors) in ran.items():
        check_room(kind, name, rooms[name], turns, prompts, report)
    return report
