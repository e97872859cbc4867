"""Movements as items (issue 10 §2): a train, a flight, a helicopter or a boat with its
departure and arrival, pinned by either end or by both, its service and its seats; travel
legs by helicopter or boat. The scheduler keeps them, the validator flags a plan that
breaks them, check refuses a file that contradicts itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from planner.model import WallTime
from planner.model.movements import Mode, Service, route
from planner.model.travel import journey
from planner.visitfile import SourceMap, VisitFileError
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
    venue,
    visit_data,
)

__all__ = ["validate_every_plan"]

LONDON = {"id": "london", "name": "London", "country": "GB", "timezone": "Europe/London"}


def _visit(*items: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The rule visit with two stations (Berlin Hbf, exclusive; Potsdam Hbf), two airports
    (BER in Berlin, LHR in London: one hour behind) and a helipad in Potsdam."""
    data = visit_data(*items, **changes)
    data["cities"].append(LONDON)
    data["venues"] += [
        venue("hbf", 52.5251, 13.3694, name="Berlin Hauptbahnhof"),
        venue("pdm", 52.3917, 13.0669, city="potsdam", name="Potsdam Hauptbahnhof"),
        venue("ber", 52.3667, 13.5033, name="BER", exclusive=False),
        venue("lhr", 51.4700, -0.4543, city="london", name="Heathrow"),
        venue("pad", 52.4000, 13.0500, city="potsdam", name="Potsdam helipad"),
    ]
    return data


def _train(**fields: Any) -> dict[str, Any]:
    train = {
        "title": "Train to Potsdam",
        "kind": "train",
        "duration": 25,
        "attendees": ["a", "b"],
        "venue": "hbf",
        "arrival_venue": "pdm",
    }
    return item("train", **{**train, **fields})


def test_a_timetable_is_kept_at_both_ends_and_people_arrive_where_it_arrives() -> None:
    visit = parse(
        _visit(
            item("talks", duration=60, venue="v1", attendees=["a"]),
            _train(pinned=f"{D} 11:02", arrives=f"{D} 11:27", service={"number": "RE 1"}),
            item("tour", duration=60, venue="p1", attendees=["a", "b"], days=[D]),
        )
    )
    plan = solved(visit)
    train = planned_in(plan, "train")
    assert (hm(train.start), hm(train.end), train.arrival_venue) == (
        "11:02",
        "11:27",
        "pdm",
    )
    tour = planned_in(plan, "tour")
    assert tour.start is not None and hm(tour.start) >= "11:27"  # in Potsdam: after it
    talks = planned_in(plan, "talks")
    assert talks.end is not None and talks.end.local.hour <= 11  # before it, in Berlin


def test_a_flight_known_by_its_landing_time_is_pinned_by_its_arrival() -> None:
    flight = item(
        "flight",
        title="Flight to London",
        kind="flight",
        duration=105,
        attendees=["a"],
        venue="ber",
        arrival_venue="lhr",
        arrives=f"{D} 12:45",  # London time: 13:45 in Berlin, so it takes off 12:00 Berlin
    )
    visit = parse(_visit(flight))
    assert str(visit.start_pin(visit.item["flight"])) == f"{D} 12:00"
    # planner check lists it by what is pinned: its landing, on the London clock
    from planner.summary import summarize
    from planner.visitfile import LoadedVisit

    listed = summarize(LoadedVisit(visit, Path("visit.yaml"), SourceMap()))
    assert "  12 Jun lands 12:45 London · 13:45 Paris  Flight to London (Heathrow, from BER)" in (
        listed
    ), listed
    plan = solved(visit)
    planned = planned_in(plan, "flight")
    assert (hm(planned.start), hm(planned.end)) == ("12:00", "12:45")
    assert planned.end_timezone == "Europe/London"
    # a hand-made plan that lands it elsewhen is flagged, on the London clock
    moved = planned.model_copy(
        update={"start": WallTime.parse(f"{D} 12:30"), "end": WallTime.parse(f"{D} 13:15")}
    )
    errors = errors_of(visit, replaced(plan, moved))
    assert any(
        "lands at Heathrow 12 June 12:45 London time (its 'arrives'), but the plan ends it "
        "12 June 13:15 London time" in e
        for e in errors
    ), errors


def test_a_departure_pin_is_flagged_when_the_plan_moves_it() -> None:
    visit = parse(_visit(_train(pinned=f"{D} 11:02", arrives=f"{D} 11:27")))
    plan = solved(visit)
    train = planned_in(plan, "train")
    late = train.model_copy(
        update={"start": WallTime.parse(f"{D} 11:10"), "end": WallTime.parse(f"{D} 11:35")}
    )
    errors = errors_of(visit, replaced(plan, late))
    assert any("is pinned at 12 June 11:02" in e for e in errors), errors
    assert any("arrives at Potsdam Hauptbahnhof 12 June 11:27" in e for e in errors), errors


def test_a_timetable_that_disagrees_with_the_duration_is_refused(tmp_path: Path) -> None:
    with pytest.raises(VisitFileError) as caught:
        load(tmp_path, _visit(_train(duration=20, pinned=f"{D} 11:02", arrives=f"{D} 11:27")))
    text = str(caught.value)
    assert "items[train].duration" in text
    assert f"the timetable ({D} 11:02 to {D} 11:27) takes 25 min, but 'duration' is 20; " in text
    assert "write 'duration: 25'" in text


def test_a_movement_does_not_occupy_its_station() -> None:
    """Berlin Hbf is exclusive, but a train leaving from it does not hold it: a reception
    on the concourse may run while the train leaves."""
    visit = parse(
        _visit(
            _train(pinned=f"{D} 11:02", arrives=f"{D} 11:27"),
            item("farewell", duration=60, venue="hbf", attendees=["c"], pinned=f"{D} 10:45"),
        )
    )
    assert not errors_of(visit, solved(visit))


def test_seats_bound_a_movement(tmp_path: Path) -> None:
    with pytest.raises(VisitFileError) as caught:
        load(tmp_path, _visit(_train(attendees=["a", "b", "c"], seats=2)))
    assert "3 people must travel on 'Train to Potsdam', but 2 seats are reserved" in str(
        caught.value
    )
    visit = parse(_visit(_train(seats=2, optional_attendees=["c"])))
    plan = solved(visit)
    assert "c" not in planned_in(plan, "train").attendees  # nobody joins a movement unasked
    crowded = planned_in(plan, "train").model_copy(update={"attendees": ("a", "b", "c")})
    errors = errors_of(visit, replaced(plan, crowded))
    assert any("carries 3 people, but 2 seats are reserved on it" in e for e in errors), errors


def test_movements_that_go_elsewhere_need_their_arrival() -> None:
    for kind in ("flight", "train", "helicopter", "boat"):
        with pytest.raises(VisitFileError, match=f"a {kind} needs 'arrival_venue'"):
            parse(_visit(item("m", kind=kind, venue="hbf")))
    # a motorcade or a walk may stay where it is (a convoy loaded, a walkabout)
    parse(_visit(item("m", kind="motorcade", venue="hbf"), item("w", kind="walk", venue="v2")))
    with pytest.raises(VisitFileError, match="'service' is only for movements"):
        parse(_visit(item("m", venue="v2", service={"number": "RE 1"})))


def test_an_item_that_ends_elsewhere_leaves_its_people_there() -> None:
    """A site visit that walks from v2 to v3 (a tour across a square, not a movement),
    then an item at v3 straight after: no journey needed from v2."""
    visit = parse(
        _visit(
            item("walk", kind="site_visit", duration=20, venue="v2", arrival_venue="v3"),
            item("there", duration=30, venue="v3", order=[{"after": "walk", "max_gap": 0}]),
        )
    )
    plan = solved(visit)
    walk, there = planned_in(plan, "walk"), planned_in(plan, "there")
    assert walk.end == there.start
    # read as ending at v2, the plan would need the 25-minute leg v2–v3
    wrong = walk.model_copy(update={"arrival_venue": "v2"})
    errors = errors_of(visit, replaced(plan, wrong))
    assert any("is planned to end at V2, but it ends at V3" in e for e in errors), errors
    assert any("the journey takes 25 min, and there are only 0 min" in e for e in errors)


def test_a_helicopter_leg_is_flown_not_driven() -> None:
    data = _visit(
        item("talks", duration=60, venue="v1"),
        item("tour", duration=60, venue="pad", order=[{"after": "talks", "max_gap": 30}]),
    )
    data["travel"]["legs"].append({"from": "v1", "to": "pad", "mode": "helicopter", "minutes": 25})
    visit = parse(data)
    way = journey(visit.travel, visit.venue["v1"], visit.venue["pad"])
    assert way is not None and (way.mode, way.minutes) == (Mode.HELICOPTER, 25)
    assert str(way) == "helicopter 25 min"
    plan = solved(visit)  # Potsdam has no road from Berlin: only the leg takes them there
    talks, tour = planned_in(plan, "talks"), planned_in(plan, "tour")
    assert talks.end_at() is not None and tour.start_at() is not None
    gap = (tour.start_at() - talks.end_at()).total_seconds() / 60  # type: ignore[operator]
    assert 25 <= gap <= 30


def test_the_route_names_both_ends_and_the_service() -> None:
    service = Service(number="TGV 6603", platform="11", coach="14")
    text = route("07:02", "Paris Gare de Lyon", "09:04", "Lyon Part-Dieu", service.words())
    assert (
        text == "07:02 Paris Gare de Lyon → 09:04 Lyon Part-Dieu, TGV 6603, platform 11, coach 14"
    )
    assert (Mode.TRAIN.departs, Mode.TRAIN.arrives) == ("departs", "arrives")
    assert (Mode.FLIGHT.departs, Mode.FLIGHT.arrives) == ("takes off", "lands")


# -- every output names the mode and both ends ------------------------------------------------


def _train_outputs(tmp_path: Path) -> dict[str, str]:
    from planner.export.outputs import build

    data = _visit(
        _train(
            pinned=f"{D} 07:02",
            arrives=f"{D} 07:27",
            service={"number": "RE 3311", "platform": "14", "coach": "7"},
            tier="public",
        ),
        item("tour", duration=60, venue="p1", attendees=["a", "b"], days=[D]),
        programme_hours={"start": "07:00", "end": "20:00"},
    )
    visit = load(tmp_path, data)
    built = build(visit, solved(visit))
    return {path: content.decode("utf-8") for path, content in built.items()}


def test_every_output_names_the_train_and_both_ends(tmp_path: Path) -> None:
    files = _train_outputs(tmp_path)
    line = "07:02 Berlin Hauptbahnhof → 07:27 Potsdam Hauptbahnhof, RE 3311, platform 14, coach 7"
    for name in ("programme.md", "programme.html", "people/a.md", "calendars/full.ics"):
        text = files[name]
        flat = text.replace("\r\n ", "").replace("\\,", ",")  # unfolded, unescaped (iCalendar)
        assert line in flat.replace("\\", ""), name
        assert "lands" not in flat and "flight" not in flat.lower(), name  # a train
        assert "arrives 07:27 (25 min)" in flat or "Arrives 07:27 (25 min)" in flat, name
    ics = files["people/a.ics"].replace("\r\n ", "")
    event = ics[ics.index("SUMMARY:Train to Potsdam") :]
    event = event[: event.index("END:VEVENT")]
    assert "LOCATION:Berlin Hauptbahnhof" in event  # the departure
    assert "To: Potsdam Hauptbahnhof" in event  # the arrival, in the description
    # the plain programme of `planner solve` says it too
    from planner.export.programme import terminal_programme

    visit = load(tmp_path, _visit(_train(pinned=f"{D} 07:02", arrives=f"{D} 07:27")))
    plain = terminal_programme(visit, solved(visit))
    assert "      07:02 Berlin Hauptbahnhof → 07:27 Potsdam Hauptbahnhof (25 min)\n" in plain
    assert "at Berlin Hauptbahnhof" not in plain  # it does not arrive where it leaves


def test_a_flight_takes_off_and_lands_on_two_clocks(tmp_path: Path) -> None:
    from planner.export.outputs import build

    flight = item(
        "flight",
        title="Flight to London",
        kind="flight",
        duration=105,
        attendees=["a"],
        venue="ber",
        arrival_venue="lhr",
        pinned=f"{D} 12:00",
        service={"number": "FRA 001"},
    )
    visit = load(tmp_path, _visit(flight))
    files = {p: c.decode() for p, c in build(visit, solved(visit)).items()}
    text = files["people/a.md"]
    assert "Lands 12:45 London (1 h 45 min)" in text
    assert "12:00 BER → 12:45 Heathrow, FRA 001" in text


def test_an_unpinned_flight_keeps_the_programme_on_the_clock_where_it_lands() -> None:
    """Leaving BER after 18:30 Berlin time, the 105-minute flight lands 19:15 in London,
    before the programme closes there (20:00); on the Berlin clock it would land 20:15,
    after 20:00 there, which the scheduler once held against it (the validator never did)."""
    flight = item(
        "flight",
        title="Flight to London",
        kind="flight",
        duration=105,
        attendees=["a"],
        venue="ber",
        arrival_venue="lhr",
        window={"earliest_start": f"{D} 18:30"},
        days=[D],
    )
    plan = solved(parse(_visit(flight)))
    assert hm(planned_in(plan, "flight").end) <= "20:00"


# -- legs through a transfer point ------------------------------------------------------------


def _chained() -> dict[str, Any]:
    """From v1 in Berlin to Sanssouci (p1, Potsdam): a helicopter to the Potsdam helipad
    (25 min), then the motorcade (10 min): 35 min in all, no road estimate."""
    data = _visit(
        item("talks", duration=60, venue="v1", pinned=f"{D} 09:00"),
        item("tour", duration=60, venue="p1", days=[D], order=[{"after": "talks"}]),
        conventions=[prefer("briefing", "08:00")],
    )
    data["travel"]["legs"].append(
        {
            "from": "v1",
            "to": "p1",
            "parts": [
                {"mode": "helicopter", "minutes": 25, "to": "pad"},
                {"mode": "motorcade", "minutes": 10},
            ],
        }
    )
    return data


def test_a_leg_through_a_transfer_point_takes_its_parts(tmp_path: Path) -> None:
    from planner.export.outputs import build

    visit = load(tmp_path, _chained())
    way = journey(visit.travel, visit.venue["v1"], visit.venue["p1"])
    assert way is not None and (way.minutes, str(way)) == (35, "helicopter, then motorcade 35 min")
    back = journey(visit.travel, visit.venue["p1"], visit.venue["v1"])  # the other way round
    assert back is not None and str(back) == "motorcade, then helicopter 35 min"
    plan = solved(visit)
    assert hm(planned_in(plan, "tour").start) == "10:35"
    files = {p: c.decode() for p, c in build(visit, plan).items()}
    assert "leave Talks 10:00: helicopter, then motorcade 35 min (A)" in files["people/a.md"]
    # a hand-made plan that gives the way less is flagged
    early = planned_in(plan, "tour").model_copy(
        update={"start": WallTime.parse(f"{D} 10:20"), "end": WallTime.parse(f"{D} 11:20")}
    )
    items = tuple(early if p.id == "tour" else p for p in plan.items)
    errors = errors_of(visit, plan.model_copy(update={"items": items}))
    assert any("the journey takes 35 min, and there are only 20 min" in e for e in errors)


def test_a_leg_of_parts_is_checked(tmp_path: Path) -> None:
    data = _chained()
    data["travel"]["legs"][-1]["parts"][0]["to"] = "nowhere"
    with pytest.raises(VisitFileError, match=r"parts\[0\]\.to: unknown venue 'nowhere'"):
        load(tmp_path, data)
    data["travel"]["legs"][-1]["parts"][0]["to"] = "pad"
    data["travel"]["legs"][-1]["minutes"] = 35
    with pytest.raises(VisitFileError, match="a leg of parts takes the minutes of its parts"):
        load(tmp_path, data)


def test_two_venues_at_one_place_need_no_journey(tmp_path: Path) -> None:
    """A restaurant in the tower of a campus (the same coordinates): no 'walk 0 min'."""
    from planner.export.outputs import build
    from planner.export.programme import terminal_programme

    data = _visit(
        item("visit", duration=60, venue="v2", pinned=f"{D} 10:00"),
        item("lunch", kind="lunch", duration=60, venue="tower", pinned=f"{D} 11:00"),
    )
    data["venues"].append(venue("tower", 52.5500, 13.3000, name="Tower restaurant"))
    visit = load(tmp_path, data)
    plan = solved(visit)
    files = {p: c.decode() for p, c in build(visit, plan).items()}
    assert "0 min" not in files["people/a.md"] and "0 min" not in files["programme.md"]
    assert "0 min" not in terminal_programme(visit, plan)
