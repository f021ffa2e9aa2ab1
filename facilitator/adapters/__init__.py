"""Adapters translate platform payloads to ChatEvents and post the bot's words back."""
