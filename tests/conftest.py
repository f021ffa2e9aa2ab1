"""Hermetic tests: a clean environment, a real embedded Valkey server, no network."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from facilitator.config import Settings
from facilitator.memory.cluster import EmbeddedCluster
from facilitator.memory.server import EmbeddedServer
from facilitator.memory.store import RoomStore, connect_url, open_store
from tests.watchdog import watching

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("FACILITATOR_SHARED_DATA", REPO.parent / "shared" / "data"))
_PREFIXES = ("FACILITATOR_", "OPENAI_", "ANTHROPIC_", "SLACK_", "DISCORD_")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto` (the default, pyproject.toml), except under `-s`: a worker process would
    swallow the printout `-s` asks for, so the tests run in this process."""
    return 0 if config.getoption("capture") == "no" else None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[object]:
    marker = item.get_closest_marker("timeout")
    timeout = float(marker.args[0]) if marker and marker.args else float(
        item.config.getini("timeout") or 0)
    with watching(item.nodeid, timeout):
        return (yield)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith(_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FACILITATOR_DATA_DIR", str(tmp_path / "data"))
    # Any free port for the ops server: tests run side by side.
    monkeypatch.setenv("FACILITATOR_HTTP_PORT", "0")
    yield


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", http_port=0)


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[RoomStore]:
    async with open_store(settings) as s:
        yield s


@pytest.fixture
async def server() -> AsyncIterator[EmbeddedServer]:
    async with EmbeddedServer() as srv:
        yield srv


@pytest.fixture(scope="session")
def single_url() -> Iterator[str]:
    """One real server for the whole session (its processes outlive any one event loop)."""
    srv = EmbeddedServer()
    url = asyncio.run(srv.start())
    yield url
    asyncio.run(srv.stop())


@pytest.fixture(scope="session")
def cluster_url() -> Iterator[str]:
    cluster = EmbeddedCluster(3)
    url = asyncio.run(cluster.start())
    yield url
    asyncio.run(cluster.stop())


@pytest.fixture(params=["single", "cluster"])
def backend_url(request: pytest.FixtureRequest) -> str:
    # Resolved in a sync fixture: the servers must be started from the main thread, because
    # PR_SET_PDEATHSIG fires when the *thread* that started them exits.
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
async def backend(backend_url: str) -> AsyncIterator[RoomStore]:
    """The conformance suite runs every store test on a single server and on a cluster."""
    url = backend_url
    client = await connect_url(url)
    await client.flushall()
    try:
        yield RoomStore(client, retention_s=3600)
    finally:
        await client.aclose()


async def connect(url: str) -> RoomStore:
    return RoomStore(await connect_url(url), retention_s=3600)


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Environment for running the CLI as a subprocess: hermetic, no keys."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_PREFIXES)}
    env["FACILITATOR_DATA_DIR"] = str(tmp_path / "data")
    env["FACILITATOR_HTTP_PORT"] = "0"
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


FACILITATOR = [sys.executable, "-m", "facilitator.cli"]


@pytest.fixture
async def silent_server() -> AsyncIterator[str]:
    """A real HTTP server on loopback that accepts and never answers: a true read timeout."""
    writers: list[asyncio.StreamWriter] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        await reader.read(65536)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        for w in writers:
            w.close()
        server.close()
        await server.wait_closed()
