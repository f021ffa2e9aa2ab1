"""Microseconds per message the questions tracker spends closing questions, rules vs model.

Replays IRC report rooms; on each message in a busy channel, times `questions._close` on a
copy of the state as it stands before the message (the copy is made outside the timing).

    python scripts/bench_replies.py [--data ../shared/data/ubuntu-irc-train.jsonl] [--rooms 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    from facilitator.evaluation.irc_split import irc_split
    from facilitator.evaluation.reply_eval import BOT_ID, load_rooms
    from facilitator.events import EventKind
    from facilitator.memory.state import RoomState
    from facilitator.memory.trackers import apply_event, questions
    from facilitator.reading.message import read_message
    from facilitator.reading.replies import shipped_model

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path,
                        default=REPO.parent / "shared" / "data" / "ubuntu-irc-train.jsonl")
    parser.add_argument("--rooms", type=int, default=20)
    args = parser.parse_args(argv)
    rooms = load_rooms(args.data)
    names = sorted(r for r in rooms if irc_split(r) == "report")[: args.rooms]
    for label, model in (("rules alone", None), ("with the model", shipped_model())):
        spent = 0.0
        timed = 0
        open_counts: list[int] = []
        with questions.reply_model(model):
            for name in names:
                state = RoomState(room=name)
                for event in rooms[name]:
                    human = event.kind == EventKind.MESSAGE and event.is_human
                    read = read_message(state, event, bot_id=BOT_ID) if human else None
                    if read is not None and state.rolling.shape == "channel":
                        copy = state.model_copy(deep=True)
                        open_counts.append(sum(q.answered_by is None for q in copy.questions))
                        start = time.perf_counter()
                        questions._close(copy, event, read)
                        spent += time.perf_counter() - start
                        timed += 1
                    apply_event(state, event, bot_id=BOT_ID, read=read)
        print(f"{label}: {spent / max(1, timed) * 1e6:.1f} µs per message over {timed} messages "
              f"in a busy channel (open questions: mean {statistics.mean(open_counts or [0]):.1f})")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
