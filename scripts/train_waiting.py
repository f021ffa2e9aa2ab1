"""Rebuild facilitator/reading/models/waiting.json: would bringing a waiting request back help?

Fitted on the blind judgments of requests brought back in the TUNE rooms of Ubuntu IRC only
(`judged/help-channel-requests/tune*`; a turn judged HELPFUL = 1, any other verdict 0; a 👀
reaction is no brought-back request and is left out). Each judged room is replayed through the
trackers (`apply_event`) up to the judged turn's event, and the read's inputs are taken from
that state exactly as the gate takes them (`policies.bring_back.waiting_features`), with the
request's sentence embedding (`reading.waiting.request_vector`).

- Grouped cross-validation on TUNE (5 folds by room, 10 shuffles): out-of-fold AUROC, and per
  threshold the requests kept, the share of them judged helpful and the harmful ones.
- The threshold: the lowest on the grid whose kept requests are at least 80% helpful while
  keeping at least half of them (out of fold, mean over the shuffles).
- The shipped read: fitted on every TUNE turn (logistic regression, C = 0.3, the ten
  structural numbers standardised and weighed 0.1 beside the unit-length embedding), the
  standardisation folded into the weights.
- `--report`: once the read is fixed, the REPORT judged turns (`report*`, never fitted on):
  how many it keeps and each judge's verdicts of those. `--made FILE` (the JSON of
  `facilitator eval real --split report --corpus irc --more surface_question --sample 1000`)
  keeps only the earlier REPORT sets' turns the current code still makes (same room and request).

    pip install -e '.[train]'
    python scripts/train_waiting.py [--data ../shared/data] [--no-write] [--check] [--report [--made FILE]]

`--check` rebuilds in memory and exits 1 unless the result equals the shipped file.
Deterministic: rooms in sorted order, seeded folds, lbfgs, rounded weights.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from facilitator.evaluation.irc import load_corpus  # noqa: E402
from facilitator.evaluation.training import data_missing, dump, training_parser  # noqa: E402
from facilitator.memory.state import RoomState  # noqa: E402
from facilitator.memory.trackers import apply_event  # noqa: E402
from facilitator.policies.bring_back import waiting_features  # noqa: E402
from facilitator.reading.logistic import ship_weights  # noqa: E402
from facilitator.reading.waiting import FEATURES, WaitingWeights, request_vector  # noqa: E402

DATA = REPO.parent / "shared" / "data"
OUT = REPO / "facilitator" / "reading" / "models" / "waiting.json"
JUDGED = REPO / "judged" / "help-channel-requests"
SPLIT = REPO / "facilitator" / "evaluation" / "irc_split.json"
TUNE_SETS = ("tune", "tune2", "tune3")
REPORT_SETS = ("report3", "report", "report2")  # report3: the current code's draw
C = 0.3
STRUCTURAL_WEIGHT = 0.1
FOLDS = 5
SHUFFLES = 10
THRESHOLDS = [round(0.50 + 0.01 * i, 2) for i in range(31)]
WANT_HELPFUL = 0.80
WANT_KEPT = 0.50
VERDICTS = ("HELPFUL", "NEUTRAL", "HARMFUL", "WRONG-MOMENT")


def judged(prefix: str) -> list[dict[str, Any]]:
    """One row per judged brought-back request of a set: room, event, request id, verdicts."""
    key = {k["id"]: k for k in json.loads((JUDGED / f"{prefix}-key.json").read_text())}
    bot: dict[str, str] = {}
    for path in sorted(JUDGED.glob(f"{prefix}-sample*.json")):
        bot.update({t["id"]: t["bot"] for t in json.loads(path.read_text())["turns"]})
    verdicts: dict[str, dict[str, str]] = {}
    for path in sorted(JUDGED.glob(f"{prefix}-verdicts-*.json")):
        judge = path.stem.rsplit("-", 1)[1]
        for turn, v in json.loads(path.read_text()).items():
            verdicts.setdefault(turn, {})[judge] = v["verdict"]
    rows = []
    for turn in sorted(verdicts, key=lambda t: int("".join(c for c in t if c.isdigit()))):
        k = key[turn]
        if k.get("reaction") or "👀" in bot[turn][:12]:
            continue
        rows.append({"set": prefix, "id": turn, "room": k["room"], "event": k["event"],
                     "ref": k["ref"], "verdicts": verdicts[turn]})
    return rows


def with_inputs(rows: list[dict[str, Any]], data: Path) -> list[dict[str, Any]]:
    """Each row with the read's inputs at its event: the trackers' state, as the gate sees it."""
    corpus = load_corpus(data / "ubuntu-irc-train.jsonl", "facilitator")
    at: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in rows:
        at.setdefault(row["room"], {}).setdefault(row["event"], []).append(row)
    for room in sorted(at):
        state = RoomState(room=room)
        left = set(at[room])
        for event in corpus.rooms[room]:
            if not left:
                break
            apply_event(state, event, bot_id="facilitator")
            if event.id not in left:
                continue
            left.discard(event.id)
            names = [n for p in state.participants.values() for n in (p.id, p.name) if n]
            for row in at[room][event.id]:
                q = next(q for q in state.questions if q.id == row["ref"])
                row["x"] = list(waiting_features(state, q, event.ts))
                row["v"] = list(request_vector(q.text, names))
                row["text"] = q.text
        if left:
            raise SystemExit(f"{room}: judged events not found: {sorted(left)}")
    return rows


def design(rows: list[dict[str, Any]], mean: Any, scale: Any) -> Any:
    import numpy as np

    x = np.array([r["x"] for r in rows])
    return np.hstack([(x - mean) / scale * STRUCTURAL_WEIGHT, np.array([r["v"] for r in rows])])


def standardisation(rows: list[dict[str, Any]]) -> tuple[Any, Any]:
    """The structural numbers' mean and spread over every TUNE row (no label is read)."""
    import numpy as np

    x = np.array([r["x"] for r in rows])
    scale = x.std(0)
    scale[scale == 0] = 1.0
    return x.mean(0), scale


def fit(rows: list[dict[str, Any]], y: Any, mean: Any, scale: Any) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=5000).fit(design(rows, mean, scale), y)


def cross_validate(rows: list[dict[str, Any]], y: Any, harm: Any) -> float:
    """Out-of-fold probabilities (folds by room); prints AUROC and the threshold table and
    returns the threshold chosen by the rule."""
    import numpy as np
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedGroupKFold

    groups = np.array([r["room"] for r in rows])
    mean, scale = standardisation(rows)
    probs = np.zeros((SHUFFLES, len(rows)))
    for s in range(SHUFFLES):
        for train, test in StratifiedGroupKFold(FOLDS, shuffle=True, random_state=s).split(
                groups, y, groups):
            model = fit([rows[i] for i in train], y[train], mean, scale)
            probs[s, test] = model.predict_proba(design([rows[i] for i in test], mean,
                                                        scale))[:, 1]
    aucs = [roc_auc_score(y, p) for p in probs]
    print(f"TUNE: {len(rows)} judged requests in {len(set(groups))} rooms, {int(y.sum())} "
          f"helpful ({y.mean():.0%}), {int(harm.sum())} harmful")
    print(f"grouped CV ({FOLDS} folds by room, {SHUFFLES} shuffles): out-of-fold AUROC "
          f"{np.mean(aucs):.3f} ± {np.std(aucs):.3f}")
    print("threshold  kept  share  helpful  harmful   (out of fold, mean over shuffles)")
    chosen = None
    for t in THRESHOLDS:
        kept = probs >= t
        n = kept.sum(1)
        if n.min() == 0:
            break
        helpful = np.mean([y[k].mean() for k in kept])
        harmful = np.mean([harm[k].sum() for k in kept])
        share = n.mean() / len(rows)
        ok = helpful >= WANT_HELPFUL and share >= WANT_KEPT
        if ok and chosen is None:
            chosen = t
        print(f"  {t:.2f}    {n.mean():5.1f}  {share:4.0%}   {helpful:5.1%}   {harmful:4.1f}"
              + ("   <- chosen" if chosen == t else ""))
    if chosen is None:
        raise SystemExit(f"no threshold keeps {WANT_KEPT:.0%} at {WANT_HELPFUL:.0%} helpful")
    return chosen


def build(data: Path, *, table: bool = True) -> WaitingWeights:
    import numpy as np

    tune_rooms = set(json.loads(SPLIT.read_text())["tune"])
    rows = [r for prefix in TUNE_SETS for r in judged(prefix)]
    outside = sorted({r["room"] for r in rows} - tune_rooms)
    if outside:
        raise SystemExit(f"judged TUNE sets hold rooms outside the TUNE split: {outside}")
    rows = with_inputs(rows, data)
    y = np.array([int(next(iter(r["verdicts"].values())) == "HELPFUL") for r in rows])
    harm = np.array([int(next(iter(r["verdicts"].values())) == "HARMFUL") for r in rows])
    if any(len(r["verdicts"]) != 1 for r in rows):
        raise SystemExit("a TUNE turn with more than one verdict: decide how to weigh them")
    threshold = cross_validate(rows, y, harm) if table else None
    mean, scale = standardisation(rows)
    model = fit(rows, y, mean, scale)
    coef = model.coef_[0]
    k = len(FEATURES)
    structural = coef[:k] * STRUCTURAL_WEIGHT / scale
    intercept = float(model.intercept_[0] - np.sum(structural * mean))
    if threshold is None:  # --check: the shipped threshold stands (the table is what picks it)
        threshold = json.loads(OUT.read_text())["threshold"] if OUT.is_file() else 0.5
    return WaitingWeights(features=list(FEATURES),
                          coefficients=[round(float(c), 6) for c in structural],
                          intercept=round(intercept, 6), threshold=threshold,
                          embedding=[round(float(c), 6) for c in coef[k:]])


def report(model: WaitingWeights, data: Path, made: Path | None) -> None:
    """The REPORT judged turns (never fitted on): kept by the read, and each judge's verdicts."""
    still = None
    if made is not None:
        turns = json.loads(made.read_text())["sample"]
        still = {(t["room"], t["ref"]) for t in turns if not t["reaction"]}
    for prefix in REPORT_SETS:
        rows = judged(prefix)
        if still is not None and prefix != "report3":
            rows = [r for r in rows if (r["room"], r["ref"]) in still]
        rows = with_inputs(rows, data)
        kept = [r for r in rows if model.helps(r["x"], r["v"]) >= model.threshold]
        print(f"{prefix}: {len(rows)} judged requests"
              + (" the current code still makes" if still is not None and prefix != "report3"
                 else "") + f", {len(kept)} kept by the read")
        for judge in sorted({j for r in rows for j in r["verdicts"]}):
            every = Counter(r["verdicts"][judge] for r in rows if judge in r["verdicts"])
            some = Counter(r["verdicts"][judge] for r in kept if judge in r["verdicts"])
            n, m = sum(every.values()), sum(some.values())
            print(f"  judge {judge}: all {n}: " + " ".join(f"{v} {every[v]}" for v in VERDICTS)
                  + f" | kept {m}: " + " ".join(f"{v} {some[v]}" for v in VERDICTS)
                  + f" ({some['HELPFUL'] / max(m, 1):.1%} helpful, "
                    f"{some['HARMFUL'] / max(m, 1):.1%} harmful)")


def main(argv: list[str] | None = None) -> int:
    parser = training_parser(__doc__, DATA, OUT)
    parser.add_argument("--report", action="store_true",
                        help="after the fit, the REPORT judged turns the read keeps")
    parser.add_argument("--made", type=Path, default=None,
                        help="eval real JSON: only the earlier REPORT turns still made")
    args = parser.parse_args(argv)
    if data_missing(args.data, ("ubuntu-irc-train.jsonl",)):
        return 2
    model = build(args.data, table=not args.check)
    status = ship_weights(dump(model), args.out, check=args.check, write=not args.no_write)
    if args.report:
        report(model, args.data, args.made)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
