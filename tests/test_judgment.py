"""Judgment on the shapes real rooms have: one personal attack, a busy support channel,
invitations only to people who can answer, and the same words under any hash seed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from facilitator.engine import Engine, Outcome
from facilitator.events import ChatEvent, EventKind
from facilitator.memory.state import RoomState
from facilitator.memory.store import RoomStore
from facilitator.policies.decision import BotDecision
from facilitator.policies.policy import FacilitatorPolicy
from facilitator.policies.signals import Signals
from tests.conftest import REPO, SHARED_DATA
from tests.helpers import msg
from tests.policy_scenarios import bot_turns, run, scenario


async def test_one_personal_attack_in_a_short_thread_is_answered_to_the_attacker(
        store: RoomStore) -> None:
    lines = [("maria", "I moved the standup to 10 so the Berlin folks can join."),
             ("tom", "You are an idiot, nobody asked you to touch the calendar.")]
    # A room of three too young to read: nothing proactive is on by default (issue 19, see
    # tests/test_room_kinds.py); this room asked for answers to attacks.
    result = await run(store, scenario(lines, people=("maria", "tom", "lee"),
                                       more=("answer_attack",)), attack_read="fitted")
    turns = bot_turns(result)
    assert [(i, t.intervention, t.to) for i, t in turns] == [(1, "deescalate", ["tom"])]
    text = turns[0][1].text
    # With the fitted reader, one short line to the attacker about keeping to the point.
    assert text.startswith("Tom") and "Maria" in text and "issue" in text.lower()
    assert "between" not in text and "both" not in text.lower()


async def test_an_insult_at_a_named_member_is_answered_with_that_member_as_target(
        store: RoomStore) -> None:
    """The fitted attack reader decides (FACILITATOR_ATTACK_READ=fitted); whom comes from the
    clause reading; the answer speaks
    to the one who attacked, never to "both"."""
    lines = [("maria", "I pushed the migration script, the staging database is updated."),
             ("lee", "Thanks, I'll check the numbers tomorrow."),
             ("tom", "Maria, you are a useless idiot and everyone here knows it.")]
    result = await run(store, scenario(lines, people=("maria", "tom", "lee"),
                                       more=("answer_attack",)), attack_read="fitted")
    turns = bot_turns(result)
    assert [(i, t.intervention, t.to) for i, t in turns] == [(2, "deescalate", ["tom"])]
    assert "Maria" in turns[0][1].reason and "Maria" in turns[0][1].text
    assert "both" not in turns[0][1].text.lower() and "between" not in turns[0][1].text


@pytest.mark.parametrize("line", [
    "haha you're such a troll, fine, I'll buy the coffee :)",  # banter with a laugh
    "just kill the process, and if it hangs kill -9 it and restart the daemon",  # technical
    "you are right, my numbers were wrong, sorry about that",  # civil, spoken to someone
])
async def test_banter_and_technical_words_are_not_answered_as_attacks(
        store: RoomStore, line: str) -> None:
    lines = [("maria", "The staging server hangs again after the deploy."),
             ("tom", line)]
    result = await run(store, scenario(lines, people=("maria", "tom", "lee"),
                                       more=("answer_attack",)), attack_read="fitted")
    assert not any(t.intervention == "deescalate" for _, t in bot_turns(result))


async def test_subject_words_and_agreement_are_not_attacks(store: RoomStore) -> None:
    lines = [("ann", "The article on the election keeps getting hit by vandals."),
             ("bob", "I agree, good point. The propaganda section needs sources."),
             ("cy", "Could confirmation bias explain why both sides cite the same poll?"),
             ("ann", "Exactly, let's protect the page and ask for citations.")]
    result = await run(store, scenario(lines))
    assert not any(t.intervention == "deescalate" for _, t in bot_turns(result))


async def feed(engine: Engine, events: list) -> list[Outcome]:  # type: ignore[type-arg]
    return [await engine.handle(e) for e in events]


def busy_channel(room: str, minutes: int) -> list:  # type: ignore[type-arg]
    """Twelve regulars helping each other in "nick:" threads, with joins and leaves."""
    events = []
    ts = 1000.0
    for i in range(minutes * 2):
        helper, asker = f"reg{i % 12}", f"reg{(i + 5) % 12}"
        events.append(msg(room, helper, f"{asker}: try sudo apt install -f then reboot ({i})",
                          ts=ts))
        if i % 3 == 0:
            events.append(msg(room, f"lurker{i}", "", ts=ts + 1, kind=EventKind.JOIN))
        ts += 30.0
    return events



class AskedFor(FacilitatorPolicy):
    """The bot in a room that turned these moves on (`/facilitator more MOVE`)."""

    def __init__(self, moves: tuple[str, ...]) -> None:
        super().__init__()
        self.moves = moves

    async def decide(self, event: ChatEvent, room: RoomState, signals: Signals) -> BotDecision:
        room.charter.more = list(self.moves)
        return await super().decide(event, room, signals)


async def test_a_busy_channel_is_left_to_itself_but_a_long_unanswered_request_is_raised(
        store: RoomStore) -> None:
    """In a help channel that asked for it (`/facilitator more surface_question`: judged blind,
    the move is not on by default in any kind of room)."""
    engine = Engine(store, AskedFor(("surface_question",)))
    room = "support"
    outcomes = await feed(engine, busy_channel(room, 10))
    assert not any(o.decision.speak for o in outcomes)  # no invites, no recaps for joiners
    # A request that says its problem and asks (policies/bring_back.py): judged blind, a bare
    # "can someone help me get X working" was at best neutral when brought back.
    ask = msg(room, "newbie", "after the upgrade my wifi card no longer shows up in iwconfig, "
              "how do I get the old driver back?", id="ask", ts=1000.0 + 20 * 30.0 + 5)
    later = [e.model_copy(update={"ts": e.ts + 20 * 30.0 + 10, "id": f"later-{e.id}"})
             for e in busy_channel(room, 12)]
    outcomes = await feed(engine, [ask, *later])
    spoken = [o.decision for o in outcomes if o.decision.speak]
    assert [d.intervention for d in spoken] == ["surface_question"]
    assert spoken[0].ref == "ask" and "wifi card" in (spoken[0].text or "")
    when = next(o.event.ts for o in outcomes if o.decision.speak)
    assert when - ask.ts >= 600  # ten minutes of nobody taking it up


async def test_an_answered_request_in_a_channel_is_not_raised(store: RoomStore) -> None:
    engine = Engine(store, FacilitatorPolicy())
    room = "support2"
    await feed(engine, busy_channel(room, 10))
    start = 1000.0 + 20 * 30.0
    ask = msg(room, "newbie", "can someone help me get my wifi card working after the upgrade",
              ts=start + 5)
    answer = msg(room, "reg3", "newbie: pastebin the output of lspci -nnk", ts=start + 60)
    later = [e.model_copy(update={"ts": e.ts + start + 100, "id": f"l-{e.id}"})
             for e in busy_channel(room, 12)]
    outcomes = await feed(engine, [ask, answer, *later])
    assert not any(o.decision.speak for o in outcomes)


async def test_no_invitation_to_members_who_only_joined_a_big_room(store: RoomStore) -> None:
    people = ("dana", "raj", *[f"reader{i}" for i in range(10)])
    lines = [("dana", f"Point {i} about the search rewrite and the billing backlog.")
             if i % 3 else ("raj", f"Raj note {i} on the billing backlog.") for i in range(16)]
    result = await run(store, scenario(lines, people=people))
    assert not any(t.intervention == "invite_quiet" for _, t in bot_turns(result))


def replay_json(path: Path, seed: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACILITATOR_")}
    env["PYTHONHASHSEED"] = seed
    done = subprocess.run([sys.executable, "-m", "facilitator.cli", "replay", str(path), "--json"],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED_DATA / "ubuntu-irc-train.jsonl").exists(),
                    reason="needs ../shared/data/ubuntu-irc-train.jsonl (real IRC transcripts)")
def test_same_steps_and_words_under_any_hash_seed_on_a_real_transcript(tmp_path: Path) -> None:
    rooms: dict[str, list[str]] = {}
    with (SHARED_DATA / "ubuntu-irc-train.jsonl").open(encoding="utf-8") as f:
        for line in f:
            room = json.loads(line)["room"]
            if room in rooms or len(rooms) < 3:
                rooms.setdefault(room, []).append(line)
    path = tmp_path / "irc.jsonl"
    path.write_text("".join(line for lines in rooms.values() for line in lines), encoding="utf-8")
    first, second = replay_json(path, "1"), replay_json(path, "4242")
    assert json.loads(first)["summary"]["events"] > 500
    assert first == second
