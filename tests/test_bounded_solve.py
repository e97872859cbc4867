"""A solve stays within its time limit and memory whatever the size (issue 9 §3): building
the models counts against the limit, a model too large for the solver is never built (its
part is placed one by one instead, and the plan is checked like any other), and when no
plan comes within the limit the outcome says why. Timings themselves are measured in
bench/bounds.py, not here."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from planner import stop
from planner.cli import main
from planner.plan import Plan, Status, plan_path, plan_yaml, read_plan
from planner.schedule import cpmodel, greedy
from planner.schedule.axis import Axis
from planner.schedule.cpmodel import ModelBuilder, TooLarge
from planner.schedule.decompose import parts
from planner.schedule.explain import explain
from planner.visitfile import load_visit
from tests.conftest import REFERENCE
from tests.schedule_support import (
    D2,
    D,
    errors_of,
    item,
    parse,
    solve,
    validate_every_plan,  # noqa: F401 (autouse fixture)
    visit_data,
    write_visit,
)


def _crowded(n: int = 24) -> dict[str, Any]:
    """``n`` briefings of a, b and c without windows on two days: one part whose circuits
    hold some n² journeys."""
    people = ("a", "b", "c")
    return visit_data(
        *(
            item(
                f"b{k}",
                duration=30,
                attendees=[people[k % 3], people[(k + 1) % 3]],
                venue=("v1", "v2", "v3", "v4")[k % 4],
            )
            for k in range(n)
        )
    )


def test_a_model_too_large_for_the_solver_is_not_built(monkeypatch: pytest.MonkeyPatch) -> None:
    visit = parse(_crowded())
    builder = ModelBuilder(visit)
    arcs = builder.collect().build().arcs()
    assert arcs > 100
    monkeypatch.setattr(cpmodel, "ARC_BUDGET", arcs - 1)
    with pytest.raises(TooLarge) as raised:
        ModelBuilder(visit).build()
    assert f"{arcs:,} possible journeys between them" in str(raised.value)


def test_a_part_too_large_is_placed_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan is valid (the validator checks every plan of these tests), complete, and
    says how it was made."""
    visit = parse(_crowded())
    solved = solve(visit)
    assert solved.plan is not None and not solved.note  # the solver's own
    monkeypatch.setattr(cpmodel, "ARC_BUDGET", 100)
    outcome = solve(visit)
    assert outcome.plan is not None and outcome.status == "feasible"
    assert outcome.objective is None  # not optimised: no objective to report
    assert "a part of 24 items is too large for the solver" in outcome.note
    assert "placed one by one (a valid plan, not an optimised one)" in outcome.note
    assert {i.status for i in outcome.plan.items} == {Status.SCHEDULED}
    assert errors_of(visit, outcome.plan) == []


def test_building_the_models_counts_against_the_limit() -> None:
    """A limit that has passed before the model is built: the build stops at once (no
    search is started) and the part is placed without the solver."""
    visit = load_visit(REFERENCE).visit
    outcome = solve(visit, time_limit=1e-6)
    assert outcome.plan is not None
    assert "could not be modelled within the time limit" in outcome.note
    assert errors_of(visit, outcome.plan) == []
    with stop.within(1e-6), pytest.raises(stop.OutOfTime):
        ModelBuilder(visit).build()


def test_no_plan_within_the_limit_says_why(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Too large for the solver, and more than the days hold: no plan, exit 1, a reason
    (and nothing written)."""
    data = visit_data(
        *(item(f"c{k}", duration=60, attendees=["a"], venue="v1") for k in range(30))
    )  # 30 hours of briefings for a in two days of 12 hours
    path = write_visit(tmp_path, data)
    monkeypatch.setattr(cpmodel, "ARC_BUDGET", 100)
    code = main(["solve", str(path), "--time-limit", "5"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out.startswith(
        "No plan within the limit: a part of 30 items is too large for the solver (30 items"
    ), out
    assert "placing its items one by one found no place for all of them." in out
    assert "Nothing was written." in err
    assert not plan_path(path).exists()


def test_explaining_a_part_too_large_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    data = visit_data(*(item(f"c{k}", duration=60, attendees=["a"], venue="v1") for k in range(30)))
    visit = parse(data)
    monkeypatch.setattr(cpmodel, "ARC_BUDGET", 100)
    found = explain(visit, time_limit=5.0)
    assert found.facts == []
    assert "too large to check" in found.note or "too large to explain" in found.note


def _placed(visit_data_: dict[str, Any]) -> tuple[Any, dict[str, greedy.Placement | None]]:
    visit = parse(visit_data_)
    axis = Axis.for_visit(visit)
    builder = ModelBuilder(visit, axis=axis).collect()
    result: dict[str, greedy.Placement | None] = {}
    for group in parts(visit, axis, builder=builder):
        found = greedy.place(visit, axis, builder, group)
        assert found is not None
        result.update(found)
    return visit, result


def test_placing_one_by_one_keeps_every_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows, pins, orders with gaps, travel between venues, an exclusive venue, a
    flight-free visit of two days: the plan of the one-by-one placement is valid."""
    data = visit_data(
        item("pin", attendees=["a", "b"], venue="v2", pinned=f"{D} 10:00"),
        item(
            "win",
            attendees=["a"],
            venue="v3",
            window={"earliest_start": f"{D} 09:00", "latest_end": f"{D} 12:30"},
        ),
        item("after", attendees=["b"], venue="v3", order=[{"after": "pin", "min_gap": 30}]),
        item("same", attendees=["c"], venue="v3", days=[D2]),
        item("opt", attendees=["a", "b"], venue="v2", optional=True, priority=2),
        *(item(f"f{k}", attendees=["c"], venue="v4") for k in range(6)),
    )
    monkeypatch.setattr(cpmodel, "ARC_BUDGET", 0)
    outcome = solve(parse(data))
    assert outcome.plan is not None and "placed one by one" in outcome.note
    plan = outcome.plan
    assert str(plan.item("pin").start) == f"{D} 10:00"  # type: ignore[union-attr]
    after = plan.item("after")
    assert after is not None and after.start is not None
    assert after.start.local.strftime("%H:%M") >= "11:30"  # 11:00 + 30 min


def test_an_edit_placed_one_by_one_keeps_the_previous_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    visit = parse(_crowded(24))
    previous = solve(visit).plan
    assert previous is not None
    data = _crowded(24)
    data["items"][5]["pinned"] = f"{D} 19:00"  # one item moved by hand
    edited = parse(data)
    monkeypatch.setattr(cpmodel, "ARC_BUDGET", 0)
    outcome = solve(edited, previous, edited=frozenset({"b5"}))
    assert outcome.plan is not None and "placed one by one" in outcome.note
    moved = [
        i.id
        for i in outcome.plan.items
        if i.id != "b5" and i.start != previous.item(i.id).start  # type: ignore[union-attr]
    ]
    assert len(moved) <= 2, moved  # only what the pinned item displaced


def _read_back(plan: Plan, tmp_path: Path) -> Plan:
    path = tmp_path / "p.plan.yaml"
    path.write_text(plan_yaml(plan), encoding="utf-8")
    return read_plan(path)


def test_a_plan_file_reads_back_as_the_plan(tmp_path: Path) -> None:
    """One flow mapping a line (JSON's syntax) for items, versions and readers: every
    value comes back, the texts of a hostile visit too."""
    visit = load_visit(REFERENCE).visit
    outcome = solve(visit)
    assert outcome.plan is not None
    again = _read_back(outcome.plan, tmp_path)
    assert again == outcome.plan
    text = plan_yaml(outcome.plan)
    assert text.count("\n- {") == len(outcome.plan.items) + len(outcome.plan.history) + len(
        outcome.plan.readers
    )
    hostile = outcome.plan.model_copy(
        update={
            "history": (
                outcome.plan.history[0].model_copy(
                    update={"reason": 'move "x" \\ to 10:00 — עברית ; # {[,]}: & *a !t'}
                ),
            )
        }
    )
    assert _read_back(hostile, tmp_path).history == hostile.history


def test_explain_looks_first_where_two_pinned_items_clash() -> None:
    """Of many parts, the one where a person has two pinned items too close is looked at
    first (before, every part was solved in turn, small first, and a visit of 200 parts
    ran out of time before it reached the one without a plan)."""
    from planner.schedule.explain import _pinned_clashes

    data = visit_data(
        item("a1", attendees=["a"], venue="v1", pinned=f"{D} 09:00"),
        item("a2", attendees=["a"], venue="v2", pinned=f"{D} 10:15"),  # 30 min needed
        item("b1", attendees=["b"], venue="v1", pinned=f"{D} 09:00"),
        item("b2", attendees=["b"], venue="v2", pinned=f"{D} 10:30"),  # just in time
        item("c1", attendees=["c"], venue="v3", pinned=f"{D2} 09:00"),
    )
    assert _pinned_clashes(parse(data)) == {"a1", "a2"}
    found = explain(parse(data), time_limit=5.0)
    assert {i for f in found.facts for i in f.items} == {"a1", "a2"}


def test_a_part_the_optimising_search_left_without_a_plan_gets_the_first_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A part whose optimising search (presolve, two workers) ran out of its share without
    a plan is searched again for a first plan before anything is given up (seen: a
    550-item part of a 4,400-item visit given 0.25 s, which the first-plan search plans
    in 0.2 s): the plan is the solver's, not the one-by-one placement."""
    solve_module = importlib.import_module("planner.schedule.solve")

    real = solve_module._solve_part
    calls: list[bool] = []

    def starved(builder: Any, budget: float, workers: int, reporter: Any, first: bool) -> Any:
        calls.append(first)
        if not first:
            return solve_module._Part(builder, None, "unknown")
        return real(builder, budget, workers, reporter, first)

    monkeypatch.setattr(solve_module, "_solve_part", starved)
    visit = load_visit(REFERENCE).visit
    outcome = solve(visit)
    assert outcome.plan is not None and outcome.status in ("feasible", "optimal")
    assert outcome.objective is not None  # the solver's plan, scored
    assert "one by one" not in outcome.note
    assert calls and calls.count(True) == calls.count(False)  # one first-plan search each
    assert errors_of(visit, outcome.plan) == []


def test_the_command_line_limit_counts_reading_the_visit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`planner solve --time-limit S` bounds the whole run: what reading the visit took is
    not given to the solver again (a search is never given more than is left)."""
    import time

    from planner import cli

    solve_module = importlib.import_module("planner.schedule.solve")

    real_load, real_part = cli._load_or_report, solve_module._solve_part
    budgets: list[float] = []
    left_at_search: list[float] = []

    def slow_load(path: Path) -> Any:
        time.sleep(1.5)
        return real_load(path)

    def recording(builder: Any, budget: float, workers: int, reporter: Any, first: bool) -> Any:
        budgets.append(budget)
        left = stop.left()
        assert left is not None
        left_at_search.append(left)
        return real_part(builder, budget, workers, reporter, first)

    monkeypatch.setattr(cli, "_load_or_report", slow_load)
    monkeypatch.setattr(solve_module, "_solve_part", recording)
    path = tmp_path / "visit.yaml"
    path.write_bytes(REFERENCE.read_bytes())
    assert main(["solve", str(path), "--time-limit", "3"]) == 0
    capsys.readouterr()
    assert budgets and max(budgets) <= 3 - 1.5
    assert max(left_at_search) <= 3 - 1.5


def test_an_explanation_inside_a_callers_limit_keeps_to_it() -> None:
    visit = load_visit(REFERENCE).visit
    with stop.within(1e-6):
        found = explain(visit, time_limit=60.0)
    assert found.facts == [] and found.seconds < 5.0
