"""Explanations of conflicts in visits of several days and cities (issue 9, §5): the
Spain exercise (Madrid and Las Palmas, a flight, the end of summer time) with a conflict
written into it, and generated tours of 5-6 days through two or three cities, written as a
new user would (items on a day, without windows: the visit no longer splits into days),
with a journey too short or two pins at once injected. Each explanation must name the
injected items and be irreducible: checked here by solving the whole visit with exactly
its facts, and with each one left out."""

from __future__ import annotations

import pytest

from bench.generator import generate, inject, loosen, replace_items
from planner.model import Visit
from planner.model.clock import WallTime
from planner.schedule import solve as solve_module
from planner.schedule.explain import OUT_OF_TIME, explain, render
from planner.visitfile import load_visit
from tests.conftest import FIXTURES
from tests.schedule_support import (
    assert_irreducible,
    holds,
    solve,
    validate_every_plan,  # noqa: F401 (autouse fixture)
)


def spain(**pins: str) -> Visit:
    """The Spain exercise with these items pinned (and their windows removed)."""
    visit = load_visit(FIXTURES / "exercise-spain-2024.yaml").visit
    changed = [
        visit.item[item_id].model_copy(update={"pinned": WallTime.parse(at), "window": None})
        for item_id, at in pins.items()
    ]
    return replace_items(visit, *changed)


def test_spain_wreath_too_close_to_the_press_statements() -> None:
    # the wreath at the Monument to the Fallen ends 16:20; the press statements at the
    # Moncloa, 20 min away by the estimate, are pinned at 16:30
    visit = spain(**{"wreath-madrid": "2024-10-26 16:00", "press-statements": "2024-10-26 16:30"})
    outcome = solve(visit)
    assert outcome.status == "infeasible" and outcome.explanation is not None
    found = outcome.explanation
    assert {f.key for f in found.facts} == {
        "pin:wreath-madrid",
        "pin:press-statements",
        "attends:president:wreath-madrid",
        "attends:president:press-statements",
        "duration:wreath-madrid",
        "estimate:moncloa:plaza-lealtad",
    }
    # not the only conflict: the press statements also come at most 15 min after the
    # signing, which the president attends too
    assert_irreducible(visit, found, only_conflict=False)
    assert found.summary == [
        "President of the United States must attend 'Wreath at the Monument to the Fallen for "
        "Spain' (pinned 16:00–16:20 Madrid at Monument to the Fallen for Spain) and then 'Joint "
        "press statements' (pinned 16:30 Madrid at Moncloa Palace): the motorcade needs 20 min, "
        "10 min are left: short by 10 min"
    ]


def test_spain_arrival_ceremony_before_the_party_is_there() -> None:
    # the flight lands 11:50 in Las Palmas, where the travelling party's stay begins; the
    # arrival ceremony is pinned at 11:45. Found from the time rules alone: the pin and
    # the stay of the highest-ranking attendee it binds
    visit = spain(**{"arrival-las-palmas": "2024-10-27 11:45"})
    found = explain(visit, time_limit=10)
    assert {f.key for f in found.facts} == {
        "pin:arrival-las-palmas",
        "presence:president:arrival-las-palmas:lpa",
        "attends:president:arrival-las-palmas",
    }
    assert_irreducible(visit, found, only_conflict=False)
    # Las Palmas time, named after the visit's city on that zone (not 'Canary')
    assert found.summary == [
        "on 27 October, 'Arrival at Gran Canaria Airport' can start at 11:45 Las Palmas de Gran "
        "Canaria by its pin and from 11:50 Las Palmas de Gran Canaria by the stay of President "
        "of the United States in Las Palmas de Gran Canaria: the nearest are 5 min apart"
    ]


TOURS = [
    pytest.param("ST", 0, "short-journey", id="ST0-journey"),
    pytest.param("ST", 1, "short-journey", id="ST1-journey"),
    pytest.param("ST", 0, "overlapping-pins", id="ST0-pins"),
    pytest.param("ST", 2, "overlapping-pins", id="ST2-pins"),
    pytest.param("MT", 1, "short-journey", id="MT1-journey", marks=pytest.mark.slow),
]


@pytest.mark.parametrize(("size", "seed", "fault"), TOURS)
def test_tour_conflict_is_explained_by_an_irreducible_set(size: str, seed: int, fault: str) -> None:
    faulty = inject(loosen(generate(size, seed)), fault)
    assert faulty.fault is not None
    visit = faulty.visit
    outcome = solve(visit, time_limit=30)
    assert outcome.status == "infeasible" and outcome.explanation is not None
    found = outcome.explanation
    keys = {f.key for f in found.facts}
    named = {i for f in found.facts for i in f.items}
    assert set(faulty.fault.items) <= named, sorted(keys)
    assert found.verified and found.minimal
    # two pins, two attendances, a duration, a journey (and perhaps a holding time)
    assert 5 <= len(keys) <= 7, sorted(keys)
    if fault == "short-journey":
        assert any(k.startswith(("leg:", "estimate:")) for k in keys), sorted(keys)
        assert "short by" in found.summary[0], found.summary
    # brute force, on the whole visit: these facts cannot hold, and each one is needed
    assert not holds(visit, keys)
    for key in keys:
        assert holds(visit, keys - {key}), f"{key} is not needed"


def test_generator_m_conflict_is_irreducible() -> None:
    faulty = inject(generate("M", 0), "short-journey")
    found = explain(faulty.visit, time_limit=30)
    assert faulty.fault is not None
    assert set(faulty.fault.items) <= {i for f in found.facts for i in f.items}
    assert_irreducible(faulty.visit, found, only_conflict=False)


def test_explanation_counts_against_the_callers_time_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # solve() hands the explanation what is left of its own limit, not a fresh one
    given: list[float] = []
    original = solve_module.explain

    def spy(visit: Visit, **kwargs: object) -> object:
        given.append(float(kwargs["time_limit"]))  # type: ignore[arg-type]
        return original(visit, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(solve_module, "explain", spy)
    visit = spain(**{"wreath-madrid": "2024-10-26 16:00", "press-statements": "2024-10-26 16:30"})
    outcome = solve(visit, time_limit=7.0)
    assert outcome.status == "infeasible"
    assert len(given) == 1 and 0 < given[0] < 7.0


def test_a_part_without_a_plan_is_found_before_the_large_ones_are_optimised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the tour's short journey is in a part of three items; the rest of the visit is one
    # large part that takes the whole limit to optimise: it is never started
    faulty = inject(loosen(generate("ST", 1)), "short-journey")
    sizes: list[int] = []
    original = solve_module._solve_part

    def counted(builder: object, *args: object, **kwargs: object) -> object:
        sizes.append(len(builder.vars))  # type: ignore[attr-defined]
        return original(builder, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(solve_module, "_solve_part", counted)
    outcome = solve(faulty.visit, time_limit=30)
    assert outcome.status == "infeasible" and outcome.explanation is not None
    assert max(sizes) <= 3, sizes


def test_no_time_left_says_so() -> None:
    faulty = inject(loosen(generate("ST", 0)), "short-journey")
    found = explain(faulty.visit, time_limit=0.0)
    assert not found.facts and found.note == OUT_OF_TIME
    assert render(found, str) == "No explanation within the time limit: try a longer --time-limit."
