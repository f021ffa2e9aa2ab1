"""Slack: Socket Mode or the HTTP Events API, one workspace or many through OAuth."""
