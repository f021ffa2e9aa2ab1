"""`facilitator eval` run as a user runs it: a subprocess, a small suite, JSON and PNGs."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from facilitator.evaluation.cli import JSON_KEYS, add_eval_parser
from facilitator.evaluation.suite import DEFAULT_SUITE
from tests.conftest import FACILITATOR, cli_env

SUBSET = ["heated_oss_license.yaml", "invite_oss_newcomer.yaml", "capture_tell_him_wrong.yaml"]


def eval_command() -> list[str]:
    return [*FACILITATOR, "eval"]


def small_suite(tmp_path: Path) -> Path:
    folder = tmp_path / "suite"
    folder.mkdir()
    for name in SUBSET:
        shutil.copy(DEFAULT_SUITE / name, folder / name)
    return folder


def test_eval_subset_writes_json_with_all_keys_and_plots(tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    plots = tmp_path / "plots"
    result = subprocess.run(
        [*eval_command(), "--suite", str(small_suite(tmp_path)), "--json", str(out),
         "--plots", str(plots), "--fake-llm"],
        capture_output=True, text=True, timeout=240, env=cli_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "speak precision" in result.stdout and "fake LLM" in result.stdout
    report = json.loads(out.read_text())
    assert report["scenarios"] == 3
    assert report["metrics_policy"] == "rules"
    for key in JSON_KEYS:
        assert isinstance(report["metrics"][key], float | int), key
        assert 0.0 <= report["metrics"][key] <= 1.0, key
    assert set(report["policies"]) == {"rules", "llm", "always", "mention-only"}
    assert not any(p["skipped"] for p in report["policies"].values())
    always = report["policies"]["always"]["metrics"]
    assert always["llm_calls_per_message"] == 1.0
    assert always["bot_share"] > report["metrics"]["bot_share"]
    assert report["policies"]["mention-only"]["metrics"]["capture_resistance"] == 0.0
    assert len(report["plots"]) == 3
    for png in report["plots"]:
        data = Path(png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, png
    assert {r["scenario"] for r in report["results"]} == set(SUBSET)


@pytest.mark.slow
def test_llm_policies_are_skipped_offline_without_fake(tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    result = subprocess.run(
        [*eval_command(), "--suite", str(small_suite(tmp_path)), "--json", str(out),
         "--plots", str(tmp_path / "plots"), "--policy", "rules,always", "--policy", "llm"],
        capture_output=True, text=True, timeout=240, env=cli_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["policies"]["rules"]["skipped"] is False
    for name in ("always", "llm"):
        assert report["policies"][name]["skipped"] is True
        assert "no LLM configured" in report["policies"][name]["note"]
    assert "skipped" in result.stdout


def test_bad_suite_is_reported_with_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / ("a-suite-folder-with-a-long-name-" * 3)  # longer than a line
    folder.mkdir()
    (folder / "broken.yaml").write_text(
        "title: t\nparticipants: [{id: a}]\nscript: [{who: a, text: hi}]\n"
        "expect: [{after: 9, within: 1}]\n")
    result = subprocess.run([*eval_command(), "--suite", str(folder)], capture_output=True,
                            text=True, timeout=120, env=cli_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    # The whole path on one line, so a user can copy it.
    assert str(folder / "broken.yaml") in result.stderr and "after=9" in result.stderr


def test_eval_parser_routes_subcommands() -> None:
    from facilitator.evaluation import cli

    parser = argparse.ArgumentParser()
    add_eval_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["eval", "--suite", "x", "--policy", "rules"])
    assert args.func is cli.cmd_eval and args.suite == "x"
    args = parser.parse_args(["eval", "deli", "--deli-dir", "/nowhere", "--limit", "3"])
    assert args.func is cli.cmd_deli and args.limit == 3
    args = parser.parse_args(["eval", "wikitactics", "--data", "/x.jsonl"])
    assert args.func is cli.cmd_wikitactics and str(args.data) == "/x.jsonl"
