"""Every text the bot would post over the real corpora's REPORT parts is well formed (issue 19,
item 6): no fragment, no member's name as a topic, no piece of a word, no cut or disfluent
quote. Each failure is printed (`pytest -s`) with its room, event and reasons.

The smallest parts (GitHub threads, WikiTactics disputes) run by default; the others are
`slow`, in chunks that fit the per-test time limit.
"""

from __future__ import annotations

import pytest

from facilitator.config import Settings
from facilitator.evaluation.irc import build_engine
from facilitator.evaluation.real import DATA_FILES
from facilitator.evaluation.wording import WordingReport, check_wording, report_rooms
from facilitator.memory.store import RoomStore
from tests.conftest import SHARED_DATA

FAST = ("github", "wikitactics")
# The other kinds, in this many chunks each (every n-th room): each chunk runs well within the
# 120 s limit per test on a busy 2-core machine.
SLOW = {"irc": 5, "slack": 2, "committee": 1, "product": 4, "academic": 3}


def _present(kind: str) -> bool:
    return any((SHARED_DATA / d.file).is_file() for d in DATA_FILES if kind in d.kinds)


def _chunk(kind: str, index: int, of: int) -> dict[str, list]:
    rooms = report_rooms(SHARED_DATA, kind)
    names = list(rooms)
    return {n: rooms[n] for n in names[index::of]}


async def _check(store: RoomStore, settings: Settings, kind: str,
                 rooms: dict[str, list]) -> WordingReport:
    report = await check_wording(build_engine(store, settings), rooms, kind=kind)
    print(f"\n{kind}: {len(rooms)} rooms, {report.turns} bot turns, {report.texts} texts, "
          f"{report.reactions} reactions alone, {len(report.failures)} not well formed")
    for failure in report.failures:
        print(failure)
    return report


@pytest.mark.parametrize("kind", FAST)
async def test_every_bot_text_on_the_smallest_report_parts_is_well_formed(
        kind: str, store: RoomStore, settings: Settings) -> None:
    if not _present(kind):
        pytest.skip(f"real-data set absent for {kind} ({SHARED_DATA} is not checked out)")
    report = await _check(store, settings, kind, report_rooms(SHARED_DATA, kind))
    assert report.turns > 0
    assert not report.failures, "\n".join(map(str, report.failures))


@pytest.mark.slow
@pytest.mark.parametrize("kind, index", [(k, i) for k, n in SLOW.items() for i in range(n)])
async def test_every_bot_text_on_the_other_report_parts_is_well_formed(
        kind: str, index: int, store: RoomStore, settings: Settings) -> None:
    if not _present(kind):
        pytest.skip(f"real-data set absent for {kind} ({SHARED_DATA} is not checked out)")
    rooms = _chunk(kind, index, SLOW[kind])
    report = await _check(store, settings, kind, rooms)
    assert not report.failures, "\n".join(map(str, report.failures))
