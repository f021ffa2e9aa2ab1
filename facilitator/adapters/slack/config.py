"""Slack settings from the environment, checked up front so a bad setup fails in one line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import SecretStr

from facilitator.config import Settings, SettingsError

# Exactly what deploy/slack/manifest.yaml asks for (a test keeps the two in step).
BOT_SCOPES = (
    "app_mentions:read",  # app_mention
    "channels:history",  # message.channels
    "channels:read",  # member joins and leaves, conversations.members in public channels
    "chat:write",  # chat.postMessage, chat.postEphemeral
    "commands",  # /facilitator
    "groups:history",  # message.groups
    "groups:read",  # member joins and leaves, conversations.members in private channels
    "im:history",  # message.im
    "mpim:history",  # message.mpim
    "reactions:read",  # reaction_added / reaction_removed
    "reactions:write",  # reactions.add: the lighter form of a move (👀 on a waiting question)
    "users:read",  # users.info: display names, bots, workspace admins
)
BOT_EVENTS = (
    "app_home_opened",
    "app_mention",
    "app_uninstalled",
    "member_joined_channel",
    "member_left_channel",
    "message.channels",
    "message.groups",
    "message.im",
    "message.mpim",
    "reaction_added",
    "reaction_removed",
    "tokens_revoked",
)
EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


class SlackConfigError(ValueError):
    """A missing or bad setting; the message names the environment variable."""


@dataclass(frozen=True, slots=True)
class SlackConfig:
    bot_token: str | None = None  # one workspace
    client_id: str | None = None  # many workspaces through OAuth
    client_secret: str | None = None
    redirect_uri: str | None = None
    app_token: str | None = None  # Socket Mode
    signing_secret: str | None = None  # HTTP Events API
    http: bool = False
    host: str = "0.0.0.0"
    port: int = 3000
    api_url: str | None = None  # Web API base URL (GovSlack, proxies, tests)
    ignore_bots: bool = True
    bot_name: str = "facilitator"
    min_post_interval: float = 1.0

    @property
    def oauth(self) -> bool:
        return bool(self.client_id and self.client_secret)

    @property
    def serves_http(self) -> bool:
        """An HTTP listener is needed for the Events API and for OAuth install pages."""
        return self.http or self.oauth

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, http: bool = False, port: int = 3000,
                 bot_name: str = "facilitator") -> SlackConfig:
        """From a mapping of variables (tests); the program uses `from_settings`."""
        try:
            settings = Settings.from_env(env)
        except SettingsError as exc:
            raise SlackConfigError(str(exc)) from None
        return cls.from_settings(settings, http=http, port=port, bot_name=bot_name)

    @classmethod
    def from_settings(cls, settings: Settings, *, http: bool = False, port: int = 3000,
                      bot_name: str = "facilitator") -> SlackConfig:
        """The SLACK_* settings, checked for what this way of running needs."""
        def secret(value: SecretStr | None) -> str | None:
            return value.get_secret_value() if value is not None else None

        client_id, client_secret = settings.slack_client_id, secret(settings.slack_client_secret)
        bot_token = secret(settings.slack_bot_token)
        if client_id and not client_secret:
            raise SlackConfigError("SLACK_CLIENT_SECRET is not set (SLACK_CLIENT_ID is: the OAuth "
                                   "install flow needs both)")
        if client_secret and not client_id:
            raise SlackConfigError("SLACK_CLIENT_ID is not set (SLACK_CLIENT_SECRET is: the OAuth "
                                   "install flow needs both)")
        if not client_id and not bot_token:
            raise SlackConfigError("SLACK_BOT_TOKEN is not set (one workspace), nor SLACK_CLIENT_ID "
                                   "and SLACK_CLIENT_SECRET (install in many workspaces)")
        app_token, signing_secret = secret(settings.slack_app_token), secret(settings.slack_signing_secret)
        if http and not signing_secret:
            raise SlackConfigError("SLACK_SIGNING_SECRET is not set (the HTTP Events API verifies "
                                   "every request with it)")
        if not http and not app_token:
            raise SlackConfigError("SLACK_APP_TOKEN is not set (Socket Mode needs an app-level "
                                   "xapp- token; or run with --http)")
        if not http and app_token and not app_token.startswith("xapp-"):
            raise SlackConfigError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
        if client_id and bot_token:
            bot_token = None  # OAuth installs carry their own tokens per workspace
        return cls(
            bot_token=bot_token, client_id=client_id, client_secret=client_secret,
            redirect_uri=settings.slack_redirect_uri, app_token=app_token,
            signing_secret=signing_secret, http=http, port=port,
            host=settings.slack_host, api_url=settings.slack_api_url,
            ignore_bots=settings.slack_ignore_bots,
            bot_name=bot_name,
        )
