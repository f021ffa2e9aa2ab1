"""Every setting the program reads from its environment, in one table: this class.

The command line reads the environment once (`Settings.from_env(os.environ)`) and passes the
result down; no other module looks at os.environ. Each field names its variable, its default
and what it wants; a mistake becomes one line naming the variable, what it got and what it wants
(`SettingsError.lines`), and the command exits 2. The README's configuration table and the
Slack and Discord guides' tables list exactly these variables (tests/test_settings.py checks).

Building `Settings(...)` by keyword (tests, embedding) reads no environment at all.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, EnvSettingsSource, NoDecode, SettingsConfigDict
from pydantic_settings.sources import PydanticBaseSettingsSource

from facilitator.config.redact import redact

README = "README.md"
SLACK_GUIDE = "deploy/slack/README.md"
DISCORD_GUIDE = "deploy/discord/README.md"
LLM_KINDS = ("openai", "anthropic")
SECRET_MIN_BYTES = 16  # facilitator.web.links.MIN_SECRET_BYTES


class SettingsError(ValueError):
    """One or more settings are wrong; each line names the variable, what it got, what it wants."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def default_data_dir(env: Mapping[str, str]) -> Path:
    if env.get("FACILITATOR_DATA_DIR"):
        return Path(env["FACILITATOR_DATA_DIR"]).expanduser()
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "facilitator"


def _var(name: str, default: Any = None, *, wants: str, doc: str = README, **kw: Any) -> Any:
    """A field read from the variable `name`; `wants` is said back when its value is wrong."""
    return Field(default, validation_alias=name, description=wants,
                 json_schema_extra={"doc": doc}, **kw)


def _ids(value: object) -> object:
    """`1, 2,3` -> {1, 2, 3}; anything else is left for the type to refuse."""
    if isinstance(value, str):
        items = [item.strip() for item in value.split(",") if item.strip()]
        if all(item.isdigit() for item in items):
            return frozenset(int(item) for item in items)
    return value


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _on_off(value: object) -> object:
    """`1/true/yes/on` -> "on", `0/false/no/off` -> "off"; anything else is refused."""
    low = _lower(value)
    return {"1": "on", "true": "on", "yes": "on", "0": "off", "false": "off",
            "no": "off"}.get(low, low) if isinstance(low, str) else low


Ids = Annotated[frozenset[int], NoDecode, BeforeValidator(_ids)]
IDS_WANTED = "comma-separated numeric ids"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=True, env_ignore_empty=True, extra="forbid",
                                      populate_by_name=True, str_strip_whitespace=True)

    # -- the store, the model, the bot (README.md) ---------------------------------------------
    redis_url: str | None = _var(
        "FACILITATOR_REDIS_URL", wants="a redis://, rediss:// or unix:// URL")
    data_dir: Path = _var("FACILITATOR_DATA_DIR", wants="a folder path")
    llm: str = _var("FACILITATOR_LLM", "", wants="rules, openai:MODEL or anthropic:MODEL")
    openai_api_key: SecretStr | None = _var("OPENAI_API_KEY", wants="an OpenAI API key")
    openai_base_url: str | None = _var(
        "OPENAI_BASE_URL", wants="an http:// or https:// URL of an OpenAI-compatible API")
    anthropic_api_key: SecretStr | None = _var("ANTHROPIC_API_KEY", wants="an Anthropic API key")
    anthropic_base_url: str | None = _var(
        "ANTHROPIC_BASE_URL", wants="an http:// or https:// URL of the Anthropic API")
    llm_json_mode: Annotated[Literal["auto", "json_schema", "json_object", "prompt"],
                             BeforeValidator(_lower)] = _var(
        "FACILITATOR_LLM_JSON_MODE", "auto", wants="one of auto, json_schema, json_object, prompt")
    llm_judge: str | None = _var("FACILITATOR_LLM_JUDGE",
                                 wants="openai:MODEL or anthropic:MODEL, a second model for "
                                       "the choice")
    llm_redact: Annotated[Literal["on", "off"], BeforeValidator(_on_off)] = _var(
        "FACILITATOR_LLM_REDACT", "on", wants="on or off")
    llm_cassette: str | None = _var("FACILITATOR_LLM_CASSETTE", wants="a file path")
    llm_cassette_mode: Annotated[Literal["record", "replay"] | None,
                                 BeforeValidator(_lower)] = _var(
        "FACILITATOR_LLM_CASSETTE_MODE", wants="record or replay")
    bot_name: str = _var("FACILITATOR_BOT_NAME", "facilitator", wants="a name", min_length=1)
    retention_days: float = _var("FACILITATOR_RETENTION_DAYS", 30.0,
                                 wants="a number of days above 0", gt=0, allow_inf_nan=False)
    llm_timeout_s: float = _var("FACILITATOR_LLM_TIMEOUT", 20.0,
                                wants="a number of seconds above 0", gt=0, allow_inf_nan=False)
    llm_calls_per_room_per_hour: int = _var(
        "FACILITATOR_LLM_CALLS_PER_HOUR", 30, wants="a whole number, 0 or more", ge=0)
    # The room page: served only when the bot knows its public address (links must work
    # for members); the secret signs page links, else one is made and kept in Redis.
    public_url: str | None = _var("FACILITATOR_PUBLIC_URL",
                                  wants="the https:// (or http://) address the ops port is served at")
    page_secret: SecretStr | None = _var(
        "FACILITATOR_PAGE_SECRET", wants=f"a secret of at least {SECRET_MIN_BYTES} characters",
        min_length=SECRET_MIN_BYTES)
    digest_hour_utc: int = _var("FACILITATOR_DIGEST_HOUR_UTC", 9,
                                wants="an hour from 0 to 23", ge=0, le=23)
    # The ops HTTP server (/healthz, /readyz, /metrics) that every `run` mode serves.
    http_host: str = _var("FACILITATOR_HTTP_HOST", "127.0.0.1", wants="an address to listen on",
                          min_length=1)
    http_port: int = _var("FACILITATOR_HTTP_PORT", 8080,
                          wants="a port number from 0 to 65535 (0 picks a free one)", ge=0, le=65535)
    # Decoded rooms each worker keeps in memory (estimated bytes; least recently used out).
    state_cache_mb: float = _var("FACILITATOR_STATE_CACHE_MB", 256.0,
                                 wants="a number of megabytes, 0 or more", ge=0, allow_inf_nan=False)
    intake: Annotated[Literal["direct", "streams"], BeforeValidator(_lower)] = _var(
        "FACILITATOR_INTAKE", "direct", wants="direct or streams")
    intake_shards: int = _var("FACILITATOR_INTAKE_SHARDS", 16,
                              wants="a whole number from 1 to 1024", ge=1, le=1024)
    intake_maxlen: int = _var("FACILITATOR_INTAKE_MAXLEN", 100_000,
                              wants="a whole number, at least 1000", ge=1000)
    intake_attempts: int = _var("FACILITATOR_INTAKE_ATTEMPTS", 5,
                                wants="a whole number from 1 to 100", ge=1, le=100)
    log_format: Annotated[Literal["text", "json"], BeforeValidator(_lower)] = _var(
        "FACILITATOR_LOG_FORMAT", "text", wants="text or json")
    attack_read: Annotated[Literal["hostility", "fitted"], BeforeValidator(_lower)] = _var(
        "FACILITATOR_ATTACK_READ", "hostility", wants="hostility or fitted")
    shared_data: Path | None = _var("FACILITATOR_SHARED_DATA", wants="a folder path")
    judging: Path | None = _var("FACILITATOR_JUDGING", wants="the path of JUDGING.md")

    # -- Slack (deploy/slack/README.md) --------------------------------------------------------
    slack_bot_token: SecretStr | None = _var("SLACK_BOT_TOKEN", wants="a bot token (xoxb-…)",
                                             doc=SLACK_GUIDE)
    slack_app_token: SecretStr | None = _var("SLACK_APP_TOKEN", wants="an app-level token (xapp-…)",
                                             doc=SLACK_GUIDE)
    slack_signing_secret: SecretStr | None = _var("SLACK_SIGNING_SECRET", wants="the signing secret",
                                                  doc=SLACK_GUIDE)
    slack_client_id: str | None = _var("SLACK_CLIENT_ID", wants="the app's client id", doc=SLACK_GUIDE)
    slack_client_secret: SecretStr | None = _var("SLACK_CLIENT_SECRET", wants="the app's client secret",
                                                 doc=SLACK_GUIDE)
    slack_redirect_uri: str | None = _var("SLACK_REDIRECT_URI", wants="the OAuth redirect URL",
                                          doc=SLACK_GUIDE)
    slack_api_url: str | None = _var("SLACK_API_URL", wants="an http:// or https:// URL",
                                     doc=SLACK_GUIDE)
    slack_host: str = _var("FACILITATOR_SLACK_HOST", "0.0.0.0", wants="an address to listen on",
                           doc=SLACK_GUIDE, min_length=1)
    slack_ignore_bots: bool = _var("FACILITATOR_SLACK_IGNORE_BOTS", True, wants="1 or 0",
                                   doc=SLACK_GUIDE)

    # -- Discord (deploy/discord/README.md) ----------------------------------------------------
    discord_token: SecretStr | None = _var("DISCORD_TOKEN", wants="the bot token", doc=DISCORD_GUIDE)
    discord_guilds: Ids = _var("DISCORD_GUILDS", frozenset(), wants=IDS_WANTED, doc=DISCORD_GUIDE)
    discord_channels: Ids = _var("DISCORD_CHANNELS", frozenset(), wants=IDS_WANTED, doc=DISCORD_GUIDE)
    discord_dev_guild: int | None = _var("DISCORD_DEV_GUILD", wants="one numeric server id",
                                         doc=DISCORD_GUIDE, ge=0)
    discord_sync_commands: bool = _var("DISCORD_SYNC_COMMANDS", True, wants="1 or 0",
                                       doc=DISCORD_GUIDE)
    discord_shard_count: int | None = _var("DISCORD_SHARD_COUNT",
                                           wants="a whole number of shards, at least 1",
                                           doc=DISCORD_GUIDE, ge=1)
    discord_shard_ids: Ids = _var("DISCORD_SHARD_IDS", frozenset(),
                                  wants="comma-separated shard numbers", doc=DISCORD_GUIDE)

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings],
                                   init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Keywords only: the environment is read by `from_env`, from the mapping it is given.
        return (init_settings,)

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("scheme")
        return value

    @field_validator("openai_base_url", "anthropic_base_url", "public_url", "slack_api_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("http://", "https://")):
            raise ValueError("scheme")
        return value.rstrip("/") if value is not None else None

    @field_validator("llm", "llm_judge")
    @classmethod
    def _llm_spec(cls, value: str | None) -> str | None:
        if not value or value.lower() == "rules":
            return value.lower() if value else value
        kind, sep, model = value.partition(":")  # local model names carry colons ("qwen2.5:7b")
        if not sep or kind.strip().lower() not in LLM_KINDS or not model.strip():
            raise ValueError("spec")
        return f"{kind.strip().lower()}:{model.strip()}"

    @property
    def llm_replayed(self) -> bool:
        """A cassette answers every model call: no model, key or server is needed."""
        return bool(self.llm_cassette) and self.llm_cassette_mode == "replay"

    def model_post_init(self, context: Any) -> None:
        if not self.llm:
            # The offline facilitator is the default whenever no provider key is set.
            if self.anthropic_api_key is not None:
                self.llm = "anthropic:claude-haiku-4-5"
            elif self.openai_api_key is not None:
                self.llm = "openai:gpt-4o-mini"
            else:
                self.llm = "rules"

    # -- reading -------------------------------------------------------------------------------

    @classmethod
    def variables(cls) -> dict[str, FieldInfo]:
        """Variable name -> field, in table order."""
        return {str(f.validation_alias): f for f in cls.model_fields.values()}

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and check every setting; SettingsError says every mistake, one line each."""
        env = os.environ if env is None else env
        values = dict(_MappingSource(cls, env)())
        values.setdefault("FACILITATOR_DATA_DIR", default_data_dir(env))
        try:
            settings = cls(**values)
        except ValidationError as exc:
            raise SettingsError(_lines(cls, exc, values)) from None
        problems = settings.problems()
        if problems:
            raise SettingsError(problems)
        return settings

    def problems(self) -> list[str]:
        """Settings that are each well-formed but do not go together."""
        if self.llm_cassette and not self.llm_cassette_mode:
            return [f"FACILITATOR_LLM_CASSETTE: got {self.llm_cassette!r}, wants "
                    "FACILITATOR_LLM_CASSETTE_MODE set too (record or replay)"]
        if self.llm_cassette_mode and not self.llm_cassette:
            return [f"FACILITATOR_LLM_CASSETTE_MODE: got {self.llm_cassette_mode!r}, wants "
                    "FACILITATOR_LLM_CASSETTE=FILE set too"]
        if self.llm_replayed:
            return []  # the cassette answers: no key, no server
        for name, spec in (("FACILITATOR_LLM", self.llm), ("FACILITATOR_LLM_JUDGE",
                                                            self.llm_judge)):
            kind, _, _ = (spec or "").partition(":")
            if kind == "openai" and self.openai_api_key is None and self.openai_base_url is None:
                return [f"{name}: got {spec!r}, wants OPENAI_API_KEY set too (or "
                        "OPENAI_BASE_URL for a local OpenAI-compatible server); "
                        "FACILITATOR_LLM=rules runs offline"]
            if kind == "anthropic" and self.anthropic_api_key is None:
                return [f"{name}: got {spec!r}, wants ANTHROPIC_API_KEY set too; "
                        "FACILITATOR_LLM=rules runs offline"]
        return []

    # -- what the parts below need -------------------------------------------------------------

    def llm_env(self) -> dict[str, str]:
        """The provider variables as the LLM factory takes them (only those that are set)."""
        out: dict[str, str] = {"FACILITATOR_LLM_JSON_MODE": self.llm_json_mode,
                               "FACILITATOR_LLM_REDACT": self.llm_redact}
        for name, value in (("FACILITATOR_LLM_JUDGE", self.llm_judge),
                            ("FACILITATOR_LLM_CASSETTE", self.llm_cassette),
                            ("FACILITATOR_LLM_CASSETTE_MODE", self.llm_cassette_mode),
                            ("OPENAI_API_KEY", self.openai_api_key),
                            ("OPENAI_BASE_URL", self.openai_base_url),
                            ("ANTHROPIC_API_KEY", self.anthropic_api_key),
                            ("ANTHROPIC_BASE_URL", self.anthropic_base_url)):
            if value is not None:
                out[name] = value.get_secret_value() if isinstance(value, SecretStr) else value
        return out

    @property
    def page_secret_value(self) -> str | None:
        return self.page_secret.get_secret_value() if self.page_secret is not None else None

    @property
    def state_cache_bytes(self) -> int:
        return int(self.state_cache_mb * 1024 * 1024)

    @property
    def retention_s(self) -> int:
        return int(self.retention_days * 86400)


class _MappingSource(EnvSettingsSource):
    """pydantic-settings' environment source, over the mapping it is given."""

    def __init__(self, settings_cls: type[BaseSettings], env: Mapping[str, str]) -> None:
        self._given = env
        super().__init__(settings_cls, case_sensitive=True, env_ignore_empty=True)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {k: v for k, v in self._given.items() if v != "" and v.strip() != ""}


def _lines(cls: type[Settings], exc: ValidationError, values: Mapping[str, Any]) -> list[str]:
    fields = cls.variables()
    lines: list[str] = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else ""
        field = fields.get(name)
        if field is None:  # not one of ours: say what pydantic said, in one line
            lines.append(" ".join(str(error["msg"]).split()))
            continue
        raw = values.get(name, error.get("input"))
        if field.annotation is not None and "SecretStr" in str(field.annotation):
            got = f"a value of {len(str(raw))} characters"
        else:
            got = repr(redact(str(raw)))
        line = f"{name}: got {got}, wants {field.description}"
        if line not in lines:
            lines.append(line)
    return lines
