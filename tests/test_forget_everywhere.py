"""Deleted, edited and forgotten words leave every copy the room keeps, checked in raw Redis.

Events go through a real Engine and RoomStore on the embedded server; afterwards every key
in the store is read back with the client (strings, hashes, sets, sorted sets, lists) and the
removed words must be in none of them: not in the window, the bot's log or its own quotes,
questions, proposals, decisions, action items, bridging notes or term uses, including those
derived from messages that left the 30-message window long before.
"""

from __future__ import annotations

import pytest

from facilitator.engine import Engine
from facilitator.events import EventKind
from facilitator.memory.state import CAP_WINDOW, RoomState
from facilitator.memory.store import RoomStore
from facilitator.memory.trackers import apply_event, forget_member
from facilitator.memory.trackers.edits import REMOVED_QUOTE
from tests.helpers import msg
from tests.policy_scenarios import TWO_VOCABULARIES, EveryMovePolicy

ROOM = "local:r"


async def stored_values(store: RoomStore) -> list[bytes]:
    """Every key and every value in the store, as raw bytes."""
    client = store.client
    out: list[bytes] = []
    async for key in client.scan_iter(match="*", count=500):
        out.append(key)
        kind = (await client.type(key)).decode()
        if kind == "string":
            out.append(await client.get(key))
        elif kind == "hash":
            for field, value in (await client.hgetall(key)).items():
                out += [field, value]
        elif kind == "set":
            out += list(await client.smembers(key))
        elif kind == "zset":
            out += list(await client.zrange(key, 0, -1))
        elif kind == "list":
            out += list(await client.lrange(key, 0, -1))
        else:
            raise AssertionError(f"unexpected key type {kind} for {key!r}")
    return out


async def leaks(store: RoomStore, *words: str) -> list[tuple[str, bytes]]:
    """(word, where) for every stored value that still holds one of the words."""
    found = [(w, value[:300]) for value in await stored_values(store) for w in words
             if w.lower().encode() in value.lower()]
    state = await store.get(ROOM)
    assert state is not None
    dump = state.model_dump_json().lower()  # and the decoded state, whatever its encoding
    found += [(w, b"decoded state") for w in words if w.lower() in dump]
    return found


def engine(store: RoomStore) -> Engine:
    # The rooms here turned every move on: the tests follow the words the bot's turns quote.
    return Engine(store, EveryMovePolicy(), bot_id="facilitator")


async def fill(eng: Engine, n: int, start: float, *, who: tuple[str, ...] = ("ann", "bob", "cy"),
               proposals: int = 0) -> float:
    """`n` ordinary messages (the first `proposals` of them proposals), 30 s apart."""
    ts = start
    for i in range(n):
        ts += 30
        text = (f"I propose we try layout number {i} for the flyer" if i < proposals
                else f"looking at the spreadsheet, row {i} checks out")
        await eng.handle(msg("r", who[i % len(who)], text, ts=ts))
    return ts


async def decided_proposal(eng: Engine, author: str = "zoe") -> float:
    """`author` proposes, the others agree, the bot records the decision quoting it."""
    lines = [("ann", "morning all"), ("bob", "hi there"), ("cy", "hello, ready when you are"),
             (author, "I propose we paint the shed with zebra stripes"),
             ("ann", "agreed, sounds good"), ("bob", "yes I agree, let's do that"),
             ("cy", "+1 from me"), ("ann", "great"), ("bob", "fine by me")]
    for i, (who, text) in enumerate(lines):
        ts = 1000.0 + 30 * i
        outcome = await eng.handle(msg("r", who, text, id="p1" if i == 3 else None, ts=ts))
        if outcome.decision.intervention == "record_decision":
            assert "zebra stripes" in (outcome.decision.text or "")
            return ts
    raise AssertionError("the bot never recorded the decision")


async def room(store: RoomStore) -> RoomState:
    state = await store.get(ROOM)
    assert state is not None
    return state


async def test_delete_after_the_window_reaches_the_decision_and_the_bots_quote(
        store: RoomStore) -> None:
    eng = engine(store)
    ts = await decided_proposal(eng)
    ts = await fill(eng, CAP_WINDOW + 5, ts)
    before = await room(store)
    assert before.message("p1") is None  # the proposal left the window long ago
    assert [d.id for d in before.decisions] == ["p1"]
    assert await leaks(store, "zebra")  # the decision and the bot's quote still hold it
    await eng.handle(msg("r", "zoe", "", id="del-1", kind=EventKind.DELETE, target="p1",
                         ts=ts + 30))
    assert await leaks(store, "zebra") == []
    state = await room(store)
    assert state.decisions == [] and all(p.id != "p1" for p in state.proposals)
    turn = next(t for t in state.bot_log if t.intervention == "record_decision")
    assert turn.text == REMOVED_QUOTE  # the bot's turn stays, counted, without the words


LINES = [("sami", "I've put the layout in the shared doc, three columns."),
         ("rory", "Nice. I've got the reaction diagrams, adding them now."),
         ("evie", "Wait, is the poster due this Friday or next Monday? The two emails say "
                  "different things."),
         ("sami", "Should the title be in bold or in the school colours?"),
         ("rory", "School colours, it looks better."),
         ("sami", "OK. I'll make the diagrams bigger too."),
         ("rory", "And I'll write the captions tonight."),
         ("sami", "I found a nicer font as well."),
         ("rory", "Send it over.")]


async def surfaced_question(eng: Engine) -> float:
    """Evie's question waits; the bot brings it back, quoting it."""
    quoted = None
    for i, (who, text) in enumerate(LINES):
        outcome = await eng.handle(msg("r", who, text, id="q1" if i == 2 else f"l{i}",
                                       ts=1000.0 + 40 * i))
        if outcome.decision.intervention == "surface_question":
            quoted = outcome.decision.text
    assert quoted is not None and "next Monday" in quoted
    return 1000.0 + 40 * len(LINES)


@pytest.fixture
def quoting(monkeypatch: pytest.MonkeyPatch) -> None:
    """A platform without reactions: the bot brings the question back by quoting it (with
    reactions, a question this recent gets 👀 instead: tests/test_lighter.py)."""
    from facilitator.policies import policy

    monkeypatch.setattr(policy, "REACTION_PLATFORMS", frozenset())


@pytest.mark.usefixtures("quoting")
async def test_deleted_question_leaves_the_bots_surfacing_turn_and_its_window_copy(
        store: RoomStore) -> None:
    eng = engine(store)
    ts = await surfaced_question(eng)
    await eng.handle(msg("r", "evie", "", id="del-q", kind=EventKind.DELETE, target="q1",
                         ts=ts))
    assert await leaks(store, "next Monday", "two emails") == []
    state = await room(store)
    assert all(q.id != "q1" for q in state.questions)
    turn = next(t for t in state.bot_log if t.intervention == "surface_question")
    assert turn.text == REMOVED_QUOTE
    assert next(m for m in state.window if m.id == turn.id).text == REMOVED_QUOTE


@pytest.mark.usefixtures("quoting")
async def test_edited_question_changes_every_copy_including_the_bots_quote(
        store: RoomStore) -> None:
    eng = engine(store)
    ts = await surfaced_question(eng)
    new = "Is the poster due on the 14th or the 21st?"
    await eng.handle(msg("r", "evie", new, id="ed-q", kind=EventKind.EDIT, target="q1", ts=ts))
    assert await leaks(store, "next Monday", "two emails") == []
    state = await room(store)
    assert next(q for q in state.questions if q.id == "q1").text == new
    turn = next(t for t in state.bot_log if t.intervention == "surface_question")
    assert f'"{new}"' in turn.text  # the bot's quote now says what Evie says
    assert next(m for m in state.window if m.id == turn.id).text == turn.text


async def test_question_edited_into_a_statement_is_no_longer_open(store: RoomStore) -> None:
    eng = engine(store)
    await eng.handle(msg("r", "ann", "should we move the launch to March?", id="q1"))
    await eng.handle(msg("r", "ann", "the launch moves to May, settled.", id="ed",
                         kind=EventKind.EDIT, target="q1"))
    state = await room(store)
    assert state.questions == []
    assert state.window[0].text == "the launch moves to May, settled."
    assert await leaks(store, "March") == []


async def test_edited_commitment_changes_or_drops_the_action_item(store: RoomStore) -> None:
    eng = engine(store)
    await eng.handle(msg("r", "zoe", "I'll order the walrus paint tomorrow", id="c1"))
    assert [a.text for a in (await room(store)).actions] == ["I'll order the walrus paint"
                                                             " tomorrow"]
    await eng.handle(msg("r", "zoe", "I'll order the heron paint tomorrow", id="ed1",
                         kind=EventKind.EDIT, target="c1"))
    assert [a.text for a in (await room(store)).actions] == ["I'll order the heron paint"
                                                             " tomorrow"]
    assert await leaks(store, "walrus") == []
    await eng.handle(msg("r", "zoe", "no paint from me after all", id="ed2",
                         kind=EventKind.EDIT, target="c1"))
    assert (await room(store)).actions == []
    assert await leaks(store, "heron") == []


async def test_term_use_goes_with_its_only_source(store: RoomStore) -> None:
    eng = engine(store)
    await eng.handle(msg("r", "zoe", "our budget is tight this month", id="t1"))
    await eng.handle(msg("r", "zoe", "I checked the budget again", id="t2"))
    await eng.handle(msg("r", "ann", "ok, thanks for checking", id="t3"))
    assert (await room(store)).terms[0].by == {"zoe": "budget"}
    await eng.handle(msg("r", "zoe", "", id="d1", kind=EventKind.DELETE, target="t1"))
    assert (await room(store)).terms[0].by == {"zoe": "budget"}  # t2 still uses it
    await eng.handle(msg("r", "zoe", "", id="d2", kind=EventKind.DELETE, target="t2"))
    assert (await room(store)).terms == []
    assert await leaks(store, "budget") == []


def test_term_use_follows_an_edit() -> None:
    state = RoomState(room=ROOM)
    apply_event(state, msg("r", "zoe", "our budget is tight", id="t1"), bot_id="facilitator")
    apply_event(state, msg("r", "zoe", "our funds are tight", id="e1", kind=EventKind.EDIT,
                           target="t1"), bot_id="facilitator")
    assert "budget" not in state.model_dump_json()


async def test_forget_reaches_old_decisions_action_items_and_the_bots_turns(
        store: RoomStore) -> None:
    eng = engine(store)
    ts = await decided_proposal(eng)
    await eng.handle(msg("r", "zoe", "I'll order the walrus paint tomorrow", id="c1",
                         ts=ts + 30))
    await eng.handle(msg("r", "ann", "Zoe, can you send the otter file?", id="q2",
                         ts=ts + 60))
    # 50 messages from the others, 13 of them new proposals: Zoe's decided proposal has
    # left both the window and the proposal list; only the decision still quotes it.
    ts = await fill(eng, 50, ts + 60, proposals=13)
    before = await room(store)
    assert before.message("p1") is None and all(p.id != "p1" for p in before.proposals)
    assert any(d.id == "p1" for d in before.decisions)
    assert any(a.owner == "zoe" for a in before.actions)
    assert await store.forget("zoe", forget_member) == 1
    assert await leaks(store, "zoe", "zebra", "walrus") == []
    state = await room(store)
    assert "otter file" in next(q.text for q in state.questions if q.id == "q2")
    assert "ann" in state.participants  # the others keep their words and their place


async def test_forget_reaches_a_decision_recorded_from_the_persons_own_message(
        store: RoomStore) -> None:
    eng = engine(store)
    # One member's "we decided" is a proposal until others agree (issue 20); then it is the
    # group's decision, in the person's own words.
    await eng.handle(msg("r", "zoe", "we decided to use the otter font", id="d1", ts=1000.0))
    await eng.handle(msg("r", "ann", "agreed", id="d2", ts=1001.0))
    await eng.handle(msg("r", "bob", "we all agree then, decided", id="d3", ts=1002.0))
    assert [d.id for d in (await room(store)).decisions] == ["d1"]
    await fill(eng, CAP_WINDOW + 5, 1000.0)
    assert await store.forget("zoe", forget_member) == 1
    assert await leaks(store, "zoe", "otter") == []


async def test_forget_clears_the_persons_pending_settings_request(store: RoomStore) -> None:
    from facilitator.events import Author, RoomRef
    from facilitator.policies.commands import CommandRequest, run_command

    eng = engine(store)
    await eng.handle(msg("r", "ann", "hello all"))
    zoe = Author(id="zoe", name="Zoe")
    await run_command(store, CommandRequest(room=RoomRef.local("r"), user=zoe, text="quiet"))
    assert (await room(store)).charter.pending is not None
    await eng.handle(msg("r", "zoe", "just checking in"))
    assert await store.forget("zoe", forget_member) == 1
    assert await leaks(store, "zoe") == []


async def test_deleted_words_leave_the_goal_vocabulary(store: RoomStore) -> None:
    from facilitator.events import Author, RoomRef
    from facilitator.policies.commands import CommandRequest, run_command

    await run_command(store, CommandRequest(room=RoomRef.local("r"), is_admin=True,
                                            user=Author(id="ann", name="Ann"),
                                            text="goal plan the release"))
    eng = engine(store)
    await eng.handle(msg("r", "ann", "the walrus migration is the release blocker", id="w1"))
    await eng.handle(msg("r", "bob", "the release notes need work", id="w2"))
    assert "walr" in (await room(store)).rolling.goal_terms  # a stem of the deleted word
    await eng.handle(msg("r", "ann", "", id="d1", kind=EventKind.DELETE, target="w1"))
    state = await room(store)
    assert "walr" not in state.rolling.goal_terms and "rele" in state.rolling.goal_terms
    assert await leaks(store, "walr") == []


async def test_deleted_terms_leave_the_bots_translation(store: RoomStore) -> None:
    lines = TWO_VOCABULARIES
    eng = engine(store)
    spoke = []
    for i, (who, text) in enumerate(lines):
        outcome = await eng.handle(msg("r", who, text, id=f"t{i}", ts=1000.0 + 40 * i))
        spoke += [outcome.decision.text or ""] if outcome.decision.speak else []
    assert len(spoke) == 1 and "climate justice" in spoke[0]
    for target in ("t1", "t3"):
        await eng.handle(msg("r", "sam", "", id=f"del-{target}", kind=EventKind.DELETE,
                             target=target, ts=2000.0))
    assert await leaks(store, "climate justice") == []
    state = await room(store)
    assert all("sam" not in use.by for use in state.terms)


async def test_edit_after_the_window_keeps_the_decision_and_proposes_anew(
        store: RoomStore) -> None:
    """What the group agreed stays as agreed (issue 20): an edit of the decided proposal is a
    new proposal; deleting the message (or forgetting its author) still takes the words."""
    eng = engine(store)
    ts = await decided_proposal(eng)
    ts = await fill(eng, CAP_WINDOW + 5, ts)
    new = "I propose we paint the shed plain green"
    await eng.handle(msg("r", "zoe", new, id="ed-p1", kind=EventKind.EDIT, target="p1",
                         ts=ts + 30))
    state = await room(store)
    assert ["zebra stripes" in d.text for d in state.decisions] == [True]
    turn = next(t for t in state.bot_log if t.intervention == "record_decision")
    assert "zebra stripes" in turn.text
    assert new in [p.text for p in state.open_proposals()]
    await eng.handle(msg("r", "zoe", "", id="del-p1", kind=EventKind.DELETE, target="p1",
                         ts=ts + 60))
    state = await room(store)
    assert state.decisions == []
    assert next(t for t in state.bot_log if t.id == turn.id).text == REMOVED_QUOTE
    assert await leaks(store, "zebra") == []


async def test_bridging_note_follows_edit_and_delete_after_the_window(store: RoomStore) -> None:
    eng = engine(store)
    for who, text, mid in (("ann", "we need more parking", "b1"),
                           ("bob", "I disagree, we need fewer cars", "b2"),
                           ("ann", "no, that's wrong", "b3"),
                           ("cy", "we should make the street safe for kids", "b4")):
        await eng.handle(msg("r", who, text, id=mid))
    for who in ("ann", "bob"):
        await eng.handle(msg("r", who, "", id=f"r-{who}", kind=EventKind.REACTION, emoji="+1",
                             target="b4"))
    await fill(eng, CAP_WINDOW + 5, 2000.0, who=("dee", "eve"))
    assert [b.id for b in (await room(store)).bridging] == ["b4"]
    await eng.handle(msg("r", "cy", "we should make the crossing safe for kids", id="e-b4",
                         kind=EventKind.EDIT, target="b4"))
    state = await room(store)
    assert state.bridging[0].text == "we should make the crossing safe for kids"
    # Only what the group decided keeps the old words (issue 20); nothing else does.
    decided = [*(d.text for d in state.decisions),
               *(p.text for p in state.proposals if p.status == "decided"),
               *(t.text for t in state.bot_log if t.intervention == "record_decision")]
    undecided = [*(m.text for m in state.window), *(q.text for q in state.questions),
                 *(p.text for p in state.proposals if p.status != "decided"),
                 *(b.text for b in state.bridging),
                 *(t.text for t in state.bot_log if t.intervention != "record_decision")]
    assert any("street" in t for t in decided)
    assert not any("street" in t for t in undecided)
    await eng.handle(msg("r", "cy", "", id="d-b4", kind=EventKind.DELETE, target="b4"))
    assert (await room(store)).bridging == []
    assert await leaks(store, "crossing") == []


def test_forget_reaches_a_bot_summary_that_quoted_the_person_without_naming_them() -> None:
    from facilitator.memory.state import BotTurn
    from facilitator.memory.trackers import forget_member
    from facilitator.memory.trackers.bot_log import record_bot_turn
    from facilitator.memory.trackers.proposals import record_decision

    state = RoomState(room=ROOM)
    apply_event(state, msg("r", "zoe", "I propose we paint the shed with zebra stripes",
                           id="p1"), bot_id="facilitator")
    apply_event(state, msg("r", "ann", "agreed, sounds good"), bot_id="facilitator")
    assert record_decision(state, "p1", ts=2000.0) is not None
    for i in range(CAP_WINDOW + 5):
        apply_event(state, msg("r", ("ann", "bob")[i % 2], f"row {i} of the sheet checks out"),
                    bot_id="facilitator")
    # A summary quotes the decision, shortened, and does not say who proposed it.
    record_bot_turn(state, BotTurn(
        id="facilitator:s1", ts=3000.0, turn=state.human_messages, intervention="summarize",
        reason="asked for a summary", trigger="x1",
        text='Decided: "I propose we paint the shed with zebra stripes" (no owner yet).'),
        bot_id="facilitator")
    assert forget_member(state, "zoe")
    dump = state.model_dump_json().lower()
    assert "zebra" not in dump and "zoe" not in dump


def test_forgetting_a_short_name_rewrites_only_its_mentions() -> None:
    from facilitator.memory.trackers import forget_member

    state = RoomState(room=ROOM)
    apply_event(state, msg("r", "al", "hello from me"), bot_id="facilitator")
    apply_event(state, msg("r", "ann", "@al the al dente pasta is on me"), bot_id="facilitator")
    assert forget_member(state, "al")
    assert [m.text for m in state.window] == ["someone the al dente pasta is on me"]


def test_term_use_saved_before_sources_goes_with_its_message() -> None:
    state = RoomState(room=ROOM)
    apply_event(state, msg("r", "zoe", "our budget is tight", id="t1"), bot_id="facilitator")
    state.terms[0].sources = {}  # as a room saved before term sources were kept
    apply_event(state, msg("r", "zoe", "", id="d1", kind=EventKind.DELETE, target="t1"),
                bot_id="facilitator")
    assert "budget" not in state.model_dump_json()


def test_term_use_saved_before_sources_follows_an_edit() -> None:
    state = RoomState(room=ROOM)
    apply_event(state, msg("r", "zoe", "our budget is tight", id="t1"), bot_id="facilitator")
    state.terms[0].sources = {}  # as a room saved before term sources were kept
    apply_event(state, msg("r", "zoe", "our savings are tight", id="e1", kind=EventKind.EDIT,
                           target="t1"), bot_id="facilitator")
    assert "budget" not in state.model_dump_json()


def test_deleted_commitment_takes_the_ownership_it_gave() -> None:
    state = RoomState(room=ROOM)
    for event in (msg("r", "ann", "we decided to use the otter font", id="d1"),
                  msg("r", "dee", "agreed", id="a1"),
                  msg("r", "eve", "we all agree then, decided", id="a2"),
                  msg("r", "bob", "I'll update the templates tomorrow", id="c1"),
                  msg("r", "cy", "I'll check the print shop by Friday", id="c2"),
                  msg("r", "cy", "I'll also send the proofs", id="c3")):
        apply_event(state, event, bot_id="facilitator")
    assert state.decisions[0].owners == ["bob", "cy"]
    for target in ("c1", "c2"):
        apply_event(state, msg("r", "x", "", id=f"del-{target}", kind=EventKind.DELETE,
                               target=target), bot_id="facilitator")
    # Bob's only commitment is gone; Cy still has one that makes them an owner.
    assert state.decisions[0].owners == ["cy"]
    assert [a.id for a in state.actions] == ["c3"]


async def test_delete_reaches_the_bots_answers_that_listed_the_decision(
        store: RoomStore) -> None:
    eng = engine(store)
    ts = await decided_proposal(eng)
    ts = await fill(eng, CAP_WINDOW + 5, ts)
    for ask in ("@facilitator what did we decide so far?",
                "@facilitator can you summarize where we are?"):
        ts += 30
        outcome = await eng.handle(msg("r", "dee", ask, ts=ts))
        assert "zebra stripes" in (outcome.decision.text or "")
    await eng.handle(msg("r", "zoe", "", id="del-1", kind=EventKind.DELETE, target="p1",
                         ts=ts + 30))
    assert await leaks(store, "zebra") == []
    state = await room(store)
    assert [t.text for t in state.bot_log if t.intervention == "answer"] == [REMOVED_QUOTE] * 2
