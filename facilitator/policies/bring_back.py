"""Which waiting request a busy channel's bot may bring back: one that stands on its own.

Quoted back to a room that has moved on, a request must make sense without its thread and
say what the problem is. Judged blind on two TUNE samples of Ubuntu IRC (70 brought back),
what failed a helper was a request that says no problem ("can someone help me with X"), an
asking clause that leans on the sentences before it ("... but why is one better than the
other?"), a statement taken for a question (a spam report), and a follow-up from the asker's
own lines just before ("but the effect doesn't seem to be permanent"). Each check is structural: word
counts, sentence order, the question mark, who spoke to whom.
"""

from __future__ import annotations

from facilitator.memory.state import Question, RoomState
from facilitator.policies.readout import MOVE_QUOTE_LIMIT, said
from facilitator.reading.clauses import clean, sentences

# Of quotes under 11 words, 2 of 20 judged (TUNE) had helped and 3 harmed; of longer ones 15
# of 20, none harmed. Counted in words: a language written without spaces is not brought back.
QUOTE_WORDS = 11
QUESTION_MARKS = ("?", "？", "؟")


def why_not(state: RoomState, q: Question) -> str | None:
    """Why `q` does not stand on its own; None when it may be brought back as a quote."""
    clause = said(state, q.text, q.id, want="question", limit=MOVE_QUOTE_LIMIT)
    if len(clause.split()) < QUOTE_WORDS:
        return "it says no problem a helper could act on, or nothing whole can be quoted"
    if not clause.endswith(QUESTION_MARKS):
        return "it does not ask"
    full = next((m.text for m in state.window if m.id == q.id), q.text)
    opening = next((clean(x) for x in sentences(full) if clean(x)), "")
    if clause != opening:
        # The first sentence that says anything, quotable or not: a long or rough opening
        # the quote skips is still what the question leans on.
        return "its question leans on the sentences before it"
    if q.follows_on:
        return "it follows on from the asker's own lines or exchange just before"
    return None
