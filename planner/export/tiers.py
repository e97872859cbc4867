"""Who may see what: the views of a plan that each audience receives.

Every output (calendars, programmes, itineraries, plan.json for an audience) is built
from these views and from nothing else. A view is made by copying the fields an audience
may see — an allow-list — never by deleting fields from a fuller record, so an item above
an audience's tier contributes nothing at all: not its title, venue, time, identifier, nor
a travel leg around it.

Tiers (public < press < delegation < restricted) decide which items an audience sees;
within the public tier, an item may give only a coarse time ("morning of 30 May").
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, datetime

import pendulum

from planner.export.programme import attendees_by_precedence
from planner.model.clock import tz
from planner.model.items import Item
from planner.model.people import Person
from planner.model.publication import PressAccess, PublicTime, Tier
from planner.model.travel import journey
from planner.model.visit import Visit
from planner.plan import Plan, PlannedItem, Status

UID_NAMESPACE = uuid.UUID("0b0f5a5e-7d0e-4c53-9a43-5a1f3c2d8e11")


@dataclass(frozen=True)
class Audience:
    """Who an output is for: a tier, and optionally one person (their own items only)."""

    key: str  # "public", "delegation", "full", or "person-<id>"
    tier: Tier
    person: str | None = None

    @property
    def is_public(self) -> bool:
        return self.tier.rank <= Tier.PRESS.rank

    @property
    def uid_scope(self) -> str:
        """Public calendars use UIDs of their own (a different representation of the
        event); member calendars share one UID per item."""
        return "public" if self.is_public else "member"


PUBLIC = Audience("public", Tier.PRESS)
DELEGATION = Audience("delegation", Tier.DELEGATION)
FULL = Audience("full", Tier.RESTRICTED)


def for_person(person: Person) -> Audience:
    return Audience(f"person-{person.id}", person.clearance, person.id)


def event_uid(visit_id: str, item_id: str, scope: str) -> str:
    """Stable across exports, derived from the visit and item ids only."""
    return str(uuid.uuid5(UID_NAMESPACE, f"{visit_id}/{item_id}/{scope}"))


DAY_PARTS = ((0, "night"), (5 * 60, "morning"), (12 * 60, "afternoon"), (18 * 60, "evening"))


def day_part(local: datetime) -> str:
    minutes = local.hour * 60 + local.minute
    name = DAY_PARTS[0][1]
    for start, label in DAY_PARTS:
        if minutes >= start:
            name = label
    return name


@dataclass(frozen=True)
class Leg:
    from_title: str
    minutes: int | None
    people: tuple[str, ...]
    mode: str = "motorcade"  # how: "motorcade" or "walk" (planner.model.travel.Mode)


@dataclass(frozen=True)
class ItemView:
    """What one audience may know of one item."""

    item_id: str
    uid: str
    title: str
    kind: str
    cancelled: bool
    zone: str
    start: pendulum.DateTime | None  # None when only a coarse time may be given
    end: pendulum.DateTime | None
    end_zone: str
    day: date  # local date of the start
    coarse: str | None  # "morning of 30 May" when the exact time is withheld
    venue: str
    venue_local: str | None
    address: str
    geo: tuple[float, float] | None
    attendees: tuple[str, ...]  # names, in precedence order
    dress: str | None
    press: PressAccess | None
    notes: str | None
    tier: Tier
    legs: tuple[Leg, ...]
    sequence: int
    created: datetime
    modified: datetime


def visible(visit: Visit, plan: Plan, audience: Audience) -> list[PlannedItem]:
    """The plan's items this audience may see at all, in time order (cancelled ones too:
    calendars must cancel them)."""
    chosen: list[tuple[float, str, PlannedItem]] = []
    for planned in plan.items:
        item = visit.item.get(planned.id)
        if item is None or not audience.tier.allows(item.tier):
            continue
        if planned.status is Status.DROPPED:
            continue
        if audience.person is not None and audience.person not in _attendees(item, planned):
            continue
        when = planned.start_at()
        if when is None and planned.status is not Status.CANCELLED:
            continue
        chosen.append((when.timestamp() if when else float("inf"), planned.id, planned))
    chosen.sort(key=lambda t: (t[0], t[1]))
    return [p for _, _, p in chosen]


def _attendees(item: Item, planned: PlannedItem) -> tuple[str, ...]:
    return planned.attendees or item.attendees


def views(visit: Visit, plan: Plan, audience: Audience) -> list[ItemView]:
    """The audience's views of the plan, in time order."""
    result: list[ItemView] = []
    where: dict[str, tuple[str, str]] = {}  # person -> (venue, title) of their last visible item
    current_day: date | None = None
    for planned in visible(visit, plan, audience):
        item = visit.item[planned.id]
        day = _local_day(visit, item, planned)
        if day != current_day:
            where, current_day = {}, day  # each day starts from the residence
        view = _view(visit, plan, audience, item, planned, where)
        result.append(view)
        if not view.cancelled:
            venue_id = planned.arrival_venue or planned.venue or item.venues[0]
            for pid in _attendees(item, planned):
                where[pid] = (venue_id, item.title)
    return result


def _local_day(visit: Visit, item: Item, planned: PlannedItem) -> date:
    start = planned.start_at()
    if start is None:
        return visit.start
    return start.in_timezone(tz(planned.timezone or visit.item_zone(item))).date()


def _view(
    visit: Visit,
    plan: Plan,
    audience: Audience,
    item: Item,
    planned: PlannedItem,
    where: dict[str, tuple[str, str]],
) -> ItemView:
    # a cancelled item keeps the last time it had, if any, else the visit's first day
    zone = planned.timezone or visit.item_zone(item)
    end_zone = planned.end_timezone or zone
    start, end = planned.start_at(), planned.end_at()
    local = start.in_timezone(tz(zone)) if start else None
    day = _local_day(visit, item, planned)
    coarse: str | None = None
    if audience.tier is not Tier.RESTRICTED and audience.is_public and local is not None:
        if item.public_time is PublicTime.DAY_PART:
            coarse = f"{day_part(local)} of {local.day} {local:%B}"
        elif item.public_time is PublicTime.DATE:
            coarse = f"{local.day} {local:%B}"
    if coarse is not None:
        start = end = None
    venue = visit.venue[planned.venue or item.venues[0]]
    members = attendees_by_precedence(visit, _attendees(item, planned))
    if audience.is_public:
        # the public learn who of rank takes part, not the staff around them
        names = tuple(p.name for p in members if p.precedence <= 3 or p.id == audience.person)
    else:
        names = tuple(p.name for p in members)
    legs: list[Leg] = []
    if not audience.is_public and planned.status is not Status.CANCELLED:
        moves: dict[tuple[str, str], list[str]] = {}
        for person in members:
            before = where.get(person.id)
            if before is not None and before[0] != venue.id:
                moves.setdefault(before, []).append(person.name)
        for (from_venue, from_title), people in moves.items():
            way = journey(visit.travel, visit.venue[from_venue], venue)
            if way is None:
                legs.append(Leg(from_title, None, tuple(people)))
            else:
                legs.append(Leg(from_title, way.minutes, tuple(people), way.mode.verb))
    return ItemView(
        item_id=item.id,
        uid=event_uid(visit.id, item.id, audience.uid_scope),
        title=item.title,
        kind=item.kind_label,
        cancelled=planned.status is Status.CANCELLED,
        zone=zone,
        start=start,
        end=end,
        end_zone=end_zone,
        day=day,
        coarse=coarse,
        venue=venue.name,
        venue_local=venue.local_name,
        address=venue.address,
        geo=(venue.lat, venue.lon),
        attendees=names,
        dress=item.dress,
        press=item.press,
        notes=item.notes if not audience.is_public else None,
        tier=item.tier,
        legs=tuple(legs),
        sequence=planned.revision,
        created=planned.created,
        modified=planned.modified,
    )


_UNSAFE = re.compile(r"[^a-z0-9-]+")


def slug(text: str, fallback: str) -> str:
    """A file name from a person's id or name: ASCII letters, digits and hyphens only, so
    it can never leave the output folder (no '/', '..', absolute paths or odd Unicode)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = _UNSAFE.sub("-", folded.lower()).strip("-")[:60].strip("-")
    return cleaned or _UNSAFE.sub("-", fallback.lower()).strip("-") or "person"
