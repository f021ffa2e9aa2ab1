"""/metrics: served next to the health probes, labels bounded, counters that move with traffic."""

from __future__ import annotations

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from facilitator.config import Settings
from facilitator.engine import Engine
from facilitator.intake.streams import Intake, IntakeConfig
from facilitator.memory.store import RoomStore
from facilitator.policies.decision import BotDecision
from facilitator.policies.llm.base import LLMError
from facilitator.policies.llm.openai_provider import OpenAIProvider
from facilitator.policies.policy import FacilitatorPolicy, build_policy
from facilitator.policies.prompts import Prompts
from facilitator.web.metrics import Metrics, measure_llm, silence_category, store_pinger
from facilitator.web.server import route_groups, start_ops_server
from tests.helpers import msg
from tests.llm_wire import Wire, openai_completion, status


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_silence_reasons_fold_into_few_categories() -> None:
    reasons = ["duplicate event", "a bot's own event", "paused by the room",
               "budget: bot share 12% ≥ 10%", "cooldown: 2 of 5 turns",
               "the bot spoke last; it never speaks twice in a row", "not addressed",
               "LLM unavailable (timeout); silence", "store unavailable",
               "Alice's question has waited 12 minutes", "too early in the conversation",
               "a reaction event", "nothing worth interrupting for"]
    cats = {silence_category(r) for r in reasons}
    assert cats == {"duplicate", "bot_event", "paused", "budget", "not_addressed", "llm",
                    "store", "no_moment", "too_early", "event_kind"}
    # Names and numbers in reasons never become labels.
    assert silence_category("Bob and Carol are trading 7 jabs") == "no_moment"


async def test_metrics_served_in_every_run_mode_even_without_counters(
        store: RoomStore, settings: Settings) -> None:
    ops = await start_ops_server(settings, store, extra_routes=route_groups(store))
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{ops.port}/metrics") as resp:
                assert resp.status == 200
                assert resp.content_type == "text/plain"
                body = await resp.text()
    finally:
        await ops.stop()
    got = samples(body)
    ping = got[("facilitator_store_ping_seconds", ())]
    assert 0 < ping < 1


async def test_counters_follow_events_decisions_and_streams(store: RoomStore,
                                                            settings: Settings) -> None:
    metrics = Metrics()
    intake = Intake(store.client, IntakeConfig(shards=4), platform="local", metrics=metrics)
    metrics.watch_streams(intake.stream_rows)
    metrics.watch_store(store_pinger(store.client))
    engine = Engine(store, build_policy(settings))
    for i in range(5):
        event = msg("r1", "alice" if i % 2 else "bob", f"hello number {i}")
        await intake.append(event)
        metrics.observe_outcome(await engine.handle(event))
    metrics.observe_outcome(await engine.handle(event))  # the same event again
    metrics.observe_outcome(type("O", (), {"decision": BotDecision(
        speak=True, intervention="answer", text="hi", reason="asked", llm_calls=2,
        tokens_in=30, tokens_out=7)})())
    ops = await start_ops_server(settings, store, extra_routes=route_groups(store, metrics))
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{ops.port}/metrics") as resp:
                got = samples(await resp.text())
    finally:
        await ops.stop()
    assert got[("facilitator_events_total", (("kind", "message"), ("platform", "local")))] == 5
    assert got[("facilitator_silences_total", (("reason", "duplicate"),))] == 1
    silent = sum(v for (name, _), v in got.items() if name == "facilitator_silences_total")
    assert silent == 6
    assert got[("facilitator_decisions_total", (("intervention", "answer"),))] == 1
    assert got[("facilitator_llm_calls_total", ())] == 2
    assert got[("facilitator_llm_tokens_total", (("direction", "in"),))] == 30
    shard = f"local-s{intake.shard_of(event.room.key):02d}"
    assert got[("facilitator_stream_length", (("shard", shard),))] == 5
    assert got[("facilitator_stream_pending", (("shard", shard),))] == 0  # nobody read yet
    assert got[("facilitator_store_seconds_count", (("op", "xadd"),))] == 5


async def test_llm_calls_latency_errors_and_tokens_measured_at_the_provider() -> None:
    """The real openai SDK against a scripted wire: one answer, then three refused requests,
    which open the circuit breaker: /metrics says the model is off, and a call the breaker
    refuses never counts as a call."""
    refused = status(400, {"error": {"message": "no"}})
    wire = Wire([openai_completion("Ana, what do you think?", prompt_tokens=11,
                                   completion_tokens=7), refused, refused, refused])
    provider = OpenAIProvider("gpt-4o-mini", api_key="sk-test", http_client=wire.client(),
                              max_retries=0)
    policy = FacilitatorPolicy(Prompts(), provider)
    metrics = Metrics()
    measure_llm(policy, metrics)
    measure_llm(policy, metrics)  # idempotent: never timed twice
    llm = policy.graph.provider
    assert llm is not None
    assert (await llm.text("s", "u")).value == "Ana, what do you think?"
    got = samples(metrics.render().decode())
    assert got[("facilitator_llm_circuit_open", ())] == 0
    for _ in range(4):  # three failures open the breaker; the fourth call never goes out
        with pytest.raises(LLMError):
            await llm.text("s", "u")
    policy.graph.breaker.note_fallback()  # type: ignore[union-attr]
    await metrics.refresh()
    await llm.aclose()
    got = samples(metrics.render().decode())
    assert got[("facilitator_llm_calls_total", ())] == 4
    assert got[("facilitator_llm_errors_total", ())] == 3
    assert got[("facilitator_llm_tokens_total", (("direction", "in"),))] == 11
    assert got[("facilitator_llm_tokens_total", (("direction", "out"),))] == 7
    assert got[("facilitator_llm_seconds_count", ())] == 4
    assert got[("facilitator_llm_circuit_open", ())] == 1
    assert got[("facilitator_llm_fallbacks", ())] == 1
    # Decisions no longer add their own call counts on top.
    metrics.observe_outcome(type("O", (), {"decision": BotDecision(
        speak=True, intervention="answer", text="hi", reason="asked", llm_calls=1)})())
    assert samples(metrics.render().decode())[("facilitator_llm_calls_total", ())] == 4
