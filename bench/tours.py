"""Generated visits as tours (issue 10): every city a leg of its own host country, the
movements between cities by turns a flight, a train to a timetable (pinned at both ends,
with its service) and a helicopter known by its landing time (with its seats), lodging
for every guest every night at a hotel in the centre of the city where their day ends,
and the roads as a protocol office knows them: rush hours in every city (``RUSH_HOURS``:
07:30–09:30 and 17:00–19:00, drives 1.5 times as long); in each city, from the hotel a
helicopter to a landing zone and then the motorcade to the venue farthest from it (its
airport aside; a leg of ``parts``); and in each city one measured leg, the pair of venues
most travelled, with its own minutes in the rush hours (``by_hour``).

``tour(size, seed)`` = ``as_tour(generate(size, seed, rush=RUSH_HOURS))``: the programme is
planted with the rush hours (bench/generator.py), and ``as_tour`` keeps it. The planted
starts still hold: the hotel is at most about 40 minutes from any venue of its
20 × 20 km city, and the programme hours are widened by an hour at each end, so the days
read door to door still contain them; the leg of parts is kept only where it is shorter
than the drive it replaces, and a measured leg's minutes in its hours are the most that
every planted journey on it then still fits. ``as_tour`` checks the planted programme
with the validator and raises if it does not hold. ``python -m bench --tours`` runs the
benchmark on them.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bench.generator import Instance, generate, planted_plan
from planner.model import ItemKind, ProgrammeHours, Service, TourLeg, Venue, WallTime
from planner.model.clock import ClockTime, tz
from planner.model.lodging import Lodging
from planner.model.movements import Mode
from planner.model.people import Side
from planner.model.roads import RushHour
from planner.model.tour import Country
from planner.model.travel import (
    Leg,
    LegHour,
    LegPart,
    TravelRules,
    basis,
    great_circle_km,
    round_up,
    travel_minutes,
)
from planner.model.visit import Visit
from planner.validate import validate_plan

HOSTS = (("FR", "France"), ("RS", "Serbia"), ("HU", "Hungary"), ("JP", "Japan"))

RUSH_HOURS = (
    RushHour(start=ClockTime(7 * 60 + 30), end=ClockTime(9 * 60 + 30), factor=1.5),
    RushHour(start=ClockTime(17 * 60), end=ClockTime(19 * 60), factor=1.5),
)
HELICOPTER_KMH = 180.0  # cruise, over the city
HELICOPTER_BOARDING = 10  # minutes: to the pad, boarding, landing, off
LANDING_KM = 1.5  # the landing zone is this far from its venue, towards the hotel
BY_HOUR_AT_MOST = 1.8  # a measured leg takes at most this many times its minutes then


def tour(size: str, seed: int) -> Instance:
    """The generated visit of ``size`` and ``seed``, planted with the rush hours, as a tour."""
    return as_tour(generate(size, seed, rush=RUSH_HOURS))


def as_tour(instance: Instance) -> Instance:
    visit = instance.visit
    hotels: dict[str, Venue] = {}
    for city in visit.cities:
        located = [
            v for v in visit.venues if v.city == city.id and v.lat is not None and v.lon is not None
        ]
        if not located:
            continue
        lat = sum(v.lat or 0.0 for v in located) / len(located)
        lon = sum(v.lon or 0.0 for v in located) / len(located)
        hotels[city.id] = Venue(
            id=f"{city.id}-hotel",
            name=f"{city.name} Grand Hotel",
            city=city.id,
            lat=round(lat, 5),
            lon=round(lon, 5),
            exclusive=False,
        )
    # where each guest's day ends: the city of their last planted item of the day
    last: dict[tuple[str, date], tuple[float, str]] = {}
    days: dict[str, set[date]] = {}
    for item in visit.items:
        start = instance.planted[item.id]
        where = item.arrival_venue or item.venues[0]
        ends_in = visit.venue[where].city
        local = start.astimezone(tz(visit.venue_zone(item.venues[0]))).date()
        days.setdefault(visit.venue[item.venues[0]].city, set()).add(local)
        for pid in item.attendees:
            person = visit.person[pid]
            if person.side is not Side.GUEST:
                continue
            key = (pid, local)
            if key not in last or last[key][0] < start.timestamp():
                last[key] = (start.timestamp(), ends_in)
    nights: dict[tuple[str, str], list[date]] = {}
    for (pid, day), (_, there) in sorted(last.items()):
        if there in hotels and day < visit.end:
            nights.setdefault((there, pid), []).append(day)
    lodging = tuple(
        Lodging(venue=hotels[there].id, people=(pid,), nights=tuple(sorted(set(found))))
        for (there, pid), found in sorted(nights.items())
    )
    legs = tuple(
        TourLeg(
            id=f"leg-{city.id}",
            host=Country(code=HOSTS[n % len(HOSTS)][0], name=HOSTS[n % len(HOSTS)][1]),
            start=min(days[city.id]),
            end=max(days[city.id]),
            cities=(city.id,),
            hosts=tuple(
                p.id
                for p in visit.people
                if p.side is Side.HOST and _hosts_in(visit, p.id, city.id)
            ),
        )
        for n, city in enumerate(c for c in visit.cities if c.id in days)
    )
    items = []
    flights = 0
    for item in visit.items:
        if item.kind is ItemKind.FLIGHT and item.pinned is not None and item.arrival_venue:
            flights += 1
            depart = item.pinned.resolve(visit.item_zone(item))
            arrive = depart + timedelta(minutes=item.duration)
            if flights % 3 == 1:  # a train to its timetable
                item = item.model_copy(
                    update={
                        "kind": ItemKind.TRAIN,
                        "arrives": WallTime.of(arrive, visit.end_zone(item)),
                        "service": Service(number=f"EC {100 + flights}", coach="7"),
                        "title": item.title.replace("Flight", "Train"),
                    }
                )
            elif flights % 3 == 2:  # a helicopter known by its landing time
                item = item.model_copy(
                    update={
                        "kind": ItemKind.HELICOPTER,
                        "pinned": None,
                        "arrives": WallTime.of(arrive, visit.end_zone(item)),
                        "seats": max(8, len(item.attendees)),
                        "title": item.title.replace("Flight", "Helicopter"),
                    }
                )
        items.append(item)
    hours = ProgrammeHours(
        start=ClockTime(max(0, visit.programme_hours.start.minutes - 60)),
        end=ClockTime(min(24 * 60, visit.programme_hours.end.minutes + 60)),
    )
    transfers, landing = _transfer_legs(visit.travel, visit.venues, hotels)
    measured = _by_hour_legs(visit, instance.planted)
    travel = visit.travel.model_copy(update={"legs": (*visit.travel.legs, *transfers, *measured)})
    toured = visit.model_copy(
        update={
            "venues": (*visit.venues, *hotels.values(), *landing),
            "lodging": lodging,
            "tour": legs,
            "items": tuple(items),
            "programme_hours": hours,
            "travel": travel,
        }
    )
    toured = type(visit).model_validate(toured.model_dump())  # checked as a file would be
    made = Instance(f"{instance.size} tour", instance.seed, toured, instance.planted)
    errors = [v for v in validate_plan(toured, planted_plan(made)) if v.severity == "error"]
    if errors:  # a bug of this generator, never of the instance
        raise RuntimeError(f"the planted programme of {toured.id} does not hold: {errors[:3]}")
    return made


def _transfer_legs(
    rules: TravelRules, venues: tuple[Venue, ...], hotels: dict[str, Venue]
) -> tuple[list[Leg], list[Venue]]:
    """In each city, from the hotel to the venue farthest from it: a helicopter to a
    landing zone ``LANDING_KM`` short of it, then the motorcade (one way: back, the
    motorcade drives). Only where that is shorter than the drive it replaces, so that
    every journey the planted programme makes there still fits."""
    legs: list[Leg] = []
    landing: list[Venue] = []
    for city, hotel in hotels.items():
        assert hotel.lat is not None and hotel.lon is not None
        here = [v for v in venues if v.city == city and v.located and v.id != f"{city}-airport"]
        if not here:
            continue
        far = max(here, key=lambda v: _km(hotel, v))
        km = _km(hotel, far)
        if km <= 2 * LANDING_KM:
            continue
        assert far.lat is not None and far.lon is not None
        share = LANDING_KM / km
        zone = Venue(
            id=f"{far.id}-lz",
            name=f"{far.name} landing zone",
            city=city,
            lat=round(far.lat + (hotel.lat - far.lat) * share, 5),
            lon=round(far.lon + (hotel.lon - far.lon) * share, 5),
            exclusive=False,
        )
        flown = round_up((km - LANDING_KM) / HELICOPTER_KMH * 60 + HELICOPTER_BOARDING)
        driven = travel_minutes(rules, zone, far)
        drive = travel_minutes(rules, hotel, far)
        if driven is None or drive is None or flown + driven >= drive:
            continue
        legs.append(
            Leg.model_validate(
                {
                    "from": hotel.id,
                    "to": far.id,
                    "one_way": True,
                    "parts": (
                        LegPart(mode=Mode.HELICOPTER, minutes=flown, to=zone.id),
                        LegPart(mode=Mode.MOTORCADE, minutes=driven),
                    ),
                }
            )
        )
        landing.append(zone)
    return legs, landing


def _km(a: Venue, b: Venue) -> float:
    assert a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None
    return great_circle_km(a.lat, a.lon, b.lat, b.lon)


@dataclass(frozen=True)
class Departure:
    """One person leaving one planted item for their next at another venue: from where,
    to where, when (local date and minutes after midnight at the departure), and how many
    minutes the journey may take (to the next start, less its holding time)."""

    person: str
    leaves: str
    to: str
    at: tuple[date, int]
    room: int


def departures(visit: Visit, planted: dict[str, datetime]) -> list[Departure]:
    """Every planted journey of a person between two consecutive items at two venues of
    one city (their items in the order the validator reads them)."""
    found = []
    ends = {i.id: planted[i.id] + timedelta(minutes=i.duration) for i in visit.items}
    for person in visit.people:
        mine = sorted(
            (i for i in visit.items if person.id in i.attendees),
            key=lambda i: (planted[i.id], ends[i.id], i.id),
        )
        for a, b in itertools.pairwise(mine):
            leaves, to = visit.venue[a.arrival_venue or a.venues[0]], visit.venue[b.venues[0]]
            if leaves.id == to.id or leaves.city != to.city:
                continue
            local = ends[a.id].astimezone(tz(visit.venue_zone(leaves.id)))
            room = (planted[b.id] - ends[a.id]).total_seconds() / 60 - b.holding_minutes
            found.append(
                Departure(
                    person.id,
                    leaves.id,
                    to.id,
                    (local.date(), local.hour * 60 + local.minute),
                    math.floor(room),
                )
            )
    return found


def _by_hour_legs(visit: Visit, planted: dict[str, datetime]) -> list[Leg]:
    """In each city, a measured leg between the two venues its planted programme drives
    between most often: the minutes of the estimate, and in each of the rush hours the
    most minutes (up to ``BY_HOUR_AT_MOST`` times as many, in fives) that every planted
    journey on it that leaves then still fits. The first such pair whose leg is slower in
    some hours."""
    rules = visit.travel
    trips = departures(visit, planted)
    used = Counter(frozenset((d.leaves, d.to)) for d in trips)
    legs = []
    for city in visit.cities:
        hours = next(
            (r.rush_hours for r in rules.roads if r.city == city.id and not r.venues), RUSH_HOURS
        )
        pairs = [
            p
            for p, _ in sorted(used.items(), key=lambda x: (-x[1], sorted(x[0])))
            if visit.venue[next(iter(p))].city == city.id
        ]
        for pair in pairs:
            a, b = sorted(pair)
            va, vb = visit.venue[a], visit.venue[b]
            if basis(rules, va, vb).mode is not Mode.MOTORCADE:
                continue
            minutes = travel_minutes(rules, va, vb)
            if minutes is None:
                continue
            on = [d for d in trips if {d.leaves, d.to} == {a, b}]
            slower = []
            for h in hours:
                within = [
                    d.room
                    for d in on
                    if (not h.days or d.at[0] in h.days)
                    and h.start.minutes <= d.at[1] < h.end.minutes
                ]
                most = min([int(minutes * BY_HOUR_AT_MOST), *within]) // 5 * 5
                if most > minutes:
                    slower.append(LegHour(start=h.start, end=h.end, days=h.days, minutes=most))
            if slower:
                legs.append(
                    Leg.model_validate(
                        {"from": a, "to": b, "minutes": minutes, "by_hour": tuple(slower)}
                    )
                )
                break
    return legs


def _hosts_in(visit: Visit, pid: str, city: str) -> bool:
    """Whether a host attends an item in ``city`` (one of that leg's hosts)."""
    return any(
        pid in item.attendees and visit.venue[item.venues[0]].city == city for item in visit.items
    )
