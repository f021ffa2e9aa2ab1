"""What the fitted readers' training scripts share (`scripts/train_uptake.py`,
`scripts/train_attacks.py`, `scripts/train_verdicts.py`, `scripts/train_claim_kinds.py`): their
command line, the data check, the weighted logistic fit on standardised features, AUROC, the
text of a weights file, and for the readers of the bot's own sentences their labelled lines,
the members' names in them, their embeddings and grouped folds.

numpy and scikit-learn (the `train` extra) are imported only where a fit or an AUROC needs
them: the scripts import, and answer `--help`, without them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Collection, Iterable
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


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


# A capitalised word (not inside a word or after an apostrophe: "Quelqu'un" is no name).
_CAPITAL = re.compile(r"(?<![\w'’])[A-ZÀ-Ý][a-zà-ÿ]+")
# Where a sentence begins: a text's start, or after its end or an opening mark, a quote aside
# (after a colon or a dash a capitalised word is most often a name: "Recap: Julia takes…").
_OPENING = re.compile(r"(?:^|[.!?¿¡]\s*)[\"“'«„]?\s*$")
# A word that opens a sentence is a name only by its use, as the words check reads the bot's
# own (policies/facts.py): someone addressed ("Lena, …"), owning something ("Lena's"), or
# joined to another name ("Lena and Ana …", "Lena y Ana", "Lena et Ana", "Lena und Ana").
_NAME_USE = re.compile(r"(?:\s*,|'s\b|\s+(?:and|&|y|e|et|und|en)\s+[A-ZÀ-Ý])")


def members_in(rows: list[dict[str, Any]], not_names: Collection[str] = ()) -> set[str]:
    """The members' names in labelled or fresh lines, read as the stand-in as at runtime: the
    one name finding of every training script. A row's own `members` list where it has one;
    else, outside German (where every noun is capitalised), a capitalised word that no row
    writes in lower case — compared as the stand-in replaces names, accents and case aside
    ("Qué" is no name where "que" is written) — and that, where it opens a sentence, is used
    as a name ("Hay", "Resumen", "Quick" open sentences; "Lena, could you" speaks to Lena).
    `not_names`: capitalised words a set uses that are no members (places, days)."""
    from facilitator.reading.intent import _fold

    def folded(word: str) -> str:
        return "".join(_fold(c) for c in word).lower()

    listed = {n for r in rows for n in r.get("members", ())}
    lower = {folded(w) for r in rows for w in re.findall(r"\b[a-zà-ÿ]+\b", r["text"])}
    guessed = {m.group() for r in rows if r["lang"] != "de" and "members" not in r
               for m in _CAPITAL.finditer(r["text"])
               if folded(m.group()) not in lower
               and (not _OPENING.search(r["text"][:m.start()])
                    or _NAME_USE.match(r["text"], m.end()))}
    return listed | (guessed - set(not_names))


def verdicts_as_checked(rows: list[dict[str, Any]], names: set[str], *, fitted: bool = True,
                        weights: Any = None) -> dict[str, tuple[int, int, int, int]]:
    """Per language of whole messages (`rows`: text, lang, label "verdict" or not), as the words
    check reads a verdict on a member (`fitted`: by structure and meaning, else by the English
    structure alone, as before issue 23): (verdicts caught, verdicts, other messages refused,
    other messages)."""
    from facilitator.policies.facts import _judged
    from facilitator.reading.clauses import sentences, unquoted
    from facilitator.reading.language import detect_language
    from facilitator.reading.requests import fault_in, verdict_in
    from facilitator.reading.verdicts import passes_verdict

    counts: dict[str, list[int]] = {}
    for r in rows:
        bare = unquoted(r["text"])
        english = detect_language(bare).code == "en"
        said = False
        for s in sentences(bare):
            structural = english and bool(verdict_in(s, names, also=_judged))
            fault = english and bool(fault_in(s, names))
            said = said or (passes_verdict(s, names, english=english, structural=structural,
                                           fault=fault, weights=weights)
                            if fitted else structural)
        c = counts.setdefault(r["lang"], [0, 0, 0, 0])
        verdict = r["label"] == "verdict"
        c[0 if verdict else 2] += said
        c[1 if verdict else 3] += 1
    return {lang: (c[0], c[1], c[2], c[3]) for lang, c in counts.items()}


def sentence_vectors(texts: list[str], names: set[str]) -> Any:
    """The rows' embeddings as the bot's own sentences are embedded at runtime."""
    import numpy as np

    from facilitator.reading.intent import embed
    from facilitator.reading.verdicts import sentence_text

    return np.asarray(embed([sentence_text(t, names) for t in texts]))


def grouped_folds(groups: list[str], folds: int = 5) -> list[int]:
    """Each row's fold: a line and its translations (one group) always in the same fold."""
    order = list(dict.fromkeys(groups))
    fold = {g: i % folds for i, g in enumerate(order)}
    return [fold[g] for g in groups]
