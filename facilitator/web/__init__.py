"""The process's operational HTTP server: health, readiness, and route groups added later."""
