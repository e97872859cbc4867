"""Explanations of the generator's injected faults: each names the planted fault, is
small, and is irreducible (checked here by re-solving with each fact left out)."""

from __future__ import annotations

import pytest

from bench.generator import FAULTS, generate, inject
from planner.schedule.explain import explain
from tests.schedule_support import holds


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("seed", [1, 6])
def test_explanation_names_the_injected_fault(fault: str, seed: int) -> None:
    faulty = inject(generate("S", seed), fault)
    assert faulty.fault is not None
    found = explain(faulty.visit, time_limit=10)
    keys = {f.key for f in found.facts}
    named = {item for f in found.facts for item in f.items}
    assert set(faulty.fault.items) <= named, (fault, sorted(keys))
    # pins, attendances, durations, journeys: every fact the conflict rests on
    assert 1 <= len(found.facts) <= 7
    assert found.verified and found.minimal
    assert not holds(faulty.visit, keys)
    for key in keys:
        assert holds(faulty.visit, keys - {key}), f"{key} is not needed"
