"""Process talk: the words with which someone runs a meeting, as language data.

Opening or closing the meeting or an item, moving on, giving the floor, calling to order,
asking for further comments, keeping time. Ordinary meeting English on any platform, not one
corpus's phrases. The chair tracker (memory/trackers/chair.py) weighs these words less than
what a member's messages do to the run of the conversation; alone they never make a chair.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Each phrase under the word it starts with (or the word it cannot do without): a message is
# searched only for the phrases whose word it holds, so a long speech costs a set lookup.
_PHRASES: dict[str, str] = {
    "agenda": r"\bagenda\b",
    "next": r"\bnext (item|point|question|speaker|topic|thing|one)\b",
    "move": r"\bmove on\b",
    "moving": r"\bmoving on\b",
    "let's": r"\blet'?s (move|go|start|begin|turn|get|hear|wrap|finish|close|stop|come back|"
             r"go back)\b",
    "lets": r"\blets (move|go|start|begin|turn|get|hear|wrap|finish|close|stop)\b",
    "shall": r"\bshall we\b",
    "around": r"\bgo around\b",
    "any": r"\bany (other )?(questions|comments|business|thoughts)\b",
    "up": r"\b(sum|wrap) (it |things |this )?up\b",
    "floor": r"\b(have|has|give you|gave you) the floor\b",
    "order": r"\b(point of order|(call|come) (this meeting |the meeting )?to order)\b",
    "adjourn": r"\badjourn", "adjourned": r"\badjourn", "adjourning": r"\badjourn",
    "over": r"\bover to you\b",
    "turn": r"\byour turn\b",
    "minutes": r"\b(minutes? (left|remaining)|minutes (of|from) (the|our|last)|"
               r"(\d+|five|ten|fifteen|twenty|thirty|forty) (more )?minutes)\b",
    "minute": r"\bminute (left|remaining)\b",
    "time": r"\b(out of time|running out of time)\b",
    "last": r"\blast (item|point|question|speaker)\b",
    "we'll": r"\bwe'll (start|begin|move|finish|stop|come back)\b",
    "will": r"\bwe will (start|begin|move|finish|stop|come back)\b",
    "meeting": r"\b((open|close|end) (the|this) meeting|(this|our|last|next|today'?s) meeting)\b",
    "session": r"\b((open|close|end) (the|this) session|(this|our|last|next|today'?s) session)\b",
    "item": r"\b(open|close|end) (the|this) item\b",
    "discussion": r"\b(open|close|end) (the|this) discussion\b",
    "thank": r"\bthank you,? (mr|ms|mrs|madam|dr)\b",
}
_COMPILED = {word: re.compile(pattern, re.I) for word, pattern in _PHRASES.items()}
_WORDS = re.compile(r"[a-z']+")


@lru_cache(maxsize=4096)
def process_talk(text: str) -> bool:
    """The message runs the meeting: opens, moves or closes an item, or gives the floor."""
    lowered = text.lower()
    words = set(_WORDS.findall(lowered))
    return any(_COMPILED[w].search(lowered) for w in words & _COMPILED.keys())


_DISMISS = re.compile(
    r"^\W*(not now|not helpful|no thanks|no need|not needed|nobody asked|we (got|have) (it|this)|"
    r"we('re| are) (fine|good|ok|okay|on it)|stop( it| that)?|shh+|go away|quiet|"
    r"thanks,? but)\b", re.I)
_THANKS = re.compile(r"\b(thanks|thank you|thx|ty|good point|helpful|good idea)\b", re.I)
DISMISS_WORDS = 8


def dismisses(text: str) -> bool:
    """A short word waving the bot off: "not now", "we got it", "stop"."""
    return len(text.split()) <= DISMISS_WORDS and _DISMISS.search(text) is not None


def thanks(text: str) -> bool:
    return _THANKS.search(text) is not None
