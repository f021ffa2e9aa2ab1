"""`facilitator eval real`: the bot on every kind of real room in ../shared/data, move by move.

Seven kinds of room, from six files (the data README describes each): a busy help channel
(Ubuntu IRC, `irc`), a developer community's Slack channel (`slack`), parliamentary committee
sittings (`committee`), AMI product-design meetings (`product`), ICSI research meetings
(`academic`), heated GitHub threads (`github`) and Wikipedia talk-page disputes
(`wikitactics`). Every room is fed through the engine event by event, as recorded, by the same
loop as `eval irc` (`irc.run_rooms`: one `engine.handle` per event, as `facilitator replay`
does); the bot's would-be turns count toward its own budget and cooldowns, the humans carry on
as logged. The label files never reach the bot: they are only the answer key.

Every figure is per kind of room and, where it says so, per move (intervention name). A turn
"at position p" is the bot's decision on event p: its words come right after event p.

messages
    Events of kind `message` (IRC's channel bots included, as in `eval irc`).
turns per 100 messages
    100 × bot turns / messages, overall and per move.
surfaced question taken up
    A `surface_question` turn whose `ref` (the question's message id) had been taken up at a
    position ≤ p, by the kind's rule:
    - irc: a reply link (ubuntu-irc-train.links.json) from a message by another author;
    - slack: a later message by another author in the same conversation
      (slack-racket-train.threads.json);
    - committee, product, academic, github, wikitactics (no reply structure): the next message
      by another speaker after the question. In a meeting nearly every question is followed by
      someone else's turn, so this is an upper bound on "taken up" (see `TAKE_UP_RULES`).
de-escalation after a civil comment
    A `deescalate` turn whose last message up to p is civil: GitHub, a comment labelled "None"
    (a comment with no label is counted apart as unlabelled, not as civil); WikiTactics, an
    utterance with no DH0/DH1 rebuttal label (every utterance there is annotated). Other kinds
    carry no such labels: null.
attack answered
    An attack comment (GitHub: Insulting, Mocking, Threat, Identity attack/Name-Calling;
    WikiTactics: DH0 name calling, DH1 ad hominem) at position i is answered when a
    `deescalate` turn comes at i or after one of the next `ANSWER_WITHIN` (3) messages.
answer framed as mutual
    The first answering turn addresses two or more members (`decision.to`), or its words speak
    to both sides or the whole group ("both of you", "each of you", "between A and B",
    "everyone", "step back", see `MUTUAL_WORDS`). An answer to the attacker alone that names
    the target ("a personal attack on Bob") is not mutual.
near the chair
    Meetings with a chair (meetings-train.roles.json: `chair` and `acting_chairs`): a turn is
    near the chair when a chair wrote one of the `CHAIR_WINDOW` (3) messages up to and
    including p, or one of the 3 messages after p (`after_chair`: the first half only). Academic
    meetings have no formal chair; other kinds have no chair signal: null.
kind of room read
    The kind the bot read from each room's traffic (memory/trackers/kind.py), as a share of
    the corpus's messages read as each kind, beside the kind a human would expect of that
    corpus (`EXPECTED_KIND`); never from the room's name or the corpus.
chair recognised
    Meetings with a chair label: a room's labelled chair (or acting chair) recognised at some
    point by memory/trackers/kind.py is a hit, another member recognised is a false
    alarm; academic meetings have no formal chair, so every member recognised there is a
    false alarm. Precision and recall over rooms.
process moves with a chair
    Turns of a process move (policies/defaults.py `PROCESS`) in meetings with a chair label.
sample
    `--sample N` turns per kind, drawn with a fixed seed (`SAMPLE_SEED`) from that kind's turns,
    each with the `CONTEXT_MESSAGES` (6) messages up to and including p.

Tune on the TUNE part only; report on the REPORT part (`real_split.part_of`).
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from facilitator.evaluation.irc import WouldBeTurn, load_corpus, load_links, run_rooms
from facilitator.evaluation.real_split import KINDS, PARTS, kind_of, part_of
from facilitator.events import ChatEvent, EventKind
from facilitator.policies.defaults import MOVES, PROCESS

ANSWER_WITHIN = 3
CHAIR_WINDOW = 3
CONTEXT_MESSAGES = 6
SAMPLE_SEED = 19
DEFAULT_SAMPLE = 5  # per kind, in the JSON when --sample is not given
SPLITS = ("tune", "report", "all")

TAKE_UP_RULES = {
    "irc": "reply link from another author",
    "slack": "later message by another author in the same conversation",
    "committee": "next turn by another speaker",
    "product": "next turn by another speaker",
    "academic": "next turn by another speaker",
    "github": "next comment by another author",
    "wikitactics": "next utterance by another author",
}
GITHUB_ATTACKS = ("insulting", "mocking", "threat", "identity attack")
WIKI_ATTACKS = ("DH0", "DH1")
MUTUAL_WORDS = re.compile(
    r"\b(both of you|you both|both sides|each of you|you two|the two of you|each other|"
    r"between .{1,60}? and \S|every(one|body)|all of you|all of us|let's all|we all|y'?all|"
    r"step back)", re.I)
CHAIRED_KINDS = ("committee", "product")
MEETING_KINDS = ("committee", "product", "academic")
# The kind of room a human would call each corpus (issue 19 item 3); academic meetings have
# no formal chair, so a small team's meeting.
EXPECTED_KIND = {"irc": "help_channel", "slack": "community", "committee": "chaired_meeting",
                 "product": "chaired_meeting", "academic": "small_team",
                 "github": "issue_thread", "wikitactics": "deliberation"}
ROOM_KINDS = ("forming", "help_channel", "community", "issue_thread", "chaired_meeting",
              "small_team", "deliberation")


@dataclass(frozen=True, slots=True)
class DataFile:
    name: str
    file: str
    kinds: tuple[str, ...]


DATA_FILES = (
    DataFile("ubuntu-irc", "ubuntu-irc-train.jsonl", ("irc",)),
    DataFile("slack-racket", "slack-racket-train.jsonl", ("slack",)),
    DataFile("meetings", "meetings-train.jsonl", ("committee", "product")),
    DataFile("meetings-academic", "meetings-academic-train.jsonl", ("academic",)),
    DataFile("github-heated", "github-heated-train.jsonl", ("github",)),
    DataFile("wikitactics", "wikitactics-train.jsonl", ("wikitactics",)),
)
CORPUS_NAMES = {**{k: (k,) for k in KINDS}, "meetings": ("committee", "product", "academic")}


# ---------------------------------------------------------------- the answer key of one room


@dataclass(slots=True)
class RoomTruth:
    """What the labels say about one room; only the fields its kind has are filled."""

    kind: str
    links: Mapping[str, Sequence[str]] | None = None  # irc: message -> earlier ids it replies to
    threads: Mapping[str, str] | None = None  # slack: message -> conversation id
    labels: Mapping[str, Sequence[str]] | None = None  # github / wikitactics: message -> labels
    chairs: frozenset[str] | None = None  # meetings: chair ids (empty: no formal chair)


def is_attack(kind: str, labels: Sequence[str]) -> bool:
    if kind == "github":
        return any(label.lower().startswith(GITHUB_ATTACKS) for label in labels)
    if kind == "wikitactics":
        return any(label.startswith(WIKI_ATTACKS) for label in labels)
    return False


def civility(truth: RoomTruth, message_id: str) -> str | None:
    """"civil", "uncivil", "unlabelled", or None when the kind has no civility labels."""
    if truth.labels is None:
        return None
    labels = truth.labels.get(message_id)
    if truth.kind == "github":
        if labels is None:
            return "unlabelled"
        return "civil" if list(labels) == ["None"] else "uncivil"
    # WikiTactics: every utterance is annotated; no DH0/DH1 label is civil.
    return "uncivil" if is_attack(truth.kind, labels or ()) else "civil"


def is_message(event: ChatEvent) -> bool:
    return event.kind == EventKind.MESSAGE


def taken_up_at(events: Sequence[ChatEvent], truth: RoomTruth) -> dict[str, int]:
    """Message id -> the first position at which someone else took it up (kind's rule)."""
    first: dict[str, int] = {}
    author = {e.id: e.author.id for e in events if is_message(e)}
    if truth.kind == "irc":
        links = truth.links or {}
        for p, e in enumerate(events):
            if not is_message(e):
                continue
            for target in links.get(e.id, ()):
                if target in author and author[target] != e.author.id:
                    first.setdefault(target, p)
        return first
    if truth.kind == "slack":
        threads = truth.threads or {}
        by_thread: dict[str, list[int]] = {}
        for p, e in enumerate(events):
            if is_message(e) and e.id in threads:
                by_thread.setdefault(threads[e.id], []).append(p)
        groups: Iterable[list[int]] = by_thread.values()
    else:
        groups = [[p for p, e in enumerate(events) if is_message(e)]]
    for positions in groups:
        for n, p in enumerate(positions):
            who = events[p].author.id
            later = next((q for q in positions[n + 1:] if events[q].author.id != who), None)
            if later is not None:
                first[events[p].id] = later
    return first


def _is_attack_answer(reason: str) -> bool:
    return "made it personal" in reason


def framed_as_mutual(turn: WouldBeTurn) -> bool:
    return len(set(turn.to)) >= 2 or bool(MUTUAL_WORDS.search(turn.text))


# ---------------------------------------------------------------- scoring one room


def score_room(events: Sequence[ChatEvent], turns: Iterable[WouldBeTurn],
               truth: RoomTruth) -> dict[str, Any]:
    """Counts for one room (summed over rooms later) and one flag dict per turn, in order."""
    turns = sorted(turns, key=lambda t: t.position)
    messages = [p for p, e in enumerate(events) if is_message(e)]
    rank = {p: n for n, p in enumerate(messages)}  # position -> index among messages

    def last_message_at(p: int) -> int | None:
        while p >= 0 and p not in rank:
            p -= 1
        return p if p >= 0 else None

    counts: Counter[str] = Counter(messages=len(messages), bot_turns=len(turns),
                                   events=len(events))
    moves: Counter[str] = Counter(t.intervention for t in turns)
    near_chair: Counter[str] = Counter()
    after_chair: Counter[str] = Counter()
    flags: list[dict[str, Any]] = []
    taken = taken_up_at(events, truth)
    chairs = truth.chairs or frozenset()
    for t in turns:
        flag: dict[str, Any] = {}
        last = last_message_at(t.position)
        if chairs and (t.intervention in PROCESS or (
                t.intervention == "deescalate" and not _is_attack_answer(t.reason))):
            counts["process_turns_with_chair"] += 1
        if t.intervention == "surface_question":
            counts["surfaced"] += 1
            up = t.ref is not None and taken.get(t.ref, len(events)) <= t.position
            counts["surfaced_taken_up"] += up
            flag["taken_up"] = up
        if t.intervention == "deescalate" and last is not None:
            counts["deescalations"] += 1
            said = civility(truth, events[last].id)
            if said is not None:
                counts[f"deescalations_after_{said}"] += 1
                flag["after"] = said
        if chairs and last is not None:
            k = rank[last]
            before = {events[q].author.id for q in messages[max(0, k - CHAIR_WINDOW + 1):k + 1]}
            after = {events[q].author.id for q in messages[k + 1:k + 1 + CHAIR_WINDOW]}
            flag["after_chair"] = bool(before & chairs)
            flag["near_chair"] = bool((before | after) & chairs)
            after_chair[t.intervention] += flag["after_chair"]
            near_chair[t.intervention] += flag["near_chair"]
        flags.append(flag)

    attacks_by_label: dict[str, list[int]] = {}
    if truth.labels is not None:
        deescalations = [t for t in turns if t.intervention == "deescalate"]
        for p in messages:
            labels = list(truth.labels.get(events[p].id, ()))
            if not is_attack(truth.kind, labels):
                continue
            k = rank[p]
            end = messages[min(k + ANSWER_WITHIN, len(messages) - 1)]
            answer = next((t for t in deescalations if p <= t.position <= end), None)
            counts["attacks"] += 1
            counts["attacks_answered"] += answer is not None
            counts["attacks_answered_mutual"] += answer is not None and framed_as_mutual(answer)
            for label in labels:
                if is_attack(truth.kind, [label]):
                    row = attacks_by_label.setdefault(label, [0, 0])
                    row[0] += 1
                    row[1] += answer is not None
    return {"counts": counts, "moves": moves, "near_chair": near_chair,
            "after_chair": after_chair, "attacks_by_label": attacks_by_label, "flags": flags}


# ---------------------------------------------------------------- summing up one kind


@dataclass(slots=True)
class Tally:
    rooms: int = 0
    chaired_rooms: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    moves: Counter[str] = field(default_factory=Counter)
    near_chair: Counter[str] = field(default_factory=Counter)
    after_chair: Counter[str] = field(default_factory=Counter)
    attacks_by_label: dict[str, list[int]] = field(default_factory=dict)
    kinds_read: Counter[str] = field(default_factory=Counter)  # messages read as each kind
    chair: Counter[str] = field(default_factory=Counter)  # tp / fp / fn over rooms

    def add(self, scored: Mapping[str, Any], truth: RoomTruth) -> None:
        self.rooms += 1
        self.chaired_rooms += bool(truth.chairs)
        self.kinds_read.update(scored.get("kinds_read", {}))
        self.chair.update(scored.get("chair", {}))
        for name in ("counts", "moves", "near_chair", "after_chair"):
            getattr(self, name).update(scored[name])
        for label, (n, answered) in scored["attacks_by_label"].items():
            row = self.attacks_by_label.setdefault(label, [0, 0])
            row[0] += n
            row[1] += answered


def _share(n: int, of: int) -> float | None:
    return round(n / of, 3) if of else None


def summarize(kind: str, tally: Tally) -> dict[str, Any]:
    c = tally.counts
    messages = c["messages"]

    def per100(n: int) -> float:
        return round(100.0 * n / messages, 2) if messages else 0.0

    labelled = kind in ("github", "wikitactics")
    chaired = kind in CHAIRED_KINDS and tally.chaired_rooms > 0
    moves = {}
    for move, n in sorted(tally.moves.items()):
        row: dict[str, Any] = {"turns": n, "per_100": per100(n)}
        if chaired:
            row.update(near_chair=tally.near_chair[move], after_chair=tally.after_chair[move])
        moves[move] = row
    return {
        "rooms": tally.rooms, "events": c["events"], "messages": messages,
        "bot_turns": c["bot_turns"], "turns_per_100": per100(c["bot_turns"]), "moves": moves,
        "surfaced": c["surfaced"], "surfaced_taken_up": c["surfaced_taken_up"],
        "share_surfaced_taken_up": _share(c["surfaced_taken_up"], c["surfaced"]),
        "taken_up_rule": TAKE_UP_RULES.get(kind),
        "deescalations": c["deescalations"],
        "deescalations_after_civil": c["deescalations_after_civil"] if labelled else None,
        "deescalations_after_unlabelled": (c["deescalations_after_unlabelled"]
                                           if kind == "github" else None),
        "share_deescalations_after_civil": (_share(c["deescalations_after_civil"],
                                                   c["deescalations"]) if labelled else None),
        "attacks": c["attacks"] if labelled else None,
        "attacks_answered": c["attacks_answered"] if labelled else None,
        "share_attacks_answered": _share(c["attacks_answered"], c["attacks"]) if labelled else None,
        "attacks_answered_mutual": c["attacks_answered_mutual"] if labelled else None,
        "attacks_by_label": ({k: {"attacks": v[0], "answered": v[1]}
                              for k, v in sorted(tally.attacks_by_label.items())}
                             if labelled else None),
        "chaired_rooms": tally.chaired_rooms if kind in CHAIRED_KINDS else None,
        "turns_near_chair": sum(tally.near_chair.values()) if chaired else None,
        "turns_after_chair": sum(tally.after_chair.values()) if chaired else None,
        "share_turns_near_chair": (_share(sum(tally.near_chair.values()), c["bot_turns"])
                                   if chaired else None),
        "process_turns_with_chair": (c["process_turns_with_chair"]
                                     if kind in CHAIRED_KINDS and tally.chaired_rooms else None),
        "expected_kind": EXPECTED_KIND.get(kind),
        "kinds_read": {k: _share(tally.kinds_read[k], sum(tally.kinds_read.values()))
                       for k in ROOM_KINDS if tally.kinds_read[k]},
        "share_read_as_expected": _share(tally.kinds_read[EXPECTED_KIND.get(kind, "")],
                                         sum(tally.kinds_read.values())),
        "chair_recognised": ({**dict(tally.chair),
                              "precision": _share(tally.chair["tp"],
                                                  tally.chair["tp"] + tally.chair["fp"]),
                              "recall": _share(tally.chair["tp"],
                                               tally.chair["tp"] + tally.chair["fn"])}
                             if kind in MEETING_KINDS else None),
        "engine_errors": c["engine_errors"],
    }


# ---------------------------------------------------------------- loading


def load_labels(folder: Path, data: DataFile) -> dict[str, Any]:
    """The answer key of one data file: {room: RoomTruth fields}; missing label files -> {}."""
    def read(name: str) -> Any:
        path = folder / name
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    stem = data.file.removesuffix(".jsonl")
    if data.name == "ubuntu-irc":
        path = folder / f"{stem}.links.json"
        return {"links": load_links(path)[0] if path.is_file() else {}}
    if data.name == "slack-racket":
        return {"threads": read(f"{stem}.threads.json") or {}}
    if data.name.startswith("meetings"):
        return {"roles": read("meetings-train.roles.json") or {}}
    if data.name == "github-heated":
        return {"labels": read(f"{stem}.labels.json") or {}}
    if data.name == "wikitactics":
        labels: dict[str, list[str]] = {}
        with (folder / data.file).open(encoding="utf-8") as handle:
            for raw in handle:
                try:
                    row = json.loads(raw)
                    labels[str(row["id"])] = [str(x) for x in row.get("rebuttal_labels") or []]
                except (ValueError, KeyError, TypeError):
                    continue  # the transcript reader reports bad lines
        return {"labels": labels}
    return {}


def room_truth(room_name: str, events: Sequence[ChatEvent], key: Mapping[str, Any]) -> RoomTruth:
    kind = kind_of(room_name) or "unknown"
    if "links" in key:
        return RoomTruth(kind, links=key["links"].get(room_name, {}))
    if "threads" in key:
        return RoomTruth(kind, threads=key["threads"].get(room_name, {}))
    if "roles" in key:
        role = key["roles"].get(room_name) or {}
        chairs = [role.get("chair"), *(role.get("acting_chairs") or [])]
        return RoomTruth(kind, chairs=frozenset(c for c in chairs if c))
    if "labels" in key:
        ids = {e.id for e in events}
        return RoomTruth(kind, labels={i: v for i, v in key["labels"].items() if i in ids})
    return RoomTruth(kind)


# ---------------------------------------------------------------- the sample


def context(events: Sequence[ChatEvent], at: int, n: int = CONTEXT_MESSAGES) -> list[str]:
    lines: list[str] = []
    for e in reversed(events[:at + 1]):
        if is_message(e):
            lines.append(f"{e.author.display}: {e.text}")
            if len(lines) == n:
                break
    return lines[::-1]


def pick_sample(kind: str, turns: Sequence[tuple[str, WouldBeTurn, dict[str, Any]]], n: int,
                events: Mapping[str, Sequence[ChatEvent]], *,
                seed: int = SAMPLE_SEED) -> list[dict[str, Any]]:
    """N of a kind's turns (rooms by name, turns in order), drawn with a fixed seed."""
    if n <= 0 or not turns:
        return []
    chosen = sorted(random.Random(f"{seed}:{kind}").sample(range(len(turns)),
                                                            min(n, len(turns))))
    out = []
    for i in chosen:
        room_name, t, flag = turns[i]
        out.append({"kind": kind, "room": room_name, "part": part_of(room_name), "event": t.event_id,
                    "before": context(events[room_name], t.position), "text": t.text,
                    "reaction": reaction_seen(t, events[room_name]),
                    "intervention": t.intervention, "to": list(t.to), "ref": t.ref,
                    "reason": t.reason, **flag})
    return out


EMOJI = {"eyes": "👀", "white_check_mark": "✅"}


def reaction_seen(turn: WouldBeTurn, events: Sequence[ChatEvent]) -> str | None:
    """A reaction as the room sees it, for a reader of the sample: the mark and the message
    it lands on (a reaction alone has no text, and a judge must see what the bot did)."""
    if turn.react is None:
        return None
    on = next((e for e in events if e.id == turn.react_to), None)
    where = f"{on.author.display}'s message \"{on.text}\"" if on is not None else "a message"
    return f"[reacts {EMOJI.get(turn.react, turn.react)} on {where}]"


def room_sees(item: Mapping[str, Any]) -> str:
    """A sampled turn as the room sees it: the reaction, the message, or both."""
    return "\n".join(x for x in (item.get("reaction"), item["text"]) if x)


# ---------------------------------------------------------------- the bot's read of a room


async def room_read(engine: Any, events: Sequence[ChatEvent], truth: RoomTruth) -> dict[str, Any]:
    """What the room's final state says: messages read as each kind, members recognised as
    chair, and the chair hits and false alarms against the labels (meetings only)."""
    state = await engine.store.get(events[0].room.key) if events else None
    seen = dict(state.traffic.seen) if state is not None else {}
    chairs = list(state.traffic.chairs) if state is not None else []
    chair: dict[str, int] = {}
    if truth.kind in MEETING_KINDS:
        labelled = truth.chairs or frozenset()
        hit = any(c in labelled for c in chairs)
        chair = {"tp": int(hit), "fp": sum(c not in labelled for c in chairs),
                 "fn": int(bool(labelled) and not hit)}
    return {"kinds_read": seen, "chairs_recognised": chairs, "chair": chair}


# ---------------------------------------------------------------- the blind sample


def blind_sample(report: Mapping[str, Any], part: str = "report") -> dict[str, dict[str, Any]]:
    """Per kind: the sample as a judge may see it (JUDGING.md): the six messages before each
    turn and the bot's text, nothing else; items keep an id (kind-n) to join the key."""
    out: dict[str, dict[str, Any]] = {}
    seed = report.get("windows", {}).get("sample_seed", SAMPLE_SEED)
    for item in report["sample"]:
        if item["part"] != part:
            continue
        kind = item["kind"]
        entry = out.setdefault(kind, {
            "kind_of_room": KIND_LABELS.get(kind, kind), "seed": seed,
            "verdicts": list(VERDICTS), "turns": []})
        entry["turns"].append({"id": item.get("id") or f"{kind}-{len(entry['turns']) + 1}",
                               "before": item["before"], "bot": room_sees(item)})
    return out


KIND_LABELS = {"irc": "busy help channel (IRC)", "slack": "developer community chat (Slack)",
               "committee": "chaired meeting (parliamentary committee)",
               "product": "product meeting (design team)",
               "academic": "small research team meeting", "github": "heated issue thread",
               "wikitactics": "small deliberation (talk page)"}


VERDICTS = ("HELPFUL", "NEUTRAL", "HARMFUL", "WRONG-MOMENT")  # JUDGING.md's four


def write_blind_file(path: Path, entry: Mapping[str, Any], command: str) -> Path:
    """One blind sample as a judge gets it: the kind of room, the seed, the verdicts to choose
    from, the turns (id, the messages before, the bot's text) and the command that drew it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**entry, "command": command}, indent=1, ensure_ascii=False)
                    + "\n", encoding="utf-8")
    return path


def write_blind(folder: Path, report: Mapping[str, Any], command: str) -> list[Path]:
    """The REPORT part's sample, or the TUNE part's when only TUNE rooms ran (a move is
    judged on TUNE rooms while it is tuned, and on REPORT rooms once, after)."""
    part = "tune" if report["split"] == "tune" else "report"
    return [write_blind_file(folder / f"sample-{kind}.json", entry, command)
            for kind, entry in blind_sample(report, part).items()]


# ---------------------------------------------------------------- the whole evaluation


def chosen_moves(names: Sequence[str]) -> tuple[str, ...]:
    """`--more` names, as `/facilitator more` takes them (comma-separated or repeated)."""
    moves = [v.strip() for name in names for v in name.split(",") if v.strip()]
    for move in moves:
        if move not in MOVES:
            raise ValueError(f"--more {move!r}: one of {', '.join(MOVES)}")
    return tuple(dict.fromkeys(moves))


async def ask_for_more(engine: Any, rooms: Mapping[str, Sequence[ChatEvent]],
                       more: Sequence[str]) -> None:
    """Every room's charter asks for `more` before its first event."""
    def turn_on(state: Any) -> None:
        state.charter.more = list(more)

    for events in rooms.values():
        if events:
            await engine.store.update(events[0].room.key, turn_on)


def chosen_kinds(names: Sequence[str] | None) -> tuple[str, ...]:
    if not names:
        return KINDS
    kinds: list[str] = []
    for name in names:
        for value in name.split(","):
            value = value.strip()
            if value not in CORPUS_NAMES:
                raise ValueError(f"--corpus {value!r}: one of {', '.join(CORPUS_NAMES)}")
            kinds += [k for k in CORPUS_NAMES[value] if k not in kinds]
    return tuple(k for k in KINDS if k in kinds)


async def evaluate_real(engine: Any, folder: Path, *, split: str = "report",
                        kinds: Sequence[str] = KINDS, rooms: int | None = None,
                        sample: int = DEFAULT_SAMPLE, jobs: int = 4,
                        bot_name: str = "facilitator", more: Sequence[str] = (),
                        seed: int = SAMPLE_SEED) -> dict[str, Any]:
    """`more`: moves every room has turned on, as `/facilitator more MOVE` would, so a move
    that is off by default can be measured and judged where it would be used."""
    parts = ("tune", "report", "all") if split == "all" else (split,)
    tallies: dict[str, dict[str, Tally]] = {p: {} for p in parts}
    per_room: dict[str, Any] = {}
    files: dict[str, Any] = {}
    samples: list[dict[str, Any]] = []
    missing: list[str] = []
    for data in DATA_FILES:
        wanted = [k for k in data.kinds if k in kinds]
        if not wanted:
            continue
        if not (folder / data.file).is_file():
            missing.append(data.file)
            continue
        started = time.perf_counter()
        corpus = load_corpus(folder / data.file, bot_name)
        key = load_labels(folder, data)
        info = {"file": data.file, "bad_lines": corpus.bad_lines,
                "repeated_ids": corpus.repeated_ids, "problems": corpus.problems,
                "load_seconds": round(time.perf_counter() - started, 1), "kinds": {}}
        for kind in wanted:
            names = sorted(n for n in corpus.rooms if kind_of(n) == kind
                           and (split == "all" or part_of(n) == split))
            if rooms is not None:  # a quick run: the first N rooms of each part
                names = sorted(n for p in ("tune", "report")
                               for n in [m for m in names if part_of(m) == p][:rooms])
            selected = {n: corpus.rooms[n] for n in names}
            if more:
                await ask_for_more(engine, selected, more)
            started, cpu = time.perf_counter(), time.process_time()
            ran = await run_rooms(engine, selected, jobs=jobs)
            # Wall time, and this process's CPU time (what one free core would take; the
            # store's server runs in its own process and is not counted).
            info["kinds"][kind] = {"rooms": len(names),
                                   "events": sum(len(v) for v in selected.values()),
                                   "seconds": round(time.perf_counter() - started, 1),
                                   "cpu_seconds": round(time.process_time() - cpu, 1)}
            for_sample: dict[str, list[tuple[str, WouldBeTurn, dict[str, Any]]]] = {}
            for name in names:
                turns, errors = ran[name]
                truth = room_truth(name, selected[name], key)
                scored = score_room(selected[name], turns, truth)
                scored["counts"]["engine_errors"] += errors
                read = await room_read(engine, selected[name], truth)
                scored.update(read)
                part = part_of(name)
                for p in (part, "all"):
                    if p in tallies:
                        tallies[p].setdefault(kind, Tally()).add(scored, truth)
                per_room[name] = {"kind": kind, "part": part,
                                  "messages": scored["counts"]["messages"],
                                  "bot_turns": len(turns),
                                  "moves": dict(sorted(scored["moves"].items())),
                                  "kinds_read": read["kinds_read"],
                                  "chairs_recognised": read["chairs_recognised"]}
                for_sample.setdefault(part, []).extend((name, t, f) for t, f in zip(
                    sorted(turns, key=lambda t: t.position), scored["flags"], strict=True))
            # Drawn per part: the REPORT draw of `--split all` is the draw of `--split report`.
            for part in PARTS:
                samples += pick_sample(kind, for_sample.get(part, []), sample, selected,
                                       seed=seed)
        files[data.name] = info
    numbered: Counter[tuple[str, str]] = Counter()
    for item in samples:  # the id a blind judge's verdict is joined back on
        numbered[item["kind"], item["part"]] += 1
        item["id"] = f"{item['kind']}-{numbered[item['kind'], item['part']]}"
    return {
        "split": split,
        "more": list(more),
        "parts": {p: {k: summarize(k, tallies[p][k]) for k in KINDS if k in tallies[p]}
                  for p in parts},
        "files": files,
        "missing_files": missing,
        "rooms": per_room,
        "sample": samples,
        "windows": {"answer_within_messages": ANSWER_WITHIN, "chair_window_messages":
                    CHAIR_WINDOW, "context_messages": CONTEXT_MESSAGES,
                    "sample_seed": seed},
    }


# ---------------------------------------------------------------- the readable report


def _cell(value: object, fmt: str = "{}") -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and fmt == "{}":
        return f"{value:.2f}"
    return fmt.format(value)


def _of(n: object, share: object) -> str:
    if n is None:
        return "—"
    return f"{n} ({share:.0%})" if isinstance(share, float) else str(n)


def table_rows(kinds: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, list[str]]]:
    """The per-kind table as (label, one cell per kind): the same rows on screen and in the
    README."""
    ks = list(kinds)

    def row(label: str, get: Any) -> tuple[str, list[str]]:
        return label, [get(kinds[k]) for k in ks]

    rows = [
        row("rooms", lambda r: str(r["rooms"])),
        row("messages", lambda r: f"{r['messages']:,}"),
        row("bot turns per 100 messages", lambda r: f"{r['turns_per_100']:.2f}"),
        row("surfaced questions / already taken up",
            lambda r: f"{r['surfaced']} / {_of(r['surfaced_taken_up'], r['share_surfaced_taken_up'])}"
            if r["surfaced"] else "0"),
        row("de-escalations / after a civil comment",
            lambda r: f"{r['deescalations']} / "
                      + _of(r["deescalations_after_civil"], r["share_deescalations_after_civil"])),
        row("attacks / answered / framed as mutual",
            lambda r: "—" if r["attacks"] is None else
            f"{r['attacks']} / {_of(r['attacks_answered'], r['share_attacks_answered'])} / "
            f"{r['attacks_answered_mutual']}"),
        row("turns within 3 messages of the chair",
            lambda r: "—" if r["turns_near_chair"] is None else
            f"{r['turns_near_chair']} of {r['bot_turns']}"),
    ]
    moves = sorted({m for r in kinds.values() for m in r["moves"]})
    for move in moves:
        rows.append(row(f"{move} per 100", lambda r, m=move: _cell(
            r["moves"].get(m, {}).get("per_100", 0.0), "{:.2f}")
            + (f" ({r['moves'][m]['near_chair']} near chair)"
               if "near_chair" in r["moves"].get(m, {}) and r["moves"][m]["near_chair"] else "")))
    rows.append(row("process moves in meetings with a chair",
                    lambda r: _cell(r.get("process_turns_with_chair"))))
    rows.append(row("messages read as the expected kind",
                    lambda r: "—" if r.get("share_read_as_expected") is None else
                    f"{r['share_read_as_expected']:.0%} ({r['expected_kind']})"))
    rows.append(row("chair recognised: precision / recall",
                    lambda r: "—" if not r.get("chair_recognised") else
                    f"{_cell(r['chair_recognised']['precision'], '{:.2f}')} / "
                    f"{_cell(r['chair_recognised']['recall'], '{:.2f}')}"))
    rows.append(row("engine errors", lambda r: str(r["engine_errors"])))
    return rows


def markdown_table(kinds: Mapping[str, Mapping[str, Any]], title: str) -> str:
    rows = table_rows(kinds)
    lines = [f"| {title} | " + " | ".join(kinds) + " |",
             "|---|" + "---|" * len(kinds)]
    lines += [f"| {label} | " + " | ".join(cells) + " |" for label, cells in rows]
    return "\n".join(lines) + "\n"


def confusion_rows(kinds: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, list[str]]]:
    """Corpus -> share of its messages read as each kind of room (the confusion table)."""
    rows = []
    for corpus, r in kinds.items():
        read = r.get("kinds_read") or {}
        rows.append((f"{corpus} (expected {r.get('expected_kind')})",
                     [f"{read[k]:.0%}" if read.get(k) else "·" for k in ROOM_KINDS]))
    return rows


def confusion_markdown(kinds: Mapping[str, Mapping[str, Any]], title: str) -> str:
    lines = [f"| {title} | " + " | ".join(ROOM_KINDS) + " |", "|---|" + "---|" * len(ROOM_KINDS)]
    lines += [f"| {label} | " + " | ".join(cells) + " |" for label, cells in confusion_rows(kinds)]
    return "\n".join(lines) + "\n"


def write_markdown(path: Path, report: Mapping[str, Any]) -> None:
    path.write_text("".join(markdown_table(kinds, f"{part.upper()} rooms") + "\n"
                            + confusion_markdown(kinds, f"{part.upper()}: messages read as")
                            + "\n"
                            for part, kinds in report["parts"].items() if kinds),
                    encoding="utf-8")


def print_real(console: Any, report: Mapping[str, Any], *, sample: bool) -> None:
    from rich.markup import escape
    from rich.table import Table

    for part, kinds in report["parts"].items():
        if not kinds:
            continue
        table = Table(title=f"eval real · {part.upper()} rooms · policy "
                            f"{report.get('policy', '?')}", title_style="bold")
        table.add_column("figure")
        for kind in kinds:
            table.add_column(kind, justify="right")
        for label, cells in table_rows(kinds):
            table.add_row(label, *cells)
        console.print(table)
        confusion = Table(title=f"kind of room read from the traffic · {part.upper()} rooms "
                                "(share of each corpus's messages)", title_style="bold")
        confusion.add_column("corpus")
        for kind in ROOM_KINDS:
            confusion.add_column(kind, justify="right")
        for label, cells in confusion_rows(kinds):
            confusion.add_row(label, *cells)
        console.print(confusion)
    for name, info in report["files"].items():
        timing = ", ".join(f"{k} {v['rooms']} rooms {v['events']:,} events {v['seconds']} s "
                           f"({v['cpu_seconds']} s CPU)" for k, v in info["kinds"].items())
        console.print(f"[dim]{name}: load {info['load_seconds']} s; {timing}; "
                      f"{info['bad_lines']} bad lines[/dim]")
    for missing in report.get("missing_files", []):
        console.print(f"[yellow]{missing} not found: skipped[/yellow]")
    if sample:
        for n, item in enumerate(report["sample"], start=1):
            console.print(f"\n[bold]#{n} {item['kind']} · {escape(item['room'])} "
                          f"({item['part']}) @ {escape(item['event'])}[/bold]")
            for line in item["before"]:
                console.print(f"    {line}", markup=False)
            console.print(f"  BOT: {room_sees(item)}", markup=False)
            flags = [k.replace("_", " ") for k in ("taken_up", "near_chair") if item.get(k)]
            if item.get("after"):
                flags.append(f"after a {item['after']} comment")
            console.print(f"  [dim]{item['intervention']} · {escape(item['reason'])}"
                          + (f" · {', '.join(flags)}" if flags else "") + "[/dim]")
    console.print(f"[dim]{report.get('seconds', 0)} s[/dim]")
