"""The intake and the worker loop on a real server and a real 3-node cluster."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter, defaultdict
from collections.abc import AsyncIterator

import pytest
from redis.exceptions import RedisError
from slack_sdk.web.async_client import AsyncWebClient

from facilitator.adapters.slack.posting import SlackSender
from facilitator.engine import Engine
from facilitator.events import RoomRef
from facilitator.intake.posts import Ledger
from facilitator.intake.streams import FIELD, GROUP, Intake, IntakeConfig, stream_key
from facilitator.intake.worker import Worker
from facilitator.memory.store import RoomStore
from facilitator.web.metrics import Metrics
from tests.intake.fake_slack import FakeSlack
from tests.intake.scale_parts import ECHO, EchoPolicy, event, token_for


def make_worker(store: RoomStore, slack: FakeSlack, shards: int, *, lease_ms: int = 600,
                **kw: object) -> Worker:
    metrics = Metrics()
    engine = Engine(store, EchoPolicy(), bot_id="facilitator")
    sender = SlackSender(AsyncWebClient(base_url=slack.base_url), token_for)
    return Worker(Intake(store.client, IntakeConfig(shards=shards), platform="slack",
                          metrics=metrics), engine,
                  sender, lease_ms=lease_ms, block_ms=50, **kw)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def running(*workers: Worker) -> AsyncIterator[None]:
    stop = asyncio.Event()
    tasks = [asyncio.create_task(w.run(stop)) for w in workers]
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks)


async def wait_for(predicate: object, wait_s: float = 20.0) -> None:
    async with asyncio.timeout(wait_s):
        while not predicate():  # type: ignore[operator]  # noqa: ASYNC110 - polls a fake
            await asyncio.sleep(0.02)


def check_posts(slack: FakeSlack, rooms: int, per_room: int) -> None:
    """Every event answered once, and each at the turn that is its place in the room."""
    triggers = Counter(p.metadata["event_payload"]["trigger"] for p in slack.posts
                       if p.metadata)
    assert len(slack.posts) == rooms * per_room
    assert max(triggers.values()) == 1
    turns: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for post in slack.posts:
        m = ECHO.match(post.text)
        assert m, post.text
        room_no, seq = m["event"][1:].split("-m")
        turns[room_no].append((int(seq), int(m["turn"])))
    for pairs in turns.values():
        assert sorted(pairs) == [(seq, seq) for seq in range(1, per_room + 1)]


async def test_two_workers_share_the_rooms_and_keep_each_rooms_order(
        backend: RoomStore, slack: FakeSlack) -> None:
    shards, rooms, per_room = 8, 12, 15
    intake = Intake(backend.client, IntakeConfig(shards=shards), platform="slack")
    # Leases long enough that a starved worker on a loaded machine does not lose one: this
    # test counts each entry handled exactly once, which a takeover would (rightly) repeat.
    one, two = (make_worker(backend, slack, shards, lease_ms=3000),
                make_worker(backend, slack, shards, lease_ms=3000))
    for seq in range(1, per_room + 1):
        for r in range(rooms):
            await intake.append(event(r, seq))
    async with running(one, two):
        await wait_for(lambda: len(slack.posts) >= rooms * per_room)
        # Rooms spread: each worker comes to own half of the shards.
        await wait_for(lambda: len(one.owned) == len(two.owned) == shards // 2)
        assert not set(one.owned) & set(two.owned)
    check_posts(slack, rooms, per_room)
    assert one.handled + two.handled == rooms * per_room
    for shard in range(shards):
        pending = await backend.client.xpending(stream_key(shard, "slack"), GROUP)
        assert pending["pending"] == 0


async def test_a_taken_over_event_is_not_posted_twice(backend: RoomStore,
                                                      slack: FakeSlack) -> None:
    """A worker died after posting, before it acknowledged: the next one finds the post."""
    shards = 2
    intake = Intake(backend.client, IntakeConfig(shards=shards), platform="slack")
    first, second = event(1, 1), event(2, 1)
    for e in (first, second):
        await intake.append(e)
        shard = intake.shard_of(e.room.key)
        # The dead worker read the entry and never acknowledged it.
        await backend.client.xreadgroup(GROUP, "dead-worker", {stream_key(shard, "slack"): ">"}, count=1)
    engine = Engine(backend, EchoPolicy(), bot_id="facilitator")
    ledger = Ledger(backend.client)
    sender = SlackSender(AsyncWebClient(base_url=slack.base_url), token_for)
    # `first`: decided, intent saved, posted; the worker died before writing "posted".
    outcome = await engine.handle(first)
    await ledger.put(first.room.key, first.id, outcome.decision.text or "", "intent")
    await sender.post(first.room, outcome.decision.text or "", trigger=first.id)
    # `second`: decided and saved; the worker died before the ledger heard of it.
    await engine.handle(second)
    assert len(slack.posts) == 1

    worker = make_worker(backend, slack, shards)
    async with running(worker):
        await wait_for(lambda: worker.handled == 2)
    assert [p.metadata["event_payload"]["trigger"] for p in slack.posts] == [first.id, second.id]
    recovered = worker.metrics.posts_recovered.labels("slack")._value.get()
    assert recovered == 1
    assert (await ledger.get(second.room.key, second.id))["state"] == "posted"
    state = await backend.get(second.room.key)
    assert state is not None and state.bot_log[-1].id == slack.posts[1].ts


async def test_bad_entries_are_acknowledged_and_never_block_the_room(
        backend: RoomStore, slack: FakeSlack) -> None:
    intake = Intake(backend.client, IntakeConfig(shards=1), platform="slack")
    await intake.ensure_group(0)
    for junk in (b"not json", b'{"id": 3}', "\udcff".encode("utf-8", "surrogatepass")):
        await backend.client.xadd(stream_key(0, "slack"), {FIELD: junk})
    await backend.client.xadd(stream_key(0, "slack"), {b"other": b"x"})
    await intake.append(event(1, 1))
    worker = make_worker(backend, slack, 1)
    async with running(worker):
        await wait_for(lambda: worker.handled == 5)
    assert worker.invalid == 4
    check_posts(slack, 1, 1)


async def test_each_platform_has_its_own_streams(backend: RoomStore, slack: FakeSlack) -> None:
    """A Slack worker can only post to Slack: it never takes a Discord room's events."""
    on_discord = event(1, 1).model_copy(update={"room": RoomRef(platform="discord",
                                                                workspace="81", channel="82")})
    slack_intake = Intake(backend.client, IntakeConfig(shards=2), platform="slack")
    discord_intake = Intake(backend.client, IntakeConfig(shards=2), platform="discord")
    with pytest.raises(ValueError, match="discord event in the slack intake"):
        await slack_intake.append(on_discord)
    await discord_intake.append(on_discord)
    worker = make_worker(backend, slack, 2)
    async with running(worker):
        await wait_for(lambda: len(worker.owned) == 2)
        await asyncio.sleep(0.2)
    assert worker.handled == 0 and slack.posts == []
    rows = await discord_intake.stream_rows()
    assert sum(length for _, length, _ in rows) == 1
    with pytest.raises(ValueError, match="slack sender for the discord intake"):
        Worker(discord_intake, worker.engine, worker.sender)


async def test_a_worker_that_lost_its_lease_stops_taking_entries(backend: RoomStore,
                                                                 slack: FakeSlack) -> None:
    """Another worker holds the shard now (this one was paused past its lease): whatever
    arrives is left for the owner, never handled by both."""
    intake = Intake(backend.client, IntakeConfig(shards=1), platform="slack")
    worker = make_worker(backend, slack, 1)
    await intake.append(event(1, 1))
    async with running(worker):
        await wait_for(lambda: worker.handled == 1)
        await backend.client.set(intake.lease(0), "another-worker")
        await wait_for(lambda: worker.owned == [])
        await intake.append(event(1, 2))
        await asyncio.sleep(0.5)
        assert worker.handled == 1 and worker.owned == []
    assert len(slack.posts) == 1
    assert await backend.client.xlen(intake.stream(0)) == 2


async def test_the_worker_stops_even_when_the_store_client_swallows_a_cancel(
        backend: RoomStore, slack: FakeSlack) -> None:
    """The cluster client can turn a cancel that lands mid-command into a RedisError; the
    lease loop then must still end when the worker stops (it once renewed forever and the
    suite hung for 22 minutes waiting for it)."""
    worker = make_worker(backend, slack, 1)
    renew = worker._renew
    hold, in_flight = asyncio.Event(), asyncio.Event()

    async def swallowing(*args: object, **kw: object) -> object:
        try:
            if hold.is_set():
                in_flight.set()
                await asyncio.sleep(30)  # a renewal in flight when the worker stops
            return await renew(*args, **kw)  # type: ignore[arg-type]
        except asyncio.CancelledError:
            raise RedisError("connection reset while cancelled") from None

    worker._renew = swallowing  # type: ignore[method-assign]
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    await wait_for(lambda: len(worker.owned) == 1)
    hold.set()
    await asyncio.wait_for(in_flight.wait(), 5)
    stop.set()
    async with asyncio.timeout(10):
        await task
    assert worker.owned == []
