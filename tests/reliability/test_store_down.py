"""A dead store is detected, survived and reported (issue 11, item 5).

Faults are injected into the real embedded server: SIGKILL (it dies; the supervisor restarts
it from its append-only file) and SIGSTOP (it hangs; probes time out).
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import aiohttp
import pytest

from facilitator.adapters.lanes import Job, Lanes, run_job
from facilitator.config import Settings
from facilitator.engine import Engine
from facilitator.events import Author, ChatEvent, RoomRef
from facilitator.intake.delivery import Holding
from facilitator.memory.keys import seen_key
from facilitator.memory.server import EmbeddedServerError
from facilitator.memory.store import RoomStore, open_store
from facilitator.policies.policy import FacilitatorPolicy
from facilitator.web.health import StoreProbe
from facilitator.web.server import build_app, ops_server

ROOMS = 5
PER_ROOM = 80


def event(room: int, n: int) -> ChatEvent:
    who = ["ann", "bob", "cy", "dee"][n % 4]
    return ChatEvent(id=f"r{room}-{n}", room=RoomRef.local(f"room{room}"),
                     author=Author(id=who, name=who), text=f"message {n} about the plan",
                     ts=1000.0 + n)


def kill_store(store: RoomStore) -> int:
    assert store.server is not None and store.server.process is not None
    pid = store.server.process.pid
    os.kill(pid, signal.SIGKILL)
    return pid


async def wait_until(predicate, timeout_s: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def written_to_the_append_only_file(store: RoomStore, timeout_s: float = 20.0) -> None:
    """With `appendfsync everysec` a kill -9 may lose the writes of the last second (a write
    is postponed while an fsync is running, which a loaded disk makes likely): wait until the
    server says nothing is buffered, as a count, not a clock."""
    deadline = time.monotonic() + timeout_s
    while True:
        info = await store.client.info("persistence")
        if not int(info.get("aof_buffer_length", 0)) and not int(
                info.get("aof_pending_bio_fsync", 0)):
            return
        assert time.monotonic() < deadline, f"append-only file still behind: {info}"
        await asyncio.sleep(0.01)


async def test_supervisor_restarts_a_killed_store_with_its_data(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", http_port=0)
    async with open_store(settings, durable=True) as store:
        engine = Engine(store, FacilitatorPolicy())
        await engine.handle(event(0, 0))
        await written_to_the_append_only_file(store)
        first = kill_store(store)
        assert store.server is not None
        await wait_until(lambda: store.server.restarts == 1)  # type: ignore[union-attr]
        assert store.server.process is not None and store.server.process.pid != first
        # The same client reconnects; the room came back from the append-only file.
        state = await store.get("local:room0")
        assert state is not None and [m.id for m in state.window] == ["r0-0"]


@pytest.mark.parametrize("queue", ["events", "jobs"])  # as Discord queues them; as Slack does
async def test_store_killed_mid_traffic_loses_nothing(tmp_path: Path, queue: str) -> None:
    """Socket Mode and Discord: events are held in their room's queue and retried in order."""
    settings = Settings(data_dir=tmp_path / "data", http_port=0)
    async with open_store(settings, durable=True) as store:
        engine = Engine(store, FacilitatorPolicy())
        delivery = Holding(engine.handle, first_s=0.02, max_s=0.2)
        handled: list[str] = []

        async def deliver(ev: ChatEvent) -> None:
            outcome = await delivery.deliver(ev)
            if getattr(outcome, "processed", False):
                handled.append(ev.id)

        lanes: Lanes[ChatEvent] = Lanes(deliver)
        queues: Lanes[Job] = Lanes(run_job, cap=500)
        kills = 0
        for n in range(PER_ROOM):
            for room in range(ROOMS):
                ev = event(room, n)
                if queue == "events":
                    assert lanes.submit(ev.room.key, ev)
                else:
                    assert queues.submit(ev.room.key, lambda ev=ev: deliver(ev))
            if n in (20, 50):  # two kills mid-traffic (the second once the first is over)
                await wait_until(lambda k=kills: store.server is not None and store.server.restarts == k)
                kill_store(store)
                kills += 1
            await asyncio.sleep(0.002)
        await asyncio.wait_for(lanes.drain() if queue == "events" else queues.drain(), 60)
        assert store.server is not None and store.server.restarts >= kills
        assert delivery.retries > 0  # the store really was down while events arrived
        assert delivery.failed == 0 and lanes.dropped == 0 and queues.dropped == 0
        assert len(handled) == ROOMS * PER_ROOM
        for room in range(ROOMS):
            state = await store.get(f"local:room{room}")
            assert state is not None
            assert state.events == PER_ROOM  # each event applied exactly once
            seen = await store.client.zrange(seen_key(f"local:room{room}"), 0, -1)
            assert [s.decode() for s in seen] == [f"r{room}-{n}" for n in range(PER_ROOM)]  # in order


async def test_readyz_follows_the_store_and_healthz_does_not(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", http_port=0)
    async with open_store(settings, durable=True) as store, \
            ops_server(settings, store) as ops, aiohttp.ClientSession() as http:
        base = f"http://127.0.0.1:{ops.port}"

        async def status(path: str) -> int:
            async with http.get(base + path) as response:
                return response.status

        assert await status("/healthz") == 200 and await status("/readyz") == 200
        assert store.server is not None and store.server.process is not None
        pid = store.server.process.pid
        os.kill(pid, signal.SIGSTOP)  # a hung store: connections open, nothing answers
        try:
            assert await status("/readyz") == 503
            assert await status("/healthz") == 200
        finally:
            os.kill(pid, signal.SIGCONT)
        assert await status("/readyz") == 200


async def test_extra_route_groups_join_the_same_server(store: RoomStore) -> None:
    from aiohttp import web

    async def metrics(request: web.Request) -> web.Response:
        return web.Response(text="facilitator_up 1\n")

    app = build_app(StoreProbe(store.client), store=store, extra_routes=[web.get("/metrics", metrics)])
    paths = {r.resource.canonical for r in app.router.routes() if r.resource is not None}
    assert {"/healthz", "/readyz", "/metrics"} <= paths


async def test_second_run_on_the_same_data_folder_refuses(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", http_port=0)
    async with open_store(settings, durable=True, exclusive=True):
        with pytest.raises(EmbeddedServerError) as refused:
            async with open_store(settings, durable=True, exclusive=True):
                pass
        assert "another facilitator process is running on the data folder" in str(refused.value)
        assert "\n" not in str(refused.value)
        # Short admin commands (room show, forget) still join the running server.
        async with open_store(settings, durable=True) as joined:
            assert await joined.client.ping()


@pytest.mark.parametrize("platform", ["slack", "discord"])
async def test_second_run_process_says_why_in_one_line(tmp_path: Path, platform: str) -> None:
    from tests.conftest import FACILITATOR, cli_env

    settings = Settings(data_dir=tmp_path / "data", http_port=0)
    env = cli_env(tmp_path, SLACK_BOT_TOKEN="xoxb-1-2-x", SLACK_APP_TOKEN="xapp-1-A-2-x",
                  SLACK_API_URL="http://127.0.0.1:9/", DISCORD_TOKEN="x.y.z")
    async with open_store(settings, durable=True, exclusive=True):
        proc = await asyncio.create_subprocess_exec(
            *FACILITATOR, "run", platform, env=env, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and "another facilitator process is running on the data folder" in lines[0]


async def test_all_queues_together_are_bounded_and_overflow_is_counted() -> None:
    gate = asyncio.Event()

    async def stuck(_: object) -> None:
        await gate.wait()  # the store is down: nothing drains

    lanes: Lanes[int] = Lanes(stuck, cap=10, total_cap=25)
    queues: Lanes[Job] = Lanes(run_job, cap=10, total_cap=25)
    took = [lanes.submit(f"room{i % 5}", i) for i in range(60)]
    took_q = [queues.submit(f"room{i % 5}", lambda: stuck(None)) for i in range(60)]
    await asyncio.sleep(0.01)
    # Each first item is already with its worker; the rest wait, 25 at most in all.
    assert sum(took) == sum(took_q) <= 25 + 5
    assert lanes.dropped == queues.dropped == 60 - sum(took)
    gate.set()
    await lanes.drain()
    await queues.drain()
    assert lanes.submit("room0", 1) and queues.submit("room0", lambda: stuck(None))
    await lanes.drain()
    await queues.drain()
