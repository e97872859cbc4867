"""Cross-checks of a visit beyond types: references, dates, time zones, windows, cycles,
presence and capacity. Every problem names the path of the offending value, so the visit
file reader can point at its line."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import pendulum

from planner.model.base import did_you_mean
from planner.model.clock import TimeProblem, WallTime, zone_problem
from planner.model.conventions import Override
from planner.model.items import Item, ItemKind, milestone_start
from planner.model.lodging import Lodging
from planner.model.people import Person, Side
from planner.model.publication import PressAccess, Tier
from planner.model.travel import journey
from planner.model.visit import Visit

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """A problem found by a check, at a path of the visit file."""

    path: Path_
    message: str
    severity: str = "error"


def _closest(word: str, options: Iterable[str]) -> str:
    return did_you_mean(word, sorted(options))  # sorted: the same hint for the same ids


def _unknown(what: str, ref: str, known: Iterable[str]) -> str:
    return f"unknown {what} '{ref}'{_closest(ref, known)}"


def check(visit: Visit) -> list[Problem]:
    """Every consistency problem of ``visit`` (errors and warnings)."""
    checker = _Checker(visit)
    return list(checker.run())


class _Checker:
    def __init__(self, visit: Visit) -> None:
        self.v = visit
        self.people = {p.id for p in visit.people}
        self.venues = {v.id for v in visit.venues}
        self.cities = {c.id for c in visit.cities}
        self.items = {i.id for i in visit.items}
        self.bad_zones: set[str] = set()
        self._span_cache: dict[str, list[tuple[str, float, float]]] = {}

    def _spans(self, person: Person) -> list[tuple[str, float, float]]:
        """The person's stays as (city, from, to) POSIX timestamps, found once per person
        (checking thousands of items asked for them once per item and attendee)."""
        found = self._span_cache.get(person.id)
        if found is None:
            found = [(c, s.timestamp(), e.timestamp()) for c, s, e in stays(self.v, person)]
            self._span_cache[person.id] = found
        return found

    def run(self) -> Iterator[Problem]:
        yield from self.zones()
        yield from self.duplicates()
        yield from self.references()
        yield from self.legs()
        if any(True for _ in self.references()) or self.bad_zones:
            return  # the checks below need every reference and zone to resolve
        yield from self.presence_stays()
        yield from self.lodging()
        yield from self.tour()
        for n, note in enumerate(self.v.day_notes):
            if not self._in_visit(note.day):
                yield Problem(
                    ("day_notes", n, "day"), self._outside("the day of the note", note.day)
                )
            elif note.tier.rank <= Tier.PRESS.rank:
                yield Problem(
                    ("day_notes", n, "tier"),
                    "the public and the press programmes carry no notes; give 'delegation' "
                    "or 'restricted'",
                )
        spans = list(self.unavailability())
        yield from (problem for problem in spans if isinstance(problem, Problem))
        blocked = [span for span in spans if not isinstance(span, Problem)]
        for n, item in enumerate(self.v.items):
            yield from self.item_times(n, item)
            yield from self.item_day_part(n, item)
            yield from self.item_around(n, item)
            yield from self.pinned_unavailable(n, item, blocked)
            yield from self.item_capacity(n, item)
            yield from self.item_presence(n, item)
        yield from self.cycles()
        yield from self.conventions()
        yield from self.meals()
        yield from self.warnings()

    # -- zones, duplicates, references -------------------------------------------------

    def zones(self) -> Iterator[Problem]:
        v = self.v
        named: list[tuple[Path_, str | None]] = [
            (("timezone",), v.timezone),
            (("guest_home_timezone",), v.guest_home_timezone),
        ]
        named += [(("cities", n, "timezone"), c.timezone) for n, c in enumerate(v.cities)]
        named += [(("venues", n, "timezone"), x.timezone) for n, x in enumerate(v.venues)]
        named += [(("people", n, "home_timezone"), p.home_timezone) for n, p in enumerate(v.people)]
        named += [(("unavailable", n, "timezone"), u.timezone) for n, u in enumerate(v.unavailable)]
        for path, zone in named:
            if zone is None:
                continue
            why = zone_problem(zone)
            if why:
                self.bad_zones.add(zone)
                yield Problem(path, why)

    def duplicates(self) -> Iterator[Problem]:
        for section in ("cities", "people", "venues", "items"):
            seen: dict[str, int] = {}
            for n, entry in enumerate(getattr(self.v, section)):
                if entry.id in seen:
                    yield Problem(
                        (section, n, "id"),
                        f"duplicate id '{entry.id}' (also {section}[{seen[entry.id]}]); ids must "
                        "be unique",
                    )
                else:
                    seen[entry.id] = n

    def references(self) -> Iterator[Problem]:
        v = self.v
        if v.invited_by and v.invited_by not in self.people:
            yield Problem(("invited_by",), _unknown("person", v.invited_by, self.people))
        for n, p in enumerate(v.people):
            refs: list[tuple[str, str | None, tuple[str | int, ...]]] = [
                ("spouse_of", p.spouse_of, ("spouse_of",))
            ]
            many = isinstance(p.counterpart_of, tuple)
            refs += [
                ("counterpart_of", ref, ("counterpart_of", k) if many else ("counterpart_of",))
                for k, ref in enumerate(p.counterparts)
            ]
            for key, ref, where in refs:
                if ref and ref not in self.people:
                    yield Problem(("people", n, *where), _unknown("person", ref, self.people))
                elif ref == p.id:
                    yield Problem(("people", n, *where), f"'{p.id}' cannot be their own {key[:-3]}")
            for k, stay in enumerate(p.presence):
                if stay.city not in self.cities:
                    yield Problem(
                        ("people", n, "presence", k, "city"),
                        _unknown("city", stay.city, self.cities),
                    )
        for n, venue in enumerate(v.venues):
            if venue.city not in self.cities:
                yield Problem(("venues", n, "city"), _unknown("city", venue.city, self.cities))
        for n, item in enumerate(v.items):
            for key in ("attendees", "optional_attendees"):
                for k, ref in enumerate(getattr(item, key)):
                    if ref not in self.people:
                        yield Problem(("items", n, key, k), _unknown("person", ref, self.people))
            yield from self._listed_twice(n, item)
            if item.venue and item.venue not in self.venues:
                yield Problem(("items", n, "venue"), _unknown("venue", item.venue, self.venues))
            for k, ref in enumerate(item.candidate_venues):
                if ref not in self.venues:
                    yield Problem(
                        ("items", n, "candidate_venues", k), _unknown("venue", ref, self.venues)
                    )
            if item.arrival_venue and item.arrival_venue not in self.venues:
                yield Problem(
                    ("items", n, "arrival_venue"),
                    _unknown("venue", item.arrival_venue, self.venues),
                )
            for k, worn in enumerate(item.dress_by):
                if worn.who not in ("guest", "host") and worn.who not in self.people:
                    yield Problem(
                        ("items", n, "dress_by", k, "who"),
                        f"'{worn.who}' is neither 'guest', 'host' nor a person of the visit"
                        + did_you_mean(worn.who, ["guest", "host", *sorted(self.people)]),
                    )
            for k, rule in enumerate(item.order):
                key = "after" if rule.after else "before"
                if rule.other not in self.items:
                    yield Problem(
                        ("items", n, "order", k, key), _unknown("item", rule.other, self.items)
                    )
                elif rule.other == item.id:
                    yield Problem(
                        ("items", n, "order", k, key), "an item cannot be ordered against itself"
                    )
        for n, leg in enumerate(v.travel.legs):
            for key, ref in (("from", leg.from_venue), ("to", leg.to_venue)):
                if ref not in self.venues:
                    yield Problem(("travel", "legs", n, key), _unknown("venue", ref, self.venues))
            for k, piece in enumerate(leg.parts):
                if piece.to is not None and piece.to not in self.venues:
                    yield Problem(
                        ("travel", "legs", n, "parts", k, "to"),
                        _unknown("venue", piece.to, self.venues),
                    )
        for n, part in enumerate(v.tour):
            for k, ref in enumerate(part.cities):
                if ref not in self.cities:
                    yield Problem(("tour", n, "cities", k), _unknown("city", ref, self.cities))
            if part.invited_by and part.invited_by not in self.people:
                yield Problem(
                    ("tour", n, "invited_by"), _unknown("person", part.invited_by, self.people)
                )
            for k, ref in enumerate(part.hosts):
                if ref not in self.people:
                    yield Problem(("tour", n, "hosts", k), _unknown("person", ref, self.people))
        for n, entry in enumerate(v.lodging):
            if entry.venue is not None and entry.venue not in self.venues:
                yield Problem(("lodging", n, "venue"), _unknown("venue", entry.venue, self.venues))
            if entry.aboard is not None:
                yield from self._aboard(n, entry)
            for k, ref in enumerate(entry.people):
                if ref not in self.people:
                    yield Problem(("lodging", n, "people", k), _unknown("person", ref, self.people))
        for n, gone in enumerate(v.unavailable):
            known = {"city": self.cities, "venue": self.venues, "person": self.people}[gone.kind]
            if gone.what not in known:
                yield Problem(("unavailable", n, gone.kind), _unknown(gone.kind, gone.what, known))
        yield from self._roads()
        yield from self._unlocated()

    def _aboard(self, n: int, entry: Lodging) -> Iterator[Problem]:
        """A night aboard is spent on a movement that ends elsewhere, under way that night:
        it leaves on the night's date, or lands on it or the day after."""
        path = ("lodging", n, "aboard")
        item = self.v.item.get(entry.aboard or "")
        if item is None:
            yield Problem(path, _unknown("item", entry.aboard or "", self.items))
            return
        if not item.arrival_venue:
            yield Problem(
                path,
                f"'{item.title}' ends where it starts; a night is spent aboard a movement "
                "that takes its people elsewhere (a flight, a train with its 'arrival_venue')",
            )
            return
        dates = set()
        if item.pinned is not None:
            dates.add(item.pinned.local.date())
        if item.arrives is not None:
            landed = item.arrives.local.date()
            dates |= {landed, landed - timedelta(days=1)}
        for k, night in enumerate(entry.nights):
            if dates and night not in dates:
                yield Problem(
                    ("lodging", n, "nights", k),
                    f"'{item.title}' is not under way on the night of {night:%d %B %Y}: it "
                    "leaves or lands on other dates",
                )

    def _unlocated(self) -> Iterator[Problem]:
        """A venue without coordinates has no estimate: every journey its people may make
        to another venue of its city (or metro area) needs a measured leg, both ways, or
        the flat figure of the roads there (``anywhere_minutes``)."""
        v = self.v
        if all(venue.located for venue in v.venues):
            return
        people: dict[str, set[str]] = {}
        for item in v.items:
            present = {*item.attendees, *item.optional_attendees}
            for ref in (*item.venues, *([item.arrival_venue] if item.arrival_venue else [])):
                people.setdefault(ref, set()).update(present)
        for n, venue in enumerate(v.venues):
            if venue.located or venue.city not in self.cities:
                continue
            mine = people.get(venue.id, set())
            for other in v.venues:
                if other.id == venue.id or other.city not in self.cities:
                    continue
                if not v.same_place(venue.city, other.city) or not mine & people.get(
                    other.id, set()
                ):
                    continue
                if all(
                    journey(v.travel, a, b) is not None for a, b in ((venue, other), (other, venue))
                ):
                    continue
                pid = min(mine & people[other.id])
                who = v.person[pid].name if pid in v.person else pid
                yield Problem(
                    ("venues", n, "city"),
                    f"'{venue.id}' has no coordinates, and nothing says how long the way to "
                    f"'{other.id}' takes (both are on the programme of {who}): give a leg in "
                    "travel.legs, its lat and lon, or anywhere_minutes in travel.roads for "
                    "its city",
                )
                break

    def _roads(self) -> Iterator[Problem]:
        """The entries of ``travel.roads``: a known city, venues of that city, one entry per
        id, and one city-wide entry per city (which of two would count?)."""
        v = self.v
        ids: dict[str, int] = {}
        city_wide: dict[str, int] = {}
        towns: dict[str, int] = {}
        for n, roads in enumerate(v.travel.roads):
            path: Path_ = ("travel", "roads", n)
            if roads.id in ids:
                yield Problem(
                    (*path, "id"), f"duplicate id '{roads.id}' (also travel.roads[{ids[roads.id]}])"
                )
            ids.setdefault(roads.id, n)
            if roads.city not in self.cities:
                yield Problem((*path, "city"), _unknown("city", roads.city, self.cities))
                continue
            for k, town in enumerate(roads.towns):
                where: Path_ = (*path, "towns", k)
                if town not in self.cities:
                    yield Problem(where, _unknown("city", town, self.cities))
                elif town == roads.city or town in roads.towns[:k]:
                    yield Problem(where, f"'{town}' is named twice in this metro area; keep one")
                elif town in towns:
                    yield Problem(
                        where,
                        f"'{town}' is a town of another metro area already (travel.roads"
                        f"[{towns[town]}]); a town is in one area",
                    )
                else:
                    towns[town] = n
            if roads.towns and roads.venues:
                yield Problem(
                    (*path, "towns"),
                    "a district (venues) has no towns: give the metro area its own entry",
                )
            if not roads.venues:
                if roads.city in city_wide:
                    yield Problem(
                        (*path, "city"),
                        f"a second entry for the roads of '{roads.city}' (also travel.roads"
                        f"[{city_wide[roads.city]}]); keep one, or name a district's venues",
                    )
                city_wide.setdefault(roads.city, n)
            for k, ref in enumerate(roads.venues):
                if ref not in self.venues:
                    yield Problem((*path, "venues", k), _unknown("venue", ref, self.venues))
                elif v.venue[ref].city != roads.city:
                    yield Problem(
                        (*path, "venues", k),
                        f"'{ref}' is in '{v.venue[ref].city}', not in '{roads.city}': a "
                        "district's venues are of its city",
                    )

    def _listed_twice(self, n: int, item: Item) -> Iterator[Problem]:
        """An attendee or candidate venue given twice, and a required attendee also given
        as optional (the solver would count them twice, or drop the one it must keep)."""
        for key in ("attendees", "optional_attendees", "candidate_venues"):
            first: dict[str, int] = {}
            for k, ref in enumerate(getattr(item, key)):
                if ref in first:
                    yield Problem(
                        ("items", n, key, k),
                        f"'{ref}' is listed twice (also {key}[{first[ref]}]); keep one",
                    )
                else:
                    first[ref] = k
        required = {ref: k for k, ref in reversed(list(enumerate(item.attendees)))}
        for k, ref in enumerate(item.optional_attendees):
            if ref in required:
                yield Problem(
                    ("items", n, "optional_attendees", k),
                    f"'{ref}' is a required attendee already (attendees[{required[ref]}]); "
                    "remove them from optional_attendees",
                )

    def legs(self) -> Iterator[Problem]:
        """A leg from a venue to itself, and two legs for the same way by the same mode
        (which one would count?)."""
        covered: dict[tuple[str, str, str], int] = {}
        for n, leg in enumerate(self.v.travel.legs):
            path: Path_ = ("travel", "legs", n)
            if leg.from_venue == leg.to_venue:
                yield Problem((*path, "to"), f"a leg from '{leg.from_venue}' to itself; remove it")
                continue
            ways = [(leg.from_venue, leg.to_venue)]
            if not leg.one_way:
                ways.append((leg.to_venue, leg.from_venue))
            for a, b in ways:
                key = (a, b, leg.mode.value)
                if key in covered:
                    yield Problem(
                        path,
                        f"a second {leg.mode.value} leg from '{a}' to '{b}' (also travel.legs"
                        f"[{covered[key]}]); keep one",
                    )
                    break
            for a, b in ways:
                covered.setdefault((a, b, leg.mode.value), n)

    # -- time ---------------------------------------------------------------------------

    def meals(self) -> Iterator[Problem]:
        """The waivers of lunch and rest name people of the visit and its days."""
        for n, waiver in enumerate(self.v.meals):
            for k, ref in enumerate(waiver.people):
                if ref not in self.people:
                    yield Problem(("meals", n, "people", k), _unknown("person", ref, self.people))
            for k, day in enumerate(waiver.days):
                if not self._in_visit(day):
                    yield Problem(("meals", n, "days", k), self._outside("the day", day))

    def _in_visit(self, day: date) -> bool:
        return self.v.start <= day <= self.v.end

    def _outside(self, what: str, day: date) -> str:
        return (
            f"{what} {day:%d %B %Y} is outside the visit ({self.v.start:%d %B} to "
            f"{self.v.end:%d %B %Y}); fix the date or the visit's 'start'/'end'"
        )

    def _resolve(
        self, path: Path_, wall: WallTime, zone: str
    ) -> tuple[pendulum.DateTime | None, Problem | None]:
        try:
            return wall.resolve(zone), None
        except TimeProblem as exc:
            return None, Problem(path, str(exc))

    def tour(self) -> Iterator[Problem]:
        """Each leg of a tour lies in the visit, each city belongs to one leg at most, and
        its hosts are of the host side."""
        v = self.v
        ids: dict[str, int] = {}
        owner: dict[str, int] = {}
        for n, leg in enumerate(v.tour):
            if leg.id in ids:
                yield Problem(
                    ("tour", n, "id"),
                    f"duplicate id '{leg.id}' (also tour[{ids[leg.id]}]); ids must be unique",
                )
            ids.setdefault(leg.id, n)
            for key in ("start", "end"):
                day = getattr(leg, key)
                if not self._in_visit(day):
                    yield Problem(("tour", n, key), self._outside(f"the leg's {key}", day))
            for k, city in enumerate(leg.cities):
                other = owner.setdefault(city, n)
                if other != n:
                    yield Problem(
                        ("tour", n, "cities", k),
                        f"'{city}' is already a city of the leg '{v.tour[other].id}' "
                        f"(tour[{other}]); a city belongs to one leg",
                    )
            for k, pid in enumerate(leg.hosts):
                if v.person[pid].side is not Side.HOST:
                    yield Problem(
                        ("tour", n, "hosts", k),
                        f"{v.person[pid].name} is on the guest side; a leg's hosts are hosts",
                    )

    def lodging(self) -> Iterator[Problem]:
        """Each night of a lodging lies in the visit (or is the night before it starts), and
        nobody spends one night in two places."""
        v = self.v
        taken: dict[tuple[str, date], int] = {}
        for n, entry in enumerate(v.lodging):
            for k, night in enumerate(entry.nights):
                if not (v.start - timedelta(days=1) <= night <= v.end):
                    yield Problem(
                        ("lodging", n, "nights", k),
                        f"the night of {night:%d %B %Y} is outside the visit (the nights run "
                        f"from the eve of {v.start:%d %B} to that of {v.end:%d %B %Y}); each "
                        "night is named by the date of its evening",
                    )
                    continue
                for pid in entry.people:
                    other = taken.setdefault((pid, night), n)
                    if other != n:
                        name = v.person[pid].name if pid in v.person else pid
                        yield Problem(
                            ("lodging", n, "nights", k),
                            f"{name} already spends the night of {night:%d %B} at "
                            f"'{v.lodging[other].venue or v.lodging[other].aboard}' "
                            f"(lodging[{other}]); one residence "
                            "per person and night",
                        )

    def presence_stays(self) -> Iterator[Problem]:
        for n, person in enumerate(self.v.people):
            spans: list[tuple[datetime, datetime, str, int]] = []
            for k, stay in enumerate(person.presence):
                zone = self.v.city[stay.city].timezone
                start, end = _visit_bounds(self.v, zone)
                for key in ("arrive", "depart"):
                    wall: WallTime | None = getattr(stay, key)
                    if wall is None:
                        continue
                    path: Path_ = ("people", n, "presence", k, key)
                    if not (
                        self.v.start - timedelta(days=1)
                        <= wall.date
                        <= self.v.end + timedelta(days=1)
                    ):
                        yield Problem(path, self._outside("the date", wall.date))
                        continue
                    instant, problem = self._resolve(path, wall, zone)
                    if problem:
                        yield problem
                    elif instant is not None:
                        if key == "arrive":
                            start = instant
                        else:
                            end = instant
                spans.append((start, end, stay.city, k))
            # compare instants in UTC: aware times in one zone compare by wall clock
            spans.sort(key=lambda span: (span[0].timestamp(), span[3]))
            for (_s1, e1, c1, k1), (s2, _e2, c2, k2) in itertools.pairwise(spans):
                if s2.timestamp() < e1.timestamp():
                    yield Problem(
                        ("people", n, "presence", k2),
                        f"this stay in '{c2}' overlaps the stay in '{c1}' (presence[{k1}]); "
                        f"{person.name} cannot be in two cities at once",
                    )

    def item_times(self, n: int, item: Item) -> Iterator[Problem]:
        v = self.v
        zone = v.item_zone(item)
        base: Path_ = ("items", n)
        for k, day in enumerate(item.days):
            if not self._in_visit(day):
                yield Problem((*base, "days", k), self._outside("the day", day))
        if not item.is_pinned:
            hours, narrowed = v.hours_for(item)
            if hours.end.minutes - hours.start.minutes < item.duration:
                whose = ", ".join(v.person[p].name for p in narrowed)
                yield Problem(
                    (*base, "duration"),
                    f"{item.duration} min do not fit the programme hours {hours.start}–"
                    f"{hours.end}"
                    + (f" (the day of {whose})" if whose else "")
                    + "; pin the item, shorten it or widen the hours",
                )
        earliest = latest = pinned = None
        if item.window:
            for key in ("earliest_start", "latest_end"):
                wall: WallTime | None = getattr(item.window, key)
                if wall is None:
                    continue
                path: Path_ = (*base, "window", key)
                limit_end = v.end + timedelta(days=1) if key == "latest_end" else v.end
                if not (v.start <= wall.date <= limit_end) or (
                    wall.date == limit_end
                    and key == "latest_end"
                    and wall.local.time() != datetime.min.time()
                ):
                    yield Problem(path, self._outside("the window", wall.date))
                    continue
                instant, problem = self._resolve(path, wall, zone)
                if problem:
                    yield problem
                elif key == "earliest_start":
                    earliest = instant
                else:
                    latest = instant
        if earliest and latest and (latest - earliest).in_minutes() < item.duration:
            span = int((latest - earliest).in_minutes())
            yield Problem(
                (*base, "duration"),
                f"{item.duration} min do not fit the window ({_bound(item, 'earliest_start')} "
                f"to {_bound(item, 'latest_end')}, {span} min); shorten the item or widen the "
                "window",
            )
        if item.pinned:
            path = (*base, "pinned")
            if not self._in_visit(item.pinned.date):
                yield Problem(path, self._outside("the pinned time", item.pinned.date))
                return
            pinned, problem = self._resolve(path, item.pinned, zone)
            if problem:
                yield problem
                return
        if item.arrives:
            path = (*base, "arrives")
            if not (v.start <= item.arrives.date <= v.end + timedelta(days=1)):
                yield Problem(path, self._outside("the arrival", item.arrives.date))
                return
            arrives, problem = self._resolve(path, item.arrives, v.end_zone(item))
            if problem or arrives is None:
                yield from [problem] if problem else []
                return
            if pinned is None:
                pinned = arrives.subtract(minutes=item.duration).in_timezone(zone)
            elif (arrives - pinned).in_minutes() != item.duration:
                span = int((arrives - pinned).total_seconds() // 60)
                yield Problem(
                    (*base, "duration"),
                    f"the timetable ({item.pinned} to {item.arrives}) takes {span} min, but "
                    f"'duration' is {item.duration}; write 'duration: {span}'"
                    if span > 0
                    else f"it arrives ({item.arrives}) before it departs ({item.pinned}); "
                    "check the clocks and their places",
                )
                return
        if pinned is None:
            return
        end = pinned.add(minutes=item.duration)
        key = "pinned" if item.pinned else "arrives"
        pin = (
            f"pinned at {item.pinned}"
            if item.pinned
            else f"arriving at {item.arrives}, it starts {pinned:%H:%M}"
        )
        if item.days and pinned.date() not in item.days:
            yield Problem((*base, key), f"{pin} on {pinned:%d %B}, which is not one of its 'days'")
        if earliest and pinned < earliest:
            yield Problem(
                (*base, key),
                f"{pin}, before its window opens ({_bound(item, 'earliest_start')})",
            )
        if latest and end > latest:
            yield Problem(
                (*base, key),
                f"{pin} for {item.duration} min, it ends {end:%H:%M}, after its "
                f"window closes ({item.window.latest_end if item.window else ''})",
            )
        if item.venue:
            yield from self._venue_hours(base, item, pinned, pinned if item.moves else end)
        for n, moment in enumerate(item.milestones):  # a time of day within the pinned item
            at = milestone_start(moment, pinned, zone) if moment.at is not None else None
            if at is not None and at > end:
                yield Problem(
                    (*base, "milestones", n, "at"),
                    f"'{moment.title}' at {moment.at} falls outside the item, {pin} until "
                    f"{end.in_timezone(zone):%H:%M}; move the milestone or the pin",
                )
        if item.kind is ItemKind.FLIGHT and item.arrival_venue:
            origin, dest = v.venue[item.venues[0]], v.venue[item.arrival_venue]
            if origin.city == dest.city:
                yield Problem(
                    (*base, "arrival_venue"), "a flight lands in another city than it leaves"
                )

    def _venue_hours(
        self, base: Path_, item: Item, start: pendulum.DateTime, end: pendulum.DateTime
    ) -> Iterator[Problem]:
        venue = self.v.venue[item.venues[0]]
        if not venue.opening:
            return
        day = start.date()
        rules = [o for o in venue.opening if not o.dates or day in o.dates]
        if not rules:
            yield Problem((*base, "pinned"), f"pinned on {day:%d %B}, when {venue.name} is closed")
            return
        start_min = start.hour * 60 + start.minute
        end_min = start_min + int((end - start).in_minutes())
        if not any(o.open.minutes <= start_min and end_min <= o.close.minutes for o in rules):
            hours = ", ".join(f"{o.open}–{o.close}" for o in rules)
            yield Problem(
                (*base, "pinned"),
                f"pinned {start:%H:%M}–{end:%H:%M}, outside the opening hours of {venue.name} "
                f"({hours})",
            )

    # -- day parts, around, unavailability ------------------------------------------------

    def item_day_part(self, n: int, item: Item) -> Iterator[Problem]:
        """A day part the item names is one of the visit's; its other window bounds lie
        in the visit and name instants."""
        if item.window is None:
            return
        v, base = self.v, ("items", n, "window")
        name = item.window.day_part
        if name is not None and v.day_part(name, item.venues[0]) is None:
            names = v.day_part_names()
            yield Problem(
                (*base, "day_part"),
                f"unknown day part '{name}' (the parts of a day are "
                + ", ".join(names)
                + f"; a visit defines others under 'day_parts'){_closest(name, names)}",
            )
        found: dict[str, pendulum.DateTime] = {}
        for key in ("earliest_start", "latest_start", "earliest_end", "latest_end"):
            wall: WallTime | None = getattr(item.window, key)
            if wall is None:
                continue
            zone = v.end_zone(item) if key.endswith("_end") else v.item_zone(item)
            fresh = key in ("latest_start", "earliest_end")  # the others: item_times
            if not (v.start <= wall.date <= v.end + timedelta(days=1)):
                if fresh:
                    yield Problem((*base, key), self._outside("the window", wall.date))
                continue
            instant, problem = self._resolve((*base, key), wall, zone)
            if problem and fresh:
                yield problem
            elif instant is not None:
                found[key] = instant
        yield from self._window_holds(n, item, found)

    def _window_holds(
        self, n: int, item: Item, found: dict[str, pendulum.DateTime]
    ) -> Iterator[Problem]:
        """A window on the start or the end leaves the item a start, and a pin keeps it."""
        base: Path_ = ("items", n, "window")
        window = item.window
        assert window is not None
        latest, earliest = found.get("latest_start"), found.get("earliest_end")
        if latest and earliest and latest.add(minutes=item.duration) < earliest:
            yield Problem(
                (*base, "earliest_end"),
                f"starting by {window.latest_start} at the latest, {item.duration} min end by "
                f"{latest.add(minutes=item.duration):%H:%M}, before its earliest end "
                f"({window.earliest_end}); lengthen the item or move a bound",
            )
        try:
            pin = self.v.start_pin(item)
            start = pin.resolve(self.v.item_zone(item)) if pin is not None else None
        except TimeProblem:
            return
        if start is None:
            return
        key = "pinned" if item.pinned else "arrives"
        part = self.v.day_part(window.day_part, item.venues[0]) if window.day_part else None
        if part is not None:
            within, clock = part[0], start.hour * 60 + start.minute
            if within.crosses_midnight:
                inside = clock >= within.from_.minutes or clock < within.until.minutes
            else:
                inside = within.from_.minutes <= clock < within.until.minutes
            if not inside:
                yield Problem(
                    ("items", n, key),
                    f"pinned at {start:%Y-%m-%d %H:%M}, outside its day part "
                    f"({window.day_part}: {within.from_} to {within.until}, {part[1]})",
                )
        if latest and start > latest:
            yield Problem(
                ("items", n, key),
                f"pinned at {start:%Y-%m-%d %H:%M}, after the latest start of its window "
                f"({window.latest_start})",
            )
        end = start.add(minutes=item.duration)
        if earliest and end < earliest:
            yield Problem(
                ("items", n, key),
                f"pinned at {start:%Y-%m-%d %H:%M} for {item.duration} min, it ends "
                f"{end:%H:%M}, before the earliest end of its window ({window.earliest_end})",
            )

    def item_around(self, n: int, item: Item) -> Iterator[Problem]:
        """An 'around' time on a date lies in the visit, on one of the item's days, and
        names an instant."""
        around = item.around
        if not isinstance(around, WallTime):
            return
        path: Path_ = ("items", n, "around")
        if not self._in_visit(around.date):
            yield Problem(path, self._outside("the time 'around'", around.date))
            return
        if item.days and around.date not in item.days:
            yield Problem(
                path, f"around {around} is on {around.date:%d %B}, which is not one of its 'days'"
            )
        _, problem = self._resolve(path, around, self.v.item_zone(item))
        if problem:
            yield problem

    def unavailability(self) -> Iterator[Problem | _Blocked]:
        """Each unavailability lies in the visit and names two instants, in order: the
        problems, and the spans of the sound ones."""
        v = self.v
        for n, entry in enumerate(v.unavailable):
            zone = v.unavailable_zone(entry)
            instants = []
            for key, wall in (("from", entry.from_), ("until", entry.until)):
                path: Path_ = ("unavailable", n, key)
                if not (v.start - timedelta(days=1) <= wall.date <= v.end + timedelta(days=1)):
                    yield Problem(path, self._outside("the date", wall.date))
                    continue
                instant, problem = self._resolve(path, wall, zone)
                if problem:
                    yield problem
                elif instant is not None:
                    instants.append(instant)
            if len(instants) < 2:
                continue
            start, end = instants
            if end.timestamp() <= start.timestamp():  # a daylight-saving change between
                yield Problem(
                    ("unavailable", n, "until"),
                    f"until {entry.until} is not after from {entry.from_} in {zone}",
                )
                continue
            yield _Blocked(n, entry.kind, entry.what, start.timestamp(), end.timestamp())

    def pinned_unavailable(self, n: int, item: Item, blocked: list[_Blocked]) -> Iterator[Problem]:
        """A pinned item does not take place in a city, at a venue, or with a required
        attendee that is unavailable then (a movement: at its departure when it leaves,
        at its arrival when it gets there)."""
        if not item.is_pinned or not blocked:
            return
        v = self.v
        try:
            pin = v.start_pin(item)
            assert pin is not None
            start = pin.resolve(v.item_zone(item))
        except TimeProblem:
            return
        at = start.timestamp()
        until = at + item.duration * 60
        key = "pinned" if item.pinned else "arrives"
        for span in blocked:
            if span.kind == "person":
                hit = span.what in item.attendees and span.start < until and at < span.end
            else:
                hit = all(
                    _venue_blocked(v, span, venue, at, until, item.moves, item.arrival_venue)
                    for venue in item.venues
                )
            if not hit:
                continue
            entry = v.unavailable[span.n]
            name = v.unavailable_name(entry)
            zone = v.unavailable_zone(entry)
            yield Problem(
                ("items", n, key),
                f"'{item.title}' is pinned {start:%d %B %H:%M}–"
                f"{start.add(minutes=item.duration):%H:%M}, but {name} is unavailable from "
                f"{_local(span.start, zone)} until {_local(span.end, zone)} ({entry.reason}; "
                f"unavailable[{span.n}]); move the pin or correct the unavailability",
            )

    # -- capacity and presence ------------------------------------------------------------

    def item_capacity(self, n: int, item: Item) -> Iterator[Problem]:
        if item.seats is not None and len(item.attendees) > item.seats:
            yield Problem(
                ("items", n, "seats"),
                f"{len(item.attendees)} people must travel on '{item.title}', but {item.seats} "
                "seats are reserved; reserve more or move someone to another movement",
            )
        count = len(item.everyone)
        groups = item.group_count
        caps = [self.v.venue[x].capacity for x in item.venues]
        if caps and all(c is not None and c < count + groups for c in caps):
            names = ", ".join(self.v.venue[x].name for x in item.venues)
            if groups and all(c is not None and c >= len(item.attendees) for c in caps):
                yield Problem(
                    ("items", n, "guests"),
                    f"{len(item.attendees)} attendees and groups of {groups} people "
                    f"({', '.join(g.label for g in item.guests)}), but {names} holds at most "
                    f"{max(c or 0 for c in caps)}; give a larger venue or smaller groups",
                )
            else:
                yield Problem(
                    ("items", n, "attendees"),
                    f"{count} attendees"
                    + (f" and groups of {groups} people" if groups else "")
                    + f", but {names} holds at most {max(c or 0 for c in caps)}",
                )

    def item_presence(self, n: int, item: Item) -> Iterator[Problem]:
        v = self.v
        cities = {v.venue[x].city for x in item.venues}
        zone = v.item_zone(item)
        if item.is_pinned:
            try:
                pin = v.start_pin(item)
                assert pin is not None
                start = pin.resolve(zone)
            except TimeProblem:
                return
            end = start.add(minutes=item.duration)
        else:
            start, end = _item_span(v, item, zone)
        at, until = start.timestamp(), end.timestamp()  # instants, never wall clocks
        for k, pid in enumerate(item.attendees):
            person = v.person[pid]
            if not person.presence:
                continue
            spans = [
                (s, e)
                for c, s, e in self._spans(person)
                if any(v.same_place(c, city) for city in cities)
            ]
            if item.moves:
                ok = any(s <= at <= e for s, e in spans)
            elif item.is_pinned:
                ok = any(s <= at and until <= e for s, e in spans)
            else:
                # a window too short for the item is reported on its own (item_times): here
                # the person need only be there for as much of the item as the window holds
                needed = min(item.duration, (until - at) / 60)
                ok = any((min(e, until) - max(s, at)) / 60 >= needed for s, e in spans)
            if not ok:
                where = ", ".join(sorted(v.city[c].name for c in cities))
                when = (
                    f"at {start:%d %B %H:%M}–{end:%H:%M}"
                    if item.is_pinned
                    else f"between {start:%d %B %H:%M} and {end:%d %B %H:%M}"
                )
                yield Problem(
                    ("items", n, "attendees", k),
                    f"{person.name} must attend '{item.title}' in {where} {when}, but is not "
                    f"present there then (see their 'presence'); fix the presence or the item",
                )

    # -- ordering ---------------------------------------------------------------------------

    def cycles(self) -> Iterator[Problem]:
        # in file order (not the order of a set), so that the same rule is blamed every run
        edges: dict[str, list[tuple[str, Path_]]] = {i.id: [] for i in self.v.items}
        for n, item in enumerate(self.v.items):
            for k, rule in enumerate(item.order):
                path: Path_ = ("items", n, "order", k)
                if rule.after:
                    edges[rule.after].append((item.id, path))
                elif rule.before:
                    edges[item.id].append((rule.before, path))
        # depth first with an explicit stack: a chain of thousands of rules is no deeper
        # for it (a recursive walk ran out of stack on a 1,000-item chain)
        state: dict[str, int] = {}  # 1: on the current path, 2: done
        reported: set[frozenset[str]] = set()
        for root in edges:
            if root in state:
                continue
            state[root] = 1
            trail, at, steps = [root], {root: 0}, [iter(edges[root])]
            while steps:
                step = next(steps[-1], None)
                if step is None:
                    steps.pop()
                    done = trail.pop()
                    del at[done]
                    state[done] = 2
                    continue
                nxt, path = step
                if state.get(nxt) == 1:
                    loop = [*trail[at[nxt] :], nxt]
                    key = frozenset(loop)
                    if key not in reported:
                        reported.add(key)
                        yield Problem(
                            path,
                            f"ordering rules form a cycle: {self._loop_text(loop)}; remove one "
                            "of these rules",
                        )
                elif nxt not in state:
                    state[nxt] = 1
                    at[nxt] = len(trail)
                    trail.append(nxt)
                    steps.append(iter(edges[nxt]))

    def _loop_text(self, loop: list[str]) -> str:
        titles = [f"'{self.v.item[i].title}'" for i in loop]
        if len(titles) > 8:  # a long chain: its ends say where it is
            titles = [*titles[:4], f"… ({len(loop) - 7} more) …", *titles[-3:]]
        return " → ".join(titles)

    def conventions(self) -> Iterator[Problem]:
        inherited = {r.id for r in self.v.inherited_rules()}
        own: set[str] = set()
        for n, conv in enumerate(self.v.conventions):
            if isinstance(conv, Override):
                if conv.id not in inherited:
                    yield Problem(
                        ("conventions", n, "id"),
                        f"no inherited convention is called "
                        f"'{conv.id}'{_closest(conv.id, inherited)}",
                    )
            elif conv.id in inherited or conv.id in own:
                yield Problem(
                    ("conventions", n, "id"),
                    f"a convention called '{conv.id}' exists already; use 'rule: override' to "
                    "change it",
                )
            own.add(conv.id)

    def warnings(self) -> Iterator[Problem]:
        v = self.v
        for n, p in enumerate(v.people):
            for ref in p.counterparts:
                other = v.person[ref]
                if other.side is p.side:
                    yield Problem(
                        ("people", n, "counterpart_of"),
                        f"{p.name} and their counterpart {other.name} are on the same side",
                        "warning",
                    )
        for n, item in enumerate(v.items):
            if not item.attendees:
                yield Problem(("items", n), f"'{item.title}' has no required attendees", "warning")
            yield from self.press_venue(n, item)
            for k, pid in enumerate(item.attendees):
                person = v.person[pid]
                if item.tier is Tier.OFF_RECORD:  # by design: in no itinerary (the office's)
                    continue
                if not person.clearance.allows(item.tier):
                    yield Problem(
                        ("items", n, "attendees", k),
                        f"{person.name} must attend '{item.title}' (tier {item.tier.value}) but "
                        f"may only see {person.clearance.value} items: their itinerary will not "
                        "show it; raise their clearance or lower the item's tier",
                        "warning",
                    )

    def press_venue(self, n: int, item: Item) -> Iterator[Problem]:
        """The press invited to a venue they may not know of (a private residence): their
        calendar would say 'venue not published'."""
        if item.press is PressAccess.CLOSED or not Tier.PRESS.allows(item.tier):
            return
        key = "venue" if item.venue else "candidate_venues"
        for k, venue_id in enumerate(item.venues):
            venue = self.v.venue[venue_id]
            if not Tier.PRESS.allows(venue.tier):
                path: Path_ = ("items", n, key) if item.venue else ("items", n, key, k)
                yield Problem(
                    path,
                    f"'{item.title}' is open to the press ({item.press.value}) at "
                    f"{venue.name}, which the press may not know of (venue tier "
                    f"{venue.tier.value}): their calendar says 'venue not published'; lower "
                    "the venue's tier or close the item to the press",
                    "warning",
                )


@dataclass(frozen=True)
class _Blocked:
    """A sound unavailability: its index, what it is of, and its span (POSIX seconds)."""

    n: int
    kind: str
    what: str
    start: float
    end: float


def _venue_blocked(
    visit: Visit,
    span: _Blocked,
    venue: str,
    at: float,
    until: float,
    moves: bool,
    arrival: str | None,
) -> bool:
    """Whether an item from ``at`` until ``until`` at ``venue`` (a movement: leaving it
    at ``at``, reaching ``arrival`` at ``until``) is where ``span`` makes unavailable."""

    def here(where: str) -> bool:
        if span.kind == "venue":
            return where == span.what
        return visit.venue[where].city == span.what

    if not moves:
        return here(venue) and span.start < until and at < span.end
    leaves = here(venue) and span.start < at < span.end
    reaches = arrival is not None and here(arrival) and span.start < until < span.end
    return leaves or reaches


def _local(timestamp: float, zone: str) -> str:
    return f"{pendulum.from_timestamp(timestamp, tz=zone):%d %B %H:%M}"


def _bound(item: Item, key: str) -> str:
    return str(getattr(item.window, key)) if item.window else ""


def _visit_bounds(visit: Visit, zone: str) -> tuple[pendulum.DateTime, pendulum.DateTime]:
    return _day_bounds(visit.start, visit.end, zone)


@lru_cache(maxsize=256)
def _day_bounds(first: date, last: date, zone: str) -> tuple[pendulum.DateTime, pendulum.DateTime]:
    """From the midnight that starts ``first`` to the one that ends ``last``, in ``zone``
    (instants are immutable: one pair per visit and zone)."""
    start = pendulum.datetime(first.year, first.month, first.day, tz=zone)
    end_day = last + timedelta(days=1)
    end = pendulum.datetime(end_day.year, end_day.month, end_day.day, tz=zone)
    return start, end


def _item_span(visit: Visit, item: Item, zone: str) -> tuple[pendulum.DateTime, pendulum.DateTime]:
    """The widest interval an unpinned item could occupy."""
    start, end = _visit_bounds(visit, zone)
    if item.days:
        first, last = min(item.days), max(item.days) + timedelta(days=1)
        start = max(start, pendulum.datetime(first.year, first.month, first.day, tz=zone))
        end = min(end, pendulum.datetime(last.year, last.month, last.day, tz=zone))
    if item.window:
        try:
            if item.window.earliest_start:
                start = max(start, item.window.earliest_start.resolve(zone))
            if item.window.latest_end:
                end = min(end, item.window.latest_end.resolve(zone))
        except TimeProblem:
            pass
    return start, end


def stays(visit: Visit, person: Person) -> list[tuple[str, pendulum.DateTime, pendulum.DateTime]]:
    """A person's stays as (city, from, to) instants; empty when the person has no
    presence entries (then they are present throughout the visit, in every city)."""
    result = []
    for stay in person.presence:
        zone = visit.city[stay.city].timezone
        start, end = _visit_bounds(visit, zone)
        try:
            if stay.arrive:
                start = stay.arrive.resolve(zone)
            if stay.depart:
                end = stay.depart.resolve(zone)
        except TimeProblem:
            continue
        result.append((stay.city, start, end))
    return result
