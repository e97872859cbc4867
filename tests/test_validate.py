"""The plan validator (planner/validate.py) against docs/scheduling-rules.md.

Each rule gets a small visit built here, a hand-made plan that obeys every rule (no
violations) and a plan that breaks exactly that rule (exactly that violation, naming the
people and items involved).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from planner.cli import main
from planner.model import Visit, WallTime
from planner.plan import Plan, PlannedItem, SolveInfo, Status, merge, plan_path, write_plan
from planner.validate import Violation, validate_plan
from planner.visitfile import SourceMap, parse_visit

T0 = datetime(2023, 10, 1, tzinfo=UTC)
PROV = {"source": "assumed", "reason": "a test visit"}

# -- visits -------------------------------------------------------------------------------


def _person(pid: str, name: str, side: str = "guest", **extra: Any) -> dict[str, Any]:
    return {"id": pid, "name": name, "role": "official", "side": side, "precedence": 5, **extra}


def _venue(
    vid: str, name: str, lat: float, lon: float, city: str = "berlin", **extra: Any
) -> dict[str, Any]:
    return {"id": vid, "name": name, "city": city, "lat": lat, "lon": lon, **extra}


def item(iid: str, title: str | None = None, **fields: Any) -> dict[str, Any]:
    """An item: a one-hour briefing of Emmanuel Macron at the Chancellery unless told."""
    data: dict[str, Any] = {
        "id": iid,
        "title": title or iid.replace("-", " ").capitalize(),
        "kind": "briefing",
        "duration": 60,
        "attendees": ["macron"],
        "venue": "chancellery",
        "provenance": PROV,
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def visit_data(*items: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A small visit in Berlin, 28–30 October 2023 (clocks fall back on the 29th), with
    Potsdam (no road to Berlin) and London (an hour behind, by air)."""
    data: dict[str, Any] = {
        "schema_version": 1,
        "id": "test-visit",
        "title": "Test visit to Germany",
        "kind": "official",
        "host": {"code": "DE", "name": "Germany"},
        "guest": {"code": "FR", "name": "France"},
        "start": "2023-10-28",
        "end": "2023-10-30",
        "timezone": "Europe/Berlin",
        "guest_home_timezone": "Europe/Paris",
        "use_host_conventions": False,
        "cities": [
            {"id": "berlin", "name": "Berlin", "country": "DE", "timezone": "Europe/Berlin"},
            {"id": "potsdam", "name": "Potsdam", "country": "DE", "timezone": "Europe/Berlin"},
            {"id": "london", "name": "London", "country": "GB", "timezone": "Europe/London"},
        ],
        "people": [
            _person("macron", "Emmanuel Macron"),
            _person("brigitte", "Brigitte Macron"),
            _person(
                "colonna",
                "Catherine Colonna",
                presence=[
                    {"city": "berlin", "arrive": "2023-10-28 12:00", "depart": "2023-10-30 20:00"}
                ],
            ),
            _person("steinmeier", "Frank-Walter Steinmeier", "host"),
            _person("buedenbender", "Elke Büdenbender", "host"),
            _person("baerbock", "Annalena Baerbock", "host"),
        ],
        "venues": [
            _venue("chancellery", "Federal Chancellery", 52.5202, 13.3690),
            _venue("bellevue", "Bellevue Palace", 52.5174, 13.3530),
            _venue("ministry", "Foreign Office", 52.5300, 13.3000),
            _venue("hotel", "Hotel Adlon", 52.5163, 13.3777, exclusive=False, capacity=5),
            _venue("hall", "Great Hall", 52.5100, 13.3900, capacity=50),
            _venue(
                "museum",
                "Pergamon Museum",
                52.5212,
                13.3969,
                opening=[{"open": "10:00", "close": "18:00"}],
            ),
            _venue("ber", "Berlin Brandenburg Airport", 52.3667, 13.5033),
            _venue("sanssouci", "Sanssouci Palace", 52.4045, 13.0385, city="potsdam"),
            _venue("lhr", "Heathrow Airport", 51.4700, -0.4543, city="london"),
            _venue("downing", "10 Downing Street", 51.5034, -0.1276, city="london"),
        ],
        "travel": {
            "legs": [
                {"from": "chancellery", "to": "ministry", "minutes": 40},
                {"from": "chancellery", "to": "ber", "minutes": 45},
                {"from": "lhr", "to": "downing", "minutes": 60},
            ]
        },
        "items": list(items),
    }
    data.update(changes)
    return data


def make_visit(*items: dict[str, Any], **changes: Any) -> Visit:
    """The visit, checked as a visit file would be (it must be a valid visit)."""
    return parse_visit(visit_data(*items, **changes), Path("test-visit.yaml"), SourceMap()).visit


# -- plans --------------------------------------------------------------------------------


def at(
    visit: Visit,
    item_id: str,
    start: str,
    *,
    venue: str | None = None,
    attendees: tuple[str, ...] | None = None,
    end: str | None = None,
) -> PlannedItem:
    """The item scheduled at ``start`` (local time at the venue), lasting its duration."""
    it = visit.item[item_id]
    where = venue or it.venues[0]
    zone = visit.venue_zone(where)
    end_zone = visit.venue_zone(it.arrival_venue) if it.arrival_venue else zone
    begin = WallTime.parse(start)
    if end is None:
        finish = begin.resolve(zone).add(minutes=it.duration).in_timezone(end_zone)
        end_wall = WallTime(finish.naive(), finish.utcoffset())
    else:
        end_wall = WallTime.parse(end)
    return PlannedItem(
        id=item_id,
        status=Status.SCHEDULED,
        start=begin,
        end=end_wall,
        timezone=zone,
        end_timezone=end_zone if end_zone != zone else None,
        venue=where,
        arrival_venue=it.arrival_venue,
        attendees=it.attendees if attendees is None else attendees,
        created=T0,
        modified=T0,
    )


def off(item_id: str, status: Status) -> PlannedItem:
    return PlannedItem(id=item_id, status=status, created=T0, modified=T0)


def plan_of(visit: Visit, *items: PlannedItem) -> Plan:
    return merge(None, visit, list(items), SolveInfo(status="hand-made"), "test")


def check(visit: Visit, *items: PlannedItem) -> list[Violation]:
    return validate_plan(visit, plan_of(visit, *items))


def only(violations: list[Violation], rule: str) -> Violation:
    assert [v.rule for v in violations] == [rule], "\n".join(str(v) for v in violations)
    found = violations[0]
    assert found.severity == ("warning" if rule == "stale" else "error")
    return found


# -- the plan -----------------------------------------------------------------------------


def test_valid_plan_has_no_violations() -> None:
    visit = make_visit(
        item("talks", "Talks", attendees=["macron", "steinmeier"], venue="bellevue"),
        item("briefing", "Briefing"),
        item("tour", "Tour", optional=True, priority=3),
        item("old", "Old item", cancelled=True),
    )
    plan = plan_of(
        visit,
        at(visit, "briefing", "2023-10-30 09:00"),
        at(visit, "talks", "2023-10-30 10:15"),  # 15 min from the Chancellery to Bellevue
        off("tour", Status.DROPPED),
        off("old", Status.CANCELLED),
    )
    assert validate_plan(visit, plan) == []
    assert str(Violation("x", "message")) == "error: message"


def test_missing_item() -> None:
    visit = make_visit(item("briefing", "Briefing"), item("lunch", "Lunch", kind="lunch"))
    both = (at(visit, "briefing", "2023-10-30 09:00"), at(visit, "lunch", "2023-10-30 12:00"))
    assert check(visit, *both) == []
    v = only(check(visit, at(visit, "briefing", "2023-10-30 09:00")), "missing-item")
    assert v.items == ("lunch",)
    assert "'Lunch' is missing from the plan" in v.message


def test_item_listed_twice() -> None:
    visit = make_visit(item("briefing", "Briefing"))
    once = at(visit, "briefing", "2023-10-30 09:00")
    plan = plan_of(visit, once)
    twice = plan.model_copy(update={"items": (*plan.items, plan.items[0])})
    v = only(validate_plan(visit, twice), "duplicate-item")
    assert v.items == ("briefing",)


def test_unknown_item_is_only_kept_as_cancelled() -> None:
    visit = make_visit(item("briefing", "Briefing"))
    ok = at(visit, "briefing", "2023-10-30 09:00")
    assert check(visit, ok, off("gone", Status.CANCELLED)) == []
    v = only(check(visit, ok, off("gone", Status.DROPPED)), "unknown-item")
    assert v.items == ("gone",)
    assert "no such item" in v.message


def test_dropped_item_must_be_optional() -> None:
    visit = make_visit(item("briefing", "Briefing"), item("tour", "City tour", optional=True))
    ok = at(visit, "briefing", "2023-10-30 09:00")
    assert check(visit, ok, off("tour", Status.DROPPED)) == []
    v = only(check(visit, off("briefing", Status.DROPPED), off("tour", Status.DROPPED)), "status")
    assert v.items == ("briefing",)
    assert "'Briefing' is dropped, but it is not optional" in v.message


def test_cancelled_item_must_be_cancelled_and_only_then() -> None:
    visit = make_visit(item("briefing", "Briefing"), item("tour", "City tour", cancelled=True))
    ok = at(visit, "briefing", "2023-10-30 09:00")
    assert check(visit, ok, off("tour", Status.CANCELLED)) == []
    v = only(check(visit, ok, at(visit, "tour", "2023-10-30 14:00")), "status")
    assert v.items == ("tour",) and "cancelled in the visit but scheduled" in v.message
    v = only(
        check(visit, off("briefing", Status.CANCELLED), off("tour", Status.CANCELLED)), "status"
    )
    assert v.items == ("briefing",) and "cancelled in the plan but not in the visit" in v.message


def test_stale_fingerprint_is_a_warning() -> None:
    visit = make_visit(item("briefing", "Briefing"))
    plan = plan_of(visit, at(visit, "briefing", "2023-10-30 09:00"))
    changed = make_visit(item("briefing", "Briefing", notes="bring the gift"))
    v = only(validate_plan(changed, plan), "stale")
    assert v.severity == "warning"
    assert "another version of the visit" in v.message


def test_scheduled_item_needs_start_end_zone_and_venue() -> None:
    visit = make_visit(item("briefing", "Briefing"))
    bare = off("briefing", Status.SCHEDULED)
    v = only(check(visit, bare), "incomplete")
    assert "no start" in v.message and "no venue" in v.message


def test_ambiguous_local_time_in_the_plan() -> None:
    visit = make_visit(
        item("night", "Night briefing"), programme_hours={"start": "00:00", "end": "24:00"}
    )
    planned = at(visit, "night", "2023-10-29 01:00").model_copy(
        update={
            "start": WallTime.parse("2023-10-29 02:30"),
            "end": WallTime.parse("2023-10-29 03:30"),
        }
    )
    v = only(check(visit, planned), "time")
    assert "occurs twice" in v.message


def test_duration() -> None:
    visit = make_visit(item("briefing", "Briefing"))
    assert check(visit, at(visit, "briefing", "2023-10-30 09:00", end="2023-10-30 10:00")) == []
    v = only(
        check(visit, at(visit, "briefing", "2023-10-30 09:00", end="2023-10-30 10:30")), "duration"
    )
    assert v.items == ("briefing",)
    assert "lasts 60 min" in v.message and "90 min" in v.message


def test_venue_is_the_items_or_a_candidate() -> None:
    visit = make_visit(item("talks", "Talks", venue=None, candidate_venues=["bellevue", "hall"]))
    assert check(visit, at(visit, "talks", "2023-10-30 09:00", venue="hall")) == []
    v = only(check(visit, at(visit, "talks", "2023-10-30 09:00", venue="ministry")), "venue")
    assert "Foreign Office" in v.message and "Bellevue Palace or Great Hall" in v.message


def test_zone_is_the_venues() -> None:
    visit = make_visit(item("briefing", "Briefing"))
    planned = at(visit, "briefing", "2023-10-30 09:00")
    wrong = planned.model_copy(
        update={
            "timezone": "Europe/London",
            "start": WallTime.parse("2023-10-30 08:00"),
            "end": WallTime.parse("2023-10-30 09:00"),
        }
    )
    v = only(check(visit, wrong), "zone")
    assert "Europe/Berlin" in v.message


def test_required_attendee() -> None:
    visit = make_visit(
        item("talks", "Talks", attendees=["macron", "steinmeier"], optional_attendees=["baerbock"])
    )
    everyone = ("macron", "steinmeier", "baerbock")
    assert check(visit, at(visit, "talks", "2023-10-30 09:00", attendees=everyone)) == []
    v = only(
        check(visit, at(visit, "talks", "2023-10-30 09:00", attendees=("macron",))),
        "required-attendee",
    )
    assert v.people == ("steinmeier",) and v.items == ("talks",)
    assert "Frank-Walter Steinmeier must attend 'Talks'" in v.message


def test_attendee_who_is_not_invited() -> None:
    visit = make_visit(item("talks", "Talks"))
    v = only(
        check(visit, at(visit, "talks", "2023-10-30 09:00", attendees=("macron", "brigitte"))),
        "attendee",
    )
    assert v.people == ("brigitte",)


# -- rule 1: nobody in two places at once ----------------------------------------------------


def test_two_places_at_once() -> None:
    visit = make_visit(
        item("briefing", "Briefing", venue="chancellery"),
        item("meeting", "Meeting", venue="ministry"),
    )
    assert (
        check(
            visit,
            at(visit, "briefing", "2023-10-30 09:00"),
            at(visit, "meeting", "2023-10-30 10:40"),
        )
        == []
    )
    v = only(
        check(
            visit,
            at(visit, "briefing", "2023-10-30 09:00"),
            at(visit, "meeting", "2023-10-30 09:30"),
        ),
        "two-places",
    )
    assert v.people == ("macron",) and v.items == ("briefing", "meeting")
    assert "Emmanuel Macron cannot be in two places at once" in v.message
    assert "until 30 October 10:00 Berlin time" in v.message
    assert "from 30 October 09:30 Berlin time" in v.message


def test_people_on_the_same_pair_of_items_are_named_together() -> None:
    visit = make_visit(
        item("briefing", "Briefing", attendees=["macron", "steinmeier"]),
        item("meeting", "Meeting", venue="ministry", attendees=["steinmeier", "macron"]),
    )
    v = only(
        check(
            visit,
            at(visit, "briefing", "2023-10-30 09:00"),
            at(visit, "meeting", "2023-10-30 09:30"),
        ),
        "two-places",
    )
    assert v.people == ("macron", "steinmeier")
    assert v.message.startswith("Emmanuel Macron and Frank-Walter Steinmeier cannot be")


def test_travel_time_between_venues() -> None:
    visit = make_visit(
        item("health", "Health working meeting", venue="ministry", attendees=["colonna"]),
        item("signing", "Agreement signing", venue="chancellery", attendees=["colonna"], holding=0),
    )
    ok = check(
        visit, at(visit, "health", "2023-10-30 10:00"), at(visit, "signing", "2023-10-30 11:40")
    )
    assert ok == []
    v = only(
        check(
            visit, at(visit, "health", "2023-10-30 10:00"), at(visit, "signing", "2023-10-30 11:10")
        ),
        "travel",
    )
    assert v.people == ("colonna",) and v.items == ("health", "signing")
    assert v.message == (
        "Catherine Colonna must be at 'Health working meeting' (Foreign Office) until 30 October "
        "11:00 Berlin time and at 'Agreement signing' (Federal Chancellery) at 30 October 11:10 "
        "Berlin time, but the journey takes 40 min, and there are only 10 min between them"
    )


def test_same_venue_needs_no_travel_or_holding() -> None:
    visit = make_visit(
        item("briefing", "Briefing"), item("welcome", "Welcome", kind="official_welcome")
    )
    assert (
        check(
            visit,
            at(visit, "briefing", "2023-10-30 09:00"),
            at(visit, "welcome", "2023-10-30 10:00"),
        )
        == []
    )


def test_holding_buffer_before_a_ceremony() -> None:
    visit = make_visit(
        item("meeting", "Meeting", venue="ministry"),
        item("signing", "Agreement signing", kind="agreement_signing", venue="chancellery"),
    )
    # 40 min drive plus the 10 min a ceremony's attendees must be on site beforehand
    ok = check(
        visit, at(visit, "meeting", "2023-10-30 09:00"), at(visit, "signing", "2023-10-30 10:50")
    )
    assert ok == []
    v = only(
        check(
            visit,
            at(visit, "meeting", "2023-10-30 09:00"),
            at(visit, "signing", "2023-10-30 10:45"),
        ),
        "travel",
    )
    assert v.people == ("macron",)
    assert "the journey takes 40 min and they must be on site 10 min before the start" in v.message
    assert "50 min needed" in v.message and "only 45 min" in v.message


def test_given_holding_overrides_the_default() -> None:
    visit = make_visit(
        item("meeting", "Meeting", venue="ministry"),
        item("lunch", "Lunch", kind="lunch", venue="chancellery", holding=20),
    )
    assert (
        check(
            visit, at(visit, "meeting", "2023-10-30 09:00"), at(visit, "lunch", "2023-10-30 11:00")
        )
        == []
    )
    v = only(
        check(
            visit, at(visit, "meeting", "2023-10-30 09:00"), at(visit, "lunch", "2023-10-30 10:55")
        ),
        "travel",
    )
    assert "20 min before the start (holding): 60 min needed" in v.message


def test_no_road_between_cities() -> None:
    items = (
        item("briefing", "Briefing", venue="chancellery"),
        item("garden", "Garden walk", venue="sanssouci"),
    )
    plan = (
        ("briefing", "2023-10-30 09:00"),
        ("garden", "2023-10-30 15:00"),
    )
    visit = make_visit(*items)
    v = only(check(visit, *(at(visit, i, t) for i, t in plan)), "no-road")
    assert v.people == ("macron",) and v.items == ("briefing", "garden")
    assert "in Berlin" in v.message and "in Potsdam" in v.message
    assert "only a movement (a flight, a train)" in v.message
    # an explicit leg joins the two cities
    data = visit_data(*items)
    data["travel"]["legs"].append({"from": "chancellery", "to": "sanssouci", "minutes": 50})
    joined = parse_visit(data, Path("t.yaml"), SourceMap()).visit
    assert check(joined, *(at(joined, i, t) for i, t in plan)) == []


def flight_visit(london_arrive: str = "2023-10-30 12:50") -> Visit:
    """Emmanuel Macron flies from Berlin to London on 30 October, staying in each city."""
    presence = [
        {"city": "berlin", "arrive": "2023-10-28 09:00", "depart": "2023-10-30 12:00"},
        {"city": "london", "arrive": london_arrive, "depart": "2023-10-30 20:00"},
    ]
    data = visit_data(
        item("farewell", "Farewell", venue="chancellery", duration=30),
        item(
            "flight",
            "Flight to London",
            kind="flight",
            duration=110,
            venue="ber",
            arrival_venue="lhr",
            pinned="2023-10-30 12:00",  # Berlin time (11:00 UTC); lands 12:50 London time
        ),
        item("tea", "Tea with the Prime Minister", venue="downing"),
    )
    data["people"][0]["presence"] = presence
    return parse_visit(data, Path("t.yaml"), SourceMap()).visit


def test_flight_moves_a_person_between_cities_and_zones() -> None:
    visit = flight_visit()
    plan = plan_of(
        visit,
        at(visit, "farewell", "2023-10-30 10:30"),  # ends 11:00, 45 min to the airport
        at(visit, "flight", "2023-10-30 12:00"),
        at(visit, "tea", "2023-10-30 13:50"),  # London time: landed 12:50, 60 min into town
    )
    flight = plan.item("flight")
    assert flight is not None and str(flight.end) == "2023-10-30 12:50+00:00"
    assert flight.end_timezone == "Europe/London"
    assert validate_plan(visit, plan) == []


def test_after_a_flight_the_arrival_zone_counts() -> None:
    visit = flight_visit()
    # 13:30 London time is 40 min after landing; 13:30 Berlin time would be before it
    v = only(
        check(
            visit,
            at(visit, "farewell", "2023-10-30 10:30"),
            at(visit, "flight", "2023-10-30 12:00"),
            at(visit, "tea", "2023-10-30 13:30"),
        ),
        "travel",
    )
    assert v.items == ("flight", "tea")
    assert "'Flight to London' (Heathrow Airport) until 30 October 12:50 London time" in v.message
    assert "the journey takes 60 min" in v.message


def test_daylight_saving_change_in_berlin() -> None:
    visit = make_visit(
        item("night", "Night briefing", venue="hotel"),
        item("watch", "Night watch", venue="hotel"),
        programme_hours={"start": "00:00", "end": "24:00"},
    )
    # 02:30 CEST and 02:30 CET on 29 October 2023 are an hour apart
    first = at(visit, "night", "2023-10-29 02:30+02:00")
    assert str(first.end) == "2023-10-29 02:30+01:00"
    assert check(visit, first, at(visit, "watch", "2023-10-29 02:30+01:00")) == []
    v = only(check(visit, first, at(visit, "watch", "2023-10-29 02:15+01:00")), "two-places")
    assert "until 29 October 02:30 Berlin time (UTC+01:00)" in v.message
    assert "from 29 October 02:15 Berlin time (UTC+01:00)" in v.message


def test_daylight_saving_duration() -> None:
    visit = make_visit(
        item("night", "Night briefing"), programme_hours={"start": "00:00", "end": "24:00"}
    )
    # the same clock reading on both sides of the change is 60 minutes, not 0
    ok = at(visit, "night", "2023-10-29 02:30+02:00", end="2023-10-29 02:30+01:00")
    assert check(visit, ok) == []
    wrong = at(visit, "night", "2023-10-29 02:00+02:00", end="2023-10-29 03:00")
    assert only(check(visit, wrong), "duration").items == ("night",)


# -- rules 2 to 5: windows, days, pins, programme and opening hours ----------------------------


def test_window() -> None:
    window = {"earliest_start": "2023-10-30 09:00", "latest_end": "2023-10-30 12:00"}
    visit = make_visit(item("talks", "Talks", window=window))
    assert check(visit, at(visit, "talks", "2023-10-30 09:00")) == []
    assert check(visit, at(visit, "talks", "2023-10-30 11:00")) == []
    v = only(check(visit, at(visit, "talks", "2023-10-30 08:30")), "window")
    assert (
        v.items == ("talks",)
        and "before its window opens (30 October 09:00 Berlin time)" in v.message
    )
    v = only(check(visit, at(visit, "talks", "2023-10-30 11:30")), "window")
    assert "ends 30 October 12:30 Berlin time, after its window closes" in v.message


def test_days() -> None:
    visit = make_visit(item("talks", "Talks", days=["2023-10-30"]))
    assert check(visit, at(visit, "talks", "2023-10-30 09:00")) == []
    v = only(check(visit, at(visit, "talks", "2023-10-29 09:00")), "day")
    assert v.items == ("talks",) and "only on 30 October" in v.message


def test_pinned() -> None:
    visit = make_visit(
        item("arrival", "Arrival", kind="arrival", venue="ber", pinned="2023-10-28 06:30")
    )
    assert check(visit, at(visit, "arrival", "2023-10-28 06:30")) == []  # before programme hours
    v = only(check(visit, at(visit, "arrival", "2023-10-28 07:00")), "pinned")
    assert v.items == ("arrival",)
    assert "pinned at 28 October 06:30 Berlin time" in v.message
    assert "starts it 28 October 07:00 Berlin time" in v.message


def test_programme_hours() -> None:
    visit = make_visit(item("dinner", "Dinner", kind="banquet", duration=120))
    assert check(visit, at(visit, "dinner", "2023-10-30 07:00")) == []
    assert check(visit, at(visit, "dinner", "2023-10-30 21:00")) == []
    v = only(check(visit, at(visit, "dinner", "2023-10-30 21:30")), "programme-hours")
    assert v.items == ("dinner",) and "(07:00–23:00)" in v.message
    v = only(check(visit, at(visit, "dinner", "2023-10-30 06:45")), "programme-hours")
    assert "30 October 06:45 Berlin time" in v.message


def test_venue_opening_hours() -> None:
    visit = make_visit(item("tour", "Museum tour", venue="museum"))
    assert check(visit, at(visit, "tour", "2023-10-30 17:00")) == []
    v = only(check(visit, at(visit, "tour", "2023-10-30 17:30")), "venue-hours")
    assert v.items == ("tour",)
    assert "Pergamon Museum, but it is open 10:00–18:00" in v.message


def test_venue_opening_hours_on_given_dates() -> None:
    data = visit_data(item("tour", "Museum tour", venue="museum"))
    data["venues"][5]["opening"] = [{"open": "10:00", "close": "18:00", "dates": ["2023-10-30"]}]
    visit = parse_visit(data, Path("t.yaml"), SourceMap()).visit
    assert check(visit, at(visit, "tour", "2023-10-30 10:00")) == []
    v = only(check(visit, at(visit, "tour", "2023-10-29 10:00")), "venue-hours")
    assert "closed on 29 October" in v.message


def test_flight_opening_hours_at_departure_only() -> None:
    data = visit_data(
        item(
            "flight",
            "Flight to London",
            kind="flight",
            duration=110,
            venue="ber",
            arrival_venue="lhr",
            pinned="2023-10-30 21:00",
        ),
    )
    data["venues"][6]["opening"] = [{"open": "06:00", "close": "22:00"}]
    visit = parse_visit(data, Path("t.yaml"), SourceMap()).visit
    assert check(visit, at(visit, "flight", "2023-10-30 21:00")) == []  # lands after closing


# -- rules 6 and 7: exclusive venues and capacity -------------------------------------------------


def test_exclusive_venue() -> None:
    visit = make_visit(
        item("a", "Talks", venue="bellevue", attendees=["macron"]),
        item("b", "Spouses' tea", venue="bellevue", attendees=["brigitte"]),
    )
    assert (
        check(visit, at(visit, "a", "2023-10-30 09:00"), at(visit, "b", "2023-10-30 10:00")) == []
    )
    v = only(
        check(visit, at(visit, "a", "2023-10-30 09:00"), at(visit, "b", "2023-10-30 09:30")),
        "exclusive-venue",
    )
    assert v.items == ("a", "b")
    assert "Bellevue Palace hosts one item at a time" in v.message


def test_non_exclusive_venue_hosts_items_together() -> None:
    visit = make_visit(
        item("a", "Breakfast", venue="hotel", attendees=["macron", "brigitte"]),
        item("b", "Staff meeting", venue="hotel", attendees=["steinmeier", "buedenbender"]),
    )
    assert (
        check(visit, at(visit, "a", "2023-10-30 09:00"), at(visit, "b", "2023-10-30 09:00")) == []
    )


def test_capacity_of_a_non_exclusive_venue() -> None:
    visit = make_visit(
        item("a", "Breakfast", venue="hotel", attendees=["macron", "brigitte", "colonna"]),
        item(
            "b",
            "Press briefing",
            venue="hotel",
            attendees=["steinmeier", "buedenbender", "baerbock"],
        ),
    )
    assert (
        check(visit, at(visit, "a", "2023-10-30 09:00"), at(visit, "b", "2023-10-30 10:00")) == []
    )
    v = only(
        check(visit, at(visit, "a", "2023-10-30 09:00"), at(visit, "b", "2023-10-30 09:30")),
        "capacity",
    )
    assert v.items == ("a", "b")
    assert "Hotel Adlon holds at most 5, but 6 people are there" in v.message
    assert "30 October 09:30 Berlin time" in v.message


def test_capacity_of_the_chosen_venue() -> None:
    everyone = ["macron", "brigitte", "colonna", "steinmeier", "buedenbender", "baerbock"]
    visit = make_visit(
        item(
            "lunch",
            "Lunch",
            kind="lunch",
            venue=None,
            candidate_venues=["hotel", "hall"],
            attendees=everyone,
        )
    )
    assert check(visit, at(visit, "lunch", "2023-10-30 12:00", venue="hall")) == []
    v = only(check(visit, at(visit, "lunch", "2023-10-30 12:00", venue="hotel")), "capacity")
    assert v.items == ("lunch",) and "6 attendees, but Hotel Adlon holds at most 5" in v.message


# -- rule 8: ordering -------------------------------------------------------------------------


def order_visit(**rule: Any) -> Visit:
    return make_visit(
        item("welcome", "Welcome", venue="bellevue"),
        item("talks", "Talks", venue="bellevue", order=[{"after": "welcome", **rule}]),
        item("lunch", "Lunch", kind="lunch", venue="bellevue", order=[{"before": "toast"}]),
        item("toast", "Toast", venue="bellevue", duration=15),
    )


def test_order_after_with_min_and_max_gap() -> None:
    visit = order_visit(min_gap=15, max_gap=60)

    def plan(talks: str) -> list[Violation]:
        return check(
            visit,
            at(visit, "welcome", "2023-10-30 09:00"),
            at(visit, "talks", talks),
            at(visit, "lunch", "2023-10-30 13:00"),
            at(visit, "toast", "2023-10-30 14:00"),
        )

    assert plan("2023-10-30 10:15") == []
    assert plan("2023-10-30 11:00") == []
    v = only(plan("2023-10-30 10:10"), "order")
    assert v.items == ("talks", "welcome")
    assert "'Talks' must start at least 15 min after 'Welcome' ends" in v.message
    v = only(plan("2023-10-30 11:05"), "order")
    assert "within 60 min of the end of 'Welcome'" in v.message and "65 min apart" in v.message


def test_order_before() -> None:
    visit = order_visit()
    base = (at(visit, "welcome", "2023-10-30 09:00"), at(visit, "talks", "2023-10-30 10:00"))
    assert (
        check(
            visit,
            *base,
            at(visit, "lunch", "2023-10-30 12:00"),
            at(visit, "toast", "2023-10-30 13:00"),
        )
        == []
    )
    v = only(
        check(
            visit,
            *base,
            at(visit, "lunch", "2023-10-30 12:00"),
            at(visit, "toast", "2023-10-30 11:00"),
        ),
        "order",
    )
    assert v.items == ("lunch", "toast")
    assert "'Toast' must not start before 'Lunch' ends" in v.message


def test_order_does_not_apply_to_a_dropped_item() -> None:
    visit = make_visit(
        item("welcome", "Welcome", optional=True),
        item("talks", "Talks", order=[{"after": "welcome"}]),
    )
    assert (
        check(visit, off("welcome", Status.DROPPED), at(visit, "talks", "2023-10-28 09:00")) == []
    )


def test_order_same_day() -> None:
    visit = order_visit(same_day=True)
    rest = (at(visit, "lunch", "2023-10-30 12:00"), at(visit, "toast", "2023-10-30 13:00"))
    assert (
        check(
            visit,
            at(visit, "welcome", "2023-10-29 09:00"),
            at(visit, "talks", "2023-10-29 18:00"),
            *rest,
        )
        == []
    )
    v = only(
        check(
            visit,
            at(visit, "welcome", "2023-10-29 09:00"),
            at(visit, "talks", "2023-10-30 09:00"),
            *rest,
        ),
        "order",
    )
    assert "on the same day" in v.message


# -- rule 9: presence --------------------------------------------------------------------------


def test_presence() -> None:
    visit = make_visit(item("meeting", "Ministers' meeting", attendees=["colonna", "baerbock"]))
    assert check(visit, at(visit, "meeting", "2023-10-28 12:00")) == []  # arrives 12:00
    v = only(check(visit, at(visit, "meeting", "2023-10-28 11:30")), "presence")
    assert v.people == ("colonna",) and v.items == ("meeting",)
    assert (
        "Catherine Colonna is in Berlin only from 28 October 12:00 Berlin time to 30 October "
        "20:00 Berlin time" in v.message
    )


def test_presence_of_an_optional_attendee_who_is_listed() -> None:
    visit = make_visit(
        item("meeting", "Meeting", attendees=["baerbock"], optional_attendees=["colonna"])
    )
    assert check(visit, at(visit, "meeting", "2023-10-28 10:00", attendees=("baerbock",))) == []
    v = only(
        check(visit, at(visit, "meeting", "2023-10-28 10:00", attendees=("baerbock", "colonna"))),
        "presence",
    )
    assert v.people == ("colonna",)


def test_presence_on_a_flight() -> None:
    visit = flight_visit()
    rest = (at(visit, "farewell", "2023-10-30 10:30"), at(visit, "tea", "2023-10-30 14:00"))
    # leaves Berlin at 12:00 and lands at 12:50 London time: both stay bounds, inclusive
    assert check(visit, *rest, at(visit, "flight", "2023-10-30 12:00")) == []
    # the flight's time is pinned; make the London stay begin after it lands instead
    late = flight_visit(london_arrive="2023-10-30 13:00")
    v = only(check(late, *rest, at(late, "flight", "2023-10-30 12:00")), "presence")
    assert v.items == ("flight",) and v.people == ("macron",)
    assert "'Flight to London' is to land at Heathrow Airport (London)" in v.message


# -- rule 10: hard conventions -----------------------------------------------------------------


def test_hard_order_convention() -> None:
    convention = {
        "rule": "order",
        "id": "talks-before-lunch",
        "description": "talks come before lunch",
        "first": ["one_on_one_talks"],
        "then": ["lunch"],
        "strength": "hard",
    }
    visit = make_visit(
        item(
            "talks",
            "Talks",
            kind="one_on_one_talks",
            attendees=["macron", "steinmeier"],
            venue="bellevue",
        ),
        item("lunch", "Lunch", kind="lunch", attendees=["macron", "brigitte"], venue="bellevue"),
        item("tea", "Tea", kind="lunch", attendees=["brigitte"], venue="hall"),  # no one shared
        conventions=[convention],
    )
    ok = (at(visit, "talks", "2023-10-30 10:00"), at(visit, "tea", "2023-10-30 07:00"))
    assert check(visit, *ok, at(visit, "lunch", "2023-10-30 12:00")) == []
    assert check(visit, *ok, at(visit, "lunch", "2023-10-29 12:00")) == []  # same day only
    v = only(check(visit, *ok, at(visit, "lunch", "2023-10-30 08:30")), "convention")
    assert v.items == ("talks", "lunch") and v.people == ("macron",)
    assert "talks come before lunch (convention 'talks-before-lunch')" in v.message


def test_soft_convention_is_not_checked() -> None:
    visit = make_visit(
        item("talks", "Talks", kind="one_on_one_talks", venue="bellevue"),
        item("lunch", "Lunch", kind="lunch", venue="hall"),
        conventions=[
            {
                "rule": "order",
                "id": "talks-before-lunch",
                "description": "talks come before lunch",
                "first": ["one_on_one_talks"],
                "then": ["lunch"],
                "strength": "soft",
            },
        ],
    )
    assert (
        check(visit, at(visit, "talks", "2023-10-30 14:00"), at(visit, "lunch", "2023-10-30 12:00"))
        == []
    )


def test_hard_time_of_day_convention() -> None:
    visit = make_visit(
        item("banquet", "State banquet", kind="banquet", duration=120),
        use_host_conventions=True,
        conventions=[
            {
                "rule": "override",
                "id": "banquet-in-the-evening",
                "strength": "hard",
                "reason": "the host insists",
            }
        ],
    )
    assert check(visit, at(visit, "banquet", "2023-10-30 19:00")) == []
    assert check(visit, at(visit, "banquet", "2023-10-30 21:00")) == []
    v = only(check(visit, at(visit, "banquet", "2023-10-30 18:30")), "convention")
    assert v.items == ("banquet",)
    assert "starts 19:00–21:00" in v.message and "30 October 18:30 Berlin time" in v.message


# -- the command ---------------------------------------------------------------------------------


def write_case(tmp_path: Path, *planned_at: tuple[str, str]) -> Path:
    data = visit_data(item("briefing", "Briefing"), item("tour", "City tour", optional=True))
    path = tmp_path / "visit.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML
    visit = make_visit(item("briefing", "Briefing"), item("tour", "City tour", optional=True))
    items = [at(visit, i, t) for i, t in planned_at]
    if not any(i == "tour" for i, _ in planned_at):
        items.append(off("tour", Status.DROPPED))
    write_plan(plan_path(path), plan_of(visit, *items))
    return path


def test_cli_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_case(tmp_path, ("briefing", "2023-10-30 09:00"))
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out == "plan valid: 1 items scheduled, 1 dropped, 0 cancelled\n"


def test_cli_invalid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_case(tmp_path, ("briefing", "2023-10-30 09:00"), ("tour", "2023-10-30 09:30"))
    assert main(["validate", str(path), str(plan_path(path))]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "error: Emmanuel Macron cannot be in two places at once: at 'Briefing' (Federal "
        "Chancellery) until 30 October 10:00 Berlin time and at 'City tour' (Federal Chancellery) "
        "from 30 October 09:30 Berlin time",
        "error: Federal Chancellery hosts one item at a time, but 'Briefing' (30 October 09:00 "
        "Berlin time to 30 October 10:00 Berlin time) and 'City tour' (30 October 09:30 Berlin "
        "time to 30 October 10:30 Berlin time) overlap",
    ]


def test_cli_missing_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_case(tmp_path, ("briefing", "2023-10-30 09:00"))
    plan_path(path).unlink()
    assert main(["validate", str(path)]) == 2
    assert "no plan at" in capsys.readouterr().err


def test_cli_bad_plan_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_case(tmp_path, ("briefing", "2023-10-30 09:00"))
    plan_path(path).write_text("schema_version: 1\nvisit: test-visit\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert "fingerprint" in capsys.readouterr().err


def test_cli_bad_visit_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "visit.yaml"
    path.write_text("schema_version: 1\nid: x\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert "invalid" in capsys.readouterr().err


def test_overlaps_are_found_as_by_comparing_every_pair() -> None:
    """The exclusive-venue, capacity and two-places checks find each person's items and
    each venue's by one pass (a visit of 4,400 items: 1.5 s of the validator was comparing
    every slot with every other), and report exactly what comparing every pair finds, in
    the same order: 200 random programmes of 12 items at three venues."""
    import random
    from itertools import combinations, pairwise

    people = ["macron", "brigitte", "steinmeier", "buedenbender", "baerbock"]
    rng = random.Random(9)
    venues = ["bellevue", "hotel", "chancellery"]  # exclusive; 5 at most together; exclusive
    seen_rules: set[str] = set()
    for _ in range(200):
        items = [
            item(
                f"i{n}",
                f"Item {n}",
                venue=rng.choice(venues),
                duration=rng.choice([15, 30, 45, 60, 90]),
                attendees=rng.sample(people, rng.randint(1, 3)),
            )
            for n in range(12)
        ]
        visit = make_visit(*items)
        placed = [
            at(visit, f"i{n}", f"2023-10-30 {rng.randint(8, 13):02d}:{rng.choice([0, 15, 30]):02d}")
            for n in range(12)
        ]
        found = check(visit, *placed)
        seen_rules.update(v.rule for v in found)
        spans = {p.id: (p.start_at(), p.end_at()) for p in placed}
        # as the validator orders them: by start, end and id
        slots = sorted(placed, key=lambda p: (*spans[p.id], p.id))

        def overlap(a: str, b: str, spans: dict[str, Any] = spans) -> bool:
            return spans[a][0] < spans[b][1] and spans[b][0] < spans[a][1]

        exclusive = [
            (a.id, b.id)
            for a, b in combinations(slots, 2)
            if a.venue == b.venue and a.venue != "hotel" and overlap(a.id, b.id)
        ]
        assert [v.items for v in found if v.rule == "exclusive-venue"] == exclusive
        consecutive = set()
        for pid in people:
            mine = [s for s in slots if pid in s.attendees]
            consecutive |= {(a.id, b.id) for a, b in pairwise(mine) if overlap(a.id, b.id)}
        assert {v.items for v in found if v.rule == "two-places"} == consecutive
        for v in found:
            if v.rule == "capacity":
                together = [spans[i] for i in v.items]
                assert len(v.items) > 1 and max(s for s, _ in together) < min(
                    e for _, e in together
                )
    assert {"exclusive-venue", "two-places", "capacity"} <= seen_rules
