"""Issue 11 §1, publication: off-record items, public titles and venues, groups that are
not people, host organisations, and provenance per field.

Each new fact has a test where it binds (the solver obeys it, the outputs show it to the
audiences allowed to see it) and, where it is a rule, one where the validator flags a
hand-made plan that breaks it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from planner.cli import main
from planner.disclosure import OFFICE
from planner.export import documents, ical
from planner.export.outputs import build, build_off_record
from planner.export.planjson import read_export
from planner.export.tiers import DELEGATION, FULL, PUBLIC, for_person
from planner.model import WallTime
from planner.plan import Plan, SolveInfo, merge
from tests.schedule_support import (
    D,
    broken,
    item,
    load,
    local,
    moved_to,
    parse,
    solved,
    validate_every_plan,  # noqa: F401 (autouse fixture)
    visit_data,
    write_visit,
)

LATER = datetime(2026, 12, 1, 12, 0, 7, tzinfo=UTC)
SECRET = "Secret meeting with the opposition leader"


def _secret_visit(**secret: Any) -> dict[str, Any]:
    """Person a: a public briefing at v2 (window), and off the record a meeting at v3,
    pinned 10:00–11:00; b at v1 all day long."""
    fields: dict[str, Any] = {
        "title": SECRET,
        "venue": "v3",
        "pinned": f"{D} 10:00",
        "tier": "off_record",
        "notes": "Through the back entrance.",
    }
    fields.update(secret)
    return visit_data(
        item(
            "public-briefing",
            title="Briefing on the economy",
            venue="v2",
            tier="public",
            window={"earliest_start": f"{D} 09:00", "latest_end": f"{D} 13:00"},
        ),
        item("secret", **fields),
        item("b-day", title="Working day of B", attendees=["b"], venue="v1", tier="public"),
    )


def _all_text(files: dict[str, bytes]) -> str:
    return "\n".join(data.decode("utf-8") for data in files.values())


def _moved(plan: Plan, item_id: str, minutes: int) -> list[Any]:
    result = []
    for planned in plan.items:
        if planned.id == item_id and planned.start and planned.end:
            planned = planned.model_copy(
                update={
                    "start": WallTime(planned.start.local + timedelta(minutes=minutes)),
                    "end": WallTime(planned.end.local + timedelta(minutes=minutes)),
                }
            )
        result.append(planned)
    return result


# -- off the record --------------------------------------------------------------------------


def test_an_off_record_item_is_planned_around(tmp_path: Path) -> None:
    """The off-record meeting is planned: a's public briefing is not put over it, and a
    hand-made plan that puts it there breaks the rule that nobody is in two places."""
    visit = load(tmp_path, _secret_visit())
    plan = solved(visit)
    start = local(plan, "public-briefing")
    # before it, it would have to end by 09:35 (v2–v3: 25 min): after it, then
    assert start >= f"{D} 11:25", start
    clash = moved_to(visit, plan, "public-briefing", f"{D} 10:00")
    assert broken(visit, clash) == {"two-places"}


def test_no_output_of_generate_holds_an_off_record_item(tmp_path: Path) -> None:
    """Not its title, notes, venue, time nor id: not in the full calendar, plan.json nor
    any itinerary (its attendee's too); the office's off-record copy has it."""
    visit = load(tmp_path, _secret_visit())
    plan = solved(visit)
    files = build(visit, plan)
    text = _all_text(files)
    secret = plan.item("secret")
    assert secret is not None and secret.start is not None
    for leak in (SECRET, "back entrance", "V3", '"secret"', "T100000"):
        assert leak not in text, leak
    export = read_export(files["plan.json"].decode())
    assert export is not None
    assert "secret" not in {i.id for i in export.items}
    assert "secret" not in {i.id for i in export.plan.items}
    office = _all_text(build_off_record(visit, plan))
    assert SECRET in office and "off the record" in office.lower()
    assert "Briefing on the economy" in office  # the whole programme


def test_a_change_of_an_off_record_item_leaves_every_file_as_it_was(tmp_path: Path) -> None:
    """Renamed and moved: every file of `planner generate` stays byte for byte as it was
    (the full calendar's DTSTAMP, each SEQUENCE, plan.json's version and fingerprint);
    the version is off the record; the office's copy changes."""
    visit = load(tmp_path, _secret_visit())
    plan = solved(visit)
    first = build(visit, plan)
    data = _secret_visit(title=SECRET + " (renamed)", pinned=f"{D} 10:30")
    changed = load(tmp_path, data, "changed.yaml")
    items = _moved(plan, "secret", 30)
    second = merge(plan, changed, items, SolveInfo(status="hand-made"), "t", LATER)
    assert second.version == plan.version + 1
    assert second.history[-1].off_record is True
    again = build(changed, second, read_export(first["plan.json"].decode()))
    assert again == first
    assert build_off_record(changed, second) != build_off_record(visit, plan)
    # a change on the record afterwards: the record's versions go on without a gap
    public = _moved(second, "b-day", 60)
    third = merge(second, changed, public, SolveInfo(status="hand-made"), "t", LATER)
    export = read_export(
        build(changed, third, read_export(again["plan.json"].decode()))["plan.json"].decode()
    )
    assert export is not None
    assert [v.version for v in export.plan.history] == [1, 3]
    assert export.plan_version == 3
    assert all(c.item != "secret" for v in export.plan.history for c in v.changes)


def test_an_item_made_off_record_is_withdrawn_as_its_readers_knew_it(tmp_path: Path) -> None:
    """A public item raised to off_record: the calendars that had it cancel it under the
    title they knew; nothing of the new title reaches them."""
    data = _secret_visit(tier="public", title="Meeting with the opposition")
    visit = load(tmp_path, data)
    plan = solved(visit)
    hidden = load(tmp_path, _secret_visit(title=SECRET), "hidden.yaml")
    second = merge(plan, hidden, list(plan.items), SolveInfo(status="hand-made"), "t", LATER)
    for audience in (PUBLIC, FULL):
        calendar = ical.calendar(hidden, second, audience).decode()
        assert "Meeting with the opposition" in calendar
        assert SECRET not in calendar
        assert "No longer in this programme" in calendar or "CANCELLED" in calendar


def test_generate_writes_the_off_record_copy_only_when_asked(tmp_path: Path) -> None:
    path = write_visit(tmp_path, _secret_visit())
    out, office = tmp_path / "out", tmp_path / "office"
    assert main(["generate", str(path), "-o", str(out), "--time-limit", "10"]) == 0
    written = "\n".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file())
    assert SECRET not in written and not office.exists()
    argv = ["generate", str(path), "-o", str(out), "--off-record", str(office)]
    assert main([*argv, "--time-limit", "10"]) == 0
    assert sorted(p.name for p in office.iterdir()) == [
        "calendar.ics",
        "programme.html",
        "programme.md",
    ]
    assert SECRET in (office / "programme.md").read_text(encoding="utf-8")
    again = "\n".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file())
    assert SECRET not in again
    # never into the output folder, nor around it
    inside = ["generate", str(path), "-o", str(out), "--off-record", str(out / "office")]
    assert main([*inside, "--time-limit", "10"]) == 2
    assert not (out / "office").exists()


def test_diff_tells_off_record_changes_only_to_the_office(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    visit = load(tmp_path, _secret_visit())
    plan = solved(visit)
    second = merge(
        plan, visit, _moved(plan, "secret", 30), SolveInfo(status="hand-made"), "t", LATER
    )
    from planner.plan import write_plan

    old, new = tmp_path / "old.plan.yaml", tmp_path / "new.plan.yaml"
    write_plan(old, plan)
    write_plan(new, second)
    for reader in ("full", "public", "delegation", "a"):
        assert (
            main(
                [
                    "diff",
                    str(old),
                    str(new),
                    "--visit",
                    str(tmp_path / "visit.yaml"),
                    "--for",
                    reader,
                ]
            )
            == 0
        )
        out = capsys.readouterr().out
        assert SECRET not in out, reader
    assert (
        main(
            [
                "diff",
                str(old),
                str(new),
                "--visit",
                str(tmp_path / "visit.yaml"),
                "--for",
                "off-record",
            ]
        )
        == 0
    )
    assert SECRET in capsys.readouterr().out


def test_solve_prints_off_record_items_marked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_visit(tmp_path, _secret_visit())
    assert main(["solve", str(path), "--time-limit", "10"]) == 0
    out = capsys.readouterr().out
    assert f"{SECRET} [pinned] [off the record]" in out


def test_no_reader_is_cleared_for_off_record() -> None:
    data = visit_data(item("x"))
    data["people"][0]["clearance"] = "off_record"
    with pytest.raises(Exception, match="'off_record' is a tier of items and venues only"):
        parse(data)


# -- public title and venue ------------------------------------------------------------------


def _dinner_visit(
    title: str = "Dinner with the leaders of the Mountain Jews community",
) -> dict[str, Any]:
    return visit_data(
        item(
            "dinner",
            title=title,
            kind="banquet",
            attendees=["a", "h"],
            venue="v3",
            pinned=f"{D} 19:00",
            tier="public",
            public_title="Private dinner (closed press)",
            public_venue="Baku",
            disclosed_from="delegation",
            guests=[{"label": "twelve community leaders", "count": 12}],
            hosted_by=["the Jewish community of Baku"],
            notes="Kosher menu.",
        )
    )


def test_the_public_and_press_see_the_public_version_only(tmp_path: Path) -> None:
    visit = load(tmp_path, _dinner_visit())
    plan = solved(visit)
    public = "\n".join(
        (
            ical.calendar(visit, plan, PUBLIC).decode(),
            documents.programme_markdown(visit, plan, PUBLIC),
            documents.programme_html(visit, plan, PUBLIC),
        )
    )
    assert "Private dinner (closed press)" in public and "Baku" in public
    for leak in ("Mountain Jews", "V3", "community leaders", "Jewish community", "Kosher"):
        assert leak not in public, leak
    delegation = "\n".join(
        (
            ical.calendar(visit, plan, DELEGATION).decode(),
            documents.programme_markdown(visit, plan, DELEGATION),
            documents.person_markdown(visit, plan, visit.person["a"]),
        )
    )
    assert "Mountain Jews" in delegation and "V3" in delegation
    assert "Private dinner" not in delegation
    assert "twelve community leaders" in delegation
    assert "the Jewish community of Baku" in delegation


def test_a_change_of_the_real_title_leaves_the_public_files_as_they_were(tmp_path: Path) -> None:
    visit = load(tmp_path, _dinner_visit())
    plan = solved(visit)
    first = build(visit, plan)
    renamed = load(tmp_path, _dinner_visit("Dinner with the community leaders"), "renamed.yaml")
    second = merge(plan, renamed, list(plan.items), SolveInfo(status="hand-made"), "t", LATER)
    again = build(renamed, second, read_export(first["plan.json"].decode()))
    for name in ("calendars/public.ics", "changes/public.md"):
        assert again[name] == first[name], name
    assert again["calendars/delegation.ics"] != first["calendars/delegation.ics"]
    assert "public" not in (second.history[-1].seen_by or ())


def test_an_item_removed_is_cancelled_for_the_public_under_its_public_title(tmp_path: Path) -> None:
    visit = load(tmp_path, _dinner_visit())
    plan = solved(visit)
    empty = load(tmp_path, visit_data(item("other", pinned=f"{D} 09:00")), "empty.yaml")
    items = [*solved(empty).items]
    second = merge(plan, empty, items, SolveInfo(status="hand-made"), "t", LATER)
    calendar = ical.calendar(empty, second, PUBLIC).decode()
    assert "Private dinner (closed press)" in calendar
    assert "Mountain Jews" not in calendar and "V3" not in calendar


def test_a_public_version_nobody_sees_is_refused() -> None:
    with pytest.raises(Exception, match="nobody would see it"):
        parse(visit_data(item("x", public_title="Meeting")))  # tier delegation (default)
    with pytest.raises(Exception, match="give one of them"):
        parse(visit_data(item("x", tier="public", disclosed_from="restricted")))


# -- groups and host organisations -----------------------------------------------------------


def _school_visit(capacity: int) -> dict[str, Any]:
    """At v1 (not exclusive, capacity given): a's school visit with about 300 pupils, and
    b's meeting with 30 teachers pinned at 10:00; the school visit would rather start at
    10:00 too (a soft preference)."""
    from tests.schedule_support import prefer

    data = visit_data(
        item(
            "school",
            title="Visit to School 1",
            kind="site_visit",
            window={"earliest_start": f"{D} 09:00", "latest_end": f"{D} 13:00"},
            guests=[{"label": "about 300 pupils", "count": 300}],
            hosted_by=["the Ministry of Education"],
            tier="public",
        ),
        item(
            "teachers",
            attendees=["b"],
            pinned=f"{D} 10:00",
            guests=[{"label": "30 teachers", "count": 30}],
        ),
        conventions=[prefer("site_visit", "10:00")],
    )
    data["venues"][0]["capacity"] = capacity
    return data


def test_groups_count_against_the_venues_capacity(tmp_path: Path) -> None:
    roomy = solved(load(tmp_path, _school_visit(400), "roomy.yaml"))
    assert local(roomy, "school") == f"{D} 10:00"  # 331 people fit in 400
    visit = load(tmp_path, _school_visit(320))
    plan = solved(visit)
    assert local(plan, "school") != f"{D} 10:00"  # 331 do not fit in 320
    assert broken(visit, moved_to(visit, plan, "school", f"{D} 10:00")) == {"capacity"}


def test_a_group_too_large_for_the_venue_is_flagged_by_the_validator(tmp_path: Path) -> None:
    visit = load(tmp_path, _school_visit(400))
    plan = solved(visit)
    smaller = visit.model_copy(
        update={
            "venues": tuple(
                v.model_copy(update={"capacity": 300}) if v.id == "v1" else v for v in visit.venues
            )
        }
    )
    from planner.validate import validate_plan

    found = [str(v) for v in validate_plan(smaller, plan) if v.rule == "capacity"]
    # the school visit alone: one attendee and 300 pupils in a hall for 300
    assert any(
        "'Visit to School 1'" in line and "1 attendees and about 300 pupils (300)" in line
        for line in found
    ), found
    # with the teachers' meeting under way: 332 people
    assert any("332 people are there" in line for line in found), found


def test_programmes_name_the_groups_and_hosts(tmp_path: Path) -> None:
    visit = load(tmp_path, _school_visit(400))
    plan = solved(visit)
    public = (
        documents.programme_markdown(visit, plan, PUBLIC),
        ical.calendar(visit, plan, PUBLIC).decode(),
    )
    for text in public:  # (a, of precedence 5, is not named to the public)
        assert "about 300 pupils" in text and "Ministry of Education" in text
    for text in (
        documents.programme_markdown(visit, plan, DELEGATION),
        documents.programme_html(visit, plan, DELEGATION),
        documents.person_markdown(visit, plan, visit.person["a"]),
    ):
        assert "A and about 300 pupils" in text, text
        assert "Ministry of Education" in text
    for audience in (DELEGATION, for_person(visit.person["a"])):
        calendar = ical.calendar(visit, plan, audience).decode()
        assert "With: A\\, about 300 pupils" in calendar, calendar
        assert "Hosted by: the Ministry of Education" in calendar
    from planner.export.programme import terminal_programme

    printed = terminal_programme(visit, plan)
    assert "with A and about 300 pupils" in printed
    assert "hosted by the Ministry of Education" in printed


# -- provenance per field --------------------------------------------------------------------


def test_check_counts_each_fields_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = visit_data(
        item(
            "x",
            pinned=f"{D} 10:00",
            provenance={"source": "cited", "ref": "the host's programme"},
            provenance_of={"duration": {"source": "assumed", "reason": "no length given"}},
        ),
        item("y", attendees=["b"]),
    )
    path = write_visit(tmp_path, data)
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "times: 1 cited; durations: 2 assumed; venues: 1 cited, 1 assumed" in out
    assert "items.x.duration: no length given" in out


def test_per_field_provenance_names_a_field() -> None:
    with pytest.raises(Exception, match="did you mean 'pinned'"):
        parse(
            visit_data(
                item("x", provenance_of={"pined": {"source": "assumed", "reason": "a test"}})
            )
        )


def test_no_journey_is_told_to_or_from_where_a_public_version_really_is(tmp_path: Path) -> None:
    """Shown to the delegation as 'Private meeting' in Berlin (the real one from
    restricted): a's itinerary and the delegation's programme tell no journey from it to
    the next item nor to it, which would say how far the real venue is; the office's
    restricted copy tells them."""
    data = visit_data(
        item(
            "meeting",
            title="Meeting at the safe house",
            venue="v3",
            pinned=f"{D} 10:00",
            tier="delegation",
            public_title="Private meeting",
            public_venue="Berlin",
            disclosed_from="restricted",
        ),
        item("next", title="Lunch at V2", venue="v2", pinned=f"{D} 12:00"),
        item("before", title="Breakfast at V1", venue="v1", pinned=f"{D} 08:00"),
    )
    visit = load(tmp_path, data)
    plan = solved(visit)
    for text in (
        documents.person_markdown(visit, plan, visit.person["a"]),
        documents.programme_markdown(visit, plan, DELEGATION),
        ical.calendar(visit, plan, for_person(visit.person["a"])).decode(),
    ):
        assert "Private meeting" in text and "safe house" not in text
        assert "V3" not in text
        assert (
            "Travel before" not in text
            or "Private meeting" not in text.split("Travel before")[1][:80]
        ), text
        assert "25 min" not in text and "20 min" not in text, text  # v3–v2, v1–v3
    full = documents.programme_markdown(visit, plan, FULL)
    assert "safe house" in full and "25 min" in full


def test_an_edit_of_an_off_record_item_names_it_nowhere_on_the_record(tmp_path: Path) -> None:
    """`planner move secret …` pushes the public briefing too: plan.json shows the
    version (the briefing moved), neither the off-record item's change nor the edit's
    reason, which names it."""
    from ruamel.yaml import YAML

    path = tmp_path / "visit.yaml"
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)  # (the style planner's editor writes into)
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(json.loads(json.dumps(_secret_visit())), handle)  # (no aliases)
    out = tmp_path / "out"
    assert main(["generate", str(path), "-o", str(out), "--time-limit", "10"]) == 0
    assert main(["move", str(path), "secret", "--to", f"{D} 11:30", "--time-limit", "10"]) == 0
    assert main(["generate", str(path), "-o", str(out), "--time-limit", "10"]) == 0
    text = (out / "plan.json").read_text(encoding="utf-8")
    assert "secret" not in text.lower(), text
    export = read_export(text)
    assert export is not None and export.plan.history[-1].reason == "re-planned"


def test_journeys_on_the_record_are_told_as_if_the_off_record_item_were_not_there(
    tmp_path: Path,
) -> None:
    """a goes from a breakfast at V1 to the off-record meeting at V3, then to lunch at
    V2: on the record (a's itinerary, the full calendar) a's way to lunch is told from
    the breakfast, as without the meeting; the office's copy tells it from V3."""
    data = visit_data(
        item("breakfast", title="Breakfast at V1", venue="v1", pinned=f"{D} 08:00"),
        item("lunch", title="Lunch at V2", venue="v2", pinned=f"{D} 12:00"),
    )
    plain = load(tmp_path, data)
    plain_plan = solved(plain)
    data["items"].append(
        item("secret", title=SECRET, venue="v3", pinned=f"{D} 10:00", tier="off_record")
    )
    visit = load(tmp_path, data, "secret.yaml")
    plan = merge(
        plain_plan,
        visit,
        [*plain_plan.items, *(p for p in solved(visit).items if p.id == "secret")],
        SolveInfo(status="hand-made"),
        "t",
        LATER,
    )
    assert plan.history[-1].off_record is True
    person = visit.person["a"]
    assert documents.person_markdown(visit, plan, person) == documents.person_markdown(
        plain, plain_plan, person
    )
    assert ical.calendar(visit, plan, FULL) == ical.calendar(plain, plain_plan, FULL)
    office = documents.programme_markdown(visit, plan, OFFICE)
    assert f"Travel before: from {SECRET}" in office or "from Secret" in office, office


def test_attending_an_off_record_item_is_no_clearance_warning(tmp_path: Path) -> None:
    """No clearance shows an off-record item, by design: check does not ask to raise the
    attendee's (as it does for a restricted item a delegation member must attend)."""
    from planner.visitfile import load_visit

    loaded = load_visit(write_visit(tmp_path, _secret_visit()))
    assert not [w for w in loaded.warnings if "may only see" in str(w)]
    restricted = load_visit(write_visit(tmp_path, _secret_visit(tier="restricted"), "r.yaml"))
    assert [w for w in restricted.warnings if "may only see" in str(w)]


@pytest.mark.parametrize("big", ["v2", "v3"])
def test_groups_rule_out_a_candidate_venue_too_small_for_them(tmp_path: Path, big: str) -> None:
    """Of two candidate venues, only the one that holds a and the 300 pupils is chosen
    (whichever it is); the validator flags a plan that puts them in the other."""
    small = "v3" if big == "v2" else "v2"
    data = visit_data(
        item(
            "school",
            candidate_venues=["v2", "v3"],
            venue=None,
            pinned=f"{D} 10:00",
            guests=[{"label": "about 300 pupils", "count": 300}],
        )
    )
    for venue in data["venues"]:
        if venue["id"] in ("v2", "v3"):
            venue["capacity"] = 400 if venue["id"] == big else 100
    visit = load(tmp_path, data)
    plan = solved(visit)
    assert plan.item("school").venue == big  # type: ignore[union-attr]
    assert broken(visit, moved_to(visit, plan, "school", f"{D} 10:00", small)) == {"capacity"}
