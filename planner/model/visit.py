"""The visit: its people, venues, items, travel rules and host conventions."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Any, Literal

import pendulum
from pydantic import Field, model_validator

from planner.model.base import Day, Frozen, Id
from planner.model.breaks import MealWaiver
from planner.model.clock import WallTime
from planner.model.conventions import (
    Convention,
    OrderConvention,
    Override,
    Rule,
    Strength,
    TimeOfDayConvention,
    host_template,
)
from planner.model.dayparts import HOST_DAY_PARTS, STANDARD, DayPart, host_day_part
from planner.model.items import Item
from planner.model.lodging import Lodging, aboard, homes, residences
from planner.model.notes import DayNote
from planner.model.people import Person, ProgrammeHours, Side
from planner.model.provenance import Provenance
from planner.model.roads import area_of
from planner.model.text import Line, Paragraphs
from planner.model.tour import Country, TourLeg
from planner.model.travel import TravelRules
from planner.model.unavailability import Unavailability
from planner.model.venues import City, Venue

SCHEMA_VERSION = 1


class VisitKind(StrEnum):
    STATE = "state"
    OFFICIAL = "official"
    WORKING = "working"
    PRIVATE = "private"


class Organizer(Frozen):
    """The protocol office that publishes the programme."""

    name: Line = Field(min_length=2, max_length=200)
    email: Line = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Visit(Frozen):
    schema_version: Literal[1] = Field(description="Version of the visit-file format.")
    id: Id
    title: Line = Field(min_length=3, max_length=300)
    kind: VisitKind
    host: Country
    guest: Country
    start: Day
    end: Day
    timezone: str = Field(description="Default IANA zone of the visit, e.g. 'Asia/Baku'.")
    guest_home_timezone: str = Field(description="IANA zone of the guest's capital.")
    invited_by: Id | None = Field(default=None, description="The host who invited the guest.")
    organizer: Organizer = Organizer(name="Protocol Office", email="protocol@example.org")
    programme_hours: ProgrammeHours = ProgrammeHours()
    day_parts: dict[Id, DayPart] = Field(
        default_factory=dict,
        description="The parts of the day items may name as their window ('morning'), "
        "where the visit's differ from the host's custom; new names too.",
    )
    unavailable: tuple[Unavailability, ...] = Field(
        default=(),
        description="Cities, venues and people not to be used between two times, each "
        "with its reason.",
    )
    use_host_conventions: bool = Field(
        default=True, description="Inherit the host country's protocol template."
    )
    conventions: tuple[Convention, ...] = ()
    tour: tuple[TourLeg, ...] = Field(
        default=(),
        description="A tour of several host countries: its legs, each with its host, style, "
        "dates and cities.",
    )
    cities: tuple[City, ...] = Field(min_length=1)
    people: tuple[Person, ...] = Field(min_length=1)
    venues: tuple[Venue, ...] = Field(min_length=1)
    travel: TravelRules = TravelRules()
    lodging: tuple[Lodging, ...] = Field(
        default=(), description="Where people spend each night (their day starts and ends there)."
    )
    items: tuple[Item, ...] = Field(min_length=1)
    notes: Paragraphs | None = Field(
        default=None,
        max_length=4000,
        description="Notes for the whole visit, in every programme but the public one.",
    )
    day_notes: tuple[DayNote, ...] = Field(
        default=(), description="Notes on one day each, at their tier."
    )
    provenance: Provenance | None = None
    meals: tuple[MealWaiver, ...] = Field(
        default=(),
        description="Lunches or rests not wanted (for some people, on some days), with why.",
    )

    @model_validator(mode="after")
    def _dates(self) -> Visit:
        if self.end < self.start:
            raise ValueError(f"the visit ends ({self.end}) before it starts ({self.start})")
        if (self.end - self.start).days > 31:
            raise ValueError("a visit longer than 31 days is not a visit; check 'start' and 'end'")
        return self

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Visit:
        """A copy; the cached properties below are computed afresh for it (a plain
        pydantic copy would carry over the original's)."""
        copy = super().model_copy(update=update, deep=deep)
        for name in _CACHED:
            copy.__dict__.pop(name, None)
        return copy

    @cached_property
    def digest(self) -> str:
        """A digest of everything in the visit that a plan depends on (see
        ``planner.plan.fingerprint``); computed once per visit."""
        data = self.model_dump(mode="json", by_alias=True)
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    # -- lookups (valid only once planner.model.consistency.check passed) -------------

    @cached_property
    def person(self) -> dict[str, Person]:
        return {p.id: p for p in self.people}

    @cached_property
    def venue(self) -> dict[str, Venue]:
        return {v.id: v for v in self.venues}

    @cached_property
    def city(self) -> dict[str, City]:
        return {c.id: c for c in self.cities}

    @cached_property
    def item(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}

    @cached_property
    def index(self) -> dict[tuple[str, str], int]:
        """Where each item, person and venue stands in its list of the file:
        ``("items", id) -> n`` (the paths of located problems)."""
        found: dict[tuple[str, str], int] = {}
        for section in ("items", "people", "venues"):
            for n, entry in enumerate(getattr(self, section)):
                found.setdefault((section, entry.id), n)
        return found

    @cached_property
    def residence(self) -> dict[tuple[str, date], str]:
        """(person, night) → the venue where they spend it (``lodging``); for a night
        aboard a movement, where it arrives (the next day starts there)."""
        arrivals = {i.id: i.arrival_venue for i in self.items if i.arrival_venue}
        return residences(self.lodging, arrivals)

    @cached_property
    def aboard(self) -> dict[tuple[str, date], str]:
        """(person, night) → the movement they spend it aboard (``lodging``)."""
        return aboard(self.lodging)

    @cached_property
    def homes(self) -> dict[str, tuple[str, ...]]:
        """Person → the venues of their residences (``lodging``)."""
        return homes(self.lodging)

    @cached_property
    def areas(self) -> dict[str, str]:
        """Each city's metro area (itself, unless ``travel.roads`` names it a town)."""
        return {c.id: area_of(self.travel.roads, c.id) for c in self.cities}

    def same_place(self, city_a: str, city_b: str) -> bool:
        """Whether being in ``city_a`` is being where ``city_b`` is: the same city, or two
        towns of one metro area (``travel.roads`` with ``towns``)."""
        return city_a == city_b or self.areas.get(city_a, city_a) == self.areas.get(city_b, city_b)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def venue_zone(self, venue_id: str) -> str:
        venue = self.venue[venue_id]
        if venue.timezone:
            return venue.timezone
        city = self.city.get(venue.city)
        return city.timezone if city else self.timezone

    def item_zone(self, item: Item) -> str:
        """The zone an item's times are written in: that of its (first) venue."""
        return self.venue_zone(item.venues[0])

    def end_zone(self, item: Item) -> str:
        """The zone an item's end is written in: that of the venue where it ends."""
        return self.venue_zone(item.arrival_venue) if item.arrival_venue else self.item_zone(item)

    def start_pin(self, item: Item) -> WallTime | None:
        """When a pinned item starts, on the clock of its venue: its ``pinned`` time, or for
        an item pinned by its arrival alone (``arrives``), that time less its duration.
        Raises TimeProblem for an arrival that names no instant (check refuses it)."""
        if item.pinned is not None or item.arrives is None:
            return item.pinned
        end = item.arrives.resolve(self.end_zone(item))
        return WallTime.of(end - timedelta(minutes=item.duration), self.item_zone(item))

    def hours_for(self, item: Item) -> tuple[ProgrammeHours, tuple[str, ...]]:
        """The programme hours an item that is not pinned must keep: the visit's, narrowed
        by the own hours of its required attendees; and who narrowed them."""
        start, end = self.programme_hours.start, self.programme_hours.end
        narrowed: list[str] = []
        for pid in item.attendees:
            own = self.person[pid].programme_hours if pid in self.person else None
            if own is None:
                continue
            if own.start > start or own.end < end:
                narrowed.append(pid)
            start, end = max(start, own.start), min(end, own.end)
        if end <= start:  # nothing left: the item cannot be placed (unless pinned)
            end = start
        return ProgrammeHours.model_construct(start=start, end=end), tuple(narrowed)

    def home_zone(self, person: Person) -> str:
        if person.home_timezone:
            return person.home_timezone
        return self.guest_home_timezone if person.side is Side.GUEST else self.timezone

    @cached_property
    def leg_of(self) -> dict[str, TourLeg]:
        """Each city of a tour's leg → that leg."""
        return {city: leg for leg in self.tour for city in leg.cities}

    def legs_on(self, day: date) -> list[TourLeg]:
        """The legs of the tour under way on ``day`` (two on a day that crosses a border)."""
        return [leg for leg in self.tour if leg.holds(day)]

    def covers(self, rule: Rule, item: Item) -> bool:
        """Whether a convention applies to an item: everywhere, or in the cities it names
        (a leg's host customs: that leg's cities)."""
        if not rule.cities:
            return True
        venue = self.venue.get(item.venues[0])
        return venue is not None and venue.city in rule.cities

    def inherited_rules(self) -> tuple[Rule, ...]:
        """The host countries' conventions, when the visit follows them: on a tour, each
        leg's host's in the leg's cities, and the visit's host's in any other city."""
        if not self.tour:
            return tuple(host_template(self.host.code)) if self.use_host_conventions else ()
        rules: list[Rule] = []
        for leg in self.tour:
            if leg.use_host_conventions:
                rules += [
                    r.model_copy(update={"cities": leg.cities})
                    for r in host_template(leg.host.code)
                ]
        rest = tuple(c.id for c in self.cities if c.id not in self.leg_of)
        if self.use_host_conventions and rest:
            rules += [r.model_copy(update={"cities": rest}) for r in host_template(self.host.code)]
        return tuple(rules)

    # -- day parts and unavailability ---------------------------------------------------

    def host_at(self, venue_id: str) -> Country | None:
        """The host country whose customs hold at a venue: on a tour, its city's leg's;
        None where the visit (or the leg) does not follow its host's customs."""
        venue = self.venue.get(venue_id)
        leg = self.leg_of.get(venue.city) if venue is not None else None
        if leg is not None:
            return leg.host if leg.use_host_conventions else None
        return self.host if self.use_host_conventions else None

    def day_part_names(self) -> tuple[str, ...]:
        """Every part of the day an item may name: the standard five and the visit's own."""
        return tuple(dict.fromkeys((*STANDARD, *self.day_parts)))

    def day_part(self, name: str, venue_id: str) -> tuple[DayPart, str] | None:
        """The part of the day ``name`` at a venue and where it is defined: the visit's
        ``day_parts``, else the custom of the host there, else the defaults; None for a
        name no one defines."""
        if name in self.day_parts:
            return self.day_parts[name], "the visit's day_parts"
        host = self.host_at(venue_id)
        found = host_day_part(host.code if host else "", name)
        if found is None:
            return None
        if host is not None and name in HOST_DAY_PARTS.get(host.code, {}):
            return found, f"the custom of {host.name}"
        return found, "the default day parts"

    def unavailable_zone(self, entry: Unavailability) -> str:
        """The zone an unavailability's times are written in."""
        if entry.timezone:
            return entry.timezone
        if entry.city is not None and entry.city in self.city:
            return self.city[entry.city].timezone
        if entry.venue is not None and entry.venue in self.venue:
            return self.venue_zone(entry.venue)
        return self.timezone

    def unavailable_name(self, entry: Unavailability) -> str:
        """The name of the city, venue or person an unavailability is of."""
        found: City | Venue | Person | None
        if entry.kind == "city":
            found = self.city.get(entry.what)
        elif entry.kind == "venue":
            found = self.venue.get(entry.what)
        else:
            found = self.person.get(entry.what)
        return found.name if found is not None else entry.what

    def unavailable_span(
        self, entry: Unavailability
    ) -> tuple[pendulum.DateTime, pendulum.DateTime]:
        """The instants an unavailability runs from and until. Raises TimeProblem for a
        time that names no instant (check refuses it)."""
        zone = self.unavailable_zone(entry)
        return entry.from_.resolve(zone), entry.until.resolve(zone)

    def rules(self) -> list[Rule]:
        """The conventions in force: the host template with the visit's overrides applied,
        then the visit's own rules. Rules switched off are left out."""
        base = list(self.inherited_rules())
        overrides = {c.id: c for c in self.conventions if isinstance(c, Override)}
        result: list[Rule] = []
        for rule in base:
            change = overrides.get(rule.id)
            if change is not None:
                rule = rule.model_copy(
                    update={"strength": change.strength, "weight": change.weight or rule.weight}
                )
            if rule.strength is not Strength.OFF:
                result.append(rule)
        result.extend(
            c
            for c in self.conventions
            if isinstance(c, OrderConvention | TimeOfDayConvention)
            and c.strength is not Strength.OFF
        )
        return result


_CACHED = tuple(name for name, value in vars(Visit).items() if isinstance(value, cached_property))
