"""`facilitator eval deli`: the bot's speak moments against DeliData's own facilitation.

DeliData (Karadzhov, Stafford and Vlachos) holds 500 small-group chats in which 2-6 people
solve the Wason card selection task together. Every message carries a DeliAnnotation label;
the 785 labelled Probing/Moderation are moments where a member facilitated ("what does
everyone think?", "shall we submit?"). We replay each group through the engine, message by
message, and ask how well the bot's would-be interventions line up with those moments.

Alignment (±2 messages)
    The bot "speaks after message i" takes the slot of message i+1. A bot moment matches a
    member's Moderation message j when |j - (i+1)| <= 2.
    precision = bot moments that match some Moderation message / bot moments
    recall = Moderation messages matched by some bot moment / Moderation messages
    The chance baseline puts the same number of moments per group at random slots.

Judging a move (`--more`, `--blind`)
    A move off by default can be turned on in every group (as `/facilitator more MOVE`
    would) and a fixed-seed draw of its turns, each with the six messages before it and the
    bot's text only, written for blind judging (JUDGING.md). The groups are split once into
    a TUNE and a REPORT half by the rule `eval real` uses for rooms it has no committed split
    for (sha256 of the room's key), so a move is tuned on one half and reported on the other.

Team performance
    Each participant submits a solution (which of the four cards to turn); a solution scores
    the fraction of the four cards it classifies correctly (turned or not). The corpus column
    `team_performance` is the mean of the members' current scores, updated as they submit.
    We use the final value (last row) and the gain (final minus the value before the chat,
    in the INITIAL row); the gain controls for how good the group's first ideas were.

The corpus ships inside the delitoolkit wheel on PyPI (Apache-2.0) under
`delitoolkit/delidata_corpus/`; it is found through an installed `delitoolkit` package (without
importing it: its modules import torch) or a `--deli-dir`.
"""

from __future__ import annotations

import csv
import importlib.util
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from facilitator.engine import Engine
from facilitator.evaluation.metrics import pearson, permutation_p, ranks, ratio, spearman
from facilitator.evaluation.real import VERDICTS, context, write_blind_file
from facilitator.evaluation.real_split import hash_part
from facilitator.events import Author, ChatEvent, EventKind, RoomRef
from facilitator.memory.state import Charter, RoomState

GOAL = "agree which cards to turn over to test the rule"
WINDOW = 2
HOW_TO_GET = """\
The corpus ships inside the delitoolkit wheel on PyPI (Apache-2.0), under
delitoolkit/delidata_corpus/ (500 tab-separated files, one per group). Either:

  pip download --no-deps delitoolkit==0.3.9 -d /tmp/deli
  unzip -q /tmp/deli/delitoolkit-0.3.9-py2.py3-none-any.whl -d /tmp/deli
  facilitator eval deli --deli-dir /tmp/deli/delitoolkit/delidata_corpus

or install it without its heavy dependencies (torch, transformers; not needed here):

  pip install --no-deps delitoolkit==0.3.9
  facilitator eval deli
"""


class CorpusMissing(FileNotFoundError):
    pass


def find_corpus(deli_dir: Path | None = None) -> Path:
    """The folder of group files, from --deli-dir or an installed delitoolkit package."""
    candidates: list[Path] = []
    if deli_dir is not None:
        candidates += [deli_dir, deli_dir / "delidata_corpus",
                       deli_dir / "delitoolkit" / "delidata_corpus"]
    else:
        spec = importlib.util.find_spec("delitoolkit")  # finds, does not import
        if spec is not None and spec.submodule_search_locations:
            for loc in spec.submodule_search_locations:
                candidates.append(Path(loc) / "delidata_corpus")
    for folder in candidates:
        if folder.is_dir() and any(_group_files(folder)):
            return folder
    where = f" in {deli_dir}" if deli_dir is not None else ""
    raise CorpusMissing(f"DeliData corpus not found{where}.\n\n{HOW_TO_GET}")


def _group_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(("_", ".")) and p.suffix in ("",
                                                                                        ".tsv"))


@dataclass(slots=True)
class DeliMessage:
    id: str
    author: str
    text: str
    annotation: str = ""  # DeliAnnotation's type: Probing, Non-probing-deliberation, None, …
    target: str = ""  # and its target: Moderation, Reasoning, Solution, Agree, Disagree, …

    @property
    def moderation(self) -> bool:
        """Labelled Probing / Moderation: a member facilitating."""
        return self.annotation == "Probing" and self.target == "Moderation"


@dataclass(slots=True)
class DeliGroup:
    id: str
    members: list[str]
    messages: list[DeliMessage] = field(default_factory=list)
    initial_performance: float = 0.0
    final_performance: float = 0.0

    @property
    def gain(self) -> float:
        return self.final_performance - self.initial_performance


def clean_text(raw: str) -> str:
    """Undo the corpus's SQL-style quoting: 'That''s it' -> That's it."""
    text = raw.strip()
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        text = text[1:-1].replace("''", "'")
    return text


def _float(value: str | None, default: float = 0.0) -> float:
    try:
        return float(value) if value not in (None, "") else default
    except ValueError:
        return default


def load_group(path: Path) -> DeliGroup:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", skipinitialspace=True))
    group = DeliGroup(id=path.name, members=[])
    for row in rows:
        kind = row.get("message_type")
        if kind == "INITIAL":
            names = (row.get("original_text") or "").split("&&")[0]
            group.members = [n for n in names.split(",") if n and n != "SYSTEM"]
            group.initial_performance = _float(row.get("team_performance"))
        elif kind == "MESSAGE":
            group.messages.append(DeliMessage(
                id=row.get("message_id") or f"{path.name}-{len(group.messages)}",
                author=row.get("origin") or "?",
                text=clean_text(row.get("original_text") or ""),
                annotation=row.get("annotation_type") or "",
                target=row.get("annotation_target") or ""))
        if row.get("team_performance"):
            group.final_performance = _float(row.get("team_performance"),
                                             group.final_performance)
    for m in group.messages:
        if m.author not in group.members:
            group.members.append(m.author)
    return group


def load_corpus(folder: Path, limit: int | None = None) -> list[DeliGroup]:
    files = _group_files(folder)
    if limit is not None:
        files = files[:limit]
    return [load_group(p) for p in files]


def group_events(group: DeliGroup, start_ts: float = 1_700_000_000.0) -> list[ChatEvent]:
    room = RoomRef.local(f"deli-{group.id}")
    events = [ChatEvent(id=f"join-{m}", kind=EventKind.JOIN, room=room,
                        author=Author(id=m, name=m), ts=start_ts) for m in group.members]
    for i, msg in enumerate(group.messages):
        events.append(ChatEvent(id=msg.id, room=room, author=Author(id=msg.author,
                                                                    name=msg.author),
                                text=msg.text, ts=start_ts + 15.0 * (i + 1),
                                addressed="@facilitator" in msg.text.lower()))
    return events


def align(bot_after: list[int], gold: list[int], window: int = WINDOW) -> tuple[int, int]:
    """(bot moments matching a gold message, gold messages matched), by the ±window rule."""
    slots = [i + 1 for i in bot_after]
    hit_bot = sum(1 for s in slots if any(abs(g - s) <= window for g in gold))
    hit_gold = sum(1 for g in gold if any(abs(g - s) <= window for s in slots))
    return hit_bot, hit_gold


@dataclass(slots=True)
class GroupRun:
    group: DeliGroup
    bot_after: list[int]  # message indices after which the bot would speak
    interventions: dict[str, int]
    llm_calls: int
    part: str = "tune"  # the half of the split the group falls in
    turns: list[dict[str, Any]] = field(default_factory=list)  # what the bot said, in order


async def replay_group(engine: Engine, group: DeliGroup, more: tuple[str, ...] = ()) -> GroupRun:
    """`more`: moves turned on in the group, as `/facilitator more MOVE` would."""
    events = group_events(group)
    room_key = events[0].room.key

    def charter(state: RoomState) -> None:
        state.charter = Charter(goal=GOAL, changed_by="eval", more=list(more))

    await engine.store.delete(room_key)
    await engine.store.update(room_key, charter)
    bot_after: list[int] = []
    kinds: dict[str, int] = {}
    turns: list[dict[str, Any]] = []
    calls = 0
    index = -1
    for position, event in enumerate(events):
        if event.kind == EventKind.MESSAGE:
            index += 1
        outcome = await engine.handle(event)
        d = outcome.decision
        calls += d.llm_calls
        if d.speak and index >= 0:
            bot_after.append(index)
            name = d.intervention.value if d.intervention else "?"
            kinds[name] = kinds.get(name, 0) + 1
            turns.append({"room": room_key, "event": event.id, "intervention": name,
                          "to": list(d.to), "reason": d.reason,
                          "before": context(events, position), "bot": d.text})
    await engine.store.delete(room_key)
    return GroupRun(group, bot_after, kinds, calls, hash_part(room_key), turns)


def draw_turns(runs: list[GroupRun], part: str, n: int, seed: int) -> list[dict[str, Any]]:
    """N of the bot's turns in one half's groups (groups in corpus order, turns in order),
    shuffled with a fixed seed; each with an id (deli-k) to join the key."""
    turns = [t for r in runs if r.part == part for t in r.turns]
    random.Random(seed).shuffle(turns)
    return [{"id": f"deli-{k}", "part": part, **t} for k, t in enumerate(turns[:n], 1)]


def summarize_runs(runs: list[GroupRun], *, seed: int = 11, draws: int = 20) -> dict[str, Any]:
    bot_total = gold_total = hit_bot = hit_gold = messages = 0
    kinds: dict[str, int] = {}
    rng = random.Random(seed)
    chance_bot = chance_gold = 0  # summed over all draws
    for run in runs:
        gold = [i for i, m in enumerate(run.group.messages) if m.moderation]
        hb, hg = align(run.bot_after, gold)
        hit_bot += hb
        hit_gold += hg
        bot_total += len(run.bot_after)
        gold_total += len(gold)
        n = len(run.group.messages)
        messages += n
        for k, v in run.interventions.items():
            kinds[k] = kinds.get(k, 0) + v
        k = min(len(run.bot_after), n)
        for _ in range(draws):
            fake = sorted(rng.sample(range(n), k)) if n else []
            fb, fg = align(fake, gold)
            chance_bot += fb
            chance_gold += fg
    rate = [len(r.bot_after) / max(1, len(r.group.messages)) for r in runs]
    own = [sum(m.moderation for m in r.group.messages) / max(1, len(r.group.messages))
           for r in runs]
    final = [r.group.final_performance for r in runs]
    gain = [r.group.gain for r in runs]
    precision, recall = ratio(hit_bot, bot_total), ratio(hit_gold, gold_total)
    order = sorted(range(len(runs)), key=lambda i: rate[i])
    third = len(order) // 3

    def mean_of(idx: list[int], values: list[float]) -> float:
        return sum(values[i] for i in idx) / len(idx) if idx else 0.0

    return {
        "groups": len(runs),
        "messages": messages,
        "moderation_messages": gold_total,
        "bot_moments": bot_total,
        "interventions": dict(sorted(kinds.items(), key=lambda kv: -kv[1])),
        "llm_calls": sum(r.llm_calls for r in runs),
        "window": WINDOW,
        "precision": precision,
        "recall": recall,
        "chance_precision": ratio(chance_bot, bot_total * draws),
        "chance_recall": ratio(chance_gold, gold_total * draws),
        "performance_field": "team_performance: mean over members of the share of the four "
                             "cards their submitted solution classifies correctly; final = "
                             "last row, gain = final - initial (INITIAL row)",
        "mean_final_performance": sum(final) / len(final) if final else 0.0,
        "mean_gain": sum(gain) / len(gain) if gain else 0.0,
        "correlation": {
            "bot_rate_vs_final": _corr(rate, final),
            "bot_rate_vs_gain": _corr(rate, gain),
            "members_moderation_rate_vs_gain": _corr(own, gain),
        },
        "terciles_by_bot_rate": {
            "low": {"mean_rate": mean_of(order[:third], rate),
                    "mean_final": mean_of(order[:third], final),
                    "mean_gain": mean_of(order[:third], gain)},
            "high": {"mean_rate": mean_of(order[-third:], rate),
                     "mean_final": mean_of(order[-third:], final),
                     "mean_gain": mean_of(order[-third:], gain)},
        } if third else {},
    }


def _corr(x: list[float], y: list[float]) -> dict[str, float]:
    return {"pearson": pearson(x, y), "spearman": spearman(x, y),
            "spearman_p": permutation_p(ranks(x), ranks(y), stat=pearson, rounds=1000)
            if len(x) > 3 else 1.0,
            "n": float(len(x))}


async def evaluate_deli(engine: Engine, folder: Path, *, limit: int | None = None,
                        progress: Any = None, more: tuple[str, ...] = (),
                        sample: int = 0, part: str = "tune", seed: int = 11) -> dict[str, Any]:
    """`more`: moves turned on in every group; `sample`: turns drawn from the `part` half for
    blind judging (`seed`)."""
    groups = load_corpus(folder, limit)
    runs = []
    for i, group in enumerate(groups):
        runs.append(await replay_group(engine, group, more))
        if progress is not None:
            progress(i + 1, len(groups))
    out = summarize_runs(runs)
    out["corpus"] = str(folder)
    out["more"] = list(more)
    out["turns_by_part"] = {half: sum(len(r.turns) for r in runs if r.part == half)
                            for half in ("tune", "report")}
    out["sample"] = draw_turns(runs, part, sample, seed)
    out["seed"] = seed
    return out


KIND_OF_ROOM = ("small-group online deliberation (2-6 people solving a logic puzzle together, "
                "the Wason card task, who must each submit an answer)")


def write_blind(folder: Path, report: dict[str, Any], command: str) -> Path:
    """The drawn turns as a judge may see them (JUDGING.md): the six messages before each
    and the bot's text, nothing else; the key (room, move, reason) stays in the JSON."""
    turns = [{"id": t["id"], "before": t["before"], "bot": t["bot"]} for t in report["sample"]]
    return write_blind_file(folder / "sample-deli.json",
                            {"kind_of_room": KIND_OF_ROOM, "seed": report.get("seed"),
                             "verdicts": list(VERDICTS), "turns": turns}, command)
