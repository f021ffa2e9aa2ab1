"""Socket Mode against a local WebSocket server that speaks Slack's envelope protocol."""

from __future__ import annotations

import pytest

from facilitator.adapters.slack.adapter import SlackAdapter, SlackStartError
from tests.slack.conftest import Factory, base_config
from tests.slack.mock_slack import APP_TOKEN, MockSlack, SocketModeServer
from tests.slack.payloads import CHANNEL, command, fixture, message, socket_envelope

ROOM = "slack:T0TEAM0001:C0PLANS001"


async def test_connects_with_the_app_token(harness: Factory, mock: MockSlack,
                                           socket_server: SocketModeServer) -> None:
    await harness(http=False)
    await socket_server.connected()
    [opened] = mock.called("apps.connections.open")
    assert opened.token == APP_TOKEN


async def test_events_are_acked_and_handled(harness: Factory, mock: MockSlack,
                                            socket_server: SocketModeServer) -> None:
    h = await harness(http=False)
    envelope = socket_envelope("events_api", fixture("message"))
    await socket_server.send(envelope)
    ack = await socket_server.ack_for(envelope["envelope_id"])
    assert ack == {"envelope_id": envelope["envelope_id"]}
    await h.settle(received=1)
    state = await h.store.get(ROOM)
    assert state is not None and state.human_messages == 1


async def test_a_retried_envelope_is_processed_once(harness: Factory, mock: MockSlack,
                                                    socket_server: SocketModeServer) -> None:
    h = await harness(http=False)
    body = message("U0BOBBY001", "Two days at the lake works for me", "1712000010.000100")
    first = socket_envelope("events_api", body)
    retry = socket_envelope("events_api", body, retry=1)
    for envelope in (first, retry):
        await socket_server.send(envelope)
        await socket_server.ack_for(envelope["envelope_id"])
    await h.settle(received=2)
    state = await h.store.get(ROOM)
    assert state is not None and state.human_messages == 1 and state.events == 1


async def test_slash_commands_are_acked_and_answered(harness: Factory, mock: MockSlack,
                                                     socket_server: SocketModeServer) -> None:
    h = await harness(http=False)
    help_env = socket_envelope("slash_commands", command("help", response_url=mock.response_url()))
    await socket_server.send(help_env)
    ack = await socket_server.ack_for(help_env["envelope_id"])
    assert ack["envelope_id"] == help_env["envelope_id"]
    await mock.wait_for(lambda: mock.responses)
    assert mock.responses[0]["response_type"] == "ephemeral"

    status_env = socket_envelope("slash_commands", command("status",
                                                           response_url=mock.response_url()))
    await socket_server.send(status_env)
    await socket_server.ack_for(status_env["envelope_id"])
    post = (await mock.wait_for(lambda: mock.posts(CHANNEL)))[0]
    assert "Mood:" in post.params["text"]
    await h.settle()


async def test_a_rejected_app_token_fails_fast(mock: MockSlack) -> None:
    adapter = SlackAdapter(lambda event: None, base_config(mock, http=False, app_token="xapp-wrong"))
    with pytest.raises(SlackStartError, match="SLACK_APP_TOKEN"):
        await adapter.start()
    await adapter.stop()


async def test_a_rejected_bot_token_fails_fast(mock: MockSlack) -> None:
    adapter = SlackAdapter(lambda event: None, base_config(mock, bot_token="xoxb-revoked"))
    with pytest.raises(SlackStartError, match="SLACK_BOT_TOKEN"):
        await adapter.start()
    await adapter.stop()
