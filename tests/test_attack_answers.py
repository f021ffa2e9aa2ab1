"""Answers to attacks with the fitted attack reader (issue 19): precision first.

Answered only when the author's own words say something hostile of a present member, the
exchange is not mutual and the author is not keeping order (policies/attack_answer.py).
The rooms are the test's own, in the style of heated issue threads and talk pages."""

from __future__ import annotations

from facilitator.memory.store import RoomStore
from tests.policy_scenarios import bot_turns, run, scenario

PEOPLE = ("dana", "ravi", "ines", "omar")


async def answers(store: RoomStore, lines: list[tuple[str, str]]) -> list:  # type: ignore[type-arg]
    result = await run(store, scenario(lines, people=PEOPLE, more=("answer_attack",)),
                       attack_read="fitted")
    return [(i, t) for i, t in bot_turns(result) if t.intervention == "deescalate"]


async def test_a_plain_insult_at_a_present_member_is_answered_to_the_attacker_alone(
        store: RoomStore) -> None:
    lines = [("dana", "The 2.3 release breaks the config loader when the path has spaces."),
             ("ravi", "I can reproduce it on Windows, the loader splits the path on spaces."),
             ("dana", "Should we patch the loader or quote the path in the docs for now?"),
             ("ravi", "You're absolutely clueless. Nobody here asked for your nonsense.")]
    turns = await answers(store, lines)
    assert [(i, t.to) for i, t in turns] == [(3, ["ravi"])]
    text = turns[0][1].text
    assert text.startswith("Ravi") and "Dana" in text
    assert "both" not in text.lower() and "between" not in text.lower() and "?" not in text


async def test_a_mutual_exchange_is_not_answered_on_one_side(store: RoomStore) -> None:
    lines = [("ines", "I reverted the section, the two blog posts are not reliable sources."),
             ("omar", "You're a pathetic liar, those posts are from a newspaper."),
             ("ines", "The caption keeps the old date, and the map is from 1890."),
             ("omar", "I fixed the date in the caption and added the newspaper citation."),
             ("ines", "You are an ignorant fool and you clearly never read the sources.")]
    turns = await answers(store, lines)
    # Omar's insult may be answered; Ines's, after Omar's, is one side of a mutual exchange.
    assert all(i != 4 for i, _ in turns)
    assert all(t.to != ["ines"] for _, t in turns)


async def test_criticism_of_a_source_is_not_answered(store: RoomStore) -> None:
    lines = [("dana", "I added the Telegraph column as the source for the office claim."),
             ("ravi", "That crappy column is a blatant exaggeration of the study, and the "
                      "Washington Post piece is garbage too."),
             ("dana", "Which part of the study does it exaggerate?"),
             ("ravi", "The study measured one office. These articles are ridiculous nonsense.")]
    assert await answers(store, lines) == []


async def test_quoted_words_are_not_read_as_the_author_attacking(store: RoomStore) -> None:
    lines = [("ines", "The witness statement is in the trial transcript, day two."),
             ("omar", 'The transcript says "you keep it up I\'m going to kick your ass, you '
                      'stupid idiot", which is a threat, not a chase.')]
    assert await answers(store, lines) == []


async def test_a_member_keeping_order_is_not_answered(store: RoomStore) -> None:
    # Omar keeps order here (read as chairing: he hands out turns and moves items); his
    # warning, however sharp, is his job, not an attack.
    lines = [("omar", "Let's start with the loader bug. Dana, what did you find?"),
             ("dana", "The loader splits the path on spaces."),
             ("omar", "Thanks. Ravi, can you take the Windows side?"),
             ("ravi", "Yes, I'll test it tonight."),
             ("omar", "Good. Next item: the docs. Ines, your turn."),
             ("ines", "The docs need a note about quoting paths."),
             ("omar", "Thanks Ines. Dana, anything else on the loader?"),
             ("dana", "No, that's all from me."),
             ("omar", "Next item then: the release date. Ravi?"),
             ("ravi", "Friday works if the patch lands tomorrow."),
             ("dana", "Ravi, you're being a useless idiot about the release again."),
             ("omar", "Final warning, Dana: you're being disruptive and nasty. Stop it now.")]
    turns = await answers(store, lines)
    assert all(t.to != ["omar"] for _, t in turns)
