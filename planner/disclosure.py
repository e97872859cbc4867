"""What each reader of a plan is shown: the one place that says it.

A reader is an audience: the press and public, the delegation, the protocol office
(``full``), or one person (their own items, at their clearance). What a reader is shown of
an item depends only on the reader's *stream*, its tier (``public``, ``press``,
``delegation``, ``restricted``) or ``full`` for the protocol office, which alone keeps
the citation markers of the visit file (``[S6]``). Views are made by copying what a stream
may see, an allow-list, never by deleting from a fuller record:

- an item above the stream's tier is not shown at all;
- a venue above it is "venue not published": no name, local name, address nor place;
- a person above it is in no list of attendees and no travel leg;
- the press and public get no notes, only the attendees of rank (precedence 1–3) and, for
  an item published with ``public_time``, the part of the day or the date only.

The plan (``planner.plan.merge``) keeps, per item and stream, a digest of what the stream
was shown and the revision and instant of its last change (the calendars' SEQUENCE and
LAST-MODIFIED), and per reader a digest of everything the reader receives, so that a
reader's files change only when something the reader can see changed. The exports
(``planner.export``) render these views and nothing else of the items.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import re
import uuid
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pendulum

from planner.model.clock import length_text, tz
from planner.model.items import Item, milestone_start
from planner.model.lodging import day_ends
from planner.model.people import Person, Role, Side
from planner.model.publication import PressAccess, PublicTime, Tier
from planner.model.tour import TourLeg
from planner.model.travel import Journey, journey, latest_departure
from planner.model.venues import Venue
from planner.model.visit import Visit

if TYPE_CHECKING:
    from planner.plan import Own, Plan, PlannedItem

UID_NAMESPACE = uuid.UUID("0b0f5a5e-7d0e-4c53-9a43-5a1f3c2d8e11")

FULL_STREAM = "full"
# the streams whose readers' outputs the plan keeps account of: public, press, delegation,
# restricted, full (the office's off-record copy, stream off_record, is kept of by none)
STREAMS = (*(t.value for t in Tier if t is not Tier.OFF_RECORD), FULL_STREAM)
OFF_RECORD_STREAM = Tier.OFF_RECORD.value


_STREAM_TIERS = {**{t.value: t for t in Tier}, FULL_STREAM: Tier.RESTRICTED}


def stream_tier(stream: str) -> Tier:
    return _STREAM_TIERS[stream]


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

    @property
    def stream(self) -> str:
        """What the audience is shown of each item: its tier's view, or the protocol
        office's full one (the only one with citation markers)."""
        return FULL_STREAM if self.key == FULL.key else self.tier.value


PUBLIC = Audience("public", Tier.PRESS)
DELEGATION = Audience("delegation", Tier.DELEGATION)
FULL = Audience("full", Tier.RESTRICTED)
GROUPS = (PUBLIC, DELEGATION, FULL)
# the protocol office's off-record copy (`planner generate --off-record`): every item, the
# off-record ones too; no reader of the others, and no account kept of it in the plan
OFFICE = Audience("off-record", Tier.OFF_RECORD)


def for_person(person: Person) -> Audience:
    return Audience(person_key(person.id), person.clearance, person.id)


def person_key(person_id: str) -> str:
    return f"person-{person_id}"


def readers(visit: Visit) -> list[Audience]:
    """Every reader of a visit's outputs: the three groups, then each person."""
    return [*GROUPS, *(for_person(p) for p in visit.people)]


def event_uid(visit_id: str, item_id: str, scope: str) -> str:
    """Stable across exports, derived from the visit and item ids only."""
    return str(uuid.uuid5(UID_NAMESPACE, f"{visit_id}/{item_id}/{scope}"))


# -- text -----------------------------------------------------------------------------------

_CITATION = re.compile(r"[ \t]*(?:\[S\d+\])+")


def strip_citations(text: str) -> str:
    """Text without the citation markers of the visit file ('attends [S6].' → 'attends.'):
    provenance is for the protocol office's copies only."""
    return _CITATION.sub("", text) if "[S" in text else text


def _plain(text: str) -> str:
    return text


def cleaner(stream: str) -> Callable[[str], str]:
    """How a stream's texts are cleaned: the full stream keeps citation markers."""
    return _plain if stream in (FULL_STREAM, OFF_RECORD_STREAM) else strip_citations


# -- people and places ---------------------------------------------------------------------


def by_precedence(visit: Visit, ids: Iterable[str]) -> list[Person]:
    """Guests first, then hosts, each by precedence."""
    people = [visit.person[p] for p in ids if p in visit.person]
    return sorted(people, key=lambda p: (p.side is not Side.GUEST, p.precedence, p.name))


def person_shown(person: Person, stream: str) -> bool:
    return stream_tier(stream).allows(person.tier)


VENUE_HIDDEN = "venue not published"
VENUE_GONE = "venue no longer in the visit file"


DAY_PARTS = ((0, "night"), (5 * 60, "morning"), (12 * 60, "afternoon"), (18 * 60, "evening"))


def day_part(local: datetime) -> str:
    minutes = local.hour * 60 + local.minute
    name = DAY_PARTS[0][1]
    for start, label in DAY_PARTS:
        if minutes >= start:
            name = label
    return name


# -- what a stream is shown of one item ----------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """An item's own facts, from the visit file or, for an item removed from it since,
    from what the plan kept of it."""

    title: str
    kind: str
    tier: Tier
    public_time: PublicTime
    press: PressAccess
    dress: str | None
    notes: str | None
    first_venue: str | None  # the venue written in the visit (the first candidate)
    zone: str | None  # the zone its times are written in
    mode: str | None = None  # a movement's mode ("train")
    service: str = ""  # a movement's service, as passengers look for it ("TGV 6603, coach 14")
    public_title: str | None = None  # what the tiers below real_from are told instead
    public_venue: str | None = None  # a venue id or a place in words, for them too
    real_from: Tier | None = None  # the lowest tier shown the real title (None: the tier)
    guests: tuple[str, ...] = ()  # the groups that are not people ('about 300 pupils')
    hosted_by: tuple[str, ...] = ()  # the host organisations


def facts_of(visit: Visit, planned: PlannedItem) -> Facts | None:
    item = visit.item.get(planned.id)
    if item is not None:
        return Facts(
            title=item.title,
            kind=item.kind_label,
            tier=item.tier,
            public_time=item.public_time,
            press=item.press,
            dress=item.dress,
            notes=item.notes,
            first_venue=item.venues[0],
            zone=visit.item_zone(item) if item.venues[0] in visit.venue else None,
            mode=item.mode.value if item.mode else None,
            service=item.service.words() if item.service else "",
            public_title=item.public_title,
            public_venue=item.public_venue,
            real_from=item.real_from,
            guests=tuple(g.label for g in item.guests),
            hosted_by=item.hosted_by,
        )
    about = planned.about
    if about is None:
        return None
    return Facts(
        title=about.title,
        kind=about.kind,
        tier=about.tier,
        public_time=about.public_time,
        press=about.press,
        dress=None,
        notes=None,
        first_venue=None,
        zone=None,
        public_title=about.public_title,
        public_venue=about.public_venue,
        real_from=about.real_from,
    )


def attendee_ids(visit: Visit, planned: PlannedItem) -> tuple[str, ...]:
    if planned.attendees:
        return planned.attendees
    item = visit.item.get(planned.id)
    return item.attendees if item is not None else ()


@dataclass(frozen=True)
class Moment:
    """A milestone of an item as a stream is shown it: its title, and when (None where
    the exact time of the item is withheld)."""

    title: str
    start: pendulum.DateTime | None


@dataclass(frozen=True)
class Shown:
    """What one stream is shown of one item (everything a calendar event says of it)."""

    item_id: str
    title: str
    kind: str
    cancelled: bool
    zone: str
    start: pendulum.DateTime | None  # None when only a coarse time may be given
    end: pendulum.DateTime | None
    end_zone: str
    day: date  # local date of the start
    coarse: str | None  # "morning of 30 May" when the exact time is withheld
    venue_id: str | None  # None when the venue is not published
    venue: str
    venue_local: str | None
    address: str
    geo: tuple[float, float] | None
    venue_notes: str | None  # what those who go there must know (never for the public)
    arrival_id: str | None  # where it ends, if elsewhere (None also when not published)
    arrival: str  # its name ('' when it ends where it starts)
    mode: str | None  # a movement's mode ("train", "flight")
    service: str  # its service ("TGV 6603, coach 14")
    attendees: tuple[str, ...]  # names, in precedence order
    guests: tuple[str, ...]  # the groups that are not people ("about 300 pupils")
    hosted_by: tuple[str, ...]  # the host organisations
    journeys: str  # a reader's own: where they leave from before the item, and when
    dress: str | None
    press: PressAccess | None
    notes: str | None
    tier: Tier
    # (after the others, so that views made without them keep their meaning)
    tentative: bool = field(default=False, kw_only=True)  # not yet confirmed
    reason: str | None = field(default=None, kw_only=True)  # why it was cancelled, and when
    milestones: tuple[Moment, ...] = field(default=(), kw_only=True)  # those it may know of


def start_of(planned: PlannedItem) -> pendulum.DateTime | None:
    """The item's start, or None where the plan gives none or one that cannot be read (a
    plan edited by hand: the validator says what is wrong with it)."""
    try:
        return planned.start_at()
    except ValueError:
        return None


def end_of(planned: PlannedItem) -> pendulum.DateTime | None:
    try:
        return planned.end_at()
    except ValueError:
        return None


@dataclass(frozen=True)
class _Prepared:
    """What every stream's view of an item starts from, worked out once."""

    facts: Facts
    people: list[Person]  # the attendees, by precedence
    zone: str
    start: pendulum.DateTime | None
    end: pendulum.DateTime | None
    local: pendulum.DateTime | None  # the start at the venue


def _prepare(visit: Visit, planned: PlannedItem) -> _Prepared | None:
    facts = facts_of(visit, planned)
    if facts is None:
        return None
    people = by_precedence(visit, attendee_ids(visit, planned))
    zone = planned.timezone or facts.zone or visit.timezone
    start = start_of(planned)
    local = start.in_timezone(tz(zone)) if start else None
    return _Prepared(facts, people, zone, start, end_of(planned), local)


def shown(
    visit: Visit, planned: PlannedItem, stream: str, person: str | None = None
) -> Shown | None:
    """What ``stream`` is shown of ``planned`` (None: nothing, the item is above it or
    cannot be described); with ``person``, as that person's own itinerary shows it (their
    own name always among the attendees)."""
    prepared = _prepare(visit, planned)
    return _shown(visit, planned, prepared, stream, person) if prepared else None


def _shown(
    visit: Visit, planned: PlannedItem, prepared: _Prepared, stream: str, person: str | None
) -> Shown | None:
    facts = prepared.facts
    tier = stream_tier(stream)
    rank = tier.rank
    if facts.tier.rank > rank:
        return None
    text = cleaner(stream)
    public = rank <= Tier.PRESS.rank
    zone = prepared.zone
    end_zone = planned.end_timezone or zone
    start, end, local = prepared.start, prepared.end, prepared.local
    day = local.date() if local is not None else visit.start
    coarse: str | None = None
    if public and local is not None:
        if facts.public_time is PublicTime.DAY_PART:
            coarse = f"{day_part(local)} of {local.day} {local:%B}"
        elif facts.public_time is PublicTime.DATE:
            coarse = f"{local.day} {local:%B}"
    if coarse is not None:
        start = end = None
    # below real_from, the public version: its title and place, nothing of the real ones
    real = facts.real_from is None or facts.real_from.rank <= rank
    venue_id = planned.venue or facts.first_venue
    public_place = facts.public_venue if not real else None
    if public_place is not None:
        venue_id = public_place if public_place in visit.venue else None
    venue = visit.venue.get(venue_id) if venue_id else None
    place: tuple[str | None, str, str | None, str, tuple[float, float] | None]
    if public_place is not None and venue is None:  # a place in words ('Baku')
        place = (None, text(public_place), None, "", None)
    elif venue is not None and venue.tier.rank <= rank:
        where = venue.location_tier.rank <= rank  # its address and coordinates
        place = (
            venue.id,
            text(venue.name),
            text(venue.local_name) if venue.local_name else None,
            text(venue.address) if where else "",
            (venue.lat, venue.lon)
            if where and venue.lat is not None and venue.lon is not None
            else None,
        )
    else:
        place = (None, VENUE_GONE if venue is None else VENUE_HIDDEN, None, "", None)
    venue_notes = (
        text(venue.notes)
        if venue is not None and venue.notes and place[0] is not None and not public and real
        else None
    )
    arrival_id, arrival = None, ""
    if planned.arrival_venue and public_place is None:
        there = visit.venue.get(planned.arrival_venue)
        if there is None:
            arrival = VENUE_GONE
        elif there.tier.rank <= rank:
            arrival_id, arrival = there.id, text(there.name)
        else:
            arrival = VENUE_HIDDEN
    names = tuple(
        text(p.name)
        for p in prepared.people
        if p.id == person or (p.tier.rank <= rank and (not public or p.precedence <= 3))
    )
    dress = facts.dress
    item = visit.item.get(planned.id)
    if item is not None and item.dress_by:  # dress per side or person
        reader = visit.person.get(person) if person is not None else None
        if reader is not None:  # an itinerary: the reader's own
            dress = item.dress_for(reader.id, reader.side.value)
        else:
            said = [item.dress] if item.dress else []
            for entry in item.dress_by:
                who = visit.person.get(entry.who)
                if who is None:
                    said.append(f"{entry.who} side: {entry.dress}")
                elif who.tier.rank <= rank:  # a person the stream may know of
                    said.append(f"{who.name}: {entry.dress}")
            dress = "; ".join(said) or None
    title = facts.title if real or facts.public_title is None else facts.public_title
    notes = facts.notes if real else None
    return Shown(
        item_id=planned.id,
        title=text(title),
        kind=text(facts.kind),
        cancelled=planned.status.value == "cancelled",
        zone=zone,
        start=start,
        end=end,
        end_zone=end_zone,
        day=day,
        coarse=coarse,
        venue_id=place[0],
        venue=place[1],
        venue_local=place[2],
        address=place[3],
        geo=place[4],
        venue_notes=venue_notes,
        journeys="",
        arrival_id=arrival_id,
        arrival=arrival,
        mode=facts.mode,
        service=text(facts.service),
        attendees=names,
        guests=tuple(text(g) for g in facts.guests) if real else (),
        hosted_by=tuple(text(h) for h in facts.hosted_by) if real else (),
        dress=text(dress) if dress else None,
        press=facts.press,
        notes=text(notes) if notes and not public else None,
        tier=facts.tier,
        **_status_and_moments(item, planned, prepared, tier, text, coarse is None, real),
    )


def _status_and_moments(
    item: Item | None,
    planned: PlannedItem,
    prepared: _Prepared,
    tier: Tier,
    text: Callable[[str], str],
    exact: bool,
    real: bool = True,
) -> dict[str, Any]:
    """Whether the item is tentative, why it was cancelled (and when), and the milestones
    the stream may know of (each at its own tier, never below the item's), with their
    times where the item's time is given exactly. A stream told the item's public version
    (``real`` False) is told neither the reason nor the milestones: they tell of the real
    item."""
    if item is None:
        return {}
    found: dict[str, Any] = {}
    if item.tentative:
        found["tentative"] = True
    if not real:
        return found
    cancellation = item.cancellation
    if cancellation is not None and planned.status.value == "cancelled":
        found["reason"] = text(cancellation.reason) + (
            f" (called off on {cancellation.on.day} {cancellation.on:%B %Y})"
            if cancellation.on
            else ""
        )
    moments = tuple(
        Moment(
            text(moment.title),
            milestone_start(moment, prepared.start, prepared.zone)
            if exact and prepared.start is not None
            else None,
        )
        for moment in item.milestones
        if tier.allows(item.milestone_tier(moment))
    )
    if moments:  # in order of time
        found["milestones"] = tuple(
            sorted(moments, key=lambda m: m.start.timestamp() if m.start else 0.0)
        )
    return found


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def digest(value: Any) -> str:
    """A short digest of a value made of texts, numbers, instants, dates and lists."""
    text = json.dumps(_jsonable(value), ensure_ascii=False, separators=(",", ":"))
    return _hash(text)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _content(view: Shown) -> tuple[Any, ...]:
    """A view's content as plain values (instants as POSIX seconds), in a fixed order:
    its ``repr`` is what the digests hash."""
    return (
        view.item_id,
        view.title,
        view.kind,
        # (its status: tentative, and why it was cancelled, where the file says so)
        (view.cancelled, view.tentative, view.reason)
        if view.tentative or view.reason
        else view.cancelled,
        view.zone,
        view.start.timestamp() if view.start else None,
        view.end.timestamp() if view.end else None,
        view.end_zone,
        view.day.isoformat(),
        # (and its milestones, with its time)
        (view.coarse, tuple((m.title, m.start and m.start.timestamp()) for m in view.milestones))
        if view.milestones
        else view.coarse,
        # where it goes and how, with its venue (as it was for an item that ends where it
        # starts, so that their digests stay as they were)
        (
            view.venue_id,
            view.arrival_id,
            view.arrival,
            view.mode,
            view.service,
            view.venue_notes,
            view.journeys,
        )
        if view.arrival or view.mode or view.service or view.venue_notes or view.journeys
        else view.venue_id,
        view.venue,
        view.venue_local,
        view.address,
        view.geo,
        # the attendees, with the groups and host organisations where it has any (as it
        # was for an item without, so that their digests stay as they were)
        (view.attendees, view.guests, view.hosted_by)
        if view.guests or view.hosted_by
        else view.attendees,
        view.dress,
        view.press.value if view.press else None,
        view.notes,
        view.tier.value,
    )


def content(view: Shown) -> tuple[Any, ...]:
    """What a reader is shown of an item, as plain values (its bookkeeping aside)."""
    return _content(view)


def _context(visit: Visit, view: Shown) -> tuple[Any, ...]:
    """What an event's text takes from the visit besides the item: the names of the
    clocks it shows and who publishes it."""
    zones = {view.zone, view.end_zone, visit.guest_home_timezone}
    return (
        visit.guest_home_timezone,
        tuple((c.name, c.timezone) for c in visit.cities if c.timezone in zones),
        (visit.organizer.name, visit.organizer.email),
    )


PARTS = (
    "title",
    "kind",
    "time",
    "venue",
    "place",
    "attendees",
    "dress",
    "press",
    "notes",
    "tier",
    "status",
    "context",
)


# the groups of PARTS as slices of the content (see _content), all but the context
_GROUPS: tuple[tuple[int, int], ...] = (
    (1, 2),  # title
    (2, 3),  # kind
    (4, 10),  # zone, start, end, end zone, day, coarse time
    (10, 12),  # venue id and name
    (12, 15),  # local name, address, coordinates
    (15, 16),  # attendees
    (16, 17),  # dress
    (17, 18),  # press
    (18, 19),  # notes
    (19, 20),  # tier
    (3, 4),  # cancelled
)


def shown_digest(visit: Visit, view: Shown, context: str | None = None) -> str:
    """A digest of what an event says of an item: it changes exactly when the text of
    the event changes (its bookkeeping aside). After a colon, four hex digits per group
    of PARTS, which say what changed when it did. ``context``: the repr of the item's
    _context, when known."""
    shown_values = [repr(value) for value in _content(view)]
    context = context if context is not None else repr(_context(visit, view))
    whole = _hash("\x1f".join(shown_values) + "\x1e" + context)
    groups = ["\x1f".join(shown_values[a:b]) for a, b in _GROUPS] + [context]
    return whole + ":" + "".join(f"{zlib.crc32(g.encode('utf-8')) & 0xFFFF:04x}" for g in groups)


def changed_parts(before: str | None, after: str | None) -> frozenset[str] | None:
    """Which groups of PARTS differ between two digests (None: it cannot be told, a
    digest of a plan of schema version 1)."""
    if not before or not after or ":" not in before or ":" not in after:
        return None
    if before == after:
        return frozenset()
    a, b = before.split(":", 1)[1], after.split(":", 1)[1]
    if len(a) != 4 * len(PARTS) or len(b) != len(a):
        return None
    return frozenset(
        name for n, name in enumerate(PARTS) if a[4 * n : 4 * n + 4] != b[4 * n : 4 * n + 4]
    )


def item_digests(visit: Visit, planned: PlannedItem, index: Index | None = None) -> dict[str, str]:
    """For each stream that is shown the item (as published: not dropped, with a time or
    cancelled), a digest of what it is shown."""
    if planned.status.value == "dropped":
        return {}
    if start_of(planned) is None and planned.status.value != "cancelled":
        return {}
    index = index or Index(visit, None)
    result: dict[str, str] = {}
    for stream in STREAMS:
        found = index.digest_of(planned, stream)
        if found is not None:
            result[stream] = found
    return result


# -- what a reader is shown of a plan --------------------------------------------------------


@dataclass(frozen=True)
class Leg:
    from_title: str
    minutes: int | None
    people: tuple[str, ...]
    mode: str = "motorcade"  # how: "motorcade", "walk", "helicopter", "boat" (Mode)
    leave: str = ""  # when to leave, on the clock of where one leaves ('09:25')
    overnight: bool = False  # from the movement the reader spent the night aboard


_SHOWN_FIELDS = tuple(f.name for f in fields(Shown))


@dataclass(frozen=True)
class ItemView(Shown):
    """What one audience may know of one item, with its calendar bookkeeping."""

    uid: str
    legs: tuple[Leg, ...]
    sequence: int
    created: datetime
    modified: datetime
    withdrawn: bool = False  # no longer the reader's to see: a calendar keeps it, cancelled
    then: tuple[Leg, ...] = ()  # the reader's journey after it: back to the night's residence


class Index:
    """A plan's items as the readers of a visit see them, worked out once for all of
    them: the published items in time order with their facts, each person's items, each
    person's real previous item of the day, and what each stream is shown of each item
    (with its digest)."""

    def __init__(self, visit: Visit, plan: Plan | None) -> None:
        self.visit = visit
        order: list[tuple[float, str, PlannedItem, Facts]] = []
        for planned in plan.items if plan is not None else ():
            if planned.status.value == "dropped":
                continue
            facts = facts_of(visit, planned)
            if facts is None:
                continue
            when = start_of(planned)
            if when is None and planned.status.value != "cancelled":
                continue
            order.append((when.timestamp() if when else float("inf"), planned.id, planned, facts))
        order.sort(key=lambda t: (t[0], t[1]))
        self.order = [(planned, facts) for _, _, planned, facts in order]
        self.by_person: dict[str, list[int]] = {}
        for n, (planned, _) in enumerate(self.order):
            for pid in attendee_ids(visit, planned):
                self.by_person.setdefault(pid, []).append(n)
        # each person's previous item of the day: on the record, as if the off-record items
        # were not there (a journey from one, or none where one was told, would tell of
        # it); in the office's off-record copy, really
        off = {planned.id for planned, facts in self.order if facts.tier is Tier.OFF_RECORD}
        self.previous = real_previous(visit, plan, off) if plan is not None else {}
        self.previous_office = (
            real_previous(visit, plan) if plan is not None and off else self.previous
        )
        # (person, item) of each item after which the person has another that day
        self.followed = {(pid, before.id) for (pid, _), before in self.previous.items()}
        self.followed_office = {
            (pid, before.id) for (pid, _), before in self.previous_office.items()
        }
        self._shown: dict[tuple[str, str], Shown | None] = {}
        self._shown_to: dict[tuple[str, str, str], Shown | None] = {}  # (with a person)
        self._digests: dict[tuple[str, Any], str] = {}
        self._prepared: dict[str, _Prepared | None] = {}
        self._names: dict[tuple[str, str], str] = {}
        # what makes streams differ, in this visit (see _same_as)
        self._tiers = (
            {v.tier for v in visit.venues}
            | {v.location_tier for v in visit.venues}
            | {p.tier for p in visit.people}
            | {m.tier for i in visit.items for m in i.milestones if m.tier is not None}
            | {i.real_from for i in visit.items if i.real_from is not i.tier}
        )
        self._cited = _cites(visit) or any(
            planned.about is not None and "[S" in planned.about.title + planned.about.kind
            for planned, _ in self.order
        )
        self._travel: dict[tuple[str, str, tuple[date, int] | None], Journey | None] = {}
        self._departures: dict[tuple[str, str, float, float | None], Any] = {}
        self._by_id: dict[str, PlannedItem] | None = None
        self._own_digests: dict[tuple[str, str, str], str | None] = {}
        self._reader_legs: dict[
            tuple[str, str, str], tuple[list[Leg], list[Leg], tuple[Leg, ...]]
        ] = {}

    def shown(self, planned: PlannedItem, stream: str, person: str | None = None) -> Shown | None:
        """What ``stream`` is shown of the item (for ``person``: in their own itinerary)."""
        key = (planned.id, stream)
        if key not in self._shown:
            prepared = self.prepared(planned)
            same = self._same_as(prepared, stream) if prepared else None
            if same is not None:
                self._shown[key] = self.shown(planned, same)
            else:
                self._shown[key] = (
                    _shown(self.visit, planned, prepared, stream, None) if prepared else None
                )
        view = self._shown[key]
        if view is None or person is None:
            return view
        mine = (planned.id, stream, person)
        if mine not in self._shown_to:  # (asked for by the reader's list, digest, events)
            self._shown_to[mine] = self._shown_to_person(planned, view, stream, person)
        return self._shown_to[mine]

    def _shown_to_person(
        self, planned: PlannedItem, view: Shown, stream: str, person: str
    ) -> Shown | None:
        own = view
        if self._personal(planned, view, stream, person):
            prepared = self.prepared(planned)
            found = _shown(self.visit, planned, prepared, stream, person) if prepared else None
            if found is None:
                return None
            own = found
        ways = self.journeys(planned, own, stream, person)
        return dataclasses.replace(own, journeys=ways) if ways else own

    def journeys(self, planned: PlannedItem, view: Shown, stream: str, person: str) -> str:
        """Where the reader goes before the item and when they leave: from their previous
        item of the day or, the first of the day, from the morning's residence; and after
        their last, the way back to the evening's (``lodging``). Their calendar says it,
        and its digest covers it."""
        if view.cancelled or view.venue_id is None or stream_tier(stream).rank <= Tier.PRESS.rank:
            return ""  # (the press and the public are told no journeys, as in itineraries)
        before, morning, after = self.reader_legs(planned, view, stream, person)
        said = [
            f"Leave {leg.from_title} {leg.leave} ({leg.mode} {length_text(leg.minutes or 0)})"
            for leg in before + morning
            if leg.leave
        ]
        said += [f"Overnight aboard {leg.from_title}" for leg in morning if leg.overnight]
        said += [
            f"Then back to {leg.from_title} ({leg.mode} {length_text(leg.minutes or 0)})"
            for leg in after
        ]
        return "; ".join(said)

    def _same_as(self, prepared: _Prepared, stream: str) -> str | None:
        """A stream shown exactly what ``stream`` is shown of the item, if one is known:
        press and public differ only in press-tier items, venues and people; restricted
        and delegation in restricted ones; full and restricted in citation markers."""
        rank = prepared.facts.tier.rank
        if stream == FULL_STREAM and not self._cited:
            return Tier.RESTRICTED.value
        if stream == Tier.RESTRICTED.value and Tier.RESTRICTED not in self._tiers:
            return Tier.DELEGATION.value if rank <= Tier.DELEGATION.rank else None
        if stream == Tier.PRESS.value and Tier.PRESS not in self._tiers:
            return Tier.PUBLIC.value if rank <= Tier.PUBLIC.rank else None
        return None

    def reader_legs(
        self, planned: PlannedItem, view: Shown, stream: str, person: str
    ) -> tuple[list[Leg], list[Leg], tuple[Leg, ...]]:
        """A person's journeys around the item: from their previous item of the day, from
        the morning's residence, and back to the evening's (worked out once per item and
        reader: calendars, itineraries and digests all ask)."""
        key = (planned.id, stream, person)
        found = self._reader_legs.get(key)
        if found is None:

            def title_of(before: PlannedItem) -> str | None:
                seen = self.shown(before, stream)
                return seen.title if seen is not None and not seen.cancelled else None

            before = _legs(self, planned, view, stream, person, title_of)
            morning, after = _residence_legs(self, planned, view, stream, person)
            found = self._reader_legs[key] = (before, morning, after)
        return found

    def around(
        self, stream: str
    ) -> tuple[dict[tuple[str, str], PlannedItem], set[tuple[str, str]]]:
        """Each person's previous item of the day, and the items after which they have
        another, as ``stream`` is told: off-record items left out but for the office."""
        if stream == OFF_RECORD_STREAM:
            return self.previous_office, self.followed_office
        return self.previous, self.followed

    def placed_publicly(self, planned: PlannedItem, stream: str) -> bool:
        """Whether ``stream`` is told the item at its public venue (below disclosed_from):
        then no journey to or from it is told, which would be from where it really is."""
        prepared = self.prepared(planned)
        if prepared is None:
            return False
        facts = prepared.facts
        return (
            facts.public_venue is not None
            and facts.real_from is not None
            and facts.real_from.rank > stream_tier(stream).rank
        )

    def planned(self, item_id: str) -> PlannedItem | None:
        """The published item of that id, if any."""
        if self._by_id is None:
            self._by_id = {planned.id: planned for planned, _ in self.order}
        return self._by_id.get(item_id)

    def prepared(self, planned: PlannedItem) -> _Prepared | None:
        if planned.id not in self._prepared:
            self._prepared[planned.id] = _prepare(self.visit, planned)
        return self._prepared[planned.id]

    def _personal(self, planned: PlannedItem, view: Shown, stream: str, person: str) -> bool:
        """Whether ``person``'s itinerary is shown the item otherwise than ``stream``:
        their own name hidden there, or a dress of their own (``dress_by``)."""
        item = self.visit.item.get(planned.id)
        return bool(item is not None and item.dress_by) or self._hidden_self(view, stream, person)

    def _hidden_self(self, view: Shown, stream: str, person: str) -> bool:
        key = (person, stream)
        name = self._names.get(key)
        if name is None:
            own = self.visit.person.get(person)
            name = self._names[key] = cleaner(stream)(own.name) if own is not None else ""
        return bool(name) and name not in view.attendees

    def travel(
        self, there: Venue, here: Venue, leaves: tuple[date, int] | None = None
    ) -> Journey | None:
        """The way from one venue to another, leaving at ``leaves`` (its local date and
        minutes: for the slower hours); worked out once per pair and hour."""
        key = (there.id, here.id, leaves)
        if key not in self._travel:
            self._travel[key] = journey(self.visit.travel, there, here, leaves=leaves)
        return self._travel[key]

    def departure(
        self, there: Venue, here: Venue, arrive_by: datetime, not_before: datetime | None = None
    ) -> tuple[datetime, Journey] | None:
        """When to leave ``there`` to be at ``here`` by ``arrive_by`` (not before
        ``not_before``), and the way then (planner.model.travel.latest_departure); worked
        out once per pair and times, on plain UTC instants (quicker than pendulum's)."""
        by = arrive_by.timestamp()
        after = not_before.timestamp() if not_before is not None else None
        key = (there.id, here.id, by, after)
        if key not in self._departures:
            self._departures[key] = latest_departure(
                self.visit.travel,
                there,
                here,
                self.visit.venue_zone(there.id),
                datetime.fromtimestamp(by, UTC),
                datetime.fromtimestamp(after, UTC) if after is not None else None,
            )
        found: tuple[datetime, Journey] | None = self._departures[key]
        return found

    def digest_of(self, planned: PlannedItem, stream: str, person: str | None = None) -> str | None:
        view = self.shown(planned, stream)
        if view is None:
            return None
        if person is not None and (
            self._personal(planned, view, stream, person)
            or self.journeys(planned, view, stream, person)
        ):
            mine = (planned.id, stream, person)
            if mine not in self._own_digests:
                own = self.shown(planned, stream, person)
                self._own_digests[mine] = shown_digest(self.visit, own) if own else None
            return self._own_digests[mine]
        key = (planned.id, stream)
        found = self._digests.get(key)
        if found is None:
            # streams shown the same of an item share its digest: worked out once
            same = (planned.id, _content(view))
            found = self._digests.get(same)
            if found is None:
                found = shown_digest(self.visit, view)
                self._digests[same] = found
            self._digests[key] = found
        return found

    def people(self, planned: PlannedItem) -> list[Person]:
        prepared = self.prepared(planned)
        return prepared.people if prepared else []

    def visible(self, audience: Audience) -> list[PlannedItem]:
        tier = stream_tier(audience.stream)
        if audience.person is None:
            chosen = self.order
        else:
            chosen = [self.order[n] for n in self.by_person.get(audience.person, ())]
        return [planned for planned, facts in chosen if tier.allows(facts.tier)]


def _cites(visit: Visit) -> bool:
    """Whether any text a reader may be shown holds a citation marker."""
    texts: list[str | None] = [visit.title, visit.organizer.name]
    for item in visit.items:
        texts += [item.title, item.custom_kind, item.dress, item.notes, item.public_title]
        texts += [item.public_venue, *item.hosted_by, *(g.label for g in item.guests)]
    for venue in visit.venues:
        texts += [venue.name, venue.local_name, venue.address]
    for person in visit.people:
        texts += [person.name, person.title]
    return any(text is not None and "[S" in text for text in texts)


def visible(visit: Visit, plan: Plan, audience: Audience) -> list[PlannedItem]:
    """The plan's items this audience may see at all, in time order (cancelled ones too:
    calendars must cancel them)."""
    return Index(visit, plan).visible(audience)


def real_previous(
    visit: Visit, plan: Plan, leave_out: set[str] | frozenset[str] = frozenset()
) -> dict[tuple[str, str], PlannedItem]:
    """(person, item) → the person's real previous item that day: the scheduled item of
    theirs that starts last before it on the same local day, whoever may see it (the
    items ``leave_out`` aside: the off-record ones, on the record)."""
    timeline: dict[str, list[tuple[float, str, date, PlannedItem]]] = {}
    for planned in plan.items:
        if planned.status.value != "scheduled" or planned.id in leave_out:
            continue
        start = start_of(planned)
        if start is None:
            continue
        day = start.in_timezone(tz(planned.timezone or visit.timezone)).date()
        for pid in attendee_ids(visit, planned):
            timeline.setdefault(pid, []).append((start.timestamp(), planned.id, day, planned))
    result: dict[tuple[str, str], PlannedItem] = {}
    for pid, entries in timeline.items():
        entries.sort(key=lambda e: (e[0], e[1]))
        for before, after in itertools.pairwise(entries):
            if before[2] == after[2]:
                result[(pid, after[1])] = before[3]
    return result


def _place_after(visit: Visit, planned: PlannedItem) -> str | None:
    """Where an item leaves its attendees: its arrival venue (a flight) or its venue."""
    if planned.arrival_venue:
        return planned.arrival_venue
    if planned.venue:
        return planned.venue
    item = visit.item.get(planned.id)
    return item.venues[0] if item else None


def views(
    visit: Visit, plan: Plan, audience: Audience, index: Index | None = None
) -> list[ItemView]:
    """The audience's views of the plan, in time order. Travel legs (not for the press and
    public) are each attendee's real journey from their real previous item of the day,
    told only where that item is itself in these views (else nothing is said of that
    person's journey); an itinerary tells the reader's own journeys only."""
    index = index or Index(visit, plan)
    stream = audience.stream
    seen = [(p, index.shown(p, stream, audience.person)) for p in index.visible(audience)]
    titles = {p.id: s.title for p, s in seen if s is not None and not s.cancelled}
    offset, since = plan.reader_offset(audience.key)
    result: list[ItemView] = []
    for planned, view in seen:
        if view is None:
            continue
        legs: list[Leg] = []
        then: tuple[Leg, ...] = ()
        if not audience.is_public and not view.cancelled and view.venue_id is not None:
            if audience.person is not None:
                before, morning, then = index.reader_legs(planned, view, stream, audience.person)
                legs = before + morning
            else:
                legs = _legs(index, planned, view, stream, None, _titles(titles))
        revision, modified = planned.seen_by_stream(stream)
        bump, bumped = plan.reader_bump(audience.key, planned.id)
        for later in (since, bumped):
            if later is not None and later > modified:
                modified = later
        result.append(
            ItemView(
                **{name: getattr(view, name) for name in _SHOWN_FIELDS},
                uid=event_uid(visit.id, planned.id, audience.uid_scope),
                legs=tuple(legs),
                sequence=revision + offset + bump,
                created=planned.created,
                modified=modified,
                then=then,
            )
        )
    return result


def _residence_legs(
    index: Index, planned: PlannedItem, view: Shown, stream: str, reader: str
) -> tuple[list[Leg], tuple[Leg, ...]]:
    """The reader's journeys from the morning's residence to their first item of the day,
    with when to leave, and from their last item to the evening's (``lodging``)."""
    visit = index.visit
    if not visit.lodging or view.start is None or index.placed_publicly(planned, stream):
        return [], ()  # (an item told at its public venue: no journey to or from it)
    person = visit.person.get(reader)
    item = visit.item.get(planned.id)
    here = visit.venue.get(view.venue_id or "")
    if person is None or item is None or here is None:
        return [], ()
    rank = stream_tier(stream).rank
    name = cleaner(stream)(person.name)
    morning, evening = day_ends(visit.residence, reader, view.day)
    before: list[Leg] = []
    aboard = visit.aboard.get((reader, view.day - timedelta(days=1)))
    previous, followed = index.around(stream)
    if (reader, planned.id) not in previous and aboard is not None and morning == here.id:
        flight = index.planned(aboard)
        seen = index.shown(flight, stream) if flight is not None else None
        if seen is not None and not seen.cancelled:  # off the night's flight, straight on
            before.append(Leg(seen.title, 0, (name,), seen.mode or "", overnight=True))
    elif (reader, planned.id) not in previous and morning is not None:
        home = visit.venue[morning]
        arrive_by = view.start - timedelta(minutes=item.holding_minutes)
        found = index.departure(home, here, arrive_by) if home.id != here.id else None
        if home.tier.rank <= rank and found is not None:
            leave, way = found
            clock = leave.astimezone(tz(visit.venue_zone(home.id)))
            title = _meeting(home, stream, cleaner(stream)(home.name))
            before.append(Leg(title, way.minutes, (name,), way.verb, f"{clock:%H:%M}"))
    after: tuple[Leg, ...] = ()
    ended = end_of(planned)
    if (reader, planned.id) not in followed and evening is not None and ended is not None:
        home = visit.venue[evening]
        there = visit.venue.get(_place_after(visit, planned) or "")
        # from where the item ends: only a place the reader may know of (the journey from
        # where a boat lands that is 'venue not published' would tell where it is)
        back = (
            index.travel(there, home, _local(ended, visit.venue_zone(there.id)))
            if there is not None and there.id != home.id and there.tier.rank <= rank
            else None
        )
        if home.tier.rank <= rank and back is not None:
            after = (Leg(cleaner(stream)(home.name), back.minutes, (name,), back.verb),)
    return before, after


def shown_ids(index: Index, audience: Audience) -> list[str]:
    """The ids of the items ``audience`` is shown, in time order."""
    stream, person = audience.stream, audience.person
    return [p.id for p in index.visible(audience) if index.shown(p, stream, person) is not None]


def withdrawn_views(visit: Visit, plan: Plan, audience: Audience) -> list[ItemView]:
    """The items withdrawn from ``audience`` (see planner.plan.Gone), as views of what
    they last saw: for their calendar, which must cancel them rather than drop them."""
    reader = plan.readers_by_key.get(audience.key)
    result: list[ItemView] = []
    for gone in reader.gone if reader is not None else ():
        start, end = gone.start_at(), gone.end_at()
        result.append(
            ItemView(
                item_id=gone.item,
                title=gone.title,
                kind=gone.kind,
                cancelled=True,
                zone=gone.timezone,
                start=start,
                end=end,
                end_zone=gone.end_timezone or gone.timezone,
                day=gone.day,
                coarse=None,
                venue_id=None,
                venue="",
                venue_local=None,
                address="",
                geo=None,
                venue_notes=None,
                journeys="",
                arrival_id=None,
                arrival="",
                mode=None,
                service="",
                attendees=(),
                guests=(),
                hosted_by=(),
                dress=None,
                press=None,
                notes=None,
                tier=gone.tier,
                uid=event_uid(visit.id, gone.item, audience.uid_scope),
                legs=(),
                sequence=gone.revision,
                created=gone.created,
                modified=gone.modified,
                withdrawn=True,
            )
        )
    return result


def _legs(
    index: Index,
    planned: PlannedItem,
    view: Shown,
    stream: str,
    reader: str | None,
    title_of: Callable[[PlannedItem], str | None],
) -> list[Leg]:
    """The journeys that lead to the item from each attendee's previous item of the day
    (``title_of``: its title where the reader is shown it, else None: nothing is said of
    that journey). An itinerary tells the reader's own, with when to leave and where to
    meet; the other readers, those of the visible attendees."""
    visit = index.visit
    here = visit.venue.get(view.venue_id or "")
    if here is None or index.placed_publicly(planned, stream):
        return []  # (told at its public venue: no journey to it, it is elsewhere)
    moves: dict[str, tuple[Venue, list[str], PlannedItem, str]] = {}
    rank = stream_tier(stream).rank
    for person in index.people(planned):
        if (person.id != reader) if reader is not None else (person.tier.rank > rank):
            continue  # an itinerary tells the reader's own journeys; others, the visible
        before = index.around(stream)[0].get((person.id, planned.id))
        title = title_of(before) if before is not None else None
        if before is None or title is None or index.placed_publicly(before, stream):
            continue  # their previous item is not in these views (or not where it is told)
        there = visit.venue.get(_place_after(visit, before) or "")
        if there is None or there.id == here.id or there.tier.rank > rank:
            continue
        name = cleaner(stream)(person.name)
        moves.setdefault(before.id, (there, [], before, title))[1].append(name)
    legs = []
    for there, people, left, title in moves.values():
        ended = end_of(left)  # the hour they leave: for the slower hours
        zone = visit.venue_zone(there.id)
        # a time to leave is worked out from the end of the item before: only where the
        # reader is shown that end (not after an item the press and public know only by
        # its part of the day: the time to leave would tell its end)
        seen = index.shown(left, stream)
        exact = seen is not None and seen.start is not None
        if reader is not None and view.start is not None and ended is not None and exact:
            item = visit.item.get(planned.id)
            holding = item.holding_minutes if item is not None else 0
            found = index.departure(there, here, view.start - timedelta(minutes=holding), ended)
            if found is not None:
                leave, way = found
                if way.minutes:
                    legs.append(
                        Leg(
                            _meeting(there, stream, title),
                            way.minutes,
                            tuple(people),
                            way.verb,
                            f"{leave.astimezone(tz(zone)):%H:%M}",
                        )
                    )
                continue
        road = index.travel(there, here, _local(ended, zone) if ended is not None else None)
        if road is None:
            legs.append(Leg(title, None, tuple(people)))
        elif road.minutes:  # two venues at one place (a restaurant in the tower): no journey
            legs.append(Leg(title, road.minutes, tuple(people), road.verb))
    return legs


def _titles(titles: dict[str, str]) -> Callable[[PlannedItem], str | None]:
    return lambda planned: titles.get(planned.id)


def _local(instant: pendulum.DateTime, zone: str) -> tuple[date, int]:
    local = instant.in_timezone(tz(zone))
    return local.date(), local.hour * 60 + local.minute


def _meeting(venue: Venue, stream: str, title: str) -> str:
    """'Claridge's (main entrance)': where the reader leaves from, with the venue's
    meeting point where the reader may know where the venue is."""
    meet = venue.meeting_point if venue.location_tier.rank <= stream_tier(stream).rank else None
    return title + (f" ({cleaner(stream)(meet)})" if meet else "")


# -- what a reader receives, as one digest ---------------------------------------------------


def lane_people(visit: Visit, stream: str) -> list[Person]:
    """The guests who have a track of their own in the printed timeline (the principal,
    the spouse, each minister), as far as ``stream`` may know of them."""
    guests = by_precedence(visit, [p.id for p in visit.people if p.side is Side.GUEST])
    lanes = [
        p
        for role in (Role.PRINCIPAL, Role.SPOUSE, Role.MINISTER)
        for p in guests
        if p.role is role and person_shown(p, stream)
    ]
    return lanes


def leg_hosts(visit: Visit, leg: TourLeg, stream: str) -> list[Person]:
    """The hosts of a tour's leg that ``stream`` may know of (their lane in the printed
    timeline: none for a leg whose hosts it may not know of)."""
    return [
        visit.person[p]
        for p in leg.hosts
        if p in visit.person and person_shown(visit.person[p], stream)
    ]


def other_hosts(visit: Visit, stream: str) -> list[Person]:
    """The hosts of no leg of a tour ('Other hosts', a third party) that ``stream`` may
    know of."""
    placed = {pid for leg in visit.tour for pid in leg.hosts}
    return [
        p
        for p in visit.people
        if p.side is Side.HOST and p.id not in placed and person_shown(p, stream)
    ]


def header(visit: Visit, audience: Audience) -> list[Any]:
    """What a reader's files take from the visit besides the items: titles, dates, who
    publishes, the clocks, the timeline's tracks, and for a person their own details."""
    stream = audience.stream
    text = cleaner(stream)
    facts: list[Any] = [
        audience.key,
        text(visit.title),
        visit.start,
        visit.end,
        text(visit.organizer.name),
        visit.organizer.email,
        visit.timezone,
        visit.guest_home_timezone,
        [[text(c.name), c.timezone] for c in visit.cities],
    ]
    if visit.tour:  # the legs head the days of every programme and itinerary
        facts.append(
            [
                [leg.label, leg.start, leg.end, [p.id for p in leg_hosts(visit, leg, stream)]]
                for leg in visit.tour
            ]
        )
    notes = visit_notes(visit, audience.stream)
    if notes != (None, {}):  # the visit's and the days' notes it may read
        facts.append([notes[0], sorted((d.isoformat(), n) for d, n in notes[1].items())])
    if audience.person is None:
        facts.append(text(visit.host.name))
        facts.append(
            [[text(p.name), text(p.title), p.role] for p in lane_people(visit, audience.stream)]
        )
    else:
        person = visit.person.get(audience.person)
        if person is not None:
            facts.append(person_basis(visit, person))
            facts.append([text(person.title), visit.home_zone(person)])  # their itinerary
    return facts


def visit_notes(visit: Visit, stream: str) -> tuple[str | None, dict[date, list[str]]]:
    """The visit's notes and each day's that ``stream`` may read (none for the public and
    the press)."""
    tier = stream_tier(stream)
    if tier.rank <= Tier.PRESS.rank:
        return None, {}
    text = cleaner(stream)
    days: dict[date, list[str]] = {}
    for note in visit.day_notes:
        if tier.allows(note.tier):
            days.setdefault(note.day, []).append(text(note.note))
    return (text(visit.notes) if visit.notes else None), days


def person_basis(visit: Visit, person: Person) -> list[Any]:
    """What every event of a person's own calendar takes from their entry (their name
    among the attendees, the stream they read, their reminders): a change of any of it
    raises the SEQUENCE of each of them."""
    return [
        cleaner(person.clearance.value)(person.name),
        person.clearance,
        sorted(set(person.reminders), reverse=True),
    ]


def reader_digest(
    visit: Visit,
    plan: Plan,
    audience: Audience,
    index: Index | None = None,
    offset: tuple[int, datetime | None] | None = None,
    own: tuple[Own, ...] | None = None,
) -> str:
    """A digest of everything ``audience`` receives of ``plan`` besides its version: it
    changes exactly when something the reader can see changed. The bookkeeping of each
    event (SEQUENCE, LAST-MODIFIED) is taken from ``plan`` and counts too (``offset`` and
    ``own``: the reader's, where they are not yet in ``plan``); ``index`` may have been
    made from an earlier copy of the plan with the same items."""
    index = index or Index(visit, plan)
    stream, person = audience.stream, audience.person
    added, since = offset if offset is not None else plan.reader_offset(audience.key)
    items = index.visible(audience)
    titles: dict[str, str] = {}
    for planned in items:
        view = index.shown(planned, stream, person)
        if view is not None and not view.cancelled:
            titles[planned.id] = view.title
    parts = [digest(header(visit, audience))]
    ours = {o.item: o for o in own or ()}
    for planned in items:
        view = index.shown(planned, stream, person)
        if view is None:
            continue
        legs: list[Leg] = []
        if not audience.is_public and not view.cancelled and view.venue_id is not None:
            if person is not None:
                legs = index.reader_legs(planned, view, stream, person)[0]
            else:
                legs = _legs(index, planned, view, stream, None, _titles(titles))
        found = index.digest_of(planned, stream, person)
        books = plan.items_by_id.get(planned.id, planned)
        revision, modified = books.seen_by_stream(stream)
        if own is not None:
            mine = ours.get(planned.id)
            bump, bumped = (mine.bump, mine.since) if mine is not None else (0, None)
        else:
            bump, bumped = plan.reader_bump(audience.key, planned.id)
        for later in (since, bumped):
            if later is not None and later > modified:
                modified = later
        shown_legs = [
            (leg.from_title, leg.minutes, leg.people, leg.mode)
            + ((leg.leave,) if leg.leave else ())
            for leg in legs
        ]
        parts.append(f"{found} {revision + added + bump} {modified.timestamp()} {shown_legs!r}")
    return _hash("\n".join(parts))
