"""Time-of-day traffic (issue 10 §3): rush hours on a city's roads, and legs whose minutes
depend on the hour they leave. The scheduler gives a journey that leaves in those hours
its slower minutes, the validator flags a plan that does not, and itineraries say how
long the journey takes at the hour it leaves."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from planner.model import WallTime
from planner.model.travel import journey, slow_hours
from tests.schedule_support import (
    D,
    errors_of,
    hm,
    item,
    load,
    parse,
    planned_in,
    prefer,
    replaced,
    solved,
    validate_every_plan,
    visit_data,
)

__all__ = ["validate_every_plan"]

DAY = date.fromisoformat(D)


def _rushed(*items: dict[str, Any]) -> dict[str, Any]:
    """The rule visit; the v1–v2 leg takes 60 min instead of 30 when it leaves between
    08:00 and 10:00, and Berlin's roads are twice as slow from 16:00 to 19:00."""
    data = visit_data(*items, conventions=[prefer("briefing", "08:00")])
    leg = next(x for x in data["travel"]["legs"] if (x["from"], x["to"]) == ("v1", "v2"))
    leg["by_hour"] = [{"start": "08:00", "end": "10:00", "minutes": 60}]
    data["travel"]["roads"] = [
        {
            "id": "berlin",
            "city": "berlin",
            "rush_hours": [{"start": "16:00", "end": "19:00", "factor": 2}],
        }
    ]
    return data


def test_a_journey_is_slower_in_its_hours() -> None:
    visit = parse(_rushed(item("x")))
    v1, v2, v4 = (visit.venue[v] for v in ("v1", "v2", "v4"))
    assert journey(visit.travel, v1, v2, leaves=(DAY, 9 * 60)).minutes == 60  # type: ignore[union-attr]
    assert journey(visit.travel, v1, v2, leaves=(DAY, 10 * 60)).minutes == 30  # type: ignore[union-attr]
    assert journey(visit.travel, v1, v2).minutes == 30  # type: ignore[union-attr]
    calm = journey(visit.travel, v1, v4, leaves=(DAY, 12 * 60))
    rush = journey(visit.travel, v1, v4, leaves=(DAY, 17 * 60))
    assert calm is not None and rush is not None
    assert rush.minutes > calm.minutes  # the estimate's drive doubles, the buffer does not
    assert [s.minutes for s in slow_hours(visit.travel, v1, v4)] == [rush.minutes]


def test_the_scheduler_gives_the_rush_its_minutes() -> None:
    """Talks at v1 until 09:00, then a briefing at v2 pulled as early as it may be: the
    leg leaves at 09:00, in its slow hours, so the briefing starts 10:00, not 09:30."""
    visit = parse(
        _rushed(
            item("talks", pinned=f"{D} 08:00"),
            item("brief", venue="v2", days=[D], order=[{"after": "talks"}]),
        )
    )
    plan = solved(visit)
    assert hm(planned_in(plan, "brief").start) == "10:00"
    # the same after talks that end at 10:00: out of the slow hours, 30 minutes
    later = parse(
        _rushed(
            item("talks", pinned=f"{D} 09:00"),
            item("brief", venue="v2", days=[D], order=[{"after": "talks"}]),
        )
    )
    assert hm(planned_in(solved(later), "brief").start) == "10:30"


def test_the_validator_flags_a_plan_that_forgets_the_rush() -> None:
    visit = parse(
        _rushed(
            item("talks", pinned=f"{D} 08:00"),
            item("brief", venue="v2", days=[D], order=[{"after": "talks"}]),
        )
    )
    plan = solved(visit)
    early = planned_in(plan, "brief").model_copy(
        update={"start": WallTime.parse(f"{D} 09:30"), "end": WallTime.parse(f"{D} 10:30")}
    )
    items = tuple(early if p.id == "brief" else p for p in plan.items)
    errors = errors_of(visit, plan.model_copy(update={"items": items}))
    assert any(
        "the journey takes 60 min (leaving at 09:00, in the slower hours), and there are only "
        "30 min between them" in e
        for e in errors
    ), errors


def test_the_itinerary_gives_the_minutes_of_the_hour_it_leaves(tmp_path: Path) -> None:
    from planner.export.outputs import build

    visit = load(
        tmp_path,
        _rushed(
            item("talks", pinned=f"{D} 08:00"),
            item("brief", venue="v2", days=[D], order=[{"after": "talks"}]),
        ),
    )
    files = {p: c.decode() for p, c in build(visit, solved(visit)).items()}
    assert "- Travel before: leave Talks 09:00: motorcade 1 h (A)" in files["people/a.md"]


def test_an_itinerary_leaves_as_late_as_the_hours_allow(tmp_path: Path) -> None:
    """The talks end 09:00 and the briefing at v2 is at 11:00: the reader leaves the talks
    at 10:30 (30 min, after the slower hours), not as they end (60 min); for a briefing at
    10:20 only leaving 09:20 in the slower hours arrives in time. The reader's calendar
    says the same, and a change of the time to leave alone is told and raises the
    event's SEQUENCE."""
    from planner.disclosure import views
    from planner.export.changes import person_changes
    from planner.export.outputs import build
    from planner.export.tiers import for_person

    def built(at: str, holding: int = 0, previous: Any = None) -> tuple[Any, Any, dict[str, str]]:
        brief = item("brief", venue="v2", pinned=f"{D} {at}", holding=holding)
        visit = load(tmp_path, _rushed(item("talks", pinned=f"{D} 08:00"), brief))
        plan = solved(visit, previous)
        return visit, plan, {p: c.decode() for p, c in build(visit, plan).items()}

    visit, plan, files = built("11:00")
    assert "- Travel before: leave Talks 10:30: motorcade 30 min (A)" in files["people/a.md"]
    ics = files["people/a.ics"].replace("\r\n ", "")
    event = ics[ics.index("SUMMARY:Brief") :]
    assert "Leave Talks 10:30 (motorcade 30 min)" in event[: event.index("END:VEVENT")]
    assert "Leave" not in files["calendars/delegation.ics"]  # a reader's own, not the programme's
    _, _, files = built("10:20")
    assert "- Travel before: leave Talks 09:20: motorcade 1 h (A)" in files["people/a.md"]
    # on site 10 min before: leave 10:20; the briefing itself does not move, its SEQUENCE rises
    held, later, _ = built("11:00", holding=10, previous=plan)
    reader = for_person(held.person["a"])
    old = next(v for v in views(visit, plan, reader) if v.item_id == "brief")
    new = next(v for v in views(held, later, reader) if v.item_id == "brief")
    assert (old.legs[0].leave, new.legs[0].leave) == ("10:30", "10:20")
    assert new.sequence > old.sequence
    # (a plan made by hand) the talks end 10:45: leaving then is all the reader can do
    talks = planned_in(plan, "talks").model_copy(
        update={"start": WallTime.parse(f"{D} 09:45"), "end": WallTime.parse(f"{D} 10:45")}
    )
    told = {person.id: said for person, said in person_changes(visit, plan, replaced(plan, talks))}
    assert told == {
        "a": ["Talks moved from 08:00 to 09:45 (same venue)", "Brief: now leave Talks at 10:45"]
    }


def test_an_explanation_names_the_slower_hours(tmp_path: Path) -> None:
    """The briefing at v2 pinned 09:40, the talks at v1 until 09:00: 30 min at most hours
    would do, but leaving 08:00–10:00 the leg takes 60. Explaining names those hours, at
    the leg's by_hour line, and the summary the slower minutes."""
    from planner.schedule.explain import explain
    from tests.schedule_support import assert_irreducible

    visit = load(
        tmp_path,
        _rushed(item("talks", pinned=f"{D} 08:00"), item("brief", venue="v2", pinned=f"{D} 09:40")),
    )
    found = explain(visit, time_limit=10)
    assert {f.key for f in found.facts} == {
        "pin:talks",
        "pin:brief",
        "duration:talks",
        "attends:a:talks",
        "attends:a:brief",
        "slow:v1:v2:0",
    }
    slow = next(f for f in found.facts if f.key == "slow:v1:v2:0")
    assert (
        slow.text
        == "leaving V1 from 08:00 until 10:00, the way to V2 takes 60 min (its slower hours)"
    )
    assert slow.paths == (("travel", "legs", 0, "by_hour"),)
    assert_irreducible(visit, found)
    assert found.summary == [
        "A must attend 'Talks' (pinned 08:00–09:00 Berlin at V1) and then 'Brief' (pinned "
        "09:40 Berlin at V2): the motorcade (leaving in its slower hours) needs 60 min, 40 min "
        "are left: short by 20 min"
    ]


def test_no_time_to_leave_an_item_the_reader_knows_only_by_its_part_of_the_day(
    tmp_path: Path,
) -> None:
    """The talks (public, but published as "morning of 12 June") end at 09:00 and the
    briefing at v2 starts 09:30, after the 30 minutes' drive. A reader at the press
    clearance is told the talks' part of the day only: their calendar says no time to
    leave them ('Leave Talks 09:00' would tell when they end); a reader at the delegation's
    is told it."""
    from planner.export.outputs import build

    data = visit_data(
        item("talks", pinned=f"{D} 08:00", tier="public", public_time="day_part"),
        item("brief", venue="v2", pinned=f"{D} 09:30", tier="public"),
    )
    data["people"][0]["clearance"] = "press"  # a
    data["people"][1]["clearance"] = "delegation"  # b
    for entry in data["items"]:
        entry["attendees"] = ["a", "b"]
    visit = load(tmp_path, data)
    files = {p: c.decode().replace("\r\n ", "") for p, c in build(visit, solved(visit)).items()}
    assert "Leave Talks 09:00 (motorcade 30 min)" in files["people/b.ics"]
    assert "morning of 12 June" in files["people/a.ics"]
    for name in ("people/a.ics", "people/a.md"):
        assert "Leave Talks" not in files[name] and "09:00" not in files[name], name


def test_a_reader_cleared_for_the_press_is_told_no_journeys(tmp_path: Path) -> None:
    """The press and the public are told no journeys: the itinerary of a person of press
    clearance has none, and their calendar says no time to leave either."""
    from planner.export.outputs import build

    data = _rushed(
        item("talks", pinned=f"{D} 08:00", tier="public"),
        item("brief", venue="v2", pinned=f"{D} 11:00", tier="public"),
    )
    data["people"][0]["clearance"] = "press"
    visit = load(tmp_path, data)
    files = {p: c.decode() for p, c in build(visit, solved(visit)).items()}
    assert "Travel before" not in files["people/a.md"]
    assert "Leave" not in files["people/a.ics"]
    # the same reader of delegation clearance is told both
    data["people"][0]["clearance"] = "delegation"
    visit = load(tmp_path, data, "delegation.yaml")
    files = {p: c.decode() for p, c in build(visit, solved(visit)).items()}
    assert "leave Talks 10:30" in files["people/a.md"]
    assert "Leave Talks 10:30" in files["people/a.ics"].replace("\r\n ", "")
