"""`python -m facilitator.evaluation eval ...`: the eval command without the main CLI.

The same subcommands as `facilitator eval`; useful before the command is wired into
facilitator/cli.py, and for running the evaluation from a checkout.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from facilitator.config import Settings
from facilitator.evaluation.cli import add_eval_parser
from facilitator.memory.server import EmbeddedServerError
from facilitator.memory.store import StoreUnavailable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m facilitator.evaluation")
    sub = parser.add_subparsers(dest="command", required=True)
    add_eval_parser(sub)
    try:
        from facilitator.bench import add_bench_parser
    except ImportError:  # pragma: no cover
        pass
    else:
        add_bench_parser(sub)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    try:
        settings = Settings.from_env(os.environ)
    except ValueError as exc:
        print(f"error: bad configuration: {exc}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(args.func(args, settings))
    except (StoreUnavailable, EmbeddedServerError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
