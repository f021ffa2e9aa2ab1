"""`facilitator run slack`: settings checked up front, a full run, and the app manifest."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest
import yaml

from facilitator.adapters.slack.adapter import SlackAdapter
from facilitator.adapters.slack.app import COMMAND, EVENT_TYPES
from facilitator.adapters.slack.config import BOT_EVENTS, BOT_SCOPES, SlackConfig, SlackConfigError
from facilitator.adapters.slack.runner import serve
from facilitator.cli import main
from facilitator.config import Settings
from tests.slack.mock_slack import APP_TOKEN, MockSlack, SocketModeServer
from tests.slack.payloads import BOT_TOKEN, CHANNEL, message, socket_envelope


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])

MANIFEST = Path(__file__).resolve().parents[2] / "deploy" / "slack" / "manifest.yaml"


@pytest.mark.parametrize(("env", "args", "missing"), [
    ({}, [], "SLACK_BOT_TOKEN"),
    ({"SLACK_BOT_TOKEN": "xoxb-1"}, [], "SLACK_APP_TOKEN"),
    ({"SLACK_BOT_TOKEN": "xoxb-1"}, ["--http"], "SLACK_SIGNING_SECRET"),
    ({"SLACK_CLIENT_ID": "1.2", "SLACK_APP_TOKEN": APP_TOKEN}, [], "SLACK_CLIENT_SECRET"),
    ({"SLACK_CLIENT_SECRET": "s", "SLACK_SIGNING_SECRET": "x"}, ["--http"], "SLACK_CLIENT_ID"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-not-app"}, [], "SLACK_APP_TOKEN"),
])
def test_missing_settings_exit_2_with_one_line(env: dict[str, str], args: list[str], missing: str,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["run", "slack", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and missing in err and "\n" not in err


def test_settings_from_env() -> None:
    config = SlackConfig.from_env({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s",
                                   "SLACK_BOT_TOKEN": "xoxb-ignored", "SLACK_SIGNING_SECRET": "x",
                                   "FACILITATOR_SLACK_IGNORE_BOTS": "0"}, http=True, port=8080)
    assert config.oauth and config.bot_token is None and config.serves_http
    assert config.port == 8080 and not config.ignore_bots
    with pytest.raises(SlackConfigError):
        SlackConfig.from_env({})


async def test_serve_runs_until_stopped(mock: MockSlack, socket_server: SocketModeServer,
                                        tmp_path: Path) -> None:
    config = SlackConfig(bot_token=BOT_TOKEN, app_token=APP_TOKEN, api_url=mock.base_url,
                         min_post_interval=0.05)
    stop = asyncio.Event()
    ready: asyncio.Future[SlackAdapter] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve(config, Settings(data_dir=tmp_path / "data", http_port=0), stop,
                                     on_ready=ready.set_result))
    adapter = await asyncio.wait_for(ready, 10)
    envelope = socket_envelope("events_api", message("U0ALICE001", "<@U0FACBOT01> what is open?",
                                                     "1712000700.000100"))
    await socket_server.send(envelope)
    await socket_server.ack_for(envelope["envelope_id"])
    await mock.wait_for(lambda: mock.posts(CHANNEL))
    await adapter.drain()
    stop.set()
    assert await asyncio.wait_for(task, 10) == 0
    assert (tmp_path / "data").is_dir()  # memory is durable across restarts


def test_manifest_asks_for_exactly_what_the_code_uses() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert manifest["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    assert "user" not in manifest["oauth_config"]["scopes"]
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert events == list(BOT_EVENTS)
    # Every subscribed event has a listener, and every listener a subscription.
    listened = {e for e in EVENT_TYPES if e != "message"} | {"app_uninstalled", "tokens_revoked"}
    assert {e for e in events if not e.startswith("message.")} == listened
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == [COMMAND]
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True


async def test_cli_runs_until_sigterm(mock: MockSlack, socket_server: SocketModeServer,
                                      tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FACILITATOR_"))}
    env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN, SLACK_API_URL=mock.base_url,
               FACILITATOR_DATA_DIR=str(tmp_path / "data"), PYTHONIOENCODING="utf-8",
               FACILITATOR_HTTP_PORT=str(free_port()))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "facilitator.cli", "run", "slack", env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        assert proc.stderr is not None
        lines = [await asyncio.wait_for(proc.stderr.readline(), 30)]
        while lines[-1] and b"connected to Slack" not in lines[-1]:
            lines.append(await asyncio.wait_for(proc.stderr.readline(), 30))
        # The one line a user sees at start: no warnings before it.
        port = env["FACILITATOR_HTTP_PORT"]
        assert lines == [f"facilitator: connected to Slack (Socket Mode); health on "
                         f"http://127.0.0.1:{port}/healthz and /readyz; Ctrl-C stops\n".encode()]
        await socket_server.connected()
        # Socket Mode serves the health and readiness probes too.
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                assert response.status == 200
            async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
                assert response.status == 200 and (await response.json())["ready"] is True
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
