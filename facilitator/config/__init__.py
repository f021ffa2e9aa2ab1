"""Settings read once from the environment and passed down explicitly (no globals)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, Field


def default_data_dir(env: Mapping[str, str]) -> Path:
    if env.get("FACILITATOR_DATA_DIR"):
        return Path(env["FACILITATOR_DATA_DIR"]).expanduser()
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "facilitator"


class Settings(BaseModel):
    redis_url: str | None = None
    data_dir: Path
    llm: str = "rules"
    bot_name: str = "facilitator"
    retention_days: float = Field(default=30.0, gt=0)
    llm_timeout_s: float = Field(default=20.0, gt=0)
    llm_calls_per_room_per_hour: int = Field(default=30, ge=0)
    # The room page: served only when the bot knows its public address (links must work
    # for members); the secret signs page links, else one is made and kept in Redis.
    public_url: str | None = None
    page_secret: str | None = None
    digest_hour_utc: int = Field(default=9, ge=0, le=23)
    # The ops HTTP server (/healthz, /readyz) that every `run` mode serves.
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    # Decoded rooms each worker keeps in memory (estimated bytes; least recently used out).
    state_cache_mb: float = Field(default=256.0, ge=0)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        llm = env.get("FACILITATOR_LLM", "").strip()
        if not llm:
            # The offline facilitator is the default whenever no provider key is set.
            if env.get("ANTHROPIC_API_KEY"):
                llm = "anthropic:claude-haiku-4-5"
            elif env.get("OPENAI_API_KEY"):
                llm = "openai:gpt-4o-mini"
            else:
                llm = "rules"
        values: dict[str, object] = {
            "redis_url": env.get("FACILITATOR_REDIS_URL") or None,
            "data_dir": default_data_dir(env),
            "llm": llm,
        }
        if env.get("FACILITATOR_BOT_NAME"):
            values["bot_name"] = env["FACILITATOR_BOT_NAME"]
        if env.get("FACILITATOR_RETENTION_DAYS"):
            values["retention_days"] = float(env["FACILITATOR_RETENTION_DAYS"])
        if env.get("FACILITATOR_LLM_TIMEOUT"):
            values["llm_timeout_s"] = float(env["FACILITATOR_LLM_TIMEOUT"])
        if env.get("FACILITATOR_LLM_CALLS_PER_HOUR"):
            values["llm_calls_per_room_per_hour"] = int(env["FACILITATOR_LLM_CALLS_PER_HOUR"])
        if env.get("FACILITATOR_PUBLIC_URL"):
            values["public_url"] = env["FACILITATOR_PUBLIC_URL"].strip().rstrip("/")
        if env.get("FACILITATOR_PAGE_SECRET"):
            values["page_secret"] = env["FACILITATOR_PAGE_SECRET"]
        if env.get("FACILITATOR_DIGEST_HOUR_UTC"):
            values["digest_hour_utc"] = int(env["FACILITATOR_DIGEST_HOUR_UTC"])
        if env.get("FACILITATOR_HTTP_HOST"):
            values["http_host"] = env["FACILITATOR_HTTP_HOST"]
        if env.get("FACILITATOR_HTTP_PORT"):
            values["http_port"] = int(env["FACILITATOR_HTTP_PORT"])
        if env.get("FACILITATOR_STATE_CACHE_MB"):
            values["state_cache_mb"] = float(env["FACILITATOR_STATE_CACHE_MB"])
        return cls.model_validate(values)

    @property
    def state_cache_bytes(self) -> int:
        return int(self.state_cache_mb * 1024 * 1024)

    @property
    def retention_s(self) -> int:
        return int(self.retention_days * 86400)
