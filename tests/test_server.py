"""The embedded server launcher: a real valkey-server, private, tied to our process."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from facilitator.config import Settings
from facilitator.memory.server import (
    EmbeddedServer,
    EmbeddedServerError,
    sweep_stale_temp_dirs,
)
from facilitator.memory.state import RoomState
from facilitator.memory.store import StoreUnavailable, open_store


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); check its state.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


async def test_throwaway_server_answers_and_cleans_up() -> None:
    server = EmbeddedServer()
    url = await server.start()
    assert url.startswith("unix://")
    tmp = server.socket_path.parent if server.socket_path else None
    client = aioredis.from_url(url)
    assert await client.ping()
    assert await client.config_get("appendonly") == {"appendonly": "no"}
    await client.aclose()
    pid = server.process.pid if server.process else -1
    await server.stop()
    assert not _alive(pid)
    assert tmp is not None and not tmp.exists()


def test_server_dies_when_its_owner_is_sigkilled(tmp_path: Path) -> None:
    script = textwrap.dedent("""
        import asyncio, sys
        from facilitator.memory.server import EmbeddedServer
        async def main():
            server = EmbeddedServer()
            await server.start()
            print(server.process.pid, server.socket_path.parent, flush=True)
            await asyncio.sleep(60)
        asyncio.run(main())
    """)
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        line = holder.stdout.readline() if holder.stdout else ""
        server_pid, tmp_dir = int(line.split()[0]), Path(line.split()[1])
        assert _alive(server_pid)
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        deadline = time.monotonic() + 5
        while _alive(server_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(server_pid), "valkey-server outlived its SIGKILLed owner"
        # The owner could not clean up after itself; the next launch sweeps its folder.
        assert tmp_dir.exists()
        assert sweep_stale_temp_dirs() >= 1
        assert not tmp_dir.exists()
    finally:
        if holder.poll() is None:
            holder.kill()
        if holder.stdout:
            holder.stdout.close()


async def test_durable_mode_keeps_a_room_across_restart(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    async with open_store(settings, durable=True) as store:
        state = RoomState(room="local:keep", human_messages=7)
        assert await store.save_if_current(state, "")
    assert (tmp_path / "data").is_dir()
    async with open_store(settings, durable=True) as store:
        kept = await store.get("local:keep")
    assert kept is not None and kept.human_messages == 7


async def test_durable_data_folder_is_held_by_one_server(tmp_path: Path) -> None:
    first = EmbeddedServer(data_dir=tmp_path / "d")
    await first.start()
    try:
        with pytest.raises(EmbeddedServerError, match="holds the data folder"):
            await EmbeddedServer(data_dir=tmp_path / "d").start()
        # Tools like `room show` reach the running server through its socket instead.
        settings = Settings(data_dir=tmp_path / "d")
        async with open_store(settings, durable=True) as store:
            assert await store.rooms() == []
    finally:
        await first.stop()


async def test_unreachable_redis_url_is_one_clear_error(tmp_path: Path) -> None:
    url = f"unix://{tmp_path}/nothing-here.sock"
    with pytest.raises(StoreUnavailable, match=f"cannot reach Redis at {url}"):
        async with open_store(Settings(data_dir=tmp_path, redis_url=url)):
            pass


async def test_many_servers_start_fast() -> None:
    started = time.perf_counter()
    servers = [EmbeddedServer() for _ in range(3)]
    await asyncio.gather(*(s.start() for s in servers))
    await asyncio.gather(*(s.stop() for s in servers))
    assert time.perf_counter() - started < 5
