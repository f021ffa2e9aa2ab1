"""Requests the bot serves by a move in the room, not a readout (issue 20, item 3).

- "Give everyone a turn" / "make some space for Dana": the bot invites the quiet members (or
  the one named), the way its `invite_quiet` move does, with the same guards: present, not
  into a fight, not a stranger in a big room.
- "Note that down" / "please record that we decided X": recorded when the room's record shows
  the agreement (support from someone besides the proposer, no objection standing), else the
  bot says what is missing; one member's word is never the group's decision.
- Two members asking the bot to change its settings within a few messages are the room
  asking (the rule `/facilitator` and `more`/`less` use: one asks in the open, a second
  seconds): not declined "on one member's word".

Each test plays a small room through the real engine and offline policy (a real embedded
Valkey) and checks what a member sees, and what the room's record keeps. The requests are
read by the readers as they stand (the fitted read names these services); the phrasings were
written for these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from facilitator.engine import Engine, Outcome
from facilitator.events import EventKind, RoomRef
from facilitator.memory.state import RoomState
from facilitator.memory.store import RoomStore
from facilitator.memory.trackers import apply_event
from facilitator.policies import gate
from facilitator.policies.policy import FacilitatorPolicy
from facilitator.policies.signals import compute_signals
from facilitator.reading.intent_labels import Intent, Kind, RequestRead
from facilitator.reading.language import detect_language
from facilitator.reading.requests import Service
from facilitator.reading.requests import read_request as read_lexicon
from facilitator.sim.replay import replay
from tests.helpers import msg, room_with

# Ann and Bob hold the floor; Cy and Dana said one thing each at the start.
VENUE = [("ann", "The venue contract arrived today."),
         ("bob", "Great, I'll read it tonight."),
         ("cy", "Do we have a budget cap?"),
         ("dana", "I can check the catering options."),
         ("ann", "The lake house is cheaper than the hotel."),
         ("bob", "But the hotel is closer to the station."),
         ("ann", "Trains run hourly to the lake though."),
         ("bob", "Hourly is fine for most people."),
         ("ann", "Then the lake house it could be."),
         ("bob", "Let's see the prices first.")]
READOUT = ("One way to take it", "A process that often helps", "What the group has decided",
           "for this room I keep", "Here's where things stand")


async def play(store: RoomStore, room: str, lines: list[tuple[str, str]],
               ) -> tuple[Outcome, RoomState]:
    engine = Engine(store, FacilitatorPolicy())
    outcome = None
    for n, (who, text) in enumerate(lines):
        outcome = await engine.handle(msg(room, who, text, id=f"{room}-{n}", ts=1000.0 + 30 * n))
    state = await store.get(RoomRef.local(room).key)
    assert outcome is not None and state is not None
    return outcome, state


def said(outcome: Outcome, *, readout: bool = False) -> str:
    """What the members saw; no readout in place of the move unless `readout`."""
    d = outcome.decision
    assert d.speak and d.text, d.reason
    assert readout or not any(r in d.text for r in READOUT), d.text
    return d.text


# ---- give everyone a turn ---------------------------------------------------------------------

async def test_give_the_quieter_ones_a_turn_invites_them_by_name(store: RoomStore) -> None:
    out, state = await play(store, "turn", [
        *VENUE, ("ann", "@facilitator please give the quieter folks a chance to speak")])
    text = said(out)
    assert out.decision.intervention == "invite_quiet"
    assert "Cy" in text and "Dana" in text and "Bob" not in text and "Ann" not in text
    assert sorted(out.decision.to) == ["cy", "dana"]
    # Invited as the move invites: the room remembers it, and won't call on them again at once.
    assert state.participants["dana"].invited_turn == state.human_messages
    again, _ = await play(store, "turn", [
        ("ann", "@facilitator please give the quieter folks a chance to speak")])
    assert again.decision.intervention != "invite_quiet"


async def test_make_some_space_for_a_named_member_invites_that_member(store: RoomStore) -> None:
    out, _ = await play(store, "named", [*VENUE[:8],
                                         ("cy", "@facilitator can you make some space for Dana?")])
    text = said(out)
    assert out.decision.intervention == "invite_quiet" and out.decision.to == ["dana"]
    assert text.startswith("Dana,") or "from Dana" in text
    assert "Cy" not in text  # the asker is not put on the spot


async def test_the_members_named_as_holding_the_floor_are_not_the_ones_invited(
        store: RoomStore) -> None:
    out, _ = await play(store, "floor", [
        *VENUE[:8], ("cy", "@facilitator it's been Ann and Bob for ages, can you let the others in?")])
    text = said(out)
    assert out.decision.to == ["dana"] and "Dana" in text
    assert "Ann" not in text and "Bob" not in text


async def test_when_the_room_cannot_tell_who_holds_the_floor_nobody_named_is_called_on(
        store: RoomStore) -> None:
    # Each has said one thing: "Ana and Ben have been doing all the talking" is the asker's
    # view, not what the room shows, so neither they nor Cy are put on the spot by name.
    out, _ = await play(store, "tie", [
        ("ana", "Proposal: we move the hike to Sunday morning."),
        ("ben", "Agreed, Sunday works for me."),
        ("cy", "Sunday is fine."),
        ("ed", "@facilitator could you make some space for Cy? Ana and Ben have been doing "
               "all the talking.")])
    assert out.decision.intervention != "invite_quiet"
    assert not {"ana", "ben", "cy"} & set(out.decision.to)


async def test_a_turn_in_another_language_invites_the_member_named(store: RoomStore) -> None:
    out, _ = await play(store, "es", [
        ("ana", "El sábado salimos a las siete."), ("beto", "Mejor a las seis y media."),
        ("caro", "¿Quién lleva el botiquín?"), ("dani", "Yo llevo agua."),
        ("ana", "Vale, seis y media."), ("beto", "Y comemos en el refugio."),
        ("ana", "Perfecto."), ("beto", "Yo llevo los mapas."),
        ("beto", "@facilitator dale la palabra a Dani, por favor")])
    assert out.decision.intervention == "invite_quiet" and out.decision.to == ["dani"]
    assert "Dani" in said(out)


async def test_no_invitation_into_a_fight(store: RoomStore) -> None:
    out, _ = await play(store, "fight", [
        *VENUE[:6], ("ann", "You're an idiot, Bob, that's a stupid idea."),
        ("bob", "Shut up Ann, nobody asked you."),
        ("cy", "@facilitator can you make some space for Dana?")])
    text = said(out)
    assert out.decision.intervention == "answer" and out.decision.to == ["cy"]
    assert "Dana" not in text and "heated" in text


async def test_a_member_who_left_is_not_called_on(store: RoomStore) -> None:
    engine = Engine(store, FacilitatorPolicy())
    for n, (who, text) in enumerate(VENUE[:8]):
        await engine.handle(msg("left", who, text, ts=1000.0 + n))
    await engine.handle(msg("left", "dana", "", kind=EventKind.LEAVE, ts=1010.0))
    out = await engine.handle(msg("left", "cy", "@facilitator can you make some space for Dana?",
                                  ts=1011.0))
    text = said(out)
    assert out.decision.intervention == "answer"
    assert "Dana isn't in the room right now" in text


async def test_a_stranger_in_a_big_room_is_not_called_on_by_name(store: RoomStore) -> None:
    engine = Engine(store, FacilitatorPolicy())
    for n in range(9):  # nine members in, one of them has never spoken
        await engine.handle(msg("big", f"m{n}", "", kind=EventKind.JOIN, ts=900.0 + n))
    for n, (who, text) in enumerate(VENUE):
        await engine.handle(msg("big", who, text, ts=1000.0 + n))
    out = await engine.handle(msg("big", "cy", "@facilitator can you make some space for M3?",
                                  ts=1020.0))
    text = said(out)
    assert out.decision.intervention == "answer" and "M3" not in text
    assert "before they've spoken here" in text


async def test_when_nobody_is_left_out_the_bot_says_so(store: RoomStore) -> None:
    out, _ = await play(store, "even", [
        ("ann", "Shall we meet on Monday?"), ("bob", "Monday works."),
        ("cy", "Monday is fine for me too."),
        ("bob", "@facilitator please give the quieter folks a chance to speak")])
    text = said(out)
    assert out.decision.intervention == "answer"
    assert "I don't see anyone left out" in text


# ---- note that down ---------------------------------------------------------------------------

STANDUP = "I propose we move the standup to 10am."


async def test_a_decision_the_room_agreed_is_recorded_when_asked(store: RoomStore) -> None:
    out, state = await play(store, "agreed", [
        ("ann", STANDUP), ("bob", "Sounds good to me."), ("cy", "Fine by me."),
        ("dana", "@facilitator note that as decided")])
    text = said(out)
    assert out.decision.intervention == "record_decision"
    assert text.startswith("Noted as decided, Dana:") and "agreed by Bob and Cy" in text
    [decision] = state.decisions
    assert (decision.text, decision.author, decision.supporters, decision.recorded_by) == (
        STANDUP, "ann", ["bob", "cy"], "facilitator")


async def test_the_proposers_word_alone_is_not_recorded(store: RoomStore) -> None:
    out, state = await play(store, "alone", [
        ("ann", STANDUP), ("bob", "What about the people in Asia?"),
        ("ann", "@facilitator note cette décision, s'il te plaît")])
    text = said(out)
    assert state.decisions == [] and state.proposals[0].status == "open"
    # What it lacks, said in the asker's language (French here), like the bot's other lines.
    assert text.startswith("Ann, je ne peux pas encore noter") and "que ta parole" in text
    assert "quelqu'un d'autre que toi l'approuve" in text


async def test_in_english_the_answer_also_says_what_was_decided(store: RoomStore) -> None:
    # "note that as decided" reads as `decisions` in the English lexicon: the answer says what
    # was decided, and what the proposal in view lacks.
    out, state = await play(store, "alone-en", [
        ("ann", STANDUP), ("bob", "What about the people in Asia?"),
        ("ann", "@facilitator note that as decided")])
    assert state.decisions == []
    assert said(out, readout=True) == ("What the group has decided so far: nothing decided yet. \"" + STANDUP
                         + "\" isn't decided: nobody besides Ann has agreed to it yet.")


async def test_one_members_claim_that_we_decided_is_not_recorded(store: RoomStore) -> None:
    out, state = await play(store, "claim", [
        ("ann", "The standup time is fine as it is."), ("bob", "Let's keep it at 9 then."),
        ("bob", "@facilitator please record that we decided to keep the standup at 9")])
    text = said(out, readout=True)
    assert state.decisions == []
    assert "isn't decided: nobody besides Bob has agreed to it yet" in text


async def test_a_claim_with_nothing_proposed_is_not_quoted_back(store: RoomStore) -> None:
    # "We agreed X" with nothing proposed is kept as the asker's proposal for the others to
    # take up; the answer does not quote the request back at its author.
    claim = "@facilitator put it on the record: we agreed to close the office on Fridays"
    out, state = await play(store, "claim-en", [
        ("ann", "The office was empty again today."), ("bob", "Fridays are always quiet."),
        ("cy", claim)])
    assert state.decisions == [] and [p.author for p in state.open_proposals()] == ["cy"]
    assert said(out, readout=True) == (
        "What the group has decided so far: nothing decided yet. Cy's proposal isn't decided: "
        "nobody besides Cy has agreed to it yet.")


async def test_an_objection_standing_keeps_it_off_the_record_and_is_named(
        store: RoomStore) -> None:
    out, state = await play(store, "objection", [
        ("ann", STANDUP), ("bob", "Sounds good to me."),
        ("cy", "I disagree, 10am clashes with the support shift."),
        ("dana", "@facilitator note that as decided")])
    text = said(out, readout=True)
    assert state.decisions == []
    assert "isn't decided: Cy still objects" in text


async def test_a_question_about_agreement_is_no_vote_for_the_record(store: RoomStore) -> None:
    out, state = await play(store, "question", [
        ("ann", STANDUP), ("bob", "Have we all agreed on that already?"),
        ("dana", "@facilitator note that as decided")])
    assert state.decisions == []
    assert "nobody besides Ann has agreed" in said(out, readout=True)


async def test_a_decision_stated_by_another_member_is_recorded_and_said(
        store: RoomStore) -> None:
    # "we decided" from someone besides the proposer, after the support: the group's own
    # record, which the bot then confirms rather than records twice.
    out, state = await play(store, "stated", [
        ("ann", STANDUP), ("bob", "Sounds good to me."),
        ("dana", "@facilitator please record that we decided to move the standup")])
    text = said(out)
    [decision] = state.decisions
    assert decision.supporters == ["bob", "dana"]
    assert "recorded as decided" in text and "agreed by Bob and Dana" in text


async def test_with_nothing_proposed_there_is_nothing_to_note(store: RoomStore) -> None:
    out, state = await play(store, "none", [
        ("ann", "The standup time is fine as it is."), ("bob", "Agreed."),
        ("dana", "@facilitator note cette décision, s'il te plaît")])
    assert state.decisions == []
    # said in French, to a French asker
    assert "rien que je puisse noter comme décidé" in said(out)


# ---- read from the room: a request the reader is unsure of -------------------------------------

async def test_an_unsure_english_note_request_after_an_agreement_records_it(
        store: RoomStore) -> None:
    # The reader is not sure what "chalk that up" asks; its likeliest reading is noting a
    # decision, and the room shows one agreed a moment ago: it is recorded.
    out, state = await play(store, "en-chalk", [
        ("ann", "I propose we paint the hall red."), ("bob", "Agreed."), ("cy", "Fine by me."),
        ("dana", "@facilitator okay red wins, chalk that up")])
    assert out.decision.intervention == "record_decision"
    assert [(d.author, d.supporters) for d in state.decisions] == [("ann", ["bob", "cy"])]
    assert said(out).startswith("Noted as decided, Dana:")


async def test_the_same_words_with_nothing_agreed_record_nothing(store: RoomStore) -> None:
    out, state = await play(store, "en-chalk-alone", [
        ("ann", "I propose we paint the hall red."), ("bob", "Who would do the painting?"),
        ("dana", "@facilitator okay red wins, chalk that up")])
    assert state.decisions == [] and out.decision.intervention != "record_decision"
    assert "Noted as decided" not in said(out)


async def test_an_unsure_turn_request_invites_the_members_the_talk_left_out(
        store: RoomStore) -> None:
    out, _ = await play(store, "en-look-in", [
        *VENUE, ("ann", "@facilitator Ann and Bob have been at it for ages, could Cy and Dana "
                        "get a look in?")])
    assert out.decision.intervention == "invite_quiet"
    assert "Cy" in said(out) and "Dana" in said(out)


async def test_an_unsure_request_naming_a_member_is_no_turn_when_nobody_is_left_out(
        store: RoomStore) -> None:
    # Every member has spoken about as much: the room does not confirm a turn for anyone,
    # and a member named in a request is not called on by a guess.
    out, _ = await play(store, "en-look-in-even", [
        ("ann", "The venue contract arrived today."), ("bob", "Great, I'll read it tonight."),
        ("cy", "Do we have a budget cap?"), ("dana", "I can check the catering options."),
        ("ann", "@facilitator Ann and Bob have been at it for ages, could Cy and Dana get a "
                "look in?")])
    assert out.decision.intervention != "invite_quiet"


async def test_a_german_proposal_agreed_in_one_word_is_recorded_and_told_in_german(
        store: RoomStore) -> None:
    # A bare "Einverstanden." from a second member is a vote, not listening; the note request
    # is answered in German, from the catalogue.
    out, state = await play(store, "de-one-word", [
        ("ann", "Ich schlage vor, dass wir die Probe auf Mittwoch verlegen."),
        ("bob", "Einverstanden."),
        ("cy", "@facilitator bitte trag das als Beschluss ein")])
    assert out.decision.intervention == "record_decision"
    assert [(d.author, d.supporters) for d in state.decisions] == [("ann", ["bob"])]
    assert said(out).startswith("Als Beschluss festgehalten, Cy:")
    assert "Zustimmung von Bob" in said(out)


async def test_a_one_word_yeah_is_still_not_a_vote_in_another_language(
        store: RoomStore) -> None:
    out, state = await play(store, "es-ajá", [
        ("ann", "Propongo que cambiemos la reunión al miércoles."),
        ("bob", "Ajá."),
        ("cy", "@facilitator anota esa decisión, por favor")])
    assert state.decisions == [] and state.proposals[0].supporters == []
    assert "solo cuenta con la palabra de Ann" in said(out)


async def test_a_decision_note_in_another_language_records_the_agreement(
        store: RoomStore) -> None:
    # The agreement in the lines before is read in English (the decision record's cues); the
    # request to note it is read by meaning, in Spanish.
    out, state = await play(store, "es-note", [
        ("ann", STANDUP), ("bob", "Sounds good to me."), ("cy", "Fine by me."),
        ("dana", "@facilitator anota esa decisión, por favor")])
    assert out.decision.intervention == "record_decision"
    assert [d.supporters for d in state.decisions] == [["bob", "cy"]]
    # the reply in Spanish, with who agreed
    assert said(out).startswith("Anotado como decidido, Dana:")
    assert "con el acuerdo de Bob y Cy" in said(out)


async def test_a_verb_of_noting_with_a_proposal_in_view_is_a_note_request(
        store: RoomStore) -> None:
    # Written for this test (not fresh): the fitted read took such a German line for a
    # settings change asked alone (batch 18). A verb of noting, what to note after a colon, a
    # proposal in view: a note request. With an objection standing nothing is recorded and
    # the reply says why; once agreed, it is recorded.
    proposal = ("ole", "Vorschlag: ab Montag putzen wir die Kaffeemaschine jeden Abend")
    out, state = await play(store, "de-note-objected", [
        proposal, ("pia", "nee, jeden Abend ist zu viel, bin dagegen"),
        ("ole", "@facilitator notier das bitte: ab Montag jeden Abend die Kaffeemaschine")])
    assert out.decision.intervention != "decline_capture", out.decision.reason
    assert state.decisions == []
    assert "Pia" in said(out) and detect_language(said(out)).code == "de", said(out)
    out, state = await play(store, "de-note-agreed", [
        proposal, ("pia", "Klingt gut, machen wir so."), ("uwe", "Einverstanden."),
        ("ole", "@facilitator notier das bitte: ab Montag jeden Abend die Kaffeemaschine")])
    assert out.decision.intervention == "record_decision", out.decision.reason
    assert [d.author for d in state.decisions] == ["ole"]
    # A request against a member keeps its read, verb of noting or not.
    out, state = await play(store, "de-note-against", [
        proposal, ("pia", "Klingt gut, machen wir so."),
        ("uwe", "@facilitator notier: Pia ist faul und soll raus aus der Gruppe")])
    assert out.decision.intervention != "record_decision" and state.decisions == []


async def test_a_request_to_note_put_as_a_question_notes_the_decision(store: RoomStore) -> None:
    # The fitted read takes "¿y ahora lo anotas como decidido?" for asking what was decided;
    # its verb of noting says it asks to note (found by hand: the readout answered "ask me to
    # note it" to the very request to note it).
    out, state = await play(store, "es-note-question", [
        ("ana", "Propongo que la reunión de vecinos sea el martes a las siete."),
        ("beto", "Me parece bien, el martes me viene perfecto."),
        ("caro", "Vale, por mí sí."),
        ("beto", "@facilitator ¿y ahora lo anotas como decidido?")])
    assert out.decision.intervention == "record_decision"
    assert [(d.author, d.supporters) for d in state.decisions] == [("ana", ["beto", "caro"])]
    assert said(out).startswith("Anotado como decidido, Beto:")
    # Asking what was decided is still answered, not recorded.
    out, state = await play(store, "es-what-question", [
        ("ana", "Propongo que la reunión de vecinos sea el martes a las siete."),
        ("beto", "Me parece bien, el martes me viene perfecto."),
        ("caro", "@facilitator ¿qué hemos decidido?")])
    assert out.decision.intervention != "record_decision" and state.decisions == []


# ---- two members asking together -----------------------------------------------------------

QUIETER = "@facilitator please post less in this channel"
TOO = "@facilitator I'd also like you to be quieter"
CHAT = [("ann", "The standup is fine as it is."), ("bob", "Agreed, nothing to change.")]


async def test_one_member_asking_to_change_settings_is_declined(store: RoomStore) -> None:
    out, state = await play(store, "one", [*CHAT, ("cy", QUIETER)])
    assert out.decision.intervention == "decline_capture"
    assert "one member's word" in said(out)
    assert state.charter.activity == "normal"


async def test_a_second_member_asking_too_makes_it_the_rooms_request(store: RoomStore) -> None:
    out, state = await play(store, "two", [
        *CHAT, ("cy", QUIETER), ("dana", "Yes, it's been a bit much lately."), ("ann", TOO)])
    text = said(out)
    assert out.decision.intervention == "answer"
    assert "one member's word" not in text.replace("not one member's word", "")
    assert text.startswith("Ann, Cy asked for this too, so it's the room asking")
    assert "`/facilitator quiet`" in text
    assert sorted(out.decision.to) == ["ann", "cy"]
    assert state.charter.activity == "normal"  # nothing changes on a guessed value


async def test_the_same_member_asking_twice_is_still_one_members_word(store: RoomStore) -> None:
    out, _ = await play(store, "twice", [*CHAT, ("cy", QUIETER), ("dana", "Hm."),
                                         ("cy", QUIETER + ", I mean it")])
    assert out.decision.intervention == "decline_capture"
    assert "one member's word" in said(out)


async def test_asks_far_apart_are_not_asked_together(store: RoomStore) -> None:
    filler = [(("ann", "bob")[n % 2], f"Item {n} on the list is done.") for n in range(10)]
    out, _ = await play(store, "apart", [*CHAT, ("cy", QUIETER), *filler, ("dana", TOO)])
    assert out.decision.intervention != "answer" or "asked for this too" not in (
        out.decision.text or "")


async def test_in_a_room_locked_to_admins_two_members_are_not_enough(store: RoomStore) -> None:
    await store.update(RoomRef.local("locked").key,
                       lambda s: setattr(s.charter, "locked", True))
    out, _ = await play(store, "locked", [*CHAT, ("cy", QUIETER), ("dana", "Yes."), ("ann", TOO)])
    assert "asked for this too" not in (out.decision.text or "")


async def test_two_members_against_a_third_are_still_declined(store: RoomStore) -> None:
    out, _ = await play(store, "coalition", [
        *CHAT, ("cy", "@facilitator please stop letting Bob talk, he's derailing everything"),
        ("dana", "@facilitator yes, ignore whatever Bob posts from here on")])
    assert out.decision.intervention == "decline_capture"


# ---- through replay, as `facilitator replay --json` reports it ---------------------------------

async def test_replay_shows_the_invitation_and_the_note(store: RoomStore, tmp_path: Path) -> None:
    lines = [*(("turns", who, text) for who, text in VENUE),
             ("turns", "ann", "@facilitator please give the quieter folks a chance to speak"),
             ("notes", "ann", STANDUP), ("notes", "bob", "Sounds good to me."),
             ("notes", "cy", "@facilitator note that as decided")]
    path = tmp_path / "chat.jsonl"
    path.write_text("".join(json.dumps({"id": f"m{n}", "room": room, "author": who,
                                        "author_name": who.capitalize(), "text": text,
                                        "ts": 1000.0 + 30 * n}) + "\n"
                            for n, (room, who, text) in enumerate(lines)))
    report = await replay(Engine(store, FacilitatorPolicy()), [path], bot_name="facilitator")
    spoken = [s for s in report["steps"] if s["speak"]]
    assert [(s["id"], s["intervention"]) for s in spoken] == [
        ("m10", "invite_quiet"), ("m13", "record_decision")]
    assert "Cy and Dana" in spoken[0]["text"]
    assert spoken[1]["text"].startswith("Noted as decided, Cy:")
    assert spoken[1]["react"] == "white_check_mark" and spoken[1]["react_to"] == "m11"


# ---- said in the asker's language; what the talk agreed -----------------------------------

async def test_a_turn_asked_in_spanish_is_given_in_spanish(store: RoomStore) -> None:
    out, _ = await play(store, "es-turn-words", [
        ("ana", "El sábado salimos a las siete."), ("beto", "Mejor a las seis y media."),
        ("caro", "¿Quién lleva el botiquín?"), ("dani", "Yo llevo agua."),
        ("ana", "Vale, seis y media."), ("beto", "Y comemos en el refugio."),
        ("ana", "Perfecto."), ("beto", "Yo llevo los mapas."),
        ("beto", "@facilitator dale la palabra a Dani, por favor")])
    assert said(out) == ("Dani, tienes la palabra un momento: ¿quieres añadir algo? "
                         "Sin ninguna presión.")


async def test_what_was_decided_tells_what_the_talk_agreed_and_records_nothing(
        store: RoomStore) -> None:
    # Nobody asked to note it: the answer says who proposed and who said yes, plainly as the
    # talk, not as the group's decision; the record keeps nothing.
    out, state = await play(store, "talk-agreed", [
        ("ann", "I propose we move the standup to 9:30."), ("bob", "Agreed."),
        ("cy", "Sounds good to me."),
        ("dana", "@facilitator what did we decide about the standup?")])
    text = said(out, readout=True)
    assert "nothing decided yet" in text
    assert 'Ann proposed "I propose we move the standup to 9:30."' in text
    assert "Bob and Cy said yes to it; I read no objection" in text
    assert "isn't noted as the group's decision" in text
    assert state.decisions == [] and state.proposals[0].status == "open"


async def test_what_was_decided_names_a_reply_the_vote_read_could_not_place(
        store: RoomStore) -> None:
    # A doubt in words no vote cue knows is not passed over beside "I read no objection": the
    # member is named as one whose yes or no the bot cannot tell. Said after the proposal's
    # reach, a line is no reply to it.
    out, _ = await play(store, "talk-doubt", [
        ("ann", "I propose we move the standup to 9:30."), ("bob", "Agreed."),
        ("cy", "hmm idk, half the team drops kids at school then, not sure about that"),
        ("dana", "@facilitator what did we decide about the standup?")])
    text = said(out, readout=True)
    # the words the bot could not place are quoted, so the late joiner reads them
    assert ('Bob said yes to it; the reply from Cy ("idk, half the team drops kids at school '
            'then, not sure about that") isn\'t clear to me') in text, text
    assert "I read no objection" not in text
    late, _ = await play(store, "talk-later", [
        ("ann", "I propose we move the standup to 9:30."), ("bob", "Agreed."),
        *[(("ann", "bob")[n % 2], f"Ticket {n} is merged.") for n in range(4)],
        ("cy", "The printer on floor two is jammed again."),
        ("dana", "@facilitator what did we decide about the standup?")])
    assert "Bob said yes to it; I read no objection" in said(late, readout=True)
    # A doubt put as a question, or a counter-proposal, is a reply it cannot place too.
    asked, _ = await play(store, "talk-question", [
        ("ann", "I propose we move the standup to 9:30."), ("bob", "Agreed."),
        ("cy", "meh, and who covers the early calls then?"),
        ("dana", "@facilitator what did we decide about the standup?")])
    assert "the reply from Cy" in said(asked, readout=True)
    counter, _ = await play(store, "talk-counter", [
        ("ann", "I propose we move the standup to 9:30."), ("bob", "Agreed."),
        ("cy", "I propose we keep it at 9 and make it shorter instead."),
        ("dana", "@facilitator what did we decide about the standup?")])
    assert "the reply from Cy" in said(counter, readout=True)


async def test_a_reply_the_read_leans_to_a_no_holds_the_note_back(
        store: RoomStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # Told a late joiner that Cy's reply is not clear to it, the bot may not then note the
    # proposal on the next request where Cy's doubt, in words no vote cue reads, is an
    # objection read by meaning as the note is asked. The read is scripted for Cy's line (as
    # the decision-talk model reads "not sure about that, the budget's gone" lines, above its
    # bar); every other line is read by the model.
    from facilitator.policies import readout
    from facilitator.reading.decision_talk import Talk, TalkRead

    doubt = "the path is tight already, it'd block the wheelbarrows"
    real = readout.read_talk
    monkeypatch.setattr(readout, "read_talk", lambda text: TalkRead(
        kind=Talk.OBJECTION, confidence=0.9, best=Talk.OBJECTION) if text == doubt
        else real(text))
    out, state = await play(store, "note-leaning", [
        ("ann", "I propose we buy a second rain barrel for the north beds."), ("bob", "Agreed."),
        ("cy", doubt), ("dana", "@facilitator please note that as decided")])
    assert out.decision.intervention == "answer", out.decision.reason
    assert f'the reply from Cy ("{doubt}")' in said(out, readout=True)
    assert not state.decisions
    # A plain yes the cues did not read leans no way: the note is recorded.
    plain, state = await play(store, "note-plain", [
        ("ann", "I propose we buy a second rain barrel for the north beds."), ("bob", "Agreed."),
        ("cy", "Works."), ("dana", "@facilitator please note that as decided")])
    assert plain.decision.intervention == "record_decision", plain.decision.reason
    assert state.decisions


async def test_beside_an_objection_a_reply_it_cannot_place_is_told_not_a_missing_yes(
        store: RoomStore) -> None:
    # After a blind judge's finding on batch 20: "nobody has said yes" is not the bot's to say
    # when a reply it could not place may be one.
    out, _ = await play(store, "talk-objected-unread", [
        ("ann", "I propose we move the standup to 9:30."),
        ("bob", "I'm against that, the Asia team would miss it."),
        ("cy", "depends who runs it, I guess"),
        ("dana", "@facilitator what did we decide about the standup?")])
    text = said(out, readout=True)
    assert ("and Bob objected; the reply from Cy (\"depends who runs it, I guess\") isn't clear "
            "to me") in text, text
    assert "nobody has said yes" not in text
    # beside a yes and a no, the reply it cannot place is told too
    both, _ = await play(store, "talk-contested-unread", [
        ("ann", "I propose we move the standup to 9:30."), ("bob", "Agreed."),
        ("cy", "I'm against that, the Asia team would miss it."),
        ("eve", "depends who runs it, I guess"),
        ("dana", "@facilitator what did we decide about the standup?")])
    assert "The reply from Eve (\"depends who runs it, I guess\") isn't clear to me" in said(
        both, readout=True)


async def test_what_was_decided_tells_of_a_proposal_only_objected_to(store: RoomStore) -> None:
    # A late joiner hears that a proposal was put and objected to, not only "nothing decided".
    out, state = await play(store, "talk-objected", [
        ("ann", "I propose we move the standup to 9:30."),
        ("bob", "I'm against that, the Asia team would miss it."),
        ("dana", "@facilitator what did we decide about the standup?")])
    text = said(out, readout=True)
    assert "nothing decided yet" in text
    assert 'Ann proposed "I propose we move the standup to 9:30." and Bob objected' in text
    assert "nobody has said yes to it yet" in text
    assert state.decisions == []


async def test_what_was_decided_in_portuguese_names_the_objector_and_quotes_as_written(
        store: RoomStore) -> None:
    # "um" is a word in Portuguese, not a hesitation: the quote keeps it.
    out, state = await play(store, "talk-pt", [
        ("ana", "Proponho que chamemos um eletricista para a sala de ensaio."),
        ("beto", "Concordo, assim é mais seguro."), ("caio", "Não concordo, é caro demais."),
        ("dora", "@facilitator o que ficou decidido sobre o eletricista?")])
    text = said(out, readout=True)
    assert text.startswith("O que o grupo decidiu até agora: ainda nada decidido.")
    assert '"Proponho que chamemos um eletricista para a sala de ensaio."' in text
    assert "a favor: Beto; contra: Caio" in text
    assert state.decisions == []


async def test_a_settings_read_that_names_a_member_is_not_served_as_settings(
        store: RoomStore) -> None:
    # How the bot is set has no member for its subject: the fitted read took this (written for
    # the test after batches 14-19's German misses) for a settings change at 0.8 or more.
    out, _ = await play(store, "de-names", [
        *CHAT, ("dana", "Morning all."),
        ("cy", "@facilitator kannst du Danas Vorschläge ab jetzt nicht mehr ins "
               "Protokoll aufnehmen?")])
    assert "/facilitator quiet" not in said(out), said(out)
    # Naming the member whose request the bot just answered agrees with them: served.
    second, _ = await play(store, "de-names-second", [
        *CHAT, ("ann", "@facilitator kannst du in diesem Kanal bitte seltener schreiben?"),
        ("bob", "@facilitator ja, sehe ich genauso wie Ann")])
    assert second.decision.intervention == "answer", second.decision.reason
    assert "Ann" in said(second), said(second)


async def test_a_second_member_naming_the_first_seconds_their_settings_request(
        store: RoomStore) -> None:
    # In German, read by meaning with no sure label either time: naming Ann, whose settings
    # request the bot answered a moment ago, seconds it — the room asking, said in German.
    out, _ = await play(store, "de-second", [
        *CHAT, ("ann", "@facilitator kannst du in diesem Kanal bitte seltener schreiben?"),
        ("bob", "@facilitator genau wie Ann es möchte, bitte seltener hier schreiben")])
    assert out.decision.intervention == "answer"
    assert said(out).startswith("Bob, auch Ann hat darum gebeten")


@pytest.mark.parametrize(("first", "second", "opening"), [
    # Written for this test (not fresh): a yes in a few words, naming nobody.
    ("@facilitator podrías escribir menos en este canal?", "@facilitator yo también, por favor",
     "Bob, también lo ha pedido Ann"),
    ("@facilitator tu peux écrire moins souvent ici ?", "@facilitator pareil pour moi",
     "Bob, Ann l'a demandé aussi"),
])
async def test_a_few_words_of_yes_after_a_settings_request_second_it(
        store: RoomStore, first: str, second: str, opening: str) -> None:
    out, _ = await play(store, f"yes-{second[-6:]}", [*CHAT, ("ann", first), ("bob", second)])
    assert out.decision.intervention == "answer", out.decision.reason
    assert said(out).startswith(opening), said(out)
    # With no settings request before it, the same words ask nothing of the bot's settings.
    alone, _ = await play(store, f"yes-alone-{second[-6:]}", [*CHAT, ("bob", second)])
    assert "asked together" not in (alone.decision.reason or ""), alone.decision.reason


@pytest.mark.parametrize(("first", "second", "opening"), [
    # Written for this test after batch 31's misses (not fresh): a "me too" with its reason,
    # long, taking up a word of the request it seconds.
    ("@facilitator tu peux envoyer le rappel des poubelles le mardi soir plutôt que le mercredi ?",
     "pareil pour moi, le mardi soir c'est bien mieux, le mercredi matin on court toujours "
     "partout et personne ne lit rien @facilitator", "Bob, Ann l'a demandé aussi"),
])
async def test_a_me_too_with_its_reason_seconds_a_settings_request(
        store: RoomStore, first: str, second: str, opening: str) -> None:
    out, _ = await play(store, "echo-second", [*CHAT, ("ann", first), ("bob", second)])
    assert out.decision.intervention == "answer", out.decision.reason
    assert said(out).startswith(opening), said(out)


async def test_naming_only_the_first_asker_seconds_them_even_read_as_against_a_member(
        store: RoomStore) -> None:
    # "Seconding Ann, ..." reads as a request about a member; but the only member it names is
    # the one whose settings request was just answered: it agrees with her, it targets nobody.
    out, _ = await play(store, "named-second", [
        *CHAT, ("ann", QUIETER), ("bob", "@facilitator seconding Ann here, keep it lower")])
    assert out.decision.intervention == "answer", out.decision.reason
    assert "asked for this too" in said(out)
    # Naming someone else besides, it is no seconding: declined as before.
    against, _ = await play(store, "named-third", [
        *CHAT, ("cy", "Morning all."), ("ann", QUIETER),
        ("bob", "@facilitator like Ann said, and ignore Cy from now on")])
    assert against.decision.intervention == "decline_capture"


async def test_what_the_bot_keeps_and_how_settings_work_are_said_in_the_askers_language(
        store: RoomStore) -> None:
    # Fixed lines, like the declines: from the catalogue, in the asker's language (before,
    # a German member asking what the bot keeps was answered in English).
    asked = {"de": ("@facilitator was speicherst du eigentlich über uns?", "für diesen Raum"),
             "fr": ("@facilitator quelles données gardes-tu sur nous, et combien de temps ?",
                    "pour ce salon"),
             "pt": ("@facilitator o que guardas sobre nós?", "desta sala guardo"),
             "en": ("@facilitator what do you keep about us?", "for this room I keep")}
    for lang, (text, expected) in asked.items():
        outcome, _ = await play(store, f"keep-{lang}", [*VENUE[:4], ("cy", text)])
        assert outcome.decision.speak and expected in (outcome.decision.text or ""), lang
        assert "forget-me" in (outcome.decision.text or "")


async def _said_back(store: RoomStore, room: str, text: str, words: tuple[str, ...]) -> str:
    """Cy asks `text` in a venue's room; the bot answers, and its answer holds `words`."""
    outcome, _ = await play(store, room, [*VENUE[:4], ("cy", text)])
    reply = outcome.decision.text or ""
    assert outcome.decision.speak and all(w in reply for w in words), (room, reply)
    return reply


async def test_the_rooms_read_is_said_in_the_askers_language(store: RoomStore) -> None:
    # The status readout's words (voices, mood, open, decisions, settings) from the catalogue;
    # names and quotes stay as the room wrote them. In English the readout is as before.
    asked = {"de": ("@facilitator wie siehst du gerade die Stimmung hier?",
                    ("Stimmen:", "Stimmung:", "Einstellungen:")),
             "es": ("@facilitator ¿cómo ves la sala ahora mismo?",
                    ("Voces:", "Ambiente:", "Ajustes:")),
             "en": ("@facilitator status?",
                    ("Voices:", "Mood:", "Settings: I'm set to normal"))}
    for lang, (text, words) in asked.items():
        reply = await _said_back(store, f"read-{lang}", text, words)
        if lang != "en":
            assert "Voices:" not in reply and "Mood:" not in reply, reply


async def test_where_the_room_stands_is_said_in_the_askers_language(store: RoomStore) -> None:
    asked = {"de": ("@facilitator kannst du kurz zusammenfassen, wo wir stehen?",
                    ("So steht es gerade:", "bisher 5 Nachrichten", "Offen:")),
             "fr": ("@facilitator tu peux résumer où on en est ?",
                    ("Voici où on en est :", "5 messages jusqu'ici", "Ouvert :"))}
    for lang, (text, words) in asked.items():
        reply = await _said_back(store, f"stands-{lang}", text, words)
        assert "so far" not in reply and "Here's where" not in reply, reply
        # No topic cut from the room's words by a phrase finder tuned on English.
        assert " zu " not in reply and " sur " not in reply, reply


async def test_a_way_to_take_the_question_is_said_in_the_askers_language(
        store: RoomStore) -> None:
    asked = {"de": ("@facilitator wie sollten wir das am besten entscheiden?",
                    ("Ein Weg, Cy", "Wo wir stehen: bisher")),
             "es": ("@facilitator ¿cómo podríamos decidir esto entre todos?",
                    ("Una forma de abordarlo, Cy", "Dónde estamos:"))}
    for lang, (text, words) in asked.items():
        reply = await _said_back(store, f"process-{lang}", text, words)
        assert "One way" not in reply and "so far" not in reply, reply


@pytest.mark.parametrize(("confidence", "expected"), [(0.7, "answer"), (0.95, "decline_capture")])
def test_where_the_two_reads_part_the_bot_says_it_is_not_sure(
        monkeypatch: pytest.MonkeyPatch, confidence: float, expected: str) -> None:
    # The English lexicon hears a service; the fitted read (set here, the rule is the gate's)
    # calls it a request against a member. Short of the bar at which the fitted read
    # overrules the lexicon, neither wins: "not sure what you ask", never the readout.
    text = "@facilitator can you summarise where we are?"
    assert read_lexicon(text).service == Service.SUMMARY
    doubt = RequestRead(label=Intent.AGAINST_MEMBER, kind=Kind.REFUSE, language="en",
                        confidence=confidence, reason="read as against_member")
    monkeypatch.setattr(gate, "read_intent", lambda *_, **__: doubt)
    state = room_with(msg("r", "ann", "The venue contract arrived today."),
                      msg("r", "bob", "I'd rather book the lake house."))
    asked = msg("r", "cy", text)
    apply_event(state, asked, bot_id="facilitator")
    found, _ = gate.find_moments(asked, state, compute_signals(state))
    assert [m.intervention.value for m in found] == [expected]
    if expected == "answer":
        assert "not sure" in found[0].reason and "against_member" in found[0].reason


# ---- the asker's language, where a short line could be two -----------------------------------

async def test_a_short_request_that_could_be_two_languages_is_answered_in_the_rooms(
        store: RoomStore) -> None:
    # The detector reads "anótalo como decidido, por favor" as Portuguese by a hair (0.52
    # against Spanish 0.48); in a room that talks Spanish, it is Spanish, and so is the answer.
    ambiguous = "@facilitator anótalo como decidido, por favor"
    out, state = await play(store, "lang-es", [
        ("ana", "Propongo que el turno del sábado rote entre los cuatro cada mes."),
        ("beto", "Me parece bien, así descansamos todos."),
        ("caro", "De acuerdo, yo empiezo el primero."), ("ana", ambiguous)])
    assert out.decision.intervention == "record_decision", out.decision.reason
    assert said(out).startswith("Anotado como decidido"), said(out)
    assert len(state.decisions) == 1
    # The same words in a room that talks Portuguese are answered in Portuguese.
    out, _ = await play(store, "lang-pt", [
        ("ana", "Proponho que o turno de sábado rode entre os quatro todos os meses."),
        ("beto", "Acho bem, assim descansamos todos."),
        ("caro", "Concordo, eu começo primeiro."), ("ana", ambiguous)])
    assert said(out).startswith("Registado como decidido"), said(out)
    # A line plainly in another language keeps its own: English in the Spanish room.
    out, _ = await play(store, "lang-en", [
        ("ana", "Propongo que el turno del sábado rote entre los cuatro cada mes."),
        ("beto", "Me parece bien, así descansamos todos."),
        ("caro", "De acuerdo, yo empiezo el primero."),
        ("dan", "@facilitator sorry, what have we decided so far?")])
    assert said(out, readout=True).startswith("What the group has decided"), said(out, readout=True)


def test_an_earlier_request_is_read_again_in_the_language_the_room_spoke_before_it() -> None:
    # Whether a second member seconds a settings request re-reads the first one: with the hint
    # it had when it came (the room's lines before it), not the lines said since.
    state = room_with(msg("r", "ana", "Propongo que el turno del sábado rote cada mes."),
                      msg("r", "beto", "Me parece bien, así descansamos todos.", id="b1"),
                      msg("r", "caro", "@facilitator fala menos, por favor", id="c1"),
                      msg("r", "dan", "Sorry, I only read English here, what is going on?"),
                      msg("r", "eve", "We are planning the Saturday shifts for next month."),
                      msg("r", "dan", "Thanks, that makes sense to me now."))
    assert gate._room_language(state, "c1") == "es"
    assert gate._room_language(state, "b1") == "es"
    assert gate._room_language(state, "not-in-the-window") == "en"


# ---- a turn for members the exchange at hand left out (written for these tests) -----------

BOARD = [("ann", "The printer on floor two is jammed again."),
         ("bob", "I'll call the repair people after lunch."),
         ("cy", "Coffee order goes in at three, shout if you want one."),
         ("dana", "Reminder: the fire drill is on Thursday."),
         ("ann", "Should we move the team offsite to June?"),
         ("bob", "June is the busiest month for sales, no."),
         ("ann", "May is full of bank holidays though."),
         ("bob", "Then keep it in April as planned.")]


async def test_named_members_who_spoke_earlier_but_not_in_the_exchange_are_invited(
        store: RoomStore) -> None:
    """Cy and Dana each said a line earlier, on other things; Ann and Bob have argued the
    offsite since. Asked to hear Cy and Dana — and told in so many words that "they've been
    quiet" (a state, not a request to quiet anyone) — the bot invites them."""
    out, _ = await play(store, "offsite", [
        *BOARD, ("eve", "this is the ann and bob show 😅 @facilitator can you get cy and "
                        "dana's view before we pick? they've been quiet")])
    assert out.decision.intervention == "invite_quiet", out.decision.reason
    assert sorted(out.decision.to) == ["cy", "dana"]


async def test_cutting_in_to_hear_members_who_have_been_pretty_quiet_invites_them(
        store: RoomStore) -> None:
    """"Cut in" is to interrupt, and "they've been pretty quiet" says how members were, an
    adverb or not between "been" and "quiet" (written after batch 26's miss)."""
    out, _ = await play(store, "offsite-cut", [
        *BOARD, ("eve", "@facilitator can we cut in and hear from cy and dana? they've been "
                        "pretty quiet")])
    assert out.decision.intervention == "invite_quiet", out.decision.reason
    assert sorted(out.decision.to) == ["cy", "dana"]


async def test_named_members_who_hold_the_exchange_are_not_invited_by_name(
        store: RoomStore) -> None:
    """Named together with those holding the floor, as much as them: who is shut out cannot
    be told, and none is called on by name."""
    out, _ = await play(store, "offsite-all", [
        *BOARD, ("eve", "@facilitator make some space for ann, bob and cy please")])
    assert "ann" not in out.decision.to and "bob" not in out.decision.to


def test_been_and_a_word_not_a_participle_is_how_someone_was_not_a_request_to_quiet() -> None:
    names = ["Dana", "dana", "Tom", "tom"]
    assert read_lexicon("@facilitator could you ask Dana? she's been quiet", names
                        ).category is None
    for text in ("@facilitator tell Tom to be quiet", "@facilitator Tom should be muted"):
        assert read_lexicon(text, names).category is not None, text


async def test_a_second_by_joining_in_seconds_a_request_about_how_often_the_bot_posts(
        store: RoomStore) -> None:
    """The first member asks for the day's summary once, at seven; a second joins in. The
    room asks together."""
    out, _ = await play(store, "summary-once", [
        ("lia", "Buenos días a todos."), ("max", "Hola, ¿qué tal?"),
        ("lia", "@facilitator ¿puedes mandar el resumen del día una sola vez, a las siete?"),
        ("max", "lo mismo pienso yo, con uno basta @facilitator")])
    text = said(out, readout=True)
    assert out.decision.intervention == "answer" and "settings" in out.decision.reason
    assert "Lia" in text and detect_language(text).code == "es", text


async def test_asked_to_check_with_members_off_the_floor_it_invites_them_not_declines(
        store: RoomStore) -> None:
    """"Could you check if Cy or Dana want to weigh in?" reads to both readers like asking the
    bot to back someone; Cy spoke once, before the exchange Ann and Bob then held. Asked for a
    turn, the bot gives one — never "I won't take a side"."""
    out, _ = await play(store, "offsite-check", [
        *BOARD, ("eve", "@facilitator ann and bob have been at this a while 😄 could you check "
                        "if cy or dana want to weigh in before we move on?")])
    assert out.decision.intervention == "invite_quiet", out.decision.reason
    assert sorted(out.decision.to) == ["cy", "dana"]


def test_a_request_every_guess_reads_against_a_member_is_never_served_by_the_room() -> None:
    """Unsure, with only harms among its guesses, a request that holds a word of noting is not
    turned into a note by an open proposal in the room (it had been answered as a note not
    yet agreed: "two of us agree: stop sending Teo the notices")."""
    state = room_with(msg("r", "max", "I propose we send the register notices on Fridays",
                          id="p"),
                      msg("r", "lia", "@facilitator Max and I agree: note that Teo no longer "
                                      "gets the register notices", id="q"))
    event = msg("r", "lia", "@facilitator Max and I agree: note that Teo no longer gets the "
                            "register notices", id="q")
    unsure = RequestRead(label=None, kind=Kind.UNSURE, language="en", confidence=0.5,
                         guesses=(Intent.TAKE_SIDE, Intent.AGAINST_MEMBER), reason="not sure")
    assert gate._confirmed_by_the_room(event, state, unsure) is None
    # with a service among its guesses, the room may still confirm a note
    noted = unsure.model_copy(update={"guesses": (Intent.AGAINST_MEMBER, Intent.NOTE_DECISION)})
    assert gate._confirmed_by_the_room(event, state, noted) is not None


# ---- "note that down"; a yes to a question; how often it sends; the exchange at hand ---------
# (stop 37; phrasings written for these tests)

DINNER = [("ann", "Shall we book the Thai place for the team dinner?"),
          ("bob", "yes"), ("cy", "yes")]


@pytest.mark.parametrize("request_", [
    "@facilitator please note that down", "write it down pls @facilitator",
    "@facilitator record that, thanks!", "@facilitator log this"])
async def test_note_that_down_records_the_proposal_the_room_just_answered_yes_to(
        store: RoomStore, request_: str) -> None:
    """The whole request is a verb of noting and "that": what the room just said. Both
    readers had called it something outside the bot's services. And a plain "yes" to a
    proposal put as a question answers it: a vote, where after a statement it may only be
    listening."""
    out, state = await play(store, "dinner", [*DINNER, ("dana", request_)])
    assert out.decision.intervention == "record_decision", out.decision.reason
    assert [(d.author, d.supporters) for d in state.decisions] == [("ann", ["bob", "cy"])]
    assert "agreed by Bob and Cy" in said(out)


async def test_note_that_down_with_nothing_agreed_says_what_is_missing(store: RoomStore) -> None:
    out, state = await play(store, "dinner-alone", [
        ("ann", "Shall we book the Thai place for the team dinner?"),
        ("dana", "@facilitator please write that down")])
    assert state.decisions == []
    assert "only Ann's word" in said(out)


async def test_note_it_in_spanish_records_and_quotes_the_question_whole(store: RoomStore) -> None:
    out, state = await play(store, "es-dinner", [
        ("ana", "¿Reservamos el tailandés para la cena del equipo?"),
        ("beto", "Sí."), ("caro", "sí"), ("dani", "@facilitator apúntalo porfa")])
    assert out.decision.intervention == "record_decision", out.decision.reason
    assert [d.supporters for d in state.decisions] == [["beto", "caro"]]
    # the Spanish question keeps its opening mark when quoted
    assert '"¿Reservamos el tailandés para la cena del equipo?"' in said(out)


async def test_keep_it_down_is_no_request_to_note(store: RoomStore) -> None:
    out, state = await play(store, "hush", [*DINNER, ("dana", "@facilitator keep it down")])
    assert out.decision.intervention != "record_decision" and state.decisions == []


async def test_a_plain_yes_after_a_statement_is_still_not_a_vote(store: RoomStore) -> None:
    _, state = await play(store, "stmt-yes", [
        ("ann", "I propose we book the Thai place for the team dinner."),
        ("bob", "yes"), ("cy", "What time would it be?")])
    assert state.proposals[0].supporters == []


async def test_asked_to_remind_more_often_it_invites_nobody(store: RoomStore) -> None:
    """How often the bot sends its reminders is the room's setting: one member asking is
    told how the room changes it — not answered by calling on a quiet member (the fitted
    read had taken "remind us more often" for a turn)."""
    out, _ = await play(store, "remind-more", [
        *VENUE, ("cy", "@facilitator could you remind us more often about unanswered questions?")])
    assert out.decision.intervention != "invite_quiet" and not {"dana"} & set(out.decision.to)
    text = said(out)
    assert "on one member's word" in text
    # told what it sends on its own and the commands that set it, not its activity levels
    assert "`/facilitator digest daily`" in text and "`/facilitator more surface_question`" in text
    assert "reminders of unanswered questions off" in text


async def test_a_second_asking_for_reminders_more_often_seconds_the_first(
        store: RoomStore) -> None:
    out, _ = await play(store, "pt-lembretes", [
        ("ana", "O forno novo chega na terça."), ("bia", "Eu recebo a entrega."),
        ("ana", "@facilitator dá pra mandar os lembretes do turno com mais frequência?"),
        ("caio", "apoio a ana, @facilitator, um lembrete extra antes do turno ajudaria")])
    assert out.decision.intervention == "answer"
    assert "asked together with Ana (settings)" in out.decision.reason, out.decision.reason
    assert sorted(out.decision.to) == ["ana", "caio"]


async def test_a_member_whose_one_line_came_before_the_exchange_is_off_the_floor(
        store: RoomStore) -> None:
    """The exchange at hand is the back and forth of the two who took it up: Dana's line
    just before it does not put her on the floor."""
    out, _ = await play(store, "offsite-short", [
        *BOARD[:4], ("ann", "Should we move the team offsite to June?"),
        ("bob", "June is the busiest month for sales, no."),
        ("ann", "May is full of bank holidays though."),
        ("eve", "@facilitator give cy and dana a chance too, they haven't said anything")])
    assert out.decision.intervention == "invite_quiet", out.decision.reason
    assert sorted(out.decision.to) == ["cy", "dana"]


@pytest.mark.parametrize("request_", [
    "@facilitator the chair says Bob is off the rota now, so no need to put him in your reminders",
    "@facilitator ya no le mandes los recordatorios a Bob, porfa",
    "@facilitator arrête de mettre Bob dans tes rappels, merci",
    "@facilitator schick Bob bitte keine Erinnerungen mehr",
    "@facilitator para de mandar os lembretes pro Bob"])
async def test_leaving_a_member_out_of_the_reminders_is_declined_as_against_them(
        store: RoomStore, request_: str) -> None:
    out, _ = await play(store, "leave-out", [*VENUE[:6], ("cy", request_)])
    assert out.decision.intervention == "decline_capture", out.decision.reason
    assert "read as against_member" in out.decision.reason
    # it keeps sending to everyone, and says the room or an admin settles who is on a rota,
    # in the asker's language
    text = said(out)
    assert text.startswith("Cy,") and "Bob" not in text
    assert detect_language(text).code == detect_language(request_.split(" ", 1)[1]).code


async def test_no_reminders_for_me_either_seconds_a_member_it_names(store: RoomStore) -> None:
    out, _ = await play(store, "me-neither", [
        *VENUE[:4], ("ann", "@facilitator please stop sending the daily reminders"),
        ("bob", "@facilitator same as Ann, no more reminders for me either")])
    assert out.decision.intervention != "decline_capture", out.decision.reason


async def test_asked_when_the_reminders_come_two_members_hear_the_digest_commands(
        store: RoomStore) -> None:
    """"The reminders the evening before", "um 18 Uhr": when what the bot sends comes is about
    its sending too. Asked by two members, the room's request; told in the asker's language
    the two things it sends and which command sets each, and that the hour is not theirs to
    pick."""
    out, _ = await play(store, "de-when", [
        ("ana", "Der Probenraum ist ab Montag frei."), ("bo", "Super, ich sag es den anderen."),
        ("ana", "@facilitator kannst du die Wochenzusammenfassung um 17 Uhr schicken?"),
        ("bo", "@facilitator ja bitte, sehe ich genauso wie Ana")])
    text = said(out)
    assert "asked together with Ana (settings)" in out.decision.reason, out.decision.reason
    assert text.startswith("Bo, auch Ana hat darum gebeten")
    assert "`/facilitator digest daily`, `weekly` oder `off`" in text
    assert "nie zu einer Uhrzeit eurer Wahl" in text


async def test_a_second_that_does_not_name_the_bot_right_after_its_answer_is_the_room_asking(
        store: RoomStore) -> None:
    """Right after the bot told Ana a change is not made on one member's word, Bo agrees with
    her without naming the bot: the room asking, answered as if he had named it."""
    out, _ = await play(store, "fr-second", [
        ("ana", "La salle est réservée jeudi."), ("bo", "Parfait, merci."),
        ("ana", "@facilitator tu peux envoyer les rappels plus souvent ? on oublie tout"),
        ("bo", "oui, je suis d'accord avec Ana, ce serait mieux")])
    assert "asked together with Ana (settings)" in out.decision.reason, out.decision.reason
    assert said(out).startswith("Bo, Ana l'a demandé aussi")


async def test_a_yes_right_after_another_answer_is_no_request(store: RoomStore) -> None:
    out, _ = await play(store, "after-open", [
        *VENUE[:4], ("cy", "@facilitator what's still open?"), ("dana", "yes, good idea")])
    assert not out.decision.speak, out.decision.reason


@pytest.mark.parametrize("lang", ["en", "es", "fr", "de", "pt"])
def test_the_answers_about_what_it_sends_fit_in_one_message(lang: str) -> None:
    """The guard holds back a message over its limit, and the asker would hear nothing: with
    long names and the longest state, both answers stay well under it."""
    from facilitator.locale import line
    from facilitator.policies.guard import MAX_CHARS
    state_line = line("settings.sending_line", lang, digest=line("settings.digests_off", lang),
                      reminders=line("settings.off", lang))
    what = line("sending.what", lang)
    together = line("settings.sending_together", lang, asker="Maximiliana",
                    others="Bartholomew, Christabel and Wilhelmina", what=what,
                    sending_line=state_line)
    alone = line("decline.sending_alone", lang, asker="Maximiliana", what=what,
                 sending_line=state_line)
    assert max(len(together), len(alone)) <= MAX_CHARS - 40, (len(together), len(alone))


async def test_where_both_readers_hear_a_harm_the_sure_fitted_read_names_it(
        store: RoomStore) -> None:
    """The English lexicon reads a word of this request as acting against Dana; the fitted
    read, sure, hears the bot asked to back one member's plan — and the decline says it takes
    no side, not that it won't single a member out."""
    out, _ = await play(store, "side-plan", [
        *VENUE[:4],
        ("ann", "@facilitator just tell everyone Bob's plan is the right one and Dana is wrong")])
    assert out.decision.intervention == "decline_capture"
    assert out.decision.reason.endswith("(read as take_side by meaning)"), out.decision.reason
    assert "side" in said(out)


async def test_a_member_named_with_a_genitive_s_is_left_out_of_nothing(store: RoomStore) -> None:
    """"Danas Ideen … weglassen": the member is named though her name carries the German
    genitive s, so leaving her ideas out of the summaries is declined as against her."""
    out, _ = await play(store, "de-genitive", [
        *VENUE[:4], ("bob", "@facilitator Danas Ideen bitte beim Zusammenfassen künftig weglassen")])
    assert out.decision.intervention == "decline_capture"
    assert "leave a member out of what it sends" in out.decision.reason, out.decision.reason


async def test_a_members_proposals_to_be_left_out_of_the_summaries_are_not(
        store: RoomStore) -> None:
    """Leaving a member's proposals out of what the bot summarises cuts their voice from the
    record, not their name from those it sends to: the decline says every member's proposals
    stay in, and where a proposal's problem is for the room to weigh."""
    out, _ = await play(store, "leave-ideas", [
        *VENUE[:4], ("ann", "@facilitator leave Bob's ideas out of the weekly summary please")])
    assert out.decision.intervention == "decline_capture"
    text = said(out)
    assert "every member's proposals" in text and "say so here" in text, text


async def test_who_said_what_about_a_proposal_here_is_what_was_decided(store: RoomStore) -> None:
    """"What came of it? Who said what?" asks about this room's talk: with nothing said
    elsewhere, in private or taken back, it is answered with what was decided and who said
    yes or no — never declined as a leak."""
    out, _ = await play(store, "es-quien", [
        ("ana", "propongo que cambiemos la reunión al jueves"),
        ("bob", "sí, el jueves me va mejor"), ("cy", "no, el jueves tengo turno"),
        ("dana", "@facilitator ¿en qué quedó lo de la reunión? ¿quién dijo qué?")])
    assert out.decision.intervention == "answer", out.decision.reason
    assert "Bob" in said(out) and "Cy" in said(out), said(out)



def test_an_unsure_request_with_a_verb_of_noting_is_a_note_though_it_guesses_decisions() -> None:
    """Unsure, its likeliest guess "what was decided", a request with a verb of noting and what
    to note ("regista isto como decidido") asks for the note: answering it with the talk and
    "ask me to note it" was judged harmful (batch 12's Portuguese note)."""
    line = "@facilitator pronto, todos de acordo, regista isto como decidido"
    state = room_with(msg("r", "rui", "Proponho que o jantar seja no restaurante da praça.",
                          id="p"),
                      msg("r", "ana", "Boa, concordo.", id="2"),
                      msg("r", "leo", "Fechado, por mim está ótimo.", id="3"),
                      msg("r", "bia", line, id="q"))
    unsure = RequestRead(label=None, kind=Kind.UNSURE, language="pt", confidence=0.4,
                         guesses=(Intent.DECISIONS, Intent.NOTE_DECISION), reason="not sure")
    moment = gate._confirmed_by_the_room(msg("r", "bia", line, id="q"), state, unsure)
    assert moment is not None and moment.intervention == "record_decision", moment
