"""`planner cancel` by leg, city or tag, with a reason and a date (issue 11 §1): every item
that matches is cancelled as ONE edit (one rewrite of the visit file, one re-plan, one
version of the plan, one report); nothing that matches is a clear error and leaves both
files as they were."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from planner.cli import main
from planner.plan import Status, plan_path, read_plan
from planner.visitfile import load_visit
from tests.schedule_support import (
    D2,
    D,
    item,
    validate_every_plan,  # noqa: F401 (autouse fixture)
    visit_data,
    write_visit,
)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([*argv, "--time-limit", "5"])
    out, err = capsys.readouterr()
    return code, out, err


TOUR = [
    {
        "id": "berlin-leg",
        "host": {"code": "DE", "name": "Germany"},
        "start": D,
        "end": D,
        "cities": ["berlin"],
    },
    {
        "id": "potsdam-leg",
        "host": {"code": "DE", "name": "Germany"},
        "start": D2,
        "end": D2,
        "cities": ["potsdam"],
    },
]


def _visit(tmp_path: Path, **changes: Any) -> Path:
    data = visit_data(
        item("talks", tags=["day-one"], days=[D]),
        item("lunch", venue="v2", tags=["day-one", "meals"], days=[D]),
        item("dinner", venue="v3", tags=["meals"], days=[D]),
        item("palace", attendees=["b"], venue="p1", days=[D2]),
        item("garden", attendees=["b"], venue="p1", days=[D2], tags=["meals"]),
        **changes,
    )
    return write_visit(tmp_path, data)


def _state(path: Path) -> tuple[bytes, bytes]:
    return path.read_bytes(), plan_path(path).read_bytes()


def test_cancel_by_tag_is_one_edit_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _visit(tmp_path)
    assert run(["solve", str(path)], capsys)[0] == 0
    before = read_plan(plan_path(path))
    argv = ["cancel", str(path), "--tag", "meals", "--reason", "the host is unwell"]
    code, out, err = run([*argv, "--on", "2023-06-10"], capsys)
    assert code == 0, err
    visit = load_visit(path).visit
    for item_id in ("lunch", "dinner", "garden"):
        found = visit.item[item_id].cancellation
        assert found is not None and (found.reason, str(found.on)) == (
            "the host is unwell",
            "2023-06-10",
        )
    assert not visit.item["talks"].is_cancelled and not visit.item["palace"].is_cancelled
    plan = read_plan(plan_path(path))
    assert plan.version == before.version + 1  # one re-plan, one version
    assert [h.reason for h in plan.history[-1:]] == ["cancel (tag meals): the host is unwell"]
    assert {p.id for p in plan.items if p.status is Status.CANCELLED} == {
        "lunch",
        "dinner",
        "garden",
    }
    assert "Cancelled 3 items (the host is unwell):" in out
    for title in ("Lunch: was 12 June", "Dinner: was 12 June", "Garden: was 13 June"):
        assert title in out
    # the file holds the reason in the format's words
    text = path.read_text(encoding="utf-8")
    assert text.count('cancelled: {reason: "the host is unwell", on: "2023-06-10"}') == 3


def test_cancel_by_city_and_by_leg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _visit(tmp_path, tour=TOUR)
    assert run(["solve", str(path)], capsys)[0] == 0
    code, out, err = run(["cancel", str(path), "--leg", "potsdam-leg", "--reason", "storm"], capsys)
    assert code == 0, err
    assert "Cancelled 2 items (storm):" in out
    visit = load_visit(path).visit
    assert {i.id for i in visit.items if i.is_cancelled} == {"palace", "garden"}
    found = visit.item["palace"].cancellation
    assert found is not None and found.on is not None  # today, when not given
    code, _, err = run(["cancel", str(path), "--city", "Berlin", "--tag", "day-one"], capsys)
    assert code == 0, err
    visit = load_visit(path).visit
    assert {i.id for i in visit.items if i.is_cancelled} == {"palace", "garden", "talks", "lunch"}
    assert visit.item["talks"].cancelled is True  # no reason: as before


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--tag", "nothing"], "no item matches tag 'nothing' (the tags of the visit: day-one, "),
        (["--city", "potsdam", "--tag", "day-one"], "matches city 'potsdam', tag 'day-one'"),
        (["--city", "paris"], "no city 'paris' (the cities: berlin, potsdam)"),
        (["--leg", "france"], "the visit is not a tour"),
        (["--tag", "meals", "--reason", "rain", "--on", "10 June"], "'10 June' is not a date"),
        (["--tag", "meals", "--on", "2023-06-10"], "--on needs --reason"),
        ([], "name an ITEM, or select items with --leg, --city or --tag"),
    ],
)
def test_a_cancel_that_matches_nothing_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    path = _visit(tmp_path)
    assert run(["solve", str(path)], capsys)[0] == 0
    before = _state(path)
    code, _, err = run(["cancel", str(path), *argv], capsys)
    assert code != 0
    assert words in err, err
    assert "Traceback" not in err
    assert _state(path) == before


def test_a_cancel_of_items_cancelled_already_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _visit(tmp_path)
    assert run(["solve", str(path)], capsys)[0] == 0
    assert run(["cancel", str(path), "--tag", "meals"], capsys)[0] == 0
    before = _state(path)
    code, _out, err = run(["cancel", str(path), "--tag", "meals"], capsys)
    assert code != 0 and "is cancelled already (lunch, dinner, garden)" in err
    assert _state(path) == before
    # one of them named alone: as the single cancel always said
    code, _out, err = run(["cancel", str(path), "lunch"], capsys)
    assert code != 0 and "'lunch' is cancelled already" in err


def test_the_single_cancel_takes_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _visit(tmp_path)
    assert run(["solve", str(path)], capsys)[0] == 0
    code, out, err = run(["cancel", str(path), "talks", "--reason", "rain"], capsys)
    assert code == 0, err
    assert "cancel talks: rain: done" in out
    found = load_visit(path).visit.item["talks"].cancellation
    assert found is not None and found.reason == "rain"
