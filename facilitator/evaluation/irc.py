"""`facilitator eval irc`: the bot's judgment on a real support channel nobody here wrote.

The data are 153 hour-long excerpts of the Ubuntu help channel on IRC (replay format, one room
per excerpt) and the human-annotated reply links of the IRC disentanglement corpus
(Kummerfeld et al. 2019): `{room: {message id: [ids of the earlier messages it replies to]}}`.
Each room is fed through the engine event by event, as recorded; the bot's would-be turns count
toward its own budget and cooldowns (the engine records them) but the humans carry on as logged.
The links never reach the bot: they are only the answer key.

Definitions (all positions are indexes in the room's event list; the bot "speaks at i" when
`engine.handle(event i)` decides to speak, so its words come right after event i):

messages
    Events of kind `message` (the channel's own bots included, as in the issue's figures).
bot turns per 100 messages
    100 × bot turns / messages, overall and per intervention.
reply
    A later message whose gold link list contains the message's id, written by someone other
    than its author (a line linked to the same author's earlier line continues it; it does not
    answer it).
invitations to non-posters
    `invite_quiet` turns where someone in `decision.to` had not posted a message in the room at
    or before position i. `invitations_to_recent` counts those whose target wrote one of the last
    five messages up to i (not quiet at all).
surfaced already answered
    `surface_question` turns whose `decision.ref` (the question's message id) had a reply at a
    position ≤ i.
questions (the yardstick's own reading, independent of the bot's so that it is a fair check)
    A human message of at least three words (after dropping a leading "nick:" or "nick,"
    addressee) that ends with "?" (trailing smileys and dots ignored), or opens like a question
    ("how", "what", "is there", "does anyone", "can I", "anyone know", …), or is a plain request
    for help ("can someone help", "I need help", "any idea why", "please help", …); see
    `looks_like_question`. Questions asked less than ten minutes before the room's last event
    are left out: the log cannot say whether they were answered in time.
unanswered 10 min, never surfaced
    Questions with no reply whose timestamp is within 600 s of the question, and no
    `surface_question` turn with `ref` equal to their id anywhere in the room.
opening questions
    The questions whose own gold links point to no one else's message: new requests to the
    channel (a helper's "did you try X?" inside a thread is a question too, but not one of these).
addressed
    Messages the bot's name addresses (`@name`, or the IRC habit "name:" / "name," at the
    start); `addressed_answered` counts those on which the bot spoke.

The TUNE / REPORT split is fixed by room name in `irc_split.json` (86 / 67 rooms, drawn by
SHA-256 of the name); rooms not listed there fall back to the same hash rule. Tune on TUNE only.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from facilitator.config import Settings
from facilitator.engine import Engine, PatientHandler
from facilitator.evaluation.wikitactics import shared_data_dir
from facilitator.events import ChatEvent, EventKind
from facilitator.memory.store import RoomStore
from facilitator.sim.transcript import BadLine, read_transcript

TRAIN = "ubuntu-irc-train.jsonl"
SPLIT_FILE = Path(__file__).with_name("irc_split.json")
TUNE_SHARE = 0.6
UNANSWERED_AFTER_S = 600.0
CONTEXT_MESSAGES = 5
RECENT_MESSAGES = 5
Split = Literal["tune", "report", "all"]
SPLITS: tuple[Split, ...] = ("tune", "report", "all")

_ADDRESSEE = re.compile(r"^\s*[\w\[\]\\`^{}|.-]{1,32}\s*[:,]\s+")
_TRAILING = re.compile(r"(\s*(:-?[()pdDP/\\|]|;-?\)|\^\^|[.!~…]+))+\s*$")
_QUESTION_OPENING = re.compile(
    r"^(who|whom|whose|what|what's|whats|when|where|why|how|which|"
    r"is there|are there|is it possible|is anyone|is anybody|is somebody|is someone|"
    r"(does|do|did|can|could|would|will|has|have|should) (any|some)(one|body)|"
    r"any ?(one|body)|some ?(one|body) (know|knows|here|familiar|able|help)|"
    r"(can|could|may|should|shall|do|does|how do) i\b|"
    r"(is|are|does|do|did|can|could|will|would|should) (it|this|that|there|my|the|ubuntu|you)\b)",
    re.I)
_REQUEST = re.compile(
    r"\b(can|could|would|will) (some|any) ?(one|body) (please )?(help|tell|explain|point|show)|"
    r"\b(i|we) (really )?need (some )?help\b|\bhelp me\b|\bplease help\b|\bneed (some )?help\b|"
    r"\bany (idea|ideas|clue|clues|hint|hints|pointers|suggestions)\b|"
    r"\b(some|any) ?(one|body) (know|knows|knew) (how|why|what|where|if|whether|of)\b|"
    r"\bi (was )?wonder(ing)? (how|why|what|where|if|whether)\b",
    re.I)


def looks_like_question(text: str) -> bool:
    """The yardstick's question test; deliberately not the bot's own reading (see module doc)."""
    body = _ADDRESSEE.sub("", text.strip(), count=1).strip()
    if len(body.split()) < 3:
        return False
    bare = _TRAILING.sub("", body)
    return bare.endswith("?") or bool(_QUESTION_OPENING.match(body) or _REQUEST.search(body))


def is_addressed(event: ChatEvent, bot_name: str) -> bool:
    if event.addressed:
        return True
    head = event.text.lstrip().lower()
    name = bot_name.lower()
    return head.startswith((f"{name}:", f"{name},"))


# ---------------------------------------------------------------- split


def hash_split(room_name: str) -> Literal["tune", "report"]:
    """The rule the committed split was drawn with; also the fallback for unlisted rooms."""
    bucket = int(hashlib.sha256(room_name.encode("utf-8")).hexdigest()[:8], 16) / 0x1_0000_0000
    return "tune" if bucket < TUNE_SHARE else "report"


class SplitFile(BaseModel):
    rule: str
    tune: list[str]
    report: list[str]


def load_split(path: Path = SPLIT_FILE) -> dict[str, Literal["tune", "report"]]:
    data = SplitFile.model_validate_json(path.read_text(encoding="utf-8"))
    split: dict[str, Literal["tune", "report"]] = {name: "tune" for name in data.tune}
    split.update({name: "report" for name in data.report})
    return split


def split_of(room_name: str, fixed: Mapping[str, Literal["tune", "report"]]) -> Literal["tune", "report"]:
    return fixed.get(room_name) or hash_split(room_name)


# ---------------------------------------------------------------- data


def resolve_paths(data: Path | None, links: Path | None,
                  shared: Path | None = None) -> tuple[Path, Path]:
    """(transcript, links) from --data (a file or a folder), --links, or the shared data folder."""
    path = data if data is not None else shared_data_dir(shared)
    transcript = path / TRAIN if path.is_dir() else path
    gold = links if links is not None else transcript.with_name(
        transcript.name.removesuffix(".jsonl") + ".links.json")
    for needed in (transcript, gold):
        if not needed.is_file():
            raise FileNotFoundError(
                f"{needed} not found: pass --data PATH (the .jsonl) and --links PATH (its "
                ".links.json), or set FACILITATOR_SHARED_DATA to the shared data folder")
    return transcript, gold


@dataclass(slots=True)
class Corpus:
    rooms: dict[str, list[ChatEvent]]  # room name -> events in file order
    bad_lines: int = 0
    repeated_ids: int = 0
    problems: list[str] = field(default_factory=list)  # the first few, for the reader


def load_corpus(path: Path, bot_name: str) -> Corpus:
    corpus = Corpus(rooms={})
    seen: set[tuple[str, str]] = set()
    for item in read_transcript(path, bot_name):
        if isinstance(item, BadLine):
            corpus.bad_lines += 1
            if len(corpus.problems) < 20:
                corpus.problems.append(str(item))
            continue
        key = (item.room.channel, item.id)
        if key in seen:
            # The engine would drop it as a duplicate delivery; scoring it twice would lie.
            corpus.repeated_ids += 1
            continue
        seen.add(key)
        corpus.rooms.setdefault(item.room.channel, []).append(item)
    return corpus


def load_links(path: Path) -> tuple[dict[str, dict[str, list[str]]], int]:
    """Room -> {message id -> earlier ids it replies to}, and how many entries were unusable."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:  # JSON and UTF-8 errors alike
        raise ValueError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a JSON object of rooms")
    links: dict[str, dict[str, list[str]]] = {}
    bad = 0
    for room_name, entries in raw.items():
        if not isinstance(entries, dict):
            bad += 1
            continue
        table: dict[str, list[str]] = {}
        for message, targets in entries.items():
            if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
                bad += 1
                continue
            table[str(message)] = targets
        links[str(room_name)] = table
    return links, bad


# ---------------------------------------------------------------- running the bot


@dataclass(frozen=True, slots=True)
class WouldBeTurn:
    """One would-be bot turn: the decision taken on the event at `position`."""

    position: int
    event_id: str
    intervention: str
    to: tuple[str, ...] = ()
    ref: str | None = None
    text: str = ""
    reason: str = ""
    react: str | None = None  # the lighter form: an emoji's name on the message `react_to`
    react_to: str | None = None


def build_engine(store: RoomStore, settings: Settings) -> Engine:
    """The one place the evaluated policy is built (an `--llm` option would change `settings`)."""
    from facilitator.policies.policy import build_policy

    return Engine(store, build_policy(settings), bot_id=settings.bot_name,
                    attack_read=settings.attack_read)


async def run_room(engine: Engine, events: list[ChatEvent]) -> tuple[list[WouldBeTurn], int]:
    """The room's events in order through the engine; (turns, events the engine failed on)."""
    turns: list[WouldBeTurn] = []
    errors = 0
    handle = PatientHandler(engine)
    for position, event in enumerate(events):
        outcome = await handle(event)
        errors += outcome.error is not None
        d = outcome.decision
        if d.speak and d.intervention is not None:
            turns.append(WouldBeTurn(position, event.id, d.intervention.value, tuple(d.to), d.ref,
                                     d.text or "", d.reason, d.react, d.react_to))
    return turns, errors


async def run_rooms(engine: Engine, rooms: Mapping[str, list[ChatEvent]],
                    *, jobs: int = 4) -> dict[str, tuple[list[WouldBeTurn], int]]:
    """Rooms side by side (each in order): they share nothing, so the result is the same."""
    gate = asyncio.Semaphore(max(1, jobs))
    results: dict[str, tuple[list[WouldBeTurn], int]] = {}

    async def one(name: str) -> None:
        async with gate:
            results[name] = await run_room(engine, list(rooms[name]))

    await asyncio.gather(*(one(name) for name in rooms))
    return {name: results[name] for name in rooms}


# ---------------------------------------------------------------- scoring


COUNT_KEYS = ("events", "messages", "bot_turns", "invitations", "invitations_to_non_posters",
              "invitations_to_recent", "surfaced", "surfaced_already_answered",
              "surfaced_never_answered", "questions", "questions_unanswered_10min",
              "questions_unanswered_10min_surfaced", "questions_unanswered_never_surfaced",
              "opening_questions", "opening_questions_unanswered_10min",
              "opening_questions_never_surfaced",
              "addressed", "addressed_answered", "deescalations", "declined", "engine_errors")


def score_room(events: list[ChatEvent], turns: Iterable[WouldBeTurn], links: Mapping[str, list[str]],
               *, bot_name: str = "facilitator") -> dict[str, Any]:
    """Every figure for one room, from its events, the bot's turns and the gold links."""
    turns = sorted(turns, key=lambda t: t.position)
    position = {e.id: i for i, e in enumerate(events)}
    author = {e.id: e.author.id for e in events}
    # message id -> positions of the replies it got (by someone other than its author)
    replies: dict[str, list[int]] = {}
    for message, targets in links.items():
        at = position.get(message)
        if at is None:
            continue
        for target in dict.fromkeys(targets):
            if target in author and author[target] != author[message]:
                replies.setdefault(target, []).append(at)
    for found in replies.values():
        found.sort()

    is_message = [e.kind == EventKind.MESSAGE for e in events]
    first_post: dict[str, int] = {}
    for i, e in enumerate(events):
        if is_message[i]:
            first_post.setdefault(e.author.id, i)
    message_positions = [i for i, ok in enumerate(is_message) if ok]

    def answered_by(question: str, at: int) -> bool:
        return any(r <= at for r in replies.get(question, ()))

    def recent_authors(at: int) -> set[str]:
        upto = [i for i in message_positions if i <= at][-RECENT_MESSAGES:]
        return {events[i].author.id for i in upto}

    counts: Counter[str] = Counter()
    by_intervention: Counter[str] = Counter()
    surfaced_refs: set[str] = set()
    flags: list[dict[str, bool]] = []  # per turn, in order, for the sample
    for t in turns:
        by_intervention[t.intervention] += 1
        flag: dict[str, bool] = {}
        if t.intervention == "invite_quiet":
            counts["invitations"] += 1
            never = any(first_post.get(m, len(events)) > t.position for m in t.to)
            recent = bool(set(t.to) & recent_authors(t.position))
            counts["invitations_to_non_posters"] += never
            counts["invitations_to_recent"] += recent
            flag = {"to_non_poster": never, "to_recent_speaker": recent}
        elif t.intervention == "surface_question":
            counts["surfaced"] += 1
            already = t.ref is not None and answered_by(t.ref, t.position)
            ever = t.ref is not None and bool(replies.get(t.ref))
            counts["surfaced_already_answered"] += already
            counts["surfaced_never_answered"] += not ever
            if t.ref is not None:
                surfaced_refs.add(t.ref)
            flag = {"already_answered": already, "answered_in_log": ever}
        elif t.intervention == "deescalate":
            counts["deescalations"] += 1
        elif t.intervention == "decline_capture":
            counts["declined"] += 1
        flags.append(flag)

    spoke_at = {t.position for t in turns}
    end_ts = max((e.ts for e in events), default=0.0)
    for i, e in enumerate(events):
        if not is_message[i] or e.author.is_bot:
            continue
        if is_addressed(e, bot_name):
            counts["addressed"] += 1
            counts["addressed_answered"] += i in spoke_at
        if e.ts + UNANSWERED_AFTER_S > end_ts or not looks_like_question(e.text):
            continue
        # Replies to nobody else: a new request to the channel, not a turn inside a thread.
        opening = all(author.get(t, e.author.id) == e.author.id for t in links.get(e.id, ()))
        counts["questions"] += 1
        counts["opening_questions"] += opening
        in_time = any(events[r].ts <= e.ts + UNANSWERED_AFTER_S for r in replies.get(e.id, ()))
        if not in_time:
            counts["questions_unanswered_10min"] += 1
            counts["opening_questions_unanswered_10min"] += opening
            if e.id in surfaced_refs:
                counts["questions_unanswered_10min_surfaced"] += 1
            else:
                counts["questions_unanswered_never_surfaced"] += 1
                counts["opening_questions_never_surfaced"] += opening

    counts["events"] = len(events)
    counts["messages"] = len(message_positions)
    counts["bot_turns"] = len(turns)
    return {"counts": {k: counts[k] for k in COUNT_KEYS},
            "by_intervention": dict(sorted(by_intervention.items())),
            "turn_flags": flags}


def summarize(counts: Mapping[str, int], by_intervention: Mapping[str, int]) -> dict[str, Any]:
    """Counts plus the rates a reader compares (per 100 messages, shares)."""
    messages = counts["messages"]

    def per100(n: int) -> float:
        return round(100.0 * n / messages, 2) if messages else 0.0

    def share(n: int, of: int) -> float | None:
        return round(n / of, 3) if of else None

    return {
        **{k: counts[k] for k in COUNT_KEYS},
        "turns_per_100": per100(counts["bot_turns"]),
        "by_intervention": dict(sorted(by_intervention.items())),
        "by_intervention_per_100": {k: per100(v) for k, v in sorted(by_intervention.items())},
        "share_invitations_to_non_posters": share(counts["invitations_to_non_posters"],
                                                  counts["invitations"]),
        "share_surfaced_already_answered": share(counts["surfaced_already_answered"],
                                                 counts["surfaced"]),
        "share_questions_unanswered_never_surfaced": share(
            counts["questions_unanswered_never_surfaced"], counts["questions_unanswered_10min"]),
    }


def _context(events: list[ChatEvent], at: int) -> list[str]:
    lines: list[str] = []
    for e in reversed(events[:at + 1]):
        if e.kind == EventKind.MESSAGE:
            lines.append(f"{e.author.display}: {e.text}")
            if len(lines) == CONTEXT_MESSAGES:
                break
    return lines[::-1]


def pick_sample(rooms: Mapping[str, tuple[list[ChatEvent], list[WouldBeTurn], list[dict[str, bool]]]],
                n: int, parts: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """N turns spread evenly over all turns (rooms by name, turns in order): deterministic."""
    every = [(name, t, flag) for name in sorted(rooms)
             for t, flag in zip(rooms[name][1], rooms[name][2], strict=True)]
    if n <= 0 or not every:
        return []
    chosen = sorted({int((k + 0.5) * len(every) / n) for k in range(min(n, len(every)))})
    sample: list[dict[str, Any]] = []
    for index in chosen:
        name, t, flag = every[index]
        events = rooms[name][0]
        by_id = {e.id: e for e in events}
        item: dict[str, Any] = {
            "room": name, "split": (parts or {}).get(name), "event": t.event_id,
            "position": t.position,
            "intervention": t.intervention, "to": list(t.to), "ref": t.ref,
            "text": t.text, "reason": t.reason, "before": _context(events, t.position), **flag}
        if t.ref in by_id:
            ref = by_id[t.ref]
            item["ref_text"] = f"{ref.author.display}: {ref.text}"
        sample.append(item)
    return sample


# ---------------------------------------------------------------- the whole evaluation


async def evaluate_irc(engine: Engine, corpus: Corpus, links: Mapping[str, Mapping[str, list[str]]],
                       *, split: Split = "all", rooms: int | None = None,
                       limit: int | None = None, sample: int = 25, jobs: int = 4,
                       bot_name: str = "facilitator",
                       fixed_split: Mapping[str, Literal["tune", "report"]] | None = None,
                       ) -> dict[str, Any]:
    fixed = load_split() if fixed_split is None else fixed_split
    names = sorted(n for n in corpus.rooms if split == "all" or split_of(n, fixed) == split)
    if rooms is not None:
        # The first N of each part, so that a quick run still shows both.
        chosen: list[str] = []
        for part in ("tune", "report"):
            chosen += [n for n in names if split_of(n, fixed) == part][:rooms]
        names = sorted(chosen)
    selected = {n: corpus.rooms[n][:limit] if limit else corpus.rooms[n] for n in names}
    ran = await run_rooms(engine, selected, jobs=jobs)

    per_room: dict[str, Any] = {}
    parts: dict[str, tuple[Counter[str], Counter[str], int]] = {}
    for_sample: dict[str, tuple[list[ChatEvent], list[WouldBeTurn], list[dict[str, bool]]]] = {}
    for name in names:
        turns, errors = ran[name]
        scored = score_room(selected[name], turns, links.get(name, {}), bot_name=bot_name)
        scored["counts"]["engine_errors"] = errors
        part = split_of(name, fixed)
        per_room[name] = {"split": part, **summarize(scored["counts"], scored["by_intervention"])}
        for key in (part, "all"):
            counts, interventions, n = parts.get(key, (Counter(), Counter(), 0))
            counts.update(scored["counts"])
            interventions.update(scored["by_intervention"])
            parts[key] = (counts, interventions, n + 1)
        for_sample[name] = (selected[name], turns, scored["turn_flags"])

    overall = {key: {"rooms": parts[key][2], **summarize(parts[key][0], parts[key][1])}
               for key in SPLITS if key in parts}
    return {
        "split": split,
        "overall": overall,
        "rooms": per_room,
        "sample": pick_sample(for_sample, sample, {n: r["split"] for n, r in per_room.items()}),
        "bad_lines": corpus.bad_lines,
        "repeated_ids": corpus.repeated_ids,
        "problems": corpus.problems,
        "rooms_without_links": sorted(n for n in names if n not in links),
        "question_window_s": UNANSWERED_AFTER_S,
    }


def split_file_text(room_names: Iterable[str]) -> str:
    """The committed split, regenerated from the rule (kept for a new copy of the data)."""
    names = sorted(set(room_names))
    return json.dumps({
        "rule": f"sha256(room name)[:8] / 2**32 < {TUNE_SHARE} -> tune, else report",
        "tune": [n for n in names if hash_split(n) == "tune"],
        "report": [n for n in names if hash_split(n) == "report"],
    }, indent=1) + "\n"



# ---------------------------------------------------------------- the readable report


OVERALL_ROWS = (
    ("rooms", "rooms"),
    ("messages", "messages"),
    ("bot_turns", "bot turns"),
    ("turns_per_100", "bot turns per 100 messages"),
    ("invitations", "invitations (invite_quiet)"),
    ("invitations_to_non_posters", "  … to someone who had not posted"),
    ("invitations_to_recent", "  … to someone among the last 5 speakers"),
    ("surfaced", "surfaced questions"),
    ("surfaced_already_answered", "  … already answered (gold) before the bot spoke"),
    ("surfaced_never_answered", "  … never answered in the log"),
    ("questions", "questions (yardstick's reading)"),
    ("questions_unanswered_10min", "  … no reply within 10 min"),
    ("questions_unanswered_10min_surfaced", "  … of those, surfaced by the bot"),
    ("questions_unanswered_never_surfaced", "  … of those, never surfaced"),
    ("opening_questions", "questions opening a thread (reply to no one)"),
    ("opening_questions_unanswered_10min", "  … no reply within 10 min"),
    ("opening_questions_never_surfaced", "  … of those, never surfaced"),
    ("addressed", "messages addressed to the bot"),
    ("addressed_answered", "  … the bot spoke on"),
    ("deescalations", "de-escalations"),
    ("declined", "declined requests (decline_capture)"),
    ("engine_errors", "engine errors"),
)


def print_irc(console: Any, report: Mapping[str, Any], *, sample: bool) -> None:
    from rich.markup import escape
    from rich.table import Table

    rooms = Table(title="Ubuntu IRC · per room", title_style="bold",
                  caption="/100: bot turns per 100 messages · inv: invitations, new: to someone "
                          "who had not posted · surf: surfaced questions, done: already answered "
                          "· Qs: questions, open: no reply in 10 min, lost: of those never "
                          "surfaced")
    for head in ("room", "part", "msgs", "/100", "inv", "new", "surf", "done", "Qs", "open",
                 "lost"):
        if head == "room":
            rooms.add_column(head, no_wrap=True, min_width=22)
        else:
            rooms.add_column(head, justify="left" if head == "part" else "right")
    for name, r in report["rooms"].items():
        rooms.add_row(name, r["split"], str(r["messages"]), f"{r['turns_per_100']:.1f}",
                      str(r["invitations"]), str(r["invitations_to_non_posters"]),
                      str(r["surfaced"]), str(r["surfaced_already_answered"]),
                      str(r["questions"]), str(r["questions_unanswered_10min"]),
                      str(r["questions_unanswered_never_surfaced"]))
    console.print(rooms)

    overall = report["overall"]
    parts = [p for p in SPLITS if p in overall]
    table = Table(title=f"Ubuntu IRC · policy {report.get('policy', '?')} · TUNE rooms are for "
                        "tuning, REPORT rooms only for reporting", title_style="bold")
    table.add_column("figure")
    for part in parts:
        table.add_column(part.upper(), justify="right")
    for key, label in OVERALL_ROWS:
        table.add_row(label, *(_cell(overall[p][key]) for p in parts))
    kinds = sorted({k for p in parts for k in overall[p]["by_intervention"]})
    for kind in kinds:
        table.add_row(f"{kind} per 100 messages",
                      *(f"{overall[p]['by_intervention_per_100'].get(kind, 0.0):.2f}"
                        for p in parts))
    console.print(table)
    if sample:
        for n, item in enumerate(report["sample"], start=1):
            console.print(f"\n[bold]#{n} {escape(item['room'])} ({item['split']}) @ "
                          f"{escape(item['event'])}[/bold] · "
                          f"{item['intervention']} → {escape(', '.join(item['to']) or '—')}")
            for line in item["before"]:
                console.print(f"    {line}", markup=False)
            if "ref_text" in item:
                console.print(f"    (about) {item['ref_text']}", markup=False)
            flags = [k.replace("_", " ") for k in ("to_non_poster", "to_recent_speaker",
                                                   "already_answered") if item.get(k)]
            console.print(f"  BOT: {item['text']}", markup=False)
            console.print(f"  [dim]why: {escape(item['reason'])}"
                          + (f" · {', '.join(flags)}" if flags else "") + "[/dim]")
    console.print(f"[dim]{report.get('bad_lines', 0)} bad lines, "
                  f"{report.get('repeated_ids', 0)} repeated ids skipped · "
                  f"{report.get('seconds', 0)} s[/dim]")


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
