"""`facilitator replay`: recorded events through the bot, and what it would have done.

Counterfactual: the bot's would-be messages count toward its budget and cooldowns (the
engine records them in the room state) but the human transcript continues as recorded.

Nothing in the input stops the run: a bad line is reported and skipped (`skipped_lines`),
and an accepted event the bot could not process (the store was down, say) still gets its
step and is counted in `failed_events`; the command exits non-zero when that count is not 0.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, TextIO

from facilitator.engine import Engine, PatientHandler
from facilitator.events import ChatEvent
from facilitator.sim.transcript import BadLine, read_transcript

log = logging.getLogger(__name__)


async def replay(engine: Engine, paths: list[Path], *, bot_name: str, with_state: bool = False,
                 errors: TextIO = sys.stderr) -> dict[str, Any]:
    steps: list[dict[str, Any]] = []
    rooms: dict[str, str] = {}  # name in the transcript -> store key
    seen: set[tuple[str, str]] = set()
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
            if (name, event.id) in seen:
                print(f"{path}: event {event.id!r} in room {name!r} repeats an earlier id; "
                      "skipped", file=errors)
                skipped += 1
                continue
            seen.add((name, event.id))
            rooms[name] = event.room.key
            try:
                outcome = await handle(event)
            except Exception as exc:  # a bug on one event must not lose the whole report
                log.exception("event %s in room %s could not be processed", event.id, name)
                failed += 1
                steps.append({"id": event.id, "room": name, "speak": False, "intervention": None,
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
            step: dict[str, Any] = {
                "id": event.id, "room": name, "speak": d.speak,
                "intervention": d.intervention.value if d.intervention else None,
                "text": d.text, "reason": d.reason, "signals": d.signals,
            }
            if d.react:  # the lighter form: an emoji on a message; the key only when used
                step.update(react=d.react, react_to=d.react_to)
            steps.append(step)
    report: dict[str, Any] = {
        "steps": steps,
        "summary": {"events": len(steps), "rooms": len(rooms), "interventions": interventions,
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
