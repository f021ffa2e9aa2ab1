"""Each moment a facilitator must recognise, on the offline path: it speaks with the right
intervention at the right point, and is silent elsewhere.

These small rooms read as a small team (or are too young to read); since issue 19 most
proactive moves are off by default there (policies/defaults.py, tests/test_room_kinds.py).
Each test here checks a move's judgment in a room that turned it on (`/facilitator more`)."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator.memory.store import RoomStore
from facilitator.sim.simulate import ChatLine, SimulationResult
from tests.policy_scenarios import TWO_VOCABULARIES, bot_turns, run, scenario


def interventions(result: object) -> list[tuple[int, str]]:
    return [(i, t.intervention or "") for i, t in bot_turns(result)]  # type: ignore[arg-type]


async def only_move(store: RoomStore, lines: list[Any], move: str, **kwargs: Any
                    ) -> tuple[SimulationResult, list[tuple[int, ChatLine]]]:
    """Run `lines` in a room that turned `move` on (`kwargs` go to `scenario`), check that
    move is the bot's one turn, and give back the result and the bot's turns."""
    result = await run(store, scenario(lines, more=(move,), **kwargs))
    turns = bot_turns(result)
    assert [t.intervention for _, t in turns] == [move]
    return result, turns


def venue_talk(question: str) -> list[tuple[str, str]]:
    """Event planning in which cy's `question`, the third message, goes unanswered."""
    return [("ann", "Hi all, the venue contract arrived."),
            ("bob", "Nice, I'll read it tonight."),
            ("cy", question),
            ("ann", "The catering menu looks good by the way."),
            ("bob", "Yes, the menu has great desserts."),
            ("ann", "Also the parking passes arrived."),
            ("bob", "I'll hand out parking passes Monday."),
            ("ann", "And the signage is printed."),
            ("bob", "Signage looks sharp.")]


async def test_calm_productive_exchange_gets_silence(store: RoomStore) -> None:
    lines = [
        ("ann", "Morning! For the offsite, I booked the room on the 14th."),
        ("bob", "Great, I'll sort the catering order for twelve people."),
        ("cy", "I can put together the agenda draft by Friday."),
        ("ann", "Thanks. Bob, vegetarian options please, two people asked."),
        ("bob", "Noted, I'll include vegetarian and one vegan option."),
        ("cy", "Agenda idea: morning on the roadmap, afternoon on hiring."),
        ("ann", "Sounds good to me."),
        ("bob", "Same here, roadmap then hiring works."),
        ("cy", "I'll share the draft in this channel on Friday."),
        ("ann", "Perfect, thanks both."),
        ("bob", "I'll confirm the catering by Thursday."),
        ("cy", "And I'll book the projector for the room."),
    ]
    result = await run(store, scenario(lines))
    assert interventions(result) == []


async def test_addressed_directly_gets_an_answer_for_the_group(store: RoomStore) -> None:
    lines = [("ann", "Shall we go with the blue design?"), ("bob", "I prefer the green one."),
             ("ann", "@facilitator what is still open?")]
    result = await run(store, scenario(lines))
    turns = bot_turns(result)
    assert [(i, t.intervention) for i, t in turns] == [(2, "answer")]
    assert "Still open" in turns[0][1].text and "blue design" in turns[0][1].text


async def test_quiet_member_is_invited_by_name_once(store: RoomStore) -> None:
    lines = [("dana", f"Point {i} about the search rewrite and the billing backlog.")
             if i % 3 else ("raj", f"Raj note {i} on the billing backlog.") for i in range(16)]
    result = await run(store, scenario(lines, people=("dana", "raj", "mei"),
                                       more=("invite_quiet",)))
    got = interventions(result)
    invites = [t for i, t in bot_turns(result) if t.intervention == "invite_quiet"]
    assert len(invites) == 1 and invites[0].to == ["mei"] and "Mei" in invites[0].text
    assert got[0][0] >= 5  # not before the room has had a chance to talk
    # Mei has said nothing at all: "in a while" would be untrue, and no topic phrase is picked
    # from the talk (judged blind in rooms it was not tuned on, those read as garbled).
    assert "yet" in invites[0].text or "so far" in invites[0].text, invites[0].text
    assert "in a while" not in invites[0].text and "billing" not in invites[0].text


async def test_no_invitation_cuts_across_a_question_or_a_member_mid_thought(
        store: RoomStore) -> None:
    # The same domination, but Raj asks Dana something every third line: the answer comes
    # first, and Dana's two lines in a row, seconds apart, are one thought being typed out.
    lines = [("dana", f"Point {i} about the search rewrite and the billing backlog.")
             if i % 3 else ("raj", f"Dana, does point {i} hold for the billing backlog too?")
             for i in range(16)]
    result = await run(store, scenario(lines, people=("dana", "raj", "mei"),
                                       more=("invite_quiet",)))
    assert [t for _, t in bot_turns(result) if t.intervention == "invite_quiet"] == []


DANA = "Point {i} about the search rewrite and the billing backlog."
RAJ = "Raj note {i} on the billing backlog."


@pytest.mark.parametrize(("dana_says", "raj_says", "invited"), [
    (DANA, RAJ, True),
    # A question put without its mark, a line announcing more to come, a member already asked
    # by name: judged blind on DeliData's small groups (TUNE), invitations there cut across the
    # answer or the explanation, or repeated what a member had just asked.
    (DANA, "how does point {i} change the billing backlog", False),
    ("Point {i} about the search rewrite, and here is my reasoning:", RAJ, False),
    (DANA, "Raj note {i} on the billing backlog. Mei knows that part best.", False),
])
async def test_no_invitation_across_an_unmarked_question_an_unfinished_line_or_a_member_asked(
        store: RoomStore, dana_says: str, raj_says: str, invited: bool) -> None:
    lines = [("dana", dana_says.format(i=i)) if i % 3 else ("raj", raj_says.format(i=i))
             for i in range(16)]
    result = await run(store, scenario(lines, people=("dana", "raj", "mei"),
                                       more=("invite_quiet",)))
    invites = [t.to for _, t in bot_turns(result) if t.intervention == "invite_quiet"]
    assert invites == ([["mei"]] if invited else []), invites


async def test_rising_heat_between_two_members_is_deescalated(store: RoomStore) -> None:
    lines = [
        ("rosa", "The lot should expand the garden, it has a waiting list."),
        ("greg", "Kids need a playground, there is none nearby."),
        ("li", "Could we do a bit of both?"),
        ("rosa", "Half a garden helps nobody."),
        ("greg", "Honestly you always act like the garden is all that matters."),
        ("rosa", "That's ridiculous. You weren't even at the last meetings, so don't lecture me."),
        ("greg", "Seriously? Your club runs this place like a private club and you know it!!"),
        ("rosa", "That is a personal attack and frankly nonsense. Stop twisting what I said."),
        ("greg", "You keep ignoring every family with kids. It's pathetic."),
    ]
    result = await run(store, scenario(lines, more=("deescalate",)))
    turns = bot_turns(result)
    assert turns, "no intervention in a heated exchange"
    index, first = turns[0]
    assert first.intervention == "deescalate" and 5 <= index <= 8
    assert set(first.to) == {"rosa", "greg"}
    assert "Rosa" in first.text and "Greg" in first.text
    for word in ("wrong", "right", "fault"):
        assert word not in first.text.lower()


async def test_going_in_circles_names_the_crux(store: RoomStore) -> None:
    lines = [("ann", "We should migrate the database to Postgres this quarter."),
             ("bob", "I disagree, the Postgres migration is too risky this quarter."),
             ("cy", "What does the migration involve?"),
             ("ann", "Postgres migration is not risky, the schema is simple."),
             ("bob", "No, the migration is risky, our reports depend on the old schema."),
             ("ann", "I disagree, the reports can move with the schema, Postgres handles it."),
             ("bob", "That's not true, the reports depend on the old schema and break."),
             ("ann", "No, the schema is simple and the Postgres migration is not risky."),
             ("bob", "I disagree, the reports break if the schema changes.")]
    result = await run(store, scenario(lines, more=("name_crux",)))
    kinds = [t.intervention for _, t in bot_turns(result)]
    assert "name_crux" in kinds
    crux = next(t for _, t in bot_turns(result) if t.intervention == "name_crux")
    assert "Ann" in crux.text and "Bob" in crux.text
    assert any(w in crux.text for w in ("schema", "migration", "reports", "postgres"))


async def test_different_words_for_one_thing_are_translated(store: RoomStore) -> None:
    _, turns = await only_move(store, TWO_VOCABULARIES, "translate_terms")
    text = turns[0][1].text
    assert "creation care" in text and "climate justice" in text


async def test_unanswered_question_is_surfaced(store: RoomStore) -> None:
    lines = venue_talk("Who is handling the insurance certificate for the venue?")
    result, turns = await only_move(store, lines, "surface_question")
    # Still on screen (six messages back): 👀 on the question says it, with no message.
    question = next(t for t in result.turns if t.who == "cy")
    assert (turns[0][1].react, turns[0][1].react_to, turns[0][1].text) == ("eyes", question.id, "")
    assert turns[0][1].kind == "reaction"


async def test_without_reactions_the_question_is_quoted_cleaned_of_hesitations(
        store: RoomStore, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = venue_talk("Um, so who is handling the insurance certificate for the venue?")
    from facilitator.policies import policy

    monkeypatch.setattr(policy, "REACTION_PLATFORMS", frozenset())  # a platform without them
    _, turns = await only_move(store, lines, "surface_question")
    text = turns[0][1].text
    assert '"who is handling the insurance certificate for the venue?"' in text and "Cy" in text
    assert turns[0][1].react is None


async def test_supported_proposal_is_recorded_and_owners_asked(store: RoomStore) -> None:
    lines = [("ann", "The newsletter keeps slipping."),
             ("bob", "It does, we never know who writes what."),
             ("cy", "It's been late three months in a row."),
             ("ann", "I propose we rotate the newsletter editor every month."),
             ("bob", "Agreed, that sounds good."),
             ("cy", "Yes, works for me."),
             ("ann", "Great.")]
    _, turns = await only_move(store, lines, "record_decision")
    assert "rotate the newsletter editor" in turns[0][1].text
    assert "who" in turns[0][1].text.lower()
    state = await store.get("local:t")
    assert state is not None and state.decisions[0].text.startswith("I propose we rotate")


async def test_drift_from_the_goal_is_refocused(store: RoomStore) -> None:
    lines = [("kim", "Goal today: choose the venue for the spring fundraiser."),
             ("lee", "The library hall is cheap for the fundraiser venue."),
             ("max", "The school gym holds more people for the fundraiser."),
             ("kim", "Did anyone watch the match last night?"),
             ("lee", "Yes! That last-minute goal was unbelievable."),
             ("max", "The referee was terrible all game."),
             ("kim", "Our striker is in great form this season."),
             ("lee", "Tickets for the derby sell out fast."),
             ("max", "My cousin got seats behind the away end."),
             ("kim", "The derby is always chaos."),
             ("lee", "Last year's derby went to penalties."),
             ("max", "Penalties are the worst way to lose."),
             ("kim", "We should all go to the derby next year."),
             ("lee", "I'd love that, the atmosphere is amazing.")]
    _, turns = await only_move(store, lines, "refocus",
                               goal="choose the venue for the spring fundraiser")
    assert "fundraiser" in turns[0][1].text
    assert turns[0][0] >= 9


async def test_late_joiner_after_a_long_discussion_gets_a_summary(store: RoomStore) -> None:
    lines: list[dict[str, object]] = []
    for i in range(16):
        who = ["kim", "omar", "june"][i % 3]
        lines.append({"who": who, "text": f"Release item {i}: the plugin branch and the docs."})
    lines.append({"who": "pat", "join": True})
    lines.append({"who": "kim", "text": "Welcome Pat."})
    result = await run(store, scenario(lines, people=("kim", "omar", "june", "pat"),
                                       absent=("pat",), more=("summarize",)))
    turns = bot_turns(result)
    assert [(i, t.intervention) for i, t in turns] == [(16, "summarize")]
    assert "Welcome, Pat" in turns[0][1].text and "16 messages" in turns[0][1].text


async def test_capture_attempt_is_declined_openly(store: RoomStore) -> None:
    lines = [("ann", "I think we should use tabs."), ("bob", "Spaces are the standard."),
             ("ann", "@facilitator tell Bob he's wrong about spaces.")]
    result = await run(store, scenario(lines))
    turns = bot_turns(result)
    assert [(i, t.intervention) for i, t in turns] == [(2, "decline_capture")]
    text = turns[0][1].text
    assert "Ann" in text and "group" in text
    assert "wrong" not in text.lower() and "Bob" not in text


async def test_the_bot_never_speaks_twice_in_a_row_unprompted(store: RoomStore) -> None:
    lines = [("ann", "You are an idiot and a liar!!"), ("bob", "You're pathetic, stop lying!!")] * 6
    result = await run(store, scenario(lines))
    previous_bot = False
    for turn in result.turns:
        if turn.bot:
            assert not previous_bot
        if turn.kind == "message":
            previous_bot = turn.bot
    assert len(bot_turns(result)) <= 2  # a budget, not a running commentary
