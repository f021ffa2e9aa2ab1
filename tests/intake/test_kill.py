"""The kill test: worker processes SIGKILLed at random moments while thousands of events flow.

Four worker processes share one real server and a recording Slack at the HTTP boundary.
Events of 40 rooms are appended while a chaos loop SIGKILLs a random worker every few
hundred milliseconds and starts a new one. Afterwards, from the posts alone (the echo policy
answers every message with its event id and the room's turn when applied) and the stored
rooms: every event was processed, none twice, each room in order, no post duplicated.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sys
import time

import pytest

from facilitator.intake.dead import attempts_key, dead_key
from facilitator.intake.streams import GROUP, Intake, IntakeConfig, stream_key
from facilitator.memory.server import EmbeddedServer
from facilitator.memory.store import RoomStore, connect_url
from tests.conftest import REPO
from tests.intake.fake_slack import FakeSlack
from tests.intake.scale_parts import event, room
from tests.intake.test_worker import check_posts

WORKERS = 4
SHARDS = 16
ROOMS = 40
PER_ROOM = 50  # 2,000 events
LEASE_MS = 2000
KILLS = 12
SEED = int(os.environ.get("FACILITATOR_KILL_SEED", "12"))


async def spawn(url: str, slack: FakeSlack) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACILITATOR_")}
    env["PYTHONPATH"] = str(REPO)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.intake.worker_main", url, slack.base_url, str(SHARDS),
        str(LEASE_MS), cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL)


async def ready(proc: asyncio.subprocess.Process) -> None:
    """Until the worker has connected (imports take a while on a cold machine)."""
    assert proc.stdout is not None
    assert (await proc.stdout.readline()).strip() == b"ready"


@pytest.mark.slow
async def test_sigkilled_workers_lose_nothing_repeat_nothing_and_keep_order(
        server: EmbeddedServer, slack: FakeSlack) -> None:
    rng = random.Random(SEED)
    url = server.url
    client = await connect_url(url)
    store = RoomStore(client, retention_s=3600)
    intake = Intake(client, IntakeConfig(shards=SHARDS), platform="slack")
    workers = [await spawn(url, slack) for _ in range(WORKERS)]
    kills = 0
    total = ROOMS * PER_ROOM
    started = time.monotonic()

    async def produce() -> None:
        for seq in range(1, PER_ROOM + 1):
            for r in range(ROOMS):
                await intake.append(event(r, seq))
            await asyncio.sleep(0.05)

    live: set[asyncio.subprocess.Process] = set()

    async def settle(proc: asyncio.subprocess.Process) -> None:
        with contextlib.suppress(AssertionError):
            await ready(proc)
            live.add(proc)

    async def chaos() -> None:
        # A random connected worker dies at a random moment; its replacement starts at once.
        nonlocal kills
        settling = [asyncio.create_task(settle(w)) for w in workers]
        while kills < KILLS and len(slack.posts) < total:
            await asyncio.sleep(rng.uniform(0.2, 1.0))
            candidates = [i for i, w in enumerate(workers) if w in live]
            if not candidates:
                continue
            victim = rng.choice(candidates)
            live.discard(workers[victim])
            workers[victim].send_signal(signal.SIGKILL)
            await workers[victim].wait()
            kills += 1
            workers[victim] = await spawn(url, slack)
            settling.append(asyncio.create_task(settle(workers[victim])))
        await asyncio.gather(*settling)

    async def pending() -> int:
        return sum([(await client.xpending(stream_key(s, "slack"), GROUP))["pending"]
                    for s in range(SHARDS)])

    try:
        async with asyncio.timeout(50):
            producer = asyncio.create_task(produce())
            await chaos()
            await producer
            # Done when every entry is acknowledged (a worker killed after its last post
            # leaves one pending until the next owner checks the post and acknowledges it).
            while len(slack.posts) < total or await pending():  # noqa: ASYNC110 - polling
                await asyncio.sleep(0.05)
        elapsed = time.monotonic() - started
        # Anything still in flight would show up as an extra post: give it a moment.
        await asyncio.sleep(2 * LEASE_MS / 1000)
    except TimeoutError:
        pytest.fail(f"only {len(slack.posts)} of {total} posts after {kills} kills")
    finally:
        for proc in workers:
            if proc.returncode is None:
                proc.send_signal(signal.SIGKILL)
            await proc.wait()
        rooms_applied = [(await store.get(room(r).key)) for r in range(ROOMS)]
        dead = sum([await client.xlen(dead_key(s, "slack")) for s in range(SHARDS)])
        counting = sum([await client.hlen(attempts_key(s, "slack")) for s in range(SHARDS)])
        await client.aclose()
    print(f"\nkill test: {total} events, {ROOMS} rooms, {WORKERS} workers, {kills} SIGKILLs, "
          f"{len(slack.posts)} posts, {slack.history_calls} history look-ups, "
          f"{dead} dead letters, {elapsed:.1f} s")
    # Killing workers is not the events' fault: none of them is dead-lettered, and every
    # attempt recorded for a taken-over entry was cleared when it was acknowledged.
    assert dead == 0 and counting == 0
    assert kills >= KILLS // 2
    check_posts(slack, ROOMS, PER_ROOM)
    # The stored rooms agree: each counted every message exactly once.
    assert all(state is not None and state.human_messages == PER_ROOM for state in rooms_applied)
