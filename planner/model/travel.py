"""Travel between venues: explicit legs, and the estimate for pairs nobody measured.

Explicit legs override; a leg gives its minutes, or its road distance in km (driven at
the motorcade speed of its roads, plus the buffer). A missing pair in one city is
estimated from the coordinates: the great-circle distance times a road factor, at the
motorcade speed, plus an embark/disembark buffer, rounded up to whole five minutes; a
city or a district of it may give its own factor, speed and buffer, or a flat figure for
every unmeasured journey (``planner.model.roads``). Venues in different cities are joined
only by explicit legs (by road, helicopter or boat) or by movement items (flights, trains:
``planner.model.movements``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Self

from pydantic import BeforeValidator, ConfigDict, Field, model_validator

from planner.model.base import Frozen, Id, Minutes
from planner.model.clock import tz
from planner.model.movements import SCHEDULED, Mode
from planner.model.provenance import Provenance
from planner.model.roads import Hours, Roads, roads_between
from planner.model.venues import Venue

EARTH_RADIUS_KM = 6371.0088


def _ground(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in SCHEDULED:
        mode = value.strip().lower()
        raise ValueError(
            f"a travel leg cannot be a {mode}: legs are motorcade, walk, helicopter or boat "
            "(a helicopter hop is 'mode: helicopter'); a scheduled service is a movement item: "
            f"write it as an item with 'kind: {mode}', its 'venue' and 'arrival_venue'"
        )
    return value


class LegHour(Hours):
    """The minutes of a leg that leaves within some hours (the morning rush)."""

    minutes: Minutes


class LegPart(Frozen):
    """One part of a leg that changes mode at a transfer point (a helicopter to a landing
    zone, then the motorcade): its mode, its minutes, and where it ends (the transfer
    point; the last part ends where the leg does)."""

    mode: Annotated[Mode, BeforeValidator(_ground)]
    minutes: Minutes
    to: Id | None = Field(default=None, description="The transfer point (a venue).")


class Leg(Frozen):
    """A measured journey between two venues, by motorcade, on foot, by helicopter or by
    boat: its minutes, or (by road or on foot) its distance (then driven at the motorcade
    speed of its roads, plus the buffer, or walked)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    from_venue: Id = Field(alias="from")
    to_venue: Id = Field(alias="to")
    mode: Annotated[Mode, BeforeValidator(_ground)] = Mode.MOTORCADE
    minutes: Minutes | None = None
    km: float | None = Field(default=None, gt=0, le=2000, description="Road distance.")
    one_way: bool = Field(default=False, description="Only in this direction.")
    by_hour: tuple[LegHour, ...] = Field(
        default=(), description="Its minutes when it leaves within some hours (rush hours)."
    )
    parts: tuple[LegPart, ...] = Field(
        default=(),
        description="A leg through transfer points: its parts, each with its mode and "
        "minutes (then the leg gives neither minutes nor km).",
    )
    provenance: Provenance | None = None

    @model_validator(mode="after")
    def _minutes_or_km(self) -> Self:
        if self.parts:
            if self.minutes is not None or self.km is not None:
                raise ValueError("a leg of parts takes the minutes of its parts: no minutes or km")
            if len(self.parts) < 2:
                raise ValueError("a leg of parts has two or more (one: give its minutes)")
            if any(p.to is None for p in self.parts[:-1]):
                raise ValueError("each part but the last ends at a transfer point: give its 'to'")
            if self.parts[-1].to not in (None, self.to_venue):
                raise ValueError("the last part ends where the leg does: leave out its 'to'")
            if self.by_hour:
                raise ValueError("a leg of parts has no by_hour (its parts give the minutes)")
            return self
        if (self.minutes is None) == (self.km is None):
            raise ValueError("a leg gives its minutes or its road distance in km (one of them)")
        if self.km is not None and self.mode not in (Mode.MOTORCADE, Mode.WALK):
            raise ValueError(
                f"a {self.mode.value} leg gives its minutes (door to door, boarding included): "
                "km are driven or walked, not flown or sailed"
            )
        return self


class TravelRules(Frozen):
    road_factor: float = Field(
        default=1.4, ge=1.0, le=3.0, description="Road distance / straight line."
    )
    motorcade_kmh: float = Field(default=40.0, gt=5, le=150, description="Average motorcade speed.")
    walk_kmh: float = Field(default=4.5, gt=1, le=8)
    buffer: Minutes = Field(default=10, description="Embark and disembark, per leg.")
    walk_max_km: float = Field(
        default=0.8, ge=0, le=10, description="Walk instead of driving below this."
    )
    legs: tuple[Leg, ...] = ()
    roads: tuple[Roads, ...] = Field(
        default=(), description="Per city or district: its road factor, speeds, buffer."
    )


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def round_up(minutes: float, grain: int = 5) -> int:
    return int(math.ceil(minutes / grain - 1e-9) * grain)


@dataclass(frozen=True)
class Basis:
    """What an unmeasured journey's minutes come from, for the words of an explanation."""

    mode: Mode
    km: float  # in a straight line
    road_factor: float
    kmh: float
    buffer: int  # minutes (0 on foot)
    roads: int | None  # the entry of ``travel.roads`` used, if any
    anywhere: bool = False  # the entry's flat figure, not the distance


@dataclass(frozen=True)
class Drive:
    """How the motorcade drives between two venues: its speed, the buffer, and the entry
    of ``travel.roads`` they come from (None: the visit's defaults)."""

    kmh: float
    buffer: int
    roads: int | None


def drive(rules: TravelRules, a: Venue, b: Venue) -> Drive:
    found = roads_between(rules.roads, a.city, a.id, b.city, b.id)
    roads = rules.roads[found] if found is not None else None
    kmh = roads.speed(rules.motorcade_kmh) if roads is not None else rules.motorcade_kmh
    buffer = roads.buffer if roads is not None and roads.buffer is not None else rules.buffer
    return Drive(kmh, buffer, found)


def leg_minutes(rules: TravelRules, leg: Leg, a: Venue, b: Venue) -> int:
    """A leg's minutes: as given, or from its road distance at the speed of its roads
    (``a``, ``b``: its venues), buffer included, rounded up to 5 minutes."""
    if leg.parts:
        return sum(part.minutes for part in leg.parts)
    if leg.minutes is not None:
        return leg.minutes
    assert leg.km is not None
    if leg.mode is Mode.WALK:
        return round_up(leg.km / rules.walk_kmh * 60)
    how = drive(rules, a, b)
    return round_up(leg.km / how.kmh * 60 + how.buffer)


def measured_leg(rules: TravelRules, a: str, b: str, mode: Mode) -> int | None:
    """The index of the leg of ``mode`` that measures the way from ``a`` to ``b``."""
    for n, leg in enumerate(rules.legs):
        if leg.mode is not mode:
            continue
        if leg.from_venue == a and leg.to_venue == b:
            return n
        if not leg.one_way and leg.from_venue == b and leg.to_venue == a:
            return n
    return None


def basis(rules: TravelRules, a: Venue, b: Venue, mode: Mode | None = None) -> Basis:
    """How the unmeasured journey between two venues of one city (or of one metro area)
    is estimated: from their coordinates, or (for a place without them) the flat figure of
    its roads (``anywhere``; check refuses a journey that has neither)."""
    how = drive(rules, a, b)
    roads = rules.roads[how.roads] if how.roads is not None else None
    factor = rules.road_factor
    if roads is not None and roads.road_factor is not None:
        factor = roads.road_factor
    anywhere = roads is not None and roads.anywhere_minutes is not None
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return Basis(Mode.MOTORCADE, 0.0, factor, how.kmh, how.buffer, how.roads, anywhere)
    km = great_circle_km(a.lat, a.lon, b.lat, b.lon)
    if mode is Mode.WALK or (mode is None and km <= rules.walk_max_km):
        return Basis(Mode.WALK, km, factor, rules.walk_kmh, 0, how.roads)
    return Basis(Mode.MOTORCADE, km, factor, how.kmh, how.buffer, how.roads, anywhere)


def _estimate(rules: TravelRules, how: Basis, factor: float = 1.0) -> int:
    """The estimate's minutes; ``factor``: a rush hour's, on the driving time."""
    if how.anywhere:
        assert how.roads is not None
        minutes = rules.roads[how.roads].anywhere_minutes
        assert minutes is not None
        return minutes if factor == 1.0 else round_up(minutes * factor)
    if how.mode is Mode.WALK:
        return round_up(how.km * how.road_factor / how.kmh * 60) if how.km > 0 else 0
    return round_up(how.km * how.road_factor / how.kmh * 60 * factor + how.buffer)


@dataclass(frozen=True)
class Journey:
    """How long the way from one venue to another takes, and how it is made."""

    minutes: int
    mode: Mode  # its first part's, for a leg through transfer points
    modes: tuple[Mode, ...] = ()  # a leg through transfer points: each part's

    @property
    def verb(self) -> str:
        """'motorcade', or for a leg of parts 'helicopter, then motorcade'."""
        return ", then ".join(m.verb for m in self.modes) if self.modes else self.mode.verb

    def __str__(self) -> str:
        return f"{self.verb} {self.minutes} min"


@dataclass(frozen=True)
class Slow:
    """Departure hours in which a way takes longer than at other hours, and how long."""

    start: int  # minutes after local midnight at the departure
    end: int
    days: tuple[date, ...]  # empty: every day
    minutes: int

    def holds(self, leaves: tuple[date, int]) -> bool:
        day, clock = leaves
        return (not self.days or day in self.days) and self.start <= clock < self.end


def _way(
    rules: TravelRules, a: Venue, b: Venue, mode: Mode | None
) -> tuple[Journey, tuple[Slow, ...]] | None:
    """The way from ``a`` to ``b`` at most hours, and the hours in which it is slower."""
    if a.id == b.id:
        return Journey(0, mode or Mode.WALK), ()
    modes = [mode] if mode else [Mode.MOTORCADE, Mode.HELICOPTER, Mode.BOAT, Mode.WALK]
    for m in modes:
        found = measured_leg(rules, a.id, b.id, m)
        if found is not None:
            leg = rules.legs[found]
            minutes = leg_minutes(rules, leg, a, b)
            slow = [
                Slow(h.start.minutes, h.end.minutes, h.days, h.minutes)
                for h in leg.by_hour
                if h.minutes != minutes
            ]
            if leg.km is not None and m is Mode.MOTORCADE and not leg.by_hour:
                car = drive(rules, a, b)
                entry = rules.roads[car.roads] if car.roads is not None else None
                for rush in entry.rush_hours if entry is not None else ():
                    driven = round_up(leg.km / car.kmh * 60 * rush.factor + car.buffer)
                    slow.append(Slow(rush.start.minutes, rush.end.minutes, rush.days, driven))
            if leg.parts:  # the way back takes them the other way round
                kinds = tuple(p.mode for p in leg.parts)
                kinds = kinds if leg.from_venue == a.id else kinds[::-1]
                return Journey(minutes, kinds[0], kinds), ()
            return Journey(minutes, m), tuple(slow)
    if a.city != b.city and roads_between(rules.roads, a.city, a.id, b.city, b.id) is None:
        return None  # only a movement, or a leg, joins two cities outside one metro area
    how = basis(rules, a, b, mode)
    if not how.anywhere and not (a.located and b.located):
        return None  # a place without coordinates and no measured way (check refuses it)
    way = Journey(_estimate(rules, how), how.mode)
    roads = rules.roads[how.roads] if how.roads is not None else None
    if roads is None or not roads.rush_hours or how.mode is Mode.WALK:
        return way, ()
    return way, tuple(
        Slow(r.start.minutes, r.end.minutes, r.days, _estimate(rules, how, r.factor))
        for r in roads.rush_hours
    )


def journey(
    rules: TravelRules,
    a: Venue,
    b: Venue,
    mode: Mode | None = None,
    leaves: tuple[date, int] | None = None,
) -> Journey | None:
    """The way from venue ``a`` to venue ``b``; None if no road joins them (different
    cities with no explicit leg: only a movement item joins them). ``leaves``: the local
    date and minutes after midnight of the departure, for the hours in which it is slower
    (a leg's ``by_hour``, its roads' ``rush_hours``).

    Without a mode: an explicit leg wins (a motorcade leg before a helicopter's, a boat's
    or a walking one), else a walk for neighbouring venues, else the motorcade estimate.
    """
    found = _way(rules, a, b, mode)
    if found is None:
        return None
    way, slow = found
    if leaves is not None:
        for hours in slow:
            if hours.holds(leaves):
                return Journey(hours.minutes, way.mode)
    return way


def slow_hours(rules: TravelRules, a: Venue, b: Venue) -> tuple[Slow, ...]:
    """The departure hours in which the way from ``a`` to ``b`` takes other minutes than
    ``journey`` without ``leaves`` says (the first that holds applies)."""
    found = _way(rules, a, b, None)
    return found[1] if found is not None else ()


def travel_minutes(
    rules: TravelRules,
    a: Venue,
    b: Venue,
    mode: Mode | None = None,
    leaves: tuple[date, int] | None = None,
) -> int | None:
    """Minutes to get from venue ``a`` to venue ``b`` (see ``journey``); None if they are
    not connected by road."""
    found = journey(rules, a, b, mode, leaves)
    return found.minutes if found is not None else None


def latest_departure(
    rules: TravelRules,
    a: Venue,
    b: Venue,
    zone: str,
    arrive_by: datetime,
    not_before: datetime | None = None,
) -> tuple[datetime, Journey] | None:
    """When to leave ``a`` to be at ``b`` by ``arrive_by``, and the way then: as late as
    the way's minutes at that hour allow (its slower hours too, read on ``zone``, a's
    clock), never before ``not_before`` (the end of what one leaves); at ``not_before``
    if nothing later arrives in time. None where no road joins them."""
    found = _way(rules, a, b, None)
    if found is None:
        return None
    plain, slow = found
    clock = tz(zone)

    def way_at(leave: datetime) -> Journey:
        local = leave.astimezone(clock)
        leaves = (local.date(), local.hour * 60 + local.minute)
        hours = next((h for h in slow if h.holds(leaves)), None)
        return plain if hours is None else Journey(hours.minutes, plain.mode)

    options = {plain.minutes} | {s.minutes for s in slow}
    best: tuple[datetime, Journey] | None = None
    for minutes in sorted(options):
        leave = arrive_by - timedelta(minutes=minutes)
        if not_before is not None and leave < not_before:
            continue
        way = way_at(leave)
        if leave + timedelta(minutes=way.minutes) <= arrive_by and (
            best is None or leave > best[0]
        ):
            best = (leave, way)
    if best is None:
        leave = not_before or arrive_by - timedelta(minutes=max(options))
        best = (leave, way_at(leave))
    return best
