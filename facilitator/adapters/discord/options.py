"""Discord settings from the environment: the token, the allowlists, command sync."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

TOKEN_VAR = "DISCORD_TOKEN"


class OptionsError(ValueError):
    """A missing or malformed DISCORD_* variable; the message names it."""


def _ids(env: Mapping[str, str], name: str) -> frozenset[int]:
    raw = env.get(name, "").strip()
    if not raw:
        return frozenset()
    found: set[int] = set()
    for item in raw.split(","):
        item = item.strip()
        if not item:
            continue
        if not item.isdigit():
            raise OptionsError(f"{name} must be comma-separated numeric ids, got {item!r}")
        found.add(int(item))
    return frozenset(found)


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise OptionsError(f"{name} must be 0 or 1, got {raw!r}")


@dataclass(frozen=True, slots=True)
class DiscordOptions:
    token: str
    # Empty means "everywhere the bot is invited": the allowlists only ever narrow.
    guilds: frozenset[int] = frozenset()
    channels: frozenset[int] = frozenset()  # threads under a listed channel are allowed too
    dev_guild: int | None = None  # sync commands to this guild only (instant), not globally
    sync_commands: bool = True
    # Interventions are shortened to one message: several posts in a row would make the
    # bot the loudest voice in the room, which is exactly what it exists to prevent.
    max_post_parts: int = 1
    # Sharding (Discord requires it from 2,500 servers): DISCORD_SHARD_COUNT shards in all,
    # this process running DISCORD_SHARD_IDS of them (all of them when unset). Each server's
    # events reach exactly one shard, so workers never see each other's gateway events.
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None

    @property
    def sharded(self) -> bool:
        return self.shard_count is not None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> DiscordOptions:
        token = env.get(TOKEN_VAR, "").strip()
        if token.lower().startswith("bot "):
            token = token[4:].strip()  # the library adds the "Bot " scheme itself
        if not token:
            raise OptionsError(f"{TOKEN_VAR} is not set: put the bot token from the Discord "
                               "developer portal (Bot > Reset Token) in it")
        dev = _ids(env, "DISCORD_DEV_GUILD")
        if len(dev) > 1:
            raise OptionsError("DISCORD_DEV_GUILD takes one guild id")
        count_raw = env.get("DISCORD_SHARD_COUNT", "").strip()
        shard_count: int | None = None
        if count_raw:
            if not count_raw.isdigit() or int(count_raw) < 1:
                raise OptionsError("DISCORD_SHARD_COUNT must be a whole number of at least 1")
            shard_count = int(count_raw)
        ids = _ids(env, "DISCORD_SHARD_IDS")
        if ids and shard_count is None:
            raise OptionsError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the total)")
        if shard_count is not None and any(i >= shard_count for i in ids):
            raise OptionsError(f"DISCORD_SHARD_IDS must be below DISCORD_SHARD_COUNT "
                               f"({shard_count})")
        return cls(
            shard_count=shard_count,
            shard_ids=tuple(sorted(ids)) if ids else None,
            token=token,
            guilds=_ids(env, "DISCORD_GUILDS"),
            channels=_ids(env, "DISCORD_CHANNELS"),
            dev_guild=next(iter(dev), None),
            sync_commands=_flag(env, "DISCORD_SYNC_COMMANDS", True),
        )

    def guild_allowed(self, guild_id: int | None) -> bool:
        return guild_id is not None and (not self.guilds or guild_id in self.guilds)
