"""The settings rate limit and the once-only announcement, in the platform-neutral core."""

from __future__ import annotations

from facilitator.events import Author, RoomRef
from facilitator.memory.store import RoomStore
from facilitator.policies.commands import CommandRequest, CommandServices, run_command
from facilitator.policies.ratelimit import SETTINGS_PER_WINDOW, SETTINGS_WINDOW_S, SettingsLimiter

ROOM = RoomRef(platform="local", workspace="w", channel="settings")
OTHER_ROOM = RoomRef(platform="local", workspace="w", channel="elsewhere")
DANA, ERIN = Author(id="dana", name="Dana"), Author(id="erin", name="Erin")
T0 = 2_000_000_000.0


def req(text: str, who: Author = DANA, *, at: float = T0, room: RoomRef = ROOM,
        admin: bool = False) -> CommandRequest:
    return CommandRequest(room=room, user=who, text=text, ts=at, is_admin=admin)


async def test_the_same_proposal_is_announced_once_and_a_second_still_applies(
        store: RoomStore) -> None:
    services = CommandServices()
    first = await run_command(store, req("pause"), services)
    again = await run_command(store, req("pause", at=T0 + 5), services)
    assert first.visibility == "room" and "proposes pausing me" in first.text
    assert again.visibility == "private" and "already" in again.text
    seconded = await run_command(store, req("pause", ERIN, at=T0 + 6), services)
    assert seconded.visibility == "room" and "seconding Dana" in seconded.text
    state = await store.get(ROOM.key)
    assert state is not None and state.charter.paused


async def test_the_limit_is_per_member_and_room_and_frees_up_with_time(store: RoomStore) -> None:
    services = CommandServices()
    texts = [f"goal aim number {i}" for i in range(SETTINGS_PER_WINDOW + 1)]
    replies = [await run_command(store, req(t, at=T0 + i), services) for i, t in enumerate(texts)]
    assert [r.visibility for r in replies] == ["room"] * SETTINGS_PER_WINDOW + ["private"]
    assert "about 10 minute(s)" in replies[-1].text
    state = await store.get(ROOM.key)
    assert state is not None and state.charter.pending is not None
    assert state.charter.pending.value == f"aim number {SETTINGS_PER_WINDOW - 1}"  # unchanged
    # Another room, another member: their own counts.
    assert (await run_command(store, req("quiet", room=OTHER_ROOM), services)).visibility == "room"
    assert (await run_command(store, req("quiet", ERIN), services)).visibility == "room"
    # Once the window has passed the first announcement, Dana may propose again.
    later = await run_command(store, req("shape meeting", at=T0 + SETTINGS_WINDOW_S + 0.5),
                              services)
    assert later.visibility == "room" and "proposes" in later.text


def test_private_answers_do_not_count() -> None:
    limiter = SettingsLimiter(limit=2, window_s=60)
    assert limiter.wait_s("r", "m", 0) == 0
    limiter.record("r", "m", 0)
    limiter.record("r", "m", 10)
    assert limiter.wait_s("r", "m", 20) == 40 and limiter.limited == 1
    assert limiter.wait_s("r", "m", 60.5) == 0
