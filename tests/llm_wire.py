"""Fake the LLM APIs at the HTTP boundary only: the real openai/anthropic SDK code runs.

Both SDKs speak through `httpx2`, so a `httpx2.AsyncClient(transport=httpx2.MockTransport(...))`
handed to them as `http_client` sees every request they send, retries included.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import httpx2

Reply = httpx2.Response | BaseException | Callable[[httpx2.Request], httpx2.Response]


class Wire:
    """A scripted server: replies in order, records each request. `.client()` is the http_client."""

    def __init__(self, replies: Iterable[Reply]) -> None:
        self.replies = list(replies)
        self.requests: list[httpx2.Request] = []

    def handler(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if not self.replies:
            raise AssertionError(f"unexpected request #{len(self.requests)}: {request.url}")
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        if callable(reply) and not isinstance(reply, httpx2.Response):
            return reply(request)
        return reply

    def client(self) -> httpx2.AsyncClient:
        return httpx2.AsyncClient(transport=httpx2.MockTransport(self.handler))

    def body(self, i: int = 0) -> dict[str, Any]:
        return json.loads(self.requests[i].content)


def status(code: int, body: dict[str, Any] | None = None, **headers: str) -> httpx2.Response:
    """An error reply; header names use underscores for dashes (retry_after_ms="1")."""
    hdrs = {k.replace("_", "-"): v for k, v in headers.items()}
    return httpx2.Response(code, json=body or {"error": {"message": f"status {code}"}}, headers=hdrs)


# ---- OpenAI Chat Completions -----------------------------------------------------------------


def openai_completion(
    content: str | None,
    *,
    finish_reason: str = "stop",
    prompt_tokens: int = 11,
    completion_tokens: int = 7,
    refusal: str | None = None,
    usage: bool = True,
) -> httpx2.Response:
    body: dict[str, Any] = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "finish_reason": finish_reason,
                "logprobs": None,
            }
        ],
    }
    if usage:
        body["usage"] = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
    return httpx2.Response(200, json=body)


# ---- Anthropic Messages ----------------------------------------------------------------------


def anthropic_message(
    content: list[dict[str, Any]],
    *,
    stop_reason: str = "end_turn",
    input_tokens: int = 13,
    output_tokens: int = 5,
) -> httpx2.Response:
    return httpx2.Response(
        200,
        json={
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "claude-haiku-4-5",
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
        },
    )


def anthropic_text(text: str, **kw: Any) -> httpx2.Response:
    return anthropic_message([{"type": "text", "text": text}], **kw)


def anthropic_tool_use(name: str, tool_input: Any, **kw: Any) -> httpx2.Response:
    kw.setdefault("stop_reason", "tool_use")
    block = {"type": "tool_use", "id": "toolu_1", "name": name, "input": tool_input}
    return anthropic_message([block], **kw)
