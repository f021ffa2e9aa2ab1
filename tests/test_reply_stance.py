"""The reply-stance reader (reading/stance.py): a second look, for the telling only, at replies
the decision record's strict read leaves unplaced, when a late joiner asks what was decided."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from facilitator.engine import Engine
from facilitator.events import RoomRef
from facilitator.memory.store import RoomStore
from facilitator.policies.policy import FacilitatorPolicy
from facilitator.policies.readout import proposals_in_talk, read_as_yes
from facilitator.reading.stance import LABELS_PATH, reply_stance, shipped_stance
from tests.helpers import msg, room_with
from tests.test_fitted_readers import _script

DATA = Path(__file__).with_name("data")


def placed(rows: list[tuple[str, str]]) -> tuple[int, int]:
    """(replies the reader places as yes or no, of them placed against their label)."""
    said = [(reply_stance(text), label) for text, label in rows]
    wrong = sum(1 for s, label in said if s and label != ("yes" if s > 0 else "no"))
    return sum(1 for s, _ in said if s), wrong


def test_the_shipped_weights_read_three_stances_and_abstain_below_a_fitted_bar() -> None:
    weights = shipped_stance()
    assert sorted(weights.classes) == ["no", "unclear", "yes"]
    assert 0.5 <= weights.threshold < 1.0
    assert len(weights.weights[0]) == 512


@pytest.mark.parametrize("text", ["", "   ", "👍👍", "?!", "x" * 5000, "\ud800", None])
def test_any_text_gets_a_stance_or_none_never_an_error(text: str) -> None:
    assert reply_stance(text) in (-1, 0, 1)


def test_on_replies_written_for_this_check_it_places_none_wrongly() -> None:
    """Never fitted on: 150 replies to proposals in five languages, written for this check
    and labelled by their writer and a second reader (alike on all 150). Measured: 22 of the
    125 with a stance placed, none wrongly — few, but a wrong one would tell a member's no as
    a yes."""
    rows = [json.loads(x) for x in (DATA / "reply_stance_fresh.jsonl").read_text(
        encoding="utf-8").splitlines()]
    n, wrong = placed([(r["reply"], r["stance"]) for r in rows
                       if r["stance"] == r["second_reader"]])
    assert n >= 20 and wrong == 0, (n, wrong)


def test_on_the_later_batches_replies_it_places_half_and_few_wrongly() -> None:
    """Batches 20-29 (not fitted on; only 1-19 are): measured 115 of 241 replies with a
    stance placed, 4 wrongly (one backwards, three unclear replies placed)."""
    labels = json.loads(LABELS_PATH.read_text(encoding="utf-8"))
    rows = []
    for key, label in labels.items():
        name, line, index = key.rsplit(":", 2)
        batch = re.fullmatch(r"fresh_requests_(\d+)\.jsonl", name)
        if batch and int(batch.group(1)) >= 20:
            item = json.loads((DATA / name).read_text(encoding="utf-8").splitlines()[int(line) - 1])
            rows.append((item["before"][int(index)][1], label))
    assert len(rows) == 279
    n, wrong = placed(rows)
    assert n >= 110 and wrong <= 4, (n, wrong)


def test_a_late_joiner_hears_a_yes_the_records_read_left_unplaced() -> None:
    # Written for this test: no cue of the record's read says yes here, so the answer told
    # Bob's reply as unclear before the second look.
    state = room_with(msg("r", "ann", "Shall we move the quiz night to the back room?", id="p"),
                      msg("r", "bob", "honestly that sounds great to me", id="2"),
                      msg("r", "cy", "@facilitator what was decided?", id="3"))
    proposal = state.proposals[0]
    assert proposal.supporters == [] and proposal.unclear == []  # the record is unchanged
    told = proposals_in_talk(state)
    assert "Bob said yes" in told and "isn't clear" not in told, told


def test_a_reply_that_asks_stays_unclear() -> None:
    state = room_with(msg("r", "ann", "Shall we move the quiz night to the back room?", id="p"),
                      msg("r", "bob", "hm, and who pays for it?", id="2"),
                      msg("r", "cy", "@facilitator what was decided?", id="3"))
    told = proposals_in_talk(state)
    assert "Bob" in told and "isn't clear" in told, told


async def test_asked_to_note_it_the_bot_says_the_yes_it_read_and_asks_for_a_plain_one(
        store: RoomStore) -> None:
    # Found by hand at stop 41: the late joiner heard "Bob said yes" and, a line later, the
    # proposer asking to note it heard "nobody besides Ann has agreed".
    engine = Engine(store, FacilitatorPolicy())
    lines = [("ann", "Shall we move the quiz night to the back room?"),
             ("bob", "honestly that sounds great to me"),
             ("cy", "@facilitator what was decided?"),
             ("ann", "@facilitator then please note it as decided")]
    for n, (who, text) in enumerate(lines):
        out = await engine.handle(msg("note-room", who, text, id=f"m{n}", ts=1000.0 + n))
        if n == 2:
            assert "Bob said yes" in (out.decision.text or ""), out.decision.text
    said = out.decision.text or ""
    assert "nobody besides" not in said and "only" not in said, said
    assert "yes in the reply from Bob" in said and "clear yes" in said, said
    state = await store.get(RoomRef.local("note-room").key)
    assert state is not None and state.decisions == []  # the record still needs a plain yes


def test_asked_to_note_it_a_listening_noise_is_not_told_as_a_yes_to_confirm() -> None:
    for reply, told in (("Ajá.", []), ("honestly that sounds great to me", ["bob"])):
        state = room_with(
            msg("r", "ann", "Propongo que cambiemos la reunión al miércoles.", id="p"),
            msg("r", "bob", reply, id="2"),
            msg("r", "ann", "@facilitator anótalo como decidido, porfa", id="3"))
        assert state.proposals[0].supporters == []
        assert read_as_yes(state, state.proposals[0]) == told, reply


def test_a_reply_that_sides_with_another_member_is_not_placed_by_the_second_look() -> None:
    # Written for this test: Bob agrees with Dan, who objected; the reader alone takes the
    # agreeing for a yes to the proposal (it sees no referent).
    bob = "dan hat recht, sehe ich auch so"
    assert reply_stance(bob) == 1
    state = room_with(msg("r", "ann", "Sollen wir den Quizabend ins Hinterzimmer verlegen?",
                          id="p"),
                      msg("r", "dan", "nein, das Hinterzimmer hat keine Heizung", id="2"),
                      msg("r", "bob", bob, id="3"),
                      msg("r", "cy", "@facilitator what was decided?", id="4"))
    assert state.proposals[0].supporters == []
    told = proposals_in_talk(state)
    assert "Bob said yes" not in told and "Bob" in told, told


@pytest.mark.train
@pytest.mark.timeout(900)  # embeds DeliData's labelled messages and fits 20 models: minutes
def test_train_reply_stance_check_reproduces_the_shipped_weights() -> None:
    # Without DeliData installed the script stops with how to get it (CorpusMissing): a
    # failure that says what to install, not a skip.
    assert _script("train_reply_stance").main(["--check"]) == 0
