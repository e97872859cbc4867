"""Edits move no more than necessary.

The true minimum number of other items an edit must move is found by brute force: for
k = 0, 1, 2, … every set S of k other items is left free while every other item is pinned
at its old time, and the smallest k with a feasible visit is the minimum. The solver's
edit must move exactly that many. Then the edit verbs of the CLI on a copy of the
reference visit: comments kept, revisions raised only where something changed, nothing
written when the edit leaves no plan.
"""

from __future__ import annotations

import copy
import random
import shutil
from datetime import timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from planner.cli import main
from planner.plan import Plan, Status, plan_path, read_plan, write_plan
from planner.schedule.edits import Edit, run_edit
from planner.visitfile import load_visit, read_yaml
from tests.conftest import REFERENCE
from tests.schedule_support import (
    SOLVES,
    D,
    feasible,
    item,
    local,
    parse,
    person,
    solve,
    solved,
    validate_every_plan,  # noqa: F401 (autouse fixture)
    visit_data,
)


def pinned_at_old_times(
    data: dict[str, Any], plan: Plan, keep: set[str], moved: str, to: str
) -> dict[str, Any]:
    """The visit with every scheduled item outside ``keep`` pinned where the plan has it
    (at its planned venue), and ``moved`` pinned at ``to``."""
    result = copy.deepcopy(data)
    for entry in result["items"]:
        if entry["id"] == moved:
            entry["pinned"] = to
            continue
        planned = plan.item(entry["id"])
        if entry["id"] in keep or planned is None or planned.status is not Status.SCHEDULED:
            continue
        entry["pinned"] = str(planned.start)
        entry.pop("candidate_venues", None)
        entry["venue"] = planned.venue
    return result


def minimum_moves(
    data: dict[str, Any], plan: Plan, moved: str, to: str, among: list[str], limit: int
) -> int | None:
    """The fewest items of ``among`` that must move when ``moved`` goes to ``to`` (None if
    more than ``limit``)."""
    for k in range(limit + 1):
        for free in combinations(among, k):
            if feasible(parse(pinned_at_old_times(data, plan, set(free), moved, to))):
                return k
    return None


# -- seeded small visits --------------------------------------------------------------------


def scenario(seed: int) -> dict[str, Any]:
    """A one-day visit of 7 items, each attended by two of four people of equal
    precedence (so every item weighs the same in an edit), at three venues; the item to
    move and where to: onto the start of an item that shares an attendee, so that
    something has to give."""
    rng = random.Random(seed)
    people = ["a", "b", "c", "h"]
    pairs = list(combinations(people, 2))  # each person in three of the six pairs
    rng.shuffle(pairs)
    pairs.append(rng.choice(pairs))
    items = [
        item(
            f"i{n}",
            duration=rng.choice([30, 45, 60, 90]),
            attendees=list(pair),
            venue=rng.choice(["v1", "v2", "v3"]),
            days=[D],
        )
        for n, pair in enumerate(pairs)
    ]
    data = visit_data(*items, programme_hours={"start": "08:00", "end": "15:00"})
    data["people"] = [person(p, "host" if p == "h" else "guest") for p in people]
    return data


def edit_cases(seed: int) -> list[tuple[str, str]]:
    """Candidate moves for a solved scenario: (item, new local start)."""
    rng = random.Random(seed * 7919)
    return [
        (
            f"i{rng.randrange(7)}",
            f"{D} {rng.choice(range(8, 14)):02d}:{rng.choice([0, 15, 30, 45]):02d}",
        )
        for _ in range(12)
    ]


SEEDS = [1, 2, 3, 4, 5, 6, 7]


def test_edits_move_the_fewest_items() -> None:
    nontrivial = 0
    checked = 0
    for seed in SEEDS:
        data = scenario(seed)
        visit = parse(data)
        assert feasible(visit), seed
        plan = solved(visit)
        for moved, to in edit_cases(seed):
            if local(plan, moved) == to:
                continue
            target = parse(pinned_at_old_times(data, plan, {i.id for i in visit.items}, moved, to))
            if not feasible(target):
                continue
            others = [i.id for i in visit.items if i.id != moved]
            needed = minimum_moves(data, plan, moved, to, others, len(others))
            assert needed is not None
            if needed == 0 and nontrivial < checked // 2:
                continue  # prefer edits where something has to give
            outcome = solve(target, plan, edited=frozenset({moved}))
            assert outcome.plan is not None and outcome.status == "optimal"
            assert local(outcome.plan, moved) == to
            assert len(outcome.moved) == needed, (seed, moved, to, outcome.moved)
            assert outcome.plan.solve.moved == needed
            # the moved items are exactly those whose start changed
            changed = sorted(
                i.id
                for i in outcome.plan.items
                if i.id != moved and outcome.plan.item(i.id).start != plan.item(i.id).start  # type: ignore[union-attr]
            )
            assert changed == sorted(outcome.moved)
            checked += 1
            nontrivial += needed > 0
            break
    assert checked >= 5
    assert nontrivial >= 3


# -- the reference visit ----------------------------------------------------------------------


@pytest.fixture
def reference_copy(tmp_path: Path) -> Path:
    path = tmp_path / "herzog.yaml"
    shutil.copyfile(REFERENCE, path)
    return path


def test_reference_move_moves_the_fewest(reference_copy: Path) -> None:
    visit = load_visit(reference_copy).visit
    plan = solved(visit)
    write_plan(plan_path(reference_copy), plan)
    moved = "wreath-alley-of-martyrs"
    # 5 min too late for the festive event as planned: the wreath (25 min), 25 min to the
    # Heydar Aliyev Center and 10 min holding; the event has to move (where the plan put
    # it is a tie of the soft goals, so the time is read from the plan)
    event = plan.item("independence-75")
    honour = plan.item("wreath-alley-of-honour")
    assert event is not None and event.start is not None
    assert honour is not None and honour.end is not None
    at = event.start.local - timedelta(minutes=55)
    assert at <= honour.end.local + timedelta(minutes=60)  # its max_gap after the first
    to = f"{at:%Y-%m-%d %H:%M}"
    result = run_edit(reference_copy, Edit("move", moved, to=to), time_limit=5.0)
    outcome = result.outcome
    assert outcome.plan is not None
    assert local(outcome.plan, moved) == to
    data, _ = read_yaml(reference_copy)
    same_day = [
        i.id
        for i in visit.items
        if i.id != moved and str(plan.item(i.id).start).startswith("2023-05-30")  # type: ignore[union-attr]
    ]
    needed = minimum_moves(data, plan, moved, to, same_day, 3)
    assert needed == 1
    assert len(outcome.moved) == needed
    assert outcome.moved == ["independence-75"]
    assert reference_copy.read_text(encoding="utf-8") == REFERENCE.read_text(encoding="utf-8")


# -- the edit verbs on a copy of the reference visit --------------------------------------------


def revisions(plan: Plan) -> dict[str, int]:
    return {i.id: i.revision for i in plan.items}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([*argv, "--time-limit", "5"])
    out, err = capsys.readouterr()
    return code, out, err


COMMENTS = [
    "# Times are local Baku time (Asia/Baku, UTC+4, no daylight saving since 2016).",
    "  # Baku's custom puts the wreaths before the official welcome (domain.md §1.3), but the",
    "  # -- 31 May ----------------------------------------------------------------------",
    "    days: [2023-05-30]  # after the welcome of 30 May [S1][S3][S5]",
]


def test_edit_verbs_round_trip(reference_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, plan_file = reference_copy, plan_path(reference_copy)
    code, _, err = run(["solve", str(path)], capsys)
    assert code == 0, err
    plan = read_plan(plan_file)

    def edit(argv: list[str], item_id: str, rise: int) -> Plan:
        """Run an edit verb; the edited item's revision rises by ``rise``, every item the
        solver did not move keeps its revision, and the file keeps its comments."""
        nonlocal plan
        before = revisions(plan)
        code, out, err = run(argv, capsys)
        assert code == 0, out + err
        lines = path.read_text(encoding="utf-8").splitlines()
        for comment in COMMENTS:
            assert comment in lines, comment
        moved = set(SOLVES[-1].moved)
        plan = read_plan(plan_file)
        after = revisions(plan)
        assert after[item_id] == before[item_id] + rise
        for other, revision in before.items():
            if other != item_id and other not in moved:
                assert after[other] == revision, other
        for other in moved:
            assert after[other] == before[other] + 1, other
        assert ("No other changes." in out) == (not moved)
        return plan

    new = edit(
        ["move", str(path), "community-meeting", "--to", "2023-05-31 10:30"], "community-meeting", 1
    )
    assert local(new, "community-meeting") == "2023-05-31 10:30"
    assert str(load_visit(path).visit.item["community-meeting"].pinned) == "2023-05-31 10:30"

    new = edit(["set", str(path), "press-statements", "--duration", "25"], "press-statements", 1)
    assert load_visit(path).visit.item["press-statements"].duration == 25

    planned_wreath = local(plan, "wreath-alley-of-honour")
    new = edit(["pin", str(path), "wreath-alley-of-honour"], "wreath-alley-of-honour", 0)
    assert str(load_visit(path).visit.item["wreath-alley-of-honour"].pinned) == planned_wreath
    new = edit(["unpin", str(path), "wreath-alley-of-honour"], "wreath-alley-of-honour", 0)
    assert load_visit(path).visit.item["wreath-alley-of-honour"].pinned is None
    assert local(new, "wreath-alley-of-honour") == planned_wreath

    new = edit(["cancel", str(path), "spouse-programme"], "spouse-programme", 1)
    cancelled = new.item("spouse-programme")
    assert cancelled is not None and cancelled.status is Status.CANCELLED
    assert load_visit(path).visit.item["spouse-programme"].cancelled is True

    # an edit that leaves no plan writes nothing: the departure at 10:00 leaves no room
    # for the community meeting (09:00–12:00 window, 50 min from the airport)
    visit_bytes, plan_bytes = path.read_bytes(), plan_file.read_bytes()
    code, out, err = run(["move", str(path), "departure", "--to", "2023-05-31 10:00"], capsys)
    assert code == 1
    assert out.startswith("No plan exists: these facts cannot all hold")
    assert f"{path}:" in out and "Departure from Heydar Aliyev International Airport" in out
    assert "nothing was written" in err
    assert path.read_bytes() == visit_bytes
    assert plan_file.read_bytes() == plan_bytes


def test_moving_an_optional_item_keeps_it(
    reference_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Whoever moves an optional item wants it there: it is not dropped to save a move."""
    assert run(["solve", str(reference_copy)], capsys)[0] == 0
    code, out, _ = run(
        ["move", str(reference_copy), "spouse-programme", "--to", "2023-05-30 12:30"], capsys
    )
    assert code == 0, out
    planned = read_plan(plan_path(reference_copy)).item("spouse-programme")
    assert planned is not None and planned.status is Status.SCHEDULED
    assert str(planned.start) == "2023-05-30 12:30"
    # the festive lunch (Michal attends, 65 min from the museum) had to make room
    assert "moved: Festive lunch" in out
