"""`facilitator eval wikitactics`: does the tension signal see which disputes escalate?

Each room of ../shared/data/wikitactics-train.jsonl (Wikipedia talk-page disputes, replay
format) is replayed through the engine; its score is the highest `signals.tension` over its
messages. The label (wikitactics-train.labels.json) is 1 when the dispute went on to formal
mediation. AUROC is computed by Mann-Whitney U, ties counted half (metrics.auroc).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from facilitator.engine import Engine
from facilitator.evaluation.metrics import auroc
from facilitator.sim.replay import replay

TRAIN = "wikitactics-train.jsonl"
REPO_ROOT = Path(__file__).resolve().parent.parent.parent


def shared_data_dir(configured: Path | None = None) -> Path:
    """FACILITATOR_SHARED_DATA (`settings.shared_data`), else ../shared/data beside the repo."""
    if configured is not None:
        return Path(configured).expanduser()
    return REPO_ROOT.parent / "shared" / "data"


def resolve_paths(data: Path | None, shared: Path | None = None) -> tuple[Path, Path]:
    """(transcript, labels) from --data (a file or a folder) or the shared data folder."""
    path = data if data is not None else shared_data_dir(shared)
    transcript = path / TRAIN if path.is_dir() else path
    labels = transcript.with_name(transcript.name.removesuffix(".jsonl") + ".labels.json")
    for needed in (transcript, labels):
        if not needed.is_file():
            raise FileNotFoundError(
                f"{needed} not found: pass --data PATH (the .jsonl, with its .labels.json "
                "beside it) or set FACILITATOR_SHARED_DATA to the shared data folder")
    return transcript, labels


def load_labels(path: Path) -> dict[str, int]:
    """Room -> 1 when the dispute escalated to formal mediation, else 0."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(k): int(v) for k, v in data.items()}


async def evaluate_wikitactics(engine: Engine, transcript: Path, labels_path: Path,
                               *, bot_name: str = "facilitator") -> dict[str, Any]:
    labels = load_labels(labels_path)
    report = await replay(engine, [transcript], bot_name=bot_name, errors=io.StringIO())
    peak: dict[str, float] = {}
    total: dict[str, float] = {}
    count: dict[str, int] = {}
    spoke: dict[str, int] = {}
    for step in report["steps"]:
        room_name = step["room"]
        tension = float(step["signals"].get("tension", 0.0))
        peak[room_name] = max(peak.get(room_name, 0.0), tension)
        total[room_name] = total.get(room_name, 0.0) + tension
        count[room_name] = count.get(room_name, 0) + 1
        spoke[room_name] = spoke.get(room_name, 0) + (1 if step["intervention"] == "deescalate" else 0)
    rooms = [r for r in peak if r in labels]
    y = [labels[r] for r in rooms]
    return {
        "rooms": len(rooms),
        "escalated": sum(y),
        "events": report["summary"]["events"],
        "auroc_max_tension": auroc([peak[r] for r in rooms], y),
        "auroc_mean_tension": auroc([total[r] / count[r] for r in rooms], y),
        "auroc_deescalations": auroc([float(spoke[r]) for r in rooms], y),
        "mean_max_tension": {
            "escalated": _mean([peak[r] for r in rooms if labels[r]]),
            "not_escalated": _mean([peak[r] for r in rooms if not labels[r]]),
        },
        "unlabelled_rooms": len(peak) - len(rooms),
        "data": str(transcript),
    }


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0
