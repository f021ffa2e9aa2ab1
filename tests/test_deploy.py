"""Deployment files a platform team would accept, checked offline (no Docker engine, no cluster):
the Kubernetes manifests against the Kubernetes schemas, compose.yaml and the Dockerfile by
parsing them."""

from __future__ import annotations

import fnmatch
import http.server
import json
import os
import re
import shlex
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

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


def test_replicas_and_the_slack_service() -> None:
    deployments = _by_kind("Deployment")
    assert deployments["facilitator-slack"]["spec"]["replicas"] >= 2
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


def test_the_in_cluster_valkey_is_persistent_and_reachable_at_the_configured_url() -> None:
    sts = _by_kind("StatefulSet")["facilitator-valkey"]
    args = _container(sts)["args"]
    assert args[args.index("--appendonly") + 1] == "yes"
    assert sts["spec"]["volumeClaimTemplates"][0]["metadata"]["name"] == "data"
    url = _by_kind("ConfigMap")["facilitator"]["data"]["FACILITATOR_REDIS_URL"]
    host = url.split("//", 1)[1].split(":", 1)[0]
    assert host == f"{sts['metadata']['name']}-0.{sts['spec']['serviceName']}"
    assert sts["spec"]["serviceName"] in _by_kind("Service")
    assert "managed" in (K8S / "README.md").read_text(encoding="utf-8").lower()


# -- compose -----------------------------------------------------------------------------------

def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return data


def test_compose_runs_two_slack_and_one_discord_worker_on_one_healthy_redis() -> None:
    services = _compose()["services"]
    workers = {name: s for name, s in services.items() if s.get("command", [""])[0] == "run"}
    replicas = {"slack": 0, "discord": 0}
    for s in workers.values():
        replicas[s["command"][1]] += s.get("deploy", {}).get("replicas", 1)
    assert replicas == {"slack": 2, "discord": 1}
    redis = services["redis"]
    assert redis["restart"] in ("always", "unless-stopped")
    assert redis["healthcheck"]["test"]
    assert "--appendonly" in redis["command"]
    for name, s in workers.items():
        assert s["restart"] in ("always", "unless-stopped"), name
        assert s["depends_on"]["redis"]["condition"] == "service_healthy", name
        assert s["environment"]["FACILITATOR_REDIS_URL"].startswith("redis://redis:"), name
        assert s["healthcheck"]["test"][0] == "CMD", name
        assert int(s["environment"]["FACILITATOR_HTTP_PORT"]) == OPS_PORT, name
        assert s["build"]["dockerfile"] == "deploy/Dockerfile"
        assert (DEPLOY / s["build"]["context"] / s["build"]["dockerfile"]).resolve() == (
            DEPLOY / "Dockerfile")


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
    for path in (".git", ".venv", "deploy/.env", ".env", "facilitator/__pycache__/x.pyc"):
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
