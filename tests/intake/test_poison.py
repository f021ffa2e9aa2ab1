"""Poison events: an entry the engine keeps raising on is tried a bounded number of times, then
dead-lettered, acknowledged and counted; the shard and every other room go on; the command
line lists, shows and re-queues it. On a real server and a real 3-node cluster."""

from __future__ import annotations

import asyncio
import json
from collections import Counter, defaultdict
from pathlib import Path

from redis.exceptions import ConnectionError as RedisConnectionError
from slack_sdk.web.async_client import AsyncWebClient

from facilitator.adapters.slack.posting import SlackSender
from facilitator.engine import Engine, Outcome
from facilitator.events import ChatEvent
from facilitator.intake.dead import attempts_key, dead_key
from facilitator.intake.streams import GROUP, Intake, IntakeConfig, stream_key
from facilitator.intake.worker import Worker
from facilitator.memory.store import RoomStore
from facilitator.web.metrics import Metrics
from tests.conftest import FACILITATOR, cli_env
from tests.intake.fake_slack import FakeSlack
from tests.intake.scale_parts import ECHO, EchoPolicy, event, token_for
from tests.intake.test_metrics import samples
from tests.intake.test_worker import running, wait_for

ATTEMPTS = 4
ROOMS, PER_ROOM = 5, 4
POISON = "r2-m2"


class PoisonEngine(Engine):
    """The real engine, with a bug that makes it raise on some event ids."""

    def __init__(self, store: RoomStore, poison: set[str]) -> None:
        super().__init__(store, EchoPolicy(), bot_id="facilitator")
        self.poison = poison
        self.calls: Counter[str] = Counter()

    async def handle(self, event: ChatEvent) -> Outcome:
        self.calls[event.id] += 1
        if event.id in self.poison:
            raise RuntimeError(f"engine bug on {event.id}")
        return await super().handle(event)


def poison_worker(store: RoomStore, slack: FakeSlack, engine: Engine) -> Worker:
    intake = Intake(store.client, IntakeConfig(shards=1, attempts=ATTEMPTS), platform="slack",
                    metrics=Metrics())
    sender = SlackSender(AsyncWebClient(base_url=slack.base_url), token_for)
    return Worker(intake, engine, sender, lease_ms=600, block_ms=50,
                  retry_first_s=0.02, retry_max_s=0.1)


def answered(slack: FakeSlack) -> dict[str, list[tuple[str, int]]]:
    """Per room: (event id, the room's turn when it was applied), in the order posted."""
    rooms: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for post in slack.posts:
        m = ECHO.match(post.text)
        assert m, post.text
        rooms[m["event"].split("-")[0]].append((m["event"], int(m["turn"])))
    return rooms


async def cli(tmp_path: Path, url: str, *args: str) -> tuple[int, str, str]:
    env = cli_env(tmp_path, FACILITATOR_REDIS_URL=url, FACILITATOR_INTAKE_SHARDS="1")
    proc = await asyncio.create_subprocess_exec(
        *FACILITATOR, "intake", "dead", *args, env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_a_poison_event_is_dead_lettered_and_every_other_room_goes_on(
        backend: RoomStore, backend_url: str, slack: FakeSlack, tmp_path: Path) -> None:
    client = backend.client
    engine = PoisonEngine(backend, {POISON})
    worker = poison_worker(backend, slack, engine)
    intake = worker.intake  # one shard: every room shares it with the poison event
    for seq in range(1, PER_ROOM + 1):
        for r in range(ROOMS):
            await intake.append(event(r, seq))
    total = ROOMS * PER_ROOM
    async with running(worker):
        await wait_for(lambda: worker.handled == total)  # acknowledged, one as dead
        assert len(slack.posts) == total - 1 and worker.dead_lettered == 1

        # Every other event handled once, in its room's order; the poison room went on.
        rooms = answered(slack)
        for r in range(ROOMS):
            ids = [f"r{r}-m{seq}" for seq in range(1, PER_ROOM + 1) if f"r{r}-m{seq}" != POISON]
            assert rooms[f"r{r}"] == [(i, turn) for turn, i in enumerate(ids, start=1)]
        assert engine.calls[POISON] == ATTEMPTS
        assert max(c for e, c in engine.calls.items() if e != POISON) == 1

        # Acknowledged, its attempts forgotten, the dead letter stored with the error.
        assert (await client.xpending(stream_key(0, "slack"), GROUP))["pending"] == 0
        assert await client.hlen(attempts_key(0, "slack")) == 0
        assert await client.xlen(dead_key(0, "slack")) == 1

        # Counted in /metrics, with no id or text in the labels.
        worker.metrics.watch_dead(worker.dead.lengths)
        await worker.metrics.refresh()
        got = samples(worker.metrics.render().decode())
        assert got[("facilitator_dead_letters_total", (("platform", "slack"),))] == 1
        assert got[("facilitator_intake_attempts_failed_total", (("platform", "slack"),))] == ATTEMPTS
        assert got[("facilitator_dead_letters_stored", (("shard", "slack-s00"),))] == 1
        assert not any(POISON in str(labels) for _, labels in got)

        # The command line lists it and shows it ...
        code, out, _ = await cli(tmp_path, backend_url, "list")
        assert code == 0
        [line] = out.splitlines()
        assert f"event={POISON}" in line and f"attempts={ATTEMPTS}" in line
        assert "RuntimeError: engine bug" in line
        ref = line.split()[0]
        code, out, _ = await cli(tmp_path, backend_url, "show", ref)
        shown = json.loads(out)
        assert code == 0 and shown["id"] == ref and shown["attempts"] == ATTEMPTS
        assert shown["event"]["id"] == POISON and shown["error"] == f"RuntimeError: engine bug on {POISON}"

        # ... and, the bug fixed, re-queues it: it is handled like any event, once.
        engine.poison.clear()
        code, out, _ = await cli(tmp_path, backend_url, "requeue", ref)
        assert code == 0 and len(out.splitlines()) == 1
        assert out.startswith(f"re-queued event {POISON} at the end of slack-s00 as entry ")
        await wait_for(lambda: worker.handled == total + 1)
        code, out, _ = await cli(tmp_path, backend_url, "list")
        assert (code, out.strip()) == (0, "no slack dead letters (1 shards)")
        code, _, err = await cli(tmp_path, backend_url, "requeue", ref)
        assert code == 1 and "no dead letter" in err
    # Re-queued at the end of the stream: after the room's later events (OPERATIONS.md).
    assert answered(slack)["r2"][-1] == (POISON, PER_ROOM)
    assert Counter(p.metadata["event_payload"]["trigger"] for p in slack.posts
                   if p.metadata).most_common(1)[0][1] == 1
    assert (await client.xpending(stream_key(0, "slack"), GROUP))["pending"] == 0
    assert await client.xlen(dead_key(0, "slack")) == 0


async def test_an_entry_whose_every_attempt_died_with_its_worker_is_dead_lettered(
        backend: RoomStore, slack: FakeSlack) -> None:
    """No exception to catch: the worker died during each attempt (the attempts recorded
    before they ran say so). The next delivery moves it to the dead letters untried."""
    client = backend.client
    engine = PoisonEngine(backend, set())
    worker = poison_worker(backend, slack, engine)
    first, second = event(1, 1), event(1, 2)
    entry = await worker.intake.append(first)
    await worker.intake.append(second)
    await client.xreadgroup(GROUP, "dead-worker", {stream_key(0, "slack"): ">"}, count=1)
    await client.hset(attempts_key(0, "slack"), entry, ATTEMPTS)
    async with running(worker):
        await wait_for(lambda: worker.handled == 2)
    assert engine.calls[first.id] == 0 and worker.dead_lettered == 1
    assert [p.text for p in slack.posts] == [f"{second.id} at turn 1"]
    [(_, fields)] = await client.xrange(dead_key(0, "slack"))
    assert fields[b"attempts"] == str(ATTEMPTS).encode() and fields[b"entry"] == entry.encode()
    assert b"no attempt finished" in fields[b"error"]
    assert await client.hlen(attempts_key(0, "slack")) == 0


async def test_a_store_error_is_not_the_events_fault(backend: RoomStore,
                                                     slack: FakeSlack) -> None:
    """The store failing while an entry is handled stops the shard (taken again later), and
    does not count as one of the entry's attempts: a store outage dead-letters nothing."""
    class Flaky(PoisonEngine):
        async def handle(self, event: ChatEvent) -> Outcome:
            self.calls[event.id] += 1
            if self.calls[event.id] <= ATTEMPTS + 1:
                raise RedisConnectionError("connection reset by peer")
            return await Engine.handle(self, event)

    engine = Flaky(backend, set())
    worker = poison_worker(backend, slack, engine)
    worker.lease_ms = 200
    await worker.intake.append(event(1, 1))
    async with running(worker):
        await wait_for(lambda: len(slack.posts) == 1)
    assert worker.dead_lettered == 0 and engine.calls[event(1, 1).id] == ATTEMPTS + 2
    assert await backend.client.xlen(dead_key(0, "slack")) == 0
