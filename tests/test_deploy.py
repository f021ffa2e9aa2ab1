"""Deployment files a platform team would accept, checked offline (no Docker engine, no cluster):
the Kubernetes manifests against the Kubernetes schemas, compose.yaml and the Dockerfile by
parsing them."""

from __future__ import annotations

import fnmatch
import http.server
import importlib.resources
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from tests.test_deploy_valkey import compose_bytes, k8s_bytes

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"
OPS_PORT = 8080  # FACILITATOR_HTTP_PORT's default: /healthz, /readyz, /metrics
# The oldest Kubernetes minor still in common managed offerings, and the newest schemas shipped.
K8S_VERSIONS = ("1.31.0", kubernetes_validate.latest_version())


def _manifests() -> list[tuple[str, dict[str, Any]]]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc is not None:
                docs.append((path.name, doc))
    return docs


def _by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for _, d in _manifests() if d["kind"] == kind}


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_every_manifest_is_valid_against_the_kubernetes_schemas(version: str) -> None:
    docs = _manifests()
    assert len(docs) >= 6
    for name, doc in docs:
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{name}: {doc['kind']}/{doc['metadata']['name']}: {exc.message}")


def test_validation_would_catch_a_mistake() -> None:
    deployment = json.loads(json.dumps(_by_kind("Deployment")["facilitator-slack"]))
    deployment["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["httpGet"][
        "prot"] = OPS_PORT  # a typo strict validation must reject
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSIONS[-1], strict=True)


def _container(deployment: dict[str, Any]) -> dict[str, Any]:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return dict(containers[0])


def _port(container: dict[str, Any], ref: int | str) -> int:
    if isinstance(ref, int):
        return ref
    return int(next(p["containerPort"] for p in container["ports"] if p.get("name") == ref))


@pytest.mark.parametrize(("name", "platform"), [("facilitator-slack", "slack"),
                                                 ("facilitator-discord", "discord")])
def test_worker_deployments_probe_limit_and_take_secrets_by_reference(name: str,
                                                                      platform: str) -> None:
    deployment = _by_kind("Deployment")[name]
    pod = deployment["spec"]["template"]["spec"]
    c = _container(deployment)
    assert c["args"][:2] == ["run", platform]
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        get = c[probe]["httpGet"]
        assert get["path"] == path and _port(c, get["port"]) == OPS_PORT, probe
    config = _by_kind("ConfigMap")["facilitator"]["data"]
    assert int(config["FACILITATOR_HTTP_PORT"]) == OPS_PORT
    assert {"configMapRef": {"name": "facilitator"}} in c["envFrom"]
    for key in ("cpu", "memory"):
        assert c["resources"]["requests"][key] and c["resources"]["limits"][key]
    secret_like = re.compile(r"TOKEN|SECRET|KEY|PASSWORD")
    env = {e["name"]: e for e in c["env"]}
    needed = {"slack": {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"},
              "discord": {"DISCORD_TOKEN"}}[platform]
    assert needed <= set(env)
    for var, entry in env.items():
        if secret_like.search(var):
            assert "value" not in entry and "secretKeyRef" in entry["valueFrom"], var
    assert not any(secret_like.search(k) for k in config), "secrets do not belong in a ConfigMap"
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001  # the image's user
    assert c["securityContext"]["allowPrivilegeEscalation"] is False

    # The store's URL carries its password: built from the Secret Valkey reads, never stored
    # in the ConfigMap. Kubernetes expands $(REDIS_PASSWORD) only when it is defined earlier.
    assert "FACILITATOR_REDIS_URL" not in config
    names = [e["name"] for e in c["env"]]
    assert names.index("REDIS_PASSWORD") < names.index("FACILITATOR_REDIS_URL")
    assert env["REDIS_PASSWORD"]["valueFrom"]["secretKeyRef"] == {
        "name": "facilitator-redis", "key": "REDIS_PASSWORD"}
    assert re.fullmatch(r"rediss?://[^:/@]*:\$\(REDIS_PASSWORD\)@[^/@]+/\d+",
                        env["FACILITATOR_REDIS_URL"]["value"])


def test_replicas_and_the_slack_service() -> None:
    deployments = _by_kind("Deployment")
    # Two Discord processes on one shard would each receive every event.
    discord = deployments["facilitator-discord"]["spec"]
    assert discord["replicas"] == 1 and discord["strategy"]["type"] == "Recreate"
    service = _by_kind("Service")["facilitator-slack"]
    slack = deployments["facilitator-slack"]
    labels = slack["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    target = service["spec"]["ports"][0]["targetPort"]
    c = _container(slack)
    assert _port(c, target) == int(c["args"][c["args"].index("--port") + 1]) == 3000
    # Nothing else is selected by it: the Discord pods carry another component label.
    discord_labels = deployments["facilitator-discord"]["spec"]["template"]["metadata"]["labels"]
    assert not service["spec"]["selector"].items() <= discord_labels.items()


def test_an_autoscaler_owns_the_slack_worker_count() -> None:
    (hpa,) = _by_kind("HorizontalPodAutoscaler").values()
    assert hpa["apiVersion"] == "autoscaling/v2"
    slack = _by_kind("Deployment")["facilitator-slack"]
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["apiVersion"], target["kind"], target["name"]) == (
        slack["apiVersion"], slack["kind"], slack["metadata"]["name"])
    # A replicas field in the Deployment would reset the autoscaler's count on every apply.
    assert "replicas" not in slack["spec"]
    spec = hpa["spec"]
    pdb = _by_kind("PodDisruptionBudget")["facilitator-slack"]
    # Always one more than the disruption budget keeps, so a node drain can proceed; at most
    # Slack's 10 Socket Mode connections per app.
    assert pdb["spec"]["minAvailable"] < 2 <= spec["minReplicas"] < spec["maxReplicas"] <= 10
    assert pdb["spec"]["selector"]["matchLabels"].items() <= (
        slack["spec"]["template"]["metadata"]["labels"].items())
    (metric,) = spec["metrics"]
    assert metric["type"] == "Resource" and metric["resource"]["name"] == "cpu"
    assert 50 <= metric["resource"]["target"]["averageUtilization"] <= 90
    # Utilization is measured against the request: there must be one.
    assert _container(slack)["resources"]["requests"]["cpu"]


def test_the_in_cluster_valkey_is_persistent_and_reachable_at_the_workers_url() -> None:
    sts = _by_kind("StatefulSet")["facilitator-valkey"]
    c = _container(sts)
    script = c["command"][-1]
    assert re.search(r"--appendonly yes\b", script) and "--dir /data" in script
    assert re.search(r"--maxmemory-policy noeviction\b", script)
    assert sts["spec"]["volumeClaimTemplates"][0]["metadata"]["name"] == "data"
    assert {m["name"]: m["mountPath"] for m in c["volumeMounts"]}["data"] == "/data"
    # Valkey and the workers read the password from the same Secret key.
    secret_refs = [e["valueFrom"]["secretKeyRef"] for e in c["env"]
                   if "secretKeyRef" in e.get("valueFrom", {})]
    assert {"name": "facilitator-redis", "key": "REDIS_PASSWORD"} in secret_refs
    # maxmemory follows this container's limit (tests/test_deploy_valkey.py runs the script).
    assert c["resources"]["limits"]["memory"]
    for name in ("facilitator-slack", "facilitator-discord"):
        env = {e["name"]: e for e in _container(_by_kind("Deployment")[name])["env"]}
        url = env["FACILITATOR_REDIS_URL"]["value"]
        host = url.split("@", 1)[1].split(":", 1)[0]
        assert host == f"{sts['metadata']['name']}-0.{sts['spec']['serviceName']}", name
        assert ":6379/" in url
    assert sts["spec"]["serviceName"] in _by_kind("Service")
    assert "managed" in (K8S / "README.md").read_text(encoding="utf-8").lower()


# -- NetworkPolicy: who may talk to whom ------------------------------------------------------

NAMESPACE = "facilitator"  # where the manifests are applied; any one namespace


@dataclass(frozen=True)
class _Pod:
    labels: tuple[tuple[str, str], ...]
    namespace: str = NAMESPACE


def _pod(template_of: dict[str, Any], namespace: str = NAMESPACE) -> _Pod:
    return _Pod(tuple(template_of["spec"]["template"]["metadata"]["labels"].items()), namespace)


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for e in selector.get("matchExpressions", []):
        key, op, values = e["key"], e["operator"], e.get("values", [])
        ok = {"In": key in labels and labels[key] in values,
              "NotIn": not (key in labels and labels[key] in values),
              "Exists": key in labels, "DoesNotExist": key not in labels}[op]
        if not ok:
            return False
    return True


def _peer_matches(peer: dict[str, Any], other: _Pod | None) -> bool:
    """`other` None: an address outside the cluster."""
    assert "ipBlock" not in peer, "ipBlock peers are not modelled here"
    if other is None:
        return False
    if "namespaceSelector" in peer:
        namespace_ok = _selects(peer["namespaceSelector"],
                                {"kubernetes.io/metadata.name": other.namespace})
    else:
        namespace_ok = other.namespace == NAMESPACE
    return namespace_ok and _selects(peer.get("podSelector", {}), dict(other.labels))


def _port_matches(ports: list[dict[str, Any]] | None, port: int, protocol: str) -> bool:
    if not ports:
        return True
    for p in ports:
        if p.get("protocol", "TCP") != protocol:
            continue
        if "port" not in p:
            return True
        assert isinstance(p["port"], int), "named ports are not modelled here"
        if p["port"] <= port <= p.get("endPort", p["port"]):
            return True
    return False


def _policy_types(policy: dict[str, Any]) -> list[str]:
    default = ["Ingress"] + (["Egress"] if "egress" in policy["spec"] else [])
    return list(policy["spec"].get("policyTypes", default))


def _allowed(src: _Pod | None, dst: _Pod | None, port: int, protocol: str = "TCP",
             policies: list[dict[str, Any]] | None = None) -> bool:
    """Kubernetes NetworkPolicy semantics for one connection (None: outside the cluster): a
    pod selected by some policy of a direction allows only what one of their rules allows."""
    if policies is None:
        policies = list(_by_kind("NetworkPolicy").values())
    for pod, direction, peers_key, other in ((src, "Egress", "to", dst),
                                             (dst, "Ingress", "from", src)):
        if pod is None or pod.namespace != NAMESPACE:
            continue
        selecting = [p for p in policies if direction in _policy_types(p)
                     and _selects(p["spec"]["podSelector"], dict(pod.labels))]
        rules = [r for p in selecting for r in p["spec"].get(direction.lower(), [])]
        if selecting and not any(
                _port_matches(r.get("ports"), port, protocol)
                and (not r.get(peers_key) or any(_peer_matches(x, other) for x in r[peers_key]))
                for r in rules):
            return False
    return True


def _pods() -> dict[str, _Pod]:
    deployments = _by_kind("Deployment")
    return {"slack": _pod(deployments["facilitator-slack"]),
            "discord": _pod(deployments["facilitator-discord"]),
            "valkey": _pod(_by_kind("StatefulSet")["facilitator-valkey"]),
            "backup": _Pod((("app.kubernetes.io/name", "facilitator"),
                            ("app.kubernetes.io/component", "valkey-client"))),
            "stranger": _Pod((("app.kubernetes.io/name", "something-else"),)),
            "kube-dns": _Pod((("k8s-app", "kube-dns"),), "kube-system")}


def test_only_the_bots_pods_reach_valkey() -> None:
    pods = _pods()
    valkey = pods["valkey"]
    for name in ("slack", "discord", "backup"):
        assert _allowed(pods[name], valkey, 6379), name
    assert not _allowed(pods["stranger"], valkey, 6379)
    assert not _allowed(None, valkey, 6379)
    # The workers' labels in another namespace are other workloads.
    assert not _allowed(_Pod(pods["slack"].labels, "elsewhere"), valkey, 6379)
    assert not _allowed(pods["slack"], valkey, 16379)
    # The store itself reaches nothing.
    for dst, port, protocol in ((None, 443, "TCP"), (None, 53, "UDP"), (pods["slack"], 8080, "TCP")):
        assert not _allowed(valkey, dst, port, protocol)
    # Without the policies the same stranger would get in: the checks above test them.
    assert _allowed(pods["stranger"], valkey, 6379, policies=[])


def test_the_workers_reach_only_dns_valkey_and_https_and_serve_only_their_ports() -> None:
    pods = _pods()
    deployments = _by_kind("Deployment")
    for name in ("slack", "discord"):
        worker = pods[name]
        assert _allowed(worker, None, 443), name  # Slack, Discord, a hosted LLM
        assert _allowed(worker, pods["kube-dns"], 53, "UDP") and _allowed(worker, None, 53, "TCP")
        assert _allowed(worker, pods["valkey"], 6379)
        for port in (80, 6379, 5432, 11434):  # an outside Redis or LLM server needs a rule
            assert not _allowed(worker, None, port), (name, port)
        assert not _allowed(worker, pods["stranger"], 8080), name
        # In: every port the container serves, from anywhere (Ingress controller, Prometheus,
        # kubelet); nothing else.
        c = _container(deployments[f"facilitator-{name}"])
        for p in c["ports"]:
            assert _allowed(None, worker, p["containerPort"]), (name, p)
        assert not _allowed(pods["stranger"], worker, 22), name


# -- compose -----------------------------------------------------------------------------------

def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return data


def _active(services: dict[str, Any], profiles: set[str]) -> set[str]:
    """The services `docker compose --profile P...` starts: those without profiles, and those
    with one of the given profiles."""
    return {name for name, s in services.items()
            if not s.get("profiles") or set(s["profiles"]) & profiles}


def test_compose_starts_slack_or_discord_by_profile_on_one_healthy_redis() -> None:
    services = _compose()["services"]
    workers = {name: s for name, s in services.items() if s.get("command", [""])[0] == "run"}
    assert {s["command"][1] for s in workers.values()} == {"slack", "discord"}
    # Nothing but the store starts unasked: no worker without its token crash-loops.
    assert _active(services, set()) == {"redis"}
    assert _active(services, {"slack"}) == {"redis", "slack"}
    assert _active(services, {"discord"}) == {"redis", "discord"}
    assert _active(services, {"slack", "discord"}) == {"redis", "slack", "discord"}
    replicas = {s["command"][1]: s["deploy"]["replicas"] for s in workers.values()}
    assert replicas == {"slack": 2, "discord": 1}
    redis = services["redis"]
    assert redis["restart"] in ("always", "unless-stopped")
    assert redis["healthcheck"]["test"]
    for name, s in workers.items():
        platform = s["command"][1]
        assert s["profiles"] == [platform], name
        # Each worker reads its own platform's settings, from the file its example fills.
        assert s["env_file"] == [f"{platform}/.env"], name
        assert (DEPLOY / platform / "env.example").is_file()
        assert s["restart"] in ("always", "unless-stopped"), name
        assert s["depends_on"]["redis"]["condition"] == "service_healthy", name
        assert s["healthcheck"]["test"][0] == "CMD", name
        assert int(s["environment"]["FACILITATOR_HTTP_PORT"]) == OPS_PORT, name
        assert s["build"]["dockerfile"] == "deploy/Dockerfile"
        assert (DEPLOY / s["build"]["context"] / s["build"]["dockerfile"]).resolve() == (
            DEPLOY / "Dockerfile")


def test_compose_limits_every_service() -> None:
    services = _compose()["services"]
    for name, s in services.items():
        limits = s["deploy"]["resources"]["limits"]
        assert float(limits["cpus"]) > 0 and compose_bytes(limits["memory"]) > 0, name
        reserved = s["deploy"]["resources"]["reservations"]
        assert compose_bytes(reserved["memory"]) <= compose_bytes(limits["memory"]), name
    # The workers get what they get in Kubernetes.
    k8s = _container(_by_kind("Deployment")["facilitator-slack"])["resources"]["limits"]
    for name in ("slack", "discord"):
        limits = services[name]["deploy"]["resources"]["limits"]
        assert compose_bytes(limits["memory"]) == k8s_bytes(k8s["memory"]), name
        assert float(limits["cpus"]) == float(k8s["cpu"]), name


_INTERPOLATION = re.compile(r"(?<!\$)\$\{(\w+)")


def test_compose_wires_the_store_password_from_deploy_env() -> None:
    services = _compose()["services"]
    required = re.compile(r"\$\{REDIS_PASSWORD:\?[^}]+\}")
    for name in ("slack", "discord"):
        url = services[name]["environment"]["FACILITATOR_REDIS_URL"]
        assert re.fullmatch(rf"redis://:{required.pattern}@redis:6379/\d+", url), name
    for var in ("REDIS_PASSWORD", "REDISCLI_AUTH"):  # the server, and its probe
        assert required.fullmatch(services["redis"]["environment"][var]), var
    # Every ${VAR} compose.yaml needs is in the example of deploy/.env, and nothing else is.
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    needed = set(_INTERPOLATION.findall(text))
    example = (DEPLOY / "env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", example, re.M))
    assert needed == {"REDIS_PASSWORD"}
    assert listed - {"COMPOSE_PROFILES"} == needed


def _compose_schema() -> dict[str, Any]:
    files = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    schema: dict[str, Any] = json.loads((files / "compose-spec.json").read_text(encoding="utf-8"))
    return schema


def test_compose_is_valid_against_the_compose_spec_schema() -> None:
    schema = _compose_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(_compose())]
    assert errors == []
    # ...and the schema would catch a misspelt key.
    broken = _compose()
    broken["services"]["slack"]["deploy"]["resources"]["limits"]["memroy"] = "1G"
    assert not validator.is_valid(broken)


def _docker_compose() -> list[str] | None:
    docker = shutil.which("docker")
    if docker is None:
        return None
    done = subprocess.run([docker, "compose", "version"], capture_output=True, timeout=30)
    return [docker, "compose"] if done.returncode == 0 else None


def test_docker_compose_config_accepts_each_profile(tmp_path: Path) -> None:
    """`docker compose config` where the compose plugin is installed (it needs no engine)."""
    compose = _docker_compose()
    if compose is None:
        pytest.skip("no `docker compose` here: the schema test above stands in for it")
    deploy = tmp_path / "deploy"
    shutil.copytree(DEPLOY, deploy, ignore=shutil.ignore_patterns(".env"))
    for platform in ("slack", "discord"):
        shutil.copy(deploy / platform / "env.example", deploy / platform / ".env")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "REDIS_"))}
    password = "0123456789abcdef0123456789abcdef"

    def config(*profiles: str, password: str | None) -> subprocess.CompletedProcess[str]:
        argv = [*compose, "-f", str(deploy / "compose.yaml")]
        for profile in profiles:
            argv += ["--profile", profile]
        extra = {} if password is None else {"REDIS_PASSWORD": password}
        return subprocess.run([*argv, "config", "--format", "json"], env={**env, **extra},
                              capture_output=True, text=True, timeout=60)

    for profile in ("slack", "discord"):
        done = config(profile, password=password)
        assert done.returncode == 0, done.stderr
        services = json.loads(done.stdout)["services"]
        assert set(services) == {"redis", profile}
        url = services[profile]["environment"]["FACILITATOR_REDIS_URL"]
        assert url == f"redis://:{password}@redis:6379/0"
        assert services[profile]["environment"]["FACILITATOR_LLM"] == "rules"  # its env file
        assert services["redis"]["environment"]["REDIS_PASSWORD"] == password
    done = config("slack", password=None)
    assert done.returncode != 0 and "REDIS_PASSWORD" in done.stderr


# -- the env examples --------------------------------------------------------------------------

# Read by the program but not settings of a worker.
_NOT_WORKER_SETTINGS = {
    "FACILITATOR_SHARED_DATA": "the evaluation data folder (`facilitator eval`)",
    "SLACK_API_URL": "a test hook: points slack_sdk at a recording server",
}
_SETTING = re.compile(r"""["']((?:FACILITATOR|SLACK|DISCORD|OPENAI|ANTHROPIC)_[A-Z0-9_]+)["']""")


def _settings_the_program_reads() -> set[str]:
    names: set[str] = set()
    for path in (REPO / "facilitator").rglob("*.py"):
        names |= set(_SETTING.findall(path.read_text(encoding="utf-8")))
    return names - set(_NOT_WORKER_SETTINGS)


@pytest.mark.parametrize(("platform", "other"), [("slack", "discord"), ("discord", "slack")])
def test_each_env_example_lists_every_setting_its_worker_reads(platform: str, other: str) -> None:
    text = (DEPLOY / platform / "env.example").read_text(encoding="utf-8")
    listed = re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, re.M)
    assert len(listed) == len(set(listed)), "a setting listed twice"
    read = _settings_the_program_reads()
    assert len(read) > 20  # the scan found the settings
    foreign = (f"{other.upper()}_", f"FACILITATOR_{other.upper()}_")
    wanted = {name for name in read if not name.startswith(foreign)}
    assert sorted(wanted - set(listed)) == [], f"missing from deploy/{platform}/env.example"
    assert sorted(set(listed) - wanted) == [], "listed, but not read by this worker"


def test_the_guides_start_each_platform_with_its_own_profile_and_env_file() -> None:
    for platform, other in (("slack", "discord"), ("discord", "slack")):
        guide = (DEPLOY / platform / "README.md").read_text(encoding="utf-8")
        assert f"--profile {platform}" in guide, platform
        assert f"deploy/{platform}/.env" in guide, platform
        assert f"deploy/{other}/env.example" not in guide, platform
        assert "REDIS_PASSWORD" in guide, platform
    ops = (DEPLOY / "OPERATIONS.md").read_text(encoding="utf-8")
    for needed in ("--profile slack", "--profile discord", "REDIS_PASSWORD", "maxmemory",
                   "noeviction", "requirements.lock", "NetworkPolicy", "HorizontalPodAutoscaler"):
        assert needed in ops, needed
    header = (DEPLOY / "compose.yaml").read_text(encoding="utf-8").split("\nname:", 1)[0]
    assert "--profile slack" in header and "deploy/slack/.env" in header
    assert "cp deploy/discord/env.example deploy/slack" not in header


# -- Dockerfile --------------------------------------------------------------------------------

def _instructions() -> list[tuple[str, str]]:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def _dockerignore() -> list[str]:
    lines = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def _ignored(path: str, patterns: list[str]) -> bool:
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pat = pattern.lstrip("!").rstrip("/")
        candidates = {pat, pat.removeprefix("**/")}
        parts = path.split("/")
        prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
        if any(fnmatch.fnmatch(p, c) for c in candidates for p in prefixes + parts):
            ignored = not negate
    return ignored


def test_dockerfile_pins_its_base_and_runs_as_a_non_root_user_with_a_healthcheck() -> None:
    steps = _instructions()
    args = dict(rest.split("=", 1) for word, rest in steps if word == "ARG" and "=" in rest)
    froms = [rest.split()[0] for word, rest in steps if word == "FROM"]
    assert froms
    for image in froms:
        image = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], image)
        pinned = "@sha256:" in image or re.search(r":\d+\.\d+\.\d+[\w.-]*$", image)
        assert pinned, f"base image {image} is not pinned to an exact version or digest"
    last_from = max(i for i, (w, _) in enumerate(steps) if w == "FROM")
    users = [rest for i, (w, rest) in enumerate(steps) if w == "USER" and i > last_from]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    entry = next(i for i, (w, _) in enumerate(steps) if w == "ENTRYPOINT")
    assert max(i for i, (w, _) in enumerate(steps) if w == "USER") < entry
    # The user owns its data folder, and the program keeps its data there.
    uid = users[-1].split(":")[0]
    run_text = " ".join(rest for w, rest in steps if w == "RUN")
    assert re.search(rf"chown {uid}(:\d+)? /data", run_text)
    env_text = " ".join(rest for w, rest in steps if w == "ENV")
    assert "FACILITATOR_DATA_DIR=/data" in env_text
    health = [rest for w, rest in steps if w == "HEALTHCHECK"]
    assert len(health) == 1 and "/healthz" in health[0] and "FACILITATOR_HTTP_PORT" in health[0]
    assert f"FACILITATOR_HTTP_PORT={OPS_PORT}" in env_text


def test_dockerfile_installs_the_locked_dependencies_with_hashes_before_the_code() -> None:
    steps = _instructions()
    code_copy = next(i for i, (w, rest) in enumerate(steps)
                     if w == "COPY" and rest.split()[0] == "facilitator")
    installs = [(i, rest) for i, (w, rest) in enumerate(steps) if w == "RUN" and "pip install" in rest]
    # Two installs, no more: the lock (every file checked against its hash), then the project
    # with nothing fetched (no dependencies, no index, the locked build backend).
    assert len(installs) == 2, installs
    (dep_install, deps), (project_install, project) = installs
    assert re.search(r"pip install (\S+ )*-r requirements\.lock\b", deps)
    assert "--require-hashes" in deps
    assert dep_install < code_copy < project_install
    for flag in ("--no-deps", "--no-index", "--no-build-isolation"):
        assert flag in project, flag
    assert "pip check" in project
    before = [rest.split()[:-1] for w, rest in steps[:dep_install] if w == "COPY"]
    assert before == [["requirements.lock"]], "only the lock may precede the install"
    assert (REPO / "requirements.lock").is_file()


def test_dockerignore_keeps_secrets_and_local_state_out_but_sends_what_the_build_copies() -> None:
    patterns = _dockerignore()
    for path in (".git", ".venv", "deploy/.env", ".env", "deploy/slack/.env", "deploy/discord/.env",
                 "facilitator/__pycache__/x.pyc"):
        assert _ignored(path, patterns), path
    for word, rest in _instructions():
        if word == "COPY" and not rest.startswith("--from"):
            for source in shlex.split(rest)[:-1]:
                assert (REPO / source).exists(), source
                assert not _ignored(source, patterns), f"{source} is copied but ignored"


# -- the health checks themselves --------------------------------------------------------------

class _Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return None


def _health_commands() -> list[tuple[str, list[str]]]:
    steps = _instructions()
    docker = json.loads(next(rest for w, rest in steps if w == "HEALTHCHECK").split("CMD", 1)[1])
    out = [("Dockerfile", list(docker))]
    for name, service in _compose()["services"].items():
        test = service["healthcheck"]["test"]
        if test[0] == "CMD" and "python" in test[1]:
            out.append((f"compose {name}", list(test[1:])))
    return out


@pytest.mark.parametrize("status", [200, 503])
def test_the_health_checks_pass_on_a_healthy_endpoint_and_fail_otherwise(status: int) -> None:
    """Run the image's and compose's check commands against a local /healthz."""
    handler = type("Handler", (_Health,), {"status": status})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    env = dict(os.environ, FACILITATOR_HTTP_PORT=str(server.server_address[1]))
    commands = _health_commands()
    assert {where for where, _ in commands} == {"Dockerfile", "compose slack", "compose discord"}
    try:
        for where, argv in commands:
            argv = [sys.executable if a == "python" else a for a in argv]
            done = subprocess.run(argv, env=env, capture_output=True, timeout=30)
            assert (done.returncode == 0) == (status == 200), where
    finally:
        server.shutdown()
        server.server_close()
    # And with nothing listening, the check fails.
    done = subprocess.run([sys.executable if a == "python" else a for a in commands[0][1]],
                          env=env, capture_output=True, timeout=30)
    assert done.returncode != 0
