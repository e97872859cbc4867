"""Printable documents: the day-by-day programme (Markdown and HTML for A4), each person's
own itinerary, and what changed for whom since the previous plan.

Everything here is built from the audience's views (planner.export.tiers.views) and from
nothing else of the items: an item above an audience's tier is simply not in the views, so
it cannot leak into a document. The visit itself supplies only what is not item data: its
title, the names of its clocks and who is principal, spouse, minister or host (the lanes
of the timeline).

Every text that comes from a visit file is escaped: Jinja2 autoescapes the HTML, and
:func:`md` backslash-escapes the characters Markdown would read as markup or raw HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING

import pendulum

from planner.disclosure import (
    cleaner,
    lane_people,
    leg_hosts,
    other_hosts,
    person_shown,
    visit_notes,
)
from planner.export.programme import (
    TENTATIVE,
    end_clause,
    moment_texts,
    movement_text,
    start_clocks,
    with_text,
    zone_name,
)
from planner.export.tiers import FULL, Audience, Index, ItemView, Leg, for_person, views
from planner.model.clock import length_text, tz
from planner.model.people import Person, Side
from planner.model.publication import PressAccess, Tier
from planner.model.visit import Visit
from planner.plan import Plan

if TYPE_CHECKING:
    import jinja2

    from planner.export.changes import Notice

PRESS_WORDS = {
    PressAccess.OPEN: "open to the press",
    PressAccess.POOL: "press pool",
    PressAccess.SPRAY: "photo spray (brief pool)",
    PressAccess.CLOSED: "closed to the press",
}

AUDIENCE_WORDS = {
    "public": "public and press",
    "delegation": "delegation",
    "full": "protocol office (restricted)",
    "off-record": "protocol office, off the record (not for distribution)",
}


# -- the facts of one item, as text --------------------------------------------------------


def clock_text(visit: Visit, view: ItemView, second_zone: str) -> str:
    """The item's start at the venue and on a second clock, or its coarse time as given
    ('morning of 30 May'), or '' when the item has no time."""
    if view.coarse is not None:
        return view.coarse
    if view.start is None:
        return ""
    return start_clocks(visit, view.start, view.zone, second_zone)


def until_text(visit: Visit, view: ItemView) -> str:
    """'until 11:00 (1 h)', or for a flight 'lands 11:50 Las Palmas (2 h 50 min)'."""
    if view.start is None or view.end is None:
        return ""
    return end_clause(visit, view.start, view.end, view.zone, view.end_zone, view.mode)


def venue_text(view: ItemView) -> str:
    text = view.venue
    if view.venue_local and view.venue_local != view.venue:
        text += f" ({view.venue_local})"
    if view.address:
        text += f", {view.address}"
    return text


def leg_text(leg: Leg) -> str:
    """'from Talks: motorcade 25 min (Herzog)'; the day's first journey, from the
    residence, says when to leave: 'leave Grand Hotel 09:25: motorcade 25 min (Herzog)'."""
    if leg.overnight:  # the day starts off the movement the night was spent aboard
        return f"overnight aboard {leg.from_title} ({', '.join(leg.people)})"
    how = f"{leg.mode} {length_text(leg.minutes)}" if leg.minutes is not None else "no road"
    if leg.leave:
        return f"leave {leg.from_title} {leg.leave}: {how} ({', '.join(leg.people)})"
    return f"from {leg.from_title}: {how} ({', '.join(leg.people)})"


def then_text(leg: Leg) -> str:
    """'back to Grand Hotel: motorcade 25 min': the day's last journey, to the residence."""
    how = f"{leg.mode} {length_text(leg.minutes)}" if leg.minutes is not None else "no road"
    return f"back to {leg.from_title}: {how}"


@dataclass(frozen=True)
class Row:
    """One item of a programme, every fact already a plain (unescaped) text."""

    view: ItemView
    time: str
    until: str
    route: str  # a movement's two ends and its service
    title: str
    kind: str
    venue: str
    venue_notes: str
    attendees: str  # the attendees, then the groups ('… and about 300 pupils')
    hosted_by: str  # the host organisations
    dress: str
    press: str
    notes: str
    legs: tuple[str, ...]
    then: tuple[str, ...]  # the journey after it (back to the residence)
    cancelled: bool
    tentative: bool = False
    reason: str = ""  # why it was cancelled (and when), where the file says so
    milestones: tuple[str, ...] = ()  # '11:40 Gift exchange': the moments within it


def _row(visit: Visit, view: ItemView, second_zone: str) -> Row:
    return Row(
        tentative=view.tentative,
        reason=view.reason or "",
        milestones=moment_texts(view),
        view=view,
        time=clock_text(visit, view, second_zone),
        until=until_text(visit, view),
        route=movement_text(view),
        title=view.title,
        kind=view.kind,
        venue=venue_text(view),
        venue_notes=view.venue_notes or "",
        attendees=with_text(view.attendees, view.guests),
        hosted_by=", ".join(view.hosted_by),
        dress=view.dress or "",
        press=PRESS_WORDS[view.press] if view.press else "",
        notes=view.notes or "",
        legs=tuple(leg_text(leg) for leg in view.legs),
        then=tuple(then_text(leg) for leg in view.then),
        cancelled=view.cancelled,
    )


@dataclass
class Day:
    day: date | None  # None: cancelled items that never had a time
    rows: list[Row] = field(default_factory=list)
    leg: str = ""  # on a tour, the leg of the day: 'Japan · official visit'
    notes: list[str] = field(default_factory=list)  # the day's notes the reader may read
    tonight: str = ""  # an itinerary: where its reader spends the night (lodging)

    @property
    def heading(self) -> str:
        if self.day is None:
            return "Cancelled"
        text = f"{self.day:%A} {self.day.day} {self.day:%B %Y}"
        return f"{text} — {self.leg}" if self.leg else text


def _days(visit: Visit, item_views: list[ItemView], second_zone: str, stream: str) -> list[Day]:
    days: dict[date | None, Day] = {}

    def day(key: date | None) -> Day:
        if key not in days:
            days[key] = Day(key)
        return days[key]

    places: dict[date | None, set[str]] = {}  # the cities each day's items are in
    for view in item_views:
        key = None if view.start is None and view.coarse is None else view.day
        day(key).rows.append(_row(visit, view, second_zone))
        for venue in (view.venue_id, view.arrival_id):
            if venue in visit.venue:
                places.setdefault(key, set()).add(visit.venue[venue].city)
    for key, found in days.items():
        # the legs under way whose cities the day's items are in: both on the day that
        # crosses a border ('France · state visit → Serbia · …'); none in a city of no leg
        here = places.get(key, set())
        legs = [leg for leg in visit.legs_on(key) if here & set(leg.cities)] if key else []
        found.leg = cleaner("public")(" → ".join(leg.label for leg in legs))
    for key, notes in visit_notes(visit, stream)[1].items():  # a day's notes, at their tier
        day(key).notes.extend(notes)
    dated = sorted((d for d in days.values() if d.day is not None), key=lambda d: d.day or 0)
    return dated + ([days[None]] if None in days else [])


def _clocks_line(visit: Visit, item_views: list[ItemView], second_zone: str) -> str:
    """'local time at the venue (Baku); second clock: Jerusalem time'."""
    local = list(dict.fromkeys(z for v in item_views for z in (v.zone, v.end_zone)))
    names = [zone_name(visit, z) for z in local] or [zone_name(visit, visit.timezone)]
    text = "local time at the venue (" + ", ".join(dict.fromkeys(names)) + ")"
    if any(z != second_zone for z in local):
        text += f"; second clock: {zone_name(visit, second_zone)} time"
    return text


# -- Markdown ------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~#!])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")


def md(text: str) -> str:
    """Text that Markdown shows as written: no emphasis, links, code, table cells or raw
    HTML can come out of it (the characters that start them are backslash-escaped), and
    it stays on one line."""
    flat = _CONTROL.sub("", text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))
    return _MD_SPECIAL.sub(r"\\\1", flat)


def _markdown_rows(rows: list[Row]) -> list[str]:
    lines: list[str] = []
    for row in rows:
        when = row.time or "time to be announced"
        title = f"~~{md(row.title)}~~ — **CANCELLED**" if row.cancelled else md(row.title)
        title += md(TENTATIVE) if row.tentative and not row.cancelled else ""
        lines.append(f"### {md(when)} — {title}")
        lines.append("")
        if row.reason:
            lines.append(f"- Cancelled: {md(row.reason)}")
        for leg in row.legs:
            lines.append(f"- Travel before: {md(leg)}")
        if row.until:  # 'lands 13:55 Berlin' → 'Lands 13:55 Berlin' (the city as written)
            lines.append(f"- {md(row.until[:1].upper() + row.until[1:])}")
        if row.route:
            lines.append(f"- Route: {md(row.route)}")
        lines.append(f"- What: {md(row.kind)}")
        lines.append(f"- Venue: {md(row.venue)}")
        if row.venue_notes:
            lines.append(f"- At the venue: {md(row.venue_notes)}")
        if row.attendees:
            lines.append(f"- Attendees: {md(row.attendees)}")
        if row.hosted_by:
            lines.append(f"- Hosted by: {md(row.hosted_by)}")
        if row.view.tier is Tier.OFF_RECORD:  # (the office's off-record copy only)
            lines.append("- Off the record: in no other programme or calendar")
        if row.dress:
            lines.append(f"- Dress: {md(row.dress)}")
        if row.press:
            lines.append(f"- Press: {md(row.press)}")
        if row.notes:
            lines.append(f"- Notes: {md(row.notes)}")
        for moment in row.milestones:  # each moment within the item on a line of its own
            lines.append(f"- Milestone: {md(moment)}")
        for leg in row.then:
            lines.append(f"- Then: {md(leg)}")
        lines.append("")
    return lines


def _markdown(title: str, subtitle: list[str], days: list[Day]) -> str:
    lines = [f"# {md(title)}", ""]
    lines.extend(f"{md(s)}  " for s in subtitle)
    lines.append("")
    if not days:
        lines += ["Nothing scheduled.", ""]
    for day in days:
        lines += [f"## {md(day.heading)}", ""]
        if day.tonight:
            lines += [f"Tonight: {md(day.tonight)}", ""]
        lines += [f"> Note: {md(note)}" for note in day.notes] + ([""] if day.notes else [])
        lines += _markdown_rows(day.rows)
    return "\n".join(lines).rstrip() + "\n"


def programme_markdown(
    visit: Visit, plan: Plan, audience: Audience, index: Index | None = None
) -> str:
    """The day-by-day programme for ``audience``, in Markdown. Its plan version is the
    last one in which the audience saw a change."""
    item_views = views(visit, plan, audience, index)
    second = visit.guest_home_timezone
    subtitle = [
        f"Programme for the {AUDIENCE_WORDS.get(audience.key, audience.key)} · "
        f"plan version {plan.reader_version(audience.key)[0]}",
        "Times: " + _clocks_line(visit, item_views, second),
    ]
    title = cleaner(audience.stream)(visit.title)
    notes = visit_notes(visit, audience.stream)[0]
    subtitle += [f"Notes: {notes}"] if notes else []
    return _markdown(title, subtitle, _days(visit, item_views, second, audience.stream))


def person_markdown(visit: Visit, plan: Plan, person: Person, index: Index | None = None) -> str:
    """One person's own itinerary: the items they attend, at their clearance, with their
    home time as the second clock, their own journeys, and another attendee's only where
    they come from an item of this itinerary too."""
    audience = for_person(person)
    item_views = views(visit, plan, audience, index)
    second = visit.home_zone(person)
    text = cleaner(audience.stream)
    who = text(person.name) + (f", {text(person.title)}" if person.title else "")
    version = plan.reader_version(audience.key)[0]
    subtitle = [
        f"Itinerary of {who}",
        f"Plan version {version} · times: " + _clocks_line(visit, item_views, second),
    ]
    notes = visit_notes(visit, audience.stream)[0]
    subtitle += [f"Notes: {notes}"] if notes else []
    days = _days(visit, item_views, second, audience.stream)
    titles = {v.item_id: v.title for v in item_views if not v.cancelled}
    for day in days:  # where the reader sleeps, where the stream may know of it
        aboard = visit.aboard.get((person.id, day.day)) if day.day else None
        home = visit.venue.get(visit.residence.get((person.id, day.day), "")) if day.day else None
        if aboard is not None:  # aboard a movement they are shown, else nothing is said
            day.tonight = f"aboard {titles[aboard]}" if aboard in titles else ""
        elif home is not None and audience.tier.allows(home.tier):
            day.tonight = text(home.name)
    return _markdown(text(visit.title), subtitle, days)


def notice_markdown(visit: Visit, notice: Notice, audience: Audience) -> str:
    """A reader's notice of what changed, in Markdown: for a group the programme's changes
    (the protocol office's with what each person was told), for a person their own."""
    from planner.export.changes import NO_ITEM_CHANGED

    text = cleaner(audience.stream)
    if audience.person is not None and audience.person in visit.person:
        person = visit.person[audience.person]
        reader = f"For {text(person.name)}"
    else:
        reader = f"For the {AUDIENCE_WORDS.get(audience.key, audience.key)}"
    lines = [f"# Changes: {md(text(visit.title))}", "", f"{md(reader)}  "]
    if notice.since is None:
        lines.append(f"First version of the programme (plan version {notice.version}).")
        return "\n".join(lines) + "\n"
    lines += [f"Plan version {notice.since} → {notice.version}.", ""]
    if not notice.lines and not notice.people:
        lines.append("No changes." if notice.since == notice.version else md(NO_ITEM_CHANGED))
    if notice.lines:
        if notice.people:
            lines += ["## The programme", ""]
        lines += [f"- {md(s)}" for s in notice.lines]
        lines.append("")
    for told in notice.people:
        lines += [f"## {md(told.name)}", ""]
        lines += [f"- {md(s)}" for s in told.lines]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def changes_markdown(visit: Visit, old: Plan | None, new: Plan, audience: Audience = FULL) -> str:
    """What changed between two plans for ``audience``, in Markdown (by default the
    protocol office's notice: the programme, and what each person was told)."""
    from planner.export.changes import notice

    return notice_markdown(visit, notice(visit, old, new, audience), audience)


# -- the timeline (geometry only; the template draws it) ----------------------------------

WIDTH = 1000
LABEL = 170
RIGHT = 24
ROW = 30
GAP = 6
TICK_ROW = 16


@dataclass(frozen=True)
class Tick:
    x: float
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Block:
    x: float
    y: float
    width: float
    height: float
    label: str
    tooltip: str
    host: bool


@dataclass(frozen=True)
class TravelLine:
    x1: float
    x2: float
    y: float
    label: str


@dataclass(frozen=True)
class LaneBox:
    key: str
    label: str
    sublabel: str
    y: float
    height: float


@dataclass
class Timeline:
    width: int
    height: float
    axis_top: float
    axis_bottom: float
    zones: tuple[str, ...]
    ticks: list[Tick]
    lanes: list[LaneBox]
    blocks: list[Block]
    travel: list[TravelLine]
    caption: str


@dataclass(frozen=True)
class Lane:
    key: str
    label: str
    sublabel: str
    names: frozenset[str]


def lanes_of(visit: Visit, stream: str = "full") -> list[Lane]:
    """The tracks of the timeline: the guest principal, the spouse, each minister (the
    guest's), then the host side as one track (on a tour, a track per leg for its hosts,
    then one for the hosts of no leg); only people ``stream`` may know of, and no track of
    people it may not know of alone."""
    text = cleaner(stream)
    result = [
        Lane(p.id, text(p.name), text(p.title) or p.role.value, frozenset({text(p.name)}))
        for p in lane_people(visit, stream)
    ]
    for leg in visit.tour:  # a tour: each leg's hosts have a lane of their own
        mine = frozenset(text(p.name) for p in leg_hosts(visit, leg, stream))
        if mine:
            result.append(
                Lane(f"host-{leg.id}", f"Host: {text(leg.host.name)}", text(leg.label), mine)
            )
    if visit.tour:  # the hosts of no leg (a third party)
        rest = frozenset(text(p.name) for p in other_hosts(visit, stream))
    else:
        rest = frozenset(
            text(p.name) for p in visit.people if p.side is Side.HOST and person_shown(p, stream)
        )
    if rest or not visit.tour:
        label, sub = ("Other hosts", "") if visit.tour else ("Host side", text(visit.host.name))
        result.append(Lane("host", label, sub, rest))
    return result


def _packed(spans: list[tuple[float, float, int]]) -> dict[int, int]:
    """Sub-row of each span (by index) so that spans in one sub-row do not overlap."""
    ends: list[float] = []
    rows: dict[int, int] = {}
    for start, end, index in sorted(spans):
        for n, last in enumerate(ends):
            if last <= start:
                ends[n], rows[index] = end, n
                break
        else:
            rows[index] = len(ends)
            ends.append(end)
    return rows


def timeline(visit: Visit, rows: list[Row], day: date, stream: str = "full") -> Timeline | None:
    """The day as a picture: one lane per track, items as blocks on an hour grid in local
    time, travel legs as lines between the blocks. None when nothing has an exact time."""
    timed = [r for r in rows if not r.cancelled and r.view.start and r.view.end]
    if not timed:
        return None
    first = min(r.view.start for r in timed if r.view.start)
    last = max(r.view.end for r in timed if r.view.end)
    zone = timed[0].view.zone
    start_local = first.in_timezone(tz(zone)).replace(minute=0, second=0, microsecond=0)
    t0 = start_local.timestamp()
    t1 = last.timestamp()
    hours = max(1, -(-int(t1 - t0) // 3600))
    t1 = t0 + hours * 3600
    zones = tuple(dict.fromkeys([zone, *(r.view.zone for r in timed)]))

    def x(instant: pendulum.DateTime | datetime | float) -> float:
        seconds = instant if isinstance(instant, float) else instant.timestamp()
        return LABEL + (seconds - t0) / (t1 - t0) * (WIDTH - LABEL - RIGHT)

    step = 1 if hours <= 14 else 2
    ticks = []
    for h in range(0, hours + 1, step):
        at = pendulum.from_timestamp(t0 + h * 3600)
        ticks.append(
            Tick(x(t0 + h * 3600.0), tuple(f"{at.in_timezone(tz(z)):%H:%M}" for z in zones))
        )
    axis_top = 6 + TICK_ROW * len(zones)

    lanes = lanes_of(visit, stream)
    members: dict[str, list[Row]] = {
        ln.key: [r for r in timed if ln.names & set(r.view.attendees)] for ln in lanes
    }
    placed = {id(r) for rows_of in members.values() for r in rows_of}
    unplaced = [r for r in timed if id(r) not in placed]
    if unplaced:  # items none of the tracks attends (an ambassador's call, say)
        lanes.append(Lane("other", "Others", "", frozenset()))
        members["other"] = unplaced
    boxes: list[LaneBox] = []
    blocks: list[Block] = []
    travel: list[TravelLine] = []
    y = axis_top + 4
    for lane in lanes:
        mine = members[lane.key]
        spans = [(x(r.view.start or first), x(r.view.end or last), n) for n, r in enumerate(mine)]
        sub = _packed(spans)
        count = max(sub.values(), default=0) + 1
        height = max(count * ROW, 36) + 2 * 3
        boxes.append(LaneBox(lane.key, lane.label, lane.sublabel, y, height))
        for n, row in enumerate(mine):
            x1, x2, _ = spans[n]
            top = y + 3 + sub[n] * ROW
            tip = f"{row.time} — {row.title} ({row.until}) at {row.view.venue}"
            width = max(x2 - x1, 2.0)
            host = lane.key == "host"
            blocks.append(Block(x1, top + 1, width, ROW - 2, row.title, tip, host))
            for leg in row.view.legs:
                if lane.key != "other" and not lane.names & set(leg.people):
                    continue
                start = row.view.start or first
                before = [
                    (r.view.end or first).timestamp()
                    for r in mine
                    if r is not row and (r.view.end or last) <= start
                ]
                begin = max(before) if before else start.timestamp() - 60.0 * (leg.minutes or 0)
                label = length_text(leg.minutes) if leg.minutes is not None else "no road"
                travel.append(TravelLine(x(float(begin)), x(start), top + ROW / 2, label))
                break
        y += height + GAP
    where = ", ".join(zone_name(visit, z) for z in zones)
    caption = f"Timeline, {day.day} {day:%B}: hours in local time ({where})"
    return Timeline(WIDTH, y + 2, axis_top, y - GAP, zones, ticks, boxes, blocks, travel, caption)


# -- HTML ----------------------------------------------------------------------------------


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("planner.export", "templates"),
        autoescape=True,  # every text from a visit file is escaped, names above all
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def programme_html(visit: Visit, plan: Plan, audience: Audience, index: Index | None = None) -> str:
    """The programme as one self-contained HTML page that prints on A4: per day a timeline
    (inline SVG) above the table of items."""
    item_views = views(visit, plan, audience, index)
    second = visit.guest_home_timezone
    days = _days(visit, item_views, second, audience.stream)
    stream = audience.stream
    pictures = [timeline(visit, d.rows, d.day, stream) if d.day is not None else None for d in days]
    text = cleaner(stream)
    template = _environment().get_template("programme.html.j2")
    return template.render(
        title=text(visit.title),
        audience=AUDIENCE_WORDS.get(audience.key, audience.key),
        version=plan.reader_version(audience.key)[0],
        clocks=_clocks_line(visit, item_views, second),
        notes=visit_notes(visit, stream)[0],
        organizer=text(visit.organizer.name),
        days=list(zip(days, pictures, strict=True)),
    )
