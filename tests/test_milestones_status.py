"""Times as protocol writes them (issue 11 §1): milestones within an item ('gift exchange
11:40'), moments of their own between items ('motorcade departs 15:50', duration 0), and
the status of an item: tentative, or cancelled with a reason and a date. For each, a
test where it binds (the solver obeys it), a hand-made plan the validator flags, and what
every output says of it, at each audience's tier."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planner.disclosure import DELEGATION, FULL, PUBLIC, for_person
from planner.export import documents, ical, planjson
from planner.export.programme import terminal_programme
from planner.plan import Status
from planner.visitfile import VisitFileError
from tests.schedule_support import (
    D2,
    D,
    broken,
    errors_of,
    hm,
    item,
    load,
    moved_to,
    planned_in,
    prefer,
    replaced,
    solve,
    solved,
    status,
    validate_every_plan,  # noqa: F401 (autouse fixture)
    visit_data,
)

TALKS_AT_1140 = {"title": "Gift exchange", "at": "11:40"}


def _talks(**fields: Any) -> dict[str, Any]:
    """Ninety minutes of talks with a gift exchange at 11:40, pulled to start at 08:00."""
    return item("talks", **{"duration": 90, "milestones": [TALKS_AT_1140], **fields})


# -- milestones --------------------------------------------------------------------------


def test_a_milestone_at_a_time_of_day_places_its_item_around_it(tmp_path: Path) -> None:
    visit = load(tmp_path, visit_data(_talks(), conventions=[prefer("briefing", "08:00")]))
    plan = solved(visit)
    start, end = hm(planned_in(plan, "talks").start), hm(planned_in(plan, "talks").end)
    # as early as the 08:00 pull allows with 11:40 within: 10:10–11:40
    assert (start, end) == ("10:10", "11:40")
    # without the milestone, the pull wins
    pull = [prefer("briefing", "08:00")]
    free = load(tmp_path, visit_data(item("talks", duration=90), conventions=pull))
    assert hm(planned_in(solved(free), "talks").start) == "08:00"


def test_the_validator_flags_an_item_placed_off_its_milestone(tmp_path: Path) -> None:
    visit = load(tmp_path, visit_data(_talks()))
    plan = solved(visit)
    assert broken(visit, moved_to(visit, plan, "talks", f"{D} 11:00")) == set()  # 11:00–12:30
    off = moved_to(visit, plan, "talks", f"{D} 08:00")  # 08:00–09:30: 11:40 is not within
    assert broken(visit, off) == {"milestone"}
    (error,) = errors_of(visit, off)
    assert "'Gift exchange' takes place at 11:40, within 'Talks'" in error
    late = moved_to(visit, plan, "talks", f"{D} 11:45")  # starts after it
    assert broken(visit, late) == {"milestone"}


def test_a_milestone_after_minutes_lies_within_the_item(tmp_path: Path) -> None:
    visit = load(
        tmp_path,
        visit_data(item("banquet", duration=120, milestones=[{"title": "Toasts", "after": 90}])),
    )
    plan = solved(visit)
    assert errors_of(visit, plan) == []
    with pytest.raises(VisitFileError) as caught:
        load(
            tmp_path,
            visit_data(item("banquet", duration=60, milestones=[{"title": "Toasts", "after": 90}])),
        )
    lines = [str(d) for d in caught.value.diagnostics]
    assert any("items[banquet]" in x and "after the item's end (60 min)" in x for x in lines), lines


def test_a_window_that_leaves_out_the_milestone_is_explained(tmp_path: Path) -> None:
    window = {"earliest_start": f"{D} 08:00", "latest_end": f"{D} 10:00"}
    visit = load(tmp_path, visit_data(_talks(window=window, days=[D])))
    outcome = solve(visit)
    assert outcome.plan is None and outcome.explanation is not None
    keys = {f.key for f in outcome.explanation.facts}
    assert keys == {"window:talks", "milestone:talks:0"}


def test_a_pin_that_leaves_out_the_milestone_is_a_file_error(tmp_path: Path) -> None:
    with pytest.raises(VisitFileError) as caught:
        load(tmp_path, visit_data(_talks(pinned=f"{D} 08:00")))
    (line,) = [str(d) for d in caught.value.diagnostics]
    assert "items[talks].milestones[0].at: " in line, line
    assert "'Gift exchange' at 11:40 falls outside the item, pinned at" in line


def test_a_milestone_runs_past_midnight_on_the_next_day(tmp_path: Path) -> None:
    night = item(
        "night-train",
        kind="custom",
        custom_kind="reception",
        duration=120,
        pinned=f"{D} 23:00",
        milestones=[{"title": "Midnight toast", "at": "00:30"}],
    )
    visit = load(tmp_path, visit_data(night, programme_hours={"start": "08:00", "end": "24:00"}))
    plan = solved(visit)
    assert errors_of(visit, plan) == []
    facts = planjson.export(visit, plan).items[0].milestones[0]
    assert facts.start_local == f"{D2} 00:30"


def test_milestones_keep_to_their_tier(tmp_path: Path) -> None:
    secret = {"title": "Motorcade readied", "after": 80, "tier": "restricted"}
    visit = load(tmp_path, visit_data(_talks(tier="press", milestones=[TALKS_AT_1140, secret])))
    plan = solved(visit)
    full = documents.programme_markdown(visit, plan, FULL)
    delegation = documents.programme_markdown(visit, plan, DELEGATION)
    public_ics = ical.calendar(visit, plan, PUBLIC).decode()
    full_ics = ical.calendar(visit, plan, FULL).decode()
    assert "Milestone: 11:30 Motorcade readied" in full
    assert "Motorcade readied" not in delegation and "Motorcade readied" not in public_ics
    assert "Milestone: 11:40 Gift exchange" in delegation
    assert "Milestone: 11:40 Gift exchange" in public_ics.replace("\r\n ", "")
    assert "Motorcade readied" in full_ics.replace("\r\n ", "")
    # an audience that may not see the item sees none of its milestones
    hidden = load(tmp_path, visit_data(_talks(tier="restricted")))
    assert "Gift exchange" not in ical.calendar(hidden, solved(hidden), DELEGATION).decode()
    # a milestone below its item's tier is refused
    with pytest.raises(VisitFileError, match="below its item's 'delegation'"):
        load(tmp_path, visit_data(_talks(milestones=[{**TALKS_AT_1140, "tier": "public"}])))


def test_a_public_time_of_a_day_part_withholds_the_milestones_time(tmp_path: Path) -> None:
    visit = load(tmp_path, visit_data(_talks(tier="public", public_time="day_part")))
    plan = solved(visit)
    public = documents.programme_markdown(visit, plan, PUBLIC)
    assert "Milestone: Gift exchange" in public and "11:40" not in public
    assert "Milestone: 11:40 Gift exchange" in documents.programme_markdown(visit, plan, DELEGATION)


def test_milestones_in_every_output(tmp_path: Path) -> None:
    visit = load(tmp_path, visit_data(_talks()))
    plan = solved(visit)
    assert "      · 11:40 Gift exchange" in terminal_programme(visit, plan)
    assert "Gift exchange" in documents.programme_html(visit, plan, DELEGATION)
    person = visit.person["a"]
    itinerary = documents.person_markdown(visit, plan, person)
    assert "- Milestone: 11:40 Gift exchange" in itinerary.splitlines()
    assert "Milestone: 11:40 Gift exchange" in (
        ical.calendar(visit, plan, for_person(person)).decode().replace("\r\n ", "")
    )
    data = json.loads(planjson.plan_json(visit, plan))
    (talks,) = data["items"]
    assert talks["milestones"] == [
        {
            "title": "Gift exchange",
            "tier": "delegation",
            "start_local": talks["start_local"][:10] + " 11:40",
            "start_utc": talks["start_local"][:10] + "T09:40:00+00:00",
        }
    ]


def test_a_new_milestone_raises_the_calendars_sequence(tmp_path: Path) -> None:
    base = load(tmp_path, visit_data(item("talks", duration=90, pinned=f"{D} 11:00")))
    first = solved(base)
    later = load(tmp_path, visit_data(_talks(pinned=f"{D} 11:00")))
    second = solved(later, first)
    assert planned_in(second, "talks").seen_by_stream("delegation")[0] == 1
    assert second.version == first.version + 1


# -- moments (zero-length items) ---------------------------------------------------------


def _moment(**fields: Any) -> dict[str, Any]:
    return item("departs", title="Motorcade departs", kind="motorcade", duration=0, **fields)


def test_a_moment_needs_its_attendees_there_and_nowhere_else(tmp_path: Path) -> None:
    talks = item("talks", duration=90, pinned=f"{D} 10:00")  # 10:00–11:30 at v1
    pulled = [{**prefer("motorcade", "10:30"), "weight": 100}]
    after_ten = {"earliest_start": f"{D} 10:00"}
    moment = _moment(venue="v2", window=after_ten, days=[D])
    visit = load(tmp_path, visit_data(talks, moment, conventions=pulled))
    plan = solved(visit)
    # not within the talks, and the journey v1 → v2 (30 min) after them: 12:00 at the earliest
    assert hm(planned_in(plan, "departs").start) == "12:00"
    assert planned_in(plan, "departs").start == planned_in(plan, "departs").end
    # pinned inside the talks: no plan
    inside = load(tmp_path, visit_data(talks, _moment(venue="v1", pinned=f"{D} 10:30")))
    outcome = solve(inside)
    assert outcome.plan is None
    # at the talks' end, at their venue, it is fine
    after = load(tmp_path, visit_data(talks, _moment(venue="v1", pinned=f"{D} 11:30")))
    assert hm(planned_in(solved(after), "departs").start) == "11:30"


def test_the_validator_flags_a_moment_inside_another_item_or_without_the_journey(
    tmp_path: Path,
) -> None:
    talks = item("talks", duration=90, pinned=f"{D} 10:00")
    visit = load(tmp_path, visit_data(talks, _moment(venue="v2", days=[D])))
    plan = solved(visit)
    assert broken(visit, moved_to(visit, plan, "departs", f"{D} 12:00")) == set()
    assert broken(visit, moved_to(visit, plan, "departs", f"{D} 10:30")) == {"two-places"}
    assert broken(visit, moved_to(visit, plan, "departs", f"{D} 11:40")) == {"travel"}
    assert broken(visit, moved_to(visit, plan, "departs", f"{D} 09:45")) == {"travel"}


def test_a_moment_in_the_outputs(tmp_path: Path) -> None:
    visit = load(tmp_path, visit_data(_moment(venue="v2", pinned=f"{D} 15:50")))
    plan = solved(visit)
    text = terminal_programme(visit, plan)
    assert "15:50 Berlin · 15:50 Paris  Motorcade departs [pinned]\n      at V2\n" in text
    markdown = documents.programme_markdown(visit, plan, DELEGATION)
    assert "### 15:50 Berlin · 15:50 Paris — Motorcade departs" in markdown
    assert "Until" not in markdown
    calendar = ical.calendar(visit, plan, DELEGATION).decode()
    assert "DTSTART;TZID=Europe/Berlin:20230612T155000" in calendar
    # a minute long: DTEND may not equal DTSTART, and khal shows an event without one an hour
    assert "DTEND;TZID=Europe/Berlin:20230612T155100" in calendar
    assert "Time: 15:50 Berlin · 15:50 Paris\\n" in calendar.replace("\r\n ", "")


def test_a_moment_goes_nowhere(tmp_path: Path) -> None:
    with pytest.raises(VisitFileError, match="a moment"):
        load(tmp_path, visit_data(_moment(venue="v1", arrival_venue="v2")))
    with pytest.raises(VisitFileError, match="a moment"):
        load(tmp_path, visit_data(_moment(milestones=[TALKS_AT_1140])))


# -- status: tentative, cancelled with a reason ------------------------------------------


def test_a_tentative_item_is_planned_and_marked_everywhere(tmp_path: Path) -> None:
    visit = load(tmp_path, visit_data(item("lunch", tentative=True, tier="press")))
    plan = solved(visit)
    assert status(plan, "lunch") is Status.SCHEDULED
    assert "Lunch (tentative)" in terminal_programme(visit, plan)
    assert "Lunch (tentative)" in documents.programme_markdown(visit, plan, DELEGATION)
    assert "(tentative)" in documents.programme_html(visit, plan, DELEGATION)
    person = visit.person["a"]
    assert "Lunch (tentative)" in documents.person_markdown(visit, plan, person)
    for audience in (PUBLIC, DELEGATION, FULL, for_person(person)):
        calendar = ical.calendar(visit, plan, audience).decode()
        assert "STATUS:TENTATIVE" in calendar and "SUMMARY:Lunch (tentative)" in calendar
    assert json.loads(planjson.plan_json(visit, plan))["items"][0]["tentative"] is True


def test_the_validator_holds_a_tentative_item_to_every_rule(tmp_path: Path) -> None:
    talks = item("talks", pinned=f"{D} 12:00")
    visit = load(tmp_path, visit_data(talks, item("lunch", tentative=True)))
    plan = solved(visit)
    lunch = planned_in(plan, "lunch")
    for state in (Status.DROPPED, Status.CANCELLED):  # it is not optional, not cancelled
        hand_made = replaced(plan, lunch.model_copy(update={"status": state}))
        assert broken(visit, hand_made) == {"status"}
    # and it is nowhere else at once
    assert broken(visit, moved_to(visit, plan, "lunch", f"{D} 12:30")) == {"two-places"}


def test_a_cancellation_with_a_reason_and_a_date(tmp_path: Path) -> None:
    why = {"reason": "the host is unwell", "on": "2023-06-10"}
    visit = load(tmp_path, visit_data(item("lunch"), item("talks", venue="v2")))
    first = solved(visit)
    later = load(tmp_path, visit_data(item("lunch", cancelled=why), item("talks", venue="v2")))
    plan = solved(later, first)
    assert status(plan, "lunch") is Status.CANCELLED
    assert later.item["lunch"].is_cancelled and later.item["lunch"].cancellation is not None
    # the validator: a cancelled item scheduled by hand
    back = replaced(plan, planned_in(first, "lunch"))
    assert any("is cancelled in the visit" in e for e in errors_of(later, back))
    said = "the host is unwell (called off on 10 June 2023)"
    assert "Cancelled: Lunch (the host is unwell, called off on 10 June 2023)" in (
        terminal_programme(later, plan)
    )
    assert f"- Cancelled: {said}" in documents.person_markdown(later, plan, later.person["a"])
    calendar = ical.calendar(later, plan, DELEGATION).decode().replace("\r\n ", "")
    assert f"CANCELLED: {said}." in calendar and "STATUS:CANCELLED" in calendar
    facts = json.loads(planjson.plan_json(later, plan))["items"]
    lunch = next(f for f in facts if f["id"] == "lunch")
    assert lunch["cancelled_reason"] == "the host is unwell"
    assert lunch["cancelled_on"] == "2023-06-10"
    # true is still read
    plain = load(tmp_path, visit_data(item("lunch", cancelled=True), item("talks", venue="v2")))
    assert plain.item["lunch"].is_cancelled and plain.item["lunch"].cancellation is None


def test_a_reason_reaches_only_those_who_may_see_the_item(tmp_path: Path) -> None:
    why = {"reason": "security alert at the venue"}
    data = visit_data(item("visit-site", tier="restricted"), item("talks", venue="v2"))
    first = solved(load(tmp_path, data))
    site = item("visit-site", tier="restricted", cancelled=why)
    visit = load(tmp_path, visit_data(site, item("talks", venue="v2")))
    plan = solved(visit, first)
    assert "security alert" in ical.calendar(visit, plan, FULL).decode()
    for audience in (PUBLIC, DELEGATION):
        assert "security alert" not in ical.calendar(visit, plan, audience).decode()
        assert "security alert" not in documents.programme_markdown(visit, plan, audience)


def test_change_notices_say_what_changed_of_the_status_and_the_milestones(
    tmp_path: Path,
) -> None:
    from planner.export.changes import programme_sentences, sentences_for

    pin = f"{D} 11:00"
    first_visit = load(
        tmp_path, visit_data(item("talks", duration=90, pinned=pin), item("lunch", venue="v2"))
    )
    first = solved(first_visit)
    data = visit_data(
        _talks(pinned=pin, tentative=True),
        item("lunch", venue="v2", cancelled={"reason": "the host is unwell"}),
    )
    visit = load(tmp_path, data)
    plan = solved(visit, first)
    said = programme_sentences(visit, first, plan, DELEGATION)
    assert "Talks: now tentative" in said
    assert "Talks: milestones now 11:40 Gift exchange" in said
    assert "Lunch cancelled: the host is unwell" in said
    assert "Lunch cancelled: the host is unwell" in sentences_for(
        visit, first, plan, visit.person["a"]
    )
    # confirmed again
    again = load(
        tmp_path, visit_data(_talks(pinned=pin), item("lunch", venue="v2", cancelled=True))
    )
    third = solved(again, plan)
    assert "Talks: confirmed" in programme_sentences(again, plan, third, DELEGATION)


def test_placing_one_by_one_keeps_milestones_and_moments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The planner that places items one by one (a part too large for the solver) keeps
    a milestone within its item and a moment out of its attendees' other items, with the
    journey to it: its plan goes through the validator like any other."""
    from planner.schedule import cpmodel

    data = visit_data(
        item("brief", duration=60, pinned=f"{D} 10:00"),  # 10:00–11:00 at v1
        _talks(venue="v2", days=[D]),  # 11:40 within it
        _moment(venue="v3", days=[D], window={"earliest_start": f"{D} 10:30"}),
        item("walk", attendees=["b"], venue="v3", duration=0, kind="walk", days=[D]),
    )
    monkeypatch.setattr(cpmodel, "ARC_BUDGET", 0)
    visit = load(tmp_path, data)
    outcome = solve(visit)
    assert outcome.plan is not None and "placed one by one" in outcome.note
    plan = outcome.plan
    assert errors_of(visit, plan) == []
    talks, moment = planned_in(plan, "talks"), planned_in(plan, "departs")
    assert hm(talks.start) <= "11:40" <= hm(talks.end)
    assert moment.start == moment.end


@pytest.mark.parametrize("one_by_one", [False, True])
def test_a_moment_at_an_exclusive_venue_is_not_within_another_item_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_by_one: bool
) -> None:
    """At an exclusive venue (v3), a moment of other people is not during an item there
    (at its start or end it may be): for the solver, the planner that places items one by
    one and the validator alike."""
    from planner.schedule import cpmodel

    if one_by_one:
        monkeypatch.setattr(cpmodel, "ARC_BUDGET", 0)
    data = visit_data(
        item("talks", venue="v3", duration=90, pinned=f"{D} 10:00"),  # 10:00–11:30
        _moment(venue="v3", attendees=["b"], days=[D], window={"earliest_start": f"{D} 10:30"}),
        item("later", attendees=["b"], venue="v1", pinned=f"{D} 15:00"),  # (b's journeys)
        conventions=[{**prefer("motorcade", "10:30"), "weight": 100}],
    )
    visit = load(tmp_path, data)
    outcome = solve(visit)
    assert outcome.plan is not None
    assert ("placed one by one" in outcome.note) is one_by_one
    plan = outcome.plan
    at = hm(planned_in(plan, "departs").start)
    assert not "10:00" < at < "11:30", at  # (the pull to 10:30 is only a soft goal)
    assert broken(visit, moved_to(visit, plan, "departs", f"{D} 10:30")) == {"exclusive-venue"}
    at_start = moved_to(visit, plan, "departs", f"{D} 10:00")  # (before its window opens)
    assert broken(visit, at_start) == {"window"}


def test_planner_check_counts_the_tentative_and_the_cancelled(tmp_path: Path) -> None:
    from planner.summary import summarize
    from planner.visitfile import load_visit
    from tests.schedule_support import write_visit

    data = visit_data(
        item("lunch", tentative=True, days=[D]),
        item("talks", cancelled={"reason": "rain"}, days=[D]),
        item("walk", days=[D]),
    )
    text = summarize(load_visit(write_visit(tmp_path, data)))
    assert "3 items (0 pinned, 2 to schedule, 1 tentative, 1 cancelled)" in text
