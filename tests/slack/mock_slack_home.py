"""The mock Slack, with the channel member list (paged) and views.publish."""

from __future__ import annotations

from typing import Any

from tests.slack.mock_slack import MockSlack


class MockSlackHome(MockSlack):
    def __init__(self, page_size: int = 2) -> None:
        super().__init__()
        self.page_size = page_size  # small pages: the adapter must follow the cursor
        self.channel_members: dict[str, list[str]] = {}

    def _m_conversations_members(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        if self._ws(token) is None:
            return {"ok": False, "error": "invalid_auth"}
        members = self.channel_members.get(params.get("channel", ""))
        if members is None:
            return {"ok": False, "error": "channel_not_found"}
        start = int(params.get("cursor") or 0)
        page = members[start:start + self.page_size]
        more = start + self.page_size < len(members)
        return {"ok": True, "members": page,
                "response_metadata": {"next_cursor": str(start + self.page_size) if more else ""}}

    def _m_conversations_info(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        channel = params.get("channel", "")
        if self._ws(token) is None or channel not in self.channel_members:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": {"id": channel, "name": f"plans-{channel[-3:].lower()}",
                                        "is_channel": True, "is_member": True}}

    def _m_views_publish(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        if self._ws(token) is None:
            return {"ok": False, "error": "invalid_auth"}
        return {"ok": True, "view": {"id": "V0HOME0001"}}
