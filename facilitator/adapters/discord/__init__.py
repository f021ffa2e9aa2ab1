"""Discord adapter: `facilitator run discord` (see deploy/discord/README.md).

discord.py imports the standard `audioop` module for voice, which Python 3.11 and 3.12 flag
as deprecated at import time. The facilitator never touches voice, so that one warning is
silenced here, narrowly, before anything else imports the library.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r"'audioop' is deprecated", category=DeprecationWarning)
    import discord  # noqa: F401

from facilitator.adapters.discord.adapter import DiscordAdapter
from facilitator.adapters.discord.options import DiscordOptions

__all__ = ["DiscordAdapter", "DiscordOptions"]
