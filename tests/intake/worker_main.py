"""A worker process for the kill test: `python -m tests.intake.worker_main REDIS_URL SLACK_URL`.

The real worker loop, the real engine and store, the real Slack SDK (pointed at the test's
recording server); only the policy is the test's echo.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from slack_sdk.web.async_client import AsyncWebClient

from facilitator.adapters.slack.posting import SlackSender
from facilitator.engine import Engine
from facilitator.intake.streams import Intake, IntakeConfig
from facilitator.intake.worker import Worker
from facilitator.memory.store import RoomStore, connect_url
from tests.intake.scale_parts import EchoPolicy, token_for


async def main(redis_url: str, slack_url: str, shards: int, lease_ms: int) -> None:
    client = await connect_url(redis_url)
    store = RoomStore(client, retention_s=3600)
    engine = Engine(store, EchoPolicy(), bot_id="facilitator")
    sender = SlackSender(AsyncWebClient(base_url=slack_url), token_for)
    worker = Worker(Intake(client, IntakeConfig(shards=shards), platform="slack"), engine, sender,
                    lease_ms=lease_ms, block_ms=100)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    await worker.run(stop)
    await client.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
