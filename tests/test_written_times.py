"""Times as protocol writes them (issue 11 §1): day parts, windows on the start and the
end, 'around' with its tolerance, and unavailability of a city, a venue or a person.

For each: a visit where it binds (the solver obeys it: without it the item would start
elsewhere), a hand-made plan that breaks it (the validator says so, and only that), and
for the hard facts an explanation that names them when no plan exists.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from planner.cli import main
from planner.schedule import cpmodel, greedy
from planner.schedule.axis import Axis
from planner.schedule.cpmodel import ModelBuilder
from planner.schedule.decompose import parts
from planner.validate import validate_plan
from tests.schedule_support import (
    D2,
    D,
    broken,
    decides,
    item,
    load,
    local,
    located,
    moved_to,
    parse,
    prefer,
    solve,
    solved,
    validate_every_plan,  # noqa: F401 (autouse fixture)
    visit_data,
    write_visit,
)

LATE = {"start": "08:00", "end": "23:30"}  # programme hours that hold an evening


def keys(outcome: Any) -> set[str]:
    assert outcome.plan is None and outcome.explanation is not None
    return {f.key for f in outcome.explanation.facts}


# -- day parts ----------------------------------------------------------------------------


def test_a_day_part_bounds_the_start(tmp_path: Path) -> None:
    # pulled to 10:00, the evening talk starts at 18:00, the evening's first start
    s = item("s", kind="site_visit", window="evening", days=[D])
    conventions = [prefer("site_visit", "10:00")]
    decides(
        tmp_path,
        visit_data(s, conventions=conventions, programme_hours=LATE),
        visit_data({**s, "window": None}, conventions=conventions, programme_hours=LATE),
        "s",
        tight=f"{D} 18:00",
        forbidden=f"{D} 10:00",
        rule="day-part",
    )


def test_a_day_part_bounds_the_start_only(tmp_path: Path) -> None:
    # the morning ends at 12:00: a two-hour item that must end as late as it can (within
    # 5 minutes of b's pinned item at 14:00) starts 11:55 and runs into the afternoon
    s = item(
        "s",
        kind="site_visit",
        duration=120,
        window="morning",
        order=[{"before": "x", "max_gap": 5}],
    )
    x = item("x", attendees=["b"], venue="v2", pinned=f"{D} 14:00")
    visit = load(tmp_path, visit_data(s, x))
    plan = solved(visit)
    assert local(plan, "s") == f"{D} 11:55"
    assert "day-part" in broken(visit, moved_to(visit, plan, "s", f"{D} 12:00"))


def test_the_host_custom_shapes_the_day(tmp_path: Path) -> None:
    # in Spain the evening starts at 20:30
    s = item("s", kind="site_visit", window="evening", days=[D])
    data = visit_data(s, conventions=[prefer("site_visit", "10:00")], programme_hours=LATE)
    data["host"] = {"code": "ES", "name": "Spain"}
    data["cities"][0]["country"] = "ES"
    data["use_host_conventions"] = True
    visit = load(tmp_path, data)
    plan = solved(visit)
    assert local(plan, "s") == f"{D} 20:30"
    assert broken(visit, moved_to(visit, plan, "s", f"{D} 19:00")) == {"day-part"}
    # a visit that does not follow its host's customs has the default day
    plain = load(tmp_path, {**data, "use_host_conventions": False}, "plain.yaml")
    assert local(solved(plain), "s") == f"{D} 18:00"


def test_the_visit_defines_its_own_day_parts(tmp_path: Path) -> None:
    s = item("s", kind="site_visit", window="evening", days=[D])
    t = item("t", kind="site_visit", window="tea", days=[D], attendees=["b"])
    parts_ = {
        "evening": {"from": "19:00", "until": "21:00"},
        "tea": {"from": "16:00", "until": "17:00"},
    }
    data = visit_data(
        s, t, conventions=[prefer("site_visit", "10:00")], programme_hours=LATE, day_parts=parts_
    )
    visit = load(tmp_path, data)
    plan = solved(visit)
    assert local(plan, "s") == f"{D} 19:00"
    assert local(plan, "t") == f"{D} 16:00"
    assert broken(visit, moved_to(visit, plan, "t", f"{D} 17:00")) == {"day-part"}


def test_the_night_crosses_midnight(tmp_path: Path) -> None:
    s = item("s", kind="site_visit", window="night", days=[D], duration=30)
    hours = {"start": "00:00", "end": "24:00"}
    visit = load(tmp_path, visit_data(s, programme_hours=hours))
    plan = solved(visit)
    start = local(plan, "s")[-5:]
    assert start >= "22:00" or start < "06:00", start
    for ok in ("00:00", "05:55", "22:00", "23:30"):
        assert broken(visit, moved_to(visit, plan, "s", f"{D} {ok}")) == set(), ok
    for bad in ("06:00", "12:00", "21:55"):
        assert broken(visit, moved_to(visit, plan, "s", f"{D} {bad}")) == {"day-part"}, bad


def test_a_day_part_no_start_fits_is_explained(tmp_path: Path) -> None:
    # the programme closes at 20:00: no evening item of an hour and a half fits
    s = item("s", kind="site_visit", window="evening", days=[D], duration=150)
    outcome = solve(load(tmp_path, visit_data(s)))
    assert {"daypart:s", "hours:s"} <= keys(outcome)
    words = {f.key: f.text for f in outcome.explanation.facts}
    assert words["daypart:s"] == "'S' starts in the evening (18:00 to 23:00, the default day parts)"


# -- windows on the start and the end -------------------------------------------------------


def test_latest_start(tmp_path: Path) -> None:
    # pulled to 11:00 (its 'around', with a wide tolerance), it starts 09:30 at the latest
    pull = {"around": f"{D} 11:00", "tolerance": "6h"}
    s = item("s", kind="site_visit", window={"latest_start": f"{D} 09:30"}, **pull)
    decides(
        tmp_path,
        visit_data(s),
        visit_data({**s, "window": None}),
        "s",
        tight=f"{D} 09:30",
        forbidden=f"{D} 11:00",
        rule="window",
    )


def test_earliest_end(tmp_path: Path) -> None:
    pull = {"around": f"{D2} 11:00", "tolerance": "6h"}
    s = item("s", kind="site_visit", window={"earliest_end": f"{D2} 17:00"}, **pull)
    decides(
        tmp_path,
        visit_data(s),
        visit_data({**s, "window": None}),
        "s",
        tight=f"{D2} 16:00",
        forbidden=f"{D2} 11:00",
        rule="window",
    )


def test_a_day_part_and_bounds_together(tmp_path: Path) -> None:
    window = {"day_part": "afternoon", "latest_start": f"{D} 14:00"}
    s = item("s", kind="site_visit", window=window, around=f"{D} 17:00", tolerance="6h")
    visit = load(tmp_path, visit_data(s))
    plan = solved(visit)
    assert local(plan, "s") == f"{D} 14:00"
    assert broken(visit, moved_to(visit, plan, "s", f"{D} 11:00")) == {"day-part"}
    assert broken(visit, moved_to(visit, plan, "s", f"{D} 15:00")) == {"window"}


# -- around -------------------------------------------------------------------------------


def test_around_is_kept_when_nothing_is_in_the_way(tmp_path: Path) -> None:
    s = item("s", kind="site_visit", around=f"{D} 10:15")
    visit = load(tmp_path, visit_data(s))
    outcome = solve(visit)
    assert outcome.plan is not None
    assert local(outcome.plan, "s") == f"{D} 10:15"
    line = next(x for x in outcome.scores if x.goal == "around")
    assert line.measure == 0
    assert "minutes away from the times written 'around'" in str(line)


def test_around_moves_as_little_as_it_must(tmp_path: Path) -> None:
    # a is busy at v1 until 10:25: 'around 10:15' starts at 10:25, 10 minutes away
    busy = item("busy", pinned=f"{D} 09:25")
    s = item("s", kind="site_visit", around=f"{D} 10:15")
    visit = load(tmp_path, visit_data(busy, s))
    outcome = solve(visit)
    assert outcome.plan is not None
    assert local(outcome.plan, "s") == f"{D} 10:25"
    line = next(x for x in outcome.scores if x.goal == "around")
    assert line.measure == 10 and line.penalty == 10 * 10


def test_around_is_a_window_of_its_tolerance(tmp_path: Path) -> None:
    # pulled to 11:00 (a soft convention), 'around 10:15 ± 30' starts no later than 10:45
    s = item("s", kind="site_visit", around=f"{D} 10:15", tolerance=30)
    conventions = [prefer("site_visit", "11:00")]
    visit = load(tmp_path, visit_data(s, conventions=conventions))
    plan = solved(visit)
    assert local(plan, "s") in (f"{D} 10:15", f"{D} 10:45")
    assert broken(visit, moved_to(visit, plan, "s", f"{D} 10:45")) == set()
    assert broken(visit, moved_to(visit, plan, "s", f"{D} 10:50")) == {"around"}
    assert broken(visit, moved_to(visit, plan, "s", f"{D} 09:40")) == {"around"}


def test_around_a_time_of_day_on_its_days(tmp_path: Path) -> None:
    s = item("s", kind="site_visit", around="10:15", days=[D2])
    visit = load(tmp_path, visit_data(s))
    plan = solved(visit)
    assert local(plan, "s") == f"{D2} 10:15"
    assert broken(visit, moved_to(visit, plan, "s", f"{D2} 10:35")) == {"around"}


def test_around_that_cannot_hold_is_explained(tmp_path: Path, capsys: Any) -> None:
    busy = item("busy", pinned=f"{D} 09:30", duration=75)  # until 10:45
    s = item("s", kind="site_visit", around=f"{D} 10:15")
    outcome = solve(load(tmp_path, visit_data(busy, s)))
    assert "around:s" in keys(outcome)
    words = {f.key: f.text for f in outcome.explanation.facts}
    assert words["around:s"] == "'S' starts around 12 June 10:15 (± 15 min)"
    # cited at its line
    found = located(write_visit(tmp_path, visit_data(busy, s), "explain.yaml"), capsys)
    assert found["'S' starts around 12 June 10:15 (± 15 min)"].startswith("around:")


def test_around_with_a_pin_is_refused(tmp_path: Path) -> None:
    s = item("s", around=f"{D} 10:15", pinned=f"{D} 10:00")
    path = write_visit(tmp_path, visit_data(s))
    assert main(["check", str(path)]) == 2


# -- unavailability -------------------------------------------------------------------------


def unavailable(
    since: str,
    until: str,
    reason: str = "the capital hosts another head of state until noon",
    **what: str,
) -> dict[str, Any]:
    """An entry of ``unavailable``: of the city, venue or person ``what`` names."""
    return {**what, "from": since, "until": until, "reason": reason}


def test_an_unavailable_city_holds_nothing(tmp_path: Path) -> None:
    s = item("s", kind="site_visit", days=[D])
    gone = [unavailable(f"{D} 07:00", f"{D} 12:00", city="berlin")]
    conventions = [prefer("site_visit", "09:00")]
    decides(
        tmp_path,
        visit_data(s, conventions=conventions, unavailable=gone),
        visit_data(s, conventions=conventions),
        "s",
        tight=f"{D} 12:00",
        forbidden=f"{D} 09:00",
        rule="unavailable",
    )
    visit = load(tmp_path, visit_data(s, conventions=conventions, unavailable=gone), "x.yaml")
    plan = solved(visit)
    # overlapping its last minutes is overlapping it
    (found,) = validate_plan(visit, moved_to(visit, plan, "s", f"{D} 11:05"))
    assert found.message == (
        "'S' (V1) runs 12 June 11:05 Berlin time to 12 June 12:05 Berlin time, but Berlin is "
        "unavailable from 12 June 07:00 Berlin time until 12 June 12:00 Berlin time (the "
        "capital hosts another head of state until noon)"
    )


def test_an_unavailable_venue_sends_the_item_elsewhere(tmp_path: Path) -> None:
    s = item("s", kind="site_visit", venue=None, candidate_venues=["v2", "v3"], days=[D])
    gone = [unavailable(f"{D} 00:00", f"{D2} 00:00", venue="v2")]
    # v2 is nearer to nothing and v3 to nothing: pull with a convention to 10:00
    conventions = [prefer("site_visit", "10:00")]
    visit = load(tmp_path, visit_data(s, conventions=conventions, unavailable=gone))
    plan = solved(visit)
    assert plan.item("s").venue == "v3"  # type: ignore[union-attr]
    assert broken(visit, moved_to(visit, plan, "s", f"{D} 10:00", "v2")) == {"unavailable"}


def test_an_unavailable_person_attends_nothing(tmp_path: Path) -> None:
    s = item("s", kind="site_visit", attendees=["a", "b"])
    gone = [unavailable(f"{D} 06:00", f"{D2} 10:00", "in parliament for a vote", person="b")]
    conventions = [prefer("site_visit", "09:00")]
    decides(
        tmp_path,
        visit_data(s, conventions=conventions, unavailable=gone),
        visit_data({**s, "days": [D2]}, conventions=conventions),
        "s",
        tight=f"{D2} 10:00",
        forbidden=f"{D2} 09:00",
        rule="unavailable",
    )


def test_an_unavailable_optional_attendee_is_not_listed(tmp_path: Path) -> None:
    s = item("s", kind="site_visit", optional_attendees=["b"], pinned=f"{D} 10:00")
    t = item("t", kind="site_visit", optional_attendees=["b"], pinned=f"{D2} 10:00")
    gone = [unavailable(f"{D} 06:00", f"{D} 18:00", person="b")]
    visit = load(tmp_path, visit_data(s, t, unavailable=gone))
    plan = solved(visit)
    assert plan.item("s").attendees == ("a",)  # type: ignore[union-attr]
    assert plan.item("t").attendees == ("a", "b")  # type: ignore[union-attr]
    listed = plan.model_copy(
        update={
            "items": tuple(
                p.model_copy(update={"attendees": ("a", "b")}) if p.id == "s" else p
                for p in plan.items
            )
        }
    )
    assert broken(visit, listed) == {"unavailable"}


def test_a_movement_may_arrive_as_the_unavailability_ends(tmp_path: Path) -> None:
    # the walk to v3 leaves v1 at 09:45 at the earliest; v3 is unavailable 10:00–12:00:
    # arriving at 12:00 is fine (11:30 departure), arriving at 10:15 or 11:55 is not
    walk = item(
        "w",
        kind="walk",
        duration=30,
        venue="v1",
        arrival_venue="v3",
        window={"earliest_start": f"{D} 09:45", "latest_start": f"{D} 11:30"},
    )
    gone = [unavailable(f"{D} 10:00", f"{D} 12:00", venue="v3")]
    visit = load(tmp_path, visit_data(walk, unavailable=gone))
    plan = solved(visit)
    assert local(plan, "w") == f"{D} 11:30"
    assert broken(visit, moved_to(visit, plan, "w", f"{D} 11:25")) == {"unavailable"}
    assert broken(visit, moved_to(visit, plan, "w", f"{D} 09:45")) == {"unavailable"}


def test_a_movement_may_leave_a_city_as_it_becomes_unavailable(tmp_path: Path) -> None:
    walk = item("w", kind="walk", duration=30, venue="v1", arrival_venue="v3", pinned=f"{D} 10:00")
    gone = [unavailable(f"{D} 10:00", f"{D} 12:00", venue="v1")]
    visit = load(tmp_path, visit_data(walk, unavailable=gone))
    plan = solved(visit)
    assert local(plan, "w") == f"{D} 10:00"
    assert broken(visit, moved_to(visit, plan, "w", f"{D} 10:05")) == {"unavailable", "pinned"}


def test_an_unavailability_in_the_way_is_explained(tmp_path: Path, capsys: Any) -> None:
    s = item(
        "s", kind="site_visit", window={"earliest_start": f"{D} 09:00", "latest_end": f"{D} 11:00"}
    )
    gone = [unavailable(f"{D} 08:00", f"{D} 12:00", city="berlin")]
    data = visit_data(s, unavailable=gone)
    outcome = solve(load(tmp_path, data))
    assert {"window:s", "unavailable:0:s"} == keys(outcome)
    words = {f.key: f.text for f in outcome.explanation.facts}
    assert words["unavailable:0:s"] == (
        "Berlin is unavailable from 12 June 08:00 until 12 June 12:00 (the capital hosts "
        "another head of state until noon): nothing takes place there"
    )
    path = write_visit(tmp_path, data, "explain.yaml")
    assert main(["explain", str(path), "--time-limit", "10"]) == 1
    out = capsys.readouterr().out
    lines = path.read_text(encoding="utf-8").splitlines()
    cited = [line for line in out.splitlines() if "Berlin is unavailable" in line]
    assert cited, out
    number = int(cited[0].split(str(path) + ":")[1].split(":")[0])
    assert lines[number - 1].strip().startswith("- city: berlin"), lines[number - 1]


def test_the_greedy_placement_keeps_the_written_times(monkeypatch: pytest.MonkeyPatch) -> None:
    data = visit_data(
        item("s", kind="site_visit", days=[D]),
        item("s2", kind="site_visit", days=[D]),
        item("e", kind="site_visit", window="evening", days=[D], attendees=["b"], duration=30),
        item("r", kind="site_visit", around=f"{D2} 10:15", attendees=["c"]),
        programme_hours=LATE,
        unavailable=[unavailable(f"{D} 07:00", f"{D} 12:00", city="berlin")],
    )
    visit = parse(data)
    axis = Axis.for_visit(visit)
    builder = ModelBuilder(visit, axis=axis).collect()
    found: dict[str, Any] = {}
    for group in parts(visit, axis, builder=builder):
        placed = greedy.place(visit, axis, builder, group)
        assert placed is not None
        found.update(placed)
    assert axis.wall(found["s"][0], "Europe/Berlin").local.strftime("%H:%M") == "12:00"
    assert axis.wall(found["e"][0], "Europe/Berlin").local.strftime("%H:%M") == "18:00"
    assert axis.wall(found["r"][0], "Europe/Berlin").local.strftime("%H:%M") == "10:15"
    monkeypatch.setattr(cpmodel, "ARC_BUDGET", 0)  # the whole solve, placed one by one
    outcome = solve(visit)
    assert outcome.plan is not None and "placed one by one" in outcome.note
    assert local(outcome.plan, "e") == f"{D} 18:00"
    assert min(local(outcome.plan, "s"), local(outcome.plan, "s2")) == f"{D} 12:00"


# -- what readers see ----------------------------------------------------------------------


def test_check_lists_the_unavailabilities(tmp_path: Path, capsys: Any) -> None:
    gone = [
        unavailable(f"{D} 07:00", f"{D} 12:00", city="berlin"),
        unavailable(f"{D} 14:00", f"{D2} 10:00", "in parliament for a vote", person="b"),
    ]
    around = item("r", around=f"{D2} 10:15")  # counted on its day, to schedule
    path = write_visit(tmp_path, visit_data(item("s"), around, unavailable=gone))
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "  Tue 13 June 2023: 1 item (0 pinned, 1 to schedule)\n" in out
    assert (
        "Unavailable\n"
        "  Berlin, 12 Jun 07:00–12:00 (Berlin time): the capital hosts another head of state "
        "until noon\n"
        "  B, 12 Jun 14:00–13 Jun 10:00 (Berlin time): in parliament for a vote\n"
    ) in out


def test_the_schema_describes_the_written_times() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "planner.cli", "schema"], capture_output=True, text=True, check=True
    ).stdout
    schema = json.loads(out)
    for name in ("day_parts", "unavailable"):
        assert schema["properties"][name]["description"], name
    defs = schema["$defs"]
    item_ = defs["Item"]["properties"]
    for name in ("around", "tolerance", "window"):
        assert item_[name]["description"], name
    assert "10:15" in json.dumps(item_["around"])
    assert set(defs["Unavailability"]["properties"]) >= {
        "city",
        "venue",
        "person",
        "from",
        "until",
        "reason",
    }
    assert set(defs["Window"]["properties"]) >= {"day_part", "latest_start", "earliest_end"}
    assert "string" in json.dumps(item_["window"])  # window: morning


def test_an_edit_of_the_window_keeps_its_day_part(tmp_path: Path) -> None:
    """Setting a window's earliest start or latest end (the terminal UI's two fields)
    keeps what else the office wrote in it: its day part, its latest start."""
    from planner.schedule.edits import Edit, apply
    from planner.visitfile import load_visit
    from planner.yamledit import VisitDocument

    data = visit_data(
        item("s", window="evening", days=[D]),
        item("t", window={"day_part": "morning", "latest_start": f"{D} 10:00"}),
        programme_hours=LATE,
    )
    path = write_visit(tmp_path, data)
    doc = VisitDocument(path)
    apply(doc, Edit("set", "s", window=("", f"{D} 22:00")), None)
    apply(doc, Edit("set", "t", window=(f"{D} 08:30", "")), None)
    path.write_text(doc.text(), encoding="utf-8")
    visit = load_visit(path).visit
    s, t = visit.item["s"].window, visit.item["t"].window
    assert s is not None and s.day_part == "evening" and str(s.latest_end) == f"{D} 22:00"
    assert t is not None and t.day_part == "morning" and str(t.latest_start) == f"{D} 10:00"
    assert str(t.earliest_start) == f"{D} 08:30"
    doc = VisitDocument(path)
    apply(doc, Edit("set", "s", window=("", "")), None)
    assert 'window: "evening"' in doc.text() or "window: evening" in doc.text()


def test_a_programme_gives_the_time_the_plan_gives(tmp_path: Path) -> None:
    """'around 10:15' is the office's instruction to the planner; the programme gives the
    time of the plan, as for any item, and no 'around'."""
    from planner.export.documents import programme_markdown
    from planner.export.tiers import DELEGATION

    busy = item("busy", pinned=f"{D} 09:25")
    s = item("s", title="Visit to the museum", kind="site_visit", around=f"{D} 10:15")
    visit = load(tmp_path, visit_data(busy, s))
    text = programme_markdown(visit, solved(visit), DELEGATION)
    assert "10:25 Berlin · 10:25 Paris — Visit to the museum" in text
    assert "around" not in text.lower()


def test_on_a_tour_each_leg_has_its_hosts_day(tmp_path: Path) -> None:
    data = visit_data(
        item("berlin-dinner", kind="site_visit", window="evening", days=[D]),
        item("madrid-dinner", kind="site_visit", window="evening", days=[D], attendees=["b"]),
        programme_hours=LATE,
    )
    data["cities"].append(
        {"id": "madrid", "name": "Madrid", "country": "ES", "timezone": "Europe/Madrid"}
    )
    data["venues"].append(
        {"id": "m1", "name": "Royal Palace", "city": "madrid", "lat": 40.418, "lon": -3.714}
    )
    data["items"][1]["venue"] = "m1"
    data["tour"] = [
        {"id": "de", "host": {"code": "DE", "name": "Germany"}, "start": D, "end": D2,
         "cities": ["berlin", "potsdam"]},
        {"id": "es", "host": {"code": "ES", "name": "Spain"}, "start": D, "end": D2,
         "cities": ["madrid"]},
    ]  # fmt: skip
    visit = load(tmp_path, data)
    plan = solved(visit)
    assert local(plan, "berlin-dinner") == f"{D} 18:00"
    assert local(plan, "madrid-dinner") == f"{D} 20:30"
    late = moved_to(visit, plan, "madrid-dinner", f"{D} 19:00")
    (found,) = validate_plan(visit, late)
    assert found.rule == "day-part"
    assert "(20:30 to 24:00, the custom of Spain)" in found.message


@pytest.mark.parametrize(
    ("fields", "changes", "fragment"),
    [
        (
            {"window": "Morning"},
            {},
            "items[s].window: 'Morning' is not a part of the day: write morning, midday, "
            "afternoon, evening or night (lower case)",
        ),
        (
            {"around": "10h15"},
            {},
            "items[s].around: '10h15' is neither a local time nor a time of day; write "
            "'YYYY-MM-DD HH:MM' (that day) or 'HH:MM' (whichever day it takes place)",
        ),
        (
            {"around": f"{D} 10:15", "pinned": f"{D} 10:00"},
            {},
            "items[s]: give 'around' or 'pinned', not both",
        ),
        ({"tolerance": 10}, {}, "items[s]: 'tolerance' is the margin of an 'around' time"),
        (
            {"around": f"{D} 10:15", "days": [D2]},
            {},
            "items[s].around: around 2023-06-12 10:15 is on 12 June, which is not one of its "
            "'days'",
        ),
        (
            {"window": {"latest_start": "2023-06-20 10:00"}},
            {},
            "items[s].window.latest_start: the window 20 June 2023 is outside the visit",
        ),
        (
            {"window": {"latest_start": f"{D} 10:00", "earliest_end": f"{D} 12:00"}},
            {},
            "items[s].window.earliest_end: starting by 2023-06-12 10:00 at the latest, 60 min "
            "end by 11:00, before its earliest end (2023-06-12 12:00)",
        ),
        (
            {"window": {"latest_start": f"{D} 10:00"}, "pinned": f"{D} 10:30"},
            {},
            "items[s].pinned: pinned at 2023-06-12 10:30, after the latest start of its "
            "window (2023-06-12 10:00)",
        ),
        (
            {"window": "morning", "pinned": f"{D} 12:00"},
            {},
            "items[s].pinned: pinned at 2023-06-12 12:00, outside its day part (morning: "
            "07:00 to 12:00, the default day parts)",
        ),
        (
            {},
            {"day_parts": {"evening": {"from": "19:00", "until": "19:00"}}},
            "day_parts.evening: from 19:00 until 19:00 is no part of a day",
        ),
        (
            {},
            {"unavailable": [{"venue": "v9", "from": f"{D} 10:00", "until": f"{D} 11:00",
                              "reason": "closed"}]},
            "unavailable[0].venue: unknown venue 'v9'",
        ),
        (
            {},
            {"unavailable": [{"city": "berlin", "person": "a", "from": f"{D} 10:00",
                              "until": f"{D} 11:00", "reason": "closed"}]},
            "name exactly one of 'city', 'venue' or 'person' (what is unavailable), not "
            "'city' and 'person'",
        ),
        (
            {},
            {"unavailable": [{"person": "a", "from": f"{D} 10:00", "until": f"{D} 11:00",
                              "reason": "in parliament", "timezone": "Berlin Time"}]},
            "unavailable[0].timezone: 'Berlin Time' is not an IANA time-zone name",
        ),
    ],
)  # fmt: skip
def test_bad_written_times_are_errors_at_their_line(
    tmp_path: Path,
    capsys: Any,
    fields: dict[str, Any],
    changes: dict[str, Any],
    fragment: str,
) -> None:
    path = write_visit(tmp_path, visit_data(item("s", **fields), **changes))
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert fragment in err, err
    assert err.startswith(f"{path}:"), err


def test_written_times_across_the_change_of_clocks(tmp_path: Path) -> None:
    """The night the clocks fall back in Berlin (29 October 2023, 03:00 → 02:00): a night
    item, an item around 10:15 each day, and an unavailability through the repeated hour,
    each read on the wall clock by the scheduler and the validator alike."""
    first, second = "2023-10-28", "2023-10-29"
    data = visit_data(
        item("night", window="night", days=[second], duration=30),
        item("late", attendees=["b"], around="10:15", days=[second]),
        item("early", attendees=["c"], days=[second], duration=30),
        start=first,
        end=second,
        programme_hours={"start": "00:00", "end": "24:00"},
        unavailable=[unavailable(f"{second} 00:00", f"{second} 05:00", "curfew", person="c")],
    )
    visit = load(tmp_path, data)
    plan = solved(visit)
    night = local(plan, "night")
    assert night.startswith(second) and not "06:00" <= night[11:16] < "22:00", night
    assert broken(visit, moved_to(visit, plan, "night", f"{second} 06:00")) == {"day-part"}
    assert broken(visit, moved_to(visit, plan, "night", f"{second} 05:30")) == set()
    assert local(plan, "late") == f"{second} 10:15"
    assert local(plan, "early")[11:16] >= "05:00"
    assert broken(visit, moved_to(visit, plan, "late", f"{second} 10:35")) == {"around"}
    assert broken(visit, moved_to(visit, plan, "early", f"{second} 04:30")) == {"unavailable"}


def test_no_reader_is_told_an_unavailability(tmp_path: Path) -> None:
    """Why a city is unavailable is the office's business: no programme or calendar says
    it, at any tier."""
    from planner.export import ical
    from planner.export.documents import programme_html, programme_markdown
    from planner.export.tiers import DELEGATION, FULL, PUBLIC

    secret = "the capital hosts another head of state until noon"
    data = visit_data(
        item("s", kind="site_visit", days=[D]),
        unavailable=[unavailable(f"{D} 07:00", f"{D} 12:00", secret, city="berlin")],
    )
    visit = load(tmp_path, data)
    plan = solved(visit)
    for audience in (FULL, DELEGATION, PUBLIC):
        for text in (
            programme_markdown(visit, plan, audience),
            programme_html(visit, plan, audience),
            ical.calendar(visit, plan, audience).decode(),
        ):
            assert "head of state" not in text
