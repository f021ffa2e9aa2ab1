"""The house (issue 21): one name, one meaning, and a top level that holds only the spine."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import facilitator

PACKAGE = Path(facilitator.__file__).parent


def test_no_two_public_classes_share_a_name() -> None:
    # Two classes of one name ("Decision", "Turn", "Line") make a reader ask which one an
    # import means; a newcomer following a message cannot tell them apart by name.
    where: dict[str, list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                where[node.name].append(str(path.relative_to(PACKAGE)))
    assert len(where) > 100
    assert {name: paths for name, paths in where.items() if len(paths) > 1} == {}


def test_the_top_level_holds_only_the_spine() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert modules == {"cli", "engine", "events"}
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == {"adapters", "config", "evaluation", "intake", "locale", "memory",
                       "policies", "reading", "sim", "web"}
