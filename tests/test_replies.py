"""Has an open question been taken up? The reply model, its weights and the tracker using it."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from facilitator.evaluation.irc_split import irc_split
from facilitator.events import Author, ChatEvent, RoomRef
from facilitator.memory.state import Question, RoomState
from facilitator.memory.trackers import apply_event
from facilitator.memory.trackers.questions import reply_model
from facilitator.reading.message import read_message
from facilitator.reading.replies import (
    FEATURES,
    MODEL_PATH,
    ReplyModel,
    features_dict,
    load_model,
    reply_features,
    scene,
    shipped_model,
    taken_up_probability,
)
from tests.conftest import REPO, SHARED_DATA

BOT = "facilitator"
# A busy channel before the question: nine people, short unrelated exchanges.
CHATTER = [
    ("dave", "anyone watching the match tonight"),
    ("erin", "just upgraded to the new release, smooth so far"),
    ("frank", "erin: nice, any issues with the graphics driver?"),
    ("erin", "frank: none at all"),
    ("gina", "morning all"),
    ("hank", "gina: morning"),
    ("ivan", "the mirrors are slow today"),
    ("judy", "ivan: try another mirror then"),
    ("kim", "hi"),
]
QUESTION = "how do I mount a network drive permanently?"


class Room:
    def __init__(self) -> None:
        self.state = RoomState(room="r")
        self.n = 0

    def event(self, who: str, text: str) -> ChatEvent:
        self.n += 1
        return ChatEvent(id=f"m{self.n}", room=RoomRef.local("r"), author=Author(id=who),
                         text=text, ts=1000.0 + 10 * self.n)

    def say(self, who: str, text: str) -> ChatEvent:
        event = self.event(who, text)
        apply_event(self.state, event, bot_id=BOT)
        return event

    def probability(self, who: str, text: str, q: Question) -> float:
        event = self.event(who, text)
        self.n -= 1  # only weighed, not said
        read = read_message(self.state, event, bot_id=BOT)
        return taken_up_probability(reply_features(scene(self.state, event, read), q))


def busy_room_with_question() -> tuple[Room, Question]:
    room = Room()
    for who, text in CHATTER:
        room.say(who, text)
    assert room.state.rolling.shape == "channel"
    room.say("alice", QUESTION)
    return room, room.state.questions[-1]


def test_a_nick_prefixed_answer_takes_the_question_up() -> None:
    room, q = busy_room_with_question()
    p = room.probability("carol", "alice: add it to /etc/fstab with the _netdev option", q)
    assert p >= shipped_model().threshold
    event = room.event("carol", "alice: add it to /etc/fstab with the _netdev option")
    cues = features_dict(reply_features(
        scene(room.state, event, read_message(room.state, event, bot_id=BOT)), q))
    assert cues["to_asker"] == 1.0 and cues["to_other"] == 0.0 and cues["next_message"] == 1.0
    assert cues["m_technical"] == 1.0


def test_unrelated_chatter_and_talk_to_others_score_low() -> None:
    room, q = busy_room_with_question()
    model = shipped_model()
    assert room.probability("dave", "lol yes the game last night was great", q) < model.threshold
    # Put to someone else: even an explicit sign would be vetoed at this level.
    assert room.probability("bob", "frank: that driver is fine", q) < model.veto
    assert room.probability("carol", "ok", q) < model.threshold


def test_an_unaddressed_answer_on_the_questions_words_closes_it_only_with_the_model() -> None:
    answer = "to mount a network drive permanently you add it to /etc/fstab"
    room, q = busy_room_with_question()
    room.say("carol", answer)
    assert q.answered_by == "carol"
    with reply_model(None):
        room, q = busy_room_with_question()
        room.say("carol", answer)
        assert q.answered_by is None  # the rules see no reply, no name, no addressee


def test_chatter_leaves_the_question_open_and_a_word_to_the_asker_closes_it() -> None:
    room, q = busy_room_with_question()
    room.say("dave", "lol yes the game last night was great")
    room.say("hank", "gina: did the upgrade go fine?")
    assert q.answered_by is None
    room.say("carol", "alice: add it to /etc/fstab with the _netdev option")
    assert q.answered_by == "carol"


def test_a_meeting_keeps_the_rules() -> None:
    # Three people: not a channel, so the next answering words take the question up.
    room = Room()
    room.say("ann", "hello both")
    room.say("ben", "hi ann")
    room.say("ann", "what time works for the review?")
    room.say("cat", "I think Thursday afternoon")
    assert room.state.rolling.shape == "meeting"
    assert room.state.questions[-1].answered_by == "cat"


def test_shipped_weights_load_match_the_features_and_are_deterministic() -> None:
    a, b = load_model(), load_model(MODEL_PATH)
    assert a == b and tuple(a.features) == FEATURES and len(a.coefficients) == len(FEATURES)
    assert 0.0 < a.veto < a.threshold < 1.0
    assert a.training.rooms > 0 and a.training.positives > 0
    assert a.training.report["pairs_model_f1"] > a.training.report["pairs_rules_f1"]
    x = tuple(float(i % 3) for i in range(len(FEATURES)))
    assert a.probability(x) == b.probability(x) == a.probability(features_dict(x))
    raw = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert raw["features"] == list(FEATURES)


def test_weights_for_other_features_are_refused() -> None:
    raw = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    raw["features"] = raw["features"][::-1]
    with pytest.raises(ValueError, match="does not match"):
        ReplyModel.model_validate(raw)
    raw = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    raw["coefficients"] = raw["coefficients"][:-1]
    with pytest.raises(ValueError):
        ReplyModel.model_validate(raw)


def test_an_absurd_input_does_not_overflow() -> None:
    model = shipped_model()
    for value in (1e300, -1e300):
        assert 0.0 <= model.probability(tuple(value for _ in FEATURES)) <= 1.0


def _script():
    spec = importlib.util.spec_from_file_location("train_replies", REPO / "scripts" / "train_replies.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_training_script_is_importable_without_scikit_learn_and_uses_the_split() -> None:
    script = _script()
    for room in ("irc-2004-12-25-train-c", "irc-2006-05-27-train-c", "x"):
        assert script.split_name(room) == irc_split(room)
    assert callable(script.main) and script.OUT == MODEL_PATH


def test_the_split_is_fixed_by_name_whatever_the_hash_seed() -> None:
    names = [f"irc-20{y:02d}-0{m}-1{d}-train-{c}" for y in range(4, 13) for m in range(1, 4)
             for d in range(3) for c in "abc"]
    here = [irc_split(n) for n in names]
    code = ("import sys, json; from facilitator.evaluation.irc_split import irc_split; "
            "print(json.dumps([irc_split(n) for n in json.loads(sys.stdin.read())]))")
    for seed in ("1", "4242"):
        out = subprocess.run([sys.executable, "-c", code], input=json.dumps(names), text=True,
                             capture_output=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}, cwd=REPO)
        assert json.loads(out.stdout) == here
    assert {"tune", "report"} == set(here)
    # The rooms `eval irc` committed to each side stay there (fitting never sees a report room).
    assert irc_split("irc-2005-02-06-train-c") == "tune"
    assert irc_split("irc-2004-12-25-train-c") == "report"


DATA = SHARED_DATA / "ubuntu-irc-train.jsonl"
LINKS = SHARED_DATA / "ubuntu-irc-train.links.json"


@pytest.mark.slow
@pytest.mark.skipif(not (DATA.is_file() and LINKS.is_file()),
                    reason=f"real IRC data not found at {SHARED_DATA} (see the project README)")
def test_on_report_rooms_the_model_beats_the_rules() -> None:
    from facilitator.evaluation.reply_eval import (
        live_pairs,
        load_links,
        load_rooms,
        pair_scores,
        question_scores,
        replay_rooms,
    )

    rooms = load_rooms(DATA)
    links = load_links(LINKS)
    report = sorted(r for r in rooms if irc_split(r) == "report")[:16]
    model = shipped_model()
    rules_runs = list(replay_rooms(rooms, links, report, model=None, pairs=True))
    outcomes = [q for r in rules_runs for q in r.questions.values()]
    live = live_pairs([p for r in rules_runs for p in r.pairs], outcomes)
    decide = [model.probability(p.features) >= (model.veto if p.rules else model.threshold)
              for p in live]
    pairs_model = pair_scores(live, decide)
    pairs_rules = pair_scores(live, [p.rules for p in live])
    assert sum(p.label for p in live) > 300  # enough taken-up pairs to mean something
    assert pairs_model["f1"] > pairs_rules["f1"]
    # Per question (answered within 10 minutes or not) the rules already catch almost every
    # "nick: ..." answer on IRC; the model must not make that judgement worse. A guard, not
    # the claim: measured on all report rooms the two are within 0.001 (see the report).
    with_model = [q for r in replay_rooms(rooms, links, report, model=model)
                  for q in r.questions.values()]
    by_model, by_rules = question_scores(with_model), question_scores(outcomes)
    assert by_model["questions"] == by_rules["questions"] > 1000
    assert by_model["f1"] >= by_rules["f1"] - 0.005
