"""The fitted readers: has a question been taken up, and by whom (reading/uptake.py); is a
comment a personal attack, and on whom (reading/attacks.py).

Every message here was written for this test; none comes from the corpora the readers were
fitted on. The figures on real data are the training scripts' (scripts/train_uptake.py,
scripts/train_attacks.py); the last tests rebuild the shipped weights from the data when it
and scikit-learn are there.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
from types import ModuleType

import pytest

from facilitator.evaluation.reader_split import half
from facilitator.events import Author, ChatEvent, RoomRef
from facilitator.memory.state import Question, RoomState
from facilitator.memory.trackers import apply_event
from facilitator.memory.trackers.questions import rules_take_up
from facilitator.reading import attacks as attacks_module
from facilitator.reading import uptake as uptake_module
from facilitator.reading.attacks import AttackReader, shipped_attack_reader
from facilitator.reading.message import read_message
from facilitator.reading.replies import reply_features
from facilitator.reading.uptake import (
    FEATURES,
    HORIZON_TURNS,
    shipped_uptake_model,
    taken_up_by,
    uptake_features,
    uptake_probability,
    uptake_scene,
)
from tests.conftest import REPO, SHARED_DATA

BOT = "facilitator"


# ---------------------------------------------------------------------------------------------
# Uptake


class Room:
    def __init__(self) -> None:
        self.state = RoomState(room="r")
        self.n = 0

    def event(self, who: str, text: str, gap: float = 20.0) -> ChatEvent:
        self.n += 1
        return ChatEvent(id=f"m{self.n}", room=RoomRef.local("r"), author=Author(id=who),
                         text=text, ts=5000.0 + gap * self.n)

    def say(self, who: str, text: str) -> ChatEvent:
        event = self.event(who, text)
        apply_event(self.state, event, bot_id=BOT)
        return event

    def weigh(self, who: str, text: str, q: Question) -> tuple[float, str | None]:
        """The reader on a message that is weighed, not said."""
        event = self.event(who, text)
        self.n -= 1
        read = read_message(self.state, event, bot_id=BOT)
        sc = uptake_scene(self.state, event, read)
        return uptake_probability(sc, q), taken_up_by(sc, q, explicit=rules_take_up(q, event, read))


# A busy channel: many people, short unrelated exchanges.
BUSY = [
    ("otto", "did the new kernel land in the updates yet"),
    ("paula", "otto: yesterday, it's fine here"),
    ("quinn", "good evening everyone"),
    ("rosa", "quinn: evening"),
    ("sven", "my fan is loud since the update"),
    ("tara", "sven: check the power profile"),
    ("uma", "anyone going to the release party?"),
    ("victor", "uma: maybe, depends on the weather"),
    ("wendy", "brb coffee"),
]
BUSY_QUESTION = "how can I make my printer show up after every reboot?"


def busy_room() -> tuple[Room, Question]:
    room = Room()
    for who, text in BUSY:
        room.say(who, text)
    room.say("nina", BUSY_QUESTION)
    return room, room.state.questions[-1]


def test_the_shipped_uptake_weights_load_and_are_small() -> None:
    model = shipped_uptake_model()
    assert tuple(model.features) == FEATURES
    assert 0.0 < model.threshold < 1.0 and 0.0 <= model.veto <= model.threshold
    assert uptake_module.MODEL_PATH.stat().st_size < 20_000
    assert set(model.training.pairs) == {"irc", "slack"}  # fitted on every labelled kind


def test_an_answer_to_the_asker_takes_the_question_up_by_its_author() -> None:
    room, q = busy_room()
    p, by = room.weigh("tara", "nina: add the printer in the cups web page and tick 'shared', "
                               "it will stay after a reboot", q)
    assert by == "tara" and p > 0.5


def test_chatter_between_others_does_not_take_it_up() -> None:
    room, q = busy_room()
    p, by = room.weigh("rosa", "victor: the party is on friday, bring snacks", q)
    assert by is None and p < shipped_uptake_model().threshold


def test_the_askers_own_follow_up_takes_nothing_up() -> None:
    room, q = busy_room()
    p, by = room.weigh("nina", "it is a usb printer by the way", q)
    assert (p, by) == (0.0, None)


def test_in_a_small_room_the_next_speaker_answering_takes_it_up() -> None:
    room = Room()
    room.say("ana", "shall we start with the budget?")
    room.say("ben", "yes, I have the figures here")
    room.say("ana", "which supplier did we pick for the venue in the end?")
    q = room.state.questions[-1]
    _, by = room.weigh("carl", "we picked the supplier from Leeds for the venue, they were cheapest", q)
    assert by == "carl"


def test_a_question_out_of_view_is_left_to_the_rules() -> None:
    room, q = busy_room()
    for i in range(HORIZON_TURNS + 1):
        room.say(BUSY[i % len(BUSY)][0], f"unrelated line number {i}")
    _, by = room.weigh("tara", "nina: cups, tick shared", q)
    assert by is None  # out of the reader's view: the tracker's explicit rules decide


def test_the_uptake_cues_cost_a_small_multiple_of_the_reply_cues() -> None:
    """Per (question, message) pair the reader adds a handful of cues to the reply model's:
    measured as a ratio on the same pairs (best of five), not as wall time."""
    room, q = busy_room()
    event = room.event("tara", "nina: cups, tick shared")
    read = read_message(room.state, event, bot_id=BOT)
    sc = uptake_scene(room.state, event, read)

    def best(fn) -> float:  # type: ignore[no-untyped-def]
        times = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(300):
                fn()
            times.append(time.perf_counter() - start)
        return min(times)

    ratio = best(lambda: uptake_features(sc, q)) / best(lambda: reply_features(sc.reply, q))
    assert ratio < 3.0


# ---------------------------------------------------------------------------------------------
# Attacks

NAMES = {"lena": "U_LENA", "marcus": "U_MARCUS"}
ATTACKS = [
    ("Lena, you are a complete idiot and everyone here knows it", None, "U_LENA"),
    ("you're an incompetent clown, stop wasting our time", "U_MARCUS", "U_MARCUS"),
]
NOT_ATTACKS = [
    # frustration at a project, impatience: heat, not an attack
    "This has been broken for two years and nobody fixed it. Frustrating.",
    "Any update on this? We are still waiting for the release.",
    # technical words that sound violent
    "kill the hung process with kill -9 and restart the daemon",
    "the dead code in parser.py can be removed, it aborts the build",
    # plain disagreement and thanks, spoken to someone
    "I think you are wrong about the timeline, the data says otherwise",
    "Thanks, you're right, my mistake",
    "could you share your config file so I can reproduce it?",
    # banter: a laugh or a grin
    "haha you're such a nerd :)",
    "lol ok you got me there, well played",
]


def test_the_shipped_attack_weights_load() -> None:
    reader = shipped_attack_reader()
    assert tuple(reader.weights.features) == attacks_module.FEATURES
    assert 0.0 < reader.weights.threshold < 1.0
    assert set(reader.weights.training.comments) == {"github", "wikitactics", "irc", "slack",
                                                     "meetings"}
    assert attacks_module.MODEL_PATH.stat().st_size < 20_000
    # The second stage: the features and the 512-d embedding, a threshold and a gate.
    second = reader.second
    assert second is not None
    assert tuple(second.features) == attacks_module.EMBEDDED_FEATURES
    assert len(second.coefficients) == len(attacks_module.FEATURES) + 512
    assert 0.0 < second.threshold < 1.0 and 0.0 <= second.gate < second.threshold
    assert attacks_module.EMBEDDED_PATH.stat().st_size < 40_000


DETERMINISM = ["Lena, you are a complete idiot and everyone here knows it",
               "you're an incompetent clown, stop wasting our time",
               "haha you're such a nerd :)", "kill the hung process with kill -9"]


def test_the_attack_reader_is_deterministic_under_any_hash_seed() -> None:
    here = [shipped_attack_reader().assess(t) for t in DETERMINISM]
    assert here == [shipped_attack_reader().assess(t) for t in DETERMINISM]
    code = ("import sys, json; from facilitator.reading.attacks import shipped_attack_reader; "
            "r = shipped_attack_reader(); "
            "print(json.dumps([r.assess(t) for t in json.loads(sys.stdin.read())]))")
    for seed in ("1", "4242"):
        out = subprocess.run([sys.executable, "-c", code], input=json.dumps(DETERMINISM), text=True,
                             capture_output=True, check=True, cwd=REPO,
                             env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"})
        assert [tuple(x) for x in json.loads(out.stdout)] == here


def test_only_what_passes_the_first_stage_is_embedded() -> None:
    """The embedding costs milliseconds: calm messages and mild ones below the first stage's
    gate never reach it (counted, not timed)."""
    calls: list[str] = []
    reader = shipped_attack_reader()
    real = attacks_module.embed_text
    try:
        attacks_module.embed_text = lambda text: calls.append(text) or real(text)  # type: ignore[assignment]
        for text in ["the build is green again", "which branch has the fix?", "ok, merging now",
                     "the mirror is slow today", "release notes are in the wiki"]:
            assert reader.assess(text) == (reader.assess(text)[0], False)
        assert calls == []
        assert reader.assess("you're an incompetent clown, stop wasting our time")[1]
        assert len(calls) == 1
    finally:
        attacks_module.embed_text = real  # type: ignore[assignment]


@pytest.mark.parametrize(("text", "addressee", "target"), ATTACKS)
def test_personal_attacks_and_their_target(text: str, addressee: str | None, target: str) -> None:
    read = shipped_attack_reader().read(text, addressee=addressee, names=NAMES)
    assert read.attack, read
    assert read.target == target


@pytest.mark.parametrize("text", NOT_ATTACKS)
def test_heat_technical_words_and_disagreement_are_not_attacks(text: str) -> None:
    read = shipped_attack_reader().read(text, addressee="U_MARCUS", names=NAMES)
    assert not read.attack, read
    assert read.target is None


def test_calm_messages_end_at_the_first_pass() -> None:
    """The silent path: messages with no second person, hot word or mocking cue never reach
    the full read (counted, not timed)."""

    class Counting(AttackReader):
        __slots__ = ("full",)

        def features(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.full += 1
            return super().features(*args, **kwargs)

    reader = Counting(shipped_attack_reader().weights)
    reader.full = 0
    calm = ["the build is green again", "meeting moved to three", "which branch has the fix?",
            "I pushed the docs", "lunch at noon", "the mirror is slow today", "ok, merging now",
            "the tests pass on my machine", "release notes are in the wiki", "good morning all"]
    reads = [reader.read(t) for t in calm]
    assert reader.full == 0
    assert all(r.probability == 0.0 and not r.attack for r in reads)
    reader.read("you are a complete idiot")
    assert reader.full == 1


# ---------------------------------------------------------------------------------------------
# The split and the training scripts


def test_the_reader_split_is_fixed_by_name_whatever_the_hash_seed() -> None:
    rooms = [f"room-{i}" for i in range(60)]
    here = [half("slack", r) for r in rooms]
    code = ("import sys, json; from facilitator.evaluation.reader_split import half; "
            "print(json.dumps([half('slack', r) for r in json.loads(sys.stdin.read())]))")
    out = subprocess.run([sys.executable, "-c", code], input=json.dumps(rooms), text=True,
                         capture_output=True, check=True, cwd=REPO,
                         env={"PYTHONHASHSEED": "77", "PATH": "/usr/bin:/bin"})
    assert json.loads(out.stdout) == here
    assert {"tune", "report"} == set(here)
    # WikiTactics: the same halves as the hostility model's fit rooms.
    from facilitator.reading.hostility import is_fit_room

    wiki = [f"wt-{i}-{i}" for i in range(60)]
    assert all((half("wikitactics", r) == "tune") == is_fit_room(r) for r in wiki)
    # GitHub rooms fall on both sides (the corpus itself was cut on the unsalted hash).
    assert {half("github", f"gh-owner_repo-{i}") for i in range(60)} == {"tune", "report"}


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_training_scripts_import_without_scikit_learn() -> None:
    assert _script("train_uptake").OUT == uptake_module.MODEL_PATH
    assert _script("train_attacks").OUT == attacks_module.MODEL_PATH
    assert _script("train_verdicts").OUT.name == "verdicts.json"
    assert _script("train_claim_kinds").OUT.name == "claim_kinds.json"


def _needs(*files: str) -> pytest.MarkDecorator:
    missing = [f for f in files if not (SHARED_DATA / f).is_file()]
    return pytest.mark.skipif(bool(missing), reason=f"real data not found at {SHARED_DATA}: {missing}")


@pytest.mark.train
@pytest.mark.timeout(1200)  # replays every IRC, Slack and meeting room: minutes on 2 shared cores
@_needs("ubuntu-irc-train.jsonl", "slack-racket-train.jsonl", "meetings-train.jsonl")
def test_train_uptake_check_reproduces_the_shipped_weights() -> None:
    assert _script("train_uptake").main(["--data", str(SHARED_DATA), "--check"]) == 0


@pytest.mark.train
@pytest.mark.timeout(1200)  # reads every comment of four corpora: minutes on 2 shared cores
@_needs("github-heated-train.jsonl", "wikitactics-train.jsonl", "ubuntu-irc-train.jsonl")
def test_train_attacks_check_reproduces_the_shipped_weights() -> None:
    assert _script("train_attacks").main(["--data", str(SHARED_DATA), "--check"]) == 0
