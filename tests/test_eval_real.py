"""`facilitator eval real`: the per-kind yardstick counts what it says it counts."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from facilitator.cli import main
from facilitator.evaluation.irc import WouldBeTurn
from facilitator.evaluation.irc_split import irc_split
from facilitator.evaluation.real import (
    RoomTruth,
    civility,
    framed_as_mutual,
    pick_sample,
    score_room,
    taken_up_at,
)
from facilitator.evaluation.real_split import SPLIT_FILE, hash_part, kind_of, part_of
from facilitator.events import ChatEvent
from facilitator.reading.hostility import is_fit_room
from facilitator.sim.transcript import read_transcript
from tests.conftest import FACILITATOR, SHARED_DATA, cli_env

T0 = 1_600_000_000.0


def events_of(rows: list[tuple[str, str, str]], tmp_path: Path, room: str = "r") -> list[ChatEvent]:
    """(id, author, text) rows, one minute apart, as the engine would read them."""
    path = tmp_path / f"{room}.jsonl"
    path.write_text("".join(json.dumps({"id": i, "room": room, "author": a, "text": t,
                                        "ts": T0 + 60 * n}) + "\n"
                            for n, (i, a, t) in enumerate(rows)))
    events = [e for e in read_transcript(path, "facilitator") if isinstance(e, ChatEvent)]
    assert len(events) == len(rows)
    return events


def at(events: list[ChatEvent], message: str) -> int:
    return next(i for i, e in enumerate(events) if e.id == message)


# ---------------------------------------------------------------- surfaced questions

CHANNEL = [
    ("m1", "ann", "how do I make a struct printable?"),
    ("m2", "bob", "anyone going to RacketCon?"),
    ("m3", "cat", "ann: use #:transparent"),
    ("m4", "ann", "thanks!"),
    ("m5", "dan", "what is the difference between define and let?"),
    ("m6", "eve", "I am"),
]
THREADS = {"m1": "c1", "m3": "c1", "m4": "c1", "m2": "c2", "m6": "c2", "m5": "c3"}


def test_a_question_answered_in_its_thread_before_the_bot_surfaced_it_counts(tmp_path: Path) -> None:
    events = events_of(CHANNEL, tmp_path)
    truth = RoomTruth("slack", threads=THREADS)
    turns = [
        WouldBeTurn(at(events, "m4"), "m4", "surface_question", ("ann",), "m1"),  # cat answered at m3
        WouldBeTurn(at(events, "m5"), "m5", "surface_question", ("bob",), "m2"),  # eve answers only at m6
        WouldBeTurn(at(events, "m6"), "m6", "surface_question", ("dan",), "m5"),  # nobody in c3, ever
    ]
    scored = score_room(events, turns, truth)
    assert scored["counts"]["surfaced"] == 3
    assert scored["counts"]["surfaced_taken_up"] == 1
    assert [f["taken_up"] for f in scored["flags"]] == [True, False, False]


def test_a_later_message_in_another_thread_or_by_the_asker_is_not_a_take_up(
        tmp_path: Path) -> None:
    events = events_of(CHANNEL, tmp_path)
    # m2 sits in c2; cat (m3) and ann (m4) speak in c1 before the turn: not an answer to bob.
    taken = taken_up_at(events, RoomTruth("slack", threads=THREADS))
    assert taken == {"m1": at(events, "m3"), "m3": at(events, "m4"), "m2": at(events, "m6")}


def test_irc_take_up_is_a_reply_link_from_someone_else(tmp_path: Path) -> None:
    events = events_of(CHANNEL, tmp_path)
    links = {"m3": ["m1"], "m4": ["m3"], "m6": ["m6x"]}
    truth = RoomTruth("irc", links=links)
    turns = [WouldBeTurn(at(events, "m4"), "m4", "surface_question", (), "m1"),
             WouldBeTurn(at(events, "m6"), "m6", "surface_question", (), "m2")]
    assert score_room(events, turns, truth)["counts"]["surfaced_taken_up"] == 1
    # Ann's own follow-up linked to her question does not answer it.
    assert "m1" not in taken_up_at(events, RoomTruth("irc", links={"m4": ["m1"]}))


def test_in_a_meeting_the_next_turn_by_another_speaker_takes_a_question_up(
        tmp_path: Path) -> None:
    rows = [("t1", "pm", "shall we start?"), ("t2", "pm", "any objections?"),
            ("t3", "ui", "no"), ("t4", "me", "go ahead")]
    events = events_of(rows, tmp_path)
    taken = taken_up_at(events, RoomTruth("product", chairs=frozenset({"pm"})))
    assert taken["t1"] == taken["t2"] == at(events, "t3")
    turn = WouldBeTurn(at(events, "t2"), "t2", "surface_question", (), "t1")
    assert score_room(events, [turn], RoomTruth("product"))["counts"]["surfaced_taken_up"] == 0


# ---------------------------------------------------------------- heat and attacks

THREAD = [
    ("c1", "u1", "The build fails on ARM since 2.3."),
    ("c2", "u2", "Can you post the log?"),
    ("c3", "u1", "Here it is."),
    ("c4", "u3", "You are clueless, nobody should let you near this code."),
    ("c5", "u2", "Please keep it civil."),
    ("c6", "u3", "Whatever."),
    ("c7", "u1", "Any news?"),
    ("c8", "u2", "Fixed in 2.4."),
    ("c9", "u3", "What a joke of a project, run by clowns."),
]
LABELS = {"c1": ["None"], "c2": ["None"], "c3": ["None"], "c4": ["Insulting"],
          "c5": ["None"], "c6": ["Impatience"], "c8": ["None"], "c9": ["Mocking"]}


def test_a_deescalation_after_a_civil_comment_counts_and_after_an_attack_does_not(
        tmp_path: Path) -> None:
    events = events_of(THREAD, tmp_path)
    truth = RoomTruth("github", labels=LABELS)
    turns = [WouldBeTurn(at(events, "c2"), "c2", "deescalate", ("u2",)),  # after a civil request
             WouldBeTurn(at(events, "c4"), "c4", "deescalate", ("u3",)),  # after the insult
             WouldBeTurn(at(events, "c7"), "c7", "deescalate", ("u1",))]  # c7 was never labelled
    counts = score_room(events, turns, truth)["counts"]
    assert counts["deescalations"] == 3
    assert counts["deescalations_after_civil"] == 1
    assert counts["deescalations_after_uncivil"] == 1
    assert counts["deescalations_after_unlabelled"] == 1


def test_wikitactics_civil_means_no_dh0_or_dh1_label() -> None:
    truth = RoomTruth("wikitactics", labels={"a": ["DH5: Counterargument"],
                                             "b": ["DH1: Ad hominem/ad argument"],
                                             "c": ["DH0: Name calling/hostility"], "d": []})
    assert [civility(truth, m) for m in "abcde"] == ["civil", "uncivil", "uncivil", "civil",
                                                     "civil"]
    assert civility(RoomTruth("irc", links={}), "a") is None


def test_an_attack_is_answered_within_three_messages_and_mutual_framing_is_caught(
        tmp_path: Path) -> None:
    events = events_of(THREAD, tmp_path)
    truth = RoomTruth("github", labels=LABELS)
    # c4 answered two messages later, to both u3 and u2: answered, but framed as mutual.
    late = [WouldBeTurn(at(events, "c6"), "c6", "deescalate", ("u3", "u2"), None, "Let's both calm down")]
    counts = score_room(events, late, truth)["counts"]
    assert (counts["attacks"], counts["attacks_answered"], counts["attacks_answered_mutual"]) \
        == (2, 1, 1)
    # The same answer four messages after c4 (after c8) is too late; c9 is never answered.
    too_late = [WouldBeTurn(at(events, "c8"), "c8", "deescalate", ("u3",))]
    assert score_room(events, too_late, truth)["counts"]["attacks_answered"] == 0
    one_sided = [WouldBeTurn(at(events, "c9"), "c9", "deescalate", ("u3",), None,
                      "u3, that reads as a personal attack on the maintainers.")]
    counts = score_room(events, one_sided, truth)["counts"]
    assert (counts["attacks_answered"], counts["attacks_answered_mutual"]) == (1, 0)


@pytest.mark.parametrize(("to", "text", "mutual"), [
    (("a",), "Ann, that reads as a personal attack on Bob. What's your point?", False),
    (("a", "b"), "Ann, Bob: one point each?", True),
    (("a",), "This is getting heated between Ann and Bob.", True),
    (("a",), "Could each of you say what matters most?", True),
    (("a",), "Let's all step back for a second.", True),
    (("a",), "This is getting heated between Mr. Smith and Ms. Jones.", True),
    (("a",), "Let's all cool down.", True),
    (("a",), "Ann, let's keep it about the ideas, not the person.", False),
])
def test_framed_as_mutual(to: tuple[str, ...], text: str, mutual: bool) -> None:
    assert framed_as_mutual(WouldBeTurn(0, "x", "deescalate", to, None, text)) is mutual


# ---------------------------------------------------------------- the chair


MEETING = [
    ("t1", "chair", "Next item: the budget."),
    ("t2", "a", "I think we should cut travel."),
    ("t3", "b", "I disagree."),
    ("t4", "a", "Why?"),
    ("t5", "b", "Because of the conference."),
    ("t6", "c", "Maybe a smaller trip."),
    ("t7", "a", "Fine."),
    ("t8", "b", "OK."),
    ("t9", "chair", "Let's move on."),
]


def test_a_move_within_three_turns_of_the_chair_counts(tmp_path: Path) -> None:
    events = events_of(MEETING, tmp_path)
    truth = RoomTruth("committee", chairs=frozenset({"chair"}))
    turns = [WouldBeTurn(at(events, "t3"), "t3", "propose_process"),  # chair wrote t1: within 3
             WouldBeTurn(at(events, "t5"), "t5", "summarize"),  # t3..t5 and t6..t8: no chair
             WouldBeTurn(at(events, "t6"), "t6", "refocus")]  # the chair speaks 3 turns later (t9)
    scored = score_room(events, turns, truth)
    assert [(f["after_chair"], f["near_chair"]) for f in scored["flags"]] == [
        (True, True), (False, False), (False, True)]
    assert scored["near_chair"] == Counter({"propose_process": 1, "refocus": 1})
    # A meeting with no formal chair gives no chair flags at all.
    assert score_room(events, turns, RoomTruth("academic", chairs=frozenset()))["flags"] == \
        [{}, {}, {}]


# ---------------------------------------------------------------- sample and split


def test_the_sample_is_fixed_and_shows_the_six_messages_before(tmp_path: Path) -> None:
    events = events_of(MEETING, tmp_path, room="meet-product-XX1a")
    turns = [("meet-product-XX1a", WouldBeTurn(p, events[p].id, "summarize", (), None, f"s{p}"), {})
             for p in range(len(events))]
    rooms = {"meet-product-XX1a": events}
    first = pick_sample("product", turns, 3, rooms)
    assert first == pick_sample("product", turns, 3, rooms)
    assert len(first) == 3 and all(item["kind"] == "product" for item in first)
    last = next(item for item in pick_sample("product", turns, 9, rooms) if item["event"] == "t9")
    assert last["before"] == [f"{a}: {t}" for _, a, t in MEETING[3:]]


def test_the_committed_split_is_the_rule_and_reuses_the_earlier_splits() -> None:
    data = json.loads(SPLIT_FILE.read_text())
    assert set(data["corpora"]) == {"slack", "committee", "product", "academic", "github",
                                    "wikitactics"}
    for kind, parts in data["corpora"].items():
        assert not set(parts["tune"]) & set(parts["report"])
        for part in ("tune", "report"):
            assert all(hash_part(r) == part == part_of(r) and kind_of(r) == kind
                       for r in parts[part])
        # Roughly half and half in every kind, never all in one part.
        share = len(parts["tune"]) / (len(parts["tune"]) + len(parts["report"]))
        assert 0.3 < share < 0.7, (kind, share)
    # WikiTactics: the hostility combiner's fit rooms are exactly the TUNE rooms.
    assert all(is_fit_room(r) for r in data["corpora"]["wikitactics"]["tune"])
    assert not any(is_fit_room(r) for r in data["corpora"]["wikitactics"]["report"])
    # IRC is the split eval irc committed.
    for room in ("irc-2005-02-06-train-c", "irc-2004-12-25-train-c"):
        assert part_of(room) == irc_split(room)
    # The GitHub threads here are those below one half by the plain hash: the salt is needed.
    github = data["corpora"]["github"]["tune"] + data["corpora"]["github"]["report"]
    assert all(int(hashlib.sha256(r.encode()).hexdigest()[:8], 16) < 2**31 for r in github)


def test_the_four_meetings_of_one_ami_team_fall_in_one_part() -> None:
    for series in ("ES2002", "IS1000", "TS3003"):
        assert len({part_of(f"meet-product-{series}{m}") for m in "abcd"}) == 1


# ---------------------------------------------------------------- the command


def test_the_command_on_a_small_handmade_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                ) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    room = "gh-example_repo-1"
    rows = [{"id": i, "room": room, "author": a, "text": t, "ts": T0 + 60 * n}
            for n, (i, a, t) in enumerate(THREAD)]
    (folder / "github-heated-train.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rows))
    (folder / "github-heated-train.labels.json").write_text(json.dumps(LABELS))
    out = tmp_path / "real.json"
    assert main(["eval", "real", "--data", str(folder), "--split", "all", "--json", str(out),
                 "--markdown", str(tmp_path / "real.md")]) == 0
    report = json.loads(out.read_text())
    github = report["parts"]["all"]["github"]
    assert (github["rooms"], github["messages"], github["attacks"]) == (1, 9, 2)
    assert set(report["parts"][part_of(room)]) == {"github"}
    assert "ubuntu-irc-train.jsonl" in report["missing_files"]  # reported, not fatal
    assert report["files"]["github-heated"]["kinds"]["github"]["events"] == 9
    assert "| ALL rooms | github |" in (tmp_path / "real.md").read_text()
    assert "bot turns per 100 messages" in capsys.readouterr().out
    assert main(["eval", "real", "--data", str(folder), "--corpus", "nope"]) == 2


def test_more_turns_a_move_on_in_every_room_and_a_new_seed_draws_anew(tmp_path: Path) -> None:
    """A move that is off by default can be measured where it would be used: `--more` asks
    for it in every room, as `/facilitator more MOVE` would."""
    folder = tmp_path / "shared"
    folder.mkdir()
    room = "gh-example_repo-1"
    (folder / "github-heated-train.jsonl").write_text("".join(
        json.dumps({"id": i, "room": room, "author": a, "text": t, "ts": T0 + 60 * n}) + "\n"
        for n, (i, a, t) in enumerate(THREAD)))
    (folder / "github-heated-train.labels.json").write_text(json.dumps(LABELS))

    def run(*extra: str) -> dict[str, Any]:
        out = tmp_path / "real.json"
        assert main(["eval", "real", "--data", str(folder), "--split", "all", "--json",
                     str(out), *extra]) == 0
        return json.loads(out.read_text())

    silent = run()
    assert silent["more"] == [] and silent["parts"]["all"]["github"]["bot_turns"] == 0
    asked = run("--more", "answer_attack", "--seed", "7")
    github = asked["parts"]["all"]["github"]
    assert asked["more"] == ["answer_attack"] and asked["windows"]["sample_seed"] == 7
    assert github["attacks_answered"] >= 1  # "You are clueless, nobody should let you near..."
    assert main(["eval", "real", "--data", str(folder), "--more", "shout"]) == 2


REAL = SHARED_DATA / "github-heated-train.jsonl"
REAL_LABELS = SHARED_DATA / "github-heated-train.labels.json"


@pytest.mark.skipif(not (REAL.exists() and REAL_LABELS.exists()),
                    reason=f"real-data set absent: {REAL} (../shared/data is not checked out)")
def test_report_part_of_the_real_github_threads_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "real.json"
    result = subprocess.run([*FACILITATOR, "eval", "real", "--corpus", "github", "--rooms", "8",
                             "--sample", "3", "--json", str(out)],
                            capture_output=True, text=True, timeout=120, env=cli_env(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(out.read_text())
    expected = sorted({json.loads(raw)["room"] for raw in REAL.read_text().splitlines()
                       if part_of(json.loads(raw)["room"]) == "report"})[:8]
    assert sorted(report["rooms"]) == expected
    assert set(report["parts"]) == {"report"}
    github = report["parts"]["report"]["github"]
    messages = sum(1 for raw in REAL.read_text().splitlines()
                   if json.loads(raw)["room"] in expected)
    assert github["messages"] == messages and github["engine_errors"] == 0
    labels = json.loads(REAL_LABELS.read_text())
    ids = {json.loads(raw)["id"] for raw in REAL.read_text().splitlines()
           if json.loads(raw)["room"] in expected}
    attacks = sum(1 for i in ids if labels.get(i, [""])[0].lower().startswith(
        ("insulting", "mocking", "threat", "identity attack")))
    assert github["attacks"] == attacks > 0
    assert 0 <= github["attacks_answered_mutual"] <= github["attacks_answered"] <= attacks
    assert github["turns_near_chair"] is None
    assert len(report["sample"]) == min(3, github["bot_turns"])
    assert all(len(item["before"]) <= 6 for item in report["sample"])
    assert result.stdout.count("  BOT: ") == len(report["sample"])
