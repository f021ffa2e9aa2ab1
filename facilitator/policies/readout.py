"""The bot's read of a room in words: the same for every member who asks."""

from __future__ import annotations

from facilitator.locale import catalogue, line
from facilitator.memory.state import Proposal, RoomState, StoredMessage
from facilitator.memory.trackers.proposals import REACH
from facilitator.policies.signals import Signals, compute_signals
from facilitator.reading.clauses import key_phrases, phrase_problem, quotable, sentences
from facilitator.reading.decision_talk import Talk, read_talk
from facilitator.reading.intent import normalise
from facilitator.reading.language import detect_language
from facilitator.reading.message import plain_yes, plainly_english, says_name, undecided
from facilitator.reading.stance import reply_stance

# The English lines, read once: an English readout formats them here, with no call into the
# catalogue on the way (tests/slack/test_slack_walk.py counts the modules a message passes).
_ENGLISH_LINES = catalogue("en")


def _say(key: str, lang: str, **fields: str) -> str:
    """The catalogue's line `key` in `lang`, its fields filled."""
    if lang == "en":
        return _ENGLISH_LINES[key].format(**fields)
    return line(key, lang, **fields)


def _labelled(label: str, text: str, lang: str) -> str:
    """"Open: …", as `lang` writes a label before its text ("Ouvert : …" in French)."""
    return _say("labelled", lang, label=_say(label, lang), text=text)


def names(state: RoomState, ids: list[str], limit: int = 4, *, and_word: str | None = None,
          lang: str = "en", words: dict[str, str] | None = None) -> str:
    """Members' names as a list a sentence can hold, joined in `lang` (or by `and_word`); a
    member in `words` is followed by those words of theirs, quoted."""
    and_word = and_word or _say("and", lang)
    words = words or {}
    labels = [f'{state.name_of(i)} ("{words[i]}")' if words.get(i) else state.name_of(i)
              for i in ids[:limit]]
    if len(ids) > limit:
        labels.append(_say("more", lang, n=str(len(ids) - limit)))
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + f" {and_word} " + labels[-1]


def topic_phrases(state: RoomState, n: int = 2, last: int = 10,
                  author: str | None = None) -> list[str]:
    """Key phrases of recent human messages (of one member's, when `author` is given)."""
    texts = [m.text for m in state.window[-last:]
             if not m.is_bot and (author is None or m.author == author)]
    exclude = {*state.participants, *(p.label for p in state.participants.values()),
               *(m.author for m in state.window if m.is_bot), "facilitator"}
    return key_phrases(texts, exclude=exclude, n=n)


def topic_phrase(state: RoomState) -> str:
    """What the room is talking about right now, in its own words; "" when unclear. The
    room's goal stands in when it can be said as a topic."""
    phrases = topic_phrases(state, n=1)
    if phrases:
        return phrases[0]
    goal = state.charter.goal
    return goal if goal and phrase_problem(goal) is None else ""


QUOTE_LIMIT = 120  # characters of a member's clause quoted in a readout
MOVE_QUOTE_LIMIT = 200  # in a move's message (and so in the checks whether it can be said)


def _quote_language(text: str) -> str:
    """The language whose hesitations a quote drops: "um" is one in English and a word ("a")
    in Portuguese, so a member's Portuguese is quoted as written."""
    if plainly_english(text):
        return "en"
    code = detect_language(text).code
    return code if code in ("es", "fr", "de", "pt") else "en"


def said(state: RoomState, text: str, source_id: str | None = None, *,
         want: str = "any", limit: int = QUOTE_LIMIT) -> str:
    """A member's clause as the bot quotes it: whole, cleaned of hesitations (of the
    message's language), from the full message while the room still holds it; "" when no
    clause of it can be quoted well."""
    full = next((m.text for m in state.window if m.id == source_id), None) if source_id else None
    source = full or text
    return quotable(source, want=want, limit=limit, lang=_quote_language(source))


def open_items_text(state: RoomState, limit: int = 2, *, lang: str = "en") -> str:
    """The open questions and proposals; every word but names and quotes in `lang`."""
    items = []
    for q in state.open_questions()[-limit:]:
        clause = said(state, q.text, q.id, want="question")
        asker = state.name_of(q.asker)
        items.append(_say("open.asked", lang, name=asker, clause=clause) if clause
                     else _say("open.asked_open", lang, name=asker))
    for p in state.open_proposals()[-limit:]:
        clause = said(state, p.text, p.id, want="proposal")
        author = state.name_of(p.author)
        items.append((_say("open.proposed", lang, name=author, clause=clause) if clause
                      else _say("open.proposed_open", lang, name=author))
                     + (_say("open.objecting", lang, names=names(state, p.objectors, lang=lang))
                        if p.objectors else ""))
    return "; ".join(items) + "." if items else _say("nothing_open", lang)


def decisions_text(state: RoomState, limit: int = 3, *, lang: str = "en") -> str:
    """The group's recorded decisions; every word but names and quotes in `lang`."""
    if not state.decisions:
        return _say("nothing_decided", lang)
    parts = []
    for d in state.decisions[-limit:]:
        owners = (_say("decision.owner", lang, names=names(state, d.owners, lang=lang))
                  if d.owners else _say("decision.no_owner", lang))
        agreed = (_say("decision.agreed_by", lang, names=names(state, d.supporters, lang=lang))
                  if d.supporters else "")
        against = (_say("decision.objecting", lang, names=names(state, d.objectors, lang=lang))
                   if d.objectors else "")
        clause = said(state, d.text, d.proposal_id, want="proposal")
        what = f"\"{clause}\"" if clause else (
            _say("decision.of", lang, author=state.name_of(d.author)) if d.author
            else _say("decision.anon", lang))
        parts.append(f"{what}{owners}{agreed}{against}")
    return "; ".join(parts) + "."


# A proposal nobody was read to answer is told only while it is this recent (human messages):
# older, it is the open items' business, not an answer to "what did we decide".
PENDING_HORIZON = 20


def _answered(proposal: Proposal) -> bool:
    """Someone besides its author was read to say yes, or anyone to object."""
    return bool(proposal.backers or proposal.objectors)


def _replies_in_reach(state: RoomState, proposal: Proposal) -> list[StoredMessage]:
    """Members' lines within the proposal's reach that no read placed as a yes, a no or an
    unclear reply, the author's own left out; not a line the bot answered (a request to it,
    not a reply), nor the latest line (the request being answered)."""
    placed = {proposal.author, *proposal.supporters, *proposal.objectors, *proposal.unclear}
    answered = state.answered()
    return [m for m in state.recent_human(len(state.window))[:-1]
            if proposal.turn < m.turn <= proposal.turn + REACH and m.author not in placed
            and m.id not in answered]


def _unread(state: RoomState, proposal: Proposal) -> list[str]:
    """Members who wrote within a proposal's reach but whose line no read took for a yes, a
    no or an unclear reply ("hmm, the budget may not stretch"): the vote read misses
    doubts in words its cues do not know, so such a member is told as one whose reply the bot
    cannot place, never passed over beside "I read no objection" — a doubt put as a question
    or as a counter-proposal too."""
    return list(dict.fromkeys(m.author for m in _replies_in_reach(state, proposal)))


def leaning_no(state: RoomState, proposal: Proposal) -> list[str]:
    """Of the members whose reply in the proposal's reach no read placed (`_unread`), those
    whose line the decision-talk read, by meaning and above its own bar, takes for an
    objection or a question ("eh, where would it even go?"): a read the tracker skips on the
    silent path for lines no cue calls a vote. Made when a member asks to note the proposal,
    so one doubt the cues cannot read does not let it be recorded."""
    replies = _replies_in_reach(state, proposal)
    return [member for member in dict.fromkeys(m.author for m in replies)
            if any(read_talk(normalise(m.text)).kind in (Talk.OBJECTION, Talk.QUESTION)
                   for m in replies if m.author == member)]


# A reply the bot cannot place is quoted beside the name when it is this short: the late joiner
# reads the words the bot could not (a plain "love that idea" the vote read missed). The quotes
# are left out where they would make what the talk shows longer than QUOTED_TALK_MAX characters
# (the answer must fit one message; the guard silences a longer one).
REPLY_QUOTE_LIMIT = 80
QUOTED_TALK_MAX = 450


def _latest_replies(state: RoomState, proposal: Proposal,
                    members: list[str]) -> dict[str, StoredMessage]:
    """Each member's latest line since the proposal, the request being answered left out;
    members with none are left out."""
    lines = state.recent_human(len(state.window))[:-1]
    out: dict[str, StoredMessage] = {}
    for member in members:
        line = next((m for m in reversed(lines)
                     if m.author == member and m.turn > proposal.turn), None)
        if line is not None:
            out[member] = line
    return out


def their_words(state: RoomState, proposal: Proposal, members: list[str]) -> dict[str, str]:
    """Each member's latest line since the proposal (the request being answered left out), as
    the bot may quote it: every sentence of it where each is whole and together they are short
    ("o sábado? nem pensar, …", not only "o sábado?"), else its first whole clause; members with
    no such line, or none quotable, are left out."""
    out: dict[str, str] = {}
    for member, reply in _latest_replies(state, proposal, members).items():
        lang = _quote_language(reply.text)
        parts = [quotable(s, limit=REPLY_QUOTE_LIMIT, lang=lang) for s in sentences(reply.text)]
        whole = " ".join(parts)
        clause = (whole if parts and all(parts) and len(whole) <= REPLY_QUOTE_LIMIT
                  else said(state, reply.text, reply.id, limit=REPLY_QUOTE_LIMIT))
        if clause:
            out[member] = clause
    return out


def second_look(state: RoomState, proposal: Proposal, members: list[str]) -> dict[str, int]:
    """Of the members whose reply the record's strict read left unplaced, those whose latest
    line since the proposal the reply-stance reader (reading/stance.py) places, for the
    telling only: +1 a yes, -1 a no. A line that asks, or opens by not knowing, stays
    unclear, as the record reads it; so does one that names a member besides the proposer
    ("makes sense what Tom said"): its yes is to that member's stance, which the reader does
    not see. Paid only when a member asks what was decided."""
    return {member: stance for member, (_, stance) in _placed(state, proposal, members).items()}


def _placed(state: RoomState, proposal: Proposal,
            members: list[str]) -> dict[str, tuple[StoredMessage, int]]:
    """`second_look`'s read, with the reply each stance was read in."""
    others = [p.label for who, p in state.participants.items() if who != proposal.author]
    out: dict[str, tuple[StoredMessage, int]] = {}
    for member, reply in _latest_replies(state, proposal, members).items():
        lowered = reply.text.lower()
        if ("?" in reply.text or undecided(reply.text)
                or any(says_name(lowered, label) for label in others)):
            continue
        if stance := reply_stance(reply.text):
            out[member] = (reply, stance)
    return out


def read_as_yes(state: RoomState, proposal: Proposal) -> list[str]:
    """Members whose reply no strict read placed but the second look reads as a yes. Asked to
    note a proposal that lacks support on the record, the bot says it reads their yes and asks
    for a plain one: it had answered "nobody has agreed" right after telling a late joiner
    that they said yes. Not a reply the decision-talk read hears as listening ("Ajá."): to ask
    a member to confirm a yes they never gave would put words in their mouth."""
    return [m for m, (reply, stance) in _placed(state, proposal, _unread(state, proposal)).items()
            if stance > 0 and (plain_yes(reply.text)
                               or read_talk(normalise(reply.text)).kind != Talk.BACKCHANNEL)]


def proposals_in_talk(state: RoomState, limit: int = 2, *, lang: str = "en") -> str:
    """What the talk shows about open proposals, though nobody asked to note them as decided:
    who proposed, who supported, who objected — said plainly as the talk, never as the
    group's decision (recording one takes a member asking; the record stays as it is). A late
    joiner asking what was decided hears of a proposal only objected to, too, and, where none
    was answered, of a recent one the bot read no clear yes or no to (its vote read misses
    some), rather than only "nothing decided". Replies it cannot place are quoted where the
    whole stays within QUOTED_TALK_MAX characters."""
    quoted = _talk(state, limit, lang, quote=True)
    return quoted if len(quoted) <= QUOTED_TALK_MAX else _talk(state, limit, lang, quote=False)


def _talk(state: RoomState, limit: int, lang: str, *, quote: bool) -> str:
    proposals = state.open_proposals()
    answered = [p for p in proposals if _answered(p)]
    # Where the talk shows none answered, the latest recent ones nobody was read to answer:
    # beside an answered one, a "proposal" read in a reply is mostly that reply's reason.
    told = answered[-limit:] or [p for p in proposals if not _answered(p)
                                 and state.human_messages - p.turn <= PENDING_HORIZON][-limit:]
    out = []
    for p in told:
        clause = said(state, p.text, p.id, want="proposal")
        unclear = [*p.unclear, *_unread(state, p)]
        placed = second_look(state, p, unclear)
        unclear = [m for m in unclear if m not in placed]
        backers = [*p.backers, *(m for m, s in placed.items() if s > 0)]
        objectors = [*p.objectors, *(m for m, s in placed.items() if s < 0)]
        fields = {"author": state.name_of(p.author), "proposal": clause,
                  "supporters": names(state, backers, lang=lang),
                  "objectors": names(state, objectors, lang=lang),
                  "members": names(state, unclear, lang=lang,
                                   words=their_words(state, p, unclear) if quote else None)}
        key = ("talk.contested" if objectors and fields["supporters"]
               else ("talk.objected_unclear" if unclear else "talk.objected") if objectors
               else ("talk.unclear" if unclear else "talk.agreed") if fields["supporters"]
               else "talk.doubted" if unclear else "talk.pending")
        out.append(_say(key if clause else f"{key}_open", lang, **fields))
        if unclear and key == "talk.contested":
            # Beside a yes and a no, a reply the bot cannot place is still told: leaving it out
            # gave the late joiner one member fewer than answered.
            out.append(_say("talk.also_unclear", lang, members=fields["members"]))
    return " ".join(out)


def decisions_answer(state: RoomState, *, lang: str = "en") -> str:
    """The answer to "what did we decide?": the recorded decisions, then what the talk shows
    about open proposals (not recorded)."""
    talk = proposals_in_talk(state, lang=lang)
    return decisions_text(state, lang=lang) + (f" {talk}" if talk else "")


def heat_word(tension: float, lang: str = "en") -> str:
    mood = ("heated" if tension >= 0.6 else "tense" if tension >= 0.35
            else "lively" if tension >= 0.15 else "calm")
    return _say(f"mood.{mood}", lang)


def evenness_words(signals: Signals, lang: str = "en") -> str:
    """How the talk is shared, for the room as a whole: never a figure about one member."""
    if signals.humans < 2:
        return ""
    if signals.participation_gini < 0.25:
        return _say("voices.even", lang)
    if signals.participation_gini < 0.45:
        return _say("voices.few", lang)
    return _say("voices.most", lang)


def quiet_words(state: RoomState, signals: Signals, lang: str = "en") -> str:
    if not signals.quiet:
        return ""
    return _say("voices.quiet", lang, names=names(state, signals.quiet, lang=lang))


def balance_text(state: RoomState, signals: Signals, lang: str = "en") -> str:
    if not signals.humans:
        return _say("voices.nobody", lang)
    if signals.humans == 1:
        text = _say("voices.one", lang)
    else:
        text = _say("voices.many", lang, n=str(signals.humans),
                    evenness=evenness_words(signals, lang))
    if signals.quiet:
        text += f"; {quiet_words(state, signals, lang)}"
    return text


def settings_text(state: RoomState, lang: str = "en") -> str:
    charter = state.charter
    parts = [_say("settings.set_to", lang, activity=charter.activity.value),
             _say("settings.goal", lang, goal=charter.goal) if charter.goal
             else _say("settings.no_goal", lang),
             _say("settings.digests_off", lang) if charter.digest == "off"
             else _say("settings.digest", lang, digest=charter.digest)]
    if charter.paused:
        parts.append(_say("settings.paused", lang))
    if charter.locked:
        parts.append(_say("settings.locked", lang))
    return "; ".join(parts)


def messages_phrase(n: int, lang: str = "en") -> str:
    return _say("summary.messages_one", lang) if n == 1 else _say("summary.messages", lang, n=str(n))


def summary_text(state: RoomState, signals: Signals | None = None, lang: str = "en") -> str:
    """Where the conversation stands; every word but names, quotes and the topic in `lang`."""
    signals = signals or compute_signals(state)
    # The key-phrase finder was tuned on English talk: in another language it cuts fragments
    # ("Kreide mit"), so the topic is said only in English.
    topic = topic_phrase(state) if lang == "en" else ""
    on = _say("summary.on", lang, topic=topic) if topic else ""
    parts = [_say("summary.so_far", lang, messages=messages_phrase(state.human_messages, lang),
                  on=on, balance=balance_text(state, signals, lang))]
    if state.decisions:
        parts.append(_say("summary.decided", lang, list=decisions_text(state, lang=lang)))
    parts.append(_labelled("status.open", open_items_text(state, lang=lang), lang))
    if signals.tension >= 0.35:
        parts.append(_say("summary.mood", lang, mood=heat_word(signals.tension, lang)))
    return " ".join(parts)


def status_text(state: RoomState, *, page: bool = False, llm: str | None = None,
                signals: Signals | None = None, lang: str = "en") -> str:
    """The bot's read of the room, posted so every member sees the same. Plain words only.

    `page`: the room page is served, so say how to get a link to it. `llm`: the model's
    status line (working, or switched off by its circuit breaker). `signals`: the room's,
    when the caller has them already (computed from the state alone). `lang`: every word but
    names and quotes in that language (the page and model lines are said in English)."""
    signals = signals or compute_signals(state)
    lines = [_labelled("status.voices", f"{balance_text(state, signals, lang)}.", lang),
             _labelled("status.mood", f"{heat_word(signals.tension, lang)}.", lang),
             _labelled("status.open", open_items_text(state, lang=lang), lang),
             _labelled("status.decisions", decisions_text(state, lang=lang), lang),
             _labelled("status.settings", f"{settings_text(state, lang)}.", lang)]
    if page:
        lines.append("The room's page: `/facilitator page` sends you a private link.")
    if llm:
        lines.append(llm)
    return "\n".join(lines)


def count_phrase(n: int, one: str, many: str) -> str:
    return f"no {many}" if n == 0 else (f"1 {one}" if n == 1 else f"{n} {many}")


def read_in_words(state: RoomState) -> str:
    """One or two lines for a list of rooms (App Home): voices, mood, what is open."""
    signals = compute_signals(state)
    open_q = len(state.open_questions())
    open_p = len(state.open_proposals())
    paused = " I'm paused here." if state.charter.paused else ""
    balance = balance_text(state, signals)
    return (f"{balance[:1].upper()}{balance[1:]}. "
            f"The mood is {heat_word(signals.tension)}; "
            f"{count_phrase(open_q, 'open question', 'open questions')}, "
            f"{count_phrase(open_p, 'open proposal', 'open proposals')}, "
            f"{count_phrase(len(state.decisions), 'decision', 'decisions')}.{paused}")
