"""Fixtures of the terminal UI tests: a copy of the reference visit with its plan made
once under a frozen clock (so every screen shows the same plan), app factories, and no
cursor blink."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine

from planner.plan import plan_path
from planner.session import Session
from tui.app import PlannerApp

REFERENCE = Path(__file__).resolve().parents[2] / "fixtures" / "herzog-azerbaijan-2023.yaml"
FROZEN = "2023-05-20 09:00:00+00:00"
SIZES = [(80, 24), (160, 48)]


@pytest.fixture(scope="session")
def planned_reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference visit and its plan file, solved once for the whole session."""
    folder = tmp_path_factory.mktemp("reference")
    visit = folder / REFERENCE.name
    shutil.copy(REFERENCE, visit)
    from planner.plan import write_plan
    from planner.schedule.solve import solve
    from planner.visitfile import load_visit

    with time_machine.travel(FROZEN, tick=False):
        # one solver thread: the same plan on every run (two threads may pick another of
        # the plans that score the same, and the snapshots would differ)
        outcome = solve(load_visit(visit).visit, workers=1)
        assert outcome.plan is not None and outcome.status == "optimal"
        write_plan(plan_path(visit), outcome.plan)
    return visit


@pytest.fixture
def visit_copy(planned_reference: Path, tmp_path: Path) -> Path:
    """A private copy (visit and plan) that a test may change."""
    visit = tmp_path / planned_reference.name
    shutil.copy(planned_reference, visit)
    shutil.copy(plan_path(planned_reference), plan_path(visit))
    return visit


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(FROZEN, tick=True):
        yield


def open_app(visit: Path) -> PlannerApp:
    app = PlannerApp(Session.open(visit), theme="textual-dark")
    app.animation_level = "none"
    return app


@pytest.fixture
def make_app() -> type[PlannerApp] | object:
    return open_app


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor makes screenshots differ from one run to the next."""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None, raising=False)
