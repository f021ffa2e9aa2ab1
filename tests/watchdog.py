"""Tell why a test hangs: shortly before pytest-timeout fails it, dump every thread and every
pending asyncio task to stderr.

pytest-timeout's signal method fails the test and lets the suite go on, but it shows the
stacks of threads only; a hung asyncio test sits in `select` with the real culprit parked in
some task. The tasks are found through the garbage collector because another thread cannot
ask a running loop for them.
"""

from __future__ import annotations

import asyncio
import faulthandler
import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Seconds before the test's timeout at which the dump is written.
LEAD_S = 3.0


def dump_tasks() -> None:
    out = sys.__stderr__
    if out is None:
        return
    tasks = [o for o in gc.get_objects() if isinstance(o, asyncio.Task) and not o.done()]
    print(f"\n+++ {len(tasks)} pending asyncio task(s) +++", file=out)
    for task in tasks:
        print(f"--- {task.get_name()}: {task.get_coro()!r}", file=out)
        try:
            for frame in task.get_stack():
                code = frame.f_code
                print(f"    {code.co_filename}:{frame.f_lineno} in {code.co_name}", file=out)
        except Exception as exc:  # a task changing under us: the rest of the dump still helps
            print(f"    (stack unavailable: {exc})", file=out)
    out.flush()


def dump_all(nodeid: str) -> None:
    out = sys.__stderr__
    if out is None:
        return
    print(f"\n+++ {nodeid} is about to time out: every thread +++", file=out)
    out.flush()
    faulthandler.dump_traceback(file=out, all_threads=True)
    dump_tasks()


@contextmanager
def watching(nodeid: str, timeout_s: float) -> Iterator[None]:
    if timeout_s <= 0:
        yield
        return
    timer = threading.Timer(max(0.5, timeout_s - LEAD_S), dump_all, args=(nodeid,))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
