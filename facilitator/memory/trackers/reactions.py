"""Reactions: approval and objection on a message, the bot's turns, votes on a proposal."""

from __future__ import annotations

from facilitator.events import ChatEvent
from facilitator.memory.state import RoomState
from facilitator.memory.trackers import bot_log, participants, proposals, relations
from facilitator.memory.trackers.bridging import refresh_bridging
from facilitator.reading.message import emoji_polarity


def on_reaction(state: RoomState, event: ChatEvent) -> list[str]:
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
        if last is not None and not event.removed:
            if polarity < 0 and last.response != "objected":
                last.response = "objected"  # a 👎 overrides what the room said before
                bot_log.note_response(state, last)
            elif polarity > 0 and last.response in ("pending", "ignored"):
                last.response = "thanked"
                bot_log.note_response(state, last)
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


def forget(state: RoomState, member_id: str) -> None:
    for msg in state.window:
        for group in (msg.approvals, msg.objections):
            if member_id in group:
                group.remove(member_id)
