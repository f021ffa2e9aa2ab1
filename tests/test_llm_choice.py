"""The model decides, the rules advise (issue 23, item 2): reason first, a choice among the
candidates, silence, or a move the gate did not offer with its target; declined moments are
not offered again until the room changes; a high-recall gate with a per-room budget; an
optional judge model for the choice."""

from __future__ import annotations

import json
from dataclasses import replace

from prometheus_client import generate_latest

from facilitator.config import Settings
from facilitator.engine import Engine
from facilitator.events import ChatEvent
from facilitator.memory.state import Question
from facilitator.memory.store import RoomStore
from facilitator.policies.decision import Intervention, Moment
from facilitator.policies.defaults import MOVES
from facilitator.policies.gate import find_moments
from facilitator.policies.graph import Assessment
from facilitator.policies.llm.scripted import ScriptedProvider
from facilitator.policies.policy import FacilitatorPolicy, build_policy
from facilitator.policies.signals import compute_signals
from facilitator.web.metrics import Metrics, measure_llm
from tests.helpers import msg
from tests.llm_wire import Wire, openai_completion
from tests.policy_scenarios import EveryMovePolicy
from tests.test_policy_llm import HEATED, OPENING, feed, rules_posts

SILENCE = Assessment(reason="they are working it out themselves", intervention="silence")


def _descriptions(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [str(node["description"])] if "description" in node else []
        return found + [d for v in node.values() for d in _descriptions(v)]
    if isinstance(node, list):
        return [d for v in node for d in _descriptions(v)]
    return []


def test_the_schema_asks_for_the_reason_first_and_carries_no_prose() -> None:
    schema = Assessment.model_json_schema()
    assert list(schema["properties"]) == ["reason", "intervention", "to"]
    assert _descriptions(schema) == []  # no docstring, no field descriptions to echo
    assert "silence" in schema["properties"]["intervention"]["enum"]
    assert "decline_capture" not in schema["properties"]["intervention"]["enum"]


async def test_on_the_wire_the_schema_is_reason_first_and_bare() -> None:
    """Through the real openai SDK (strict json_schema): what the server is sent."""
    from facilitator.policies.llm.factory import make_provider

    answer = {"reason": "calm room", "intervention": "silence", "to": []}
    wire = Wire([openai_completion(json.dumps(answer))])
    provider = make_provider("openai:gpt-4o-mini", env={"OPENAI_API_KEY": "sk"},
                             http_client=wire.client())
    assert provider is not None
    result = await provider.structured("sys", "user", Assessment)
    assert result.value.intervention == "silence"
    sent = wire.body(0)["response_format"]["json_schema"]["schema"]
    assert list(sent["properties"]) == ["reason", "intervention", "to"]
    assert _descriptions(sent) == []
    await provider.aclose()


async def _heated_state(store: RoomStore, room: str) -> tuple[ChatEvent, object]:
    """A room where the gate has a de-escalation moment on its last message."""
    from facilitator.sim.simulate import SilentPolicy

    engine = Engine(store, SilentPolicy())
    await feed(engine, room, OPENING + HEATED[:-1])
    state = await store.get(f"local:{room}")
    assert state is not None
    event = msg(room, "greg", HEATED[-1][1], id="last", ts=2000.0)
    from facilitator.memory.trackers import apply_event

    apply_event(state, event, bot_id="facilitator")
    from facilitator.policies.defaults import MOVES

    state.charter.more = list(MOVES)  # a room that turned its moves on
    return event, state


async def test_a_declined_moment_is_not_offered_again_until_the_room_changes(
        store: RoomStore) -> None:
    event, state = await _heated_state(store, "declined")
    state.charter.more = list(MOVES)  # type: ignore[attr-defined]  # the room asked for them
    signals = compute_signals(state)
    moments, _ = find_moments(event, state, signals)  # type: ignore[arg-type]
    assert moments, "the gate sees a moment"
    llm = ScriptedProvider([SILENCE, SILENCE])
    policy = EveryMovePolicy(provider=llm)
    first = await policy.graph.run(event, state, signals, moments)  # type: ignore[arg-type]
    again = await policy.graph.run(event, state, signals, moments)  # type: ignore[arg-type]
    assert not first.speak and "assessed silence" in first.reason
    assert not again.speak and "declined these moments" in again.reason
    assert len(llm.calls) == 1  # not asked twice about the same room
    # A change the moment is not about (a new open question) does not bring it back …
    state.questions.append(Question(id="q9", asker="rosa", text="What does the city allow?",  # type: ignore[attr-defined]
                                    ts=1999.0, turn=state.human_messages))  # type: ignore[attr-defined]
    await policy.graph.run(event, state, signals, moments)  # type: ignore[arg-type]
    assert len(llm.calls) == 1
    # … the room heating up markedly does.
    hotter = replace(signals, tension=signals.tension + 0.2)
    third = await policy.graph.run(event, state, hotter, moments)  # type: ignore[arg-type]
    assert len(llm.calls) == 2 and not third.speak


async def test_the_models_target_is_used(store: RoomStore) -> None:
    """The gate offers a de-escalation for the pair; the model speaks to Rosa alone (her
    last message was the hostile one)."""
    words = "Rosa, let's keep it about the garden and not about Greg. What do you need?"
    llm = ScriptedProvider([SILENCE,  # the first moment: let them talk
                            Assessment(reason="Rosa keeps the heat on", intervention="deescalate",
                                       to=["Rosa"]), words, *[SILENCE] * 4])
    outcomes = await feed(Engine(store, EveryMovePolicy(provider=llm)), "t", OPENING + HEATED)
    spoken = [o.decision for o in outcomes if o.decision.speak]  # type: ignore[attr-defined]
    assert [(d.intervention, d.to, d.text) for d in spoken] == [("deescalate", ["rosa"], words)]


async def test_a_target_outside_the_room_means_the_rules_decide(store: RoomStore) -> None:
    llm = ScriptedProvider([Assessment(reason="heat", intervention="deescalate",
                                       to=["lena"])], cycle=True)
    outcomes = await feed(Engine(store, EveryMovePolicy(provider=llm)), "o", OPENING + HEATED)
    spoken = [o.decision for o in outcomes if o.decision.speak]  # type: ignore[attr-defined]
    assert [d.text for d in spoken] == await rules_posts(store, "o-rules", OPENING + HEATED)
    assert "offline rules: model named someone not in the room" in spoken[0].reason


async def test_silence_is_silence_whatever_the_answers_target_says(store: RoomStore) -> None:
    """The real 135M model answered `silence` with `"to": ["The rule"]` (tests/cassettes):
    silence needs no target, so a stray one does not hand the moment to the rules."""
    llm = ScriptedProvider([Assessment(reason="let them talk", intervention="silence",
                                       to=["The rule"])], cycle=True)
    outcomes = await feed(Engine(store, EveryMovePolicy(provider=llm)), "s", OPENING + HEATED)
    assert llm.calls, "the model was asked"
    assert not any(o.decision.speak for o in outcomes)  # type: ignore[attr-defined]
    reasons = [o.decision.reason for o in outcomes]  # type: ignore[attr-defined]
    assert any(r.startswith("assessed silence: let them talk") for r in reasons), reasons


async def test_a_reason_that_copies_the_prompt_is_no_judgement(store: RoomStore) -> None:
    llm = ScriptedProvider([Assessment(
        reason="your own reading of this room right now, in one or two sentences",
        intervention="silence")], cycle=True)
    outcomes = await feed(Engine(store, EveryMovePolicy(provider=llm)), "e", OPENING + HEATED)
    spoken = [o.decision for o in outcomes if o.decision.speak]  # type: ignore[attr-defined]
    assert [d.text for d in spoken] == await rules_posts(store, "e-rules", OPENING + HEATED)
    assert "offline rules: model's reason repeats the prompt" in spoken[0].reason


async def test_the_gate_offers_the_model_more_than_the_rules_would_take(
        store: RoomStore) -> None:
    """High recall: the model is asked one message before the rules' own bar is reached, and
    may take that moment; the rules alone let it pass."""
    words = "Rosa, Greg — let's slow down. What does each of you need from the lot?"
    llm = ScriptedProvider([Assessment(reason="it is starting to heat up",
                                       intervention="deescalate", to=["rosa", "greg"]), words,
                            *[SILENCE] * 4])
    outcomes = await feed(Engine(store, EveryMovePolicy(provider=llm)), "r", OPENING + HEATED)
    spoken = [(i, o.decision) for i, o in enumerate(outcomes) if o.decision.speak]  # type: ignore[attr-defined]
    rules = await Engine(store, EveryMovePolicy(provider=None)).handle(msg("x", "a", "hi"))
    assert rules is not None
    rules_outcomes = await feed(Engine(store, EveryMovePolicy(provider=None)), "r-rules",
                                OPENING + HEATED)
    rules_first = next(i for i, o in enumerate(rules_outcomes) if o.decision.speak)  # type: ignore[attr-defined]
    assert spoken and spoken[0][0] < rules_first and spoken[0][1].text == words


async def test_the_room_budget_is_counted_and_shown_in_metrics(store: RoomStore) -> None:
    llm = ScriptedProvider([SILENCE], cycle=True)
    policy = EveryMovePolicy(provider=llm, calls_per_hour=1)
    await feed(Engine(store, policy), "b", OPENING + HEATED)
    assert len(llm.calls) == 1
    figures = policy.llm_metrics()
    assert figures["room_budget_per_hour"] == 1 and int(figures["over_budget_total"]) >= 1
    metrics = Metrics()
    measure_llm(policy, metrics)
    await metrics.refresh()
    text = generate_latest(metrics.registry).decode()
    assert "facilitator_llm_room_budget 1.0" in text
    assert "facilitator_llm_over_budget" in text


async def test_a_judge_model_chooses_and_the_main_model_words(store: RoomStore) -> None:
    words = "Rosa, Greg — let's pause. What does each of you need from the lot?"
    judge = ScriptedProvider([Assessment(reason="heat", intervention="deescalate",
                                         to=["rosa", "greg"]), *[SILENCE] * 4], name="small")
    main = ScriptedProvider([words], name="big")
    policy = EveryMovePolicy(provider=main, judge=judge)
    outcomes = await feed(Engine(store, policy), "j", OPENING + HEATED)
    spoken = [o.decision for o in outcomes if o.decision.speak]  # type: ignore[attr-defined]
    assert [d.text for d in spoken] == [words]
    assert {c.method for c in judge.calls} == {"structured"}
    assert [c.method for c in main.calls] == ["text"]
    assert "judge_calls_total" in policy.llm_metrics()


def test_build_policy_reads_the_judge_setting(tmp_path: object) -> None:
    settings = Settings(data_dir=tmp_path, llm="openai:big-model")  # type: ignore[arg-type]
    env = {"OPENAI_API_KEY": "sk", "FACILITATOR_LLM_JUDGE": "openai:small-model"}
    policy = build_policy(settings, env)
    assert policy.graph.judge is not None and policy.graph.judge.name == "openai:small-model"
    assert build_policy(settings, {"OPENAI_API_KEY": "sk"}).graph.judge is None
    assert build_policy(settings.model_copy(update={"llm": "rules"}), env).graph.judge is None


def test_moments_offered_keep_the_gates_order() -> None:
    # The rules' candidate stays first: it is what the rules would do, and the fallback.
    a = Moment(intervention=Intervention.DEESCALATE, reason="x", priority=80)
    b = Moment(intervention=Intervention.INVITE_QUIET, reason="y", priority=50)
    assert sorted([b, a], key=lambda m: -m.priority)[0] is a


class DeescalateOnlyPolicy(FacilitatorPolicy):
    """A room that turned on only de-escalation."""

    async def decide(self, event, room, signals):  # type: ignore[no-untyped-def]
        room.charter.more = ["deescalate"]
        return await super().decide(event, room, signals)


async def test_the_rooms_settings_hold_for_the_models_own_moves(store: RoomStore) -> None:
    """The model may name a move the gate did not offer, but not one the room keeps off."""
    llm = ScriptedProvider([Assessment(reason="a recap would help", intervention="summarize")],
                           cycle=True)
    outcomes = await feed(Engine(store, DeescalateOnlyPolicy(provider=llm)), "k",
                          OPENING + HEATED)
    assert llm.calls, "the de-escalation moments reached the model"
    assert not any(o.decision.speak for o in outcomes)  # type: ignore[attr-defined]
    reasons = [o.decision.reason for o in outcomes]  # type: ignore[attr-defined]
    assert any("model chose summarize, but summarize is off by default" in r for r in reasons)
    # Nor does the prompt offer it.
    assert "- summarize:" not in llm.calls[0].user and "- refocus:" not in llm.calls[0].user
