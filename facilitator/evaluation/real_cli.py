"""`facilitator eval real`: the command line (standard library only: `--help` imports this).

    facilitator eval real [--split report|tune|all] [--corpus NAME ...] [--sample N]
                          [--rooms N] [--jobs N] [--data DIR] [--llm PROVIDER:MODEL]
                          [--more MOVE ...] [--seed N] [--json FILE] [--markdown FILE]
                          [--blind DIR]

The work is in facilitator.evaluation.real; this only wires the arguments.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from facilitator.config import Settings

KIND_CHOICES = ("irc", "slack", "meetings", "committee", "product", "academic", "github",
                "wikitactics")



def invoked_as(dataset: str) -> str:
    """The `facilitator eval DATASET …` command line as typed, for a blind sample to say how it
    was drawn (the bare command when run another way, e.g. from a test)."""
    prefix = f"facilitator eval {dataset}"
    return f"{prefix} {' '.join(sys.argv[3:])}" if sys.argv[1:3] == ["eval", dataset] else prefix

def add_real_parser(sub: Any) -> argparse.ArgumentParser:
    from facilitator.evaluation.cli import add_llm_option

    r = sub.add_parser(
        "real", help="every kind of real room in ../shared/data, per kind and per move",
        description="Replay every real corpus through the bot and report, per kind of room and "
                    "per move: turns per 100 messages, surfaced questions already taken up, "
                    "de-escalations after civil comments, attacks answered (and framed as "
                    "mutual), moves next to a chair's, and a fixed-seed sample of turns.")
    r.add_argument("--split", choices=["report", "tune", "all"], default="report",
                   help="the REPORT rooms (default), the TUNE rooms, or both side by side")
    r.add_argument("--corpus", action="append", metavar="NAME",
                   help=f"only these kinds ({', '.join(KIND_CHOICES)}; repeat or "
                        "comma-separate; default: all)")
    r.add_argument("--sample", type=int, metavar="N",
                   help="print N turns per kind with the 6 messages before each (fixed seed; "
                        "the JSON always holds 5 per kind, or N)")
    r.add_argument("--rooms", type=int, metavar="N",
                   help="only the first N rooms of each part of each kind (a quick look)")
    r.add_argument("--jobs", type=int, default=4, metavar="N",
                   help="rooms run side by side (they share nothing; default 4)")
    r.add_argument("--data", metavar="DIR", type=Path,
                   help="the data folder (default: ../shared/data, or FACILITATOR_SHARED_DATA)")
    r.add_argument("--more", action="append", metavar="MOVE", default=[],
                   help="turn a move on in every room, as `/facilitator more MOVE` would "
                        "(repeat or comma-separate), to measure and judge a move that is off "
                        "by default")
    r.add_argument("--seed", type=int, metavar="N",
                   help="the sample's seed (default: the evaluation's fixed seed); a new seed "
                        "draws a fresh sample for a new round of judging")
    add_llm_option(r)
    r.add_argument("--json", metavar="FILE", help="write the figures as JSON to FILE")
    r.add_argument("--markdown", metavar="FILE",
                   help="write the per-kind table as Markdown to FILE (figures only)")
    r.add_argument("--blind", metavar="DIR", type=Path,
                   help="write DIR/sample-<kind>.json for blind judging (JUDGING.md): the "
                        "REPORT part's sampled turns (the TUNE part's with --split tune), "
                        "each with the six messages before it and the bot's text only; the "
                        "key (move, room, flags) stays in --json")
    r.set_defaults(func=cmd_real)
    return r


async def cmd_real(args: argparse.Namespace, settings: Settings) -> int:
    from facilitator.evaluation.cli import _console, _write_json, with_llm
    from facilitator.evaluation.irc import build_engine
    from facilitator.evaluation.real import (
        DEFAULT_SAMPLE,
        SAMPLE_SEED,
        chosen_kinds,
        chosen_moves,
        evaluate_real,
        print_real,
        write_blind,
        write_markdown,
    )
    from facilitator.evaluation.wikitactics import shared_data_dir
    from facilitator.memory.store import open_store

    try:
        settings = with_llm(args, settings)
        kinds = chosen_kinds(args.corpus)
        more = chosen_moves(args.more)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    folder = args.data if args.data is not None else shared_data_dir(settings.shared_data)
    if not folder.is_dir():
        print(f"{folder} not found: pass --data DIR or set FACILITATOR_SHARED_DATA to the "
              "shared data folder", file=sys.stderr)
        return 2
    started = time.perf_counter()
    async with open_store(settings) as store:
        report = await evaluate_real(
            build_engine(store, settings), folder, split=args.split, kinds=kinds,
            rooms=args.rooms, sample=DEFAULT_SAMPLE if args.sample is None else args.sample,
            jobs=args.jobs, bot_name=settings.bot_name, more=more,
            seed=SAMPLE_SEED if args.seed is None else args.seed)
    report.update(policy=settings.llm, data=str(folder),
                  seconds=round(time.perf_counter() - started, 1))
    if not report["files"]:
        print(f"no corpus of {', '.join(kinds)} in {folder}", file=sys.stderr)
        return 2
    print_real(_console(), report, sample=bool(args.sample))
    for info in report["files"].values():
        for problem in info["problems"]:
            print(problem, file=sys.stderr)
    if args.json:
        _write_json(args.json, report)
    if args.markdown:
        write_markdown(Path(args.markdown), report)
    if args.blind:
        for path in write_blind(args.blind, report, invoked_as("real")):
            print(f"blind sample: {path}", file=sys.stderr)
    return 0
