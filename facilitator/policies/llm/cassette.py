"""Cassettes: every model request and answer recorded, and replayed, so a run with a model can
be reproduced without it.

    FACILITATOR_LLM_CASSETTE=FILE  FACILITATOR_LLM_CASSETTE_MODE=record|replay

A cassette is JSON Lines, one request and its answer a line:

    {"key": "<sha256 of the normalised request>", "provider": "openai:smollm2",
     "request": {"method": "structured", "schema_name": "Assessment", "schema": {...},
                 "system": "...", "user": "...", "max_tokens": 200},
     "answer": {"value": {...} or "text", "truncated": false},
     "usage": {"tokens_in": 1234, "tokens_out": 56}}

The key is a hash of the request with its text normalised (line ends, trailing spaces), so
it does not depend on the model: a cassette answers the same request for any provider. The
request is kept whole and readable (the prompt as sent, after masking — see redact.py).

- record: a request already in the cassette is answered from it (no call); any other goes to
  the model and is appended, answer or lasting failure (a refusal, a malformed answer). A
  passing failure (timeout, connection, rate limit) is not recorded: the next run asks again.
- replay: the cassette answers; the model is never called (none needs to be configured or
  reachable). A request the cassette lacks is an `LLMError("cassette_miss")` — the policy's
  offline rules decide that moment — and the full request is appended to `FILE.missing.jsonl`,
  so the cassette can be completed later by any model: `facilitator eval cassette FILE
  --llm PROVIDER:MODEL` answers every missing request and appends it to the cassette.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from .base import LLMError, LLMProvider, LLMResult, T_Model, TokenUsage, answer_schema

log = logging.getLogger(__name__)
CASSETTE_ENV = "FACILITATOR_LLM_CASSETTE"
MODE_ENV = "FACILITATOR_LLM_CASSETTE_MODE"
Mode = Literal["record", "replay"]
# Failures that say nothing about the request: never recorded, asked again next time.
PASSING = frozenset({"timeout", "connection", "rate_limit", "circuit_open", "cassette_miss"})


def cassette_setting(env: Mapping[str, str]) -> tuple[Path, Mode] | None:
    """The cassette file and mode the environment asks for (None: no cassette)."""
    path = env.get(CASSETTE_ENV, "").strip()
    mode = env.get(MODE_ENV, "").strip().lower()
    if not path:
        if mode:
            raise ValueError(f"{MODE_ENV}={mode} needs {CASSETTE_ENV}=FILE")
        return None
    if mode not in ("record", "replay"):
        raise ValueError(f"{MODE_ENV}={mode!r}: expected record or replay "
                         f"(with {CASSETTE_ENV}={path})")
    return Path(path).expanduser(), mode  # type: ignore[return-value]


def _norm(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def request_record(method: str, system: str, user: str, schema: type[BaseModel] | None,
                   max_tokens: int) -> dict[str, Any]:
    """The normalised request, as kept in the cassette and hashed for its key."""
    return {"method": method,
            "schema_name": schema.__name__ if schema is not None else None,
            "schema": answer_schema(schema) if schema is not None else None,
            "system": _norm(system), "user": _norm(user), "max_tokens": max_tokens}


def request_key(request: Mapping[str, Any]) -> str:
    blob = json.dumps(request, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def missing_path(path: Path) -> Path:
    return path.with_name(path.name + ".missing.jsonl")


def read_lines(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not a JSON line ({exc.msg})") from exc
    return out


class Cassette:
    """The recorded answers of one file, by key; appends go straight to the file."""

    def __init__(self, path: Path, mode: Mode) -> None:
        self.path = path
        self.mode = mode
        self.entries: dict[str, dict[str, Any]] = {}
        for entry in read_lines(path):
            self.entries.setdefault(str(entry["key"]), entry)
        self._missing = {str(e["key"]) for e in read_lines(missing_path(path))}
        self.hits = 0
        self.recorded = 0
        self.missed = 0
        self.used: set[str] = set()  # keys answered from the file or recorded in this run

    def _append(self, path: Path, entry: Mapping[str, Any]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def add(self, entry: dict[str, Any]) -> None:
        self.entries[entry["key"]] = entry
        self._append(self.path, entry)
        self.recorded += 1
        self.used.add(entry["key"])

    def keep_only_used(self) -> int:
        """Rewrite the file with only the entries this run used (a re-recording that re-used
        the file's answers drops what no request asks for any more); returns how many went."""
        kept = [e for e in self.entries.values() if e["key"] in self.used]
        gone = len(self.entries) - len(kept)
        self.path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in kept),
                             encoding="utf-8")
        self.entries = {e["key"]: e for e in kept}
        return gone

    def miss(self, key: str, provider: str, request: Mapping[str, Any]) -> None:
        self.missed += 1
        if key not in self._missing:
            self._missing.add(key)
            self._append(missing_path(self.path), {"key": key, "provider": provider,
                                                    "request": request})


class CassetteProvider:
    """Answers from a cassette; in record mode asks `inner` for what the cassette lacks."""

    def __init__(self, inner: LLMProvider | None, cassette: Cassette, *, name: str) -> None:
        if inner is None and cassette.mode == "record":
            raise ValueError("recording a cassette needs a model (FACILITATOR_LLM)")
        self.inner = inner
        self.cassette = cassette
        self.name = inner.name if inner is not None else name

    def __getattr__(self, attr: str) -> Any:
        if self.inner is None:
            raise AttributeError(attr)
        return getattr(self.inner, attr)

    async def structured(self, system: str, user: str, schema: type[T_Model], *,
                         max_tokens: int = 400) -> LLMResult[T_Model]:
        request = request_record("structured", system, user, schema, max_tokens)
        return await self._answer(request, lambda: self.inner.structured(  # type: ignore[union-attr]
            system, user, schema, max_tokens=max_tokens), schema)

    async def text(self, system: str, user: str, *, max_tokens: int = 300) -> LLMResult[str]:
        request = request_record("text", system, user, None, max_tokens)
        return await self._answer(request, lambda: self.inner.text(  # type: ignore[union-attr]
            system, user, max_tokens=max_tokens), None)

    async def aclose(self) -> None:
        if self.inner is not None:
            await self.inner.aclose()

    async def _answer(self, request: dict[str, Any], call: Any,
                      schema: type[BaseModel] | None) -> Any:
        key = request_key(request)
        entry = self.cassette.entries.get(key)
        if entry is not None:
            self.cassette.hits += 1
            self.cassette.used.add(key)
            return _result(entry, schema, self.name)
        if self.cassette.mode == "replay":
            self.cassette.miss(key, self.name, request)
            raise LLMError(f"no answer in the cassette {self.cassette.path.name} for request "
                           f"{key[:12]} (written to {missing_path(self.cassette.path).name})",
                           kind="cassette_miss", provider=self.name)
        try:
            result: LLMResult[Any] = await call()
        except LLMError as exc:
            if exc.kind not in PASSING:
                self.cassette.add({"key": key, "provider": self.name, "request": request,
                                   "error": {"kind": exc.kind, "reason": exc.reason}})
            raise
        value = result.value.model_dump(mode="json") if isinstance(result.value, BaseModel) \
            else result.value
        self.cassette.add({"key": key, "provider": self.name, "request": request,
                           "answer": {"value": value, "truncated": result.truncated},
                           "usage": {"tokens_in": result.usage.tokens_in,
                                     "tokens_out": result.usage.tokens_out}})
        return result


def _result(entry: Mapping[str, Any], schema: type[BaseModel] | None, name: str) -> Any:
    error = entry.get("error")
    if error:
        raise LLMError(str(error.get("reason", "recorded failure")),
                       kind=error.get("kind", "other"), provider=name)
    answer = entry.get("answer")
    if not isinstance(answer, Mapping) or "value" not in answer:
        # A hand-written line without an answer: the rules decide, as for any bad answer.
        raise LLMError(f"cassette entry {str(entry.get('key', ''))[:12]} has no answer",
                       kind="malformed", provider=name)
    usage = entry.get("usage") or {}
    tokens = TokenUsage(int(usage.get("tokens_in", 0)), int(usage.get("tokens_out", 0)))
    value = answer["value"]
    if schema is not None:
        from pydantic import ValidationError

        from .base import validation_reason

        try:
            value = schema.model_validate(value)
        except ValidationError as err:  # a hand-completed answer that does not fit
            raise LLMError(validation_reason(err), kind="malformed", provider=name) from err
    return LLMResult(value, tokens, truncated=bool(answer.get("truncated", False)))


# ---- completing a cassette's missing requests ----------------------------------------------


async def complete(path: Path, provider: LLMProvider,
                   schemas: Mapping[str, type[BaseModel]]) -> tuple[int, int]:
    """Answer every request of `FILE.missing.jsonl` with `provider` and append them to the
    cassette; what could not be answered (an unknown schema, a failed call) stays in the
    missing file. `schemas`: the structured answers by the name a request records.
    Returns (answered, left)."""
    cassette = Cassette(path, "record")
    left: list[dict[str, Any]] = []
    answered = 0
    for item in read_lines(missing_path(path)):
        request = item["request"]
        if item["key"] in cassette.entries:
            continue
        schema = schemas.get(str(request.get("schema_name"))) if request["method"] == \
            "structured" else None
        if request["method"] == "structured" and schema is None:
            left.append(item)
            continue
        recorder = CassetteProvider(provider, cassette, name=provider.name)
        try:
            if schema is not None:
                await recorder.structured(request["system"], request["user"], schema,
                                          max_tokens=int(request["max_tokens"]))
            else:
                await recorder.text(request["system"], request["user"],
                                    max_tokens=int(request["max_tokens"]))
            answered += 1
        except LLMError as exc:
            if item["key"] not in cassette.entries:
                # A passing failure (a timeout, say): kept for the next run, and said why.
                log.warning("request %s left missing: %s", str(item["key"])[:12], exc)
                left.append(item)
    mp = missing_path(path)
    mp.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n"
                          for i in left), encoding="utf-8")
    return answered, len(left)
