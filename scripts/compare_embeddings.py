"""Would a small sentence-embedding model help the fitted readers on kinds they never saw?

WordLlama (`pip install wordllama`; its wheel ships the 16 MB l2_supercat 256-d weights and
tokenizer, nothing is downloaded) against the plain cue readers, leave one kind out, AUROC on
the left-out kind's report half (the threshold-free figure, so the comparison does not hinge
on a threshold chosen elsewhere):

- uptake: the cues of `reading/uptake.py`, then the same plus the cosine similarity of the
  question and the message;
- attacks: the cues of `reading/attacks.py`, then the same plus the message's 256-d vector.

Fitted exactly as the training scripts fit (their `fit` functions), on tune halves only. Also
measures WordLlama's µs a message, one message at a time as the bot would call it.

    pip install -e '.[train]' wordllama
    python scripts/compare_embeddings.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import sys
import time
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def wordllama():  # type: ignore[no-untyped-def]
    import wordllama as package
    from wordllama import WordLlama

    # The wheel keeps its files beside the package; pointing the cache there loads them offline.
    return WordLlama.load(cache_dir=Path(package.__file__).parent, disable_download=True)


def embed(model, texts: list[str]):  # type: ignore[no-untyped-def]
    import numpy as np

    return np.nan_to_num(model.embed(texts, norm=True))  # an empty text has no direction


def cost(model, texts: list[str]) -> float:  # type: ignore[no-untyped-def]
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        for t in texts:
            model.embed([t])
        best = min(best, (time.perf_counter() - start) / len(texts))
    return best * 1e6


def main(argv: list[str] | None = None) -> int:
    import dataclasses

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args(argv)
    wl = wordllama()
    up = _script("train_uptake")
    at = _script("train_attacks")

    # Uptake: + cosine(question, message).
    from facilitator.evaluation.reader_split import half
    from facilitator.evaluation.uptake_pairs import CORPORA, FITTED_KINDS, load_rooms

    pairs = up.gather(args.data, None)
    for kind in FITTED_KINDS:
        rooms = load_rooms(args.data / f for f in CORPORA[kind][0])
        text = {e.id: e.text for events in rooms.values() for e in events}
        ids = sorted({p.question for p in pairs[kind]} | {p.message for p in pairs[kind]})
        vectors = embed(wl, [text[i] for i in ids])
        row = {i: n for n, i in enumerate(ids)}
        pairs[kind] = [dataclasses.replace(p, features=(*p.features, float(
            vectors[row[p.question]] @ vectors[row[p.message]]))) for p in pairs[kind]]
    print("uptake, leave one kind out, AUROC on the left-out kind's report half:")
    for left in FITTED_KINDS:
        train = [[p for p in pairs[k] if half(k, p.room) == "tune"] for k in FITTED_KINDS if k != left]
        test = [p for p in pairs[left] if half(left, p.room) == "report"]
        for name, cut in (("cues", -1), ("cues + similarity", None)):
            tr = [[dataclasses.replace(p, features=p.features[:cut]) for p in g] for g in train]
            te = [dataclasses.replace(p, features=p.features[:cut]) for p in test]
            coef, intercept = _fit_any(up.fit, tr, len(te[0].features))
            scores = [_sigmoid(intercept + sum(c * x for c, x in zip(coef, p.features, strict=True)))
                      for p in te]
            print(f"  {left:<8} {name:<20} {up.auroc(scores, [p.label for p in te]):.3f}")

    # Attacks: + the message's vector.
    rows = {k: at.rows_of(k, args.data, None) for k in at.KINDS}
    for kind, items in rows.items():
        vectors = embed(wl, [r.text for r in items])
        rows[kind] = [dataclasses.replace(r, features=(*r.features, *map(float, v)))
                      for r, v in zip(items, vectors, strict=True)]
    n = len(at.FEATURES)
    print("attacks, leave one kind out, AUROC on the left-out kind's report half:")
    for left in at.LABELLED:
        train = [[r for r in rows[k] if r.half == "tune"] for k in at.KINDS if k != left]
        test = [r for r in rows[left] if r.half == "report"]
        for name, cut in (("cues", n), ("cues + vector", None)):
            tr = [[dataclasses.replace(r, features=r.features[:cut]) for r in g] for g in train]
            te = [dataclasses.replace(r, features=r.features[:cut]) for r in test]
            coef, intercept = _fit_any(at.fit, tr, len(te[0].features))
            scores = [_sigmoid(intercept + sum(c * x for c, x in zip(coef, r.features, strict=True)))
                      if r.passes else 0.0 for r in te]
            print(f"  {left:<12} {name:<16} {at.auroc(scores, [r.attack for r in te]):.3f}")
    sample = [r.text for k in at.KINDS for r in rows[k][:500]]
    print(f"WordLlama l2_supercat, one message a call: {cost(wl, sample):.1f} µs a message "
          f"({len(sample)} messages, best of 3)")
    return 0


def _fit_any(fit, groups, width):  # type: ignore[no-untyped-def]
    """The training scripts' `fit`, on feature vectors of any width (their FEATURES checks
    only guard the shipped files; a fit is a fit)."""
    module = sys.modules[fit.__module__]
    saved = module.FEATURES
    module.FEATURES = tuple(f"x{i}" for i in range(width))
    try:
        return fit(groups)
    finally:
        module.FEATURES = saved


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


if __name__ == "__main__":
    raise SystemExit(main())
