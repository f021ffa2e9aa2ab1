"""Edits, deletes and forgetting: a message's words change or go, and with them every copy
kept of them (window, questions, proposals, decisions, actions, bridging, terms, the goal's
sources) and every bot turn that quoted them.
"""

from __future__ import annotations

import re

from facilitator.events import ChatEvent
from facilitator.memory.state import (
    CAP_WINDOW_TEXT,
    BotTurn,
    GroupDecision,
    Participant,
    Proposal,
    RoomState,
)
from facilitator.memory.trackers import goal, terms
from facilitator.memory.trackers.common import quote, short
from facilitator.reading.clauses import quotable
from facilitator.reading.message import HOSTILE_QUESTION_AT, read_text


def on_edit(state: RoomState, event: ChatEvent) -> list[str]:
    """Every copy of the message takes its new text, or goes when the new text no longer
    supports it (a question edited into a statement is no longer an open question)."""
    target = event.target or event.reply_to
    if not target:
        return ["edit without a target message; ignored"]
    new = quote(event.text)
    read = read_text(event.text)
    olds: list[str] = []  # the old text as each copy held it, to find it in the bot's quotes
    found = dropped = False
    # Before the window's copy changes: uses saved without sources are read from it.
    had_terms = terms.forget_sources(state, {target})
    msg = state.message(target)
    if msg is not None:
        olds.append(msg.text)
        msg.text = event.text[:CAP_WINDOW_TEXT]
        msg.hostility = read.hostile_wording  # the lexical score, not the heat a new message stores
        found = True
    asks = read.question and read.hostile_wording < HOSTILE_QUESTION_AT
    for items, supported in ((state.questions, asks), (state.bridging, True)):
        for entry in [e for e in items if e.id == target]:
            olds.append(entry.text)
            found = True
            if supported:
                entry.text = new
            else:
                items.remove(entry)
                dropped = True
    # What the group decided stays as it was agreed: an edit of a decided proposal does not
    # rewrite the decision (or the bot's record of it); new words that still propose are a
    # new proposal for the group to take up.
    decided = [d for d in state.decisions if _quotes(d, {target})]
    for p in [p for p in state.proposals if p.id == target and p.status == "open"]:
        olds.append(p.text)
        found = True
        if read.proposal or read.decision:  # as for the decision it may have become
            p.text = new
        else:
            state.proposals.remove(p)
            dropped = True
    if decided:
        found = True
        if (read.proposal or read.decision) and not any(
                p.id == target and p.status == "open" for p in state.proposals):
            # Under the message's own id: replies to it vote on the new words, and deleting
            # the message takes them too.
            state.proposals.append(Proposal(id=target, author=event.author.id, text=new,
                                            ts=event.ts, turn=state.human_messages))
    for a in [a for a in state.actions if a.id == target]:
        olds.append(a.text)
        found = True
        if read.commitment:
            a.text = quote(read.commitment)
        else:
            _drop_actions(state, {target})
            dropped = True
    found |= goal.forget_sources(state, {target})  # the new words may regrow them
    found |= had_terms
    if had_terms or (msg is not None and not msg.is_bot):
        # Platforms let only the author edit: the edit's author used the new words.
        terms.on_message(state, event, read, message_id=target, turn=msg.turn if msg else None)
    # A bot turn about an item the new text no longer supports loses its text rather than
    # quoting words that are not a question, proposal or commitment any more.
    found |= _requote_bot_turns(state, target, olds, None if dropped else new,
                                keep_records=bool(decided))
    return [] if found else [f"edit of unknown or deleted message {target}; ignored"]


def _drop_actions(state: RoomState, ids: set[str]) -> None:
    """Action items of these messages go, and with them the ownership of decisions they
    gave, unless another commitment of the same member still gives it."""
    gone = [a for a in state.actions if a.id in ids]
    if not gone:
        return
    state.actions = [a for a in state.actions if a.id not in ids]
    held = {(a.owner, d) for a in state.actions for d in a.decisions}
    for action in gone:
        for decision in state.decisions:
            if decision.id in action.decisions and action.owner in decision.owners and (
                    (action.owner, decision.id) not in held):
                decision.owners.remove(action.owner)


def _quotes(decision: GroupDecision, ids: set[str]) -> bool:
    """The decision holds the words of one of these messages."""
    return (decision.id in ids or decision.proposal_id in ids
            or not ids.isdisjoint(decision.sources))


def _requote_bot_turns(state: RoomState, target: str, olds: list[str], new: str | None, *,
                       keep_records: bool = False) -> bool:
    """The bot's turns that quoted an edited message quote its new text; a turn whose quote
    cannot be found verbatim (a paraphrase, a key phrase), or with no `new` text to quote,
    loses its text instead."""
    snippets = _snippets(olds)
    changed = False
    for turn in state.bot_log:
        if turn.text in (REMOVED_QUOTE, REMOVED_NAME) or (
                keep_records and turn.intervention == "record_decision"):
            continue  # the bot's record of a decision quotes what was agreed
        flat = " ".join(turn.text.split())
        if target not in turn.sources and not any(s in flat for s in snippets):
            continue
        if new is None:
            _set_bot_text(state, turn, REMOVED_QUOTE)
            changed = True
            continue
        # Quoted whole, shortened as the room's summaries shorten quotes, or one clause of it
        # as the composer and the readouts quote a member (the same clause of the new text).
        pairs = {quote(o): new for o in olds if o.strip()}
        pairs |= {short(quote(o)): short(new) for o in olds if o.strip()}
        clauses = _clause_pairs(olds, new)
        pairs |= {old: said for old, said in clauses.items() if said}
        gone = [old for old, said in clauses.items() if not said]
        if all(old == pairs[old] for old in pairs):
            continue  # an edit that changed nothing
        original = turn.text
        for base in (original, flat):  # its own line breaks kept when the quote is found
            text = base
            for old in sorted(pairs, key=len, reverse=True):
                text = text.replace(old, pairs[old])
            if text != base:
                break
        leftover = any(old in " ".join(text.split()) for old in [*pairs, *gone] if old not in new)
        # Quoted some other way (a paraphrase, a key phrase of a summary): the old words
        # cannot be told apart from the bot's own, so the turn's text goes.
        _set_bot_text(state, turn, REMOVED_QUOTE if text == base or leftover else text)
        changed = True
    return changed


# How the bot quotes a clause of a member's message: what it looks for, and the lengths used
# by the composer and the readouts (facilitator.policies.compose_rules, .readout).
CLAUSE_WANTS = ("question", "proposal", "any")
CLAUSE_LIMITS = (200, 120)


def _clause_pairs(olds: list[str], new: str) -> dict[str, str]:
    """Old clause -> the same kind of clause of the new text ("" when it has none)."""
    pairs: dict[str, str] = {}
    for old in olds:
        for want in CLAUSE_WANTS:
            for limit in CLAUSE_LIMITS:
                clause = quotable(old, want=want, limit=limit)
                if clause and f'"{clause}"' not in pairs:
                    now = quotable(new, want=want, limit=limit)
                    pairs[f'"{clause}"'] = f'"{now}"' if now else ""
    return pairs


def _snippets(texts: list[str]) -> list[str]:
    """Pieces of a text long enough to recognise a verbatim quote of it."""
    return [" ".join(t.split())[:40] for t in texts if len(t.strip()) >= 12]


def _set_bot_text(state: RoomState, turn: BotTurn, text: str) -> None:
    """The bot's log and its copy in the window hold the same words; change both."""
    turn.text = text
    if text in (REMOVED_QUOTE, REMOVED_NAME):
        turn.reason = "[removed]"  # reasons name members and repeat their cue words
    for msg in state.window:
        if msg.is_bot and msg.id == turn.id:
            msg.text = text


REMOVED_QUOTE = "[removed: it quoted a deleted message]"
REMOVED_NAME = "[removed: it named a member who asked to be forgotten]"


def _size(state: RoomState) -> int:
    return (len(state.window) + len(state.questions) + len(state.proposals)
            + len(state.decisions) + len(state.bridging) + len(state.actions))


def on_delete(state: RoomState, event: ChatEvent) -> list[str]:
    target = event.target or event.reply_to
    if not target:
        return ["delete without a target message; ignored"]
    msg = state.message(target)
    found = forget_messages(state, {target}, quotes=[msg.text] if msg else [])
    return [] if found else [f"delete of unknown message {target}; ignored"]


def forget_messages(state: RoomState, ids: set[str], quotes: list[str]) -> bool:
    """Remove messages and everything that keeps or quotes their text, in the window or
    derived from messages that have left it. True when anything held them."""
    # Every copy's text, for turns of the bot recorded before sources were kept.
    quotes = [*quotes, *(m.text for m in state.window if m.id in ids)]
    for items in (state.questions, state.proposals, state.bridging, state.actions):
        quotes += [e.text for e in items if e.id in ids]
    quotes += [d.text for d in state.decisions if _quotes(d, ids)]
    found = terms.forget_sources(state, ids)  # first: it reads the window's copies
    before = _size(state)
    state.window = [m for m in state.window if m.id not in ids]
    state.questions = [q for q in state.questions if q.id not in ids]
    state.proposals = [p for p in state.proposals if p.id not in ids]
    state.decisions = [d for d in state.decisions if not _quotes(d, ids)]
    _drop_actions(state, ids)
    state.bridging = [b for b in state.bridging if b.id not in ids]
    found |= _size(state) != before
    found |= goal.forget_sources(state, ids)
    snippets = _snippets(quotes)
    for turn in state.bot_log:
        if turn.text == REMOVED_QUOTE:
            continue
        flat = " ".join(turn.text.split())
        if turn.trigger in ids or not ids.isdisjoint(turn.sources) or any(
                s in flat for s in snippets):
            _set_bot_text(state, turn, REMOVED_QUOTE)
            found = True
    return found




def forget_words(state: RoomState, member_id: str) -> None:
    """A person's messages, and every entry derived from them (found by author, owner and
    source ids), go wherever a copy is kept."""
    ids = {m.id for m in state.window if m.author == member_id}
    ids |= {q.id for q in state.questions if q.asker == member_id}
    ids |= {p.id for p in state.proposals if p.author == member_id}
    ids |= {a.id for a in state.actions if a.owner == member_id}
    ids |= {b.id for b in state.bridging if b.author == member_id}
    for d in state.decisions:
        # Decisions saved before authors were kept: one recorded from the member's own
        # decision message quotes them.
        if d.author == member_id or (d.author is None and d.proposal_id is None
                                     and d.recorded_by == member_id):
            ids.add(d.id)
    for use in state.terms:
        ids.update(use.sources.get(member_id, ()))
    quotes = [m.text for m in state.window if m.author == member_id]
    forget_messages(state, ids, quotes)


def forget_name(state: RoomState, member_id: str, person: Participant | None) -> None:
    """Others' words stay, but no longer name the person, wherever a copy of them is kept;
    the bot's turns that named them lose their text."""
    labels = {member_id, *((person.label, person.name) if person else ())}
    # A name of one or two letters ("Al", "J") is only a mention with its @: as a bare word
    # it would rewrite everyone's "al" and "j".
    named = re.compile("|".join(
        rf"(?<![\w-]){'@?' if len(label) > 2 else '@'}{re.escape(label)}(?![\w-])"
        for label in sorted(labels, key=len, reverse=True) if label), re.I)
    for entry in (*(m for m in state.window if not m.is_bot), *state.questions,
                  *state.proposals, *state.decisions, *state.actions, *state.bridging):
        entry.text = named.sub("someone", entry.text)
    for turn in state.bot_log:
        if member_id in turn.to or named.search(turn.text) or named.search(turn.reason):
            turn.to = [t for t in turn.to if t != member_id]
            _set_bot_text(state, turn, REMOVED_NAME)
