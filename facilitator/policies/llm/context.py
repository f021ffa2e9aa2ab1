"""The room's state as the model reads it: the same memory the rules decide from, in words.

`room_block` renders what the bot knows of a room for a prompt: the charter (goal, norms, how
active the bot is, the kind of room); the open questions, proposals, decisions and action
items with their text, who, and how long ago; who is quiet, who dominates and which pair is
heated and why; the bot's own last turns and how the room took them; the signals with their
scale and the threshold the rules act at; the last messages with their times and reply links.
`candidates_block` adds each candidate moment with its draft (the rules' wording), what the
move is for, when it helps and what it costs (prompts/llm/moves.md).

Every string a member wrote (text and names) is escaped inside its tag (promptdata.esc), so
nothing in the room can change the prompt's structure. Lists are bounded: a room's block
stays a few thousand tokens whatever its history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from facilitator.events import ChatEvent
from facilitator.memory.state import RoomState
from facilitator.memory.trackers.kind import shape
from facilitator.policies.compose_rules import compose
from facilitator.policies.decision import Intervention, Moment
from facilitator.policies.defaults import blocked
from facilitator.policies.gate import PROFILES, hostile_authors
from facilitator.policies.prompts import Prompts
from facilitator.policies.signals import Signals, pair_tension

from .promptdata import esc, tag

MESSAGES = 15
MESSAGE_CHARS = 500
ITEMS = 6
ITEM_CHARS = 240
BOT_TURNS = 3
PEOPLE = 20


@dataclass(frozen=True)
class MoveCard:
    name: str
    purpose: str
    helps: str
    costs: str


def move_cards(prompts: Prompts) -> dict[str, MoveCard]:
    """prompts/llm/moves.md, one card per move."""
    cards: dict[str, MoveCard] = {}
    text = prompts.text("llm/moves")
    for section in re.split(r"^## +", text, flags=re.M)[1:]:
        name, _, body = section.partition("\n")
        fields = dict(re.findall(r"^(for|helps|costs):\s*(.+)$", body, flags=re.M))
        cards[name.strip()] = MoveCard(name.strip(), fields.get("for", ""),
                                       fields.get("helps", ""), fields.get("costs", ""))
    return cards


def ago(seconds: float) -> str:
    s = max(0.0, seconds)
    if s < 60:
        return f"{int(s)} s ago" if s >= 1 else "just now"
    if s < 3600:
        return f"{int(s // 60)} min ago"
    if s < 86400:
        return f"{s / 3600:.1f} h ago"
    return f"{s / 86400:.1f} days ago"


def _when(state: RoomState, now: float, ts: float, turn: int | None = None) -> str:
    parts = []
    if turn is not None:
        n = state.human_messages - turn
        parts.append("this message" if n <= 0 else f"{_count(n, 'message')} ago")
    parts.append(ago(now - ts))
    return ", ".join(parts)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _names(state: RoomState, ids: list[str]) -> str:
    return ", ".join(state.name_of(i) for i in ids)


def _section(name: str, lines: list[str], empty: str) -> str:
    body = "\n".join(f"  {line}" for line in lines) if lines else f"  ({empty})"
    return f"<{name}>\n{body}\n</{name}>"


def _charter(state: RoomState) -> str:
    c = state.charter
    kind = getattr(c, "kind", None) or (c.shape if c.shape != "auto" else shape(state))
    norms = "".join(f"\n  {tag('norm', esc(n, ITEM_CHARS))}" for n in c.norms[:ITEMS])
    head = tag("charter", "", goal=c.goal or "(none set)", activity=c.activity.value,
               kind=kind, paused="yes" if c.paused else None)
    return head.replace("></charter>", f">{norms}\n</charter>" if norms else "></charter>")


def _items(state: RoomState, now: float) -> list[str]:
    questions = [tag("question", esc(q.text, ITEM_CHARS), id=q.id, asker=state.name_of(q.asker),
                     to=state.name_of(q.addressee) if q.addressee else None,
                     when=_when(state, now, q.ts, q.turn),
                     brought_back="yes" if q.surfaced else None)
                 for q in state.open_questions()[-ITEMS:]]
    proposals = [tag("proposal", esc(p.text, ITEM_CHARS), id=p.id, by=state.name_of(p.author),
                     support=_names(state, p.supporters) or "nobody yet",
                     objections=_names(state, p.objectors) or "none",
                     unclear_reply_from=_names(state, p.unclear) or None,
                     when=_when(state, now, p.ts, p.turn))
                 for p in state.open_proposals()[-ITEMS:]]
    decisions = [tag("decision", esc(d.text, ITEM_CHARS), id=d.id,
                     proposed_by=state.name_of(d.author) if d.author else None,
                     owners=_names(state, d.owners) or "no owner yet",
                     when=_when(state, now, d.ts))
                 for d in state.decisions[-ITEMS:]]
    actions = [tag("action_item", esc(a.text, ITEM_CHARS), owner=state.name_of(a.owner),
                   when=_when(state, now, a.ts))
               for a in state.actions[-ITEMS:]]
    return [_section("open_questions", questions, "none"),
            _section("open_proposals", proposals, "none"),
            _section("decisions", decisions, "none yet"),
            _section("action_items", actions, "none")]


def _people(state: RoomState, signals: Signals) -> str:
    total = sum(p.messages for p in state.participants.values()) or 1
    ordered = sorted(state.participants.values(), key=lambda p: (-p.messages, p.id))[:PEOPLE]
    lines = []
    for p in ordered:
        note = "quiet" if p.id in signals.quiet else (
            "dominant" if p.id == signals.dominant and signals.dominant_share >= 0.4 else None)
        silent = state.human_messages - p.last_turn if p.last_turn >= 0 else None
        lines.append(tag("member", "", id=p.id, name=p.label, messages=p.messages,
                         share=f"{p.messages / total:.0%}",
                         last_spoke=(f"{_count(silent, 'message')} ago" if silent is not None
                                     else "has not spoken"),
                         present="no" if not p.present else None, note=note))
    more = len(state.participants) - len(ordered)
    if more > 0:
        lines.append(f"(and {more} more)")
    return _section("members", [line.replace("></member>", "/>") for line in lines], "none")


def _heat(state: RoomState, signals: Signals) -> str:
    if signals.hot_pair is None:
        return _section("heated_pairs", [], "none")
    a, b = signals.hot_pair
    rel = state.relations.get(f"{a}|{b}") or state.relations.get(f"{b}|{a}") or next(
        (r for r in state.relations.values() if {r.a, r.b} == {a, b}), None)
    hostile = hostile_authors(state)
    why = []
    if rel is not None:
        why.append(f"{_count(rel.disagree, 'disagreement')}, {_count(rel.agree, 'agreement')}, "
                   f"{_count(rel.replies, 'reply')} between them".replace("replys", "replies"))
    who_hot = [state.name_of(x) for x in (a, b) if x in hostile]
    why.append(f"hostile words lately from {', '.join(who_hot)}" if who_hot
               else "no hostile words lately, only disagreement")
    tension = pair_tension(rel, state.human_messages) if rel is not None else signals.tension
    barbs = [tag("message", esc(m.text, 200), id=m.id, **{"from": state.name_of(m.author)})
             for m in state.window[-12:] if not m.is_bot and m.author in (a, b)
             and m.hostility >= 0.25][-3:]
    head = tag("pair", "", a=state.name_of(a), b=state.name_of(b), tension=f"{tension:.2f}",
               why="; ".join(why)).replace("></pair>", ">")
    inner = "".join(f"\n    {x}" for x in barbs)
    return f"<heated_pairs>\n  {head}{inner}\n  </pair>\n</heated_pairs>"


def _bot_turns(state: RoomState, now: float) -> str:
    lines = [tag("turn", esc(t.text, 300), move=t.intervention, to=_names(state, t.to) or None,
                 when=_when(state, now, t.ts, t.turn), room_response=t.response)
             for t in state.bot_log[-BOT_TURNS:]]
    return _section("your_last_turns", lines, "you have not spoken here")


def signal_lines(state: RoomState, signals: Signals) -> list[str]:
    """Each signal with its scale and the threshold the rules act at (this room's profile)."""
    p = PROFILES[state.charter.activity]
    rows = [
        ("tension", f"{signals.tension:.2f}", "0 calm to 1 hostile",
         f"the rules step in at {p.tension_at:.2f}"),
        ("participation_gini", f"{signals.participation_gini:.2f}",
         "0 everyone speaks equally to 1 one voice",
         f"the rules invite quiet members above {p.dominance_gini:.2f}"),
        ("dominant_share", f"{signals.dominant_share:.2f}",
         "share of messages from the most active member",
         "the rules count 0.50 and above as dominance"),
        ("loop_score", f"{signals.loop_score:.1f}",
         "0 up: the same two members repeating a disagreement",
         f"the rules name the crux at {p.loop_at:.1f}"),
        ("off_goal_streak", str(signals.off_goal_streak), "messages in a row off the goal",
         f"the rules refocus after {p.drift_after} (with social chatter)"),
        ("bot_share", f"{signals.bot_share:.2f}", "your share of all messages here",
         f"the rules keep it under {p.budget_share:.2f}"),
        ("pace", f"{signals.pace_per_min:.1f}", "messages per minute", "no threshold"),
    ]
    return [tag("signal", "", name=n, value=v, scale=s, threshold=t).replace("></signal>", "/>")
            for n, v, s, t in rows]


def _messages(state: RoomState, now: float) -> str:
    lines = []
    for m in state.window[-MESSAGES:]:
        who = "you (the facilitator)" if m.is_bot else state.name_of(m.author)
        lines.append(tag("message", esc(m.text, MESSAGE_CHARS), id=m.id,
                         at=ago(now - m.ts), reply_to=m.reply_to, **{"from": who}))
    return _section("messages", lines, "no messages yet")


def room_block(state: RoomState, event: ChatEvent, signals: Signals) -> str:
    """Everything the bot knows of the room, for a prompt (member text escaped)."""
    now = event.ts or state.last_ts
    parts = [
        _charter(state),
        *_items(state, now),
        _people(state, signals),
        _heat(state, signals),
        _bot_turns(state, now),
        _section("signals", signal_lines(state, signals), "none"),
        _messages(state, now),
    ]
    return "\n".join(parts)


def draft_for(prompts: Prompts, moment: Moment, state: RoomState, event: ChatEvent,
              signals: Signals | None = None) -> str:
    """The rules' wording of a moment ("" when the templates have nothing to say)."""
    try:
        return compose(prompts, moment, state, event, signals=signals)
    except (StopIteration, KeyError, IndexError, ValueError):
        return ""


def candidates_block(prompts: Prompts, moments: list[Moment], state: RoomState,
                     event: ChatEvent, *, rules_count: int, signals: Signals | None = None) -> str:
    """Each candidate with what it is for, when it helps, what it costs, and its draft.
    The first `rules_count` are the rules' own (the first is what the rules would do).
    `signals`: the room's for this event, so the drafts do not compute them again."""
    cards = move_cards(prompts)
    lines = []
    for i, m in enumerate(moments):
        card = cards.get(m.intervention.value)
        attrs: dict[str, object] = {
            "move": m.intervention.value, "to": ",".join(m.to) or "the group",
            "to_names": _names(state, m.to) or None,
            "rules": ("would do this" if i == 0 else "would consider this") if i < rules_count
            else "would let this pass"}
        inner = [tag("why_now", esc(m.reason, 300))]
        if card is not None:
            inner += [tag("for", esc(card.purpose)), tag("helps_when", esc(card.helps)),
                      tag("costs", esc(card.costs))]
        draft = draft_for(prompts, m, state, event, signals)
        inner.append(tag("draft", esc(draft, 700)) if draft else "<draft/>")
        head = tag("candidate", "", **attrs).replace("></candidate>", ">")
        lines.append(head + "".join(f"\n    {x}" for x in inner) + "\n  </candidate>")
    return _section("candidates", lines, "none")


def other_moves(prompts: Prompts, moments: list[Moment], state: RoomState) -> str:
    """The moves not among the candidates that this room allows (its kind, chair and
    charter: policies/defaults.py), each with what it is for: the model may choose one when
    the room needs it."""
    taken = {m.intervention.value for m in moments}
    cards = move_cards(prompts)
    skip = taken | {Intervention.ANSWER.value, Intervention.DECLINE_CAPTURE.value}
    open_moves = [f"- {name}: {card.purpose}" for name, card in cards.items()
                  if name not in skip and blocked(state, Moment(
                      intervention=Intervention(name), reason="")) is None]
    return "\n".join(open_moves) or "(none: this room has the other moves turned off)"
