"""Plans that read right (issue 11 §2): customary times of day kept unless the file
softens them, a lunch and a rest for principals, spouses and ministers, no holes in their
day, flexible items at the day's hours, optional attendees joining when they are free,
and a principal's buffer before a pinned item. Each goal binds: without it (its waiver, a
person it does not concern, the rule softened) the plan would be wrong in that way."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from planner.plan import Plan
from planner.visitfile import VisitFileError
from tests.schedule_support import (
    D,
    errors_of,
    hm,
    item,
    load,
    local,
    moved_to,
    person,
    prefer,
    solved,
    validate_every_plan,
    visit_data,
)

__all__ = ["validate_every_plan"]


def people(
    role_a: str = "principal", role_b: str = "spouse", side_a: str = "guest"
) -> list[dict[str, Any]]:
    return [
        person("a", side_a, role=role_a, precedence=1),
        person("b", role=role_b, precedence=2),
        person("c"),
        person("h", "host"),
        person("k", "host"),
    ]


def customs(*items: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The test visit with the host's (Germany's: the common) customs, 08:00–23:00."""
    changes.setdefault("programme_hours", {"start": "08:00", "end": "23:00"})
    return visit_data(*items, use_host_conventions=True, people=people(), **changes)


def no_lunch(*who: str) -> dict[str, Any]:
    return {"lunch": False, "people": list(who), "reason": "not what this test is about"}


def no_rest(*who: str) -> dict[str, Any]:
    return {"rest": False, "people": list(who), "reason": "not what this test is about"}


# -- customary times of day: hard unless the file softens them ----------------------------


@pytest.mark.parametrize(
    ("kind", "pull", "lo", "hi"),
    [
        ("banquet", "10:00", "19:00", "21:00"),
        ("official_welcome", "18:00", "08:00", "15:00"),
        ("wreath_laying", "20:00", "08:00", "19:00"),
    ],
)
def test_customary_time_of_day_is_kept(
    tmp_path: Path, kind: str, pull: str, lo: str, hi: str
) -> None:
    # a soft pull of weight 100 (3000 per item) towards an hour outside the custom: a
    # soft custom would give in to it, the hard one does not
    it = item("x", kind=kind, duration=60, days=[D], attendees=["a", "h"])
    pulled = prefer(kind, pull)
    plan = solved(load(tmp_path, customs(it, conventions=[pulled]), "hard.yaml"))
    assert lo <= hm(plan.item("x").start) <= hi  # type: ignore[union-attr]
    rule = {
        "banquet": "banquet-in-the-evening",
        "official_welcome": "welcome-by-day",
        "wreath_laying": "memorials-by-day",
    }[kind]
    soft = {"rule": "override", "id": rule, "strength": "soft", "reason": "the real visit did"}
    plan = solved(load(tmp_path, customs(it, conventions=[pulled, soft]), "soft.yaml"))
    assert hm(plan.item("x").start) == pull  # type: ignore[union-attr]


def test_validator_flags_a_banquet_in_the_morning_by_default(tmp_path: Path) -> None:
    banquet = item("banquet", kind="banquet", duration=120, days=[D], attendees=["a", "h"])
    visit = load(tmp_path, customs(banquet))
    plan = solved(visit)
    assert errors_of(visit, plan) == []
    wrong = moved_to(visit, plan, "banquet", f"{D} 10:30")
    found = errors_of(visit, wrong)
    assert any("banquet-in-the-evening" in e and "10:30" in e for e in found), found


def test_a_pinned_banquet_outside_the_custom_needs_the_files_word(tmp_path: Path) -> None:
    # the host fixed a lunchtime banquet: no plan keeps both, unless the file says so
    from tests.schedule_support import solve

    banquet = item("banquet", kind="banquet", duration=120, pinned=f"{D} 12:30", attendees=["a"])
    outcome = solve(load(tmp_path, customs(banquet), "strict.yaml"))
    assert outcome.plan is None and outcome.explanation is not None
    assert any(f.key.startswith("tod:banquet-in-the-evening") for f in outcome.explanation.facts)
    soft = {
        "rule": "override",
        "id": "banquet-in-the-evening",
        "strength": "soft",
        "reason": "the host held the banquet at lunchtime for an elderly guest",
    }
    plan = solved(load(tmp_path, customs(banquet, conventions=[soft]), "said.yaml"))
    assert hm(plan.item("banquet").start) == "12:30"  # type: ignore[union-attr]


# -- lunch ---------------------------------------------------------------------------------


def _lunch_visit(*waivers: dict[str, Any]) -> dict[str, Any]:
    # a is busy 10:00–12:00 and from 14:30; f (90 min) lies within 12:00–14:30 and is
    # pulled to 12:20, which would leave no free 45 min between 11:30 and 14:30
    return visit_data(
        item("morning", pinned=f"{D} 10:00", duration=120),
        item("afternoon", pinned=f"{D} 14:30", duration=90),
        item(
            "f",
            kind="site_visit",
            duration=90,
            window={"earliest_start": f"{D} 12:00", "latest_end": f"{D} 14:30"},
        ),
        people=people(),
        conventions=[{**prefer("site_visit", "12:20"), "weight": 1}],
        meals=list(waivers) or None,
    )


def test_a_principal_gets_a_lunch_window(tmp_path: Path) -> None:
    plan = solved(load(tmp_path, _lunch_visit()))
    start = hm(plan.item("f").start)  # type: ignore[union-attr]
    assert start == "12:00" or start >= "12:45", start


def test_lunch_waived_by_the_visit(tmp_path: Path) -> None:
    plan = solved(load(tmp_path, _lunch_visit(no_lunch("a"))))
    assert local(plan, "f") == f"{D} 12:20"


def test_a_lunch_item_is_a_lunch(tmp_path: Path) -> None:
    data = _lunch_visit()
    data["items"].append(
        item("lunch", kind="lunch", duration=30, pinned=f"{D} 14:05", attendees=["a"])
    )
    data["items"][1] = item("afternoon", pinned=f"{D} 14:50", duration=90)
    plan = solved(load(tmp_path, data))
    assert local(plan, "f") == f"{D} 12:20"


def test_no_lunch_is_taken_on_the_way(tmp_path: Path) -> None:
    # a is at v1 until 12:00 and at v2 from 15:00, the drive 30 min; f (60 min, at v2)
    # pulled to 13:05 would leave 65 min before it, 35 of them free of the drive, and 25
    # after it before 14:30: a lunch only if taken in the car
    data = visit_data(
        item("morning", pinned=f"{D} 10:00", duration=120),
        item("afternoon", pinned=f"{D} 15:00", duration=60, venue="v2"),
        item(
            "f",
            kind="site_visit",
            venue="v2",
            window={"earliest_start": f"{D} 12:00", "latest_end": f"{D} 15:00"},
        ),
        people=people(),
        conventions=[{**prefer("site_visit", "13:05"), "weight": 1}],
    )
    plan = solved(load(tmp_path, data))
    start = hm(plan.item("f").start)  # type: ignore[union-attr]
    assert start == "12:30" or start >= "13:15", start


def test_meals_waiver_names_people_of_the_visit(tmp_path: Path) -> None:
    with pytest.raises(VisitFileError) as caught:
        load(tmp_path, _lunch_visit(no_lunch("zed")))
    assert "meals" in str(caught.value.diagnostics[0]) and "zed" in str(caught.value.diagnostics[0])


# -- rest after four hours -------------------------------------------------------------------


def _stretch(plan: Plan, ids: list[str]) -> int:
    """The longest run of the items (minutes, first start to last end) with no pause of
    30 min between two of them."""
    spans = sorted((plan.item(i).start_at(), plan.item(i).end_at()) for i in ids)  # type: ignore[union-attr]
    longest, first, last = 0, spans[0][0], spans[0][1]
    for s, e in spans[1:]:
        if s - last >= timedelta(minutes=30):
            first = s
        last = e
        longest = max(longest, int((last - first).total_seconds() // 60))
    return max(longest, int((spans[0][1] - spans[0][0]).total_seconds() // 60))


@pytest.mark.parametrize(("waived", "side"), [(False, "guest"), (True, "guest"), (False, "host")])
def test_a_rest_after_four_hours(tmp_path: Path, waived: bool, side: str) -> None:
    # five hours of items between 08:00 and 14:00: the day's rhythm wants them from 09:00
    # (no pause then), a rest wants a pause of 30 min before the fifth hour (a guest's:
    # the host's day is their own office's)
    ids = [f"x{n}" for n in range(5)]
    window = {"earliest_start": f"{D} 08:00", "latest_end": f"{D} 14:00"}
    data = visit_data(
        *(item(i, window=window) for i in ids),
        people=people(side_a=side),
        meals=[no_lunch("a"), *([no_rest("a")] if waived else [])],
    )
    plan = solved(load(tmp_path, data))
    if waived or side == "host":
        assert _stretch(plan, ids) == 300
    else:
        assert _stretch(plan, ids) <= 240


# -- holes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "side"), [("principal", "guest"), ("official", "guest"), ("principal", "host")]
)
def test_no_hole_in_a_principals_day(tmp_path: Path, role: str, side: str) -> None:
    # a is busy 09:00–10:00 and 16:00–17:00; f (1 h), pulled to 10:00, would leave a hole
    # of five hours; for a guest principal it goes where both holes are 90 min at most
    # beyond (a host goes back to the office between the visit's items)
    data = visit_data(
        item("first", pinned=f"{D} 09:00"),
        item("last", pinned=f"{D} 16:00"),
        item("f", kind="site_visit", days=[D]),
        people=people(role_a=role, side_a=side),
        conventions=[{**prefer("site_visit", "10:00"), "weight": 1}],
        meals=[no_lunch("a")],
    )
    plan = solved(load(tmp_path, data))
    start = hm(plan.item("f").start)  # type: ignore[union-attr]
    if (role, side) == ("principal", "guest"):
        assert "11:30" <= start <= "13:30", start
    else:
        assert start == "10:00"


# -- the day's rhythm --------------------------------------------------------------------------


def test_flexible_items_are_not_packed_early(tmp_path: Path) -> None:
    # nothing else tells one start from another: the day's programme begins at 09:00
    data = visit_data(
        item("f", kind="site_visit", days=[D]),
        item("g", attendees=["b"], days=[D]),
        programme_hours={"start": "07:00", "end": "20:00"},
        people=people(),
    )
    plan = solved(load(tmp_path, data))
    assert hm(plan.item("f").start) >= "09:00"  # type: ignore[union-attr]
    assert hm(plan.item("g").start) >= "09:00"  # type: ignore[union-attr]


# -- optional attendance -----------------------------------------------------------------------


def test_a_free_spouse_joins_what_she_is_invited_to(tmp_path: Path) -> None:
    # b (the spouse) has tea 10:00–11:00; the reception, pulled to 10:00 (30), moves so
    # that she can join it (160)
    data = visit_data(
        item("tea", attendees=["b"], pinned=f"{D} 10:00", venue="v1"),
        item(
            "reception",
            kind="reception",
            days=[D],
            attendees=["a"],
            optional_attendees=["b"],
            venue="v1",
        ),
        people=people(),
        conventions=[{**prefer("reception", "10:00"), "weight": 1}],
        meals=[no_lunch("a", "b")],
    )
    plan = solved(load(tmp_path, data))
    assert "b" in plan.item("reception").attendees  # type: ignore[union-attr]
    assert local(plan, "reception") != f"{D} 10:00"


def test_optional_attendance_by_priority_not_by_the_file(tmp_path: Path) -> None:
    # two pinned items at the same time invite c: the required one (before: whichever
    # came first by precedence and id) gets him
    data = visit_data(
        item(
            "a-tour",
            kind="site_visit",
            optional=True,
            priority=2,
            pinned=f"{D} 10:00",
            attendees=["a"],
            optional_attendees=["c"],
            venue="v1",
        ),
        item(
            "b-talks",
            kind="expanded_talks",
            pinned=f"{D} 10:00",
            attendees=["b"],
            optional_attendees=["c"],
            venue="v1",
        ),
        people=people(),
    )
    plan = solved(load(tmp_path, data))
    assert "c" in plan.item("b-talks").attendees  # type: ignore[union-attr]
    assert "c" not in plan.item("a-tour").attendees  # type: ignore[union-attr]


# -- a principal's buffer ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["principal", "official"])
def test_a_principal_arrives_with_time_to_spare(tmp_path: Path, role: str) -> None:
    # f (at v1) is pulled to end right when the pinned item at v1 begins (a pull of 90):
    # a principal keeps the 15 min buffer (150), another person gives it up (60)
    data = visit_data(
        item("pinned", pinned=f"{D} 12:00", venue="v1"),
        item("f", kind="site_visit", days=[D], venue="v1"),
        people=people(role_a=role),
        conventions=[{**prefer("site_visit", "11:00"), "weight": 3}],
        meals=[no_lunch("a")],
    )
    plan = solved(load(tmp_path, data))
    if role == "principal":
        assert hm(plan.item("f").start) <= "10:45"  # type: ignore[union-attr]
    else:
        assert local(plan, "f") == f"{D} 11:00"


# -- ties --------------------------------------------------------------------------------------


def test_the_same_visit_gives_the_same_plan(tmp_path: Path) -> None:
    # a banquet anywhere in 19:00-21:00 and talks anywhere in a wide afternoon are equally
    # good: the plan keeps to the earliest of the times that tie, solve after solve
    data = customs(
        item(
            "talks",
            kind="one_on_one_talks",
            window={"earliest_start": f"{D} 14:00", "latest_end": f"{D} 18:00"},
        ),
        item("dinner", kind="banquet", venue="v2", days=[D]),
        item(
            "walk", window={"earliest_start": f"{D} 14:00", "latest_end": f"{D} 18:00"}, venue="v3"
        ),
        meals=[no_lunch("a")],
    )
    visit = load(tmp_path, data)
    plans = {
        tuple((p.id, hm(p.start), p.venue) for p in solved(visit, workers=2).items)
        for _ in range(4)
    }
    assert len(plans) == 1
    (plan,) = plans
    assert {item_id: start for item_id, start, _ in plan}["dinner"] == "19:00"
