"""The `facilitator` command line."""

from __future__ import annotations

# Module-level imports stay light: `facilitator --help` must not pay for LangGraph, the LLM and
# chat SDKs, pydantic settings, redis or matplotlib (0.65 s of the old 0.95 s start was the graph).
# Each command imports what it needs; tests/test_cli_startup.py keeps it that way.
import argparse
import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from facilitator.evaluation.cli import add_bench_parser, add_eval_parser

if TYPE_CHECKING:
    from facilitator.config import Settings
    from facilitator.memory.store import RoomStore

log = logging.getLogger("facilitator")
REPLAY_FAILED = 3  # exit status of `replay` when failed_events > 0 (2 is bad configuration)


def _write_json(path: str, data: Any) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


async def cmd_simulate(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console

    from facilitator.engine import Engine
    from facilitator.memory.store import open_store
    from facilitator.policies.policy import build_policy
    from facilitator.sim.render import ChatPrinter, print_metrics
    from facilitator.sim.scenario import ScenarioError, load_scenario
    from facilitator.sim.simulate import SilentPolicy, Simulation, members_voice

    try:
        scenario = load_scenario(Path(args.scenario))
        members = members_voice(args.members, args.members_llm or settings.llm, settings.llm_env(),
                                timeout_s=settings.llm_timeout_s)
    except (ScenarioError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 1
    console = Console(stderr=False, highlight=False)
    try:
        async with open_store(settings) as store:
            policy = SilentPolicy() if args.no_bot else build_policy(settings)
            engine = Engine(store, policy, bot_id=scenario.bot_name,
                            attack_read=settings.attack_read)
            console.rule(f"[bold]{scenario.title}[/bold]" + ("  (no bot)" if args.no_bot else ""))
            if scenario.goal:
                console.print(f"[dim]goal: {scenario.goal}[/dim]")
            printer = None if args.quiet else ChatPrinter(console)
            simulation = Simulation(scenario, engine, bot=not args.no_bot, members=members)
            result = await simulation.run(printer)
            print_metrics(console, scenario.title, result.metrics(), not args.no_bot)
            if members is not None:
                console.print(f"[dim]members played by {members.provider.name}: {members.lines} "
                              f"lines from the model, {members.fallbacks} kept scripted[/dim]")
            if args.json:
                _write_json(args.json, result.to_json())
            if args.page is not None:  # the room's page, from the same store, before it goes
                return await _room_page(store, simulation.room.key, args.page or None, settings)
    finally:
        if members is not None:
            await members.provider.aclose()
    return 0


async def _room_page(store: RoomStore, room_key: str, path: str | None, settings: Settings) -> int:
    """The room's page without a workspace: written to `path`, or served on 127.0.0.1 (the
    port of FACILITATOR_HTTP_PORT; 0 picks a free one) until Ctrl-C or SIGTERM."""
    import asyncio
    import signal

    from facilitator.web.preview import serve_preview, write_preview

    state = await store.get(room_key)
    if state is None:
        print(f"error: no room {room_key!r} to show", file=sys.stderr)
        return 1
    if path is not None:
        try:
            await asyncio.to_thread(write_preview, state, Path(path),
                                    retention_days=settings.retention_days)
        except OSError as exc:
            print(f"error: cannot write the page to {path}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(f"the room's page: {path}", file=sys.stderr)
        return 0
    try:
        preview = await serve_preview(store, room_key, port=settings.http_port,
                                      retention_days=settings.retention_days)
    except OSError as exc:
        print(f"error: cannot serve the page on 127.0.0.1:{settings.http_port} "
              f"(FACILITATOR_HTTP_PORT): {exc.strerror or exc}", file=sys.stderr)
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print(f"the room's page: {preview.url}  (served until Ctrl-C)", file=sys.stderr, flush=True)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await preview.stop()
    return 0


async def cmd_replay(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console

    from facilitator.engine import Engine
    from facilitator.memory.store import open_store
    from facilitator.policies.policy import build_policy
    from facilitator.sim.replay import replay

    paths = [Path(p) for p in args.transcripts]
    out = sys.stdout
    console = Console(highlight=False)
    first = True

    # Each step is written as it is decided and then dropped: memory stays flat in the number
    # of events. `--json` writes the same bytes as json.dump of the whole report would.
    def step_json(step: dict[str, Any]) -> None:
        nonlocal first
        out.write(("" if first else ", ") + json.dumps(step, ensure_ascii=False))
        first = False

    def step_jsonl(step: dict[str, Any]) -> None:
        out.write(json.dumps(step, ensure_ascii=False) + "\n")

    def step_text(step: dict[str, Any]) -> None:
        if step["speak"]:
            console.print(f"[bold]{step['room']}[/bold] after {step['id']}: "
                          f"[magenta]{step['intervention']}[/magenta] — {step['text']}")

    async with open_store(settings) as store:
        engine = Engine(store, build_policy(settings), bot_id=settings.bot_name,
                        attack_read=settings.attack_read)
        if args.json:
            out.write('{"steps": [')
        on_step = step_json if args.json else step_jsonl if args.jsonl else step_text
        report = await replay(engine, paths, bot_name=settings.bot_name,
                              with_state=args.with_state, on_step=on_step)
        del report["steps"]
        failed = int(report["summary"]["failed_events"])
        if args.json:
            out.write("], " + json.dumps(report, ensure_ascii=False)[1:] + "\n")
        elif args.jsonl:
            out.write(json.dumps(report, ensure_ascii=False) + "\n")
        else:
            console.print(report["summary"])
        out.flush()
        if args.page is not None:
            from facilitator.events import RoomRef

            code = await _room_page(store, RoomRef.local(args.page).key, args.page_file, settings)
            if code:
                return code
    # DESIGN.md: non-zero when some accepted events could not be processed.
    return REPLAY_FAILED if failed else 0


async def _durable(settings: Settings,
                   work: Callable[[RoomStore], Awaitable[int]]) -> int:
    from facilitator.memory.store import open_store

    async with open_store(settings, durable=True) as store:
        return await work(store)


def _resolve_room(name: str, known: list[str]) -> str | None:
    """A room by its full key, or a local room by its bare name."""
    for candidate in (name, f"local:{name}"):
        if candidate in known:
            return candidate
    return None


async def cmd_room(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console

    from facilitator.memory.store import RoomQuarantined
    from facilitator.policies.readout import status_text

    async def work(store: RoomStore) -> int:
        known = await store.rooms()
        if args.action == "list":
            for room_key in known:
                print(room_key)
            return 0
        room_key = _resolve_room(args.room, known)
        if args.action == "reset":
            return await _reset_room(store, room_key or args.room, args.save_to, yes=args.yes,
                                     known=len(known))
        try:
            state = await store.get(room_key) if room_key else None
        except RoomQuarantined as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        if state is None:
            print(f"no room {args.room!r} in the store ({len(known)} rooms known; "
                  "`facilitator room list` shows them)", file=sys.stderr)
            return 1
        if args.json:
            print(state.model_dump_json(indent=2))
        else:
            Console(highlight=False).print(f"[bold]{state.room}[/bold]\n{status_text(state)}")
        return 0

    return await _durable(settings, work)


async def _reset_room(store: RoomStore, room_key: str, save_to: str | None, *, yes: bool,
                      known: int) -> int:
    """Start a room afresh: say what goes, ask (unless --yes), save a copy first if asked.

    Any room: a healthy one is saved as its state's JSON (what `room show --json` prints), a
    quarantined one as the unreadable bytes kept aside. Nothing is erased unless the copy
    was written."""
    import asyncio

    from facilitator.memory.store import RoomQuarantined
    from facilitator.policies.readout import messages_phrase

    try:
        state = await store.get(room_key)
        kept = None
    except RoomQuarantined:
        state, kept = None, await store.quarantined_state(room_key)
    if state is None and kept is None:
        print(f"no room {room_key!r} in the store ({known} rooms known; `facilitator room list` "
              "shows them)", file=sys.stderr)
        return 1
    what = (f"its memory ({messages_phrase(state.human_messages).lower()}, "
            f"{len(state.participants)} members, open items, decisions, settings)"
            if state is not None else f"its unreadable state ({len(kept or b'')} bytes)")
    if not yes and not _confirm(f"Reset room {room_key}? This erases {what}"
                                + (f"; a copy goes to {save_to} first" if save_to else
                                   "; --save-to FILE keeps a copy") + ". [y/N] "):
        print(f"room {room_key} left as it was (answer y, or pass --yes, to reset it)",
              file=sys.stderr)
        return 1
    if save_to:
        data = kept if kept is not None else (state.model_dump_json(indent=2) + "\n").encode()
        try:
            await asyncio.to_thread(_write_new, Path(save_to), data)
        except OSError as exc:
            print(f"error: cannot save room {room_key} to {save_to}: {exc.strerror or exc}; "
                  "nothing was erased", file=sys.stderr)
            return 1
    await store.reset(room_key)
    print(f"room {room_key} reset: {what} " + (f"saved to {save_to}" if save_to else "erased"))
    return 0


def _confirm(question: str) -> bool:
    """Ask on stderr, read the answer from stdin (no answer, or end of input, is no)."""
    sys.stderr.write(question)
    sys.stderr.flush()
    answer = sys.stdin.readline() if sys.stdin is not None else ""
    return answer.strip().lower() in ("y", "yes")


def _write_new(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


async def cmd_forget(args: argparse.Namespace, settings: Settings) -> int:
    from facilitator.memory.trackers import forget_member

    async def work(store: RoomStore) -> int:
        touched = await store.forget(args.user, forget_member)
        print(f"forgot {args.user!r} in {touched} room(s)")
        return 0

    return await _durable(settings, work)


async def cmd_intake(args: argparse.Namespace, settings: Settings) -> int:
    from facilitator.intake.dead import DeadLetters, dead_command
    from facilitator.intake.streams import IntakeConfig

    config = IntakeConfig.from_settings(settings)  # checked with every other setting

    async def work(store: RoomStore) -> int:
        dead = DeadLetters(store.client, platform=args.platform, shards=config.shards,
                           maxlen=config.maxlen)
        code, lines = await dead_command(dead, args.action, args.id, every=args.all,
                                         as_json=args.json)
        for line in lines:
            print(line, file=sys.stdout if code == 0 else sys.stderr)
        return code

    return await _durable(settings, work)


async def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from facilitator.policies.llm.check import preflight

    problem = await preflight(settings)  # a broken LLM setup refuses to start, in one line
    if problem:
        print(f"error: LLM check failed: {problem}", file=sys.stderr)
        return 2
    if args.platform == "slack":
        from facilitator.adapters.slack.runner import run_slack

        return await run_slack(args, settings)
    from facilitator.adapters.discord.runner import run_discord

    return await run_discord(args, settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="facilitator",
        description="A facilitator bot for group chats: it serves the group, not one member.")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="log more (-v info, -vv debug) to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("simulate", help="run a simulated group chat from a scenario file")
    p.add_argument("scenario")
    p.add_argument("--no-bot", action="store_true", help="the same scenario without the bot")
    p.add_argument("--json", metavar="FILE", help="write transcript and metrics to FILE")
    p.add_argument("--quiet", action="store_true", help="print only the metrics")
    p.add_argument("--page", nargs="?", const="", metavar="FILE.html",
                   help="then show the room's page: served on 127.0.0.1 until Ctrl-C, or "
                        "written to FILE.html")
    p.add_argument("--members", choices=["script", "llm"], default="script",
                   help="who writes the members' lines: the scenario's script (default), or a "
                        "model playing each persona (FACILITATOR_LLM, or --members-llm)")
    p.add_argument("--members-llm", metavar="PROVIDER:MODEL",
                   help="the model that plays the members (default: FACILITATOR_LLM)")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("replay", help="feed recorded events through the bot")
    p.add_argument("transcripts", nargs="+", metavar="TRANSCRIPT.jsonl")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print the JSON report on stdout")
    fmt.add_argument("--jsonl", action="store_true",
                     help="print one JSON step per line, then a line with the summary")
    p.add_argument("--with-state", action="store_true", help="include each room's final state")
    p.add_argument("--page", metavar="ROOM",
                   help="then show ROOM's page (a room name in the transcript): served on "
                        "127.0.0.1 until Ctrl-C, or written to --page-file")
    p.add_argument("--page-file", metavar="FILE.html", help="with --page: write the page here")
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("room", help="inspect the bot's read of a room")
    room_sub = p.add_subparsers(dest="action", required=True)
    show = room_sub.add_parser("show", help="print a room's state")
    show.add_argument("room")
    show.add_argument("--json", action="store_true")
    room_sub.add_parser("list", help="list known rooms")
    reset = room_sub.add_parser("reset", help="start a room afresh (e.g. after its stored state "
                                "was found unreadable and kept aside)")
    reset.add_argument("room")
    reset.add_argument("--save-to", metavar="FILE",
                       help="first write the room's state to FILE (its JSON, or the unreadable "
                            "bytes kept aside); nothing is erased unless that works")
    reset.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_room)

    p = sub.add_parser("forget", help="remove a person's messages and entries from every room")
    p.add_argument("user", help="the member id as the platform gives it")
    p.set_defaults(func=cmd_forget)

    p = sub.add_parser("intake", help="the streams intake: entries the workers gave up on")
    intake_sub = p.add_subparsers(dest="intake_command", required=True)
    dead = intake_sub.add_parser(
        "dead", help="list, show or re-queue dead letters (events whose attempts all failed)")
    dead.add_argument("action", choices=["list", "show", "requeue"])
    dead.add_argument("id", nargs="?", help="a dead letter as listed (SHARD/ID)")
    dead.add_argument("--platform", choices=["slack", "discord"], default="slack")
    dead.add_argument("--all", action="store_true", help="requeue: every dead letter")
    dead.add_argument("--json", action="store_true", help="list: as one JSON array")
    p.set_defaults(func=cmd_intake)

    add_eval_parser(sub)
    add_bench_parser(sub)

    p = sub.add_parser("run", help="join a real Slack workspace or Discord server")
    p.add_argument("platform", choices=["slack", "discord"])
    p.add_argument("--http", action="store_true", help="Slack: HTTP Events API, not Socket Mode")
    p.add_argument("--port", type=int, default=3000)
    p.set_defaults(func=cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Only past parsing (so never for --help or a usage error): the runtime pieces.
    import asyncio

    from facilitator.config import Settings, SettingsError
    from facilitator.config.redact import install as redact_logs
    from facilitator.config.redact import redact
    from facilitator.memory.server import EmbeddedServerError
    from facilitator.memory.store import StoreUnavailable

    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)]
    logging.basicConfig(level=level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        # The one read of the environment: every setting, checked; each mistake one line.
        settings = Settings.from_env(os.environ)
    except SettingsError as exc:
        for line in exc.lines:
            print(f"error: {redact(line)}", file=sys.stderr)
        return 2
    from facilitator.web.logjson import use_json_logs
    use_json_logs(settings)  # FACILITATOR_LOG_FORMAT=json: one JSON object per line
    redact_logs()
    try:
        return asyncio.run(args.func(args, settings))
    except (StoreUnavailable, EmbeddedServerError) as exc:
        print(f"error: {redact(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
