"""On every fixture, the plan the solver makes is one a protocol officer would sign:
`planner review` finds nothing to question in it (run as a user runs it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planner.cli import main
from tests.conftest import FIXTURES

VISITS = sorted(p.name for p in FIXTURES.glob("*.yaml"))


@pytest.mark.parametrize("name", VISITS)
def test_the_solved_plan_of_every_fixture_has_nothing_to_question(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    shutil.copy(FIXTURES / name, path)
    assert main(["solve", str(path), "--time-limit", "60"]) == 0, capsys.readouterr().err
    capsys.readouterr()
    code = main(["review", str(path)])
    out = capsys.readouterr().out
    assert (code, out) == (0, "review: nothing a protocol officer would question\n")


def test_every_kind_of_fixture_is_reviewed() -> None:
    # the reference, the Spain exercise, the three real fixtures and the generated M visit
    assert {
        "herzog-azerbaijan-2023.yaml",
        "exercise-spain-2024.yaml",
        "naruhito-uk-2024.yaml",
        "steinmeier-switzerland-2018.yaml",
        "xi-europe-2024.yaml",
        "synthetic-m.yaml",
    } <= set(VISITS)
