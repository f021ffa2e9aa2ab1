"""The language data of the cheap read of one message (English): the words and patterns of
questions, agreement, proposals, hostility, the talk that runs a meeting, a room's answer to the
bot, and the different names members give one concept.

Data only, as spaCy keeps `lang/en/stop_words.py` apart from its pipeline: the code that reads
with it is `reading/message.py`. They are cues, not judgements: the room state aggregates them
over time and the policy weighs them.
"""

from __future__ import annotations

import re

STOPWORDS = frozenset(
    """a an the and or but if then so of to in on at by for with from as is are was were be been
    being it its it's this that these those there here i me my we our us you your yours he him his
    she her they them their what which who whom whose when where why how not no yes do does did
    done have has had can could should would will shall may might must just also very really
    about into over than too more most some any all each other such only own same again further
    once both few up down out off above below under between through during before after while
    because until against per via get got make made let lets let's i'm i've i'd i'll you're
    we're they're don't doesn't didn't isn't aren't wasn't weren't won't can't couldn't
    shouldn't wouldn't think know like well ok okay yeah one two see say said going want need
    thing things way lot bit still even much many now something anything next last year years
    month months week weeks day days today tomorrow tonight time times morning evening""".split()
)

# Words an English line nearly always has and lines of the other languages the readers read
# do not ("a", "in", "so", "was", "die" are left out: they are words there too). A line with
# one of them and no accented letter is English without asking the language detector, whose
# call (a thread-pool limit and a model) costs more than the rest of a silent event.
ENGLISH_COMMON = frozenset("""the to and is you it that of for this with are have we i be not
    what can but just my your they will should would don't it's i'm that's""".split())

QUESTION_START = re.compile(
    r"^\s*(who|what|when|where|why|how|which|can|could|should|would|will|do|does|did|is|are|"
    r"was|were|has|have|any|anyone|shall|may)\b",
    re.I,
)
# A question word opening a line: in chat a question often goes without its mark ("how did
# you get 3 and 8", "why would you choose 5"). The auxiliaries of QUESTION_START are left out:
# unmarked, "are you all still there" or "would 2 have a vowel" read as statements as often.
WH_START = re.compile(r"^\s*(who|what|when|where|why|how|which)\b", re.I)
AGREE = re.compile(
    r"\b(i agree|agreed|agree with|good point|fair point|makes sense|exactly|\+1|sounds good|"
    r"sounds right|i'm in|works for me|that works|great idea|good idea|yes,? let's|support this|"
    r"i support|i concur|seconded|i'm fine with|fine by me|fine with me|ok(ay)? (with|by) me|"
    r"i can live with (that|it|this)|no objections?( from me)?|let's do (it|that)|"
    r"happy with that)\b"
    r"|^\s*(yes|yep|yeah|sure|agreed|definitely|absolutely)\b|\+1",
    re.I,
)
DISAGREE = re.compile(
    r"\b(i disagree|disagree|not true|that's wrong|you're wrong|that is wrong|incorrect|"
    r"i don't think so|nonsense|no way|i object|object to|oppose|i'm against|doesn't make sense|"
    r"not convinced|that's not|misleading|does not|doesn't hold|not the case|i reject)\b"
    r"|^\s*(no|nope|wrong)\b",
    re.I,
)
# A line headed as a proposal ("Proposal: …", "Vorschlag: …", "Proposition : …"): the heading
# proposes, and a quote of what was proposed leaves it out.
PROPOSAL_HEADING = (r"\b(?:proposal|suggestion|propuesta|sugerencia|proposition|vorschlag|proposta"
                    r"|sugest[aã]o)\s?:")
PROPOSAL = re.compile(
    r"\b(let's|let us|we should|we could|i propose|i suggest|how about|what if we|"
    r"i'm proposing|i am proposing|i'm suggesting|i am suggesting|"
    r"shall we|why don't we|i recommend|my proposal|propose that|suggest that|"
    # The first-person performative of the other languages the readers read: "I propose" says
    # what the line does in any topic, where the fitted read of a long line about the ward's
    # rota or the band's setlist may fall below its threshold (issue 20).
    r"propongo|sugiero que|mi propuesta|je propose|je suggère|ma proposition|"
    r"ich schlage? vor|schlage? ich vor|mein vorschlag|proponho|sugiro que|a minha proposta|"
    # and their "what if we", "shall we", "we should": a proposal put as a question or a wish
    r"qu[eé] tal si|qu[eé] tal (?:se |a gente )?\w+(?:ar|er|ir)|deber[ií]amos|podr[ií]amos|hagamos|"
    r"et si on|et si nous|on pourrait|on devrait|pourquoi ne pas|"
    r"sollen wir|wollen wir|lass uns|lasst uns|wir sollten|wir k[oö]nnten|wie w[aä]re es|"
    r"e que tal|dever[ií]amos|dev[ií]amos|pod[ií]amos)\b"
    # "and if" proposes only where it opens the line ("¿y si lo hacemos el martes?")
    r"|^\W*(?:y si|e se)\b"
    rf"|{PROPOSAL_HEADING}",
    re.I,
)
# A proposal word whose object points back at what is already on the table ("let's do it",
# "yes, let's go with that", "hagamos eso", "lass uns das machen"): it endorses that proposal
# and puts nothing new to quote. Only where the clause ends there; "let's do it on Friday
# instead" still proposes.
POINTS_BACK = re.compile(
    # a verb of doing or choosing, not of putting off ("let's think about it", "sleep on it")
    r"\b(?:(?:let's|let us) (?:just )?(?:do|go (?:with|for|ahead with)|book|try|take|pick|choose|adopt"
    r"|run with|make) (?:it|that|this)|hagamos (?:eso|esto)|hag[aá]moslo|vamos con eso"
    r"|lass(?:t)? uns das (?:so )?(?:machen|nehmen))"
    r"(?:\s+(?:then|now|entonces|dann))?(?=\s*(?:[.!,;:)]|$)|\s+\W*$)",
    re.I,
)
# Words a proposer takes their own proposal back with. Only a gate: the line is then read by
# meaning (reading/decision_talk.py), which decides; most of a proposer's lines argue for it
# and never pay for that read.
TAKE_BACK = re.compile(
    r"\b(drop|dropping|withdraw|withdrawing|scrap|scratch|forget|take (?:it|that|this) back|"
    r"take back|taking back|never ?mind|shelve|pull|pulling|retract|cancel|not go with|"
    r"retiro|olvid|oublie|oublions|laisse[zr]? tomber|je retire|zurück|vergesst|vergiss|"
    r"fallen|retira|esque[cç])",
    re.I,
)
DECISION = re.compile(
    r"\b(we('ve| have)? decided|decision:|it's decided|we agreed|we all agree|consensus is|"
    r"settled then|final answer|we'll go with|we will go with|going with)\b",
    re.I,
)
COMMITMENT = re.compile(
    r"\b(i'll|i will|i can take|i'll take|i can do|leave it (to|with) me|i'm on it|assign (it )?to me)"
    r"\b\s*(?P<what>[^.!?\n]{0,120})",
    re.I,
)
# How replies to a question usually open; talk that moves on does not answer it.
ANSWER_OPENING = re.compile(
    r"^\s*(yes|yeah|yep|yup|no\b|nope|not yet|sure|ok\b|okay|ah\b|oh\b|hmm|maybe|probably|"
    r"perhaps|i think|i'd|i would|i can|i'll|i will|i am|i'm|i have|i've|i did|i didn't|i do\b|"
    r"i don't|i haven't|done\b|me\b|we\b|not sure|depends|it depends|because|it's|it is|that's|"
    r"that would|"
    r"good question|definitely|absolutely|of course|i guess|i believe|i don't know|no idea|"
    r"@?\w+ (is|does|will|can|has)\b)",
    re.I,
)
# Questions that invite any response ("anything to change?"): the next reply takes them up.
OPEN_PROMPT = re.compile(
    r"\b(anything|any (thoughts|ideas|comments|objections|feedback|questions|concerns)|"
    r"thoughts|what do (you|we|people) think|how do (you|we|people) feel|opinions?|ideas|"
    r"who('s| is) in|everyone ok|all good)\b",
    re.I,
)
# Social chatter: where conversations drift when they leave their goal.
SOCIAL = re.compile(
    r"\b(show|series|episodes?|season|movie|film|netflix|tv|watch(ed|ing)?|binge\w*|spoilers?|"
    r"trailer|video ?games?|gaming|console|playstation|xbox|nintendo|match|football|soccer|"
    r"basketball|baseball|cricket|derby|referee|striker|playoffs?|league|penalt(y|ies)|weekend|"
    r"vacation|holiday|beach|weather|recipe|baking|restaurant|pizza|burger|sushi|concert|album|"
    r"puppy|kitten|meme|lol|haha|celebrity|tiktok|instagram|youtube|skiing)\b",
    re.I,
)
# Work talk: agenda moves and the nouns of getting things done keep a room on its task.
WORK = re.compile(
    r"\b(item|agenda|topic|next up|moving on|back to|let's|we need|we should|decide|decision|"
    r"plan|deadline|owner|task|action|review|draft|proposal|budget|schedule|meeting|release|"
    r"deploy|ticket|report|docs?|document|goal|priority|priorities|blocker|blocked|estimate)\b",
    re.I,
)
THANKS = re.compile(r"\b(thanks|thank you|thx|good idea|helpful|fair enough|you're right)\b", re.I)

# Hostility: insults and contempt, accusations of bad faith, and personal framing.
# Weights are per hit; calibrated on the WikiTactics training disputes.
HOSTILE_TERMS: list[tuple[re.Pattern[str], float]] = [
    (re.compile(
        r"\b(idiot\w*|stupid\w*|moron\w*|dumb|pathetic|ridiculous|absurd|ludicrous|laughable|"
        r"clueless|incompetent|ignorant|liar|lying|lies|troll\w*|garbage|rubbish|crap|bullshit|"
        r"shit\w*|fuck\w*|damn|hell|nonsense|childish|hypocrit\w*|disgrac\w*|shameful|"
        r"insult\w*|rude|arrogant|obnoxious|bigot\w*|racist|sexist|"
        r"idiocy|silly|disingenuous|dishonest\w*|shut up|"
        r"you('re| are) (crazy|insane|nuts|delusional))\b",
        re.I), 0.22),
    (re.compile(
        r"\b(bad faith|pov[- ]push\w*|your agenda|you('re| are) biased|"
        r"disruptive|harass\w*|personal attack\w*|assume good faith|agf|npa|"
        r"report(ed)? you|stop (this|it|that)|"
        r"how dare|enough is enough|give it up|get over it|again and again|keep (on )?"
        r"(ignoring|reverting|removing|pushing|repeating))\b",
        re.I), 0.15),
    (re.compile(
        r"\b(you (are|'re|were) (clearly|obviously|just|being|so|a|an|the|not|simply|totally)|"
        r"you (clearly|obviously|never|always|just|simply) \w+|your (own )?(agenda|bias|"
        r"ignorance|nonsense|pov|behaviou?r|attitude|problem|edits)|"
        r"do you even|did you even|can't you|don't you dare|what is wrong with you|"
        r"you people|you guys always|learn to read|read (it )?again|are you serious)\b",
        re.I), 0.18),
    (re.compile(r"\b(wrong|false|fake|bogus|misrepresent\w*|distort\w*|revert\w*|rv)\b", re.I),
     0.06),
]
# Second person aimed at someone ("you", "your", "yourself") marks personal framing; it is
# the strongest general marker of attacks and policing in the calibration disputes.
YOU = re.compile(r"\b(you|your|yours|yourself|you've|you're|you'll|you'd)\b", re.I)
POLICING = re.compile(
    r"\b(personal attacks?|disruptive|seriously|frankly|refuse|civil(ity)?|warning|tone|"
    r"ignoring|pushing|arguing|trying to|stop|continue to|i'm afraid|plain(ly)?)\b", re.I)
# Concessions and thanks cool a room down.
CALMING = re.compile(
    r"\b(thanks?|thank you|fair enough|good point|you're right|i see your point|my mistake|"
    r"i stand corrected|apolog\w*|sorry|i understand|makes sense|i agree|agreed|"
    r"let me clarify|to clarify|compromise)\b", re.I)
SHOUT = re.compile(r"\b[A-Z]{4,}\b")
BANGS = re.compile(r"!{2,}|\?!|!\?")


POSITIVE_EMOJI = frozenset(
    {"+1", "thumbsup", "👍", "white_check_mark", "heavy_check_mark", "✅", "✔️", "heart", "❤️",
     "ok_hand", "👌", "clap", "👏", "100", "💯", "raised_hands", "🙌", "tada", "🎉"}
)
NEGATIVE_EMOJI = frozenset(
    {"-1", "thumbsdown", "👎", "x", "❌", "no_entry", "⛔", "rage", "😡", "angry", "😠"}
)


# Process talk: the words with which someone runs a meeting, as language data.
#
# Opening or closing the meeting or an item, moving on, giving the floor, calling to order,
# asking for further comments, keeping time. Ordinary meeting English on any platform, not one
# corpus's phrases. The chair tracker (memory/trackers/kind.py) weighs these words less than
# what a member's messages do to the run of the conversation; alone they never make a chair.
# Each phrase under the word it starts with (or the word it cannot do without): a message is
# searched only for the phrases whose word it holds, so a long speech costs a set lookup.
_PROCESS_PATTERNS: dict[str, str] = {
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
PROCESS_PHRASES = {word: re.compile(pattern, re.I) for word, pattern in _PROCESS_PATTERNS.items()}


DISMISS = re.compile(
    r"^\W*(not now|not helpful|no thanks|no need|not needed|nobody asked|we (got|have) (it|this)|"
    r"we('re| are) (fine|good|ok|okay|on it)|stop( it| that)?|shh+|go away|quiet|"
    r"thanks,? but)\b", re.I)
THANKS_TO_BOT = re.compile(r"\b(thanks|thank you|thx|ty|good point|helpful|good idea)\b", re.I)
DISMISS_WORDS = 8


# Different words members use for the same thing, so the bot can translate between them.
#
# Each concept maps to the terms that name it from different communities of practice.
# Matching is by whole phrase, case-insensitive.
CONCEPTS: dict[str, tuple[str, ...]] = {
    "caring for the planet and the people most affected": (
        "climate justice", "creation care", "environmental stewardship", "sustainability",
        "green transition", "eco-justice",
    ),
    "the people the product serves": (
        "customer", "client", "end user", "user persona", "patient", "beneficiary",
    ),
    "a flaw in the software": ("bug", "defect", "glitch"),
    "a tracked unit of work": ("ticket", "user story", "task card", "work item"),
    "a proposed code change": ("pull request", "merge request", "changeset"),
    "the date something must be done by": ("deadline", "due date", "cutoff date", "target date"),
    "money set aside": ("budget", "allocation", "funding envelope", "spend plan"),
    "people affected by a decision": ("stakeholders", "constituents", "the community", "residents"),
    "making it work for everyone": ("accessibility", "inclusive design", "universal design", "a11y"),
    "keeping data private": ("privacy", "data protection", "confidentiality", "gdpr"),
    "how fast the system answers": ("latency", "response time"),
    "a neutral point of view": ("npov", "neutral point of view", "impartiality"),
    "a source that can be checked": ("reliable source", "citation"),
}

TERM_PATTERNS: list[tuple[str, str, re.Pattern[str]]] = [
    (concept, term, re.compile(rf"\b{re.escape(term)}s?\b", re.I))
    for concept, terms in CONCEPTS.items()
    for term in terms
]

# A help request's cues (the waiting read, reading/waiting.py): something concrete named (a
# number, a path, a quote, a word with an inner . _ - such as a file or a package), and a
# word of trouble.
CONCRETE = re.compile(r"\d|/|\w[._-]\w|\"|'.+'|`")
TROUBLE = re.compile(r"\b(error|errors|fail\w*|cannot|can't|cant|won't|wont|doesn't|doesnt|"
                     r"isn't|not working|broken|crash\w*|segfault|denied|missing|not found|"
                     r"unable|problem|issue|stuck|hangs?|freez\w*)\b", re.I)


# ---- a reply that opens with its stance ---------------------------------------------------
#
# "Sí, el martes me va bien.", "Sou contra, não há verba.", "Dagegen, das Geld fehlt uns
# noch.", "Yes, the old one is falling apart.": a reply to a proposal that
# opens with a yes or a no — a polarity particle, or the speaker's stance, in the first person
# or not ("I'm against", "je suis contre", "concordo") — and then gives a reason says where it
# stands, in any of the five languages the readers read; the fitted read of
# reading/decision_talk.py, weighing the reason's words, sometimes takes such a line for the
# opposite. The opening is read by structure (`reading.message.stance_opener`): the stance
# first, then a pause (a comma, a stop, a dash), then at least two words. A bare "D'accord."
# or "Ja." is not read so: alone it is as often a listening noise as a vote (README, issue
# 20: a read that took it for a vote recorded listening as decisions in real meetings).
# The stance may be said with a word of degree ("Totally agree,", "Totalmente de acuerdo,",
# "Völlig einverstanden,", "Concordo plenamente,"). A yes that a pause then turns with a "but"
# ("Yes, but then nobody answers the phones.", "Oui, je comprends, mais non.") concedes before
# it objects: its opening is no vote (`STANCE_TURNS`), and the fitted read decides — a no so
# turned still stands where it opens (taken for a yes, it could forge the group's agreement;
# taken for a no, it only holds a decision back).

# the speaker, when the stance is said in the first person: "I'm", "je suis", "ich bin", ...
_I_AM = r"(?:(?:i'm|i am|je suis|ich bin|bin|estoy|sou|eu sou)\s+)?"
# a word of degree before the stance: "totally agree", "tout a fait d'accord", "totally
# against"
_FULLY = (r"(?:(?:totally|fully|completely|entirely|strongly|absolutely|totalmente|completamente"
          r"|tout a fait|entierement|completement|totalement|vollig|voll|ganz|vollkommen"
          r"|inteiramente)\s+)?")
_YES = (r"yes|agreed|agree|for it|good idea|absolutely|definitely"
        r"|si|claro|de acuerdo|a favor|buena idea|por supuesto"
        r"|oui|d'accord|pour|bonne idee|bien sur|absolument"
        r"|ja|jap|jep|einverstanden|dafur|gute idee|unbedingt|auf jeden fall"
        r"|sim|concordo(?: plenamente| totalmente)?|de acordo|boa ideia|com certeza"
        # "let's go" said as a yes before its reason ("bora, faz todo o sentido")
        r"|bora")
# a firm no: "no way", "ni hablar", "pas question", "auf keinen Fall", "não rola"
_FIRM_NO = (r"no way|ni hablar|ni de broma|pas question|hors de question|auf keinen fall"
            r"|kommt nicht in frage|nem pensar|de jeito nenhum|nao rola")
# A firm no opening a sentence of its own, after a question asked in disbelief ("dez horas de
# carro por dia? não rola, ninguém aguenta"): a no, the question notwithstanding.
FIRM_NO_OPENS = re.compile(rf"^\W*(?:{_FIRM_NO})\b")
_NO = (rf"{_FIRM_NO}"
       # a no said softly: "rather not", "eher nicht", "plutôt pas", "mejor no", "prefiro não"
       r"|(?:i'd )?rather not|eher nicht|lieber nicht|plutot pas|plutot non|mejor no"
       r"|prefiero que no|prefiro nao|melhor nao"
       r"|no|disagree|against(?: it)?|i object"
       r"|en contra|no \w+ de acuerdo|me opongo"
       r"|non|contre|pas d'accord"
       r"|nein|dagegen|nicht einverstanden"
       r"|nao|contra|discordo(?: plenamente| totalmente)?|nao concordo")
# A yes made emphatic ("yes please,", "ja bitte,", "sí claro,", "oui carrément,") opens a stance
# as a plain one does; the words of emphasis, in the five languages:
_EMPHATIC = (r"definitely|absolutely|totally|of course|for sure|sure|please|pls|plz"
             r"|claro|por supuesto|totalmente|sin duda|desde luego|por favor"
             r"|carrement|tout a fait|bien sur|absolument|evidemment|grave|volontiers"
             r"|unbedingt|klar|naturlich|auf jeden fall|absolut|gerne|gern|bitte"
             r"|com certeza|sem duvida|demais|claro que sim|por favor"
             # "let's go" said as a yes: "yes, let's do it", "sí, vamos", "oui, allons-y",
             # "ja, los geht's", "sim, bora"
             r"|let's go|go for it|vamos|allons-y|on y va|los geht's|auf geht's|bora|vamos nessa")
# "For me, yes" ("por mí sí", "pour moi oui", "für mich ja") is a yes, alone or before a reason.
_FOR_ME = r"(?:for me|to me|por mi|pour moi|moi|fur mich|pra mim|para mim|por mim)"
# A filler before a stance ("uf no, …", "mmm no sé, …", "ah non").
_FILLER = r"(?:ah|oh|eh|uh|um|hmm+|mm+|bah|pff+|ouf|uff?|ach|ai|ui)"
# A yes said twice ("sim sim, …", "oui oui, …"; not German "ja ja", which waves a point away)
# and a stop said twice ("sim!! …") open a stance too; so does a casual no ("nah, …", "nope, …").
STANCE_OPENS = re.compile(
    rf"^(?:{_FILLER}\W+)?(?:i\s+)?{_I_AM}{_FULLY}"
    rf"(?:(?!ja\s+ja\b)(?P<yes>{_YES}|{_FOR_ME}\W+(?:si|sim|oui|ja|yes))"
    rf"(?:\s+(?:{_EMPHATIC}|(?P=yes)))?"
    rf"|(?P<no>{_NO}|nah|nope|nee))"
    r"\s*[,.;:!\u2014\u2013-]+\s*(?P<rest>\w+(?:\W+\w+)+)")
# A whole line that says yes and nothing else, in words no listener uses to keep the talk
# going: a yes made emphatic ("Yes, definitely!", "Sí, claro", "Oui carrément", "Ja bitte",
# "Sim, com certeza") or an idiom of assent, for the speaker or not ("works for me", "me
# parece bien", "ça me convient", "klingt gut", "pode ser", "count me in"), or "for me, yes"
# ("por mí sí", "pour moi oui", "für mich ja"). A bare "yes", "ok", "vale" or "D'accord." is
# not among them: alone it is as often listening as a vote (above).
_ASSENT = (r"works for me|fine by me|count me in|i'm in|sounds good|sounds great"
           r"|love (?:that|this|the) idea|let's do it|happy with that"
           # loving the idea: "me encanta la idea", "j'adore l'idée", "amei a ideia"
           r"|me encanta(?: la idea)?|j'adore(?: l'idee)?|(?:amei|adorei)(?: a ideia)?"
           r"|me parece bien|me va bien|me sirve|estoy dentro|me apunto|me gusta|me late"
           r"|ca me va|ca marche|ca me convient|je suis partant|je suis partante|ok pour moi"
           r"|passt|klingt gut|bin dabei|finde ich gut|bin ich dabei|einverstanden"
           r"|topo|fechado|pode ser|to dentro|estou dentro|me parece bem|acho bem|tudo bem"
           r"|(?:ta|esta) (?:bem|bom|otimo)"
           # "I agree" said outright, and a deal struck ("fechou", "dale"), are no listening
           r"|i agree|agreed|estoy de acuerdo|de acuerdo|dale|je suis pour|bin dafur"
           r"|concordo|de acordo|fechou")
# The stance said last, in the first person, after a pause: "le 12 je suis en déplacement, je
# suis contre", "no budget for it, so I'm against it", "me parece caro, estoy en contra",
# "zu teuer, ich bin dagegen", "não dá, sou contra", "bonne idée, je suis pour". The reason
# comes first and the speaker closes by saying where they stand: as clear as a stance said
# first (`STANCE_OPENS`), and read the same way.
STANCE_CLOSES = re.compile(
    r"\w\W*[,.;:!\u2014\u2013-]\s*(?:so |donc |alors |also |entonces |entao |enfim )?"
    rf"(?:i'm|i am|je suis|ich bin|estoy|sou|eu sou)\s+{_FULLY}(?:(?P<yes>{_YES})|(?P<no>{_NO}))"
    r"[\W\d_]*$")
# A whole line of no, a filler before it or not ("ah non", "nope", "Nein!", "nem pensar"): a
# no to the proposal in reach. Taken for one, it can only hold a decision back.
STANCE_WHOLE_NO = re.compile(
    rf"^(?![^?]*\?)(?:{_FILLER}\W+)?(?:{_NO}|nope|nah|nee"
    r"|non\W+non)"
    r"[\W\d_]*$")
STANCE_WHOLE = re.compile(
    # the emphasis first or last: "yes, definitely", "carrément oui", "absolutely yes"; or a
    # yes and an assent, or two assents ("bora, concordo", "dale, me parece bien")
    # an "ok" before an assent: "ok, sounds good", "sale, me late", "vale, me parece bien"
    rf"^(?:(?:{_YES}|{_ASSENT}|yeah|yep|ouais|ok|okay|va|vale|sale)\W+(?:{_EMPHATIC}|{_ASSENT})"
    rf"|(?:{_EMPHATIC})\W+(?:yes|yeah|yep|si|oui|ja|sim)"
    rf"|(?:{_FOR_ME}\W+)?(?:{_ASSENT})(?:\W+{_FOR_ME})?"
    rf"|{_FOR_ME}\W+(?:si|sim|oui|ja|yes))(?:\W+(?:{_EMPHATIC}|tambien|aussi|auch|tambem|too))?"
    r"[\W\d_]*$")
# A plain yes and nothing else ("yes", "Sí.", "oui", "ja", "sim"): a listening noise in a
# meeting's flow, but the answer to a yes-or-no question put to the group.
PLAIN_YES = re.compile(r"^(?:yes|yep|yup|sure|si|oui|ja|jawohl|sim|claro|klar)[\W\d_]*$")
# A line of nothing but approving emoji ("👍", "✅", "👍👍") is a yes: no spoken listening
# noise looks like it. The marks that only vary an emoji's look are left out of the match.
EMOJI_VARIANTS = frozenset({"\ufe0f", "\u200d", *map(chr, range(0x1F3FB, 0x1F400))})
# A condition put on a reply ("topo se a gente dividir a gasolina", "lo apoyo si es solo los
# sábados", "I'm in as long as it's summer", "ok, wenn es nur im Sommer ist"): read on the
# folded line.
CONDITION = re.compile(
    r"\b(?:(?:if|only if|as long as|provided|si|solo si|siempre que|siempre y cuando"
    r"|con tal de que|desde que|contanto que|wenn|falls|sofern|a condition que|pourvu que"
    r"|du moment que|tant que)\s+\w+"
    # Portuguese "se" is also the reflexive ("se reparte"): as "if", its verb is the future
    # subjunctive or the infinitive ("se tiver", "se for", "se a gente dividir")
    r"|(?:so )?se (?:a gente |nos |eu |ele |ela |voce |vc |todos |alguem )?\w+(?:r|rmos|rem)\b)")
# A reply that opens by not knowing, a filler before it or not ("weiß nicht, die App hängt
# ständig", "mmm no sé, ¿y el coste?"), has not said yes or no: whatever its reason leans to,
# the member's answer is unclear.
# So has a reply opened by having no view either way ("no opinion, I never work Sundays", "pas
# d'avis", "me da igual", "mir egal", "tanto faz"): neither a yes nor a no.
UNDECIDED_OPENS = re.compile(
    rf"^\W*(?:{_FILLER}\W+)?(?:i )?(?:don'?t know|dunno|not sure|no se|no lo se|ni idea|je (?:ne )?sais pas"
    r"|j'sais pas|chais pas|pas sure?|wei(?:ss|\u00df) (?:es )?nicht|keine ahnung|nicht sicher|sei la"
    r"|nao sei|sei nao|no (?:lo )?tengo (?:tan |muy )?claro|nao tenho (?:a )?certeza"
    r"|no (?:opinion|preference|strong feelings?)|(?:i )?don'?t mind|pas d'avis|sans avis"
    r"|(?:ca )?m'est egal|(?:a mi )?me da igual|sin opinion|(?:mir )?(?:ist (?:es )?)?egal"
    r"|keine meinung|tanto faz|sem opiniao|(?:pra mim )?tanto faz)\b")
# A "but" right after a pause, in the line as written (accents kept: Spanish "más" is no
# Portuguese "mas"), in the five languages.
STANCE_TURNS = re.compile(
    r"(?:^|[,;:.!?\u2014\u2013-])\s*(?:but|however|though|although|that said"
    r"|pero|sin embargo|aunque|mais|cependant|pourtant|toutefois|néanmoins"
    r"|aber|jedoch|allerdings|mas|porém|contudo|no entanto|todavia|embora)\b",
    re.IGNORECASE)

# A proposal put as a question about what "we" do: "¿Cerramos la caja a las ocho?", "On
# garde le même fournisseur ?", "Nehmen wir den Bus?", "Mudamos a reunião para sexta?". In the
# Romance languages and German a yes-or-no question whose verb is the first person plural of an
# act puts that act to the group, as English "shall we" does (`PROPOSAL` holds the forms with a
# word of their own: "sollen wir", "et si on", "qué tal si"). Read by structure
# (`reading.message.proposes_as_a_question`), on folded text: the line is one question with no
# question word, and it opens — after a word of address or a filler — with the plural verb.
# Not a proposal: what "we" have, know, are, can, must or did ("¿Tenemos llaves?", "On a le
# budget ?", "Haben wir Milch?", "Podemos ir?"), whose verbs are listed apart.
JOINT_QUESTION_OPENERS = (r"(?:(?:y|e|et|und|entonces|pues|bueno|vale|ok|okay|alors|donc|bon"
                          r"|du coup|also|dann|na|entao|bem|gente|pessoal|chicos|equipo"
                          r"|leute|les gars)\W+)*")
JOINT_QUESTION_VERB = {
    # the first person plural of the present: -amos, -emos, -imos ("vamos a cambiar" too)
    "es": r"(?:(?:lo|la|los|las|le|les|nos|se|ya)\s+)?(?P<verb>[a-z]+(?:amos|emos|imos))\b",
    "pt": r"(?:(?:a gente|nos|ja)\s+)?(?:(?:o|a|os|as|lhe|se|nos)\s+)?"
          r"(?P<verb>[a-z]+(?:amos|emos|imos)|bora)\b",
    # "on" with its verb ("on commence à 7h ?"), or asked with "est-ce qu'on"
    "fr": r"(?:est-ce\s+qu')?on\s+(?:(?:se|s'|le|la|les|l'|y|en|leur|lui)\s*)*(?P<verb>[a-z]{2,})\b",
    # the verb first, then "wir" ("fangen wir früher an?")
    "de": r"(?P<verb>[a-z]{3,}e?n)\s+wir\b",
}
# What "we" have, are, know, can, must or did: questions about the room, not proposals.
JOINT_QUESTION_NOT = frozenset({
    "tenemos", "sabemos", "estamos", "somos", "hemos", "habiamos", "teniamos", "estabamos",
    "eramos", "fuimos", "hicimos", "dijimos", "vimos", "podemos", "necesitamos", "pudimos",
    "temos", "fomos", "tivemos", "fizemos", "dissemos", "precisamos",
    "sabiamos", "tinhamos", "estavamos",
    "a", "est", "sait", "avait", "etait", "aura", "sera", "peut", "doit", "dit", "connait",
    "pourrait", "devrait", "va", "ne", "n",
    "haben", "sind", "wissen", "waren", "hatten", "mussen", "konnen", "durfen", "kennen",
    "werden", "wurden",
})
# A question word after the verb makes it an open question ("on fait quoi ?", "on part
# quand ?"): French asks in place; elsewhere the question word comes first, before the verb
# the read looks for.
JOINT_QUESTION_WH = re.compile(r"\b(?:quoi|comment|quand|combien|pourquoi|quel\w*)\b")
