"""The reported tour of President Xi Jinping of China through France, Serbia and Hungary,
5–10 May 2024 (fixtures/xi-europe-2024.yaml): three legs (France with Paris and the Col du
Tourmalet, Serbia, Hungary) joined by the guest's flights, with landing times reported at
both ends of each. `planner check` accepts the file and lists the legs, the solved plan
keeps every time the sources report and passes the independent validator, the programme
heads each day with its leg, and the guest principal's itinerary is one file across the
three legs, with the flights between countries in it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from planner.model import Visit
from planner.plan import Plan
from planner.validate import validate_plan
from planner.visitfile import load_visit
from tests.conftest import FIXTURES
from tests.fixture_support import check_output, clock, planned, sourced
from tests.schedule_support import solved, validate_every_plan

__all__ = ["validate_every_plan"]

VISIT = FIXTURES / "xi-europe-2024.yaml"
FIRST, LAST = date(2024, 5, 5), date(2024, 5, 10)

# Every clock time the sources report ("about HH:MM" is pinned at HH:MM), as (item, "start"
# or "end", local time at that end: the arrival's clock for the end of a flight).
REPORTED_TIMES = [
    ("flight-beijing-paris", "end", "2024-05-05 15:40"),  # CCTV: landed at 15:40
    ("arrival-orly", "start", "2024-05-05 15:40"),
    ("elysee-greeting", "start", "2024-05-06 11:00"),  # Libération: 11:00 sharp
    ("invalides-welcome", "start", "2024-05-06 15:00"),  # Europe 1: the programme
    ("business-council", "start", "2024-05-06 18:00"),  # Europe 1: the programme
    ("macron-flight", "start", "2024-05-07 10:34"),  # France 3: off Villacoublay
    ("macron-flight", "end", "2024-05-07 11:22"),  # France 3: landed at Tarbes
    ("tarbes-welcome", "start", "2024-05-07 12:30"),  # La Vie économique: about 12:30
    ("drive-xi-up", "end", "2024-05-07 14:00"),  # La Vie économique: about 14:00
    ("tourmalet-greeting", "start", "2024-05-07 14:00"),
    ("flight-tarbes-belgrade", "end", "2024-05-07 21:40"),  # Tanjug: about 21:40
    ("arrival-belgrade", "start", "2024-05-07 21:40"),
    ("flight-home", "start", "2024-05-10 18:10"),  # Beta: shortly after 18:10
]
# Times reported as "a few minutes after" / "shortly before" HH:MM: within 15 minutes after
# (the start) or before (the end) the reported minute.
REPORTED_AFTER = [("buda-castle-welcome", "start", "2024-05-09 10:00")]  # hirado.hu
REPORTED_BEFORE = [("flight-belgrade-budapest", "end", "2024-05-08 21:00")]  # Daily News Hungary
TOLERANCE = timedelta(minutes=15)
# "At noon" (the Chinese readout of the Belgrade press meeting): read as 11:30–13:00.
NOON = ("press-rs", "2024-05-08 11:30", "2024-05-08 13:00")
# Reported durations (minutes): the trilateral (Libération), the flight to Paris (CCTV).
REPORTED_MINUTES = {"trilateral": 90, "flight-beijing-paris": 11 * 60}
# The reported order of each day's engagements.
PARIS_ORDER = [  # Chinese readout of 6 May; Europe 1
    "elysee-greeting",
    "trilateral",
    "invalides-welcome",
    "escort-to-elysee",
    "one-on-one-fr",
    "expanded-fr",
    "press-fr",
    "business-council",
    "state-dinner",
]
PYRENEES_ORDER = [  # La Vie économique, TF1, Fortune Insight
    "flight-paris-tarbes",
    "tarbes-welcome",
    "drive-xi-up",
    "tourmalet-greeting",
    "tourmalet-lunch",
    "drive-xi-down",
    "tarbes-farewell",
    "flight-tarbes-belgrade",
]
BELGRADE_ORDER = [  # 021.rs, the Chinese readouts, Xinhua
    "welcome-serbia",
    "terrace-greeting",
    "one-on-one-rs",
    "plenary-rs",
    "signing-rs",
    "press-rs",
    "lunch-rs",
    "vila-mir-farewell",
    "belgrade-farewell",
    "flight-belgrade-budapest",
]
BUDAPEST_ORDER = ["buda-castle-welcome", "sandor-talks", "karmelita-talks", "press-hu"]
# The flights of the guest principal between countries, in order, with the city each lands in.
FLIGHTS = [
    ("flight-beijing-paris", "Paris"),
    ("flight-paris-tarbes", None),  # within France, one clock: "Lands HH:MM"
    ("flight-tarbes-belgrade", "Belgrade"),
    ("flight-belgrade-budapest", "Budapest"),
    ("flight-home", "Beijing"),
]
# The programme's day headings: each day with its leg, and both legs on a day of crossing.
DAY_HEADINGS = [
    "## Sunday 5 May 2024 — France · state visit",
    "## Monday 6 May 2024 — France · state visit",
    "## Tuesday 7 May 2024 — France · state visit → Serbia · state visit",
    "## Wednesday 8 May 2024 — Serbia · state visit → Hungary · state visit",
    "## Thursday 9 May 2024 — Hungary · state visit",
    "## Friday 10 May 2024 — Hungary · state visit",
]


@pytest.fixture(scope="module")
def visit() -> Visit:
    return load_visit(VISIT).visit


@pytest.fixture
def plan(visit: Visit) -> Plan:
    return solved(visit)


@pytest.fixture
def outputs(visit: Visit, plan: Plan) -> dict[str, str]:
    from planner.export.outputs import build

    return {
        path: content.decode("utf-8")
        for path, content in build(visit, plan).items()
        if path.endswith(".md")
    }


def _local(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


# -- (a) the file is accepted -------------------------------------------------------------


def test_planner_check_accepts_the_file_and_lists_the_legs() -> None:
    out = check_output(VISIT)
    assert "Leg france: France · state visit, 05 May–07 May" in out
    assert "Leg serbia: Serbia · state visit, 07 May–08 May (Belgrade)" in out
    assert "Leg hungary: Hungary · state visit, 08 May–10 May (Budapest)" in out


def test_every_fact_says_where_it_comes_from(visit: Visit) -> None:
    assumed = sourced(visit)
    # two assumptions only: the Beijing airport, and Brigitte Macron's unreported journey
    assert assumed == {"pek", "brigitte-flight"}
    assert visit.travel.legs == ()  # no journey is measured: none was reported
    assert (visit.start, visit.end) == (FIRST, LAST)


def test_the_tour_has_three_legs_and_each_customs_bind_in_its_cities(visit: Visit) -> None:
    assert [(leg.id, leg.host.code) for leg in visit.tour] == [
        ("france", "FR"),
        ("serbia", "RS"),
        ("hungary", "HU"),
    ]
    assert visit.person["xi"].counterparts == ("macron", "vucic", "sulyok")
    scopes = {rule.cities for rule in visit.inherited_rules()}
    # every inherited custom is scoped to one leg; none binds in Beijing (a city of no leg)
    assert scopes == {("paris", "tarbes", "tourmalet"), ("belgrade",), ("budapest",)}


# -- (b) the solved plan keeps every reported time ------------------------------------------


def test_the_plan_keeps_every_reported_time(plan: Plan) -> None:
    for item_id, end, local in REPORTED_TIMES:
        assert clock(planned(plan, item_id), end) == local, item_id


def test_the_plan_keeps_the_approximate_times_within_a_quarter_of_an_hour(plan: Plan) -> None:
    for item_id, end, local in REPORTED_AFTER:
        at = _local(clock(planned(plan, item_id), end))
        assert _local(local) <= at <= _local(local) + TOLERANCE, (item_id, at)
    for item_id, end, local in REPORTED_BEFORE:
        at = _local(clock(planned(plan, item_id), end))
        assert _local(local) - TOLERANCE <= at <= _local(local), (item_id, at)
    item_id, earliest, latest = NOON
    at = _local(clock(planned(plan, item_id), "start"))
    assert _local(earliest) <= at <= _local(latest), (item_id, at)


def test_the_plan_keeps_every_reported_duration(plan: Plan) -> None:
    for item_id, minutes in REPORTED_MINUTES.items():
        found = planned(plan, item_id)
        start, end = found.start_at(), found.end_at()
        assert start is not None and end is not None
        assert (end - start).total_seconds() == minutes * 60, item_id


def test_the_reported_order_of_each_day(plan: Plan) -> None:
    for order in (PARIS_ORDER, PYRENEES_ORDER, BELGRADE_ORDER, BUDAPEST_ORDER):
        starts = [planned(plan, i).start_at() for i in order]
        assert starts == sorted(starts), order  # type: ignore[type-var]


def test_every_item_is_planned_on_a_day_of_its_leg(plan: Plan, visit: Visit) -> None:
    legs = {city: leg for leg in visit.tour for city in leg.cities}
    for item in visit.items:
        found = planned(plan, item.id)
        assert found.start is not None
        day = found.start.local.date()
        assert FIRST <= day <= LAST, item.id
        leg = legs.get(visit.venue[item.venue or ""].city)
        if leg is not None:  # Beijing is in no leg
            assert leg.start <= day <= leg.end, item.id


# -- (c) the independent validator finds no error -------------------------------------------


def test_the_validator_finds_no_error(visit: Visit, plan: Plan) -> None:
    errors = [str(v) for v in validate_plan(visit, plan) if v.severity == "error"]
    assert errors == []


# -- (d) the programme heads each day with its leg ----------------------------------------------


def test_the_programme_heads_each_day_with_its_leg(outputs: dict[str, str]) -> None:
    headings = [line for line in outputs["programme.md"].splitlines() if line.startswith("## ")]
    assert headings == DAY_HEADINGS


# -- (e) the guest principal's itinerary is one file across the legs ------------------------------


def _sections(markdown: str) -> dict[str, str]:
    sections: dict[str, str] = {}
    for part in markdown.split("\n## ")[1:]:
        heading, _, body = part.partition("\n")
        sections[heading.strip()] = body
    return sections


def test_the_principal_has_one_itinerary_with_every_flight(
    visit: Visit, plan: Plan, outputs: dict[str, str]
) -> None:
    mine = sorted(p for p in outputs if p.startswith("people/xi"))
    assert mine == ["people/xi.changes.md", "people/xi.md"]
    itinerary = outputs["people/xi.md"]
    sections = _sections(itinerary)
    assert [f"## {h}" for h in sections] == DAY_HEADINGS  # the three legs in one file
    for item_id, lands_in in FLIGHTS:
        found = planned(plan, item_id)
        assert found.start is not None and found.end is not None
        item = visit.item[item_id]
        assert itinerary.count(f" — {item.title}\n") == 1, item_id
        lands = f"- Lands {found.end.local:%H:%M}"
        assert (f"{lands} {lands_in} (" if lands_in else f"{lands} (") in itinerary, item_id
        departure = visit.venue[item.venue or ""].name
        arrival = visit.venue[item.arrival_venue or ""].name
        route = (
            f"- Route: {found.start.local:%H:%M} {departure} → {found.end.local:%H:%M} {arrival}"
        )
        assert route in itinerary, item_id
    # the crossing days carry the flight between the two legs
    assert "Flight Tarbes – Belgrade" in sections[DAY_HEADINGS[2][3:]]
    assert "Flight Belgrade – Budapest" in sections[DAY_HEADINGS[3][3:]]


def test_the_itinerary_starts_each_paris_and_budapest_day_at_the_hotel(
    outputs: dict[str, str],
) -> None:
    sections = _sections(outputs["people/xi.md"])
    for heading, hotel in [
        (DAY_HEADINGS[1], "The Peninsula Paris"),
        (DAY_HEADINGS[2], "The Peninsula Paris"),
        (DAY_HEADINGS[4], "Hilton Budapest, Castle Hill"),
        (DAY_HEADINGS[5], "Hilton Budapest, Castle Hill"),
    ]:
        first = sections[heading[3:]].split("\n### ")[1]
        assert f"- Travel before: leave {hotel} " in first, (heading, first)
