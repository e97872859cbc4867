"""Property: over random plans and tiers, nothing of an item above an audience's tier
reaches that audience's outputs — not its title, venue, address, time nor identifier."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.export import documents, ical
from planner.export.tiers import DELEGATION, FULL, PUBLIC, Audience, event_uid, for_person
from planner.model import (
    City,
    Country,
    Item,
    ItemKind,
    Person,
    Provenance,
    PublicTime,
    Role,
    Side,
    SourceKind,
    Tier,
    Venue,
    Visit,
    VisitKind,
    WallTime,
)
from planner.plan import PlannedItem, SolveInfo, Status, merge

DAY = date(2023, 5, 30)
ZONE = "Asia/Baku"
PROV = Provenance(source=SourceKind.ASSUMED, reason="a generated test case")
STAMP = datetime(2026, 11, 27, 12, 34, 56, tzinfo=UTC)  # seconds never 00: no time clash

item_spec = st.tuples(
    st.sampled_from(list(Tier)),  # the item's tier
    st.sampled_from(list(PublicTime)),
    st.sampled_from([Status.SCHEDULED, Status.SCHEDULED, Status.CANCELLED]),
    st.lists(st.integers(0, 2), min_size=1, max_size=3, unique=True),  # attendees
    st.integers(8, 19),  # hour
)


def build(specs: list[tuple[Tier, PublicTime, Status, list[int], int]], clearances: list[Tier]):
    people = [
        Person(
            id=f"p{n}",
            name=f"Person{n}",
            role=[Role.PRINCIPAL, Role.SPOUSE, Role.OFFICIAL][n],
            side=Side.GUEST,
            precedence=n + 1,
            clearance=clearances[n],
            provenance=PROV,
        )
        for n in range(3)
    ]
    venues = []
    items = []
    planned = []
    for n, (tier, public_time, status, attendees, hour) in enumerate(specs):
        token = f"{n:02d}q{tier.value[:3]}"
        venues.append(
            Venue(
                id=f"v{n}",
                name=f"Venue{token}",
                city="baku",
                address=f"Address{token}",
                lat=40.3 + n / 100,
                lon=49.8 + n / 100,
                exclusive=False,
            )
        )
        items.append(
            Item(
                id=f"i{n}",
                title=f"Title{token}",
                kind=ItemKind.BRIEFING,
                duration=30,
                attendees=tuple(f"p{a}" for a in attendees),
                venue=f"v{n}",
                tier=tier,
                public_time=public_time,
                notes=f"Notes{token}",
                provenance=PROV,
            )
        )
        # a minute of its own for every item, so its time can be looked for
        start = datetime(DAY.year, DAY.month, DAY.day, hour, 1 + 2 * n)
        planned.append(
            PlannedItem(
                id=f"i{n}",
                status=status,
                start=WallTime(start),
                end=WallTime(start + timedelta(minutes=30)),
                timezone=ZONE,
                venue=f"v{n}",
                attendees=tuple(f"p{a}" for a in attendees),
                created=STAMP,
                modified=STAMP,
            )
        )
    visit = Visit(
        schema_version=1,
        id="tier-test",
        title="A visit with items at every tier",
        kind=VisitKind.STATE,
        host=Country(code="AZ", name="Azerbaijan"),
        guest=Country(code="IL", name="Israel"),
        start=DAY,
        end=DAY,
        timezone=ZONE,
        guest_home_timezone="Asia/Jerusalem",
        cities=(City(id="baku", name="Baku", country="AZ", timezone=ZONE),),
        people=tuple(people),
        venues=tuple(venues),
        items=tuple(items),
    )
    plan = merge(None, visit, planned, SolveInfo(status="hand-made"), "test", now=STAMP)
    return visit, plan


def outputs(visit: Visit, plan, audience: Audience) -> str:  # type: ignore[no-untyped-def]
    parts = [ical.calendar(visit, plan, audience).decode("utf-8")]
    if audience.person is None:
        parts.append(documents.programme_markdown(visit, plan, audience))
        parts.append(documents.programme_html(visit, plan, audience))
    else:
        parts.append(documents.person_markdown(visit, plan, visit.person[audience.person]))
    return "\n".join(parts)


@settings(
    max_examples=520,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    specs=st.lists(item_spec, min_size=1, max_size=6),
    clearances=st.lists(st.sampled_from(list(Tier)), min_size=3, max_size=3),
)
def test_nothing_above_an_audiences_tier_reaches_it(
    specs: list[tuple[Tier, PublicTime, Status, list[int], int]], clearances: list[Tier]
) -> None:
    visit, plan = build(specs, clearances)
    audiences = [PUBLIC, DELEGATION, FULL, *(for_person(p) for p in visit.people)]
    for audience in audiences:
        text = outputs(visit, plan, audience)
        for item in visit.items:
            planned = plan.item(item.id)
            assert planned is not None and planned.start is not None
            hidden = not audience.tier.allows(item.tier)
            if audience.person is not None and audience.person not in item.attendees:
                hidden = True  # a person's itinerary holds only their own items
            if not hidden:
                continue
            token = item.title.removeprefix("Title")
            local = planned.start.local
            leaks = [
                item.title,
                f"Venue{token}",
                f"Address{token}",
                f"Notes{token}",
                event_uid(visit.id, item.id, "member"),
                event_uid(visit.id, item.id, "public"),
                f"{local:%H:%M}",
                f"T{local:%H%M}00",
            ]
            found = [leak for leak in leaks if leak in text]
            assert not found, (audience.key, item.id, item.tier, found)
        if audience.tier is Tier.RESTRICTED and audience.person is None:
            # and the full audience does see everything: the test can tell
            assert all(item.title in text for item in visit.items)
