"""`facilitator replay`: recorded events through the bot, and what it would have done.

Counterfactual: the bot's would-be messages count toward its budget and cooldowns (the
engine records them in the room state) but the human transcript continues as recorded.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from facilitator.engine import Engine
from facilitator.events import ChatEvent
from facilitator.transcript import BadLine, read_transcript


async def replay(engine: Engine, paths: list[Path], *, bot_name: str, with_state: bool = False,
                 errors: TextIO = sys.stderr) -> dict[str, Any]:
    steps: list[dict[str, Any]] = []
    rooms: dict[str, str] = {}  # name in the transcript -> store key
    seen: set[tuple[str, str]] = set()
    skipped = interventions = llm_calls = 0
    for path in paths:
        for item in read_transcript(path, bot_name):
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
            outcome = await engine.handle(event)
            if outcome.error:
                print(f"{path}: event {event.id!r}: {outcome.error}", file=errors)
            d = outcome.decision
            interventions += d.speak
            llm_calls += d.llm_calls
            steps.append({
                "id": event.id, "room": name, "speak": d.speak,
                "intervention": d.intervention.value if d.intervention else None,
                "text": d.text, "reason": d.reason, "signals": d.signals,
            })
    report: dict[str, Any] = {
        "steps": steps,
        "summary": {"events": len(steps), "rooms": len(rooms), "interventions": interventions,
                    "llm_calls": llm_calls, "skipped_lines": skipped},
    }
    if with_state:
        report["rooms"] = {}
        for name, key in rooms.items():
            state = await engine.store.get(key)
            report["rooms"][name] = state.model_dump(mode="json") if state else None
    return report
