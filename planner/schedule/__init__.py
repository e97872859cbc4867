"""The scheduler: visits to plans with OR-Tools CP-SAT, explanations when no plan exists,
and edits that change as little as possible. Importing this package loads ortools; the
CLI imports it only for the verbs that solve."""

from planner.schedule.explain import Explanation, explain
from planner.schedule.solve import SolveOutcome, solve, terminal_progress

__all__ = ["Explanation", "SolveOutcome", "explain", "solve", "terminal_progress"]
