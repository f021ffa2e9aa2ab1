"""Words that make sense (issue 19, item 6): the slot and text checks, and the composer using them."""

from __future__ import annotations

import pytest

from facilitator.policies.guard import match_template, slot_problem, text_problems
from facilitator.policies.prompts import Prompts
from facilitator.reading.clauses import aligned, clean, key_phrases, phrase_problem, quotable, quote_problem

PROMPTS = Prompts()


# ---------------------------------------------------------------- topics


@pytest.mark.parametrize("phrase, sources, names, why", [
    # a piece of a word: the text was cut mid-word before the phrases were drawn
    ("irst-run wizard", ["an optional first-run wizard would be nice"], (), "whole words"),
    # words of two messages joined
    ("wizard please", ["the wizard is slow", "please look"], (), "whole words"),
    ("RITY RELATED", ["SECURITY RELATED? Post it here"], (), "shouted"),
    ("Torsten Paul", ["I asked Torsten Paul about it"], (), "capitalised"),
    ("Ready", ["Ready? Let's go"], (), "capitalised"),
    ("Server Server", ["Server Server errors"], (), "repeated"),
    ("2021", ["it broke in 2021"], (), "digits"),
    ("Mm-hmm", ["Mm-hmm."], (), "hesitation"),
    ("card of", ["the card of mine"], (), "fragment"),
    # a verb phrase: never named as a thing
    ("add sudo", ["just add sudo before it", "add sudo and retry"], (), "named as a thing"),
    ("bob's laptop", ["bob's laptop is broken"], ("bob",), "names a member"),
    ("Dana Scully", ["Dana Scully said so"], ("Dana Scully",), "names a member"),
])
def test_a_topic_that_is_no_whole_phrase_is_refused(phrase: str, sources: list[str],
                                                     names: tuple[str, ...], why: str) -> None:
    problem = phrase_problem(phrase, names=names, sources=sources)
    assert problem is not None and why in problem


@pytest.mark.parametrize("phrase, sources", [
    ("wifi card", ["my wifi card stopped working"]),
    ("first-run wizard", ["an optional first-run wizard would be nice"]),
    ("c++ compiler", ["is the c++ compiler too old?"]),
    ("GRUB", ["after an update GRUB shows a blank screen"]),  # an acronym is not shouting
    ("heat islands", ["Heat islands has good data", "a study of heat islands"]),
])
def test_a_whole_phrase_of_one_message_passes(phrase: str, sources: list[str]) -> None:
    assert phrase_problem(phrase, sources=sources) is None


def test_key_phrases_come_from_whole_words_of_one_message() -> None:
    # Older messages past the size limit are left out whole, never cut mid-word.
    filler = "the first-run wizard crashes on start " * 150
    texts = [filler, "SECURITY RELATED? Post it here", "my wifi card keeps dropping",
             "the wifi card driver is old", "Ready? the driver update fixed nothing"]
    for phrase in key_phrases(texts, n=6):
        assert phrase_problem(phrase, sources=texts) is None, phrase
        assert any(aligned(phrase, [t]) for t in texts)


# ---------------------------------------------------------------- quotes


@pytest.mark.parametrize("text, want, said", [
    ("Mm. Yeah we Is it possible to um get a battery?", "question", "Is it possible to get a battery?"),
    ("Mm. Yeah we Is it possible to um …", "question", ""),  # cut by the bot's memory
    ("What what overall things have we not decided on?", "question",
     "what overall things have we not decided on?"),
    ("hey anyone use torrents? In the seeds column what does the number mean....I assumed so.",
     "question", "anyone use torrents?"),
    ("so the new ubu comes out ..?", "question", "the new ubu comes out?"),
    ("HOW DO I INSTALL THE DRIVER???", "question", ""),  # shouting is not quoted back
    ("Yes, let's do that.", "proposal", ""),  # nothing to say without its context
    ("The newsletter keeps slipping. I propose we rotate the editor every month.", "proposal",
     "I propose we rotate the editor every month."),
    ("Proposal: we move the standup to 9:30 from next week.", "proposal",
     "we move the standup to 9:30 from next week."),  # what was proposed, not its heading
    ('is it called "uri-old" because there\'s a new thing?', "question",
     "is it called 'uri-old' because there's a new thing?"),
])
def test_a_quote_is_one_whole_clause_cleaned_of_hesitations(text: str, want: str, said: str) -> None:
    assert quotable(text, want=want) == said
    if said:
        assert quote_problem(said, sources=[text]) is None


@pytest.mark.parametrize("quote, why", [
    ("Is it possible to", "cut short"),
    ("where can I find the difference between the", "cut short"),
    ("Um how does everyone feel about the pens?", "hesitation"),
    ("Yeah we Is it possible to get one?", "restart"),
    ("that is a a problem for us", "repeated"),
    ("Any idea how to get that repos comman…", "cut short"),
    ("what can I do about this?", "no content word"),
])
def test_a_broken_quote_is_refused(quote: str, why: str) -> None:
    problem = quote_problem(quote)
    assert problem is not None and why in problem


def test_cleaning_keeps_the_members_words_otherwise() -> None:
    assert clean("So, um, what about the um battery um?") == "what about the battery?"
    assert clean("We we've just been talking, how do we generate queries?") == (
        "we've just been talking, how do we generate queries?")


# ---------------------------------------------------------------- whole texts


def test_the_template_is_found_and_each_slot_checked_by_its_kind() -> None:
    text = ("We seem to be circling. If I read it right, Tina and Omar disagree mainly about "
            'what to do about "Server Server". Can we take that one question head-on — what would '
            "it take to settle it?")
    assert match_template(text, PROMPTS) == (
        "name_crux", {"a": "Tina", "b": "Omar", "crux": 'what to do about "Server Server"'})
    problems = text_problems(text, templates=PROMPTS)
    assert [(p.where, p.why) for p in problems] == [("crux", "a repeated word")]
    fine = text.replace("Server Server", "wifi card")
    assert text_problems(fine, templates=PROMPTS, sources=["my wifi card drops"]) == []


def test_a_quote_cut_short_or_with_quotes_inside_is_caught() -> None:
    text = ('Still unanswered from ann: "when I hit "next" in Parole it fast forwards". If anyone '
            "knows, it's worth a reply.")
    assert [p.why for p in text_problems(text, templates=PROMPTS)] == ["a quote inside the quote"]
    assert text_problems('Bringing back: "how do I install the driver for my wifi c…". Anyone?')


def test_a_term_of_the_bots_vocabulary_is_no_quote_of_a_message() -> None:
    text = ('A quick note on words: dr_osei says "patient" and lina says "end user" — I think you '
            "both mean the people the product serves. Is that right, or is there a real "
            "difference between the two?")
    assert text_problems(text, sources=["the patients who miss appointments"],
                         templates=PROMPTS) == []


def test_slot_kinds() -> None:
    assert slot_problem("name", "") == "no name"
    assert slot_problem("crux", 'what to do about "Akhtar Rizvi"') is not None
    assert slot_problem("interest_a", "wifi card and kernel update") is None
    assert slot_problem("interest_a", "wifi card and Ubuntu") is not None
    assert slot_problem("question", "Is it possible to") is not None


def test_french_typography_is_no_gap() -> None:
    """French sets a space before ";": the French settings decline and help lines were held
    back as "a gap where a slot was" (silence on first contact, issue 20's second batch)."""
    from facilitator.locale import decline_line, line
    from facilitator.policies.guard import text_problems

    for said in (decline_line("settings_alone", "fr", asker="Greta"),
                 line("help", "fr", asker="Greta")):
        assert " ; " in said
        assert text_problems(said, lang="fr") == [], said
        assert text_problems(said, lang="en") != []  # in an English line it is a gap
