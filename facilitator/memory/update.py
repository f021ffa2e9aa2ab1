"""Apply one event to a room's state: bounded work, no rescans of history.

Pure functions on the pydantic state: the store loads, these mutate, the store saves.
Problems with an event (a reaction to an unknown message, an edit of a deleted one) are
returned as notes for the log; they never raise and never touch anything else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from facilitator.cues import ANSWER_OPENING, MessageCues, emoji_polarity, read_cues
from facilitator.events import ChatEvent, EventKind
from facilitator.memory.bridging import refresh_bridging
from facilitator.memory.state import (
    CAP_ACTIONS,
    CAP_BOT_LOG,
    CAP_DECISIONS,
    CAP_GOAL_TERMS,
    CAP_PARTICIPANTS,
    CAP_PROPOSALS,
    CAP_QUESTIONS,
    CAP_QUOTE,
    CAP_RELATIONS,
    CAP_TERMS,
    CAP_WINDOW,
    CAP_WINDOW_TEXT,
    ActionItem,
    BotTurn,
    Decision,
    Participant,
    Proposal,
    Question,
    Relation,
    RoomState,
    StoredMessage,
    TermUse,
)
from facilitator.vocabulary import find_terms

T = TypeVar("T")
_MENTION = re.compile(r"@([\w.\-]+)")
# Heat is a running mean of how hostile messages are: a decayed average, so one sharp line
# does not read as a fight but a run of them does. Calibrated on the WikiTactics disputes.
HEAT_DECAY = 0.7
# A bot turn counts as ignored when this many human messages pass without a response.
IGNORED_AFTER = 3


def quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CAP_QUOTE else text[: CAP_QUOTE - 1] + "…"


def pair_key(a: str, b: str) -> str:
    return f"{a}|{b}" if a < b else f"{b}|{a}"


def mentioned_ids(state: RoomState, event: ChatEvent) -> list[str]:
    """Members mentioned by id or display name: from the adapter, @name, or a recent
    speaker's name used in address ("Martha, does it clash?")."""
    raw = list(event.mentions) + _MENTION.findall(event.text)
    for msg in state.window[-10:]:
        person = state.participants.get(msg.author)
        if person and person.name and len(person.name) > 2 and person.name in event.text and (
                person.name not in raw
                and re.search(rf"\b{re.escape(person.name)}\b", event.text)):
            raw.append(person.name)
    if not raw:
        return []
    by_name = {p.label.lower(): p.id for p in state.participants.values()}
    found: list[str] = []
    for token in raw:
        pid = token if token in state.participants else by_name.get(token.lower())
        if pid and pid != event.author.id and pid not in found:
            found.append(pid)
    return found


def apply_event(state: RoomState, event: ChatEvent, *, bot_id: str) -> list[str]:
    """Update `state` in place with `event`. Returns notes worth logging."""
    state.events += 1
    if not state.created_ts:
        state.created_ts = event.ts
    notes: list[str] = []
    if event.ts < state.last_ts:
        notes.append(f"out-of-order timestamp {event.ts} < {state.last_ts}; kept in arrival order")
    state.last_ts = max(state.last_ts, event.ts)
    if event.author.is_bot and event.author.id != bot_id:
        return notes  # other bots are not members of the conversation
    match event.kind:
        case EventKind.MESSAGE:
            if event.author.id == bot_id:
                notes.append("own message echoed back; ignored")
            else:
                _on_message(state, event)
        case EventKind.EDIT:
            notes += _on_edit(state, event)
        case EventKind.DELETE:
            notes += _on_delete(state, event)
        case EventKind.REACTION:
            notes += _on_reaction(state, event)
        case EventKind.JOIN:
            person = _member(state, event)
            person.present = True
            person.joined_ts = event.ts
        case EventKind.LEAVE:
            if event.author.id in state.participants:
                state.participants[event.author.id].present = False
    return notes


def _member(state: RoomState, event: ChatEvent) -> Participant:
    pid = event.author.id
    person = state.participants.get(pid)
    if person is None:
        person = Participant(id=pid, name=event.author.name, first_turn=state.turn)
        state.participants[pid] = person
        if len(state.participants) > CAP_PARTICIPANTS:
            _fold_participants(state, keep=pid)
    elif event.author.name and person.name != event.author.name:
        person.name = event.author.name
    return person


def _fold_participants(state: RoomState, keep: str) -> None:
    in_window = {m.author for m in state.window}
    candidates = sorted(
        (p for p in state.participants.values() if p.id != keep and p.id not in in_window),
        key=lambda p: (p.last_ts, p.messages),
    )
    excess = len(state.participants) - CAP_PARTICIPANTS
    for person in candidates[:excess]:
        del state.participants[person.id]
        state.folded_participants += 1


def _on_message(state: RoomState, event: ChatEvent) -> None:
    person = _member(state, event)
    cues = read_cues(event.text)
    turn = state.turn
    prev_human = next((m for m in reversed(state.window) if not m.is_bot), None)
    reply_msg = state.message(event.reply_to) if event.reply_to else None
    mentions = mentioned_ids(state, event)

    person.messages += 1
    person.words += cues.words
    person.last_turn = turn
    person.last_ts = event.ts
    person.present = True
    if person.invited_turn is not None and person.answered_invite is None:
        person.answered_invite = True

    _update_bot_response(state, event, cues, reply_msg)

    # Whom this message speaks to: an explicit reply, then mentions, then the previous speaker.
    targets: list[str] = []
    if reply_msg is not None and not reply_msg.is_bot and reply_msg.author != person.id:
        targets.append(reply_msg.author)
        if reply_msg.author in state.participants:
            state.participants[reply_msg.author].replies_received += 1
    targets += [m for m in mentions if m not in targets]
    implicit = not targets
    if implicit and prev_human is not None and prev_human.author != person.id:
        targets.append(prev_human.author)

    for other in targets:
        rel = _relation(state, person.id, other)
        rel.last_turn = turn
        if not implicit:
            rel.replies += 1 if other == (reply_msg.author if reply_msg else None) else 0
            rel.mentions += 1 if other in mentions else 0
        rel.agree += cues.agree
        rel.disagree += cues.disagree
        rel.tension = _decayed_heat(rel.tension, cues)

    approved = reply_msg or prev_human
    if approved is not None and approved.author != person.id and not approved.is_bot:
        if cues.agree and person.id not in approved.approvals:
            approved.approvals.append(person.id)
            refresh_bridging(state, approved)
        elif cues.disagree and person.id not in approved.objections:
            approved.objections.append(person.id)

    _close_questions(state, event, cues)
    _track_proposals(state, event, cues, reply_msg)
    if cues.question and cues.hostility < 0.25:  # a hostile "question" is an attack
        addressee = mentions[0] if mentions else (
            reply_msg.author if reply_msg and not reply_msg.is_bot else None)
        if not event.addressed:
            state.questions.append(Question(
                id=event.id, asker=person.id, addressee=addressee, text=quote(event.text),
                ts=event.ts, turn=turn))
            _trim_closed_first(state.questions, CAP_QUESTIONS, lambda q: q.answered_by is None)
    if cues.commitment:
        state.actions.append(ActionItem(id=event.id, owner=person.id, text=quote(cues.commitment),
                                        ts=event.ts))
        del state.actions[:-CAP_ACTIONS]
        for decision in state.decisions[-3:]:
            if person.id not in decision.owners:
                decision.owners.append(person.id)
    _track_terms(state, event, turn)
    _update_rolling(state, event, cues, targets)

    state.window.append(StoredMessage(
        id=event.id, author=person.id, text=event.text[:CAP_WINDOW_TEXT], ts=event.ts, turn=turn,
        reply_to=event.reply_to, hostility=cues.hostility))
    del state.window[:-CAP_WINDOW]
    state.turn += 1


def heat_input(cues: MessageCues) -> float:
    """How much one message heats the room, in [0, 1.1]."""
    return (0.5 * min(1.0, 2.5 * cues.hostility) + 0.5 * (cues.hostility > 0.1)
            + 0.1 * cues.disagree)


def _decayed_heat(previous: float, cues: MessageCues) -> float:
    return min(1.0, previous * HEAT_DECAY + (1 - HEAT_DECAY) * heat_input(cues))


def _relation(state: RoomState, a: str, b: str) -> Relation:
    key = pair_key(a, b)
    rel = state.relations.get(key)
    if rel is None:
        lo, hi = sorted((a, b))
        rel = Relation(a=lo, b=hi, last_turn=state.turn)
        state.relations[key] = rel
        if len(state.relations) > CAP_RELATIONS:
            stalest = min(state.relations.values(), key=lambda r: r.last_turn)
            del state.relations[pair_key(stalest.a, stalest.b)]
    return rel


def _update_bot_response(state: RoomState, event: ChatEvent, cues: MessageCues,
                         reply_msg: StoredMessage | None) -> None:
    last = state.last_bot_turn()
    if last is None or last.response != "pending":
        return
    to_bot = (reply_msg is not None and reply_msg.is_bot) or event.addressed
    if to_bot and cues.disagree:
        last.response = "objected"
    elif to_bot or event.author.id in last.to:
        last.response = "answered"
    elif state.turn - last.turn >= IGNORED_AFTER:
        last.response = "ignored"


def _trim_closed_first(items: list[T], cap: int, is_open: Callable[[T], bool]) -> None:
    """Drop the oldest closed entries first, then the oldest open ones."""
    while len(items) > cap:
        victim = next((i for i, item in enumerate(items) if not is_open(item)), 0)
        del items[victim]


def _close_questions(state: RoomState, event: ChatEvent, cues: MessageCues) -> None:
    author = event.author.id
    for q in state.questions:
        if q.answered_by is not None or q.asker == author:
            continue
        replied = event.reply_to == q.id
        addressee_spoke = q.addressee == author
        # A group question counts as answered when someone else takes it up, by content or
        # by answering words; talk that moves on to other things leaves it open.
        # A reply may answer and ask back in one breath; a bare counter-question does not answer.
        substantive = not cues.question or cues.words >= 12
        overlap = q.addressee is None and substantive and bool(
            cues.content & _question_words(q.text))
        next_reply = q.addressee is None and state.turn - q.turn == 1 and not cues.question
        opening = next_reply and (bool(ANSWER_OPENING.match(event.text))
                                  or read_cues(q.text).open_prompt)
        late_opening = (q.addressee is None and state.turn - q.turn <= 3 and not cues.question
                        and bool(ANSWER_OPENING.match(event.text)) and _only_two(state, q))
        if replied or addressee_spoke or overlap or opening or late_opening:
            q.answered_by = author
    # An asker who carries on after others have spoken is no longer waiting for an answer.
    for q in state.questions:
        if q.answered_by is None and q.asker == author and not cues.question:
            others = [m.author for m in state.window if m.turn > q.turn and not m.is_bot
                      and m.author != author]
            if others:
                q.answered_by = others[0]


def _only_two(state: RoomState, q: Question) -> bool:
    """A two-person exchange: any reply from the other person answers the asker."""
    recent = {m.author for m in state.window[-8:] if not m.is_bot}
    return len(recent | {q.asker}) <= 2


def _question_words(text: str) -> set[str]:
    return set(read_cues(text).content)


def _track_proposals(state: RoomState, event: ChatEvent, cues: MessageCues,
                     reply_msg: StoredMessage | None) -> None:
    author = event.author.id
    open_props = state.open_proposals()
    if open_props and (cues.agree or cues.disagree or cues.decision):
        target = None
        if reply_msg is not None:
            target = next((p for p in open_props if p.id == reply_msg.id), None)
        if target is None and state.turn - open_props[-1].turn <= 4:
            target = open_props[-1]
        if target is not None and target.author != author:
            _vote(target, author, +1 if cues.agree or cues.decision else -1)
        if target is not None and cues.decision and not target.objectors:
            _decide(state, target, recorded_by=author, ts=event.ts)
    if cues.proposal:
        state.proposals.append(Proposal(id=event.id, author=author, text=quote(event.text),
                                        ts=event.ts, turn=state.turn))
        _trim_closed_first(state.proposals, CAP_PROPOSALS, lambda p: p.status == "open")
    elif cues.decision and not open_props:
        state.decisions.append(Decision(id=event.id, text=quote(event.text), ts=event.ts,
                                        recorded_by=author))
        del state.decisions[:-CAP_DECISIONS]


def _vote(proposal: Proposal, member: str, polarity: int) -> None:
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


def _decide(state: RoomState, proposal: Proposal, *, recorded_by: str, ts: float) -> Decision:
    proposal.status = "decided"
    decision = Decision(id=proposal.id, text=proposal.text, ts=ts, proposal_id=proposal.id,
                        recorded_by=recorded_by)
    state.decisions.append(decision)
    del state.decisions[:-CAP_DECISIONS]
    return decision


def record_decision(state: RoomState, proposal_id: str, ts: float) -> Decision | None:
    """The bot records a supported proposal as the group's decision."""
    proposal = next((p for p in state.proposals if p.id == proposal_id), None)
    if proposal is None or proposal.status != "open":
        return None
    return _decide(state, proposal, recorded_by="facilitator", ts=ts)


def _track_terms(state: RoomState, event: ChatEvent, turn: int) -> None:
    for concept, term in find_terms(event.text):
        use = next((t for t in state.terms if t.concept == concept), None)
        if use is None:
            use = TermUse(concept=concept)
            state.terms.append(use)
            del state.terms[:-CAP_TERMS]
        use.by[event.author.id] = term
        use.turn = turn


def _update_rolling(state: RoomState, event: ChatEvent, cues: MessageCues,
                    targets: list[str]) -> None:
    r = state.rolling
    r.heat_prev = r.heat
    r.heat = _decayed_heat(r.heat, cues)
    r.peak_heat = max(r.peak_heat, r.heat)
    if r.last_human_ts:
        gap = max(event.ts - r.last_human_ts, 1.0)
        r.pace_per_min = 0.8 * r.pace_per_min + 0.2 * (60.0 / gap)
    r.last_human_ts = event.ts
    if state.charter.goal:
        _track_goal(state, cues)
    # Going in circles: the same two members disagreeing again with words they used before.
    repeated = False
    if targets and (cues.disagree or cues.hostility > 0.1):
        mine = [m for m in state.window[-12:] if m.author == event.author.id]
        for earlier in mine:
            seen = read_cues(earlier.text).content
            if seen and len(seen & cues.content) / max(1, len(cues.content)) >= 0.3:
                repeated = True
                break
    r.loop_score = r.loop_score + 1.0 if repeated else r.loop_score * 0.6


def _track_goal(state: RoomState, cues: MessageCues) -> None:
    """Drift: a run of messages that share no words with the goal or the talk that served it.

    The goal's vocabulary starts from the goal and the room's opening messages (they set the
    agenda) and grows from clearly on-task talk, so "the docs build" counts as on the goal
    "plan the release" once the room has tied the two together. Social chatter never counts
    as on-task, whatever words it shares.
    """
    r = state.rolling
    mine = _stems(cues.content)
    known = set(r.goal_terms) | _stems(read_cues(state.charter.goal).content)
    shared = mine & known
    on_task = not cues.social and (bool(shared) or cues.work)
    if on_task or not mine:
        r.off_goal_streak = r.off_goal_social = 0
    else:
        r.off_goal_streak += 1
        r.off_goal_social += cues.social
    opening = state.turn < 3
    if not cues.social and (opening or cues.work or len(shared) >= 2):
        r.goal_terms = [*[t for t in r.goal_terms if t not in mine], *sorted(mine)][-CAP_GOAL_TERMS:]


def _stems(words: frozenset[str] | set[str]) -> set[str]:
    return {w[:4] for w in words}


def _on_edit(state: RoomState, event: ChatEvent) -> list[str]:
    target = event.target or event.reply_to
    if not target:
        return ["edit without a target message; ignored"]
    new = quote(event.text)
    found = False
    msg = state.message(target)
    if msg is not None:
        msg.text = event.text[:CAP_WINDOW_TEXT]
        msg.hostility = read_cues(event.text).hostility
        found = True
    for entry in (*state.questions, *state.proposals, *state.decisions, *state.bridging):
        if entry.id == target:
            entry.text = new
            found = True
    return [] if found else [f"edit of unknown or deleted message {target}; ignored"]


def _on_delete(state: RoomState, event: ChatEvent) -> list[str]:
    target = event.target or event.reply_to
    if not target:
        return ["delete without a target message; ignored"]
    msg = state.message(target)
    before = _size(state)
    forget_messages(state, {target}, quotes=[msg.text] if msg else [])
    return [] if _size(state) != before else [f"delete of unknown message {target}; ignored"]


def _size(state: RoomState) -> int:
    return (len(state.window) + len(state.questions) + len(state.proposals)
            + len(state.decisions) + len(state.bridging) + len(state.actions))


def forget_messages(state: RoomState, ids: set[str], quotes: list[str]) -> None:
    """Remove messages and everything that keeps or quotes their text."""
    state.window = [m for m in state.window if m.id not in ids]
    state.questions = [q for q in state.questions if q.id not in ids]
    state.proposals = [p for p in state.proposals if p.id not in ids]
    state.decisions = [d for d in state.decisions if d.id not in ids and d.proposal_id not in ids]
    state.actions = [a for a in state.actions if a.id not in ids]
    state.bridging = [b for b in state.bridging if b.id not in ids]
    snippets = [" ".join(q.split())[:40] for q in quotes if len(q.strip()) >= 12]
    for turn in state.bot_log:
        if turn.trigger in ids or any(s in " ".join(turn.text.split()) for s in snippets):
            turn.text = "[removed: it quoted a deleted message]"


def _on_reaction(state: RoomState, event: ChatEvent) -> list[str]:
    target = event.target or event.reply_to
    msg = state.message(target) if target else None
    if msg is None:
        return [f"reaction to unknown message {target}; ignored"]
    polarity = emoji_polarity(event.emoji)
    reactor = event.author.id
    if polarity == 0 or msg.author == reactor:
        return []
    _member(state, event)
    bucket, other = (msg.approvals, msg.objections) if polarity > 0 else (
        msg.objections, msg.approvals)
    if msg.is_bot:
        last = next((t for t in state.bot_log if t.id == msg.id), None)
        if last is not None and not event.removed and polarity < 0:
            last.response = "objected"
        return []
    rel = _relation(state, reactor, msg.author)
    if event.removed:
        if reactor in bucket:
            bucket.remove(reactor)
            if polarity > 0:
                rel.agree = max(0, rel.agree - 1)
            else:
                rel.disagree = max(0, rel.disagree - 1)
    elif reactor not in bucket:
        bucket.append(reactor)
        if reactor in other:
            other.remove(reactor)
        if polarity > 0:
            rel.agree += 1
        else:
            rel.disagree += 1
    proposal = next((p for p in state.proposals if p.id == msg.id and p.status == "open"), None)
    if proposal is not None:
        if event.removed:
            for group in (proposal.supporters, proposal.objectors):
                if reactor in group:
                    group.remove(reactor)
        else:
            _vote(proposal, reactor, polarity)
    refresh_bridging(state, msg)
    return []


def record_bot_turn(state: RoomState, turn: BotTurn, *, bot_id: str) -> None:
    """The bot's own message joins the window (so it never speaks twice in a row) and the log."""
    state.bot_log.append(turn)
    del state.bot_log[:-CAP_BOT_LOG]
    state.bot_messages += 1
    state.window.append(StoredMessage(id=turn.id, author=bot_id, text=turn.text, ts=turn.ts,
                                      turn=state.turn, is_bot=True))
    del state.window[:-CAP_WINDOW]
    for pid in turn.to:
        if turn.intervention == "invite_quiet" and pid in state.participants:
            state.participants[pid].invited_turn = state.turn
            state.participants[pid].answered_invite = None


def forget_member(state: RoomState, member_id: str) -> bool:
    """Remove a person's messages and personal entries. True when anything was removed."""
    person = state.participants.pop(member_id, None)
    ids = {m.id for m in state.window if m.author == member_id}
    ids |= {q.id for q in state.questions if q.asker == member_id}
    ids |= {p.id for p in state.proposals if p.author == member_id}
    quotes = [m.text for m in state.window if m.author == member_id]
    touched = person is not None or bool(ids)
    forget_messages(state, ids, quotes)
    for q in state.questions:
        if q.addressee == member_id:
            q.addressee = None
        if q.answered_by == member_id:
            q.answered_by = "someone"
    for p in state.proposals:
        for group in (p.supporters, p.objectors):
            if member_id in group:
                group.remove(member_id)
    for d in state.decisions:
        if member_id in d.owners:
            d.owners.remove(member_id)
    state.actions = [a for a in state.actions if a.owner != member_id]
    state.relations = {k: r for k, r in state.relations.items()
                       if member_id not in (r.a, r.b)}
    for use in state.terms:
        use.by.pop(member_id, None)
    for msg in state.window:
        for group in (msg.approvals, msg.objections):
            if member_id in group:
                group.remove(member_id)
    state.bridging = [b for b in state.bridging if b.author != member_id]
    for b in state.bridging:
        if member_id in b.approvers:
            b.approvers.remove(member_id)
    name = person.label if person else None
    if name:
        # Others' messages keep their words but no longer name the person.
        named = re.compile(rf"@?\b{re.escape(name)}\b", re.I)
        for msg in state.window:
            msg.text = named.sub("someone", msg.text)
    for turn in state.bot_log:
        if member_id in turn.to or (name and name in turn.text):
            turn.to = [t for t in turn.to if t != member_id]
            turn.text = "[removed: it named a member who asked to be forgotten]"
    return touched
