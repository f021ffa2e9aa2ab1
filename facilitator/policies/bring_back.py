"""Which waiting request a busy channel's bot may bring back: one that stands on its own.

Quoted back to a room that has moved on, a request must make sense without its thread and
say what the problem is. Judged blind on two TUNE samples of Ubuntu IRC (70 brought back),
what failed a helper was a request that says no problem ("can someone help me with X"), an
asking clause that leans on the sentences before it ("... but why is one better than the
other?"), a statement taken for a question (a spam report), and a follow-up from the asker's
own lines just before ("but the effect doesn't seem to be permanent"). Each check is structural: word
counts, sentence order, the question mark, who spoke to whom; and the request's language, since
all of it was judged in English rooms.

A request that passes them, at a free moment, is then weighed by a fitted read
(`reading/waiting.py`, `helps`): still judged blind on 40 REPORT turns, the misses were vague or
off-topic requests and fragments (neutral) that no structural check tells apart.
"""

from __future__ import annotations

import math
from collections import Counter

from facilitator.memory.state import Question, RoomState
from facilitator.memory.trackers.common import spoken_to
from facilitator.policies.decision import Intervention
from facilitator.policies.readout import MOVE_QUOTE_LIMIT, said
from facilitator.reading.clauses import clean, sentences
from facilitator.reading.language import detect_language
from facilitator.reading.message import plainly_english
from facilitator.reading.waiting import LAST, help_probability, load_model, text_cues

# Of quotes under 11 words, 2 of 20 judged (TUNE) had helped and 3 harmed; of longer ones 15
# of 20, none harmed. Counted in words: a language written without spaces is not brought back.
QUOTE_WORDS = 11
QUESTION_MARKS = ("?", "？", "؟")


def why_not(state: RoomState, q: Question) -> str | None:
    """Why `q` does not stand on its own; None when it may be brought back as a quote."""
    clause = said(state, q.text, q.id, want="question", limit=MOVE_QUOTE_LIMIT)
    if clause and any(t.intervention == Intervention.SURFACE_QUESTION and f'"{clause}"' in t.text
                      for t in state.bot_log):
        # Asked again word for word, as often under a reconnect's new nick ("NoiseBO1",
        # "NoiseBOX", the first gone by then): one nudge already stands for it (a blind judge
        # found the second harmful).
        return "the same words were brought back already"
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
    if not plainly_english(q.text) and detect_language(q.text).code != "en":
        # The waiting read, the quote's cleaning and the words around it were fitted and
        # judged on English help channels only: in another language the bot cannot tell.
        return "it is not in English, where bringing requests back was judged"
    return None


def waiting_features(state: RoomState, q: Question, now: float) -> tuple[float, ...]:
    """The fitted read's inputs for bringing `q` back at `now` (`reading.waiting.FEATURES`)."""
    words, concrete, trouble, mark = text_cues(q.text)
    asker = state.participants.get(q.asker)
    lines = asker.messages if asker is not None else 1
    authors = {m.id: m.author for m in state.window}
    recent = state.recent_human(LAST)
    involved: Counter[str] = Counter()
    directed = 0
    for msg in recent:
        to = spoken_to(state, msg, authors)
        directed += to is not None
        for who in {msg.author, to} - {None}:
            involved[who] += 1  # type: ignore[index]
    return (words, math.log1p(max(0.0, now - q.ts) / 60),
            math.log1p(max(0, state.human_messages - q.turn)), concrete, trouble,
            float(lines <= 1), math.log1p(lines), max(involved.values(), default=0) / LAST,
            directed / LAST, mark)


def helps(state: RoomState, q: Question, now: float) -> tuple[bool, float]:
    """Whether the fitted read expects bringing `q` back now to help, and its probability."""
    names = [n for p in state.participants.values() for n in (p.id, p.name) if n]
    model = load_model()
    p = help_probability(q.text, waiting_features(state, q, now), names, model)
    return p >= model.threshold, p
