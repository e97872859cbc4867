"""Who sees what, through `planner generate` as protocol staff run it (issue 9, §4 and §1):

- a change an audience cannot see leaves every file it receives byte for byte as it was
  (a restricted item renamed; the notes of a public item; a public item given as "morning
  of …" moved within its morning), and each event's SEQUENCE rises only for the audiences
  that see it change;
- each reader gets a change notice of their own, holding only what they may see;
- a venue (a private residence) or a person (a security detail) above an audience's tier
  leaves no trace in it;
- travel legs are each attendee's real journey from their real previous item, told only
  where that item is shown too (an itinerary tells the reader's own journeys);
- citation markers ("[S3]") stay in the protocol office's copy only.

The visit is small and fully pinned, so every plan is the same on every run."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from planner.cli import main
from planner.export.documents import md, programme_markdown
from planner.export.tiers import DELEGATION as DELEGATION_AUDIENCE
from planner.export.tiers import FULL
from planner.plan import plan_path, read_plan
from planner.visitfile import load_visit
from tests.conftest import REFERENCE

VISIT = """\
schema_version: 1
id: publication-test
title: State visit to Germany (publication test) [S9]
kind: state
organizer: {name: "Protocol Office of the President [S8]", email: protocol@example.org}
host: {code: DE, name: Germany}
guest: {code: FR, name: France}
start: 2023-06-12
end: 2023-06-12
timezone: Europe/Berlin
guest_home_timezone: Europe/Paris
use_host_conventions: false
cities:
  - {id: berlin, name: Berlin, country: DE, timezone: Europe/Berlin}
people:
  - {id: president, name: Claire Morel, title: President, role: principal, side: guest,
     precedence: 1, clearance: restricted}
  - {id: spouse, name: Paul Morel, role: spouse, side: guest, precedence: 2,
     spouse_of: president, clearance: delegation}
  - {id: minister, name: Anne Roux, title: Minister of Health, role: minister, side: guest,
     precedence: 3, clearance: delegation}
  - {id: aide, name: Luc Petit, role: official, side: guest, precedence: 8, clearance: press}
  - {id: guard, name: Marc Fort, title: Head of the security detail, role: security,
     side: guest, precedence: 30, clearance: restricted, tier: restricted}
  - {id: host, name: Jonas Weber, title: Federal President, role: principal, side: host,
     precedence: 1}
venues:
  - {id: palace, name: Bellevue Palace, city: berlin, address: Spreeweg 1, lat: 52.5175,
     lon: 13.3536, exclusive: false}
  - {id: memorial, name: Memorial to the Murdered Jews of Europe, city: berlin,
     address: Cora-Berliner-Strasse 1, lat: 52.5139, lon: 13.3787}
  - {id: hotel, name: Hotel Adlon, city: berlin, address: Unter den Linden 77, lat: 52.5163,
     lon: 13.3806, exclusive: false}
  - {id: residence, name: Villa Borsig, local_name: Villa Borsig am Tegeler See, city: berlin,
     address: Reiherwerder 1, lat: 52.5964, lon: 13.2539, tier: restricted}
travel:
  legs:
    - {from: palace, to: hotel, minutes: 60}
    - {from: memorial, to: hotel, minutes: 25}
    - {from: palace, to: memorial, minutes: 20}
    - {from: hotel, to: residence, minutes: 40}
items:
  - id: press-conference
    title: Joint press conference
    kind: press_statements
    duration: 30
    attendees: [president, host, aide]
    venue: palace
    pinned: "2023-06-12 10:00"
    tier: public
    press: open
    public_time: day_part
    provenance: {source: assumed, reason: a test visit}
  - id: health-meeting
    title: Working meeting of the Ministers of Health
    kind: ministers_meeting
    duration: 60
    attendees: [minister]
    venue: palace
    pinned: "2023-06-12 11:00"
    tier: delegation
    provenance: {source: assumed, reason: a test visit}
  - id: lunch
    title: Lunch at Bellevue Palace
    kind: lunch
    duration: 90
    attendees: [president, spouse, host]
    venue: palace
    pinned: "2023-06-12 12:00"
    tier: delegation
    provenance: {source: assumed, reason: a test visit}
  - id: security-briefing
    title: Security briefing on the evening route
    kind: briefing
    duration: 30
    attendees: [minister, guard]
    venue: hotel
    pinned: "2023-06-12 13:00"
    tier: restricted
    notes: Route via Tiergarten; two alternates.
    provenance: {source: assumed, reason: a test visit}
  - id: memorial-visit
    title: Visit to the Memorial to the Murdered Jews of Europe
    kind: memorial_visit
    duration: 40
    attendees: [spouse, guard]
    venue: memorial
    pinned: "2023-06-12 14:00"
    tier: delegation
    provenance: {source: assumed, reason: a test visit}
  - id: reception
    title: Reception for the French community
    kind: reception
    duration: 60
    attendees: [president, spouse, minister, guard]
    venue: hotel
    pinned: "2023-06-12 15:30"
    tier: public
    press: pool
    notes: With the ambassador and the consul general [S3].
    provenance: {source: assumed, reason: a test visit}
  - id: private-dinner
    title: Private dinner
    kind: banquet
    duration: 90
    attendees: [president, spouse, host]
    venue: residence
    pinned: "2023-06-12 19:00"
    tier: delegation
    provenance: {source: assumed, reason: a test visit}
"""

PUBLIC_FILES = ("calendars/public.ics", "changes/public.md")
DELEGATION_FILES = (
    "programme.md",
    "programme.html",
    "calendars/delegation.ics",
    "changes/delegation.md",
)


def person_files(person: str) -> tuple[str, ...]:
    return tuple(f"people/{person}{ext}" for ext in (".md", ".ics", ".changes.md"))


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each plan is made a minute after the one before: a DTSTAMP that should move does,
    whichever second the test runs in."""
    import planner.plan
    import planner.schedule.solve

    ticks = iter(range(10_000))

    def now() -> datetime:
        return datetime(2026, 11, 30, 8, 0, tzinfo=UTC) + timedelta(minutes=next(ticks))

    monkeypatch.setattr(planner.plan, "utc_now", now)
    monkeypatch.setattr(planner.schedule.solve, "utc_now", now)


@pytest.fixture
def visit(tmp_path: Path) -> Path:
    path = tmp_path / "visit.yaml"
    path.write_text(VISIT, encoding="utf-8")
    return path


def generate(visit: Path, out: Path) -> dict[str, bytes]:
    assert main(["generate", str(visit), "-o", str(out)]) == 0
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def edit(visit: Path, old: str, new: str) -> None:
    text = visit.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    visit.write_text(text.replace(old, new), encoding="utf-8")


def events(data: bytes) -> dict[str, icalendar.Event]:
    """The calendar's events by title (without a 'Cancelled: ' or 'No longer in this
    programme: ' prefix)."""
    cal = icalendar.Calendar.from_ical(data)
    return {
        re.sub(r"^(Cancelled|No longer in this programme): ", "", str(e["SUMMARY"])): e
        for e in cal.walk("VEVENT")
    }


def same(before: dict[str, bytes], after: dict[str, bytes], names: tuple[str, ...]) -> list[str]:
    """The files of ``names`` that are not byte-identical."""
    return [name for name in names if before.get(name) != after.get(name)]


# -- byte-identical unless something visible changed --------------------------------------


def test_a_restricted_change_leaves_the_public_and_the_delegation_files_alone(
    visit: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = generate(visit, out)
    edit(
        visit,
        "title: Security briefing on the evening route",
        "title: Security briefing on the night route",
    )
    second = generate(visit, out)
    assert same(first, second, PUBLIC_FILES) == []
    assert same(first, second, DELEGATION_FILES) == []
    for person in ("spouse", "aide", "host"):  # none of them attends the briefing
        assert same(first, second, person_files(person)) == [], person
    # the protocol office sees it, and so do the two who attend it at restricted clearance
    assert same(first, second, ("calendars/full.ics", "changes/full.md")) == [
        "calendars/full.ics",
        "changes/full.md",
    ]
    assert "people/guard.ics" in same(first, second, person_files("guard"))
    full_before = events(first["calendars/full.ics"])
    full_after = events(second["calendars/full.ics"])
    briefing = full_after["Security briefing on the night route"]
    assert (
        briefing["SEQUENCE"]
        == full_before["Security briefing on the evening route"]["SEQUENCE"] + 1
    )
    # the minister (delegation clearance) attends it but may not see it: nothing for her
    assert same(first, second, person_files("minister")) == []


def test_notes_and_a_coarse_move_leave_the_public_calendar_alone(
    visit: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = generate(visit, out)
    # the notes of a public item: the public are not given notes
    edit(visit, "consul general [S3].", "consul general and the mayor [S3].")
    second = generate(visit, out)
    assert same(first, second, PUBLIC_FILES) == []
    before, after = (events(f["calendars/delegation.ics"]) for f in (first, second))
    for title, event in after.items():
        raised = 1 if title == "Reception for the French community" else 0
        assert event["SEQUENCE"] == before[title]["SEQUENCE"] + raised, title
    assert b"plan version 2" in second["programme.md"]  # the delegation saw version 2
    assert (
        "- Reception for the French community: notes changed"
        in second["changes/delegation.md"].decode()
    )
    # the press conference, 'morning of 12 June' for the public, moved within the morning
    edit(visit, 'pinned: "2023-06-12 10:00"', 'pinned: "2023-06-12 09:30"')
    third = generate(visit, out)
    assert same(second, third, PUBLIC_FILES) == []
    delegation = events(third["calendars/delegation.ics"])["Joint press conference"]
    was = events(second["calendars/delegation.ics"])["Joint press conference"]
    assert delegation["SEQUENCE"] == was["SEQUENCE"] + 1
    # moved into the afternoon, the public see it: their files change, and say so
    edit(visit, 'pinned: "2023-06-12 09:30"', 'pinned: "2023-06-12 17:45"')
    fourth = generate(visit, out)
    assert same(third, fourth, PUBLIC_FILES) == list(PUBLIC_FILES)
    public = events(fourth["calendars/public.ics"])["Joint press conference"]
    assert (
        public["SEQUENCE"]
        == events(third["calendars/public.ics"])["Joint press conference"]["SEQUENCE"] + 1
    )
    notice = fourth["changes/public.md"].decode()
    assert (
        "- Joint press conference moved from morning of 12 June to afternoon of 12 June "
        "(same venue)" in notice
    )
    assert "Plan version 1 → 4." in notice  # the public saw versions 1 and 4 only


def test_generating_an_unchanged_plan_again_gives_the_same_bytes(
    visit: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    generate(visit, out)
    edit(visit, "duration: 40", "duration: 45")
    first = generate(visit, out)
    again = generate(visit, out)
    assert first == again
    assert generate(visit, tmp_path / "fresh").keys() == first.keys()


# -- notices per reader -------------------------------------------------------------------


def test_each_reader_is_told_only_what_they_may_see(visit: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate(visit, out)
    edit(visit, 'pinned: "2023-06-12 13:00"', 'pinned: "2023-06-12 13:05"')  # restricted
    edit(visit, 'pinned: "2023-06-12 11:00"', 'pinned: "2023-06-12 10:45"')  # delegation
    files = {k: v.decode() for k, v in generate(visit, out).items() if k.endswith(".md")}
    briefing, meeting = "Security briefing on the evening route", "Working meeting"
    assert "changes.md" not in files  # no notice that everyone is handed any more
    assert briefing not in files["changes/public.md"]
    assert meeting not in files["changes/public.md"]
    # nothing the public can see changed: their notice is the one they had
    assert "First version of the programme (plan version 1)." in files["changes/public.md"]
    assert briefing not in files["changes/delegation.md"]
    assert (
        "- Working meeting of the Ministers of Health moved from 11:00 to 10:45 (same venue)"
        in files["changes/delegation.md"]
    )
    assert briefing in files["changes/full.md"] and meeting in files["changes/full.md"]
    # the protocol office's notice says what each person was told
    assert "## Anne Roux" in files["changes/full.md"]
    assert "## Marc Fort" in files["changes/full.md"]
    # each person: their own items, at their clearance
    assert briefing in files["people/guard.changes.md"]
    assert briefing not in files["people/minister.changes.md"]  # attends, may not see it
    assert meeting in files["people/minister.changes.md"]
    assert "First version of the programme" in files["people/aide.changes.md"]
    assert "Marc Fort" not in files["people/minister.changes.md"]


def test_planner_diff_for_one_reader(visit: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(visit)]) == 0
    before = visit.with_name("before.plan.yaml")
    before.write_bytes(plan_path(visit).read_bytes())
    edit(visit, 'pinned: "2023-06-12 13:00"', 'pinned: "2023-06-12 13:05"')
    assert main(["solve", str(visit)]) == 0
    capsys.readouterr()
    briefing = "Security briefing on the evening route moved from 13:00 to 13:05 (same venue)"
    assert main(["diff", str(before), str(plan_path(visit)), "--visit", str(visit)]) == 0
    out = capsys.readouterr().out
    assert f"The programme:\n  - {briefing}\n" in out
    assert f"Marc Fort:\n  - {briefing}\n" in out
    assert main(["diff", str(before), str(plan_path(visit)), "--for", "delegation"]) == 0
    assert capsys.readouterr().out == "Plan version 1 → 1\nNo changes.\n"
    assert main(["diff", str(before), str(plan_path(visit)), "--for", "guard"]) == 0
    assert capsys.readouterr().out == f"Plan version 1 → 2\n  - {briefing}\n"
    assert main(["diff", str(before), str(plan_path(visit)), "--for", "gaurd"]) == 2
    assert "no reader 'gaurd'" in capsys.readouterr().err


# -- venues and people with a tier ---------------------------------------------------------


def test_a_private_residence_and_a_security_detail_stay_out_of_the_delegation_files(
    visit: Path, tmp_path: Path
) -> None:
    files = generate(visit, tmp_path / "out")
    text = {k: v.decode() for k, v in files.items()}
    delegation = "\n".join(text[name] for name in DELEGATION_FILES)
    for leak in ("Villa Borsig", "Reiherwerder", "52.596400", "Marc Fort", "security detail"):
        assert leak not in delegation, leak
        assert leak not in text["calendars/public.ics"], leak
        assert leak not in text["people/spouse.md"] + text["people/spouse.ics"], leak
    assert "Private dinner" in delegation and "venue not published" in delegation
    dinner = events(files["calendars/delegation.ics"])["Private dinner"]
    assert "GEO" not in dinner and str(dinner["LOCATION"]) == "venue not published"
    # no journey to or from the residence is told either: it would say where it is
    assert "from Reception for the French community" not in text["programme.md"]
    full = text["calendars/full.ics"].replace("\r\n ", "")
    assert "Villa Borsig" in full and "Marc Fort" in full and "GEO:52.596400;13.253900" in full
    # the guard's own itinerary names him, the president's (restricted) too
    assert "Marc Fort" in text["people/guard.md"] and "Marc Fort" in text["people/president.md"]


# -- journeys -------------------------------------------------------------------------------


def _block(markdown: str, title: str) -> str:
    parts = re.split(r"^### ", markdown, flags=re.M)
    return next(p for p in parts if f"— {title}" in p.split("\n", 1)[0])


def test_legs_are_each_persons_real_journey(visit: Path, tmp_path: Path) -> None:
    text = {k: v.decode() for k, v in generate(visit, tmp_path / "out").items()}
    reception = "Reception for the French community"
    # the president's itinerary: her own journey from the lunch, nothing of her husband's
    # (he comes from the memorial, which she does not attend)
    own = _block(text["people/president.md"], reception)
    # with when to leave: in time for the reception, not as the lunch ends
    assert (
        "- Travel before: leave Lunch at Bellevue Palace 14:30: motorcade 1 h (Claire Morel)" in own
    )
    assert "Paul Morel" not in own.split("- What:")[0]
    # her calendar says the same, in the same words for its length
    assert "Leave Lunch at Bellevue Palace 14:30 (motorcade 1 h)" in text[
        "people/president.ics"
    ].replace("\r\n ", "")
    # her husband's: his real journey, 25 minutes from the memorial
    his = _block(text["people/spouse.md"], reception)
    assert (
        "- Travel before: leave Visit to the Memorial to the Murdered Jews of Europe 15:05: "
        "motorcade 25 min (Paul Morel)" in his
    )
    assert "Lunch" not in his.split("- What:")[0]
    # the delegation's programme: each attendee's real journey; the minister comes from
    # the restricted briefing, so nothing is said of hers
    programme = _block(text["programme.md"], reception)
    legs = [line for line in programme.splitlines() if line.startswith("- Travel before")]
    assert legs == [
        "- Travel before: from Lunch at Bellevue Palace: motorcade 1 h (Claire Morel)",
        "- Travel before: from Visit to the Memorial to the Murdered Jews of Europe: "
        "motorcade 25 min (Paul Morel)",
    ]
    # the protocol office's: everyone's, the security detail's too
    loaded = load_visit(visit)
    full = _block(programme_markdown(loaded.visit, read_plan(plan_path(visit)), FULL), reception)
    assert [line for line in full.splitlines() if line.startswith("- Travel before")] == [
        legs[0],
        "- Travel before: from Visit to the Memorial to the Murdered Jews of Europe: "
        "motorcade 25 min (Paul Morel, Marc Fort)",
    ]


# -- citation markers -------------------------------------------------------------------------


def test_citation_markers_stay_in_the_protocol_office_s_copy(visit: Path, tmp_path: Path) -> None:
    text = {k: v.decode() for k, v in generate(visit, tmp_path / "out").items()}
    for name, content in text.items():
        if name in ("calendars/full.ics", "plan.json", "changes/full.md"):
            continue
        for marker in ("[S3]", "[S8]", "[S9]"):
            assert marker not in content and md(marker) not in content, (name, marker)
    assert "consul general." in text["people/spouse.md"]
    assert "consul general." in text["programme.md"]
    full = text["calendars/full.ics"].replace("\r\n ", "")
    assert "consul general [S3]." in full and "(publication test) [S9]" in full
    assert "President [S8]" in full


# -- an item deleted from the visit file ---------------------------------------------------

MUSEUM = "Visit to the National Carpet Museum"


def test_an_item_deleted_from_the_visit_file_is_published_cancelled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    visit = tmp_path / REFERENCE.name
    shutil.copy(REFERENCE, visit)
    out = tmp_path / "out"
    first = generate(visit, out)
    before = tmp_path / "before.plan.yaml"
    shutil.copy(plan_path(visit), before)
    # the protocol officer deletes the museum visit's entry from the file, by hand
    text = visit.read_text(encoding="utf-8")
    start, end = (
        text.index("  - id: spouse-programme\n"),
        text.index("  - id: wreath-alley-of-honour\n"),
    )
    visit.write_text(text[:start] + text[end:], encoding="utf-8")
    second = generate(visit, out)
    calendars = (
        "calendars/public.ics",
        "calendars/delegation.ics",
        "calendars/full.ics",
        "people/michal-herzog.ics",
    )
    for name in calendars:
        was, now = events(first[name])[MUSEUM], events(second[name])[MUSEUM]
        assert str(now["UID"]) == str(was["UID"]), name
        assert str(now["STATUS"]) == "CANCELLED" and str(now["SUMMARY"]) == f"Cancelled: {MUSEUM}"
        assert now["SEQUENCE"] == was["SEQUENCE"] + 1, name
        assert now.decoded("DTSTART") == was.decoded("DTSTART"), name
        assert now.decoded("DTSTAMP") >= was.decoded("DTSTAMP"), name
    assert MUSEUM not in second["people/herzog.ics"].decode()  # never his item
    for name in ("changes/public.md", "changes/delegation.md", "people/michal-herzog.changes.md"):
        assert f"- {MUSEUM} cancelled\n" in second[name].decode(), name
    assert f"## Michal Herzog\n\n- {MUSEUM} cancelled\n" in second["changes/full.md"].decode()
    assert f"~~{MUSEUM}~~ — **CANCELLED**" in second["programme.md"].decode()
    # the plan keeps what it needs to publish it
    kept = read_plan(plan_path(visit)).item("spouse-programme")
    assert kept is not None and kept.about is not None and kept.about.title == MUSEUM
    capsys.readouterr()
    assert main(["diff", str(before), str(plan_path(visit)), "--visit", str(visit)]) == 0
    assert f"Michal Herzog:\n  - {MUSEUM} cancelled\n" in capsys.readouterr().out
    # later runs keep publishing it, cancelled, as it was (only the file's DTSTAMP moves)
    edit(visit, "duration: 45", "duration: 50")
    third = generate(visit, out)
    for name in calendars:
        was, now = events(second[name])[MUSEUM], events(third[name])[MUSEUM]
        del was["DTSTAMP"], now["DTSTAMP"]
        assert now.to_ical() == was.to_ical(), name


def test_check_warns_of_the_press_invited_to_an_unpublished_venue(
    visit: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(visit)]) == 0
    assert "press may not know of" not in capsys.readouterr().out
    edit(
        visit,
        '    venue: hotel\n    pinned: "2023-06-12 15:30"',
        '    venue: residence\n    pinned: "2023-06-12 15:30"',
    )
    assert main(["check", str(visit)]) == 0  # a warning: the file is valid
    out = capsys.readouterr()
    text = out.out + out.err
    assert re.search(
        r"visit\.yaml:\d+:\d+: items\[reception\]\.venue: warning: 'Reception for the French "
        r"community' is open to the press \(pool\) at Villa Borsig, which the press may not "
        r"know of \(venue tier restricted\)",
        text,
    ), text


def test_a_persons_own_entry_reaches_only_their_calendar_and_never_lowers_a_sequence(
    visit: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = generate(visit, out)
    edit(
        visit,
        "spouse_of: president, clearance: delegation}",
        "spouse_of: president, clearance: delegation, reminders: [15]}",
    )
    second = generate(visit, out)
    # every event of his calendar now has an alarm: each SEQUENCE rises
    was, now = events(first["people/spouse.ics"]), events(second["people/spouse.ics"])
    assert was.keys() == now.keys()
    for title, event in now.items():
        assert event["SEQUENCE"] == was[title]["SEQUENCE"] + 1, title
        assert len(event.walk("VALARM")) == 1
    # his files change, and the protocol office's (which shows every version); no other
    assert {name for name in first if first[name] != second[name]} == {
        "people/spouse.ics",
        "people/spouse.md",  # his plan version
        "people/spouse.changes.md",
        "calendars/full.ics",
        "changes/full.md",
        "plan.json",
    }
    # the aide's clearance goes down from press to public: his calendar moves to another
    # stream, and no SEQUENCE of his goes down
    edit(visit, "precedence: 8, clearance: press}", "precedence: 8, clearance: public}")
    third = generate(visit, out)
    was, now = events(second["people/aide.ics"]), events(third["people/aide.ics"])
    for title, event in now.items():
        assert event["SEQUENCE"] >= was[title]["SEQUENCE"], title


def test_a_plan_file_of_schema_version_1_is_read_and_upgraded(visit: Path, tmp_path: Path) -> None:
    """A plan written before readers were kept: no records per stream, no readers, no
    'seen_by'. It is read as it is; the next change keeps every revision that did not
    change (SEQUENCE as before) and records the readers from then on."""
    from ruamel.yaml import YAML

    out = tmp_path / "out"
    generate(visit, out)
    plan_file = plan_path(visit)
    yaml = YAML(typ="safe")
    data = yaml.load(plan_file.read_text(encoding="utf-8"))
    data["schema_version"] = 1
    data["fingerprint"] = "sha256:0123456789abcdef0123456789abcdef"  # an older model's
    data.pop("readers")
    for entry in data["history"]:
        entry.pop("seen_by")
    for item in data["items"]:
        item.pop("about"), item.pop("seen")
    with plan_file.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    old = read_plan(plan_file)
    assert old.schema_version == 1 and old.reader_version("public") == (1, old.history[0].at)
    before = {i.id: i.revision for i in old.items}
    files = generate(visit, out)  # re-solved: the fingerprint is not this visit's
    new = read_plan(plan_file)
    assert new.schema_version == 2 and new.version == 2
    assert {i.id: i.revision for i in new.items} == before
    for item in new.items:
        assert {s for e in item.seen for s in e.streams} and all(
            e.revision == before[item.id] for e in item.seen
        )
    assert set(new.history[-1].seen_by or ()) >= {"public", "delegation", "person-spouse"}
    for title, event in events(files["calendars/delegation.ics"]).items():
        assert event["SEQUENCE"] == 0, title


# -- withdrawn from a reader: cancelled in their calendar, never dropped --------------------

RECEPTION = "Reception for the French community"


def test_an_item_withdrawn_from_a_reader_stays_in_their_calendar_cancelled(
    visit: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = generate(visit, out)
    # the minister no longer attends the reception
    edit(
        visit,
        "attendees: [president, spouse, minister, guard]",
        "attendees: [president, spouse, guard]",
    )
    second = generate(visit, out)
    was = events(first["people/minister.ics"])[RECEPTION]
    now = events(second["people/minister.ics"])[RECEPTION]
    assert str(now["UID"]) == str(was["UID"]) and str(now["STATUS"]) == "CANCELLED"
    assert str(now["SUMMARY"]) == f"No longer in this programme: {RECEPTION}"
    assert now["SEQUENCE"] == was["SEQUENCE"] + 1
    assert now.decoded("DTSTART") == was.decoded("DTSTART")
    assert "VALARM" not in now.to_ical().decode()
    assert f"- You no longer attend {RECEPTION}\n" in second["people/minister.changes.md"].decode()
    assert RECEPTION not in second["people/minister.md"].decode()  # her itinerary: not hers
    # a later run keeps it so
    edit(visit, "duration: 40", "duration: 45")
    third = generate(visit, out)
    kept = events(third["people/minister.ics"])[RECEPTION]
    assert (kept["SEQUENCE"], kept.decoded("LAST-MODIFIED")) == (
        now["SEQUENCE"],
        now.decoded("LAST-MODIFIED"),
    )
    # she attends again: live again, above the SEQUENCE of its withdrawal
    edit(
        visit,
        "attendees: [president, spouse, guard]",
        "attendees: [president, spouse, minister, guard]",
    )
    fourth = generate(visit, out)
    back = events(fourth["people/minister.ics"])[RECEPTION]
    assert str(back["STATUS"]) == "CONFIRMED" and str(back["SUMMARY"]) == RECEPTION
    assert back["SEQUENCE"] > now["SEQUENCE"]


def test_an_item_raised_above_a_readers_tier_is_withdrawn_as_they_knew_it(
    visit: Path, tmp_path: Path
) -> None:
    """The ministers' meeting becomes restricted, is renamed and moves, all at once: the
    delegation's calendar withdraws it under its old title at its old time, and nothing
    new of it reaches the delegation."""
    out = tmp_path / "out"
    first = generate(visit, out)
    edit(
        visit,
        "    title: Working meeting of the Ministers of Health\n",
        "    title: Confidential talks on vaccine supply\n",
    )
    edit(
        visit,
        'pinned: "2023-06-12 11:00"\n    tier: delegation',
        'pinned: "2023-06-12 10:45"\n    tier: restricted',
    )
    second = generate(visit, out)
    meeting = "Working meeting of the Ministers of Health"
    was = events(first["calendars/delegation.ics"])[meeting]
    now = events(second["calendars/delegation.ics"])[meeting]
    assert str(now["STATUS"]) == "CANCELLED" and now["SEQUENCE"] == was["SEQUENCE"] + 1
    assert now.decoded("DTSTART") == was.decoded("DTSTART")  # 11:00, as they knew it
    delegation = b"".join(second[name] for name in DELEGATION_FILES).decode()
    assert "vaccine" not in delegation and "10:45" not in delegation.replace("\r\n ", "")
    assert f"- {meeting} is no longer in the programme" in second["changes/delegation.md"].decode()
    assert "Confidential talks on vaccine supply" in second["calendars/full.ics"].decode()


def test_an_item_left_out_after_it_was_published_is_withdrawn_everywhere(
    visit: Path, tmp_path: Path
) -> None:
    from planner.export import ical
    from planner.export.tiers import PUBLIC
    from planner.plan import SolveInfo, Status, merge

    assert main(["solve", str(visit)]) == 0
    loaded, plan = load_visit(visit), read_plan(plan_path(visit))
    # an optional item the solver leaves out on a later solve has no time any more
    dropped = [
        p.model_copy(update={"status": Status.DROPPED, "start": None, "end": None})
        if p.id == "reception"
        else p
        for p in plan.items
    ]
    later = merge(plan, loaded.visit, dropped, SolveInfo(status="optimal"), "solve")
    for audience in (PUBLIC, DELEGATION_AUDIENCE, FULL):
        was = events(ical.calendar(loaded.visit, plan, audience))[RECEPTION]
        now = events(ical.calendar(loaded.visit, later, audience))[RECEPTION]
        assert str(now["STATUS"]) == "CANCELLED", audience.key
        assert now["SEQUENCE"] == was["SEQUENCE"] + 1 and now.decoded("DTSTART") == was.decoded(
            "DTSTART"
        )
