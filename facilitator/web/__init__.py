"""The bot's web side: the room page (and, from another module, health and readiness)."""
