"""Slow digests: only when there is something, gently about quiet voices, once per period
across workers, and a schedule that lives in Redis."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from web_rooms import START, lively_room, ref

from facilitator.events import RoomRef
from facilitator.memory.server import EmbeddedServer
from facilitator.memory.state import Participant, RoomState
from facilitator.memory.store import RoomStore, connect_url
from facilitator.policies.digests.compose import compose_digest
from facilitator.policies.digests.schedule import DUE_KEY, DigestScheduler, next_due, period_of

ROOM = ref("C0DIGEST01")


class Board:
    """Where digests get posted (the platform's side of `post`)."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, str]] = []

    async def post(self, room: RoomRef, text: str) -> str:
        await asyncio.sleep(0.01)  # a real post takes a moment: workers overlap here
        self.posts.append((room.key, text))
        return f"p{len(self.posts)}"


def test_next_due_is_the_next_morning_or_monday() -> None:
    sunday_noon = datetime(2026, 11, 22, 12, 0, tzinfo=UTC).timestamp()
    daily = datetime.fromtimestamp(next_due("daily", sunday_noon) or 0, UTC)
    weekly = datetime.fromtimestamp(next_due("weekly", sunday_noon) or 0, UTC)
    assert (daily.day, daily.hour) == (23, 9)
    assert (weekly.weekday(), weekly.day, weekly.hour) == (0, 23, 9)
    assert next_due("off", sunday_noon) is None
    assert period_of("weekly", weekly.timestamp()) == "2026-W48"


def test_nothing_to_say_means_no_digest() -> None:
    assert compose_digest(RoomState(room="r")) is None
    assert compose_digest(RoomState(room="r"), scheduled=False) is None


async def test_a_digest_holds_the_rooms_records_and_no_numbers_about_people(store: RoomStore) -> None:
    await lively_room(store, ROOM)

    def lurkers(state: RoomState) -> None:
        state.participants["dana"] = Participant(id="dana", name="Dana", first_turn=0)
        state.participants["li"].last_ts = START  # spoke early, then not since

    state = await store.update(ROOM.key, lurkers)
    text = compose_digest(state, since=START + 60)
    assert text is not None
    for part in ("Decided:", "We vote at the next meeting", "owner: Ana", "Still open:",
                 "waiting on Greg", "Proposals awaiting a second:", "the 14th", "Action items:",
                 "Ana: pull the waiting list tonight", "Common ground:"):
        assert part in text, part
    quiet = text.split("\n\n")[-1]
    assert quiet.startswith("We haven't heard lately from") and "Dana" in quiet
    assert not re.search(r"\d", quiet) and "%" not in text
    # Nothing new since the last digest: a scheduled digest stays silent.
    assert compose_digest(state, since=state.last_ts + 1) is None


@pytest.fixture
async def shared_server() -> AsyncIterator[str]:
    async with EmbeddedServer() as srv:
        yield srv.url


async def test_several_workers_post_one_digest_once(shared_server: str) -> None:
    workers = [RoomStore(await connect_url(shared_server), retention_s=3600) for _ in range(4)]
    try:
        await lively_room(workers[0], ROOM)

        def daily(state: RoomState) -> None:
            state.charter.digest = "daily"

        await workers[0].update(ROOM.key, daily)
        clock = {"now": START + 3600}
        board = Board()
        schedulers = [DigestScheduler(w, board.post, clock=lambda: clock["now"]) for w in workers]
        due = await schedulers[0].set(ROOM, "daily")
        assert due is not None and datetime.fromtimestamp(due, UTC).hour == 9
        assert sum(await asyncio.gather(*(s.run_due() for s in schedulers))) == 0  # not yet due
        clock["now"] = due + 5
        posted = await asyncio.gather(*(s.run_due() for s in schedulers))
        assert sum(posted) == 1 and len(board.posts) == 1
        assert board.posts[0][0] == ROOM.key and "Here's where the room stands." in board.posts[0][1]
        # The next one is tomorrow morning, and running again now posts nothing.
        assert await workers[1].client.zscore(DUE_KEY, ROOM.key) == pytest.approx(due + 86400)
        assert sum(await asyncio.gather(*(s.run_due() for s in schedulers))) == 0
        # Tomorrow: nothing happened in the room since, so nothing is posted.
        clock["now"] = due + 86400 + 5
        assert sum(await asyncio.gather(*(s.run_due() for s in schedulers))) == 0
        assert len(board.posts) == 1
    finally:
        for w in workers:
            await w.client.aclose()


async def test_the_schedule_survives_a_restart(tmp_path: object) -> None:
    from pathlib import Path
    assert isinstance(tmp_path, Path)
    data = tmp_path / "durable"
    clock = {"now": START}
    async with EmbeddedServer(data_dir=data) as srv:
        store = RoomStore(await connect_url(srv.url), retention_s=86400 * 30)
        await lively_room(store, ROOM)

        def weekly(state: RoomState) -> None:
            state.charter.digest = "weekly"

        await store.update(ROOM.key, weekly)
        due = await DigestScheduler(store, clock=lambda: clock["now"]).set(ROOM, "weekly")
        await store.client.aclose()
    # A new process: the same data folder, a fresh server and scheduler.
    async with EmbeddedServer(data_dir=data) as srv:
        store = RoomStore(await connect_url(srv.url), retention_s=86400 * 30)
        board = Board()
        assert due is not None
        clock["now"] = due + 1
        assert await DigestScheduler(store, board.post, clock=lambda: clock["now"]).run_due() == 1
        assert len(board.posts) == 1
        await store.client.aclose()


async def test_paused_or_switched_off_rooms_get_no_digest(store: RoomStore) -> None:
    await lively_room(store, ROOM)
    board = Board()
    clock = {"now": START}
    scheduler = DigestScheduler(store, board.post, clock=lambda: clock["now"])

    def paused_daily(state: RoomState) -> None:
        state.charter.digest, state.charter.paused = "daily", True

    await store.update(ROOM.key, paused_daily)
    due = await scheduler.set(ROOM, "daily")
    assert due is not None
    clock["now"] = due + 1
    assert await scheduler.run_due() == 0

    def off(state: RoomState) -> None:
        state.charter.digest, state.charter.paused = "off", False

    await store.update(ROOM.key, off)
    clock["now"] = due + 86400 + 1
    assert await scheduler.run_due() == 0 and board.posts == []
    assert await store.client.zscore(DUE_KEY, ROOM.key) is None
