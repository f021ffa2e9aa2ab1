"""A local Redis Cluster from the embedded binary: for the conformance suite and benchmarks."""

from __future__ import annotations

import asyncio
import socket
from types import TracebackType

import redis.asyncio as aioredis

from facilitator.memory.server import EmbeddedServer, EmbeddedServerError, valkey_binary


def _free_ports(n: int) -> list[int]:
    # Cluster nodes also listen on port+10000 for their bus; pick ports that leave room.
    ports: list[int] = []
    while len(ports) < n:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port < 55000 and port not in ports:
            ports.append(port)
    return ports


class EmbeddedCluster:
    """N primaries on 127.0.0.1, no replicas, joined with `valkey-cli --cluster create`."""

    def __init__(self, nodes: int = 3) -> None:
        self.nodes = [EmbeddedServer(port=p, cluster=True) for p in _free_ports(nodes)]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.nodes[0].port}?cluster=true"

    async def start(self, wait_s: float = 20.0) -> str:
        await asyncio.gather(*(n.start() for n in self.nodes))
        cli = await asyncio.create_subprocess_exec(
            str(valkey_binary("valkey-cli")), "--cluster", "create",
            *(f"127.0.0.1:{n.port}" for n in self.nodes),
            "--cluster-replicas", "0", "--cluster-yes",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        out, _ = await cli.communicate()
        if cli.returncode != 0:
            await self.stop()
            raise EmbeddedServerError(f"cluster create failed: {out.decode()[-500:]}")
        client = aioredis.Redis(host="127.0.0.1", port=self.nodes[0].port)
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + wait_s
            while loop.time() < deadline:
                info = await client.execute_command("CLUSTER", "INFO")
                text = info.decode() if isinstance(info, bytes) else str(info)
                if "cluster_state:ok" in text:
                    return self.url
                await asyncio.sleep(0.05)
        finally:
            await client.aclose()
        await self.stop()
        raise EmbeddedServerError("cluster did not reach state ok")

    async def stop(self) -> None:
        await asyncio.gather(*(n.stop() for n in self.nodes))

    async def __aenter__(self) -> EmbeddedCluster:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()
