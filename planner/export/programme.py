"""The day-by-day programme: one list per local day, each item with its local time and the
guest's home time, venue, attendees in precedence order, and the travel legs before it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import pendulum

from planner.disclosure import Shown, by_precedence
from planner.model.clock import city_of, length_text, offset_text, tz
from planner.model.items import Item, milestone_start
from planner.model.movements import Mode, route
from planner.model.people import Person
from planner.model.publication import Tier
from planner.model.travel import journey
from planner.model.visit import Visit
from planner.plan import Plan, PlannedItem, Status


def _off_record(planned: PlannedItem, visit: Visit) -> bool:
    item = visit.item.get(planned.id)
    tier = item.tier if item is not None else planned.about.tier if planned.about else None
    return tier is Tier.OFF_RECORD


def zone_name(visit: Visit, zone: str) -> str:
    """How to name a zone's clock: the visit's city on it, else the zone's own city."""
    return next((c.name for c in visit.cities if c.timezone == zone), city_of(zone))


@dataclass(frozen=True)
class Leg:
    """A move of some attendees from one venue to the next item's venue."""

    from_venue: str
    to_venue: str
    minutes: int | None  # None: no road (a movement in between)
    people: tuple[str, ...]
    mode: str = "motorcade"  # how: "motorcade", "walk", "helicopter", "boat" (Mode)


@dataclass(frozen=True)
class Entry:
    item: Item
    planned: PlannedItem
    start: pendulum.DateTime
    end: pendulum.DateTime
    legs: tuple[Leg, ...]


def attendees_by_precedence(visit: Visit, ids: tuple[str, ...] | list[str]) -> list[Person]:
    """Guests first, then hosts, each by precedence."""
    return by_precedence(visit, ids)


def entries(visit: Visit, plan: Plan, off_record: bool = True) -> list[Entry]:
    """Scheduled items in time order, with the travel legs that lead to each; without
    ``off_record`` none of the off-record items, nor a journey from one (nothing is said
    of their attendees' way to their next item)."""
    scheduled = []
    for planned in plan.items:
        if planned.status is not Status.SCHEDULED or planned.id not in visit.item:
            continue
        start, end = planned.start_at(), planned.end_at()
        if start is None or end is None:
            continue
        scheduled.append((start, planned, end))
    scheduled.sort(key=lambda t: (t[0], t[1].id))
    where: dict[str, tuple[str, tuple[date, int]]] = {}  # venue left, when (its local clock)
    result = []
    day = None
    for start, planned, end in scheduled:
        if start.date() != day:
            where, day = {}, start.date()  # each day starts from the residence
        item = visit.item[planned.id]
        if not off_record and item.tier is Tier.OFF_RECORD:
            for pid in planned.attendees:
                where.pop(pid, None)
            continue
        venue = planned.venue or item.venues[0]
        moves: dict[tuple[str, str, tuple[date, int]], list[str]] = defaultdict(list)
        out = planned.arrival_venue or venue
        leaving = _clock(end, visit.venue_zone(out))
        for person in attendees_by_precedence(visit, planned.attendees):
            before = where.get(person.id)
            if before is not None and before[0] != venue:
                moves[(before[0], venue, before[1])].append(person.id)
            where[person.id] = (out, (leaving.date(), leaving.hour * 60 + leaving.minute))
        legs = tuple(
            leg
            for (a, b, leaves), ids in moves.items()
            if (leg := _leg(visit, a, b, tuple(ids), leaves)).minutes != 0  # one place: none
        )
        result.append(Entry(item, planned, start, end, legs))
    return result


def _leg(visit: Visit, a: str, b: str, people: tuple[str, ...], leaves: tuple[date, int]) -> Leg:
    way = journey(visit.travel, visit.venue[a], visit.venue[b], leaves=leaves)
    if way is None:
        return Leg(a, b, None, people)
    return Leg(a, b, way.minutes, people, way.verb)


def by_day(visit: Visit, plan: Plan, off_record: bool = True) -> dict[date, list[Entry]]:
    days: dict[date, list[Entry]] = defaultdict(list)
    for entry in entries(visit, plan, off_record):
        days[entry.start.date()].append(entry)
    return dict(sorted(days.items()))


def _clock(instant: pendulum.DateTime, zone: str) -> pendulum.DateTime:
    return instant.in_timezone(tz(zone))


def hm(instant: pendulum.DateTime) -> str:
    """'14:30', with the UTC offset where that clock time occurs twice that night."""
    naive = instant.naive()
    zone = instant.tzinfo
    if (
        zone is not None
        and naive.replace(tzinfo=zone, fold=0).utcoffset()
        != naive.replace(tzinfo=zone, fold=1).utcoffset()
    ):
        return f"{instant:%H:%M} ({offset_text(instant)})"
    return f"{instant:%H:%M}"


def start_clocks(visit: Visit, start: pendulum.DateTime, zone: str, second_zone: str) -> str:
    """'10:00 Baku · 09:00 Jerusalem': a start in local time and on a second clock ('+1
    day' where that clock's date differs); one clock when both are the same zone."""
    local = _clock(start, zone)
    text = f"{hm(local)} {zone_name(visit, zone)}"
    if second_zone != zone:
        other = _clock(start, second_zone)
        text += f" · {hm(other)} {zone_name(visit, second_zone)}"
        shift = (other.date() - local.date()).days
        if shift:
            text += f" ({shift:+d} day)"
    return text


def end_clause(
    visit: Visit,
    start: pendulum.DateTime,
    end: pendulum.DateTime,
    zone: str,
    end_zone: str,
    mode: str | None = None,
) -> str:
    """'until 11:00 (1 h)'; for a movement 'arrives 09:04 (2 h 2 min)', and where it
    ends on another clock 'lands 11:50 Las Palmas (1 h 50 min)'; '' for a moment (an item
    that takes no time: it has no end of its own)."""
    if end == start and end_zone == zone:
        return ""
    length = length_text(int((end - start).total_seconds() // 60))
    verb = Mode(mode).arrives if mode else "lands" if end_zone != zone else "until"
    if end_zone != zone:
        return f"{verb} {hm(_clock(end, end_zone))} {zone_name(visit, end_zone)} ({length})"
    return f"{verb} {hm(_clock(end, zone))} ({length})"


def route_text(
    start: pendulum.DateTime | None,
    zone: str,
    origin: str,
    end: pendulum.DateTime | None,
    end_zone: str,
    destination: str,
    service: str,
) -> str:
    """'07:02 Paris Gare de Lyon → 09:04 Lyon Part-Dieu, TGV 6603, coach 14': a movement's
    two ends, each on its own clock (without the clocks when the time is withheld)."""
    if start is None or end is None:
        text = f"{origin} → {destination}"
        return f"{text}, {service}" if service else text
    return route(hm(_clock(start, zone)), origin, hm(_clock(end, end_zone)), destination, service)


def movement_text(view: Shown) -> str:
    """Where an item that ends elsewhere goes, and by what: '07:02 Paris Gare de Lyon →
    09:04 Lyon Part-Dieu, TGV 6603, coach 14' ('' for an item that ends where it starts)."""
    if not view.arrival:
        return ""
    return route_text(
        view.start, view.zone, view.venue, view.end, view.end_zone, view.arrival, view.service
    )


def moment_texts(view: Shown) -> tuple[str, ...]:
    """'11:40 Gift exchange': each milestone the reader may know of, at its local time
    (its title alone where the item's exact time is withheld)."""
    return tuple(
        f"{hm(m.start.in_timezone(tz(view.zone)))} {m.title}" if m.start is not None else m.title
        for m in view.milestones
    )


def dual_time(visit: Visit, entry: Entry) -> str:
    """The entry's start at the venue and in the guest's home time."""
    zone = entry.planned.timezone or visit.timezone
    return start_clocks(visit, entry.start, zone, visit.guest_home_timezone)


def until(visit: Visit, entry: Entry) -> str:
    zone = entry.planned.timezone or visit.timezone
    end_zone = entry.planned.end_timezone or zone
    mode = entry.item.mode
    return end_clause(visit, entry.start, entry.end, zone, end_zone, mode.value if mode else None)


def short_names(visit: Visit, ids: tuple[str, ...] | list[str]) -> str:
    return ", ".join(p.name for p in attendees_by_precedence(visit, ids))


def with_text(names: list[str] | tuple[str, ...], groups: tuple[str, ...]) -> str:
    """'Herzog, Aliyev and about 300 pupils': the attendees, then the groups that are not
    people of the visit."""
    said: list[str] = [*names, *groups]
    if len(said) < 2 or not groups:
        return ", ".join(said)
    return ", ".join(said[:-1]) + " and " + said[-1]


def public_version_text(item: Item, visit: Visit) -> str:
    """'published below delegation as 'Private dinner (closed press)', Baku' ('' for an
    item without a public version)."""
    if item.real_from is item.tier:
        return ""
    said = [f"'{item.public_title}'"] if item.public_title else []
    if item.public_venue:
        there = visit.venue.get(item.public_venue)
        said.append(there.name if there is not None else item.public_venue)
    return f"below {item.real_from.value} published as " + ", ".join(said)


def terminal_programme(visit: Visit, plan: Plan, off_record: bool = True) -> str:
    """The plain-text programme printed by `planner solve`: the protocol office's, every
    item (off-record ones marked so; without them, ``off_record`` False, as `planner
    generate --print-programme` prints it unless asked for them)."""
    lines: list[str] = [visit.title, f"Plan version {plan.version}", ""]
    for day, day_entries in by_day(visit, plan, off_record).items():
        lines.append(f"{day:%A} {day.day} {day:%B %Y}")
        lines.append("-" * len(lines[-1]))
        for entry in day_entries:
            for leg in entry.legs:
                mode = f"{leg.mode} {leg.minutes} min" if leg.minutes is not None else "no road"
                lines.append(
                    f"      ↳ {visit.venue[leg.from_venue].name} → "
                    f"{visit.venue[leg.to_venue].name}: {mode} ({short_names(visit, leg.people)})"
                )
            planned = entry.planned
            pin = " [pinned]" if entry.item.is_pinned else ""
            tentative = TENTATIVE if entry.item.tentative else ""
            if entry.item.tier is Tier.OFF_RECORD:
                pin += " [off the record]"
            lines.append(f"  {dual_time(visit, entry)}  {entry.item.title}{tentative}{pin}")
            venue = visit.venue[planned.venue or entry.item.venues[0]]
            place = venue.name + (f" ({venue.local_name})" if venue.local_name else "")
            if not planned.arrival_venue:
                ends = until(visit, entry)
                lines.append(f"      {ends} at {place}" if ends else f"      at {place}")
            else:  # both ends, each on its clock, and how long it takes
                service = entry.item.service
                zone = planned.timezone or visit.timezone
                length = length_text(int((entry.end - entry.start).total_seconds() // 60))
                lines.append(
                    "      "
                    + route_text(
                        entry.start,
                        zone,
                        venue.name,
                        entry.end,
                        planned.end_timezone or zone,
                        visit.venue[planned.arrival_venue].name,
                        service.words() if service else "",
                    )
                    + f" ({length})"
                )
            names = [p.name for p in attendees_by_precedence(visit, planned.attendees)]
            groups = tuple(g.label for g in entry.item.guests)
            lines.append(f"      with {with_text(names, groups)}")
            if entry.item.hosted_by:
                lines.append(f"      hosted by {', '.join(entry.item.hosted_by)}")
            if public := public_version_text(entry.item, visit):
                lines.append(f"      {public}")
            zone = planned.timezone or visit.timezone
            moments = sorted(  # the moments within it, each at its time
                (milestone_start(m, entry.start, zone).in_timezone(tz(zone)), n, m)
                for n, m in enumerate(entry.item.milestones)
                if off_record or entry.item.milestone_tier(m) is not Tier.OFF_RECORD
            )
            for at, _, moment in moments:
                tier = entry.item.milestone_tier(moment)
                restricted = f" [{tier.value}]" if tier is not entry.item.tier else ""
                lines.append(f"      · {hm(at)} {moment.title}{restricted}")
        lines.append("")
    cancelled = [
        (item.title + _reason(item) if item is not None else i.about.title if i.about else i.id)
        for i in plan.items
        if i.status is Status.CANCELLED
        and ((item := visit.item.get(i.id)) is not None or i.about is not None)
        and (off_record or not _off_record(i, visit))
    ]
    if cancelled:  # (items removed from the visit file too: they stay cancelled)
        lines.append("Cancelled: " + "; ".join(cancelled))
    return "\n".join(lines).rstrip() + "\n"


TENTATIVE = " (tentative)"  # after the title of a tentative item, in every programme


def _reason(item: Item) -> str:
    """' (the host is ill, called off on 29 May 2023)': why and when, where the file says
    so."""
    found = item.cancellation
    if found is None:
        return ""
    on = f", called off on {found.on.day} {found.on:%B %Y}" if found.on else ""
    return f" ({found.reason}{on})"
