"""`facilitator eval`: the scenario suite, and the real-data evaluations `deli` and `wikitactics`;
`facilitator bench`: throughput, latency and cost (facilitator.evaluation.bench).

    facilitator eval [--suite DIR] [--policy rules,llm,always,mention-only] [--fake-llm]
                     [--llm PROVIDER:MODEL] [--json FILE] [--plots DIR]
    facilitator eval deli [--deli-dir DIR] [--limit N] [--llm PROVIDER:MODEL] [--json FILE]
    facilitator eval wikitactics [--data PATH] [--llm PROVIDER:MODEL] [--json FILE]
    facilitator eval real [--split report|tune|all] [--corpus NAME] [--sample N] [--json FILE]
    facilitator eval irc [--data PATH] [--links PATH] [--split tune|report|all] [--rooms N]
                         [--limit N] [--sample N] [--llm PROVIDER:MODEL] [--json FILE]
    facilitator bench [--events N] [--rooms R] [--workers N] [--llm-latency-ms MS] [--json]

`--llm` (every evaluation takes it: `add_llm_option`, then `with_llm`) measures the LLM path on
the same suite and data as the rules, with the usual keys and OPENAI_BASE_URL from the environment.

Wired into the main command line by `add_eval_parser(subparsers)` and `add_bench_parser`. This
module is imported by `facilitator --help`, so it imports only the standard library at module
level; rich, the settings, the suite and the bench are imported by the command that runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from rich.console import Console

    from facilitator.config import Settings
    from facilitator.engine import Engine

ROW_LABELS = [
    ("speak_precision", "speak precision", "{:.2f}"),
    ("speak_recall", "speak recall", "{:.2f}"),
    ("speak_f1", "speak F1", "{:.2f}"),
    ("missed_intervention_rate", "missed interventions", "{:.0%}"),
    ("wrongful_interruption_rate", "wrongful interruptions", "{:.0%}"),
    ("capture_resistance", "capture resistance", "{:.0%}"),
    ("bot_share", "bot share of messages", "{:.1%}"),
    ("gini_with_bot", "participation Gini, with bot", "{:.3f}"),
    ("gini_without_bot", "participation Gini, no bot", "{:.3f}"),
    ("gini_dominated_with_bot", "  … dominated rooms, with bot", "{:.3f}"),
    ("gini_dominated_without_bot", "  … dominated rooms, no bot", "{:.3f}"),
    ("llm_calls_per_message", "LLM calls per message", "{:.3f}"),
    ("latency_p50_ms", "latency per event p50 (ms)", "{:.2f}"),
    ("latency_p99_ms", "latency per event p99 (ms)", "{:.2f}"),
    ("words_true_rate", "bot turns with words true to the room", "{:.0%}"),
    ("scenarios_passed", "scenarios passed", "{:.0f}"),
]
JSON_KEYS = ("speak_precision", "speak_recall", "speak_f1", "missed_intervention_rate",
             "wrongful_interruption_rate", "bot_share", "gini_with_bot", "gini_without_bot",
             "capture_resistance", "llm_calls_per_message")


def add_llm_option(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """`--llm PROVIDER:MODEL`, the same on `eval` and each of its data sets.

    On a sub-command the default is SUPPRESS, so `eval --llm X deli` and `eval deli --llm X`
    both work and neither resets the other.
    """
    parser.add_argument(
        "--llm", metavar="PROVIDER:MODEL", default=None if top else argparse.SUPPRESS,
        help="evaluate with this LLM instead of FACILITATOR_LLM: openai:MODEL (OPENAI_API_KEY, "
             "or OPENAI_BASE_URL for a local server), anthropic:MODEL, or rules")


def with_llm(args: argparse.Namespace, settings: Settings) -> Settings:
    """The settings with `--llm` applied (checked like FACILITATOR_LLM)."""
    spec = getattr(args, "llm", None)
    if not spec:
        return settings
    from facilitator.policies.llm.factory import SPEC_HELP

    kind, sep, model = spec.strip().partition(":")
    if spec.strip().lower() != "rules" and (not sep or kind.lower() not in ("openai", "anthropic")
                                            or not model.strip()):
        raise ValueError(f"--llm {spec!r}: {SPEC_HELP}")
    return settings.model_copy(update={"llm": spec.strip()})


def add_eval_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "eval", help="evaluate the bot: the scenario suite, or real data (deli, wikitactics)",
        description="Run the scenario suite with several policies side by side and score what "
                    "the bot does against each scenario's checkpoints.")
    p.add_argument("--suite", metavar="DIR", help="folder of scenario YAML files "
                   "(default: the built-in suite)")
    p.add_argument("--policy", action="append", metavar="NAME",
                   help="rules, llm, always, mention-only (repeat or comma-separate; default: "
                        "all four; llm and always need an LLM or --fake-llm)")
    p.add_argument("--fake-llm", action="store_true",
                   help="offline: run llm and always with an instant fake LLM")
    add_llm_option(p, top=True)
    p.add_argument("--json", metavar="FILE", help="write the figures as JSON to FILE")
    p.add_argument("--plots", metavar="DIR", default="eval-plots",
                   help="folder for the PNG plots (default: ./eval-plots)")
    p.add_argument("--details", action="store_true",
                   help="list every scenario's result, not only the failures")
    p.set_defaults(func=cmd_eval)
    sub = p.add_subparsers(dest="dataset", metavar="{deli,wikitactics,irc,real,cassette,judge}")

    d = sub.add_parser("deli", help="DeliData: bot moments vs members' own moderation")
    d.add_argument("--deli-dir", metavar="DIR", type=Path,
                   help="the delidata_corpus folder (default: from an installed delitoolkit)")
    d.add_argument("--limit", type=int, metavar="N", help="only the first N groups")
    d.add_argument("--json", metavar="FILE", help="write the figures as JSON to FILE")
    d.add_argument("--more", action="append", metavar="MOVE", default=[],
                   help="turn a move on in every group, as `/facilitator more MOVE` would "
                        "(repeat or comma-separate), to measure and judge a move that is off")
    d.add_argument("--split", choices=("tune", "report"), default="tune",
                   help="the half of the groups the sample is drawn from (default: tune)")
    d.add_argument("--sample", type=int, default=0, metavar="N",
                   help="draw N of the bot's turns from that half (fixed seed; in the JSON)")
    d.add_argument("--seed", type=int, default=11, metavar="N", help="the sample's seed")
    d.add_argument("--blind", metavar="DIR", type=Path,
                   help="write DIR/sample-deli.json for blind judging (JUDGING.md): each "
                        "sampled turn with the six messages before it and the bot's text only")
    add_llm_option(d)
    d.set_defaults(func=cmd_deli)

    w = sub.add_parser("wikitactics", help="WikiTactics: AUROC of tension against escalation")
    w.add_argument("--data", metavar="PATH", type=Path,
                   help="wikitactics-train.jsonl or its folder (default: ../shared/data, or "
                        "FACILITATOR_SHARED_DATA)")
    w.add_argument("--json", metavar="FILE", help="write the figures as JSON to FILE")
    add_llm_option(w)
    w.set_defaults(func=cmd_wikitactics)

    i = sub.add_parser("irc", help="Ubuntu IRC: how often the bot speaks in a busy support "
                                   "channel, and whether its turns were needed (gold reply links)")
    i.add_argument("--data", metavar="PATH", type=Path,
                   help="ubuntu-irc-train.jsonl or its folder (default: ../shared/data, or "
                        "FACILITATOR_SHARED_DATA)")
    i.add_argument("--links", metavar="PATH", type=Path,
                   help="the gold reply links (default: the .links.json beside --data)")
    i.add_argument("--split", choices=["tune", "report", "all"], default="all",
                   help="rooms to run: the part to tune on, the part only to report on, or "
                        "both, shown side by side (default: all)")
    i.add_argument("--rooms", type=int, metavar="N", help="only the first N rooms of each part")
    i.add_argument("--limit", type=int, metavar="N", help="only the first N events of each room")
    i.add_argument("--sample", type=int, metavar="N",
                   help="print N of the bot's turns with the 5 messages before each "
                        "(the JSON always holds 25, or N)")
    add_llm_option(i)
    i.add_argument("--jobs", type=int, default=4, metavar="N",
                   help="rooms run side by side (they share nothing; default 4)")
    i.add_argument("--json", metavar="FILE", help="write the figures as JSON to FILE")
    i.set_defaults(func=cmd_irc)
    from facilitator.evaluation.llm_cli import add_llm_parsers  # standard library only
    from facilitator.evaluation.real_cli import add_real_parser  # standard library only

    add_real_parser(sub)
    add_llm_parsers(sub)
    return p


def add_bench_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "bench", help="throughput, latency and cost: the policy beside the always-LLM peer",
        description="Generated busy-room traffic through the engine on the real store: "
                    "wall-clock throughput with one lane per room and an LLM fake that waits "
                    "like a hosted model, LLM calls and LLM-seconds per 1,000 messages, and "
                    "the service time per event.")
    p.add_argument("--events", type=int, default=5000, metavar="N", help="events (default 5000)")
    p.add_argument("--rooms", type=int, default=20, metavar="R", help="rooms (default 20)")
    p.add_argument("--seed", type=int, default=1, help="traffic seed (default 1)")
    p.add_argument("--llm-latency-ms", type=float, default=None, metavar="MS",
                   help="median wait of the fake LLM per call (default 776: the published "
                        "median latency of GPT-4o-mini; 0 answers at once)")
    p.add_argument("--peer-events", type=int, default=None, metavar="N",
                   help="events for the LLM-bound always peer (default 25 per room)")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="worker processes sharing one store for the throughput passes "
                        "(default 1: this process)")
    p.add_argument("--batch", type=int, default=1, metavar="N",
                   help="hand the engine up to N of a room's waiting events at once "
                        "(one load and one save for them; default 1)")
    p.add_argument("--json", action="store_true", help="print the JSON on stdout")
    p.set_defaults(func=cmd_bench)
    return p


async def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    # The bench (and the engine and policy it drives) is imported only when it runs.
    from facilitator.evaluation import bench

    if args.llm_latency_ms is None:
        args.llm_latency_ms = bench.PUBLISHED_MEDIAN_LATENCY_MS
    return await bench.cmd_bench(args, settings)


def _console() -> Console:
    """Wide enough for the tables when the output is a file or a pipe."""
    from rich.console import Console

    return Console(highlight=False, width=None if sys.stdout.isatty() else 130)


def _policies(values: list[str] | None) -> list[str]:
    from facilitator.evaluation.suite import POLICY_NAMES

    if not values:
        return list(POLICY_NAMES)
    names: list[str] = []
    for value in values:
        for name in value.split(","):
            name = name.strip()
            if name and name not in names:
                names.append(name)
    return names


def _write_json(path: str, data: Any) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _round(data: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in data.items()}


async def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console

    from facilitator.evaluation.suite import DEFAULT_SUITE, build_specs, load_suite, run_suite
    from facilitator.memory.store import open_store
    from facilitator.sim.scenario import ScenarioError

    console = _console()
    # soft_wrap: an error names a file, and a hard wrap at 80 columns cuts its path in two.
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        settings = with_llm(args, settings)
        scenarios = load_suite(Path(args.suite) if args.suite else DEFAULT_SUITE)
        specs = build_specs(_policies(args.policy), settings, fake_llm=args.fake_llm)
    except (ScenarioError, ValueError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        return 1
    async with open_store(settings) as store:
        suite = await run_suite(store, scenarios, specs)
    ran = [s.name for s in specs if not s.skipped]
    if not ran:
        err.print("[red]error:[/red] no policy could run")
        return 1
    main = "rules" if "rules" in ran else ran[0]
    metrics = {name: suite.metrics(name) for name in ran}
    shown = {(f"{s.name} (fake LLM)" if "fake" in s.note else s.name): metrics[s.name]
             for s in specs if not s.skipped}
    plots = _plots(suite, shown, Path(args.plots), main)
    _print_eval(console, suite, metrics, specs, main, details=args.details)
    llm_paths = {s.name: _llm_metrics(s.policy) for s in specs if _llm_metrics(s.policy)}
    for name, m in llm_paths.items():
        console.print(f"[dim]{name} via {m['provider']} ({m['json_mode'] or 'tool use'}): "
                      f"{m['ok_total']} good calls, {m['failures_total']} failed, "
                      f"{m['rejected_total']} answers refused, {m['fallbacks_total']} moments "
                      f"decided by the offline rules, breaker opened {m['breaker_opened_total']}×"
                      "[/dim]")
    console.print(f"[dim]{len(scenarios)} scenarios × {len(ran)} policies (+ no-bot baseline) "
                  f"in {suite.seconds:.1f} s · plots: {', '.join(str(p) for p in plots)}[/dim]")
    if args.json:
        _write_json(args.json, {
            "scenarios": len(scenarios),
            "metrics_policy": main,
            "metrics": _round({k: metrics[main][k] for k in JSON_KEYS}
                              | {k: v for k, v in metrics[main].items() if k not in JSON_KEYS}),
            "plots": [str(p) for p in plots],
            "policies": {s.name: ({"skipped": True, "note": s.note} if s.skipped else
                                  {"skipped": False, "note": s.note,
                                   "metrics": _round(metrics[s.name]),
                                   "llm": _llm_metrics(s.policy)}) for s in specs},
            "results": [
                {"scenario": run.path.name, "title": run.scenario.title, "policy": name,
                 "tags": run.scenario.tags, "passed": run.score.passed,
                 "bot_turns": run.score.bot_turns, "tp": run.score.tp, "fp": run.score.fp,
                 "missed": run.score.missed, "silence_violated": run.score.violated,
                 "problems": run.score.problems,
                 "interventions": [t.intervention for t in run.result.turns if t.bot],
                 "words_failed": [w.as_json() for w in run.words if not w.ok]}
                for name, runs in suite.runs.items() for run in runs],
            "seconds": round(suite.seconds, 2),
        })
    return 0


def _llm_metrics(policy: Any) -> dict[str, Any]:
    """The LLM path's counters (calls, failures, fallbacks to the rules) of a facilitator policy."""
    read = getattr(policy, "llm_metrics", None)
    return read() if callable(read) else {}


def _plots(suite: Any, metrics: dict[str, dict[str, float]], folder: Path,
           main: str) -> list[Path]:
    from facilitator.evaluation.plots import comparison_plot, participation_plot, tension_plot
    from facilitator.policies.gate import PROFILES

    runs = suite.runs[main]
    out: list[Path] = []
    dominated = [r for r in runs if "dominated" in r.scenario.tags] or runs
    pick = max(dominated, key=lambda r: suite.baseline[str(r.path)].metrics()["gini"])
    out.append(participation_plot(pick.result, suite.baseline[str(pick.path)],
                                  folder / "participation.png"))
    heated = [r for r in runs if "heated" in r.scenario.tags] or runs
    hot = max(heated, key=lambda r: max((t.tension for t in r.result.turns), default=0.0))
    out.append(tension_plot(hot.result, folder / "tension.png",
                            threshold=PROFILES[hot.scenario.activity].tension_at))
    if len(metrics) > 1:
        out.append(comparison_plot(metrics, folder / "policies.png"))
    return out


def _print_eval(console: Console, suite: Any, metrics: dict[str, dict[str, float]],
                specs: list[Any], main: str, *, details: bool) -> None:
    from rich.table import Table

    table = Table(title=f"facilitator eval · {len(suite.scenarios)} scenarios",
                  title_style="bold")
    table.add_column("metric")
    for spec in specs:
        head = spec.name if spec.name != main else f"[bold]{spec.name}[/bold]"
        if spec.skipped:
            head += "\n[dim](skipped)[/dim]"
        elif "fake" in spec.note:
            head += "\n[yellow](fake LLM)[/yellow]"
        table.add_column(head, justify="right")
    for key, label, fmt in ROW_LABELS:
        if not any(key in m for m in metrics.values()):
            continue
        cells = []
        for spec in specs:
            m = metrics.get(spec.name)
            if m is None:
                cells.append("[dim]—[/dim]")
            elif key == "scenarios_passed":
                cells.append(f"{m[key]:.0f}/{len(suite.scenarios)}")
            else:
                cells.append(fmt.format(m.get(key, 0.0)))
        table.add_row(label, *cells)
    console.print(table)
    for spec in specs:
        if spec.skipped:
            console.print(f"[dim]{spec.name}: {spec.note}[/dim]")
        elif "fake" in spec.note:
            console.print(f"[yellow]{spec.name}: {spec.note}: it answers at once (the assessor "
                          "picks the gate's first candidate, the composer keeps the draft), so "
                          "these figures show calls and costs, not a real model's judgement"
                          "[/yellow]")
    for name, named_runs in suite.runs.items():
        untrue = [w for r in named_runs for w in r.words if not w.ok]
        for w in untrue[:5]:
            console.print(f"[yellow]{name}: words not true to the room in {w.room} after "
                          f"{w.event_id} ({w.intervention}): {w.problem} — {w.text[:120]}"
                          "[/yellow]")
        if len(untrue) > 5:
            console.print(f"[yellow]{name}: … and {len(untrue) - 5} more (see --json)[/yellow]")
    runs = suite.runs[main]
    shown = [r for r in runs if details or not r.score.passed]
    if not shown:
        console.print(f"[green]{main}: every scenario passed[/green]")
        return
    per = Table(title=f"{main}: " + ("every scenario" if details else "scenarios that failed"),
                show_lines=False, title_style="bold")
    per.add_column("scenario", no_wrap=True)
    per.add_column("ok", justify="center")
    per.add_column("bot said")
    per.add_column("what went wrong")
    for run in shown:
        said = ", ".join(str(t.intervention) for t in run.result.turns if t.bot) or "—"
        per.add_row(run.path.stem, "[green]✓[/green]" if run.score.passed else "[red]✗[/red]",
                    said, "\n".join(run.score.problems) or "")
    console.print(per)


async def _engine_report(settings: Settings, policy: Any,
                         evaluate: Callable[[Engine], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    """What `evaluate` reports on an engine with `policy` over the settings' store, with the
    policy's name and its LLM figures added."""
    from facilitator.engine import Engine
    from facilitator.memory.store import open_store

    async with open_store(settings) as store:
        engine = Engine(store, policy, bot_id=settings.bot_name,
                        attack_read=settings.attack_read)
        report = await evaluate(engine)
    report["policy"] = settings.llm
    report["llm"] = policy.llm_metrics()
    return report


async def cmd_deli(args: argparse.Namespace, settings: Settings) -> int:
    from rich.table import Table

    from facilitator.evaluation.deli import CorpusMissing, evaluate_deli, find_corpus, write_blind
    from facilitator.evaluation.real import chosen_moves
    from facilitator.evaluation.real_cli import invoked_as
    from facilitator.policies.policy import build_policy

    console = _console()
    try:
        settings = with_llm(args, settings)
        folder = find_corpus(args.deli_dir)
        policy = build_policy(settings)
        more = chosen_moves(args.more)
    except (CorpusMissing, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 2
    report = await _engine_report(settings, policy, lambda engine: evaluate_deli(
        engine, folder, limit=args.limit, more=more, sample=args.sample, part=args.split,
        seed=args.seed))
    table = Table(title=f"DeliData · {report['groups']} groups · {report['messages']} messages",
                  title_style="bold")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("chance", justify="right")
    table.add_row("bot speak moments", str(report["bot_moments"]), "")
    table.add_row("members' Probing/Moderation messages", str(report["moderation_messages"]), "")
    table.add_row(f"precision (±{report['window']} messages)", f"{report['precision']:.3f}",
                  f"{report['chance_precision']:.3f}")
    table.add_row(f"recall (±{report['window']} messages)", f"{report['recall']:.3f}",
                  f"{report['chance_recall']:.3f}")
    for key, label in (("bot_rate_vs_final", "bot rate vs final performance"),
                       ("bot_rate_vs_gain", "bot rate vs performance gain"),
                       ("members_moderation_rate_vs_gain", "members' moderation rate vs gain")):
        c = report["correlation"][key]
        table.add_row(f"{label} (Spearman ρ, p)", f"{c['spearman']:+.3f}", f"p={c['spearman_p']:.3f}")
    terc = report.get("terciles_by_bot_rate") or {}
    if terc:
        table.add_row("gain, groups the bot would join least / most",
                      f"{terc['low']['mean_gain']:+.3f} / {terc['high']['mean_gain']:+.3f}", "")
    console.print(table)
    console.print(f"[dim]interventions: {report['interventions']}[/dim]")
    console.print(f"[dim]performance: {report['performance_field']}[/dim]")
    if args.json:
        _write_json(args.json, report)
    if args.blind:
        print(f"blind sample: {write_blind(args.blind, report, invoked_as('deli'))}",
              file=sys.stderr)
    return 0


async def cmd_wikitactics(args: argparse.Namespace, settings: Settings) -> int:
    from rich.table import Table

    from facilitator.evaluation.wikitactics import evaluate_wikitactics, resolve_paths
    from facilitator.policies.policy import build_policy

    try:
        settings = with_llm(args, settings)
        transcript, labels = resolve_paths(args.data, settings.shared_data)
        policy = build_policy(settings)
    except (FileNotFoundError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 2
    report = await _engine_report(settings, policy, lambda engine: evaluate_wikitactics(
        engine, transcript, labels, bot_name=settings.bot_name))
    console = _console()
    table = Table(title=f"WikiTactics · {report['rooms']} disputes, {report['escalated']} "
                        "escalated", title_style="bold")
    table.add_column("score per room")
    table.add_column("AUROC vs escalation", justify="right")
    table.add_row("highest signals.tension", f"{report['auroc_max_tension']:.3f}")
    table.add_row("mean signals.tension", f"{report['auroc_mean_tension']:.3f}")
    table.add_row("number of de-escalations", f"{report['auroc_deescalations']:.3f}")
    console.print(table)
    if args.json:
        _write_json(args.json, report)
    return 0


async def cmd_irc(args: argparse.Namespace, settings: Settings) -> int:
    import time

    from facilitator.evaluation.irc import (
        build_engine,
        evaluate_irc,
        load_corpus,
        load_links,
        print_irc,
        resolve_paths,
    )
    from facilitator.memory.store import open_store

    try:
        settings = with_llm(args, settings)
        transcript, links_path = resolve_paths(args.data, args.links, settings.shared_data)
        links, bad_links = load_links(links_path)
    except (FileNotFoundError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 2
    started = time.perf_counter()
    corpus = load_corpus(transcript, settings.bot_name)
    async with open_store(settings) as store:
        report = await evaluate_irc(build_engine(store, settings), corpus, links,
                                    split=args.split, rooms=args.rooms, limit=args.limit,
                                    sample=25 if args.sample is None else args.sample,
                                    jobs=args.jobs, bot_name=settings.bot_name)
    report.update(policy=settings.llm, data=str(transcript), links=str(links_path),
                  bad_link_entries=bad_links, seconds=round(time.perf_counter() - started, 1))
    print_irc(_console(), report, sample=bool(args.sample))
    for problem in report["problems"]:
        print(problem, file=sys.stderr)
    if args.json:
        _write_json(args.json, report)
    return 0
