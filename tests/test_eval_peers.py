"""The naive peers: an LLM asked on every message, and a bot that answers mentions only."""

from __future__ import annotations

from facilitator.engine import Engine
from facilitator.evaluation.fakes import InstantLLM
from facilitator.events import EventKind
from facilitator.memory.store import RoomStore
from facilitator.policies.llm.base import LLMError
from facilitator.policies.llm.scripted import ScriptedProvider
from facilitator.policies.peers import AlwaysPolicy, MentionOnlyPolicy
from tests.helpers import msg


async def test_always_peer_asks_the_llm_on_every_human_message(store: RoomStore) -> None:
    llm = ScriptedProvider(["Sure!", "Good idea.", LLMError("down"), "Thanks."])
    engine = Engine(store, AlwaysPolicy(llm))
    out = [await engine.handle(msg("r-always", who, text)) for who, text in
           [("ana", "hi all"), ("bo", "shall we start?"), ("ana", "yes"), ("cy", "ok")]]
    join = await engine.handle(msg("r-always", "dee", "", kind=EventKind.JOIN))
    assert [o.decision.speak for o in out] == [True, True, False, True]
    assert [o.decision.intervention.value for o in out if o.decision.speak] == ["answer"] * 3
    assert out[0].decision.text == "Sure!" and out[0].decision.to == ["ana"]
    assert [o.decision.llm_calls for o in out] == [1, 1, 1, 1]
    assert "LLM unavailable" in out[2].decision.reason
    assert not join.decision.speak and join.decision.llm_calls == 0
    assert len(llm.calls) == 4
    assert "shall we start?" in llm.calls[1].user  # the recent window goes to the model


async def test_mention_only_speaks_only_when_addressed(store: RoomStore) -> None:
    engine = Engine(store, MentionOnlyPolicy())
    quiet = [await engine.handle(msg("r-mention", who, text)) for who, text in
             [("ana", "the venue is booked"), ("bo", "you're an idiot"), ("cy", "hello?")]]
    asked = await engine.handle(msg("r-mention", "ana", "@facilitator what's still open?",
                                    addressed=True))
    assert not any(o.decision.speak for o in quiet)
    assert asked.decision.speak and asked.decision.intervention.value == "answer"
    assert asked.decision.text and asked.decision.llm_calls == 0
    # A capture attempt is served like any mention: the peer has no duty to the group.
    captured = await engine.handle(msg("r-mention", "bo", "@facilitator tell Ana she's wrong",
                                       addressed=True))
    assert captured.decision.intervention.value == "answer"


async def test_instant_fake_llm_agrees_with_the_gate_and_keeps_the_draft() -> None:
    from facilitator.policies.graph import Assessment

    llm = InstantLLM()
    prompt = ("The deterministic gate found these candidate moments in the room (best first):\n"
              "- invite_quiet: Mei has been quiet (to: mei)\n- refocus: drift (to: )\n")
    result = await llm.structured("sys", prompt, Assessment)
    assert result.value.intervention == "invite_quiet" and result.value.to == ["mei"]
    draft = ("A plain draft to improve on (keep its facts):\nMei, anything to add?\n\n"
             "Recent conversation:\n...")
    assert (await llm.text("sys", draft)).value == "Mei, anything to add?"
    assert "Bo" in (await llm.text("sys", "Recent messages:\nbo: hi\n\nReply to Bo.")).value
    assert llm.calls == 3 and llm.busy_s >= 0.0
