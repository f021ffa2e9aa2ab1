"""Evaluation: the scenario suite (`facilitator eval`) and real-data checks (deli, wikitactics)."""
