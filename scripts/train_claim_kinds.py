"""Rebuild facilitator/reading/models/claim_kinds.json: what kind of claim about the room's record
a sentence makes (decided, open_question, proposal, task, or none), read by meaning.

Fits a multinomial logistic regression over the multilingual sentence embedding on
`facilitator/reading/data/claims_labelled.jsonl` (a sentence and its translations share a
`group`), members' names read as one stand-in, and picks the abstention threshold out of fold.

Held out, it reports grouped 5-fold cross-validation (a sentence and its translations in one
fold) and the fresh messages of `tests/data/claims_fresh.jsonl` (whole facilitator messages
written apart from the labelled set, each with the kinds of claim it makes), never fitted on.

    pip install -e '.[train]'
    python scripts/train_claim_kinds.py [--no-write] [--check]

Deterministic: file order, fixed folds, lbfgs, weights rounded to 6 digits.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from facilitator.evaluation.training import (  # noqa: E402
    dump,
    grouped_folds,
    load_jsonl,
    members_in,
    sentence_vectors,
    training_parser,
)
from facilitator.reading.claim_kinds import DATA_PATH, KINDS, MODEL_PATH, ClaimKindWeights  # noqa: E402
from facilitator.reading.clauses import sentences  # noqa: E402
from facilitator.reading.logistic import ship_weights  # noqa: E402

OUT = MODEL_PATH
FRESH = ROOT / "tests" / "data" / "claims_fresh.jsonl"
C_VALUES = (0.3, 1.0, 3.0, 10.0)
FOLDS = 5
THRESHOLDS = [round(0.05 * i, 2) for i in range(4, 17)]


def fit(x, y, c: float):  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000).fit(x, y)


def out_of_fold(x, y, groups: list[str], c: float):  # type: ignore[no-untyped-def]
    import numpy as np

    p = np.zeros((len(y), len(KINDS)))
    folds = np.asarray(grouped_folds(groups, FOLDS))
    for k in range(FOLDS):
        test = folds == k
        model = fit(x[~test], y[~test], c)
        p[np.ix_(test, model.classes_)] = model.predict_proba(x[test])
    return p


def said(p, threshold: float):  # type: ignore[no-untyped-def]
    """Each row's kind, "none" where the likeliest is below the threshold."""
    import numpy as np

    best = p.argmax(axis=1)
    return np.where(p.max(axis=1) >= threshold, best, KINDS.index("none"))


def claim_scores(pred, y) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Accuracy, and per kind of claim the precision and recall of reading that kind."""
    out: dict[str, float] = {"accuracy": round(float((pred == y).mean()), 3), "n": len(y)}
    for k, kind in enumerate(KINDS[:-1]):
        hit = int(((pred == k) & (y == k)).sum())
        out[f"{kind} precision"] = round(hit / max(1, int((pred == k).sum())), 3)
        out[f"{kind} recall"] = round(hit / max(1, int((y == k).sum())), 3)
    return out


def fresh_scores(model, threshold: float, names: set[str]) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """On whole messages: per kind, how many messages making that claim were read as making it,
    and how many not making it were read as making it."""
    import numpy as np

    rows = load_jsonl(FRESH)
    names = names | members_in(rows)
    out: dict[str, float] = {"messages": len(rows)}
    read: list[set[str]] = []
    for r in rows:
        parts = sentences(r["text"]) or [r["text"]]
        p = np.zeros((len(parts), len(KINDS)))
        p[:, model.classes_] = model.predict_proba(sentence_vectors(parts, names))
        read.append({KINDS[k] for k in said(p, threshold)} - {"none"})
    for kind in KINDS[:-1]:
        making = [kind in r["claims"] for r in rows]
        found = [kind in s for s in read]
        out[f"{kind} caught"] = sum(m and f for m, f in zip(making, found, strict=True))
        out[f"{kind} claims"] = sum(making)
        out[f"{kind} misread"] = sum(f and not m for m, f in zip(making, found, strict=True))
    out["exact"] = sum(set(r["claims"]) == s for r, s in zip(rows, read, strict=True))
    return out


def main(argv: list[str] | None = None) -> int:
    import numpy as np

    parser = training_parser(__doc__, DATA_PATH, MODEL_PATH)
    args = parser.parse_args(argv)
    rows = load_jsonl(args.data)
    names = members_in(rows)
    y = np.asarray([KINDS.index(r["kind"]) for r in rows])
    groups = [r["group"] for r in rows]
    x = sentence_vectors([r["text"] for r in rows], names)

    print("grouped 5-fold cross-validation (a sentence and its translations in one fold):")
    best = (-1.0, C_VALUES[0], 0.0)
    for c in C_VALUES:
        p = out_of_fold(x, y, groups, c)
        for t in THRESHOLDS:
            accuracy = float((said(p, t) == y).mean())
            if accuracy > best[0]:
                best = (accuracy, c, t)
        print(f"  C={c:<5} accuracy {max(float((said(p, t) == y).mean()) for t in THRESHOLDS):.3f}")
    _, c, threshold = best
    held = {"cross-validation": claim_scores(said(out_of_fold(x, y, groups, c), threshold), y)}
    print(f"  chosen C={c}, threshold {threshold}: {held['cross-validation']}")

    model = fit(x, y, c)
    if FRESH.is_file():
        held["fresh messages"] = fresh_scores(model, threshold, names)
        print(f"fresh messages (never fitted on): {held['fresh messages']}")
    # every kind has a row, in KINDS order, whatever order the fit found them in
    rows_of = {int(k): i for i, k in enumerate(model.classes_)}
    weights = ClaimKindWeights(
        classes=list(KINDS),
        weights=[[round(float(v), 6) for v in model.coef_[rows_of[k]]] for k in range(len(KINDS))],
        bias=[round(float(model.intercept_[rows_of[k]]), 6) for k in range(len(KINDS))],
        threshold=threshold,
        training={"data": args.data.name, "c": c,
                  "sentences": {kind: int((y == k).sum()) for k, kind in enumerate(KINDS)},
                  "held_out": held})
    return ship_weights(dump(weights), args.out, check=args.check, write=not args.no_write)


if __name__ == "__main__":
    raise SystemExit(main())
