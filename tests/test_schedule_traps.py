"""Traps: visits that have no plan (and must say why, in the file's words), visits that
only just have one, ordering cycles, a daylight-saving change inside the visit, and two
cities in two zones joined by a pinned flight."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from planner.cli import main
from planner.model import Visit
from planner.plan import Plan, Status
from planner.schedule.explain import explain, render
from planner.visitfile import load_visit
from tests.conftest import FIXTURES
from tests.schedule_support import (
    D,
    assert_irreducible,
    item,
    load,
    local,
    solve,
    solved,
    status,
    utc,
    validate_every_plan,  # noqa: F401 (autouse fixture)
    venue,
    visit_data,
    write_visit,
)

# -- explanations -------------------------------------------------------------------------


def two_pins(second: dict[str, Any], *more: dict[str, Any]) -> dict[str, Any]:
    """a at v1 10:00–11:00 (pinned) and a second pinned item; b has a free item."""
    first = item("first", title="Breakfast briefing", pinned=f"{D} 10:00")
    other = item("other", attendees=["b"], venue="v3", days=[D])
    return visit_data(first, second, other, *more)


def test_pinned_overlap_is_explained_by_two_pins_two_attendances_and_a_duration(
    tmp_path: Path,
) -> None:
    second = item("second", title="Press talk", venue="v2", pinned=f"{D} 10:30")
    visit = load(tmp_path, two_pins(second))
    outcome = solve(visit)
    assert outcome.status == "infeasible" and outcome.plan is None
    explanation = outcome.explanation
    assert explanation is not None
    # the first item's hour is a fact too: were it over in no time, both would fit
    assert {f.key for f in explanation.facts} == {
        "pin:first",
        "pin:second",
        "attends:a:first",
        "attends:a:second",
        "duration:first",
    }
    assert_irreducible(visit, explanation)
    assert explanation.summary == [
        "A must attend 'Breakfast briefing' (pinned 10:00–11:00 Berlin at V1) and then "
        "'Press talk' (pinned 10:30 Berlin at V2): they overlap by 30 min"
    ]


@pytest.mark.parametrize(
    ("kind", "at", "needs", "holding"),
    [
        (
            "site_visit",
            "11:20",
            "the motorcade needs 30 min, 20 min are left: short by 10 min",
            set(),
        ),
        (
            "agreement_signing",
            "11:35",
            "the motorcade needs 30 min and the holding 10 min (40 min), 35 min are left: "
            "short by 5 min",
            {"holding:second"},
        ),
    ],
    ids=["drive", "drive-and-holding"],
)
def test_gap_shorter_than_the_drive(
    tmp_path: Path, kind: str, at: str, needs: str, holding: set[str]
) -> None:
    second = item("second", title="Signing", kind=kind, venue="v2", pinned=f"{D} {at}")
    visit = load(tmp_path, two_pins(second))
    outcome = solve(visit)
    assert outcome.status == "infeasible" and outcome.explanation is not None
    explanation = outcome.explanation
    # the journey is a fact (the measured leg v1-v2), and so is the signing's holding
    assert {f.key for f in explanation.facts} == {
        "pin:first",
        "pin:second",
        "attends:a:first",
        "attends:a:second",
        "duration:first",
        "leg:0",
        *holding,
    }
    assert_irreducible(visit, explanation)
    assert explanation.summary == [
        "A must attend 'Breakfast briefing' (pinned 10:00–11:00 Berlin at V1) and then "
        f"'Signing' (pinned {at} Berlin at V2): {needs}"
    ]
    text = render(explanation, lambda path: "here")
    assert f"\nWhy: {explanation.summary[0]}.\n" in text + "\n"


def test_gap_exactly_the_drive_and_holding_is_feasible(tmp_path: Path) -> None:
    # the control: 11:00 + 30 min drive + 10 min holding = 11:40 exactly
    second = item("second", kind="agreement_signing", venue="v2", pinned=f"{D} 11:40")
    outcome = solve(load(tmp_path, two_pins(second)))
    assert outcome.status == "optimal" and outcome.plan is not None
    assert local(outcome.plan, "second") == f"{D} 11:40"
    assert local(outcome.plan, "first") == f"{D} 10:00"


def test_explain_cli_locates_every_fact(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    second = item("second", title="Press talk", venue="v2", pinned=f"{D} 10:30")
    path = write_visit(tmp_path, two_pins(second))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert main(["explain", str(path), "--time-limit", "5"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("No plan exists: these facts cannot all hold (dropping any one")
    located = re.findall(rf"^  {re.escape(str(path))}:(\d+):(\d+): (.*)$", out, re.M)
    assert len(located) == 5, out
    for line, col, text in located:
        source = lines[int(line) - 1]
        assert int(col) >= 1
        if "is pinned at" in text:
            assert source.strip().startswith("pinned:"), source
        elif "lasts" in text:
            assert source.strip() == "duration: 60", source
        else:
            assert text.startswith("A must attend")
            assert source.strip() == "- a", source
    assert sorted(text for _, _, text in located) == [
        "'Breakfast briefing' is pinned at 2023-06-12 10:00 (Berlin)",
        "'Breakfast briefing' lasts 60 min",
        "'Press talk' is pinned at 2023-06-12 10:30 (Berlin)",
        "A must attend 'Breakfast briefing'",
        "A must attend 'Press talk'",
    ]
    assert (
        "\nWhy: A must attend 'Breakfast briefing' (pinned 10:00–11:00 Berlin at V1) and then "
        "'Press talk' (pinned 10:30 Berlin at V2): they overlap by 30 min.\n"
    ) in out
    # and the solve verb says the same, writes nothing, exits 1
    assert main(["solve", str(path), "--time-limit", "5"]) == 1
    captured = capsys.readouterr()
    assert "A must attend 'Press talk'" in captured.out
    assert "Nothing was written" in captured.err
    assert not (tmp_path / "visit.plan.yaml").exists()


# -- ordering cycles ----------------------------------------------------------------------


def cycle_data() -> dict[str, Any]:
    return visit_data(
        item("toast", title="Toast", order=[{"after": "speech"}], days=[D]),
        item("speech", title="Speech", attendees=["b"], order=[{"after": "toast"}], days=[D]),
        item("walk", attendees=["c"], days=[D]),
    )


def test_ordering_cycle_is_refused_by_the_file_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_visit(tmp_path, cycle_data())
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert re.search(
        rf"{re.escape(str(path))}:\d+:\d+: .*ordering rules form a cycle: "
        r"'(Toast|Speech)' → '(Toast|Speech)' → '(Toast|Speech)'",
        err,
    ), err
    assert main(["solve", str(path)]) == 2
    assert main(["explain", str(path)]) == 2


def test_ordering_cycle_is_explained_by_its_order_facts() -> None:
    visit = Visit.model_validate(cycle_data())  # built directly: no file check
    explanation = explain(visit, time_limit=5)
    keys = {f.key for f in explanation.facts}
    # and one of the two durations: two items that take no time could start together
    assert keys - {"duration:toast", "duration:speech"} == {"order:toast:0", "order:speech:0"}
    assert len(keys) == 3
    # not the only conflict: the other duration would do as well as the one named
    assert_irreducible(visit, explanation, only_conflict=False)
    texts = sorted(f.text for f in explanation.facts if f.key.startswith("order:"))
    assert texts == ["'Speech' comes after 'Toast'", "'Toast' comes after 'Speech'"]
    assert len(explanation.summary) == 1
    assert explanation.summary[0].startswith(
        "'Speech' comes after 'Toast' and 'Toast' comes after 'Speech': a cycle, no order of "
        "the items exists ("
    )


# -- daylight saving -----------------------------------------------------------------------


def dst_data() -> dict[str, Any]:
    """Berlin, 28–30 October 2023: on the 29th the clocks fall back from 03:00 CEST
    (UTC+2) to 02:00 CET (UTC+1), so 02:00–02:59 happens twice."""
    night = "2023-10-29"
    return visit_data(
        item("saturday", pinned="2023-10-28 10:00"),
        item("first-half", duration=30, pinned=f"{night} 02:30+02:00"),
        item("second-half", duration=30, pinned=f"{night} 02:30+01:00"),
        # a drives 30 min to v2 after 02:00 UTC; the window ends 04:30 local
        item(
            "drive-after",
            kind="site_visit",
            venue="v2",
            window={"earliest_start": f"{night} 03:00", "latest_end": f"{night} 04:30"},
        ),
        # b: two hours from 01:30 CEST end at 02:30 CET, an hour later on the wall
        item("long-night", attendees=["b"], venue="v3", duration=120, pinned=f"{night} 01:30"),
        # c: the day has 25 hours; 20:00 on it is 19:00 UTC
        item(
            "sunday-evening",
            attendees=["c"],
            kind="site_visit",
            window={"earliest_start": f"{night} 20:00", "latest_end": f"{night} 21:00"},
        ),
        item("monday", pinned="2023-10-30 10:00"),
        start="2023-10-28",
        end="2023-10-30",
        programme_hours={"start": "00:00", "end": "24:00"},
    )


def test_daylight_saving_change_inside_the_visit(tmp_path: Path) -> None:
    plan = solved(load(tmp_path, dst_data()))
    assert utc(plan, "saturday") == "2023-10-28 08:00"  # CEST
    assert utc(plan, "monday") == "2023-10-30 09:00"  # CET
    # the repeated 02:30: both kept apart by their offsets, in the plan too
    assert local(plan, "first-half") == "2023-10-29 02:30+02:00"
    assert local(plan, "second-half") == "2023-10-29 02:30+01:00"
    assert utc(plan, "first-half") == "2023-10-29 00:30"
    assert utc(plan, "second-half") == "2023-10-29 01:30"
    # 02:00 UTC + 30 min to v2 = 02:30 UTC = 03:30 CET; the window allows no later
    assert local(plan, "drive-after") == "2023-10-29 03:30"
    assert utc(plan, "drive-after") == "2023-10-29 02:30"
    # two hours from 01:30 CEST (23:30 UTC) end at 01:30 UTC = the second 02:30
    long_night = plan.item("long-night")
    assert long_night is not None and long_night.end is not None
    assert str(long_night.start) == "2023-10-29 01:30"
    assert str(long_night.end) == "2023-10-29 02:30+01:00"
    end = long_night.end_at()
    assert end is not None and end.in_timezone("UTC").strftime("%H:%M") == "01:30"
    assert utc(plan, "sunday-evening") == "2023-10-29 19:00"
    assert local(plan, "sunday-evening") == "2023-10-29 20:00"


def test_daylight_saving_drive_too_short(tmp_path: Path) -> None:
    # 02:30 CEST ends 01:00 UTC; the second 02:30 at v2 begins 01:30 UTC: 30 min, enough
    # for the 30-min leg. One minute of wall-clock thinking (02:30 − 03:00) would refuse it,
    # and moving the second item to 02:25+01:00 (25 min) must be refused.
    ok = visit_data(
        item("first", duration=30, pinned="2023-10-29 02:30+02:00"),
        item("second", duration=30, venue="v2", pinned="2023-10-29 02:30+01:00"),
        start="2023-10-28",
        end="2023-10-30",
    )
    plan = solved(load(tmp_path, ok))
    assert local(plan, "second") == "2023-10-29 02:30+01:00"
    ok["items"][1]["pinned"] = "2023-10-29 02:25+01:00"
    outcome = solve(load(tmp_path, ok, "short.yaml"))
    assert outcome.status == "infeasible" and outcome.explanation is not None
    # the first item ends at the second 02:00 of the night: 02:25 CET is 25 min later
    assert outcome.explanation.summary == [
        "A must attend 'First' (pinned 02:30 (UTC+2)–02:00 (UTC+1) Berlin at V1) and then "
        "'Second' (pinned 02:25 Berlin (UTC+1) at V2): the motorcade needs 30 min, 25 min are "
        "left: short by 5 min"
    ]


# -- two cities, two zones, one flight ------------------------------------------------------


def flight_data() -> dict[str, Any]:
    """a flies Berlin (UTC+2) → London (UTC+1) at 10:00 Berlin time for 2 h (lands 11:00
    London time, 10:00 UTC); b stays in Berlin."""
    data = visit_data(
        item(
            "before",
            kind="site_visit",
            window={"earliest_start": f"{D} 08:15", "latest_end": f"{D} 09:30"},
        ),
        item(
            "flight",
            kind="flight",
            venue="ber",
            arrival_venue="lhr",
            duration=120,
            pinned=f"{D} 10:00",
        ),
        item(
            "london-lunch",
            venue="downing",
            window={"earliest_start": f"{D} 11:00", "latest_end": f"{D} 13:00"},
        ),
        item("london-tour", kind="site_visit", venue="downing", days=[D]),
        item(
            "berlin-evening",
            kind="site_visit",
            venue="v2",
            optional=True,
            priority=9,
            window={"earliest_start": f"{D} 14:00", "latest_end": f"{D} 18:00"},
        ),
        item("b-morning", attendees=["b"], venue="v2", days=[D]),
        item("b-afternoon", attendees=["b"], venue="v3", order=[{"after": "b-morning"}]),
        item("b-in-london", attendees=["b"], venue="downing", optional=True, priority=9),
        conventions=[
            {
                "rule": "time_of_day",
                "id": "early-tours",
                "description": "tours early",
                "kinds": ["site_visit"],
                "start_from": "08:00",
                "start_until": "08:00",
                "strength": "soft",
                "weight": 100,
            }
        ],
    )
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


def _where(visit: Visit, plan: Plan, pid: str) -> list[tuple[str, str, str]]:
    """(UTC start, UTC end, city) of each scheduled item a person attends, in order."""
    rows = []
    for planned in plan.items:
        if planned.status is not Status.SCHEDULED or pid not in planned.attendees:
            continue
        start, end = planned.start_at(), planned.end_at()
        assert start is not None and end is not None and planned.venue is not None
        rows.append(
            (
                start.in_timezone("UTC").strftime("%H:%M"),
                end.in_timezone("UTC").strftime("%H:%M"),
                visit.venue[planned.arrival_venue or planned.venue].city,
            )
        )
    return sorted(rows)


def test_flight_between_two_cities_and_zones(tmp_path: Path) -> None:
    visit = load(tmp_path, flight_data())
    outcome = solve(visit)
    plan = outcome.plan
    assert plan is not None
    flight = plan.item("flight")
    assert flight is not None
    assert (str(flight.start), flight.timezone) == (f"{D} 10:00", "Europe/Berlin")
    assert (str(flight.end), flight.end_timezone) == (f"{D} 11:00", "Europe/London")
    # 45 min to the airport: the morning item must end by 09:15
    assert local(plan, "before") == f"{D} 08:15"
    # landing 11:00 London time + 60 min into town; the window closes at 13:00
    assert local(plan, "london-lunch") == f"{D} 12:00"
    assert plan.item("london-lunch").timezone == "Europe/London"  # type: ignore[union-attr]
    assert utc(plan, "london-lunch") == f"{D} 11:00"
    # a is in Berlin until the flight, in London after it, never back
    rows = _where(visit, plan, "a")
    flight_row = ("08:00", "10:00", "london")
    assert flight_row in rows
    for start, end, city in rows:
        if (start, end, city) == flight_row:
            continue
        assert (city == "berlin" and end <= "08:00") or (city == "london" and start >= "10:00")
    assert status(plan, "berlin-evening") is Status.DROPPED
    # b never flies, so b never appears in London
    assert {city for _, _, city in _where(visit, plan, "b")} == {"berlin"}
    assert status(plan, "b-in-london") is Status.DROPPED
    assert sorted(outcome.dropped) == ["b-in-london", "berlin-evening"]


def test_spain_exercise_flight_and_daylight_saving() -> None:
    visit = load_visit(FIXTURES / "exercise-spain-2024.yaml").visit
    plan = solved(visit, time_limit=10.0)
    assert all(i.status is Status.SCHEDULED for i in plan.items)
    flight = plan.item("flight-to-las-palmas")
    assert flight is not None
    assert (str(flight.start), flight.timezone) == ("2024-10-27 10:00", "Europe/Madrid")
    assert (str(flight.end), flight.end_timezone) == ("2024-10-27 11:50", "Atlantic/Canary")
    assert utc(plan, "flight-to-las-palmas") == "2024-10-27 09:00"  # CET, after the change
    end = flight.end_at()
    assert end is not None and end.in_timezone("UTC").strftime("%H:%M") == "11:50"
    # the night convoy at the first 02:30 of the night (summer time), 45 min long
    convoy = plan.item("vehicle-convoy")
    assert convoy is not None
    assert str(convoy.start) == "2024-10-27 02:30+02:00"
    assert str(convoy.end) == "2024-10-27 02:15+01:00"
    assert utc(plan, "vehicle-convoy") == "2024-10-27 00:30"
    # summer time on the 26th, winter time from the 27th (Madrid), WET in the Canaries
    assert utc(plan, "arrival-madrid") == "2024-10-26 08:00"
    assert utc(plan, "arrival-las-palmas") == "2024-10-27 12:00"
    assert utc(plan, "departure-las-palmas") == "2024-10-28 13:00"
    for planned in plan.items:
        start = planned.start_at()
        assert start is not None
        offset = start.utcoffset()
        assert offset is not None
        hours = offset.total_seconds() / 3600
        if planned.timezone == "Europe/Madrid":
            summer = start.in_timezone("UTC") < _utc("2024-10-27 01:00")
            assert hours == (2 if summer else 1), planned.id
        else:
            assert planned.timezone == "Atlantic/Canary" and hours == 0, planned.id
    # who is where: the flyers reach Las Palmas only after landing; the King, the Queen and
    # the Prime Minister never leave Madrid; the Canary president never comes to Madrid
    landing = "2024-10-27 11:50"
    take_off = "2024-10-27 09:00"
    flyers = set(visit.item["flight-to-las-palmas"].attendees)
    for planned in plan.items:
        if planned.id == "flight-to-las-palmas":
            continue
        city = visit.venue[planned.venue or ""].city
        start, end = planned.start_at(), planned.end_at()
        assert start is not None and end is not None
        start_utc = start.in_timezone("UTC").strftime("%Y-%m-%d %H:%M")
        end_utc = end.in_timezone("UTC").strftime("%Y-%m-%d %H:%M")
        if city == "las-palmas":
            assert not {"king", "queen", "prime-minister"} & set(planned.attendees)
            if flyers & set(planned.attendees):
                assert start_utc >= landing, planned.id
        else:
            assert "canary-president" not in planned.attendees
            if flyers & set(planned.attendees):
                assert end_utc <= take_off, planned.id


def _utc(text: str) -> Any:
    import pendulum

    return pendulum.parse(text, tz="UTC")
