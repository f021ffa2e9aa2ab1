"""The group's decision record is a faithful account of agreement (issue 20, item 4): each way
one member could write it alone, tried."""

from __future__ import annotations

import pytest

from facilitator.engine import Engine
from facilitator.events import EventKind, RoomRef
from facilitator.memory.store import RoomStore
from facilitator.memory.trackers import apply_event
from facilitator.memory.trackers.proposals import agreed, record_decision
from facilitator.policies.compose_rules import compose_fields
from facilitator.policies.decision import Intervention
from facilitator.policies.gate import note_decision
from facilitator.policies.policy import FacilitatorPolicy
from facilitator.policies.readout import decisions_text, open_items_text, proposals_in_talk
from facilitator.reading.language import detect_language
from facilitator.reading.message import assents_whole, proposes_as_a_question, undecided
from tests.helpers import msg, room_with

BOT = "facilitator"


def test_the_proposer_alone_cannot_decide() -> None:
    state = room_with(msg("r", "ann", "I propose we move the standup to 10am", id="p"),
                      msg("r", "ann", "OK, we have decided to do that", id="2"))
    assert state.decisions == []
    assert state.proposals[0].status == "open"


def test_a_colloquial_german_proposal_is_one() -> None:
    state = room_with(msg("r", "ann", "ich schlag vor, dass wir die Hütte schon im März buchen",
                          id="p"), msg("r", "bob", "Einverstanden.", id="2"))
    assert [p.author for p in state.proposals] == ["ann"]


def test_a_proposal_said_in_the_progressive_is_one() -> None:
    # written after batch 26's miss: "I'm proposing …" had gone unread, so "what was decided"
    # could not tell who proposed and who said yes
    state = room_with(msg("r", "ann", "I'm proposing we start the inventory an hour later, "
                                      "the deliveries are never in by seven", id="p"),
                      msg("r", "bob", "agree, makes sense", id="2"))
    assert [(p.author, p.supporters) for p in state.proposals] == [("ann", ["bob"])]


@pytest.mark.parametrize("reply", [
    "yes let's do it", "thursday works brilliantly for me, let's go with it",
    "I'm in, let's book it!", "sounds good, let's go for that then"])
def test_a_yes_whose_lets_points_back_is_a_vote_not_a_proposal(reply: str) -> None:
    # found by hand at stop 41: "let's do it" had been kept as the replier's own proposal, the
    # next "count me in" counted for it, and a late joiner told the replier proposed
    state = room_with(msg("r", "ann", "Proposal: we move the monthly meetup to the thursday slot",
                          id="p"),
                      msg("r", "bob", reply, id="2"), msg("r", "cy", "count me in", id="3"))
    assert [(p.author, p.supporters) for p in state.proposals] == [("ann", ["bob", "cy"])]


@pytest.mark.parametrize("reply", [
    # written for this test after batch 31's judged harms: a yes on a condition, which the
    # fitted read takes for an objection
    "sim, se a gente dividir a gasolina, senão fica caro",
    "lo apoyo si es solo para los sábados y no tengo que cerrar yo",
    "I'm in as long as it's only for the summer weeks",
])
def test_a_yes_on_a_condition_is_neither_yes_nor_no(reply: str) -> None:
    state = room_with(msg("r", "ann", "Proposal: we rent one big van for the trip", id="p"),
                      msg("r", "bob", reply, id="2"))
    proposal = state.proposals[0]
    assert (proposal.supporters, proposal.objectors, proposal.unclear) == ([], [], ["bob"])
    assert "Bob" in proposals_in_talk(state) and "isn't clear" in proposals_in_talk(state)


@pytest.mark.parametrize("line", [
    # written after batch 31's judged harm: a question asked in disbelief, then a firm no
    "dez horas de carro por dia? não rola, ninguém aguenta",
    "¿otra vez en agosto? ni hablar, ese mes no hay nadie",
    "ten hours a day in a van? no way, we'd kill each other"])
def test_a_firm_no_after_a_question_asked_in_disbelief_is_a_no(line: str) -> None:
    state = room_with(msg("r", "ann", "Proposal: we rent one big van for the trip", id="p"),
                      msg("r", "bob", line, id="2"))
    assert state.proposals[0].objectors == ["bob"], line


def test_a_line_that_casts_no_vote_is_no_conditional_yes() -> None:
    # found reading the change: any line with an "if" near a proposal had been kept as an
    # unclear reply, and held the group's decision back
    state = room_with(msg("r", "ann", "I propose we move the standup to 10am", id="p"),
                      msg("r", "bob", "agreed", id="2"),
                      msg("r", "cy", "if anyone needs a lift tomorrow, ping me", id="3"))
    proposal = state.proposals[0]
    assert (proposal.supporters, proposal.unclear) == (["bob"], [])


def test_a_no_with_a_condition_is_still_a_no() -> None:
    state = room_with(msg("r", "ann", "Proposal: we rent one big van for the trip", id="p"),
                      msg("r", "bob", "no, not if it means driving ten hours a day", id="2"))
    assert state.proposals[0].objectors == ["bob"]


def test_a_lets_with_something_new_still_proposes() -> None:
    state = room_with(msg("r", "ann", "Proposal: we move the monthly meetup to the thursday slot",
                          id="p"),
                      msg("r", "bob", "no, let's do it on friday instead", id="2"))
    assert [(p.author, p.objectors) for p in state.proposals] == [("ann", ["bob"]), ("bob", [])]


def test_one_members_claim_without_a_proposal_is_a_proposal_not_a_decision() -> None:
    state = room_with(msg("r", "ann", "we have decided to cancel the bake sale", id="1"))
    assert state.decisions == []
    assert [p.author for p in state.open_proposals()] == ["ann"]
    # Once others agree, it is the group's.
    apply_event(state, msg("r", "bob", "agreed", id="2"), bot_id=BOT)
    apply_event(state, msg("r", "cy", "we all agree then, decided", id="3"), bot_id=BOT)
    assert [d.supporters for d in state.decisions] == [["bob", "cy"]]


def test_a_question_is_not_a_vote_and_not_a_decision() -> None:
    state = room_with(msg("r", "ann", "I propose we buy a second projector", id="p"),
                      msg("r", "bob", "have we decided on this already?", id="2"),
                      msg("r", "cy", "do we all agree on that?", id="3"))
    assert state.decisions == []
    assert state.proposals[0].supporters == []
    assert len(state.proposals) == 1  # the question is not stored as a proposal either


def test_no_decision_over_an_objection_that_stands() -> None:
    state = room_with(msg("r", "ann", "I propose we close the office on Fridays", id="p"),
                      msg("r", "bea", "I disagree, Fridays are our busiest day", id="2"),
                      msg("r", "cy", "agreed with Ann", id="3"),
                      msg("r", "ann", "we all agree, Bea is the only holdout, so it's decided",
                          id="4"))
    assert state.decisions == []
    assert "Bea objecting" in open_items_text(state)


def test_an_edit_after_the_decision_does_not_change_what_was_decided() -> None:
    state = room_with(msg("r", "ann", "I propose we meet every Tuesday", id="p"),
                      msg("r", "bob", "agreed", id="2"),
                      msg("r", "cy", "we all agree then, decided", id="3"))
    assert [d.text for d in state.decisions] == ["I propose we meet every Tuesday"]
    apply_event(state, msg("r", "ann", "I propose we meet every Tuesday and Saturday",
                           id="4", kind=EventKind.EDIT, target="p"), bot_id=BOT)
    decision = state.decisions[0]
    assert decision.text == "I propose we meet every Tuesday"
    assert decision.supporters == ["bob", "cy"]
    # The new words are a new proposal, with no supporters yet.
    fresh = state.open_proposals()
    assert [(p.text, p.supporters) for p in fresh] == [
        ("I propose we meet every Tuesday and Saturday", [])]


def test_the_record_names_who_agreed() -> None:
    state = room_with(msg("r", "ann", "I propose we rotate the editor monthly", id="p"),
                      msg("r", "bob", "agreed, sounds good", id="2"),
                      msg("r", "dee", "we all agree then, decided", id="3"))
    assert "agreed by Bob and Dee" in decisions_text(state)


def test_editing_again_changes_the_new_proposal_not_the_decision() -> None:
    state = room_with(msg("r", "ann", "I propose we meet every Tuesday", id="p"),
                      msg("r", "bob", "agreed", id="2"),
                      msg("r", "cy", "we all agree then, decided", id="3"))
    for n, words in enumerate(("I propose we meet every Wednesday",
                               "I propose we meet every Thursday")):
        apply_event(state, msg("r", "ann", words, id=f"e{n}", kind=EventKind.EDIT, target="p"),
                    bot_id=BOT)
    assert [p.text for p in state.open_proposals()] == ["I propose we meet every Thursday"]
    assert [d.text for d in state.decisions] == ["I propose we meet every Tuesday"]


# Read by meaning (reading/decision_talk.py): proposals, votes and withdrawals in the languages
# the reader reads, and backchannel that is no vote.

def test_a_group_that_agrees_in_german_has_a_decision_to_record() -> None:
    state = room_with(
        msg("r", "ann", "Ich schlage vor, dass wir die Sitzung auf Mittwoch legen.", id="p"),
        msg("r", "bob", "Ja, dafür bin ich auch.", id="2"),
        msg("r", "cy", "Mittwoch passt mir gut, einverstanden.", id="3"))
    [proposal] = state.open_proposals()
    assert (proposal.author, proposal.supporters) == ("ann", ["bob", "cy"])
    decision = record_decision(state, "p", ts=10.0)
    assert decision is not None and decision.supporters == ["bob", "cy"]


def test_an_objection_in_spanish_stands_in_the_way() -> None:
    state = room_with(msg("r", "ann", "Propongo que cambiemos la cena al domingo.", id="p"),
                      msg("r", "bob", "Me opongo, el domingo no puede nadie.", id="2"))
    assert state.proposals[0].objectors == ["bob"]
    assert record_decision(state, "p", ts=10.0) is None


def test_a_withdrawn_objection_no_longer_blocks() -> None:
    state = room_with(msg("r", "ann", "I propose we repaint the hall in May.", id="p"),
                      msg("r", "bea", "I disagree, May is our busiest month.", id="2"))
    assert state.proposals[0].objectors == ["bea"]
    for n, (who, words) in enumerate((("bea", "I withdraw my objection then."),
                                      ("cy", "Sounds good, I support that.")), start=3):
        apply_event(state, msg("r", who, words, id=str(n)), bot_id=BOT)
    assert (state.proposals[0].objectors, state.proposals[0].supporters) == ([], ["cy"])
    assert record_decision(state, "p", ts=10.0) is not None


def test_yeah_and_mm_hmm_are_listening_not_votes() -> None:
    # Real meetings are full of "Yeah." said while someone talks: recorded as support, they
    # made decisions nobody took (policies/defaults.py, chaired meetings and small teams).
    state = room_with(msg("r", "ann", "I propose we repaint the hall in May.", id="p"),
                      msg("r", "bob", "Yeah.", id="2"), msg("r", "cy", "Mm-hmm.", id="3"))
    assert state.proposals[0].supporters == []
    assert record_decision(state, "p", ts=10.0) is None


def test_a_one_word_agreement_in_another_language_is_a_vote() -> None:
    # "Einverstanden." / "Concordo." / "De acuerdo." say "agreed", not "I'm listening": a
    # second member's one word decides a proposal made in German, Portuguese or Spanish.
    for lang, proposal, word in (
            ("de", "Ich schlage vor, dass wir die Halle im Mai streichen.", "Einverstanden."),
            ("pt", "Proponho que a sala seja pintada em maio.", "Concordo."),
            ("es", "Propongo que pintemos la sala en mayo.", "De acuerdo.")):
        state = room_with(msg(lang, "ann", proposal, id="p"), msg(lang, "bob", word, id="2"))
        assert [p.supporters for p in state.proposals] == [["bob"]], lang
        assert record_decision(state, "p", ts=10.0) is not None, lang


def test_a_one_word_backchannel_in_another_language_is_still_no_vote() -> None:
    state = room_with(msg("r", "ann", "Ich schlage vor, dass wir die Halle im Mai streichen.",
                          id="p"), msg("r", "bob", "Mhm.", id="2"), msg("r", "cy", "Aha.", id="3"))
    assert state.proposals[0].supporters == []
    assert record_decision(state, "p", ts=10.0) is None


def test_a_proposer_taking_their_proposal_back_in_plain_english_withdraws_it() -> None:
    state = room_with(msg("r", "ann", "I propose we repaint the hall in May.", id="p"),
                      msg("r", "bob", "Sounds good to me.", id="2"),
                      msg("r", "ann", "actually, let's drop my idea", id="3"))
    assert [p.status for p in state.proposals] == ["dropped"]  # and no new proposal
    assert record_decision(state, "p", ts=10.0) is None


def test_a_proposer_arguing_for_their_proposal_keeps_it() -> None:
    state = room_with(msg("r", "ann", "I propose we repaint the hall in May.", id="p"),
                      msg("r", "bob", "Who would do it?", id="2"),
                      msg("r", "ann", "We could drop the hire and do it ourselves.", id="3"))
    assert state.proposals[0].status == "open"


# ---- a reply that opens with its stance and gives a reason (decision_talk.stance_opener) ----
# Phrasings written for this test after batch 9's misses (so not fresh).

def test_a_yes_or_no_that_opens_a_reason_is_a_vote_in_every_language() -> None:
    state = room_with(msg("r", "ann", "Propongo que cambiemos la reunión a los martes.", id="p"),
                      msg("r", "bob", "Sí, los martes tengo la tarde libre.", id="2"),
                      msg("r", "cy", "No, el martes cierra la sala grande.", id="3"))
    p = state.proposals[0]
    assert p.supporters == ["bob"] and p.objectors == ["cy"]
    for lines, yes in (
            (["Ich schlage vor, dass wir den Raum im Mai streichen.",
              "Dagegen, im Mai sind alle im Urlaub."], False),
            (["Proponho que mudemos a reunião para terça.", "Concordo, terça fica melhor."], True),
            (["Je propose qu'on repeigne la salle en mai.",
              "Je suis contre, on n'a pas le budget."], False),
            (["I propose we repaint the hall in May.",
              "Yes, the walls really need it by then."], True)):
        state = room_with(msg("r", "ann", lines[0], id="p"), msg("r", "bob", lines[1], id="2"))
        p = state.proposals[0]
        assert (p.supporters, p.objectors) == ((["bob"], []) if yes else ([], ["bob"])), lines


@pytest.mark.parametrize("line", [
    # a no said softly, before its reason (written after batch 31's judged neutral)
    "Eher nicht, da bin ich im Urlaub", "rather not, the van is booked that week",
    "plutôt pas, c'est trop cher pour nous", "mejor no, ese mes no llego",
    "prefiro não, é muito longe"])
def test_a_soft_no_before_its_reason_is_an_objection(line: str) -> None:
    state = room_with(msg("r", "ann", "Proposal: we rent one big van for the trip", id="p"),
                      msg("r", "bob", line, id="2"))
    assert state.proposals[0].objectors == ["bob"], line


def test_a_no_whose_reason_reads_like_a_proposal_is_no_proposal_of_its_own(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # After batch 19's miss: the reason after a no, read by meaning as a proposal (0.73 there),
    # had been kept as the objector's own proposal. The fitted read is scripted here to read
    # every line so, as it read that one: the opening no decides.
    from facilitator.memory.trackers import proposals
    from facilitator.reading.decision_talk import Talk, TalkRead

    monkeypatch.setattr(proposals, "read_talk", lambda text: TalkRead(
        kind=Talk.PROPOSAL, confidence=0.73, best=Talk.PROPOSAL))
    state = room_with(
        msg("r", "ann", "Vorschlag: Wir lassen das Buffet beim Sommerfest weg, es kostet zu viel.",
            id="p"),
        msg("r", "bob", "Bin dagegen, die Gäste wollen etwas essen, das gibt nur Ärger.", id="2"))
    assert [p.id for p in state.proposals] == ["p"]
    assert state.proposals[0].objectors == ["bob"]


def test_a_bare_yes_is_not_read_by_its_opening() -> None:
    from facilitator.reading.message import stance_opener

    for text in ("D'accord.", "Sí.", "Yes!", "Oui, oui.", "No?"):
        assert stance_opener(text) == 0, text
    # A yes made emphatic is no listening noise (a blind judge found "ja bitte" left out of
    # who said yes harmful): a vote, though nothing follows it.
    assert stance_opener("Ja, unbedingt.") == 1
    for text in ("Yes, but who pays for it?", "Sim, e quem fica com as chaves?"):
        # a question after the yes asks; it does not vote
        state = room_with(msg("r", "ann", "I propose we buy a second projector", id="p"),
                          msg("r", "bob", text, id="2"))
        assert state.proposals[0].supporters == [], text


def test_a_stance_said_with_a_word_of_degree_opens_a_vote() -> None:
    from facilitator.reading.message import stance_opener

    # Phrasings written for this test (not fresh): "agreed" and a stance with a word of degree
    # open a reply as surely as a bare "yes" does.
    for text in ("Agreed, the van holds all of us.",
                 "Totally agree, we lose an hour every week.",
                 "Completamente de acuerdo, así ganamos una tarde.",
                 "Tout à fait d'accord, on gagne une heure.",
                 "Völlig einverstanden, das spart uns die Fahrt.",
                 "Concordo plenamente, poupa tempo a todos."):
        assert stance_opener(text) == 1, text
    for text in ("Totally against it, the van is too small.", "Discordo totalmente, não há verba."):
        assert stance_opener(text) == -1, text


def test_a_yes_made_emphatic_opens_a_vote_as_a_plain_yes_does() -> None:
    from facilitator.reading.message import stance_opener

    # Phrasings written for this test (not fresh).
    for text in ("yes please, the van holds all of us", "Yes pls — we lose an hour otherwise",
                 "Sí claro, así ganamos una tarde.", "Ja bitte, das spart uns die Fahrt.",
                 "oui carrément, on gagne une heure"):
        assert stance_opener(text) == 1, text
    # a "but" still turns it; a no is not made a yes by "please"
    assert stance_opener("Yes please, but not on a Sunday.") == 0
    assert stance_opener("No please, the van is too small.") != 1


def test_a_yes_turned_by_a_but_is_not_read_as_support_by_its_opening() -> None:
    from facilitator.reading.message import stance_opener

    for text in ("Yes, but then the van is too small for the drums.",
                 "Sí, pero el local cierra a las diez.",
                 "Oui, je comprends, mais non.",
                 "Ja, aber dann fehlt uns der Schlüssel.",
                 "Sim, mas ninguém tem a chave."):
        assert stance_opener(text) == 0, text
    # "más" (Spanish: more) and a "mais" inside a clause (Portuguese: more) turn nothing
    assert stance_opener("Sí, es más barato para todos.") == 1
    assert stance_opener("Sim, é mais barato para todos.") == 1
    # a no turned by a "but" still stands where it opens: it can only hold a decision back
    assert stance_opener("No, but thanks for thinking of it.") == -1
    state = room_with(msg("r", "ann", "I propose we rent the bigger van for the tour.", id="p"),
                      msg("r", "bob", "Yes, but then nobody can afford the petrol.", id="2"))
    assert state.proposals[0].supporters == []


def test_an_assent_with_a_reason_is_support_whatever_the_reasons_words() -> None:
    # Written for this test (not fresh): the whole line reads as an objection ("nobody",
    # "keiner", "ninguém" in the reason); its opening says where the member stands.
    for lines, yes in (
            (["I propose we plant the squash bed in May.",
              "Makes sense to me, otherwise nobody waters the beds in August."], True),
            (["Ich schlage vor, dass wir den Bus gemeinsam mieten.",
              "Klingt gut, dann muss keiner zweimal fahren."], True),
            (["Proponho que deixemos uma chave na padaria.",
              "Acho bem, assim ninguém fica sem chave."], True),
            (["Je propose qu'on ouvre le jardin tout l'été.",
              "Pas convaincu, personne n'a le temps en août."], False),
            (["I propose we plant the squash bed in May.",
              "Good idea in theory, but nobody has the time in August."], False)):
        state = room_with(msg("r", "ann", lines[0], id="p"), msg("r", "bob", lines[1], id="2"))
        p = state.proposals[0]
        assert (p.supporters, p.objectors) == ((["bob"], []) if yes else ([], ["bob"])), lines


def test_a_yes_the_fitted_read_takes_for_a_no_is_no_objection_but_unclear() -> None:
    # Written for this test (not fresh): the English cue hears "I'm in", the fitted read an
    # objection in the reason's words. Neither way is recorded (batch 18 had the bot tell a
    # late joiner that a member who said "I'm in" objected); the proposal is not agreed until
    # the member says yes or no plainly. A yes a "but" turns stays an objection (above).
    for reply in ("ok, the hall isn't cheap, I'm in", "sure thing, it won't be easy, I'm in"):
        state = room_with(msg("r", "ann", "I propose we book the church hall for the fair.",
                              id="p"), msg("r", "bob", reply, id="2"))
        p = state.proposals[0]
        assert (p.supporters, p.objectors, p.unclear) == ([], [], ["bob"]), reply
        assert not agreed(p)


def test_a_doubtful_question_back_keeps_the_proposal_from_counting_as_agreed() -> None:
    # Another member answers a proposal with a doubt put as a question, which the read cannot
    # place but leans to a question: not a yes. Until they say yes or no, the proposal is not
    # the group's decision.
    for lines, lang, said in (
            (["Propongo que el turno de limpieza rote cada mes.", "Me parece bien, así se reparte.",
              "No me convence del todo, ¿lo hablamos el lunes?"], "es",
             "la respuesta de Cy no me queda clara"),
            (["Je propose qu'on tourne le ménage chaque mois.", "Oui, ça me va.",
              "Je sais pas, pourquoi changer maintenant ?"], "fr",
             "la réponse de Cy n'est pas claire pour moi")):
        state = room_with(msg("r", "ann", lines[0], id="p"), msg("r", "bea", lines[1], id="2"),
                          msg("r", "cy", lines[2], id="3"))
        proposal = state.proposals[0]
        assert (proposal.supporters, proposal.objectors, proposal.unclear) == (
            ["bea"], [], ["cy"]), lines
        assert record_decision(state, "p", ts=10.0) is None
        assert said in proposals_in_talk(state, lang=lang)
    # A plain question beside the proposal is no doubt about it.
    state = room_with(msg("r", "ann", "Propongo que el turno de limpieza rote cada mes.", id="p"),
                      msg("r", "bea", "Me parece bien, así se reparte.", id="2"),
                      msg("r", "cy", "¿Alguien sabe dónde está la llave del almacén?", id="3"))
    assert (state.proposals[0].supporters, state.proposals[0].unclear) == (["bea"], [])


def test_what_was_decided_tells_a_recent_proposal_nobody_was_read_to_answer() -> None:
    # The vote read misses replies in words it does not know; "nothing decided yet" alone
    # would hide the proposal a late joiner asks about. Told as the talk, never as decided.
    state = room_with(msg("r", "ann", "I propose we paint the shed green this weekend.", id="p"),
                      msg("r", "bob", "ooh, fancy", id="2"))
    told = proposals_in_talk(state)
    assert told == ('In the talk, Ann proposed "I propose we paint the shed green this weekend."; '
                    "I read no clear yes or no to it yet, so it isn't the group's decision.")
    assert record_decision(state, "p", ts=10.0) is None
    # Said in the asker's language.
    assert "ainda não li um sim ou um não claro" in proposals_in_talk(state, lang="pt")
    # Long gone, it is the open items' business, not news of a decision.
    for n in range(25):
        apply_event(state, msg("r", "cy" if n % 2 else "dan", f"other talk {n}", id=f"o{n}"),
                    bot_id=BOT)
    assert proposals_in_talk(state) == ""
    # Beside a proposal the talk answered, only the answered one is told.
    state = room_with(msg("r", "ann", "I propose we paint the shed green this weekend.", id="p"),
                      msg("r", "bob", "Agreed.", id="2"),
                      msg("r", "cy", "Let's also fix the gutter while we're at it.", id="3"))
    told = proposals_in_talk(state)
    assert "Bob said yes to it" in told and "gutter" not in told


def test_a_listening_noise_or_a_bare_yes_opens_no_stance_by_meaning() -> None:
    from facilitator.reading.decision_talk import opening_stance

    for text in ("Ah, okay, I see what you mean.", "Hmm, interesting, go on.", "Sí, sí, claro.",
                 "Wait, is that this month?", "Agreed.", "Makes sense to me."):
        assert opening_stance(text) == 0, text


def test_a_reply_that_may_object_keeps_the_proposal_from_counting_as_agreed() -> None:
    # A constraint said as a fact ("at ten I'm still on nights"): the fitted read leans to an
    # objection but cannot say. No vote either way, and nothing recorded until it is clear.
    state = room_with(msg("r", "ann", "Proponho que abramos às 10 em vez das 11 aos sábados.",
                          id="p"),
                      msg("r", "bea", "Por mim tudo bem", id="2"),
                      msg("r", "cy", "Às 10 ainda estou no turno da noite", id="3"))
    proposal = state.proposals[0]
    assert (proposal.supporters, proposal.objectors, proposal.unclear) == (["bea"], [], ["cy"])
    assert record_decision(state, "p", ts=10.0) is None
    ask = msg("r", "bea", "@facilitator regista isso como decidido, por favor", id="ask")
    apply_event(state, ask, bot_id=BOT)
    moment = note_decision(ask, state, lang="pt")
    assert (moment.intervention, moment.facts["mode"]) == (Intervention.ANSWER, "unclear")
    _, fields = compose_fields(moment, state, ask)
    # Whose reply holds it back, and that a yes or a no from them settles it: "may be an
    # objection" misled where the reply was a yes the fitted read took for a no (a blind judge).
    assert "a resposta de Cy" in fields["line"] and "um sim ou um não" in fields["line"]
    # Asked what was decided, the talk is told as it stands, not as "nobody objected", and the
    # words the bot could not place are quoted.
    assert ('a resposta de Cy ("Às 10 ainda estou no turno da noite") não me é clara'
            in proposals_in_talk(state, lang="pt"))
    # A plain yes from Cy settles it, however much was said in between: the group has agreed.
    for n, (who, text) in enumerate([("dora", "Alguém sabe onde ficou a chave do armazém?"),
                                     ("bea", "Está na gaveta da caixa."),
                                     ("dora", "Obrigada!")], start=10):
        apply_event(state, msg("r", who, text, id=str(n)), bot_id=BOT)
    apply_event(state, msg("r", "cy", "Sim, por mim pode ser.", id="4"), bot_id=BOT)
    assert (proposal.supporters, proposal.unclear) == (["bea", "cy"], [])
    assert record_decision(state, "p", ts=11.0) is not None


def test_a_proposal_put_as_a_question_or_a_wish_is_read_in_the_five_languages() -> None:
    # Written for this test (not fresh): the English cues read "what if we", "shall we", "we
    # should"; their like in the other four languages propose too (batch 18's "sollen wir …?"
    # had been no proposal, so a late joiner heard nothing of it).
    for line in ("Sollen wir das Treffen auf Dienstag legen?",
                 "Et si on passait la réunion au mardi ?",
                 "¿Qué tal si movemos la reunión al martes?",
                 "E se a gente mudasse a reunião para terça?",
                 "Wir sollten die Kasse jeden Freitag zählen."):
        state = room_with(msg("r", "ann", line, id="p"))
        assert [p.author for p in state.proposals] == ["ann"], line
    # "and if" only proposes where it opens the line
    state = room_with(msg("r", "ann", "No sé, y si llueve mañana?", id="p"))
    assert state.proposals == []


# Written for these tests (not fresh): a yes-or-no question whose verb is what "we" would do.
JOINT_QUESTIONS = [("es", "¿Cambiamos de proveedor de café este mes?"),
                   ("es", "y entonces ¿lo dejamos para el lunes?"),
                   ("fr", "On garde le même traiteur pour la fête ?"),
                   ("fr", "Est-ce qu'on décale la sortie d'une semaine ?"),
                   ("de", "Fangen wir morgen eine halbe Stunde früher an?"),
                   ("pt", "Mudamos a reunião para sexta? A de quinta está sempre cheia."),
                   ("pt", "Vamos adiar a entrega até segunda?")]
# ... and questions about what "we" have, know, can or when: no proposal.
NOT_JOINT = [("es", "¿Tenemos llaves del almacén?"), ("es", "¿Cuándo cerramos hoy?"),
             ("fr", "On a encore du budget pour ça ?"), ("fr", "On part quand demain ?"),
             ("de", "Haben wir noch Kaffee?"), ("de", "Wann fangen wir morgen an?"),
             ("pt", "Temos café na cozinha?"), ("es", "Cambiamos de proveedor el mes pasado."),
             ("es", "¿Cambiamos? ¿O lo dejamos?")]


@pytest.mark.parametrize(("lang", "line"), JOINT_QUESTIONS)
def test_a_question_about_what_we_do_proposes_in_four_languages(lang: str, line: str) -> None:
    assert proposes_as_a_question(line, lang)
    state = room_with(msg("r", "ann", line, id="p"))
    assert [p.author for p in state.proposals] == ["ann"], line


@pytest.mark.parametrize(("lang", "line"), NOT_JOINT)
def test_a_question_about_what_we_have_or_when_proposes_nothing(lang: str, line: str) -> None:
    assert not proposes_as_a_question(line, lang)
    assert room_with(msg("r", "ann", line, id="p")).proposals == []


def test_an_english_question_is_left_to_the_english_cues() -> None:
    assert not proposes_as_a_question("Do we have the keys?", "en")
    assert room_with(msg("r", "ann", "Do we move the meeting?", id="p")).proposals == []


# Whole lines of yes, with no reason after them, in the five languages.
WHOLE_YES = ["Yes, definitely!", "works for me", "Sí, claro 👍", "me parece bien",
             "Oui, tout à fait", "ça me convient", "Ja, gerne!", "klingt gut",
             "Sim, com certeza", "pode ser", "por mim sim",
             # "I agree" outright, a deal struck, and nothing but approving emoji
             "I agree", "concordo", "fechado ✅", "👍", "👍🏽👍🏽", "✔️",
             # a yes with "let's go" (stop 37)
             "yes, let's go!", "Sí, vamos.", "oui, allons-y", "sim, bora",
             # an "ok" before an assent (written after batch 31's judged harm)
             "ok, sounds good", "vale, me parece bien", "va, me late"]


@pytest.mark.parametrize("line", WHOLE_YES)
def test_a_whole_line_of_emphatic_yes_or_assent_is_a_vote(line: str) -> None:
    assert assents_whole(line)
    state = room_with(msg("r", "ann", "Ich schlage vor, dass wir die Halle im Mai streichen.",
                          id="p"), msg("r", "bob", line, id="2"))
    assert state.proposals[0].supporters == ["bob"], line
    assert record_decision(state, "p", ts=10.0) is not None, line


@pytest.mark.parametrize("line", ["Yes.", "ok", "yeah", "D'accord.", "vale", "Ja.", "Mhm.",
                                  "no way", "passt nicht", "me parece bien, pero no el lunes",
                                  "works for me if Dana agrees", "👎", "👍👎", "😂", "🐙"])
def test_a_bare_yes_a_no_or_a_yes_with_more_is_not_a_whole_line_of_assent(line: str) -> None:
    assert not assents_whole(line)


@pytest.mark.parametrize("line", ["not sure, the budget is tight this year",
                                  "no sé, ¿quién lo va a limpiar?",
                                  "je sais pas, ça coûte cher quand même",
                                  "weiß nicht, das Gerät ist oft kaputt",
                                  "não sei, a chave fica com quem?",
                                  # a filler first (written after batch 25's misses)
                                  "hmm no sé, depende del precio",
                                  "mmm je sais pas, c'est loin"])
def test_a_reply_opened_by_not_knowing_is_neither_yes_nor_no(line: str) -> None:
    assert undecided(line)
    state = room_with(msg("r", "ann", "Ich schlage vor, dass wir die Halle im Mai streichen.",
                          id="p"), msg("r", "bob", "Einverstanden.", id="2"),
                      msg("r", "cy", line, id="3"))
    proposal = state.proposals[0]
    assert proposal.supporters == ["bob"] and proposal.objectors == [], line
    assert proposal.unclear == ["cy"], line
    assert record_decision(state, "p", ts=10.0) is None, line


@pytest.mark.parametrize("line", ["ah non", "Nein!", "nope", "no way",
                                  "nem pensar, sai caro demais", "ni hablar, es carísimo"])
def test_a_whole_line_of_no_is_an_objection(line: str) -> None:
    state = room_with(msg("r", "ann", "Ich schlage vor, dass wir die Halle im Mai streichen.",
                          id="p"), msg("r", "bob", "Einverstanden.", id="2"),
                      msg("r", "cy", line, id="3"))
    assert state.proposals[0].objectors == ["cy"], line
    assert record_decision(state, "p", ts=10.0) is None, line


async def test_a_late_joiner_hears_who_said_yes_to_a_question_put_as_a_proposal(
        store: RoomStore) -> None:
    """End to end, in Portuguese: the proposal is a question about what "we" do, one member
    says a whole-line yes the fitted read calls listening, one says no; the late joiner asking
    what was decided hears both, and nothing is recorded."""
    engine = Engine(store, FacilitatorPolicy())
    lines = [("rui", "Trocamos a empresa da limpeza? A atual falha toda a semana."),
             ("ana", "Sim, com certeza"), ("leo", "Sou contra, o contrato acaba só em março."),
             ("bia", "@facilitator acabei de chegar, o que ficou decidido sobre a limpeza?")]
    for n, (who, text) in enumerate(lines):
        out = await engine.handle(msg("pt-room", who, text, id=f"m{n}", ts=1000.0 + n))
    said = out.decision.text or ""
    assert out.decision.intervention == "answer", out.decision.reason
    assert "Rui" in said and "Ana" in said and "Leo" in said, said
    assert detect_language(said).code == "pt", said
    state = await store.get(RoomRef.local("pt-room").key)
    assert state is not None and state.decisions == []


def test_a_question_put_to_the_bot_proposes_nothing() -> None:
    # Written for this test (not fresh): "could we" is how a proposal opens, but asked of the
    # bot it asks for a way to decide (batch 3's Spanish request became "Nora proposed …").
    for line in ("@facilitator ¿cómo podríamos repartir los turnos de forma justa?",
                 "@facilitator should we vote on the venue or keep talking?"):
        state = room_with(msg("r", "ann", line, id="p"))
        assert state.proposals == [], line


@pytest.mark.parametrize(("proposal", "reply"), [
    ("Shall we paint the hall in May?", "yes"), ("¿Pintamos la sala en mayo?", "Sí."),
    ("On repeint la salle en mai ?", "oui"), ("Streichen wir die Halle im Mai?", "ja"),
    ("Pintamos a sala em maio?", "sim")])
def test_a_plain_yes_to_a_proposal_put_as_a_question_is_a_vote(proposal: str, reply: str) -> None:
    state = room_with(msg("r", "ann", proposal, id="p"), msg("r", "bob", reply, id="2"))
    assert state.proposals[0].supporters == ["bob"], (proposal, reply)


def test_a_plain_yes_from_the_proposer_is_no_vote() -> None:
    state = room_with(msg("r", "ann", "Shall we paint the hall in May?", id="p"),
                      msg("r", "ann", "yes", id="2"))
    assert state.proposals[0].supporters == []


def test_a_stance_said_last_in_the_first_person_is_read_as_the_reply() -> None:
    from facilitator.reading.message import stance_opener, whole_stance

    # Phrasings written for this test (not fresh): the reason first, where the speaker stands
    # last; and the emphasis before a whole-line yes.
    for text in ("the 14th clashes with my exams, so I'm against it",
                 "sale caro para lo que es, estoy en contra",
                 "ça fait trop loin pour moi, je suis contre",
                 "das ist zu teuer, ich bin dagegen",
                 "não temos verba, sou contra"):
        assert stance_opener(text) == -1, text
    assert stance_opener("ça nous fait gagner une heure, je suis pour") == 1
    assert stance_opener("sounds fine, I'm in") == 0  # not a stance word: the fitted read's
    for text in ("carrément oui", "absolutely yes!", "klar ja"):
        assert whole_stance(text) == 1, text


def test_a_yes_said_twice_a_casual_no_and_no_view_either_way_are_read_so() -> None:
    from facilitator.reading.message import stance_opener, undecided, whole_stance

    # Phrasings written for this test (not fresh).
    for text in ("oui oui, ça nous évite un aller-retour", "sí sí, el martes me va",
                 "yes!! we needed this last year", "sim sim, é mais seguro",
                 "bora, assim ninguém fica sem válvula",
                 # "for me, yes" before its reason (written after batch 25's misses)
                 "por mí sí, el jueves lo tengo libre", "pour moi oui, c'est plus simple",
                 # a colloquial German yes (written after batch 26's judges)
                 "jap, der Montag passt"):
        assert stance_opener(text) == 1, text
    assert stance_opener("nee, das schaffen wir nicht") == -1
    assert stance_opener("uf no, los lunes viene más gente") == -1  # a filler first
    assert undecided("mmm no lo tengo claro")
    # a yes and an assent, or two assents, as a whole line
    for text in ("sim, pode ser.", "dale, me parece bien", "oui, ça me va",
                 # loving the idea, "tá bom" (written after batch 27's misses)
                 "amei a ideia!!", "me encanta la idea", "por mim tá ótimo"):
        assert whole_stance(text) == 1, text
    for text in ("nah, that leaves the late shift alone", "nope, too far for most of us"):
        assert stance_opener(text) == -1, text
    assert stance_opener("ja ja, schon gut") == 0  # waves the point away: no vote by its opening
    assert whole_stance("ouais carrément") == 1
    for text in ("no opinion, I'm away that week", "pas d'avis, je suis en congé",
                 "me da igual, decidid vosotros", "mir egal, macht ihr", "tanto faz, pra mim"):
        assert undecided(text), text


@pytest.mark.parametrize("line", ["agree with dan 100%", "concordo com o Dan, não dá"])
def test_agreeing_with_the_member_who_objected_is_no_yes(line: str) -> None:
    # Written for this test: the word of agreeing is about Dan's no, not the proposal.
    state = room_with(msg("r", "ann", "Shall we move the quiz night to the back room?", id="p"),
                      msg("r", "dan", "no, the back room has no heating", id="2"),
                      msg("r", "bob", line, id="3"))
    proposal = state.proposals[0]
    assert "bob" not in proposal.supporters and "bob" in proposal.objectors, line


def test_agreeing_with_the_proposer_is_still_a_yes() -> None:
    state = room_with(msg("r", "ann", "Shall we move the quiz night to the back room?", id="p"),
                      msg("r", "dan", "no, the back room has no heating", id="2"),
                      msg("r", "bob", "I agree with Ann, it's warmer than the hall", id="3"))
    assert state.proposals[0].supporters == ["bob"]
