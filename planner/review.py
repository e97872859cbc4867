"""Plan review: what a protocol officer would question in a plan that breaks no rule.

A valid plan (planner.validate) can still be one nobody would send out: a banquet at
10:25, a wreath laid after dark, a president without lunch, an embassy wait of two
hours. ``review`` reads a plan as the office would and lists each such concern with its
item and a one-line reason. Every check is about the guest's principal party (its
principals, spouses and ministers: the people whose day the programme is), on their own
clocks (each item read in its venue's zone):

- **banquet before 18:00**: a banquet (or a custom kind named a dinner or banquet) that
  starts before 18:00 local;
- **memorial after dark**: a wreath-laying or memorial visit that ends after sunset at
  its venue (computed from the venue's coordinates, or another venue of its city);
- **no lunch**: on a day whose items run from before 12:00 to after 14:00, no lunch item
  and no free 45 minutes between 11:30 and 14:30 (journeys and holding times are not
  free time: the free stretch is before the journey to the next item or after it); a
  flight or train of an hour or more, 45 minutes of it in that window, serves a meal
  aboard; a day the visit's `meals` waives lunch for is not questioned;
- **hole**: more than 90 minutes idle between two consecutive items of a principal's or
  a spouse's day (after the journey and the holding time; a minister's hours between the
  programme's items are their own ministry's), unless the person can spend the wait, 30 minutes at
  least, at their residence (lodging) or the wait is at it;
- **thin slack**: arriving at a pinned item or a departure (a departure ceremony, a
  flight, a train) from another venue with under 10 minutes to spare, when the item before
  is not pinned too (the plan could have given more);
- **long day**: more than 14 hours from the first start to the last end of a day
  (elapsed time), unless the first and the last items are both pinned (the host or the
  timetable set the day's length);
- **spouse alone**: a spouse in a city (where they lodge, or stay) on a day when they have
  no item there and the person they accompany has items elsewhere.

A hole and thin slack are the plan's doing only where it could have done better: each
is a concern when moving one of its two items (the later one earlier, the earlier one
later; a pinned item never moves) by five minutes or more breaks no rule of the
independent validator, the rest of the plan unchanged. A wait the file's own facts force
(the spouse waits while the presidents talk, then all lunch together) is not the plan's
to mend; it is for the office to fill, and `planner check` shows the facts that make it.

The checks read the visit and the plan, and ask the validator; they solve nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache, cached_property
from itertools import pairwise

import pendulum

from planner.model.breaks import (
    HOLE_MINUTES,
    LUNCH_ABOARD_MINUTES,
    LUNCH_FROM,
    LUNCH_MINUTES,
    LUNCH_UNTIL,
    waived,
)
from planner.model.clock import WallTime, tz
from planner.model.items import MEMORIALS, Item, ItemKind
from planner.model.movements import Mode
from planner.model.people import Role, Side
from planner.model.travel import travel_minutes
from planner.model.venues import Venue
from planner.model.visit import Visit
from planner.plan import Plan, PlannedItem, Status

BANQUET_FROM = 18 * 60  # a banquet starts at or after 18:00 local
MIDDAY = (12 * 60, 14 * 60)  # a day with items before the first and after the second
REST_AT_RESIDENCE = 30  # minutes at the residence that make a wait a rest, not a hole
SLACK_MINUTES = 10
LONG_DAY_MINUTES = 14 * 60
NEAR = timedelta(hours=1)  # what a move of a few minutes can clash with at a venue

PARTY = frozenset({Role.PRINCIPAL, Role.SPOUSE, Role.MINISTER})
# whose waits are holes: a minister's hours between the programme's items are their own
# (their ministry's business, their counterpart's office), not a wait the office planned
WAITERS = frozenset({Role.PRINCIPAL, Role.SPOUSE})

CHECKS = {
    "banquet-early": "banquet before 18:00",
    "memorial-after-dark": "memorial after dark",
    "no-lunch": "no lunch",
    "hole": "hole in the day",
    "thin-slack": "thin slack before a fixed time",
    "long-day": "long day",
    "spouse-alone": "spouse alone",
}


@dataclass(frozen=True)
class Concern:
    """One thing to question: the check, the item (when one is at fault), the people,
    the instant it is about (for ordering) and a one-line reason."""

    check: str
    at: datetime
    text: str
    item: str | None = None
    people: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Slot:
    """A scheduled item as one attendee lives it."""

    planned: PlannedItem
    item: Item
    start: pendulum.DateTime  # in the zone of its venue
    end: pendulum.DateTime  # in the zone of where it ends
    venue: Venue
    leaves: Venue  # where it leaves its people
    day: date = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "day", self.start.date())


def review(visit: Visit, plan: Plan) -> list[Concern]:
    """Every concern of the plan, in time order (see the module's docstring)."""
    slots = _slots(visit, plan)
    days = _days_of(visit, slots)
    could = _Moves(visit, plan, days)
    found: list[Concern] = [
        *_banquets(slots),
        *_memorials(visit, slots),
        *_lunches(visit, days),
        *_holes(visit, days, could),
        *_slack(visit, days, could),
        *_long_days(visit, days),
        *_spouses(visit, days),
    ]
    found.sort(key=lambda c: (c.at, c.check, c.item or "", c.people))
    return found


def party(visit: Visit) -> list[str]:
    """The guest's principals, spouses and ministers, by precedence."""
    people = [p for p in visit.people if p.side is Side.GUEST and p.role in PARTY]
    return [p.id for p in sorted(people, key=lambda p: (p.precedence, p.id))]


def _slots(visit: Visit, plan: Plan) -> list[_Slot]:
    slots: list[_Slot] = []
    for planned in plan.items:
        item = visit.item.get(planned.id)
        start, end = planned.start_at(), planned.end_at()
        if planned.status is not Status.SCHEDULED or item is None or not start or not end:
            continue
        venue = visit.venue.get(planned.venue or item.venues[0])
        if venue is None:
            continue
        leaves = visit.venue.get(planned.arrival_venue or "", venue)
        slots.append(_Slot(planned, item, start, end, venue, leaves))
    slots.sort(key=lambda s: (s.start, s.end, s.item.id))
    return slots


def _days_of(visit: Visit, slots: list[_Slot]) -> dict[str, dict[date, list[_Slot]]]:
    """Each member of the party → their local days → their items of that day in order."""
    days: dict[str, dict[date, list[_Slot]]] = {pid: {} for pid in party(visit)}
    for slot in slots:
        for pid in slot.planned.attendees:
            if pid in days:
                days[pid].setdefault(slot.day, []).append(slot)
    return days


def _clock(instant: datetime) -> str:
    return f"{instant.hour:02d}:{instant.minute:02d}"


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _name(visit: Visit, pid: str) -> str:
    return visit.person[pid].name


def _journey(visit: Visit, a: _Slot, b: _Slot) -> int | None:
    """Minutes from where ``a`` leaves its people to ``b``'s venue, at the hour they
    leave; 0 at the same venue; None where no road joins them."""
    if a.leaves.id == b.venue.id:
        return 0
    leaving = a.end
    return travel_minutes(
        visit.travel, a.leaves, b.venue, leaves=(leaving.date(), leaving.hour * 60 + leaving.minute)
    )


class _Moves:
    """Whether moving one scheduled item by some minutes, the rest of the plan unchanged,
    would be better: it breaks no rule the plan keeps now (the independent validator
    decides, on the items of the day before to the day after: what a few hours' move can
    touch) and it makes no member of the party wait more than HOLE_MINUTES where they did
    not (or longer where they did): a move that only passes a wait on is no better."""

    STEP = 5

    def __init__(self, visit: Visit, plan: Plan, days: dict[str, dict[date, list[_Slot]]]) -> None:
        self.visit, self.plan, self.days = visit, plan, days
        self._known: dict[tuple[str, int], bool] = {}

    def allowed(self, slot: _Slot, minutes: int) -> bool:
        """Whether ``slot`` may move by ``minutes`` (later when positive)."""
        if slot.item.is_pinned or minutes == 0:
            return False
        key = (slot.item.id, minutes)
        if key not in self._known:
            self._known[key] = not self._passes_on(slot, minutes) and self._check(slot, minutes)
        return self._known[key]

    def _passes_on(self, slot: _Slot, minutes: int) -> bool:
        """Whether the move lengthens a wait of over HOLE_MINUTES, or makes one, for a
        member of the party at the item (the wait after it when it moves earlier, the
        wait before it when it moves later)."""
        for pid in slot.planned.attendees:
            items = self.days.get(pid, {}).get(slot.day, [])
            at = next((n for n, s in enumerate(items) if s.item.id == slot.item.id), None)
            if at is None:
                continue
            if (minutes < 0 and at + 1 >= len(items)) or (minutes > 0 and at == 0):
                continue
            pair = (items[at], items[at + 1]) if minutes < 0 else (items[at - 1], items[at])
            idle = _idle(self.visit, *pair)
            longer = idle is not None and idle + abs(minutes) > HOLE_MINUTES
            if longer and not _rests_at_residence(self.visit, pid, *pair):
                return True
        return False

    def _check(self, slot: _Slot, minutes: int) -> bool:
        from planner.validate import check_scheduled

        shift = timedelta(minutes=minutes)
        moved = slot.planned.model_copy(
            update={
                "start": WallTime.of(slot.start + shift, slot.start.timezone_name or ""),
                "end": WallTime.of(slot.end + shift, slot.end.timezone_name or ""),
            }
        )
        items = tuple(moved if p.id == slot.item.id else p for p in self._near(slot))
        found = check_scheduled(self.visit, self.plan.model_copy(update={"items": items}))
        return not any(v.severity == "error" and slot.item.id in v.items for v in found)

    def _near(self, slot: _Slot) -> list[PlannedItem]:
        """The items a move of ``slot`` by a few minutes can clash with: each attendee's
        items just before and after it (however far: the journey between them), those at
        its venue under way within NEAR of it (the venue held, its capacity), and those it
        is ordered with (an order's gap may be long)."""
        first, last = slot.start - NEAR, slot.end + NEAR
        wanted = {o.other for o in slot.item.order} | self._ordered.get(slot.item.id, set())
        for pid in slot.planned.attendees:
            sequence = self._sequences.get(pid, [])
            at = next((n for n, p in enumerate(sequence) if p.id == slot.item.id), None)
            if at is not None:
                wanted.update(p.id for p in sequence[max(at - 1, 0) : at + 2])
        for p, start, end in self._at_venue.get(slot.planned.venue or "", []):
            if start <= last and end >= first:
                wanted.add(p.id)
        return [p for p in self.plan.items if p.id in wanted]

    @cached_property
    def _scheduled(self) -> list[tuple[PlannedItem, datetime, datetime]]:
        found: list[tuple[PlannedItem, datetime, datetime]] = []
        for p in self.plan.items:
            start, end = p.start_at(), p.end_at()
            if p.status is Status.SCHEDULED and start is not None and end is not None:
                found.append((p, start, end))
        found.sort(key=lambda t: (t[1], t[0].id))
        return found

    @cached_property
    def _sequences(self) -> dict[str, list[PlannedItem]]:
        """Each person → their scheduled items in order of start."""
        found: dict[str, list[PlannedItem]] = {}
        for p, _, _ in self._scheduled:
            for pid in p.attendees:
                found.setdefault(pid, []).append(p)
        return found

    @cached_property
    def _at_venue(self) -> dict[str, list[tuple[PlannedItem, datetime, datetime]]]:
        found: dict[str, list[tuple[PlannedItem, datetime, datetime]]] = {}
        for entry in self._scheduled:
            found.setdefault(entry[0].venue or "", []).append(entry)
        return found

    @cached_property
    def _ordered(self) -> dict[str, set[str]]:
        """Item → the items whose ``order`` names it."""
        found: dict[str, set[str]] = {}
        for item in self.visit.items:
            for order in item.order:
                found.setdefault(order.other, set()).add(item.id)
        return found


# -- banquets and memorials -----------------------------------------------------------------


def _is_banquet(item: Item) -> bool:
    if item.kind is ItemKind.BANQUET:
        return True
    name = (item.custom_kind or "").lower() if item.kind is ItemKind.CUSTOM else ""
    return "banquet" in name or "dinner" in name


def _banquets(slots: list[_Slot]) -> Iterator[Concern]:
    for s in slots:
        if _is_banquet(s.item) and s.start.hour * 60 + s.start.minute < BANQUET_FROM:
            yield Concern(
                "banquet-early",
                s.start,
                f"{s.item.title}: a banquet starting at {_clock(s.start)}, before 18:00",
                s.item.id,
            )


def _memorials(visit: Visit, slots: list[_Slot]) -> Iterator[Concern]:
    for s in slots:
        if s.item.kind not in MEMORIALS:
            continue
        sunset = _sunset(visit, s.venue, s.start.date(), s.start.timezone_name or visit.timezone)
        if sunset is not None and s.end > sunset:
            yield Concern(
                "memorial-after-dark",
                s.start,
                f"{s.item.title}: a {s.item.kind_label} ending at {_clock(s.end)}, after "
                f"sunset ({_clock(sunset)} at {s.venue.name})",
                s.item.id,
            )


def _sunset(visit: Visit, venue: Venue, day: date, zone: str) -> pendulum.DateTime | None:
    """Sunset at the venue on ``day`` (local), from its coordinates or, for a venue
    without, those of another venue of its city; None where nothing in the city is
    located (or the sun does not set)."""
    located = venue if venue.located else None
    if located is None:
        located = next((v for v in visit.venues if v.city == venue.city and v.located), None)
    if located is None or located.lat is None or located.lon is None:
        return None
    return _sunset_at(round(located.lat, 3), round(located.lon, 3), day, zone)


@cache
def _sunset_at(lat: float, lon: float, day: date, zone: str) -> pendulum.DateTime | None:
    from astral import Observer
    from astral.sun import sunset

    try:
        when = sunset(Observer(latitude=lat, longitude=lon), date=day, tzinfo=tz(zone))
    except ValueError:  # polar day or night: no sunset that day
        return None
    return pendulum.instance(when).in_timezone(tz(zone))


# -- the day of each member of the party --------------------------------------------------


def _local(instant: pendulum.DateTime, minutes: int) -> pendulum.DateTime:
    """``minutes`` after midnight on the local date of ``instant``, in its zone."""
    midnight = instant.start_of("day")
    return midnight.add(minutes=minutes)


def _is_meal_aboard(s: _Slot) -> bool:
    long_enough = _minutes(s.end - s.start) >= LUNCH_ABOARD_MINUTES
    return s.item.mode in (Mode.FLIGHT, Mode.TRAIN) and long_enough


def _lunches(visit: Visit, days: dict[str, dict[date, list[_Slot]]]) -> Iterator[Concern]:
    for pid, of_day in days.items():
        for items in of_day.values():
            first, last = items[0], items[-1]
            noon = _local(first.start, MIDDAY[0])
            if not (first.start < noon and last.end > _local(noon, MIDDAY[1])):
                continue
            if waived(visit.meals, "lunch", pid, first.day) or _has_lunch(visit, items):
                continue  # the file says no lunch is wanted that day (with its reason)
            yield Concern(
                "no-lunch",
                noon,
                f"{_name(visit, pid)} has no lunch on {first.day:%-d %B}: no lunch item and "
                f"no free {LUNCH_MINUTES} min between {LUNCH_FROM} and {LUNCH_UNTIL}",
                None,
                (pid,),
            )


def _has_lunch(visit: Visit, items: list[_Slot]) -> bool:
    window_from = _local(items[0].start, LUNCH_FROM.minutes)
    window_until = _local(items[0].start, LUNCH_UNTIL.minutes)
    for s in items:
        overlap = min(s.end, window_until) - max(s.start, window_from)
        if s.item.kind is ItemKind.LUNCH and s.start < window_until and s.end > window_from:
            return True
        if _is_meal_aboard(s) and _minutes(overlap) >= LUNCH_MINUTES:
            return True
    for a, b in pairwise(items):  # free: before the journey on, or after it
        journey = _journey(visit, a, b) or 0
        holding = b.item.holding_minutes if a.leaves.id != b.venue.id else 0
        for free_from, free_until in (
            (a.end, b.start.subtract(minutes=journey + holding)),  # then the journey
            (a.end.add(minutes=journey), b.start.subtract(minutes=holding)),  # there first
        ):
            lunch = min(free_until, window_until) - max(free_from, window_from)
            if _minutes(lunch) >= LUNCH_MINUTES:
                return True
    before = _minutes(items[0].start - window_from)
    after = _minutes(window_until - items[-1].end)
    return before >= LUNCH_MINUTES or after >= LUNCH_MINUTES


def _rests_at_residence(visit: Visit, pid: str, a: _Slot, b: _Slot) -> bool:
    """Whether the wait between ``a`` and ``b`` can be spent at one of the person's
    residences, REST_AT_RESIDENCE minutes at least, or is spent at it."""
    homes = visit.homes.get(pid, ())
    if a.leaves.id in homes or b.venue.id in homes:
        return True
    gap = _minutes(b.start - a.end) - b.item.holding_minutes
    for home_id in homes:
        home = visit.venue.get(home_id)
        if home is None:
            continue
        there = travel_minutes(visit.travel, a.leaves, home)
        on = travel_minutes(visit.travel, home, b.venue)
        if there is not None and on is not None and gap - there - on >= REST_AT_RESIDENCE:
            return True
    return False


def _holes(
    visit: Visit, days: dict[str, dict[date, list[_Slot]]], could: _Moves
) -> Iterator[Concern]:
    for pid, of_day in days.items():
        if visit.person[pid].role not in WAITERS:
            continue
        for items in of_day.values():
            for a, b in pairwise(items):
                idle = _idle(visit, a, b)
                if idle is None or idle <= HOLE_MINUTES or _rests_at_residence(visit, pid, a, b):
                    continue
                step = _Moves.STEP
                if could.allowed(b, -step):
                    how = f"'{b.item.title}' could start earlier"
                elif could.allowed(a, step):
                    how = f"'{a.item.title}' could take place later"
                else:
                    continue  # the file's facts make the wait: not the plan's to mend
                yield Concern(
                    "hole",
                    a.end,
                    f"{_name(visit, pid)} waits {_length(idle)} between '{a.item.title}' "
                    f"(until {_clock(a.end)}) and '{b.item.title}' (at {_clock(b.start)}); "
                    f"{how}",
                    b.item.id,
                    (pid,),
                )


def _idle(visit: Visit, a: _Slot, b: _Slot) -> int | None:
    """Minutes between two consecutive items of a person that are neither the journey
    nor the holding time; None where no road joins them."""
    journey = _journey(visit, a, b)
    if journey is None:
        return None
    holding = b.item.holding_minutes if a.leaves.id != b.venue.id else 0
    return _minutes(b.start - a.end) - journey - holding


def _length(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if hours else f"{rest} min"


def _fixed(item: Item) -> bool:
    """A pinned item or a departure: what a principal must reach with time to spare."""
    return (
        item.is_pinned
        or item.kind is ItemKind.DEPARTURE_CEREMONY
        or item.mode in (Mode.FLIGHT, Mode.TRAIN)
    )


def _slack(
    visit: Visit, days: dict[str, dict[date, list[_Slot]]], could: _Moves
) -> Iterator[Concern]:
    found: dict[tuple[str, str], list[str]] = {}
    spare_of: dict[tuple[str, str], tuple[int, _Slot, _Slot]] = {}
    for pid, of_day in days.items():
        for items in of_day.values():
            for a, b in pairwise(items):
                if not _fixed(b.item) or a.item.is_pinned or a.leaves.id == b.venue.id:
                    continue
                journey = _journey(visit, a, b)
                if journey is None:
                    continue
                spare = _minutes(b.start - a.end) - journey - b.item.holding_minutes
                if spare < SLACK_MINUTES and could.allowed(a, -_Moves.STEP):
                    key = (a.item.id, b.item.id)
                    found.setdefault(key, []).append(pid)
                    worst = spare_of.get(key)
                    if worst is None or spare < worst[0]:
                        spare_of[key] = (spare, a, b)
    for key, people in found.items():
        spare, a, b = spare_of[key]
        names = ", ".join(_name(visit, p) for p in people)
        verb = "reaches" if len(people) == 1 else "reach"
        yield Concern(
            "thin-slack",
            b.start,
            f"{names} {verb} '{b.item.title}' (fixed at {_clock(b.start)}) from "
            f"'{a.item.title}' with {spare} min to spare, under {SLACK_MINUTES}; "
            f"'{a.item.title}' could end earlier",
            b.item.id,
            tuple(people),
        )


def _long_days(visit: Visit, days: dict[str, dict[date, list[_Slot]]]) -> Iterator[Concern]:
    for pid, of_day in days.items():
        for items in of_day.values():
            first = items[0]
            last = max(items, key=lambda s: _day_end(visit, pid, s))
            length = _minutes(_day_end(visit, pid, last) - first.start)
            if length <= LONG_DAY_MINUTES or (first.item.is_pinned and last.item.is_pinned):
                continue
            yield Concern(
                "long-day",
                first.start,
                f"{_name(visit, pid)}'s day on {first.day:%-d %B} lasts {_length(length)} "
                f"({_clock(first.start)} '{first.item.title}' to "
                f"{_clock(_day_end(visit, pid, last))} "
                f"'{last.item.title}'), over 14 h",
                None,
                (pid,),
            )


def _day_end(visit: Visit, pid: str, s: _Slot) -> pendulum.DateTime:
    """When an item ends the person's day: its end, or for the movement they spend the
    night aboard (a lodging aboard it, or one that lands on a later date: the overnight
    flight home), its start."""
    night = visit.aboard.get((pid, s.day))
    overnight = s.item.moves and s.end.date() > s.start.date()
    return s.start if night == s.item.id or overnight else s.end


def _spouses(visit: Visit, days: dict[str, dict[date, list[_Slot]]]) -> Iterator[Concern]:
    for pid in days:
        person = visit.person[pid]
        partner = person.spouse_of
        if person.role is not Role.SPOUSE or partner is None or partner not in visit.person:
            continue
        theirs = _cities_by_day(days.get(partner))
        for day in visit.days:
            city = _where(visit, pid, day)
            if city is None:
                continue
            elsewhere = theirs.get(day, set())
            if days[pid].get(day) or not elsewhere or city in elsewhere:
                continue
            names = ", ".join(sorted(visit.city[c].name for c in elsewhere if c in visit.city))
            at = pendulum.datetime(day.year, day.month, day.day, 12, tz=tz(visit.timezone))
            yield Concern(
                "spouse-alone",
                at,
                f"{person.name} is in {visit.city[city].name} on {day:%-d %B} with no item "
                f"there, while {visit.person[partner].name} is in {names}",
                None,
                (pid,),
            )


def _cities_by_day(of_day: dict[date, list[_Slot]] | None) -> dict[date, set[str]]:
    if of_day is None:  # not a member of the party: read their items from the plan
        return {}
    return {
        day: {s.venue.city for s in items} | {s.leaves.city for s in items}
        for day, items in of_day.items()
    }


def _where(visit: Visit, pid: str, day: date) -> str | None:
    """The city a person is in on ``day``: where they lodge that night (or the night
    before), else the city of a stay that covers the day; None when unknown."""
    for night in (day, day - timedelta(days=1)):
        venue = visit.residence.get((pid, night))
        if venue is not None and venue in visit.venue:
            return visit.venue[venue].city
    person = visit.person[pid]
    noon = datetime(day.year, day.month, day.day, 12)
    for stay in person.presence:
        arrive = stay.arrive.local if stay.arrive else None
        depart = stay.depart.local if stay.depart else None
        if (arrive is None or arrive <= noon) and (depart is None or noon <= depart):
            return stay.city
    return None


def counts(concerns: Iterable[Concern]) -> dict[str, int]:
    """How many concerns of each check, in the checks' order."""
    found = dict.fromkeys(CHECKS, 0)
    for concern in concerns:
        found[concern.check] += 1
    return {check: n for check, n in found.items() if n}
