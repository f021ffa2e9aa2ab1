"""The command line as a user runs it: subprocesses, JSON checked, bad input reported."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from facilitator.config import Settings
from facilitator.engine import Engine
from facilitator.memory.store import open_store
from facilitator.policies.policy import FacilitatorPolicy
from tests.conftest import FACILITATOR, REPO, cli_env
from tests.helpers import msg

SCENARIOS = REPO / "facilitator" / "sim" / "scenarios"


def run(tmp_path: Path, *args: str, answer: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it; `answer` is what they type if it asks (none: end of input)."""
    return subprocess.run([*FACILITATOR, *args], capture_output=True, text=True, timeout=120,
                          env=cli_env(tmp_path, **env), cwd=tmp_path, input=answer)


def write_lines(path: Path, lines: list[object]) -> Path:
    with path.open("wb") as fh:
        for line in lines:
            if isinstance(line, bytes):
                fh.write(line + b"\n")
            elif isinstance(line, str):
                fh.write(line.encode() + b"\n")
            else:
                fh.write(json.dumps(line).encode() + b"\n")
    return path


def two_rooms() -> list[object]:
    lines: list[object] = []
    for i in range(12):
        lines.append({"id": f"a{i}", "room": "alpha", "author": ["ann", "bob"][i % 2],
                      "text": f"alpha point {i} about the schedule", "ts": 100.0 + i})
        lines.append({"id": f"b{i}", "room": "beta", "author": ["cy", "dee", "eve"][i % 3],
                      "text": f"beta idea {i} for the garden", "ts": 100.5 + i})
    lines.append({"id": "a-ask", "room": "alpha", "author": "ann",
                  "text": "@facilitator can you summarise where we are?", "ts": 200.0})
    return lines


def test_replay_reports_one_step_per_event_across_rooms(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "t.jsonl", two_rooms())
    result = run(tmp_path, "replay", str(path), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    steps = report["steps"]
    assert [s["id"] for s in steps] == [line["id"] for line in two_rooms()]  # type: ignore[index]
    assert report["summary"] == {"events": 25, "rooms": 2,
                                 "interventions": sum(s["speak"] for s in steps),
                                 "llm_calls": 0, "skipped_lines": 0, "failed_events": 0}
    for step in steps:
        assert set(step) == {"id", "room", "speak", "intervention", "text", "reason", "signals"}
        assert 0.0 <= step["signals"]["tension"] <= 1.0
        assert 0.0 <= step["signals"]["participation_gini"] <= 1.0
    last = steps[-1]
    assert last["speak"] and last["intervention"] == "answer"
    assert "beta" not in last["text"] and "garden" not in last["text"]


def test_replay_skips_bad_lines_and_keeps_going(tmp_path: Path) -> None:
    lines: list[object] = [
        {"id": "1", "room": "r", "author": "ann", "text": "hello", "ts": 1.0},
        "{not json",
        {"id": "2", "room": "r", "author": "bob", "ts": 2.0},
        {"id": "3", "room": "r", "author": "bob", "text": "hi", "ts": 3.0, "kind": "shout"},
        b'{"id": "4", "room": "r", "author": "cy", "text": "caf\xe9", "ts": 4.0}',
        {"id": "5", "room": "r", "author": "cy", "text": "", "ts": 5.0},
        {"id": "6", "room": "r", "author": "cy", "text": "x" * 1_000_000, "ts": 6.0},
        {"id": "7", "room": "r", "author": "ann", "text": "fixed", "ts": 7.0, "kind": "edit",
         "target": "never-seen"},
        {"id": "8", "room": "r", "author": "ann", "text": "", "ts": 8.0, "kind": "delete",
         "target": "never-seen"},
        {"id": "9", "room": "r", "author": "ann", "text": "", "ts": 9.0, "kind": "reaction",
         "emoji": "+1", "target": "nope"},
        {"id": "1", "room": "r", "author": "ann", "text": "same id again", "ts": 10.0},
        "[1, 2]",
        {"id": "10", "room": "other", "author": "zed", "text": "unrelated", "ts": 11.0,
         "extra_field": "ignored"},
    ]
    path = write_lines(tmp_path / "bad.jsonl", lines)
    result = run(tmp_path, "replay", str(path), "--json", "--with-state")
    assert result.returncode == 0
    assert "Traceback" not in result.stderr
    err = result.stderr
    assert f"{path}:2: malformed JSON" in err
    assert f"{path}:3: missing field 'text'" in err
    assert f"{path}:4: unknown event kind 'shout'" in err
    assert f"{path}:5: invalid UTF-8" in err
    assert "repeats an earlier id" in err
    assert f"{path}:12: not a JSON object" in err
    report = json.loads(result.stdout)
    assert [s["id"] for s in report["steps"]] == ["1", "5", "6", "7", "8", "9", "10"]
    assert report["summary"]["skipped_lines"] == 6
    room = report["rooms"]["r"]
    assert room["turn"] == 3  # hello, the empty text and the clipped 1 MB text
    assert len(room["window"][-1]["text"]) <= 8000
    assert report["rooms"]["other"]["participants"].keys() == {"zed"}


def test_replay_with_unreachable_redis_is_one_clear_error(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "t.jsonl", two_rooms()[:2])
    url = "redis://127.0.0.1:1"
    result = run(tmp_path, "replay", str(path), "--json", FACILITATOR_REDIS_URL=url)
    assert result.returncode == 2
    assert f"cannot reach Redis at {url}" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_simulate_writes_transcript_and_metrics(tmp_path: Path) -> None:
    out = tmp_path / "sim.json"
    result = run(tmp_path, "simulate", str(SCENARIOS / "dominated_meeting.yaml"), "--json",
                 str(out))
    assert result.returncode == 0, result.stderr
    assert "facilitator" in result.stdout and "invite_quiet" in result.stdout
    data = json.loads(out.read_text())
    metrics = data["metrics"]
    assert set(metrics) >= {"participation_shares", "gini", "bot_share", "messages"}
    assert abs(sum(metrics["participation_shares"].values()) - 1.0) < 0.01
    bot_turns = [t for t in data["transcript"] if t["bot"]]
    assert bot_turns and all(t["reason"] and t["intervention"] for t in bot_turns)

    out2 = tmp_path / "nobot.json"
    result = run(tmp_path, "simulate", str(SCENARIOS / "dominated_meeting.yaml"), "--no-bot",
                 "--json", str(out2))
    assert result.returncode == 0, result.stderr
    without = json.loads(out2.read_text())["metrics"]
    assert without["bot_messages"] == 0
    # The quiet member speaks only when invited: the room is more balanced with the bot.
    assert metrics["gini"] < without["gini"]
    assert metrics["bot_share"] <= 0.15


@pytest.mark.parametrize("name", ["dominated_meeting", "heated_disagreement", "quiet_newcomer"])
def test_every_example_scenario_runs(tmp_path: Path, name: str) -> None:
    result = run(tmp_path, "simulate", str(SCENARIOS / f"{name}.yaml"), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "participation Gini" in result.stdout


def test_scenario_typo_names_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "typo.yaml"
    bad.write_text("title: typo\nparticipants:\n  - {id: a}\nscript:\n  - who: a\n"
                   "    txet: hello\n")
    result = run(tmp_path, "simulate", str(bad))
    assert result.returncode == 1
    assert f"{bad}:6: script.0.txet: unknown field (a typo?)" in result.stderr
    assert "Traceback" not in result.stderr
    missing = run(tmp_path, "simulate", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 1 and "cannot read" in missing.stderr


async def test_room_show_prints_the_durable_state(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    async with open_store(settings, durable=True) as store:
        engine = Engine(store, FacilitatorPolicy())
        await engine.handle(msg("team", "bob", "the docs for the release are in review"))
        await engine.handle(msg("team", "ann", "should we ship on friday?"))
    result = run(tmp_path, "room", "show", "team", "--json")
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout)
    assert state["room"] == "local:team"
    assert state["questions"][0]["text"] == "should we ship on friday?"
    human = run(tmp_path, "room", "show", "local:team")
    assert "Open:" in human.stdout and "Ann asked" in human.stdout
    assert run(tmp_path, "room", "show", "nope").returncode == 1
    forgot = run(tmp_path, "forget", "ann")
    assert forgot.returncode == 0 and "1 room" in forgot.stdout
    after = json.loads(run(tmp_path, "room", "show", "team", "--json").stdout)
    assert "ann" not in after["participants"] and not after["questions"]


async def test_room_reset_asks_first_and_saves_any_room(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    async with open_store(settings, durable=True) as store:
        engine = Engine(store, FacilitatorPolicy())
        await engine.handle(msg("team", "bob", "the docs for the release are in review"))
        await engine.handle(msg("team", "ann", "should we ship on friday?"))
    shown = run(tmp_path, "room", "show", "team", "--json").stdout
    # No answer (end of input) or "n": nothing happens, and it says how to go ahead.
    for answer in ("", "n\n"):
        kept = run(tmp_path, "room", "reset", "team", answer=answer)
        assert kept.returncode == 1
        assert "Reset room local:team? This erases its memory (2 messages, 2 members" in kept.stderr
        assert "left as it was" in kept.stderr and "--yes" in kept.stderr
        assert run(tmp_path, "room", "show", "team", "--json").stdout == shown
    # A healthy room is saved too: its state as `room show --json` prints it, then erased.
    saved = tmp_path / "out" / "team.json"
    done = run(tmp_path, "room", "reset", "team", "--save-to", str(saved), answer="y\n")
    assert done.returncode == 0, done.stderr
    assert f"saved to {saved}" in done.stdout
    assert json.loads(saved.read_text()) == json.loads(shown)
    assert run(tmp_path, "room", "show", "team").returncode == 1


async def test_room_reset_with_yes_does_not_ask_and_keeps_the_room_if_the_copy_fails(
        tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    async with open_store(settings, durable=True) as store:
        await Engine(store, FacilitatorPolicy()).handle(msg("team", "bob", "hello all"))
    (tmp_path / "a-file").write_text("x")
    failed = run(tmp_path, "room", "reset", "team", "--yes", "--save-to",
                 str(tmp_path / "a-file" / "team.json"))
    assert failed.returncode == 1 and "nothing was erased" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert run(tmp_path, "room", "show", "team").returncode == 0
    done = run(tmp_path, "room", "reset", "team", "--yes")
    assert done.returncode == 0 and "[y/N]" not in done.stderr
    assert "room local:team reset: its memory (1 message" in done.stdout and "erased" in done.stdout
    assert run(tmp_path, "room", "show", "team").returncode == 1
    missing = run(tmp_path, "room", "reset", "nope", "--yes")
    assert missing.returncode == 1 and "no room 'nope'" in missing.stderr


def test_simulate_page_file_is_the_room_page_in_one_file(tmp_path: Path) -> None:
    out = tmp_path / "page" / "room.html"
    result = run(tmp_path, "simulate", str(SCENARIOS / "dominated_meeting.yaml"), "--quiet",
                 "--page", str(out))
    assert result.returncode == 0, result.stderr
    assert "participation Gini" in result.stdout and f"the room's page: {out}" in result.stderr
    html = out.read_text(encoding="utf-8")
    assert "<title>The room's read — " in html and 'id="heat-chart"' in html
    assert "When I spoke, and why" in html and "this link works until" not in html
    assert "<script" not in html and not re.findall(r'(?:src|href)="', html)  # nothing to fetch
