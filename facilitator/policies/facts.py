"""Are the bot's words true to the room? Checked before a model's words are posted, and used by
the evaluation to score every bot turn, the rules' included.

The guard (guard.py) judges what a message does (takes a side, flatters, leaks); this judges
whether what it says matches the room's state:

- every member it names (by @mention, or a capitalised name mid-sentence or before a comma)
  is in the room, or at least a word of the room's own conversation;
- every quote exists in a message of the room; a sentence whose quote does not is dropped;
- every claim about the room's items is grounded in the room's record (`RoomState`): what it
  calls open must be an open question or proposal, what it calls decided a decision, what it
  says a member proposed or asked one of theirs, what it says a member took on an action item
  or a decision they own; and counts of items must be the state's. A claim is grounded by a
  quote of the item, else by the content of its clause: the clause's content words in any
  language (`reading.clauses.content_of`), members' names and the bot's own framing words
  (those of its templates and move cards) aside, of which at least half must be the item's
  (inflections alike); a claim with no such word needs only an item of its kind;
- no greeting ("Hi all,") and no signature ("Best, Lena", "— the facilitator");
- no verdict on a member, read by meaning (`reading.verdicts`, fitted on sentences in five
  languages, by kind): in another language than English, a sentence the fitted read takes for
  a verdict; in English, one where the structural read finds a member, "you" or what a member
  said as the subject of an evaluation (`reading.requests.verdict_in`, with the hostility
  model's words for people and this module's idioms: "you are both wrong", "Greg's comment was
  out of line") and the fitted read does not rule it out, one that puts a fault on a member
  by structure (`reading.requests.fault_in`: "the broken release is down to Declan", "Hattie
  dropped the ball", "we lost the grant because Siobhan missed the window"), or one the fitted
  read alone is sure of; a sentence the hostility model reads as an attack on a member, or a member's point
  dismissed as mere opinion.
- a claim in another language than English is found by meaning (`reading.claim_kinds`: decided,
  open question, proposal, a task taken on) and grounded like an English one.

A text cut at the model's token cap is first trimmed to its last whole sentence.
`check_words` returns the text that may go out (quotes dropped, trimmed) and the first
problem found, or None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from facilitator.events import ChatEvent
from facilitator.memory.state import RoomState
from facilitator.policies.decision import Intervention, Moment
from facilitator.policies.prompts import Prompts
from facilitator.reading.claim_kinds import claim_kind
from facilitator.reading.clauses import (
    QUOTE,
    content_of,
    quote_found,
    quotes,
    same_word,
    sentences,
    unquoted,
)
from facilitator.reading.hostility import HostilityModel
from facilitator.reading.language import detect_language
from facilitator.reading.requests import a_task, fault_in, verdict_in
from facilitator.reading.tokens import IDENTIFIER, base_nick, quote_words
from facilitator.reading.verdicts import passes_verdict

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

# ---- what a sentence claims of the room's items (each claim is then grounded in the state) ----

_DECIDED = re.compile(
    r"\b((we|you|you all|you both|y'all|the (group|room|team|committee)|everyone|they|both of "
    r"you|all of you)\s+(have\s+|'ve\s+|has\s+|had\s+)?(decided|agreed (to|on)|settled on|"
    r"chose|chosen|concluded|voted)|(it|this|that)\s+(was|is|has been|'s been)\s+(decided|"
    r"agreed|settled)|the (group's |room's |team's )?decision (is|was)|(we|you)'ve (decided|"
    r"agreed (to|on)|settled on))\b", re.I)
_NOTHING_DECIDED = re.compile(r"\b(nothing (has been |was |is )?(decided|agreed|settled)|no "
                              r"decisions? (yet|so far|has been|was)|(haven't|have not|hasn't|"
                              r"has not) (yet )?(decided|agreed|settled))\b", re.I)
# A list of what was decided: "Decisions so far: …", "What the group has decided so far: …"
# (the rules' own heading, which a model may fill with decisions the room never made).
_LISTED = re.compile(r"\b(decisions?|decided|agreed)( (so far|to date|until now|yet))?\s*:\s*\S",
                     re.I)
_LIST_FOLLOWS = re.compile(r"\s*(so far|to date|until now|yet)?\s*:\s*\S", re.I)
# Something called open: "the open question is …", "… is still unanswered", "Still open: …",
# "nobody has picked that up", "it hasn't been answered".
_OPEN = re.compile(
    # One item ("the open question is …", "an open question from Li"), or several listed
    # ("the open questions are …"); not the kind ("I keep track of open questions").
    r"\b(?:the|an|one|this|that|\w+'s)\s+(?:open|unanswered|unresolved|outstanding|pending)\s+"
    r"(?:question|proposal|item|issue|point|request)\b"
    r"|\b(?:open|unanswered|unresolved|outstanding|pending)\s+(?:questions|proposals|items|"
    r"issues|points|requests)\s*(?:are\b|remain\b|:)"
    r"|\b(?:is|are|was|were|'s|remains?|stays?|still)\s+(?:still\s+)?(?:open|unanswered|"
    r"unresolved|outstanding|pending|undecided)\b"
    r"|^\W*(?:still\s+)?(?:open|unanswered)\b"
    r"|\b(?:no ?one|nobody|anyone)\s+(?:has|have)\s+(?:yet\s+)?(?:answered|picked|replied|taken)\b"
    r"|\b(?:hasn't|has not|haven't|have not)\s+(?:yet\s+)?been\s+(?:answered|picked up|taken up|"
    r"addressed)\b", re.I)
_ABOUT_QUESTIONS = re.compile(r"\b(questions?|ask\w*|answer\w*|unanswered|requests?)\b", re.I)
_ABOUT_PROPOSALS = re.compile(r"\b(propos\w*|suggest\w*|ideas?|options?|undecided)\b", re.I)
# A member's proposal or question: "Ana proposed", "Ana's idea", "proposed by Ana", "Li's
# question", "a question from Li".
_PROPOSED = re.compile(r"\b([A-Z][\w.-]*)(?:'s)? (proposed|suggested|proposal|suggestion|idea)\b"
                       r"|\b(?:proposed|suggested) by @?([A-Z][\w.-]*)")
_ASKED = re.compile(r"\b([A-Z][\w.-]*)(?:'s)? (asked|question)\b"
                    r"|\b(?:question|request) (?:from|of|by) @?([A-Z][\w.-]*)"
                    r"|\basked by @?([A-Z][\w.-]*)")
# A proposal named as one the room has: "the proposal to …", "that suggestion", "… was proposed".
_A_PROPOSAL = re.compile(r"\b(?:the|this|that)\s+(?:proposal|suggestion)\b|\b(?:was|were|been|"
                         r"is being)\s+(?:proposed|suggested)\b", re.I)
# Something a member took on: "Bo is taking the fence", "Bo will handle it", "owner: Bo",
# "assigned to Bo".
_TAKEN_ON = re.compile(
    r"\b([A-Z][\w.-]*)\s+(?:is taking|has taken|took on|takes on|will take|'ll take|"
    r"volunteered|has offered|offered to|committed to|agreed to (?:take|do|handle|own|follow|"
    r"look|ask|check|write|draft|send|call|contact)|owns|is handling|will handle|'ll handle|"
    r"is on it|will follow up|'ll follow up|is responsible for|will look into|'ll look into|"
    r"is going to (?:take|handle|do))\b"
    r"|\b(?:owners?|owned by|assigned to|taken on by|handled by)\s*:?\s*@?([A-Z][\w.-]*)"
    # "Li will ask the city …": a task (reading.requests.a_task) in the future.
    r"|\b([A-Z][\w.-]*)\s+(?:will|'ll|is going to)\s+([a-z]+)\b")
# "Have we decided…?", "Did you agree on…?": asking, not claiming.
_ASKING = re.compile(r"\s*(\w+,\s*)?(have|has|had|did|do|does|is|are|was|were|shall|should|can|"
                     r"could|would|will)\b[^.!]*\?\s*$", re.I)
_NONE = re.compile(r"\b(no|nothing|none|nobody's)\b", re.I)
# "…what we decided", "once you agree on…": an indirect question or a condition, no claim.
_INDIRECT = re.compile(r"\b(what|whether|if|how|when|once|until|before)\s*"
                       r"((have|has|had|did|do|does)\s+)?$", re.I)
# Where a clause ends inside a sentence: a comma, a semicolon or a dash.
_CLAUSE_END = re.compile(r"\s*(?:[,;—–]|\s-\s)\s*")

# ---- verdicts on members -----------------------------------------------------------------------

# Evaluations of a person beyond the request reader's classes (reading/requests.py EVAL and
# RIGHTNESS) and the hostility model's words for people: words and idioms said of a member
# or of what they wrote ("Greg's comment was out of line", "you are being defensive").
_JUDGED = tuple(tuple(p.split()) for p in """out of line|over the line|uncalled for|to blame|
    at fault|off base|out of order|way off|spot on|fair|legitimate|trolling|lying|defensive|
    disrespectful|stubborn|dismissive|inappropriate|mean|irrational|hysterical|manipulative|
    overreacting|naive|abusive|obnoxious""".replace("\n", " ").split("|"))
# A member's point dismissed as mere opinion: "that is your own personal interpretation", "a
# statement of opinion", "just your opinion".
_DISMISSED = re.compile(r"(?i)\b(your|his|her|their) own (personal )?(interpretation|opinion|"
                        r"view)\b|\byour personal (interpretation|opinion)\b|\ba (mere |personal )?"
                        r"statement of opinion\b|\b(just|only|merely|simply) (your|his|her|their)"
                        r" (own )?(opinion|interpretation)\b")
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
                   bot_names: Iterable[str], lang: str = "en") -> list[str]:
    bots = {b.lower() for b in bot_names}
    # German capitalises every noun: there a capitalised word is a name only by its use.
    nouns_capitalised = lang == "de"
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
        if (at_start or nouns_capitalised) and not _NAME_USE.match(after):
            continue
        unknown.append(word)
    return unknown


# ---- claims, grounded in the state -------------------------------------------------------------


@cache
def _framing() -> frozenset[str]:
    """The bot's own words about a room's items ("bringing back an open question", "who will
    take it forward", "no objections"): the content words of its templates and move cards,
    slots aside. In a claim they frame the item; they are not what it says of it."""
    prompts = Prompts()
    texts = [v for name in prompts.rules_names for v in prompts.variants(f"rules/{name}")]
    texts.append(prompts.text("llm/moves"))
    return frozenset(w for t in texts for w in content_of(re.sub(r"\{\w+\}", " ", t)))


def _names_of(state: RoomState) -> frozenset[str]:
    """Every word a member goes by: ids, display names and their words, base nicks."""
    out: set[str] = set()
    for person in state.participants.values():
        for name in (person.id, person.label):
            low = name.lower()
            out |= {low, base_nick(name), *low.split(), *quote_words(name)}
    return frozenset(out)


def _claimed(clause: str, state: RoomState) -> list[str]:
    """What a claim's clause says of the item: its content words, less members' names and
    the bot's framing words."""
    names = _names_of(state)
    framing = _framing()
    return [w for w in content_of(clause) if w.removesuffix("'s") not in names
            and w not in framing and not any(same_word(w, f) for f in framing)]


def _matches(clause: str, held: list[str], items: Sequence[str], state: RoomState) -> bool:
    """Whether an item backs the claim: a quote the sentence holds is words of one, or at
    least half the claim's words (one at least) are its words."""
    if not items:
        return False
    if held:
        return any(quote_found(q, items) for q in held)
    want = _claimed(clause, state)
    if not want:
        return True  # "so that's decided, then": nothing specific claimed
    for item in items:
        have = content_of(item)
        found = sum(any(same_word(w, h) for h in have) for w in want)
        if found and 2 * found >= len(want):
            return True
    return False


def _clause(sentence: str, start: int, end: int) -> str:
    """The clause of `sentence` around its span [start, end), the span itself blanked. A
    heading's clause is the rest of the sentence: "Still open, Li: …", "Decisions so far: …"."""
    if ":" in sentence[end:] and not sentence[:start].strip(" \"'“(—–-•*"):
        return sentence[end:]
    before = [m.end() for m in _CLAUSE_END.finditer(sentence, 0, start)]
    after = _CLAUSE_END.search(sentence, end)
    return sentence[before[-1] if before else 0:start] + " " + sentence[
        end:after.start() if after else len(sentence)]


def _with_messages(state: RoomState, texts: Iterable[tuple[str, Iterable[str | None]]]
                   ) -> list[str]:
    """Items' texts, each with the whole messages it came from while the room's window holds
    them (an item keeps a shortened text; the bot quotes the message)."""
    out: list[str] = []
    for text, ids in texts:
        out.append(text)
        out += [m.text for i in ids if i and (m := state.message(i)) is not None]
    return out


def _decision_claim(sentence: str) -> re.Match[str] | None:
    """Where a sentence says something was decided (None: it does not)."""
    listed = _LISTED.search(sentence)
    if listed:
        return listed
    # "…what we decided" is an indirect question, unless a list of it follows.
    return next((m for m in _DECIDED.finditer(sentence)
                 if not _INDIRECT.search(sentence[:m.start()])
                 or _LIST_FOLLOWS.match(sentence[m.end():])), None)


def _decided_items(state: RoomState, moment: Moment | None) -> list[str]:
    """What a claim that something was decided may be grounded in: the room's decisions, and
    the proposal a recording moment is about to record."""
    recording = moment is not None and moment.intervention == Intervention.RECORD_DECISION
    return _with_messages(state, [(d.text, [d.proposal_id, *d.sources]) for d in state.decisions]
                          + [(p.text, [p.id]) for p in state.proposals
                             if recording and p.id == moment.ref])  # type: ignore[union-attr]


def _open_items(state: RoomState, moment: Moment | None, *, questions: bool = True,
                proposals: bool = True) -> list[str]:
    """What a claim that something is open may be grounded in: the questions nobody answered
    (and the one a surfacing moment brings back: open by the gate's own reading), the open
    proposals."""
    surfacing = moment is not None and moment.intervention == Intervention.SURFACE_QUESTION
    items = [(q.text, [q.id]) for q in state.questions
             if q.answered_by is None or (surfacing and q.id == moment.ref)] if questions else []  # type: ignore[union-attr]
    if proposals:
        items += [(p.text, [p.id]) for p in state.open_proposals()]
    return _with_messages(state, items)


def _claim_problems(sentence: str, held: list[str], state: RoomState,
                    moment: Moment | None) -> str | None:
    """The first claim of one sentence (quotes emptied; `held`: its quotes) that the room's
    record does not hold."""
    if _ASKING.match(sentence):
        return None
    if _NOTHING_DECIDED.search(sentence):
        return "says nothing was decided; the room has decisions" if state.decisions else None
    claim = _decision_claim(sentence)
    if claim is not None:
        decided = _decided_items(state, moment)
        if not decided:
            return "claims a decision the room has not made"
        if not _matches(_clause(sentence, claim.start(), claim.end()), held, decided, state):
            return "claims a decision that matches none in the room"
    for match in _PROPOSED.finditer(sentence):
        name = match.group(1) or match.group(3)
        who = _member_ids(state, name)
        if who is None:
            continue  # not a member ("The proposal…"); an unknown name is caught as one
        theirs = [p.text for p in state.proposals if p.author == who] + [
            m.text for m in state.window if m.author == who]  # their messages hold the rest
        if not _matches(_clause(sentence, match.start(), match.end()), held, theirs, state):
            return f"says {name} proposed something they did not"
    for match in _ASKED.finditer(sentence):
        name = match.group(1) or match.group(3) or match.group(4)
        who = _member_ids(state, name)
        if who is None:
            continue
        asked = [q.text for q in state.questions if q.asker == who] + [
            m.text for m in state.window if m.author == who and "?" in m.text]
        if not _matches(_clause(sentence, match.start(), match.end()), held, asked, state):
            return f"says {name} asked something they did not"
    for match in _A_PROPOSAL.finditer(sentence):
        if _INDIRECT.search(sentence[:match.start()]):
            continue
        if not _matches(_clause(sentence, match.start(), match.end()), held,
                        _with_messages(state, [(p.text, [p.id]) for p in state.proposals]),
                        state):
            return ("mentions a proposal the room does not have" if not state.proposals
                    else "mentions a proposal that matches none in the room")
    for match in _OPEN.finditer(sentence):
        clause = _clause(sentence, match.start(), match.end())
        if _NONE.search(clause) or _INDIRECT.search(sentence[:match.start()]):
            continue  # "no open questions" (counted above), "let me know what is still open"
        questions = bool(_ABOUT_QUESTIONS.search(sentence))
        proposals = bool(_ABOUT_PROPOSALS.search(sentence))
        what = "question" if questions and not proposals else (
            "proposal" if proposals and not questions else "question or proposal")
        items = _open_items(state, moment, questions=what != "proposal",
                            proposals=what != "question")
        if not items:
            return f"calls a {what} open; the room has none open"
        if not _matches(clause, held, items, state):
            return f"calls open a {what} that matches none open in the room"
    for match in _TAKEN_ON.finditer(sentence):
        if match.group(4) and not a_task(match.group(4)):
            continue  # "Rosa will want to weigh in": no task taken on
        name = match.group(1) or match.group(2) or match.group(3)
        who = _member_ids(state, name)
        clause = _clause(sentence, match.start(), match.end())
        if who is None or _NONE.search(clause):
            continue  # "(no owner yet)"
        owned = _with_messages(state, [(a.text, [a.id]) for a in state.actions if a.owner == who]
                               + [(d.text, [d.proposal_id, *d.sources]) for d in state.decisions
                                  if who in d.owners])
        if not _matches(clause, held, owned, state):
            return f"says {name} took on something the room has no record of"
    return None


def _claim_by_meaning(sentence: str, held: list[str], state: RoomState,
                      moment: Moment | None) -> str | None:
    """Outside English: the claim the fitted read finds in a sentence (reading.claim_kinds),
    grounded as the English claims are, by a quote or the sentence's content words."""
    names = {n for p in state.participants.values() for n in (p.id, p.label) if n}
    kind = claim_kind(sentence, names)
    if kind is None:
        return None
    if kind == "decided":
        items = _decided_items(state, moment)
        none, unmatched = ("claims a decision the room has not made",
                           "claims a decision that matches none in the room")
    elif kind == "open_question":
        items = _open_items(state, moment)
        none = "calls a question or proposal open; the room has none open"
        unmatched = "calls open a question or proposal that matches none open in the room"
    elif kind == "proposal":
        items = _with_messages(state, [(p.text, [p.id]) for p in state.proposals])
        none, unmatched = ("mentions a proposal the room does not have",
                           "mentions a proposal that matches none in the room")
    else:  # a task someone took on
        items = _with_messages(state, [(a.text, [a.id]) for a in state.actions]
                               + [(d.text, [d.proposal_id, *d.sources]) for d in state.decisions
                                  if d.owners])
        none = unmatched = "says a member took on something the room has no record of"
    if not items:
        return none
    return None if _matches(sentence, held, items, state) else unmatched


def _claims(text: str, state: RoomState, moment: Moment | None, lang: str = "en") -> str | None:
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
    # In English the claim is found by the sentence's structure; elsewhere by its meaning.
    problems = _claim_problems if lang == "en" else _claim_by_meaning
    for sentence, held in _quoted_sentences(text):
        problem = problems(sentence, held, state, moment)
        if problem:
            return problem
    return None


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


# ---- verdicts on members -----------------------------------------------------------------------


def _judged(words: Sequence[str], k: int) -> int:
    """The length of an evaluation of a person at words[k] beyond the request reader's own:
    a word the hostility model weighs as hostile said of someone, or one of `_JUDGED`."""
    if HostilityModel.load().said_of_people(words[k]):
        return 1
    return next((len(p) for p in _JUDGED if tuple(words[k:k + len(p)]) == p), 0)


def _judges(text: str, state: RoomState, bot_names: Iterable[str], lang: str = "en") -> bool:
    """Whether the bot's own words (quotes aside) pass a verdict on a member."""
    bare = unquoted(text)
    if _DISMISSED.search(bare):
        return True
    names = {n for p in state.participants.values() for n in (p.id, p.label) if n}
    english = lang == "en"
    for sentence in sentences(bare):
        structural = english and bool(verdict_in(sentence, names, bot_names=tuple(bot_names),
                                                 also=_judged))
        fault = english and bool(fault_in(sentence, names, bot_names=tuple(bot_names)))
        if passes_verdict(sentence, names, english=english, structural=structural, fault=fault):
            return True
    # The fitted read: hostile words it aims at a member ("calling Greg an idiot").
    aimed = {n.lower(): p.id for p in state.participants.values() for n in (p.id, p.label) if n}
    model = HostilityModel.load()
    return any(model.read(s, names=aimed).attack for s in _sentences(bare))


def check_words(text: str, state: RoomState, event: ChatEvent | None = None,
                moment: Moment | None = None, *, truncated: bool = False,
                bot_names: Iterable[str] = ("facilitator",)) -> WordsCheck:
    """What of `text` may go out, and the first way it is untrue to the room (None: none)."""
    if truncated:
        text = trim_to_sentence(text)
        if len(text) < 12:
            return WordsCheck(text, "cut at the token cap before a whole sentence")
    texts = room_texts(state, event)
    text, dropped = _drop_false_quotes(text, texts)
    if len(text) < 12:
        return WordsCheck(text, "quotes that are not in the room, and little else", dropped)
    if _GREETING.search(text):
        return WordsCheck(text, "opens with a greeting", dropped)
    if any(p.search(text) for p in _SIGNATURES):
        return WordsCheck(text, "ends with a signature", dropped)
    room_words = set(IDENTIFIER.findall(" ".join(texts).lower()))
    bot_names = tuple(bot_names)
    # The language of the bot's own words: German capitalises its nouns, and the structural
    # reads of a claim and of a verdict know English word order only.
    lang = detect_language(unquoted(text)).code
    unknown = _unknown_names(text, state, room_words, bot_names, lang)
    if unknown:
        return WordsCheck(text, f"names someone not in the room ({', '.join(unknown[:3])})",
                          dropped)
    # A verdict first: of the ways words can be untrue to a room, taking a side is the worst.
    if _judges(text, state, bot_names, lang):
        return WordsCheck(text, "passes judgement on a member", dropped)
    claim = _claims(text, state, moment, lang)
    return WordsCheck(text, claim, dropped)
