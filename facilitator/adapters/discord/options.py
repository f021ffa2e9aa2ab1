"""Discord settings (read by facilitator.config): the token, the allowlists, command sync."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from facilitator.config import Settings, SettingsError

TOKEN_VAR = "DISCORD_TOKEN"


class OptionsError(ValueError):
    """A missing or malformed DISCORD_* variable; the message names it."""


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
        """From a mapping of variables (tests); the program uses `from_settings`."""
        try:
            settings = Settings.from_env(env)
        except SettingsError as exc:
            raise OptionsError(str(exc)) from None
        return cls.from_settings(settings)

    @classmethod
    def from_settings(cls, settings: Settings) -> DiscordOptions:
        """The DISCORD_* settings (each checked by Settings), checked together."""
        token = settings.discord_token.get_secret_value() if settings.discord_token else ""
        if token.lower().startswith("bot "):
            token = token[4:].strip()  # the library adds the "Bot " scheme itself
        if not token:
            raise OptionsError(f"{TOKEN_VAR} is not set: put the bot token from the Discord "
                               "developer portal (Bot > Reset Token) in it")
        shard_count, ids = settings.discord_shard_count, settings.discord_shard_ids
        if ids and shard_count is None:
            raise OptionsError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the total)")
        if shard_count is not None and any(i >= shard_count for i in ids):
            raise OptionsError(f"DISCORD_SHARD_IDS: got {','.join(map(str, sorted(ids)))}, wants "
                               f"shard numbers below DISCORD_SHARD_COUNT ({shard_count})")
        return cls(
            shard_count=shard_count,
            shard_ids=tuple(sorted(ids)) if ids else None,
            token=token,
            guilds=settings.discord_guilds,
            channels=settings.discord_channels,
            dev_guild=settings.discord_dev_guild,
            sync_commands=settings.discord_sync_commands,
        )

    def guild_allowed(self, guild_id: int | None) -> bool:
        return guild_id is not None and (not self.guilds or guild_id in self.guilds)
