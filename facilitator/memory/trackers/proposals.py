"""Proposals, the group's decisions and the action items members take on.

A decision is a faithful account of agreement: a proposal becomes one only with support from
members other than its author and with no objection standing. A question is not a vote
("have we decided this already?"); one member saying "we have decided" or "we all agree" is a
claim, kept as a proposal for the others to take up, never a decision on its own.

What a line does to a proposal is read by meaning (reading/decision_talk.py: proposal,
agreement, objection, withdrawal, question, backchannel), in any language the reader reads,
where a cheap first pass says it may matter: a short line near an open proposal (a vote, a
question, a "yeah"), or a line in another language than English that may propose. Elsewhere,
and where the fitted read abstains, the English cues of reading/cues.py decide, as before.
"""

from __future__ import annotations

from functools import lru_cache

from facilitator.events import ChatEvent
from facilitator.memory.state import (
    CAP_ACTIONS,
    CAP_DECISIONS,
    CAP_PROPOSALS,
    ActionItem,
    GroupDecision,
    Proposal,
    RoomState,
)
from facilitator.memory.trackers.common import quote, trim_closed_first
from facilitator.reading.cues import TAKE_BACK
from facilitator.reading.decision_talk import Talk, TalkRead, opening_stance, read_talk
from facilitator.reading.intent import agrees_with, normalise
from facilitator.reading.language import detect_language
from facilitator.reading.message import (
    MessageRead,
    on_a_condition,
    plain_yes,
    points_back,
    proposes_as_a_question,
    says_firm_no,
    stance_opener,
    turns,
    undecided,
    whole_stance,
)

REACH = 4  # messages after a proposal in which a bare "agreed" is about it
VOTE_WORDS = 25  # a vote, a question or a "yeah" is a short line; longer is discussion
# A line that may propose, read by meaning when the English cues cannot read it: long enough
# to put something, short enough to be one proposal.
PROPOSAL_WORDS = (4, 60)
# Setting aside a vote the English cues read ("I'm in.") as listening or a question takes this
# much: out of fold (scripts/train_decision_talk.py's folds), the lowest bar at which no real
# vote was set aside (2 were at the read's own threshold, 0.5; 90 of 101 true ones kept).
VETO_AT = 0.6
# The fitted read's kinds that settle whether a line votes; on the others (other, proposal)
# the English cues keep their say.
_SETTLES = frozenset({Talk.AGREEMENT, Talk.OBJECTION, Talk.WITHDRAWAL, Talk.QUESTION,
                      Talk.BACKCHANNEL})


def _target(state: RoomState, open_props: list[Proposal], read: MessageRead,
            author: str) -> Proposal | None:
    """The open proposal a line may be about: the one it replies to, else the latest one
    within REACH messages, else one on which the author's reply was left unclear (their
    later yes or no is the answer the proposal waits for)."""
    if not open_props:
        return None
    if read.reply is not None:
        replied = next((p for p in open_props if p.id == read.reply.id), None)
        if replied is not None:
            return replied
    latest = open_props[-1]
    if state.human_messages - latest.turn <= REACH:
        return latest
    return next((p for p in reversed(open_props) if author in p.unclear), None)


def _talk(event: ChatEvent, read: MessageRead, target: Proposal | None) -> TalkRead | None:
    """The fitted read of the line, where the cheap first pass says it may matter; else
    None. The embedding costs milliseconds: a short line near an open proposal is read when
    the English cues call it a vote (is it one, or a "yeah"?), when its author has a vote to
    take back (an objector, a supporter), or when it is not English (the cues cannot read
    it); and a non-English line that may propose."""
    if read.to_bot:
        # A line to the bot is a request ("note that as decided"), read by the request
        # reader; its English cues still count ("we decided, record it"), as before.
        return None
    words = read.text.words
    if target is not None and words <= VOTE_WORDS:
        author = event.author.id
        text = read.text
        # Not the proposer's every line: they keep arguing for it, and each line would pay
        # for an embedding on the silent path (tests/slack/test_slack_walk.py) — only one
        # with a word of taking back ("drop", "never mind", "withdraw").
        if (text.agree or text.disagree or text.decision
                or author in target.objectors or author in target.supporters
                or author in target.unclear
                or (author == target.author and TAKE_BACK.search(event.text))
                or _not_english(event, read)):
            return read_talk(normalise(event.text))
        return None
    low, high = PROPOSAL_WORDS
    if read.text.proposal or not low <= words <= high:
        return None
    if not _not_english(event, read):
        return None
    return read_talk(normalise(event.text))


def _joint_question(event: ChatEvent, read: MessageRead) -> bool:
    """A question in another language than English about what "we" do ("¿Subimos la cuota?",
    "On garde le même traiteur ?"): a proposal put to the group, which the fitted read, hearing
    its question, took for one. Only a question pays for the language read."""
    return read.text.question and (lang := _language(event, read)) is not None and (
        proposes_as_a_question(event.text, lang))


def _language(event: ChatEvent, read: MessageRead) -> str | None:
    """The line's language where it is not plainly English, else None."""
    if read.text.plainly_english:
        return None
    code = _language_of(event.text)
    return None if code == "en" else code


@lru_cache(maxsize=256)
def _language_of(text: str) -> str:
    """The detector's code for a line: the fitted read's first pass and the proposal put as a
    question may both ask it of the same line."""
    return detect_language(text).code


def _not_english(event: ChatEvent, read: MessageRead) -> bool:
    return _language(event, read) is not None


def on_message(state: RoomState, event: ChatEvent, read: MessageRead) -> None:
    text = read.text
    author = event.author.id
    open_props = state.open_proposals()
    target = _target(state, open_props, read, author)
    fitted = _talk(event, read, target)
    talk = fitted.kind if fitted is not None else None
    cue_vote = text.agree or text.disagree or text.decision
    if (fitted is not None and cue_vote and talk in (Talk.BACKCHANNEL, Talk.QUESTION)
            and fitted.confidence < VETO_AT):
        talk = None  # not sure enough to set a vote aside: the English cues keep their say
    agree, disagree = text.agree, text.disagree
    # The two reads at odds over which way a reply votes ("fair, ropes aren't cheap, I'm in":
    # the English cue hears the yes, the fitted read an objection at 0.97): neither is
    # recorded; unless its opening says where the member stands (below), the reply is unclear
    # until the member says yes or no plainly. A yes a "but" turns ("Good idea in theory, but
    # nobody has the time") is no yes: there the fitted read's objection stands.
    at_odds = (talk == Talk.AGREEMENT and disagree and not agree) or (
        talk == Talk.OBJECTION and agree and not disagree and not turns(event.text))
    if at_odds:
        talk, agree, disagree = None, False, False
    if talk in _SETTLES:
        # By meaning: "Einverstanden." agrees, "Yeah." only listens, "who would cover it
        # then?" asks — whatever English words they share with a vote.
        agree, disagree = talk == Talk.AGREEMENT, talk == Talk.OBJECTION
    if (talk == Talk.BACKCHANNEL and target is not None and target.author != author
            and not read.to_bot and target.text.rstrip().endswith("?") and plain_yes(event.text)):
        # "Shall we move it to Friday?" — "yes.": the answer to a yes-or-no question put to
        # the group is a vote; after a statement a bare yes is as often listening (a judge
        # found such a yes left out of a note harmful).
        talk, agree, disagree = Talk.AGREEMENT, True, False
    # "Weiß nicht, die App hängt ständig": opened by not knowing, the reply says neither yes
    # nor no, whatever its reason leans to (a judge found it told as an objection harmful).
    unsure = target is not None and not read.to_bot and undecided(event.text)
    if unsure:
        talk, agree, disagree = None, False, False
    opener = (stance_opener(event.text) if target is not None and not read.to_bot
              and not unsure else 0)
    if not opener and not unsure and target is not None and fitted is not None:
        # Where no yes or no word opens it, the opening read by meaning ("Makes sense to me,",
        # "Acho bem,"), on a line the fitted read already reads.
        opener = opening_stance(normalise(event.text))
    if opener and (talk not in (Talk.QUESTION, Talk.BACKCHANNEL) or (
            talk == Talk.BACKCHANNEL and whole_stance(event.text))) and not (
            talk == Talk.WITHDRAWAL and _has_to_take_back(target, author)):
        # A reply that opens with its yes or no and gives a reason ("Sí, el martes me va bien.",
        # "Sou contra, não há verba."), in any of the five languages, stands where it opens,
        # whatever the fitted read made of the reason — never a listening noise or a question.
        agree, disagree = opener > 0, opener < 0
        # Nor a proposal of its own: a no with its reason ("Bin dagegen, das wird zu teuer"),
        # read as a proposal by the reason, had been kept as the objector's own proposal and
        # quoted back as the one the group was asked to note.
        # And a whole line of emphatic yes or of no ("Ja, unbedingt!", "ah non") is no
        # listening noise, whatever the fitted read heard in it.
        if talk in (Talk.AGREEMENT, Talk.OBJECTION, Talk.WITHDRAWAL, Talk.PROPOSAL,
                    Talk.BACKCHANNEL):
            talk = Talk.AGREEMENT if agree else Talk.OBJECTION
    # "Yes, let's do it" under another member's open proposal: its "let's" points back at that
    # proposal — a yes to it, not a proposal of its own (it had been kept as the replier's
    # proposal, the next yes counted for it, and a late joiner told the replier proposed).
    endorses = (target is not None and target.author != author and not read.to_bot
                and not unsure and not disagree and not text.question
                and talk not in (Talk.OBJECTION, Talk.QUESTION, Talk.WITHDRAWAL)
                and text.proposal and points_back(event.text))
    if endorses:
        agree, talk = True, Talk.AGREEMENT if talk is not None else None
    if agree and target is not None and not read.to_bot and _with_an_objector(state, target, event):
        # "Agree with Dan 100%" after Dan objected: a no to the proposal, whatever the word of
        # agreeing (it had been counted as a yes, and told so to a late joiner).
        agree, disagree = False, True
    # A question about agreement asks; it neither votes nor decides. Nor does backchannel.
    votes = not text.question and talk not in (Talk.QUESTION, Talk.BACKCHANNEL)
    # A proposer speaking against their own proposal takes it back.
    takes_back = talk == Talk.WITHDRAWAL or (
        talk == Talk.OBJECTION and target is not None and target.author == author)
    # "topo se a gente dividir a gasolina", "lo apoyo si es solo los sábados", "I'm in as long
    # as it's summer": a yes on a condition, which the fitted read takes for an objection (0.9)
    # and the English cues for a yes — told as "against" or as a yes, judged harmful. Neither:
    # unclear until the member says which, plainly. A no with a condition stays a no; a line
    # that casts no vote ("if anyone needs a lift, ping me") is no conditional yes.
    conditional = (target is not None and not read.to_bot and opener >= 0 and not text.disagree
                   and (agree or talk in (Talk.AGREEMENT, Talk.OBJECTION))
                   and on_a_condition(event.text))
    if conditional:
        talk, agree, disagree = None, False, False
    # A reply that may be a no: "Yo a las 10 no llego", which the read cannot settle but leans
    # to an objection; or one it cannot place that leans to a question, in words no English
    # cue reads as a vote ("je sais pas, pourquoi changer maintenant ?") — no yes either. A
    # plain question ("does anyone know where the key is?") is not read this way: a room asks
    # questions beside a proposal all the time.
    may_object = (at_odds and not opener) or (fitted is not None and talk is None and not opener
                             and not (agree or disagree or text.decision)
                             and (fitted.best == Talk.OBJECTION
                                  or (not cue_vote and fitted.best == Talk.QUESTION)))
    # A no put as a question ("No me convence, ¿lo hablamos el lunes?"): a question casts no
    # vote, but it is no yes.
    no_as_question = text.question and (disagree or opener < 0)
    if (text.question and target is not None and target.author != author and not read.to_bot
            and not unsure and says_firm_no(event.text)):
        # "dez horas de carro? não rola, ninguém aguenta": a firm no in a sentence of its own
        # after a question asked in disbelief is a no (told as unclear, judged harmful).
        talk, agree, disagree, votes = Talk.OBJECTION, False, True, True
        may_object = no_as_question = False
    if target is not None and takes_back:
        withdraw(target, author)
    elif (target is not None and (may_object or no_as_question or unsure or conditional)
          and not _has_to_take_back(target, author) and author not in target.unclear):
        # Not a vote either way; it only keeps the proposal from counting as agreed until a
        # plain yes or no.
        target.unclear.append(author)
    elif target is not None and votes and (agree or disagree or text.decision):
        if target.author != author:
            vote(target, author, +1 if agree or (text.decision and not disagree) else -1)
        if text.decision and agreed(target):
            decide(state, target, recorded_by=author, ts=event.ts)
    # A question put to the bot ("@facilitator how could we decide this fairly?") asks it
    # something; it proposes nothing to the room.
    asks_the_bot = read.to_bot and text.question
    if ((text.proposal and not takes_back and not asks_the_bot and not endorses)
            or talk == Talk.PROPOSAL
            or (votes and text.decision and not open_props)
            or (target is None and not read.to_bot and _joint_question(event, read))):
        # "We have decided X" with nothing proposed is one member's claim: a proposal the
        # others can agree to, not the group's decision.
        state.proposals.append(Proposal(id=event.id, author=author, text=quote(event.text),
                                        ts=event.ts, turn=state.human_messages))
        trim_closed_first(state.proposals, CAP_PROPOSALS, lambda p: p.status == "open")
    if text.commitment:
        recent = state.decisions[-3:]
        state.actions.append(ActionItem(id=event.id, owner=author, text=quote(text.commitment),
                                        ts=event.ts, decisions=[d.id for d in recent]))
        del state.actions[:-CAP_ACTIONS]
        for decision in recent:
            if author not in decision.owners:
                decision.owners.append(author)


def _with_an_objector(state: RoomState, proposal: Proposal, event: ChatEvent) -> bool:
    """The line names, to agree with, only members who objected to the proposal ("same as
    Dan", "concordo com o Dan", `intent.agrees_with`)."""
    objectors = [m for m in proposal.objectors if m != event.author.id]
    if not objectors:
        return False
    member_of = {name: m for m in state.participants if m != event.author.id
                 for name in (m, state.name_of(m))}
    named = {member_of[name] for name in agrees_with(event.text, member_of)}
    return bool(named) and named <= set(objectors)


def _has_to_take_back(proposal: Proposal | None, member: str) -> bool:
    """The member has something on the proposal to take back: it is theirs, or they voted."""
    return proposal is not None and (proposal.author == member or member in proposal.supporters
                                     or member in proposal.objectors)


def vote(proposal: Proposal, member: str, polarity: int) -> None:
    if member in proposal.unclear:
        proposal.unclear.remove(member)  # a plain yes or no settles what was unclear
    if polarity > 0:
        if member not in proposal.supporters:
            proposal.supporters.append(member)
        if member in proposal.objectors:
            proposal.objectors.remove(member)
    elif polarity < 0:
        if member not in proposal.objectors:
            proposal.objectors.append(member)
        if member in proposal.supporters:
            proposal.supporters.remove(member)


def withdraw(proposal: Proposal, member: str) -> None:
    """A member takes back what they said: their objection or support goes; the author's
    withdrawal drops the proposal itself."""
    if member == proposal.author:
        proposal.status = "dropped"
        return
    for group in (proposal.objectors, proposal.supporters, proposal.unclear):
        if member in group:
            group.remove(member)


def agreed(proposal: Proposal) -> bool:
    """Support from someone other than its author, no objection standing, and no reply that
    may be one."""
    return not proposal.objectors and not proposal.unclear and bool(proposal.backers)


def decide(state: RoomState, proposal: Proposal, *, recorded_by: str, ts: float) -> GroupDecision:
    proposal.status = "decided"
    # The decision quotes the proposal: its author and message stay on it, so a delete or a
    # forget finds it after the proposal has left the window and the proposal list.
    decision = GroupDecision(id=proposal.id, text=proposal.text, ts=ts, proposal_id=proposal.id,
                             recorded_by=recorded_by, author=proposal.author,
                             sources=[proposal.id], supporters=list(proposal.supporters),
                             objectors=list(proposal.objectors))
    state.decisions.append(decision)
    del state.decisions[:-CAP_DECISIONS]
    return decision


def record_decision(state: RoomState, proposal_id: str, ts: float) -> GroupDecision | None:
    """The bot records a supported proposal as the group's decision."""
    proposal = next((p for p in state.proposals if p.id == proposal_id and p.status == "open"),
                    None)
    if proposal is None or not agreed(proposal):
        return None
    return decide(state, proposal, recorded_by="facilitator", ts=ts)


def forget(state: RoomState, member_id: str) -> None:
    """Their votes, ownerships and action items go; the group's decisions stay."""
    for p in state.proposals:
        for group in (p.supporters, p.objectors, p.unclear):
            if member_id in group:
                group.remove(member_id)
    for d in state.decisions:
        for group in (d.owners, d.supporters, d.objectors):
            if member_id in group:
                group.remove(member_id)
        if d.recorded_by == member_id:
            d.recorded_by = "someone"
    state.actions = [a for a in state.actions if a.owner != member_id]
