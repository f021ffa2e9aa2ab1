"""Lighter moves first (issue 19, item 5): a reaction instead of a message, or beside it.

The rooms here turned every move on (`EveryMovePolicy`): the tests are about the form of a
move, not about which moves a kind of room has on by default."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from facilitator.engine import Engine
from facilitator.events import EventKind, RoomRef
from facilitator.memory.store import RoomStore
from facilitator.sim.replay import replay
from tests.helpers import msg
from tests.policy_scenarios import EveryMovePolicy

QUESTION = "Um, so who is handling the insurance certificate for the venue?"
CHATTER = ["The catering menu looks good by the way.", "Yes, the menu has great desserts.",
           "Also the parking passes arrived.", "I'll hand out parking passes Monday.",
           "And the signage is printed.", "Signage looks sharp.", "The chairs come Friday.",
           "Great, and the tables?", "Tables come Thursday.", "Perfect timing then.",
           "I'll tell the caterer.", "Thanks!"]


async def feed(eng: Engine, room: str, lines: list[tuple[str, str, str]]) -> list:
    outcomes = []
    for n, (who, text, mid) in enumerate(lines):
        outcomes.append(await eng.handle(msg(room, who, text, id=mid, ts=1000.0 + 60 * n)))
    return outcomes


def question_then(n: int) -> list[tuple[str, str, str]]:
    lines = [("ann", "Hi all, the venue contract arrived.", "m0"),
             ("bob", "Nice, I'll read it tonight.", "m1"), ("cy", QUESTION, "q")]
    return lines + [(("ann", "bob")[i % 2], CHATTER[i % len(CHATTER)], f"c{i}") for i in range(n)]


async def test_a_waiting_question_still_on_screen_gets_eyes_and_no_message(store: RoomStore) -> None:
    eng = Engine(store, EveryMovePolicy())
    outcomes = await feed(eng, "r", question_then(7))
    [d] = [o.decision for o in outcomes if o.decision.speak]
    assert (d.intervention, d.react, d.react_to, d.text) == ("surface_question", "eyes", "q", None)
    state = await store.get(RoomRef.local("r").key)
    assert state is not None
    assert next(q for q in state.questions if q.id == "q").surfaced
    turn = state.bot_log[-1]
    assert (turn.text, turn.react, turn.react_to) == ("", "eyes", "q")
    # No message: not in the window, not counted in the bot's share of the conversation.
    assert not any(m.is_bot for m in state.window) and state.bot_messages == 0
    # Deleting the question reaches the turn that marked it (its reason names the asker).
    await eng.handle(msg("r", "cy", "", id="del", kind=EventKind.DELETE, target="q", ts=5000.0))
    state = await store.get(RoomRef.local("r").key)
    assert state is not None and state.bot_log[-1].reason == "[removed]"


async def test_a_question_out_of_sight_is_quoted_back_as_a_clean_clause(
        store: RoomStore, monkeypatch: pytest.MonkeyPatch) -> None:
    from facilitator.policies import gate

    eng = Engine(store, EveryMovePolicy())
    # Hold the bot back until the question is well out of view.
    normal = gate.PROFILES[gate.Activity.NORMAL]
    monkeypatch.setitem(gate.PROFILES, gate.Activity.NORMAL,
                        dataclasses.replace(normal, question_wait=10))
    outcomes = await feed(eng, "r2", question_then(12))
    [d] = [o.decision for o in outcomes if o.decision.intervention == "surface_question"]
    assert d.react is None
    assert '"who is handling the insurance certificate for the venue?"' in (d.text or "")


async def test_a_decision_gets_a_check_mark_beside_its_message_or_alone(store: RoomStore) -> None:
    eng = Engine(store, EveryMovePolicy())
    base = [("ann", "The newsletter keeps slipping.", "n0"),
            ("bob", "It does, we never know who writes what.", "n1"),
            ("cy", "It's been late three months in a row.", "n2")]
    quoted = [*base, ("ann", "I propose we rotate the newsletter editor every month.", "p"),
              ("bob", "Agreed, that sounds good.", "n4"), ("cy", "Yes, works for me.", "n5"),
              ("ann", "Great.", "n6")]
    [d] = [o.decision for o in await feed(eng, "d1", quoted) if o.decision.speak]
    assert (d.intervention, d.react, d.react_to) == ("record_decision", "white_check_mark", "p")
    assert "rotate the newsletter editor every month" in (d.text or "")
    # A proposal with nothing to quote (cut off: "let's go with the uh") is recorded with the
    # mark alone. ("Yes, let's do that." had served here: since stop 41 it is a yes to the
    # proposal before it, not a proposal of its own.)
    bare = [*base, ("bob", "ok so let's go with the uh", "p2"),
            ("cy", "Agreed, works for me.", "n5"), ("ann", "I'm in.", "n6"), ("bob", "Great.", "n7")]
    decided = [o.decision for o in await feed(eng, "d2", bare) if o.decision.speak]
    marks = [d for d in decided if d.intervention == "record_decision"]
    assert marks and all(d.text is None and d.react == "white_check_mark" for d in marks)


async def test_on_a_platform_without_reactions_the_bot_says_it_or_stays_silent(
        store: RoomStore) -> None:
    eng = Engine(store, EveryMovePolicy())
    outcomes = []
    for n, (who, text, mid) in enumerate(question_then(7)):
        event = msg("r3", who, text, id=mid, ts=1000.0 + 60 * n)
        event = event.model_copy(update={"room": RoomRef(platform="irc", channel="r3")})
        outcomes.append(await eng.handle(event))
    spoken = [o.decision for o in outcomes if o.decision.speak]
    assert spoken and all(d.react is None and d.text for d in spoken)


async def test_replay_steps_carry_react_only_when_the_bot_reacts(store: RoomStore,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / "chat.jsonl"
    path.write_text("".join(json.dumps({"id": mid, "room": "r", "author": who, "text": text,
                                        "ts": 1000.0 + 60 * n}) + "\n"
                            for n, (who, text, mid) in enumerate(question_then(7))))
    report = await replay(Engine(store, EveryMovePolicy()), [path], bot_name="facilitator")
    steps = json.loads(json.dumps(report["steps"]))  # as `replay --json` prints them
    reacting = [s for s in steps if "react" in s]
    assert len(reacting) == 1
    step = reacting[0]
    assert (step["speak"], step["intervention"], step["text"], step["react"], step["react_to"]) == (
        True, "surface_question", None, "eyes", "q")
    # Every other step keeps the contract's keys, and only those.
    assert all(set(s) == {"id", "room", "speak", "intervention", "text", "reason", "signals"}
               for s in steps if s is not step)
