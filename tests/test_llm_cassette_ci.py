"""CI replays a cassette recorded with the real local model through the real SDK
(tests/cassettes/smollm2.jsonl, written by scripts/record_cassette.py): the LLM path runs over
the same scenarios with no model at all, every request is found, and the bot's words are
true to the room. A prompt change that the cassette does not cover shows here, by name."""

from __future__ import annotations

import json

import pytest

from facilitator.memory.store import RoomStore
from facilitator.policies.llm.cassette import missing_path, read_lines
from facilitator.policies.llm.stack import _OPEN, cassette_for, provider_from_env
from tests.cassette_scenarios import CASSETTE, SPEC, run_scenarios


def first_difference(text: str, others: list[str]) -> str:
    """Where `text` leaves the recorded prompt it shares the longest start with."""
    def shared(other: str) -> int:
        return next((i for i, (a, b) in enumerate(zip(text, other, strict=False)) if a != b),
                    min(len(text), len(other)))

    at = max((shared(o) for o in others), default=0)
    return text[max(0, at - 120):at + 240]


@pytest.fixture(autouse=True)
def fresh() -> None:
    _OPEN.clear()
    missing_path(CASSETTE).unlink(missing_ok=True)


async def test_the_recorded_cassette_replays_whole_without_a_model(store: RoomStore) -> None:
    assert CASSETTE.is_file(), "record it: python scripts/record_cassette.py"
    recorded = read_lines(CASSETTE)
    assert recorded and {e["provider"] for e in recorded} == {SPEC}
    env = {"FACILITATOR_LLM_CASSETTE": str(CASSETTE), "FACILITATOR_LLM_CASSETTE_MODE": "replay"}
    provider = provider_from_env(SPEC, env=env)  # no key, no server, no network
    assert provider is not None
    turns, verdicts, policies = await run_scenarios(store, provider)
    tape = cassette_for(CASSETTE, "replay")
    missing = read_lines(missing_path(CASSETTE)) if missing_path(CASSETTE).exists() else []
    missing_path(CASSETTE).unlink(missing_ok=True)
    assert not missing, (
        f"{len(missing)} requests are not in the cassette (prompts or state changed since it "
        "was recorded): re-record with `python scripts/record_cassette.py`; the first differs "
        "from the closest recorded prompt here: "
        + json.dumps(first_difference(missing[0]["request"]["user"],
                                      [e["request"]["user"] for e in recorded])))
    assert tape.hits > 0 and tape.missed == 0
    # Answers and recorded failures: every call the main model's breaker let out.
    assert sum(p.llm_metrics()["calls_total"] for p in policies) == tape.hits
    # The real model both chose (structured) and worded (text) through the SDK.
    assert {e["request"]["method"] for e in recorded} == {"structured", "text"}
    assert turns, "the bot speaks in these scenarios"
    assert all(v.ok for v in verdicts), [v for v in verdicts if not v.ok]
    # Replaying again gives the same turns, word for word: the run is reproducible.
    _OPEN.clear()
    again, _, _ = await run_scenarios(store, provider_from_env(SPEC, env=env))  # type: ignore[arg-type]
    assert again == turns
