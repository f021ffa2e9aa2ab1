"""Bridging: messages approved by members who usually disagree with each other.

The Community Notes idea applied to one room: members are grouped into agreement camps from
the signed agree/disagree graph, and a message scores by how many camps approved it.
"""

from __future__ import annotations

from facilitator.memory.state import CAP_BRIDGING, BridgeNote, RoomState, StoredMessage


def camps(state: RoomState, members: list[str]) -> dict[str, int]:
    """Two-colour members so that disagreeing pairs land in different camps.

    A greedy signed-graph partition: members who mostly disagree with someone already placed
    go to the other camp. Members with no signal each form their own camp, so they never make
    a message look bridging on their own.
    """
    weight: dict[tuple[str, str], int] = {}
    strength: dict[str, int] = dict.fromkeys(members, 0)
    for rel in state.relations.values():
        net = rel.agree - rel.disagree
        if net and rel.a in strength and rel.b in strength:
            weight[(rel.a, rel.b)] = weight[(rel.b, rel.a)] = net
            strength[rel.a] += abs(net)
            strength[rel.b] += abs(net)
    assignment: dict[str, int] = {}
    loner = 2
    for member in sorted(members, key=lambda m: -strength[m]):
        score = sum(
            weight.get((member, other), 0) * (1 if camp == 0 else -1)
            for other, camp in assignment.items()
            if camp < 2
        )
        if score > 0:
            assignment[member] = 0
        elif score < 0:
            assignment[member] = 1
        elif strength[member] and not any(c < 2 for c in assignment.values()):
            assignment[member] = 0
        else:
            assignment[member] = loner
            loner += 1
    return assignment


def refresh_bridging(state: RoomState, msg: StoredMessage) -> None:
    """Re-score one message after its approvals changed; keep the best few notes."""
    state.bridging = [b for b in state.bridging if b.id != msg.id]
    approvers = [a for a in msg.approvals if a != msg.author]
    if len(approvers) < 2:
        return
    grouping = camps(state, [*approvers, msg.author])
    distinct = len({grouping[a] for a in approvers if grouping.get(a, 2) in (0, 1)})
    if distinct < 2:
        return
    state.bridging.append(BridgeNote(id=msg.id, author=msg.author, text=msg.text[:280],
                                     approvers=list(approvers), camps=distinct))
    state.bridging.sort(key=lambda b: (-b.camps, -len(b.approvers)))
    del state.bridging[CAP_BRIDGING:]


def forget(state: RoomState, member_id: str) -> None:
    state.bridging = [b for b in state.bridging if b.author != member_id]
    for b in state.bridging:
        if member_id in b.approvers:
            b.approvers.remove(member_id)
