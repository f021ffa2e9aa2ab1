"""Many workspaces: the OAuth install end to end, installations in Redis, tokens per workspace."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qs, urlparse

import aiohttp
import pytest

from facilitator.adapters.slack.config import BOT_SCOPES
from facilitator.adapters.slack.stores import RedisInstallationStore
from tests.slack.conftest import Factory, oauth_install, signed_post
from tests.slack.mock_slack import MockSlack, Workspace
from tests.slack.payloads import envelope, message

TEAM2, TOKEN2 = "T0TEAM0002", "xoxb-T0TEAM0002-oauth"
# slack_sdk 3.47's oauth.v2.access builds aiohttp.BasicAuth, which aiohttp 3.14 deprecates.
pytestmark = pytest.mark.filterwarnings(
    "ignore:BasicAuth is deprecated:DeprecationWarning")
OAUTH = {"bot_token": None, "client_id": "111.222", "client_secret": "oauth-secret"}


async def test_install_page_asks_for_exactly_our_scopes(harness: Factory,
                                                        http: aiohttp.ClientSession) -> None:
    h = await harness(**OAUTH)
    async with http.get(f"{h.url}/slack/install") as page:
        html = await page.text()
    start = html.index("https://slack.com/oauth/v2/authorize")
    url = urlparse(html[start:html.index('"', start)].replace("&amp;", "&"))
    query = parse_qs(url.query)
    assert query["client_id"] == ["111.222"]
    assert set(query["scope"][0].split(",")) == set(BOT_SCOPES)


async def test_install_stores_the_workspace_and_its_events_use_its_token(
        harness: Factory, http: aiohttp.ClientSession, mock: MockSlack) -> None:
    h = await harness(**OAUTH)
    done = await oauth_install(http, h, team=TEAM2, token=TOKEN2)
    assert done.status == 200
    [access] = mock.called("oauth.v2.access")
    assert access.params["code"] == "code-1"
    store = RedisInstallationStore(h.store.client, client_id="111.222")
    bot = await store.async_find_bot(enterprise_id=None, team_id=TEAM2)
    assert bot is not None and bot.bot_token == TOKEN2 and bot.bot_user_id == "U0FACBOT02"

    body = message("U0ALICE001", "<@U0FACBOT02> what's still open?", "1712000500.000100",
                   team=TEAM2)
    body["authorizations"][0]["user_id"] = "U0FACBOT02"
    status, _ = await signed_post(http, h.url, json.dumps(body))
    assert status == 200
    await h.settle(received=1)
    [post] = mock.posts()
    assert post.token == TOKEN2 and post.params["channel"] == "C0PLANS001"
    assert {c.token for c in mock.called("users.info")} == {TOKEN2}
    state = await h.store.get(f"slack:{TEAM2}:C0PLANS001")
    assert state is not None and state.human_messages == 1


async def test_oauth_state_is_single_use(harness: Factory, http: aiohttp.ClientSession,
                                         mock: MockSlack) -> None:
    h = await harness(**OAUTH)
    async with http.get(f"{h.url}/slack/install") as page:
        cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    state = cookie.split("=", 1)[1]
    mock.oauth_codes["c1"] = Workspace(TEAM2, TOKEN2, "U0FACBOT02", "B0FACBOT02")
    mock.oauth_codes["c2"] = Workspace("T0TEAM0003", "xoxb-3", "U0FACBOT03", "B0FACBOT03")
    statuses = []
    for code, state_value, cookie_value in (("c1", state, cookie), ("c2", state, cookie),
                                            ("c2", "x", "slack-app-oauth-state=x")):
        async with http.get(f"{h.url}/slack/oauth_redirect",
                            params={"code": code, "state": state_value},
                            headers={"Cookie": cookie_value}) as response:
            statuses.append(response.status)
    # The first callback installs; a replay of its state and a forged state are refused.
    assert statuses == [200, 401, 401]
    assert len(mock.called("oauth.v2.access")) == 1


async def test_events_from_unknown_workspaces_are_not_handled(
        harness: Factory, http: aiohttp.ClientSession, mock: MockSlack) -> None:
    h = await harness(**OAUTH)
    body = envelope("message", team="T0NOTINST1")
    await signed_post(http, h.url, json.dumps(body))
    await h.settle()
    assert await h.store.rooms() == [] and mock.posts() == []


async def test_uninstall_deletes_the_workspace_tokens(harness: Factory, http: aiohttp.ClientSession,
                                                      mock: MockSlack) -> None:
    h = await harness(**OAUTH)
    await oauth_install(http, h, team=TEAM2, token=TOKEN2)
    body = {"token": "XXYYZZ", "team_id": TEAM2, "api_app_id": "A0FACAPP01",
            "event": {"type": "app_uninstalled", "event_ts": "1712000900.000100"},
            "type": "event_callback", "event_id": "Ev0UNINST01", "event_time": 1712000900,
            "authorizations": [{"enterprise_id": None, "team_id": TEAM2, "user_id": "U0FACBOT02",
                                "is_bot": True, "is_enterprise_install": False}]}
    status, _ = await signed_post(http, h.url, json.dumps(body))
    assert status == 200
    store = RedisInstallationStore(h.store.client, client_id="111.222")
    for _ in range(200):  # bolt's revocation listener runs just after the ack
        if await store.async_find_bot(enterprise_id=None, team_id=TEAM2) is None:
            break
        await asyncio.sleep(0.01)
    assert await store.async_find_bot(enterprise_id=None, team_id=TEAM2) is None
    assert await store.async_find_installation(enterprise_id=None, team_id=TEAM2) is None
