"""`facilitator eval judge`: a model judges a sample of the bot's turns blind, by the rubric of
../shared/JUDGING.md, and the four counts are reported per kind of room.

The sample (JUDGING.md, "How to draw a sample"): a fixed seed, drawn before anything is read;
the bot's turns of a replay are grouped by kind of room (from the room's name: busy help
channel, developer community chat, heated issue thread, chaired meeting, product meeting,
research meeting, talk-page dispute; other rooms are "other") and taken in turn from each kind,
each kind's turns shuffled by the seed, so the sample spreads over every kind.

What the judge sees of a turn, and nothing else: the rubric page, the kind of room, the six
messages before the turn (author: text; the bot's own earlier turns in that room appear as
"facilitator") and the bot's text. Not the move's name, not the reason, not which build.
The judge answers `JudgeVerdict` (its reason first, then one verdict). The messages are data
inside escaped tags, like every prompt of the project; redaction and cassettes apply to the
judge as to any model (FACILITATOR_LLM_REDACT, FACILITATOR_LLM_CASSETTE).

The report: the seed, the command, the four counts per kind (and over all), split into
proactive turns and answers to direct requests (the bar differs), the turns the judge could
not judge, the three worst turns quoted, and the whole sample with each verdict.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict, field_validator

from facilitator.evaluation.real_split import kind_of
from facilitator.events import ChatEvent, EventKind
from facilitator.policies.llm.base import Answer, LLMError, LLMProvider
from facilitator.policies.llm.promptdata import esc, tag
from facilitator.policies.prompts import Prompts
from facilitator.sim.transcript import BadLine, read_transcript

Verdict = Literal["HELPFUL", "NEUTRAL", "HARMFUL", "WRONG-MOMENT"]
VERDICTS: tuple[str, ...] = ("HELPFUL", "NEUTRAL", "HARMFUL", "WRONG-MOMENT")
WORST_FIRST = ("HARMFUL", "WRONG-MOMENT", "NEUTRAL")
DEFAULT_SEED = 23
DEFAULT_SAMPLE = 30
CONTEXT = 6
JUDGE_TOKENS = 300
KIND_WORDS = {
    "irc": "busy help channel",
    "slack": "developer community chat",
    "github": "heated issue thread",
    "committee": "chaired meeting",
    "product": "product meeting",
    "academic": "research group meeting",
    "wikitactics": "talk-page dispute (small deliberation)",
    "other": "group chat",
}
# The judge's prompts: prompts/llm/judge_system.md (the standing instructions and the rubric)
# and prompts/llm/judge.md (one turn), versioned like every prompt.
SYSTEM_PROMPT = "llm/judge_system"
TURN_PROMPT = "llm/judge"


class JudgeVerdict(Answer):
    # No docstring, no descriptions: the schema carries no prose for the judge to copy.
    model_config = ConfigDict(extra="ignore")

    reason: str
    verdict: Verdict

    @field_validator("verdict", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper().replace(" ", "-").replace("_", "-") \
            if isinstance(value, str) else value


@dataclass(slots=True)
class ContextLine:
    author: str
    text: str


@dataclass(slots=True)
class Turn:
    room: str
    after: str  # the event the bot's turn followed
    kind: str
    intervention: str
    text: str
    context: list[ContextLine] = field(default_factory=list)
    verdict: str | None = None  # None: not judged (the judge failed)
    reason: str = ""

    @property
    def answer(self) -> bool:
        return self.intervention == "answer"

    def as_json(self) -> dict[str, Any]:
        return {"room": self.room, "after": self.after, "kind": self.kind,
                "intervention": self.intervention,
                "context": [f"{x.author}: {x.text}" for x in self.context],
                "text": self.text, "verdict": self.verdict, "reason": self.reason}


def room_kind(room_name: str) -> str:
    return kind_of(room_name) or "other"


def read_rooms(paths: Iterable[Path], bot_name: str) -> dict[str, list[ChatEvent]]:
    """The human messages of each room, in order (bad lines skipped, as replay does)."""
    rooms: dict[str, list[ChatEvent]] = defaultdict(list)
    for path in paths:
        for item in read_transcript(path, bot_name):
            if isinstance(item, BadLine) or item.kind != EventKind.MESSAGE:
                continue
            rooms[item.room.channel].append(item)
    return rooms


def bot_turns(report: Mapping[str, Any], rooms: Mapping[str, list[ChatEvent]]) -> list[Turn]:
    """Every turn the bot took in a replay report, with the room's messages before it."""
    spoken: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for step in report.get("steps", []):
        if step.get("speak") and step.get("text"):
            spoken[str(step["room"])][str(step["id"])].append(step)
    turns: list[Turn] = []
    for room_name, events in rooms.items():
        said = spoken.get(room_name)
        if not said:
            continue
        seen: list[ContextLine] = []
        for event in events:
            seen.append(ContextLine(event.author.display, event.text))
            for step in said.get(event.id, []):
                turns.append(Turn(room_name, event.id, room_kind(room_name),
                                  str(step.get("intervention") or ""), str(step["text"]),
                                  context=seen[-CONTEXT:]))
                seen.append(ContextLine("facilitator", str(step["text"])))
    return turns


def draw_sample(turns: list[Turn], n: int, seed: int) -> list[Turn]:
    """`n` turns spread over the kinds of room: each kind's turns shuffled by the seed, then
    taken one kind at a time (kinds in name order) until `n` or none are left."""
    by_kind: dict[str, list[Turn]] = defaultdict(list)
    for turn in sorted(turns, key=lambda t: (t.kind, t.room, t.after)):
        by_kind[turn.kind].append(turn)
    for kind, items in by_kind.items():
        random.Random(f"{seed}:{kind}").shuffle(items)
    sample: list[Turn] = []
    while len(sample) < n and any(by_kind.values()):
        for kind in sorted(by_kind):
            if by_kind[kind] and len(sample) < n:
                sample.append(by_kind[kind].pop(0))
    return sample


def judge_prompt(turn: Turn) -> str:
    context = "\n".join(tag("message", esc(line.text, 1000), **{"from": line.author})
                        for line in turn.context) or "(none: the turn opened the room)"
    return Prompts().text(TURN_PROMPT).format(kind=KIND_WORDS.get(turn.kind, turn.kind),
                                              context=context,
                                              turn=tag("turn", esc(turn.text, 1500)))


async def judge_turns(sample: list[Turn], judge: LLMProvider, rubric: str) -> None:
    system = Prompts().text(SYSTEM_PROMPT).format(rubric=rubric.strip())
    for turn in sample:
        try:
            result = await judge.structured(system, judge_prompt(turn), JudgeVerdict,
                                            max_tokens=JUDGE_TOKENS)
        except LLMError as exc:
            turn.verdict, turn.reason = None, f"not judged: {exc.kind}"
            continue
        turn.verdict, turn.reason = result.value.verdict, " ".join(result.value.reason.split())


def _counts(turns: list[Turn]) -> dict[str, int]:
    c = Counter(t.verdict or "not_judged" for t in turns)
    return {**{v: c.get(v, 0) for v in VERDICTS}, "not_judged": c.get("not_judged", 0),
            "n": len(turns)}


def summarize(sample: list[Turn], *, seed: int, command: str, judge: str,
              rubric: str) -> dict[str, Any]:
    kinds: dict[str, Any] = {}
    for kind in sorted({t.kind for t in sample}):
        of_kind = [t for t in sample if t.kind == kind]
        kinds[kind] = {"room": KIND_WORDS.get(kind, kind), **_counts(of_kind),
                       "proactive": _counts([t for t in of_kind if not t.answer]),
                       "answers": _counts([t for t in of_kind if t.answer])}
    judged = [t for t in sample if t.verdict in WORST_FIRST]
    worst = sorted(judged, key=lambda t: WORST_FIRST.index(t.verdict or "NEUTRAL"))[:3]
    return {"seed": seed, "command": command, "judge": judge, "rubric": rubric,
            "sample_size": len(sample), "kinds": kinds, "all": _counts(sample),
            "worst": [t.as_json() for t in worst], "sample": [t.as_json() for t in sample]}
