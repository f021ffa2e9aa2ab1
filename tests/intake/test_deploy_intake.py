"""The container files run the streams intake, the same shard count everywhere, and let
Prometheus find /metrics; the settings they use are ones the program accepts."""

from __future__ import annotations

from typing import Any

from facilitator.intake.runtime import intake_mode
from facilitator.intake.streams import IntakeConfig
from tests.test_deploy import _by_kind, _compose, _container


def test_compose_workers_use_the_streams_intake_with_one_shard_count() -> None:
    workers = [s for s in _compose()["services"].values() if s.get("command", [""])[0] == "run"]
    assert len(workers) == 2  # slack (2 replicas) and discord
    shards = set()
    for service in workers:
        env = {k: str(v) for k, v in service["environment"].items()}
        assert intake_mode(env) == "streams"
        shards.add(IntakeConfig.from_env(env).shards)
    assert len(shards) == 1


def test_k8s_workers_use_the_streams_intake_and_are_scraped() -> None:
    [config] = _by_kind("ConfigMap").values()
    data: dict[str, str] = config["data"]
    assert intake_mode(data) == "streams"
    assert IntakeConfig.from_env(data).shards == 16
    for name, deployment in _by_kind("Deployment").items():
        if not name.startswith("facilitator-"):
            continue
        annotations: dict[str, Any] = deployment["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true", name
        assert annotations["prometheus.io/path"] == "/metrics", name
        ports = {p["containerPort"] for p in _container(deployment)["ports"]}
        assert int(annotations["prometheus.io/port"]) in ports, name
        assert int(data["FACILITATOR_HTTP_PORT"]) in ports, name
