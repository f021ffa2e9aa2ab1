"""The room over time, one sample per minute with activity: what the room page charts.

Kept sparse (quiet minutes are not stored) and bounded (CAP_HISTORY), and it holds no
member ids, so forgetting a member never needs to touch it.
"""

from __future__ import annotations

from facilitator.memory.state import CAP_HISTORY, Minute, RoomState


def note_minute(state: RoomState, ts: float, *, tension: float, evenness: float, voices: int,
                human_message: bool, bot_spoke: bool) -> None:
    """Fold one handled event into the minute it happened in."""
    if ts <= 0:
        return
    minute = int(ts // 60)
    last = state.history[-1] if state.history else None
    if last is None or minute > last.t:
        last = Minute(t=minute)
        state.history.append(last)
        if len(state.history) > CAP_HISTORY:
            del state.history[: len(state.history) - CAP_HISTORY]
    elif minute < last.t:
        # Out-of-order timestamps are counted in the latest minute rather than reordering.
        pass
    last.messages += int(human_message)
    last.bot += int(bot_spoke)
    last.heat = round(tension, 3)
    last.evenness = round(evenness, 3)
    last.voices = voices
