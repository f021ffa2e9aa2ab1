"""Who calls one concept by which name, so the bot can translate between vocabularies."""

from __future__ import annotations

from facilitator.events import ChatEvent
from facilitator.memory.state import CAP_TERM_SOURCES, CAP_TERMS, RoomState, TermUse
from facilitator.reading.message import TextRead, read_text


def on_message(state: RoomState, event: ChatEvent, text: TextRead, *,
               message_id: str | None = None, turn: int | None = None) -> None:
    """`text`: the read of the event's text, whose terms it records. `message_id` and `turn`:
    the message an edit changed, when this is its new text."""
    source = message_id or event.id
    for concept, term in text.terms:
        use = next((t for t in state.terms if t.concept == concept), None)
        if use is None:
            use = TermUse(concept=concept)
            state.terms.append(use)
            del state.terms[:-CAP_TERMS]
        member = event.author.id
        # The messages behind the member's current term: a new term starts a new list.
        sources = use.sources.get(member, []) if use.by.get(member) == term else []
        use.sources[member] = [*[s for s in sources if s != source], source][-CAP_TERM_SOURCES:]
        use.by[member] = term
        use.turn = state.human_messages if turn is None else max(use.turn, turn)


def forget_sources(state: RoomState, ids: set[str]) -> bool:
    """Drop these messages as sources; a member's term goes with its last source, and a
    concept nobody is known to use goes too. True when any term use changed."""
    changed = False
    # Term uses saved before sources were kept: a deleted message still in the window that
    # used the member's recorded term takes it.
    for msg in state.window:
        if msg.id not in ids or msg.is_bot:
            continue
        for concept, term in read_text(msg.text).terms:
            use = next((t for t in state.terms if t.concept == concept), None)
            if use is not None and msg.author not in use.sources and (
                    use.by.get(msg.author) == term):
                del use.by[msg.author]
                changed = True
    for use in state.terms:
        for member, sources in list(use.sources.items()):
            if ids.isdisjoint(sources):
                continue
            changed = True
            left = [s for s in sources if s not in ids]
            if left:
                use.sources[member] = left
            else:
                del use.sources[member]
                use.by.pop(member, None)
    if changed:
        state.terms = [use for use in state.terms if use.by]
    return changed


def forget(state: RoomState, member_id: str) -> None:
    for use in state.terms:
        use.by.pop(member_id, None)
        use.sources.pop(member_id, None)
    state.terms = [use for use in state.terms if use.by]
