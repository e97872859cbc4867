"""The scheduler's time axis: instants as whole time units after an origin.

The origin is the earliest local midnight of the visit's first day in any zone the visit
uses; the unit is 5 minutes when every duration, pin, window, travel time, gap and zone
offset is a multiple of 5 minutes, else 1 minute. Local days are cut per zone, so a visit
across zones and daylight-saving changes keeps exact instants.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import pendulum

from planner.model.clock import ClockTime, WallTime, tz
from planner.model.travel import leg_minutes
from planner.model.visit import Visit

Interval = tuple[int, int]  # [lo, hi] in units, both inclusive


def _zones(visit: Visit) -> set[str]:
    zones = {visit.timezone, *(c.timezone for c in visit.cities)}
    zones.update(v.timezone for v in visit.venues if v.timezone)
    return zones


def _minute_values(visit: Visit) -> list[int]:
    """Every minute quantity that must fall on the grid."""
    values: list[int] = []
    for item in visit.items:
        values += [item.duration, item.holding_minutes]
        walls = [item.pinned, item.arrives]
        if item.window:
            walls += [item.window.earliest_start, item.window.latest_end]
        values += [w.local.minute for w in walls if w is not None]
        for moment in item.milestones:  # a milestone's time of day, or its offset
            values.append(moment.at.minutes if moment.at is not None else moment.after or 0)
        for rule in item.order:
            values.append(rule.min_gap)
            if rule.max_gap is not None:
                values.append(rule.max_gap)
    for person in visit.people:
        for stay in person.presence:
            values += [w.local.minute for w in (stay.arrive, stay.depart) if w is not None]
    for venue in visit.venues:
        for opening in venue.opening:
            values += [opening.open.minutes, opening.close.minutes]
    for roads in visit.travel.roads:  # the slower hours start and end on the grid too
        for rush in roads.rush_hours:
            values += [rush.start.minutes, rush.end.minutes]
    for leg in visit.travel.legs:
        for hours in leg.by_hour:
            values += [hours.start.minutes, hours.end.minutes, hours.minutes]
    values += [visit.programme_hours.start.minutes, visit.programme_hours.end.minutes]
    values += _written_minutes(visit)
    for leg in visit.travel.legs:
        if leg.minutes is not None:
            values.append(leg.minutes)
        elif leg.from_venue in visit.venue and leg.to_venue in visit.venue:
            a, b = visit.venue[leg.from_venue], visit.venue[leg.to_venue]
            values.append(leg_minutes(visit.travel, leg, a, b))
    values.append(visit.travel.buffer)
    values += [r.anywhere_minutes for r in visit.travel.roads if r.anywhere_minutes is not None]
    values += [r.buffer for r in visit.travel.roads if r.buffer is not None]
    return values


def _written_minutes(visit: Visit) -> list[int]:
    """The minutes of the times an office writes: bounds on the start and the end, day
    parts, 'around' times and their tolerance, unavailabilities."""
    values: list[int] = []
    for item in visit.items:
        if item.window:
            walls = [item.window.latest_start, item.window.earliest_end]
            values += [w.local.minute for w in walls if w is not None]
            if item.window.day_part:
                for venue in item.venues:
                    found = (
                        visit.day_part(item.window.day_part, venue)
                        if venue in visit.venue
                        else None
                    )
                    if found is not None:
                        values += [found[0].from_.minutes, found[0].until.minutes]
        if isinstance(item.around, WallTime):
            values += [item.around.local.minute, item.around_tolerance]
        elif isinstance(item.around, ClockTime):
            values += [item.around.minutes, item.around_tolerance]
    for entry in visit.unavailable:
        values += [entry.from_.local.minute, entry.until.local.minute]
    return values


@dataclass(frozen=True)
class Axis:
    origin: datetime  # UTC
    unit: int  # minutes
    horizon: int  # units

    @classmethod
    def for_visit(cls, visit: Visit) -> Axis:
        """The axis of a visit (worked out once per visit: a solve and its explanation
        build models of many parts of one visit)."""
        found = _AXES.get(id(visit))
        if found is not None and found[0] is visit:
            return found[1]
        axis = cls._of(visit)
        if len(_AXES) >= 8:
            _AXES.pop(next(iter(_AXES)))
        _AXES[id(visit)] = (visit, axis)
        return axis

    @classmethod
    def _of(cls, visit: Visit) -> Axis:
        zones = _zones(visit)
        first = visit.start - timedelta(days=1)
        last = visit.end + timedelta(days=2)
        starts = [pendulum.datetime(first.year, first.month, first.day, tz=tz(z)) for z in zones]
        ends = [pendulum.datetime(last.year, last.month, last.day, tz=tz(z)) for z in zones]
        origin = min(starts).in_timezone("UTC")
        values = _minute_values(visit)
        values += [int(s.in_timezone("UTC").minute) for s in starts]
        unit = 5 if all(v % 5 == 0 for v in values) else 1
        # travel estimates are rounded up to 5 minutes by the model; a 1-minute grid keeps them
        span = (max(ends) - origin).total_seconds() / 60
        return cls(origin=origin, unit=unit, horizon=math.ceil(span / unit))

    def units(self, instant: datetime) -> int:
        minutes = (instant.timestamp() - self.origin.timestamp()) / 60
        return math.floor(minutes / self.unit + 1e-9)

    def units_up(self, minutes: float) -> int:
        """A duration in units, rounded up."""
        return math.ceil(minutes / self.unit - 1e-9)

    def instant(self, units: int) -> datetime:
        return self.origin + timedelta(minutes=units * self.unit)

    def wall(self, units: int, zone: str) -> WallTime:
        """The local wall time of an instant; with its UTC offset only where that local
        time occurs twice (clocks falling back)."""
        return WallTime.of(self.instant(units), zone)

    def local_day(self, day: date, zone: str) -> Interval:
        """Units of the local calendar day in ``zone`` (end exclusive as hi)."""
        return self.local_clock(day, 0, zone), self.local_clock(day, 24 * 60, zone)

    def local_clock(self, day: date, minutes: int, zone: str) -> int:
        """Units of a local clock time on a day (minutes after local midnight; 1440 is the
        next midnight). Clock times inside a skipped hour move forward, like clocks do."""
        return _local_clock(self, day, minutes, zone)


_AXES: dict[int, tuple[Visit, Axis]] = {}  # by id of the visit, which it keeps alive


@lru_cache(maxsize=65536)
def _local_clock(axis: Axis, day: date, minutes: int, zone: str) -> int:
    base = datetime(day.year, day.month, day.day) + timedelta(minutes=minutes)
    local = pendulum.datetime(base.year, base.month, base.day, base.hour, base.minute, tz=tz(zone))
    return axis.units(local)
