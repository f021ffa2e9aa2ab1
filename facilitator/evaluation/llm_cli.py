"""`facilitator eval cassette` and `facilitator eval judge`: the command lines (standard library
only at module level: `--help` imports this).

    facilitator eval cassette FILE [--llm PROVIDER:MODEL]
    facilitator eval judge [TRANSCRIPT.jsonl ...] [--replay REPORT.json] --judge PROVIDER:MODEL
                           [--sample N] [--seed S] [--rubric FILE] [--json FILE]

`cassette` answers a cassette's missing requests (FILE.missing.jsonl, written when a replayed
cassette lacked them) with the model named, and appends them to the cassette.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from facilitator.config import Settings


def add_llm_parsers(sub: Any) -> None:
    from facilitator.evaluation.cli import add_llm_option

    c = sub.add_parser(
        "cassette", help="answer a cassette's missing requests with a model",
        description="Answer every request in FILE.missing.jsonl (written when a replayed "
                    "cassette lacked it) with the model --llm or FACILITATOR_LLM names, and "
                    "append the answers to the cassette FILE.")
    c.add_argument("cassette", type=Path, metavar="FILE")
    add_llm_option(c)
    c.set_defaults(func=cmd_cassette)
    add_judge_parser(sub)


def structured_schemas() -> dict[str, Any]:
    """Every structured answer the project asks a model for, by its class name."""
    from facilitator.policies.llm.check import Probe
    from facilitator.policies.llm.choice import Assessment
    from facilitator.policies.llm.intent import RequestJudgement

    schemas: dict[str, Any] = {m.__name__: m for m in (Assessment, Probe, RequestJudgement)}
    try:
        from facilitator.evaluation.judge import JudgeVerdict
    except ImportError:  # the judge comes with the evaluation; nothing else needs it
        return schemas
    schemas[JudgeVerdict.__name__] = JudgeVerdict
    return schemas


async def cmd_cassette(args: argparse.Namespace, settings: Settings) -> int:
    from facilitator.evaluation.cli import with_llm
    from facilitator.policies.llm.cassette import complete, missing_path
    from facilitator.policies.llm.factory import make_provider
    from facilitator.policies.llm.redact import RedactingProvider, redaction_on

    # The model answers directly: no cassette of its own in the way.
    try:
        settings = with_llm(args, settings)
        env = {k: v for k, v in settings.llm_env().items()
               if not k.startswith("FACILITATOR_LLM_CASSETTE")}
        provider = make_provider(settings.llm, env=env, timeout_s=settings.llm_timeout_s)
        masked = redaction_on(env)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    if provider is None:
        print("eval cassette needs a model: --llm PROVIDER:MODEL or FACILITATOR_LLM",
              file=sys.stderr)
        return 2
    if not missing_path(args.cassette).is_file():
        print(f"{missing_path(args.cassette)}: nothing missing", file=sys.stderr)
        await provider.aclose()
        return 0
    answering = RedactingProvider(provider) if masked else provider
    try:
        answered, left = await complete(args.cassette, answering, structured_schemas())
    finally:
        await provider.aclose()
    print(f"{answered} requests answered by {provider.name} and recorded in {args.cassette}; "
          f"{left} still missing")
    return 0 if not left else 1


def add_judge_parser(sub: Any) -> None:
    from facilitator.evaluation.cli import add_llm_option

    j = sub.add_parser(
        "judge", help="a model judges a fixed-seed sample of the bot's turns blind "
                      "(../shared/JUDGING.md)",
        description="Draw a fixed-seed sample of the bot's turns from a replay, spread over "
                    "the kinds of room, and ask a model to judge each blind by the rubric: "
                    "HELPFUL, NEUTRAL, HARMFUL or WRONG-MOMENT. Reports the four counts per "
                    "kind of room.")
    j.add_argument("transcripts", nargs="+", type=Path, metavar="TRANSCRIPT.jsonl",
                   help="the replayed conversations (the judge sees the messages before each "
                        "turn)")
    j.add_argument("--replay", type=Path, metavar="REPORT.json",
                   help="a `facilitator replay --json` report of these transcripts (default: "
                        "replay them now with FACILITATOR_LLM, or --llm)")
    j.add_argument("--judge", required=True, metavar="PROVIDER:MODEL",
                   help="the judging model: openai:MODEL (OPENAI_API_KEY, or OPENAI_BASE_URL "
                        "for a local server) or anthropic:MODEL")
    j.add_argument("--sample", type=int, default=None, metavar="N",
                   help="turns to judge (default 30)")
    j.add_argument("--seed", type=int, default=None, metavar="S", help="sample seed (default 23)")
    j.add_argument("--rubric", type=Path, metavar="FILE",
                   help="the rubric page (default: ../shared/JUDGING.md, or "
                        "FACILITATOR_JUDGING)")
    j.add_argument("--split", choices=["report", "tune", "all"], default="all",
                   help="only rooms of this part of the fixed split (eval real's): judge on "
                        "`report` rooms, never tuned on (default: all rooms given)")
    add_llm_option(j)
    j.add_argument("--json", metavar="FILE", help="write the report and the sample to FILE")
    j.set_defaults(func=cmd_judge)


def find_rubric(given: Path | None, configured: Path | None = None) -> Path:
    if given is not None:
        return given
    if configured is not None:  # FACILITATOR_JUDGING
        return configured
    repo = Path(__file__).resolve().parents[2]
    for candidate in (repo.parent / "shared" / "JUDGING.md", Path.cwd() / "JUDGING.md"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("no rubric: pass --rubric FILE (../shared/JUDGING.md)")


async def cmd_judge(args: argparse.Namespace, settings: Settings) -> int:
    import json
    import shlex

    from facilitator.evaluation.cli import _console, _write_json, with_llm
    from facilitator.evaluation.judge import (
        DEFAULT_SAMPLE,
        DEFAULT_SEED,
        bot_turns,
        draw_sample,
        judge_turns,
        read_rooms,
        summarize,
    )
    from facilitator.policies.llm.stack import provider_from_env

    seed = DEFAULT_SEED if args.seed is None else args.seed
    n = DEFAULT_SAMPLE if args.sample is None else args.sample
    try:
        rubric_path = find_rubric(args.rubric, settings.judging)
        rubric = rubric_path.read_text(encoding="utf-8")
        judge = provider_from_env(args.judge, env=settings.llm_env(),
                                  timeout_s=settings.llm_timeout_s)
        if judge is None:
            raise ValueError("--judge names no model ('rules' cannot judge)")
        settings = with_llm(args, settings)
    except (OSError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        if args.replay is not None:
            report = json.loads(args.replay.read_text(encoding="utf-8"))
        else:
            report = await _replay_now(args.transcripts, settings)
        turns = bot_turns(report, read_rooms(args.transcripts, settings.bot_name))
        if args.split != "all":
            from facilitator.evaluation.real_split import part_of

            turns = [t for t in turns if part_of(t.room) == args.split]
        sample = draw_sample(turns, n, seed)
        await judge_turns(sample, judge, rubric)
    finally:
        await judge.aclose()
    command = shlex.join(["facilitator", "eval", "judge", *map(str, args.transcripts),
                          *(["--replay", str(args.replay)] if args.replay else []),
                          *(["--llm", args.llm] if getattr(args, "llm", None) else []),
                          "--split", args.split, "--judge", args.judge, "--seed", str(seed),
                          "--sample", str(n)])
    out = summarize(sample, seed=seed, command=command, judge=judge.name,
                    rubric=str(rubric_path))
    out["turns_in_replay"] = len(turns)
    _print_judged(_console(), out)
    if args.json:
        _write_json(args.json, out)
    return 0


async def _replay_now(transcripts: list[Path], settings: Settings) -> dict[str, Any]:
    from facilitator.engine import Engine
    from facilitator.memory.store import open_store
    from facilitator.policies.policy import build_policy
    from facilitator.sim.replay import replay

    policy = build_policy(settings)
    async with open_store(settings) as store:
        engine = Engine(store, policy, bot_id=settings.bot_name,
                        attack_read=settings.attack_read)
        return await replay(engine, transcripts, bot_name=settings.bot_name)


def _print_judged(console: Any, out: dict[str, Any]) -> None:
    from rich.table import Table

    from facilitator.evaluation.judge import VERDICTS

    table = Table(title=f"eval judge · {out['judge']} · seed {out['seed']} · "
                        f"{out['sample_size']} of {out.get('turns_in_replay', '?')} turns",
                  title_style="bold")
    table.add_column("kind of room")
    for v in VERDICTS:
        table.add_column(v, justify="right")
    table.add_column("not judged", justify="right")
    for kind, c in out["kinds"].items():
        table.add_row(f"{kind} ({c['room']})", *(str(c[v]) for v in VERDICTS),
                      str(c["not_judged"]))
    table.add_row("[bold]all[/bold]", *(str(out["all"][v]) for v in VERDICTS),
                  str(out["all"]["not_judged"]))
    console.print(table)
    for turn in out["worst"]:
        console.print(f"[bold]{turn['verdict']}[/bold] in {turn['room']} after {turn['after']}: "
                      f"{turn['text']}\n  [dim]context: {' / '.join(turn['context'])[:300]}"
                      f"\n  why: {turn['reason']}[/dim]")
    console.print(f"[dim]{out['command']}[/dim]")
