"""Room keys are injective; secrets never print; one member cannot flood the bot (issue 11)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from redis.cluster import key_slot

from facilitator.config.redact import redact
from facilitator.engine import Engine
from facilitator.memory.keys import quarantine_key, room_of, seen_key, state_key, tag
from facilitator.memory.store import RoomStore, StoreUnavailable, connect_url
from facilitator.policies.policy import FacilitatorPolicy
from facilitator.sim.replay import replay
from tests.helpers import msg
from tests.test_cli import run, write_lines

rooms = st.text(st.characters(codec=None, categories=None), max_size=30) | st.sampled_from(
    ["", "{", "}", "%", "%25", "%7B", "a{b}", "a(b)", "%u", "%uD800", "\ud800", "{}", "()"])


@settings(max_examples=1500)
@given(rooms, rooms)
def test_room_keys_are_injective(a: str, b: str) -> None:
    if a != b:
        assert state_key(a) != state_key(b)
        assert seen_key(a) != seen_key(b)


@settings(max_examples=1000)
@given(rooms)
def test_one_hash_tag_per_room_and_reversible(room: str) -> None:
    key = state_key(room)
    assert key.count("{") == 1 and key.count("}") == 1
    assert tag(room)  # never an empty tag: that would hash the whole key
    key.encode("utf-8")  # storable whatever the room holds
    assert room_of(key) == room
    slots = {key_slot(k.encode()) for k in (key, seen_key(room), quarantine_key(room))}
    assert len(slots) == 1


async def test_braces_and_parentheses_are_different_rooms(store: RoomStore) -> None:
    engine = Engine(store, FacilitatorPolicy())
    await engine.handle(msg("team{x}", "ann", "the launch code is 4512"))
    await engine.handle(msg("team(x)", "bob", "hello there"))
    a, b = await store.get("local:team{x}"), await store.get("local:team(x)")
    assert a is not None and b is not None
    assert "4512" not in b.model_dump_json()
    assert [m.author for m in b.window] == ["bob"]
    assert sorted(await store.rooms()) == ["local:team(x)", "local:team{x}"]


def test_redact_masks_passwords_in_urls() -> None:
    assert redact("at redis://:hunter2@db:6379/0") == "at redis://:***@db:6379/0"
    assert redact("rediss://me:p@ss@db/1 and unix:///x.sock") == "rediss://me:***@db/1 and unix:///x.sock"
    assert redact("redis://db:6379") == "redis://db:6379"


async def test_unreachable_redis_error_hides_the_password() -> None:
    with pytest.raises(StoreUnavailable) as caught:
        await connect_url("redis://user:hunter2@127.0.0.1:1/0")
    assert "hunter2" not in str(caught.value)
    assert "redis://user:***@127.0.0.1:1/0" in str(caught.value)


def test_cli_never_prints_the_password(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "t.jsonl", [{"id": "1", "room": "r", "author": "a", "text": "x",
                                              "ts": 1.0}])
    result = run(tmp_path, "-vv", "replay", str(path), "--json",
                 FACILITATOR_REDIS_URL="redis://admin:hunter2@127.0.0.1:1/0")
    assert result.returncode == 2
    assert "hunter2" not in result.stderr + result.stdout
    assert "***" in result.stderr


def test_one_member_flooding_mentions_gets_a_few_replies_then_one_notice(tmp_path: Path) -> None:
    lines: list[object] = [{"id": f"w{i}", "room": "r", "author": who, "text": "hi all", "ts": float(i)}
                           for i, who in enumerate(["ann", "bob", "cy"])]
    lines += [{"id": f"m{i}", "room": "r", "author": "mal", "text": f"@facilitator what is {i}?",
               "ts": 10.0 + i * 0.2} for i in range(100)]
    lines.append({"id": "ann-q", "room": "r", "author": "ann",
                  "text": "@facilitator what is our goal?", "ts": 40.0})
    result = run(tmp_path, "replay", str(write_lines(tmp_path / "f.jsonl", lines)), "--json")
    assert result.returncode == 0, result.stderr
    steps = json.loads(result.stdout)["steps"]
    to_mal = [s for s in steps if s["id"].startswith("m") and s["speak"]]
    assert 1 <= len(to_mal) <= 5
    notices = [s for s in to_mal if "hold off answering you" in (s["text"] or "")]
    assert len(notices) == 1 and to_mal[-1] is notices[0]
    # Another member is not punished for one member's flood.
    assert steps[-1]["id"] == "ann-q" and steps[-1]["speak"]


async def test_a_line_by_the_bots_own_id_is_never_answered(store: RoomStore, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "own.jsonl", [
        {"id": "1", "room": "r", "author": "ann", "text": "hello", "ts": 1.0},
        {"id": "2", "room": "r", "author": "facilitator", "text": "@facilitator what now?",
         "ts": 2.0},
        {"id": "3", "room": "r", "author": "facilitator", "text": "@facilitator why?", "ts": 3.0,
         "is_bot": False},
    ])
    engine = Engine(store, FacilitatorPolicy(), bot_id="facilitator")
    report = await replay(engine, [path], bot_name="facilitator", errors=io.StringIO())
    assert [s["speak"] for s in report["steps"]] == [False, False, False]
    state = await store.get("local:r")
    assert state is not None and "facilitator" not in state.participants


async def test_engine_never_answers_its_own_id(store: RoomStore) -> None:
    engine = Engine(store, FacilitatorPolicy(), bot_id="U0BOT")
    await engine.handle(msg("r", "ann", "hello"))
    own = msg("r", "U0BOT", "@facilitator what should we do?", addressed=True)
    outcome = await engine.handle(own)
    assert not outcome.decision.speak


def test_operator_resets_a_quarantined_room_from_the_cli(tmp_path: Path) -> None:
    import asyncio

    from facilitator.config import Settings
    from facilitator.memory.keys import state_key as key_of
    from facilitator.memory.store import open_store

    settings = Settings(data_dir=tmp_path / "data")

    async def corrupt() -> None:
        async with open_store(settings, durable=True) as store:
            await store.client.hset(key_of("local:r"), mapping={"state": b'{"room": 1', "ver": 2})

    asyncio.run(corrupt())
    shown = run(tmp_path, "room", "show", "r")
    assert shown.returncode == 1 and "room reset" in shown.stderr and "Traceback" not in shown.stderr
    saved = tmp_path / "kept.json"
    unanswered = run(tmp_path, "room", "reset", "local:r", "--save-to", str(saved))
    assert unanswered.returncode == 1 and "unreadable state (10 bytes)" in unanswered.stderr
    assert not saved.exists()
    reset = run(tmp_path, "room", "reset", "local:r", "--save-to", str(saved), "--yes")
    assert reset.returncode == 0, reset.stderr
    assert saved.read_bytes() == b'{"room": 1'
    gone = run(tmp_path, "room", "show", "r")
    assert gone.returncode == 1 and "no room" in gone.stderr  # gone, not unreadable


def test_reply_limit_window_notice_and_retries() -> None:
    from facilitator.policies.ratelimit import ReplyLimiter, Verdict

    limiter = ReplyLimiter(limit=2, window_s=60.0)
    verdicts = [limiter.check("r", "mal", 10.0 + i, f"e{i}") for i in range(5)]
    assert verdicts == [Verdict.ALLOW, Verdict.ALLOW, Verdict.NOTICE, Verdict.SILENCE,
                        Verdict.SILENCE]
    # The same event looked at twice (a compare-and-set retry) counts once.
    assert limiter.check("r", "ann", 10.0, "a1") == limiter.check("r", "ann", 10.0, "a1")
    assert limiter.check("r", "ann", 11.0, "a2") is Verdict.ALLOW
    assert limiter.check("r", "mal", 75.0, "late") is Verdict.ALLOW  # the window moved on
    assert limiter.check("other-room", "mal", 14.0, "x") is Verdict.ALLOW
