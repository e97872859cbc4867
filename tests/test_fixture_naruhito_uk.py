"""The reported state visit of Emperor Naruhito and Empress Masako of Japan to the United
Kingdom, 22–29 June 2024 (fixtures/naruhito-uk-2024.yaml): a residence on every night
(Claridge's for six nights, the government aircraft on the seventh) and a motorcade day
across the London area (27 June: Buckingham Palace, Bethnal Green, Windsor, Kew).
`planner check` accepts the file, the solved plan keeps every time the sources report and
passes the independent validator, every night of the guest principal has a residence, and
the principal's itinerary names the residence at the start of each day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from planner.model import SourceKind, Visit
from planner.model.travel import travel_minutes
from planner.plan import Plan
from planner.visitfile import load_visit
from tests.conftest import FIXTURES
from tests.fixture_support import check_output, clock, planned, sourced
from tests.schedule_support import errors_of, solved, validate_every_plan

__all__ = ["validate_every_plan"]

VISIT = FIXTURES / "naruhito-uk-2024.yaml"
FIRST, LAST = date(2024, 6, 22), date(2024, 6, 29)

# Every clock time the sources report as "about HH:MM", as (item, "start" or "end", local
# time at that end). Japan-time reports are converted (JST = London + 8 h in June).
REPORTED_TIMES = [
    ("departure-haneda", "start", "2024-06-22 10:50"),  # Yomiuri, Tokyo time
    ("flight-to-stansted", "end", "2024-06-22 17:50"),  # Yomiuri, NNN: the arrival
    ("arrival-stansted", "start", "2024-06-22 17:50"),  # Yomiuri: down the airstairs
    ("drive-to-claridges", "end", "2024-06-22 19:10"),  # Yomiuri, Precious.jp
    ("audience-british", "start", "2024-06-23 18:00"),  # Fuji TV: 02:00 JST
    ("drive-to-thames-barrier", "end", "2024-06-24 11:00"),  # TBS
    ("thames-barrier", "start", "2024-06-24 11:00"),  # TBS
    ("ceremonial-welcome", "start", "2024-06-25 12:10"),  # the ceremonial programme
    ("state-banquet", "start", "2024-06-25 20:30"),  # TBS
    ("palace-farewell", "start", "2024-06-27 10:00"),  # TBS: 18:00 JST
    ("windsor-graves", "start", "2024-06-27 15:30"),  # 23:30 JST
    ("drive-to-oxford", "end", "2024-06-28 11:40"),  # Jiji
    ("balliol-visit", "start", "2024-06-28 11:40"),  # Jiji
    ("merton", "start", "2024-06-28 17:30"),  # Yomiuri
    ("flight-home", "end", "2024-06-29 18:00"),  # NHK, Tokyo time
]
# Times reported as "shortly after HH:MM": the start lies in the quarter of an hour after.
REPORTED_SHORTLY_AFTER = [
    ("japan-house", "2024-06-23 14:00"),  # NNN
    ("drive-to-thames-barrier", "2024-06-24 10:00"),  # NTV: left the hotel
    ("guildhall-banquet", "2024-06-26 20:00"),  # NHK
    ("kew-remarks", "2024-06-27 17:00"),  # ANN: 01:00 JST
    ("drive-to-oxford", "2024-06-28 10:00"),  # FNN: left the hotel, 18:00 JST
    ("honorary-degree", "2024-06-28 15:00"),  # FNN: 23:00 JST
]
# Reported durations (minutes).
REPORTED_MINUTES = {"japan-house": 30, "thames-barrier": 90, "windsor-graves": 30}
# The motorcade day across the London area, in its reported order (Jiji, Yomiuri, ANN).
METRO_DAY = date(2024, 6, 27)
METRO_ORDER = ["palace-farewell", "young-va", "windsor-graves", "kew-gardens", "kew-remarks"]
OXFORD_ORDER = [
    "drive-to-oxford",
    "balliol-visit",
    "chancellor-lunch",
    "honorary-degree",
    "oxford-walk",
    "merton",
    "holywell-manor",
    "farewell-brize-norton",
    "flight-home",
]


@pytest.fixture(scope="module")
def visit() -> Visit:
    return load_visit(VISIT).visit


@pytest.fixture
def plan(visit: Visit) -> Plan:
    return solved(visit)


def _nights(visit: Visit) -> list[date]:
    """The nights of the visit, each by the date of its evening: from the first day to the
    eve of the last."""
    return [visit.start + timedelta(days=n) for n in range((visit.end - visit.start).days)]


# -- (a) the file is accepted -------------------------------------------------------------


def test_planner_check_accepts_the_file() -> None:
    check_output(VISIT)


def test_every_item_venue_person_and_residence_says_where_it_comes_from(visit: Visit) -> None:
    sourced(visit)
    # every item of the programme and every residence is reported
    assert all(i.provenance.source is SourceKind.CITED for i in visit.items)
    assert all(
        e.provenance is not None and e.provenance.source is SourceKind.CITED for e in visit.lodging
    )
    assert (visit.start, visit.end) == (FIRST, LAST)


# -- (b) the solved plan keeps every reported time ------------------------------------------


def test_the_plan_keeps_every_reported_time(plan: Plan) -> None:
    for item_id, end, local in REPORTED_TIMES:
        assert clock(planned(plan, item_id), end) == local, item_id


def test_the_plan_starts_shortly_after_where_the_sources_say_so(plan: Plan) -> None:
    for item_id, local in REPORTED_SHORTLY_AFTER:
        start = datetime.strptime(clock(planned(plan, item_id), "start"), "%Y-%m-%d %H:%M")
        after = datetime.strptime(local, "%Y-%m-%d %H:%M")
        assert after <= start <= after + timedelta(minutes=15), (item_id, start)


def test_the_plan_keeps_every_reported_duration(plan: Plan) -> None:
    for item_id, minutes in REPORTED_MINUTES.items():
        found = planned(plan, item_id)
        start, end = found.start_at(), found.end_at()
        assert start is not None and end is not None
        assert (end - start).total_seconds() == minutes * 60, item_id


def test_every_item_is_planned_within_the_visit(plan: Plan, visit: Visit) -> None:
    for item in visit.items:
        day = planned(plan, item.id).start.local.date()  # type: ignore[union-attr]
        assert FIRST <= day <= LAST, item.id
    assert planned(plan, "young-va").start.local.date() == METRO_DAY  # type: ignore[union-attr]


def test_the_reported_order_of_the_metro_day_and_of_oxford(plan: Plan) -> None:
    for order in (METRO_ORDER, OXFORD_ORDER):
        starts = [planned(plan, i).start_at() for i in order]
        assert starts == sorted(starts), order  # type: ignore[type-var]


# -- (c) the independent validator finds no error -------------------------------------------


def test_the_validator_finds_no_error(visit: Visit, plan: Plan) -> None:
    assert errors_of(visit, plan) == []


# -- (d) every night of every guest principal has a residence -------------------------------


def test_every_night_of_every_guest_principal_has_a_residence(visit: Visit) -> None:
    principals = [
        p.id for p in visit.people if p.side.value == "guest" and p.role.value == "principal"
    ]
    assert principals == ["naruhito"]
    for pid in [*principals, "masako"]:  # the Empress too: she slept where he did
        for night in _nights(visit):
            assert (pid, night) in visit.residence, (pid, night)
    assert {visit.residence[("naruhito", n)] for n in _nights(visit)[:-1]} == {"claridges"}
    # the last night aboard the flight home: the next day starts where it lands
    assert visit.aboard[("naruhito", date(2024, 6, 28))] == "flight-home"
    assert visit.residence[("naruhito", date(2024, 6, 28))] == "haneda"


# -- the motorcade day across the London area -------------------------------------------------


def test_the_metro_day_is_driven_on_the_roads_of_the_london_area(visit: Visit, plan: Plan) -> None:
    """Windsor is a town of the London area: Bethnal Green – Windsor – Kew need no leg, and
    the day spans two cities of one metro area."""
    assert visit.areas["windsor"] == "london"
    assert not visit.travel.legs or all(
        "windsor" not in (visit.venue[leg.from_venue].city, visit.venue[leg.to_venue].city)
        for leg in visit.travel.legs
    )
    cities = {visit.venue[planned(plan, i).venue or ""].city for i in METRO_ORDER}
    assert cities == {"london", "windsor"}
    v = visit.venue
    # 36 km in a straight line x 1.4 at 50 km/h + 10 min; 21.6 km likewise
    assert travel_minutes(visit.travel, v["young-va"], v["st-georges-chapel"]) == 75
    assert travel_minutes(visit.travel, v["st-georges-chapel"], v["kew-gardens"]) == 50


# -- (e) the itinerary names the residence at the start of each day ------------------------------


def _day_sections(markdown: str) -> dict[str, str]:
    sections: dict[str, str] = {}
    for part in markdown.split("\n## ")[1:]:
        heading, _, body = part.partition("\n")
        sections[heading.strip()] = body
    return sections


def _first_item(section: str) -> str:
    """The first item of a day's section: its heading up to the next item."""
    blocks = section.split("\n### ")
    assert len(blocks) > 1, section
    return blocks[1]


def _mornings(visit: Visit) -> list[date]:
    """Days that start at a residence: the morning after each night of the principal."""
    return [n + timedelta(days=1) for n in _nights(visit)]


def _starts_at_residence(visit: Visit, plan: Plan, day: date) -> None:
    from planner.export.outputs import build

    files = build(visit, plan)
    itinerary = files["people/naruhito.md"].decode("utf-8")
    heading = f"{day:%A} {day.day} {day:%B %Y}"
    sections = _day_sections(itinerary)
    assert heading in sections, (heading, list(sections))
    first = _first_item(sections[heading])
    residence = visit.venue[visit.residence[("naruhito", day - timedelta(days=1))]].name
    # either the journey from it ("leave Claridge's, Mayfair 13:40: motorcade 20 min") or
    # the item itself at it (the Prince of Wales' greeting, the drive to Oxford)
    lines = first.splitlines()
    details = [line for line in lines if line.startswith(("- Travel before:", "- Venue:"))]
    assert any(residence in line for line in details), (heading, residence, first)


@pytest.mark.parametrize(
    "day",
    [FIRST + timedelta(days=n) for n in range(1, 7)],  # 23-28 June; 29 June below
    ids=lambda d: f"{d:%d-%b}",
)
def test_the_itinerary_names_the_residence_before_the_days_first_item(
    visit: Visit, plan: Plan, day: date
) -> None:
    assert day in _mornings(visit)
    _starts_at_residence(visit, plan, day)


def test_the_itinerary_names_the_aircraft_on_the_day_of_the_return(
    visit: Visit, plan: Plan
) -> None:
    """The night of 28 June is spent aboard the flight home: that evening's itinerary says
    so, and the next day's first item (the greeting at Haneda) comes off it."""
    from planner.export.outputs import build

    itinerary = build(visit, plan)["people/naruhito.md"].decode("utf-8")
    sections = _day_sections(itinerary)
    eve = LAST - timedelta(days=1)
    assert (
        "Tonight: aboard Flight RAF Brize Norton – Tokyo Haneda"
        in sections[f"{eve:%A} {eve.day} {eve:%B %Y}"]
    )
    first = _first_item(sections[f"{LAST:%A} {LAST.day} {LAST:%B %Y}"])
    assert "Return to Haneda" in first.splitlines()[0], first
    assert (
        "- Travel before: overnight aboard Flight RAF Brize Norton – Tokyo Haneda (Naruhito)"
        in first
    ), first
