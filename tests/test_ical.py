"""The calendars (planner.export.ical): what each audience's .ics says, read back by two
independent parsers (icalendar, and the strict `ical`), and the rules of the project's
iCalendar research (shared/research/ical.md §1): PUBLISH with one organizer, stable UIDs,
SEQUENCE from the plan, cancelled items kept, TZIDs with VTIMEZONEs that agree with
tzdata, all-day events for coarse public times, escaping and folding that no title can
break, and nothing above an audience's tier."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil import tz as dateutil_tz
from hypothesis import given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream

from planner.export import ical
from planner.export.tiers import DELEGATION, FULL, PUBLIC, event_uid, for_person, views
from planner.model import Visit
from planner.plan import Plan, Status, merge
from tests.ical_support import (
    audience_cases,
    audience_of,
    expected,
    physical_lines,
    solved,
    unfolded,
    utc,
)

# -- every calendar of both fixtures, read by two parsers --------------------------------


@pytest.mark.parametrize(("name", "key"), audience_cases())
def test_every_calendar_parses_with_the_plan_s_uids_titles_and_times(name: str, key: str) -> None:
    visit, plan = solved(name)
    audience = audience_of(visit, key)
    data = ical.calendar(visit, plan, audience)
    want = expected(visit, plan, audience)

    cal = icalendar.Calendar.from_ical(data)
    assert not cal.errors
    events = list(cal.walk("VEVENT"))
    assert all(not e.errors for e in events)
    seen = {}
    for event in events:
        seen[str(event["UID"])] = (
            str(event["SUMMARY"]),
            event.decoded("DTSTART"),
            event.decoded("DTEND"),
        )
    assert seen.keys() == want.keys()
    for uid, (summary, start, end) in seen.items():
        if isinstance(start, datetime):
            assert start.tzinfo is not None and end.tzinfo is not None
        assert (summary, utc(start), utc(end)) == (
            want[uid].summary,
            want[uid].start,
            want[uid].end,
        )

    strict = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    assert {e.uid for e in strict.events} == want.keys()
    for event in strict.events:
        w = want[event.uid]
        assert event.summary == w.summary
        assert (utc(event.dtstart), utc(event.dtend)) == (w.start, w.end)


def _event(data: bytes, title: str) -> icalendar.Event:
    cal = icalendar.Calendar.from_ical(data)
    return next(e for e in cal.walk("VEVENT") if str(e["SUMMARY"]).endswith(title))


def test_reference_times_are_baku_local_and_right_in_jerusalem() -> None:
    visit, plan = solved("reference")
    data = ical.calendar(visit, plan, DELEGATION)
    welcome = _event(data, "Official welcome ceremony")
    start = welcome.decoded("DTSTART")
    planned = plan.item("official-welcome")
    assert planned is not None and planned.start is not None
    assert start.tzinfo is not None
    assert start.replace(tzinfo=None) == planned.start.local
    assert start.utcoffset() == timedelta(hours=4)
    assert start.astimezone(ZoneInfo("Asia/Jerusalem")).hour == planned.start.local.hour - 1
    text = data.decode()
    assert f"DTSTART;TZID=Asia/Baku:{planned.start.local:%Y%m%dT%H%M%S}" in text
    assert "X-WR-TIMEZONE" not in text
    # the home clock in the description: '10:35 Baku · 09:35 Jerusalem'
    clock = f"{planned.start.local:%H:%M}"
    home = f"{planned.start.local - timedelta(hours=1):%H:%M}"
    assert f"{clock} Baku · {home} Jerusalem" in str(welcome["DESCRIPTION"])


def test_spain_flight_ends_in_the_arrival_zone_and_the_repeated_hour_is_exact() -> None:
    visit, plan = solved("spain")
    data = ical.calendar(visit, plan, FULL)
    lines = unfolded(data)
    flight = plan.item("flight-to-las-palmas")
    assert flight is not None and flight.end is not None
    assert f"DTEND;TZID=Atlantic/Canary:{flight.end.local:%Y%m%dT%H%M%S}" in lines
    # 02:30+02:00 on 27 Oct 2024 happens twice in Madrid: written in UTC, so that no
    # reader can take the second 02:30 (khal 0.14 does, for a TZID value)
    convoy = _event(data, "cargo aircraft")
    assert convoy.decoded("DTSTART") == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)
    assert convoy.decoded("DTEND") == datetime(2024, 10, 27, 1, 15, tzinfo=UTC)
    assert "DTSTART:20241027T003000Z" in lines
    # after the change, Madrid wall times are again written with their TZID
    farewell = plan.item("farewell-madrid")
    assert farewell is not None and farewell.start is not None
    assert f"DTSTART;TZID=Europe/Madrid:{farewell.start.local:%Y%m%dT%H%M%S}" in lines
    # never a TZID on a UTC value, never a floating one
    for line in lines:
        if line.startswith(("DTSTART", "DTEND")):
            assert not ("TZID=" in line and line.endswith("Z"))
            assert (
                "TZID=" in line
                or "VALUE=DATE" in line
                or line.endswith("Z")
                or (line.startswith("DTSTART:") and _in_vtimezone(lines, line))
            )


def _in_vtimezone(lines: list[str], line: str) -> bool:
    index = lines.index(line)
    opened = max(i for i, x in enumerate(lines[:index]) if x.startswith("BEGIN:"))
    return lines[opened] in ("BEGIN:STANDARD", "BEGIN:DAYLIGHT")


# -- VTIMEZONE -------------------------------------------------------------------------


def _vtimezones(data: bytes) -> dict[str, str]:
    text = data.decode()
    return {
        m.group(1): m.group(0)
        for m in re.finditer(
            r"BEGIN:VTIMEZONE\r\nTZID:([^\r]+)\r\n.*?END:VTIMEZONE\r\n", text, re.S
        )
    }


def _assert_agrees(block: str, zone: str, instants: list[datetime]) -> None:
    """dateutil's reading of the VTIMEZONE gives tzdata's offset at each instant, an hour
    and a day around it."""
    import io

    rules = dateutil_tz.tzical(io.StringIO("BEGIN:VCALENDAR\r\n" + block + "END:VCALENDAR\r\n"))
    theirs = rules.get(zone)
    ours = ZoneInfo(zone)
    for instant in instants:
        for delta in (timedelta(0), timedelta(hours=-1), timedelta(hours=1), timedelta(days=1)):
            moment = datetime.fromtimestamp(instant.timestamp(), UTC) + delta
            want = moment.astimezone(ours).utcoffset()
            # dateutil's tzical works on wall times: compare at the unambiguous wall time
            wall = moment.astimezone(ours).replace(tzinfo=None)
            if (
                wall.replace(tzinfo=ours, fold=0).utcoffset()
                != wall.replace(tzinfo=ours, fold=1).utcoffset()
            ):
                continue
            assert wall.replace(tzinfo=theirs).utcoffset() == want, (zone, moment)


def _event_instants(visit: Visit, plan: Plan) -> list[datetime]:
    result: list[datetime] = []
    for view in views(visit, plan, FULL):
        if view.start is not None and view.end is not None:
            result += [view.start, view.end]
    return result


def test_one_vtimezone_per_tzid_agreeing_with_tzdata() -> None:
    for name in ("reference", "spain"):
        visit, plan = solved(name)
        data = ical.calendar(visit, plan, FULL)
        zones = _vtimezones(data)
        used = set(re.findall(r"TZID=([^:;]+)", data.decode()))
        assert set(zones) == used
        assert data.decode().count("BEGIN:VTIMEZONE") == len(zones)
        for zone, block in zones.items():
            _assert_agrees(block, zone, _event_instants(visit, plan))
    visit, plan = solved("reference")
    baku = _vtimezones(ical.calendar(visit, plan, FULL))["Asia/Baku"]
    assert baku.count("BEGIN:STANDARD") == 1 and "DAYLIGHT" not in baku
    assert "TZOFFSETTO:+0400" in baku and "RRULE" not in baku and "RDATE" not in baku
    visit, plan = solved("spain")
    madrid = _vtimezones(ical.calendar(visit, plan, FULL))["Europe/Madrid"]
    assert "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU" in madrid
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU" in madrid
    assert "RDATE" not in madrid


def _block(zone: str, years: set[int]) -> str:
    w = ical.Writer([])
    ical.vtimezone(w, zone, years)
    return w.to_bytes().decode()


def _every_day(year_from: int, year_to: int) -> list[datetime]:
    start = datetime(year_from, 1, 1, 12, tzinfo=UTC)
    return [start + timedelta(days=n) for n in range((year_to - year_from + 1) * 366)]


@pytest.mark.parametrize(
    ("zone", "years", "shape"),
    [
        (
            "Asia/Jerusalem",
            {2023, 2024},
            "BYMONTHDAY=23,24,25,26,27,28,29;BYDAY=FR",
        ),  # Friday before
        ("America/New_York", {2024}, "BYMONTH=3;BYDAY=2SU"),
        ("Australia/Sydney", {2025}, "BYMONTH=4;BYDAY=1SU"),
        ("America/Mexico_City", {2022}, None),  # DST abolished in Oct 2022: no yearly rule
        ("Asia/Baku", {2016}, None),  # Baku's last DST ended in October 2015
        ("Asia/Baku", {2023}, "single"),
        ("Africa/Casablanca", {2024}, None),  # Ramadan moves every year
    ],
)
def test_vtimezone_reproduces_tzdata_all_around_the_visit(
    zone: str, years: set[int], shape: str | None
) -> None:
    block = _block(zone, years)
    if shape == "single":
        assert block.count("BEGIN:STANDARD") == 1 and "DAYLIGHT" not in block
    elif shape is not None:
        assert shape in block and block.count("RRULE") == 2
    else:
        assert "RRULE" not in block and "RDATE" not in block
        assert block.count("BEGIN:STANDARD") + block.count("BEGIN:DAYLIGHT") > 2
    _assert_agrees(block, zone, _every_day(min(years) - 1, max(years) + 1))
    # and exactly at each of tzdata's changes
    changes = ical.transitions(
        zone,
        datetime(min(years) - 1, 1, 2, tzinfo=UTC),
        datetime(max(years) + 1, 12, 30, tzinfo=UTC),
    )
    _assert_agrees(block, zone, [c.at for c in changes])


# -- coarse public times -------------------------------------------------------------


def test_coarse_public_time_is_an_all_day_event_with_the_time_in_words() -> None:
    visit, plan = solved("reference")
    data = ical.calendar(visit, plan, PUBLIC)
    arrival = _event(data, "Arrival at Heydar Aliyev International Airport")
    uid = event_uid(visit.id, "arrival", "public")
    assert str(arrival["UID"]) == uid
    lines = unfolded(data)
    i = lines.index(f"UID:{uid}")
    block = lines[i : lines.index("END:VEVENT", i)]
    assert "DTSTART;VALUE=DATE:20230530" in block
    assert "DTEND;VALUE=DATE:20230531" in block
    assert "morning of 30 May" in str(arrival["DESCRIPTION"])
    for line in lines:
        if "VALUE=DATE" in line:
            assert "TZID" not in line
    # the exact time appears nowhere in the public file
    planned = plan.item("arrival")
    assert planned is not None and planned.start is not None
    assert f"{planned.start.local:%Y%m%dT%H%M}" not in data.decode()
    assert f"{planned.start.local:%H:%M}" not in data.decode().replace("\r\n ", "")


# -- the calendar and its events -----------------------------------------------------


def test_publish_calendar_properties_and_one_organizer() -> None:
    visit, plan = solved("reference")
    herzog = visit.person["herzog"]
    for audience, label in ((DELEGATION, "delegation"), (for_person(herzog), herzog.name)):
        data = ical.calendar(visit, plan, audience)
        lines = unfolded(data)
        head = lines[: lines.index("BEGIN:VTIMEZONE")]
        assert head[:5] == [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            f"PRODID:{ical.PRODID}",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
        ]
        name = ical.escape_text(f"{visit.title} — {label}")
        assert f"NAME:{name}" in head and f"X-WR-CALNAME:{name}" in head
        assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in head
        assert "X-PUBLISHED-TTL:PT1H" in head
        assert not any(line.startswith("ATTENDEE") for line in lines)
        organizers = {line for line in lines if line.startswith("ORGANIZER")}
        assert organizers == {
            f'ORGANIZER;CN="{visit.organizer.name}":mailto:{visit.organizer.email}'
            if any(c in visit.organizer.name for c in ",;:")
            else f"ORGANIZER;CN={visit.organizer.name}:mailto:{visit.organizer.email}"
        }
        assert sum(line.startswith("ORGANIZER") for line in lines) == lines.count("BEGIN:VEVENT")
        assert lines.count("BEGIN:VCALENDAR") == 1 and lines[-1] == "END:VCALENDAR"


def test_event_fields_description_class_and_alarms() -> None:
    visit, plan = solved("reference")
    herzog = visit.person["herzog"]
    full = ical.calendar(visit, plan, FULL)
    lunch = _event(full, "Festive lunch hosted by President Aliyev and Mehriban Aliyeva")
    view = next(v for v in views(visit, plan, FULL) if v.item_id == "festive-lunch")
    assert str(lunch["CLASS"]) == "PRIVATE"  # a delegation-tier item
    assert str(lunch["STATUS"]) == "CONFIRMED" and str(lunch["TRANSP"]) == "OPAQUE"
    assert str(lunch["LOCATION"]) == f"{view.venue}, {view.address}"
    assert view.geo is not None
    assert lunch.decoded("GEO") == pytest.approx(view.geo)
    assert lunch["SEQUENCE"] == view.sequence
    assert lunch.decoded("DTSTAMP") == plan.updated
    assert lunch.decoded("LAST-MODIFIED") == view.modified
    assert lunch.decoded("CREATED") == view.created
    description = str(lunch["DESCRIPTION"])
    assert "With: " + ", ".join(view.attendees) in description  # in precedence order
    assert f"Dress code: {view.dress}" in description
    assert f"Press: {view.press}" in description
    # travel legs depend on the neighbouring items: they stay out of the event's text, which
    # may only change when its SEQUENCE rises
    assert view.legs and "Travel from" not in description
    assert "Jerusalem" in description
    assert [str(c) for c in lunch["CATEGORIES"].cats] == [view.kind]
    # CLASS follows the item's tier
    classes = {
        v.uid: {"public": "PUBLIC", "press": "PUBLIC", "delegation": "PRIVATE"}.get(
            v.tier.value, "CONFIDENTIAL"
        )
        for v in views(visit, plan, FULL)
    }
    for event in icalendar.Calendar.from_ical(full).walk("VEVENT"):
        assert str(event["CLASS"]) == classes[str(event["UID"])]
    # alarms: only in the calendar of a person with reminders, one per reminder
    assert b"BEGIN:VALARM" not in full
    assert b"BEGIN:VALARM" not in ical.calendar(visit, plan, DELEGATION)
    own = icalendar.Calendar.from_ical(ical.calendar(visit, plan, for_person(herzog)))
    for event in own.walk("VEVENT"):
        alarms = event.walk("VALARM")
        assert len(alarms) == len(herzog.reminders)
        for alarm, minutes in zip(alarms, herzog.reminders, strict=True):
            assert str(alarm["ACTION"]) == "DISPLAY" and str(alarm["DESCRIPTION"])
            assert alarm.decoded("TRIGGER") == -timedelta(minutes=minutes)
    # the public calendar carries no travel legs, no notes
    public = ical.calendar(visit, plan, PUBLIC).decode().replace("\r\n ", "")
    assert "Travel from" not in public and "Notes:" not in public


def test_categories_separate_values_with_bare_commas() -> None:
    assert ical.text_list(["state visit", "a,b", "c;d"]) == "state visit,a\\,b,c\\;d"


def _cancel(visit: Visit, plan: Plan, item_id: str) -> tuple[Visit, Plan]:
    """The visit with the item cancelled (as 'planner cancel' does), and the next plan."""
    items = tuple(
        i.model_copy(update={"cancelled": True}) if i.id == item_id else i for i in visit.items
    )
    changed = visit.model_copy(update={"items": items})
    planned = [
        p.model_copy(update={"status": Status.CANCELLED}) if p.id == item_id else p
        for p in plan.items
    ]
    return changed, merge(plan, changed, planned, plan.solve, "cancel")


def test_a_cancelled_item_stays_with_status_cancelled() -> None:
    visit, plan = solved("reference")
    changed, cancelled = _cancel(visit, plan, "health-meeting")
    for audience in (PUBLIC, DELEGATION, FULL):
        before = _event(ical.calendar(visit, plan, audience), "Ministers of Health")
        after = _event(ical.calendar(changed, cancelled, audience), "Ministers of Health")
        assert str(after["UID"]) == str(before["UID"])
        assert str(after["STATUS"]) == "CANCELLED"
        assert str(after["SUMMARY"]) == "Cancelled: " + str(before["SUMMARY"])
        assert after["SEQUENCE"] == before["SEQUENCE"] + 1
        assert after.decoded("DTSTART") == before.decoded("DTSTART")
        assert "VALARM" not in after.to_ical().decode()


def test_the_same_plan_gives_the_same_bytes() -> None:
    for name in ("reference", "spain"):
        visit, plan = solved(name)
        again = Plan.model_validate(plan.model_dump())
        for audience in (PUBLIC, DELEGATION, FULL, for_person(visit.people[0])):
            first = ical.calendar(visit, plan, audience)
            assert first == ical.calendar(visit, plan, audience)
            assert first == ical.calendar(visit, again, audience)


# -- tiers -----------------------------------------------------------------------------


def test_items_above_the_tier_leave_no_trace() -> None:
    hidden_somewhere = {PUBLIC.key: 0, DELEGATION.key: 0}
    for name in ("reference", "spain"):
        visit, plan = solved(name)
        for audience in (PUBLIC, DELEGATION):
            data = ical.calendar(visit, plan, audience).decode().replace("\r\n ", "")
            shown = {v.item_id for v in views(visit, plan, audience)}
            hidden = [i for i in visit.items if i.id not in shown and plan.item(i.id)]
            hidden_somewhere[audience.key] += len(hidden)
            for item in hidden:
                assert ical.escape_text(item.title) not in data
                for scope in ("public", "member"):
                    assert event_uid(visit.id, item.id, scope) not in data
                own_venues = {item.venue, *item.candidate_venues} - {None}
                other_venues = {
                    v
                    for other in visit.items
                    if other.id in shown
                    for v in (other.venue, *other.candidate_venues, other.arrival_venue)
                }
                for venue_id in own_venues - other_venues:
                    assert venue_id is not None
                    assert ical.escape_text(visit.venue[venue_id].name) not in data
        public = icalendar.Calendar.from_ical(ical.calendar(visit, plan, PUBLIC))
        for event in public.walk("VEVENT"):
            uid = str(event["UID"])
            item_id = next(i.id for i in visit.items if event_uid(visit.id, i.id, "public") == uid)
            assert uid != event_uid(visit.id, item_id, "member")
            assert str(event["CLASS"]) == "PUBLIC"
    assert all(hidden_somewhere.values()), "the fixtures have items above both tiers"


# -- escaping, folding, injection --------------------------------------------------------

HOSTILE = [
    "Dinner\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil",
    "Line one\nATTENDEE:mailto:spy@example.org",
    "Lone\rcarriage return, semicolon; backslash\\ and comma,",
    "Şəhidlər Xiyabanı — " * 15,
    "טקס הנחת זר באנדרטה " * 12,
    "Emoji 🇮🇱🇦🇿 👨‍👩‍👧 " * 25,
    "x" * 300,
]


def _hostile_visit(visit: Visit) -> Visit:
    items = tuple(
        i.model_copy(update={"title": HOSTILE[n % len(HOSTILE)], "notes": HOSTILE[(n + 1) % 7]})
        for n, i in enumerate(visit.items)
    )
    people = tuple(
        p.model_copy(update={"name": f"{p.name} {HOSTILE[n % 3]}"})
        for n, p in enumerate(visit.people)
    )
    venues = tuple(
        v.model_copy(update={"name": HOSTILE[(n + 2) % 7], "address": "1, Main St.; \\ ⛪"})
        for n, v in enumerate(visit.venues)
    )
    organizer = visit.organizer.model_copy(update={"name": 'Office "A"; B, C:\r\nX-EVIL:1'})
    return visit.model_copy(
        update={"items": items, "people": people, "venues": venues, "organizer": organizer}
    )


NAME = re.compile(rb"^(?:[A-Z][A-Z0-9-]*)(?:;[A-Z-]+=(?:\"[^\"]*\"|[^;:,\"]*))*:")
KNOWN = {
    b"BEGIN", b"END", b"VERSION", b"PRODID", b"CALSCALE", b"METHOD", b"NAME", b"X-WR-CALNAME",
    b"DESCRIPTION", b"X-WR-CALDESC", b"REFRESH-INTERVAL", b"X-PUBLISHED-TTL", b"TZID",
    b"TZOFFSETFROM", b"TZOFFSETTO", b"TZNAME", b"DTSTART", b"RRULE", b"UID",
    b"DTSTAMP", b"CREATED", b"LAST-MODIFIED", b"SEQUENCE", b"DTEND", b"SUMMARY", b"LOCATION",
    b"GEO", b"ORGANIZER", b"CATEGORIES", b"CLASS", b"STATUS", b"TRANSP", b"ACTION", b"TRIGGER",
}  # fmt: skip


def _check_lines(data: bytes) -> list[bytes]:
    """Every physical line ≤ 75 octets and valid UTF-8 on its own; every logical line a
    known property. Returns the logical lines."""
    logical: list[bytes] = []
    for line in physical_lines(data):
        assert len(line) <= 75
        line.decode("utf-8")  # raises if a fold split a character
        assert b"\r" not in line and b"\n" not in line
        if line.startswith(b" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    for line in logical:
        match = NAME.match(line)
        assert match, line
        assert re.split(rb"[;:]", line, maxsplit=1)[0] in KNOWN, line
    return logical


def test_hostile_text_cannot_add_lines_and_round_trips() -> None:
    visit, plan = solved("reference")
    hostile = _hostile_visit(visit)
    herzog = hostile.person["herzog"]
    for audience in (PUBLIC, FULL, for_person(herzog)):
        data = ical.calendar(hostile, plan, audience)
        logical = _check_lines(data)
        shown = views(hostile, plan, audience)
        assert logical.count(b"BEGIN:VEVENT") == len(shown)
        assert sum(line.startswith(b"UID:") for line in logical) == len(shown)
        assert not any(line.startswith(b"ATTENDEE") for line in logical)
        cal = icalendar.Calendar.from_ical(data)
        strict = IcsCalendarStream.calendar_from_ics(data.decode())
        for view, event, other in zip(cal.walk("VEVENT"), shown, strict.events, strict=True):
            title = event.title.replace("\r\n", "\n").replace("\r", "\n")
            assert str(view["SUMMARY"]) == title
            assert other.summary == title
            place = f"{event.venue}, {event.address}".replace("\r\n", "\n").replace("\r", "\n")
            assert str(view["LOCATION"]) == place
            for name in event.attendees:
                assert name.replace("\r\n", "\n").replace("\r", "\n") in str(view["DESCRIPTION"])
            assert str(view["ORGANIZER"].params["CN"]) == "Office A; B, C:X-EVIL:1"


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_any_text_folds_safely_and_unescapes_to_itself(text: str) -> None:
    w = ical.Writer([])
    w.text("SUMMARY", text)
    data = w.to_bytes()
    for line in physical_lines(data):
        assert len(line) <= 75
        line.decode("utf-8")
    (logical,) = unfolded(data)
    parsed = icalendar.Event.from_ical(b"BEGIN:VEVENT\r\n" + data + b"END:VEVENT\r\n")
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    normal = "".join(c for c in normal if c in "\n\t" or not ical._is_control(c))
    assert str(parsed["SUMMARY"]) == normal
    assert logical.startswith("SUMMARY:")


def test_folding_never_splits_a_character_at_the_boundary() -> None:
    for prefix in range(8):
        text = "a" * prefix + "ש" * 80 + "🇦🇿" * 30
        data = ical.fold(f"SUMMARY:{text}")
        for line in physical_lines(data):
            assert len(line) <= 75
            line.decode("utf-8")
        assert data.replace(b"\r\n ", b"").rstrip(b"\r\n").decode() == f"SUMMARY:{text}"


def test_dates_are_utc_stamps() -> None:
    assert ical.utc_stamp(datetime(2023, 5, 30, 6, 0, tzinfo=UTC)) == "20230530T060000Z"
    assert ical.utc_stamp(datetime(2023, 5, 30, 6, 0)) == "20230530T060000Z"
    assert ical.utc_stamp(datetime(2023, 5, 30, 10, 0, tzinfo=ZoneInfo("Asia/Baku"))) == (
        "20230530T060000Z"
    )
    assert date(2023, 5, 30).strftime("%Y%m%d") == "20230530"
