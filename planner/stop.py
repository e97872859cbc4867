"""Stopping a solve: from another thread (the terminal UI's "cancel the re-plan" key), or
when its time limit is reached.

A ``StopSignal`` is made active for the solves of one thread (``with signal.watching():``);
every CP-SAT search those solves start goes through ``planner.schedule.search.run``,
which the signal can stop at once (``CpSolver.stop_search``). A search asked to stop ends
the whole solve with ``Stopped``: a stopped search's plan is never used. This module
does not load ortools: the UI thread makes signals.

A solve's time limit counts everything it does, building its models as well as the
searches (``planner --time-limit``): ``within(seconds)`` sets the deadline of this thread's
solves (an inner one never extends an outer one), and the long loops that build models
call ``check()``, which raises ``Stopped`` when asked to stop and ``OutOfTime`` past the
deadline.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ortools.sat.python import cp_model


class Stopped(Exception):
    """The solve was asked to stop before it finished."""


class OutOfTime(Exception):
    """The solve's time limit was reached (while building a model: before any search)."""


_active: ContextVar[StopSignal | None] = ContextVar("planner_stop_signal", default=None)


class StopSignal:
    """Asks the solves it watches to stop; ``request`` may be called from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requested = False
        self._searching: list[cp_model.CpSolver] = []

    @property
    def requested(self) -> bool:
        return self._requested

    def request(self) -> None:
        with self._lock:
            self._requested = True
            searching = list(self._searching)
        for solver in searching:
            solver.stop_search()

    @contextmanager
    def watching(self) -> Iterator[StopSignal]:
        """Make this signal the one that stops this thread's solves."""
        token = _active.set(self)
        try:
            yield self
        finally:
            _active.reset(token)

    def start(self, solver: cp_model.CpSolver) -> None:
        with self._lock:
            if self._requested:
                raise Stopped
            self._searching.append(solver)

    def end(self, solver: cp_model.CpSolver) -> None:
        with self._lock:
            self._searching.remove(solver)
        if self._requested:
            raise Stopped


def active() -> StopSignal | None:
    """The signal watching this thread's solves, if any."""
    return _active.get()


_deadline: ContextVar[float | None] = ContextVar("planner_deadline", default=None)


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """This thread's solves end within ``seconds`` from now (or sooner, inside another
    ``within``)."""
    deadline = time.perf_counter() + seconds
    outer = _deadline.get()
    token = _deadline.set(deadline if outer is None else min(outer, deadline))
    try:
        yield
    finally:
        _deadline.reset(token)


def left() -> float | None:
    """Seconds before this thread's deadline (None: no deadline)."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.perf_counter()


def check() -> None:
    """Raise ``Stopped`` when this thread's solves are asked to stop, ``OutOfTime`` when
    their deadline has passed; cheap enough for every turn of a model-building loop."""
    signal = _active.get()
    if signal is not None and signal.requested:
        raise Stopped
    deadline = _deadline.get()
    if deadline is not None and time.perf_counter() > deadline:
        raise OutOfTime
