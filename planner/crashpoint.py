"""Named points between the steps of a write, where the kill tests stop the program.

Every multi-step write (a visit and its plan, an output folder) calls ``reached(name)``
between its steps. Normally that costs one look at the environment. The reliability
tests set:

- ``PLANNER_CRASH_AT=NAME[,NAME…]``: the process kills itself (SIGKILL, as ``kill -9``
  would) on reaching one of these points;
- ``PLANNER_PAUSE_AT=NAME``: the process stops there until it is killed, or, with
  ``PLANNER_RESUME_FILE=PATH``, until that file exists;
- ``PLANNER_TRACE_FD=N``: the name of every point reached is written to file
  descriptor N, one a line, so a harness can kill the process at a moment of its choice
  inside a window (``bench/reliability.py``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import time

POINTS = (
    "pair.begin",  # a write of a visit or its plan starts (the files were read)
    "pair.staged",  # the new files are written and synced beside their targets, not checked
    "pair.journaled",  # the journal naming them is in place; no target replaced yet
    "pair.half",  # the first target is replaced, the second not yet
    "pair.renamed",  # every target is replaced; the journal is still there
    "tree.begin",  # an output folder starts being written
    "tree.staged",  # the new folder is complete beside the old one
    "tree.half",  # (without an atomic exchange) the old folder is moved aside, the new not in
    "tree.swapped",  # the new folder is in place; the old one is not removed yet
)


def reached(name: str) -> None:
    """Mark that the program reached ``name`` (see the module's text)."""
    env = os.environ
    if "PLANNER_TRACE_FD" in env:
        with contextlib.suppress(OSError, ValueError):
            os.write(int(env["PLANNER_TRACE_FD"]), f"{name}\n".encode())
    crash = env.get("PLANNER_CRASH_AT")
    if crash and name in crash.split(","):
        os.kill(os.getpid(), signal.SIGKILL)
    if env.get("PLANNER_PAUSE_AT") == name:
        resume = env.get("PLANNER_RESUME_FILE")
        while not (resume and os.path.exists(resume)):  # until killed, or told to go on
            time.sleep(0.01 if resume else 3600)
