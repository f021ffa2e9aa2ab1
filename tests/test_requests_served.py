"""Requests the bot serves by a move in the room, not a readout (issue 20, item 3).

- "Give everyone a turn" / "make some space for Dana": the bot invites the quiet members (or
  the one named), the way its `invite_quiet` move does, with the same guards: present, not
  into a fight, not a stranger in a big room.

Each test plays a small room through the real engine and offline policy (a real embedded
Valkey) and checks what a member sees, and what the room's record keeps. The requests are
read by the readers as they stand (the fitted read names these services); the phrasings were
written for these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

from facilitator.engine import Engine, Outcome
from facilitator.events import EventKind, RoomRef
from facilitator.memory.state import RoomState
from facilitator.memory.store import RoomStore
from facilitator.policies.policy import FacilitatorPolicy
from facilitator.sim.replay import replay
from tests.helpers import msg

# Ann and Bob hold the floor; Cy and Dana said one thing each at the start.
VENUE = [("ann", "The venue contract arrived today."),
         ("bob", "Great, I'll read it tonight."),
         ("cy", "Do we have a budget cap?"),
         ("dana", "I can check the catering options."),
         ("ann", "The lake house is cheaper than the hotel."),
         ("bob", "But the hotel is closer to the station."),
         ("ann", "Trains run hourly to the lake though."),
         ("bob", "Hourly is fine for most people."),
         ("ann", "Then the lake house it could be."),
         ("bob", "Let's see the prices first.")]
READOUT = ("One way to take it", "A process that often helps", "What the group has decided",
           "for this room I keep", "Here's where things stand")


async def play(store: RoomStore, room: str, lines: list[tuple[str, str]],
               ) -> tuple[Outcome, RoomState]:
    engine = Engine(store, FacilitatorPolicy())
    outcome = None
    for n, (who, text) in enumerate(lines):
        outcome = await engine.handle(msg(room, who, text, id=f"{room}-{n}", ts=1000.0 + 30 * n))
    state = await store.get(RoomRef.local(room).key)
    assert outcome is not None and state is not None
    return outcome, state


def said(outcome: Outcome, *, readout: bool = False) -> str:
    """What the members saw; no readout in place of the move unless `readout`."""
    d = outcome.decision
    assert d.speak and d.text, d.reason
    assert readout or not any(r in d.text for r in READOUT), d.text
    return d.text


# ---- give everyone a turn ---------------------------------------------------------------------

async def test_give_the_quieter_ones_a_turn_invites_them_by_name(store: RoomStore) -> None:
    out, state = await play(store, "turn", [
        *VENUE, ("ann", "@facilitator please give the quieter folks a chance to speak")])
    text = said(out)
    assert out.decision.intervention == "invite_quiet"
    assert "Cy" in text and "Dana" in text and "Bob" not in text and "Ann" not in text
    assert sorted(out.decision.to) == ["cy", "dana"]
    # Invited as the move invites: the room remembers it, and won't call on them again at once.
    assert state.participants["dana"].invited_turn == state.human_messages
    again, _ = await play(store, "turn", [
        ("ann", "@facilitator please give the quieter folks a chance to speak")])
    assert again.decision.intervention != "invite_quiet"


async def test_make_some_space_for_a_named_member_invites_that_member(store: RoomStore) -> None:
    out, _ = await play(store, "named", [*VENUE[:8],
                                         ("cy", "@facilitator can you make some space for Dana?")])
    text = said(out)
    assert out.decision.intervention == "invite_quiet" and out.decision.to == ["dana"]
    assert text.startswith("Dana,") or "from Dana" in text
    assert "Cy" not in text  # the asker is not put on the spot


async def test_the_members_named_as_holding_the_floor_are_not_the_ones_invited(
        store: RoomStore) -> None:
    out, _ = await play(store, "floor", [
        *VENUE[:8], ("cy", "@facilitator it's been Ann and Bob for ages, can you let the others in?")])
    text = said(out)
    assert out.decision.to == ["dana"] and "Dana" in text
    assert "Ann" not in text and "Bob" not in text


async def test_a_turn_in_another_language_invites_the_member_named(store: RoomStore) -> None:
    out, _ = await play(store, "es", [
        ("ana", "El sábado salimos a las siete."), ("beto", "Mejor a las seis y media."),
        ("caro", "¿Quién lleva el botiquín?"), ("dani", "Yo llevo agua."),
        ("ana", "Vale, seis y media."), ("beto", "Y comemos en el refugio."),
        ("ana", "Perfecto."), ("beto", "Yo llevo los mapas."),
        ("beto", "@facilitator dale la palabra a Dani, por favor")])
    assert out.decision.intervention == "invite_quiet" and out.decision.to == ["dani"]
    assert "Dani" in said(out)


async def test_no_invitation_into_a_fight(store: RoomStore) -> None:
    out, _ = await play(store, "fight", [
        *VENUE[:6], ("ann", "You're an idiot, Bob, that's a stupid idea."),
        ("bob", "Shut up Ann, nobody asked you."),
        ("cy", "@facilitator can you make some space for Dana?")])
    text = said(out)
    assert out.decision.intervention == "answer" and out.decision.to == ["cy"]
    assert "Dana" not in text and "heated" in text


async def test_a_member_who_left_is_not_called_on(store: RoomStore) -> None:
    engine = Engine(store, FacilitatorPolicy())
    for n, (who, text) in enumerate(VENUE[:8]):
        await engine.handle(msg("left", who, text, ts=1000.0 + n))
    await engine.handle(msg("left", "dana", "", kind=EventKind.LEAVE, ts=1010.0))
    out = await engine.handle(msg("left", "cy", "@facilitator can you make some space for Dana?",
                                  ts=1011.0))
    text = said(out)
    assert out.decision.intervention == "answer"
    assert "Dana isn't in the room right now" in text


async def test_a_stranger_in_a_big_room_is_not_called_on_by_name(store: RoomStore) -> None:
    engine = Engine(store, FacilitatorPolicy())
    for n in range(9):  # nine members in, one of them has never spoken
        await engine.handle(msg("big", f"m{n}", "", kind=EventKind.JOIN, ts=900.0 + n))
    for n, (who, text) in enumerate(VENUE):
        await engine.handle(msg("big", who, text, ts=1000.0 + n))
    out = await engine.handle(msg("big", "cy", "@facilitator can you make some space for M3?",
                                  ts=1020.0))
    text = said(out)
    assert out.decision.intervention == "answer" and "M3" not in text
    assert "before they've spoken here" in text


async def test_when_nobody_is_left_out_the_bot_says_so(store: RoomStore) -> None:
    out, _ = await play(store, "even", [
        ("ann", "Shall we meet on Monday?"), ("bob", "Monday works."),
        ("cy", "Monday is fine for me too."),
        ("bob", "@facilitator please give the quieter folks a chance to speak")])
    text = said(out)
    assert out.decision.intervention == "answer"
    assert "don't see anyone left out" in text


# ---- through replay, as `facilitator replay --json` reports it ---------------------------------

async def test_replay_shows_the_invitation(store: RoomStore, tmp_path: Path) -> None:
    lines = [*(("turns", who, text) for who, text in VENUE),
             ("turns", "ann", "@facilitator please give the quieter folks a chance to speak")]
    path = tmp_path / "chat.jsonl"
    path.write_text("".join(json.dumps({"id": f"m{n}", "room": room, "author": who,
                                        "author_name": who.capitalize(), "text": text,
                                        "ts": 1000.0 + 30 * n}) + "\n"
                            for n, (room, who, text) in enumerate(lines)))
    report = await replay(Engine(store, FacilitatorPolicy()), [path], bot_name="facilitator")
    spoken = [s for s in report["steps"] if s["speak"]]
    assert [(s["id"], s["intervention"]) for s in spoken] == [("m10", "invite_quiet")]
    assert "Cy and Dana" in spoken[0]["text"]
