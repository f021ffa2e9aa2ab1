"""Reading one message: the hostility model (more of the per-message read lands here)."""
