"""Rebuild facilitator/reading/models/reply_stance.json: where a reply stands on a proposal.

Fits a multinomial logistic regression (yes / no / unclear) over the multilingual sentence
embedding (`facilitator.reading.intent.embed`) on three sources:

- DeliData's chat messages (real small groups; `--deli-dir` or an installed delitoolkit, as
  `facilitator eval deli` finds it): labelled Agree -> yes, Disagree -> no, Probing (questions,
  moderation) and unlabelled small talk -> unclear; Reasoning and Solution lines are left out
  (an argument is no stance by its label);
- the decision-talk labelled lines (reading/data/decision_talk_labelled.jsonl): agreement ->
  yes, objection -> no, question, backchannel, proposal and other -> unclear;
- the replies to a proposal in the written request batches 1 to 19 (tests/data), labelled in
  reading/data/reply_stance_labels.json by two readers who saw only the proposal and the reply
  (the replies they labelled alike), weighed three times.

The threshold is chosen out of fold on the batches 1 to 19, each batch left out in turn: the
lowest on a 0.05 grid at which at most 2% of the replies placed (yes or no) are placed wrongly.
Reported, never fitted on: the replies of batches 20 to 29 (labelled the same way), and
tests/data/reply_stance_fresh.jsonl (replies written for this check, labelled by their writer
and by a second reader; the items both read alike).

    pip install -e '.[train]'   # and DeliData: pip download --no-deps delitoolkit==0.3.9
    python scripts/train_reply_stance.py [--no-write] [--check] [--deli-dir DIR]

Deterministic: file order, lbfgs, weights rounded to 5 digits.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from facilitator.evaluation.deli import find_corpus, load_corpus  # noqa: E402
from facilitator.evaluation.training import dump, load_jsonl, training_parser  # noqa: E402
from facilitator.reading import stance as S  # noqa: E402
from facilitator.reading.decision_talk import DATA_PATH as TALK_PATH  # noqa: E402
from facilitator.reading.intent import embed, normalise  # noqa: E402
from facilitator.reading.logistic import ship_weights  # noqa: E402

BATCHES = ROOT / "tests" / "data"
FRESH = BATCHES / "reply_stance_fresh.jsonl"
FITTED_BELOW = 20  # batches 1..19 are fitted on; 20 and later only reported on
C = 0.5
BATCH_WEIGHT = 3.0
WRONG_AT_MOST = 0.02
THRESHOLDS = [round(0.5 + 0.05 * i, 2) for i in range(10)]
_TALK = {"agreement": "yes", "objection": "no", "question": "unclear", "backchannel": "unclear",
         "proposal": "unclear", "other": "unclear"}


def deli_rows(folder: Path) -> list[dict[str, str]]:
    rows = []
    for group in load_corpus(folder):
        for m in group.messages:
            label = ("yes" if m.target == "Agree" else "no" if m.target == "Disagree"
                     else "unclear" if m.annotation in ("Probing", "None", "0") else None)
            if label and any(c.isalnum() for c in m.text):
                rows.append({"text": m.text, "label": label, "group": f"deli:{group.id}"})
    return rows


def batch_rows(labels: dict[str, str]) -> list[dict[str, Any]]:
    """The labelled replies of the written batches, each with its batch number."""
    rows = []
    for key, label in labels.items():
        name, line, index = key.rsplit(":", 2)
        item = json.loads((BATCHES / name).read_text(encoding="utf-8").splitlines()[int(line) - 1])
        found = re.findall(r"\d+", name)
        rows.append({"text": item["before"][int(index)][1], "label": label,
                     "batch": int(found[0]) if found else 1, "lang": item["lang"]})
    return rows


def placed(pred, prob, y, t: float) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(replies placed as yes or no at threshold t, of them placed wrongly)."""
    import numpy as np

    ans = (prob >= t) & (pred != "unclear")
    return int(ans.sum()), int(np.sum(ans & (pred != y)))


def fit(x, y, w):  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=5000).fit(x, y, sample_weight=w)


def scored(model, x, y, t: float, langs) -> dict[str, object]:  # type: ignore[no-untyped-def]
    import numpy as np

    p = model.predict_proba(x)
    pred, prob = model.classes_[p.argmax(1)], p.max(1)
    n, wrong = placed(pred, prob, y, t)
    stances = int(np.sum(y != "unclear"))
    backwards = int(np.sum((prob >= t) & (pred != "unclear") & (y != "unclear") & (pred != y)))
    return {"replies": len(y), "with_a_stance": stances, "placed": n, "placed_wrongly": wrong,
            "of_them_backwards": backwards,
            "placed_by_language": {lang: placed(pred[langs == lang], prob[langs == lang],
                                                y[langs == lang], t)
                                   for lang in sorted(set(langs))}}


def main(argv: list[str] | None = None) -> int:
    import numpy as np

    parser = training_parser(__doc__ or "", S.LABELS_PATH, S.MODEL_PATH)
    parser.add_argument("--deli-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    base = deli_rows(find_corpus(args.deli_dir)) + [
        {"text": r["text"], "label": _TALK[r["label"]]} for r in load_jsonl(TALK_PATH)
        if r["label"] in _TALK]
    batches = batch_rows(json.loads(args.data.read_text(encoding="utf-8")))
    tune = [r for r in batches if r["batch"] < FITTED_BELOW]
    report = [r for r in batches if r["batch"] >= FITTED_BELOW]
    fresh = [r for r in load_jsonl(FRESH) if r["stance"] == r["second_reader"]] \
        if FRESH.is_file() else []

    def vectors(rows: list[dict[str, Any]], key: str = "text") -> Any:
        return np.asarray(embed([normalise(r[key]) for r in rows]), dtype=np.float64)

    xb, yb = vectors(base), np.asarray([r["label"] for r in base], dtype=object)
    xt, yt = vectors(tune), np.asarray([r["label"] for r in tune], dtype=object)
    bt = np.asarray([r["batch"] for r in tune])
    pred = np.empty(len(tune), dtype=object)
    prob = np.zeros(len(tune))
    for b in sorted(set(bt)):
        rest = bt != b
        model = fit(np.vstack([xb, xt[rest]]), np.concatenate([yb, yt[rest]]),
                    np.concatenate([np.ones(len(yb)), np.full(int(rest.sum()), BATCH_WEIGHT)]))
        p = model.predict_proba(xt[~rest])
        pred[~rest], prob[~rest] = model.classes_[p.argmax(1)], p.max(1)
    threshold = next((t for t in THRESHOLDS
                      if (c := placed(pred, prob, yt, t))[0] and c[1] <= WRONG_AT_MOST * c[0]),
                     THRESHOLDS[-1])
    n, wrong = placed(pred, prob, yt, threshold)
    print(f"{len(base)} DeliData and decision-talk lines, {len(tune)} replies of batches 1-19; "
          f"threshold {threshold}: out of fold, {n} of {int(np.sum(yt != 'unclear'))} replies "
          f"with a stance placed, {wrong} wrongly", file=sys.stderr)
    model = fit(np.vstack([xb, xt]), np.concatenate([yb, yt]),
                np.concatenate([np.ones(len(yb)), np.full(len(yt), BATCH_WEIGHT)]))
    held_out: dict[str, object] = {}
    for name, rows, key in (("batches 20-29", report, "text"), ("fresh replies", fresh, "reply")):
        if rows:
            y = np.asarray([r.get("label") or r["stance"] for r in rows], dtype=object)
            held_out[name] = scored(model, vectors(rows, key), y, threshold,
                                    np.asarray([r["lang"] for r in rows]))
    print("held out:", json.dumps(held_out, ensure_ascii=False), file=sys.stderr)
    weights = S.StanceWeights(
        classes=[str(k) for k in model.classes_],
        weights=[[round(float(w), 5) for w in row] for row in model.coef_],
        bias=[round(float(b), 5) for b in model.intercept_], threshold=threshold,
        training={"fitted_on": "DeliData (Agree, Disagree, Probing, small talk), the "
                               "decision-talk labelled lines, batches 1-19's replies",
                  "threshold": f"out of fold on batches 1-19: {n} placed, {wrong} wrongly",
                  "held_out": held_out})
    return ship_weights(dump(weights), args.out, check=args.check, write=not args.no_write)


if __name__ == "__main__":
    sys.exit(main())
