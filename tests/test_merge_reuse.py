"""An edit keeps the reader records of the people it does not touch as they were
(planner.plan.merge with ``unchanged_except``): each must be exactly what working out
everything again gives, and a person the edit touches is worked out again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planner.cli import main
from planner.plan import Plan, merge, plan_path, read_plan
from planner.visitfile import load_visit
from tests.conftest import REFERENCE


def _edit(first: Path, tmp_path: Path, *argv: str) -> tuple[Path, Plan, Plan]:
    path = tmp_path / REFERENCE.name
    shutil.copy(REFERENCE, path)
    shutil.copy(first, plan_path(path))
    old = read_plan(plan_path(path))
    assert main([argv[0], str(path), *argv[1:]]) == 0
    return path, old, read_plan(plan_path(path))


@pytest.mark.parametrize(
    ("argv", "touched"),
    [
        (("move", "community-meeting", "--to", "2023-05-31 10:30"), "segal"),
        (
            ("set", "festive-lunch", "--attendees", "herzog,michal-herzog,aliyev,mehriban-aliyeva"),
            "arbel",
        ),
        (("cancel", "spouse-programme"), "michal-herzog"),
    ],
)
def test_the_readers_an_edit_leaves_are_those_worked_out_again(
    first: Path, tmp_path: Path, argv: tuple[str, ...], touched: str
) -> None:
    path, old, new = _edit(first, tmp_path, *argv)
    visit = load_visit(path).visit
    again = merge(
        old, visit, list(new.items), new.solve, new.history[-1].reason, now=new.history[-1].at
    )
    assert again.readers == new.readers
    assert again.history[-1].seen_by == new.history[-1].seen_by
    before = old.readers_by_key
    kept = [r.reader for r in new.readers if before.get(r.reader) == r]
    assert any(key.startswith("person-") for key in kept), kept  # some were kept as they were
    assert f"person-{touched}" not in kept  # the edit touched them: worked out again
