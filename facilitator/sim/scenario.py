"""Scenario files for simulated group chats: who is in the room, what they say, how they react.

Errors name the file and the line, so a typo in a scenario is found at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from facilitator.memory.state import Activity

# libyaml's parser when PyYAML was built with it (the wheels are): several times faster on the
# suite's 60-odd files; the pure-Python loader otherwise. Both give the same nodes and marks.
YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ScenarioError(ValueError):
    pass


class Member(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str = ""
    persona: str = ""
    style: str = ""
    present: bool = True  # in the room from the start; a newcomer joins by a script line

    @property
    def label(self) -> str:
        return self.name or self.id


class Line(BaseModel):
    """One scripted step: a message, a reaction, a join or a leave."""

    model_config = ConfigDict(extra="forbid")

    who: str
    text: str = ""
    reply_to: int | str | None = None  # index of an earlier scripted line, or an id
    react: str | None = None  # an emoji; `to` says which line
    to: int | str | None = None
    join: bool = False
    leave: bool = False
    mentions_bot: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> Line:
        if self.react is not None and self.to is None:
            raise ValueError("a reaction needs `to`: the line it reacts to")
        if not (self.text or self.react or self.join or self.leave):
            raise ValueError("a line needs text, react, join or leave")
        return self


class Reactive(BaseModel):
    """What a member says when something happens to them (once, by default)."""

    model_config = ConfigDict(extra="forbid")

    who: str
    when: Literal["invited", "cooled", "addressed", "summarized", "declined"]
    text: str
    once: bool = True


class Checkpoint(BaseModel):
    """An expectation used by `facilitator eval` (ignored by simulate)."""

    model_config = ConfigDict(extra="forbid")

    after: int  # index of a scripted line
    within: int = 2  # scripted lines after `after`
    speak: bool = True
    intervention: list[str] = Field(default_factory=list)
    to: list[str] = Field(default_factory=list)
    until: int | None = None  # for speak: false, silence from `after` to `until`


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    goal: str = ""
    activity: Activity = Activity.NORMAL
    # Moves the room turned on beyond its kind's defaults, or off (`/facilitator more|less`).
    more: list[str] = Field(default_factory=list)
    less: list[str] = Field(default_factory=list)
    bot_name: str = "facilitator"

    @field_validator("more", "less")
    @classmethod
    def _known_moves(cls, moves: list[str]) -> list[str]:
        from facilitator.policies.defaults import MOVES

        unknown = [m for m in moves if m not in MOVES]
        if unknown:
            raise ValueError(f"unknown move {unknown[0]!r}; one of {', '.join(MOVES)}")
        return moves
    seconds_between: float = Field(default=30.0, gt=0)
    participants: list[Member] = Field(min_length=1)
    script: list[Line] = Field(min_length=1)
    reactions: list[Reactive] = Field(default_factory=list)
    expect: list[Checkpoint] = Field(default_factory=list)
    never: list[str] = Field(default_factory=list)  # interventions that must not happen
    tags: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_members(self) -> Scenario:
        ids = {m.id for m in self.participants}
        for i, line in enumerate(self.script):
            if line.who not in ids:
                raise ValueError(f"script line {i}: unknown participant {line.who!r}")
            for ref in (line.reply_to, line.to):
                if isinstance(ref, int) and not 0 <= ref < i:
                    raise ValueError(f"script line {i}: refers to line {ref}, not an earlier one")
        for r in self.reactions:
            if r.who not in ids:
                raise ValueError(f"reaction: unknown participant {r.who!r}")
        return self

    def member(self, member_id: str) -> Member:
        return next(m for m in self.participants if m.id == member_id)


def _line_of(root: yaml.Node, loc: tuple[int | str, ...]) -> int | None:
    """The YAML line (1-based) of the deepest node on a validation error's path."""
    node: yaml.Node | None = root
    line = root.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == part), None)
            key = next((k for k, _ in node.value if k.value == part), None)
            if key is not None:
                line = key.start_mark.line + 1
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(
                node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def load_scenario(path: Path) -> Scenario:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot read: {exc}") from exc
    try:
        # One parse: the node tree gives the line numbers, the same tree gives the data.
        loader = YamlLoader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise ScenarioError(f"{path}{where}: not valid YAML: {getattr(exc, 'problem', exc)}") \
            from exc
    if not isinstance(data, dict) or root is None:
        raise ScenarioError(f"{path}: a scenario is a YAML mapping with title, participants, "
                            "script")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not isinstance(p, str) or p[0] != "_")
            line = _line_of(root, loc)
            field = ".".join(str(p) for p in loc) or "scenario"
            message = err["msg"]
            if err["type"] == "extra_forbidden":
                message = "unknown field (a typo?)"
            problems.append(f"{path}:{line}: {field}: {message}")
        raise ScenarioError("\n".join(problems)) from exc
