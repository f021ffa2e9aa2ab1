"""Lighter moves first (issue 19, item 5): where the platform allows it, a reaction instead of a
message, or beside it.

- A question that has waited (`surface_question`): 👀 (`eyes`) on the question, instead of a
  message, while it is still on screen (at most ON_SCREEN human messages ago): the room sees
  the mark land on it, and nobody is interrupted. A question further back is brought back by a
  message quoting it, since a reaction on a message scrolled out of view is not seen — unless
  no clause of it can be quoted well: then the reaction is the only form that says it well.
- A decision the group reached (`record_decision`): ✅ (`white_check_mark`) on the proposal,
  beside the message that reads it out. The message stays because it asks who takes the
  decision forward and gives the room the chance to object to the record; the mark shows, on
  the proposal itself, what was recorded. When the proposal cannot be quoted well, the mark
  alone records it (no garbled words).

Platforms: Slack (`reactions.add`), Discord (`add_reaction`), and the local chat that
simulation and replay use (a `react` field on the step).
"""

from __future__ import annotations

from dataclasses import dataclass

from facilitator.events import ChatEvent
from facilitator.memory.state import RoomState
from facilitator.policies.decision import Intervention, Moment
from facilitator.policies.readout import MOVE_QUOTE_LIMIT, said

REACTION_PLATFORMS = frozenset({"slack", "discord", "local"})
ON_SCREEN = 8  # human messages since a question for it to count as still in view
EYES = "eyes"
CHECK = "white_check_mark"


@dataclass(frozen=True, slots=True)
class Reaction:
    emoji: str  # its name, as Slack spells it ("eyes", "white_check_mark")
    target: str  # the message it goes on
    alone: bool  # instead of the message (True) or beside it


def lighter_form(moment: Moment, state: RoomState, event: ChatEvent) -> Reaction | None:
    """The reaction that makes this move, or goes with its message; None when a message alone."""
    if event.room.platform not in REACTION_PLATFORMS or moment.ref is None:
        return None
    if moment.intervention == Intervention.SURFACE_QUESTION:
        if moment.facts.get("mode") == "channel":
            # In a busy channel a mark on a waiting request brings nobody to it: judged blind
            # on TUNE IRC rooms, all 7 were neutral. The request is quoted, or left alone.
            return None
        q = next((q for q in state.questions if q.id == moment.ref), None)
        if q is None:
            return None
        on_screen = state.human_messages - q.turn <= ON_SCREEN
        if on_screen or not said(state, q.text, q.id, want="question", limit=MOVE_QUOTE_LIMIT):
            return Reaction(EYES, q.id, alone=True)
        return None
    if moment.intervention == Intervention.RECORD_DECISION:
        p = next((p for p in state.proposals if p.id == moment.ref), None)
        if p is None:
            return None
        quotable = bool(said(state, p.text, p.id, want="proposal", limit=MOVE_QUOTE_LIMIT))
        return Reaction(CHECK, p.id, alone=not quotable)
    return None
