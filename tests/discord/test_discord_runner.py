"""`facilitator run discord`: configuration errors, login, and a full run over a local gateway."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal

import aiohttp
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord_harness import MakeBot
from discord_payloads import BOT_ID, GENERAL, load
from discord_wire import FakeDiscord

from facilitator.adapters.discord.options import DiscordOptions, OptionsError
from facilitator.adapters.discord.runner import INTENTS_HELP, run_discord
from facilitator.cli import main
from facilitator.config import Settings

ARGS = argparse.Namespace(platform="discord")


def test_missing_token_is_one_clear_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "discord"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "DISCORD_TOKEN" in err[0]


@pytest.mark.parametrize(("name", "value"), [("DISCORD_GUILDS", "123,abc"),
                                             ("DISCORD_CHANNELS", "#general"),
                                             ("DISCORD_DEV_GUILD", "1,2"),
                                             ("DISCORD_SYNC_COMMANDS", "maybe")])
async def test_bad_options_name_the_variable(settings: Settings, capsys: pytest.CaptureFixture[str],
                                             name: str, value: str) -> None:
    assert await run_discord(ARGS, settings, env={"DISCORD_TOKEN": "t", name: value}) == 2
    assert name in capsys.readouterr().err


def test_options_from_env() -> None:
    options = DiscordOptions.from_env({"DISCORD_TOKEN": " Bot abc.def ", "DISCORD_GUILDS": "1, 2",
                                       "DISCORD_CHANNELS": "3", "DISCORD_DEV_GUILD": "1",
                                       "DISCORD_SYNC_COMMANDS": "0"})
    assert options == DiscordOptions(token="abc.def", guilds=frozenset({1, 2}),
                                     channels=frozenset({3}), dev_guild=1, sync_commands=False)
    assert options.guild_allowed(1) and not options.guild_allowed(5)
    assert not options.guild_allowed(None)
    assert DiscordOptions.from_env({"DISCORD_TOKEN": "x"}).guild_allowed(5)
    with pytest.raises(OptionsError, match="DISCORD_TOKEN"):
        DiscordOptions.from_env({"DISCORD_TOKEN": "  "})


async def test_a_rejected_token_exits_2(api: FakeDiscord, settings: Settings,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    api.script("GET", "/users/@me", 401, {"message": "401: Unauthorized", "code": 0})
    assert await run_discord(ARGS, settings, env={"DISCORD_TOKEN": "wrong"}) == 2
    assert "rejected the token in DISCORD_TOKEN" in capsys.readouterr().err


async def test_privileged_intents_not_enabled(api: FakeDiscord, settings: Settings,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(api.gateway_url))
    api.close_on_identify = 4014  # what Discord does when an intent is not enabled
    assert await run_discord(ARGS, settings, env={"DISCORD_TOKEN": "t"}) == 2
    assert INTENTS_HELP in capsys.readouterr().err


async def _signal_handler_installed(sig: signal.Signals, within: float = 10.0) -> None:
    # Nothing signals "handler installed" (and sending SIGTERM before it would kill pytest),
    # so poll the process's signal table.
    async with asyncio.timeout(within):
        while signal.getsignal(sig) in (signal.SIG_DFL, None):  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def test_run_over_the_gateway_until_sigterm(api: FakeDiscord, settings: Settings,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """The whole runner: login, command sync, websocket IDENTIFY/READY, a mention answered
    with a post, then SIGTERM for a clean exit 0."""
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(api.gateway_url))
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    env = {"DISCORD_TOKEN": "test-token", "DISCORD_CHANNELS": GENERAL}
    run = asyncio.create_task(run_discord(ARGS, settings, env=env))
    try:
        await api.wait_for(lambda: api.identify is not None, within=10)
        assert api.identify is not None
        identify = api.identify["d"]
        assert identify["token"] == "test-token"
        assert identify["intents"] == 34307  # guilds, members, guild messages+reactions, content
        await _signal_handler_installed(signal.SIGTERM)  # start() returned: READY seen
        early = capsys.readouterr().err
        # The Discord mode serves the health and readiness probes too.
        found = re.search(r"health on http://127\.0\.0\.1:(\d+)/healthz and /readyz", early)
        assert found is not None, early
        async with aiohttp.ClientSession() as http:
            for path in ("/healthz", "/readyz"):
                async with http.get(f"http://127.0.0.1:{found.group(1)}{path}") as response:
                    assert response.status == 200
        await api.dispatch(load("message_create_mention"))
        # The channel's first event brings the welcome, then the answer to the mention.
        await api.wait_for(lambda: len(api.posts(GENERAL)) >= 2, within=10)
        os.kill(os.getpid(), signal.SIGTERM)
        assert await asyncio.wait_for(run, 10) == 0
    finally:
        if not run.done():
            run.cancel()
    welcome, post = api.posts(GENERAL)
    assert "this room's facilitator" in welcome["content"] and "forget-me" in welcome["content"]
    assert post["content"].strip()
    assert api.find("PUT", r"/applications/\d+/commands")
    err = early + capsys.readouterr().err
    assert f"client_id={BOT_ID}" in err and "permissions=274877975616" in err
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # handler removed again


async def test_engine_bot_id_is_the_discord_user(make_bot: MakeBot) -> None:
    bot = await make_bot()
    assert bot.engine.bot_id == BOT_ID == str(bot.adapter.bot_id)
    assert "permissions=274877975616" in bot.adapter.invite_url()
