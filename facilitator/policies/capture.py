"""Recognise attempts to recruit the bot against the group or to rewrite its instructions.

Message text is data, never instructions: these patterns only decide that the bot declines,
openly. They never make it do what the message asks.
"""

from __future__ import annotations

import re

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("to take a side", re.compile(
        r"\b(tell (\w+|them|him|her) (that )?(he|she|they|he's|she's|they're|you think|"
        r"is|are|was)\b.*\b(wrong|stupid|right|an idiot|mistaken|incompetent)|"
        r"(take|pick|choose) (my |a |our )?side\b|back me up|side with me|support me (here|on)|"
        r"agree with me|on my side|say (that )?i'?m right|prove (him|her|them) wrong|"
        r"who('s| is) (right|wrong|correct)|which (one of us|of us) is right|settle (this|it)|"
        r"(is|was) (\w+) (right|wrong) (here|about)|tell (everyone|them|him|her) (they|he|she) "
        r"(should|must)|declare (a |the )?winner|be the judge|you decide who)", re.I)),
    ("to vote or rank members", re.compile(
        r"\b(vote (for|on|against)|cast (a|your) vote|your vote|rank (us|the|everyone|members|"
        r"people|who)|ranking of|rate (us|each|everyone|\w+'s)|who('s| is) (the )?(best|worst|"
        r"smartest|dumbest|most (useful|annoying|valuable))|score (us|each|everyone)|"
        r"grade (us|everyone)|best (contributor|member|person)|worst (contributor|member|"
        r"person))", re.I)),
    ("to act against a member", re.compile(
        r"\b(ignore (\w+)('s)? (messages|posts|input|from now on)|ignore (him|her|them|\w+) "
        r"(from now|completely|entirely)|don'?t (listen|respond|reply) to (\w+)|stop "
        r"(listening|responding|replying) to (\w+)|(kick|ban|mute|remove|block) (\w+) "
        r"(from|out)|(kick|ban|mute|block) (him|her|them)|shut (\w+) (up|down)|"
        r"(make|get) (\w+) (to )?(stop|leave|shut)|delete (\w+)'s (message|post)s?|"
        r"put (him|her|them|\w+) in (his|her|their) place|embarrass (him|her|them|\w+)|"
        r"call (him|her|them|\w+) out)", re.I)),
    ("to reveal what was said elsewhere", re.compile(
        r"\b(what (did|has|have) (\w+) (say|said|told|write|written|sent|dm'?e?d)|"
        r"(reveal|share|show|leak|forward|repeat|tell (me|us)) (what|everything|the) .{0,30}"
        r"(said|told|wrote|dm|direct message|private|other (room|channel|server|chat|group))|"
        r"(other|another|private|secret) (room|channel|server|chat|group|conversation|thread)s?|"
        r"(dms?|direct messages?|private messages?) (from|with|of|between)|"
        r"what (do|did) (others|people|they) (say|said) (about me|behind)|"
        r"in (your|the) dms?|what you know about (\w+)|"
        r"you('re| are) in (the|their|that|a) \w+ (channel|room|group|chat)|"
        r"what are they saying (about|over there|in there)|over there about (us|me|our))",
        re.I)),
    ("to serve only one member", re.compile(
        r"\b(from now on,? (you )?(only|just) (answer|listen|respond|reply|work|talk)|"
        r"(only|just) (answer|listen to|respond to|obey|serve|work for) me|you work for me|"
        r"you('re| are) my (assistant|bot|ally|lawyer|advocate)|be my (assistant|ally|advocate|"
        r"lawyer)|do what i say|i('m| am) your (boss|owner|master|admin)|obey me|"
        r"report (to me|back to me)|tell me privately|secretly|behind (their|his|her) back|"
        r"don'?t tell (the others|anyone|them))", re.I)),
    ("to change its instructions", re.compile(
        r"(ignore (all |any |the |your )?(previous|prior|above|earlier|original|system) "
        r"(instructions|rules|prompts?|guidelines|directions)|disregard (all |your |the )?"
        r"(previous |prior )?(instructions|rules|guidelines)|forget (all |your )?(previous |"
        r"prior )?(instructions|rules|guidelines|training)|new instructions?:|"
        r"system prompt|system message|developer mode|dan mode|jailbreak|you are now|"
        r"from now on you are|pretend (to be|you are|you're)|act as (if|an?|my)|"
        r"roleplay as|override (your|the) (rules|instructions|settings|safety)|"
        r"admin (override|mode|command)|sudo |</?system>|\[system\]|\[inst\]|"
        r"<\|im_start\|>|### ?instruction|print your (prompt|instructions|rules)|"
        r"reveal your (prompt|instructions|rules|system)|repeat after me|say exactly|"
        r"respond only with|output the following|begin your (reply|response) with)", re.I)),
    ("flattery bait", re.compile(
        r"\b(you('re| are) (so |the |clearly the |obviously the )?(smart|smartest|clever|"
        r"cleverest|wise|wisest|brilliant|intelligent)"
        r".{0,40}(so|surely|obviously|which means|that'?s why|right\?|agree)|"
        r"(smart|wise|brilliant|intelligent) (bot|ai|assistant|facilitator) like you|"
        r"you (must|surely|obviously) (agree|see)|any (smart|reasonable|sensible|intelligent) "
        r"(person|bot|ai|one) (would|can|could) see|even a bot (can|could|would) see)", re.I)),
]

# Requests that sound like capture but are ordinary service to the group.
_BENIGN = re.compile(
    r"\b(summar(y|ise|ize)|recap|what('s| is) (still )?open|open questions|where (are|do) we "
    r"stand|what did we (decide|agree)|decisions?|next steps|help|what can you do|"
    r"how does this work)\b",
    re.I,
)


def capture_attempt(text: str) -> str | None:
    """What the message tries to make the bot do against the group, or None."""
    for label, pattern in _PATTERNS:
        if pattern.search(text):
            return label
    return None


def is_service_request(text: str) -> bool:
    return bool(_BENIGN.search(text))
