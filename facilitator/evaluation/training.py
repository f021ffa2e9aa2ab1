"""What the fitted readers' training scripts share (`scripts/train_uptake.py`,
`scripts/train_attacks.py`): their command line, the data check, the weighted logistic fit on
standardised features, AUROC and the text of a weights file.

numpy and scikit-learn (the `train` extra) are imported only where a fit or an AUROC needs
them: the scripts import, and answer `--help`, without them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel


def training_parser(doc: str, data: Path, out: Path) -> argparse.ArgumentParser:
    """The options every training script takes (its docstring's first paragraph as the
    description); the script adds its own after them."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=data)
    parser.add_argument("--out", type=Path, default=out)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--check", action="store_true", help="rebuild; exit 1 unless it equals --out")
    parser.add_argument("--rooms", type=int, default=None, help="first N rooms of each half (tiny run)")
    return parser


def data_missing(folder: Path, files: Iterable[str]) -> bool:
    """True, having said so on stderr, unless every one of `files` is in `folder`."""
    if all((folder / f).is_file() for f in files):
        return False
    print(f"data not found in {folder}", file=sys.stderr)
    return True


def standardised_fit(x: Any, y: Any, w: Any, c: float, digits: int = 6) -> tuple[list[float], float]:
    """Logistic regression (lbfgs, inverse regularisation `c`) of the labels `y` on the rows
    `x` standardised, with the sample weights `w` scaled to average one; the scaling folded
    into the weights, which are rounded to `digits`."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    w *= len(w) / w.sum()
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    lr = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / scale, y, sample_weight=w)
    coef = lr.coef_[0] / scale
    intercept = float(lr.intercept_[0] - np.dot(coef, mean))
    return [round(float(v), digits) for v in coef], round(intercept, digits)


def auroc(scores: list[float], labels: list[bool]) -> float:
    """Rounded to three places; NaN unless both labels occur."""
    from sklearn.metrics import roc_auc_score

    return round(float(roc_auc_score(labels, scores)), 3) if 0 < sum(labels) < len(labels) else float("nan")


def dump(weights: BaseModel) -> str:
    """The text of a weights file."""
    return json.dumps(weights.model_dump(), indent=1) + "\n"
