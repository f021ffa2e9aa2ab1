"""Bringing back a request in a busy help channel: only one that says its problem, by a message
that quotes it, never into a member being helped or over a plea just made, and only one the
fitted read (reading/waiting.py) expects a helper to take up."""

from __future__ import annotations

import pytest

from facilitator.engine import Engine
from facilitator.events import Author, ChatEvent, EventKind, RoomRef
from facilitator.memory.state import Question, RoomState
from facilitator.memory.store import RoomStore
from facilitator.memory.trackers import apply_event
from facilitator.memory.trackers.kind import shape
from facilitator.policies import gate
from facilitator.policies.bring_back import helps, why_not
from facilitator.policies.decision import Intervention
from facilitator.policies.floor import floor_holder
from facilitator.policies.gate import find_moments
from facilitator.policies.llm.choice import moment_for
from facilitator.policies.policy import FacilitatorPolicy, lighter_form
from facilitator.policies.signals import compute_signals
from facilitator.reading.waiting import FEATURES, WaitingWeights, load_model
from tests.test_replies import CHATTER as BUSY_CHATTER

BOT = "facilitator"
PEOPLE = ["dave", "erin", "frank", "gina", "hank", "ivan", "judy", "kim", "lou", "max"]
SPECIFIC = ("after the kernel upgrade my wireless card is no longer listed by iwconfig, how do "
            "I get the old driver back?")
VAGUE = "can someone help me with my wireless card?"  # says no problem: an ask to ask
# Unrelated short exchanges among many people, as a busy channel's traffic is.
CHATTER = [*BUSY_CHATTER, ("lou", "back from lunch"), ("max", "the new theme looks nice")]


class Channel:
    def __init__(self) -> None:
        self.state = RoomState(room="c")
        self.state.charter.more = ["surface_question"]  # the room asked for it
        self.n = 0
        self.last: ChatEvent | None = None

    def say(self, who: str, text: str, gap: float = 70.0) -> ChatEvent:
        self.n += 1
        event = ChatEvent(id=f"m{self.n}", room=RoomRef.local("c"), author=Author(id=who),
                          text=text, ts=1000.0 + gap * self.n)
        apply_event(self.state, event, bot_id=BOT)
        self.last = event
        return event

    def moments(self) -> tuple[list[Intervention], str]:
        assert self.last is not None
        found, why = find_moments(self.last, self.state, compute_signals(self.state))
        return [m.intervention for m in found], why


def waited(request: str, then: list[tuple[str, str]]) -> Channel:
    """A busy channel, a request from lee nobody takes up, eleven minutes of other talk, then
    `then`."""
    room = Channel()
    for who, text in CHATTER:
        room.say(who, text)
    room.say("lee", request)
    for who, text in CHATTER:
        room.say(who, text)
    for who, text in then:
        room.say(who, text)
    assert shape(room.state) == "channel"
    return room


def test_a_specific_request_nobody_took_up_comes_back_as_a_message() -> None:
    room = waited(SPECIFIC, [])
    found, _ = find_moments(room.last, room.state, compute_signals(room.state))  # type: ignore[arg-type]
    assert [m.intervention for m in found] == [Intervention.SURFACE_QUESTION]
    # A quote, not a 👀 on a message out of view: a mark brings nobody to it.
    assert lighter_form(found[0], room.state, room.last) is None  # type: ignore[arg-type]


async def test_a_request_pasted_again_under_a_new_nick_is_not_brought_back_twice(
        store: RoomStore) -> None:
    # As in a help channel's log: the asker leaves, reconnects as "leeX" (a nick the name index
    # does not fold into "lee") and pastes the same request after the bot brought it back.
    engine = Engine(store, FacilitatorPolicy(), bot_id=BOT)
    room = RoomRef.local("paste")
    n = 0

    async def say(who: str, text: str, kind: EventKind = EventKind.MESSAGE) -> list[str]:
        nonlocal n
        n += 1
        result = await engine.handle(ChatEvent(id=f"m{n}", room=room, author=Author(id=who),
                                               kind=kind, text=text, ts=1000.0 + 70 * n))
        return [result.decision.intervention] if result.decision.speak else []

    await store.update(room.key, lambda state: state.charter.more.append("surface_question"))
    for who, text in CHATTER:
        await say(who, text)
    await say("lee", SPECIFIC)
    said = [move for who, text in CHATTER for move in await say(who, text)]
    assert said == [Intervention.SURFACE_QUESTION]
    await say("lee", "", EventKind.LEAVE)
    await say("leeX", SPECIFIC)
    again = [move for _ in range(2) for who, text in CHATTER for move in await say(who, text)]
    assert again == []
    state = await store.get(room.key)
    asked = next(q for q in state.questions if q.asker == "leeX")  # type: ignore[union-attr]
    assert asked.answered_by is None
    assert why_not(state, asked) == "the same words were brought back already"  # type: ignore[arg-type]


def test_one_nudge_per_person_holds_under_a_variant_of_their_nick() -> None:
    room = waited(SPECIFIC, [])
    assert room.moments()[0] == [Intervention.SURFACE_QUESTION]
    next(q for q in room.state.questions if q.asker == "lee").surfaced = True
    # Back as "lee_" (a reconnect mark), with another request: the same person's same wait.
    room.say("lee_", CONCRETE)
    for who, text in CHATTER:
        room.say(who, text)
    other = next(q for q in room.state.questions if q.asker == "lee_")
    assert other.answered_by is None and why_not(room.state, other) is None
    assert room.state.same_person("lee_", "lee") and not room.state.same_person("lee", "lou")
    assert room.moments()[0] == []


def test_an_ask_to_ask_is_never_brought_back() -> None:
    room = waited(VAGUE, [])
    assert any(q.asker == "lee" and q.answered_by is None for q in room.state.questions)
    assert room.moments()[0] == []


def test_not_while_a_member_is_helped_step_by_step_but_once_the_floor_is_free() -> None:
    room = waited(SPECIFIC, [("nat", "my sound stopped after the update"),
                             ("dave", "nat: which card is it?"),
                             ("nat", "dave: an intel hda one"),
                             ("dave", "nat: run alsamixer and unmute the master channel")])
    assert floor_holder(room.state) == "nat"
    found, why = room.moments()
    assert found == [] and "holds the floor" in why and "lee's request waits" in why
    for who, text in [("gina", "lunch time"), ("hank", "see you later"),
                      ("ivan", "mirror works again"), ("kim", "ok")]:
        room.say(who, text)
    assert floor_holder(room.state) is None
    assert room.moments()[0] == [Intervention.SURFACE_QUESTION]


def test_not_over_a_plea_just_made() -> None:
    room = waited(SPECIFIC, [("olga", "can someone help me get my printer working again?")])
    found, why = room.moments()
    assert found == [] and "olga just asked for help" in why


def test_one_member_posting_line_after_line_holds_the_floor() -> None:
    room = waited(SPECIFIC, [("pat", "Reading package lists... Done"),
                             ("pat", "Building dependency tree"),
                             ("pat", "0 upgraded, 0 newly installed")])
    assert floor_holder(room.state) == "pat"
    assert room.moments()[0] == []


def question(text: str, **fields: object) -> Question:
    return Question(id="q1", asker="lee", text=text, ts=1000.0, turn=1, **fields)  # type: ignore[arg-type]


def test_only_a_request_that_stands_on_its_own_may_come_back() -> None:
    state = RoomState(room="c")
    assert why_not(state, question(SPECIFIC)) is None
    assert "no problem" in (why_not(state, question(VAGUE)) or "")
    statement = ("someone has been spamming the backports wiki with links to shady sites all "
                 "day long")
    assert why_not(state, question(statement)) == "it does not ask"
    leaning = ("I read that redirecting mail for root with an alias is a bad idea and that a "
               "forward file is better. But why is one of them better than the other one here?")
    assert why_not(state, question(leaning)) == "its question leans on the sentences before it"
    # An opening too long or rough to quote is still what the question leans on.
    rough = ("I read somewhere that is was a bad idea to redirect mail for root by changing its "
             "alias, and to put a .forward file in root's homedir instead of doing that on the "
             "server. I can't remember where I read it, but why is one better than the other?")
    assert why_not(state, question(rough)) == "its question leans on the sentences before it"
    assert "follows on" in (why_not(state, question(SPECIFIC, follows_on=True)) or "")


def test_a_request_that_goes_on_from_the_askers_own_lines_is_not_brought_back() -> None:
    room = Channel()
    for who, text in CHATTER:
        room.say(who, text)
    room.say("lee", "i got my wireless working yesterday with a guide from the forums")
    room.say("lee", SPECIFIC)
    for who, text in CHATTER:
        room.say(who, text)
    asked = next(q for q in room.state.questions if q.asker == "lee")
    assert asked.follows_on and asked.answered_by is None
    assert room.moments()[0] == []
    # Spoken to just before asking counts too: the question belongs to that exchange.
    other = Channel()
    for who, text in CHATTER:
        other.say(who, text)
    other.say("dave", "lee: did the new driver install cleanly?")
    other.say("lee", SPECIFIC)
    assert next(q for q in other.state.questions if q.asker == "lee").follows_on


# The same request in four other languages (written for this test).
ELSEWHERE = [
    "después de actualizar el kernel mi tarjeta inalámbrica ya no aparece en iwconfig, ¿cómo "
    "recupero el controlador anterior?",
    "depuis la mise à jour du noyau ma carte sans fil n'apparaît plus dans iwconfig, comment "
    "est-ce que je récupère l'ancien pilote ?",
    "seit dem Kernel-Update wird meine WLAN-Karte von iwconfig nicht mehr angezeigt, wie bekomme "
    "ich den alten Treiber zurück?",
    "depois da atualização do kernel a minha placa wireless não aparece mais no iwconfig, como "
    "eu recupero o driver antigo?",
]


@pytest.mark.parametrize("request_text", ELSEWHERE)
def test_a_request_in_another_language_is_not_brought_back(request_text: str) -> None:
    # The read and the words were judged on English help channels only: an English template
    # around a quote cleaned as English is not something the bot can tell will help.
    assert why_not(RoomState(room="c"), question(request_text)) == (
        "it is not in English, where bringing requests back was judged")
    assert waited(request_text, []).moments()[0] == []


def test_an_english_request_with_an_accented_word_still_comes_back() -> None:
    accented = ("after the kernel upgrade my wireless card from the café's old laptop is no longer "
                "listed by iwconfig, how do I get the old driver back?")
    assert why_not(RoomState(room="c"), question(accented)) is None
    assert waited(accented, []).moments()[0] == [Intervention.SURFACE_QUESTION]


# Long enough, asking, standing on its own: every structural check passes, yet no problem is
# said (written for these tests, not taken from a corpus).
AROUND = "is anybody around here today who knows a thing or two about ubuntu and laptops?"
CONCRETE = ("since the 2.6.20 update grub stops at error 17 before the menu, how do I repair "
            "/boot/grub/menu.lst?")


def test_a_vague_request_that_passes_every_structural_check_is_not_brought_back() -> None:
    room = waited(AROUND, [])
    asked = next(q for q in room.state.questions if q.asker == "lee")
    assert why_not(room.state, asked) is None and asked.answered_by is None
    ok, p = helps(room.state, asked, room.last.ts)  # type: ignore[union-attr]
    assert not ok and p < load_model().threshold
    assert room.moments()[0] == []
    # Read once, at its first free moment: it does not come back later as the talk moves on.
    assert asked.read_down
    for who, text in CHATTER[:4]:
        room.say(who, text)
        assert room.moments()[0] == []


@pytest.mark.parametrize("request_text", [SPECIFIC, CONCRETE])
def test_a_concrete_request_is_brought_back(request_text: str) -> None:
    room = waited(request_text, [])
    asked = next(q for q in room.state.questions if q.asker == "lee")
    assert helps(room.state, asked, room.last.ts)[0]  # type: ignore[union-attr]
    assert room.moments()[0] == [Intervention.SURFACE_QUESTION]


def test_a_request_the_read_turns_down_does_not_hold_back_a_concrete_one() -> None:
    room = Channel()
    for who, text in CHATTER:
        room.say(who, text)
    room.say("lee", AROUND)
    room.say("sam", CONCRETE)
    for who, text in CHATTER:
        room.say(who, text)
    found, _ = find_moments(room.last, room.state, compute_signals(room.state))  # type: ignore[arg-type]
    assert [(m.intervention, m.to) for m in found] == [(Intervention.SURFACE_QUESTION, ["sam"])]


def test_the_read_is_taken_only_at_a_free_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def counted(state: RoomState, q: Question, now: float) -> tuple[bool, float]:
        calls.append(q.id)
        return helps(state, q, now)

    monkeypatch.setattr(gate, "helps", counted)
    room = waited(SPECIFIC, [("pat", "Reading package lists... Done"),
                             ("pat", "Building dependency tree"),
                             ("pat", "0 upgraded, 0 newly installed")])
    assert room.moments()[0] == [] and calls == []  # the floor is held: no embedding
    room.say("kim", "ok")
    room.say("lou", "brb")
    room.say("max", "the mirror is back")
    assert room.moments()[0] == [Intervention.SURFACE_QUESTION] and len(calls) == 1
    vague = waited(AROUND, [])
    assert vague.moments()[0] == [] and len(calls) == 2
    vague.say("kim", "ok")
    assert vague.moments()[0] == [] and len(calls) == 2  # turned down once: not read again


def test_the_shipped_read_matches_its_features() -> None:
    model = load_model()
    assert tuple(model.features) == FEATURES and len(model.embedding) == 512
    assert 0.5 < model.threshold < 0.9
    data = model.model_dump()
    data["features"] = data["features"][:-1]
    with pytest.raises(ValueError, match="does not match"):
        WaitingWeights.model_validate(data)


@pytest.mark.parametrize(("request_text", "raised"), [
    (SPECIFIC, True), (VAGUE, False), (ELSEWHERE[0], False), (AROUND, False)])
def test_a_model_raises_only_a_request_that_may_stand_quoted_alone(request_text: str,
                                                                   raised: bool) -> None:
    # With a model configured it may bring back a request the gate did not offer; in a busy
    # channel not an ask-to-ask, a request in another language or one the waiting read
    # turned down, the turns no judged sample held.
    room = waited(request_text, [])
    if request_text == AROUND:
        room.moments()  # the waiting read turns it down at its first free moment
    asked = next(q for q in room.state.questions if q.asker == "lee")
    assert asked.answered_by is None
    found = moment_for("surface_question", ["lee"], room.state, room.last,  # type: ignore[arg-type]
                       compute_signals(room.state))
    assert (found is not None and found.ref == asked.id) is raised

