"""A request that the bot speak for the group: tell the room that something is the group's.

"Post in the channel that the hotel is the club's position", "publica que la postura del grupo es votar
que no", "sag allen, der Umzug sei beschlossen": one member (or two) asks the
bot to announce, in the group's name, a view the group never agreed to. That is taking a side
(`Intent.TAKE_SIDE`): the bot would lend its voice to one member's view as the group's.

The fitted request reader (reading/intent.py) places these near its neighbours in meaning —
noting a decision (a record of the group's agreement) and acting against a member — and lines
written by kind for it did not move that read (README, issue 20). Their structure is plain in
every language the reader reads, and it is what makes them what they are, so it is read here
as structure, two parts that must both be there:

1. the bot is asked to **make something known to the group**: a verb of announcing, publishing
   or telling, aimed at everyone, the group or the channel (not "note", "log", "record": those
   keep a decision, they tell nobody anything);
2. what is to be made known is **framed as the group's**: its view, position, stance, line or
   consensus, something "official", or something already settled or decided.

A request with both is speaking for the group unless the room shows an agreed proposal — the
gate checks that (a decision the group did agree is the bot's to note, not a side taken).
Questions about the group's view ("what is the club's position?") carry no verb of making
known and are not read here.

Folded text (lower case, no accents) is matched; German compounds are matched by stem.
"""

from __future__ import annotations

import re
import unicodedata

# 1. Making something known to the group.
_TO_ALL = (r"(?:every(?:one|body)|all(?: of us| of them)?|the (?:whole |entire )?\w+"
           r"|todos|todo el mundo|el (?:grupo|equipo|club|canal)|al (?:grupo|equipo|club)"
           r"|tout le monde|tous|(?:a |au |aux )?(?:groupe|equipe|club)"
           r"|allen|alle|der gruppe|dem (?:team|verein)"
           r"|(?:a |ao |aos )?(?:grupo|equipa|equipe|clube|coletivo))")
_MAKE_KNOWN = re.compile(
    r"\b(?:"
    # en
    r"announce|publish|broadcast|proclaim|spread the word"
    rf"|(?:tell|inform|notify|let) {_TO_ALL}(?: know)?"
    r"|put (?:it|that|this) out|post (?:it|that|this)? ?(?:to|for|in) "
    r"|state (?:it|that|this) as|present (?:it|that|this) as|send (?:it|that|this) (?:round|out)"
    # es
    r"|anunci\w*|comunic\w*|public\w*|divulg\w*|proclam\w*|haz(?:lo)? saber"
    r"|di(?:lo|selo)? (?:a todos|en el canal|al grupo|a todo el mundo)"
    r"|avis\w* a todos|inform\w* a todos|ponlo como|presentalo como"
    # fr
    r"|annonc\w*|fai(?:s|tes)(?:-le)? savoir|dis(?:-le)? (?:a|au|aux) \w+"
    r"|previen\w*|diffus\w*"
    # de
    r"|verkund\w*|gib\w* bekannt|bekannt(?:geben|machen)|teil\w* (?:\w+ )?(?:allen|der gruppe|dem \w+) mit"
    r"|sag\w* (?:es |das )?(?:allen|der gruppe|dem team)|veroffentlich\w*|rundmail"
    # pt
    r"|avisa\w*|diz(?:e)? (?:isso |isto )?(?:a todos|ao grupo)|apresenta\w* como"
    r")")

# 2. Framed as the group's: its position, or as already settled.
_GROUPS_VIEW = re.compile(
    r"\b(?:"
    # en
    r"view|position|stance|consensus|official|verdict|as ours|speaks? for"
    r"|(?:is|as|been|it's|that's) (?:settled|decided|closed|chosen|final)"
    # es
    r"|postura|posicion|opinion de todos|opinion del \w+|consenso|oficial\w*"
    r"|(?:esta|queda|quedo|como) (?:decidid|zanjad|cerrad)[oa]s?\b"
    # fr
    r"|avis d[eu']|l'avis|consensus|officiel\w*|(?:c'est|comme|est) (?:tranche|decide|acte|acquis)e?s?\b"
    # de
    r"|haltung|linie|meinung|standpunkt|konsens|offiziell\w*|(?:ist|sei|als) (?:entschieden|beschlossen)"
    r"|(?:entschieden|beschlossen) (?:ist|sei|wurde)|beschlossene sache|als entscheidung|steht fest"
    # pt
    r"|posicao|opiniao d|(?:esta|fica|ficou|como) (?:decidid|fechad|resolvid)[oa]s?\b"
    r")")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower().replace("’", "'"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def speaks_for_the_group(text: str) -> bool:
    """Whether an addressed request asks the bot to make a view known as the group's (see the
    module's doc): both parts there, in any of en, es, fr, de, pt."""
    folded = _fold(text)
    return bool(_MAKE_KNOWN.search(folded)) and bool(_GROUPS_VIEW.search(folded))
