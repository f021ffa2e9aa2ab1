"""Who speaks to whom: replies, mentions, agreement and the tension of each pair; and the heat
and pace of the room they make, and whether two members are going in circles."""

from __future__ import annotations

from facilitator.events import ChatEvent
from facilitator.memory.state import CAP_RELATIONS, Relation, RoomState
from facilitator.memory.trackers.bridging import refresh_bridging
from facilitator.reading.message import MessageRead, read_text

# Heat is a decayed average of how hostile messages are, so one sharp line does not read as
# a fight but a run of them does (a single personal attack is a moment of its own: the gate
# reads it from the message, not from the heat). Calibrated on the WikiTactics disputes.
HEAT_DECAY = 0.7


def pair_key(a: str, b: str) -> str:
    return f"{a}|{b}" if a < b else f"{b}|{a}"


def heat_input(read: MessageRead) -> float:
    """How much one message heats the room, in [0, 1.1]. Agreement never does."""
    return (0.5 * min(1.0, 2.5 * read.heat) + 0.5 * (read.heat > 0.1)
            + 0.1 * read.text.disagree)


def decayed_heat(previous: float, read: MessageRead) -> float:
    return min(1.0, previous * HEAT_DECAY + (1 - HEAT_DECAY) * heat_input(read))


def relation(state: RoomState, a: str, b: str) -> Relation:
    key = pair_key(a, b)
    rel = state.relations.get(key)
    if rel is None:
        lo, hi = sorted((a, b))
        rel = Relation(a=lo, b=hi, last_turn=state.human_messages)
        state.relations[key] = rel
        if len(state.relations) > CAP_RELATIONS:
            stalest = min(state.relations.values(), key=lambda r: (r.last_turn, r.a, r.b))
            del state.relations[pair_key(stalest.a, stalest.b)]
    return rel


def targets(state: RoomState, event: ChatEvent, read: MessageRead) -> tuple[list[str], bool]:
    """Whom the message speaks to, and whether that is only implied (the previous speaker)."""
    if read.addressees:
        return list(read.addressees), False
    prev = next((m for m in reversed(state.window) if not m.is_bot), None)
    if prev is not None and prev.author != event.author.id:
        return [prev.author], True
    return [], True


def on_message(state: RoomState, event: ChatEvent, read: MessageRead, to: list[str],
               implicit: bool) -> None:
    author = event.author.id
    reply_author = read.reply.author if read.reply is not None and not read.reply.is_bot else None
    if reply_author and reply_author != author and reply_author in state.participants:
        state.participants[reply_author].replies_received += 1
    for other in to:
        rel = relation(state, author, other)
        rel.last_turn = state.human_messages
        if not implicit:
            if other == reply_author:
                rel.replies += 1
            else:
                rel.mentions += 1
        rel.agree += read.text.agree
        rel.disagree += read.text.disagree
        rel.tension = decayed_heat(rel.tension, read)
    approved = read.reply or next((m for m in reversed(state.window) if not m.is_bot), None)
    if approved is not None and approved.author != author and not approved.is_bot:
        if read.text.agree and author not in approved.approvals:
            approved.approvals.append(author)
            refresh_bridging(state, approved)
        elif read.text.disagree and author not in approved.objections:
            approved.objections.append(author)


def forget(state: RoomState, member_id: str) -> None:
    state.relations = {k: r for k, r in state.relations.items()
                       if member_id not in (r.a, r.b)}


# The room's heat and pace, and whether two members are going in circles.
def note_heat(state: RoomState, event: ChatEvent, read: MessageRead, to: list[str]) -> None:
    r = state.rolling
    r.heat_prev = r.heat
    r.heat = decayed_heat(r.heat, read)
    r.peak_heat = max(r.peak_heat, r.heat)
    if r.last_human_ts:
        gap = max(event.ts - r.last_human_ts, 1.0)
        r.pace_per_min = 0.8 * r.pace_per_min + 0.2 * (60.0 / gap)
    r.last_human_ts = event.ts
    # Going in circles: the same two members disagreeing again with words they used before.
    repeated = False
    content = read.text.content
    if to and (read.text.disagree or read.heat > 0.1) and content:
        for earlier in state.window[-12:]:
            if earlier.author != event.author.id:
                continue
            if len(read_text(earlier.text).content & content) / len(content) >= 0.3:
                repeated = True
                break
    r.loop_score = r.loop_score + 1.0 if repeated else r.loop_score * 0.6
