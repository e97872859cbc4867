"""Stopping a solve from another thread: the terminal UI's "cancel the re-plan" key.

A ``StopSignal`` is made active for the solves of one thread (``with signal.watching():``);
every CP-SAT search those solves start goes through ``planner.schedule.search.run``,
which the signal can stop at once (``CpSolver.stop_search``). A search asked to stop ends
the whole solve with ``Stopped``: a stopped search's plan is never used. This module
does not load ortools: the UI thread makes signals.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ortools.sat.python import cp_model


class Stopped(Exception):
    """The solve was asked to stop before it finished."""


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
