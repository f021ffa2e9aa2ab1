"""Load prompt templates from prompts/ (the repository's, or the copy packed in the wheel)."""

from __future__ import annotations

import re
import zlib
from functools import cached_property
from pathlib import Path

_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)
_FIELD = re.compile(r"\{(\w+)\}")
_VERSION = re.compile(r"\A\s*<!--\s*([\w-]+)\s+v(\d+)\b")


def default_prompts_dir() -> Path:
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "prompts", here / "_prompts"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("prompts/ folder not found next to the package")


class Prompts:
    """Templates by name. Rules templates hold variants separated by a line `---`."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or default_prompts_dir()
        self._cache: dict[str, list[str]] = {}

    def variants(self, name: str) -> list[str]:
        if name not in self._cache:
            text = _COMMENT.sub("", (self.root / f"{name}.md").read_text(encoding="utf-8"))
            parts = [p.strip() for p in re.split(r"^---\s*$", text, flags=re.M)]
            self._cache[name] = [p for p in parts if p]
        return self._cache[name]

    def text(self, name: str) -> str:
        return "\n\n".join(self.variants(name))

    def version(self, name: str) -> str:
        """A template's version from its first line (`<!-- choose v2: ... -->` gives
        "choose v2"); "" for an unversioned template."""
        found = _VERSION.match((self.root / f"{name}.md").read_text(encoding="utf-8"))
        return f"{found.group(1)} v{found.group(2)}" if found else ""

    def render(self, name: str, fields: dict[str, str], *, seed: str, skip: int = 0) -> str:
        """Pick a variant deterministically from `seed` (skip>0 picks another for a rewrite)."""
        options = self.variants(name)
        index = (zlib.crc32(seed.encode()) + skip) % len(options)
        return _FIELD.sub(lambda m: fields.get(m.group(1), m.group(0)), options[index])

    @cached_property
    def rules_names(self) -> list[str]:
        return sorted(p.stem for p in (self.root / "rules").glob("*.md"))
