"""Explanations of the generator's injected faults: each names the planted fault, is
small, and is irreducible (checked here by re-solving with each fact left out)."""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model

from bench.generator import FAULTS, generate, inject
from planner.schedule.cpmodel import ModelBuilder
from planner.schedule.explain import explain


def feasible_with(visit: object, keys: set[str]) -> bool:
    """Whether the visit's model is feasible with exactly the facts ``keys`` enforced."""
    builder = ModelBuilder(visit, explain=True).build()  # type: ignore[arg-type]
    builder.model.add_assumptions([f.lit for k, f in builder.facts.items() if k in keys])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    status = solver.solve(builder.model)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE)
    return status != cp_model.INFEASIBLE


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("seed", [1, 6])
def test_explanation_names_the_injected_fault(fault: str, seed: int) -> None:
    faulty = inject(generate("S", seed), fault)
    assert faulty.fault is not None
    found = explain(faulty.visit, time_limit=10)
    keys = {f.key for f in found.facts}
    named = {item for f in found.facts for item in f.items}
    assert set(faulty.fault.items) <= named, (fault, sorted(keys))
    assert 1 <= len(found.facts) <= 5
    assert found.verified and found.minimal
    assert not feasible_with(faulty.visit, keys)
    for key in keys:
        assert feasible_with(faulty.visit, keys - {key}), f"{key} is not needed"
