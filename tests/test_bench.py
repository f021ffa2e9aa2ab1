"""`facilitator bench` on small traffic: honest figures (wall clock, LLM waits in flight at once,
LLM cost per 1,000 messages) and the same decisions across worker processes."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.config import Settings
from facilitator.evaluation.bench import KEYS, WorkerFailed, bench, make_traffic
from facilitator.evaluation.cli import add_bench_parser
from facilitator.evaluation.fakes import PUBLISHED_MEDIAN_LATENCY_MS, LatencyLLM
from facilitator.events import EventKind
from facilitator.memory.server import EmbeddedServer
from facilitator.memory.store import RoomStore, open_store

LATENCY_MS = 20.0  # small, so the test is quick; large against the per-event CPU time


def test_traffic_is_varied_and_ordered_per_room() -> None:
    events, rooms = make_traffic(600, 4, seed=3)
    assert len(events) == 600 and len(rooms) == 4
    texts = {e.text for e in events if e.kind == EventKind.MESSAGE}
    assert len(texts) > 60
    assert any(e.addressed for e in events)
    assert any(e.kind == EventKind.REACTION for e in events)
    assert len({e.author.id for e in events}) >= 6
    ts = [e.ts for e in events]
    assert ts == sorted(ts)
    assert make_traffic(50, 2, seed=3)[0][10].text == make_traffic(50, 2, seed=3)[0][10].text


def test_calm_traffic_has_no_questions_heat_mentions_or_reactions() -> None:
    events, _ = make_traffic(400, 4, seed=3, calm=True)
    assert all(e.kind == EventKind.MESSAGE and not e.addressed and e.reply_to is None
               for e in events)
    assert not any("?" in (e.text or "") for e in events)


async def test_latency_fake_waits_around_its_median_concurrently() -> None:
    import asyncio
    import time

    llm = LatencyLLM(LATENCY_MS / 1000.0, seed=4)
    start = time.perf_counter()
    await asyncio.gather(*(llm.text("system", "Reply to Ana.") for _ in range(20)))
    wall = time.perf_counter() - start
    assert llm.calls == 20
    # Twenty waits of ~20 ms overlap: the wall clock is far below their sum.
    assert 0.7 * 20 * LATENCY_MS / 1000 < llm.waited_s < 1.6 * 20 * LATENCY_MS / 1000
    assert wall < llm.waited_s / 3


async def test_bench_reports_wall_clock_throughput_and_llm_cost(store: RoomStore) -> None:
    report = await bench(store, 400, 4, seed=5, warmup=0, llm_latency_ms=LATENCY_MS,
                         peer_events=200)
    ours, peer = report["policy"], report["peer"]
    for side in (ours, peer):
        for key in KEYS:  # every figure the README quotes is there, as a number
            assert isinstance(side[key], int | float) and side[key] >= 0, key
        # Throughput is events over the wall clock of the pass, nothing subtracted.
        assert abs(side["events_per_s"] - side["events"] / side["wall_s"]) <= 0.1 + 0.01 * (
            side["events_per_s"])
        assert side["p99_ms"] >= side["p50_ms"] > 0
        assert 0 < side["cpu_busy_share"] <= 1.0
        assert side["failed_events"] == 0
        assert side["bytes_per_room"] > 0
        # One save per event; a load only for each room's first event (and the scripts' first
        # call on this server).
        assert side["redis_roundtrips_per_event"] <= 1.05, side["redis_roundtrips_per_event"]
    assert set(report["ratios"]) == set(KEYS)
    assert ours["events"] == 400 and peer["events"] == 200
    assert report["llm"]["median_latency_ms"] == LATENCY_MS

    # The peer asks the LLM on every message: 1,000 calls and ~1,000 waits per 1,000 messages.
    assert peer["llm_calls_per_1000_messages"] == 1000.0
    per_call_s = peer["llm_seconds_per_1000_messages"] / 1000.0
    assert 0.7 * LATENCY_MS / 1000 < per_call_s < 1.6 * LATENCY_MS / 1000
    # Its waits were in flight at once across its 4 rooms: the pass took well under their sum.
    assert peer["wall_s"] < 0.6 * peer["llm_seconds"]
    assert peer["decision_p50_ms"] >= 0.5 * LATENCY_MS
    # Waiting on the LLM is not work: the peer's worker is idle for most of its wall clock.
    assert peer["cpu_busy_share"] < 0.5

    # The policy asks far less often and so spends far fewer LLM-seconds.
    assert 0 < ours["llm_calls_per_1000_messages"] < 0.3 * peer["llm_calls_per_1000_messages"]
    assert ours["llm_seconds_per_1000_messages"] < 0.3 * peer["llm_seconds_per_1000_messages"]
    assert report["ratios"]["llm_calls_per_message"] < 1

    silent = report["silent_path"]
    assert silent["share"] > 0.5 and silent["p99_ms"] >= silent["p50_ms"] > 0
    assert silent["calm_events"] == 400 and silent["calm_silent_share"] > 0.8
    assert silent["events_per_s"] > 0


async def test_workers_share_one_store_and_decide_as_one_worker(settings: Settings) -> None:
    """Two worker processes on one embedded server, each with half the rooms: every event is
    handled once, and the decisions are those of a single worker."""
    async with EmbeddedServer() as server:
        shared = settings.model_copy(update={"redis_url": server.url})
        async with open_store(shared) as store:
            one = await bench(store, 240, 4, seed=9, warmup=0, llm_latency_ms=2.0,
                              peer_events=40)
            two = await bench(store, 240, 4, seed=9, warmup=0, llm_latency_ms=2.0,
                              peer_events=40, workers=2, url=server.url)
    assert two["workers"] == 2
    for side in ("policy", "peer"):
        assert two[side]["events"] == one[side]["events"]
        assert two[side]["messages"] == one[side]["messages"]
        for key in ("llm_calls_per_1000_messages", "speak_rate", "interventions"):
            assert two[side][key] == one[side][key], (side, key)
        assert two[side]["events_per_s"] > 0 and two[side]["failed_events"] == 0
    assert two["silent_path"]["calm_silent_share"] == one["silent_path"]["calm_silent_share"]


async def test_a_worker_that_cannot_reach_the_store_fails_the_bench_cleanly(
        store: RoomStore, tmp_path: Path) -> None:
    with pytest.raises(WorkerFailed, match="exited with status"):
        await bench(store, 60, 2, warmup=0, llm_latency_ms=0.0, workers=2,
                    url=f"unix://{tmp_path / 'no-such.sock'}")


def test_bench_parser_defaults_to_the_published_latency() -> None:
    from facilitator.evaluation import cli as module

    parser = argparse.ArgumentParser()
    sub = add_bench_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["bench", "--events", "10", "--rooms", "2", "--workers", "3",
                              "--llm-latency-ms", "5", "--json"])
    assert args.func is module.cmd_bench and args.events == 10 and args.json
    assert args.workers == 3 and args.llm_latency_ms == 5.0
    # The help text is written by hand (the parser module stays light): it must name the
    # default the bench really uses.
    assert f"default {PUBLISHED_MEDIAN_LATENCY_MS:g}" in " ".join(sub.format_help().split())


def test_bench_rejects_bad_numbers() -> None:
    assert main(["bench", "--workers", "0"]) == 2
    assert main(["bench", "--llm-latency-ms", "-1"]) == 2
    assert main(["bench", "--events", "0"]) == 2
