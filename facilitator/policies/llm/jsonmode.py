"""How to get JSON out of an OpenAI-compatible server, whichever structured-output dialect it has.

Three ways, best first:
- `json_schema`: OpenAI's strict structured output; the server constrains decoding to the schema.
- `json_object`: `{"type": "json_object", "schema": ...}`; llama-cpp-python and vLLM turn the schema
  into a grammar, plain JSON mode at least guarantees an object. The schema also goes in the prompt.
- `prompt`: no response_format at all; the prompt asks for the JSON and we find it in the reply.
Whatever way, pydantic validates the answer; a reply that does not fit is a malformed answer.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal, get_args

from pydantic import BaseModel

from .base import answer_schema

JsonMode = Literal["json_schema", "json_object", "prompt"]
JSON_MODES: tuple[JsonMode, ...] = get_args(JsonMode)
JSON_MODE_SETTINGS = ("auto", *JSON_MODES)
JSON_MODE_ENV = "FACILITATOR_LLM_JSON_MODE"

# Words a server's error uses when it does not understand the response format it was sent.
# llama-cpp-python: "response_format.type: Input should be 'text' or 'json_object'"; others say
# "json_schema is not supported", "unsupported response format", "Unrecognized request argument".
# A bare "schema" is not enough: "bad schema" is our mistake, and no other format would fix it.
_FORMAT_WORDS = re.compile(r"response_format|json_schema|json_object|structured output|"
                           r"unrecognized request argument", re.I)
_FORMAT_STATUSES = frozenset({400, 404, 415, 422, 500, 501})
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S | re.I)


def parse_mode_setting(value: str | None) -> str:
    """`auto` (discover) or one fixed mode; ValueError names the variable and the choices."""
    value = (value or "auto").strip().lower() or "auto"
    if value not in JSON_MODE_SETTINGS:
        raise ValueError(f"{JSON_MODE_ENV}={value!r}: expected one of "
                         f"{', '.join(JSON_MODE_SETTINGS)}")
    return value


def next_mode(mode: JsonMode) -> JsonMode | None:
    i = JSON_MODES.index(mode)
    return JSON_MODES[i + 1] if i + 1 < len(JSON_MODES) else None


def says_format_unsupported(status: int | None, body: Any, message: str) -> bool:
    """Does this HTTP error mean "I do not take that response_format" (not a passing failure)?"""
    if status not in _FORMAT_STATUSES:
        return False
    try:
        text = message + " " + json.dumps(body, default=str)
    except (TypeError, ValueError):
        text = message
    return bool(_FORMAT_WORDS.search(text))


def schema_instruction(schema: type[BaseModel]) -> str:
    """Appended to the user prompt in the json_object and prompt modes."""
    compact = json.dumps(answer_schema(schema), separators=(",", ":"), ensure_ascii=False)
    return ("\n\nAnswer with a single JSON object and nothing else (no prose, no code fence). "
            f"It must match this JSON schema:\n{compact}")


def extract_json(text: str) -> str | None:
    """The JSON object in a model's reply: the whole reply, a fenced block, or the outermost {...}."""
    text = text.strip()
    if not text:
        return None
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1).strip()
    if text.startswith("{") and text.endswith("}"):
        return text
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end <= start:
        return None
    return text[start:end + 1]
