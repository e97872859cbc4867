"""Two wrong answers of the solver (issue 9, §1): optional attendees left out of items
they are free for because they have items in another city at some other time of the
visit, and a duplicated candidate venue that made the solver return a plan its own
validator rejects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner.model import Visit
from planner.plan import Status
from planner.visitfile import load_visit
from tests.conftest import FIXTURES
from tests.schedule_support import (
    D2,
    D,
    errors_of,
    item,
    load,
    local,
    person,
    prefer,
    solve,
    solved,
    validate_every_plan,  # noqa: F401 (autouse fixture)
    venue,
    visit_data,
)

# -- optional attendees across cities -------------------------------------------------------


def two_city_data() -> dict[str, Any]:
    """A two-day visit: Berlin on the 12th, London on the 13th, joined by a pinned flight
    (10:00 Berlin, 2 h, lands 11:00 London). The principal a and the spouse s fly; the host
    principal h stays in Berlin. The spouse (s) and the host principal (h) are optional
    attendees of the banquet in Berlin and of a reception in London, and have their own
    items in both cities at other times; c and k are optional attendees whose neighbouring
    items leave too little time to get there."""
    data = visit_data(
        # 12 June, Berlin
        item(
            "s-museum",
            title="Spouse at the museum",
            attendees=["s"],
            venue="v2",
            pinned=f"{D} 15:00",
        ),
        item("h-cabinet", title="Cabinet", attendees=["h"], venue="v3", pinned=f"{D} 16:00"),
        item(
            "c-late-talk", title="Late talk", attendees=["c"], venue="v2", pinned=f"{D} 17:50"
        ),  # ends 18:50; the leg v2-v1 is 30 min: 19:20 > 19:00
        item(
            "banquet",
            title="Welcome banquet",
            kind="reception",
            attendees=["a"],
            optional_attendees=["s", "h", "c"],
            venue="v1",
            pinned=f"{D} 19:00",
            duration=120,
        ),
        item(
            "k-after", title="Night briefing", attendees=["k"], venue="v2", pinned=f"{D} 21:20"
        ),  # banquet ends 21:00; 30 min to v2: 21:30 > 21:20
        # 13 June: the flight, then London
        item(
            "flight",
            kind="flight",
            attendees=["a", "s"],
            venue="ber",
            arrival_venue="lhr",
            duration=120,
            pinned=f"{D2} 10:00",
        ),
        item(
            "reception",
            title="Reception at Downing Street",
            kind="reception",
            attendees=["a"],
            optional_attendees=["s"],
            venue="downing",
            pinned=f"{D2} 13:00",
        ),
        item(
            "s-school",
            title="Spouse at a school",
            attendees=["s"],
            venue="school",
            pinned=f"{D2} 15:00",
        ),
        item(
            "h-farewell",
            title="Farewell at home",
            attendees=["h"],
            venue="v3",
            pinned=f"{D2} 12:00",
        ),
        programme_hours={"start": "07:00", "end": "23:00"},
    )
    data["people"] += [
        person("s", precedence=2),
    ]
    data["people"][0]["presence"] = [
        {"city": "berlin", "depart": f"{D2} 10:00"},
        {"city": "london", "arrive": f"{D2} 11:00"},
    ]
    data["people"][-1]["presence"] = [
        {"city": "berlin", "depart": f"{D2} 10:00"},
        {"city": "london", "arrive": f"{D2} 11:00"},
    ]
    data["cities"].append(
        {"id": "london", "name": "London", "country": "GB", "timezone": "Europe/London"}
    )
    data["venues"] += [
        venue("ber", 52.3667, 13.5033),
        venue("lhr", 51.4700, -0.4543, city="london"),
        venue("downing", 51.5034, -0.1276, city="london"),
        venue("school", 51.5100, -0.1400, city="london"),
    ]
    data["travel"]["legs"] += [
        {"from": "v1", "to": "ber", "minutes": 45},
        {"from": "lhr", "to": "downing", "minutes": 60},
    ]
    return data


def test_optional_attendees_join_when_free_although_they_travel_to_another_city(
    tmp_path: Path,
) -> None:
    visit = load(tmp_path, two_city_data())
    plan = solved(visit)
    banquet, reception = plan.item("banquet"), plan.item("reception")
    assert banquet is not None and reception is not None
    # the spouse is free on the evening of the 12th (her museum ends 16:00, 30 min away)
    # and flies to London only the next morning; the host principal is home in Berlin
    assert banquet.attendees == ("a", "s", "h")
    # c's talk ends 18:50 at v2, 30 min from the banquet: too late; k's briefing at 21:20
    # is 30 min away from a banquet that ends at 21:00: too early
    assert "c" not in banquet.attendees and "k" not in banquet.attendees
    # in London after landing, the spouse is free until her school visit at 15:00
    assert reception.attendees == ("a", "s")


def test_an_optional_attendee_stays_out_when_the_next_item_is_too_close(tmp_path: Path) -> None:
    # the same visit with the spouse's school visit at 14:05: the reception ends 14:00 and
    # the school is a drive away (more than 5 min), so she cannot join the reception
    data = two_city_data()
    school = next(i for i in data["items"] if i["id"] == "s-school")
    school["pinned"] = f"{D2} 14:05"
    plan = solved(load(tmp_path, data))
    assert plan.item("reception").attendees == ("a",)  # type: ignore[union-attr]
    assert "s" in plan.item("banquet").attendees  # type: ignore[union-attr]


def test_exercise_visit_optional_attendees_in_both_cities() -> None:
    # the Spain exercise: Madrid, then Las Palmas after the flight of the 27th. Everyone
    # travelling has items in both cities; each optional attendee below is free for the
    # item (the validator checks that they are: validate_every_plan)
    visit = load_visit(FIXTURES / "exercise-spain-2024.yaml").visit
    plan = solved(visit, time_limit=10.0)
    joined = {
        i.id: tuple(p for p in plan.item(i.id).attendees if p not in i.attendees)  # type: ignore[union-attr]
        for i in visit.items
        if i.optional_attendees
    }
    assert joined["wreath-madrid"] == ("us-ambassador",)
    assert joined["farewell-madrid"] == ("us-ambassador",)
    assert joined["departure-las-palmas"] == ("us-ambassador",)
    assert set(joined["state-banquet"]) == {
        "secretary-of-state",
        "foreign-minister",
        "us-ambassador",
    }
    assert set(joined["lunch-canary"]) == {"secretary-of-state", "us-ambassador"}


# -- a duplicated candidate venue -----------------------------------------------------------


def duplicate_data(close: str) -> dict[str, Any]:
    """a's one-hour talk, 10:00-12:00, at v3 (listed twice) or v2, pulled to 10:00 by a
    soft preference; v3 is exclusive and taken from 10:00 by b; v2 is open from 11:00
    until ``close``."""
    data = visit_data(
        item("taken", attendees=["b"], venue="v3", pinned=f"{D} 10:00"),
        item(
            "talk",
            venue=None,
            candidate_venues=["v3", "v3", "v2"],
            window={"earliest_start": f"{D} 10:00", "latest_end": f"{D} 12:00"},
        ),
        conventions=[prefer("briefing", "10:00")],
    )
    data["venues"][1]["opening"] = [{"open": "11:00", "close": close}]
    return data


def test_duplicated_candidate_venue_gives_a_valid_plan() -> None:
    # built in code, past the file checker (which refuses the duplicate): the solver must
    # not trust a candidate list to be distinct. At 10:00, where the preference pulls the
    # talk, v3 is taken and v2 closed: the talk starts 11:00, at v3 or v2.
    visit = Visit.model_validate(duplicate_data("18:00"))
    outcome = solve(visit)  # its plan goes through the validator (validate_every_plan)
    assert outcome.plan is not None and outcome.status == "optimal"
    assert not errors_of(visit, outcome.plan)
    talk = outcome.plan.item("talk")
    assert talk is not None and talk.status is Status.SCHEDULED
    assert talk.venue in {"v2", "v3"}
    assert local(outcome.plan, "talk") == f"{D} 11:00"


def test_duplicated_candidate_venue_never_hides_that_no_plan_exists() -> None:
    # b takes v3 from 10:00 to 12:00 and v2 closes at 11:30: no venue has the hour the
    # talk needs before 12:00
    data = duplicate_data("11:30")
    data["items"][0]["duration"] = 120
    visit = Visit.model_validate(data)
    outcome = solve(visit)
    assert outcome.plan is None and outcome.status == "infeasible"
    assert outcome.explanation is not None and outcome.explanation.facts
