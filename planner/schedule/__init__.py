"""The scheduler: visits to plans with OR-Tools CP-SAT (``solve``), explanations when no
plan exists (``explain``), and edits that change as little as possible (``edits``).

Importing a module of this package that solves loads ortools, so callers import
them where they solve (the CLI only for the verbs that do). This file imports nothing:
the modules import one another without a cycle, so two threads may import them at once.
"""
