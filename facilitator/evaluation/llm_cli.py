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
import os
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
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACILITATOR_LLM_CASSETTE")}
    try:
        settings = with_llm(args, settings)
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
