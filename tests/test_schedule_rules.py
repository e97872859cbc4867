"""Each hard rule of docs/scheduling-rules.md binds, and the solver respects it.

Every test builds a small visit in which the rule under test decides the answer: the item
under test is pulled (by a soft time-of-day preference) towards a time the rule forbids,
and the rule leaves it exactly one legal start. The test asserts that exact start, solves
the same visit without the rule (the item then sits at the forbidden time, so the rule was
binding), and moves the item by hand to the forbidden time to see the independent validator
name the rule. Every plan any solve returns goes through the validator (no error allowed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from planner.model.travel import travel_minutes
from planner.plan import Status
from tests.schedule_support import (
    D2,
    D,
    broken,
    decides,
    item,
    load,
    local,
    moved_to,
    person,
    prefer,
    solve,
    solved,
    status,
    validate_every_plan,  # noqa: F401 (autouse fixture)
    visit_data,
)


def pinned_a(**fields: Any) -> dict[str, Any]:
    """Person a at v1, pinned 10:00–11:00 on the first day."""
    return item("fixed", pinned=f"{D} 10:00", **fields)


# -- rule 1: nobody is in two places at once ----------------------------------------------


def test_no_two_places_at_once(tmp_path: Path) -> None:
    # s fits its window 09:30–12:00 only after a's pinned hour at the same venue: 11:00
    s = item(
        "s", kind="site_visit", window={"earliest_start": f"{D} 09:30", "latest_end": f"{D} 12:00"}
    )
    conventions = [prefer("site_visit", "10:30")]
    decides(
        tmp_path,
        visit_data(pinned_a(), s, conventions=conventions),
        visit_data(pinned_a(), {**s, "attendees": ["b"]}, conventions=conventions),
        "s",
        tight=f"{D} 11:00",
        forbidden=f"{D} 10:30",
        rule="two-places",
    )


@pytest.mark.parametrize(
    ("kind", "holding", "extra"),
    [("site_visit", None, 0), ("site_visit", 15, 15), ("agreement_signing", None, 10)],
    ids=["no-holding", "given-holding", "ceremony-default-holding"],
)
def test_travel_time_and_holding(
    tmp_path: Path, kind: str, holding: int | None, extra: int
) -> None:
    # a leaves v1 at 11:00; the leg to v2 takes 30 min, then the holding time: the only
    # start that still ends within the window is 11:00 + 30 + holding
    tight = 11 * 60 + 30 + extra
    s = item(
        "s",
        kind=kind,
        venue="v2",
        holding=holding,
        window={"earliest_start": f"{D} 09:00", "latest_end": f"{D} {_hm(tight + 60)}"},
    )
    conventions = [prefer(kind, "11:00")]
    decides(
        tmp_path,
        visit_data(pinned_a(), s, conventions=conventions),
        visit_data(pinned_a(venue="v2"), s, conventions=conventions),  # no journey
        "s",
        tight=f"{D} {_hm(tight)}",
        forbidden=f"{D} 11:00",
        rule="travel",
    )


def test_travel_time_estimated_without_a_leg(tmp_path: Path) -> None:
    # v1 → v4 has no measured leg: the motorcade estimate of the model decides
    data = visit_data(pinned_a())
    visit = load(tmp_path, data, "probe.yaml")
    minutes = travel_minutes(visit.travel, visit.venue["v1"], visit.venue["v4"])
    assert minutes is not None and minutes > 10 and minutes % 5 == 0
    tight = 11 * 60 + minutes
    s = item(
        "s",
        kind="site_visit",
        venue="v4",
        window={"earliest_start": f"{D} 09:00", "latest_end": f"{D} {_hm(tight + 60)}"},
    )
    conventions = [prefer("site_visit", "11:00")]
    decides(
        tmp_path,
        visit_data(pinned_a(), s, conventions=conventions),
        visit_data(pinned_a(venue="v4"), s, conventions=conventions),
        "s",
        tight=f"{D} {_hm(tight)}",
        forbidden=f"{D} 11:00",
        rule="travel",
    )


def test_travel_on_a_one_minute_grid(tmp_path: Path) -> None:
    # a 37-minute item puts the time axis on whole minutes: 10:37 + 30 min = 11:07
    s = item(
        "s",
        kind="site_visit",
        venue="v2",
        window={"earliest_start": f"{D} 09:00", "latest_end": f"{D} 12:08"},
    )
    conventions = [prefer("site_visit", "10:37")]
    decides(
        tmp_path,
        visit_data(pinned_a(duration=37), s, conventions=conventions),
        visit_data(pinned_a(duration=37, venue="v2"), s, conventions=conventions),
        "s",
        tight=f"{D} 11:07",
        forbidden=f"{D} 10:37",
        rule="travel",
    )


def test_travel_before_a_pinned_item(tmp_path: Path) -> None:
    # the journey binds in the other direction too: s at v3 must leave 20 min for the
    # drive to v1 and start no later than 10:00 − 20 − 60 = 08:40
    s = item(
        "s",
        kind="site_visit",
        venue="v3",
        window={"earliest_start": f"{D} 08:40", "latest_end": f"{D} 10:30"},
    )
    conventions = [prefer("site_visit", "09:00")]
    decides(
        tmp_path,
        visit_data(pinned_a(), s, conventions=conventions),
        visit_data(pinned_a(venue="v3"), s, conventions=conventions),
        "s",
        tight=f"{D} 08:40",
        forbidden=f"{D} 09:00",
        rule="travel",
    )


def test_no_road_between_cities(tmp_path: Path) -> None:
    # s may be in Potsdam or at v2, which opens only at 12:00; a leaves v1 at 11:00 and
    # s prefers 11:30. With a measured leg v1–Potsdam (5 min) it takes Potsdam at 11:30;
    # without one no road leads there, and v2 at 12:00 is the only choice
    s = item(
        "s",
        kind="site_visit",
        venue=None,
        candidate_venues=["p1", "v2"],
        window={"earliest_start": f"{D} 10:00", "latest_end": f"{D} 13:00"},
    )
    data = visit_data(pinned_a(), s, conventions=[prefer("site_visit", "11:30")])
    data["venues"][1]["opening"] = [{"open": "12:00", "close": "18:00"}]
    visit = load(tmp_path, data, "with.yaml")
    plan = solved(visit)
    assert (plan.item("s").venue, local(plan, "s")) == ("v2", f"{D} 12:00")  # type: ignore[union-attr]
    data["travel"]["legs"].append({"from": "v1", "to": "p1", "minutes": 5})
    free = solved(load(tmp_path, data, "without.yaml"))
    assert (free.item("s").venue, local(free, "s")) == ("p1", f"{D} 11:30")  # type: ignore[union-attr]
    assert broken(visit, moved_to(visit, plan, "s", f"{D} 12:00", venue="p1")) == {"no-road"}


def test_no_road_makes_a_required_item_impossible(tmp_path: Path) -> None:
    s = item("s", venue="p1", days=[D])
    outcome = solve(load(tmp_path, visit_data(pinned_a(), s)))
    assert outcome.status == "infeasible" and outcome.plan is None
    assert outcome.explanation is not None
    keys = {f.key for f in outcome.explanation.facts}
    assert {"attends:a:fixed", "attends:a:s"} <= keys


# -- rule 2: windows and days -------------------------------------------------------------


def test_window(tmp_path: Path) -> None:
    # window 14:00–16:30 and a's pinned 14:30–15:30 at the same venue leave only 15:30
    fixed = item("fixed", pinned=f"{D} 14:30")
    s = item(
        "s", kind="site_visit", window={"earliest_start": f"{D} 14:00", "latest_end": f"{D} 16:30"}
    )
    conventions = [prefer("site_visit", "11:00")]
    decides(
        tmp_path,
        visit_data(fixed, s, conventions=conventions),
        visit_data(fixed, {**s, "window": None, "days": [D]}, conventions=conventions),
        "s",
        tight=f"{D} 15:30",
        forbidden=f"{D} 11:00",
        rule="window",
    )


def test_days(tmp_path: Path) -> None:
    # 18:00 is preferred, and only the first day has it within the window; `days` keeps the
    # item on the second day, where a is busy until 10:00 and the window closes at 11:00
    fixed = item("fixed", pinned=f"{D2} 08:00", duration=120)
    window = {"earliest_start": f"{D} 11:00", "latest_end": f"{D2} 11:00"}
    s = item("s", kind="site_visit", window=window, days=[D2])
    conventions = [prefer("site_visit", "18:00")]
    decides(
        tmp_path,
        visit_data(fixed, s, conventions=conventions),
        visit_data(fixed, {**s, "days": None}, conventions=conventions),
        "s",
        tight=f"{D2} 10:00",
        forbidden=f"{D} 18:00",
        rule="day",
    )


# -- rule 3: pins ---------------------------------------------------------------------------


def test_pin(tmp_path: Path) -> None:
    s = item("s", kind="site_visit", pinned=f"{D} 12:00")
    conventions = [prefer("site_visit", "10:00")]
    decides(
        tmp_path,
        visit_data(s, conventions=conventions),
        visit_data({**s, "pinned": None, "days": [D]}, conventions=conventions),
        "s",
        tight=f"{D} 12:00",
        forbidden=f"{D} 10:00",
        rule="pinned",
    )


def test_pin_outside_programme_hours(tmp_path: Path) -> None:
    # programme hours bind unpinned items only: a pin at 07:00 (before 08:00) stands
    plan = solved(load(tmp_path, visit_data(item("s", pinned=f"{D} 07:00"))))
    assert local(plan, "s") == f"{D} 07:00"


# -- rule 4: programme hours ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("window", "tight", "forbidden"),
    [(("06:00", "09:00"), "08:00", "07:00"), (("19:00", "21:00"), "19:00", "20:00")],
    ids=["start", "end"],
)
def test_programme_hours(
    tmp_path: Path, window: tuple[str, str], tight: str, forbidden: str
) -> None:
    s = item(
        "s",
        kind="site_visit",
        window={"earliest_start": f"{D} {window[0]}", "latest_end": f"{D} {window[1]}"},
    )
    conventions = [prefer("site_visit", forbidden)]
    decides(
        tmp_path,
        visit_data(s, conventions=conventions),
        visit_data(s, conventions=conventions, programme_hours={"start": "06:00", "end": "22:00"}),
        "s",
        tight=f"{D} {tight}",
        forbidden=f"{D} {forbidden}",
        rule="programme-hours",
    )


# -- rule 5: venue opening hours ------------------------------------------------------------


def test_venue_opening_hours(tmp_path: Path) -> None:
    s = item(
        "s",
        kind="site_visit",
        venue="v3",
        window={"earliest_start": f"{D} 09:00", "latest_end": f"{D} 11:00"},
    )
    conventions = [prefer("site_visit", "09:00")]
    opened = visit_data(s, conventions=conventions)
    opened["venues"][2]["opening"] = [{"open": "10:00", "close": "18:00"}]
    decides(
        tmp_path,
        opened,
        visit_data(s, conventions=conventions),
        "s",
        tight=f"{D} 10:00",
        forbidden=f"{D} 09:00",
        rule="venue-hours",
    )


def test_venue_opening_hours_on_set_dates(tmp_path: Path) -> None:
    # open 09:00–18:00 on the first day but only 15:00–18:00 on the second: an item with
    # days [second day] and a window ending 16:00 there can only start at 15:00
    s = item(
        "s",
        kind="site_visit",
        venue="v3",
        days=[D2],
        window={"earliest_start": f"{D2} 09:00", "latest_end": f"{D2} 16:00"},
    )
    conventions = [prefer("site_visit", "10:00")]
    opened = visit_data(s, conventions=conventions)
    opened["venues"][2]["opening"] = [
        {"open": "09:00", "close": "18:00", "dates": [D]},
        {"open": "15:00", "close": "18:00", "dates": [D2]},
    ]
    decides(
        tmp_path,
        opened,
        visit_data(s, conventions=conventions),
        "s",
        tight=f"{D2} 15:00",
        forbidden=f"{D2} 10:00",
        rule="venue-hours",
    )


# -- rules 6 and 7: exclusive venues, capacity ----------------------------------------------


def test_exclusive_venue(tmp_path: Path) -> None:
    # b holds v2 10:00–11:00; a's item at v2 (window 09:30–12:00) must wait until 11:00
    fixed = item("fixed", attendees=["b"], venue="v2", pinned=f"{D} 10:00")
    s = item(
        "s",
        kind="site_visit",
        venue="v2",
        window={"earliest_start": f"{D} 09:30", "latest_end": f"{D} 12:00"},
    )
    conventions = [prefer("site_visit", "10:30")]
    shared = visit_data(fixed, s, conventions=conventions)
    shared["venues"][1]["exclusive"] = False
    decides(
        tmp_path,
        visit_data(fixed, s, conventions=conventions),
        shared,
        "s",
        tight=f"{D} 11:00",
        forbidden=f"{D} 10:30",
        rule="exclusive-venue",
    )


@pytest.mark.parametrize(("capacity", "overlap"), [(3, False), (4, True)])
def test_capacity_of_a_non_exclusive_venue(tmp_path: Path, capacity: int, overlap: bool) -> None:
    # b and c hold v1 10:00–11:00; a and h want to be there at 10:30: four people
    fixed = item("fixed", attendees=["b", "c"], pinned=f"{D} 10:00")
    s = item(
        "s",
        kind="site_visit",
        attendees=["a", "h"],
        window={"earliest_start": f"{D} 09:30", "latest_end": f"{D} 12:00"},
    )
    data = visit_data(fixed, s, conventions=[prefer("site_visit", "10:30")])
    data["venues"][0]["capacity"] = capacity
    visit = load(tmp_path, data)
    plan = solved(visit)
    if overlap:  # four fit in four places: the preference wins
        assert local(plan, "s") == f"{D} 10:30"
    else:
        assert local(plan, "s") == f"{D} 11:00"
        assert broken(visit, moved_to(visit, plan, "s", f"{D} 10:30")) == {"capacity"}


def test_optional_attendee_joins_only_while_there_is_room(tmp_path: Path) -> None:
    # b and c hold v1 (capacity 3) from 10:00; a's item at the same time has room for a
    # alone: h, an optional attendee, stays out (4 would exceed the capacity)
    fixed = item("fixed", attendees=["b", "c"], pinned=f"{D} 10:00")
    s = item("s", kind="site_visit", optional_attendees=["h"], pinned=f"{D} 10:30")
    data = visit_data(fixed, s)
    data["venues"][0]["capacity"] = 3
    plan = solved(load(tmp_path, data))
    assert plan.item("s").attendees == ("a",)  # type: ignore[union-attr]
    data["venues"][0]["capacity"] = 4
    roomy = solved(load(tmp_path, data, "roomy.yaml"))
    assert roomy.item("s").attendees == ("a", "h")  # type: ignore[union-attr]


# -- rule 8: ordering rules -----------------------------------------------------------------


ORDER_CASES = {
    # name: (order rule, the same rule without what is tested, window, tight, forbidden)
    "after-min-gap": (
        {"after": "fixed", "min_gap": 30},
        {"after": "fixed"},
        ("10:00", "12:30"),
        "11:30",
        "11:00",
    ),
    "after-max-gap": (
        {"after": "fixed", "max_gap": 30},
        {"after": "fixed"},
        ("11:30", "14:00"),
        "11:30",
        "12:00",
    ),
    "before-min-gap": (
        {"before": "fixed", "min_gap": 30},
        {"before": "fixed"},
        ("12:30", "15:00"),
        "12:30",
        "13:00",
    ),
    "before-max-gap": (
        {"before": "fixed", "max_gap": 30},
        {"before": "fixed"},
        ("08:00", "13:30"),
        "12:30",
        "10:00",
    ),
}


@pytest.mark.parametrize("case", list(ORDER_CASES))
def test_order(tmp_path: Path, case: str) -> None:
    rule, loose, window, tight, forbidden = ORDER_CASES[case]
    # b's fixed item: 10:00–11:00 when s comes after it, 14:00–15:00 when s comes before
    at = "10:00" if "after" in rule else "14:00"
    fixed = item("fixed", attendees=["b"], pinned=f"{D} {at}")
    s = item(
        "s",
        kind="site_visit",
        window={"earliest_start": f"{D} {window[0]}", "latest_end": f"{D} {window[1]}"},
    )
    conventions = [prefer("site_visit", forbidden)]
    decides(
        tmp_path,
        visit_data(fixed, {**s, "order": [rule]}, conventions=conventions),
        visit_data(fixed, {**s, "order": [loose]}, conventions=conventions),
        "s",
        tight=f"{D} {tight}",
        forbidden=f"{D} {forbidden}",
        rule="order",
    )


def test_order_same_day(tmp_path: Path) -> None:
    # after b's 18:00–19:00 item the same day leaves 19:00 (the programme ends at 20:00);
    # without same_day the preferred 09:00 of the next day wins
    fixed = item("fixed", attendees=["b"], pinned=f"{D} 18:00")
    s = item("s", kind="site_visit")
    conventions = [prefer("site_visit", "09:00")]
    decides(
        tmp_path,
        visit_data(
            fixed, {**s, "order": [{"after": "fixed", "same_day": True}]}, conventions=conventions
        ),
        visit_data(fixed, {**s, "order": [{"after": "fixed"}]}, conventions=conventions),
        "s",
        tight=f"{D} 19:00",
        forbidden=f"{D2} 09:00",
        rule="order",
    )


def test_order_does_not_bind_a_dropped_item(tmp_path: Path) -> None:
    # the optional item cannot take place (no road to Potsdam for a); its order rule then
    # does not apply, and s is free to take its preferred time
    tour = item("tour", venue="p1", optional=True, priority=2, days=[D])
    s = item("s", kind="site_visit", days=[D], order=[{"after": "tour", "min_gap": 60}])
    visit = load(
        tmp_path, visit_data(pinned_a(), tour, s, conventions=[prefer("site_visit", "08:00")])
    )
    outcome = solve(visit)
    assert outcome.plan is not None
    assert outcome.dropped == ["tour"]
    assert status(outcome.plan, "tour") is Status.DROPPED
    assert local(outcome.plan, "s") == f"{D} 08:00"


# -- rule 9: presence ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stay", "window", "tight", "forbidden"),
    [
        ({"arrive": f"{D} 12:00"}, ("10:00", "13:00"), "12:00", "10:30"),
        ({"depart": f"{D} 12:00"}, ("11:00", "13:00"), "11:00", "11:30"),
    ],
    ids=["arrival", "departure"],
)
def test_presence(
    tmp_path: Path,
    stay: dict[str, str],
    window: tuple[str, str],
    tight: str,
    forbidden: str,
) -> None:
    s = item(
        "s",
        kind="site_visit",
        window={"earliest_start": f"{D} {window[0]}", "latest_end": f"{D} {window[1]}"},
    )
    conventions = [prefer("site_visit", forbidden)]
    with_rule = visit_data(s, conventions=conventions)
    with_rule["people"][0] = person("a", presence=[{"city": "berlin", **stay}])
    decides(
        tmp_path,
        with_rule,
        visit_data(s, conventions=conventions),
        "s",
        tight=f"{D} {tight}",
        forbidden=f"{D} {forbidden}",
        rule="presence",
    )


# -- rule 10: hard conventions ----------------------------------------------------------------


def test_hard_order_convention(tmp_path: Path) -> None:
    # briefings come before site visits of the same people: s (window 09:00–13:00) cannot
    # take 09:00 before a's pinned 11:00–12:00 briefing, only 12:00 after it
    fixed = item("fixed", pinned=f"{D} 11:00")
    s = item(
        "s", kind="site_visit", window={"earliest_start": f"{D} 09:00", "latest_end": f"{D} 13:00"}
    )
    rule = {
        "rule": "order",
        "id": "briefing-first",
        "description": "briefings come before site visits",
        "first": ["briefing"],
        "then": ["site_visit"],
        "strength": "hard",
    }
    prefer_nine = prefer("site_visit", "09:00")
    decides(
        tmp_path,
        visit_data(fixed, s, conventions=[rule, prefer_nine]),
        visit_data(fixed, s, conventions=[{**rule, "strength": "soft", "weight": 1}, prefer_nine]),
        "s",
        tight=f"{D} 12:00",
        forbidden=f"{D} 09:00",
        rule="convention",
    )


def test_hard_time_of_day_convention(tmp_path: Path) -> None:
    # site visits start 15:00–15:30 (both ends allowed); a is busy at v1 14:00–15:30
    fixed = item("fixed", pinned=f"{D} 14:00", duration=90)
    s = item("s", kind="site_visit", days=[D])
    rule = {
        "rule": "time_of_day",
        "id": "afternoon-visits",
        "description": "site visits in the mid-afternoon",
        "kinds": ["site_visit"],
        "start_from": "15:00",
        "start_until": "15:30",
        "strength": "hard",
    }
    prefer_ten = prefer("site_visit", "10:00")
    decides(
        tmp_path,
        visit_data(fixed, s, conventions=[rule, prefer_ten]),
        visit_data(fixed, s, conventions=[{**rule, "strength": "off"}, prefer_ten]),
        "s",
        tight=f"{D} 15:30",
        forbidden=f"{D} 10:00",
        rule="convention",
    )


# -- optional and cancelled items ----------------------------------------------------------


def test_optional_item_kept_when_it_fits(tmp_path: Path) -> None:
    tour = item("tour", kind="site_visit", optional=True, priority=1, days=[D])
    outcome = solve(load(tmp_path, visit_data(pinned_a(), tour)))
    assert outcome.plan is not None and outcome.dropped == []
    assert status(outcome.plan, "tour") is Status.SCHEDULED


def test_optional_item_dropped_only_when_it_must_be(tmp_path: Path) -> None:
    # two optional items compete for a's one free hour (10:00–11:00 of a day otherwise
    # pinned): the higher priority is kept, the lower dropped and reported
    morning = item("morning", pinned=f"{D} 08:00", duration=120)
    afternoon = item("afternoon", pinned=f"{D} 11:00", duration=540)
    low = item("low", kind="site_visit", optional=True, priority=3, days=[D])
    high = item("high", kind="site_visit", optional=True, priority=8, days=[D])
    visit = load(tmp_path, visit_data(morning, afternoon, low, high))
    outcome = solve(visit)
    assert outcome.plan is not None
    assert outcome.dropped == ["low"]
    assert status(outcome.plan, "low") is Status.DROPPED
    assert local(outcome.plan, "high") == f"{D} 10:00"
    assert [s.measure for s in outcome.scores if s.goal == "dropped"] == [1]


def test_required_item_is_never_dropped(tmp_path: Path) -> None:
    morning = item("morning", pinned=f"{D} 08:00", duration=120)
    afternoon = item("afternoon", pinned=f"{D} 11:00", duration=540)
    low = item("low", kind="site_visit", days=[D])
    high = item("high", kind="site_visit", days=[D])
    outcome = solve(load(tmp_path, visit_data(morning, afternoon, low, high)))
    assert outcome.status == "infeasible" and outcome.plan is None and outcome.dropped == []


def test_cancelled_item_stays_cancelled(tmp_path: Path) -> None:
    # the cancelled item could never take place (a at the same time elsewhere): it is not
    # scheduled, not dropped, but cancelled; uncancelled, no plan exists
    clash = item("clash", venue="v2", pinned=f"{D} 10:30")
    visit = load(tmp_path, visit_data(pinned_a(), {**clash, "cancelled": True}))
    outcome = solve(visit)
    assert outcome.plan is not None and outcome.dropped == []
    assert status(outcome.plan, "clash") is Status.CANCELLED
    assert outcome.plan.item("clash").start is None  # type: ignore[union-attr]
    again = solve(visit, outcome.plan)
    assert again.plan is not None and status(again.plan, "clash") is Status.CANCELLED
    assert solve(load(tmp_path, visit_data(pinned_a(), clash), "live.yaml")).status == "infeasible"


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def test_a_persons_own_programme_hours(tmp_path: Path) -> None:
    """Rule 4, per person: an attendee's own day narrows the visit's hours."""
    s = item("s", kind="site_visit", days=[D])
    conventions = [prefer("site_visit", "08:00")]
    tired = visit_data(s, conventions=conventions)
    tired["people"][0]["programme_hours"] = {"start": "09:30", "end": "20:00"}
    decides(
        tmp_path,
        tired,
        visit_data(s, conventions=conventions),
        "s",
        tight=f"{D} 09:30",
        forbidden=f"{D} 08:00",
        rule="programme-hours",
    )


def test_own_programme_hours_too_short_is_refused(tmp_path: Path) -> None:
    """No room left in someone's day for an item: the file checker says so."""
    s = item("s", kind="site_visit", duration=90)
    short = visit_data(s)
    short["people"][0]["programme_hours"] = {"start": "09:00", "end": "10:00"}
    from planner.visitfile import VisitFileError, load_visit
    from tests.schedule_support import write_visit

    path = write_visit(tmp_path, short)
    with pytest.raises(VisitFileError) as caught:
        load_visit(path)
    message = str(caught.value)
    assert "90 min do not fit the programme hours 09:00–10:00 (the day of A)" in message


def test_long_days_are_shortened_when_they_can_be(tmp_path: Path) -> None:
    """Soft goal: a principal's day beyond 12 hours costs 3 per minute. A pull of 150
    towards 08:00 loses against a 60-minute longer day for a principal (180), and wins
    for an official, whose day is not counted."""
    early = item("early", pinned=f"{D} 09:00", duration=30)
    late = item("late", pinned=f"{D} 20:00", duration=60)
    flexible = item(
        "flexible",
        kind="site_visit",
        window={"earliest_start": f"{D} 08:00", "latest_end": f"{D} 20:00"},
    )
    pull = dict(prefer("site_visit", "08:00"), weight=5)
    data = visit_data(early, late, flexible, conventions=[pull])
    data["people"][0]["role"] = "principal"
    start = local(solved(load(tmp_path, data)), "flexible")
    assert f"{D} 09:30" <= start <= f"{D} 19:00", start  # inside the 12-hour day
    data["people"][0]["role"] = "official"
    assert local(solved(load(tmp_path, data, "official.yaml")), "flexible") == f"{D} 08:00"
