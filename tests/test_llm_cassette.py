"""Cassettes (issue 23, item 5): every request and answer recorded as JSON Lines keyed by a
hash of the normalised request, replayed without any model; a miss falls back to the rules
and is written, whole, to FILE.missing.jsonl, from which any model can complete the cassette."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from facilitator.engine import Engine
from facilitator.memory.store import RoomStore
from facilitator.policies.graph import Assessment
from facilitator.policies.llm.cassette import (
    Cassette,
    CassetteProvider,
    cassette_setting,
    complete,
    missing_path,
    request_key,
    request_record,
)
from facilitator.policies.llm.scripted import ScriptedProvider
from facilitator.policies.llm.stack import _OPEN, provider_from_env
from tests.llm_wire import Wire, openai_completion
from tests.policy_scenarios import EveryMovePolicy
from tests.test_policy_llm import HEATED, OPENING, feed, rules_posts

CHOICE = '{"reason": "%s", "intervention": "%s", "to": %s}'
WORDS = "Rosa, Greg: let's pause. What does each of you need from the lot?"


@pytest.fixture(autouse=True)
def fresh_cassettes() -> None:
    _OPEN.clear()


def env_for(path: Path, mode: str, **more: str) -> dict[str, str]:
    return {"FACILITATOR_LLM_CASSETTE": str(path), "FACILITATOR_LLM_CASSETTE_MODE": mode, **more}


def wire_for_heated_room() -> Wire:
    """What a model answers over the heated room: silence on the first moment, then the
    de-escalation and its words, then silence."""
    silence = openai_completion(CHOICE % ("let them talk", "silence", "[]"))
    return Wire([silence,
                 openai_completion(CHOICE % ("it turned personal", "deescalate",
                                             '["rosa", "greg"]')),
                 openai_completion(WORDS)] + [silence] * 6)


async def run(store: RoomStore, room: str, provider: object,
              lines: list[tuple[str, str]]) -> list[tuple[bool, str | None, str]]:
    policy = EveryMovePolicy(provider=provider)  # type: ignore[arg-type]
    outcomes = await feed(Engine(store, policy), room, lines)
    return [(o.decision.speak, o.decision.text, o.decision.reason)  # type: ignore[attr-defined]
            for o in outcomes]


async def test_record_then_replay_without_any_model(store: RoomStore, tmp_path: Path) -> None:
    tape = tmp_path / "heated.jsonl"
    wire = wire_for_heated_room()
    recorder = provider_from_env("openai:gpt-4o-mini",
                                 env=env_for(tape, "record", OPENAI_API_KEY="sk-test"),
                                 http_client=wire.client())
    recorded = await run(store, "rec", recorder, OPENING + HEATED)
    assert [t for s, t, _ in recorded if s] == [WORDS]
    entries = [json.loads(line) for line in tape.read_text().splitlines()]
    assert len(entries) == len(wire.requests)  # every request and answer, once
    for entry in entries:
        assert entry["key"] == request_key(entry["request"])
        assert entry["provider"] == "openai:gpt-4o-mini"
        assert entry["request"]["user"].startswith("The room, as your memory holds it:")
        assert "answer" in entry and "usage" in entry
    assert entries[0]["request"]["schema_name"] == "Assessment"
    assert entries[2]["request"]["method"] == "text"
    assert entries[2]["answer"]["value"] == WORDS

    # Replay: no key, no network, no wire — the same decisions, word for word.
    _OPEN.clear()
    player = provider_from_env("openai:gpt-4o-mini", env=env_for(tape, "replay"))
    assert isinstance(getattr(player, "inner", None), CassetteProvider)
    replayed = await run(store, "rep", player, OPENING + HEATED)
    assert [(s, t) for s, t, _ in replayed] == [(s, t) for s, t, _ in recorded]
    assert not missing_path(tape).exists()


async def test_a_missing_answer_falls_back_and_is_written_whole(
        store: RoomStore, tmp_path: Path) -> None:
    tape = tmp_path / "empty.jsonl"
    player = provider_from_env("anthropic:claude-haiku-4-5", env=env_for(tape, "replay"))
    assert player is not None
    decided = await run(store, "miss", player, OPENING + HEATED)
    spoken = [t for s, t, _ in decided if s]
    assert spoken == await rules_posts(store, "miss-rules", OPENING + HEATED)
    assert any("offline rules: LLM cassette_miss" in r for s, _, r in decided if s)
    missing = [json.loads(line) for line in missing_path(tape).read_text().splitlines()]
    assert missing and all(m["key"] == request_key(m["request"]) for m in missing)
    assert missing[0]["request"]["user"].startswith("The room, as your memory holds it:")
    assert "Half a garden helps nobody" in missing[0]["request"]["user"]

    # Any model completes the cassette from the missing file; the replay is then whole.
    answers = ScriptedProvider([Assessment(reason="heat", intervention="deescalate",
                                           to=["rosa", "greg"])], cycle=True, name="any")
    answered, left = await complete(tape, answers, {"Assessment": Assessment})
    assert answered == len(missing) and left == 0
    assert missing_path(tape).read_text() == ""
    _OPEN.clear()
    again = provider_from_env("anthropic:claude-haiku-4-5", env=env_for(tape, "replay"))
    await run(store, "miss2", again, OPENING + HEATED)
    # The choice to speak is now answered; its words were never asked before: a new miss.
    remaining = [json.loads(line) for line in missing_path(tape).read_text().splitlines()]
    assert [m["request"]["method"] for m in remaining] == ["text"]


async def test_the_key_ignores_how_the_text_is_laid_out() -> None:
    a = request_record("text", "sys", "line one  \r\nline two\n", None, 100)
    b = request_record("text", "sys\n", "line one\nline two", None, 100)
    assert request_key(a) == request_key(b)
    assert request_key(a) != request_key(request_record("text", "sys", "line one", None, 100))


async def test_record_mode_answers_what_it_has_and_records_only_new_requests(
        tmp_path: Path) -> None:
    tape = tmp_path / "t.jsonl"
    inner = ScriptedProvider(["first", "second"])
    provider = CassetteProvider(inner, Cassette(tape, "record"), name="scripted")
    assert (await provider.text("s", "u1")).value == "first"
    assert (await provider.text("s", "u1")).value == "first"  # from the cassette
    assert (await provider.text("s", "u2")).value == "second"
    assert len(inner.calls) == 2 and len(tape.read_text().splitlines()) == 2
    # A later re-recording that re-uses the file keeps only what its requests asked for.
    again = Cassette(tape, "record")
    more = ScriptedProvider(["third"])
    recorder = CassetteProvider(more, again, name="scripted")
    assert (await recorder.text("s", "u2")).value == "second"  # re-used
    assert (await recorder.text("s", "u3")).value == "third"  # new
    assert again.keep_only_used() == 1  # u1 is asked no more
    kept = [json.loads(line)["request"]["user"] for line in tape.read_text().splitlines()]
    assert kept == ["u2", "u3"] and len(more.calls) == 1


def test_settings_are_checked() -> None:
    assert cassette_setting({}) is None
    with pytest.raises(ValueError, match="FACILITATOR_LLM_CASSETTE_MODE"):
        cassette_setting({"FACILITATOR_LLM_CASSETTE": "x.jsonl"})
    with pytest.raises(ValueError, match="needs FACILITATOR_LLM_CASSETTE"):
        cassette_setting({"FACILITATOR_LLM_CASSETTE_MODE": "replay"})
    with pytest.raises(ValueError, match="needs a model"):
        CassetteProvider(None, Cassette(Path("x.jsonl"), "record"), name="m")
    with pytest.raises(ValueError, match="OPENAI_API_KEY"):  # recording asks a real model
        provider_from_env("openai:m", env={"FACILITATOR_LLM_CASSETTE": "x.jsonl",
                                           "FACILITATOR_LLM_CASSETTE_MODE": "record"})


async def test_a_hand_written_line_without_an_answer_is_a_bad_answer(tmp_path: Path) -> None:
    """A cassette completed by hand may hold a line with no answer: it is an LLMError (the
    rules decide), not a KeyError that takes the caller down."""
    from facilitator.policies.llm.base import LLMError

    tape = tmp_path / "hand.jsonl"
    request = request_record("text", "s", "u", None, 300)
    tape.write_text(json.dumps({"key": request_key(request), "request": request}) + "\n")
    provider = CassetteProvider(None, Cassette(tape, "replay"), name="m")
    with pytest.raises(LLMError, match="has no answer") as err:
        await provider.text("s", "u")
    assert err.value.kind == "malformed"


async def test_completing_says_why_a_request_stays_missing(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from facilitator.policies.llm.base import LLMError

    tape = tmp_path / "t.jsonl"
    request = request_record("text", "s", "u", None, 300)
    missing_path(tape).write_text(json.dumps({"key": request_key(request), "provider": "m",
                                              "request": request}) + "\n")
    slow = ScriptedProvider([LLMError("request timed out", kind="timeout")])
    with caplog.at_level(logging.WARNING):
        assert await complete(tape, slow, {}) == (0, 1)
    assert "left missing: " in caplog.text and "request timed out" in caplog.text
    assert len(missing_path(tape).read_text().splitlines()) == 1  # kept for the next run
