"""A Slack payload beyond the event limits is dropped and counted, never a crash (issue 11)."""

from __future__ import annotations

import json

import aiohttp

from tests.slack.conftest import Factory, signed_post
from tests.slack.payloads import message

ROOM = "slack:T0TEAM0001:C0PLANS001"


async def test_oversized_ids_are_dropped_and_the_room_goes_on(harness: Factory,
                                                             http: aiohttp.ClientSession) -> None:
    h = await harness()
    huge = message("U" * 300, "hello from a giant id", "1700000001.000100")
    fine = message("U0ALICE001", "hello all", "1700000002.000100")
    for body in (huge, fine):
        status, _ = await signed_post(http, h.url, json.dumps(body))
        assert status == 200
    await h.settle(received=2)
    assert h.adapter.invalid == 1
    state = await h.store.get(ROOM)
    assert state is not None and list(state.participants) == ["U0ALICE001"]
