"""Running one CP-SAT search, stoppable by the thread's ``planner.stop.StopSignal``.

Every search of the scheduler goes through ``run``. A signal that arrives while the
search runs stops it at once (``stop_search``); one that arrives between the search being
registered and CP-SAT starting it (when ``stop_search`` has nothing to stop yet) is seen
at the search's next solution, by ``SearchCallback``, which every search has.
"""

from __future__ import annotations

from typing import Any

from ortools.sat.python import cp_model

from planner.stop import StopSignal, active


class SearchCallback(cp_model.CpSolverSolutionCallback):
    """A solution callback that stops the search once the thread's signal asks;
    subclasses add their own work in ``on_solution``."""

    def __init__(self) -> None:
        super().__init__()
        self.signal: StopSignal | None = active()  # made in the solving thread

    def on_solution_callback(self) -> None:
        if self.signal is not None and self.signal.requested:
            self.stop_search()
            return
        self.on_solution()

    def on_solution(self) -> None:
        """Each solution found (nothing by default)."""


def run(
    solver: cp_model.CpSolver, model: cp_model.CpModel, callback: SearchCallback | None = None
) -> Any:
    """``solver.solve(model, callback)``, stopped when this thread's signal asks. Raises
    ``planner.stop.Stopped`` instead of returning a stopped search's status."""
    signal = active()
    if signal is None:
        return solver.solve(model, callback)
    signal.start(solver)
    try:
        status = solver.solve(model, callback or SearchCallback())
    finally:
        signal.end(solver)
    return status
