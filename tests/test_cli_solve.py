"""`planner solve` on the reference visit: the day-by-day programme with local and home
times, a plan that `planner validate` accepts, a second solve that changes nothing, and
`--fresh`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from planner.cli import main
from planner.plan import Status, plan_path, read_plan, write_plan
from planner.visitfile import load_visit
from tests.conftest import FIXTURES, REFERENCE
from tests.schedule_support import (
    SOLVES,
    errors_of,
    local,
    moved_to,
    validate_every_plan,  # noqa: F401 (autouse fixture)
)

# the programme items the seed article reports (seeds/000_73520f884ccfa123.txt)
SEED_ITEMS = [
    "health-meeting",
    "health-agreement",
    "wreath-alley-of-honour",
    "wreath-alley-of-martyrs",
    "independence-75",
]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_solve_reference_visit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "out" / "herzog.plan.yaml"
    out_file.parent.mkdir()
    code, out, err = run(["solve", str(REFERENCE), "--plan", str(out_file)], capsys)
    assert code == 0, err
    # each day, with the local time and the guest's home time of every item
    assert "Tuesday 30 May 2023" in out and "Wednesday 31 May 2023" in out
    assert out.index("Tuesday 30 May 2023") < out.index("Wednesday 31 May 2023")
    assert "09:30 Baku · 08:30 Jerusalem" in out  # the pinned arrival
    assert "13:30 Baku · 12:30 Jerusalem" in out  # the pinned departure
    times = re.findall(r"^  (\d\d):(\d\d) Baku · (\d\d):(\d\d) Jerusalem", out, re.M)
    visit = load_visit(REFERENCE).visit
    plan = read_plan(out_file)
    scheduled = [i for i in plan.items if i.status is Status.SCHEDULED]
    assert len(times) == len(scheduled)
    for hh, mm, home_hh, home_mm in times:  # Baku is an hour ahead of Jerusalem in May
        assert (int(hh) * 60 + int(mm)) - (int(home_hh) * 60 + int(home_mm)) == 60
    assert "Solve: optimal" in out
    assert f"Plan: {out_file} (version 1)" in out
    # every item placed but optional ones the solver reports as dropped
    outcome = SOLVES[-1]
    for item in visit.items:
        planned = plan.item(item.id)
        assert planned is not None
        if item.id in outcome.dropped:
            assert item.optional and planned.status is Status.DROPPED
            assert f"{item.title} (priority" in out
        else:
            assert planned.status is Status.SCHEDULED, item.id
            assert f"  {item.title}" in out or f" {item.title} [pinned]" in out
    for item_id in SEED_ITEMS:
        assert plan.item(item_id).status is Status.SCHEDULED  # type: ignore[union-attr]
    assert local(plan, "wreath-alley-of-honour") < local(plan, "wreath-alley-of-martyrs")
    assert local(plan, "health-meeting") < local(plan, "health-agreement")
    assert local(plan, "arrival") == "2023-05-30 09:30"
    assert local(plan, "departure") == "2023-05-31 13:30"
    # the independent validator accepts it, from the command line too
    assert errors_of(visit, plan) == []
    code, out, err = run(["validate", str(REFERENCE), str(out_file)], capsys)
    assert code == 0, out + err
    assert out.startswith("plan valid:")
    # solving again without changes leaves the plan file as it was, byte for byte
    before = out_file.read_bytes()
    code, out, _ = run(["solve", str(REFERENCE), "--plan", str(out_file)], capsys)
    assert code == 0
    assert f"Plan: {out_file} (unchanged)" in out
    assert out_file.read_bytes() == before
    assert SOLVES[-1].moved == []


def test_solve_keeps_a_plan_and_fresh_reoptimises(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    visit_file = tmp_path / "herzog.yaml"
    shutil.copyfile(REFERENCE, visit_file)
    plan_file = plan_path(visit_file)
    code, _, err = run(["solve", str(visit_file)], capsys)
    assert code == 0, err
    visit = load_visit(visit_file).visit
    plan = read_plan(plan_file)
    best = SOLVES[-1].objective
    assert best is not None
    # a hand-made change that is valid but worse: the festive event ends at 22:30
    late = moved_to(visit, plan, "independence-75", "2023-05-30 20:30")
    assert errors_of(visit, late) == []
    write_plan(plan_file, late)
    before = plan_file.read_bytes()
    # without --fresh, nothing needs to move, so nothing does
    code, out, _ = run(["solve", str(visit_file)], capsys)
    assert code == 0
    assert "(unchanged)" in out and plan_file.read_bytes() == before
    assert SOLVES[-1].objective is not None and SOLVES[-1].objective > best
    # with --fresh the previous plan is ignored: the optimum comes back, as a new version
    code, out, err = run(["solve", str(visit_file), "--fresh"], capsys)
    assert code == 0, err
    fresh = read_plan(plan_file)
    assert SOLVES[-1].objective == best
    assert fresh.version == late.version + 1
    # (at one of the times as good as the first plan's: the soft goals may tie)
    assert local(fresh, "independence-75") != "2023-05-30 20:30"
    again, by_hand = fresh.item("independence-75"), late.item("independence-75")
    assert again is not None and by_hand is not None
    assert again.revision == by_hand.revision + 1
    code, out, err = run(["validate", str(visit_file)], capsys)
    assert code == 0, out + err


def test_solve_exercise_prints_home_time_across_the_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "spain.plan.yaml"
    code, out, err = run(
        ["solve", str(FIXTURES / "exercise-spain-2024.yaml"), "--plan", str(out_file)], capsys
    )
    assert code == 0, err
    # New York is 6 h behind Madrid on the 26th, 5 h on the 27th (the EU changed first)
    assert "10:00 Madrid · 04:00 New York" in out  # arrival, 26 October
    assert "10:00 Madrid · 05:00 New York" in out  # flight, 27 October
    assert "12:00 Las Palmas de Gran Canaria · 08:00 New York" in out  # landing side, WET
    code, out, err = run(
        ["validate", str(FIXTURES / "exercise-spain-2024.yaml"), str(out_file)], capsys
    )
    assert code == 0, out + err


def test_progress_is_reported_only_after_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    """Solves longer than a second report each plan found; shorter ones say nothing; and
    only an interactive terminal gets a progress printer."""
    import importlib
    import itertools

    from planner.schedule.solve import solve, terminal_progress

    solving = importlib.import_module("planner.schedule.solve")
    from planner.visitfile import load_visit

    visit = load_visit(FIXTURES / "herzog-azerbaijan-2023.yaml").visit
    quick: list[str] = []
    assert solve(visit, progress=quick.append).plan is not None
    assert quick == []  # 0.1 s: nothing to report
    clock = itertools.count(0.0, 2.0)  # every reading two seconds later
    monkeypatch.setattr(solving.time, "perf_counter", lambda: next(clock))
    slow: list[str] = []
    # a limit that the fast clock does not reach (every part and model built reads it)
    assert solve(visit, progress=slow.append, time_limit=100_000.0).plan is not None
    assert slow and all("objective" in line and "bound" in line for line in slow)
    assert terminal_progress() is None  # pytest's stderr is not a terminal
