"""Admin controls and the new commands, through the platform-neutral core and the real engine."""

from __future__ import annotations

import re

from web_harness import SECRET
from web_rooms import lively_room, ref

from facilitator.engine import Engine
from facilitator.events import Author, ChatEvent
from facilitator.memory.state import RoomState
from facilitator.memory.store import RoomStore
from facilitator.policies.commands import CommandRequest, CommandServices, run_command
from facilitator.policies.digests.schedule import DUE_KEY, DigestScheduler
from facilitator.policies.policy import FacilitatorPolicy
from facilitator.web.links import LinkSigner

ROOM = ref("C0ADMIN001")
ALICE, BOB, CAROL = Author(id="alice", name="Alice"), Author(id="bob", name="Bob"), \
    Author(id="carol", name="Carol")


def req(text: str, who: Author = ALICE, *, admin: bool = False, ts: float = 2_000_000_000.0
        ) -> CommandRequest:
    return CommandRequest(room=ROOM, user=who, text=text, is_admin=admin, ts=ts)


async def ask_bot(engine: Engine, n: int) -> bool:
    """Whether the bot answers a member who addresses it directly."""
    outcome = await engine.handle(ChatEvent(
        id=f"ask{n}", room=ROOM, author=BOB, text="@facilitator what is still open?",
        ts=2_000_000_000.0 + n, addressed=True))
    return outcome.decision.speak


async def test_pause_takes_a_second_and_silences_the_bot_until_resumed(store: RoomStore) -> None:
    engine = Engine(store, FacilitatorPolicy(), bot_id="facilitator")
    assert await ask_bot(engine, 1)
    asked = await run_command(store, req("pause", ALICE))
    assert asked.visibility == "room" and "second this with `/facilitator pause`" in asked.text
    assert not (await store.get(ROOM.key)).charter.paused  # type: ignore[union-attr]
    assert not (await run_command(store, req("pause", ALICE))).text.startswith("Alice agreed")
    seconded = await run_command(store, req("pause", BOB))
    assert seconded.visibility == "room" and "seconding Alice" in seconded.text
    assert (await store.get(ROOM.key)).charter.paused  # type: ignore[union-attr]
    assert not await ask_bot(engine, 2)  # even when addressed: paused means silent
    state = await store.get(ROOM.key)
    assert state is not None and state.human_messages == 2  # the read stays current while paused
    await run_command(store, req("resume", CAROL, admin=True))
    assert await ask_bot(engine, 3)


async def test_lock_makes_settings_admin_only(store: RoomStore) -> None:
    refused = await run_command(store, req("lock", BOB))
    assert refused.visibility == "private" and "Only an admin" in refused.text
    locked = await run_command(store, req("lock", ALICE, admin=True))
    assert locked.visibility == "room" and "only an admin" in locked.text
    for text in ("quiet", "goal Plan the fair", "pause", "digest weekly"):
        reply = await run_command(store, req(text, BOB))
        assert reply.visibility == "private" and "locked" in reply.text, text
    state = await store.get(ROOM.key)
    assert state is not None and state.charter.pending is None
    assert state.charter.activity.value == "normal" and not state.charter.paused
    assert (await run_command(store, req("quiet", ALICE, admin=True))).visibility == "room"
    await run_command(store, req("unlock", ALICE, admin=True))
    assert "proposes" in (await run_command(store, req("active", BOB))).text


async def test_page_link_is_private_and_opens_only_this_room(store: RoomStore) -> None:
    none = await run_command(store, req("page"))
    assert none.visibility == "private" and "FACILITATOR_PUBLIC_URL" in none.text
    signer = LinkSigner(SECRET, "https://bot.example.org")
    reply = await run_command(store, req("page", BOB), CommandServices(links=signer))
    assert reply.visibility == "private"
    url = re.search(r"https://bot\.example\.org/room/(\S+)", reply.text)
    assert url is not None
    claims = signer.verify(url.group(1), "page")
    assert claims is not None and claims.room_key == ROOM.key


async def test_export_and_delete_are_for_admins(store: RoomStore) -> None:
    await lively_room(store, ROOM)
    signer = LinkSigner(SECRET, "https://bot.example.org")
    digests = DigestScheduler(store)
    services = CommandServices(links=signer, digests=digests)
    assert "Only an admin" in (await run_command(store, req("export", BOB), services)).text
    export = await run_command(store, req("export", ALICE, admin=True), services)
    assert export.visibility == "private"
    token = re.search(r"/room/(\S+)/export\.json", export.text)
    assert token is not None and signer.verify(token.group(1), "export")
    assert "Only an admin" in (await run_command(store, req("delete-room", BOB), services)).text
    await run_command(store, req("digest daily", ALICE, admin=True), services)
    assert await store.client.zscore(DUE_KEY, ROOM.key) is not None
    warn = await run_command(store, req("delete-room", ALICE, admin=True), services)
    assert warn.visibility == "private" and "delete-room confirm" in warn.text
    # Before erasing, the admin is offered the room's memory to keep, like `export`.
    copy = re.search(r"/room/(\S+)/export\.json", warn.text)
    assert copy is not None and signer.verify(copy.group(1), "export")
    assert await store.get(ROOM.key) is not None
    done = await run_command(store, req("delete-room confirm", ALICE, admin=True), services)
    assert done.visibility == "room" and "erased" in done.text
    assert await store.get(ROOM.key) is None
    assert await store.client.zscore(DUE_KEY, ROOM.key) is None  # no digest for a room we forgot


async def test_delete_room_also_clears_a_room_whose_state_was_unreadable(store: RoomStore) -> None:
    from facilitator.memory.keys import state_key
    from facilitator.memory.store import RoomQuarantined

    await lively_room(store, ROOM)
    await store.client.hset(state_key(ROOM.key), mapping={"state": b'{"room": 1', "ver": 99})
    try:
        await store.get(ROOM.key)
    except RoomQuarantined:
        pass
    assert await store.quarantined_state(ROOM.key) is not None
    done = await run_command(store, req("delete-room confirm", ALICE, admin=True), CommandServices())
    assert "erased" in done.text
    assert await store.quarantined_state(ROOM.key) is None
    # The room starts afresh: the next message is kept, not refused.
    engine = Engine(store, FacilitatorPolicy())
    outcome = await engine.handle(ChatEvent(id="after", room=ROOM, author=BOB, text="hello again",
                                            ts=2_000_000_100.0))
    assert outcome.processed
    state = await store.get(ROOM.key)
    assert state is not None and state.human_messages == 1


async def test_digest_schedule_is_a_setting_like_any_other(store: RoomStore) -> None:
    digests = DigestScheduler(store, clock=lambda: 2_000_000_000.0)
    services = CommandServices(digests=digests)
    bad = await run_command(store, req("digest hourly"), services)
    assert bad.visibility == "private" and "off" in bad.text
    await run_command(store, req("digest weekly", ALICE), services)
    assert await store.client.zscore(DUE_KEY, ROOM.key) is None  # not until seconded
    await run_command(store, req("digest weekly", BOB), services)
    state = await store.get(ROOM.key)
    assert state is not None and state.charter.digest == "weekly"
    assert await store.client.zscore(DUE_KEY, ROOM.key) is not None


async def test_status_speaks_plain_words(store: RoomStore) -> None:
    engine = Engine(store, FacilitatorPolicy(), bot_id="facilitator")
    await engine.handle(ChatEvent(id="m1", room=ROOM, author=ALICE, text="Morning all, shall we start?",
                                  ts=2_000_000_000.0))
    one = await run_command(store, req("status"))
    assert "one person has spoken so far" in one.text and "1 people" not in one.text
    await lively_room(store, ROOM)
    status = (await run_command(store, req("status"))).text
    assert "Gini" not in status and "%" not in status and "tension" not in status
    assert status.startswith("Voices: 5 people have spoken;")
    assert "Settings: I'm set to normal" in status


async def test_on_demand_digest_is_for_the_room(store: RoomStore) -> None:
    empty = await run_command(store, req("digest"))
    assert empty.visibility == "private" and "Nothing for a digest yet" in empty.text
    await lively_room(store, ROOM)
    digest = await run_command(store, req("digest"))
    assert digest.visibility == "room" and "We vote at the next meeting" in digest.text


def test_room_state_defaults_keep_old_rooms_loading() -> None:
    old = RoomState.model_validate_json('{"room": "slack:T:C", "charter": {"goal": "x"}}')
    assert not old.charter.paused and not old.charter.locked and old.charter.digest == "off"
    assert old.history == [] and not old.welcomed


async def test_status_points_to_the_page_only_when_it_is_served(store: RoomStore) -> None:
    without = await run_command(store, req("status"))
    assert "/facilitator page" not in without.text
    signer = LinkSigner(SECRET, "https://bot.example.org")
    with_page = await run_command(store, req("status"), CommandServices(links=signer))
    assert "`/facilitator page` sends you a private link" in with_page.text


def test_history_keeps_one_sample_per_minute_and_stays_bounded() -> None:
    from facilitator.memory.state import CAP_HISTORY
    from facilitator.memory.trackers import note_minute
    state = RoomState(room="r")
    for i in range(CAP_HISTORY * 3):
        note_minute(state, 600.0 + i * 20, tension=0.5, evenness=0.9, voices=3,
                    human_message=True, bot_spoke=i % 7 == 0)
    assert len(state.history) == CAP_HISTORY
    assert all(b.t == a.t + 1 for a, b in zip(state.history, state.history[1:], strict=False))
    assert all(m.messages == 3 for m in state.history[:-1])  # 20 s apart: three a minute


async def test_the_room_can_set_its_shape_and_the_gate_follows_it(store: RoomStore) -> None:
    from facilitator.memory.trackers.kind import shape

    bad = await run_command(store, req("shape circus", BOB))
    assert bad.visibility == "private" and "meeting" in bad.text
    await run_command(store, req("shape channel", ALICE))
    state = await store.get(ROOM.key) or RoomState(room=ROOM.key)
    assert state.charter.shape == "auto"  # one member alone changes nothing
    await run_command(store, req("shape channel", BOB))
    state = await store.get(ROOM.key)
    assert state is not None and state.charter.shape == "channel" and shape(state) == "channel"
    await run_command(store, req("shape auto", CAROL, admin=True))
    state = await store.get(ROOM.key)
    assert state is not None and shape(state) == state.rolling.shape
