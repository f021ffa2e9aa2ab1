"""The one read of a message: who it speaks to, what it does, how hot it is.

Computed once per event by the engine and handed to every tracker, the signals and the gate,
so no part of the bot re-reads the text its own way. The text-only part (`read_text`, below)
is cached by text; `read_message` adds what resolves names against the room's members.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from facilitator.events import ChatEvent
from facilitator.reading.attacks import AttackAim, shipped_attack_reader
from facilitator.reading.cues import (
    AGREE,
    ANSWER_OPENING,
    BANGS,
    CALMING,
    COMMITMENT,
    CONDITION,
    DECISION,
    DISAGREE,
    DISMISS,
    DISMISS_WORDS,
    EMOJI_VARIANTS,
    ENGLISH_COMMON,
    FIRM_NO_OPENS,
    HOSTILE_TERMS,
    JOINT_QUESTION_NOT,
    JOINT_QUESTION_OPENERS,
    JOINT_QUESTION_VERB,
    JOINT_QUESTION_WH,
    NEGATIVE_EMOJI,
    OPEN_PROMPT,
    PLAIN_YES,
    POINTS_BACK,
    POLICING,
    POSITIVE_EMOJI,
    PROCESS_PHRASES,
    PROPOSAL,
    QUESTION_START,
    SHOUT,
    SOCIAL,
    STANCE_CLOSES,
    STANCE_OPENS,
    STANCE_TURNS,
    STANCE_WHOLE,
    STANCE_WHOLE_NO,
    STOPWORDS,
    TERM_PATTERNS,
    THANKS_TO_BOT,
    UNDECIDED_OPENS,
    WH_START,
    WORK,
    YOU,
)
from facilitator.reading.hostility import HostilityModel
from facilitator.reading.tokens import (
    ENGLISH_WORD,
    LETTER_WORD,
    LOWER_WORD,
    SENTENCE_END,
    base_nick,
)

if TYPE_CHECKING:  # reading sits below memory: it reads a room, it never builds one
    from facilitator.memory.state import RoomState, StoredMessage

_MENTION = re.compile(r"@([\w.\-]+)")
# Which read decides that a message is a personal attack: "hostility" (the hostility model's
# attack read or a hostile description of "you"; strength = the message's heat), the default,
# or "fitted" (the two-stage attack reader, reading/attacks.py; strength = its probability).
# The fitted reader finds 2x (GitHub) and 12x (WikiTactics) the labelled attacks the hostility
# read finds, at similar or better precision, on the labelled kinds it was not fitted on, but
# flags more civil turns in meetings and Slack when they are left out, and reads a retort in a
# mutual flare-up as an attack. Judged blind, its answers were 5 of 40 helpful and 34-35 harmful
# (judged/attack-answers), so it is not the default (FACILITATOR_ATTACK_READ chooses).
AttackRead = Literal["hostility", "fitted"]
HOSTILE_QUESTION_AT = 0.25  # a hostile "question" is an attack, not a question


# ---------------------------------------------------------------------------------------------
# The cheap lexical cues, read with the language data of reading/cues.py. Plain regular
# expressions, so the per-event path stays in microseconds; cues, not judgements: the room
# state aggregates them and the policy weighs them.

def english_words(text: str) -> list[str]:
    """The text's plain English words, lowercased."""
    return [w.lower() for w in ENGLISH_WORD.findall(text)]


def content_words(text: str) -> set[str]:
    return {w for w in english_words(text) if len(w) > 2 and w not in STOPWORDS}


def is_question(text: str) -> bool:
    stripped = text.strip()
    if "?" not in stripped:
        return False
    after = stripped.rsplit("?", 1)[1].strip()
    if after and len(after.split()) < 4 and not after.endswith("?"):
        return False  # "Any objections? Good." answers itself
    return len(english_words(stripped)) >= 3 or bool(QUESTION_START.match(stripped))


def asks_unmarked(text: str) -> bool:
    """A question put without its mark: a line opening with a question word, or a lone "?"
    sent after a line to make it one. Read only where a missed question costs a wrong moment
    (an invitation cutting across it), not into the room's question record."""
    stripped = text.strip()
    return stripped.strip("?") == "" if "?" in stripped else bool(WH_START.match(stripped))


def unfinished(text: str) -> bool:
    """A line that announces more to come ("My reasoning is...", "Here is why:")."""
    return text.rstrip().endswith(("...", "…", ":"))


def hostile_wording(text: str) -> float:
    """The lexical cues' score of a message's wording: 0 for a calm message, towards 1 for
    insults and personal attacks (the trained hostility model is `reading/hostility.py`)."""
    if not text:
        return 0.0
    score = 0.0
    for pattern, weight in HOSTILE_TERMS:
        hits = len(pattern.findall(text))
        if hits:
            score += weight * min(hits, 3)
    shouts = len(SHOUT.findall(text))
    if shouts:
        score += 0.05 * min(shouts, 4)
    if BANGS.search(text):
        score += 0.08
    you = len(YOU.findall(text))
    if you:
        score += 0.035 * min(you, 5)
    policing = len(POLICING.findall(text))
    if policing:
        score += 0.05 * min(policing, 3)
    if CALMING.search(text):
        score -= 0.1
    return min(max(score, 0.0), 1.0)


def plainly_english(text: str) -> bool:
    """No accented letter and one of the commonest English words: English without asking the
    language detector."""
    return text.isascii() and not ENGLISH_COMMON.isdisjoint(LETTER_WORD.findall(text.lower()))


def emoji_polarity(emoji: str | None) -> int:
    if not emoji:
        return 0
    name = emoji.strip(":").lower()
    if name in POSITIVE_EMOJI or emoji in POSITIVE_EMOJI:
        return 1
    if name in NEGATIVE_EMOJI or emoji in NEGATIVE_EMOJI:
        return -1
    return 0


def fold_accents(text: str) -> str:
    """`text` lower-cased, its accents dropped ("Décidé" -> "decide"): how a name or a cue is
    matched in any of the languages read."""
    return "".join(c for c in unicodedata.normalize("NFD", text.lower())
                   if not unicodedata.combining(c))


def folded_line(text: str) -> str:
    """A line as the structural reads match it: accents folded, curly apostrophes straight,
    runs of space made one."""
    return " ".join(fold_accents(text.replace("\u2019", "'")).split())


@lru_cache(maxsize=4096)
def stance_opener(text: str) -> int:
    """+1 when a line opens with a yes and then gives a reason ("Sí, el martes me va bien."), -1
    with a no ("Sou contra, não há verba."), in any of the five languages; else 0 — a bare
    "D'accord." included (`cues.STANCE_OPENS`) — and a yes a "but" then turns ("Yes, but then
    nobody answers the phones.": `cues.STANCE_TURNS`)."""
    folded = folded_line(text or "")
    m = STANCE_OPENS.match(folded) or STANCE_CLOSES.search(folded)
    if m is None:
        return whole_stance(text)
    if m.group("no"):
        return -1
    return 0 if turns(text) else 1


_JOINT_QUESTION = {lang: re.compile(rf"^\W*{JOINT_QUESTION_OPENERS}{verb}")
                   for lang, verb in JOINT_QUESTION_VERB.items()}


def proposes_as_a_question(text: str, lang: str) -> bool:
    """A line in `lang` (es, fr, de or pt) that puts an act to the group as one yes-or-no
    question about what "we" do ("¿Cambiamos de proveedor?", "On part à midi ?", "Machen
    wir das so?", "Vamos trocar de fornecedor?"); `cues.JOINT_QUESTION_VERB` says why."""
    pattern = _JOINT_QUESTION.get(lang)
    if pattern is None:
        return False
    # The question may come first and its reason after ("Mudamos? O atual atrasa sempre."):
    # the line's one question mark ends its first sentence.
    folded = folded_line(text or "").lstrip("\u00bf")
    question, mark, rest = folded.partition("?")
    if (not mark or "?" in rest or re.search(r"[.!]\s", question)
            or JOINT_QUESTION_WH.search(question)):
        return False
    m = pattern.match(question)
    return m is not None and m.group("verb") not in JOINT_QUESTION_NOT


@lru_cache(maxsize=4096)
def whole_stance(text: str) -> int:
    """+1 when the whole line says yes in words no listener uses to keep the talk going — a
    yes made emphatic, an idiom of assent (`cues.STANCE_WHOLE`) or nothing but approving
    emoji —, -1 when it says no and nothing else ("ah non", "Nein!", "nem pensar";
    `cues.STANCE_WHOLE_NO`), else 0; in any of the five languages."""
    marks = [c for c in (text or "") if not c.isspace() and c not in EMOJI_VARIANTS]
    if marks and not any(c.isalnum() for c in marks):
        return int(all(emoji_polarity(c) > 0 or emoji_polarity(c + "\ufe0f") > 0
                       for c in marks))
    folded = folded_line(text or "")
    if STANCE_WHOLE_NO.match(folded) is not None:
        return -1
    return int(STANCE_WHOLE.match(folded) is not None)


def plain_yes(text: str) -> bool:
    """The whole line is a plain yes (`cues.PLAIN_YES`), in any of the five languages."""
    return PLAIN_YES.match(folded_line(text or "")) is not None


def says_firm_no(text: str) -> bool:
    """A sentence of the line opens with a firm no ("não rola, …", `cues.FIRM_NO_OPENS`), in
    any of the five languages."""
    return any(FIRM_NO_OPENS.match(folded_line(sentence))
               for sentence in SENTENCE_END.split(text or ""))


def on_a_condition(text: str) -> bool:
    """The line's first sentence, where a reply says where it stands, puts a condition ("topo
    se a gente dividir a gasolina", `cues.CONDITION`), in any of the five languages; one later
    ("Oui, d'accord. Je réserve la salle si personne ne l'a fait") is about something else."""
    first = SENTENCE_END.split(text or "", maxsplit=1)[0]
    return CONDITION.search(folded_line(first)) is not None


def points_back(text: str) -> bool:
    """Every proposal word of the line points back at what is on the table ("yes, let's do
    it"): an endorsement, no proposal of its own (`cues.POINTS_BACK`)."""
    return POINTS_BACK.search(text) is not None and PROPOSAL.search(
        POINTS_BACK.sub(" ", text)) is None


def assents_whole(text: str) -> bool:
    """The whole line says yes and nothing else (`whole_stance`)."""
    return whole_stance(text) > 0


def undecided(text: str) -> bool:
    """The line opens by not knowing ("not sure, …", "weiß nicht, …"): no yes and no no
    (`cues.UNDECIDED_OPENS`)."""
    return UNDECIDED_OPENS.match(folded_line(text or "")) is not None


def turns(text: str) -> bool:
    """A "but" after a pause turns the line ("Good idea in theory, but nobody has the time"),
    in any of the five languages (`cues.STANCE_TURNS`)."""
    return bool(STANCE_TURNS.search(" ".join((text or "").replace("\u2019", "'").split())))


@lru_cache(maxsize=4096)
def process_talk(text: str) -> bool:
    """The message runs the meeting: opens, moves or closes an item, or gives the floor."""
    lowered = text.lower()
    words = set(LOWER_WORD.findall(lowered))
    return any(PROCESS_PHRASES[w].search(lowered) for w in words & PROCESS_PHRASES.keys())


def dismisses(text: str) -> bool:
    """A short word waving the bot off: "not now", "we got it", "stop"."""
    return len(text.split()) <= DISMISS_WORDS and DISMISS.search(text) is not None


def thanks(text: str) -> bool:
    return THANKS_TO_BOT.search(text) is not None


def find_terms(text: str) -> list[tuple[str, str]]:
    """(concept, term) pairs named in a message, at most one term per concept."""
    found: dict[str, str] = {}
    lowered = text.lower()
    for concept, term, pattern in TERM_PATTERNS:
        if concept not in found and term.split()[0] in lowered and pattern.search(text):
            found[concept] = term
    return list(found.items())


@dataclass(frozen=True, slots=True)
class MessageRead:
    text: TextRead
    addressees: tuple[str, ...]  # members spoken to: reply, mention, "nick:" prefix, name
    reply: StoredMessage | None  # the message this one replies to, when still in the window
    to_bot: bool
    heat: float  # how hostile the message reads, for the room's heat (`heat_of`)
    attack: bool  # a personal attack on a member (read as the caller's `attack_read` says)
    attack_target: str | None
    attack_strength: float = 0.0  # the fitted reader's probability, or the message's heat
    # With the fitted reader, an attack's read on the author's own words and the member it
    # is said of (reading/attacks.py `AttackAim`); None with the default read.
    attack_aim: AttackAim | None = None

    @property
    def asks(self) -> bool:
        """A question or request put to the room or to someone in it."""
        return self.text.question and self.heat < HOSTILE_QUESTION_AT and not self.to_bot


def resolve(state: RoomState, token: str) -> str | None:
    """A member id for a name, id or nick variant ("seb128_" for "seb128")."""
    if token in state.participants:
        return token
    index = state.name_index()
    return index.get(token.lower()) or index.get(base_nick(token))


def mentioned(state: RoomState, text: str) -> list[str]:
    """The members a text @-mentions, resolved as any name, id or nick variant."""
    return [m for m in (resolve(state, token) for token in _MENTION.findall(text)) if m]


def read_message(state: RoomState, event: ChatEvent, *, bot_id: str, bot_name: str = "",
                 attack_read: AttackRead = "hostility") -> MessageRead:
    text = read_text(event.text)
    author = event.author.id
    reply = state.message(event.reply_to) if event.reply_to else None
    to_bot = event.addressed or (reply is not None and reply.is_bot)
    found: list[str] = []

    def add(pid: str | None) -> None:
        if pid and pid != author and pid != bot_id and pid not in found:
            found.append(pid)

    if reply is not None and not reply.is_bot:
        add(reply.author)
    if text.prefix:
        token = text.prefix.lstrip("@")
        if bot_name and token.lower() in (bot_name.lower(), bot_id.lower()):
            to_bot = True
        else:
            add(resolve(state, token))
    for token in (*event.mentions, *_MENTION.findall(event.text)):
        if bot_name and token.lower() == bot_name.lower():
            continue
        add(resolve(state, token))
    explicit = len(found)  # a reply, "nick:", a mention; names said in passing come next
    lowered = event.text.lower()
    for msg in state.window[-10:]:
        person = state.participants.get(msg.author)
        if person is None or msg.is_bot or person.id in found or len(person.label) <= 2:
            continue
        if says_name(lowered, person.label):
            add(person.id)
    # Whom "you" means: whom the message says (a reply, a mention, "nick:"); in a meeting, else
    # the previous speaker. In a channel's interleaved threads that guess names the wrong person.
    addressee = found[0] if found else (
        None if state.rolling.shape == "channel" else _previous_speaker(state, author))
    hostile = HostilityModel.load().read(event.text, addressee=addressee,
                                         names=state.name_index() if found or text.prefix else None)
    # The model reads whom its insult words are aimed at; a hostile message that describes
    # "you" ("you're being completely selfish") is aimed at the person it answers too.
    personal = hostile.personal or (hostile.score >= DESCRIBED_AT and bool(_YOU_ARE.search(event.text)))
    if attack_read == "fitted":
        # The fitted attack reader (issue 19): its cheap first pass ends most messages; only
        # past its first stage's gate is the sentence embedded. A laugh or a grin is banter,
        # never an attack (the reader's own rule). Strength: its probability.
        strength, attack = shipped_attack_reader().assess(event.text, names=state.name_index())
    else:
        # As a moment of its own, a description of "you" must read as one ("you're just a
        # ...", "you're being ..."), not a question about what someone is doing.
        described = hostile.score >= DESCRIBED_ATTACK_AT and "?" not in event.text and bool(
            _DESCRIBES_YOU.search(event.text))
        # Teasing with a laugh or a grin ("don't be so sarcastic, haha") is banter.
        attack = (hostile.attack or described) and not _LAUGH.search(event.text)
        strength = -1.0  # the message's heat, below
    # Whom: the hostility model's clause reading (a named or @mentioned member), else whom the
    # message speaks to. Never the author or the bot; one member, so never "both".
    target = hostile.target or addressee if attack else None
    if target in (author, bot_id):
        target = None
    heat = heat_of(text, hostile.score if personal else impersonal(hostile.score))
    aim = shipped_attack_reader().aim(
        event.text, author=author,
        addressee=found[0] if explicit else _answered(state, author, text, event.text),
        names=state.name_index()) if attack and attack_read == "fitted" else None
    return MessageRead(text=text, addressees=tuple(found), reply=reply, to_bot=to_bot,
                       heat=heat, attack=attack, attack_target=target,
                       attack_strength=round(heat if strength < 0 else strength, 6),
                       attack_aim=aim)


def says_name(lowered: str, label: str) -> bool:
    """Whether a message (in lower case) says a member's name as a word of its own; names of
    one or two letters are not looked for (they stand inside too many words)."""
    name = label.lower()
    return len(name) > 2 and name in lowered and re.search(
        rf"(?<![\w-]){re.escape(name)}(?![\w-])", lowered) is not None


def impersonal(score: float) -> float:
    """Hostile wording aimed at nobody in particular ("that's nuts", "crazy smooth") heats the
    room only when strong: celebration and banter use the same words."""
    return max(0.0, score - IMPERSONAL_FLOOR) / (1 - IMPERSONAL_FLOOR) * IMPERSONAL_WEIGHT


def heat_of(text: TextRead, model_score: float) -> float:
    """How hostile a message reads, for the room's heat: the trained model's score, and the
    lexical cue's read of accusation and policing ("you keep ignoring ...") that a model
    trained on insults does not see."""
    return max(model_score, ACCUSATION_WEIGHT * text.hostile_wording)


_LAUGH = re.compile(r"\b(ha(ha)+|he(he)+|lol|lmao|rofl|jk|j/k)\b|[:;]-?[)DPp]|\bxD\b", re.I)
_YOU_ARE = re.compile(r"\b(you('| a)re|you were|ur|u r)\b", re.I)
_DESCRIBES_YOU = re.compile(
    r"\b(you('| a)re|you were)( (just|being|so|such|really|totally|completely|clearly|"
    r"obviously|nothing but|always|simply))* (a|an|the|being|such|so|just)\b", re.I)
DESCRIBED_AT = 0.35  # heat: hostile wording in a message that describes "you"
DESCRIBED_ATTACK_AT = 0.55  # an attack: clearly hostile and a description of the person
ACCUSATION_WEIGHT = 0.8
IMPERSONAL_FLOOR = 0.45
IMPERSONAL_WEIGHT = 0.5


def _answered(state: RoomState, author: str, text: TextRead, raw: str) -> str | None:
    """Whom an attack's "you" means when the message names nobody: the member whose comment
    it follows right after (in a thread one answers the comment before). None when the author
    spoke last too (they may be going on to someone else) or opens with a name or an @ the
    room does not know (they speak to someone else)."""
    if text.prefix or raw.lstrip().startswith("@") or state.traffic.kind == "help_channel":
        return None  # in a busy help channel's interleaved threads the comment before is a guess
    before = [m for m in state.window[-6:] if not m.is_bot]  # read before it joins the window
    if not before or before[-1].author == author:
        return None
    return before[-1].author


def _previous_speaker(state: RoomState, author: str) -> str | None:
    for msg in reversed(state.window[-6:]):
        if not msg.is_bot and msg.author != author:
            return msg.author
    return None


# What one message's words say, independent of who is in the room (cached by text).
#
# Plain regular expressions and counts, so the silent path stays in microseconds. These are
# cues the trackers aggregate; the member-dependent part of the read is `read_message`, above.
# "nick: text" / "nick, text" — how IRC and busy channels address one person without a
# mention syntax. The token is resolved against the room's members by the message read.
_PREFIX = re.compile(r"^\s*@?([^\s:,]{2,40})\s*[:,]\s*\S")
# Requests for help that carry no question mark. Each is a grammatical frame (who/anyone +
# a verb of knowing or helping), not a topic, so it holds across subjects.
_REQUEST = re.compile(
    r"\b(can|could|would|will) (some|any)(one|body) (help|tell|explain|show|point|confirm|"
    r"check|look|recommend|suggest)\b|"
    r"\b(does|do|did) (any|some)(one|body)( here)? (know|have|use|run|understand)\b|"
    r"^\s*(who|anyone|anybody|someone|somebody) (here )?(knows?|can|could|has|have|is able|"
    r"understands?|uses?)\b|"
    r"\bany ?(idea|ideas|clue|clues|hint|hints|suggestions?|pointers?|tips?)\b.{0,20}"
    r"\b(why|how|what|where|when|which|whether|if|on|about|for)\b|"
    r"\b(i|we) (need|want|would like|'d like) (some )?(help|advice|a hand|assistance)\b|"
    r"\bhelp (me|us|please|pls|plz)\b|\b(please|pls|plz) help\b|"
    r"^\s*how (do|can|could|should|would) (i|we|one|you)\b|^\s*how to\b|"
    r"\bis (there|it possible) (a|any|some)? ?(way|tool|command|package|option|program)\b|"
    r"\b(tell|show) me how\b|\bi('m| am) (looking|searching) for (a|an|some|the)\b|"
    r"\bi (wonder|was wondering) (if|whether|how|why|what)\b",
    re.I,
)
_SECOND_PERSON = re.compile(r"\b(you|your|yours|yourself|you're|you've|you'll|you'd|u|ur)\b", re.I)


@dataclass(frozen=True, slots=True)
class TextRead:
    words: int
    content: frozenset[str]
    question: bool  # a question put to someone (with or without "?")
    request: bool  # a request for help or information without a question mark
    open_prompt: bool  # "any thoughts?": the next reply takes it up
    answer_opening: bool  # opens the way replies usually do ("yes", "I think", "it's")
    social: bool
    work: bool
    agree: bool
    disagree: bool
    proposal: bool
    decision: bool
    commitment: str | None
    hostile_wording: float
    second_person: bool
    prefix: str | None  # the "nick:" token that opens the message, unresolved
    # "nick: text" with a colon, IRC's way to speak to one person ("Ann, what do you think?"
    # is a meeting's way too, so a comma does not count).
    prefix_colon: bool
    # (concept, term) pairs the message names, at most one term per concept: the terms tracker
    # reads them here rather than searching the text again.
    terms: tuple[tuple[str, str], ...] = ()
    # Plainly English: no accented letter and one of the commonest English words. Whoever needs
    # a line's language asks the detector (reading/language.py) only when this is false.
    plainly_english: bool = False


@lru_cache(maxsize=8192)
def read_text(text: str) -> TextRead:
    agree = bool(AGREE.search(text))
    disagree = bool(DISAGREE.search(text))
    commitment = COMMITMENT.search(text)
    prefix = _PREFIX.match(text)
    body = text[prefix.end() - 1:] if prefix else text
    request = bool(_REQUEST.search(body))
    return TextRead(
        words=len(text.split()),
        content=frozenset(content_words(text)),
        question=is_question(text) or request,
        request=request,
        open_prompt=bool(OPEN_PROMPT.search(text)),
        # "Yes, ..." looks like a "nick," prefix: an answer may open either way.
        answer_opening=bool(ANSWER_OPENING.match(text) or ANSWER_OPENING.match(body)),
        social=bool(SOCIAL.search(text)),
        work=bool(WORK.search(text)),
        agree=agree and not disagree,
        disagree=disagree,
        proposal=bool(PROPOSAL.search(text)),
        decision=bool(DECISION.search(text)),
        commitment=(commitment.group(0).strip() if commitment else None),
        hostile_wording=hostile_wording(text),
        second_person=bool(_SECOND_PERSON.search(text)),
        prefix=prefix.group(1) if prefix else None,
        prefix_colon=prefix is not None and text.lstrip().lstrip("@")[
            len(prefix.group(1)):].lstrip().startswith(":"),
        terms=tuple(find_terms(text)),
        plainly_english=plainly_english(text),
    )
