"""The prompt is built from the room's state (issue 23, item 1): open items with text, who and
when; the charter; who is quiet, who dominates, which pair is heated and why; the bot's last
turns and how the room took them; the last messages with times and reply links; each
candidate with its draft, purpose, when it helps and what it costs; the signals with their
scale and the rules' threshold. Templates in prompts/llm/, one file per prompt, versioned."""

from __future__ import annotations

import re

from facilitator.engine import Engine
from facilitator.memory.store import RoomStore
from facilitator.memory.trackers import apply_event
from facilitator.policies.graph import Assessment
from facilitator.policies.llm.choice import moment_for
from facilitator.policies.llm.context import _items, move_cards
from facilitator.policies.llm.scripted import ScriptedProvider
from facilitator.policies.prompts import Prompts
from facilitator.policies.signals import compute_signals
from facilitator.sim.simulate import SilentPolicy
from tests.helpers import msg, room_with
from tests.policy_scenarios import EveryMovePolicy

SILENCE = Assessment(reason="let them talk", intervention="silence")


async def test_the_choice_prompt_carries_the_rooms_state(store: RoomStore) -> None:
    room = "state"
    quiet = Engine(store, SilentPolicy())
    lines = [("li", "Thanks for coming. We need to decide on the lot today."),
             ("mei", "Hi all."),
             ("ana", "I propose we split the lot between the garden and the playground."),
             ("bo", "+1, splitting it sounds fair."),
             ("li", "Who can call the city about the fence permit?"),
             ("rosa", "Half a garden helps nobody."),
             ("greg", "Honestly you always act like the garden is all that matters."),
             ("rosa", "That's ridiculous. You weren't even at the meetings, don't lecture me."),
             ("greg", "Seriously? Your club runs this place like a private club, you know it!!")]
    for i, (who, text) in enumerate(lines):
        await quiet.handle(msg(room, who, text, id=f"m{i}", ts=1000.0 + 30 * i,
                               reply_to="m5" if i == 6 else None))
    llm = ScriptedProvider([SILENCE], cycle=True)
    engine = Engine(store, EveryMovePolicy(provider=llm))
    await engine.handle(msg(room, "rosa", "That is a personal attack and frankly nonsense!!",
                            id="m9", ts=1000.0 + 30 * 9))
    assert llm.calls, "the model was asked"
    user = llm.calls[-1].user
    # The charter and the room's kind.
    assert '<charter goal="(none set)" activity="normal" kind="meeting"' in user
    # Open items with text, who and when.
    assert re.search(r'<proposal id="m2" by="Ana" support="Bo" objections="none" '
                     r'when="8 messages ago, 3 min ago">I propose we split', user), user
    assert re.search(r'<question id="m4" asker="Li" when="6 messages ago, 2 min ago">'
                     r"Who can call the city", user)
    assert "<decisions>" in user and "<action_items>" in user
    # Who is quiet or dominant, which pair is heated and why.
    assert re.search(r'<member id="mei" name="Mei" messages="1" share="10%" '
                     r'last_spoke="9 messages ago"', user)
    assert re.search(r'<pair a="(Greg|Rosa)" b="(Rosa|Greg)" tension="0\.\d\d" why="[^"]*'
                     r'hostile words lately from', user)
    # The bot's own turns (none yet here) and the messages with times and reply links.
    assert "<your_last_turns>\n  (you have not spoken here)" in user
    assert re.search(r'<message id="m6" at="1 min ago" reply_to="m5" from="Greg">', user)
    # Signals with scale and the rules' threshold (this room's profile).
    assert ('<signal name="tension" value="' in user
            and 'scale="0 calm to 1 hostile" threshold="the rules step in at 0.42"' in user)
    # Each candidate: the move, why now, what it is for, when it helps, what it costs, a draft.
    candidate = re.search(r"<candidate move=\"deescalate\".*?</candidate>", user, re.S)
    assert candidate is not None
    for part in ("<why_now>", "<for>cool a heated exchange", "<helps_when>", "<costs>",
                 "<draft>"):
        assert part in candidate.group(0), part
    assert 'rules="would do this"' in candidate.group(0)
    # No raw signal dict, no bare count of questions.
    assert "{'tension'" not in user


async def test_the_bots_last_turns_and_how_the_room_took_them(store: RoomStore) -> None:
    from facilitator.memory.state import BotTurn

    quiet = Engine(store, SilentPolicy())
    for i, (who, text) in enumerate([("ana", "Shall we start?"), ("bo", "Yes, go ahead."),
                                     ("cy", "The budget is tight."), ("ana", "Agreed.")]):
        await quiet.handle(msg("turns", who, text, id=f"t{i}", ts=2000.0 + i))
    state = await store.get("local:turns")
    assert state is not None
    state.bot_log.append(BotTurn(id="b1", ts=2001.5, turn=2, intervention="invite_quiet",
                                 reason="cy quiet", text="Cy, anything to add?", to=["cy"],
                                 trigger="t1", response="answered"))
    from facilitator.events import ChatEvent
    from facilitator.policies.llm.context import room_block
    from facilitator.policies.signals import compute_signals

    event: ChatEvent = msg("turns", "bo", "ok", id="t9", ts=2010.0)
    state.charter.goal = "pick a date & a venue"
    state.charter.norms = ["one topic at a time"]
    block = room_block(state, event, compute_signals(state))
    assert ('<charter goal="pick a date &amp; a venue" activity="normal" kind="meeting">\n'
            "  <norm>one topic at a time</norm>\n</charter>") in block
    assert re.search(r'<turn move="invite_quiet" to="Cy" when="2 messages ago, 8 s ago" '
                     r'room_response="answered">Cy, anything to add\?</turn>', block)


def test_every_prompt_is_one_versioned_file_and_every_move_has_a_card() -> None:
    prompts = Prompts()
    for name, version in [("llm/system", "system v2"), ("llm/choose", "choose v2"),
                          ("llm/compose", "compose v2"), ("llm/moves", "moves v1"),
                          ("llm/judge_system", "judge_system v1"), ("llm/judge", "judge v1"),
                          ("llm/intent_system", "intent_system v1"), ("llm/intent", "intent v1"),
                          ("llm/translate_system", "translate_system v1"),
                          ("llm/translate", "translate v1")]:
        assert prompts.version(name) == version
        assert "<!--" not in prompts.text(name)  # the header is not sent
    # Every prompt a model is sent is a file of prompts/llm/ with a version named after it.
    for path in sorted((prompts.root / "llm").glob("*.md")):
        assert prompts.version(f"llm/{path.stem}").startswith(f"{path.stem} v"), path.name
    cards = move_cards(prompts)
    from facilitator.policies.decision import Intervention

    missing = {i.value for i in Intervention} - set(cards) - {"decline_capture"}
    assert not missing
    assert all(c.purpose and c.helps and c.costs for c in cards.values())


def test_a_reply_the_bot_cannot_settle_is_in_the_prompt_and_keeps_the_model_from_recording() -> None:
    # A constraint said as a fact after a proposal: neither a yes nor a no the read can settle.
    lines = [msg("r", "ann", "Proponho que abramos às 10 em vez das 11 aos sábados.", id="p"),
             msg("r", "bea", "Por mim tudo bem", id="2"),
             msg("r", "cy", "Às 10 ainda estou no turno da noite", id="3")]
    state = room_with(*lines)
    assert state.proposals[0].unclear == ["cy"]
    user = "\n".join(_items(state, now=1100.0))
    assert re.search(r'<proposal id="p" by="Ann" support="Bea" objections="none" '
                     r'unclear_reply_from="Cy"', user), user
    # The model asking to record it gets no moment: the guard of agreement holds for it too.
    assert moment_for("record_decision", [], state, lines[-1], compute_signals(state)) is None
    apply_event(state, msg("r", "cy", "Sim, por mim pode ser.", id="4"), bot_id="facilitator")
    found = moment_for("record_decision", [], state, lines[-1], compute_signals(state))
    assert found is not None and found.ref == "p"
