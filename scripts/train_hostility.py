"""Rebuild facilitator/reading/models/hostility.json.gz: the hostility model's weights.

Two steps, both deterministic:
1. Export the linear offensive-language classifier of alt-profanity-check (MIT licence, a
   calibrated LinearSVC over a TF-IDF vocabulary, trained on ~200k human-labelled comments) into
   plain numbers: vocabulary, IDF, the five calibrated folds' coefficients and sigmoid
   calibrations. The runtime then needs neither scikit-learn nor joblib, whose exact-version pins
   (scikit-learn==1.9.1, joblib==1.6.0 for 1.9.1) would otherwise bind the whole project.
2. Fit the small combiner (logistic regression over the exported classifier's logit and our own
   target features) on the WikiTactics rooms that `is_fit_room` selects; the other rooms are
   only reported on (`tests/test_hostility.py` and `--report`).

Run it in a throwaway environment that has the pinned classifier (never a project dependency):
    python3 -m venv /tmp/apcenv && /tmp/apcenv/bin/pip install alt-profanity-check==1.9.1
    /tmp/apcenv/bin/python scripts/train_hostility.py [--data ../shared/data]

`--report` needs only the project: it prints the held-out figures (WikiTactics rooms not fitted on,
a 2,000-message sample of the Ubuntu IRC channel), the old lexical cue's on the same data, and the
cost per message:
    .venv/bin/python scripts/train_hostility.py --report
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from facilitator.evaluation.metrics import auroc, auroc_of  # noqa: E402
from facilitator.reading import hostility as H  # noqa: E402
from facilitator.reading.tokens import SKLEARN_TOKEN_PATTERN  # noqa: E402

MODEL = ROOT / "facilitator" / "reading" / "models" / "hostility.json.gz"
ATTACK_LABELS = ("DH0", "DH1")
DIGITS = 5  # rounding of exported floats: keeps the file small; outputs move by < 1e-3


def export_profanity() -> dict[str, object]:
    import numpy as np
    import sklearn
    from profanity_check import profanity_check as pc  # the pinned wheel's own loaded model

    vectorizer, model = pc.vectorizer, pc.model
    params = vectorizer.get_params()
    # The runtime port assumes exactly this configuration; fail loudly if a new wheel changes it.
    assert params["token_pattern"] == SKLEARN_TOKEN_PATTERN, params["token_pattern"]
    assert params["ngram_range"] == (1, 1) and params["norm"] == "l2" and params["use_idf"]
    assert not params["sublinear_tf"] and params["lowercase"] and params["analyzer"] == "word"
    assert model.get_params()["method"] == "sigmoid"
    vocabulary: dict[str, int] = vectorizer.vocabulary_
    terms = sorted(vocabulary, key=vocabulary.__getitem__)
    folds = model.calibrated_classifiers_
    weights = np.vstack([fold.estimator.coef_[0] for fold in folds])
    return {
        "source": f"alt-profanity-check 1.9.1 (scikit-learn {sklearn.__version__}), MIT licence: "
                  "Copyright (c) 2018 Victor Zhou, 2021 Menelaos Kotoglou, and Dimitrios Mistriotis",
        "terms": terms,
        "idf": [round(float(x), DIGITS) for x in vectorizer.idf_],
        "weights": [[round(float(x), DIGITS) for x in row] for row in weights],
        "intercepts": [float(fold.estimator.intercept_[0]) for fold in folds],
        "calibration": [[float(fold.calibrators[0].a_), float(fold.calibrators[0].b_)]
                        for fold in folds],
    }


def check_port(profanity: dict[str, object], texts: list[str]) -> float:
    """Largest gap between the port and the wheel's own predict_proba over `texts`."""
    from profanity_check import predict_prob

    port = H.ProfanityPort.from_dict(profanity)
    reference = predict_prob(texts)
    return max(abs(port.probability(H.classifier_tokens(t)) - float(r)) for t, r in zip(texts, reference,
                                                                                      strict=True))


def load_wikitactics(data: Path) -> list[dict[str, object]]:
    rows = []
    with (data / "wikitactics-train.jsonl").open() as handle:
        for line in handle:
            if line.strip():
                rows.append(json.loads(line))
    return rows


def room_names(rows: list[dict[str, object]]) -> dict[str, dict[str, str]]:
    """Each room's members, as the bot would know them: lowercased display name -> member id."""
    names: dict[str, dict[str, str]] = {}
    for r in rows:
        names.setdefault(str(r["room"]), {})[str(r["author"]).lower()] = str(r["author"])
    return names


def is_attack(row: dict[str, object]) -> bool:
    labels = row.get("rebuttal_labels") or []
    return any(str(label).startswith(ATTACK_LABELS) for label in labels)  # type: ignore[union-attr]


def fit_combiner(model: H.HostilityModel, rows: list[dict[str, object]]) -> dict[str, object]:
    from sklearn.linear_model import LogisticRegression

    # Only what passes the first pass reaches the combiner at run time, so only that is fitted on.
    fit = [r for r in rows if H.is_fit_room(str(r["room"])) and model.first_pass(str(r["text"]))]
    names = room_names(rows)
    x = [list(model.features(str(r["text"]), names[str(r["room"])])) for r in fit]
    y = [int(is_attack(r)) for r in fit]
    # Unweighted, so the score reads as a probability; C small because the fit part is small.
    lr = LogisticRegression(C=0.5, max_iter=1000)
    lr.fit(x, y)
    coef = [round(float(c), DIGITS) for c in lr.coef_[0]]
    print(f"combiner fitted on {len(fit)} utterances ({sum(y)} attacks) from "
          f"{len({r['room'] for r in fit})} rooms")
    for name, c in zip(H.FEATURES, coef, strict=True):
        print(f"  {name:>14}: {c:+.3f}")
    print(f"  {'intercept':>14}: {float(lr.intercept_[0]):+.3f}")
    intercept = round(float(lr.intercept_[0]), DIGITS)
    fitted = H.HostilityModel(model.port, H.Combiner(tuple(coef), intercept, 0.5))
    # The attack threshold: best F1 of `attack` against DH0/DH1 on the fit rooms (all of them,
    # including what the first pass drops), on a coarse grid so it does not chase single utterances.
    rooms = [r for r in rows if H.is_fit_room(str(r["room"]))]
    reads = [fitted.read(str(r["text"]), addressee="addressee", names=names[str(r["room"])]) for r in rooms]
    truth = [is_attack(r) for r in rooms]
    best = (0.0, 0.5)
    for step in range(4, 17):
        threshold = step / 20
        flagged = [h.personal and h.score >= threshold for h in reads]
        tp = sum(f and t for f, t in zip(flagged, truth, strict=True))
        f1 = 2 * tp / max(sum(flagged) + sum(truth), 1)
        best = max(best, (f1, threshold))
    print(f"  attack threshold {best[1]:.2f} (F1 {best[0]:.3f} on the fit rooms)")
    return {"features": list(H.FEATURES), "coef": coef, "intercept": intercept, "attack_threshold": best[1]}


def report(data: Path) -> None:
    import random
    import time

    from facilitator.reading.message import hostile_wording as lexical

    model = H.HostilityModel.load()
    rows = load_wikitactics(data)
    names = room_names(rows)
    for part, keep in (("fit rooms", True), ("held-out rooms", False)):
        part_rows = [r for r in rows if H.is_fit_room(str(r["room"])) is keep]
        truth = [is_attack(r) for r in part_rows]
        reads = [model.read(str(r["text"]), addressee="addressee", names=names[str(r["room"])])
                 for r in part_rows]
        lex = [lexical(str(r["text"])) for r in part_rows]
        pos = sum(truth)
        print(f"WikiTactics {part}: {len(part_rows)} utterances, {pos} DH0/DH1, "
              f"{len({r['room'] for r in part_rows})} rooms")
        score_auc = auroc_of([h.score for h, t in zip(reads, truth, strict=True) if t],
                          [h.score for h, t in zip(reads, truth, strict=True) if not t])
        lex_auc = auroc_of([v for v, t in zip(lex, truth, strict=True) if t],
                        [v for v, t in zip(lex, truth, strict=True) if not t])
        flagged = sum(h.attack for h in reads)
        hits = sum(h.attack and t for h, t in zip(reads, truth, strict=True))
        print(f"  model: AUROC(score) {score_auc:.3f}; attack flags {flagged}, precision "
              f"{hits / max(flagged, 1):.2f}, recall {hits / pos:.3f} (base rate {pos / len(truth):.3f})")
        is_dh0 = [any(str(x).startswith("DH0") for x in r.get("rebuttal_labels") or [])  # type: ignore[union-attr]
                  for r in part_rows]
        dh0 = [h for h, d in zip(reads, is_dh0, strict=True) if d]
        scores = [h.score for h in reads]
        print(f"  model: DH0 (name calling) caught {sum(h.attack for h in dh0)} of {len(dh0)}; "
              f"AUROC(score) DH0 vs rest {auroc(scores, is_dh0):.3f}, "
              f"lexical {auroc(lex, is_dh0):.3f}")
        hot = [h.score >= model.combiner.attack_threshold for h in reads]
        hot_hits = sum(f and t for f, t in zip(hot, truth, strict=True))
        print(f"  model: score >= {model.combiner.attack_threshold} whoever it aims at: flags {sum(hot)}, "
              f"precision {hot_hits / max(sum(hot), 1):.2f}, recall {hot_hits / pos:.3f}")
        ran = [i for i, r in enumerate(part_rows) if model.first_pass(str(r["text"]))]
        print(f"  where the first pass sends a message on ({len(ran)} of {len(part_rows)}, "
              f"{sum(truth[i] for i in ran)} of {pos} DH0/DH1): AUROC model "
              f"{auroc([scores[i] for i in ran], [truth[i] for i in ran]):.3f}, "
              f"lexical {auroc([lex[i] for i in ran], [truth[i] for i in ran]):.3f}")
        for threshold in (0.3, 0.5):
            lf = [v >= threshold for v in lex]
            lh = sum(f and t for f, t in zip(lf, truth, strict=True))
            print(f"  lexical cue: AUROC {lex_auc:.3f}; >= {threshold}: flags {sum(lf)}, precision "
                  f"{lh / max(sum(lf), 1):.2f}, recall {lh / pos:.3f}")
    irc_rows = [json.loads(line) for line in (data / "ubuntu-irc-train.jsonl").read_text().splitlines()
                if line.strip()]
    irc_names = room_names(irc_rows)
    messages = [(str(r["text"]), str(r["room"])) for r in irc_rows
                if r.get("kind", "message") == "message" and r.get("text")]
    sample = random.Random(10).sample(messages, 2000)
    flagged_irc = [(t, model.read(t, addressee="addressee", names=irc_names[room])) for t, room in sample]
    flagged_irc = [(t, h) for t, h in flagged_irc if h.attack]
    print(f"Ubuntu IRC, 2,000 random messages (seed 10): attack flags {len(flagged_irc)}; "
          f"lexical cue >= 0.3: {sum(lexical(t) >= 0.3 for t, _ in sample)}, "
          f">= 0.5: {sum(lexical(t) >= 0.5 for t, _ in sample)}")
    for text, read in flagged_irc:
        print(f"    {read.score:.2f} {text[:100]!r}")
    every = [model.read(t, addressee="addressee", names=irc_names[room]).attack for t, room in messages]
    print(f"Ubuntu IRC, all {len(messages)} messages: attack flags {sum(every)}")
    texts = [str(r["text"]) for r in rows] + [t for t, _ in messages]
    silent = [t for t in texts if not model.first_pass(t)]
    loud = [t for t in texts if model.first_pass(t)]
    for label, batch in (("all", texts), ("silent path", silent), ("full path", loud)):
        best = math.inf
        for _ in range(3):
            start = time.perf_counter()
            for t in batch:
                model.read(t)
            best = min(best, (time.perf_counter() - start) / len(batch))
        print(f"cost, {label}: {len(batch)} messages, {best * 1e6:.1f} µs a message (best of 3)")
    start = time.perf_counter()
    for t in texts:
        lexical(t)
    print(f"cost, old lexical cue: {(time.perf_counter() - start) / len(texts) * 1e6:.1f} µs a message")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--report", action="store_true", help="print held-out figures; fit nothing")
    args = parser.parse_args()
    if args.report:
        report(args.data)
        return
    rows = load_wikitactics(args.data)

    profanity = export_profanity()
    gap = check_port(profanity, [str(r["text"]) for r in rows[:1500]])
    print(f"port vs wheel: largest probability gap {gap:.2e} over 1,500 utterances")
    assert gap < 1e-3, gap

    # The combiner is fitted on features computed by the runtime code itself from the exported
    # numbers, so what ships is exactly what was fitted.
    draft = H.HostilityModel(H.ProfanityPort.from_dict(profanity), H.Combiner.neutral())
    combiner = fit_combiner(draft, rows)
    payload = {"profanity": profanity, "combiner": combiner}
    MODEL.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    # mtime=0: the same inputs give the same bytes, so a rebuild shows no spurious diff.
    MODEL.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    print(f"wrote {MODEL.relative_to(ROOT)} ({MODEL.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
