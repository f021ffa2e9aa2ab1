"""Real-data evaluations: DeliData (a small corpus made here, in its format) and WikiTactics."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from facilitator.engine import Engine
from facilitator.evaluation.deli import (
    CorpusMissing,
    align,
    clean_text,
    evaluate_deli,
    find_corpus,
    load_group,
)
from facilitator.evaluation.wikitactics import evaluate_wikitactics, resolve_paths
from facilitator.memory.store import RoomStore
from facilitator.policies.policy import FacilitatorPolicy
from tests.conftest import FACILITATOR, SHARED_DATA, cli_env

HEADER = ("group_id\tmessage_id\tmessage_type\torigin\toriginal_text\tclean_text\tannotation_type"
          "\tannotation_target\tannotation_additional\tteam_performance\tperformance_change"
          "\tsol_tracker_message\tsol_tracker_all")


def row(gid: str, mid: str, kind: str, who: str, text: str, atype: str = "", target: str = "",
        perf: str = "0.5") -> str:
    return "\t".join([gid, mid, kind, who, text, text, atype, target, "0", perf, "0.0", "", "{}"])


def write_group(folder: Path, gid: str, members: list[str], lines: list[tuple[str, str, bool]],
                start: float, end: float) -> None:
    names = ",".join([*members[:1], "SYSTEM", *members[1:]])
    rows = [HEADER, row(gid, "-1", "INITIAL", "SYSTEM", names + "&&5,L,A,4", perf=str(start))]
    for i, (who, text, moderation) in enumerate(lines):
        rows.append(row(gid, f"{gid}-{i}", "MESSAGE", who, text,
                        "Probing" if moderation else "Non-probing-deliberation",
                        "Moderation" if moderation else "Reasoning", perf=str(start)))
    rows.append(row(gid, f"{gid}-s", "SUBMIT", members[0], "A,5", perf=str(end)))
    (folder / gid).write_text("\n".join(rows) + "\n", encoding="utf-8")


def make_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "__init__.py").write_text("")
    chat = [("Kiwi", "Hello", False), ("Bat", "hi", False),
            ("Kiwi", "Which cards do you think we need to turn over?", True),
            ("Bat", "A and 4 I think", False), ("Owl", "'I''m not sure about 4'", False),
            ("Bat", "4 shows the rule holds", False), ("Kiwi", "what does everyone think?", True),
            ("Owl", "I'd say A and 5", False), ("Bat", "why 5?", False),
            ("Owl", "if 5 has a vowel the rule breaks", False), ("Kiwi", "ok shall we submit?", True),
            ("Bat", "yes", False)]
    write_group(folder, "g1", ["Kiwi", "Bat", "Owl"], chat, 0.5, 0.9)
    write_group(folder, "g2", ["Cat", "Dog"], [("Cat", "hi", False), ("Dog", "A and 4?", False),
                                               ("Cat", "sure", False)], 0.5, 0.5)
    return folder


def test_load_group_parses_members_text_labels_and_performance(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "delidata_corpus")
    group = load_group(corpus / "g1")
    assert group.members == ["Kiwi", "Bat", "Owl"]
    assert len(group.messages) == 12
    assert group.messages[4].text == "I'm not sure about 4"
    assert [i for i, m in enumerate(group.messages) if m.moderation] == [2, 6, 10]
    assert group.initial_performance == 0.5 and group.final_performance == 0.9
    assert group.gain == pytest.approx(0.4)
    assert clean_text("'That''s it'") == "That's it" and clean_text("plain") == "plain"


def test_align_counts_within_two_messages() -> None:
    # The bot speaking after message i takes slot i+1.
    assert align([1], [2]) == (1, 1)
    assert align([1], [4]) == (1, 1)
    assert align([1], [5]) == (0, 0)
    assert align([0, 9], [1, 3, 20]) == (1, 2)
    assert align([], [3]) == (0, 0)


def test_find_corpus_from_dir_or_installed_package(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = make_corpus(tmp_path / "site" / "delitoolkit" / "delidata_corpus")
    assert find_corpus(corpus) == corpus
    assert find_corpus(tmp_path / "site") == corpus  # the unzipped wheel's root
    (tmp_path / "site" / "delitoolkit" / "__init__.py").write_text("raise ImportError('torch')\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    assert find_corpus() == corpus  # found without importing the package
    with pytest.raises(CorpusMissing) as info:
        find_corpus(tmp_path / "empty")
    assert "pip download --no-deps delitoolkit==0.3.9" in str(info.value)


def test_eval_deli_explains_how_to_get_the_corpus(tmp_path: Path) -> None:
    result = subprocess.run(
        [*FACILITATOR, "eval", "deli", "--deli-dir",
         str(tmp_path / "missing")], capture_output=True, text=True, timeout=60,
        env=cli_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "pip download --no-deps delitoolkit==0.3.9" in result.stderr
    assert "unzip" in result.stderr


async def test_evaluate_deli_on_a_small_corpus(tmp_path: Path, store: RoomStore) -> None:
    corpus = make_corpus(tmp_path / "delidata_corpus")
    engine = Engine(store, FacilitatorPolicy())
    report = await evaluate_deli(engine, corpus)
    assert report["groups"] == 2 and report["messages"] == 15
    assert report["moderation_messages"] == 3
    for key in ("precision", "recall", "chance_precision", "chance_recall"):
        assert 0.0 <= report[key] <= 1.0
    assert set(report["correlation"]) == {"bot_rate_vs_final", "bot_rate_vs_gain",
                                          "members_moderation_rate_vs_gain"}
    assert "team_performance" in report["performance_field"]


def test_eval_deli_turns_a_move_on_and_writes_a_blind_sample(tmp_path: Path) -> None:
    """A researcher judging a move off by default: every group turns it on, the turns are
    split into halves, and the sample file holds only what a blind judge may see."""
    corpus = make_corpus(tmp_path / "delidata_corpus")
    quiet = [("Kiwi", "Which cards do we turn?", False), ("Emu", "hi all", False)] + [
        (who, text, False) for who, text in [("Kiwi", "A for sure, it is a vowel"),
                                             ("Bat", "and 4 to check the other side"),
                                             ("Kiwi", "4 cannot break the rule though"),
                                             ("Bat", "true, so A and 5"),
                                             ("Kiwi", "5 could hide a vowel, yes"),
                                             ("Bat", "then A and 5 it is"),
                                             ("Kiwi", "agreed, A and 5"),
                                             ("Bat", "shall we check 4 once more"),
                                             ("Kiwi", "no need, 4 proves nothing"),
                                             ("Bat", "fine by me")] * 2]
    write_group(corpus, "g3", ["Kiwi", "Bat", "Emu"], quiet, 0.5, 0.75)
    out = tmp_path / "report.json"
    result = subprocess.run(
        [*FACILITATOR, "eval", "deli", "--deli-dir", str(corpus), "--more", "invite_quiet",
         "--sample", "5", "--seed", "3", "--blind", str(tmp_path / "blind"), "--json", str(out)],
        capture_output=True, text=True, timeout=300, env=cli_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    assert report["more"] == ["invite_quiet"]
    assert sum(report["turns_by_part"].values()) == report["bot_moments"] > 0
    sample = json.loads((tmp_path / "blind" / "sample-deli.json").read_text())
    assert sample["turns"] and len(sample["turns"]) == len(report["sample"]) <= 5
    for seen, key in zip(sample["turns"], report["sample"], strict=True):
        assert set(seen) == {"id", "before", "bot"} and seen["id"] == key["id"]
        assert key["intervention"] in report["interventions"] and seen["bot"] == key["bot"]
        assert len(seen["before"]) <= 6 and all(": " in line for line in seen["before"])
    refused = subprocess.run(
        [*FACILITATOR, "eval", "deli", "--deli-dir", str(corpus), "--more", "shout"],
        capture_output=True, text=True, timeout=60, env=cli_env(tmp_path), cwd=tmp_path)
    assert refused.returncode == 2 and "--more 'shout'" in refused.stderr


WIKI = SHARED_DATA / "wikitactics-train.jsonl"


@pytest.mark.skipif(not WIKI.exists(),
                    reason=f"real-data set absent: {WIKI} (../shared/data is not checked out)")
async def test_eval_wikitactics_reports_every_labelled_room_of_its_transcript(
        store: RoomStore, tmp_path: Path) -> None:
    """The report's bookkeeping, on 30 rooms: the whole corpus is replayed once, by
    tests/test_wikitactics.py, which checks the tension against escalation there."""
    transcript, labels_path = resolve_paths(SHARED_DATA)
    lines = transcript.read_text().splitlines()
    rooms: list[str] = []
    for line in lines:
        room = json.loads(line)["room"]
        if room not in rooms:
            rooms.append(room)
    keep = set(rooms[:30])
    part = tmp_path / "part.jsonl"
    part.write_text("".join(f"{line}\n" for line in lines if json.loads(line)["room"] in keep))
    labels = {r: y for r, y in json.loads(labels_path.read_text()).items() if r in keep}
    report = await evaluate_wikitactics(Engine(store, FacilitatorPolicy()), part, labels_path)
    assert report["rooms"] == 30 and report["unlabelled_rooms"] == 0
    assert report["escalated"] == sum(labels.values())
    assert report["events"] == sum(1 for line in lines if json.loads(line)["room"] in keep)
    assert 0.0 <= report["auroc_max_tension"] <= 1.0


def test_wikitactics_missing_data_is_explained(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="FACILITATOR_SHARED_DATA"):
        resolve_paths(tmp_path)
