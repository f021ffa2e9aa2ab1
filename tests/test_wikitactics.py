"""Real disputes nobody here wrote: the replay contract at scale, and tension vs escalation."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from facilitator.evaluation.metrics import auroc_of
from tests.conftest import FACILITATOR, SHARED_DATA, cli_env

DATA = SHARED_DATA / "wikitactics-train.jsonl"
LABELS = SHARED_DATA / "wikitactics-train.labels.json"
pytestmark = pytest.mark.skipif(
    not DATA.exists(), reason=f"real-data set absent: {DATA} (../shared/data is not checked out)")


@pytest.mark.slow
def test_replay_of_wikitactics_and_tension_against_escalation(tmp_path: Path) -> None:
    result = subprocess.run([*FACILITATOR, "replay", str(DATA), "--json"], capture_output=True,
                            text=True, timeout=300, env=cli_env(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    lines = sum(1 for line in DATA.read_text().splitlines() if line.strip())
    assert report["summary"]["events"] == lines == 2995
    assert report["summary"]["rooms"] == 165
    assert report["summary"]["skipped_lines"] == 0
    peak: dict[str, float] = {}
    for step in report["steps"]:
        peak[step["room"]] = max(peak.get(step["room"], 0.0), step["signals"]["tension"])
    labels = json.loads(LABELS.read_text())
    pos = [peak[r] for r, y in labels.items() if y == 1]
    neg = [peak[r] for r, y in labels.items() if y == 0]
    score = auroc_of(pos, neg)
    assert score > 0.6, f"AUROC of peak tension vs escalation is {score:.3f}"
    # The bot stays a small share of these rooms even on heated talk pages.
    assert report["summary"]["interventions"] / lines < 0.12
