"""True travel times (issue 10 §3): the roads of a city or of a district of it (road
factor, motorcade speed or traffic speed times a motorcade factor, buffer, a flat figure
for every unmeasured journey), and legs given by their road distance. Each binds: the
scheduler keeps to it, the validator flags a plan that does not, the explanation names
it at its line, and `check` refuses what cannot be read one way."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from planner.cli import main
from planner.model.travel import journey
from planner.plan import Status
from planner.schedule.cpmodel import ModelBuilder
from planner.validate import validate_plan
from planner.visitfile import VisitFileError
from tests.schedule_support import (
    D,
    item,
    load,
    located,
    parse,
    solve,
    validate_every_plan,  # noqa: F401 (autouse fixture)
    visit_data,
    write_visit,
)

# v3 (52.48, 13.42) to v4 (52.45, 13.25): 11.99 km in a straight line. By default
# 11.99 × 1.4 at 40 km/h + 10 min = 35.2 -> 40 min.
ASSUMED = {"source": "assumed", "reason": "a test of the roads"}


def _pair(*roads: dict[str, Any], legs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """x at v3 pinned 10:00–11:00, then y at v4 (a person 'a' between them), free after."""
    data = visit_data(
        item("x", title="Site visit", venue="v3", pinned=f"{D} 10:00"),
        item(
            "y",
            title="Brief",
            venue="v4",
            window={"earliest_start": f"{D} 11:00", "latest_end": f"{D} 15:00"},
        ),
    )
    travel = dict(data.get("travel") or {})
    travel["roads"] = [{**r, "provenance": ASSUMED} for r in roads]
    if legs is not None:
        travel["legs"] = [*travel.get("legs", []), *legs]
    data["travel"] = travel
    return data


def _minutes(data: dict[str, Any], a: str = "v3", b: str = "v4") -> int:
    visit = parse(data)
    found = journey(visit.travel, visit.venue[a], visit.venue[b])
    assert found is not None
    return found.minutes


def test_a_citys_roads_set_the_estimate() -> None:
    assert _minutes(_pair()) == 40
    # 11.99 × 1.4 at 20 km/h = 50.4 + 10 = 60.4 -> 65 min
    assert _minutes(_pair({"id": "berlin", "city": "berlin", "motorcade_kmh": 20})) == 65
    # closed roads: traffic at 30 km/h, the motorcade twice as fast: 16.8 + 10 -> 30 min
    closed = {"id": "berlin", "city": "berlin", "traffic_kmh": 30, "motorcade_factor": 2}
    assert _minutes(_pair(closed)) == 30
    # its own road factor and buffer: 11.99 × 1.2 at 20 km/h = 43.2 + 5 = 48.2 -> 50 min
    own = {"id": "berlin", "city": "berlin", "motorcade_kmh": 20, "road_factor": 1.2, "buffer": 5}
    assert _minutes(_pair(own)) == 50
    # another city's roads do not apply
    assert _minutes(_pair({"id": "p", "city": "potsdam", "motorcade_kmh": 20})) == 40


def test_a_district_comes_before_its_city_and_a_flat_figure_replaces_the_estimate() -> None:
    city = {"id": "berlin", "city": "berlin", "anywhere_minutes": 20}
    district = {"id": "east", "city": "berlin", "venues": ["v3", "v4"], "motorcade_kmh": 20}
    data = _pair(city, district)
    assert _minutes(data) == 65  # both ends in the district
    assert _minutes(data, "v3", "v1") == 20  # one end outside it: the city's flat figure
    assert _minutes(data, "v1", "v2") == 30  # a measured leg wins over both


def test_a_leg_given_in_km_is_driven_at_the_speed_of_its_roads() -> None:
    leg = {"from": "v3", "to": "v4", "km": 52, "provenance": ASSUMED}
    # 52 km at 40 km/h = 78 + 10 = 88 -> 90 min
    assert _minutes(_pair(legs=[leg])) == 90
    # on a closed freeway at 90 km/h: 34.7 + 10 -> 45 min (not two hours)
    fast = {"id": "berlin", "city": "berlin", "motorcade_kmh": 90}
    assert _minutes(_pair(fast, legs=[leg])) == 45


def test_the_scheduler_keeps_to_the_roads() -> None:
    for roads, earliest in (
        ((), "11:40"),
        (({"id": "b", "city": "berlin", "motorcade_kmh": 20},), "12:05"),
    ):
        visit = parse(_pair(*roads))
        outcome = solve(visit)
        assert outcome.plan is not None
        brief = outcome.plan.item("y")
        assert brief is not None and brief.status is Status.SCHEDULED
        start = brief.start_at()
        assert start is not None and start.strftime("%H:%M") == earliest, roads


def test_the_validator_flags_a_plan_that_drives_too_fast() -> None:
    """The plan made with the default speed breaks the journey of slower roads."""
    fast = parse(_pair())
    outcome = solve(fast)
    assert outcome.plan is not None
    slow = parse(_pair({"id": "berlin", "city": "berlin", "motorcade_kmh": 20}))
    found = [v for v in validate_plan(slow, outcome.plan) if v.severity == "error"]
    assert [v.rule for v in found] == ["travel"], found
    assert "65 min" in found[0].message, found[0].message


def test_an_explanation_cites_the_roads_it_estimated_with(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _pair({"id": "old-town", "city": "berlin", "venues": ["v3", "v4"], "motorcade_kmh": 20})
    data["items"][1]["pinned"] = f"{D} 11:45"  # 45 min after the site visit: 65 are needed
    del data["items"][1]["window"]
    path = write_visit(tmp_path, data)
    cited = located(path, capsys)
    text = (
        "the journey between V3 and V4 takes 65 min, estimated from their coordinates: "
        "12.0 km in a straight line × 1.4 (road factor) at 20 km/h (its district's roads, "
        "travel.roads 'old-town'), plus 10 min to embark and disembark, rounded up to 5 min"
    )
    assert text in cited, cited
    assert cited[text] == "- id: old-town"
    visit = load(tmp_path, data, "again.yaml")
    fact = ModelBuilder(visit, explain=True).build().travel_fact("v3", "v4")
    assert fact is not None and fact.text == text


def test_an_explanation_gives_a_km_legs_arithmetic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leg = {"from": "v3", "to": "v4", "km": 52, "provenance": ASSUMED}
    data = _pair({"id": "berlin", "city": "berlin", "motorcade_kmh": 90}, legs=[leg])
    data["items"][1]["pinned"] = f"{D} 11:30"  # 30 min after the site visit: 45 are needed
    del data["items"][1]["window"]
    cited = located(write_visit(tmp_path, data), capsys)
    text = (
        "the drive between V3 and V4 is 52 km by road (a measured leg), at 90 km/h (Berlin's "
        "roads, travel.roads 'berlin'), plus 10 min to embark and disembark: 45 min"
    )
    assert cited.get(text) == "- from: v3", cited


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"roads": [{"id": "r", "city": "paris"}]}, "unknown city 'paris'"),
        (
            {"roads": [{"id": "r", "city": "berlin", "venues": ["p1"]}]},
            "'p1' is in 'potsdam', not in 'berlin'",
        ),
        (
            {"roads": [{"id": "r", "city": "berlin"}, {"id": "s", "city": "berlin"}]},
            "a second entry for the roads of 'berlin'",
        ),
        (
            {"roads": [{"id": "r", "city": "berlin", "motorcade_kmh": 30, "traffic_kmh": 20}]},
            "give motorcade_kmh or traffic_kmh",
        ),
        (
            {"roads": [{"id": "r", "city": "berlin", "motorcade_factor": 1.5}]},
            "motorcade_factor multiplies traffic_kmh",
        ),
        (
            {"legs": [{"from": "v3", "to": "v4", "minutes": 30, "km": 12}]},
            "a leg gives its minutes or its road distance in km",
        ),
        ({"legs": [{"from": "v3", "to": "v4"}]}, "a leg gives its minutes or its road distance"),
    ],
)
def test_check_refuses_roads_and_legs_that_read_two_ways(
    change: dict[str, Any],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = _pair()
    data["travel"] = {**data["travel"], **change}
    if "legs" in change:
        data["travel"]["roads"] = []
    path = write_visit(tmp_path, data)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert re.search(rf"{re.escape(str(path))}:\d+:\d+: travel\.", err), err


# -- a metro area of several towns -------------------------------------------------------

METRO = {"id": "metro", "city": "berlin", "towns": ["potsdam"], "motorcade_kmh": 60}


def _across(*roads: dict[str, Any]) -> dict[str, Any]:
    """a at v1 (Berlin) 10:00–11:00, then at p1 (Potsdam); a stays in Berlin only."""
    data = visit_data(
        item("x", title="Talks", venue="v1", pinned=f"{D} 10:00"),
        item(
            "y",
            title="Palace tour",
            venue="p1",
            window={"earliest_start": f"{D} 11:00", "latest_end": f"{D} 16:00"},
        ),
    )
    a = next(p for p in data["people"] if p["id"] == "a")
    a["presence"] = [{"city": "berlin"}]
    data["travel"] = {
        **(data.get("travel") or {}),
        "roads": [{**r, "provenance": ASSUMED} for r in roads],
    }
    return data


def test_towns_of_a_metro_area_are_joined_by_their_roads() -> None:
    plain = visit_data(item("x"))
    visit = parse(plain)
    assert journey(visit.travel, visit.venue["v1"], visit.venue["p1"]) is None  # no road
    assert not visit.same_place("potsdam", "berlin")
    visit = parse(_across(METRO))
    # 25.9 km in a straight line × 1.4 at 60 km/h = 36.2 + 10 = 46.2 -> 50 min
    found = journey(visit.travel, visit.venue["v1"], visit.venue["p1"])
    assert found is not None and found.minutes == 50
    assert visit.same_place("potsdam", "berlin")


def test_staying_in_one_town_of_the_area_is_being_there_for_the_next() -> None:
    """Without the area, check says a is never in Potsdam; with it, the tour is driven to
    (50 min) and a is present, for the scheduler and for the validator."""
    with pytest.raises(VisitFileError, match="is not present there then"):
        parse(_across())
    visit = parse(_across(METRO))
    outcome = solve(visit)
    assert outcome.plan is not None
    tour = outcome.plan.item("y")
    start = tour.start_at() if tour is not None else None
    assert start is not None and start.strftime("%H:%M") == "11:50"
    assert [v for v in validate_plan(visit, outcome.plan) if v.severity == "error"] == []
    # slower roads in the area: the same plan drives too fast
    slow = parse(_across({**METRO, "motorcade_kmh": 30}))
    assert [v.rule for v in validate_plan(slow, outcome.plan) if v.severity == "error"] == [
        "travel"
    ]


@pytest.mark.parametrize(
    ("roads", "message"),
    [
        ([{"id": "m", "city": "berlin", "towns": ["spandau"]}], "unknown city 'spandau'"),
        ([{"id": "m", "city": "berlin", "towns": ["potsdam", "potsdam"]}], "named twice"),
        (
            [
                {"id": "m", "city": "berlin", "towns": ["potsdam"]},
                {"id": "n", "city": "berlin", "venues": ["v1"], "towns": ["potsdam"]},
            ],
            "a district (venues) has no towns",
        ),
    ],
)
def test_check_refuses_a_metro_area_that_reads_two_ways(
    roads: list[dict[str, Any]], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_visit(tmp_path, _across(*roads))
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err, err


def test_check_lists_where_the_figures_of_the_roads_come_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every figure of the new rules is cited or marked assumed, and `check` says which."""
    leg = {"from": "v3", "to": "v4", "km": 52, "provenance": {"source": "assumed", "reason": "map"}}
    path = write_visit(
        tmp_path, _pair({"id": "berlin", "city": "berlin", "motorcade_kmh": 90}, legs=[leg])
    )
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "  travel.roads.berlin: a test of the roads" in out, out
    assert "  travel.legs.v3-v4: map" in out, out


# -- a place without coordinates -------------------------------------------------------


def _residence(**venue: Any) -> dict[str, Any]:
    """v3 at 10:00, then 'home' (a private residence, no coordinates) for a."""
    data = _pair()
    data["items"][1]["venue"] = "home"
    data["venues"].append({"id": "home", "name": "Private residence", "city": "berlin", **venue})
    return data


def test_a_place_without_coordinates_is_reached_by_its_legs(tmp_path: Path) -> None:
    leg = {"from": "v3", "to": "home", "minutes": 25, "provenance": ASSUMED}
    data = _residence()
    data["travel"]["legs"] = [leg]
    visit = parse(data)
    assert not visit.venue["home"].located
    outcome = solve(visit)
    assert outcome.plan is not None
    brief = outcome.plan.item("y")
    start = brief.start_at() if brief is not None else None
    assert start is not None and start.strftime("%H:%M") == "11:25"
    # no GEO in any calendar for it; the other venues keep theirs
    path = write_visit(tmp_path, data)
    assert main(["generate", str(path), "-o", str(tmp_path / "out")]) == 0
    calendar = (tmp_path / "out" / "calendars" / "full.ics").read_text(encoding="utf-8")
    events = calendar.split("BEGIN:VEVENT")[1:]
    at_home = [e for e in events if "Private residence" in e]
    assert at_home and all("GEO:" not in e for e in at_home)
    assert any("GEO:" in e for e in events if "Private residence" not in e)


def test_a_citys_flat_figure_reaches_a_place_without_coordinates() -> None:
    data = _residence()
    data["travel"]["roads"] = [
        {"id": "berlin", "city": "berlin", "anywhere_minutes": 20, "provenance": ASSUMED}
    ]
    visit = parse(data)
    found = journey(visit.travel, visit.venue["v3"], visit.venue["home"])
    assert found is not None and found.minutes == 20


def test_check_asks_how_a_place_without_coordinates_is_reached(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_visit(tmp_path, _residence())
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "'home' has no coordinates, and nothing says how long the way to 'v3' takes" in err
    assert "give a leg in travel.legs, its lat and lon, or anywhere_minutes" in err
    half = write_visit(tmp_path, _residence(lat=52.5), "half.yaml")
    assert main(["check", str(half)]) == 2
    assert "give both lat and lon, or neither" in capsys.readouterr().err


def test_an_explanation_across_a_metro_area_names_its_roads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _across(METRO)
    data["items"][1]["pinned"] = f"{D} 11:30"  # 30 min after the talks: 50 are needed
    del data["items"][1]["window"]
    cited = located(write_visit(tmp_path, data), capsys)
    text = (
        "the journey between V1 and P1 takes 50 min, estimated from their coordinates: "
        "25.9 km in a straight line × 1.4 (road factor) at 60 km/h (the roads of the metro "
        "area, travel.roads 'metro'), plus 10 min to embark and disembark, rounded up to 5 min"
    )
    assert cited.get(text) == "- id: metro", cited
