"""Slow digests: what the room decided and left open, posted daily or weekly per its charter."""
