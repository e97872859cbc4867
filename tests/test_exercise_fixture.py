"""The Spain exercise visit: two zones, a pinned flight, a spouse programme in parallel
with the talks, and the end of summer time in the middle of the visit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner.model import ItemKind, SourceKind, TimeProblem, Visit, WallTime
from planner.model.clock import resolve_local
from planner.visitfile import load_visit
from tests.conftest import FIXTURES

SPAIN = FIXTURES / "exercise-spain-2024.yaml"


@pytest.fixture(scope="module")
def visit() -> Visit:
    return load_visit(SPAIN).visit


def test_three_days_two_cities_two_zones(visit: Visit) -> None:
    assert (visit.start, visit.end) == (date(2024, 10, 26), date(2024, 10, 28))
    assert {c.id: c.timezone for c in visit.cities} == {
        "madrid": "Europe/Madrid",
        "las-palmas": "Atlantic/Canary",
    }
    assert visit.guest_home_timezone == "America/New_York"


def test_pinned_flight_between_the_cities(visit: Visit) -> None:
    (flight,) = (i for i in visit.items if i.kind is ItemKind.FLIGHT)
    assert flight.pinned is not None and flight.arrival_venue is not None
    origin, dest = visit.venue[flight.venues[0]], visit.venue[flight.arrival_venue]
    assert (origin.city, dest.city) == ("madrid", "las-palmas")
    takeoff = flight.pinned.resolve(visit.item_zone(flight))
    assert takeoff.utcoffset() == timedelta(hours=1)  # Madrid, already on winter time
    landing = takeoff.add(minutes=flight.duration).in_timezone("Atlantic/Canary")
    # the travelling party leaves Madrid at take-off and reaches Las Palmas on landing
    for pid in flight.attendees:
        stays = {s.city: s for s in visit.person[pid].presence}
        assert stays["madrid"].depart is not None and stays["las-palmas"].arrive is not None
        assert stays["madrid"].depart.resolve("Europe/Madrid") == takeoff
        assert stays["las-palmas"].arrive.resolve("Atlantic/Canary") == landing


def test_home_clock_offset_changes_mid_visit(visit: Visit) -> None:
    arrival = visit.item["arrival-madrid"]
    assert arrival.pinned is not None
    first = arrival.pinned.resolve("Europe/Madrid")
    later = visit.item["arrival-las-palmas"]
    assert later.pinned is not None
    second = later.pinned.resolve("Atlantic/Canary")
    home = visit.guest_home_timezone
    # Madrid is 6 h ahead of New York on the 26th, 5 h from the 27th (the EU fell back,
    # New York only on 3 November); the Canaries are 4 h ahead of New York then.
    assert first.utcoffset() - first.in_timezone(home).utcoffset() == timedelta(hours=6)
    assert second.utcoffset() - second.in_timezone(home).utcoffset() == timedelta(hours=4)
    assert resolve_local(first.naive(), "Europe/Madrid").utcoffset() == timedelta(hours=2)


def test_the_repeated_hour_is_disambiguated(visit: Visit) -> None:
    convoy = visit.item["vehicle-convoy"]
    assert convoy.pinned is not None and convoy.pinned.offset == timedelta(hours=2)
    with pytest.raises(TimeProblem, match="occurs twice"):
        WallTime.parse("2024-10-27 02:30").resolve("Europe/Madrid")
    instant = convoy.pinned.resolve("Europe/Madrid")
    assert instant.in_timezone("UTC").hour == 0 and instant.in_timezone("UTC").minute == 30


def test_spouse_programme_runs_in_parallel_with_the_talks(visit: Visit) -> None:
    spouse = visit.item["spouse-prado"]
    assert spouse.kind is ItemKind.SPOUSE_PROGRAMME
    assert "first-spouse" in spouse.attendees and "president" not in spouse.attendees
    assert spouse.window and spouse.window.earliest_start and spouse.window.latest_end
    lo = spouse.window.earliest_start.resolve("Europe/Madrid")
    hi = spouse.window.latest_end.resolve("Europe/Madrid")
    talks = [visit.item["one-on-one"], visit.item["expanded-talks"]]
    assert all(t.days == (date(2024, 10, 26),) for t in talks)
    assert lo.date() == date(2024, 10, 26) and hi > lo.add(minutes=spouse.duration)


def test_every_fact_is_assumed_with_a_reason(visit: Visit) -> None:
    for item in visit.items:
        assert item.provenance.source is SourceKind.ASSUMED and item.provenance.reason
    for entry in (*visit.people, *visit.venues, *visit.travel.legs):
        assert entry.provenance is not None and entry.provenance.reason
