"""The independent plan validator: does a plan obey docs/scheduling-rules.md?

It checks any plan (solved, hand-made or edited) against the visit it belongs to, rule by
rule, and says in plain words what is wrong. It shares no code with the scheduler
(``planner/schedule/``): only the model (``planner/model/``) and the plan
(``planner/plan.py``), so that a bug in one is caught by the other. All arithmetic is done
on aware instants, compared in UTC (two datetimes that share a tzinfo compare by their wall
clocks, ignoring ``fold``: 02:30 CEST would come after 02:15 CET on the night the clocks
fall back); local dates and clock times are read in the zone of the item's venue (for a
movement: the departure's for the start, the arrival's for the end).

Readings of the rules where the page leaves room:

- A plan item whose visit item is not cancelled may not be ``cancelled`` in the plan:
  protocol staff cancel an item in the visit file, and the plan follows.
- A plan item whose id is not in the visit is fine only as ``cancelled``.
- The plan's zone of an item must be the zone of its venue (for a movement's end: of its
  arrival venue), since calendars show the local times of the plan; the rules are still
  checked on the instants the plan names.
- Listed attendees must be required or optional attendees of the item.
- Windows, pins and days are read in the zone of the venue the plan chose (for a
  movement's ``latest_end`` and ``arrives``: of its arrival venue, as the page says), not
  always of the first venue.
- A clock-time bound that a daylight-saving change makes ambiguous or skipped is read in
  the item's favour: the earlier instant for a lower bound, the later one for an upper
  bound.
- Capacity per item applies to every item, movements included (the departure venue);
  the capacity of a non-exclusive venue over items under way ignores movements ("flights
  do not occupy venues", read for every item that ends elsewhere). A movement's ``seats``
  bound its attendees.
- A movement is within opening hours when its departure instant lies within a rule,
  both ends included.
- Rule 1 is checked on consecutive pairs only, as written: an item nested inside a longer
  one is reported once, against its predecessor.
- A day part and an 'around' time are read on the clock of the venue the plan chose, and
  a day part by the host's custom there (on a tour: the leg's host).
- Rule 11 binds every attendee the plan lists, optional ones included: an optional
  attendee is listed only when free.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Literal

import pendulum

from planner.model.clock import ClockTime, TimeProblem, WallTime, city_of, offset_text
from planner.model.consistency import stays
from planner.model.conventions import OrderConvention, Strength, TimeOfDayConvention
from planner.model.items import Item
from planner.model.travel import travel_minutes
from planner.model.venues import Opening, Venue
from planner.model.visit import Visit
from planner.plan import Plan, PlannedItem, Status, fingerprint

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Violation:
    """One way in which a plan breaks the scheduling rules."""

    rule: str
    message: str
    items: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.severity}: {self.message}"


@dataclass(frozen=True)
class _Slot:
    """A scheduled item of the plan, read: its visit item, instants, venues and people."""

    item: Item
    planned: PlannedItem
    start: pendulum.DateTime  # in UTC
    end: pendulum.DateTime  # in UTC
    venue: Venue  # where it takes place (a flight: the departure airport)
    leaves: Venue  # where it leaves its attendees (a flight: the arrival airport)
    start_zone: str  # the zone of ``venue``
    end_zone: str  # the zone of ``leaves``
    attendees: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def moves(self) -> bool:
        """Whether it ends at another venue than it starts (a movement: a flight, a train)."""
        return self.item.moves

    @property
    def local_date(self) -> date:
        return self.start.in_timezone(self.start_zone).date()


def validate_plan(visit: Visit, plan: Plan) -> list[Violation]:
    """Every violation of the scheduling rules by ``plan`` (errors, and a warning when the
    plan was made from another version of the visit)."""
    found: list[Violation] = []
    found += check_fingerprint(visit, plan)
    found += check_items_listed(visit, plan)
    found += check_statuses(visit, plan)
    return found + check_scheduled(visit, plan)


def check_scheduled(visit: Visit, plan: Plan) -> list[Violation]:
    """The violations of the rules by the scheduled items of ``plan`` (rules 1–10), which
    may hold only some of the visit's items: what a move of some items breaks among their
    neighbours (planner.review), without the plan-wide checks (every item listed once,
    statuses, the visit's fingerprint)."""
    found: list[Violation] = []
    slots: list[_Slot] = []
    for planned in _scheduled(visit, plan):
        slot = _read_slot(visit, planned, found)
        if slot is not None:
            slots.append(slot)
    slots.sort(key=lambda s: (s.start, s.end, s.id))
    rules: tuple[Callable[[Visit, list[_Slot]], Iterable[Violation]], ...] = (
        check_venues,
        check_zones,
        check_durations,
        check_attendees,
        check_two_places,
        check_windows,
        check_days,
        check_pins,
        check_programme_hours,
        check_lodging,
        check_venue_hours,
        check_exclusive_venues,
        check_capacity,
        check_seats,
        check_order,
        check_presence,
        check_conventions,
        check_day_parts,
        check_around,
        check_unavailable,
        check_milestones,
    )
    for rule in rules:
        found += rule(visit, slots)
    return found


# -- wording ------------------------------------------------------------------------------


def _at(instant: datetime, zone: str) -> str:
    """'30 May 11:00 Baku time', with the UTC offset when that clock time occurs twice."""
    local = pendulum.instance(instant).in_timezone(zone)
    text = f"{local.day} {local:%B %H:%M} {city_of(zone)} time"
    naive, tz = local.naive(), zoneinfo.ZoneInfo(zone)
    if naive.replace(tzinfo=tz, fold=0).utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset():
        text += f" (UTC{offset_text(local)})"
    return text


def _item(slot: _Slot) -> str:
    return f"'{slot.item.title}' ({slot.venue.name})"


def _title(visit: Visit, item_id: str) -> str:
    item = visit.item.get(item_id)
    return f"'{item.title}'" if item else f"'{item_id}'"


def _person(visit: Visit, person_id: str) -> str:
    person = visit.person.get(person_id)
    return person.name if person else person_id


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _min(n: int) -> str:
    return f"{n} min"


# -- local clock times as instants ------------------------------------------------------


def _utc(instant: datetime) -> pendulum.DateTime:
    """The instant in UTC. Every instant is compared in UTC: Python compares and subtracts
    two datetimes that share a tzinfo by their wall clocks, ignoring ``fold``, so 02:30 CEST
    would come after 02:15 CET on the night the clocks fall back."""
    return pendulum.instance(instant).in_timezone("UTC")


def _instant(day: date, clock: ClockTime, zone: str, *, upper: bool) -> pendulum.DateTime:
    """The instant the clock shows ``clock`` on ``day`` in ``zone`` ("24:00" is the next
    midnight). When a daylight-saving change makes that ambiguous or skipped, the earlier
    reading for a lower bound and the later one for an upper bound."""
    local = datetime.combine(day, time()) + timedelta(minutes=clock.minutes)
    reading = pendulum.datetime(
        local.year,
        local.month,
        local.day,
        local.hour,
        local.minute,
        tz=zone,
        fold=1 if upper else 0,
    )
    return _utc(reading)


def _wall(wall: WallTime, zone: str) -> pendulum.DateTime | None:
    try:
        return _utc(wall.resolve(zone))
    except TimeProblem:
        return None


# -- the plan: completeness -------------------------------------------------------------


def check_fingerprint(visit: Visit, plan: Plan) -> Iterator[Violation]:
    """The plan was made from this version of the visit (a warning otherwise)."""
    if plan.visit != visit.id:
        yield Violation(
            "stale",
            f"the plan was made for the visit '{plan.visit}', not for '{visit.id}'",
            severity="warning",
        )
    elif plan.fingerprint != fingerprint(visit):
        yield Violation(
            "stale",
            f"the plan (version {plan.version}) was made from another version of the visit "
            f"'{visit.id}'; solve again so that it reflects the current visit file",
            severity="warning",
        )


def check_items_listed(visit: Visit, plan: Plan) -> Iterator[Violation]:
    """Every item of the visit appears in the plan exactly once; items no longer in the
    visit are kept only as cancelled."""
    counts: dict[str, int] = {}
    for planned in plan.items:
        counts[planned.id] = counts.get(planned.id, 0) + 1
    for item in visit.items:
        if item.id not in counts:
            yield Violation(
                "missing-item",
                f"'{item.title}' is missing from the plan; every item must be scheduled, "
                "dropped or cancelled",
                items=(item.id,),
            )
    for item_id, count in counts.items():
        if count > 1:
            yield Violation(
                "duplicate-item",
                f"{_title(visit, item_id)} appears {count} times in the plan; it must appear once",
                items=(item_id,),
            )
    for planned in plan.items:
        if planned.id not in visit.item and planned.status is not Status.CANCELLED:
            yield Violation(
                "unknown-item",
                f"the plan has '{planned.id}' as {planned.status.value}, but the visit has no "
                "such item; an item removed from the visit stays in the plan only as cancelled",
                items=(planned.id,),
            )


def check_statuses(visit: Visit, plan: Plan) -> Iterator[Violation]:
    """Cancelled items are cancelled, only optional items are dropped, and nothing else is
    cancelled."""
    for planned in plan.items:
        item = visit.item.get(planned.id)
        if item is None:
            continue
        if item.cancelled and planned.status is not Status.CANCELLED:
            yield Violation(
                "status",
                f"'{item.title}' is cancelled in the visit but {planned.status.value} in the plan",
                items=(item.id,),
            )
        elif not item.cancelled and planned.status is Status.CANCELLED:
            yield Violation(
                "status",
                f"'{item.title}' is cancelled in the plan but not in the visit; cancel it in "
                "the visit file (cancelled: true) or schedule it",
                items=(item.id,),
            )
        elif planned.status is Status.DROPPED and not item.optional:
            yield Violation(
                "status",
                f"'{item.title}' is dropped, but it is not optional: it must be scheduled",
                items=(item.id,),
            )


def _scheduled(visit: Visit, plan: Plan) -> Iterator[PlannedItem]:
    seen: set[str] = set()
    for planned in plan.items:
        if (
            planned.status is Status.SCHEDULED
            and planned.id in visit.item
            and planned.id not in seen
        ):
            seen.add(planned.id)
            yield planned


def _read_slot(visit: Visit, planned: PlannedItem, found: list[Violation]) -> _Slot | None:
    """A scheduled item with a start, an end, a zone and a venue that the visit knows, as
    instants; else None and the reason added to ``found``."""
    item = visit.item[planned.id]

    def fail(rule: str, why: str) -> None:
        found.append(Violation(rule, f"'{item.title}' is scheduled, but {why}", items=(item.id,)))

    absent = [
        name
        for name, value in (
            ("start", planned.start),
            ("end", planned.end),
            ("time zone", planned.timezone),
            ("venue", planned.venue),
        )
        if value is None
    ]
    if item.moves and planned.arrival_venue is None:
        absent.append("arrival venue")
    if absent:
        fail("incomplete", "the plan gives no " + " and no ".join(absent))
        return None
    assert planned.venue is not None and planned.start is not None and planned.end is not None
    venue = visit.venue.get(planned.venue)
    if venue is None:
        fail("venue", f"its venue '{planned.venue}' is not a venue of the visit")
        return None
    leaves = venue
    if item.moves:
        arrival = visit.venue.get(planned.arrival_venue or "")
        if arrival is None:
            fail(
                "venue",
                f"its arrival venue '{planned.arrival_venue}' is not a venue of the visit",
            )
            return None
        leaves = arrival
    try:
        start = planned.start_at()
        end = planned.end_at()
    except (TimeProblem, ValueError, KeyError) as exc:  # a skipped local time, a bad zone
        fail("time", f"its times cannot be read: {exc}")
        return None
    if start is None or end is None:
        return None
    return _Slot(
        item=item,
        planned=planned,
        start=_utc(start),
        end=_utc(end),
        venue=venue,
        leaves=leaves,
        start_zone=visit.venue_zone(venue.id),
        end_zone=visit.venue_zone(leaves.id),
        attendees=tuple(dict.fromkeys(planned.attendees)),
    )


def check_venues(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """The venue is the item's venue or one of its candidates; a movement arrives where
    the visit says, and only items that end elsewhere have an arrival venue."""
    for s in slots:
        if s.venue.id not in s.item.venues:
            allowed = " or ".join(visit.venue[v].name for v in s.item.venues if v in visit.venue)
            yield Violation(
                "venue",
                f"'{s.item.title}' is planned at {s.venue.name}, but it takes place at {allowed}",
                items=(s.id,),
            )
        verb = s.item.mode.arrives if s.item.mode else "ends"
        if s.moves and s.leaves.id != s.item.arrival_venue:
            yield Violation(
                "venue",
                f"'{s.item.title}' is planned to {verb.removesuffix('s')} at {s.leaves.name}, "
                f"but it {verb} at "
                f"{visit.venue[s.item.arrival_venue].name if s.item.arrival_venue else '?'}",
                items=(s.id,),
            )
        if not s.moves and s.planned.arrival_venue is not None:
            yield Violation(
                "venue",
                f"'{s.item.title}' ends where it starts, but the plan gives it an arrival venue",
                items=(s.id,),
            )


def check_zones(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """The plan writes an item's local times in the zone of its venue (a flight's end: of
    its arrival airport)."""
    for s in slots:
        end_zone = s.planned.end_timezone or s.planned.timezone
        if s.planned.timezone != s.start_zone or end_zone != s.end_zone:
            yield Violation(
                "zone",
                f"'{s.item.title}' is written in {s.planned.timezone}"
                + (f"/{end_zone}" if end_zone != s.planned.timezone else "")
                + f", but local times at {s.venue.name} are in {s.start_zone}"
                + (
                    f" and at {s.leaves.name} in {s.end_zone}" if s.end_zone != s.start_zone else ""
                ),
                items=(s.id,),
            )


def check_durations(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """End − start equals the item's duration."""
    for s in slots:
        planned = _minutes(s.end - s.start)
        if s.end - s.start != timedelta(minutes=s.item.duration):
            yield Violation(
                "duration",
                f"'{s.item.title}' lasts {_min(s.item.duration)}, but the plan gives "
                f"{_at(s.start, s.start_zone)} to {_at(s.end, s.end_zone)} ({_min(planned)})",
                items=(s.id,),
            )


def check_attendees(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """The attendees include every required attendee, and only the item's attendees."""
    for s in slots:
        missing = [p for p in s.item.attendees if p not in s.attendees]
        if missing:
            names = _names(visit, missing)
            yield Violation(
                "required-attendee",
                f"{names} must attend '{s.item.title}' but {'is' if len(missing) == 1 else 'are'} "
                "not listed",
                items=(s.id,),
                people=tuple(missing),
            )
        strangers = [p for p in s.attendees if p not in s.item.everyone]
        if strangers:
            names = _names(visit, strangers)
            yield Violation(
                "attendee",
                f"{names} {'is' if len(strangers) == 1 else 'are'} listed at '{s.item.title}' "
                "but not among its attendees or optional attendees",
                items=(s.id,),
                people=tuple(strangers),
            )


# -- hard rules ---------------------------------------------------------------------------


def check_two_places(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """Rule 1: nobody is in two places at once, and everybody has time to get from one
    item to the next (travel and holding), by road within a city. People whose schedules
    break the rule on the same pair of items are named together."""
    people = sorted(
        {p for s in slots for p in s.attendees}, key=lambda p: (p not in visit.person, p)
    )
    found: dict[tuple[str, str], list[str]] = {}
    pairs: dict[tuple[str, str], tuple[_Slot, _Slot]] = {}
    of: dict[str, list[_Slot]] = {pid: [] for pid in people}
    for s in slots:  # slots are in order of start
        for pid in dict.fromkeys(s.attendees):
            of[pid].append(s)
    for pid in people:
        for a, b in pairwise(of[pid]):
            found.setdefault((a.id, b.id), []).append(pid)
            pairs[(a.id, b.id)] = (a, b)
    for key, who in found.items():
        a, b = pairs[key]
        groups: dict[tuple[int, str] | None, list[str]] = {}
        road = a.leaves.id == b.venue.id or (
            travel_minutes(visit.travel, a.leaves, b.venue) is not None
        )
        for pid in who:  # where no road joins them, each person's way past their residences
            via = None if road else _past_home(visit, pid, a, b)
            groups.setdefault(via, []).append(pid)
        for via, people in groups.items():
            problem = _between(visit, a, b, _names(visit, people), via)
            if problem is not None:
                rule, message = problem
                yield Violation(rule, message, items=key, people=tuple(people))


def _past_home(visit: Visit, pid: str, a: _Slot, b: _Slot) -> tuple[int, str] | None:
    """The shortest way from ``a`` to ``b`` past one of the person's residences (lodging)
    and that residence's name, for two venues no road joins directly."""
    best: tuple[int, str] | None = None
    for entry in visit.lodging:
        home = visit.venue.get(entry.venue or "")
        if pid not in entry.people or home is None:
            continue
        there = travel_minutes(visit.travel, a.leaves, home)
        on = travel_minutes(visit.travel, home, b.venue)
        if there is None or on is None:
            continue
        if best is None or there + on < best[0]:
            best = (there + on, home.name)
    return best


def _between(
    visit: Visit, a: _Slot, b: _Slot, names: str, via: tuple[int, str] | None = None
) -> tuple[str, str] | None:
    """What is wrong with going from item ``a`` to the next item ``b``, if anything
    (``via``: the minutes of their way past a residence, and its name, where no road joins
    the two venues)."""
    left = f"'{a.item.title}' ({a.leaves.name})"
    if b.start < a.end:
        until, at = _at(a.end, a.end_zone), _at(b.start, b.start_zone)
        return "two-places", (
            f"{names} cannot be in two places at once: at {left} until {until} and at "
            f"{_item(b)} from {at}"
        )
    if b.venue.id == a.leaves.id:
        return None
    leaving = a.end.in_timezone(a.end_zone)  # the hour they leave: rush hours, by_hour legs
    leaves = (leaving.date(), leaving.hour * 60 + leaving.minute)
    journey = (
        travel_minutes(visit.travel, a.leaves, b.venue, leaves=leaves) if via is None else via[0]
    )
    if journey is None:
        return "no-road", (
            f"{names} must go from {left} in {_city(visit, a.leaves)} to {_item(b)} in "
            f"{_city(visit, b.venue)}, but no road joins the two cities: only a movement (a "
            "flight, a train) or a travel leg the visit declares takes people from one city "
            "to another"
        )
    holding = b.item.holding_minutes
    needed = journey + holding
    if b.start >= a.end + timedelta(minutes=needed):
        return None
    until, at = _at(a.end, a.end_zone), _at(b.start, b.start_zone)
    why = f"the journey takes {_min(journey)}" + (f" (past {via[1]})" if via else "")
    if via is None:
        slower = _slower(visit, a.leaves, b.venue, journey, leaving)
        why += f" ({slower})" if slower else ""
    if holding:
        why += (
            f" and they must be on site {_min(holding)} before the start (holding): "
            f"{_min(needed)} needed"
        )
    return "travel", (
        f"{names} must be at {left} until {until} and at {_item(b)} at {at}, but {why}, and "
        f"there are only {_min(_minutes(b.start - a.end))} between them"
    )


def _names(visit: Visit, people: list[str]) -> str:
    names = [_person(visit, p) for p in people]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _city(visit: Visit, venue: Venue) -> str:
    city = visit.city.get(venue.city)
    return city.name if city else venue.city


def check_windows(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """Rule 2: an item starts at or after its window's earliest start and ends at or
    before its latest end."""
    for s in slots:
        window = s.item.window
        if window is None:
            continue
        if window.earliest_start is not None:
            earliest = _wall(window.earliest_start, s.start_zone)
            if earliest is not None and s.start < earliest:
                yield Violation(
                    "window",
                    f"{_item(s)} starts {_at(s.start, s.start_zone)}, before its window opens "
                    f"({_at(earliest, s.start_zone)})",
                    items=(s.id,),
                )
        if window.latest_start is not None:
            latest = _wall(window.latest_start, s.start_zone)
            if latest is not None and s.start > latest:
                yield Violation(
                    "window",
                    f"{_item(s)} starts {_at(s.start, s.start_zone)}, after the latest start "
                    f"of its window ({_at(latest, s.start_zone)})",
                    items=(s.id,),
                )
        if window.earliest_end is not None:
            earliest = _wall(window.earliest_end, s.end_zone)
            if earliest is not None and s.end < earliest:
                yield Violation(
                    "window",
                    f"{_item(s)} ends {_at(s.end, s.end_zone)}, before the earliest end of "
                    f"its window ({_at(earliest, s.end_zone)})",
                    items=(s.id,),
                )
        if window.latest_end is not None:
            latest = _wall(window.latest_end, s.end_zone)
            if latest is not None and s.end > latest:
                yield Violation(
                    "window",
                    f"{_item(s)} ends {_at(s.end, s.end_zone)}, after its window closes "
                    f"({_at(latest, s.end_zone)})",
                    items=(s.id,),
                )


def check_days(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """Rule 2: an item with ``days`` starts on one of them (local date)."""
    for s in slots:
        if s.item.days and s.local_date not in s.item.days:
            allowed = ", ".join(f"{d.day} {d:%B}" for d in s.item.days)
            yield Violation(
                "day",
                f"{_item(s)} is planned on {_at(s.start, s.start_zone)}, but it may take place "
                f"only on {allowed}",
                items=(s.id,),
            )


def check_pins(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """Rule 3: a pinned item starts exactly at its pinned time, and one pinned by its
    arrival (``arrives``) ends exactly then, on the clock where it ends."""
    for s in slots:
        if s.item.pinned is not None:
            pinned = _wall(s.item.pinned, s.start_zone)
            if pinned is not None and s.start != pinned:
                yield Violation(
                    "pinned",
                    f"{_item(s)} is pinned at {_at(pinned, s.start_zone)}, but the plan starts "
                    f"it {_at(s.start, s.start_zone)}",
                    items=(s.id,),
                )
        if s.item.arrives is not None:
            arrives = _wall(s.item.arrives, s.end_zone)
            if arrives is not None and s.end != arrives:
                verb = s.item.mode.arrives if s.item.mode else "ends"
                yield Violation(
                    "pinned",
                    f"{_item(s)} {verb} at {s.leaves.name} {_at(arrives, s.end_zone)} (its "
                    f"'arrives'), but the plan ends it {_at(s.end, s.end_zone)}",
                    items=(s.id,),
                )


def check_programme_hours(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """Rule 4: an item that is not pinned lies within the programme hours of its local
    start date."""
    for s in slots:
        if s.item.is_pinned:
            continue
        hours, narrowed = visit.hours_for(s.item)
        day = s.local_date
        opens = _instant(day, hours.start, s.start_zone, upper=False)
        closes = _instant(day, hours.end, s.end_zone, upper=True)
        if s.start < opens or s.end > closes:
            yield Violation(
                "programme-hours",
                f"{_item(s)} runs {_at(s.start, s.start_zone)} to {_at(s.end, s.end_zone)}, "
                f"outside the programme hours ({hours.start}–{hours.end}"
                + (f", the day of {_names(visit, list(narrowed))}" if narrowed else "")
                + "); only pinned items may lie outside them",
                items=(s.id,),
                people=narrowed,
            )


def check_lodging(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """Rule 4, door to door: an attendee's day starts at the residence of the night before
    and ends at that of the night (``lodging``), so an item that is not pinned starts no
    earlier than the programme opens plus the journey from the one (and its holding time)
    and ends no later than the programme closes less the journey to the other. Where no
    road joins them, the day's movement does, and nothing is asked."""
    if not visit.lodging:
        return
    nights = visit.residence  # (person, night) -> venue, as the file says
    for s in slots:
        if s.item.is_pinned:
            continue
        hours, _ = visit.hours_for(s.item)
        day = s.local_date
        opens = _instant(day, hours.start, s.start_zone, upper=False)
        closes = _instant(day, hours.end, s.end_zone, upper=True)
        for pid in s.attendees:
            morning = visit.venue.get(nights.get((pid, day - timedelta(days=1)), ""))
            if morning is not None and morning.id != s.venue.id:
                # leaving as the programme opens: its slower hours if it opens in them
                way = travel_minutes(
                    visit.travel, morning, s.venue, leaves=(day, hours.start.minutes)
                )
                if way is not None:
                    need = way + s.item.holding_minutes
                    earliest = opens + timedelta(minutes=need)
                    if s.start < earliest:
                        slower = _slower(
                            visit, morning, s.venue, way, opens.in_timezone(s.start_zone)
                        )
                        held = f"journey and holding{', ' + slower if slower else ''}"
                        yield Violation(
                            "lodging",
                            f"{_person(visit, pid)} starts the day at {morning.name} (lodging), "
                            f"where the programme opens at {hours.start}; {_item(s)} is "
                            f"{_min(need)} away ({held}), so it starts "
                            f"{_at(earliest, s.start_zone)} at the earliest, but the plan "
                            f"starts it {_at(s.start, s.start_zone)}",
                            items=(s.id,),
                            people=(pid,),
                        )
            evening = visit.venue.get(nights.get((pid, day), ""))
            if evening is not None and evening.id != s.leaves.id:
                leaving = s.end.in_timezone(s.end_zone)  # as the item ends
                way = travel_minutes(
                    visit.travel,
                    s.leaves,
                    evening,
                    leaves=(leaving.date(), leaving.hour * 60 + leaving.minute),
                )
                if way is not None and s.end > closes - timedelta(minutes=way):
                    slower = _slower(visit, s.leaves, evening, way, leaving)
                    yield Violation(
                        "lodging",
                        f"{_person(visit, pid)} ends the day at {evening.name} (lodging), "
                        f"{_min(way)} from {s.leaves.name}{f' ({slower})' if slower else ''}, "
                        "by the close of the "
                        f"programme at {hours.end}, but '{s.item.title}' ends "
                        f"{_at(s.end, s.end_zone)}",
                        items=(s.id,),
                        people=(pid,),
                    )


def _slower(visit: Visit, a: Venue, b: Venue, minutes: int, leaving: datetime) -> str:
    """'leaving at 08:00, in the slower hours' where the way then takes other minutes than
    at most hours, else ''."""
    if minutes == travel_minutes(visit.travel, a, b):
        return ""
    return f"leaving at {leaving:%H:%M}, in the slower hours"


def _within(opening: Opening, day: date, zone: str, start: datetime, end: datetime) -> bool:
    opens = _instant(day, opening.open, zone, upper=False)
    closes = _instant(day, opening.close, zone, upper=True)
    return opens <= start and end <= closes


def check_venue_hours(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """Rule 5: an item lies within one opening-hours rule of its venue that applies on its
    local date; a flight is checked at its departure instant only."""
    for s in slots:
        if not s.venue.opening:
            continue
        day = s.local_date
        rules = [o for o in s.venue.opening if not o.dates or day in o.dates]
        end = s.start if s.moves else s.end
        if any(_within(o, day, s.start_zone, s.start, end) for o in rules):
            continue
        hours = ", ".join(f"{o.open}–{o.close}" for o in rules)
        when = (
            f"{s.item.mode.departs if s.item.mode else 'leaves'} {_at(s.start, s.start_zone)}"
            if s.moves
            else f"runs {_at(s.start, s.start_zone)} to {_at(s.end, s.start_zone)}"
        )
        why = f"it is open {hours}" if rules else f"it is closed on {day.day} {day:%B}"
        yield Violation(
            "venue-hours",
            f"'{s.item.title}' {when} at {s.venue.name}, but {why}",
            items=(s.id,),
        )


def check_exclusive_venues(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """Rule 6: an exclusive venue hosts one item at a time (movements, and items that end
    elsewhere, do not occupy it)."""
    grounded = [s for s in slots if not s.moves and s.venue.exclusive]
    at: dict[str, list[int]] = {}
    for n, s in enumerate(grounded):
        at.setdefault(s.venue.id, []).append(n)
    overlapping: list[tuple[int, int]] = []
    for indices in at.values():
        ordered = sorted(indices, key=lambda n: grounded[n].start)
        for k, n in enumerate(ordered):
            a = grounded[n]
            for m in ordered[k + 1 :]:
                if grounded[m].start >= a.end:
                    break  # in order of start: none after it overlaps ``a`` either
                if a.start < grounded[m].end:
                    overlapping.append((min(n, m), max(n, m)))
    for n, m in sorted(overlapping):  # in the order of the slots, as they are reported
        a, b = grounded[n], grounded[m]
        yield Violation(
            "exclusive-venue",
            f"{a.venue.name} hosts one item at a time, but '{a.item.title}' "
            f"({_at(a.start, a.start_zone)} to {_at(a.end, a.end_zone)}) and "
            f"'{b.item.title}' ({_at(b.start, b.start_zone)} to "
            f"{_at(b.end, b.end_zone)}) overlap",
            items=(a.id, b.id),
        )


def _heads(s: _Slot) -> int:
    """How many people are at a slot: its attendees and the item's groups ('guests')."""
    return len(s.attendees) + s.item.group_count


def _crowd(s: _Slot) -> str:
    """'12 attendees', or '12 attendees and about 300 pupils (300)'."""
    said = f"{len(s.attendees)} attendees"
    if s.item.guests:
        said += " and " + ", ".join(f"{g.label} ({g.count})" for g in s.item.guests)
    return said


def check_capacity(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """Rule 7: no item has more people (attendees and groups) than its venue holds; at a
    non-exclusive venue, neither have all the items under way at any moment together."""
    for s in slots:
        cap = s.venue.capacity
        if cap is not None and _heads(s) > cap:
            yield Violation(
                "capacity",
                f"{_item(s)} has {_crowd(s)}, but {s.venue.name} holds at most {cap}",
                items=(s.id,),
            )
    reported: set[frozenset[str]] = set()
    held: dict[str, list[_Slot]] = {}  # per venue, in the order of the slots
    for o in slots:
        if not o.moves:
            held.setdefault(o.venue.id, []).append(o)
    for s in slots:
        cap = s.venue.capacity
        if s.moves or s.venue.exclusive or cap is None:
            continue
        moment = s.start
        under_way = [o for o in held[s.venue.id] if o.start <= moment < o.end]
        total = sum(_heads(o) for o in under_way)
        key = frozenset(o.id for o in under_way)
        if len(under_way) > 1 and total > cap and key not in reported:
            reported.add(key)
            titles = ", ".join(f"'{o.item.title}' ({_heads(o)})" for o in under_way)
            yield Violation(
                "capacity",
                f"at {_at(moment, s.start_zone)}, {s.venue.name} holds at most {cap}, but "
                f"{total} people are there for {titles}",
                items=tuple(o.id for o in under_way),
            )


def check_seats(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """Rule 7: a movement carries no more people than the seats reserved on it."""
    for s in slots:
        seats = s.item.seats
        if seats is not None and len(s.attendees) > seats:
            yield Violation(
                "capacity",
                f"'{s.item.title}' carries {len(s.attendees)} people, but {seats} seats are "
                "reserved on it",
                items=(s.id,),
            )


def check_order(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """Rule 8: the ordering rules of items (after/before with min and max gap, same day),
    when both items are scheduled."""
    by_id = {s.id: s for s in slots}
    for s in slots:
        for rule in s.item.order:
            other = by_id.get(rule.other)
            if other is None:
                continue
            first, then = (other, s) if rule.after else (s, other)
            gap = _minutes(then.start - first.end)
            ids = (s.id, other.id)
            head = (
                f"'{then.item.title}' must start at least {_min(rule.min_gap)} after "
                f"'{first.item.title}' ends"
                if rule.min_gap
                else f"'{then.item.title}' must not start before '{first.item.title}' ends"
            )
            where = (
                f"'{first.item.title}' ends {_at(first.end, first.end_zone)} and "
                f"'{then.item.title}' starts {_at(then.start, then.start_zone)}"
            )
            if then.start < first.end + timedelta(minutes=rule.min_gap):
                yield Violation("order", f"{head}, but {where}", items=ids)
            if rule.max_gap is not None and then.start > first.end + timedelta(
                minutes=rule.max_gap
            ):
                yield Violation(
                    "order",
                    f"'{then.item.title}' must start within {_min(rule.max_gap)} of the end of "
                    f"'{first.item.title}', but {where} ({_min(gap)} apart)",
                    items=ids,
                )
            if rule.same_day and s.local_date != other.local_date:
                yield Violation(
                    "order",
                    f"'{s.item.title}' and '{other.item.title}' must take place on the same "
                    f"day, but start {_at(s.start, s.start_zone)} and "
                    f"{_at(other.start, other.start_zone)}",
                    items=ids,
                )


def check_presence(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """Rule 9: an attendee with presence entries attends only while present in the city
    of the venue (a flight: in the departure city at take-off and the arrival city at
    landing). Attendees with the same stays there are named together."""
    spans: dict[str, list[tuple[str, pendulum.DateTime, pendulum.DateTime]]] = {}  # stays
    for s in slots:
        if s.moves:
            mode = s.item.mode
            leave, reach = (mode.departs, mode.arrives) if mode else ("leaves", "ends")
            checks = [
                (s.venue, s.start, s.start, leave.removesuffix("s").replace("takes", "take")),
                (s.leaves, s.end, s.end, reach.removesuffix("s")),
            ]
        else:
            checks = [(s.venue, s.start, s.end, "")]
        for venue, start, end, moment in checks:
            absent: dict[tuple[tuple[pendulum.DateTime, pendulum.DateTime], ...], list[str]] = {}
            for pid in s.attendees:
                person = visit.person.get(pid)
                if person is None or not person.presence:
                    continue
                if pid not in spans:
                    spans[pid] = [(c, _utc(a), _utc(d)) for c, a, d in stays(visit, person)]
                there = tuple((a, d) for c, a, d in spans[pid] if visit.same_place(c, venue.city))
                if not any(a <= start and end <= d for a, d in there):
                    absent.setdefault(there, []).append(pid)
            if not absent:
                continue
            zone = visit.venue_zone(venue.id)
            city = _city(visit, venue)
            what = (
                f"'{s.item.title}' is to {moment} at {venue.name} ({city}) at {_at(start, zone)}"
                if moment
                else f"{_item(s)} in {city} runs {_at(start, zone)} to {_at(end, zone)}"
            )
            for there, people in absent.items():
                names = _names(visit, people)
                verb = "is" if len(people) == 1 else "are"
                known = (
                    f"{names} {verb} in {city} only "
                    + " and ".join(f"from {_at(a, zone)} to {_at(d, zone)}" for a, d in there)
                    if there
                    else f"{names} {verb} not in {city} during the visit"
                )
                yield Violation(
                    "presence",
                    f"{what}, but {known} (see their presence)",
                    items=(s.id,),
                    people=tuple(people),
                )


def check_conventions(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """Rule 10: the hard conventions in force (order and time of day)."""
    for rule in visit.rules():
        if rule.strength is not Strength.HARD:
            continue
        if isinstance(rule, OrderConvention):
            yield from _order_convention(visit, rule, slots)
        elif isinstance(rule, TimeOfDayConvention):
            yield from _time_of_day_convention(
                rule, [s for s in slots if visit.covers(rule, s.item)]
            )


def _order_convention(
    visit: Visit, rule: OrderConvention, slots: list[_Slot]
) -> Iterator[Violation]:
    covered = [s for s in slots if visit.covers(rule, s.item)]  # a leg's customs: its cities
    for a in covered:
        if a.item.kind not in rule.first:
            continue
        for b in covered:
            if b is a or b.item.kind not in rule.then:
                continue
            shared = [p for p in a.item.attendees if p in b.item.attendees]
            if not shared:
                continue
            if rule.same_day_only and a.local_date != b.local_date:
                continue
            if a.end > b.start:
                yield Violation(
                    "convention",
                    f"{rule.description} (convention '{rule.id}'), but '{a.item.title}' ends "
                    f"{_at(a.end, a.end_zone)} and '{b.item.title}' starts "
                    f"{_at(b.start, b.start_zone)}",
                    items=(a.id, b.id),
                    people=tuple(shared),
                )


def _time_of_day_convention(rule: TimeOfDayConvention, slots: list[_Slot]) -> Iterator[Violation]:
    for s in slots:
        if s.item.kind not in rule.kinds:
            continue
        day = s.local_date
        earliest = _instant(day, rule.start_from, s.start_zone, upper=False)
        latest = _instant(day, rule.start_until, s.start_zone, upper=True)
        if not earliest <= s.start <= latest:
            yield Violation(
                "convention",
                f"{rule.description} (convention '{rule.id}': starts {rule.start_from}–"
                f"{rule.start_until}), but {_item(s)} starts {_at(s.start, s.start_zone)}",
                items=(s.id,),
            )


def check_day_parts(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """Rule 2: an item whose window names a part of the day starts within it, on the
    clock of its venue: from its ``from`` up to (not including) its ``until``, which for
    a part that crosses midnight is on the next day."""
    for s in slots:
        name = s.item.window.day_part if s.item.window else None
        if name is None:
            continue
        found = visit.day_part(name, s.venue.id)
        if found is None:
            continue  # check refuses it
        part, source = found
        day = s.local_date
        spans = [(day, day + timedelta(days=1) if part.crosses_midnight else day)]
        if part.crosses_midnight:
            spans.append((day - timedelta(days=1), day))
        within = False
        for first, last in spans:
            opens = _instant(first, part.from_, s.start_zone, upper=False)
            closes = _instant(last, part.until, s.start_zone, upper=True)
            within = within or opens <= s.start < closes
        if not within:
            yield Violation(
                "day-part",
                f"{_item(s)} is to start in the {name} ({part.from_} to {part.until}, "
                f"{source}), but starts {_at(s.start, s.start_zone)}",
                items=(s.id,),
            )


def check_around(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """Rule 2: an item written 'around' a time starts within its tolerance of it (a
    time of day: of that time on the day it takes place, or the next or the day before,
    whichever is nearest)."""
    for s in slots:
        around = s.item.around
        if around is None:
            continue
        tolerance = timedelta(minutes=s.item.around_tolerance)
        if isinstance(around, WallTime):
            target = _wall(around, s.start_zone)
            targets = [] if target is None else [target]
        else:
            day = s.local_date
            targets = [
                _instant(d, around, s.start_zone, upper=False)
                for d in (day - timedelta(days=1), day, day + timedelta(days=1))
            ]
        if not targets:
            continue
        nearest = min(targets, key=lambda t: abs(s.start - t))
        if abs(s.start - nearest) > tolerance:
            away = _minutes(abs(s.start - nearest))
            yield Violation(
                "around",
                f"{_item(s)} is written around {_at(nearest, s.start_zone)} "
                f"(± {_min(s.item.around_tolerance)}), but starts "
                f"{_at(s.start, s.start_zone)}, {_min(away)} away",
                items=(s.id,),
            )


def check_unavailable(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """Rule 11: nothing takes place in a city or at a venue while it is unavailable, and
    nobody listed attends while unavailable. An item overlaps the span when it starts
    before its end and ends after its start; a movement (an item that ends elsewhere) is
    at its departure only when it leaves and at its arrival only when it gets there, each
    instant strictly within the span to count."""
    for entry in visit.unavailable:
        zone = visit.unavailable_zone(entry)
        try:
            since, until = (_utc(t) for t in visit.unavailable_span(entry))
        except TimeProblem:
            continue
        span = f"from {_at(since, zone)} until {_at(until, zone)} ({entry.reason})"
        for s in slots:
            if entry.kind == "person":
                if entry.person in s.attendees and since < s.end and s.start < until:
                    yield Violation(
                        "unavailable",
                        f"{_person(visit, entry.what)} attends {_item(s)} "
                        f"({_at(s.start, s.start_zone)} to {_at(s.end, s.end_zone)}), but is "
                        f"unavailable {span}",
                        items=(s.id,),
                        people=(entry.what,),
                    )
                continue
            for venue, moment in _where_and_when(s):
                where = venue.id if entry.kind == "venue" else venue.city
                if where != entry.what:
                    continue
                if moment is None:
                    clash = since < s.end and s.start < until
                    what = (
                        f"{_item(s)} runs {_at(s.start, s.start_zone)} to {_at(s.end, s.end_zone)}"
                    )
                else:
                    verb, instant = moment
                    clash = since < instant < until
                    what = (
                        f"'{s.item.title}' {verb} {venue.name} "
                        f"{_at(instant, visit.venue_zone(venue.id))}"
                    )
                if clash:
                    name = venue.name if entry.kind == "venue" else _city(visit, venue)
                    yield Violation(
                        "unavailable",
                        f"{what}, but {name} is unavailable {span}",
                        items=(s.id,),
                    )


def _where_and_when(
    s: _Slot,
) -> list[tuple[Venue, tuple[str, pendulum.DateTime] | None]]:
    """Where an item is, and when: its venue throughout; a movement's departure when it
    leaves and its arrival when it gets there."""
    if not s.moves:
        return [(s.venue, None)]
    mode = s.item.mode
    leave, reach = (mode.departs, mode.arrives) if mode else ("leaves", "ends")
    return [(s.venue, (f"{leave} from", s.start)), (s.leaves, (f"{reach} at", s.end))]


def milestone_instant(s: _Slot, n: int) -> pendulum.DateTime:
    """When the item's milestone ``n`` takes place as planned: its offset after the start,
    or the first instant at or after the start when the clock where it starts shows its
    time of day."""
    moment = s.item.milestones[n]
    if moment.at is None:
        return s.start + timedelta(minutes=moment.after or 0)
    day = s.start.in_timezone(s.start_zone).date()
    found = _instant(day, moment.at, s.start_zone, upper=False)
    if found < s.start:
        found = _instant(day + timedelta(days=1), moment.at, s.start_zone, upper=False)
    return found


def check_milestones(visit: Visit, slots: list[_Slot]) -> Iterator[Violation]:
    """Milestones (docs/scheduling-rules.md): each milestone of an item falls within the
    item as planned (its start and end included): a milestone at a time of day ('gift
    exchange 11:40') binds where the item is placed."""
    for s in slots:
        for n, moment in enumerate(s.item.milestones):
            at = milestone_instant(s, n)
            if s.start <= at <= s.end:
                continue
            when = (
                f"at {moment.at}"
                if moment.at is not None
                else f"{_min(moment.after or 0)} after its start"
            )
            yield Violation(
                "milestone",
                f"'{moment.title}' takes place {when}, within {_item(s)}, but the plan has "
                f"the item from {_at(s.start, s.start_zone)} to {_at(s.end, s.end_zone)}",
                items=(s.id,),
            )
