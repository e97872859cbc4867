"""The reported state visit of Federal President Steinmeier to Switzerland, 25–26 April
2018 (fixtures/steinmeier-switzerland-2018.yaml): a special train from Zürich Airport to
Kehrsatz and a helicopter from Fribourg to Kilchberg. `planner check` accepts the file, the
solved plan keeps every time the sources report and passes the independent validator, and
the train and the helicopter are movements whose outputs name both ends."""

from __future__ import annotations

from datetime import date

import pytest

from planner.model import ItemKind, SourceKind, Visit
from planner.plan import Plan
from planner.visitfile import load_visit
from tests.conftest import FIXTURES
from tests.fixture_support import check_output, clock, planned, sourced
from tests.schedule_support import errors_of, solved, validate_every_plan

__all__ = ["validate_every_plan"]

VISIT = FIXTURES / "steinmeier-switzerland-2018.yaml"
DAY1, DAY2 = date(2018, 4, 25), date(2018, 4, 26)

# Every clock time the sources report, as (item, "start" or "end", local time). Only one is
# exact: the programme had the delegation at Kilchberg cemetery at 15:30, where the
# helicopter landed on the field beside it (Zürichsee-Zeitung, 26 April 2018).
REPORTED_TIMES = [("helicopter-to-kilchberg", "end", "2018-04-26 15:30")]
# Reported durations (minutes): half an hour at Kilchberg (Zürichsee-Zeitung).
REPORTED_MINUTES = {"mann-grave": 30}
# The day each item is reported on.
REPORTED_DAYS = {
    **dict.fromkeys(
        [
            "flight-to-zurich",
            "arrival-zurich",
            "special-train",
            "kehrsatz-welcome",
            "military-honours",
            "speeches-bundeshaus",
            "talks-bernerhof",
            "press-conference",
            "gala-dinner",
        ],
        DAY1,
    ),
    **dict.fromkeys(
        [
            "round-table-unifr",
            "neighborhub",
            "cathedral-visit",
            "helicopter-to-kilchberg",
            "mann-grave",
            "farewell-zurich",
            "flight-home",
        ],
        DAY2,
    ),
}


@pytest.fixture(scope="module")
def visit() -> Visit:
    return load_visit(VISIT).visit


@pytest.fixture
def plan(visit: Visit) -> Plan:
    return solved(visit)


# -- (a) the file is accepted -------------------------------------------------------------


def test_planner_check_accepts_the_file() -> None:
    check_output(VISIT)


def test_every_item_venue_and_person_says_where_it_comes_from(visit: Visit) -> None:
    sourced(visit)
    # every item of the programme is a reported event
    assert all(i.provenance.source is SourceKind.CITED for i in visit.items)


# -- (b) the solved plan keeps every reported time ------------------------------------------


def test_the_plan_keeps_every_reported_time(plan: Plan) -> None:
    for item_id, end, local in REPORTED_TIMES:
        assert clock(planned(plan, item_id), end) == local, item_id


def test_the_plan_keeps_every_reported_duration(plan: Plan) -> None:
    for item_id, minutes in REPORTED_MINUTES.items():
        found = planned(plan, item_id)
        start, end = found.start_at(), found.end_at()
        assert start is not None and end is not None
        assert (end - start).total_seconds() == minutes * 60, item_id


def test_every_item_is_on_its_reported_day(plan: Plan, visit: Visit) -> None:
    assert set(REPORTED_DAYS) == {i.id for i in visit.items}
    for item_id, day in REPORTED_DAYS.items():
        assert planned(plan, item_id).start.local.date() == day, item_id  # type: ignore[union-attr]


def test_the_reported_order_of_the_fribourg_day(plan: Plan) -> None:
    """Round table, NeighborHub, cathedral, then the helicopter and the grave (Le Matin)."""
    order = ["round-table-unifr", "neighborhub", "cathedral-visit", "helicopter-to-kilchberg"]
    order += ["mann-grave", "farewell-zurich", "flight-home"]
    starts = [planned(plan, i).start_at() for i in order]
    assert starts == sorted(starts)  # type: ignore[type-var]


# -- (c) the independent validator finds no error -------------------------------------------


def test_the_validator_finds_no_error(visit: Visit, plan: Plan) -> None:
    assert errors_of(visit, plan) == []


# -- (d) the train and the helicopter are movements naming both ends --------------------------


def test_the_train_and_the_helicopter_are_movements(visit: Visit, plan: Plan) -> None:
    train, heli = visit.item["special-train"], visit.item["helicopter-to-kilchberg"]
    assert (train.kind, heli.kind) == (ItemKind.TRAIN, ItemKind.HELICOPTER)
    ends = {
        "special-train": ("zurich", "kehrsatz"),
        "helicopter-to-kilchberg": ("fribourg", "kilchberg"),
    }
    for item in (train, heli):
        assert item.arrival_venue is not None
        cities = (visit.venue[item.venues[0]].city, visit.venue[item.arrival_venue].city)
        assert cities == ends[item.id]
        assert planned(plan, item.id).arrival_venue == item.arrival_venue


def test_every_output_names_both_ends(visit: Visit, plan: Plan) -> None:
    from planner.export.outputs import build

    files = {path: content.decode("utf-8") for path, content in build(visit, plan).items()}
    train, heli = planned(plan, "special-train"), planned(plan, "helicopter-to-kilchberg")
    routes = {
        "Special train": f"{clock(train, 'start')[11:]} Zürich Airport railway station → "
        f"{clock(train, 'end')[11:]} Kehrsatz railway station, coach saloon car",
        "Helicopter": f"{clock(heli, 'start')[11:]} Helicopter take-off site, Fribourg area → "
        f"{clock(heli, 'end')[11:]} Landing field beside Kilchberg cemetery",
    }
    for name in ("programme.md", "programme.html", "people/steinmeier.md", "calendars/full.ics"):
        flat = files[name].replace("\r\n ", "").replace("\\,", ",")  # unfold, unescape
        for route in routes.values():
            assert route in flat, (name, route)
    for name in ("programme.md", "people/berset.md"):
        assert "Lands 15:30" in files[name], name  # a helicopter lands
        assert f"Arrives {clock(train, 'end')[11:]}" in files[name], name  # a train arrives
    ics = files["people/berset.ics"].replace("\r\n ", "").replace("\\,", ",")
    for summary, departure, arrival in (
        ("Special train", "Zürich Airport railway station", "Kehrsatz railway station"),
        ("Helicopter", "Helicopter take-off site, Fribourg area", "Landing field beside"),
    ):
        event = ics[ics.index(f"SUMMARY:{summary}") :]
        event = event[: event.index("END:VEVENT")]
        assert f"LOCATION:{departure}" in event, summary
        assert f"To: {arrival}" in event, summary
