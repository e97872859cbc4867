"""Properties of who sees what, over random plans, tiers and clearances.

1. Nothing above an audience's tier reaches that audience's outputs — calendars,
   programmes, itineraries, change notices: of an item not its title, venue, address,
   time nor identifier; of a venue not its name, local name, address, coordinates nor
   meeting point; of a person not their name, nor a lane of the timeline for hosts it
   may not know of; of an item the press and public know by its part of the day, no
   time to leave it.
2. A random change hidden from an audience leaves every file that audience receives byte
   for byte as it was (its DTSTAMP, its version, each SEQUENCE and LAST-MODIFIED too),
   for every reader it is hidden from, while the protocol office's files do change.
3. An item withdrawn from an audience is cancelled there, as it knew it, and tells
   nothing new.
4. An item hidden from a reader put just before one of theirs tells them nothing: no
   journey from it, no time to leave it sets.

The visits drawn have items at every tier (movements, some of them flights between the
cities of a tour, with their services; venues with notes and meeting points; a dress per
person), guests and hosts at every tier and clearance, one or two days, a residence for
everyone's nights, and sometimes a tour of one or two legs (Azerbaijan, then Georgia: its
styles, a label of its own, host principals among the host people), a city's rush hours
and measured legs whose minutes depend on the hour (by_hour, km slowed by the rush hours,
a helicopter then the motorcade): the times to leave in itineraries and calendars."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.disclosure import OFFICE
from planner.export import changes, documents, ical
from planner.export.outputs import build as build_outputs
from planner.export.planjson import read_export
from planner.export.tiers import (
    DELEGATION,
    FULL,
    PUBLIC,
    Audience,
    event_uid,
    for_person,
    views,
)
from planner.export.tiers import Leg as TravelLeg
from planner.model import (
    City,
    ClockTime,
    Country,
    Item,
    ItemKind,
    Leg,
    Mode,
    Person,
    Provenance,
    PublicTime,
    Role,
    Service,
    Side,
    SourceKind,
    Tier,
    TourLeg,
    TravelRules,
    Venue,
    Visit,
    VisitKind,
    WallTime,
)
from planner.model.items import Cancellation, Dress, Group, Milestone
from planner.model.lodging import Lodging
from planner.model.publication import READER_TIERS
from planner.model.roads import Roads, RushHour
from planner.model.travel import LegHour, LegPart
from planner.plan import Plan, PlannedItem, SolveInfo, Status, merge

DAY = date(2023, 5, 30)
ZONE = "Asia/Baku"
PROV = Provenance(source=SourceKind.ASSUMED, reason="a generated test case")
STAMP = datetime(2026, 11, 27, 12, 34, 56, tzinfo=UTC)  # seconds never 00: no time clash
LATER = STAMP + timedelta(hours=1, seconds=7)
TIERS = list(Tier)  # items and venues: off_record too
READERS = list(READER_TIERS)  # people's clearances and tiers: up to restricted
# the cities of a visit: Baku, and on a tour of two legs Tbilisi (the same UTC offset)
CITIES = (
    (City(id="baku", name="Baku", country="AZ", timezone=ZONE), 40.3, 49.8),
    (City(id="tbilisi", name="Tbilisi", country="GE", timezone="Asia/Tbilisi"), 41.7, 44.8),
)
HOST_COUNTRIES = (Country(code="AZ", name="Azerbaijan"), Country(code="GE", name="Georgia"))
GUESTS, HOSTS = (0, 1, 2), (3, 4)  # the people: three guests, then two hosts


class Spec(NamedTuple):
    """One item of a generated visit."""

    tier: Tier
    public_time: PublicTime
    status: Status
    attendees: list[int]
    hour: int
    venue_tier: Tier  # the tier of its venue
    where: Tier  # the tier that may learn where its venue is
    arrival: Tier | None  # a movement: the tier of where it arrives
    day: int = 0  # the day of the visit it is on (the first, where the visit has one)
    city: int = 0  # the city of its venue (Baku, where the visit has one)
    crosses: bool = False  # a movement: it arrives in the other city (a flight)
    moment: Tier = Tier.PUBLIC  # the tier of its milestone (never below its own)
    # a public version ('Cover…' in 'Somewhere…') below this tier, where it is above the
    # item's own (the real title, venue, notes, groups and hosts from it on)
    disclosed: Tier | None = None


item_spec = st.builds(
    Spec,
    tier=st.sampled_from(TIERS),
    public_time=st.sampled_from(list(PublicTime)),
    status=st.sampled_from([Status.SCHEDULED, Status.SCHEDULED, Status.CANCELLED]),
    attendees=st.lists(st.integers(0, 4), min_size=1, max_size=3, unique=True),
    hour=st.integers(8, 19),
    venue_tier=st.sampled_from(TIERS),
    where=st.sampled_from(TIERS),
    arrival=st.sampled_from([None, *TIERS]),
    day=st.sampled_from([0, 0, 1]),
    city=st.sampled_from([0, 0, 1]),
    crosses=st.booleans(),
    moment=st.sampled_from(TIERS),
    disclosed=st.sampled_from([None, None, Tier.PRESS, Tier.DELEGATION, Tier.RESTRICTED]),
)


class LegSpec(NamedTuple):
    """One leg of a tour: its style, its host principals (of the host people), and for
    the first of two legs the day the second starts (0: on the first day, both under way)."""

    style: str
    hosts: list[int]
    split: int = 0


class RoadSpec(NamedTuple):
    """A city's roads (the other city where the visit has one) with their rush hours (start
    hour, hours, factor, only the first day), maybe a flat figure for every journey."""

    city: int
    rush: list[tuple[int, int, float, bool]]
    anywhere: int | None = None


class WaySpec(NamedTuple):
    """A measured travel leg from the venue of an item to the residence or to the venue of
    an item after it in the list: by_hour, km (slowed by the rush hours of its roads), parts
    (a helicopter then the motorcade) or minutes."""

    a: int  # the item
    b: int  # 0: to the residence, else to the venue of the item this many after it
    kind: str
    minutes: int
    hour: int
    hours: int
    slow: int


class World(NamedTuple):
    """What a generated visit has besides its items: its days, a tour, roads and legs."""

    days: int = 1
    tour: Sequence[LegSpec] = ()
    roads: RoadSpec | None = None
    ways: Sequence[WaySpec] = ()


world_spec = st.builds(
    World,
    days=st.integers(1, 2),
    tour=st.one_of(
        st.just([]),
        st.lists(
            st.builds(
                LegSpec,
                style=st.sampled_from(["state", "official", "working", "private", "Summit plus"]),
                hosts=st.lists(st.sampled_from(HOSTS), max_size=2, unique=True),
                split=st.integers(0, 1),
            ),
            min_size=1,
            max_size=2,
        ),
    ),
    roads=st.one_of(
        st.none(),
        st.builds(
            RoadSpec,
            city=st.integers(0, 1),
            rush=st.lists(
                st.tuples(
                    st.integers(6, 18),
                    st.integers(2, 6),
                    st.sampled_from([1.5, 2.0, 3.0]),
                    st.booleans(),
                ),
                min_size=1,
                max_size=2,
            ),
            anywhere=st.sampled_from([None, None, 20]),
        ),
    ),
    ways=st.lists(
        st.builds(
            WaySpec,
            a=st.integers(0, 5),
            b=st.integers(0, 2),
            kind=st.sampled_from(["by_hour", "km", "parts", "minutes"]),
            minutes=st.sampled_from([15, 25, 35]),
            hour=st.integers(7, 19),
            hours=st.integers(1, 3),
            slow=st.sampled_from([35, 45, 75]),
        ),
        max_size=2,
    ),
)


def clock(hour: int) -> ClockTime:
    return ClockTime(hour * 60)


def build_tour(world: World) -> tuple[TourLeg, ...]:
    """The tour's legs: one, in Azerbaijan for the whole visit, or two, Azerbaijan then
    Georgia (its cities Baku, then Tbilisi), both under way on the day that crosses."""
    last = DAY + timedelta(days=world.days - 1)
    legs = []
    for n, spec in enumerate(world.tour):
        if len(world.tour) == 1:
            start, end = DAY, last
        elif n == 0:
            start, end = DAY, min(DAY + timedelta(days=world.tour[0].split), last)
        else:
            start, end = min(DAY + timedelta(days=world.tour[0].split), last), last
        hosts = tuple(f"p{h}" for h in spec.hosts)
        legs.append(
            TourLeg(
                id=f"leg{n}",
                host=HOST_COUNTRIES[n],
                style=spec.style,
                invited_by=hosts[0] if hosts else None,
                hosts=hosts,
                start=start,
                end=end,
                cities=(CITIES[n][0].id,),
            )
        )
    return tuple(legs)


def build_travel(world: World, cities: int, venues: list[Venue]) -> TravelRules:
    roads = []
    if world.roads is not None:
        rush = tuple(
            RushHour(
                start=clock(hour),
                end=clock(hour + length),
                factor=factor,
                days=(DAY,) if first_day else (),
            )
            for hour, length, factor, first_day in world.roads.rush
        )
        roads.append(
            Roads(
                id="roads",
                city=CITIES[world.roads.city % cities][0].id,
                anywhere_minutes=world.roads.anywhere,
                rush_hours=rush,
            )
        )
    legs = []
    places = [v.id for v in venues if v.id.startswith("v")]  # not arrivals
    pairs = set()
    for way in world.ways:
        a = places[way.a % len(places)]
        b = places[(way.a + way.b) % len(places)] if way.b else "h0"
        if a == b or frozenset((a, b)) in pairs:
            continue
        pairs.add(frozenset((a, b)))
        hours = LegHour(start=clock(way.hour), end=clock(way.hour + way.hours), minutes=way.slow)
        if way.kind == "by_hour":
            legs.append(Leg(from_venue=a, to_venue=b, minutes=way.minutes, by_hour=(hours,)))
        elif way.kind == "km":
            legs.append(Leg(from_venue=a, to_venue=b, km=way.minutes / 2))
        elif way.kind == "parts":
            parts = (
                LegPart(mode=Mode.HELICOPTER, minutes=way.minutes, to="z0"),
                LegPart(mode=Mode.MOTORCADE, minutes=10),
            )
            legs.append(Leg(from_venue=a, to_venue=b, parts=parts))
        else:
            legs.append(Leg(from_venue=a, to_venue=b, minutes=way.minutes))
    return TravelRules(legs=tuple(legs), roads=tuple(roads))


def public_version(spec: Spec, token: str) -> dict[str, Any]:
    """The fields of an item's public version, where the spec has one above its tier."""
    if spec.disclosed is None or spec.disclosed.rank <= spec.tier.rank:
        return {}
    return {
        "public_title": f"Cover{token}",
        "public_venue": f"Somewhere{token}",
        "disclosed_from": spec.disclosed,
        "guests": (Group(label=f"Pupils{token}", count=3),),
        "hosted_by": (f"Host{token}",),
    }


def real_hidden(audience: Audience, item: Item) -> bool:
    """Whether the audience is shown the item's public version, not the real one."""
    return not audience.tier.allows(item.real_from)


def build_visit(
    specs: list[Spec], clearances: list[Tier], people_tiers: list[Tier], world: World
) -> Visit:
    roles = [Role.PRINCIPAL, Role.SPOUSE, Role.MINISTER, Role.PRINCIPAL, Role.MINISTER]
    people = [
        Person(
            id=f"p{n}",
            name=f"Person{n}x",
            title=f"Office{n}x",
            role=roles[n],
            side=Side.GUEST if n in GUESTS else Side.HOST,
            precedence=n + 1 if n in GUESTS else n - 2,
            clearance=clearances[n],
            tier=people_tiers[n],
            provenance=PROV,
        )
        for n in range(5)
    ]
    cities = 2 if len(world.tour) == 2 else 1  # Tbilisi: on a tour of two legs
    venues = []
    items = []
    for n, spec in enumerate(specs):
        tier, arrival = spec.tier, spec.arrival
        token = f"{n:02d}q{tier.value[:3]}"
        city, lat, lon = CITIES[spec.city % cities]
        if arrival is not None:  # a movement: to a venue of its own, with its service
            there, there_lat, there_lon = CITIES[(spec.city + spec.crosses) % cities]
            venues.append(
                Venue(
                    id=f"a{n}",
                    name=f"Arrival{token}",
                    city=there.id,
                    address=f"Quay{token}",
                    lat=there_lat - 0.1 + n / 100 + 0.002345,
                    lon=there_lon - 0.1 + n / 100 + 0.005432,
                    tier=arrival,
                )
            )
        venues.append(
            Venue(
                id=f"v{n}",
                name=f"Venue{token}",
                local_name=f"Local{token}",
                city=city.id,
                address=f"Address{token}",
                lat=lat + n / 100 + 0.001234,
                lon=lon + n / 100 + 0.004321,
                exclusive=False,
                tier=spec.venue_tier,
                location_tier=spec.where,
                meeting_point=f"Meet{token}",
                notes=f"Perimeter{token}",
            )
        )
        flies = arrival is not None and spec.crosses and cities > 1
        items.append(
            Item(
                id=f"i{n}",
                title=f"Title{token}",
                kind=(
                    ItemKind.BRIEFING
                    if arrival is None
                    else ItemKind.FLIGHT
                    if flies
                    else ItemKind.BOAT
                ),
                duration=30,
                attendees=tuple(f"p{a}" for a in spec.attendees),
                venue=f"v{n}",
                arrival_venue=None if arrival is None else f"a{n}",
                service=None if arrival is None else Service(number=f"Service{token}"),
                # what its first attendee wears, told to them and in the programmes
                dress_by=(Dress(who=f"p{spec.attendees[0]}", dress=f"Gown{token}"),),
                tier=tier,
                public_time=spec.public_time,
                notes=f"Notes{token}",
                provenance=PROV,
                # a moment within it at a tier of its own, and why it was called off
                milestones=(
                    Milestone(
                        title=f"Moment{token}",
                        after=15,  # an even minute: no item starts then (see planned_items)
                        tier=max(tier, spec.moment, key=lambda t: t.rank),
                    ),
                ),
                cancelled=Cancellation(reason=f"Reason{token}")
                if spec.status is Status.CANCELLED
                else False,
                **public_version(spec, token),
            )
        )
    # everyone's residence the night before and each night of the visit (its tier drawn
    # with the last item's): itineraries tell the way from it, where the reader may know
    # of it
    venues.append(
        Venue(
            id="h0",
            name="ResidenceHouse",
            city="baku",
            address="ResidenceStreet",
            lat=40.41,
            lon=49.86,
            tier=specs[-1].tier,
            meeting_point="ResidenceGate",
            location_tier=specs[-1].where,
        )
    )
    # where a helicopter leg lands for the motorcade (a leg of parts)
    venues.append(Venue(id="z0", name="LandingZone", city="baku", lat=40.39, lon=49.83))
    nights = tuple(DAY + timedelta(days=n) for n in range(-1, world.days))
    lodging = (Lodging(venue="h0", people=tuple(p.id for p in people), nights=nights),)
    return Visit(
        schema_version=1,
        id="tier-test",
        title="A visit with items at every tier",
        kind=VisitKind.STATE,
        host=HOST_COUNTRIES[0],
        guest=Country(code="IL", name="Israel"),
        start=DAY,
        end=DAY + timedelta(days=world.days - 1),
        timezone=ZONE,
        guest_home_timezone="Asia/Jerusalem",
        tour=build_tour(world),
        cities=tuple(c for c, _lat, _lon in CITIES[:cities]),
        people=tuple(people),
        venues=tuple(venues),
        travel=build_travel(world, cities, venues),
        items=tuple(items),
        lodging=lodging,
    )


def item_day(visit: Visit, spec: Spec) -> date:
    return min(DAY + timedelta(days=spec.day), visit.end)


def planned_items(visit: Visit, specs: list[Spec]) -> list[PlannedItem]:
    planned = []
    for n, spec in enumerate(specs):
        # a minute of its own for every item, so its time can be looked for
        day = item_day(visit, spec)
        start = datetime(day.year, day.month, day.day, spec.hour, 1 + 2 * n)
        item = visit.items[n]
        zone = visit.item_zone(item)
        end_zone = visit.end_zone(item)
        planned.append(
            PlannedItem(
                id=item.id,
                status=spec.status,
                start=WallTime(start),
                end=WallTime(start + timedelta(minutes=30)),
                timezone=zone,
                end_timezone=end_zone if end_zone != zone else None,
                venue=item.venue,
                arrival_venue=item.arrival_venue,
                attendees=item.attendees,
                created=STAMP,
                modified=STAMP,
            )
        )
    return planned


def build(  # the visit and its first plan
    specs: list[Spec],
    clearances: list[Tier],
    people_tiers: list[Tier] | None = None,
    world: World | None = None,
) -> tuple[Visit, Plan]:
    visit = build_visit(specs, clearances, people_tiers or [Tier.PUBLIC] * 5, world or World())
    plan = merge(
        None, visit, planned_items(visit, specs), SolveInfo(status="hand-made"), "t", STAMP
    )
    return visit, plan


def outputs(visit: Visit, plan: Plan, audience: Audience) -> str:
    parts = [ical.calendar(visit, plan, audience).decode("utf-8")]
    if audience.key == FULL.key:  # the protocol office's machine-readable plan too
        parts.append(build_outputs(visit, plan)["plan.json"].decode("utf-8"))
    if audience.person is None:
        parts.append(documents.programme_markdown(visit, plan, audience))
        parts.append(documents.programme_html(visit, plan, audience))
    else:
        parts.append(documents.person_markdown(visit, plan, visit.person[audience.person]))
    return "\n".join(parts)


def notices_text(visit: Visit, old: Plan, new: Plan, audience: Audience) -> str:
    return documents.notice_markdown(visit, changes.notice(visit, old, new, audience), audience)


def _shown(audience: Audience, tier: Tier) -> bool:
    return audience.tier.allows(tier)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    specs=st.lists(item_spec, min_size=1, max_size=6),
    clearances=st.lists(st.sampled_from(READERS), min_size=5, max_size=5),
    people_tiers=st.lists(st.sampled_from(READERS), min_size=5, max_size=5),
    world=world_spec,
    moves=st.lists(st.integers(0, 5), max_size=3),
)
def test_nothing_above_an_audiences_tier_reaches_it(
    specs: list[Spec],
    clearances: list[Tier],
    people_tiers: list[Tier],
    world: World,
    moves: list[int],
) -> None:
    visit, plan = build(specs, clearances, people_tiers, world)
    # a second plan with some items moved an hour later, for the change notices
    later = []
    for planned in plan.items:
        if int(planned.id[1:]) in moves and planned.start and planned.end:
            planned = planned.model_copy(
                update={
                    "start": WallTime(planned.start.local + timedelta(hours=1)),
                    "end": WallTime(planned.end.local + timedelta(hours=1)),
                }
            )
        later.append(planned)
    second = merge(plan, visit, later, SolveInfo(status="hand-made"), "t", LATER)
    audiences = [PUBLIC, DELEGATION, FULL, *(for_person(p) for p in visit.people)]
    for audience in audiences:
        text = "\n".join(
            (
                outputs(visit, plan, audience),
                outputs(visit, second, audience),
                notices_text(visit, plan, second, audience),
                notices_text(visit, second, plan, audience),
            )
        )
        for item in visit.items:
            planned = plan.item(item.id)
            assert planned is not None and planned.start is not None
            hidden = not _shown(audience, item.tier)
            if audience.person is not None and audience.person not in item.attendees:
                hidden = True  # a person's itinerary holds only their own items
            token = item.title.removeprefix("Title")
            venue = visit.venue[f"v{item.id[1:]}"]
            if not _shown(audience, venue.tier) or hidden:
                # a venue of its own: nothing of it may show when it is above the tier
                leaks = (
                    venue.name,
                    venue.local_name,
                    venue.address,
                    venue.notes,
                    venue.meeting_point,
                    f"{venue.lat:.6f}",
                )
                for leak in leaks:
                    assert leak is not None and leak not in text, (audience.key, leak)
            if audience.tier.rank <= Tier.PRESS.rank:  # no notes for the public and the press
                assert venue.notes is not None and venue.notes not in text, audience.key
            arrival = visit.venue.get(f"a{item.id[1:]}")
            if arrival is not None and (not _shown(audience, arrival.tier) or hidden):
                # where a movement arrives: nothing of it either (only the name is shown)
                assert arrival.name not in text, (audience.key, arrival.name)
            if arrival is not None:
                assert arrival.address not in text, (audience.key, arrival.address)
            if not _shown(audience, venue.location_tier):
                # where it is: neither its address nor its coordinates, nor where its
                # people meet the cars (the time to leave it says that, where it may)
                for leak in (
                    venue.address,
                    f"{venue.lat:.6f}",
                    f"{venue.lon:.6f}",
                    venue.meeting_point or "",
                ):
                    assert leak not in text, (audience.key, leak)
            if audience.is_public and item.public_time is not PublicTime.EXACT:
                # known by its part of the day or its date: no time to leave it either (it
                # would tell when it ends)
                for leak in (f"Leave {item.title}", f"leave {item.title}"):
                    assert leak not in text, (audience.key, leak)
            flat = text.replace("\r\n ", "")  # (calendars' folded lines unfolded)
            moment = item.milestones[0]
            if hidden or not _shown(audience, item.milestone_tier(moment)):
                assert moment.title not in flat, (audience.key, moment.title)
            if hidden:
                assert f"Reason{token}" not in flat, (audience.key, item.id)
            if not hidden and real_hidden(audience, item):
                # the public version: nothing of the real title, venue, notes, groups, hosts
                leaks = [
                    item.title,
                    f"Notes{token}",
                    f"Pupils{token}",
                    f"Host{token}",
                    f"Moment{token}",
                ]
                leaks += [venue.name, venue.local_name or "", venue.address, f"{venue.lat:.6f}"]
                found = [leak for leak in leaks if leak in text]
                assert not found, (audience.key, item.id, found)
                assert item.public_title is not None and item.public_title in text
            if not hidden:
                continue
            local = planned.start.local
            leaks = [
                item.title,
                f"Notes{token}",
                f"Service{token}",
                f"Gown{token}",
                event_uid(visit.id, item.id, "member"),
                event_uid(visit.id, item.id, "public"),
                f"{local:%H:%M}",
                f"T{local:%H%M}00",
            ]
            found = [leak for leak in leaks if leak in text]
            assert not found, (audience.key, item.id, item.tier, found)
        home = visit.venue["h0"]
        if not _shown(audience, home.tier):  # the residence: nothing of it
            for leak in (home.name, home.address, home.meeting_point or ""):
                assert leak not in text, (audience.key, leak)
        if not _shown(audience, home.location_tier):  # where it is: not its gate either
            assert (home.meeting_point or "") not in text, audience.key
        assert home.address not in text  # no output gives a residence's address
        for person in visit.people:
            if person.id != audience.person and not _shown(audience, person.tier):
                assert person.name not in text, (audience.key, person.id)
                assert person.title not in text, (audience.key, person.id)
        for leg in visit.tour:
            # a leg's hosts have a lane of their own in the programme's timeline: only
            # where the reader may know of one of them (a lane of hidden hosts tells of them)
            if not any(_shown(audience, visit.person[h].tier) for h in leg.hosts):
                assert f'data-lane="host-{leg.id}"' not in text, (audience.key, leg.id)
        placed = {h for leg in visit.tour for h in leg.hosts}
        if visit.tour and not any(
            p.side is Side.HOST and p.id not in placed and _shown(audience, p.tier)
            for p in visit.people
        ):  # the hosts of no leg: a lane only where the reader may know of one of them
            assert 'data-lane="host"' not in text, audience.key
        if audience.tier is Tier.RESTRICTED and audience.person is None:
            # and the full audience does see everything on the record: the test can tell
            on_record = [i for i in visit.items if i.tier is not Tier.OFF_RECORD]
            assert all(item.title in text for item in on_record)
            assert all(
                item.milestones[0].title in text
                for item in on_record
                if item.milestone_tier(item.milestones[0]) is not Tier.OFF_RECORD
            )
            assert all(item.cancellation.reason in text for item in on_record if item.cancellation)

            used = {v for i in on_record for v in (i.venue, i.arrival_venue) if v}

            def known(v: Venue, used: set[str] = used) -> bool:  # of an item on the record
                return v.tier is not Tier.OFF_RECORD and v.id in used

            assert all(
                v.address in text
                for v in visit.venues
                if v.id.startswith("v") and known(v) and v.location_tier is not Tier.OFF_RECORD
            )
            # arrivals too (not the residence, nor where a helicopter leg lands)
            assert all(
                v.name in text for v in visit.venues if v.id not in ("h0", "z0") and known(v)
            )
            assert all(
                p.name in text for p in visit.people if any(p.id in i.attendees for i in on_record)
            )
            # the protocol office's off-record copy: every item, off the record too
            office = "\n".join((outputs(visit, plan, OFFICE), outputs(visit, second, OFFICE)))
            assert all(item.title in office for item in visit.items)
            for leg in visit.tour:  # each day is headed by the legs its items are in
                if any(
                    leg.holds(item_day(visit, spec))
                    and item.tier is not Tier.OFF_RECORD
                    and {
                        visit.venue[v].city
                        for v in (item.venue, item.arrival_venue)
                        if v and visit.venue[v].tier is not Tier.OFF_RECORD
                    }
                    & set(leg.cities)
                    for spec, item in zip(specs, visit.items, strict=True)
                ):
                    assert f" — {leg.label}" in text or f"→ {leg.label}" in text, leg.label
                if leg.hosts and any(
                    p.status is Status.SCHEDULED and p.id in {i.id for i in on_record}
                    for p in plan.items
                ):
                    # and their lane in the timeline
                    assert f'data-lane="host-{leg.id}"' in text, leg.id
        if (
            audience.person is None
            and audience.tier is not Tier.RESTRICTED
            and any(
                _shown(audience, i.tier)
                and not _shown(audience, visit.venue[i.venue or ""].tier)
                and not real_hidden(audience, i)  # (not told at its public venue)
                for i in visit.items
            )
        ):
            assert "venue not published" in text


# -- hidden changes leave an audience's files as they were --------------------------------


def files_of(files: dict[str, bytes], audience: Audience) -> dict[str, bytes]:
    if audience.key == PUBLIC.key:
        names = ["calendars/public.ics", "changes/public.md"]
    elif audience.key == DELEGATION.key:
        names = [
            "programme.md",
            "programme.html",
            "calendars/delegation.ics",
            "changes/delegation.md",
        ]
    elif audience.key == FULL.key:  # the protocol office's: all but the off-record items
        names = ["calendars/full.ics", "changes/full.md", "plan.json"]
    else:
        assert audience.person is not None
        names = [f"people/{audience.person}{ext}" for ext in (".md", ".ics", ".changes.md")]
    return {name: files[name] for name in names}


change_spec = st.tuples(
    st.sampled_from(
        [
            "title",
            "notes",
            "venue",
            "later",
            "venue-facts",
            "venue-place",
            "person-name",
            "leg-hosts",
            "insert",
            "landing",
        ]
    ),
    st.integers(0, 5),  # which item, venue, person or leg
)


Change = tuple[Visit, list[PlannedItem], Callable[[Audience], bool]]


def item_hidden(audience: Audience, item: Item) -> bool:
    """Whether the audience may not see the item at all (a person: not one of theirs)."""
    if audience.person is not None and audience.person not in item.attendees:
        return True
    return not audience.tier.allows(item.tier)


def hidden_change(
    visit: Visit, plan: Plan, audience: Audience, what: str, which: int
) -> Change | None:
    """The visit and planned items after one change the audience cannot see, and which
    audiences it is hidden from (the audience among them); or None when there is no such
    change of that kind."""
    tier = audience.tier
    items = list(visit.items)
    planned = list(plan.items)

    if what in ("title", "notes", "venue", "later"):

        def fits(k: int, reader: Audience) -> bool:  # a change of item k hidden from reader
            coarse = reader.is_public and items[k].public_time is not PublicTime.EXACT
            return (
                item_hidden(reader, items[k])
                or (what == "notes" and reader.is_public)
                or (what == "later" and coarse)
                or (what != "later" and real_hidden(reader, items[k]))  # its public version
            )

        fitting = [k for k in range(len(items)) if fits(k, audience)]
        if not fitting:
            return None
        n = fitting[which % len(fitting)]
        item = items[n]
        if what == "title":
            items[n] = item.model_copy(update={"title": item.title + " (renamed)"})
        elif what == "notes":
            items[n] = item.model_copy(update={"notes": (item.notes or "") + " More notes."})
        elif what == "venue":
            places = [v.id for v in visit.venues if v.id.startswith("v")]  # not arrivals
            other = places[(n + 1) % len(places)]
            if other == item.venue:
                return None
            items[n] = item.model_copy(update={"venue": other})
            planned[n] = planned[n].model_copy(update={"venue": other})
        else:  # a minute later: within its part of the day, and no other item crossed
            p = planned[n]
            assert p.start is not None and p.end is not None
            planned[n] = p.model_copy(
                update={
                    "start": WallTime(p.start.local + timedelta(minutes=1)),
                    "end": WallTime(p.end.local + timedelta(minutes=1)),
                }
            )
        changed = visit.model_copy(update={"items": tuple(items)})
        return changed, planned, lambda reader: fits(n, reader)
    if what == "venue-place":  # where a venue is, for a reader who may not learn it
        fitting = [k for k, v in enumerate(visit.venues) if not tier.allows(v.location_tier)]
        if not fitting:
            return None
        n = fitting[which % len(fitting)]
        venue = visit.venues[n]
        venues = list(visit.venues)
        # its address (its coordinates would move the journeys to it, which the reader sees)
        venues[n] = venue.model_copy(update={"address": venue.address + " 2"})
        changed = visit.model_copy(update={"venues": tuple(venues)})

        def placeless(reader: Audience) -> bool:  # where it is, or it at all, unknown to them
            return (
                not reader.tier.allows(venue.location_tier)
                or not reader.tier.allows(venue.tier)
                or all(item_hidden(reader, i) for i in items if venue.id == i.venue)
            )

        return changed, planned, placeless
    if what in ("venue-facts", "landing"):

        def unknown(venue: Venue, reader: Audience) -> bool:  # a venue reader may not know
            return not reader.tier.allows(venue.tier) or (
                venue.id != "h0"  # the residence: the itineraries tell the way from it
                and all(
                    item_hidden(reader, i) for i in items if venue.id in (i.venue, i.arrival_venue)
                )
            )

        def fits(venue: Venue) -> bool:
            if venue.id == "z0" or not unknown(venue, audience):
                return False  # (a transfer point: in no output)
            # landing: where a movement the reader sees arrives ('venue not published')
            return what == "venue-facts" or any(
                i.arrival_venue == venue.id and not item_hidden(audience, i) for i in items
            )

        fitting = [k for k, v in enumerate(visit.venues) if fits(v)]
        if not fitting:
            return None
        n = fitting[which % len(fitting)]
        venue = visit.venues[n]
        venues = list(visit.venues)
        venues[n] = venue.model_copy(
            update={
                "name": venue.name + " Hall",
                "address": venue.address + " 2",
                "notes": (venue.notes or "") + " Gate 4.",
                "meeting_point": (venue.meeting_point or "") + " West",
                # far enough to change the journeys from it (which the reader is not told)
                "lat": (venue.lat or 0.0) + 0.03,
            }
        )
        changed = visit.model_copy(update={"venues": tuple(venues)})
        return changed, planned, lambda reader: unknown(venue, reader)

    def unknown_person(person: Person) -> Callable[[Audience], bool]:
        return lambda reader: person.id != reader.person and not reader.tier.allows(person.tier)

    if what == "leg-hosts":  # a host the reader may not know of joins a leg, or leaves it
        if not visit.tour:
            return None
        legs = list(visit.tour)
        leg = legs[which % len(legs)]
        host = visit.person[f"p{HOSTS[which // 2 % 2]}"]
        if not unknown_person(host)(audience):
            return None
        others = tuple(h for h in leg.hosts if h != host.id)
        hosts = others if host.id in leg.hosts else (*leg.hosts, host.id)
        legs[which % len(legs)] = leg.model_copy(update={"hosts": hosts})
        changed = visit.model_copy(update={"tour": tuple(legs)})
        return changed, planned, unknown_person(host)
    if what == "insert":
        return hidden_insert(visit, plan, audience, which)
    n = which % len(visit.people)
    person = visit.people[n]
    if not unknown_person(person)(audience):
        return None
    people = list(visit.people)
    people[n] = person.model_copy(update={"name": person.name + " Jr"})
    changed = visit.model_copy(update={"people": tuple(people)})
    return changed, planned, unknown_person(person)


def inserted_item(
    visit: Visit, plan: Plan, before: PlannedItem, tier: Tier, attendees: list[str], own: bool
) -> tuple[Visit, list[PlannedItem]]:
    """The visit and planned items with a new item of ``tier`` (a briefing) that ends a
    quarter of an hour before ``before`` starts: at its venue, or (``own``) at a venue of
    its own in the same city."""
    assert before.start is not None and before.venue is not None
    venues = list(visit.venues)
    venue = before.venue
    if own:
        here = visit.venue[venue]
        venue = "v9"
        venues.append(
            Venue(
                id=venue,
                name="VenueInserted",
                city=here.city,
                address="AddressInserted",
                lat=(here.lat or 0.0) + 0.021,
                lon=(here.lon or 0.0) + 0.017,
                exclusive=False,
                tier=tier,
                location_tier=tier,
                meeting_point="MeetInserted",
                notes="PerimeterInserted",
            )
        )
    item = Item(
        id="i9",
        title="TitleInserted",
        kind=ItemKind.BRIEFING,
        duration=30,
        attendees=tuple(attendees),
        venue=venue,
        tier=tier,
        notes="NotesInserted",
        provenance=PROV,
    )
    start = before.start.local - timedelta(minutes=45)
    planned = PlannedItem(
        id=item.id,
        status=Status.SCHEDULED,
        start=WallTime(start),
        end=WallTime(start + timedelta(minutes=30)),
        timezone=before.timezone,
        venue=venue,
        attendees=item.attendees,
        created=STAMP,
        modified=STAMP,
    )
    changed = visit.model_copy(update={"items": (*visit.items, item), "venues": tuple(venues)})
    return changed, [*plan.items, planned]


def hidden_insert(visit: Visit, plan: Plan, audience: Audience, which: int) -> Change | None:
    """A new item the audience cannot see, just before an item it sees (B), attended by
    people whose journey into B it is not told of either way: in an itinerary, others
    than its reader (it tells the reader's own journeys only); in a programme, people it
    may not know of, or whose first item of the day B is (before it, no journey from an
    item it sees)."""
    shown = {v.item_id for v in views(visit, plan, audience) if not v.cancelled}
    seen = [p for p in plan.items if p.id in shown and p.status is Status.SCHEDULED]
    if not seen:
        return None
    target = seen[which % len(seen)]
    start = target.start_at()
    assert start is not None

    def first_of_day(pid: str) -> bool:  # B is their first scheduled item of its day
        day = start.in_timezone(ZONE).date()
        return not any(
            pid in p.attendees
            and p.status is Status.SCHEDULED
            and (other := p.start_at()) is not None
            and other.in_timezone(ZONE).date() == day
            and other < start
            for p in plan.items
        )

    def hidden_from(reader: Audience, tier: Tier, attendees: list[str]) -> bool:
        if reader.person is not None:
            return reader.person not in attendees
        return not reader.tier.allows(tier) and all(
            not reader.tier.allows(visit.person[pid].tier) or first_of_day(pid) for pid in attendees
        )

    everyone = list(dict.fromkeys([*target.attendees, *(p.id for p in visit.people)]))
    if audience.person is not None:
        tier = TIERS[which % len(TIERS)]  # any: the reader does not attend it
    else:
        above = [t for t in TIERS if not audience.tier.allows(t)]
        tier = above[which % len(above)]
    fits = [pid for pid in everyone if hidden_from(audience, tier, [pid])]
    if not fits:
        return None
    attendees = fits[: 1 + which % 3]
    changed, items = inserted_item(visit, plan, target, tier, attendees, own=which % 2 == 1)
    return changed, items, lambda reader: hidden_from(reader, tier, attendees)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    specs=st.lists(item_spec, min_size=1, max_size=6),
    clearances=st.lists(st.sampled_from(READERS), min_size=5, max_size=5),
    people_tiers=st.lists(st.sampled_from(READERS), min_size=5, max_size=5),
    world=world_spec,
    reader=st.integers(0, 7),
    change=change_spec,
)
def test_a_change_hidden_from_an_audience_leaves_its_files_byte_identical(
    specs: list[Spec],
    clearances: list[Tier],
    people_tiers: list[Tier],
    world: World,
    reader: int,
    change: tuple[str, int],
) -> None:
    visit, plan = build(specs, clearances, people_tiers, world)
    # the protocol office's full copy last: a change it cannot see is of off-record items
    readers = [PUBLIC, DELEGATION, *(for_person(p) for p in visit.people), FULL]
    found = hidden_change(visit, plan, readers[reader], *change)
    if found is None:
        return
    changed, items, hidden_from = found
    assert hidden_from(readers[reader])
    second = merge(plan, changed, items, SolveInfo(status="hand-made"), "t", LATER)
    first_files = build_files(visit, plan, None)
    second_files = build_files(changed, second, read_export(first_files["plan.json"].decode()))
    assert second.version == plan.version + 1
    for audience in readers:  # every reader the change is hidden from, not only the one drawn
        if hidden_from(audience):
            after, before = files_of(second_files, audience), files_of(first_files, audience)
            assert after == before, (audience.key, change)
            assert audience.key not in (second.history[-1].seen_by or ()), audience.key
    if second.history[-1].off_record:  # seen by the office's off-record copy alone
        assert files_of(second_files, FULL) == files_of(first_files, FULL), change
        office = (outputs(visit, plan, OFFICE), outputs(changed, second, OFFICE))
        assert office[0] != office[1], change
        return
    assert not hidden_from(FULL), change  # hidden from the full copy: off the record
    # the protocol office sees it: the test can tell a change from none
    assert second_files["calendars/full.ics"] != first_files["calendars/full.ics"] or (
        second_files["changes/full.md"] != first_files["changes/full.md"]
    )


def journeys_of(legs: tuple[TravelLeg, ...]) -> set[tuple[Any, ...]]:
    """Each person's journey of some travel legs: where from, how long, how, when to leave."""
    return {
        (leg.from_title, leg.minutes, person, leg.mode, leg.leave)
        for leg in legs
        for person in leg.people
    }


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    specs=st.lists(item_spec, min_size=1, max_size=6),
    clearances=st.lists(st.sampled_from(READERS), min_size=5, max_size=5),
    people_tiers=st.lists(st.sampled_from(READERS), min_size=5, max_size=5),
    world=world_spec,
    reader=st.integers(0, 7),
    which=st.integers(0, 5),
    attendees=st.lists(st.integers(0, 4), min_size=1, max_size=3, unique=True),
)
def test_an_item_hidden_from_a_reader_before_their_item_tells_them_nothing(
    specs: list[Spec],
    clearances: list[Tier],
    people_tiers: list[Tier],
    world: World,
    reader: int,
    which: int,
    attendees: list[int],
) -> None:
    """An item the reader may not see (above their tier; in an itinerary, one of the
    reader's own above their clearance, or one they do not attend) put just before an
    item they see, attended by anyone: the reader learns nothing of it. No journey from
    it, no time to leave it sets: every journey and time to leave told after it was told
    before (some may go untold: their journey now starts where the reader may not know),
    and nothing of its title or its venue."""
    visit, plan = build(specs, clearances, people_tiers, world)
    audience = [PUBLIC, DELEGATION, *(for_person(p) for p in visit.people), FULL][reader]
    shown = {v.item_id for v in views(visit, plan, audience) if not v.cancelled}
    seen = [p for p in plan.items if p.id in shown and p.status is Status.SCHEDULED]
    above = [t for t in TIERS if not audience.tier.allows(t)]
    people = [f"p{a}" for a in attendees]
    if audience.person is not None and (not above or which % 2):
        # an item the reader does not attend, at any tier
        people = [p for p in people if p != audience.person] or [
            next(p.id for p in visit.people if p.id != audience.person)
        ]
        above = TIERS
    if not seen or not above:
        return
    tier = above[which % len(above)]
    changed, items = inserted_item(
        visit, plan, seen[which % len(seen)], tier, people, own=which // 2 % 2 == 1
    )
    second = merge(plan, changed, items, SolveInfo(status="hand-made"), "t", LATER)
    before = {v.item_id: v for v in views(visit, plan, audience)}
    after = {v.item_id: v for v in views(changed, second, audience)}
    assert after.keys() == before.keys(), audience.key
    for item_id, view in after.items():
        was = before[item_id]
        for told, knew in ((view.legs, was.legs), (view.then, was.then)):
            # each person's journey (a journey of several is told of fewer of them)
            assert journeys_of(told) <= journeys_of(knew), (audience.key, item_id, told, knew)
        told, knew = (set(v.journeys.split("; ")) - {""} for v in (view, was))
        assert told <= knew, (audience.key, item_id, told, knew)
    text = "\n".join(
        (outputs(changed, second, audience), notices_text(changed, plan, second, audience))
    )
    for leak in ("TitleInserted", "NotesInserted", "VenueInserted", "MeetInserted"):
        assert leak not in text, (audience.key, leak)


def build_files(visit: Visit, plan: Plan, previous: Any) -> dict[str, bytes]:
    """Every file `planner generate` writes for the plan, after a run that wrote
    ``previous`` (its plan.json)."""
    return build_outputs(visit, plan, previous)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    specs=st.lists(item_spec, min_size=1, max_size=6),
    clearances=st.lists(st.sampled_from(READERS), min_size=5, max_size=5),
    world=world_spec,
    raised=st.lists(st.integers(0, 5), min_size=1, max_size=3, unique=True),
)
def test_an_item_withdrawn_from_an_audience_is_cancelled_and_tells_nothing_new(
    specs: list[Spec], clearances: list[Tier], world: World, raised: list[int]
) -> None:
    """Items made restricted, renamed and moved an hour later, all at once: an audience
    below restricted that had them gets them cancelled, under the title and at the time it
    knew, and learns nothing of the new ones."""
    visit, plan = build(specs, clearances, world=world)
    raised = [n for n in raised if n < len(visit.items)]
    items = list(visit.items)
    for n in raised:
        items[n] = items[n].model_copy(update={"tier": Tier.RESTRICTED, "title": f"Secret{n}x"})
    changed = visit.model_copy(update={"items": tuple(items)})
    later = []
    for planned in plan.items:
        if int(planned.id[1:]) in raised and planned.start and planned.end:
            planned = planned.model_copy(
                update={
                    "start": WallTime(planned.start.local + timedelta(hours=1)),
                    "end": WallTime(planned.end.local + timedelta(hours=1)),
                }
            )
        later.append(planned)
    second = merge(plan, changed, later, SolveInfo(status="hand-made"), "t", LATER)
    audiences = [PUBLIC, DELEGATION, FULL, *(for_person(p) for p in changed.people)]
    for audience in audiences:
        data = ical.calendar(changed, second, audience)
        text = "\n".join((data.decode(), outputs(changed, second, audience)))
        text += notices_text(changed, plan, second, audience)
        before = {v.item_id for v in views(visit, plan, audience)}
        cancelled = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
        for n in raised:
            item_id, planned = f"i{n}", second.items_by_id[f"i{n}"]
            assert planned.start is not None
            if audience.tier is Tier.RESTRICTED:
                continue
            assert f"Secret{n}x" not in text, audience.key
            assert f"{planned.start.local:%H:%M}" not in text, audience.key
            if item_id in before:  # it had it: cancelled, as it knew it
                event = cancelled[event_uid(visit.id, item_id, audience.uid_scope)]
                assert str(event["STATUS"]) == "CANCELLED"
                knew = visit.item[item_id]  # by its public version, if it was told that
                title = knew.public_title if real_hidden(audience, knew) else knew.title
                assert title is not None and title in str(event["SUMMARY"])
        if audience.key == FULL.key:
            assert all(f"Secret{n}x" in text for n in raised)
