"""Generated visits as tours (issue 10): every city a leg of its own host country, the
movements between cities by turns a flight, a train to a timetable (pinned at both ends,
with its service) and a helicopter known by its landing time (with its seats), and
lodging for every guest every night at a hotel in the centre of the city where their day
ends.

``as_tour(generate(size, seed))`` keeps the generated programme: the planted starts
still hold (the hotel is at most about 40 minutes from any venue of its 20 × 20 km city,
and the programme hours are widened by an hour at each end, so the days read door to
door still contain them). ``python -m bench --tours`` runs the S/M/L benchmark on them.
"""

from __future__ import annotations

from datetime import date, timedelta

from bench.generator import Instance
from planner.model import ItemKind, ProgrammeHours, Service, TourLeg, Venue, WallTime
from planner.model.clock import ClockTime, tz
from planner.model.lodging import Lodging
from planner.model.people import Side
from planner.model.tour import Country
from planner.model.visit import Visit

HOSTS = (("FR", "France"), ("RS", "Serbia"), ("HU", "Hungary"), ("JP", "Japan"))


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
    toured = visit.model_copy(
        update={
            "venues": (*visit.venues, *hotels.values()),
            "lodging": lodging,
            "tour": legs,
            "items": tuple(items),
            "programme_hours": hours,
        }
    )
    toured = type(visit).model_validate(toured.model_dump())  # checked as a file would be
    return Instance(f"{instance.size} tour", instance.seed, toured, instance.planted)


def _hosts_in(visit: Visit, pid: str, city: str) -> bool:
    """Whether a host attends an item in ``city`` (one of that leg's hosts)."""
    return any(
        pid in item.attendees and visit.venue[item.venues[0]].city == city for item in visit.items
    )
