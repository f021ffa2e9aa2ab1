"""Process talk: the words with which someone runs a meeting, as language data.

Opening or closing the meeting or an item, moving on, giving the floor, calling to order,
asking for further comments, keeping time. Ordinary meeting English on any platform, not one
corpus's phrases. The chair tracker (memory/trackers/chair.py) weighs these words less than
what a member's messages do to the run of the conversation; alone they never make a chair.
"""

from __future__ import annotations

import re
from functools import lru_cache

_PROCESS = re.compile(
    r"\b(agenda|next (item|point|question|speaker|topic|thing|one)|mov(e|ing) on|"
    r"let'?s (move|go|start|begin|turn|get|hear|wrap|finish|close|stop|come back|go back)|"
    r"shall we|go around|any (other )?(questions|comments|business|thoughts)|"
    r"(sum|wrap) (it |things |this )?up|(have|has|give you|gave you) the floor|"
    r"point of order|(call|come) (this meeting |the meeting )?to order|adjourn\w*|"
    r"over to you|your turn|minutes? (left|remaining)|out of time|running out of time|"
    r"last (item|point|question|speaker)|we('ll| will) (start|begin|move|finish|stop|come back)|"
    r"(open|close|end) (the|this) (meeting|session|item|discussion)|"
    r"(this|our|last|next|today'?s) (meeting|session)\b|minutes (of|from) (the|our|last)|"
    r"(\d+|five|ten|fifteen|twenty|thirty|forty) (more )?minutes\b|"
    r"thank you,? (mr|ms|mrs|madam|dr)\b)", re.I)


@lru_cache(maxsize=4096)
def process_talk(text: str) -> bool:
    """The message runs the meeting: opens, moves or closes an item, or gives the floor."""
    return _PROCESS.search(text) is not None


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
