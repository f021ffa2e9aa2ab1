"""Fixtures of the intake tests: a recording Slack at the HTTP boundary."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.intake.fake_slack import FakeSlack


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    try:
        yield fake
    finally:
        await fake.stop()
