"""Answers to attacks on the REPORT rooms, with answer_attack turned on, for blind judging.

Every kind's REPORT rooms are replayed as `facilitator eval real` replays them (one
`engine.handle` per event, in order), each room having turned `answer_attack` on (as
`/facilitator more answer_attack` would) and nothing else, with the two-stage attack reader
deciding (FACILITATOR_ATTACK_READ=fitted). Prints, per kind: answers, the
labelled attack comments answered (GitHub and WikiTactics labels, within three messages, as
`eval real` counts them), answers after a comment labelled civil, answers framed as mutual.

Writes (JUDGING.md) `OUT/sample.jsonl`: up to N answers across kinds (all of them if fewer;
else a fixed-seed draw, spread over the kinds), each {"id", "context": the six messages
before as "name: text", "bot"} and nothing else; and `OUT/key.jsonl`: id -> kind, room,
event, the attack reader's probability of the answered message (recomputed on its text with
the room's names so far), and the label of that comment where the corpus has one.

    python scripts/attack_sample.py [--data ../shared/data] [--out judged/attack-answers] [-n 40]
        [--split tune|report] [--corpus KIND ...] [--prefix ID]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from facilitator.config import Settings  # noqa: E402
from facilitator.evaluation.irc import build_engine, run_rooms  # noqa: E402
from facilitator.evaluation.real import (  # noqa: E402
    DATA_FILES,
    KINDS,
    ask_for_more,
    context,
    framed_as_mutual,
    load_labels,
    room_truth,
    score_room,
)
from facilitator.evaluation.wording import report_rooms  # noqa: E402
from facilitator.memory.store import open_store  # noqa: E402
from facilitator.reading.attacks import shipped_attack_reader  # noqa: E402

DATA = REPO.parent / "shared" / "data"
OUT = REPO / "judged" / "attack-answers"
SEED = 19
# What the judge is told of the room besides its messages (as in judged/attack-answers-tune).
ROOM_NAMES = {"github": "heated GitHub issue thread", "wikitactics": "Wikipedia talk-page dispute",
              "irc": "Ubuntu IRC help channel", "slack": "Racket community Slack channel",
              "committee": "parliamentary committee sitting", "product": "product-design meeting",
              "academic": "research-group meeting"}


async def replay(folder: Path, kinds: tuple[str, ...], jobs: int,
                 split: str = "report") -> tuple[list[dict], dict]:
    answers: list[dict] = []
    counts: dict[str, Counter] = {}
    reader = shipped_attack_reader()
    with tempfile.TemporaryDirectory() as tmp:
        # The two-stage attack reader decides.
        settings = Settings(data_dir=Path(tmp) / "data", http_port=0, attack_read="fitted")
        async with open_store(settings) as store:
            engine = build_engine(store, settings)
            for kind in kinds:
                data = next(d for d in DATA_FILES if kind in d.kinds)
                if not (folder / data.file).is_file():
                    continue
                rooms = report_rooms(folder, kind, split=split)
                await ask_for_more(engine, rooms, ["answer_attack"])
                key = load_labels(folder, data)
                ran = await run_rooms(engine, rooms, jobs=jobs)
                c = counts.setdefault(kind, Counter())
                for name, (turns, errors) in ran.items():
                    events = rooms[name]
                    truth = room_truth(name, events, key)
                    scored = score_room(events, turns, truth)
                    c["rooms"] += 1
                    c["messages"] += scored["counts"]["messages"]
                    c["engine_errors"] += errors
                    for k in ("attacks", "attacks_answered", "attacks_answered_mutual",
                              "deescalations", "deescalations_after_civil",
                              "deescalations_after_uncivil"):
                        c[k] += scored["counts"].get(k, 0)
                    ordered = sorted(turns, key=lambda t: t.position)
                    for t, flag in zip(ordered, scored["flags"], strict=True):
                        if t.intervention != "deescalate" or "made it personal" not in t.reason:
                            c["other_turns"] += 1
                            continue
                        c["answers"] += 1
                        c["answers_mutual"] += framed_as_mutual(t)
                        said = events[t.position]
                        names = {(e.author.display or e.author.id).lower(): e.author.id
                                 for e in events[:t.position + 1]}
                        p, _ = reader.assess(said.text, names=names)
                        label = truth.labels.get(said.id) if truth.labels is not None else None
                        answers.append({
                            "kind": kind, "room": name, "event": t.event_id,
                            "context": context(events, t.position), "bot": t.text,
                            "probability": round(p, 4), "after": flag.get("after"),
                            "label": label, "mutual": framed_as_mutual(t),
                            "reason": t.reason})
                print(f"{kind}: {dict(c)}", file=sys.stderr)
    return answers, counts


def draw(answers: list[dict], n: int) -> list[dict]:
    """All answers if there are at most n; else n, spread over the kinds as evenly as the
    kinds allow (round robin over a fixed-seed shuffle of each kind's answers)."""
    if len(answers) <= n:
        return answers
    rng = random.Random(SEED)
    by_kind: dict[str, list[dict]] = {}
    for a in answers:
        by_kind.setdefault(a["kind"], []).append(a)
    for items in by_kind.values():
        rng.shuffle(items)
    out: list[dict] = []
    while len(out) < n:
        for kind in sorted(by_kind):
            if by_kind[kind] and len(out) < n:
                out.append(by_kind[kind].pop())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("-n", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--corpus", action="append", help="only these kinds")
    parser.add_argument("--prefix", default="a", help="the sample ids' prefix")
    parser.add_argument("--split", choices=("tune", "report"), default="report",
                        help="which part's rooms (tune on TUNE, report on REPORT)")
    args = parser.parse_args(argv)
    kinds = tuple(k for k in KINDS if not args.corpus or k in args.corpus)
    answers, counts = asyncio.run(replay(args.data, kinds, args.jobs, args.split))
    print("kind        rooms messages answers per100  labelled attacks answered  answers after civil  "
          "answers framed as mutual")
    for kind, c in counts.items():
        labelled = f"{c['attacks_answered']}/{c['attacks']}" if c["attacks"] else "—"
        civil = (f"{c['deescalations_after_civil']}/{c['deescalations']}"
                 if kind in ("github", "wikitactics") else "—")
        per100 = 100.0 * c["answers"] / c["messages"] if c["messages"] else 0.0
        print(f"{kind:<11} {c['rooms']:>5} {c['messages']:>8} {c['answers']:>7} {per100:>6.2f}  "
              f"{labelled:>25}  {civil:>19}  {c['answers_mutual']:>24}")
    chosen = draw(answers, args.n)
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED + 1)
    rng.shuffle(chosen)  # the judge sees no order by kind
    with (args.out / "sample.jsonl").open("w", encoding="utf-8") as sample, \
            (args.out / "key.jsonl").open("w", encoding="utf-8") as key:
        for i, a in enumerate(chosen, 1):
            ident = f"{args.prefix}{i:02d}"
            sample.write(json.dumps({"id": ident, "room": ROOM_NAMES.get(a["kind"], a["kind"]),
                                     "context": a["context"], "bot": a["bot"]},
                                    ensure_ascii=False) + "\n")
            key.write(json.dumps({"id": ident, "kind": a["kind"], "room": a["room"],
                                  "event": a["event"], "probability": a["probability"],
                                  "after": a["after"], "label": a["label"],
                                  "mutual": a["mutual"], "reason": a["reason"]},
                                 ensure_ascii=False) + "\n")
    print(f"{len(chosen)} of {len(answers)} answers written to {args.out}/sample.jsonl "
          f"(key: {args.out}/key.jsonl)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
