"""iCalendar files (RFC 5545): one calendar per audience, for import and subscription.

Every event is built from the audience's views (planner.export.tiers) and nothing else, so
an item above the audience's tier leaves no trace. The files follow the project's rules
(shared research, ical.md §1): METHOD:PUBLISH with one organizer and no ATTENDEE, UIDs
stable across exports, SEQUENCE/LAST-MODIFIED from the plan's revisions, cancelled items
kept with STATUS:CANCELLED (and so are items withdrawn from the audience, as it knew
them), every timed value with the IANA TZID of its venue and one VTIMEZONE per TZID that
agrees with tzdata around the events. SEQUENCE, LAST-MODIFIED and DTSTAMP are the
audience's own (planner.disclosure): a change the audience cannot see leaves its calendar
byte for byte as it was.

The content lines are written here rather than by the icalendar library, so that escaping,
folding (75 octets, never inside a UTF-8 character), CRLF and the order of everything are
under our control and the same plan always gives the same bytes.
"""

from __future__ import annotations

import calendar as _calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import pendulum

from planner.disclosure import cleaner, withdrawn_views
from planner.export.programme import (
    TENTATIVE,
    end_clause,
    moment_texts,
    movement_text,
    start_clocks,
)
from planner.export.tiers import Audience, Index, ItemView, views
from planner.model.clock import length_text, tz
from planner.model.publication import Tier
from planner.model.visit import Visit
from planner.plan import Plan

PRODID = "-//planner//State-visit itinerary planner 0.1//EN"
REFRESH = "PT1H"
MAX_OCTETS = 75

# -- content lines ----------------------------------------------------------------------


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped;
    any CR/LF (alone or paired) becomes one escaped newline, other control characters
    (which TEXT may not hold) are dropped. The result can never end a content line."""
    return value.replace("\r\n", "\n").replace("\r", "\n").translate(_TEXT)


def _is_control(ch: str) -> bool:
    code = ord(ch)
    return code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0 or ch in "\u2028\u2029"


# escape_text as one table: the escapes, and the control characters dropped (a tab stays)
_TEXT: dict[int, str | None] = dict.fromkeys(
    (*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029)
)
_TEXT.update({ord("\\"): "\\\\", ord(";"): "\\;", ord(","): "\\,", ord("\n"): "\\n"})
del _TEXT[ord("\t")]


def param_value(value: str) -> str:
    """A parameter value: quoted when it holds ',', ';' or ':'; DQUOTE and control
    characters, which a parameter value cannot carry, are dropped."""
    cleaned = "".join(c for c in value if c != '"' and not _is_control(c))
    return f'"{cleaned}"' if any(c in cleaned for c in ",;:") else cleaned


@lru_cache(maxsize=1 << 16)
def fold(line: str) -> bytes:
    """One content line as bytes: at most 75 octets per physical line, continued with
    CRLF and a space, split only between characters (and never inside an escape
    sequence), ending in CRLF. Remembered: the lines of one event recur in the calendar
    of each of its readers."""
    data = line.encode("utf-8")
    if len(data) <= MAX_OCTETS:  # most lines: as they are
        return data + b"\r\n"
    if len(data) == len(line):  # ASCII: cut by slices
        return _fold_ascii(line)
    physical: list[str] = []
    current: list[str] = []
    size = 0
    for unit in _UNITS.findall(line):
        octets = len(unit) if unit.isascii() else len(unit.encode("utf-8"))
        if size + octets > MAX_OCTETS:
            physical.append("".join(current))
            current, size = [" "], 1
        current.append(unit)
        size += octets
    physical.append("".join(current))
    return "\r\n".join(physical).encode("utf-8") + b"\r\n"


_UNITS = re.compile(r"\\.|.", re.DOTALL)  # an escape sequence, or one character


def _fold_ascii(line: str) -> bytes:
    physical: list[str] = []
    begin, room = 0, MAX_OCTETS
    while len(line) - begin > room:
        end = begin + room
        if line[end - 1] == "\\":
            run = end - 1  # where this run of backslashes starts: they pair from the left
            while run > begin and line[run - 1] == "\\":
                run -= 1
            if (end - 1 - run) % 2 == 0:
                end -= 1  # the last one begins an escape: keep the pair together
        physical.append(line[begin:end])
        begin, room = end, MAX_OCTETS - 1  # a continuation line starts with a space
    physical.append(line[begin:])
    return ("\r\n ".join(physical) + "\r\n").encode("ascii")


@dataclass
class Writer:
    """Collects content lines."""

    lines: list[str]

    def prop(self, name: str, value: str, **params: str) -> None:
        head = name + "".join(f";{k.replace('_', '-').upper()}={v}" for k, v in params.items())
        self.lines.append(f"{head}:{value}")

    def text(self, name: str, value: str) -> None:
        self.prop(name, escape_text(value))

    def to_bytes(self) -> bytes:
        return b"".join(fold(line) for line in self.lines)


def text_list(values: Iterable[str]) -> str:
    """A multi-valued TEXT property (CATEGORIES): each value escaped, bare commas between."""
    return ",".join(escape_text(v) for v in values)


# -- times ------------------------------------------------------------------------------


def utc_stamp(instant: datetime) -> str:
    """A UTC DATE-TIME ('20230530T063000Z'); a naive value is taken as UTC."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(instant: datetime, zone: str) -> datetime | None:
    """The wall time of ``instant`` in ``zone``, or None where that wall time occurs twice
    (the hour repeated when clocks go back). RFC 5545 reads such a value as the first
    occurrence, but readers differ (khal 0.14 takes the second), so it is written in UTC,
    which every reader takes the same way."""
    info = ZoneInfo(zone)
    wall = instant.astimezone(info).replace(tzinfo=None)
    first = wall.replace(tzinfo=info, fold=0)
    second = wall.replace(tzinfo=info, fold=1)
    if first.utcoffset() != second.utcoffset():
        return None
    if first.astimezone(UTC) != instant.astimezone(UTC):
        return None  # cannot happen for a wall time read back from the instant
    return wall


def _datetime_prop(w: Writer, name: str, instant: datetime, zone: str, zones: set[str]) -> None:
    wall = _local(instant, zone)
    if wall is None:
        w.prop(name, utc_stamp(instant))
    else:
        zones.add(zone)
        w.prop(name, wall.strftime("%Y%m%dT%H%M%S"), TZID=param_value(zone))


# -- time zones -------------------------------------------------------------------------


@dataclass(frozen=True)
class _State:
    offset: timedelta
    dst: timedelta
    name: str


@dataclass(frozen=True)
class _Transition:
    at: datetime  # UTC
    before: _State
    after: _State

    @property
    def local(self) -> datetime:
        """The onset as RFC 5545 writes it: wall time in the offset before the change."""
        return (self.at + self.before.offset).replace(tzinfo=None)

    @property
    def daylight(self) -> bool:
        return bool(self.after.dst)


def _state(info: ZoneInfo, instant: datetime) -> _State:
    local = instant.astimezone(info)
    return _State(
        local.utcoffset() or timedelta(0), local.dst() or timedelta(0), local.tzname() or ""
    )


def transitions(zone: str, start: datetime, end: datetime) -> list[_Transition]:
    """tzdata's changes of offset (or of DST flag or abbreviation) in [start, end), to the
    second, found by a daily scan and a bisection within the day."""
    info = ZoneInfo(zone)
    found: list[_Transition] = []
    step = timedelta(hours=12)
    t = start
    before = _state(info, t)
    while t < end:
        nxt = min(t + step, end)
        after = _state(info, nxt)
        if after != before:
            lo, hi = t, nxt
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(microsecond=0)
                if mid <= lo:
                    break
                if _state(info, mid) == before:
                    lo = mid
                else:
                    hi = mid
            found.append(_Transition(hi, before, _state(info, hi)))
            before = _state(info, hi)
            t = hi
            continue
        t = nxt
    return found


def _offset(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else "+"
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def yearly_rule(changes: Sequence[_Transition], years: range) -> str | None:
    """An RRULE that reproduces ``changes`` (one of the same kind per year of ``years``):
    same month, weekday, wall time and offsets every year, on the n-th or last such
    weekday of the month, or the one within a fixed 7-day span of month days."""
    if len(changes) != len(years) or [c.local.year for c in changes] != list(years):
        return None
    first = changes[0]
    for c in changes:
        if (
            c.before != first.before
            or c.after != first.after
            or c.local.month != first.local.month
            or c.local.weekday() != first.local.weekday()
            or c.local.time() != first.local.time()
        ):
            return None
    month, weekday = first.local.month, _WEEKDAYS[first.local.weekday()]
    days = [c.local.day for c in changes]
    head = f"FREQ=YEARLY;BYMONTH={month}"
    for n in range(4):
        if all(7 * n < d <= 7 * n + 7 for d in days):
            return f"{head};BYDAY={n + 1}{weekday}"
    if all(
        d > _calendar.monthrange(c.local.year, month)[1] - 7
        for d, c in zip(days, changes, strict=True)
    ):
        return f"{head};BYDAY=-1{weekday}"
    low = max(days) - 6
    shortest = min(_calendar.monthrange(c.local.year, month)[1] for c in changes)
    if low >= 1 and min(days) >= low and low + 6 <= shortest:
        span = ",".join(str(d) for d in range(low, low + 7))
        return f"{head};BYMONTHDAY={span};BYDAY={weekday}"
    return None


def _observance(
    w: Writer, kind: str, onset: datetime, before: _State, after: _State, rule: str | None
) -> None:
    w.prop("BEGIN", kind)
    w.prop("TZOFFSETFROM", _offset(before.offset))
    w.prop("TZOFFSETTO", _offset(after.offset))
    if after.name:
        w.text("TZNAME", after.name)
    w.prop("DTSTART", onset.strftime("%Y%m%dT%H%M%S"))
    if rule:
        w.prop("RRULE", rule)
    w.prop("END", kind)


def vtimezone(w: Writer, zone: str, years: Iterable[int]) -> None:
    """A VTIMEZONE for ``zone`` that agrees with tzdata from the year before the first of
    ``years`` to the year after the last (yearly rules are checked a year earlier still):
    one STANDARD observance where the offset never changes then; else a STANDARD and a
    DAYLIGHT observance with yearly RRULEs when such rules reproduce every change of those
    years; else one observance per change. Worked out once per zone and years (an export
    writes hundreds of calendars in the same few zones)."""
    w.lines.extend(_vtimezone_lines(zone, tuple(sorted(set(years)))))


@lru_cache(maxsize=256)
def _vtimezone_lines(zone: str, span: tuple[int, ...]) -> tuple[str, ...]:
    w = Writer([])
    # rules checked from two years before: the first onsets then lie before the year
    # ahead of the visit, which is therefore covered from 1 January (southern zones too)
    window = range(span[0] - 2, span[-1] + 2)
    start = datetime(window.start, 1, 1, tzinfo=UTC) - timedelta(days=1)
    end = datetime(window.stop, 1, 1, tzinfo=UTC) + timedelta(days=1)
    info = ZoneInfo(zone)
    changes = [c for c in transitions(zone, start, end) if c.local.year in window]
    w.prop("BEGIN", "VTIMEZONE")
    w.prop("TZID", zone)
    if not changes:
        state = _state(info, start)
        kind = "DAYLIGHT" if state.dst else "STANDARD"
        _observance(w, kind, datetime(1970, 1, 1), state, state, None)
        w.prop("END", "VTIMEZONE")
        return tuple(w.lines)
    daylight = [c for c in changes if c.daylight]
    standard = [c for c in changes if not c.daylight]
    rules = (yearly_rule(standard, window), yearly_rule(daylight, window))
    if rules[0] and rules[1]:
        for kind, group, rule in (
            ("STANDARD", standard, rules[0]),
            ("DAYLIGHT", daylight, rules[1]),
        ):
            _observance(w, kind, group[0].local, group[0].before, group[0].after, rule)
    else:
        initial = _state(info, datetime(window.start, 1, 1, tzinfo=UTC))
        onset = (datetime(window.start, 1, 1, tzinfo=UTC) + initial.offset).replace(tzinfo=None)
        first = [c for c in changes if c.local > onset]
        kind = "DAYLIGHT" if initial.dst else "STANDARD"
        _observance(w, kind, onset, initial, initial, None)
        for c in first:
            _observance(
                w, "DAYLIGHT" if c.daylight else "STANDARD", c.local, c.before, c.after, None
            )
    w.prop("END", "VTIMEZONE")
    return tuple(w.lines)


# -- events ---------------------------------------------------------------------------

_CLASS = {
    Tier.PUBLIC: "PUBLIC",
    Tier.PRESS: "PUBLIC",
    Tier.DELEGATION: "PRIVATE",
    Tier.RESTRICTED: "CONFIDENTIAL",
    Tier.OFF_RECORD: "CONFIDENTIAL",  # (in the office's off-record copy only)
}


def _label(visit: Visit, audience: Audience) -> str:
    if audience.person is not None:
        person = visit.person.get(audience.person)
        return person.name if person else audience.person
    return {"public": "public programme", "delegation": "delegation", "full": "full programme"}.get(
        audience.key, audience.key
    )


def _times(visit: Visit, view: ItemView) -> list[str]:
    """The time in words: local and home clock, and the end (or landing)."""
    if view.start is None or view.end is None:
        if view.coarse:
            return [f"Time: {view.coarse} (the exact time is not published)"]
        return ["Time: not fixed"]
    return [_time_words(visit, view.start, view.end, view.zone, view.end_zone, view.mode)]


def _time_words(
    visit: Visit,
    start: pendulum.DateTime,
    end: pendulum.DateTime,
    zone: str,
    end_zone: str,
    mode: str | None = None,
) -> str:
    """The 'Time:' line of an event, the same for every reader of it; remembered (its
    words depend on the visit only through the names of its clocks)."""
    clocks_named = tuple((c.timezone, c.name) for c in visit.cities)
    key = (clocks_named, visit.guest_home_timezone, start, end, zone, end_zone, mode)
    found = _TIMES_SAID.get(key)
    if found is None:
        if len(_TIMES_SAID) > 1 << 15:
            _TIMES_SAID.clear()
        clocks = start_clocks(visit, start, zone, visit.guest_home_timezone)
        ends = end_clause(visit, start, end, zone, end_zone, mode)
        found = _TIMES_SAID[key] = f"Time: {clocks}, {ends}" if ends else f"Time: {clocks}"
    return found


_TIMES_SAID: dict[tuple[object, ...], str] = {}


WITHDRAWN = "No longer in this programme"


def description(visit: Visit, view: ItemView, audience: Audience) -> str:
    lines: list[str] = []
    if view.withdrawn:
        return "\n".join([f"{WITHDRAWN}.", *_times(visit, view)])
    if view.cancelled:
        lines.append(f"CANCELLED: {view.reason}." if view.reason else "CANCELLED.")
    elif view.tentative:
        lines.append("TENTATIVE: not yet confirmed.")
    lines.extend(_times(visit, view))
    lines.extend(f"Milestone: {moment}" for moment in moment_texts(view))
    place = view.venue + (f" ({view.venue_local})" if view.venue_local else "")
    lines.append("Venue: " + ", ".join(part for part in (place, view.address) if part))
    if view.venue_notes:
        lines.append(f"At the venue: {view.venue_notes}")
    if view.journeys:  # a reader's own: where they leave from before it, and when
        lines.append(view.journeys)
    if view.arrival:  # the departure is the LOCATION; where it arrives, and by what, here
        lines.append(f"To: {view.arrival}")
        lines.append(f"Route: {movement_text(view)}")
    if view.attendees or view.guests:
        lines.append("With: " + ", ".join((*view.attendees, *view.guests)))
    if view.hosted_by:
        lines.append("Hosted by: " + ", ".join(view.hosted_by))
    if view.tier is Tier.OFF_RECORD:  # (the office's off-record copy only)
        lines.append("Off the record: in no other programme or calendar.")
    if view.dress:
        lines.append(f"Dress code: {view.dress}")
    if view.press is not None:
        lines.append(f"Press: {view.press.value}")
    # Travel legs stay in the printed programme: they depend on the neighbouring items, and
    # an event's text must only change when its SEQUENCE rises.
    if view.notes:
        lines.append(f"Notes: {view.notes}")
    return "\n".join(lines)


def _event(
    w: Writer,
    visit: Visit,
    stamp: datetime,
    audience: Audience,
    view: ItemView,
    reminders: Sequence[int],
    zones: set[str],
) -> None:
    w.prop("BEGIN", "VEVENT")
    w.prop("UID", escape_text(view.uid))
    w.prop("DTSTAMP", utc_stamp(stamp))
    w.prop("CREATED", utc_stamp(view.created))
    w.prop("LAST-MODIFIED", utc_stamp(view.modified))
    w.prop("SEQUENCE", str(view.sequence))
    timed = view.start is not None and view.end is not None
    if view.start is not None and view.end is not None:
        _datetime_prop(w, "DTSTART", view.start, view.zone, zones)
        # a moment (an item of no length) lasts a minute: a DTEND equal to DTSTART is not
        # allowed (RFC 5545 §3.8.2.2), and an event without DTEND, which §3.6.1 ends as it
        # starts, is shown an hour long by khal and refused by the conformance checker
        end = view.end if view.end != view.start else view.start + timedelta(minutes=1)
        _datetime_prop(w, "DTEND", end, view.end_zone, zones)
    else:
        w.prop("DTSTART", view.day.strftime("%Y%m%d"), VALUE="DATE")
        w.prop("DTEND", (view.day + timedelta(days=1)).strftime("%Y%m%d"), VALUE="DATE")
    prefix = f"{WITHDRAWN}: " if view.withdrawn else "Cancelled: " if view.cancelled else ""
    tentative = TENTATIVE if view.tentative and not view.cancelled else ""
    w.text("SUMMARY", prefix + view.title + tentative)
    if view.venue or view.address:
        w.text("LOCATION", ", ".join(part for part in (view.venue, view.address) if part))
    if view.geo is not None:
        w.prop("GEO", f"{view.geo[0]:.6f};{view.geo[1]:.6f}")
    w.text("DESCRIPTION", description(visit, view, audience))
    organizer = visit.organizer
    w.prop(
        "ORGANIZER",
        "mailto:" + "".join(c for c in organizer.email if not _is_control(c)),
        CN=param_value(cleaner(audience.stream)(organizer.name)),
    )
    w.prop("CATEGORIES", text_list([view.kind]))
    w.prop("CLASS", _CLASS[view.tier])
    w.prop(
        "STATUS", "CANCELLED" if view.cancelled else "TENTATIVE" if view.tentative else "CONFIRMED"
    )
    w.prop("TRANSP", "TRANSPARENT" if view.cancelled or not timed else "OPAQUE")
    if timed and not view.cancelled:
        for minutes in reminders:
            w.prop("BEGIN", "VALARM")
            w.prop("ACTION", "DISPLAY")
            w.text(
                "DESCRIPTION", f"{view.title}: in {length_text(minutes)}" if minutes else view.title
            )
            w.prop("TRIGGER", f"-PT{minutes}M" if minutes else "PT0M")
            w.prop("END", "VALARM")
    w.prop("END", "VEVENT")


def _zone_years(items: list[ItemView]) -> dict[str, set[int]]:
    years: dict[str, set[int]] = {}
    for view in items:
        if view.start is None or view.end is None:
            continue
        years.setdefault(view.zone, set()).add(view.start.in_timezone(tz(view.zone)).year)
        years.setdefault(view.end_zone, set()).add(view.end.in_timezone(tz(view.end_zone)).year)
    return years


def calendar(visit: Visit, plan: Plan, audience: Audience, index: Index | None = None) -> bytes:
    """The calendar of ``audience``: bytes of an RFC 5545 file, the same for the same
    plan, and the same for a plan that changed only in what the audience cannot see
    (its DTSTAMP is that of the last version the audience saw a change in)."""
    items = views(visit, plan, audience, index)
    # and what was withdrawn from the audience: cancelled, never dropped
    items += withdrawn_views(visit, plan, audience)
    stamp = plan.reader_version(audience.key)[1]
    reminders: tuple[int, ...] = ()
    if audience.person is not None and audience.person in visit.person:
        reminders = tuple(sorted(set(visit.person[audience.person].reminders), reverse=True))
    events = Writer([])
    zones: set[str] = set()
    for view in items:
        _event(events, visit, stamp, audience, view, reminders, zones)

    w = Writer([])
    w.prop("BEGIN", "VCALENDAR")
    w.prop("VERSION", "2.0")
    w.prop("PRODID", escape_text(PRODID))
    w.prop("CALSCALE", "GREGORIAN")
    w.prop("METHOD", "PUBLISH")
    text = cleaner(audience.stream)
    name = f"{text(visit.title)} — {text(_label(visit, audience))}"
    w.text("NAME", name)
    w.text("X-WR-CALNAME", name)
    days = f"{_day(visit.start)} to {_day(visit.end)}"
    about = (
        f"{text(visit.title)}, {days}: {text(_label(visit, audience))}. "
        f"Published by {text(visit.organizer.name)}."
    )
    w.text("DESCRIPTION", about)
    w.text("X-WR-CALDESC", about)
    w.prop("REFRESH-INTERVAL", REFRESH, VALUE="DURATION")
    w.prop("X-PUBLISHED-TTL", REFRESH)
    years = _zone_years(items)
    for zone in sorted(zones):
        vtimezone(w, zone, years.get(zone) or {visit.start.year})
    w.lines.extend(events.lines)
    w.prop("END", "VCALENDAR")
    return w.to_bytes()


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
