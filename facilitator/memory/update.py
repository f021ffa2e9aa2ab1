"""Apply one event to a room's state: bounded work, no rescans of history.

The message's one read (`facilitator.reading`) is handed to one tracker per concern
(`memory/trackers/`); edits, deletes, reactions and forgetting are handled here. Problems with
an event (a reaction to an unknown message, an edit of a deleted one) are returned as notes
for the log; they never raise and never touch anything else.
"""

from __future__ import annotations

import re

from facilitator.cues import emoji_polarity
from facilitator.events import ChatEvent, EventKind
from facilitator.memory.bridging import refresh_bridging
from facilitator.memory.state import CAP_WINDOW, CAP_WINDOW_TEXT, RoomState, StoredMessage
from facilitator.memory.trackers import (
    bot_log,
    goal,
    heat,
    participants,
    proposals,
    questions,
    relations,
    shape,
    terms,
)
from facilitator.memory.trackers.common import quote
from facilitator.reading.message import MessageRead, read_message
from facilitator.reading.text import read_text


def apply_event(state: RoomState, event: ChatEvent, *, bot_id: str,
                read: MessageRead | None = None) -> list[str]:
    """Update `state` in place with `event`. Returns notes worth logging.

    `read` is the message's read taken before the update (the engine takes it once and
    hands it on to the gate); it is taken here when the caller has none."""
    state.events += 1
    if not state.created_ts:
        state.created_ts = event.ts
    notes: list[str] = []
    if event.ts < state.last_ts:
        notes.append(f"out-of-order timestamp {event.ts} < {state.last_ts}; kept in arrival order")
    state.last_ts = max(state.last_ts, event.ts)
    if event.author.is_bot and event.author.id != bot_id:
        return notes  # other bots are not members of the conversation
    prefixed = False
    match event.kind:
        case EventKind.MESSAGE:
            if event.author.id == bot_id:
                notes.append("own message echoed back; ignored")
            else:
                read = read or read_message(state, event, bot_id=bot_id)
                # "nick: text" (a colon; "Ann, what do you think?" is a meeting's way too).
                prefixed = read.text.prefix is not None and event.text.lstrip().lstrip("@")[
                    len(read.text.prefix):].lstrip().startswith(":")
                apply_message(state, event, read)
        case EventKind.EDIT:
            notes += _on_edit(state, event)
        case EventKind.DELETE:
            notes += _on_delete(state, event)
        case EventKind.REACTION:
            notes += _on_reaction(state, event)
        case EventKind.JOIN:
            participants.on_join(state, event)
        case EventKind.LEAVE:
            participants.on_leave(state, event)
    shape.on_event(state, event, prefixed)
    return notes


def apply_message(state: RoomState, event: ChatEvent, read: MessageRead) -> None:
    """One human message through every tracker, in the order their inputs need."""
    participants.on_message(state, event, read)
    bot_log.on_message(state, event, read)
    to, implicit = relations.targets(state, event, read)
    relations.on_message(state, event, read, to, implicit)
    questions.on_message(state, event, read)
    proposals.on_message(state, event, read)
    terms.on_message(state, event)
    heat.on_message(state, event, read, to)
    goal.on_message(state, read)
    state.window.append(StoredMessage(
        id=event.id, author=event.author.id, text=event.text[:CAP_WINDOW_TEXT], ts=event.ts,
        turn=state.turn, reply_to=event.reply_to, hostility=read.hostility))
    del state.window[:-CAP_WINDOW]
    state.turn += 1


def _on_edit(state: RoomState, event: ChatEvent) -> list[str]:
    target = event.target or event.reply_to
    if not target:
        return ["edit without a target message; ignored"]
    new = quote(event.text)
    found = False
    msg = state.message(target)
    if msg is not None:
        msg.text = event.text[:CAP_WINDOW_TEXT]
        msg.hostility = read_text(event.text).hostility
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
    participants.member(state, event)
    bucket, other = (msg.approvals, msg.objections) if polarity > 0 else (
        msg.objections, msg.approvals)
    if msg.is_bot:
        last = next((t for t in state.bot_log if t.id == msg.id), None)
        if last is not None and not event.removed and polarity < 0:
            last.response = "objected"
        return []
    rel = relations.relation(state, reactor, msg.author)
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
            proposals.vote(proposal, reactor, polarity)
    refresh_bridging(state, msg)
    return []


def forget_member(state: RoomState, member_id: str) -> bool:
    """Remove a person's messages and personal entries. True when anything was removed."""
    person = state.participants.pop(member_id, None)
    state.members_changed()
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
