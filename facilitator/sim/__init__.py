"""Simulated group chats: scenario files, the in-process chat, rendering, replay of transcripts."""
