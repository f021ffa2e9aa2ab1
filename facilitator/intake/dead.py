"""Dead letters: where a stream entry goes when the engine keeps failing on it.

A worker tries an entry a bounded number of times (facilitator.intake.worker); when the last
attempt fails, the entry is moved here, acknowledged, and the shard goes on. Layout, beside
the shard's stream and under its hash tag (one Cluster slot, so the move is one atomic
script):

    fac:intake:{slack-s07}:attempts   hash: entry id -> attempts recorded (cleared at the ack)
    fac:intake:{slack-s07}:dead       stream: the entry's original fields (`e` = the event's
                                      JSON) plus `error`, `attempts`, `when` (unix seconds) and
                                      `entry` (its id in the shard's stream)

An operator lists, shows and re-queues them with `facilitator intake dead` (cli.py); a re-queued
entry is appended again at the end of its shard's stream (a new entry id) and its dead letter
deleted, in one script. The dead-letter stream is trimmed like the intake stream (about
`maxlen` entries per shard); `facilitator_dead_letters_total` counts every move, so anything
trimmed unseen is still counted (alert on the counter: deploy/OPERATIONS.md).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster

from facilitator.intake.streams import FIELD, GROUP, shard_tag, stream_key
from facilitator.memory.store import lua_script

META = ("error", "attempts", "when", "entry")
ERROR_CHARS = 2000  # an exception's text can be long (or carry a whole payload): clipped
BURY = lua_script("dead_bury")
REQUEUE = lua_script("dead_requeue")


def dead_key(shard: int, platform: str) -> str:
    return f"fac:intake:{{{shard_tag(shard, platform)}}}:dead"


def attempts_key(shard: int, platform: str) -> str:
    return f"fac:intake:{{{shard_tag(shard, platform)}}}:attempts"


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


@dataclass(frozen=True, slots=True)
class DeadLetter:
    shard: int
    platform: str
    id: str  # in the dead-letter stream
    fields: dict[str, str]

    @property
    def ref(self) -> str:
        """What the command line calls it: `<shard tag>/<dead letter id>`."""
        return f"{shard_tag(self.shard, self.platform)}/{self.id}"

    @property
    def event(self) -> dict[str, Any] | None:
        try:
            value = json.loads(self.fields.get(FIELD.decode(), ""))
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def line(self) -> str:
        event = self.event or {}
        room = event.get("room") if isinstance(event.get("room"), dict) else {}
        where = ":".join(str(room.get(k)) for k in ("platform", "workspace", "channel", "thread")
                         if room.get(k))
        error = " ".join(self.fields.get("error", "").split())
        return (f"{self.ref}  {self.when_iso}  attempts={self.fields.get('attempts', '?')}  "
                f"room={where or '?'}  event={event.get('id', '?')}  {error[:160]}")

    @property
    def when_iso(self) -> str:
        try:
            when = float(self.fields.get("when", ""))
        except ValueError:
            return "?"
        return datetime.fromtimestamp(when, UTC).isoformat(timespec="seconds")

    def to_json(self) -> dict[str, Any]:
        return {"id": self.ref, "shard": shard_tag(self.shard, self.platform),
                "entry": self.fields.get("entry"), "when": self.when_iso,
                "attempts": int(self.fields["attempts"]) if self.fields.get("attempts", "").isdigit()
                else self.fields.get("attempts"),
                "error": self.fields.get("error"), "event": self.event,
                "fields": {k: v for k, v in self.fields.items() if k not in META}}


class DeadLetters:
    """One platform's dead letters over its shards (the worker writes, the CLI reads)."""

    def __init__(self, client: Redis | RedisCluster, *, platform: str, shards: int,
                 maxlen: int) -> None:
        self.client = client
        self.platform = platform
        self.shards = shards
        self.maxlen = maxlen
        self._bury = client.register_script(BURY)
        self._requeue = client.register_script(REQUEUE)

    def key(self, shard: int) -> str:
        return dead_key(shard, self.platform)

    def attempts(self, shard: int) -> str:
        return attempts_key(shard, self.platform)

    async def count(self, shard: int, entry_id: str, by: int = 1) -> int:
        """Record an attempt at `entry_id` (or take one back, `by=-1`); the attempts so far."""
        return int(await self.client.hincrby(self.attempts(shard), entry_id, by))

    async def bury(self, shard: int, entry_id: str, fields: dict[Any, Any], *, error: str,
                   attempts: int, lease: str, owner: str) -> str | None:
        """Move a pending entry to the dead letters and acknowledge it, atomically. None when
        it was not ours to move (acknowledged already, or the shard moved to another worker)."""
        pairs: list[Any] = []
        for name, value in fields.items():
            if _text(name) not in META:
                pairs += [name, value]
        pairs += ["error", error[:ERROR_CHARS], "attempts", str(attempts),
                  "when", f"{time.time():.3f}", "entry", entry_id]
        moved = await self._bury(
            keys=[stream_key(shard, self.platform), self.key(shard), self.attempts(shard), lease],
            args=[GROUP, entry_id, self.maxlen, owner, *pairs])
        if moved in (0, -1, None):
            return None
        return _text(moved)

    # ------------------------------------------------------------------ the operator's side

    def parse(self, ref: str) -> tuple[int, str]:
        """`slack-s07/1712-0` (as listed) to (shard, dead letter id); ValueError if not one."""
        tag, sep, entry = ref.strip().partition("/")
        for shard in range(self.shards):
            if sep and tag == shard_tag(shard, self.platform) and entry:
                return shard, entry
        raise ValueError(f"{ref!r} is not a {self.platform} dead letter id "
                         f"(`facilitator intake dead list` shows them: SHARD/ID)")

    async def list(self) -> list[DeadLetter]:
        found: list[DeadLetter] = []
        for shard in range(self.shards):
            for entry_id, fields in await self.client.xrange(self.key(shard)):
                found.append(DeadLetter(shard, self.platform, _text(entry_id),
                                        {_text(k): _text(v) for k, v in fields.items()}))
        found.sort(key=lambda d: (float(d.fields.get("when", 0) or 0), d.ref))
        return found

    async def get(self, ref: str) -> DeadLetter | None:
        shard, entry = self.parse(ref)
        rows = await self.client.xrange(self.key(shard), entry, entry)
        if not rows:
            return None
        entry_id, fields = rows[0]
        return DeadLetter(shard, self.platform, _text(entry_id),
                          {_text(k): _text(v) for k, v in fields.items()})

    async def requeue(self, ref: str) -> str | None:
        """Append the original entry back to its shard's stream and delete the dead letter;
        the new entry id, or None when there is no such dead letter."""
        shard, entry = self.parse(ref)
        added = await self._requeue(keys=[self.key(shard), stream_key(shard, self.platform)],
                                    args=[entry, self.maxlen, *META])
        return None if added is None else _text(added)

    async def lengths(self) -> list[tuple[str, int]]:
        """(shard, dead letters stored) for every shard, for /metrics."""
        return [(shard_tag(shard, self.platform), int(await self.client.xlen(self.key(shard))))
                for shard in range(self.shards)]


async def dead_command(dead: DeadLetters, action: str, ref: str | None = None, *,
                       every: bool = False, as_json: bool = False) -> tuple[int, list[str]]:
    """`facilitator intake dead list|show ID|requeue ID|requeue --all`: (exit status, lines)."""
    if action == "list":
        found = await dead.list()
        if as_json:
            return 0, [json.dumps([d.to_json() for d in found], ensure_ascii=False)]
        if not found:
            return 0, [f"no {dead.platform} dead letters ({dead.shards} shards)"]
        return 0, [d.line() for d in found]
    if action == "requeue" and every:
        if ref:
            return 2, ["requeue takes an ID or --all, not both"]
        found = await dead.list()
        moved = [d for d in found if await dead.requeue(d.ref) is not None]
        shards = len({d.shard for d in moved})
        return 0, [f"re-queued {len(moved)} {dead.platform} dead letter(s) at the end of "
                   f"{shards} shard stream(s); their dead letters deleted"]
    if not ref:
        return 2, [f"{action} needs a dead letter ID (`facilitator intake dead list` shows them)"]
    try:
        letter = await dead.get(ref)
    except ValueError as exc:
        return 2, [str(exc)]
    if letter is None:
        return 1, [f"no dead letter {ref} ({dead.platform})"]
    if action == "show":
        return 0, [json.dumps(letter.to_json(), indent=2, ensure_ascii=False)]
    added = await dead.requeue(ref)
    if added is None:
        return 1, [f"no dead letter {ref} ({dead.platform}): re-queued or deleted meanwhile"]
    event = letter.event or {}
    return 0, [f"re-queued event {event.get('id', '?')} at the end of "
               f"{shard_tag(letter.shard, dead.platform)} as entry {added}; dead letter "
               f"{letter.ref} deleted"]
