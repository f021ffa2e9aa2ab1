"""Who calls one concept by which name, so the bot can translate between vocabularies."""

from __future__ import annotations

from facilitator.events import ChatEvent
from facilitator.memory.state import CAP_TERMS, RoomState, TermUse
from facilitator.vocabulary import find_terms


def on_message(state: RoomState, event: ChatEvent) -> None:
    for concept, term in find_terms(event.text):
        use = next((t for t in state.terms if t.concept == concept), None)
        if use is None:
            use = TermUse(concept=concept)
            state.terms.append(use)
            del state.terms[:-CAP_TERMS]
        use.by[event.author.id] = term
        use.turn = state.turn
