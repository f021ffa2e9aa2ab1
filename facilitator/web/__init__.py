"""The bot's web side: the ops server (health, readiness, metrics) and the room page."""
