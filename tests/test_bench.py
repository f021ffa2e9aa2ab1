"""`facilitator bench` on small traffic: the keys, and sane figures."""

from __future__ import annotations

import argparse

from facilitator.bench import KEYS, add_bench_parser, bench, make_traffic
from facilitator.events import EventKind
from facilitator.memory.store import RoomStore


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


async def test_bench_reports_policy_peer_and_ratios(store: RoomStore) -> None:
    report = await bench(store, 400, 3, seed=5, warmup=0)
    for side in ("policy", "peer"):
        for key in KEYS:
            assert report[side][key] >= 0, (side, key)
        assert report[side]["events_per_s"] > 0
        assert report[side]["p99_ms"] >= report[side]["p50_ms"] > 0
        assert report[side]["bytes_per_room"] > 0
    assert set(report["ratios"]) == set(KEYS)
    # The silent path: one round trip to load, one to save.
    assert report["policy"]["redis_roundtrips_per_event"] <= 2
    assert report["silent_path"]["share"] > 0.5
    assert report["peer"]["llm_calls_per_message"] == 1.0
    assert report["policy"]["llm_calls_per_message"] < report["peer"]["llm_calls_per_message"]
    assert report["ratios"]["llm_calls_per_message"] < 1


def test_bench_parser() -> None:
    from facilitator import bench as module

    parser = argparse.ArgumentParser()
    add_bench_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["bench", "--events", "10", "--rooms", "2", "--json"])
    assert args.func is module.cmd_bench and args.events == 10 and args.json
