"""Different words members use for the same thing, so the bot can translate between them.

Each concept maps to the terms that name it from different communities of practice.
Matching is by whole phrase, case-insensitive.
"""

from __future__ import annotations

import re

CONCEPTS: dict[str, tuple[str, ...]] = {
    "caring for the planet and the people most affected": (
        "climate justice", "creation care", "environmental stewardship", "sustainability",
        "green transition", "eco-justice",
    ),
    "the people the product serves": (
        "customer", "client", "end user", "user persona", "patient", "beneficiary",
    ),
    "a flaw in the software": ("bug", "defect", "glitch"),
    "a tracked unit of work": ("ticket", "user story", "task card", "work item"),
    "a proposed code change": ("pull request", "merge request", "changeset"),
    "the date something must be done by": ("deadline", "due date", "cutoff date", "target date"),
    "money set aside": ("budget", "allocation", "funding envelope", "spend plan"),
    "people affected by a decision": ("stakeholders", "constituents", "the community", "residents"),
    "making it work for everyone": ("accessibility", "inclusive design", "universal design", "a11y"),
    "keeping data private": ("privacy", "data protection", "confidentiality", "gdpr"),
    "how fast the system answers": ("latency", "response time"),
    "a neutral point of view": ("npov", "neutral point of view", "impartiality"),
    "a source that can be checked": ("reliable source", "citation"),
}

_PATTERNS: list[tuple[str, str, re.Pattern[str]]] = [
    (concept, term, re.compile(rf"\b{re.escape(term)}s?\b", re.I))
    for concept, terms in CONCEPTS.items()
    for term in terms
]


def find_terms(text: str) -> list[tuple[str, str]]:
    """(concept, term) pairs named in a message, at most one term per concept."""
    found: dict[str, str] = {}
    lowered = text.lower()
    for concept, term, pattern in _PATTERNS:
        if concept not in found and term.split()[0] in lowered and pattern.search(text):
            found[concept] = term
    return list(found.items())
