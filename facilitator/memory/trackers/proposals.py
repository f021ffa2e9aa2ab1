"""Proposals, the group's decisions and the action items members take on.

A decision is a faithful account of agreement: a proposal becomes one only with support from
members other than its author and with no objection standing. A question is not a vote
("have we decided this already?"); one member saying "we have decided" or "we all agree" is a
claim, kept as a proposal for the others to take up, never a decision on its own.
"""

from __future__ import annotations

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
from facilitator.reading.message import MessageRead


def on_message(state: RoomState, event: ChatEvent, read: MessageRead) -> None:
    text = read.text
    author = event.author.id
    open_props = state.open_proposals()
    # A question about agreement asks; it neither votes nor decides.
    votes = not text.question
    if open_props and votes and (text.agree or text.disagree or text.decision):
        target = None
        if read.reply is not None:
            target = next((p for p in open_props if p.id == read.reply.id), None)
        if target is None and state.human_messages - open_props[-1].turn <= 4:
            target = open_props[-1]
        if target is not None and target.author != author:
            vote(target, author, +1 if text.agree or text.decision else -1)
        if target is not None and text.decision and agreed(target):
            decide(state, target, recorded_by=author, ts=event.ts)
    if text.proposal or (votes and text.decision and not open_props):
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


def vote(proposal: Proposal, member: str, polarity: int) -> None:
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


def agreed(proposal: Proposal) -> bool:
    """Support from someone other than its author, and no objection standing."""
    return not proposal.objectors and any(s != proposal.author for s in proposal.supporters)


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
        for group in (p.supporters, p.objectors):
            if member_id in group:
                group.remove(member_id)
    for d in state.decisions:
        for group in (d.owners, d.supporters, d.objectors):
            if member_id in group:
                group.remove(member_id)
        if d.recorded_by == member_id:
            d.recorded_by = "someone"
    state.actions = [a for a in state.actions if a.owner != member_id]
