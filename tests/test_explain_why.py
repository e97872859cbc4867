"""Explanations a reader can check (issue 9, §5): every fact the conflict rests on is
cited at its line of the visit file (durations, journeys, holding times, 'no road' too),
and every explanation ends with a "Why" in numbers, one shape each, word for word. Each
explanation is checked irreducible here, by solving, not taken from the explainer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from planner.model import Visit
from planner.schedule.cpmodel import ModelBuilder
from planner.schedule.explain import Explanation, explain
from tests.conftest import ROOT
from tests.schedule_support import (
    D2,
    D,
    _no_nones,
    assert_irreducible,
    holds,
    item,
    load,
    located,
    venue,
    visit_data,
    write_visit,
)


def explained(data: dict[str, Any], tmp_path: Path | None = None) -> tuple[Visit, Explanation]:
    """The visit (read from a file when ``tmp_path`` is given: the file checker accepts
    it; else built in code, past the checker) and its explanation."""
    visit = load(tmp_path, data) if tmp_path else Visit.model_validate(_no_nones(data))
    explanation = explain(visit, time_limit=10)
    assert explanation.facts, explanation.note
    return visit, explanation


def keys(explanation: Explanation) -> set[str]:
    return {f.key for f in explanation.facts}


# -- one item with no possible start ----------------------------------------------------------


def test_window_shorter_than_the_item() -> None:
    data = visit_data(
        item("talk", window={"earliest_start": f"{D} 10:00", "latest_end": f"{D} 10:55"})
    )
    visit, found = explained(data)
    assert keys(found) == {"window:talk", "duration:talk"}
    assert_irreducible(visit, found)
    assert found.summary == [
        "on 12 June, 'Talk' lasts 60 min, but its window allows only 10:00–10:55 Berlin: "
        "55 min, short by 5 min"
    ]


def test_pinned_too_close_to_closing_time() -> None:
    data = visit_data(item("talk", venue="v2", pinned=f"{D} 17:30"))
    data["venues"][1]["opening"] = [{"open": "09:00", "close": "18:00"}]
    visit, found = explained(data)
    # the hour is a fact: were the talk over in no time, 17:30 would be in opening hours
    assert keys(found) == {"pin:talk", "opening:talk:v2", "duration:talk"}
    assert_irreducible(visit, found)
    assert found.summary == [
        "on 12 June, 'Talk' (60 min) can start at 17:30 Berlin by its pin and 09:00–17:00 "
        "Berlin by the opening hours of V2: the nearest are 30 min apart"
    ]


def test_window_after_the_attendee_has_left_the_city(tmp_path: Path) -> None:
    data = visit_data(
        item("talk", window={"earliest_start": f"{D2} 12:00", "latest_end": f"{D2} 14:00"})
    )
    data["people"][0]["presence"] = [{"city": "berlin", "depart": f"{D2} 12:30"}]
    visit, found = explained(data)
    assert keys(found) == {"window:talk", "presence:a:talk:v1", "attends:a:talk", "duration:talk"}
    assert_irreducible(visit, found)
    assert found.summary == [
        "on 13 June, 'Talk' (60 min) can start 12:00–13:00 Berlin by its window and "
        "until 11:30 Berlin by the stay of A in Berlin: the nearest are 30 min apart"
    ]


def test_window_outside_programme_hours() -> None:
    data = visit_data(
        item("talk", window={"earliest_start": f"{D} 06:00", "latest_end": f"{D} 07:30"})
    )
    visit, found = explained(data)
    # even taking no time it could not start within programme hours: no duration here
    assert keys(found) == {"hours:talk", "window:talk"}
    assert_irreducible(visit, found)
    assert found.summary == [
        "on 12 June, 'Talk' can start 08:00–20:00 Berlin by programme hours and 06:00–07:30 "
        "Berlin by its window: the nearest are 30 min apart"
    ]


# -- items that follow one another ----------------------------------------------------------------


def test_three_items_of_one_person_in_a_forced_order(tmp_path: Path) -> None:
    data = visit_data(
        item("first", title="First", pinned=f"{D} 10:00"),
        item(
            "middle",
            title="Middle",
            venue="v2",
            window={"earliest_start": f"{D} 11:00", "latest_end": f"{D} 13:00"},
        ),
        item("last", title="Last", venue="v3", pinned=f"{D} 12:45"),
    )
    visit, found = explained(data, tmp_path)
    assert keys(found) == {
        "pin:first",
        "window:middle",
        "pin:last",
        "duration:first",
        "duration:middle",
        "attends:a:first",
        "attends:a:middle",
        "attends:a:last",
        "leg:0",  # v1-v2, 30 min
        "leg:2",  # v2-v3, 25 min
    }
    assert_irreducible(visit, found)
    assert found.summary == [
        "A must attend 'First', then 'Middle', then 'Last': 'First' ends 11:00 Berlin "
        "(pinned); the motorcade to V2 needs 30 min: 'Middle' 11:30–12:30 Berlin at the "
        "earliest; the motorcade to V3 needs 25 min: 'Last' could start 12:55 Berlin at the "
        "earliest, but it is pinned at 12:45 Berlin: short by 10 min"
    ]


def test_ordering_rule_with_a_minimum_gap(tmp_path: Path) -> None:
    data = visit_data(
        item("a", title="Talks", pinned=f"{D} 10:00"),
        item(
            "b",
            title="Signing",
            attendees=["b"],
            order=[{"after": "a", "min_gap": 45}],
            window={"earliest_start": f"{D} 10:00", "latest_end": f"{D} 12:30"},
        ),
    )
    visit, found = explained(data, tmp_path)
    assert keys(found) == {"pin:a", "window:b", "duration:a", "duration:b", "order:b:0"}
    assert_irreducible(visit, found)
    assert found.summary == [
        "'Signing' comes after 'Talks', at least 45 min later: 'Talks' (pinned 10:00–11:00 "
        "Berlin at V1) and then 'Signing' (at V1, starting by 11:30 Berlin at the latest: "
        "its window): the rule asks for 45 min, 30 min are left: short by 15 min"
    ]


def test_ordering_rule_with_a_maximum_gap(tmp_path: Path) -> None:
    data = visit_data(
        item("a", title="Talks", pinned=f"{D} 10:00"),
        item(
            "b",
            title="Signing",
            attendees=["b"],
            order=[{"after": "a", "max_gap": 30}],
            window={"earliest_start": f"{D} 12:00", "latest_end": f"{D} 14:00"},
        ),
    )
    visit, found = explained(data, tmp_path)
    # the talks' duration is not needed (a shorter talk would only make it worse), and
    # the gap is measured from its real end
    assert keys(found) == {"pin:a", "window:b", "order:b:0"}
    assert_irreducible(visit, found)
    assert found.summary == [
        "'Signing' comes at most 30 min after 'Talks': 'Talks' ends 11:00 Berlin at the latest "
        "and 'Signing' starts 12:00 Berlin at the earliest: 60 min apart, 30 min too many"
    ]


def flight_data(*items: dict[str, Any]) -> dict[str, Any]:
    """Berlin (UTC+2 in June) and London (UTC+1): a's flight leaves BER at 10:00 Berlin
    time and lands at LHR two hours later, 11:00 London time; BER is 45 min from v1,
    Downing Street 60 min from LHR."""
    flight = item(
        "flight",
        kind="flight",
        venue="ber",
        arrival_venue="lhr",
        duration=120,
        pinned=f"{D} 10:00",
    )
    data = visit_data(flight, *items)
    data["cities"].append(
        {"id": "london", "name": "London", "country": "GB", "timezone": "Europe/London"}
    )
    data["venues"] += [
        venue("ber", 52.3667, 13.5033),
        venue("lhr", 51.4700, -0.4543, city="london"),
        venue("downing", 51.5034, -0.1276, city="london"),
    ]
    data["travel"]["legs"] += [
        {"from": "v1", "to": "ber", "minutes": 45},
        {"from": "lhr", "to": "downing", "minutes": 60},
    ]
    return data


def test_flight_lands_too_late_for_the_next_item(tmp_path: Path) -> None:
    visit, found = explained(
        flight_data(item("lunch", title="Lunch", venue="downing", pinned=f"{D} 11:30")),
        tmp_path,
    )
    assert keys(found) == {
        "pin:flight",
        "pin:lunch",
        "duration:flight",
        "attends:a:lunch",  # who is on the flight is the visit's structure, not a fact
        "leg:4",  # LHR - Downing Street, 60 min
    }
    assert_irreducible(visit, found)
    # the departure with its UTC offset, the landing in London time, never Berlin time
    assert found.summary == [
        "A flies on 'Flight': departs 10:00 Berlin (UTC+2), lands 11:00 London, +60 min on the "
        "ground (the motorcade needs 60 min): earliest 12:00 London, but 'Lunch' is pinned at "
        "11:30 London: short by 30 min"
    ]


def test_too_little_time_to_reach_the_flight(tmp_path: Path) -> None:
    visit, found = explained(
        flight_data(item("morning", title="Morning", pinned=f"{D} 08:30")), tmp_path
    )
    assert keys(found) == {
        "pin:flight",
        "pin:morning",
        "duration:morning",
        "attends:a:morning",
        "leg:3",  # v1 - BER, 45 min
    }
    assert_irreducible(visit, found)
    assert found.summary == [
        "A must attend 'Morning' (pinned 08:30–09:30 Berlin at V1) and then 'Flight' (takes off "
        "10:00 Berlin (UTC+2) from BER): the motorcade needs 45 min, 30 min are left: short by "
        "15 min"
    ]


def test_exclusive_venue_used_twice_at_once(tmp_path: Path) -> None:
    data = visit_data(
        item("x", title="Audience", venue="v3", pinned=f"{D} 10:00"),
        item("y", title="Tour", attendees=["b"], venue="v3", pinned=f"{D} 10:30"),
    )
    visit, found = explained(data, tmp_path)
    assert keys(found) == {"pin:x", "pin:y", "duration:x", "exclusive:v3"}
    assert_irreducible(visit, found)
    assert found.summary == [
        "V3 hosts one item at a time: 'Audience' (pinned 10:00–11:00 Berlin at V3) and then "
        "'Tour' (pinned 10:30 Berlin at V3): they overlap by 30 min"
    ]


def test_more_people_than_the_venue_holds(tmp_path: Path) -> None:
    data = visit_data(
        item("x", title="Briefing", attendees=["b", "c"], pinned=f"{D} 10:00"),
        item("y", title="Press talk", attendees=["a", "h"], pinned=f"{D} 10:30"),
    )
    data["venues"][0]["capacity"] = 3
    visit, found = explained(data, tmp_path)
    assert keys(found) == {"pin:x", "pin:y", "duration:x", "duration:y", "capacity:v1"}
    assert_irreducible(visit, found)
    assert found.summary == [
        "V1 holds at most 3 people: 'Briefing' (2) and 'Press talk' (2) are both under way at "
        "10:30 Berlin: 4 people, 1 too many"
    ]


def test_no_road_between_two_cities(tmp_path: Path) -> None:
    data = visit_data(
        item("x", title="Berlin talk", pinned=f"{D} 10:00"),
        item("y", title="Potsdam tour", venue="p1", pinned=f"{D} 14:00"),
    )
    visit, found = explained(data)
    # neither order works whatever the times: the pins are not needed
    assert keys(found) == {"attends:a:x", "attends:a:y", "noroad:p1:v1"}
    assert_irreducible(visit, found)
    assert found.summary == [
        "A must attend 'Berlin talk' at V1 (Berlin) and 'Potsdam tour' at P1 (Potsdam), and no "
        "road joins the two cities: only a flight between the two items would take them there"
    ]


def test_generic_bounds_when_no_shape_fits() -> None:
    # 'Speech' comes after the toast on the same day, but may only be on the 13th
    data = visit_data(
        item("a", title="Toast", pinned=f"{D} 17:00"),
        item(
            "b",
            title="Speech",
            attendees=["b"],
            days=[D2],
            order=[{"after": "a", "same_day": True}],
        ),
    )
    visit, found = explained(data)
    assert keys(found) == {"pin:a", "days:b", "order:b:0"}
    assert_irreducible(visit, found)
    assert found.summary == [
        "'Toast' is pinned at 12 June 17:00 Berlin; 'Speech' can start 13 June 00:00–23:55 Berlin"
    ]


# -- every fact cited, at its line ----------------------------------------------------------------


def test_leg_default_holding_and_duration_are_cited_at_their_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 11:00 + the measured 30 min to v2 + the signing's default 10 min holding = 11:40
    data = visit_data(
        item("first", title="Breakfast", pinned=f"{D} 10:00"),
        item("signing", title="Signing", kind="agreement_signing", venue="v2", pinned=f"{D} 11:35"),
    )
    path = write_visit(tmp_path, data)
    cited = located(path, capsys)
    assert cited == {
        "'Breakfast' is pinned at 2023-06-12 10:00 (Berlin)": "pinned: 2023-06-12 10:00",
        "'Signing' is pinned at 2023-06-12 11:35 (Berlin)": "pinned: 2023-06-12 11:35",
        "'Breakfast' lasts 60 min": "duration: 60",
        "A must attend 'Breakfast'": "- a",
        "A must attend 'Signing'": "- a",
        "the drive between V1 and V2 takes 30 min (a measured leg)": "- from: v1",
        "'Signing' is an agreement signing: whoever comes to it from another venue must be "
        "there 10 min before it starts (the default holding of a ceremony; give the item "
        "'holding: MINUTES' to change it)": "kind: agreement_signing",
    }


def test_estimate_and_own_holding_are_cited_at_their_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # v3 to v4 has no leg: estimated 40 min; 11:00 + 40 min = 11:40, + 5 min holding
    data = visit_data(
        item("x", title="Site visit", venue="v3", pinned=f"{D} 10:00"),
        item("y", title="Brief", venue="v4", holding=5, pinned=f"{D} 11:40"),
    )
    path = write_visit(tmp_path, data)
    cited = located(path, capsys)
    visit = load(tmp_path, data, "again.yaml")
    fact = ModelBuilder(visit, explain=True).build().travel_fact("v3", "v4")
    assert fact is not None and fact.key == "estimate:v3:v4"
    # at the destination venue's coordinates; the distance, factor, speed and buffer
    assert cited[fact.text] == "lat: 52.45"
    assert fact.text == (
        "the journey between V3 and V4 takes 40 min, estimated from their coordinates: "
        "12.0 km in a straight line × 1.4 (road factor) at 40 km/h, plus 10 min to embark and "
        "disembark, rounded up to 5 min"
    )
    holding = (
        "whoever comes to 'Brief' from another venue must be there 5 min before it starts (holding)"
    )
    assert cited[holding] == "holding: 5"
    assert cited["'Site visit' lasts 60 min"] == "duration: 60"
    assert len(cited) == 7, cited


def test_no_road_is_cited_at_the_venue_city(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = visit_data(
        item("x", title="Berlin talk", pinned=f"{D} 10:00"),
        item("y", title="Potsdam tour", venue="p1", pinned=f"{D} 14:00"),
    )
    path = write_visit(tmp_path, data)
    # the checker does not see it (a person's items in two cities): only the scheduler
    cited = located(path, capsys)
    text = (
        "no road joins V1 (Berlin) and P1 (Potsdam): only a movement item (a flight, a "
        "train) moves people between cities, or a leg in travel.legs"
    )
    assert text in cited, cited
    assert cited[text] == "city: potsdam"


def test_plan_mode_has_no_fact_guards() -> None:
    # the guards exist only when explaining: the model that plans is as it was
    data = visit_data(
        item("first", pinned=f"{D} 10:00"),
        item("second", kind="agreement_signing", venue="v2", days=[D]),
    )
    visit = Visit.model_validate(_no_nones(data))
    plan = ModelBuilder(visit).build()
    names = {v.name for v in plan.model.proto.variables}
    assert not any(n.startswith(("duration:", "leg:", "estimate:", "holding:")) for n in names)
    assert all(f.lit is None for f in plan.facts.values())
    explaining = ModelBuilder(visit, explain=True).build()
    assert {"duration:first", "duration:second", "leg:0", "holding:second"} <= set(explaining.facts)


def test_a_flight_takes_its_people_whatever_the_facts_named(tmp_path: Path) -> None:
    # a lunches in Berlin, flies, and meets in London: with only their two attendances as
    # facts, that is possible (the flight is the visit's structure, not a fact to drop),
    # so it is never offered as "no road joins Berlin and London"
    data = flight_data(
        item("lunch", title="Lunch", pinned=f"{D} 08:00"),
        item("meeting", title="Meeting", venue="downing", pinned=f"{D} 15:00"),
        # the real conflict: b's two pinned items at one time, in Berlin
        item("x", title="Audience", attendees=["b"], venue="v2", pinned=f"{D} 10:00"),
        item("y", title="Tour", attendees=["b"], venue="v3", pinned=f"{D} 10:00"),
    )
    data["items"][1]["attendees"] = ["a", "b"]  # b at the lunch too: one part
    visit = load(tmp_path, data)
    no_road = ModelBuilder(visit, explain=True).build().travel_fact("v1", "downing")
    assert no_road is not None and no_road.key == "noroad:downing:v1"
    assert holds(visit, {"attends:a:lunch", "attends:a:meeting", no_road.key})
    found = explain(visit, time_limit=10)
    assert {"pin:x", "pin:y", "attends:b:x", "attends:b:y"} <= keys(found)
    assert not any(k.startswith("noroad:") for k in keys(found))
    assert_irreducible(visit, found, only_conflict=False)


def test_a_guest_left_at_the_airport_is_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Naruhito fixture with Hirofumi Nakasone on the flight in but not on the
    drive into London: explain names the missing road from Stansted. (Its first item core
    was the tour's flights alone, which have no plan without the items between them, and
    it said it found no contradiction.)"""
    from planner.cli import main

    text = (ROOT / "fixtures" / "naruhito-uk-2024.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    attendees: [naruhito, masako]  # the suite travelled too",
        "    attendees: [naruhito, masako, nakasone]  # the suite travelled too",
        1,
    )
    path = tmp_path / "stranded.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["explain", str(path)]) != 0
    out = capsys.readouterr().out
    assert "No contradiction found" not in out
    assert "no road joins London Stansted Airport" in out, out


def test_an_item_on_the_way_between_two_cities_is_part_of_the_explanation() -> None:
    """No road joins Berlin (v1) and Potsdam (p1), but measured legs join both to a venue
    in Caputh where A has an hour's item between the two: the way through it is too long
    (30 + 60 min, with one hour between them). The explanation names that way, not the
    missing road alone, which an explanation on the two items without the one between
    would blame (leaving an item out must never make a visit harder: a dropped
    attendance lets its person attend or not)."""
    data = visit_data(
        item("x", title="X", pinned=f"{D} 09:00"),
        item("mid", title="Mid", venue="c1", days=[D]),
        item("y", title="Y", venue="p1", pinned=f"{D} 11:00"),
    )
    data["cities"].append(
        {"id": "caputh", "name": "Caputh", "country": "DE", "timezone": "Europe/Berlin"}
    )
    data["venues"].append(venue("c1", 52.35, 13.0, city="caputh"))
    data["travel"]["legs"] += [
        {"from": "v1", "to": "c1", "minutes": 30},
        {"from": "c1", "to": "p1", "minutes": 30},
    ]
    visit, found = explained(data)
    assert keys(found) == {
        "pin:x",
        "pin:y",
        "duration:x",
        "duration:mid",
        "attends:a:x",
        "attends:a:y",
        "leg:3",  # v1 - c1, 30 min (c1 - p1 is dropped: it takes no time, still short)
        "noroad:p1:v1",
    }
    assert_irreducible(visit, found, only_conflict=False)  # (with c1 - p1: another core)
    assert found.summary == [
        "A must attend 'X' at V1 (Berlin) and 'Y' at P1 (Potsdam), and no road joins the two "
        "cities; the way through 'Mid' at C1 (Caputh) needs 90 min, 60 min are left: short "
        "by 30 min"
    ]
