"""How text is cut into words: every tokenisation the reads use, in one place, and how a
nick is cut down to the person behind it.

No other module cuts text into words with a pattern of its own; each cuts with its view from
here. The views differ because what reads them differs, and a fitted read must see the tokens
it was fitted with: the hostility classifier scikit-learn's default tokens, the request read
its lowercase words with "?" kept as a token. Quoting keeps "c++", "node.js" and "don't"
whole; the English cues want plain words of letters.
"""

from __future__ import annotations

import re

# -- the patterns, named by what they keep --------------------------------------------------

# Plain English words of ASCII letters ("don't" whole): what the English cues count.
ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
# Words of letters in any script, joined by one inner apostrophe: whether a line is English.
LETTER_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# Lowercase ASCII words with apostrophes, in a lowercased text: process talk.
LOWER_WORD = re.compile(r"[a-z']+")
# A word as quoted: letters or digits, joined by inner apostrophes, hyphens, dots or
# underscores ("first-run", "don't", "1.2.3", "file.txt"), and "c++" / "c#".
TOKEN = re.compile(r"\w+(?:['’.\-]\w+)*(?:\+\+|#)?")
# A key phrase's words, as the phrase extractor (YAKE) cuts them: "c++", "v1.2", "x-y" whole.
PHRASE_TOKEN = re.compile(r"[\w'+.#-]+")
# Runs of three letters or digits: YAKE splits "windows_IP" into words too.
RUN = re.compile(r"[^\W_]{3,}")
# where one sentence ends and the next begins: a stop, a question or exclamation mark or an
# ellipsis (a closing quote or bracket after it), or a line break
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n+")
# The request read's tokens, of a lowercased text: words (a mention's "@" and a possessive
# "'s" kept) and the question mark.
REQUEST_TOKEN = re.compile(r"@?[a-z0-9][a-z0-9_]*(?:'s)?|[?]")
# Lowercase words of two letters or more: a word also written in lower case is no name.
LOWER_RUN = re.compile(r"\b[a-z][a-z]+\b")
# scikit-learn's default analyser: two or more word characters. The hostility classifier was
# fitted on these tokens; its build script checks the pattern it exports against this one.
SKLEARN_TOKEN_PATTERN = r"(?u)\b\w\w+\b"
CLASSIFIER_TOKEN = re.compile(SKLEARN_TOKEN_PATTERN)
# The hostility read's walk through a clause: a Slack mention (group 1), an @mention (2), a
# plain word, a contraction whole (3), or a comma (4). Plain words are \w runs, as in the
# classifier's tokens, so every word the target read can call hostile is one the first pass sees.
CLAUSE_WORD = re.compile(r"<@!?([\w.-]+)>|@([\w.-]+)|(\w+(?:'\w+)?)|(,)")
# The words of a display name ("Project Manager", "o'brien", "first-name").
NAME_WORD = re.compile(r"[A-Za-z][\w'-]+")
# Words of a lowercased model answer, digits kept: the LLM answer's sanity checks.
PLAIN_WORD = re.compile(r"[a-z0-9']+")
# Identifiers of a lowercased text ("eth0", "ubuntu"): what a room's messages mention.
IDENTIFIER = re.compile(r"[a-z][a-z0-9]*")


# -- the views of a text ---------------------------------------------------------------------

def norm(word: str) -> str:
    """A quoted token as compared: lowercase, curly apostrophes made straight."""
    return word.lower().replace("’", "'")


def quote_words(text: str) -> list[str]:
    """The text's tokens as quoted (`TOKEN`), lowercased, curly apostrophes made straight."""
    return [norm(m.group()) for m in TOKEN.finditer(text)]


def request_tokens(lowered: str) -> list[str]:
    """The request read's tokens of a lowercased piece of text."""
    return REQUEST_TOKEN.findall(lowered)


# -- a nick ----------------------------------------------------------------------------------

# A nick's variants: the same person reconnecting as "seb128_", "Seb128" or "seb128|away".
_AWAY = re.compile(r"[|\[].*$")
_TRAIL = re.compile(r"[_`^\-]+$")


def base_nick(nick: str) -> str:
    """Lowercased nick without away suffixes and reconnect marks; "" for an empty nick."""
    base = _TRAIL.sub("", _AWAY.sub("", nick.strip().lower()))
    return base or nick.strip().lower()
