"""Rebuild facilitator/reading/models/replies.json: has a message taken up an open question?

Fits a logistic regression on (question, message) pairs from the IRC *tune* rooms (the fixed
split of `facilitator.evaluation.irc_split`), picks its thresholds on the same rooms from
out-of-fold predictions, writes the weights, and prints figures for the tune rooms and for
the *report* rooms, which nothing here was fitted or chosen on.

    pip install -e '.[train]'
    python scripts/train_replies.py [--data ../shared/data/ubuntu-irc-train.jsonl]
                                   [--links ../shared/data/ubuntu-irc-train.links.json]
                                   [--out facilitator/reading/models/replies.json] [--no-write]

Deterministic: the pairs come from a replay in file order, the folds are grouped by room in
a fixed order, lbfgs has no randomness, and the weights are rounded before they are written.
Needs scikit-learn (the `train` extra); the bot itself reads only the JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
OUT = REPO / "facilitator" / "reading" / "models" / "replies.json"
FOLDS = 5
C = 1.0  # L2 strength; the cues are few and the pairs many, so the default is not binding
THRESHOLDS = [round(0.2 + 0.05 * i, 2) for i in range(11)]  # 0.2 .. 0.7
VETOES = [0.0, 0.02, 0.05, 0.1, 0.15, 0.2]
LABEL = ("the message, by someone other than the asker, replies per the gold links to the "
         "question or to another message of the asker's in the question's conversation "
         "(connected links so far); pairs up to the first such reply")


def split_name(room: str) -> str:
    """The split this script fits on (tune) and reports on (report), by room name."""
    from facilitator.evaluation.irc_split import irc_split

    return irc_split(room)


def fit(features: list[tuple[float, ...]], labels: list[bool]) -> tuple[list[float], float]:
    """Coefficients and intercept on raw feature values (the scaling folded in)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = np.asarray(features, dtype=float)
    y = np.asarray(labels, dtype=bool)
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    lr = LogisticRegression(C=C, max_iter=5000).fit((x - scaler.mean_) / scale, y)
    coef = lr.coef_[0] / scale
    intercept = float(lr.intercept_[0] - np.dot(coef, scaler.mean_))
    return [round(float(c), 6) for c in coef], round(intercept, 6)


def _decide(pairs: list, probs: list[float], threshold: float, veto: float) -> list[bool]:
    return [p >= (veto if pair.rules else threshold) for pair, p in zip(pairs, probs, strict=True)]


def choose_thresholds(pairs: list, outcomes: list, probs: list[float]) -> tuple[float, float]:
    """Threshold and veto on tune rooms: the best pair F1 (right about which message took the
    question up) among the settings whose per-question F1 and recall are not below the
    rules' — a question the rules see answered must not be re-raised because of the model
    (that is the complaint this fixes), nor the bot's per-question judgement get worse."""
    from facilitator.evaluation.reply_eval import live_pairs, pair_scores, question_scores, simulated_outcomes

    live_ids = {id(p) for p in live_pairs(pairs, outcomes)}
    rules = question_scores(simulated_outcomes(outcomes, pairs, [p.rules for p in pairs]))
    scored = []
    for threshold in THRESHOLDS:
        for veto in VETOES:
            decide = _decide(pairs, probs, threshold, veto)
            q = question_scores(simulated_outcomes(outcomes, pairs, decide))
            live = [(p, d) for p, d in zip(pairs, decide, strict=True) if id(p) in live_ids]
            pair = pair_scores([p for p, _ in live], [d for _, d in live])["f1"]
            ok = q["f1"] >= rules["f1"] and q["recall"] >= rules["recall"]
            scored.append((ok, pair if ok else q["f1"], -threshold, -veto))
    _, _, threshold, veto = max(scored)
    return -threshold, -veto


def out_of_fold(pairs: list, outcomes: list) -> list[float]:
    """Each tune room's pairs scored by a model fitted on the other folds of rooms."""
    from facilitator.evaluation.reply_eval import live_pairs
    from facilitator.reading.replies import ReplyModel

    rooms = sorted({p.room for p in pairs})
    fold_of = {room: i % FOLDS for i, room in enumerate(rooms)}
    live = live_pairs(pairs, outcomes)
    probs = [0.0] * len(pairs)
    for k in range(FOLDS):
        train = [p for p in live if fold_of[p.room] != k]
        coef, intercept = fit([p.features for p in train], [p.label for p in train])
        model = ReplyModel(features=list(_features()), coefficients=coef, intercept=intercept,
                           threshold=0.5)
        for i, p in enumerate(pairs):
            if fold_of[p.room] == k:
                probs[i] = model.probability(p.features)
    return probs


def _features() -> tuple[str, ...]:
    from facilitator.reading.replies import FEATURES

    return FEATURES


def figures(pairs: list, outcomes: list, model, rules_outcomes: list,
            model_outcomes: list | None) -> dict[str, dict[str, float]]:
    """Pair and per-question scores of the model (as the tracker uses it) and of the rules."""
    from facilitator.evaluation.reply_eval import live_pairs, pair_scores, question_scores, simulated_outcomes

    live = live_pairs(pairs, outcomes)
    probs = [model.probability(p.features) for p in live]
    out = {
        "pairs_model": pair_scores(live, _decide(live, probs, model.threshold, model.veto)),
        "pairs_rules": pair_scores(live, [p.rules for p in live]),
        "questions_rules": question_scores(rules_outcomes),
    }
    if model_outcomes is not None:
        out["questions_model"] = question_scores(model_outcomes)
    else:
        all_probs = [model.probability(p.features) for p in pairs]
        decide = _decide(pairs, all_probs, model.threshold, model.veto)
        out["questions_model_simulated"] = question_scores(
            simulated_outcomes(outcomes, pairs, decide))
    return out


def main(argv: list[str] | None = None) -> int:
    from facilitator.evaluation.reply_eval import load_links, load_rooms, replay_rooms
    from facilitator.reading.replies import ReplyModel, Training

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA / "ubuntu-irc-train.jsonl")
    parser.add_argument("--links", type=Path, default=DATA / "ubuntu-irc-train.links.json")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--no-write", action="store_true", help="print figures, keep the file")
    args = parser.parse_args(argv)
    if not args.data.is_file() or not args.links.is_file():
        print(f"data not found: {args.data} / {args.links}", file=sys.stderr)
        return 2
    rooms = load_rooms(args.data)
    links = load_links(args.links)
    tune = sorted(r for r in rooms if split_name(r) == "tune")
    report = sorted(r for r in rooms if split_name(r) == "report")
    print(f"rooms: {len(tune)} tune, {len(report)} report", file=sys.stderr)

    runs = list(replay_rooms(rooms, links, tune, model=None, pairs=True))
    pairs = [p for r in runs for p in r.pairs]
    outcomes = [q for r in runs for q in r.questions.values()]
    from facilitator.evaluation.reply_eval import live_pairs

    live = live_pairs(pairs, outcomes)
    print(f"tune pairs: {len(pairs)} ({len(live)} live, {sum(p.label for p in live)} taken up)",
          file=sys.stderr)
    threshold, veto = choose_thresholds(pairs, outcomes, out_of_fold(pairs, outcomes))
    coef, intercept = fit([p.features for p in live], [p.label for p in live])
    training = Training(
        data=args.data.name, split="facilitator.evaluation.irc_split: fitted on tune rooms only",
        rooms=len(tune), pairs=len(live), positives=sum(p.label for p in live), label=LABEL,
        solver=f"scikit-learn LogisticRegression(C={C}, lbfgs) on standardised features, "
               "scaling folded into the weights",
        threshold_rule=f"threshold in {THRESHOLDS[0]}..{THRESHOLDS[-1]} and veto in {VETOES}: "
                       "best pair F1 among settings whose per-question F1 and recall are not "
                       f"below the rules', on {FOLDS}-fold out-of-fold predictions over tune "
                       "rooms (simulated closing)")
    model = ReplyModel(features=list(_features()), coefficients=coef, intercept=intercept,
                       threshold=threshold, veto=veto, training=training)
    tune_fig = figures(pairs, outcomes, model, outcomes, None)

    report_runs = list(replay_rooms(rooms, links, report, model=None, pairs=True))
    r_pairs = [p for r in report_runs for p in r.pairs]
    r_rules = [q for r in report_runs for q in r.questions.values()]
    r_model = [q for r in replay_rooms(rooms, links, report, model=model)
               for q in r.questions.values()]
    report_fig = figures(r_pairs, r_rules, model, r_rules, r_model)
    model.training.tune = {f"{k}_f1": v["f1"] for k, v in tune_fig.items()}
    model.training.report = {f"{k}_f1": v["f1"] for k, v in report_fig.items()}
    print(json.dumps({"threshold": threshold, "veto": veto, "tune": tune_fig,
                      "report": report_fig}, indent=2))
    if not args.no_write:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(model.model_dump(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
