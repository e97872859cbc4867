"""Lodging (issue 10 §4): a residence per person and night; each day starts and ends
there, so the programme hours are read door to door. The scheduler keeps it, the
validator flags a plan that does not, check refuses a lodging that contradicts itself,
and a person's itinerary says when to leave the residence and that the day ends there."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from planner.model import WallTime
from planner.visitfile import VisitFileError
from tests.schedule_support import (
    D2,
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

PROV = {"source": "assumed", "reason": "a test visit"}


def _lodged(*items: dict[str, Any], people: list[str] | None = None, **changes: Any) -> Any:
    """The rule visit with a and b at v2 (the hotel: 30 min from v1) both nights, the
    night before the visit too."""
    data = visit_data(*items, **changes)
    data["lodging"] = [
        {
            "venue": "v2",
            "people": people or ["a", "b"],
            "nights": ["2023-06-11", D, D2],
            "provenance": PROV,
        }
    ]
    return data


def test_the_day_starts_at_the_residence() -> None:
    """Pulled to 08:00 (the programme opens), the briefing at v1 starts 08:30: the drive
    from the hotel takes 30 min."""
    data = _lodged(item("brief", days=[D]), conventions=[prefer("briefing", "08:00")])
    plan = solved(parse(data))
    assert hm(planned_in(plan, "brief").start) == "08:30"
    # without lodging the same pull puts it at 08:00: the residence is what binds
    del data["lodging"]
    assert hm(planned_in(solved(parse(data)), "brief").start) == "08:00"


def test_the_day_ends_at_the_residence() -> None:
    """Pulled to start between 18:30 and 19:00, the briefing can only start 18:30: it must
    end 30 min before the programme closes at 20:00, to be back at the hotel."""
    evening = prefer("briefing", "18:30") | {"start_until": "19:00"}
    visit = parse(_lodged(item("brief", days=[D]), conventions=[evening]))
    plan = solved(visit)
    assert hm(planned_in(plan, "brief").end) == "19:30"
    late = planned_in(plan, "brief").model_copy(
        update={"start": WallTime.parse(f"{D} 19:00"), "end": WallTime.parse(f"{D} 20:00")}
    )
    items = tuple(late if p.id == "brief" else p for p in plan.items)
    errors = errors_of(visit, plan.model_copy(update={"items": items}))
    assert any(
        "A ends the day at V2 (lodging), 30 min from V1, by the close of the programme at "
        "20:00, but 'Brief' ends 12 June 20:00 Berlin time" in e
        for e in errors
    ), errors


def test_a_pinned_item_is_where_the_host_put_it() -> None:
    visit = parse(_lodged(item("brief", pinned=f"{D} 08:00")))
    assert hm(planned_in(solved(visit), "brief").start) == "08:00"


def test_the_validator_flags_a_day_that_starts_before_the_drive() -> None:
    visit = parse(_lodged(item("brief", days=[D]), conventions=[prefer("briefing", "08:00")]))
    plan = solved(visit)
    early = planned_in(plan, "brief").model_copy(
        update={"start": WallTime.parse(f"{D} 08:00"), "end": WallTime.parse(f"{D} 09:00")}
    )
    items = tuple(early if p.id == "brief" else p for p in plan.items)
    errors = errors_of(visit, plan.model_copy(update={"items": items}))
    assert any(
        "A starts the day at V2 (lodging), where the programme opens at 08:00; 'Brief' (V1) is "
        "30 min away (journey and holding), so it starts 12 June 08:30 Berlin time at the "
        "earliest" in e
        for e in errors
    ), errors


def test_an_optional_attendee_joins_only_when_the_drive_allows() -> None:
    """Only c sleeps at v2: the item at v3 that must end by 09:00 (a, not lodged, starts
    it at 08:00) cannot have c, 25 min away from 08:00; the pinned one at 10:00 can."""
    data = _lodged(
        item("early", venue="v3", pinned=None, days=[D], optional_attendees=["c"]),
        item("late", venue="v3", pinned=f"{D} 10:00", days=[D], optional_attendees=["c"]),
        people=["c"],
        conventions=[prefer("briefing", "08:00")],
    )
    data["items"][0]["window"] = {"earliest_start": f"{D} 08:00", "latest_end": f"{D} 09:00"}
    plan = solved(parse(data))
    assert "c" not in planned_in(plan, "early").attendees
    assert "c" in planned_in(plan, "late").attendees


def test_the_itinerary_says_when_to_leave_and_where_the_day_ends(tmp_path: Path) -> None:
    from planner.export.outputs import build

    data = _lodged(item("brief", days=[D]), conventions=[prefer("briefing", "08:00")])
    visit = load(tmp_path, data)
    files = {p: c.decode() for p, c in build(visit, solved(visit)).items()}
    mine = files["people/a.md"]
    assert "- Travel before: leave V2 08:00: motorcade 30 min (A)" in mine
    assert "- Then: back to V2: motorcade 30 min" in mine
    assert "leave V2" not in files["people/b.md"]  # b has no item: nothing to leave for


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"venue": "hotel"},
            "lodging[0].venue: unknown venue 'hotel'",
        ),
        (
            {"people": ["a", "z"]},
            "lodging[0].people[1]: unknown person 'z'",
        ),
        (
            {"nights": ["2023-06-20"]},
            "lodging[0].nights[0]: the night of 20 June 2023 is outside the visit",
        ),
    ],
)
def test_check_refuses_a_lodging_it_cannot_read(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    data = _lodged(item("brief"))
    data["lodging"][0].update(change)
    with pytest.raises(VisitFileError) as caught:
        load(tmp_path, data)
    assert message in str(caught.value), str(caught.value)


def test_one_residence_per_person_and_night(tmp_path: Path) -> None:
    data = _lodged(item("brief"))
    data["lodging"].append({"venue": "v3", "people": ["b"], "nights": [D2], "provenance": PROV})
    with pytest.raises(VisitFileError) as caught:
        load(tmp_path, data)
    assert (
        "lodging[1].nights[0]: B already spends the night of 13 June at 'v2' (lodging[0]); one "
        "residence per person and night"
    ) in str(caught.value)


def test_the_way_between_two_days_passes_by_the_residence() -> None:
    """A's day in Berlin ends at v1, the next starts in Potsdam: no road joins v1 and p1,
    but a leg joins the hotel (v2) and p1. Through the hotel the plan exists; without the
    lodging it does not."""
    data = _lodged(
        item("berlin", days=[D], window={"earliest_start": f"{D} 17:00"}),
        item("potsdam", venue="p1", days=[D2], window={"latest_end": f"{D2} 10:00"}),
    )
    data["travel"]["legs"].append({"from": "v2", "to": "p1", "minutes": 50})
    visit = parse(data)
    plan = solved(visit)
    # a hand-made plan with both on the first day, too close for the way past the hotel
    potsdam = planned_in(plan, "potsdam").model_copy(
        update={"start": WallTime.parse(f"{D} 19:00"), "end": WallTime.parse(f"{D} 20:00")}
    )
    berlin = planned_in(plan, "berlin").model_copy(
        update={"start": WallTime.parse(f"{D} 17:00"), "end": WallTime.parse(f"{D} 18:00")}
    )
    items = tuple(
        potsdam if p.id == "potsdam" else berlin if p.id == "berlin" else p for p in plan.items
    )
    errors = errors_of(visit, plan.model_copy(update={"items": items}))
    assert any(
        "the journey takes 80 min (past V2), and there are only 60 min between them" in e
        for e in errors
    ), errors
    del data["lodging"]
    from tests.schedule_support import solve

    assert solve(parse(data)).plan is None  # no road, and no residence to pass by


def test_the_calendar_says_when_to_leave_and_follows_the_residence(tmp_path: Path) -> None:
    from planner.disclosure import Index
    from planner.export.outputs import build

    data = _lodged(
        item("brief", days=[D], pinned=f"{D} 09:00"),
        item("talks", venue="v3", days=[D], pinned=f"{D} 11:00"),
    )
    visit = load(tmp_path, data)
    plan = solved(visit)
    ics = build(visit, plan)["people/a.ics"].decode().replace("\r\n ", "")
    brief = ics[ics.index("SUMMARY:Brief") :]
    assert "Leave V2 08:30 (motorcade 30 min)" in brief[: brief.index("END:VEVENT")]
    talks = ics[ics.index("SUMMARY:Talks") :]
    assert "Then back to V2 (motorcade 25 min)" in talks[: talks.index("END:VEVENT")]
    # another hotel: the reader's event says something else, and its digest changes
    moved = dict(data)
    moved["lodging"] = [dict(data["lodging"][0], venue="v3")]
    other = load(tmp_path, moved, "moved.yaml")
    first = next(p for p in plan.items if p.id == "brief")
    before = Index(visit, plan).digest_of(first, "delegation", "a")
    after = Index(other, plan).digest_of(first, "delegation", "a")
    assert before != after
    # and its SEQUENCE rises in the reader's calendar (what the delegation's says of the
    # briefing did not change: its SEQUENCE stays)
    again = solved(other, plan)
    files = build(other, again)
    event = _event(files["people/a.ics"], "Brief")
    assert "Leave V3 08:40 (motorcade 20 min)" in event
    assert "SEQUENCE:1" in event
    assert "SEQUENCE:0" in _event(files["calendars/delegation.ics"], "Brief")


def _event(ics: bytes, summary: str) -> str:
    """The VEVENT of that SUMMARY, unfolded."""
    text = ics.decode().replace("\r\n ", "")
    return next(e for e in text.split("BEGIN:VEVENT")[1:] if f"SUMMARY:{summary}\r\n" in e)


def test_the_day_starts_at_the_meeting_point_of_the_residence(tmp_path: Path) -> None:
    from planner.export.outputs import build

    data = _lodged(item("brief", days=[D], pinned=f"{D} 09:00"))
    data["venues"][1]["meeting_point"] = "main entrance"  # v2, the hotel
    visit = load(tmp_path, data)
    files = {p: c.decode() for p, c in build(visit, solved(visit)).items()}
    assert (
        "- Travel before: leave V2 (main entrance) 08:30: motorcade 30 min (A)"
        in (files["people/a.md"])
    )
    assert "Leave V2 (main entrance) 08:30 (motorcade 30 min)" in files["people/a.ics"].replace(
        "\r\n ", ""
    )
    data["venues"][1]["location_tier"] = "restricted"  # where the hotel is: not for a
    visit = load(tmp_path, data, "hidden.yaml")
    files = {p: c.decode() for p, c in build(visit, solved(visit)).items()}
    assert "main entrance" not in files["people/a.md"]


def test_no_way_back_is_told_from_where_a_boat_lands_the_reader_may_not_know_of(
    tmp_path: Path,
) -> None:
    """The day ends with a cruise from v1 to v4, a landing stage known to the protocol
    office alone ('venue not published' for the delegation): a's itinerary and calendar
    say no way back to the hotel from it (its minutes would tell where it is); b, cleared
    for it, is told."""
    from planner.export.outputs import build

    data = _lodged(
        item(
            "cruise",
            kind="boat",
            arrival_venue="v4",
            attendees=["a", "b"],
            pinned=f"{D} 16:00",
            tier="delegation",
        )
    )
    data["venues"][3]["tier"] = "restricted"  # v4
    data["people"][1]["clearance"] = "restricted"  # b
    visit = load(tmp_path, data)
    files = {p: c.decode().replace("\r\n ", "") for p, c in build(visit, solved(visit)).items()}
    assert "Then back to V2 (motorcade" in files["people/b.ics"]
    assert "- Then: back to V2: motorcade" in files["people/b.md"]
    for name in ("people/a.ics", "people/a.md"):
        assert "venue not published" in files[name], name
        assert "back to V2" not in files[name], name


def test_each_day_of_an_itinerary_says_where_its_reader_sleeps(tmp_path: Path) -> None:
    from planner.export.outputs import build

    data = _lodged(item("brief", days=[D]), item("more", days=[D2]), people=["a"])
    data["venues"][2]["tier"] = "restricted"  # v3: a residence the delegation may not know
    data["lodging"].append({"venue": "v3", "people": ["b"], "nights": [D], "provenance": PROV})
    data["items"][0]["attendees"] = ["a", "b"]  # b's first day ends at v3
    data["items"][1]["attendees"] = ["a", "b"]
    visit = load(tmp_path, data)
    files = {p: c.decode() for p, c in build(visit, solved(visit)).items()}
    assert "## Monday 12 June 2023\n\nTonight: V2\n" in files["people/a.md"]
    assert "## Tuesday 13 June 2023\n\nTonight: V2\n" in files["people/a.md"]
    assert "## Monday 12 June 2023" in files["people/b.md"]
    assert "Tonight" not in files["people/b.md"]  # above b's clearance: not said
    assert "Tonight" not in files["programme.md"]


def test_an_explanation_does_not_blame_a_road_the_residence_makes_up_for() -> None:
    """No road joins v1 (Berlin) and p1 (Potsdam), but the way past the hotel (v2) takes
    80 min; with half an hour between the two items the plan fails for the time, not
    for a missing road."""
    from tests.schedule_support import solve

    data = _lodged(
        item("berlin", pinned=f"{D} 17:00"),
        item("potsdam", venue="p1", pinned=f"{D} 18:30"),
    )
    data["travel"]["legs"].append({"from": "v2", "to": "p1", "minutes": 50})
    outcome = solve(parse(data))
    assert outcome.plan is None and outcome.explanation is not None
    keys = [f.key for f in outcome.explanation.facts]
    assert keys and not any(k.startswith("noroad:") for k in keys), keys
    # the way past the hotel is a fact of its own, cited at the lodging
    way = next(f for f in outcome.explanation.facts if f.key == "via:a:v1:p1")
    assert (
        way.text
        == "no road joins V1 and P1: A's way passes by V2 (their residence) and takes 80 min"
    )
    assert way.paths == (("lodging", 0),)
    assert outcome.explanation.summary == [
        "A must attend 'Berlin' (pinned 17:00–18:00 Berlin at V1) and then 'Potsdam' (pinned "
        "18:30 Berlin at P1): the way past V2 needs 80 min, 30 min are left: short by 50 min"
    ]


def _slow_leg(
    data: dict[str, Any], pair: tuple[str, str], start: str, end: str, minutes: int
) -> Any:
    leg = next(x for x in data["travel"]["legs"] if (x["from"], x["to"]) == pair)
    leg["by_hour"] = [{"start": start, "end": end, "minutes": minutes}]
    return data


def test_the_first_drive_of_the_day_leaves_in_its_slower_hours(tmp_path: Path) -> None:
    """The hotel (v2) to v1 takes 45 min instead of 30 when it leaves 07:30–09:00: pulled
    to 08:00, the briefing starts 08:45 (leaving as the programme opens); a plan that
    gives the drive its ordinary 30 min is flagged, and the itinerary says so."""
    from planner.export.outputs import build

    data = _slow_leg(
        _lodged(item("brief", days=[D]), conventions=[prefer("briefing", "08:00")]),
        ("v1", "v2"),
        "07:30",
        "09:00",
        45,
    )
    visit = load(tmp_path, data)
    plan = solved(visit)
    assert hm(planned_in(plan, "brief").start) == "08:45"
    early = planned_in(plan, "brief").model_copy(
        update={"start": WallTime.parse(f"{D} 08:30"), "end": WallTime.parse(f"{D} 09:30")}
    )
    errors = errors_of(visit, replaced(plan, early))
    assert any(
        "'Brief' (V1) is 45 min away (journey and holding, leaving at 08:00, in the slower "
        "hours), so it starts 12 June 08:45 Berlin time at the earliest" in e
        for e in errors
    ), errors
    files = {p: c.decode() for p, c in build(visit, plan).items()}
    assert "- Travel before: leave V2 08:00: motorcade 45 min (A)" in files["people/a.md"]


def test_the_last_drive_of_the_day_takes_its_slower_minutes() -> None:
    """Back to the hotel takes 60 min instead of 30 when it leaves 18:00–20:00: a briefing
    from 18:00 at the earliest, pulled to 18:30, ends by 19:00 (back at 20:00, as the
    programme closes), not 19:30; a plan that ends it 19:30 is flagged with the hour it
    leaves."""
    evening = prefer("briefing", "18:30") | {"start_until": "19:00"}
    brief = item("brief", days=[D], window={"earliest_start": f"{D} 18:00"})
    data = _lodged(brief, conventions=[evening])
    assert hm(planned_in(solved(parse(data)), "brief").end) == "19:30"  # as a rule: 30 min
    visit = parse(_slow_leg(data, ("v1", "v2"), "18:00", "20:00", 60))
    plan = solved(visit)
    assert hm(planned_in(plan, "brief").end) == "19:00"
    late = planned_in(plan, "brief").model_copy(
        update={"start": WallTime.parse(f"{D} 18:30"), "end": WallTime.parse(f"{D} 19:30")}
    )
    errors = errors_of(visit, replaced(plan, late))
    assert any(
        "A ends the day at V2 (lodging), 60 min from V1 (leaving at 19:30, in the slower hours), "
        "by the close of the programme at 20:00, but 'Brief' ends 12 June 19:30" in e
        for e in errors
    ), errors


def test_an_optional_attendee_s_first_drive_leaves_in_its_slower_hours() -> None:
    """c sleeps at v2, 25 min from v3 but 40 when leaving 07:30–09:00: from 08:00 c is at
    v3 at 08:40, so c joins the item pulled to 08:30 only if it moves to 08:40 (and every
    plan is checked by the validator, which reads the slower minutes)."""
    data = _slow_leg(
        _lodged(
            item("early", venue="v3", days=[D], optional_attendees=["c"]),
            people=["c"],
            conventions=[prefer("briefing", "08:30")],
        ),
        ("v2", "v3"),
        "07:30",
        "09:00",
        40,
    )
    plan = solved(parse(data))
    early = planned_in(plan, "early")
    assert "c" not in early.attendees or hm(early.start) >= "08:40"


def _overnight(*items: dict[str, Any], conventions: Any = (), **lodging: Any) -> Any:
    """A flies from v1 (Berlin) to p1 (Potsdam) overnight on 12 June, aboard."""
    flight = item("f", kind="flight", title="Night flight", pinned=f"{D} 22:00", arrival_venue="p1")
    data = visit_data(flight, *items, conventions=list(conventions))
    data["lodging"] = [
        {"aboard": "f", "people": ["a"], "nights": [D], "provenance": PROV} | lodging
    ]
    return data


def test_a_night_aboard_starts_the_next_day_where_the_movement_arrives(tmp_path: Path) -> None:
    from planner.export.outputs import build

    data = _overnight(
        item("morning", venue="p1", days=[D2]), conventions=[prefer("briefing", "08:00")]
    )
    visit = load(tmp_path, data)
    assert visit.aboard[("a", date.fromisoformat(D))] == "f"
    assert visit.residence[("a", date.fromisoformat(D))] == "p1"
    assert visit.homes == {}  # no way passes by a flight
    plan = solved(visit)
    assert hm(planned_in(plan, "morning").start) == "08:00"  # at the arrival: no journey
    files = build(visit, plan)
    mine = files["people/a.md"].decode()
    assert "Tonight: aboard Night flight" in mine
    morning = mine[mine.index("— Morning") :]
    assert "- Travel before: overnight aboard Night flight (A)" in morning
    assert "Overnight aboard Night flight" in _event(files["people/a.ics"], "Morning")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"aboard": "ghost"}, "lodging[0].aboard: unknown item 'ghost'"),
        ({"aboard": "brief"}, "'Brief' ends where it starts; a night is spent aboard a movement"),
        ({"nights": [D2]}, "'Night flight' is not under way on the night of 13 June 2023"),
        ({"venue": "v2"}, "a lodging names its 'venue' (a hotel) or what its people are 'aboard'"),
    ],
)
def test_check_refuses_a_night_aboard_it_cannot_hold(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    data = _overnight(item("brief", days=[D2]), **change)
    with pytest.raises(VisitFileError) as caught:
        load(tmp_path, data)
    assert message in str(caught.value), str(caught.value)


def test_a_hostile_title_of_the_night_s_flight_reaches_no_output_raw(tmp_path: Path) -> None:
    """Escape sequences and line breaks in the title of the movement slept aboard reach
    neither 'Tonight: aboard …' nor 'Overnight aboard …'."""
    from planner.export.outputs import build

    data = _overnight(item("morning", venue="p1", days=[D2]))
    data["items"][0]["title"] = "Night\x1b[31m flight\r\nInjected: yes\x07"
    visit = load(tmp_path, data)
    files = build(visit, solved(visit))
    mine, ics = files["people/a.md"].decode(), files["people/a.ics"].decode()
    for text in (mine, ics):
        assert "\x1b" not in text and "\x07" not in text
    assert "\nInjected" not in mine and "\r\nInjected" not in ics
    assert "Tonight: aboard Night" in mine
    assert "Overnight aboard Night" in ics.replace("\r\n ", "")
