"""`planner review`: what a protocol officer would question in a valid plan. Each check is
shown on a hand-made plan that has the problem (it must be found, with its item and a
one-line reason) and on one that does not (it must not be)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from planner.cli import main
from planner.model import Visit
from planner.plan import Plan, write_plan
from planner.review import Concern, review
from tests.schedule_support import (
    D2,
    D,
    errors_of,
    item,
    load,
    moved_to,
    person,
    solved,
    visit_data,
    write_visit,
)

# a principal (a), their spouse (b), a minister (c), two hosts; programme 07:00–23:30
PEOPLE = [
    person("a", role="principal", precedence=1),
    person("b", role="spouse", precedence=2, spouse_of="a"),
    person("c", role="minister", precedence=3),
    person("h", "host", role="principal", precedence=1),
    person("k", "host"),
]


def visit_of(tmp_path: Path, *items: dict[str, Any], **changes: Any) -> Visit:
    changes.setdefault("people", PEOPLE)
    changes.setdefault("programme_hours", {"start": "07:00", "end": "23:30"})
    return load(tmp_path, visit_data(*items, **changes))


def plan_at(visit: Visit, **starts: str) -> Plan:
    """A solved plan with the named items moved by hand to local 'YYYY-MM-DD HH:MM'."""
    plan = solved(visit)
    for item_id, start in starts.items():
        plan = moved_to(visit, plan, item_id.replace("_", "-"), start)
    assert not errors_of(visit, plan), errors_of(visit, plan)
    return plan


def checks(found: list[Concern]) -> list[tuple[str, str | None]]:
    return [(c.check, c.item) for c in found]


def test_a_banquet_before_six_is_questioned(tmp_path: Path) -> None:
    visit = visit_of(tmp_path, item("dinner", kind="banquet", duration=120, attendees=["a", "h"]))
    early = review(visit, plan_at(visit, dinner=f"{D} 10:30"))
    assert checks(early) == [("banquet-early", "dinner")]
    assert "10:30, before 18:00" in early[0].text and "Dinner" in early[0].text
    assert review(visit, plan_at(visit, dinner=f"{D} 19:30")) == []


def test_a_wreath_after_sunset_is_questioned(tmp_path: Path) -> None:
    # sunset in Berlin on 12 June 2023: 21:29 CEST by astral (almanacs say 21:30)
    visit = visit_of(tmp_path, item("wreath", kind="wreath_laying", duration=20))
    dark = review(visit, plan_at(visit, wreath=f"{D} 21:20"))
    assert checks(dark) == [("memorial-after-dark", "wreath")]
    assert "ending at 21:40, after sunset (21:29 at V1)" in dark[0].text
    assert review(visit, plan_at(visit, wreath=f"{D} 21:00")) == []


def _morning_and_afternoon(lunch: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    items = [
        item("talks", duration=150, attendees=["a", "h"]),  # 09:30–12:00
        item("signing", duration=90, attendees=["a", "h"]),  # 12:00–13:30
        item("forum", duration=90, attendees=["a"]),  # 13:30–15:00
    ]
    return [*items, lunch] if lunch else items


def test_a_principal_without_lunch_is_questioned(tmp_path: Path) -> None:
    visit = visit_of(tmp_path, *_morning_and_afternoon())
    starts = {"talks": f"{D} 09:30", "signing": f"{D} 12:00", "forum": f"{D} 13:30"}
    found = review(visit, plan_at(visit, **starts))
    assert checks(found) == [("no-lunch", None)]
    assert found[0].people == ("a",) and "A has no lunch on 12 June" in found[0].text
    # a free 45 minutes in the lunch window is a lunch
    free = review(visit, plan_at(visit, **{**starts, "forum": f"{D} 14:15"}))
    assert "no-lunch" not in [c.check for c in free]


def test_a_lunch_item_is_a_lunch(tmp_path: Path) -> None:
    lunch = item("lunch", kind="lunch", duration=60, attendees=["a", "h"])
    visit = visit_of(tmp_path, *_morning_and_afternoon(lunch))
    found = review(
        visit,
        plan_at(
            visit,
            talks=f"{D} 09:00",
            signing=f"{D} 11:30",
            lunch=f"{D} 13:00",
            forum=f"{D} 14:00",
        ),
    )
    assert "no-lunch" not in [c.check for c in found]


def test_a_wait_the_plan_could_shorten_is_a_hole(tmp_path: Path) -> None:
    visit = visit_of(
        tmp_path,
        item("call", attendees=["a"]),
        item("meeting", venue="v2", attendees=["a"]),
    )
    found = review(visit, plan_at(visit, call=f"{D} 09:00", meeting=f"{D} 13:00"))
    assert checks(found) == [("hole", "meeting")]
    # 10:00 to 13:00 less the 30 min drive from v1 to v2
    assert "A waits 2 h 30 between 'Call' (until 10:00) and 'Meeting' (at 13:00)" in found[0].text
    assert "could" in found[0].text
    # 90 minutes idle is not a hole
    assert review(visit, plan_at(visit, call=f"{D} 10:30", meeting=f"{D} 13:00")) == []


def test_a_wait_the_file_fixes_is_not_the_plan_s_to_mend(tmp_path: Path) -> None:
    visit = visit_of(
        tmp_path,
        item("call", attendees=["a"], pinned=f"{D} 09:00"),
        item("meeting", venue="v2", attendees=["a"], pinned=f"{D} 13:00"),
    )
    assert review(visit, solved(visit)) == []


def test_a_wait_at_the_residence_is_a_rest(tmp_path: Path) -> None:
    visit = visit_of(
        tmp_path,
        item("call", attendees=["a"]),
        item("meeting", venue="v1", attendees=["a"]),
        lodging=[{"venue": "v3", "people": ["a"], "nights": [D]}],
    )
    # 10:00–14:00 at v1, the hotel (v3) 20 min away: 3 h 20 at the hotel
    assert review(visit, plan_at(visit, call=f"{D} 09:00", meeting=f"{D} 14:00")) == []


def test_a_move_that_only_passes_the_wait_on_is_no_better(tmp_path: Path) -> None:
    # b waits before and after 'museum' whatever its time: moving it only moves the wait
    visit = visit_of(
        tmp_path,
        item("welcome", kind="official_welcome", attendees=["a", "b"], pinned=f"{D} 09:00"),
        item("museum", venue="v2", attendees=["b"]),
        item("dinner", kind="banquet", attendees=["a", "b"], pinned=f"{D} 19:00"),
    )
    centred = review(visit, plan_at(visit, museum=f"{D} 13:00"))
    assert [c for c in centred if c.check == "hole"] == []
    early = review(visit, plan_at(visit, museum=f"{D} 10:40"))
    assert [(c.check, c.item) for c in early if c.check == "hole"] == [("hole", "dinner")]


def test_thin_slack_before_a_fixed_item_is_questioned(tmp_path: Path) -> None:
    visit = visit_of(
        tmp_path,
        item("brief", attendees=["a"]),
        item("ceremony", kind="official_welcome", venue="v2", attendees=["a"], pinned=f"{D} 11:40"),
    )
    # brief ends 11:00; 30 min drive and 10 min holding leave 0 min
    found = review(visit, plan_at(visit, brief=f"{D} 10:00"))
    assert checks(found) == [("thin-slack", "ceremony")]
    assert "A reaches 'Ceremony' (fixed at 11:40) from 'Brief' with 0 min to spare" in found[0].text
    assert review(visit, plan_at(visit, brief=f"{D} 09:45")) == []


def test_thin_slack_between_two_fixed_items_is_the_file_s(tmp_path: Path) -> None:
    visit = visit_of(
        tmp_path,
        item("brief", attendees=["a"], pinned=f"{D} 10:00"),
        item("ceremony", kind="official_welcome", venue="v2", attendees=["a"], pinned=f"{D} 11:40"),
    )
    assert review(visit, solved(visit)) == []


def test_a_day_over_fourteen_hours_is_questioned(tmp_path: Path) -> None:
    visit = visit_of(
        tmp_path,
        item("breakfast", attendees=["c"], pinned=f"{D} 07:00"),
        item("talk", attendees=["c"], duration=60),
        item("late", attendees=["c"], duration=60),
    )
    found = review(visit, plan_at(visit, talk=f"{D} 12:00", late=f"{D} 21:30"))  # 07:00 to 22:30
    long = next(c for c in found if c.check == "long-day")
    assert long.people == ("c",) and "lasts 15 h 30" in long.text
    shorter = review(visit, plan_at(visit, talk=f"{D} 12:00", late=f"{D} 19:30"))
    assert "long-day" not in [c.check for c in shorter]


def test_a_spouse_alone_in_another_city_is_questioned(tmp_path: Path) -> None:
    visit = visit_of(
        tmp_path,
        item("day1", attendees=["a", "b"], duration=60),
        item("day2", attendees=["a"], duration=60, days=[D2]),
        lodging=[
            {"venue": "v1", "people": ["a"], "nights": [D]},
            {"venue": "p1", "people": ["b"], "nights": [D]},
        ],
    )
    found = review(visit, plan_at(visit, day1=f"{D} 10:00", day2=f"{D2} 10:00"))
    spouse = [c for c in found if c.check == "spouse-alone"]
    assert [c.people for c in spouse] == [("b",)]
    assert "B is in Potsdam on 13 June with no item there, while A is in Berlin" in spouse[0].text


def test_a_spouse_resting_where_the_principal_is_is_not_alone(tmp_path: Path) -> None:
    visit = visit_of(
        tmp_path,
        item("day1", attendees=["a", "b"], duration=60),
        item("day2", attendees=["a"], duration=60, days=[D2]),
        lodging=[{"venue": "v1", "people": ["a", "b"], "nights": [D]}],
    )
    found = review(visit, plan_at(visit, day1=f"{D} 10:00", day2=f"{D2} 10:00"))
    assert "spouse-alone" not in [c.check for c in found]


# -- the command ------------------------------------------------------------------------


def _files(tmp_path: Path, data: dict[str, Any], plan: Plan | None = None) -> Path:
    path = write_visit(tmp_path, data)
    if plan is not None:
        write_plan(path.with_name("visit.plan.yaml"), plan)
    return path


def test_the_command_lists_each_concern_and_exits_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = visit_data(
        item("dinner", kind="banquet", duration=120, attendees=["a", "h"], title="Gala\x1b[2J"),
        people=PEOPLE,
        programme_hours={"start": "07:00", "end": "23:30"},
    )
    visit = load(tmp_path, data)
    path = _files(tmp_path, data, plan_at(visit, dinner=f"{D} 10:30"))
    assert main(["review", str(path)]) == 1
    out = capsys.readouterr().out
    # the model keeps no control character of a title: the escape never reaches the terminal
    assert "Mon 12 Jun 10:30  banquet before 18:00: Gala[2J: a banquet starting at 10:30" in out
    assert "\x1b" not in out
    assert out.rstrip().endswith("review: 1 thing to look at (1 banquet before 18:00)")


def test_the_command_says_when_nothing_is_to_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = visit_data(
        item("dinner", kind="banquet", duration=120, attendees=["a", "h"]),
        people=PEOPLE,
        programme_hours={"start": "07:00", "end": "23:30"},
    )
    visit = load(tmp_path, data)
    path = _files(tmp_path, data, plan_at(visit, dinner=f"{D} 19:30"))
    assert main(["review", str(path)]) == 0
    assert capsys.readouterr().out == "review: nothing a protocol officer would question\n"


def test_the_command_without_a_plan_says_how_to_make_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _files(tmp_path, visit_data(item("x"), people=PEOPLE))
    assert main(["review", str(path)]) == 2
    err = capsys.readouterr().err
    assert "no plan at" in err and "planner solve" in err and "Traceback" not in err


def test_the_journey_is_no_time_for_lunch(tmp_path: Path) -> None:
    visit = visit_of(
        tmp_path,
        item("talks", duration=90, venue="v2", attendees=["a", "h"]),  # 09:30–11:00
        item("forum", duration=150, attendees=["a"]),  # 12:30–15:00 at v1, 30 min away
    )
    # at v1 from 11:30: free until 12:30, an hour in the lunch window
    found = review(visit, plan_at(visit, talks=f"{D} 09:30", forum=f"{D} 12:30"))
    assert "no-lunch" not in [c.check for c in found]
    # from 11:55 the drive leaves 35 min
    found = review(visit, plan_at(visit, talks=f"{D} 09:55", forum=f"{D} 12:30"))
    assert "no-lunch" in [c.check for c in found]


def test_a_lunch_may_come_before_the_journey(tmp_path: Path) -> None:
    visit = visit_of(
        tmp_path,
        item("talks", duration=270, venue="v2", attendees=["a", "h"]),  # 09:00–13:30
        item("forum", duration=60, attendees=["a"]),  # 15:15 at v1, 30 min away
    )
    # lunch at v2 13:30–14:30, then the drive (after it, only 14:00–14:30 is in the window)
    found = review(visit, plan_at(visit, talks=f"{D} 09:00", forum=f"{D} 15:15"))
    assert "no-lunch" not in [c.check for c in found]
    found = review(visit, plan_at(visit, talks=f"{D} 09:20", forum=f"{D} 15:15"))
    assert "no-lunch" in [c.check for c in found]  # 13:50–14:30, 40 min: too short


def test_a_minister_s_hours_between_items_are_their_own(tmp_path: Path) -> None:
    visit = visit_of(
        tmp_path,
        item("call", attendees=["c"]),
        item("meeting", venue="v2", attendees=["c"]),
    )
    assert review(visit, plan_at(visit, call=f"{D} 09:00", meeting=f"{D} 13:00")) == []


def test_a_lunch_the_file_waives_is_not_questioned(tmp_path: Path) -> None:
    waiver = {"lunch": False, "people": ["a"], "days": [D], "reason": "a working day"}
    visit = visit_of(tmp_path, *_morning_and_afternoon(), meals=[waiver])
    starts = {"talks": f"{D} 09:30", "signing": f"{D} 12:00", "forum": f"{D} 13:30"}
    assert "no-lunch" not in [c.check for c in review(visit, plan_at(visit, **starts))]
