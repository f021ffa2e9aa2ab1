"""`facilitator replay`: recorded events through the bot, and what it would have done.

Counterfactual: the bot's would-be messages count toward its budget and cooldowns (the
engine records them in the room state) but the human transcript continues as recorded.

Steps go to `on_step` as they are decided when one is given (the command line writes each at
once, so memory stays flat in the number of events); otherwise they are collected in the
report. Either way the summary comes last. Repeated ids are found through 64-bit hashes of
(room, id) in one flat array (8-16 bytes per event, not a Python object per id).

Nothing in the input stops the run: a bad line is reported and skipped (`skipped_lines`),
and an accepted event the bot could not process (the store was down, say) still gets its
step and is counted in `failed_events`; the command exits non-zero when that count is not 0.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from facilitator.engine import Engine, PatientHandler
from facilitator.events import ChatEvent
from facilitator.sim.transcript import BadLine, read_transcript

log = logging.getLogger(__name__)


Step = dict[str, Any]


class SeenIds:
    """Which (room, id) pairs came before: an open-addressing set of 64-bit hashes in one array.

    A Python set of the pairs costs ~150 bytes per event; this costs 8 bytes per slot, at most
    half full. Two different pairs sharing a 64-bit hash (odds ~1 in 10^8 at a million events)
    would make the second look repeated: it would be reported and skipped, never lost silently."""

    def __init__(self, capacity: int = 1 << 12) -> None:
        self._slots = array("Q", bytes(8 * capacity))
        self._mask = capacity - 1
        self._used = 0

    @staticmethod
    def _hash(room_name: str, event_id: str) -> int:
        data = f"{len(room_name)}:{room_name}{event_id}".encode("utf-8", "surrogatepass")
        return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little") or 1

    def add(self, room_name: str, event_id: str) -> bool:
        """Record the pair; False when it was there already."""
        key = self._hash(room_name, event_id)
        slots, mask = self._slots, self._mask
        i = key & mask
        while slots[i]:
            if slots[i] == key:
                return False
            i = (i + 1) & mask
        slots[i] = key
        self._used += 1
        if 2 * self._used > len(slots):
            self._grow()
        return True

    def __len__(self) -> int:
        return self._used

    def _grow(self) -> None:
        old = self._slots
        self._slots = array("Q", bytes(16 * len(old)))
        self._mask = len(self._slots) - 1
        for key in old:
            if key:
                i = key & self._mask
                while self._slots[i]:
                    i = (i + 1) & self._mask
                self._slots[i] = key


async def replay(engine: Engine, paths: list[Path], *, bot_name: str, with_state: bool = False,
                 errors: TextIO = sys.stderr,
                 on_step: Callable[[Step], None] | None = None) -> dict[str, Any]:
    """The report: `steps` (empty when `on_step` took them), `summary`, and `rooms` if asked."""
    steps: list[Step] = []
    emit = steps.append if on_step is None else on_step
    count = 0
    rooms: dict[str, str] = {}  # name in the transcript -> store key
    seen = SeenIds()
    skipped = failed = interventions = llm_calls = 0
    handle = PatientHandler(engine)
    for path in paths:
        for item in read_transcript(path, bot_name, bot_id=engine.bot_id):
            if isinstance(item, BadLine):
                print(item, file=errors)
                skipped += 1
                continue
            event: ChatEvent = item
            name = event.room.channel
            if not seen.add(name, event.id):
                print(f"{path}: event {event.id!r} in room {name!r} repeats an earlier id; "
                      "skipped", file=errors)
                skipped += 1
                continue
            rooms[name] = event.room.key
            try:
                outcome = await handle(event)
            except Exception as exc:  # a bug on one event must not lose the whole report
                log.exception("event %s in room %s could not be processed", event.id, name)
                failed += 1
                count += 1
                emit({"id": event.id, "room": name, "speak": False, "intervention": None,
                      "text": None, "reason": f"not processed: {type(exc).__name__}",
                      "signals": {}})
                print(f"{path}: event {event.id!r}: not processed: {type(exc).__name__}",
                      file=errors)
                continue
            if not outcome.processed:
                failed += 1
            if outcome.error:
                print(f"{path}: event {event.id!r}: {outcome.error}", file=errors)
            d = outcome.decision
            interventions += d.speak
            llm_calls += d.llm_calls
            count += 1
            step: dict[str, Any] = {
                "id": event.id, "room": name, "speak": d.speak,
                "intervention": d.intervention.value if d.intervention else None,
                "text": d.text, "reason": d.reason, "signals": d.signals,
            }
            if d.react:  # the lighter form: an emoji on a message; the key only when used
                step.update(react=d.react, react_to=d.react_to)
            emit(step)
    report: dict[str, Any] = {
        "steps": steps,
        "summary": {"events": count, "rooms": len(rooms), "interventions": interventions,
                    "llm_calls": llm_calls, "skipped_lines": skipped, "failed_events": failed},
    }
    if with_state:
        report["rooms"] = {}
        for name, key in rooms.items():
            try:
                state = await engine.store.get(key)
                report["rooms"][name] = state.model_dump(mode="json") if state else None
            except Exception as exc:  # the store may have gone; the report still comes out
                print(f"room {name!r}: state not available: {type(exc).__name__}: {exc}",
                      file=errors)
                report["rooms"][name] = None
    return report
