"""What the widgets show, read from a session: the day's lanes, the agenda's rows, the
detail of one item. Formatting only; every fact comes from planner's functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pendulum
from rich.text import Text

from planner.export.programme import Entry, dual_time, short_names, until
from planner.model.items import milestone_start
from planner.model.visit import Visit
from planner.plan import Status
from planner.session import GLYPHS, State, Track
from tui.timeline import Block, DayModel, Lane


@dataclass(frozen=True)
class Row:
    item: str
    marks: str
    day: str
    time: str
    home: str
    until: str
    title: str
    venue: str
    people: str


def marks(visit: Visit, state: State, item_id: str) -> str:
    """Glyphs of an item: ◆ pinned, ↻ moved by the last edit, ✗ breaks a rule, ! warned,
    ◷ thin slack before it, ? a protocol officer would question it (planner review)."""
    text = ""
    item = visit.item.get(item_id)
    if item is not None and item.is_pinned:
        text += "◆"
    if item_id in state.moved:
        text += "↻"
    kinds = {f.kind for f in state.findings if f.item == item_id}
    for kind in ("error", "warning", "slack", "review"):
        if kind in kinds:
            text += GLYPHS[kind]
    return text


def local(entry: Entry, visit: Visit) -> datetime:
    zone = entry.planned.timezone or visit.timezone
    return entry.start.in_timezone(zone).naive()


def day_zone(visit: Visit, day_entries: list[Entry]) -> str:
    """The zone a day is read in: its first item's (the visit's when it has none)."""
    return next((e.planned.timezone for e in day_entries if e.planned.timezone), visit.timezone)


def day_model(
    visit: Visit,
    state: State,
    day: date,
    day_entries: list[Entry],
    tracks: list[Track],
    person: str | None = None,
    now: datetime | None = None,
) -> DayModel:
    """The timeline of one day: a lane per track (or the one person's), each item a
    block at its local wall time; ``now`` (an instant) draws the now-line when it falls
    on this day in the zone of the day's first item (the visit's zone when it has none)."""
    errors = {f.item for f in state.findings if f.kind == "error"}
    lanes = []
    shown = tracks
    if person is not None:  # one person's own lane
        shown = [Track(person, visit.person[person].name, (person,))]
    for track in shown:
        blocks = []
        for entry in day_entries:
            planned = entry.planned
            people = set(track.people) & set(planned.attendees)
            if not people:
                continue
            zone = planned.timezone or visit.timezone
            start = entry.start.in_timezone(zone).naive()
            end = entry.end.in_timezone(zone).naive()
            travel = max(
                (leg.minutes or 0 for leg in entry.legs if people & set(leg.people)), default=0
            )
            venue = visit.venue[planned.venue or entry.item.venues[0]].name
            blocks.append(
                Block(
                    item=entry.item.id,
                    start=start,
                    end=end,
                    title=entry.item.title,
                    venue=venue,
                    pinned=entry.item.is_pinned,
                    moved=entry.item.id in state.moved,
                    conflict=entry.item.id in errors,
                    travel=travel or None,
                )
            )
        lanes.append(Lane(track.label, tuple(blocks)))
    local_now = None
    if now is not None:
        local_now = pendulum.instance(now).in_timezone(day_zone(visit, day_entries)).naive()
        if local_now.date() != day:
            local_now = None
    return DayModel(datetime(day.year, day.month, day.day), lanes, local_now)


def row(visit: Visit, state: State, entry: Entry) -> Row:
    planned = entry.planned
    when = dual_time(visit, entry).split(" · ")
    start = local(entry, visit)
    venue = visit.venue[planned.venue or entry.item.venues[0]].name
    return Row(
        item=entry.item.id,
        marks=marks(visit, state, entry.item.id),
        day=f"{start:%a %d}",
        time=when[0],
        home=when[1] if len(when) > 1 else "",
        until=until(visit, entry),
        title=entry.item.title,
        venue=venue,
        people=short_names(visit, planned.attendees),
    )


def detail(visit: Visit, state: State, entry: Entry | None, item_id: str | None) -> Text:
    """The selected item in full: times, venue, people, publication, notes, provenance."""
    if item_id is None or item_id not in visit.item:
        return Text("No item selected.\n\nj/k move between items, ? lists every key.", "italic")
    item = visit.item[item_id]
    planned = state.plan.item(item_id) if state.plan else None
    text = Text()
    text.append(item.title + "\n", "bold")
    flags = marks(visit, state, item_id)
    status = planned.status.value if planned else "not planned"
    text.append(f"{item.kind_label} · {status}")
    if item.pinned is not None:
        text.append(f" · ◆ pinned {item.pinned}")
    if item.arrives is not None:
        text.append(f" · ◆ {item.mode.arrives if item.mode else 'ends'} {item.arrives}")
    if item.tentative:
        text.append(" · tentative")
    if flags.replace("◆", ""):
        text.append(f" · {flags.replace('◆', '')}")
    text.append("\n")
    if entry is not None:
        text.append(dual_time(visit, entry) + "\n")
        text.append(until(visit, entry) + "\n")
    elif planned is not None and planned.status is Status.DROPPED:
        text.append("Left out of the plan (optional).\n")
    if item.cancellation is not None:
        found = item.cancellation
        text.append("Cancelled: ", "bold")
        text.append(found.reason + (f" (on {found.on})" if found.on else "") + "\n")
    for moment in item.milestones:  # the moments within it, at their times where planned
        when = moment.title
        if entry is not None:
            zone = entry.planned.timezone or visit.timezone
            at = milestone_start(moment, entry.start, zone).in_timezone(zone)
            when = f"{at:%H:%M} {moment.title}"
        tier = f" [{moment.tier.value}]" if moment.tier is not None else ""
        text.append(f"  · {when}{tier}\n")
    venue_id = (planned.venue if planned else None) or item.venues[0]
    venue = visit.venue[venue_id]
    text.append("Venue: ", "bold")
    text.append(venue.name + (f" ({venue.local_name})" if venue.local_name else ""))
    if planned is not None and planned.arrival_venue:
        text.append(f" → {visit.venue[planned.arrival_venue].name}")
    text.append("\n")
    if item.service is not None and item.service.words():
        text.append("Service: ", "bold")
        text.append(item.service.words() + (f" · {item.seats} seats" if item.seats else "") + "\n")
    if entry is not None and entry.legs:
        for leg in entry.legs:
            mode = f"{leg.mode} {leg.minutes} min" if leg.minutes is not None else "no road"
            text.append(
                f"  ┊ from {visit.venue[leg.from_venue].name}: {mode} "
                f"({short_names(visit, leg.people)})\n",
                "dim",
            )
    people = planned.attendees if planned else item.attendees
    text.append("With: ", "bold")
    text.append((short_names(visit, people) or "nobody") + "\n")
    optional = [p for p in item.optional_attendees if p in visit.person]
    if optional:
        text.append("Optional: ", "bold")
        text.append(short_names(visit, optional) + "\n")
    text.append("Tier: ", "bold")
    text.append(f"{item.tier.value}   ")
    text.append("Press: ", "bold")
    text.append(f"{item.press.value}   ")
    if item.tags:
        text.append("Tags: ", "bold")
        text.append(", ".join(item.tags) + "   ")
    text.append("Dress: ", "bold")
    text.append(f"{item.dress or '—'}")
    for worn in item.dress_by:  # per side or person
        who = visit.person[worn.who].name if worn.who in visit.person else f"{worn.who} side"
        text.append(f"; {who}: {worn.dress}")
    text.append("\n")
    if item.notes:
        text.append("Notes: ", "bold")
        text.append(item.notes + "\n")
    source = item.provenance
    text.append("Source: ", "bold")
    if source.line is not None:
        text.append(f"{source.source.value} line {source.line}: “{source.quote}”\n")
    else:
        text.append(f"{source.source.value}: {source.ref or source.reason or ''}\n")
    if planned is not None:
        text.append("Revision: ", "bold")
        text.append(f"{planned.revision} (changed {planned.modified:%Y-%m-%d %H:%M} UTC)\n")
    for finding in state.findings:
        if finding.item == item_id:
            text.append(f"{finding.glyph} {finding.text}\n", "bold")
    return text
