"""The bot's own fixed lines, translated: a small catalogue (issue 20, item 2).

One JSON file per language (`en`, `es`, `fr`, `de`, `pt`), the same keys in each, with
`str.format` fields (`{asker}`, `{services}`, ...). `cant_read.json` holds the one line "I
can't read this language yet; here is what I can do" in languages the offline reader does not
read, so that line too is said in the asker's language.

    line("decline.take_side", "fr", asker="Odile")
    decline_line("reveal", "de", asker="Sven")   # a refusal category's decline
    cant_read_line("it", asker="Pascal")

A key missing in a language falls back to English (the tests hold every language to the
English keys and fields, so that happens only for a language added half-way).
"""

from __future__ import annotations

import json
import string
from functools import cache
from importlib import resources

LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "de", "pt")
DEFAULT = "en"


@cache
def catalogue(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        return {}
    text = resources.files(__package__).joinpath(f"{lang}.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


@cache
def _cant_read() -> dict[str, str]:
    text = resources.files(__package__).joinpath("cant_read.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def fields_of(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def line(key: str, lang: str, **fields: str) -> str:
    """The line `key` in `lang` (else English), its fields filled; `{services}` fills itself."""
    template = catalogue(lang).get(key) or catalogue(DEFAULT)[key]
    if "services" in fields_of(template) and "services" not in fields:
        fields["services"] = catalogue(lang).get("services") or catalogue(DEFAULT)["services"]
    return template.format(**fields)


def decline_line(category: str, lang: str, **fields: str) -> str:
    """The one-line decline of a refusal category: the room's interest, and what it can do."""
    return line(f"decline.{category}", lang, **fields)


def cant_read_line(lang: str, **fields: str) -> str:
    """"I can't read this language yet", in that language when the catalogue has it."""
    if lang in LANGUAGES:
        return line("cant_read", lang, **fields)
    template = _cant_read().get(lang)
    return template.format(**fields) if template else line("cant_read", DEFAULT, **fields)
