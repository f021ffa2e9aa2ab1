"""Members' words the bot may repeat: whole clauses and phrases, never pieces (issue 19, item 6).

The bot repeats members in two ways: it quotes a clause (a question, a proposal, a point) and it
names a topic in a key phrase. Both must be said well, in any room and language, so the checks
here look at structure, not at words tuned to one room:

- whole tokens of one message: a phrase or quote lines up with the token boundaries of a single
  message (a piece of a word, "irst-run", or words from two messages never pass);
- no hesitation sounds or speech restarts ("Mm. Yeah we Is it possible to um" is cleaned to "Is
  it possible to", which then fails as a cut clause);
- no clause cut short (it ends on an article or a conjunction, or on an ellipsis the bot made);
- no fragment: a phrase needs a content word; digits alone, one stray word, a member's name, a
  capitalised name, a repeated word or a shouted run of capitals are not a topic.

Word lists (hesitations, openers, dangling words) are language data in data/speech.json; what
is structural (case, token boundaries, repeats, punctuation) holds in every language. The key
phrases a topic is named by are found here too (`key_phrases`, below).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Sequence
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise

from facilitator.reading.cues import PROPOSAL_HEADING, STOPWORDS
from facilitator.reading.message import hostile_wording
from facilitator.reading.tokens import (
    PHRASE_TOKEN,
    RUN,
    SENTENCE_END,
    TOKEN,
    base_nick,
    norm,
    quote_words,
)

_CUT = ("…", "...")
QUOTE_MAX_CHARS = 200
QUOTE_MAX_WORDS = 36
PHRASE_MAX_WORDS = 5
INSULT_AT = 0.2  # the guard's bar for words that put someone down


@cache
def _speech() -> dict[str, object]:
    raw = resources.files("facilitator.reading").joinpath("data/speech.json").read_text("utf-8")
    data: dict[str, object] = json.loads(raw)
    return data


def _words(kind: str, lang: str | None) -> frozenset[str]:
    table = _speech()[kind]
    assert isinstance(table, dict)
    langs = [lang] if lang in table else list(table) if lang == "*" else ["en"]
    return frozenset(w for code in langs for w in table[code])


@cache
def sounds() -> frozenset[str]:
    listed = _speech()["sounds"]
    assert isinstance(listed, list)
    return frozenset(listed)


@cache
def fillers(lang: str | None = "en") -> frozenset[str]:
    """Hesitations dropped wherever they stand: the universal sounds and the language's own."""
    return sounds() | _words("fillers", lang)


@cache
def openers(lang: str | None = "en") -> frozenset[str]:
    return _words("openers", lang)


@cache
def dangling(lang: str | None = "en") -> frozenset[str]:
    return _words("dangling", lang)


@cache
def introducers() -> frozenset[str]:
    """Words a noun phrase follows, in every language read (a union: a topic's language is
    not known, and a false match only lets a phrase through the other checks)."""
    return _words("introducers", "*")


@cache
def unasked(lang: str | None = "en") -> frozenset[str]:
    return _words("unasked", lang)


def is_filler(word: str, lang: str | None = "en") -> bool:
    w = norm(word)
    # Stretched sounds: "hmmmm", "uhhhh", "mmmmm".
    return w in fillers(lang) or bool(re.fullmatch(r"(h?m+|u+h+m*|e+r+m*|a+h+|hm+)", w))


@cache
def function_words() -> frozenset[str]:
    """Words that carry no content in any language read: the stop words, and the language
    data's hesitations, openers, articles, conjunctions and prepositions of every language."""
    return STOPWORDS | fillers("*") | openers("*") | dangling("*") | introducers()


def content_of(text: str) -> list[str]:
    """The words of `text` that carry content, in any language: its tokens (`words`) of three
    characters or more that are no function word of a language read."""
    skip = function_words()
    return [w for w in quote_words(text) if len(w) >= 3 and w not in skip]


def same_word(a: str, b: str) -> bool:
    """Two tokens that are one word inflected ("fence" / "fences", "decide" / "decided",
    "city" / "cities", "make" / "making"): the same, or the shorter (three characters or
    more) starts the longer, or the shorter less its last letter does (four or more)."""
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < 3 or len(short) == len(long):
        return False
    return long.startswith(short) or (len(short) >= 4 and long.startswith(short[:-1]))


# ---------------------------------------------------------------- quotes in the bot's words


# A quote in a text the bot writes: a stretch between straight double quotes, or between
# curly ones, on one line.
QUOTE = re.compile(r"\"([^\"\n]*)\"|“([^”\n]*)”")


def quotes(text: str) -> list[str]:
    """The quoted stretches of a text, in order."""
    return [m.group(1) if m.group(1) is not None else m.group(2) for m in QUOTE.finditer(text)]


def unquoted(text: str) -> str:
    """The text with each quote emptied (`""`): the bot's own words, quotes aside."""
    return QUOTE.sub('""', text)


def quote_found(quote: str, texts: Iterable[str], *, lang: str | None = "en") -> bool:
    """Whether a quote is words of one of `texts`: its first 60 characters as written (case,
    spacing and curly apostrophes aside; the end's punctuation and a cut's "…" dropped), or,
    cleaned of hesitations, a run of whole words of one (`aligned`). An empty quote is no
    claim and is found."""
    snippet = _flat(quote).strip(" .,;:!?…").rstrip("…").strip()
    if not snippet:
        return True
    texts = list(texts)
    return any(snippet[:60] in _flat(t) for t in texts) or aligned(quote, texts, lang=lang)


def _flat(text: str) -> str:
    return " ".join(norm(text).split())


# ---------------------------------------------------------------- lining up with a message


# Links, code and platform markup: never a source of a member's words to repeat.
MARKUP = re.compile(r"(?:https?://|www\.)\S+|<[^<>\s]+>|`[^`]*`")


def _normal_tokens(text: str, lang: str | None = "en") -> list[str]:
    """Tokens as a quote may repeat them: hesitations out, a word said twice said once (links
    and code spans out: a phrase never joins a word to a piece of a link)."""
    out: list[str] = []
    for w in quote_words(MARKUP.sub(" __ ", text)):
        if is_filler(w, lang):
            continue
        if out and out[-1] == w:
            continue
        out.append(w)
    return out


def introduced(fragment: str, sources: Iterable[str], *, lang: str | None = "en") -> bool:
    """Somewhere in the sources the fragment's words follow an article, a possessive or a
    preposition, right before them or one word earlier ("the wifi card", "an optional
    first-run wizard"): it is named as a thing, not said as a verb ("add sudo", "wanna",
    "makes sense")."""
    want = _normal_tokens(fragment, lang)
    n = len(want)
    if not n:
        return False
    intro = introducers()
    for s in sources:
        toks = _normal_tokens(s, lang)
        for i in range(1, len(toks) - n + 1):
            if toks[i:i + n] == want and (toks[i - 1] in intro or (
                    i > 1 and toks[i - 2] in intro)):
                return True
    return False


def aligned(fragment: str, sources: Iterable[str], *, lang: str | None = "en") -> bool:
    """The fragment's words are a run of whole words of one source text (case aside, with
    hesitations and repeats cleaned out of both): never a piece of a word, never words of two
    messages joined."""
    want = _normal_tokens(fragment, lang)
    if not want:
        return False
    needle = " " + " ".join(want) + " "
    return any(needle in " " + " ".join(_normal_tokens(s, lang)) + " " for s in sources)


# ---------------------------------------------------------------- checks


def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalpha())


def shouted(text: str) -> bool:
    """A run of capitals: most letters upper case, and more than an acronym's worth."""
    letters = _letters(text)
    upper = sum(ch.isupper() for ch in letters)
    if len(letters) < 5:
        return False
    caps_words = [w for w in TOKEN.findall(text) if len(_letters(w)) >= 2 and _letters(w).isupper()]
    long_caps = any(len(_letters(w)) >= 5 for w in caps_words)
    return upper / len(letters) > 0.6 and (long_caps or len(caps_words) >= 2)


def _name_keys(names: Iterable[str]) -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    single: set[str] = set()
    multi: list[tuple[str, ...]] = []
    for name in names:
        if not name:
            continue
        toks = tuple(quote_words(name))
        single.add(norm(name))
        single.add(base_nick(name))
        if len(toks) == 1:
            single.add(toks[0])
        elif toks:
            multi.append(toks)
    return frozenset(single), tuple(multi)


def names_someone(text: str, names: Iterable[str]) -> bool:
    """The text holds a member's name: the whole name, or a word that is a member's one-word
    name or nick."""
    single, multi = _name_keys(names)
    toks = quote_words(text)
    toks = [t.removesuffix("'s") for t in toks]  # "ann's card" names Ann
    if norm(text.strip()) in single or any(t in single or base_nick(t) in single for t in toks):
        return True
    joined = " " + " ".join(toks) + " "
    return any(" " + " ".join(m) + " " in joined for m in multi)


def _capitalised(word: str) -> bool:
    letters = _letters(word)
    return bool(letters) and letters[0].isupper() and not letters.isupper()


def phrase_problem(phrase: str, *, names: Collection[str] = (), sources: Sequence[str] | None = None,
                   lang: str | None = "en") -> str | None:
    """None when `phrase` can stand as a topic ("any thoughts on {topic}?"); else why not.

    `sources`: the messages it must come from (whole words of one of them)."""
    text = " ".join(phrase.split())
    if not text:
        return "empty"
    if any(text.endswith(c) or text.startswith(c) for c in _CUT):
        return "cut short"
    toks = TOKEN.findall(text)
    low = [norm(t) for t in toks]
    if not toks:
        return "no words"
    if len(toks) > PHRASE_MAX_WORDS:
        return "too long for a topic"
    if all(not _letters(t) for t in toks):
        return "digits only"
    if any(is_filler(t, lang) for t in low):
        return "a hesitation"
    if len(set(low)) < len(low):
        return "a repeated word"
    if low[0] in STOPWORDS or low[-1] in STOPWORDS or low[-1] in dangling(lang):
        return "a fragment (starts or ends on a function word)"
    if not any(len(_letters(t)) >= 3 and t not in STOPWORDS for t in low):
        return "a fragment (no content word)"
    if names and names_someone(text, names):
        return "names a member"
    if shouted(text):
        return "shouted capitals"
    if all(_capitalised(t) for t in toks if _letters(t)):
        return "a capitalised name or a sentence's first word, not a topic"
    if hostile_wording(text) >= INSULT_AT:
        return "an insult is no topic"
    if sources is not None and not aligned(text, sources, lang=lang):
        return "not whole words of one message"
    if sources is not None and not introduced(text, sources, lang=lang):
        return "never named as a thing (no article, possessive or preposition before it)"
    return None


def quote_problem(quote: str, *, sources: Sequence[str] | None = None,
                  lang: str | None = "en") -> str | None:
    """None when `quote` is a member's clause the bot may repeat in quotes; else why not.

    A quote of a few words that is no clause (a term, a noun phrase) is held to the phrase
    check instead."""
    text = " ".join(quote.split())
    if not text:
        return "empty quote"
    if any(text.rstrip("?!.").endswith(c) for c in _CUT) or text.endswith(_CUT):
        return "cut short"
    toks = TOKEN.findall(text)
    low = [norm(t) for t in toks]
    if not toks or all(not _letters(t) for t in toks):
        return "no words"
    if len(text) > QUOTE_MAX_CHARS or len(toks) > QUOTE_MAX_WORDS:
        return "too long to quote"
    if any(is_filler(t, lang) for t in low):
        return "a hesitation"
    if _restart_at(toks, text) is not None:
        return "a speech restart"
    if any(a == b for a, b in pairwise(low)):
        return "a repeated word"
    if '"' in text or "“" in text or "”" in text:
        return "a quote inside the quote"
    if any(text.count(a) != text.count(b) for a, b in ("()", "[]", "{}")) or text.count("`") % 2:
        return "a bracket or code mark left open"
    if low[-1] in dangling(lang) or (low[-1] in unasked(lang) and not text.endswith("?")):
        return "cut short (ends on a function word)"
    if shouted(text):
        return "shouted capitals"
    if not any(len(_letters(t)) >= 3 and t not in STOPWORDS for t in low):
        return "a fragment (no content word)"
    if sources is not None and not aligned(text, sources, lang=lang):
        return "not whole words of one message"
    return None


# ---------------------------------------------------------------- cleaning a message


# Words a spoken restart begins with (English): a question or a subject. Not "I" (it is
# always capitalised), nor words that are also names or months ("May", "Will", "Mark").
_FUNCTION_STARTS = frozenset(
    """is are was were do does did can could should would what who whom whose when where why
    how which we you they we're you're they're it's let's there's that's""".split())


def _restart_at(toks: Sequence[str], text: str) -> int | None:
    """Index of the last spoken restart: a lowercase word run straight (no punctuation) into a
    capitalised function word ("yeah we Is it possible"). English cue words; None elsewhere."""
    found = None
    pos = 0
    spans = []
    for t in toks:
        start = text.find(t, pos)
        spans.append((start, start + len(t)))
        pos = start + len(t)
    for i in range(1, len(toks)):
        prev, cur = toks[i - 1], toks[i]
        gap = text[spans[i - 1][1]:spans[i][0]]
        if gap.strip():
            continue  # punctuation between them: a new sentence or clause, not a restart
        if (_letters(prev) and _letters(prev).islower() and _capitalised(cur)
                and norm(cur) in _FUNCTION_STARTS and cur != "I"):
            found = i
    return found


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]


def clean(sentence: str, *, lang: str | None = "en") -> str:
    """One sentence as the bot may quote it: hesitations and a word said twice dropped, a
    restart cut to its last start, leading discourse markers removed. The member's words are
    kept as written otherwise (a trailing ellipsis too: a clause that trails off is not whole,
    and the quote check says so)."""
    text = " ".join(sentence.split())
    text = re.sub(r"[\"“”]", "'", text)  # the bot's quote marks are double; theirs go single
    ms = list(TOKEN.finditer(text))
    if not ms:
        return ""
    tails = [text[m.end():ms[i + 1].start() if i + 1 < len(ms) else len(text)]
             for i, m in enumerate(ms)]
    drop: set[int] = set()
    for i, m in enumerate(ms):
        w = norm(m.group())
        if is_filler(w, lang):
            drop.add(i)
        elif i + 1 < len(ms) and not tails[i].strip(" ,"):
            nxt = norm(ms[i + 1].group())
            # "the the", "what what", "we we've": the first try at the word goes.
            if nxt == w or nxt.startswith(w + "'"):
                drop.add(i)
    kept = [i for i in range(len(ms)) if i not in drop]
    if not kept:
        return ""

    def after(k: int) -> str:
        """What follows kept token k: the text up to the next token, and the sentence-ending
        marks of the dropped tokens before the next kept one."""
        i = kept[k]
        j = kept[k + 1] if k + 1 < len(kept) else len(ms)
        return tails[i] + "".join(re.sub(r"[^?!…]", "", tails[d]) for d in range(i + 1, j))

    start = 0
    for k in range(1, len(kept)):
        prev, cur = ms[kept[k - 1]].group(), ms[kept[k]].group()
        if (not after(k - 1).strip() and _letters(prev) and _letters(prev).islower()
                and _capitalised(cur) and norm(cur) in _FUNCTION_STARTS and cur != "I"):
            start = k  # a restart: the speaker began again here
    while start < len(kept) - 2 and norm(ms[kept[start]].group()) in openers(lang):
        start += 1
    out = "".join(ms[kept[k]].group() + after(k) for k in range(start, len(kept)))
    out = re.sub(r"\s+", " ", out).strip()
    out = re.sub(r"\s+([?!.,;:])", r"\1", out)
    out = re.sub(r"\s*\.{2,}\s*([?!])$", r"\1", out)  # "comes out ..?" -> "comes out?"
    out = out.strip(" ,;:-")
    # Spanish opens a question or an exclamation with its mark ("¿Cambiamos …?"): a quote
    # that keeps the closing one keeps the opening one too.
    for opening, closing in (("¿", "?"), ("¡", "!")):
        if text.lstrip().startswith(opening) and out.endswith(closing) and out[:1] != opening:
            out = opening + out
    return out


_QUESTION_WORDS = re.compile(
    r"^\s*(who|what|when|where|why|how|which|can|could|should|would|will|do|does|did|is|are|"
    r"was|were|has|have|any|anyone|anybody|does anyone|shall|may)\b", re.I)
_PROPOSAL = re.compile(
    r"\b(let's|let us|we should|we could|i propose|i suggest|how about|what if we|shall we|"
    r"why don't we|i recommend|propose|suggest)\b", re.I)


_HEADING = re.compile(rf"^{PROPOSAL_HEADING}\s*", re.I)


def quotable(text: str, *, want: str = "any", lang: str | None = "en",
             limit: int = QUOTE_MAX_CHARS) -> str:
    """The clause of a member's message the bot may quote, cleaned; "" when none is whole.

    `want`: "question" (a sentence that asks), "proposal" (one that proposes, else the first
    whole one) or "any" (the first whole one). A text that ends in an ellipsis was cut by the
    bot's own memory, so its last sentence is never used."""
    parts = sentences(text)
    if parts and text.rstrip().endswith("…"):
        parts = parts[:-1]
    cleaned = [clean(s, lang=lang) for s in parts]
    # Whole words of this message, outside its links and code (`aligned`).
    good = [c for c in cleaned if c and len(c) <= limit
            and quote_problem(c, sources=[text], lang=lang) is None]
    if not good:
        return ""
    if want == "question":
        asks = [c for c in good if c.endswith("?")] or [
            c for c in good if _QUESTION_WORDS.match(c)]
        if asks:
            return asks[0]
        return good[0] if len(cleaned) == 1 else ""
    if want == "proposal":
        chosen = next((c for c in good if _PROPOSAL.search(c)), good[0])
        # "Proposal: we move the standup" is quoted without its heading: what was proposed.
        return _HEADING.sub("", chosen) or chosen
    return good[0]


# Key phrases: what members are talking about, in their own words.
#
# YAKE (unsupervised, statistical keyword extraction) over the members' recent messages, then
# filtered: never a member's name or nick, the bot's name, a stop word or chat filler, and only
# a phrase that can stand as a topic (`phrase_problem`, above): whole words of one message,
# no piece of a word, no words of two messages joined, no hesitation, no capitalised name, no
# shouting, no digits alone. When nothing good is left, the answer is no phrase, and templates
# do without one.
# It costs a few milliseconds, so it runs only when the bot composes words, never per message.
# Chat filler that carries no topic in any conversation.
CHAT_FILLER = frozenset(
    """hi hello hey hiya yo thanks thank thx ty cheers welcome bye hmm hmmm hm uh um umm erm ah
    oh ooh ok okay k yes yeah yep yup no nope nah lol lmao haha hehe heh rofl sorry pls plz
    please sure cool nice great good fine right anyway btw imo imho afaik fyi guys folks
    everyone anyone someone somebody people person man dude bro mate question answer help""".split()
)
_PHRASE_MAX_CHARS = 4000


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
        tokens = [t.lower().strip(".'-") for t in PHRASE_TOKEN.findall(phrase)]
        if not tokens or any(t in banned or base_nick(t) in banned for t in tokens):
            continue
        meaningful = [t for t in tokens if t not in STOPWORDS and t not in CHAT_FILLER
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
    """The latest messages that fit in _PHRASE_MAX_CHARS, each whole: a message that does not fit
    is left out, never cut (a cut would start a phrase mid-word); only one longer than the
    whole limit is cut, at a space, keeping its end."""
    kept: list[str] = []
    total = 0
    for t in reversed([t for t in texts if t.strip()]):
        if total + len(t) + 2 > _PHRASE_MAX_CHARS:
            if not kept:
                tail = t[-_PHRASE_MAX_CHARS:]
                kept.append(tail[tail.find(" ") + 1:] if " " in tail else "")
            break
        kept.append(t)
        total += len(t) + 2
    return kept[::-1]


def may_hold_phrases_of(lowered: str, text: str) -> bool:
    """False when no key phrase of `text` can appear in `lowered` (a lowercased text): none of
    its words of 3 letters or more, nor its tokens such as "c++", is in it. A check of
    microseconds before key phrases of a millisecond."""
    low = text.lower()
    return any(w in lowered for w in RUN.findall(low) if w not in STOPWORDS) or any(
        t in lowered for t in (x.strip(".'-") for x in PHRASE_TOKEN.findall(low))
        if len(t) > 2 and t not in STOPWORDS)


@lru_cache(maxsize=512)
def _candidates(text: str) -> tuple[str, ...]:
    import yake  # a few hundred ms to import: only when the bot composes words

    extractor = yake.KeywordExtractor(lan="en", n=2, top=12, dedupLim=0.8)
    scored = extractor.extract_keywords(text)
    # Lower is better in YAKE; ties broken by the phrase so every run picks the same.
    return tuple(p for p, _ in sorted(scored, key=lambda x: (round(float(x[1]), 9), x[0])))
