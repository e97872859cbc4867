"""Planted-solution instances for the scheduler benchmark: seeded and deterministic.

The generator first builds a hidden programme that is feasible by construction (every
person's items are apart by at least the travel time between their venues plus the next
item's holding time; exclusive venues host one item at a time; opening hours, presence and
the day's hours 07:00-23:00 are respected), on a five-minute grain. Only then does it write
the visit a scheduler sees: a window of 1-4 hours either side of each planted item, about
a tenth of the items pinned at their planted start, about a tenth ordered after an earlier
item of one of their attendees, about a tenth optional with a priority. The planted start
of every item comes with the visit, so a benchmark can check that a feasible instance is
solved and compare objectives.

With ``rush`` (``generate(size, seed, rush=...)``, the tours of bench/tours.py) every city's
roads get those rush hours (``travel.roads``), and the programme is planted with them: a
journey that leaves within them takes its slower minutes there too.

Sizes: S (2 days, 30-60 items, 10 venues), M (3 days, 150-200 items, 20 venues), L (4 days,
500-1000 items, 40 venues in three cities in three time zones; the guests move between
cities only on pinned flights, the hosts stay in their city), XL (6 days, 3,000-5,000
items, 80 venues in the same three cities; bench/bounds.py).

Infeasible variants inject exactly one fault into a feasible instance and say which:

- ``overlapping-pins``: two items of one person at different venues pinned at overlapping
  times. The visit file checker cannot see it (the file is consistent item by item); only
  the scheduler finds that no plan exists.
- ``short-window``: an item's window is shorter than the item. The checker reports it.
- ``order-cycle``: ordering rules that form a cycle. The checker reports it.
- ``pin-outside-hours``: an item pinned when its venue is closed. The checker reports it.
- ``short-journey`` (not in FAULTS): two consecutive items of one person at different
  venues of a city, both pinned, the second too soon after the first for the journey
  between them (and its holding time), without overlapping it. Only the scheduler finds
  it: two pins, two attendances, a duration and a journey (and perhaps a holding time).

    python -m bench.generator --size M --seed 1 -o visit.yaml [--fault KIND] [--planted P]
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import sys
import time
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from planner.model import (
    CEREMONIES,
    City,
    ClockTime,
    Country,
    Item,
    ItemKind,
    Opening,
    Order,
    Organizer,
    Person,
    Presence,
    Provenance,
    Role,
    Side,
    SourceKind,
    Tier,
    TravelRules,
    Venue,
    Visit,
    VisitKind,
    WallTime,
    Window,
)
from planner.model.clock import TimeProblem
from planner.model.consistency import Problem, check
from planner.model.conventions import OrderConvention, Strength
from planner.model.roads import Roads, RushHour
from planner.model.travel import Slow, slow_hours, travel_minutes
from planner.plan import Plan, PlannedItem, SolveInfo, Status, fingerprint

GRAIN = 5
DAY_START = 7 * 60
DAY_END = 23 * 60
DURATIONS = (30, 30, 45, 60, 60, 90, 120)
ATTENDEE_COUNTS = (1, 1, 2, 2, 3, 4)
CITY_KM = 20.0
START = date(2025, 6, 3)  # no daylight-saving change anywhere near
EPOCH = datetime(START.year, START.month, START.day, tzinfo=UTC)
HOME_ZONE = "America/New_York"

FAULTS = ("overlapping-pins", "short-window", "order-cycle", "pin-outside-hours")
# a fault only the scheduler finds, for explanations of multi-day visits (bench.explain)
MORE_FAULTS = ("short-journey",)


@dataclass(frozen=True)
class Size:
    name: str
    days: int
    items: tuple[int, int]
    venues: int
    cities: int


SIZES: dict[str, Size] = {
    "S": Size("S", 2, (30, 60), 10, 1),
    "M": Size("M", 3, (150, 200), 20, 1),
    "L": Size("L", 4, (500, 1000), 40, 3),
    # tours: a state visit of several days through two or three cities (explanations)
    "ST": Size("ST", 5, (40, 60), 14, 2),
    "MT": Size("MT", 6, (150, 200), 24, 3),
    # the bounds benchmark's (bench/bounds.py): a long tour with thousands of items
    "XL": Size("XL", 6, (3000, 5000), 80, 3),
}

# id, name, zone, latitude and longitude of the centre of the 20 x 20 km square
_CITIES = (
    ("alpha", "Alpha", "Europe/Berlin", 52.52, 13.405),
    ("bravo", "Bravo", "Europe/London", 51.507, -0.128),
    ("charlie", "Charlie", "Europe/Athens", 37.984, 23.728),
)
_VENUE_NOUNS = ("Ministry", "Museum", "Hall", "Institute", "Residence", "Library", "Centre")
_OPENINGS: tuple[tuple[int, int] | None, ...] = (
    None,
    None,
    (8 * 60, 20 * 60),
    (9 * 60, 18 * 60),
    (7 * 60, 22 * 60),
)
_FILLER_KINDS = (
    ItemKind.MINISTERS_MEETING,
    ItemKind.MINISTERS_MEETING,
    ItemKind.BRIEFING,
    ItemKind.SITE_VISIT,
    ItemKind.LUNCH,
    ItemKind.RECEPTION,
    ItemKind.COMMUNITY_EVENT,
    ItemKind.CUSTOM,
)


@dataclass(frozen=True)
class Fault:
    """One injected fault: what it is, which items and person it involves, and whether
    the visit-file checker reports it (else only the scheduler can find it)."""

    kind: str
    description: str
    items: tuple[str, ...]
    person: str | None = None
    found_by_checker: bool = True


@dataclass(frozen=True)
class Instance:
    size: str
    seed: int
    visit: Visit
    planted: dict[str, datetime]  # item id -> planted start (aware, UTC)
    fault: Fault | None = None

    def planted_wall(self, item_id: str) -> WallTime:
        """The planted start as a wall time in the item's zone."""
        return _wall(
            _minutes(self.planted[item_id]), self.visit.item_zone(self.visit.item[item_id])
        )


def planted_plan(instance: Instance) -> Plan:
    """The planted programme as a plan (every item scheduled at its planted start, at its
    first venue, with its attendees), for the validator (``planner.validate``)."""
    visit = instance.visit
    stamp = EPOCH
    items = []
    for item in visit.items:
        start = _minutes(instance.planted[item.id])
        zone = visit.item_zone(item)
        end_zone = visit.venue_zone(item.arrival_venue) if item.arrival_venue else zone
        items.append(
            PlannedItem(
                id=item.id,
                status=Status.SCHEDULED,
                start=_wall(start, zone),
                end=_wall(start + item.duration, end_zone),
                timezone=zone,
                end_timezone=end_zone if end_zone != zone else None,
                venue=item.venues[0],
                arrival_venue=item.arrival_venue,
                attendees=item.attendees,
                created=stamp,
                modified=stamp,
            )
        )
    return Plan(
        visit=visit.id,
        fingerprint=fingerprint(visit),
        version=1,
        solve=SolveInfo(status="hand-made"),
        items=tuple(items),
    )


# -- time on the absolute minute line --------------------------------------------------------


def _instant(m: int) -> datetime:
    return EPOCH + timedelta(minutes=m)


def _minutes(instant: datetime) -> int:
    return int((instant - EPOCH).total_seconds() // 60)


def _local(m: int, zone: str) -> datetime:
    return _instant(m).astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def _at(day: date, minute: int, zone: str) -> int:
    """Absolute minute of a local clock reading (minute of the day) in ``zone``."""
    local = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
    wall = WallTime(local)
    return _minutes(wall.resolve(zone))


def _wall(m: int, zone: str) -> WallTime:
    local = _instant(m).astimezone(ZoneInfo(zone))
    wall = WallTime(local.replace(tzinfo=None))
    try:
        if _minutes(wall.resolve(zone)) == m:
            return wall
    except TimeProblem:
        pass
    return WallTime(local.replace(tzinfo=None), local.utcoffset())


# -- the planted programme ------------------------------------------------------------------


@dataclass
class _Slot:
    start: int
    end: int
    start_venue: str
    end_venue: str
    hold: int
    item: str


@dataclass
class _Planted:
    id: str
    title: str
    kind: ItemKind
    duration: int
    attendees: list[str]
    venue: str
    start: int
    holding: int = 0
    arrival_venue: str | None = None
    custom_kind: str | None = None
    pinned: bool = False
    structural: bool = False
    tier: Tier = Tier.DELEGATION
    order: list[Order] = field(default_factory=list)
    optional: bool = False
    priority: int | None = None

    @property
    def end(self) -> int:
        return self.start + self.duration


class _Builder:
    def __init__(self, size: Size, seed: int, rush: Sequence[RushHour] = ()) -> None:
        self.size, self.seed = size, seed
        self.rng = random.Random(f"planner-bench/{size.name}/{seed}")
        self.cities = [
            City(id=cid, name=name, country="XH", timezone=zone)
            for cid, name, zone, _lat, _lon in _CITIES[: size.cities]
        ]
        roads = tuple(
            Roads(id=f"{c.id}-roads", city=c.id, rush_hours=tuple(rush), provenance=self.prov)
            for c in self.cities
            if rush
        )
        self.rules = TravelRules(roads=roads)
        self.zone = {c.id: c.timezone for c in self.cities}
        self.days = [START + timedelta(days=d) for d in range(size.days)]
        self.venues: list[Venue] = []
        self.venue: dict[str, Venue] = {}
        self.airport: dict[str, str] = {}
        self.palace = ""
        self.city_venues: dict[str, list[str]] = {}
        self.travel: dict[tuple[str, str], int | None] = {}
        self.slow: dict[tuple[str, str], tuple[Slow, ...]] = {}  # rush hours, per pair
        self.people: list[Person] = []
        self.spans: dict[str, list[tuple[str, int, int]]] = {}
        self.timeline: dict[str, list[_Slot]] = {}
        self.busy: dict[str, list[tuple[int, int]]] = {}
        self.items: list[_Planted] = []
        self.counter = 0
        self.presence: tuple[Presence, ...] = ()  # of the travelling guests

    # -- venues and travel ---------------------------------------------------------------

    def make_venues(self) -> None:
        per_city = [self.size.venues // len(self.cities)] * len(self.cities)
        per_city[0] += self.size.venues - sum(per_city)
        for (cid, name, _zone, lat0, lon0), count in zip(_CITIES, per_city, strict=False):
            ids: list[str] = []

            def add(vid: str, vname: str, dx: float, dy: float, **extra: Any) -> None:
                ids.append(self._add_venue(cid, lat0, lon0, vid, vname, dx, dy, **extra))  # noqa: B023

            add(f"{cid}-airport", f"{name} airport", -9.0, -8.0, exclusive=False)
            self.airport[cid] = f"{cid}-airport"
            if not self.palace:
                self.palace = f"{cid}-palace"
                add(self.palace, f"{name} presidential palace", 0.5, 1.0, exclusive=False)
            while len(ids) < count:
                k = len(ids)
                opening = self.rng.choice(_OPENINGS)
                extra: dict[str, Any] = {"exclusive": self.rng.random() < 0.7}
                if opening:
                    extra["opening"] = (
                        Opening(open=ClockTime(opening[0]), close=ClockTime(opening[1])),
                    )
                noun = self.rng.choice(_VENUE_NOUNS)
                half = CITY_KM / 2
                add(
                    f"{cid}-v{k:02d}",
                    f"{name} {noun} {k}",
                    self.rng.uniform(-half, half),
                    self.rng.uniform(-half, half),
                    **extra,
                )
            self.city_venues[cid] = [v for v in ids if v != self.airport[cid]]
        self.venue = {v.id: v for v in self.venues}
        for a in self.venues:
            for b in self.venues:
                self.travel[(a.id, b.id)] = travel_minutes(self.rules, a, b)
                if self.rules.roads:
                    self.slow[(a.id, b.id)] = slow_hours(self.rules, a, b)
        self.busy = {v.id: [] for v in self.venues}

    def way(self, a: str, b: str, leaves: int) -> int | None:
        """Minutes from venue ``a`` to venue ``b`` for a departure at absolute minute
        ``leaves``: in the rush hours of a's city (on its clock), their slower minutes."""
        minutes = self.travel[(a, b)]
        slow = self.slow.get((a, b))
        if minutes is None or not slow:
            return minutes
        local = _local(leaves, self.zone[self.venue[a].city])
        clock = (local.date(), local.hour * 60 + local.minute)
        return next((s.minutes for s in slow if s.holds(clock)), minutes)

    def _add_venue(
        self,
        city: str,
        lat0: float,
        lon0: float,
        vid: str,
        name: str,
        dx: float,
        dy: float,
        **extra: Any,
    ) -> str:
        """A venue ``dx`` km east and ``dy`` km north of the city centre."""
        lat = lat0 + dy / 111.32
        lon = lon0 + dx / (111.32 * math.cos(math.radians(lat0)))
        self.venues.append(
            Venue(
                id=vid,
                name=name,
                city=city,
                lat=round(lat, 5),
                lon=round(lon, 5),
                provenance=self.prov,
                **extra,
            )
        )
        return vid

    @property
    def prov(self) -> Provenance:
        return Provenance(
            source=SourceKind.ASSUMED,
            reason=f"synthetic: bench.generator size {self.size.name}, seed {self.seed}",
        )

    # -- people ---------------------------------------------------------------------------

    def guest_city(self, day: int) -> str:
        return self.cities[day * len(self.cities) // len(self.days)].id

    def make_people(self, n_items: int) -> None:
        count = max(6, n_items // 5)
        fixed: list[tuple[str, str, Role, Side, str | None]] = [
            ("guest-principal", "Guest principal", Role.PRINCIPAL, Side.GUEST, None),
            ("host-principal", "Host principal", Role.PRINCIPAL, Side.HOST, None),
            ("guest-spouse", "Spouse of the guest", Role.SPOUSE, Side.GUEST, "guest-principal"),
            ("host-spouse", "Spouse of the host", Role.SPOUSE, Side.HOST, "host-principal"),
            ("interpreter-1", "Interpreter 1", Role.INTERPRETER, Side.GUEST, None),
            ("security-1", "Security lead 1", Role.SECURITY, Side.GUEST, None),
        ]
        cycle = (
            (Role.MINISTER, Side.GUEST),
            (Role.MINISTER, Side.HOST),
            (Role.ADVISER, Side.GUEST),
            (Role.ADVISER, Side.HOST),
            (Role.INTERPRETER, Side.HOST),
            (Role.MINISTER, Side.HOST),
            (Role.ADVISER, Side.GUEST),
            (Role.SECURITY, Side.HOST),
        )
        rows = list(fixed)
        k = 0
        while len(rows) < count:
            role, side = cycle[k % len(cycle)]
            k += 1
            n = sum(1 for r in rows if r[2] is role and r[3] is side) + 1
            pid = f"{side.value}-{role.value}-{n}"
            rows.append((pid, f"{side.value.title()} {role.value} {n}", role, side, None))
        rank = {Side.GUEST: 0, Side.HOST: 0}
        host_n = 0
        first, last = self.days[0], self.days[-1]
        for pid, name, role, side, spouse_of in rows:
            rank[side] += 1
            presence: tuple[Presence, ...] = ()
            if side is Side.HOST:
                if role in (Role.PRINCIPAL, Role.SPOUSE) or len(self.cities) == 1:
                    city = self.cities[0].id
                else:
                    city = self.cities[host_n % len(self.cities)].id
                    host_n += 1
                zone = self.zone[city]
                self.spans[pid] = [
                    (city, _at(first, 0, zone), _at(last + timedelta(days=1), 0, zone))
                ]
                if len(self.cities) > 1:
                    presence = (Presence(city=city),)
            self.people.append(
                Person(
                    id=pid,
                    name=name,
                    title=f"{role.value} ({side.value} side)",
                    role=role,
                    side=side,
                    precedence=rank[side],
                    spouse_of=spouse_of,
                    counterpart_of={
                        "guest-principal": "host-principal",
                        "host-principal": "guest-principal",
                    }.get(pid),
                    clearance=Tier.RESTRICTED if role is Role.PRINCIPAL else Tier.DELEGATION,
                    presence=presence,
                    provenance=self.prov,
                )
            )
            self.timeline[pid] = []

    @property
    def guests(self) -> list[str]:
        return [p.id for p in self.people if p.side is Side.GUEST]

    # -- placement ------------------------------------------------------------------------

    def _person_fits(
        self, pid: str, start: int, end: int, venue: str, hold: int, end_venue: str | None
    ) -> bool:
        """Whether ``pid`` can be at ``venue`` from ``start - hold`` to ``end`` (a flight
        leaves from ``venue`` and ends at ``end_venue`` in another city)."""
        city = self.venue[venue].city
        stay_end = start if end_venue else end  # a flight leaves the stay at its start
        if not any(
            c == city and a <= start - hold and stay_end <= b for c, a, b in self.spans[pid]
        ):
            return False
        slots = self.timeline[pid]
        i = bisect_left([s.start for s in slots], start)
        if i > 0:
            prev = slots[i - 1]
            t = self.way(prev.end_venue, venue, prev.end)
            if t is None or prev.end + t + hold > start:
                return False
        if i < len(slots):
            nxt = slots[i]
            t = self.way(end_venue or venue, nxt.start_venue, end)
            if t is None or end + t + nxt.hold > nxt.start:
                return False
        return True

    def _venue_fits(self, venue: str, start: int, end: int) -> bool:
        v = self.venue[venue]
        if v.opening:
            zone = self.zone[v.city]
            local = _local(start, zone)
            minute = local.hour * 60 + local.minute
            if not any(
                o.open.minutes <= minute and minute + (end - start) <= o.close.minutes
                for o in v.opening
            ):
                return False
        if v.exclusive:
            return all(end <= a or b <= start for a, b in self.busy[venue])
        return True

    def fits(self, item: _Planted, start: int) -> bool:
        end = start + item.duration
        if not self._venue_fits(item.venue, start, end):
            return False
        return all(
            self._person_fits(p, start, end, item.venue, item.holding, item.arrival_venue)
            for p in item.attendees
        )

    def commit(self, item: _Planted) -> None:
        end_venue = item.arrival_venue or item.venue
        for pid in item.attendees:
            slots = self.timeline[pid]
            i = bisect_left([s.start for s in slots], item.start)
            slots.insert(
                i, _Slot(item.start, item.end, item.venue, end_venue, item.holding, item.id)
            )
        self.busy[item.venue].append((item.start, item.end))
        self.items.append(item)

    def place(
        self, item: _Planted, lo: int, hi: int, earliest: bool = False, until: int | None = None
    ) -> bool:
        """Put ``item`` at a feasible start in [lo, hi] (the latest start): the earliest
        one, or a random one; none after ``until`` (a custom's hours; the draw is the same
        as without it, so that the instances stay what they were where it holds)."""
        first = lo + (-lo) % GRAIN
        starts = list(range(first, hi + 1, GRAIN))
        if not earliest:
            self.rng.shuffle(starts)
        for start in starts:
            if until is not None and start > until:
                continue
            if self.fits(item, start):
                item.start = start
                self.commit(item)
                return True
        return False

    def day_bounds(self, day: int, city: str, duration: int) -> tuple[int, int]:
        zone = self.zone[city]
        return _at(self.days[day], DAY_START, zone), _at(self.days[day], DAY_END, zone) - duration

    def new_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter:04d}"

    # -- the programme --------------------------------------------------------------------

    def structure(self) -> None:
        """Arrival, flights between cities, departure, the talks chain and the banquet."""
        guests = self.guests
        first_city = self.cities[0].id
        arrival = _at(self.days[0], 9 * 60, self.zone[first_city])
        stays: list[tuple[str, int, int]] = []
        stay_city, stay_from = first_city, arrival
        fixed: list[_Planted] = [
            _Planted(
                "arrival",
                "Arrival of the guest delegation",
                ItemKind.ARRIVAL,
                30,
                guests,
                self.airport[first_city],
                arrival,
                pinned=True,
                structural=True,
                tier=Tier.PUBLIC,
            )
        ]
        n_flight = 0
        for d in range(1, len(self.days)):
            city = self.guest_city(d)
            if city == stay_city:
                continue
            n_flight += 1
            depart = _at(self.days[d], 8 * 60, self.zone[stay_city])
            duration = self.rng.choice((90, 120, 150, 180))
            fixed.append(
                _Planted(
                    f"flight-{n_flight}",
                    f"Flight from {self.city_name(stay_city)} to {self.city_name(city)}",
                    ItemKind.FLIGHT,
                    duration,
                    guests,
                    self.airport[stay_city],
                    depart,
                    arrival_venue=self.airport[city],
                    pinned=True,
                    structural=True,
                )
            )
            stays.append((stay_city, stay_from, depart))
            stay_city, stay_from = city, depart + duration
        last_city = stay_city
        leave = _at(self.days[-1], 18 * 60, self.zone[last_city])
        fixed.append(
            _Planted(
                "departure",
                "Departure of the guest delegation",
                ItemKind.DEPARTURE_CEREMONY,
                30,
                guests,
                self.airport[last_city],
                leave,
                holding=10,
                pinned=True,
                structural=True,
                tier=Tier.PUBLIC,
            )
        )
        stays.append((stay_city, stay_from, leave + 30))
        for pid in guests:
            self.spans[pid] = list(stays)
        self.presence = tuple(
            Presence(city=city, arrive=_wall(a, self.zone[city]), depart=_wall(b, self.zone[city]))
            for city, a, b in stays
        )
        for item in fixed:
            if not self.fits(item, item.start):
                raise RuntimeError(f"planted structure does not fit: {item.id}")
            self.commit(item)

        principals = ["guest-principal", "host-principal"]
        couples = [*principals, "guest-spouse", "host-spouse"]
        ministers = [
            p.id for p in self.people if p.role is Role.MINISTER and self.in_city(p.id, first_city)
        ][:2]
        chain = [
            ("welcome", "Official welcome ceremony", ItemKind.OFFICIAL_WELCOME, 30, couples, 10),
            (
                "one-on-one",
                "One-on-one talks",
                ItemKind.ONE_ON_ONE_TALKS,
                45,
                [*principals, "interpreter-1"],
                0,
            ),
            (
                "expanded-talks",
                "Expanded talks of the delegations",
                ItemKind.EXPANDED_TALKS,
                60,
                [*principals, "interpreter-1", *ministers],
                0,
            ),
            (
                "signing",
                "Signing of agreements",
                ItemKind.AGREEMENT_SIGNING,
                30,
                [*principals, *ministers],
                5,
            ),
            (
                "press-statements",
                "Joint press statements",
                ItemKind.PRESS_STATEMENTS,
                30,
                [*principals, "interpreter-1"],
                0,
            ),
        ]
        lo, hi = self.day_bounds(0, first_city, 0)
        after = fixed[0].end
        for iid, title, kind, duration, who, hold in chain:
            item = _Planted(
                iid,
                title,
                kind,
                duration,
                who,
                self.palace,
                0,
                holding=hold,
                structural=True,
                tier=Tier.PUBLIC,
            )
            latest = hi - duration
            if kind is ItemKind.OFFICIAL_WELCOME:  # the custom: by 15:00 (conventions.py)
                latest = min(latest, _at(self.days[0], 15 * 60, self.zone[first_city]))
            if not self.place(item, after, latest, earliest=True):
                raise RuntimeError(f"planted structure does not fit: {iid}")
            after = item.end
        banquet = _Planted(
            "banquet",
            "State banquet",
            ItemKind.BANQUET,
            120,
            couples,
            self.palace,
            0,
            holding=15,
            structural=True,
            tier=Tier.PUBLIC,
        )
        zone = self.zone[first_city]
        if not self.place(
            banquet, _at(self.days[0], 19 * 60 + 30, zone), _at(self.days[0], 20 * 60 + 30, zone)
        ):
            raise RuntimeError("planted structure does not fit: banquet")
        # a wreath on the second day, where the guests are then
        d = min(1, len(self.days) - 1)
        city = self.guest_city(d)
        wreath = _Planted(
            "wreath",
            "Wreath-laying",
            ItemKind.WREATH_LAYING,
            30,
            ["guest-principal"],
            self.rng.choice(self.city_venues[city]),
            0,
            holding=5,
            structural=True,
            tier=Tier.PUBLIC,
        )
        lo, hi = self.day_bounds(d, city, 30)
        by_day = _at(self.days[d], 18 * 60, self.zone[city])  # memorials by day
        if not self.place(wreath, lo, hi, until=by_day):
            raise RuntimeError("planted structure does not fit: wreath")

    def city_name(self, cid: str) -> str:
        return next(c.name for c in self.cities if c.id == cid)

    def in_city(self, pid: str, city: str, lo: int | None = None, hi: int | None = None) -> bool:
        for c, a, b in self.spans[pid]:
            if c == city and (lo is None or hi is None or (a < hi and lo < b)):
                return True
        return False

    def spouse_programme(self) -> None:
        """The spouses' own items, in parallel with the principals: they share only the
        ceremonies and the banquet."""
        for d in range(len(self.days)):
            city = self.guest_city(d)
            lo, hi = self.day_bounds(d, city, 0)
            who = ["guest-spouse"]
            if self.in_city("host-spouse", city):
                who.append("host-spouse")
            for _ in range(self.rng.choice((1, 2))):
                duration = self.rng.choice(DURATIONS)
                item = _Planted(
                    self.new_id("spouse-"),
                    "Spouse programme visit",
                    ItemKind.SPOUSE_PROGRAMME,
                    duration,
                    who,
                    self.rng.choice(self.city_venues[city]),
                    0,
                    tier=Tier.PRESS,
                )
                self.place(item, lo, hi - duration)

    def fillers(self, target: int) -> None:
        spouses = {p.id for p in self.people if p.role is Role.SPOUSE}
        failures = 0
        while len(self.items) < target and failures < 20 * target:
            d = self.rng.randrange(len(self.days))
            city = self.guest_city(d)
            if len(self.cities) > 1 and self.rng.random() < 0.3:
                city = self.rng.choice(self.cities).id
            lo, hi = self.day_bounds(d, city, 0)
            pool = [
                p.id
                for p in self.people
                if p.id not in spouses and self.in_city(p.id, city, lo, hi)
            ]
            if not pool:
                failures += 1
                continue
            k = min(len(pool), self.rng.choice(ATTENDEE_COUNTS))
            who = self.rng.sample(pool, k)
            kind = self.rng.choice(_FILLER_KINDS)
            duration = self.rng.choice(DURATIONS)
            item = _Planted(
                self.new_id("e"),
                "",
                kind,
                duration,
                who,
                self.rng.choice(self.city_venues[city]),
                0,
                holding=self.rng.choice((0, 0, 0, 5, 10)),
                custom_kind="working session" if kind is ItemKind.CUSTOM else None,
            )
            item.title = f"{(item.custom_kind or kind.label).capitalize()} {item.id[1:]}"
            if not self.place(item, lo, hi - duration):
                failures += 1

    def annotate(self, n_items: int) -> None:
        """Pins, ordering rules and optional items, all consistent with the planted
        programme."""
        free = [i for i in self.items if not i.structural]
        self.rng.shuffle(free)
        pinned_now = sum(1 for i in self.items if i.pinned)
        n_pin = max(0, round(0.1 * n_items) - pinned_now)
        for item in free[:n_pin]:
            item.pinned = True
        unpinned = [i for i in free if not i.pinned]
        for item in unpinned[: round(0.1 * n_items)]:
            item.optional = True
            item.priority = self.rng.randint(1, 10)
        by_id = {i.id: i for i in self.items}
        candidates = [i for i in self.items if i.kind is not ItemKind.FLIGHT]
        self.rng.shuffle(candidates)
        made = 0
        for item in candidates:
            if made >= round(0.1 * n_items):
                break
            pid = self.rng.choice(item.attendees)
            earlier = [
                s
                for s in self.timeline[pid]
                if s.end <= item.start
                and by_id[s.item].kind is not ItemKind.FLIGHT
                and _local(s.start, self.zone_of(by_id[s.item])).date()
                == _local(item.start, self.zone_of(item)).date()
            ]
            if not earlier or any(o.after == earlier[-1].item for o in item.order):
                continue
            other = earlier[-1] if self.rng.random() < 0.7 else self.rng.choice(earlier)
            gap = item.start - other.end
            min_gap = min(gap, self.rng.choice((0, 0, 5, 10, 15))) // GRAIN * GRAIN
            max_gap = None
            if self.rng.random() < 0.5:
                max_gap = gap + self.rng.choice((15, 30, 60))
            item.order.append(Order(after=other.item, min_gap=min_gap, max_gap=max_gap))
            made += 1

    def zone_of(self, item: _Planted) -> str:
        return self.zone[self.venue[item.venue].city]

    # -- the visit ------------------------------------------------------------------------

    def to_item(self, p: _Planted) -> Item:
        zone = self.zone_of(p)
        window = None
        pinned = None
        if p.pinned:
            pinned = _wall(p.start, zone)
        else:
            day = _local(p.start, zone).date()
            lo, hi = _at(day, DAY_START, zone), _at(day, DAY_END, zone)
            before = self.rng.randint(12, 48) * GRAIN
            after = self.rng.randint(12, 48) * GRAIN
            window = Window(
                earliest_start=_wall(max(lo, p.start - before), zone),
                latest_end=_wall(min(hi, p.end + after), zone),
            )
        return Item(
            id=p.id,
            title=p.title,
            kind=p.kind,
            custom_kind=p.custom_kind,
            duration=p.duration,
            attendees=tuple(p.attendees),
            venue=p.venue,
            arrival_venue=p.arrival_venue,
            window=window,
            pinned=pinned,
            order=tuple(p.order),
            # explicit for ceremonies, whose holding otherwise defaults to 10 minutes
            holding=p.holding if p.holding or p.kind in CEREMONIES else None,
            optional=p.optional,
            priority=p.priority,
            tier=p.tier,
            provenance=self.prov,
        )

    def visit(self) -> Visit:
        people = tuple(
            p.model_copy(update={"presence": self.presence}) if p.side is Side.GUEST else p
            for p in self.people
        )
        items = sorted(self.items, key=lambda i: (i.start, i.id))
        return Visit(
            schema_version=1,
            id=f"synthetic-{self.size.name.lower()}-{self.seed}",
            title=f"Synthetic state visit, size {self.size.name}, seed {self.seed}",
            kind=VisitKind.STATE,
            host=Country(code="XH", name="Hostland"),
            guest=Country(code="XG", name="Guestland"),
            start=self.days[0],
            end=self.days[-1],
            timezone=self.cities[0].timezone,
            guest_home_timezone=HOME_ZONE,
            invited_by="host-principal",
            organizer=Organizer(name="Benchmark protocol office", email="bench@example.org"),
            cities=tuple(self.cities),
            people=people,
            venues=tuple(self.venues),
            travel=self.rules,
            items=tuple(self.to_item(i) for i in items),
            provenance=self.prov,
        )


def generate(size: str, seed: int, rush: Sequence[RushHour] = ()) -> Instance:
    """A feasible instance with its planted programme (``rush``: the rush hours of every
    city's roads, which the planted programme leaves room for)."""
    spec = SIZES[size]
    b = _Builder(spec, seed, rush)
    n_items = b.rng.randint(*spec.items)
    b.make_venues()
    b.make_people(n_items)
    b.structure()
    b.spouse_programme()
    b.fillers(n_items)
    b.annotate(len(b.items))
    visit = b.visit()
    errors = [p for p in check(visit) if p.severity == "error"]
    if errors:  # a bug of the generator, never of the instance
        raise RuntimeError(f"generated visit is inconsistent: {errors[:3]}")
    planted = {i.id: _instant(i.start) for i in b.items}
    return Instance(size, seed, visit, planted)


# -- infeasible variants --------------------------------------------------------------------


def _with_items(visit: Visit, items: Sequence[Item]) -> Visit:
    """A new visit with other items. Not ``model_copy``: that would carry over the cached
    lookups (``Visit.item`` and friends) of the original."""
    fields = {name: getattr(visit, name) for name in Visit.model_fields}
    return Visit(**{**fields, "items": tuple(items)})


def replace_items(visit: Visit, *items: Item) -> Visit:
    """The visit with these items in place of those of the same ids."""
    new = {i.id: i for i in items}
    return _with_items(visit, [new.get(i.id, i) for i in visit.items])


def _drop_orders_on(visit: Visit, target: str) -> Visit:
    """Remove the ordering rules that mention ``target`` (so that moving it breaks
    nothing else)."""
    items = []
    for i in visit.items:
        if i.id == target:
            items.append(i.model_copy(update={"order": ()}))
        elif any(o.other == target for o in i.order):
            kept = tuple(o for o in i.order if o.other != target)
            items.append(i.model_copy(update={"order": kept}))
        else:
            items.append(i)
    return _with_items(visit, items)


def loosen(instance: Instance, share_free: float = 0.3) -> Instance:
    """The instance as a new user would write it: no windows around the planted times,
    but each item that is not pinned on its planted day (``days``), or, for a share of
    them, free over the whole visit. The planted programme still fits; the visit no
    longer splits into days, so its parts are large (what makes explaining hard)."""
    v = instance.visit
    rng = random.Random(f"planner-bench-loose/{instance.size}/{instance.seed}")
    changed = []
    for item in v.items:
        if item.pinned or item.window is None:
            continue
        day = _local(_minutes(instance.planted[item.id]), v.item_zone(item)).date()
        days = () if rng.random() < share_free else (day,)
        changed.append(item.model_copy(update={"window": None, "days": days}))
    return Instance(
        instance.size, instance.seed, replace_items(v, *changed), instance.planted, instance.fault
    )


def _errors(visit: Visit) -> list[Problem]:
    return [p for p in check(visit) if p.severity == "error"]


def inject(instance: Instance, kind: str) -> Instance:
    """``instance`` with exactly one fault of ``kind`` injected (see FAULTS)."""
    if kind not in FAULTS + MORE_FAULTS:
        known = ", ".join(FAULTS + MORE_FAULTS)
        raise ValueError(f"unknown fault '{kind}'; choose one of {known}")
    rng = random.Random(f"planner-bench-fault/{instance.size}/{instance.seed}/{kind}")
    v = instance.visit
    planted = {k: _minutes(t) for k, t in instance.planted.items()}
    # faults go into required items: an optional one would just be dropped, not refused
    items = [i for i in v.items if not i.optional]
    rng.shuffle(items)
    index = {item.id: n for n, item in enumerate(v.items)}

    def done(visit: Visit, fault: Fault) -> Instance:
        return Instance(instance.size, instance.seed, visit, instance.planted, fault)

    if kind == "overlapping-pins":
        ruled = {
            k
            for rule in v.rules()
            if isinstance(rule, OrderConvention) and rule.strength is Strength.HARD
            for k in (*rule.first, *rule.then)
        }
        people = list(v.people)
        rng.shuffle(people)
        for person in people:
            mine = sorted(
                (
                    i
                    for i in v.items
                    if person.id in i.attendees and i.kind is not ItemKind.FLIGHT and not i.optional
                ),
                key=lambda i: planted[i.id],
            )
            for a in mine:
                for b in mine:
                    if b.id == a.id or b.pinned or b.venue == a.venue:
                        continue
                    # one fault only: b's people are all at a, and no convention orders them
                    if not set(b.attendees) <= set(a.attendees) or {a.kind, b.kind} & ruled:
                        continue
                    za, zb = v.item_zone(a), v.item_zone(b)
                    if v.venue[a.venues[0]].city != v.venue[b.venues[0]].city:
                        continue
                    if _local(planted[a.id], za).date() != _local(planted[b.id], zb).date():
                        continue
                    pin_a = a.pinned or _wall(planted[a.id], za)
                    moved = b.model_copy(update={"pinned": pin_a, "window": None, "order": ()})
                    fixed_a = a.model_copy(update={"pinned": pin_a, "window": None})
                    visit = replace_items(_drop_orders_on(v, b.id), fixed_a, moved)
                    if _errors(visit):
                        continue
                    return done(
                        visit,
                        Fault(
                            kind,
                            f"{person.name} must attend both '{a.title}' ({a.venue}) and "
                            f"'{b.title}' ({b.venue}), now both pinned at {pin_a}",
                            (a.id, b.id),
                            person.id,
                            found_by_checker=False,
                        ),
                    )
    elif kind == "short-journey":
        found = _short_journey(v, planted, rng)
        if found is not None:
            visit, a, b, person, pin_b, short = found
            return done(
                visit,
                Fault(
                    kind,
                    f"{person.name} must go from '{a.title}' ({a.venue}) to '{b.title}' "
                    f"({b.venue}), now pinned at {pin_b}: {short} min too soon for the journey",
                    (a.id, b.id),
                    person.id,
                    found_by_checker=False,
                ),
            )
    elif kind == "short-window":
        for item in items:
            if item.pinned or item.window is None or item.window.earliest_start is None:
                continue
            start = item.window.earliest_start
            end = WallTime(start.local + timedelta(minutes=item.duration - GRAIN), start.offset)
            shrunk = item.model_copy(
                update={"window": Window(earliest_start=start, latest_end=end)}
            )
            visit = replace_items(v, shrunk)
            errors = _errors(visit)
            if errors and all(e.path[:2] == ("items", index[item.id]) for e in errors):
                return done(
                    visit,
                    Fault(
                        kind,
                        f"'{item.title}' lasts {item.duration} min but its window "
                        f"({start} to {end}) is {item.duration - GRAIN} min long",
                        (item.id,),
                    ),
                )
    elif kind == "order-cycle":
        for item in items:
            for rule in item.order:
                if rule.after is None:
                    continue
                other = v.item[rule.after]
                if other.optional:
                    continue
                back = other.model_copy(update={"order": (*other.order, Order(after=item.id))})
                visit = replace_items(v, back)
                if _errors(visit):
                    return done(
                        visit,
                        Fault(
                            kind,
                            f"'{item.title}' must follow '{other.title}', and now "
                            f"'{other.title}' must also follow '{item.title}'",
                            (other.id, item.id),
                        ),
                    )
    elif kind == "pin-outside-hours":
        for item in items:
            venue = v.venue[item.venues[0]]
            if not venue.opening or item.kind is ItemKind.FLIGHT:
                continue
            zone = v.item_zone(item)
            day = _local(planted[item.id], zone).date()
            close = venue.opening[0].close.minutes
            at = close - item.duration // 2 // GRAIN * GRAIN
            if at + item.duration > DAY_END + 60:
                continue
            pin = _wall(_at(day, at, zone), zone)
            moved = item.model_copy(update={"pinned": pin, "window": None, "order": ()})
            visit = replace_items(_drop_orders_on(v, item.id), moved)
            errors = _errors(visit)
            if len(errors) == 1 and "opening hours" in errors[0].message:
                return done(
                    visit,
                    Fault(
                        kind,
                        f"'{item.title}' is pinned at {pin} for {item.duration} min, but "
                        f"{venue.name} closes at {venue.opening[0].close}",
                        (item.id,),
                    ),
                )
    raise RuntimeError(f"could not inject '{kind}' into {v.id}")


def _short_journey(
    v: Visit, planted: dict[str, int], rng: random.Random
) -> tuple[Visit, Item, Item, Person, WallTime, int] | None:
    """Two consecutive items a, b of one person, b pinned too soon after a for the journey
    (see ``inject``); None when the visit has no such pair."""
    ruled = {
        k
        for rule in v.rules()
        if isinstance(rule, OrderConvention) and rule.strength is Strength.HARD
        for k in (*rule.first, *rule.then)
    }

    def usable(item: Item) -> bool:
        return item.kind is not ItemKind.FLIGHT and not item.optional and item.kind not in ruled

    timelines: dict[str, list[Item]] = {}
    for item in sorted(v.items, key=lambda i: planted[i.id]):
        for pid in item.attendees:
            timelines.setdefault(pid, []).append(item)
    people = list(v.people)
    rng.shuffle(people)
    for person in people:
        mine = timelines.get(person.id, [])
        pairs = list(itertools.pairwise(mine))
        rng.shuffle(pairs)
        for a, b in pairs:
            if not (usable(a) and usable(b)) or a.venue == b.venue or b.pinned:
                continue
            va, vb = v.venue[a.venues[0]], v.venue[b.venues[0]]
            if va.city != vb.city or not set(b.attendees) <= set(a.attendees):
                continue
            # a comes just before b for everyone at b
            if any(timelines[p][timelines[p].index(b) - 1] is not a for p in b.attendees):
                continue
            minutes = travel_minutes(v.travel, va, vb)
            if not minutes:
                continue
            need = minutes + b.holding_minutes
            short = rng.choice([m for m in (5, 10, 15) if m <= need] or [need])
            za, zb = v.item_zone(a), v.item_zone(b)
            start_a = planted[a.id]
            pin_a = a.pinned or _wall(start_a, za)
            start_b = start_a + a.duration + need - short
            if _local(start_b, zb).date() != _local(start_a, za).date():
                continue
            pin_b = _wall(start_b, zb)
            fixed_a = a.model_copy(update={"pinned": pin_a, "window": None})
            moved = b.model_copy(update={"pinned": pin_b, "window": None, "order": ()})
            visit = replace_items(_drop_orders_on(v, b.id), fixed_a, moved)
            if _errors(visit):
                continue
            return visit, a, b, person, pin_b, short
    return None


# -- writing visit files --------------------------------------------------------------------


def _flow(data: Any, depth: int = 0) -> Any:
    """Plain data as ruamel containers: short lists and leaf mappings in flow style."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(data, dict):
        m = CommentedMap()
        for k, val in data.items():
            m[k] = _flow(val, depth + 1)
        if depth >= 2 and all(not isinstance(x, dict | list) for x in data.values()):
            m.fa.set_flow_style()
        return m
    if isinstance(data, list):
        s = CommentedSeq(_flow(x, depth + 1) for x in data)
        if all(not isinstance(x, dict | list) for x in data):
            s.fa.set_flow_style()
        return s
    return data


def to_yaml(visit: Visit, header: Sequence[str] = ()) -> str:
    """The visit as a visit file (``schema_version: 1`` first)."""
    import io

    from ruamel.yaml import YAML

    data = visit.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data = {"schema_version": data.pop("schema_version"), **data}
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    for line in header:
        out.write(f"# {line}\n" if line else "#\n")
    yaml.dump(_flow(data), out)
    return out.getvalue()


def planted_yaml(instance: Instance) -> str:
    lines = [f"# planted starts of {instance.visit.id} (local wall time of each item)"]
    for item in instance.visit.items:
        lines.append(f"{item.id}: '{instance.planted_wall(item.id)}'")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generator", description="Write a planted-solution visit file."
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fault", choices=FAULTS, help="inject one infeasibility")
    parser.add_argument("-o", "--output", metavar="FILE", help="visit file (default: stdout)")
    parser.add_argument("--planted", metavar="FILE", help="also write the planted starts")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    instance = generate(args.size, args.seed)
    if args.fault:
        instance = inject(instance, args.fault)
    command = f"python -m bench.generator --size {args.size} --seed {args.seed}"
    if args.fault:
        command += f" --fault {args.fault}"
    header = [
        f"Generated by `{command}` (planted-solution benchmark instance; do not edit).",
        f"{len(instance.visit.items)} items, {len(instance.visit.people)} people, "
        f"{len(instance.visit.venues)} venues in {len(instance.visit.cities)} "
        f"cit{'y' if len(instance.visit.cities) == 1 else 'ies'}.",
    ]
    if instance.fault:
        where = "the visit-file checker" if instance.fault.found_by_checker else "the scheduler"
        header += [f"Injected fault ({instance.fault.kind}, found by {where}):"]
        header += [f"  {instance.fault.description}"]
    text = to_yaml(instance.visit, header)
    if args.output:
        from planner.atomic import write_text

        write_text(Path(args.output), text)
    else:
        sys.stdout.write(text)
    if args.planted:
        from planner.atomic import write_text

        write_text(Path(args.planted), planted_yaml(instance))
    elapsed = time.perf_counter() - began
    print(
        f"{instance.visit.id}: {len(instance.visit.items)} items in {elapsed:.2f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
