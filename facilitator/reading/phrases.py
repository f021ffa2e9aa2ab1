"""Key phrases: what members are talking about, in their own words.

YAKE (unsupervised, statistical keyword extraction) over the members' recent messages, then
filtered: never a member's name or nick, the bot's name, a stop word or chat filler, and only
a phrase that can stand as a topic (`clauses.phrase_problem`): whole words of one message,
no piece of a word, no words of two messages joined, no hesitation, no capitalised name, no
shouting, no digits alone. When nothing good is left, the answer is no phrase, and templates
do without one.
It costs a few milliseconds, so it runs only when the bot composes words, never per message.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from functools import lru_cache

from facilitator.reading.clauses import MARKUP, phrase_problem
from facilitator.reading.cues import STOPWORDS
from facilitator.reading.nicks import base_nick

# Chat filler that carries no topic in any conversation.
FILLER = frozenset(
    """hi hello hey hiya yo thanks thank thx ty cheers welcome bye hmm hmmm hm uh um umm erm ah
    oh ooh ok okay k yes yeah yep yup no nope nah lol lmao haha hehe heh rofl sorry pls plz
    please sure cool nice great good fine right anyway btw imo imho afaik fyi guys folks
    everyone anyone someone somebody people person man dude bro mate question answer help""".split()
)
_TOKEN = re.compile(r"[\w'+.#-]+")
_MAX_CHARS = 4000


def key_phrases(texts: Sequence[str], *, exclude: Collection[str] = (), n: int = 2) -> list[str]:
    """Up to `n` key phrases of the texts, best first, none naming a person or saying nothing."""
    kept = _latest_whole(texts)
    text = "\n\n".join(MARKUP.sub(" ", t) for t in kept)
    if not text.strip():
        return []
    banned = frozenset(base_nick(x) for x in exclude if x) | frozenset(x.lower() for x in exclude if x)
    found: list[str] = []
    ranked = _candidates(text)
    # A phrase of two words says more than one word ("wifi card" over "card"): among the
    # best few, multi-word phrases go first.
    head = sorted(ranked[:4], key=lambda p: " " not in p)
    for phrase in (*head, *ranked[4:]):
        tokens = [t.lower().strip(".'-") for t in _TOKEN.findall(phrase)]
        if not tokens or any(t in banned or base_nick(t) in banned for t in tokens):
            continue
        meaningful = [t for t in tokens if t not in STOPWORDS and t not in FILLER
                      and len(t) > 2 and not t.isdigit()]
        if not meaningful or tokens[0] in STOPWORDS or tokens[-1] in STOPWORDS:
            continue
        low = phrase.lower()
        if any(low in f.lower() or f.lower() in low for f in found):
            continue
        if phrase_problem(phrase, names=exclude, sources=kept) is not None:
            continue
        found.append(phrase)
        if len(found) == n:
            break
    return found


def _latest_whole(texts: Sequence[str]) -> list[str]:
    """The latest messages that fit in _MAX_CHARS, each whole: a message that does not fit
    is left out, never cut (a cut would start a phrase mid-word); only one longer than the
    whole limit is cut, at a space, keeping its end."""
    kept: list[str] = []
    total = 0
    for t in reversed([t for t in texts if t.strip()]):
        if total + len(t) + 2 > _MAX_CHARS:
            if not kept:
                tail = t[-_MAX_CHARS:]
                kept.append(tail[tail.find(" ") + 1:] if " " in tail else "")
            break
        kept.append(t)
        total += len(t) + 2
    return kept[::-1]


_RUN = re.compile(r"[^\W_]{3,}")  # YAKE splits "windows_IP" into words too


def may_hold_phrases_of(lowered: str, text: str) -> bool:
    """False when no key phrase of `text` can appear in `lowered` (a lowercased text): none of
    its words of 3 letters or more, nor its tokens such as "c++", is in it. A check of
    microseconds before key phrases of a millisecond."""
    low = text.lower()
    return any(w in lowered for w in _RUN.findall(low) if w not in STOPWORDS) or any(
        t in lowered for t in (x.strip(".'-") for x in _TOKEN.findall(low))
        if len(t) > 2 and t not in STOPWORDS)


@lru_cache(maxsize=512)
def _candidates(text: str) -> tuple[str, ...]:
    import yake  # a few hundred ms to import: only when the bot composes words

    extractor = yake.KeywordExtractor(lan="en", n=2, top=12, dedupLim=0.8)
    scored = extractor.extract_keywords(text)
    # Lower is better in YAKE; ties broken by the phrase so every run picks the same.
    return tuple(p for p, _ in sorted(scored, key=lambda x: (round(float(x[1]), 9), x[0])))
