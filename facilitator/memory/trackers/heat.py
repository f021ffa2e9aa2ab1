"""The room's heat and pace, and whether two members are going in circles."""

from __future__ import annotations

from facilitator.events import ChatEvent
from facilitator.memory.state import RoomState
from facilitator.memory.trackers.relations import decayed_heat
from facilitator.reading.message import MessageRead
from facilitator.reading.text import read_text


def on_message(state: RoomState, event: ChatEvent, read: MessageRead, to: list[str]) -> None:
    r = state.rolling
    r.heat_prev = r.heat
    r.heat = decayed_heat(r.heat, read)
    r.peak_heat = max(r.peak_heat, r.heat)
    if r.last_human_ts:
        gap = max(event.ts - r.last_human_ts, 1.0)
        r.pace_per_min = 0.8 * r.pace_per_min + 0.2 * (60.0 / gap)
    r.last_human_ts = event.ts
    # Going in circles: the same two members disagreeing again with words they used before.
    repeated = False
    content = read.text.content
    if to and (read.text.disagree or read.hostility > 0.1) and content:
        for earlier in state.window[-12:]:
            if earlier.author != event.author.id:
                continue
            if len(read_text(earlier.text).content & content) / len(content) >= 0.3:
                repeated = True
                break
    r.loop_score = r.loop_score + 1.0 if repeated else r.loop_score * 0.6
