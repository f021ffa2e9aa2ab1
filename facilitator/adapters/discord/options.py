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
        return cls(
            token=token,
            guilds=_ids(env, "DISCORD_GUILDS"),
            channels=_ids(env, "DISCORD_CHANNELS"),
            dev_guild=next(iter(dev), None),
            sync_commands=_flag(env, "DISCORD_SYNC_COMMANDS", True),
        )

    def guild_allowed(self, guild_id: int | None) -> bool:
        return guild_id is not None and (not self.guilds or guild_id in self.guilds)
