"""Replay never aborts on input: any bytes, any JSON, any types (issue 11, item 1 and 2)."""

from __future__ import annotations

import asyncio
import io
import json
import math
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.engine import Engine, Outcome, PatientHandler
from facilitator.events import Author, ChatEvent, RoomRef
from facilitator.memory.store import RoomStore, connect_url
from facilitator.policies.decision import BotDecision
from facilitator.policies.policy import FacilitatorPolicy
from facilitator.sim.replay import replay
from facilitator.sim.transcript import addressed_pattern, parse_line
from tests.conftest import FACILITATOR, cli_env
from tests.test_cli import run, write_lines

PATTERN = addressed_pattern("facilitator")
GOOD = {"id": "g1", "room": "good", "author": "ann", "text": "hello all", "ts": 1.0}

# Any JSON value, including the awkward ones: non-finite floats, huge ints, surrogates.
json_scalars = (st.none() | st.booleans() | st.integers() | st.floats()
                | st.text(st.characters(codec=None)) | st.just("\ud800")
                | st.just(float("nan")) | st.just(float("inf")))
json_values = st.recursive(json_scalars, lambda kids: st.lists(kids, max_size=4)
                           | st.dictionaries(st.text(max_size=8), kids, max_size=4), max_leaves=12)
FIELDS = ["id", "room", "author", "text", "ts", "author_name", "reply_to", "kind", "emoji",
          "target", "is_bot"]
# Objects shaped like events, with any value in any field: the validators' hard cases.
event_like = st.fixed_dictionaries({}, optional={f: json_values for f in FIELDS})


def _encode(value: object) -> bytes:
    # json.dumps writes NaN/Infinity and lone surrogates as \ud800 escapes: exactly the hazards.
    try:
        return json.dumps(value).encode()
    except ValueError:  # 5,000-digit ints refuse to be written
        return b'{"ts": ' + b"9" * 5000 + b"}"


huge_ints = st.integers(4000, 6000).map(
    lambda n: b'{"id": "h", "room": "r", "author": "a", "text": "t", "ts": ' + b"9" * n + b"}")
deep = st.integers(500, 3000).map(lambda n: b'{"id": ' + b"[" * n + b"]" * n + b"}")
lines = (st.binary(max_size=200) | json_values.map(_encode) | event_like.map(_encode)
         | huge_ints | deep)


@settings(max_examples=600, deadline=None)
@given(lines)
def test_any_line_is_an_event_or_a_reason(raw: bytes) -> None:
    parsed = parse_line(raw, PATTERN, "facilitator")
    if isinstance(parsed, str):
        assert parsed  # a reason to print
        assert len(parsed) < 300
    else:
        # Whatever got in is bounded and storable.
        assert math.isfinite(parsed.ts)
        parsed.model_dump_json().encode("utf-8")
        assert len(parsed.author.name) <= 200 and len(parsed.text) <= 8000


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(lines, max_size=12))
def test_replay_of_arbitrary_lines_reports_every_line(single_url: str, tmp_path: Path,
                                                     batch: list[bytes]) -> None:
    path = tmp_path / "fuzz.jsonl"
    good = json.dumps(GOOD).encode()
    path.write_bytes(b"\n".join([*batch, good]) + b"\n")

    async def go() -> dict[str, object]:
        client = await connect_url(single_url)
        try:
            await client.flushall()
            engine = Engine(RoomStore(client, retention_s=60), FacilitatorPolicy())
            return await replay(engine, [path], bot_name="facilitator", with_state=True,
                                errors=io.StringIO())
        finally:
            await client.aclose()

    report = asyncio.run(go())
    summary = report["summary"]
    assert isinstance(summary, dict)
    nonblank = sum(1 for line in [*batch, good] if line.strip() and b"\n" not in line.strip())
    assert summary["failed_events"] == 0
    # Every line is either a step or a skipped line; the good line always gets through.
    assert summary["events"] + summary["skipped_lines"] >= nonblank
    assert any(s["id"] == "g1" and s["room"] == "good" for s in report["steps"])  # type: ignore[union-attr]
    json.dumps(report, ensure_ascii=False).encode("utf-8")


HAZARDS: list[object] = [
    b'{"id": "s1", "room": "r", "author": "ann", "text": "\\ud800", "ts": 2.0}',
    b'{"id": "s2", "room": "r", "author": "\\ud800", "text": "hi", "ts": 3.0}',
    b'{"id": "s3", "room": "\\ud800", "author": "ann", "text": "hi", "ts": 4.0}',
    b'{"id": "s4", "room": "r", "author": "ann", "author_name": "\\udfff", "text": "x", "ts": 5.0}',
    b"[" * 1000 + b"]" * 1000,
    b'{"a":' * 1000 + b"1" + b"}" * 1000,
    b'{"id": "big", "room": "r", "author": "ann", "text": "x", "ts": ' + b"1" * 5000 + b"}",
    b'{"id": ' + b"7" * 5000 + b', "room": "r", "author": "ann", "text": "x", "ts": 6}',
    b'{"id": "nan", "room": "r", "author": "ann", "text": "wipe?", "ts": NaN}',
    b'{"id": "inf", "room": "r", "author": "ann", "text": "wipe?", "ts": Infinity}',
    b'{"id": "ninf", "room": "r", "author": "ann", "text": "wipe?", "ts": -Infinity}',
]


def test_each_reported_hazard_is_skipped_not_fatal(tmp_path: Path) -> None:
    first = {"id": "m1", "room": "r", "author": "ann", "text": "we ship friday", "ts": 1.0}
    last = {"id": "m9", "room": "r", "author": "bob", "text": "agreed, friday", "ts": 9.0}
    path = write_lines(tmp_path / "h.jsonl", [first, *HAZARDS, last])
    result = run(tmp_path, "replay", str(path), "--json", "--with-state")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    ids = [s["id"] for s in report["steps"]]
    # Surrogates in free text are replaced; in ids and rooms they are refused.
    assert ids == ["m1", "s1", "s4", "m9"]
    assert report["summary"]["skipped_lines"] == len(HAZARDS) - 2
    assert report["summary"]["failed_events"] == 0
    # NaN / Infinity never reach the room: the first message is still there, nothing wiped.
    room = report["rooms"]["r"]
    assert [m["id"] for m in room["window"]][:2] == ["m1", "s1"]
    assert room["window"][1]["text"] == "\ufffd"
    assert "m9" in [m["id"] for m in room["window"]]
    for reason in ("nested too deeply", "timestamp must be a finite number"):
        assert reason in result.stderr


def test_huge_names_are_clipped(tmp_path: Path) -> None:
    lines = [{"id": f"n{i}", "room": "r", "author": "a" * 100 + str(i), "author_name": "N" * 1_000_000,
              "text": "hi", "ts": float(i)} for i in range(5)]
    path = write_lines(tmp_path / "n.jsonl", lines)
    result = run(tmp_path, "replay", str(path), "--json", "--with-state")
    assert result.returncode == 0, result.stderr
    room = json.loads(result.stdout)["rooms"]["r"]
    assert all(len(p["name"]) <= 200 for p in room["participants"].values())
    assert len(result.stdout) < 100_000


def test_store_dying_mid_replay_counts_failed_events_and_exits_non_zero(tmp_path: Path) -> None:
    """A store that dies mid-run: the summary says what failed, the exit status is non-zero."""
    import subprocess
    import sys

    from facilitator.memory.server import EmbeddedServer

    lines = [{"id": f"d{i}", "room": "r", "author": "ann", "text": f"line {i}", "ts": float(i)}
             for i in range(400)]
    path = write_lines(tmp_path / "d.jsonl", lines)

    async def serve_then_die() -> tuple[int, str, str]:
        srv = EmbeddedServer(port=0)
        url = await srv.start()
        env = cli_env(tmp_path, FACILITATOR_REDIS_URL=url)
        proc = await asyncio.create_subprocess_exec(
            *FACILITATOR, "replay", str(path), "--json", env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        client = await connect_url(url)
        try:
            for _ in range(2000):  # kill the store once some events went through
                if int(await client.hget("fac:{local:r}:state", "ver") or 0) >= 20:
                    break
                await asyncio.sleep(0.005)
        finally:
            await client.aclose()
        assert srv.process is not None
        srv.process.kill()
        out, err = await proc.communicate()
        await srv.stop()
        return proc.returncode or 0, out.decode(), err.decode()

    code, out, err = asyncio.run(serve_then_die())
    assert code == 3, err[-500:]
    report = json.loads(out)
    summary = report["summary"]
    assert summary["events"] == 400
    assert 0 < summary["failed_events"] < 400
    assert "Traceback" not in err
    del subprocess, sys


async def test_a_store_slow_for_a_moment_does_not_change_the_report() -> None:
    """On a loaded machine the store can time out once (redis-py waits 5 s); the run tries the
    event again instead of reporting it unprocessed, and stops waiting once the store is gone."""
    answers: list[bool] = []

    class Flaky:  # stands in for the engine: only its outcomes matter here
        def __init__(self, fails: int) -> None:
            self.fails = fails

        async def handle(self, event: ChatEvent) -> Outcome:
            answers.append(self.fails <= 0)
            if self.fails > 0:
                self.fails -= 1
                return Outcome(event, BotDecision.silence("store unavailable"),
                               error="Timeout reading from socket", processed=False,
                               retryable=True)
            return Outcome(event, BotDecision.silence("quiet"))

    event = ChatEvent(id="m1", room=RoomRef.local("r"), author=Author(id="a", name="a"),
                      text="hello", ts=1.0)
    slow = PatientHandler(Flaky(fails=2), first_s=0.01)  # type: ignore[arg-type]
    assert (await slow(event)).processed and answers == [False, False, True]
    answers.clear()
    gone = PatientHandler(Flaky(fails=100), attempts=3, first_s=0.01)  # type: ignore[arg-type]
    assert not (await gone(event)).processed and len(answers) == 3
    assert not (await gone(event)).processed and len(answers) == 4  # gone: tried once
