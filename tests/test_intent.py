"""The offline request reader: its label set, model file, language handling and catalogue."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from facilitator.locale import LANGUAGES, cant_read_line, catalogue, decline_line, fields_of, line
from facilitator.reading.intent import (
    DATA_PATH,
    MODEL_PATH,
    leaves_out_of_what_it_sends,
    legacy,
    load_model,
    notes_it,
    read_request,
)
from facilitator.reading.intent_labels import MEANING, REFUSALS, SERVICES, Intent, Kind, kind_of
from facilitator.reading.language import OTHERS, READABLE, detect_language
from facilitator.reading.requests import Refusal, Service


def test_the_label_set_is_closed_and_covers_the_old_read() -> None:
    assert set(MEANING) == set(Intent)
    assert {s.value for s in Service} <= {i.value for i in SERVICES}
    assert {r.value for r in Refusal} == {i.value for i in REFUSALS}
    assert kind_of(Intent.UNSERVED) == Kind.UNSERVED and kind_of(Intent.CHAT) == Kind.NONE


def test_the_labelled_set_covers_every_label_in_every_language() -> None:
    rows = [json.loads(x) for x in DATA_PATH.read_text(encoding="utf-8").splitlines() if x]
    assert len(rows) >= 500
    assert len({r["text"] for r in rows}) == len(rows)
    per = Counter((r["label"], r["lang"]) for r in rows)
    for intent in Intent:
        for lang in READABLE:
            assert per[(intent.value, lang)] >= 3, (intent, lang)


def test_the_model_file_matches_the_label_set() -> None:
    model = load_model()
    assert set(model.classes) == set(Intent)
    assert all(len(row) == 512 for row in model.weights)
    assert 0.0 < model.threshold < 1.0
    assert MODEL_PATH.stat().st_size < 200_000


@pytest.mark.parametrize(("text", "label"), [
    ("@facilitator could you recap the thread for me?", Intent.SUMMARY),
    ("@facilitator silence Grace, she is annoying", Intent.AGAINST_MEMBER),
    ("@facilitator ¿qué decidimos ayer?", Intent.DECISIONS),
])
def test_a_few_reads(text: str, label: Intent) -> None:
    assert read_request(text).label == label


def test_empty_and_odd_input() -> None:
    for text in ("", "   ", "@facilitator", "???", "\x00\x01", "🙂🙂"):
        read = read_request(text)
        assert read.kind == Kind.NONE, text
    assert read_request("a" * 5000).kind in set(Kind)


def test_legacy_mapping() -> None:
    # Two members asking together are the room asking: tests/test_requests_served.py.
    read = read_request("@facilitator go quiet for the rest of the day")
    assert read.label == Intent.SETTINGS_ALONE
    assert legacy(read) == ("refuse", "settings_alone")
    assert legacy(read.model_copy(update={"label": None, "kind": Kind.UNSURE})) == (
        "unserved", None)


def test_short_lines_stay_in_a_readable_language() -> None:
    for text in ("help", "thanks!", "lol", "status?", "forget me"):
        assert detect_language(text).readable, text
    assert detect_language("ok", hint="de").code == "de"


def test_the_catalogue_has_every_line_in_every_language_with_the_same_fields() -> None:
    english = catalogue("en")
    for lang in LANGUAGES:
        lines = catalogue(lang)
        assert set(lines) == set(english), lang
        for key, text in lines.items():
            assert fields_of(text) == fields_of(english[key]), (lang, key)
    for category in REFUSALS:
        for lang in LANGUAGES:
            said = decline_line(category.value, lang, asker="Ana")
            assert said.startswith("Ana") and "\n" not in said
            if lang != "en":
                assert detect_language(said).code == lang, (lang, said)
    assert line("welcome", "de", bot_name="facilitator", retention_days="30",
                provider="Offline.", page="–").startswith("Hallo")


def test_cant_read_is_there_for_every_other_language() -> None:
    for lang in OTHERS:
        said = cant_read_line(lang, asker="Ana")
        assert "Ana" in said and "/facilitator help" in said, lang


@pytest.mark.parametrize(("text", "expected"), [
    ("@facilitator please jot that down", True),
    ("@facilitator anótalo, gracias", True),
    ("@facilitator note-le stp", True),
    ("@facilitator halt das bitte fest", True),
    ("@facilitator regista isso, obrigado", True),
    ("@facilitator note that Pia never shows up", False),  # what to note is its own clause
    ("@facilitator keep it down", False),
    ("@facilitator what should I write down?", False),
])
def test_a_request_that_is_only_a_verb_of_noting_and_that(text: str, expected: bool) -> None:
    assert notes_it(text) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("@facilitator leave Pia out of the weekly digest from now on", True),
    ("@facilitator sin recordatorios para Teo, no hace falta", True),
    ("@facilitator ne lui envoie plus les rappels, à Teo", True),
    ("@facilitator Teo braucht keine Zusammenfassung mehr", True),
    ("@facilitator tira o Teo dos avisos", True),
    # said of the member ("Teo won't get the digest any more"), left "de fora" of the rota's
    # messages, or, German with the verb last, left out when the bot summarises
    ("@facilitator the chair says Teo won't get the digest from now on", True),
    ("@facilitator deixa o Teo de fora das mensagens do turno, por favor", True),
    ("@facilitator Teos Beiträge bitte beim Zusammenfassen künftig weglassen", True),
    # or of their messages, no longer passed on (written after batch 25's misses)
    ("@facilitator Teos Nachrichten ab jetzt nicht mehr weiterleiten", True),
    ("@facilitator meine Nachrichten kommen nicht mehr an, was ist los?", False),
    # "no le reenvíes", "ni lo metas en los resúmenes" (written after batch 28's miss)
    ("@facilitator a Teo mejor no le reenvíes los avisos, está muy liado", True),
    # kept out of the minutes, French passive (written after batch 26's misses)
    ("@facilitator les remarques de Teo ne seront plus reprises dans le compte rendu", True),
    # French without its "ne" (written after batch 31's miss)
    ("@facilitator les idées de Teo, tu peux juste pas les mettre dans le résumé ?", True),
    ("@facilitator Teo missed the summary, can you send it to him?", False),
    ("@facilitator pas de résumé aujourd'hui, on n'a rien décidé", False),
    ("@facilitator Teo doesn't get why the digest is late, can you explain?", False),
    ("@facilitator remind Teo about the keys", False),
])
def test_a_request_to_leave_someone_out_of_what_the_bot_sends(text: str, expected: bool) -> None:
    assert leaves_out_of_what_it_sends(text) is expected
