"""Rebuild facilitator/reading/models/uptake.json and print its leave-one-kind-out table.

Has a later message taken up an open question? Pairs (question, message) come from replays
of every labelled kind (`facilitator.evaluation.uptake_pairs`: IRC reply links, Slack
conversation ids), each kind cut in tune and report halves by `evaluation.reader_split`.

- Leave one kind out: for each labelled kind, a reader fitted on the *other* kinds' tune
  halves (threshold chosen on them, out of fold) is measured on the left-out kind's report
  half and on the whole left-out kind (none of which was fitted on).
- The shipped reader: fitted on every labelled kind's tune half; measured on each kind's
  report half (never fitted on).
- Beside them, on the same pairs: the explicit rules alone, and `replies.json` (fitted on IRC
  tune rooms only: on IRC report rooms it is in-kind, on Slack a kind it never saw).
- Meetings (no reply labels; report half only): how often each reader agrees that the first
  other speaker took the question up ("the next speaker answers", a weak label; not fitted).

    pip install -e '.[train]'
    python scripts/train_uptake.py [--data ../shared/data] [--no-write] [--check] [--rooms N] [--cost]

`--check` rebuilds in memory and exits 1 unless the result equals the shipped file.
`--rooms N` keeps the first N rooms of each half of each kind (a quick, tiny run).
`--cost` only measures the reader's µs a message on report rooms (and replies.json's).
Deterministic: replays in file order, folds by room in sorted order, lbfgs, rounded weights.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from facilitator.evaluation.reader_split import half, source  # noqa: E402
from facilitator.evaluation.training import auroc, data_missing, dump, standardised_fit, training_parser  # noqa: E402
from facilitator.evaluation.uptake_pairs import FITTED_KINDS, UptakePair, kind_pairs, room_names  # noqa: E402
from facilitator.reading.logistic import ship_weights  # noqa: E402
from facilitator.reading.uptake import FEATURES, HORIZON_S, HORIZON_TURNS, UptakeModel, UptakeTraining, decide  # noqa: E402

DATA = REPO.parent / "shared" / "data"
OUT = REPO / "facilitator" / "reading" / "models" / "uptake.json"
FOLDS = 5
C = 1.0
THRESHOLDS = [round(0.05 * i, 2) for i in range(1, 20)]
VETOES = [0.0, 0.02, 0.05, 0.1, 0.2]
LABEL = ("the message, by someone other than the asker, is in the question's conversation "
         "(IRC: connected part of the reply-link graph; Slack: the corpus's conversation id); "
         "pairs up to the question's first such message, within "
         f"{HORIZON_TURNS} messages and {HORIZON_S:.0f} s")


def fit(groups: list[list[UptakePair]]) -> tuple[list[float], float]:
    """Logistic regression on standardised features; each kind weighs the same, and within a
    kind positives and negatives weigh the same, so no kind's base rate becomes the prior."""
    import numpy as np

    xs, ys, ws = [], [], []
    for pairs in groups:
        y = np.array([p.label for p in pairs], dtype=bool)
        pos, neg = max(int(y.sum()), 1), max(int((~y).sum()), 1)
        xs.append(np.array([p.features for p in pairs], dtype=float))
        ys.append(y)
        ws.append(np.where(y, 0.5 / pos, 0.5 / neg))
    x, y, w = np.vstack(xs), np.concatenate(ys), np.concatenate(ws)
    if y.all() or not y.any():  # a tiny fold with one class: no evidence either way
        return [0.0] * len(FEATURES), 0.0
    return standardised_fit(x, y, w, C)


def model_of(coef: list[float], intercept: float, threshold: float = 0.5, veto: float = 0.0) -> UptakeModel:
    return UptakeModel(features=list(FEATURES), coefficients=coef, intercept=intercept,
                       threshold=threshold, veto=veto)


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def pair_prf(pairs: list[UptakePair], said: list[bool]) -> dict[str, float]:
    tp = sum(s and p.label for p, s in zip(pairs, said, strict=True))
    fp = sum(s and not p.label for p, s in zip(pairs, said, strict=True))
    fn = sum((not s) and p.label for p, s in zip(pairs, said, strict=True))
    return prf(tp, fp, fn)


def question_scores(pairs: list[UptakePair], said: list[bool]) -> dict[str, float]:
    """Per question: taken up at all (within the view) by the gold, by the reader; and of the
    questions both call taken up, how often the reader names the same member first."""
    gold: dict[str, str | None] = {}
    first: dict[str, str | None] = {}
    for p, s in zip(pairs, said, strict=True):
        gold.setdefault(p.question, None)
        first.setdefault(p.question, None)
        if p.label:
            gold[p.question] = p.author
        if s and first[p.question] is None:
            first[p.question] = p.author
    tp = sum(gold[q] is not None and first[q] is not None for q in gold)
    fp = sum(gold[q] is None and first[q] is not None for q in gold)
    fn = sum(gold[q] is not None and first[q] is None for q in gold)
    out = prf(tp, fp, fn)
    same = sum(gold[q] is not None and first[q] == gold[q] for q in gold)
    out["by_whom"] = round(same / tp, 3) if tp else 0.0
    out["questions"] = len(gold)
    return out


def scores_of(model: UptakeModel, pairs: list[UptakePair]) -> list[float]:
    return [model.probability(p.features) for p in pairs]


def figures(model: UptakeModel, pairs: list[UptakePair]) -> dict[str, object]:
    probs = scores_of(model, pairs)
    said = [decide(model, s, p.rules) for p, s in zip(pairs, probs, strict=True)]
    return {"pairs": len(pairs), "positives": sum(p.label for p in pairs),
            "auroc": auroc(probs, [p.label for p in pairs]),
            "pair": pair_prf(pairs, said), "question": question_scores(pairs, said)}


def out_of_fold(groups: list[list[UptakePair]]) -> list[list[float]]:
    """Each fitted pair scored by a reader fitted on the other folds of rooms (all kinds)."""
    rooms = sorted({p.room for pairs in groups for p in pairs})
    fold = {room: i % FOLDS for i, room in enumerate(rooms)}
    out = [[0.0] * len(pairs) for pairs in groups]
    for k in range(FOLDS):
        train = [[p for p in pairs if fold[p.room] != k] for pairs in groups]
        model = model_of(*fit([t for t in train if t]))
        for g, pairs in enumerate(groups):
            for i, p in enumerate(pairs):
                if fold[p.room] == k:
                    out[g][i] = model.probability(p.features)
    return out


def choose(groups: list[list[UptakePair]]) -> tuple[float, float]:
    """Threshold and veto: the best worst-kind pair F1 over the fitted kinds, out of fold."""
    probs = out_of_fold(groups)
    best: tuple[float, float, float] | None = None
    for threshold in THRESHOLDS:
        for veto in VETOES:
            worst = min(pair_prf(pairs, [decide_raw(s, p.rules, threshold, veto)
                                         for p, s in zip(pairs, ps, strict=True)])["f1"]
                        for pairs, ps in zip(groups, probs, strict=True))
            key = (worst, -threshold, -veto)
            if best is None or key > best:
                best = key
    assert best is not None
    return -best[1], -best[2]


def decide_raw(p: float, explicit: bool, threshold: float, veto: float) -> bool:
    return p >= (veto if explicit else threshold)


def fitted_reader(groups: list[list[UptakePair]]) -> UptakeModel:
    threshold, veto = choose(groups)
    return model_of(*fit(groups), threshold=threshold, veto=veto)


def rules_figures(pairs: list[UptakePair]) -> dict[str, object]:
    said = [p.rules for p in pairs]
    return {"pair": pair_prf(pairs, said), "question": question_scores(pairs, said)}


def replies_figures(pairs: list[UptakePair]) -> dict[str, object]:
    """The IRC-only reply model, its decision as the tracker makes it (explicit + veto)."""
    from facilitator.reading.replies import FEATURES as REPLY_FEATURES
    from facilitator.reading.replies import shipped_model

    m = shipped_model()
    n = len(REPLY_FEATURES)
    probs = [m.probability(tuple(p.features[:n])) for p in pairs]
    said = [s >= (m.veto if p.rules else m.threshold) for p, s in zip(pairs, probs, strict=True)]
    return {"auroc": auroc(probs, [p.label for p in pairs]), "pair": pair_prf(pairs, said),
            "question": question_scores(pairs, said)}


def weak_recall(model: UptakeModel | None, pairs: list[UptakePair]) -> float:
    """Meetings: share of questions whose first other speaker the reader says took it up."""
    said = [p.rules if model is None else decide(model, model.probability(p.features), p.rules)
            for p in pairs]
    return round(sum(said) / len(said), 3) if said else float("nan")


def line(name: str, fig: dict) -> str:
    pair, q = fig["pair"], fig["question"]
    auc = fig.get("auroc")
    auc_s = f"{auc:.3f}" if isinstance(auc, float) else "  -  "
    return (f"  {name:<44} AUROC {auc_s}  pair P {pair['precision']:.3f} R {pair['recall']:.3f} "
            f"F1 {pair['f1']:.3f} | question P {q['precision']:.3f} R {q['recall']:.3f} "
            f"F1 {q['f1']:.3f} by-whom {q['by_whom']:.3f}")


def gather(data: Path, rooms_per_half: int | None) -> dict[str, list[UptakePair]]:
    out: dict[str, list[UptakePair]] = {}
    for kind in (*FITTED_KINDS, "meetings"):
        names = room_names(kind, data)
        if kind == "meetings":
            names = [r for r in names if half(kind, r) == "report"]  # report-only
        if rooms_per_half is not None:
            by_half: dict[str, list[str]] = defaultdict(list)
            for r in names:
                by_half[half(kind, r)].append(r)
            names = [r for rs in by_half.values() for r in rs[:rooms_per_half]]
        t = time.perf_counter()
        out[kind] = kind_pairs(kind, data, names)
        print(f"{kind}: {len(names)} rooms, {len(out[kind])} pairs, "
              f"{sum(p.label for p in out[kind])} taken up ({time.perf_counter() - t:.0f} s)",
              file=sys.stderr)
    return out


def build(data: Path, rooms_per_half: int | None = None, *, table: bool = True) -> UptakeModel:
    pairs = gather(data, rooms_per_half)
    tune = {k: [p for p in pairs[k] if half(k, p.room) == "tune"] for k in FITTED_KINDS}
    report = {k: [p for p in pairs[k] if half(k, p.room) == "report"] for k in FITTED_KINDS}
    meetings = pairs["meetings"]
    results: dict[str, dict[str, object]] = {}
    if table:
        print("Leave one kind out (fitted on the other kinds' tune halves; threshold and veto "
              "chosen on them out of fold):")
        for left in FITTED_KINDS:
            others = [k for k in FITTED_KINDS if k != left]
            m = fitted_reader([tune[k] for k in others])
            print(f" left out {left} (fitted on {'+'.join(others)}; threshold {m.threshold}, "
                  f"veto {m.veto}):")
            fig = figures(m, report[left])
            print(line(f"{left} report half ({fig['pairs']} pairs)", fig))
            whole = figures(m, pairs[left])
            print(line(f"{left} whole ({whole['pairs']} pairs)", whole))
            print(line(f"  rules alone, {left} report half", rules_figures(report[left])))
            print(line(f"  replies.json (IRC tune only), {left} report", replies_figures(report[left])))
            print(f"  meetings report half, weak label, recall: {weak_recall(m, meetings)} "
                  f"(rules alone {weak_recall(None, meetings)}; {len(meetings)} questions)")
    shipped = fitted_reader([tune[k] for k in FITTED_KINDS])
    print(f"Shipped reader (fitted on {'+'.join(FITTED_KINDS)} tune halves; threshold "
          f"{shipped.threshold}, veto {shipped.veto}), on report halves:")
    for k in FITTED_KINDS:
        fig = figures(shipped, report[k])
        results[f"shipped_{k}_report"] = fig
        print(line(f"{k} report half ({fig['pairs']} pairs)", fig))
    print(f"  meetings report half, weak label, recall: {weak_recall(shipped, meetings)} "
          f"(rules alone {weak_recall(None, meetings)})")
    shipped.training = UptakeTraining(
        data=[f for k in FITTED_KINDS for f in _files(k)], split=source(), label=LABEL,
        pairs={k: len(tune[k]) for k in FITTED_KINDS},
        positives={k: sum(p.label for p in tune[k]) for k in FITTED_KINDS},
        solver=f"scikit-learn LogisticRegression(C={C}, lbfgs) on standardised features, each "
               "kind and within it each class weighted equally; scaling folded into the weights",
        threshold_rule=f"threshold in {THRESHOLDS[0]}..{THRESHOLDS[-1]} and veto in {VETOES}: "
                       f"best worst-kind pair F1, {FOLDS}-fold out-of-fold over tune rooms",
        report={k: {"auroc": float(v["auroc"]),  # type: ignore[arg-type]
                    "pair_f1": float(v["pair"]["f1"]),  # type: ignore[index]
                    "question_f1": float(v["question"]["f1"])}  # type: ignore[index]
                for k, v in results.items()})
    return shipped


def _files(kind: str) -> list[str]:
    from facilitator.evaluation.uptake_pairs import CORPORA

    return list(CORPORA[kind][0])


def cost(data: Path, rooms_per_kind: int = 12) -> None:
    """µs per human message spent by the reader: once per message `uptake_scene`, then
    features and probability for each open question in view (what a tracker would call),
    against the same work by the IRC-only reply model (`scene`, `reply_features`), on the
    same questions with the text cache warm for both. The cheap first pass (`within_view`
    over the questions still open) is counted for both; a message with no question in view
    costs only that. Replays the first report rooms of each kind; the replay is not counted."""
    from facilitator.evaluation.uptake_pairs import CORPORA, load_rooms
    from facilitator.events import EventKind
    from facilitator.memory.state import RoomState
    from facilitator.memory.trackers import apply_event
    from facilitator.memory.trackers.questions import reply_model
    from facilitator.reading.message import read_message
    from facilitator.reading.replies import reply_features, scene, shipped_model
    from facilitator.reading.uptake import shipped_uptake_model, uptake_features, uptake_scene, within_view

    reader, replies = shipped_uptake_model(), shipped_model()
    for kind in (*FITTED_KINDS, "meetings"):
        files, _ = CORPORA[kind]
        rooms = load_rooms(data / f for f in files)
        names = [r for r in sorted(rooms) if half(kind, r) == "report"][:rooms_per_kind]
        messages = pairs = 0
        spent = spent_replies = 0.0
        for name in names:
            state = RoomState(room="")
            with reply_model(None):
                for event in rooms[name]:
                    human = event.kind == EventKind.MESSAGE and event.is_human
                    read = read_message(state, event, bot_id="facilitator") if human else None
                    if read is not None:
                        messages += 1
                        start = time.perf_counter()
                        open_q = [q for q in state.questions if q.answered_by is None
                                  and within_view(state, event.author.id, event.ts, q)]
                        gate = time.perf_counter() - start
                        spent += gate
                        spent_replies += gate
                        if not open_q:
                            apply_event(state, event, bot_id="facilitator", read=read)
                            continue
                        sc = uptake_scene(state, event, read)
                        for q in open_q:  # untimed: warms the text cache both paths share
                            reply_features(sc.reply, q)
                        start = time.perf_counter()
                        rs = scene(state, event, read)
                        for q in open_q:
                            replies.probability(reply_features(rs, q))
                        spent_replies += time.perf_counter() - start
                        start = time.perf_counter()
                        sc = uptake_scene(state, event, read)
                        for q in open_q:
                            reader.probability(uptake_features(sc, q))
                        spent += time.perf_counter() - start
                        pairs += len(open_q)
                    apply_event(state, event, bot_id="facilitator", read=read)
        print(f"  cost, {kind} ({len(names)} report rooms, {messages} messages, "
              f"{pairs / max(messages, 1):.1f} open questions a message): uptake reader "
              f"{spent / max(messages, 1) * 1e6:.1f} µs a message; replies.json "
              f"{spent_replies / max(messages, 1) * 1e6:.1f} µs")


def main(argv: list[str] | None = None) -> int:
    parser = training_parser(__doc__, DATA, OUT)
    parser.add_argument("--cost", action="store_true", help="only measure µs a message; fit nothing")
    args = parser.parse_args(argv)
    if data_missing(args.data, ("ubuntu-irc-train.jsonl",)):
        return 2
    if args.cost:
        cost(args.data)
        return 0
    model = build(args.data, args.rooms, table=not args.check)
    return ship_weights(dump(model), args.out, check=args.check, write=not args.no_write)


if __name__ == "__main__":
    raise SystemExit(main())
