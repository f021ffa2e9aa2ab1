"""Durable intake on Redis Streams and the worker loop (see streams.py and worker.py)."""
