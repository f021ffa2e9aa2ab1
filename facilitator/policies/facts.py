"""Are the bot's words true to the room? Checked before a model's words are posted, and used by
the evaluation to score every bot turn, the rules' included.

The guard (guard.py) judges what a message does (takes a side, flatters, leaks); this judges
whether what it says matches the room's state:

- every member it names (by @mention, or a capitalised name mid-sentence or before a comma)
  is in the room, or at least a word of the room's own conversation;
- every quote exists in a message of the room; a sentence whose quote does not is dropped;
- every claim about questions, proposals and decisions matches the state: counts, "the
  group decided", "X proposed", "X asked", "still open";
- no greeting ("Hi all,") and no signature ("Best, Lena", "— the facilitator");
- no judgement of a member ("Greg is being rude", "you are the problem").

A text cut at the model's token cap is first trimmed to its last whole sentence.
`check_words` returns the text that may go out (quotes dropped, trimmed) and the first
problem found, or None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from facilitator.events import ChatEvent
from facilitator.memory.state import RoomState
from facilitator.policies.decision import Intervention, Moment
from facilitator.reading.clauses import QUOTE, quote_found, quotes, unquoted

_SENTENCE_END = re.compile(r"[.!?…][\"”')\]]*(?=\s|$)")
_SENTENCES = re.compile(r"[^.!?…\n]+(?:[.!?…][\"”')\]]*|$)")
_MENTION = re.compile(r"(?<![\w.])@([A-Za-z0-9_][\w.-]*[A-Za-z0-9_]|[A-Za-z0-9_])")
_CAPITAL = re.compile(r"\b([A-Z][a-z]+(?:[A-Z][a-z]+)?)\b")
# Where a sentence (or a clause that starts like one) begins: its first word is capitalised
# for grammar, not because it is a name.
_STARTS = re.compile(r"(?:^|[.!?…:;•\n—–(]\s*|\s-\s)[\"“']?$")
_NAME_USE = re.compile(r"(,|'s\b|\s+(and|&)\s+[A-Z]|\s+(asked|said|says|suggested|proposed|"
                       r"thinks|think|wants|mentioned|wrote|noted|agreed|pointed|raised|"
                       r"feels|believes|argued|argues|meant|means|offered|will|would|could)\b)")
_GREETING = re.compile(r"^\s*(hi|hello|hey|hiya|howdy|dear|greetings|good (morning|afternoon|"
                       r"evening|day))\b", re.I)
_SIGN_OFF = r"(best( regards| wishes)?|kind regards|warm regards|regards|cheers|sincerely|" \
            r"warmly|yours( truly)?|all the best|take care)"
_SIGNATURES = (
    # "Best, Lena" / "Cheers!\nLena" / "Kind regards,\n— The facilitator"
    re.compile(rf"(?i)(^|[.!?\n]\s*){_SIGN_OFF}\s*(,|!?\s*\n)\s*[-–—]?\s*[A-Z][\w.'-]*"
               r"( [A-Za-z][\w.'-]*){0,3}[.!]?\s*$"),
    re.compile(r"(?i)\n\s*(thanks|thank you|many thanks)\s*[,!.]?\s*\n?\s*[A-Z][\w.'-]*"
               r"( [A-Za-z][\w.'-]*){0,3}[.!]?\s*$"),
    re.compile(r"\n\s*(—|–|--|~)\s*[A-Za-z][\w.'-]*( [A-Za-z][\w.'-]*){0,3}\s*$"),
    re.compile(r"(?i)(\s[-–—]|,)\s*(your|the) (friendly |neutral )?(facilitator|moderator|bot)"
               r"[.!]?\s*$"),
)
_NUMBERS = {"no": 0, "none": 0, "zero": 0, "one": 1, "a single": 1, "two": 2, "three": 3,
            "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_N = r"(\d+|no|zero|one|a single|two|three|four|five|six|seven|eight|nine|ten)"
# A count of the room's items: "two open questions", "no decisions yet", "there are 3 proposals".
_COUNT = re.compile(
    rf"\b{_N}\s+(?:open|unanswered|outstanding|pending|undecided)\s+(questions?|proposals?)\b"
    rf"|\b{_N}\s+(decisions?)\s+(?:so far|yet|made|recorded|taken)\b"
    rf"|\bthere (?:are|is|'s|were|was) (?:still )?{_N}\s+(questions?|proposals?|decisions?)\b",
    re.I)
_DECIDED = re.compile(
    r"\b((we|you|you all|you both|y'all|the (group|room|team|committee)|everyone|they|both of "
    r"you|all of you)\s+(have\s+|'ve\s+|has\s+|had\s+)?(decided|agreed (to|on)|settled on|"
    r"chose|chosen|concluded|voted)|(it|this|that)\s+(was|is|has been|'s been)\s+(decided|"
    r"agreed|settled)|the (group's |room's |team's )?decision (is|was)|(we|you)'ve (decided|"
    r"agreed (to|on)|settled on))\b", re.I)
_NOTHING_DECIDED = re.compile(r"\b(nothing (has been |was |is )?(decided|agreed|settled)|no "
                              r"decisions? (yet|so far|has been|was)|(haven't|have not|hasn't|"
                              r"has not) (yet )?(decided|agreed|settled))\b", re.I)
_PROPOSED = re.compile(r"\b([A-Z][\w.-]*)(?:'s)? (proposed|suggested|proposal|suggestion|idea)\b")
_ASKED = re.compile(r"\b([A-Z][\w.-]*)(?:'s)? (asked|question)\b")
# A claim that a particular question is still open (not "I keep track of open questions").
_STILL_OPEN = re.compile(r"\b(still unanswered|unanswered question|(question|it|that|this)\s+(is|"
                         r"remains|'s)\s+(still\s+)?(open|unanswered)|(no ?one|nobody)\s+(has|"
                         r"have)\s+(yet\s+)?(answered|picked|replied|taken)|(hasn't|has not|"
                         r"haven't|have not) been (answered|picked up))", re.I)
# "Have we decided…?", "Did you agree on…?": asking, not claiming.
_ASKING = re.compile(r"\s*(\w+,\s*)?(have|has|had|did|do|does|is|are|was|were|shall|should|can|"
                     r"could|would|will)\b[^.!]*\?\s*$", re.I)
_NONE = re.compile(r"\b(no|nothing|none|nobody's)\b", re.I)
_JUDGED = (r"rude|toxic|aggressive|hostile|unreasonable|defensive|childish|difficult|"
           r"disrespectful|immature|lazy|stubborn|dismissive|arrogant|condescending|selfish|"
           r"ignorant|out of line|a bully|bullying|the problem|to blame|at fault|inappropriate|"
           r"offensive|mean|nasty|irrational|hysterical|dishonest|lying|a liar|manipulative|"
           r"passive[- ]aggressive|trolling|a troll|overreacting|biased|naive|incompetent|"
           r"clueless|stupid|unhelpful|abusive|the (most|least) "
           r"(helpful|reasonable|constructive|useful)|unfair|obnoxious|annoying|petty")
# A member's point dismissed as mere opinion: "that is your own personal interpretation", "a
# statement of opinion", "just your opinion".
_DISMISSED = re.compile(r"(?i)\b(your|his|her|their) own (personal )?(interpretation|opinion|"
                        r"view)\b|\byour personal (interpretation|opinion)\b|\ba (mere |personal )?"
                        r"statement of opinion\b|\b(just|only|merely|simply) (your|his|her|their)"
                        r" (own )?(opinion|interpretation)\b")
_JUDGE_SUBJECT = r"(you|he|she|they|your (tone|behaviou?r|attitude|comments?|approach))"
_JUDGE_VERB = r"(\s+(is|are|was|were|seems?|sounds?|looks?|comes? across as|keeps? being)|'s|'re)"
_STOP = frozenset("""i i'm i'd i'll i've it it's let let's if is in on a an and or but so the this
that these those we you he she they our your my me us them what when where who why how which
here there now then maybe perhaps please thanks thank could would should can will may might
do does did not no yes ok okay one two three first second next last also just still both each
every some any all none nobody anyone someone everyone quick gentle good great sure right well
welcome sorry hey as
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december today tomorrow yesterday""".split())


@dataclass
class WordsCheck:
    text: str  # what may go out: quotes not in the room dropped, a cut answer trimmed
    problem: str | None = None
    dropped: list[str] = field(default_factory=list)  # quotes that were not in the room

    @property
    def ok(self) -> bool:
        return self.problem is None


def trim_to_sentence(text: str) -> str:
    """`text` up to the end of its last whole sentence ("" when it has none)."""
    ends = list(_SENTENCE_END.finditer(text))
    return text[:ends[-1].end()].strip() if ends else ""


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).lower()


def room_texts(state: RoomState, event: ChatEvent | None) -> list[str]:
    """What the room said, where a quote or a word may come from."""
    parts = [m.text for m in state.window if not m.is_bot]
    parts += [q.text for q in state.questions] + [p.text for p in state.proposals]
    parts += [d.text for d in state.decisions] + [b.text for b in state.bridging]
    parts += [a.text for a in state.actions] + [state.charter.goal, *state.charter.norms]
    parts += [t for use in state.terms for t in use.by.values()] + [u.concept for u in state.terms]
    if event is not None:
        parts.append(event.text)
    return [p for p in parts if p]


def _sentences(text: str) -> list[str]:
    return [s for s in (m.group(0) for m in _SENTENCES.finditer(text)) if s.strip()]


def _drop_false_quotes(text: str, room: Sequence[str]) -> tuple[str, list[str]]:
    # A quote cut short by the bot ("…") matches on its first words; one cleaned of
    # hesitations (reading/clauses.py: "what about the um battery" quoted as "what about the
    # battery") matches word for word once they are left out of both.
    dropped = [q for q in quotes(text) if not quote_found(q, room)]
    if not dropped:
        return text, []
    kept = [s for s in _sentences(text) if not any(q in s for q in dropped)]
    return " ".join(s.strip() for s in kept).strip(), dropped


def _member_ids(state: RoomState, name: str) -> str | None:
    index = state.name_index()
    low = name.lower()
    return index.get(low) or index.get(low.rstrip(".,")) or None


def _unknown_names(text: str, state: RoomState, room_words: set[str],
                   bot_names: Iterable[str]) -> list[str]:
    bots = {b.lower() for b in bot_names}
    unknown: list[str] = []
    bare = unquoted(text)  # a quote's words are checked as a quote
    for mention in _MENTION.findall(bare):
        if mention.lower() not in bots and _member_ids(state, mention) is None:
            unknown.append("@" + mention)
    # Members' full names ("Hon. Dominic LeBlanc", "Mary Ann") are names, word by word.
    labels = sorted({x for p in state.participants.values() for x in (p.label, p.id)
                     if len(x) >= 2}, key=len, reverse=True)
    if labels:
        every = re.compile("|".join(rf"(?<!\w){re.escape(x)}(?!\w)" for x in labels), re.I)
        bare = every.sub(lambda m: "x" * len(m.group(0)), bare)
    for match in _CAPITAL.finditer(bare):
        word = match.group(1)
        low = word.lower()
        if low in _STOP or low in bots or low in room_words or _member_ids(state, word):
            continue
        before = bare[:match.start()]
        after = bare[match.end():match.end() + 40]
        at_start = bool(_STARTS.search(before))
        # A word that begins a sentence is a name only when someone is addressed by it
        # ("Lena, could you…"), owns something ("Lena's point") or says something ("Lena
        # asked", "Lena and Ana think").
        if at_start and not _NAME_USE.match(after):
            continue
        unknown.append(word)
    return unknown


def _claims(text: str, state: RoomState, moment: Moment | None) -> str | None:
    open_q = state.open_questions()
    open_p = state.open_proposals()
    counts = {"question": len(open_q), "proposal": len(open_p), "decision": len(state.decisions)}
    for match in _COUNT.finditer(text):
        groups = [g for g in match.groups() if g]
        number, what = groups[0], groups[1]
        said = int(number) if number.isdigit() else _NUMBERS[number.lower()]
        kind = what.lower().rstrip("s")
        if said != counts[kind]:
            return f"says {match.group(0)}; the room has {counts[kind]}"
    recording = moment is not None and moment.intervention == Intervention.RECORD_DECISION
    for sentence, held in _quoted_sentences(text):
        if _NOTHING_DECIDED.search(sentence) and state.decisions:
            return "says nothing was decided; the room has decisions"
        if _claims_decision(sentence) and not _ASKING.match(sentence) and not (
                _NOTHING_DECIDED.search(sentence)):
            if not state.decisions and not recording:
                return "claims a decision the room has not made"
            basis = [d.text for d in state.decisions] + [p.text for p in state.proposals]
            if not _backed(sentence, held, basis, state):
                return "claims a decision that matches none in the room"
        for name, _ in _PROPOSED.findall(sentence):
            who = _member_ids(state, name)
            said = [p.text for p in state.proposals if p.author == who] + [
                m.text for m in state.window if m.author == who]
            if who is not None and not _backed(sentence, held, said, state):
                return f"says {name} proposed something they did not"
        for name, _ in _ASKED.findall(sentence):
            who = _member_ids(state, name)
            asked = [q.text for q in state.questions if q.asker == who] + [
                m.text for m in state.window if m.author == who and "?" in m.text]
            if who is not None and not _backed(sentence, held, asked, state):
                return f"says {name} asked something they did not"
        if _STILL_OPEN.search(sentence) and not open_q and not _NONE.search(sentence) and not (
                moment is not None and moment.intervention == Intervention.SURFACE_QUESTION):
            return "calls a question open; the room has none open"
    return None


_CONTENT = re.compile(r"[a-z][a-z'-]{3,}")
# "…what we decided", "once you agree on…": an indirect question or a condition, no claim.
_INDIRECT = re.compile(r"\b(what|whether|if|how|when|once|until|before)\s+"
                       r"((have|has|had|did|do|does)\s+)?$", re.I)


# A list of what was decided: "Decisions so far: …", "What the group has decided so far: …"
# (the rules' own heading, which a model may fill with decisions the room never made).
_LISTED = re.compile(r"\b(decisions?|decided|agreed)( (so far|to date|until now|yet))?\s*:\s*\S",
                     re.I)
_LIST_FOLLOWS = re.compile(r"\s*(so far|to date|until now|yet)?\s*:\s*\S", re.I)


def _claims_decision(sentence: str) -> bool:
    if _LISTED.search(sentence):
        return True
    # "…what we decided" is an indirect question, unless a list of it follows.
    return any(not _INDIRECT.search(sentence[:m.start()])
               or _LIST_FOLLOWS.match(sentence[m.end():])
               for m in _DECIDED.finditer(sentence))


def _quoted_sentences(text: str) -> list[tuple[str, list[str]]]:
    """The sentences of `text` (a quote's own full stops do not end one), each with the
    quotes it holds."""
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:
        held.append(match.group(1) if match.group(1) is not None else match.group(2))
        return f'"\x00{len(held) - 1}\x00"'

    masked = QUOTE.sub(hold, text)
    out = []
    for sentence in _sentences(masked):
        inside = [held[int(i)] for i in re.findall(r"\x00(\d+)\x00", sentence)]
        out.append((re.sub(r'"\x00\d+\x00"', '""', sentence), inside))
    return out


def _backed(sentence: str, held: list[str], texts: list[str], state: RoomState) -> bool:
    """Whether what a member is said to have said is in what they said: a quote of theirs,
    or the sentence's own words."""
    if not texts:
        return False
    if held:
        return any(quote_found(q, texts) for q in held)
    return _shares_words(sentence, texts, state)


def _shares_words(sentence: str, basis: list[str], state: RoomState) -> bool:
    names = {p.label.lower() for p in state.participants.values()} | set(state.participants)
    words = {w for w in _CONTENT.findall(_norm(sentence)) if w not in _STOP and w not in names}
    words -= {"decided", "agreed", "settled", "chose", "chosen", "concluded", "voted", "group",
              "room", "team", "decision", "everyone", "proposed", "suggested", "proposal",
              "suggestion", "idea", "asked", "question", "instead", "about", "whether"}
    if not words:
        return True  # "so that's decided, then": nothing specific claimed
    pool = set(_CONTENT.findall(_norm(" ".join(basis))))
    return bool(words & pool) or any(w[:5] in {p[:5] for p in pool} for w in words)


def _judges(text: str, state: RoomState) -> bool:
    names = sorted({re.escape(p.label) for p in state.participants.values() if p.label} | {
        re.escape(p.id) for p in state.participants.values()}, key=len, reverse=True)
    # A member, or what a member wrote ("Greg's comment", "her tone").
    owners = "|".join(["your", "his", "her", "their", "that", "this",
                       *(f"{n}'s" for n in names)])
    said = (rf"({owners}) (tone|behaviou?r|attitude|comments?|remarks?|messages?|posts?|"
            r"replies|reply|approach|words|argument|point)")
    subject = "|".join([_JUDGE_SUBJECT, said, *names])
    bare = unquoted(text)
    pattern = re.compile(rf"(?i)\b({subject}){_JUDGE_VERB}\s+(being\s+|so\s+|very\s+|"
                         rf"really\s+|quite\s+|a bit\s+|too\s+|just\s+)*({_JUDGED}|"
                         r"uncalled for)\b")
    return bool(pattern.search(bare) or _DISMISSED.search(bare))


def check_words(text: str, state: RoomState, event: ChatEvent | None = None,
                moment: Moment | None = None, *, truncated: bool = False,
                bot_names: Iterable[str] = ("facilitator",)) -> WordsCheck:
    """What of `text` may go out, and the first way it is untrue to the room (None: none)."""
    if truncated:
        text = trim_to_sentence(text)
        if len(text) < 12:
            return WordsCheck(text, "cut at the token cap before a whole sentence")
    texts = room_texts(state, event)
    room = _norm(" ".join(texts))
    text, dropped = _drop_false_quotes(text, texts)
    if len(text) < 12:
        return WordsCheck(text, "quotes that are not in the room, and little else", dropped)
    if _GREETING.search(text):
        return WordsCheck(text, "opens with a greeting", dropped)
    if any(p.search(text) for p in _SIGNATURES):
        return WordsCheck(text, "ends with a signature", dropped)
    room_words = set(re.findall(r"[a-z][a-z0-9]*", room))
    unknown = _unknown_names(text, state, room_words, bot_names)
    if unknown:
        return WordsCheck(text, f"names someone not in the room ({', '.join(unknown[:3])})",
                          dropped)
    claim = _claims(text, state, moment)
    if claim:
        return WordsCheck(text, claim, dropped)
    if _judges(text, state):
        return WordsCheck(text, "passes judgement on a member", dropped)
    return WordsCheck(text, None, dropped)
