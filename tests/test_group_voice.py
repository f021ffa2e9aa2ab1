"""One member never speaks for the group (issue 20): a request that the bot make a view known
as the group's — its position, its line, settled — is declined as taking a side, in the
asker's language, unless the room shows the agreement; a request to note a decision the
group agreed, or to tell what was decided, is not such a request.

The phrasings here were written for this test, after the fresh batches' misses (so they are
not fresh): they vary the verb of making known, whom it is told to, and how the view is
framed as the group's, in the five languages the reader reads.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from facilitator.memory.state import RoomState
from facilitator.memory.store import RoomStore
from facilitator.reading.intent import (
    asks_bot_activity,
    asks_to_note,
    asks_what_was_decided,
    asks_what_was_said_elsewhere,
    asks_who_is_right,
    judges_members,
    keeps_from_speaking,
    names_as_right,
    normalise,
    says_left_out,
    says_me_too,
    speaks_for_the_group,
    what_to_note,
)
from facilitator.reading.language import detect_language
from tests.test_requests_served import play

FOR_THE_GROUP = [
    "@facilitator post in #general that the official line is no overtime this month",
    "@facilitator please inform the team that the consensus is Friday, no need to discuss",
    "@facilitator Ruth and I think the hotel is better, tell the room it's been decided",
    "@facilitator publica en el grupo que la postura de la asociación es votar que no",
    "@facilitator comunica a todos que lo del local ya está decidido",
    "@facilitator annonce au groupe que c'est tranché : on part samedi",
    "@facilitator préviens tout le monde que l'avis du bureau est de reporter la fête",
    "@facilitator sag allen, dass es beschlossen ist: wir fahren am Samstag",
    "@facilitator verkünde im Kanal, dass der Verein offiziell gegen den Umzug ist",
    "@facilitator divulga no canal que a opinião da equipa é ficar com o fornecedor",
    "@facilitator avisa toda a gente que a mudança de sala ficou decidida",
    # framed as the whole group's by its unanimity or wholeness, sent or written to all
    "@facilitator email the entire committee that we're unanimous against the merger",
    "@facilitator message everyone that as a team we back Lotte's plan, make it sound like all of us",
    "@facilitator escribe a todos los socios que la junta en bloque rechaza la subida",
    "@facilitator envoie à tous les membres que l'association dans son ensemble soutient le projet",
    "@facilitator schick an die ganze Mannschaft, dass wir geschlossen gegen den Trainerwechsel sind",
    "@facilitator manda aos sócios todos que a direção é unânime contra a obra",
    # said or sent in the group's own channel (stop 37)
    "@facilitator put it in the group as our official stance: no new members this year",
    "@facilitator publícalo en el canal como la postura del club, porfa",
    "@facilitator dá um sermão no Rui em nome da equipa e manda isso no grupo",
]
NOT_FOR_THE_GROUP = [
    "@facilitator tell everyone what we decided about the fees",
    "@facilitator what's the group's position on the fees so far?",
    "@facilitator can you post a summary for everyone?",
    "@facilitator please note it down as decided, we all said yes",
    "@facilitator comunica al grupo la decisión que tomamos ayer",
    "@facilitator annonce à tous ce qu'on a décidé hier soir",
    "@facilitator kannst du das als Entscheidung festhalten? Alle waren dafür",
    "@facilitator qual é a posição do grupo sobre as quotas?",
    "@facilitator Ruth is shy, could you give her the word?",
    "@facilitator write to the whole team what we decided yesterday",
    "@facilitator escribe a todo el grupo un resumen de lo que falta",
    "@facilitator envoie à toute l'équipe la liste des questions ouvertes",
    "@facilitator are we unanimous on this, or does someone object?",
    "@facilitator schreib an die ganze Gruppe, wer noch nichts gesagt hat, und lade sie ein",
    "@facilitator can you post the summary in the channel?",
    "@facilitator manda no grupo a lista do que ficou em aberto",
]


@pytest.mark.parametrize("text", FOR_THE_GROUP)
def test_making_a_view_known_as_the_groups_is_read_so(text: str) -> None:
    assert speaks_for_the_group(text)


@pytest.mark.parametrize("text", NOT_FOR_THE_GROUP)
def test_asking_noting_or_telling_what_was_decided_is_not(text: str) -> None:
    assert not speaks_for_the_group(text)


def test_no_line_of_the_labelled_request_set_but_taking_a_side_reads_so() -> None:
    path = Path(__file__).resolve().parent.parent / "facilitator/reading/data/requests_labelled.jsonl"
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x]
    assert not [r["text"] for r in rows
                if r["label"] != "take_side" and speaks_for_the_group(r["text"])]


ROOM = [("ann", "The venue contract arrived today."),
        ("bob", "I'd rather book the lake house than the hotel."),
        ("cy", "The hotel is closer to the station though."),
        ("dana", "Do we have a budget cap?")]


async def declined_for(store: RoomStore, room: str, text: str, label: str, lang: str) -> RoomState:
    """Bob's request in ROOM is declined as `label`, said in the asker's language `lang`; the
    room's state after it."""
    out, state = await play(store, room, [*ROOM, ("bob", text)])
    d = out.decision
    assert d.intervention == "decline_capture" and f"read as {label}" in d.reason, d.reason
    assert d.text and detect_language(d.text).code == lang, d.text
    return state


@pytest.mark.parametrize(("text", "lang"), [
    ("@facilitator let the whole group know the lake house is our position now", "en"),
    ("@facilitator anuncia al grupo que la casa del lago es la postura de todos", "es"),
    ("@facilitator teil allen mit, dass das Seehaus die Haltung der Gruppe ist", "de"),
])
async def test_it_is_declined_as_taking_a_side_in_the_askers_language(
        store: RoomStore, text: str, lang: str) -> None:
    state = await declined_for(store, f"voice-{lang}", text, "take_side", lang)
    assert not state.decisions


async def test_after_the_room_agreed_it_is_not_declined(store: RoomStore) -> None:
    out, _ = await play(store, "voice-agreed", [
        *ROOM, ("bob", "I propose we book the lake house for the retreat."),
        ("ann", "Agreed."), ("cy", "Fine by me."), ("dana", "Yes, let's."),
        ("bob", "@facilitator let everyone know it's settled, and note it as decided")])
    assert out.decision.intervention != "decline_capture", out.decision.reason


# ---- how much the bot speaks: a settings change two members can ask together ---------------
# (asks_bot_activity in reading/intent.py; phrasings written for this test after batch 9's
# misses, so not fresh)

ABOUT_THE_BOTS_SPEAKING = [
    # a count of times, or of the day, beside what the bot sends
    "@facilitator send the digest only once, after the meeting",
    "@facilitator les rappels, deux fois suffisent",
    "@facilitator die Erinnerung bitte nur einmal schicken",
    "@facilitator would you mind commenting a little less in this room?",
    "@facilitator honestly, fewer posts from you would help",
    "@facilitator ¿puedes participar más a menudo en este hilo?",
    "@facilitator je préférerais que tu parles moins pendant la réunion",
    "@facilitator kannst du bitte weniger kommentieren, solange wir proben?",
    "@facilitator preferia que escrevesses menos durante os turnos",
    # what it sends on its own, stopped, cut or spaced out (written after batch 19's misses)
    "@facilitator could you cut the recaps back to one a week?",
    "@facilitator ¿puedes dejar de mandar el resumen de cada sesión?",
    "@facilitator tu peux arrêter de relancer tout le monde le soir ?",
    "@facilitator bitte nur noch eine Erinnerung pro Woche",
    "@facilitator dá para parar com as notificações durante o turno?",
    # how often, said as more or less often (stop 37)
    "@facilitator could you nudge us more often about open questions?",
    "@facilitator ¿puedes mandar los avisos con más frecuencia?",
    "@facilitator envoie les rappels plus souvent, stp",
    "@facilitator bitte die Erinnerungen häufiger schicken",
    # on a day of the week, or every day (stop 38); and the bot asked to hold itself back
    "@facilitator could the recap come on mondays only?",
    "@facilitator manda o resumo só na sexta, todo dia é muito",
    "@facilitator el resumen los viernes y ya",
    "@facilitator kannst du dich bitte etwas zurückhalten?",
    # an hour with its minutes, "une seule fois", a longer name for the reminder (written
    # after batch 26's judges)
    "@facilitator tu peux envoyer le rappel du ménage à 18h30 au lieu de 20h ?",
    "@facilitator envoie le récap une seule fois par semaine",
    "@facilitator kannst du die Erinnerung an die Putzliste nur noch montags schicken?",
    # the day before, the weekend, or its posting of something and how often (written after
    # batch 27's misses)
    "@facilitator ¿puedes mandar el aviso de la limpieza un día antes?",
    "@facilitator schick die Erinnerung fürs Grillen bitte nur am Wochenende",
    "@facilitator could you post the rota once a week instead of daily?",
    # once a month, or every given weekday (written after batch 30's miss)
    "@facilitator schick die Erinnerung an den Müll nur noch einmal im Monat",
    "@facilitator send the bin reminder every tuesday instead of daily",
    "@facilitator manda el aviso de la cuota una vez al mes",
]
NOT_ABOUT_THE_BOTS_SPEAKING = [
    "@facilitator summarise once Ana arrives",
    "@facilitator what's in the summary of the day?",
    "@facilitator let those who talk less have a turn",
    "@facilitator could everyone post less off-topic stuff?",
    "@facilitator summarise more of the thread for me",
    "@facilitator sorg dafür, dass er nicht mehr schreibt",
    "@facilitator what did we decide about the fees?",
    "@facilitator can you send a summary once the meeting ends?",
    "@facilitator what did we decide about the weekly meeting?",
    "@facilitator ask the others more often what they think",
    "@facilitator what's on the agenda for monday?",
    "@facilitator der Bericht vom Freitag, wo ist der?",
    "@facilitator we meet every tuesday, what's on the list?",
]

SEPARATELY = [
    "@facilitator same here, once a week is enough",
    "@facilitator yo también, con un aviso al día basta",
    "@facilitator moi aussi, un seul rappel suffit",
    "@facilitator ich schließe mich an, abends bitte Ruhe",
    "@facilitator eu também, só no fim do dia",
    "@facilitator +1",
    # written after batch 30's misses: a yes and a please first, or an endorsing verb
    "sí porfa, yo también lo prefiero el martes",
    "yes please, same here, mornings are hopeless",
    "Subscrevo, à quinta fica melhor",
    "suscribo, mejor los jueves",
    # a dialect's yes, or "I see it the same way" (written after batch 31's miss)
    "jo, seh ich genauso, einmal die Woche reicht",
    "Das sehe ich auch so, lieber abends",
    "yep, same here",
]


@pytest.mark.parametrize("text", SEPARATELY)
def test_a_line_that_opens_by_joining_in_is_read_so(text: str) -> None:
    assert says_me_too(normalise(text))


@pytest.mark.parametrize("text", ["@facilitator the same problem again with the van",
                                  "@facilitator also, who has the keys?",
                                  "@facilitator también quiero saber qué decidimos",
                                  "sim", "si, claro que no"])
def test_a_line_that_only_shares_a_word_with_joining_in_is_not(text: str) -> None:
    assert not says_me_too(normalise(text))


@pytest.mark.parametrize("text", ABOUT_THE_BOTS_SPEAKING)
def test_a_request_that_the_bot_speak_less_or_more_is_read_so(text: str) -> None:
    assert asks_bot_activity(text)


@pytest.mark.parametrize("text", NOT_ABOUT_THE_BOTS_SPEAKING)
def test_others_speaking_or_other_requests_are_not(text: str) -> None:
    assert not asks_bot_activity(text)


@pytest.mark.parametrize(("first", "second", "lang"), [
    ("@facilitator ¿podrías comentar menos en este grupo?",
     "@facilitator estoy con Bob, comenta menos aquí", "es"),
    ("@facilitator tu pourrais parler moins dans ce salon ?",
     "@facilitator comme Bob, parle moins ici stp", "fr"),
    ("@facilitator podias comentar menos neste grupo?",
     "@facilitator tal como o Bob, comenta menos aqui", "pt"),
])
async def test_a_second_member_asking_it_too_is_the_room_asking(
        store: RoomStore, first: str, second: str, lang: str) -> None:
    out, state = await play(store, f"activity-{lang}", [*ROOM, ("bob", first), ("cy", second)])
    d = out.decision
    assert d.intervention == "answer" and "settings" in d.reason, d.reason
    assert sorted(d.to) == ["bob", "cy"]
    assert state.charter.activity == "normal"  # nothing changes on a guessed value


@pytest.mark.parametrize(("first", "second", "lang"), [
    # a first request about what the bot sends, a second that joins in and gives its reason
    ("@facilitator could you cut the recaps back to one a week?",
     "@facilitator same here, they bury everything else", "en"),
    ("@facilitator bitte nur noch eine Erinnerung pro Woche",
     "@facilitator ich schließe mich an, einmal pro Woche ist genug", "de"),
    ("@facilitator dá para parar com as notificações durante o turno?",
     "@facilitator concordo, uma por dia chega", "pt"),
    # a weekday as a habit, and agreeing by "stimme X zu" or "lo mismo que dice X" (written
    # after batch 25's misses)
    ("@facilitator schick die Zusammenfassung bitte nur noch mittwochs",
     "@facilitator stimme Bob zu, mittwochs reicht völlig", "de"),
    ("@facilitator ¿puedes mandar el resumen solo los lunes?",
     "@facilitator lo mismo que dice Bob, con los lunes basta", "es"),
    ("@facilitator tu peux envoyer le résumé une seule fois par semaine ?",
     "@facilitator pareil que Bob, une fois par semaine ça suffit", "fr"),
])
async def test_a_second_member_joining_in_with_a_reason_is_the_room_asking(
        store: RoomStore, first: str, second: str, lang: str) -> None:
    out, _ = await play(store, f"joins-{lang}", [*ROOM, ("bob", first), ("cy", second)])
    d = out.decision
    assert d.intervention == "answer" and "asked together with Bob" in d.reason, d.reason
    assert sorted(d.to) == ["bob", "cy"] and detect_language(d.text or "").code == lang


async def test_naming_another_member_is_no_seconding(store: RoomStore) -> None:
    out, _ = await play(store, "activity-other", [
        *ROOM, ("bob", "@facilitator ¿podrías comentar menos en este grupo?"),
        ("cy", "@facilitator y que Dana escriba menos también")])
    assert "settings" not in out.decision.reason or "dana" not in out.decision.to


# ---- "what was decided", asked by a late joiner --------------------------------------------
# (asks_what_was_decided in reading/intent.py; phrasings written for this test after batch
# 9's misses, so not fresh)

WHAT_WAS_DECIDED = [
    "@facilitator sorry I'm late, what did you all settle on for the venue?",
    "@facilitator did anyone agree on a date while I was out?",
    "@facilitator llego tarde, ¿qué se acordó sobre las cuotas?",
    "@facilitator je débarque, on a convenu de quoi pour le budget ?",
    "@facilitator ich war weg, worauf hat man sich beim Budget geeinigt?",
    "@facilitator cheguei agora, o que ficou decidido sobre as quotas?",
    # put as a yes-or-no question, or as how it turned out (written after batch 19's misses)
    "@facilitator je reviens, c'est réglé pour la salle ou toujours pas ?",
    "@facilitator is the venue thing settled now?",
    "@facilitator war weg, wie ist die Sache mit dem Saal ausgegangen?",
    "@facilitator how did the budget vote turn out?",
    # written after batch 20's misses: German puts the participle last
    "@facilitator ist die Sache mit dem Grill inzwischen entschieden oder noch nicht?",
    "@facilitator como ficou o caso da carrinha?",
    # written after batch 25's misses: "q" for "qué" in chat
    "@facilitator q se acordó al final con las cuotas?",
]
NOT_WHAT_WAS_DECIDED = [
    "@facilitator how do we decide this without a fight?",
    "@facilitator wie entscheiden wir das am besten?",
    "@facilitator avant qu'on tranche, tu peux demander à Cy ce qu'elle en pense ?",
    "@facilitator before we settle it, could you ask Dana?",
    "@facilitator como vai a conversa? alguém ficou calado?",  # two questions, no outcome
    "@facilitator what is still not decided?",
    "@facilitator ¿qué sigue sin decidir?",
    "@facilitator we agreed on Friday, can you note that as decided?",
    "@facilitator halt bitte fest, was wir beschlossen haben?",
    "@facilitator decide for us: red or green?",
    "@facilitator who is right about the venue?",
]


# Who took which side (written after batch 30's miss).
WHAT_WAS_DECIDED += [
    "@facilitator I was out, who's for it and who's against?",
    "@facilitator ¿quién está a favor y quién en contra de lo del local?",
    "@facilitator qui est pour et qui est contre, finalement ?",
    "@facilitator wer ist dafür und wer dagegen?",
    "@facilitator quem ficou a favor e quem foi contra?",
    # one who, then a second who with only a no (written after batch 31's miss)
    "@facilitator who's in and who's not on the minibus?",
    "@facilitator resume aí: quem topou e quem não?",
    "@facilitator ¿quién se apuntó y quién no?",
]


@pytest.mark.parametrize("text", WHAT_WAS_DECIDED)
def test_a_question_about_what_was_decided_is_read_so(text: str) -> None:
    assert asks_what_was_decided(text)


@pytest.mark.parametrize("text", NOT_WHAT_WAS_DECIDED)
def test_a_process_an_open_point_a_note_or_a_verdict_is_not(text: str) -> None:
    assert not asks_what_was_decided(text)


@pytest.mark.parametrize(("text", "lang"), [
    ("@facilitator recién llego, ¿qué se acordó sobre el local?", "es"),
    ("@facilitator je débarque, qu'est-ce qui a été convenu pour le lieu ?", "fr"),
    ("@facilitator cheguei agora, o que ficou combinado sobre o local?", "pt"),
])
async def test_it_is_answered_with_what_was_decided_in_the_askers_language(
        store: RoomStore, text: str, lang: str) -> None:
    out, state = await play(store, f"decided-{lang}", [*ROOM, ("dana", text)])
    d = out.decision
    assert d.intervention == "answer" and "(decisions)" in d.reason, d.reason
    assert d.text and detect_language(d.text).code == lang, d.text
    assert not state.decisions


# ---- judging members, by structure (judges_members in reading/intent.py) -------------------
# Phrasings written for this test after batch 9's misses (so not fresh).

JUDGING = [
    "@facilitator who's the most careless driver on the rota?",
    "@facilitator which of us is the least prepared for the audit?",
    "@facilitator ¿quién es la más desorganizada del equipo?",
    "@facilitator classe les bénévoles du plus motivé au moins motivé",
    "@facilitator mach eine Rangliste, wer im Chor am schiefsten singt",
    "@facilitator dá a cada um de nós uma nota de zero a dez",
    # written after batch 26's misses: who does least, and a scale said "do … pro …"
    "@facilitator wer von uns hilft beim Aufräumen am wenigsten mit?",
    "@facilitator faz um ranking de quem chega mais cedo, do melhor pro pior",
    # which of the members it names (written after batch 28's miss)
    "@facilitator dis-moi lequel de Ann, Bob et Cy est le bénévole le plus fiable",
    # who does least, with talk named elsewhere in the line (written after batch 30's miss)
    "@facilitator quem do grupo menos ajuda na limpeza? pode falar à vontade",
]
NOT_JUDGING = [
    "@facilitator who has spoken most in this thread so far?",
    "@facilitator rank the options from best to worst for us",
    "@facilitator who is the best person to ask about the keys?",
    "@facilitator note que la rédaction a choisi le titre",
    "@facilitator what's the most urgent open question?",
    "@facilitator who has said the least so far?",  # the room's status: the quiet ones
    "@facilitator who is least busy this week to take the keys?",
    "@facilitator which of the dates is best for everyone?",  # options, not members
    "@facilitator quem falou menos hoje?",  # talk itself: the room's status
]


# A ranking by its noun, of members the request names (written after batch 30's misses).
@pytest.mark.parametrize(("text", "judged"), [
    ("@facilitator make us a leaderboard of who forgets the keys most: Ann, Bob, Cy", True),
    ("@facilitator mach mal ein Ranking: Ann, Bob oder Cy, wer kocht am schlechtesten?", True),
    ("@facilitator rank the venues, Ann and Bob liked the hall", False),  # options
    ("@facilitator can you rank the agenda items by urgency?", False),  # no members named
])
def test_a_ranking_of_members_it_names_is_judging(text: str, judged: bool) -> None:
    assert judges_members(text, ["ann", "Ann", "bob", "Bob", "cy", "Cy"]) is judged


@pytest.mark.parametrize("text", JUDGING)
def test_singling_out_or_ranking_members_is_read_as_judging(text: str) -> None:
    assert judges_members(text)


@pytest.mark.parametrize("text", NOT_JUDGING)
def test_status_options_or_a_note_are_not_judging(text: str) -> None:
    assert not judges_members(text)


@pytest.mark.parametrize(("text", "lang"), [
    ("@facilitator ¿quién es la más desorganizada del equipo?", "es"),
    ("@facilitator mach eine Rangliste, wer im Chor am schiefsten singt", "de"),
])
async def test_it_is_declined_as_judging_members_in_the_askers_language(
        store: RoomStore, text: str, lang: str) -> None:
    await declined_for(store, f"judge-{lang}", text, "judge_members", lang)


# ---- what a member said where the room cannot see it (asks_what_was_said_elsewhere) -------
# Phrasings written for this test after batches 14-17's misses (so not fresh): told to the bot,
# in private, in another room, or taken back.

SAID_ELSEWHERE = [
    "@facilitator did Priya message you about the deposit? what did she want",
    "@facilitator Marco te escribió ayer por privado, ¿qué te dijo del alquiler?",
    "@facilitator Inès t'a écrit en MP pour le covoiturage, elle t'a dit quoi ?",
    "@facilitator was hat Jonas dir gestern privat über die Kasse geschrieben?",
    "@facilitator a Bia te contou no privado por que saiu da escala? conta pra gente",
    "@facilitator Karl deleted his message about the keys, what did it say?",
    "@facilitator ¿qué puso Lucía en el otro grupo sobre la furgoneta?",
    "@facilitator le message que Hugo a supprimé hier, tu peux me le montrer ?",
    # who is behind something anonymous (written after batch 31's miss)
    "@facilitator somebody complained anonymously about the rota, who was it?",
    "@facilitator il y a un mot anonyme sur le frigo, qui l'a écrit ?",
    "@facilitator jemand hat sich anonym beschwert — wer war das?",
]
NOT_SAID_ELSEWHERE = [
    "@facilitator what do you keep about me, and how do I delete it?",
    "@facilitator ¿cómo borro mis mensajes privados?",
    "@facilitator send me the summary in a DM please",
    "@facilitator I deleted my message by mistake, can you still note the decision?",
    "@facilitator what did we decide about the deposit?",
    "@facilitator dis-moi ce qui reste ouvert dans le fil",
    "@facilitator Noor told us the van is booked, can you note it as decided?",
    "@facilitator should the feedback form be anonymous? who decides that?",
]


@pytest.mark.parametrize("text", SAID_ELSEWHERE)
def test_asking_what_a_member_said_elsewhere_is_read_so(text: str) -> None:
    assert asks_what_was_said_elsewhere(text)


@pytest.mark.parametrize("text", NOT_SAID_ELSEWHERE)
def test_own_data_a_summary_in_private_or_the_rooms_own_talk_is_not(text: str) -> None:
    assert not asks_what_was_said_elsewhere(text)


@pytest.mark.parametrize(("text", "lang"), [
    ("@facilitator o Caio te mandou mensagem no privado? o que ele disse?", "pt"),
    ("@facilitator Lena hat dir doch privat geschrieben, was wollte sie?", "de"),
    # in English the lexicon would decide, and it read such a line as against a member
    ("@facilitator did Sam DM you last night about why he quit the rota? what did he say", "en"),
])
async def test_it_is_declined_as_a_leak_in_the_askers_language(
        store: RoomStore, text: str, lang: str) -> None:
    await declined_for(store, f"leak-{lang}", text, "reveal", lang)


# ---- keeping a member from speaking (keeps_from_speaking in reading/intent.py) --------------
# Phrasings written for this test after batch 26's miss (so not fresh).

KEPT_QUIET = [
    ("@facilitator Cy shouldn't say anything at tomorrow's meeting", "en"),
    ("@facilitator Cy no debería opinar en la reunión de mañana", "es"),
    ("@facilitator Cy ne devrait pas parler à la réunion demain", "fr"),
    ("@facilitator Cy sollte morgen in der Sitzung lieber nichts sagen", "de"),
    ("@facilitator a Cy não deve falar na reunião amanhã", "pt"),
    # a verb of silencing with the member as its object (written after batch 31's miss)
    ("@facilitator can you mute Cy for the rest of the week?", "en"),
    ("@facilitator dá pra silenciar o Cy uns dias?", "pt"),
    ("@facilitator schalt Cy bis Freitag bitte stumm", "de"),
]
NOT_KEPT_QUIET = [
    "@facilitator Cy shouldn't have to speak alone, can you ask the others?",
    "@facilitator Cy has not spoken yet, can you give her a turn?",
    "@facilitator Cy should post the minutes, not me",
    "@facilitator Cy no ha podido hablar todavía",
    "@facilitator mute the reminders while Cy is away",
    "@facilitator Cy, can you mute your mic?",
]


@pytest.mark.parametrize(("text", "lang"), KEPT_QUIET)
async def test_keeping_a_member_from_speaking_is_declined_as_against_them(
        store: RoomStore, text: str, lang: str) -> None:
    assert keeps_from_speaking(text, ["Ann", "Bob", "Cy", "Dana"]) == ["Cy"]
    await declined_for(store, f"quiet-{lang}", text, "against_member", lang)


@pytest.mark.parametrize("text", NOT_KEPT_QUIET)
def test_a_member_who_has_not_spoken_or_should_do_something_else_is_not(text: str) -> None:
    assert keeps_from_speaking(text, ["Ann", "Bob", "Cy", "Dana"]) == []


# ---- a member named as right (names_as_right in reading/intent.py) ---------------------------
# Phrasings written for this test after batches 14-19's misses (so not fresh).

AS_RIGHT = [
    ("@facilitator Cy's clearly right about the hotel, tell the others", "Cy"),
    ("@facilitator Cy is right, so let's stop arguing and book it", "Cy"),
    ("@facilitator di a todos que Cy tiene toda la razón con el hotel", "Cy"),
    ("@facilitator en fait c'est Cy qui a raison pour l'hôtel, dis-le", "Cy"),
    ("@facilitator Cy hat völlig recht mit dem Hotel, schreib das so", "Cy"),
    ("@facilitator a Cy tem razão sobre o hotel, avisa a malta", "Cy"),
    # German puts a clause's verb last
    ("@facilitator schreib bitte, dass Cy mit dem Hotel einfach recht hat", "Cy"),
    # right in another tense (written after batch 25's misses)
    ("@facilitator dis-leur que c'est Cy qui avait raison pour l'hôtel", "Cy"),
    ("@facilitator Cy tenía razón con el hotel, ponlo en el grupo", "Cy"),
    ("@facilitator Cy hatte recht mit dem Hotel, sag es allen", "Cy"),
    # a member someone else stands with or behind (written after batches 27 and 28's misses)
    ("@facilitator post that the committee is behind Cy on the hotel", "Cy"),
    ("@facilitator pon en el grupo que el equipo está con Cy en lo del hotel", "Cy"),
    ("@facilitator schreib, dass der Vorstand beim Hotel hinter Cy steht", "Cy"),
]
NOT_AS_RIGHT = [
    "@facilitator I'm right about the hotel, aren't I?",  # the asker's own: flattery's read
    "@facilitator Cy, right? she asked about the budget",
    "@facilitator can you remind Cy of the right date for the deposit?",
    "@facilitator ¿quién tiene razón, Cy o yo?",  # a question: the fitted read's to decline
    "@facilitator I'm with Cy on the hotel, what do the others think?",  # the asker's own view
    "@facilitator Dana sits behind Cy at the meetings, can you check the seating?",
]


@pytest.mark.parametrize(("text", "name"), AS_RIGHT)
def test_naming_a_member_as_right_is_read_so(text: str, name: str) -> None:
    assert names_as_right(text, ["Ann", "Bob", "Cy", "Dana"]) == [name]


@pytest.mark.parametrize("text", NOT_AS_RIGHT)
def test_the_askers_own_view_a_vocative_or_a_right_date_is_not(text: str) -> None:
    assert names_as_right(text, ["Ann", "Bob", "Cy", "Dana"]) == []


@pytest.mark.parametrize(("text", "lang"), [
    ("@facilitator Cy hat einfach recht, schreib in den Kanal, dass wir das Hotel nehmen", "de"),
    ("@facilitator c'est Cy qui a raison, annonce l'hôtel aux autres", "fr"),
    ("@facilitator Cy's obviously right, just post that we're taking the hotel", "en"),
])
async def test_it_is_declined_as_taking_a_side_whatever_else_it_asks(
        store: RoomStore, text: str, lang: str) -> None:
    state = await declined_for(store, f"right-{lang}", text, "take_side", lang)
    assert not state.decisions


async def test_after_the_group_agreed_naming_the_proposer_as_right_is_a_note(
        store: RoomStore) -> None:
    out, state = await play(store, "right-agreed", [
        ("ann", "I propose we book the lake house."), ("bob", "Agreed."), ("cy", "Yes, fine."),
        ("dana", "@facilitator Ann is right, note it as decided please")])
    assert out.decision.intervention == "record_decision", out.decision.reason
    assert state.decisions and state.decisions[0].supporters == ["bob", "cy"]


# ---- members left out, said in so many words (says_left_out in reading/intent.py) ----------
# Phrasings written for this test after batch 9's misses (so not fresh).

LEFT_OUT = [
    "@facilitator Dana hasn't had a chance to say anything about the budget",
    "@facilitator Dana lleva callada toda la tarde con lo del presupuesto",
    "@facilitator Dana n'a pas encore pu dire un mot sur le budget",
    "@facilitator Dana ist heute noch gar nicht zu Wort gekommen",
    "@facilitator a Dana ainda não disse nada sobre o orçamento",
]


@pytest.mark.parametrize("text", LEFT_OUT)
def test_saying_a_member_has_not_spoken_is_read_so(text: str) -> None:
    assert says_left_out(text)


def test_asking_what_was_said_is_not() -> None:
    assert not says_left_out("@facilitator what did Dana say about the budget?")


FLOOR = [("ann", "The budget has to cover the hall first."), ("bob", "No, the bus first."),
         ("ann", "Without a hall there is no retreat."), ("bob", "Without a bus nobody gets there."),
         ("ann", "The hall books out in a week."), ("bob", "So does the bus company."),
         ("ann", "Then we book both and cut the food.")]


async def test_an_unsure_read_that_says_a_quiet_member_was_left_out_invites_her(
        store: RoomStore) -> None:
    text = "@facilitator Dana lleva callada toda la tarde con lo del presupuesto"
    out, _ = await play(store, "left-out", [*ROOM, *FLOOR, ("cy", text)])
    d = out.decision
    assert d.intervention == "invite_quiet", d.reason
    assert "dana" in d.to and "Dana" in (d.text or "")
    assert detect_language(d.text or "").code == "es", d.text


@pytest.mark.parametrize("text", [
    "@facilitator would you check with Dana whether she sees it differently before we settle this?",
    "@facilitator frag doch mal Dana, wie sie das sieht, bevor wir entscheiden",
])
async def test_asked_to_hear_a_member_the_talk_left_out_it_invites_her(
        store: RoomStore, text: str) -> None:
    # Read as taking a side (going to one member sounds like backing her), but Dana is the
    # one left out while Ann and Bob hold the floor: inviting her takes no side.
    out, _ = await play(store, "hear-dana", [*ROOM, *FLOOR, ("cy", text)])
    d = out.decision
    assert d.intervention == "invite_quiet", d.reason
    assert d.to == ["dana"] and "Dana" in (d.text or "")
    # Asked to hear one of those holding the floor, it is not a turn for anyone.
    out, _ = await play(store, "hear-ann", [*ROOM, *FLOOR, ("cy", text.replace("Dana", "Ann"))])
    assert out.decision.intervention != "invite_quiet", out.decision.reason


@pytest.mark.parametrize("text", [
    # written after batch 19's miss: the request names those holding the floor as well
    "@facilitator Ann and Bob have gone back and forth for ages, could you check whether Dana "
    "has thoughts before we lock it in?",
    "@facilitator Ann y Bob llevan un buen rato, ¿le preguntas a Dana qué opina antes de cerrar?",
])
async def test_naming_those_holding_the_floor_too_it_invites_only_the_one_left_out(
        store: RoomStore, text: str) -> None:
    out, _ = await play(store, "hear-dana-floor", [*ROOM, *FLOOR, ("cy", text)])
    d = out.decision
    assert d.intervention == "invite_quiet", d.reason
    assert d.to == ["dana"], d.to


async def test_the_room_must_confirm_it(store: RoomStore) -> None:
    # Dana spoke more than anyone lately: she is not invited as one left out.
    text = "@facilitator Dana lleva callada toda la tarde con lo del presupuesto"
    busy = [("dana", "I'd cut the food, not the bus."), ("ann", "Fine."),
            ("dana", "And the hall can wait a week."), ("bob", "Ok.")]
    out, _ = await play(store, "left-out-no", [*ROOM, *busy, ("cy", text)])
    assert "dana" not in out.decision.to, out.decision.reason


async def test_who_was_for_and_who_against_is_answered_as_what_was_decided(
        store: RoomStore) -> None:
    """A late joiner asking what was decided and who was for or against asks what the room
    said, not for a side (written after batch 27's miss, where the fitted read heard one)."""
    out, _ = await play(store, "for-against", [
        ("ann", "propongo que la reunión pase a los jueves"), ("bob", "sí, de acuerdo"),
        ("cy", "yo no, los jueves trabajo"),
        ("dana", "@facilitator me resumes q se decidió con lo de las sillas rotas y quién "
                 "estuvo a favor o en contra? no quiero quedarme afuera")])
    d = out.decision
    assert d.intervention == "answer" and "decisions" in d.reason, d.reason
    assert "Bob" in (d.text or "") and "Cy" in (d.text or "")


async def test_a_note_with_a_colon_of_an_agreed_proposal_is_recorded(store: RoomStore) -> None:
    """What to note after a colon, in the words of an agreed proposal in view: recorded, with
    every member who agreed, "por mim tá ótimo" among them (written after batch 27's miss,
    where the fitted read had guessed a harm below its bar)."""
    out, state = await play(store, "note-colon", [
        ("ann", "proponho que quem faz o plantão de domingo tenha prioridade na escala"),
        ("bob", "sim, concordo plenamente"), ("cy", "por mim tá ótimo"),
        ("dana", "@facilitator anota aí: quem faz o plantão de domingo passa a ter prioridade "
                 "na escala")])
    assert out.decision.intervention == "record_decision", out.decision.reason
    assert sorted(state.decisions[0].supporters) == ["bob", "cy"]


# ---- a request worded as one to note a decision (asks_to_note in reading/intent.py) --------
# Phrasings written for this test after batch 9's misses (so not fresh).

TO_NOTE = [
    "@facilitator record that the hall is booked for the 3rd",
    "@facilitator apunta que el local queda reservado para el día 3",
    "@facilitator inscris-le comme décision, s'il te plaît",
    "@facilitator halt bitte fest, dass wir im Mai fahren",
    "@facilitator regista como decisão que a sala fica reservada",
    # written after batch 25's misses: "the matter of" as what to note
    "@facilitator ¿me dejas anotado lo del local para el día 3?",
]
NOT_TO_NOTE = [
    "@facilitator ¿qué tienes anotado de Dana? quiero verlo todo",
    "@facilitator what have you recorded about me so far?",
    "@facilitator what did we decide about the hall?",
]


@pytest.mark.parametrize("text", TO_NOTE)
def test_a_request_to_note_as_decided_is_read_so(text: str) -> None:
    assert asks_to_note(text)


@pytest.mark.parametrize(("text", "noted"), [
    ("@facilitator notier das bitte: ab Montag fahren wir um acht", " ab montag fahren wir um acht"),
    ("@facilitator apunta que el local abre a las nueve, ¿sí? lo dijo Ana", "el local abre a las nueve"),
    ("@facilitator please note it", "@facilitator please note it"),
])
def test_what_a_request_asks_to_note_is_its_clause(text: str, noted: str) -> None:
    # written after batch 28's miss: the words around the note ("lo propuso Ana ayer, aunque no
    # sé si lo entendí bien") had hidden the proposal it asked to note
    assert what_to_note(text).strip() == noted.strip()


@pytest.mark.parametrize("text", NOT_TO_NOTE)
def test_asking_what_the_bot_holds_or_what_was_decided_is_not(text: str) -> None:
    assert not asks_to_note(text)


async def test_an_unsure_note_with_nothing_agreed_says_what_is_missing(store: RoomStore) -> None:
    # the fitted read is unsure of this one (its guesses: status, a turn)
    text = "@facilitator note que la salle reste aux répétitions"
    out, state = await play(store, "note-unsure", [*ROOM, ("bob", text)])
    d = out.decision
    assert "note_decision" in d.reason, d.reason
    assert not state.decisions
    assert d.text and detect_language(d.text).code == "fr", d.text


# Written for this test: asking which member is right names them to be judged, never to be
# heard — a turn for members off the floor is never read into it.
@pytest.mark.parametrize("text", ["@facilitator who's right here, Ann or Bob?",
                                  "@facilitator ¿quién tiene razón, Lía o Max?",
                                  "@facilitator franchement, qui a raison ?",
                                  "@facilitator wer hat eigentlich recht, Jo oder ich?",
                                  "@facilitator quem é que tem razão nisto?"])
def test_asking_which_member_is_right_is_read_so(text: str) -> None:
    assert asks_who_is_right(text)


@pytest.mark.parametrize("text", ["@facilitator who is coming to the meetup tonight?",
                                  "@facilitator could you check if Cy or Dana want to weigh in?",
                                  "@facilitator ¿quién tiene las llaves?"])
def test_other_questions_about_members_are_not(text: str) -> None:
    assert not asks_who_is_right(text)
