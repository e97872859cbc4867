"""Properties of who sees what, over random plans, tiers and clearances.

1. Nothing above an audience's tier reaches that audience's outputs — calendars,
   programmes, itineraries, change notices: of an item not its title, venue, address,
   time nor identifier; of a venue not its name, local name, address nor coordinates; of
   a person not their name.
2. A random change hidden from an audience leaves every file that audience receives byte
   for byte as it was (its DTSTAMP, its version, each SEQUENCE and LAST-MODIFIED too),
   while the protocol office's files do change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
from planner.model import (
    City,
    Country,
    Item,
    ItemKind,
    Person,
    Provenance,
    PublicTime,
    Role,
    Service,
    Side,
    SourceKind,
    Tier,
    Venue,
    Visit,
    VisitKind,
    WallTime,
)
from planner.model.items import Dress
from planner.model.lodging import Lodging
from planner.plan import Plan, PlannedItem, SolveInfo, Status, merge

DAY = date(2023, 5, 30)
ZONE = "Asia/Baku"
PROV = Provenance(source=SourceKind.ASSUMED, reason="a generated test case")
STAMP = datetime(2026, 11, 27, 12, 34, 56, tzinfo=UTC)  # seconds never 00: no time clash
LATER = STAMP + timedelta(hours=1, seconds=7)
TIERS = list(Tier)

item_spec = st.tuples(
    st.sampled_from(TIERS),  # the item's tier
    st.sampled_from(list(PublicTime)),
    st.sampled_from([Status.SCHEDULED, Status.SCHEDULED, Status.CANCELLED]),
    st.lists(st.integers(0, 2), min_size=1, max_size=3, unique=True),  # attendees
    st.integers(8, 19),  # hour
    st.sampled_from(TIERS),  # the tier of its venue
    st.sampled_from(TIERS),  # the tier that may learn where its venue is
    st.sampled_from([None, *TIERS]),  # a movement: the tier of where it arrives
)
Spec = tuple[Tier, PublicTime, Status, list[int], int, Tier, Tier, Tier | None]


def build_visit(specs: list[Spec], clearances: list[Tier], people_tiers: list[Tier]) -> Visit:
    people = [
        Person(
            id=f"p{n}",
            name=f"Person{n}x",
            title=f"Office{n}x",
            role=[Role.PRINCIPAL, Role.SPOUSE, Role.MINISTER][n],
            side=Side.GUEST,
            precedence=n + 1,
            clearance=clearances[n],
            tier=people_tiers[n],
            provenance=PROV,
        )
        for n in range(3)
    ]
    venues = []
    items = []
    for n, spec in enumerate(specs):
        tier, public_time, _status, attendees, _hour, venue_tier, where, arrival = spec
        token = f"{n:02d}q{tier.value[:3]}"
        if arrival is not None:  # a movement: to a venue of its own, with its service
            venues.append(
                Venue(
                    id=f"a{n}",
                    name=f"Arrival{token}",
                    city="baku",
                    address=f"Quay{token}",
                    lat=40.2 + n / 100 + 0.002345,
                    lon=49.7 + n / 100 + 0.005432,
                    tier=arrival,
                )
            )
        venues.append(
            Venue(
                id=f"v{n}",
                name=f"Venue{token}",
                local_name=f"Local{token}",
                city="baku",
                address=f"Address{token}",
                lat=40.3 + n / 100 + 0.001234,
                lon=49.8 + n / 100 + 0.004321,
                exclusive=False,
                tier=venue_tier,
                location_tier=where,
                notes=f"Perimeter{token}",
            )
        )
        items.append(
            Item(
                id=f"i{n}",
                title=f"Title{token}",
                kind=ItemKind.BRIEFING if arrival is None else ItemKind.BOAT,
                duration=30,
                attendees=tuple(f"p{a}" for a in attendees),
                venue=f"v{n}",
                arrival_venue=None if arrival is None else f"a{n}",
                service=None if arrival is None else Service(number=f"Service{token}"),
                # what its first attendee wears, told to them and in the programmes
                dress_by=(Dress(who=f"p{attendees[0]}", dress=f"Gown{token}"),),
                tier=tier,
                public_time=public_time,
                notes=f"Notes{token}",
                provenance=PROV,
            )
        )
    # everyone's residence the night before and the night of the day (its tier drawn with
    # the last item's): itineraries tell the way from it, where the reader may know of it
    venues.append(
        Venue(
            id="h0",
            name="ResidenceHouse",
            city="baku",
            address="ResidenceStreet",
            lat=40.41,
            lon=49.86,
            tier=specs[-1][0],
            meeting_point="ResidenceGate",
            location_tier=specs[-1][6],
        )
    )
    lodging = (
        Lodging(venue="h0", people=("p0", "p1", "p2"), nights=(DAY - timedelta(days=1), DAY)),
    )
    return Visit(
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
        lodging=lodging,
    )


def planned_items(visit: Visit, specs: list[Spec]) -> list[PlannedItem]:
    planned = []
    for n, (_tier, _public_time, status, _attendees, hour, *_venue_tiers) in enumerate(specs):
        # a minute of its own for every item, so its time can be looked for
        start = datetime(DAY.year, DAY.month, DAY.day, hour, 1 + 2 * n)
        item = visit.items[n]
        planned.append(
            PlannedItem(
                id=item.id,
                status=status,
                start=WallTime(start),
                end=WallTime(start + timedelta(minutes=30)),
                timezone=ZONE,
                venue=item.venue,
                arrival_venue=item.arrival_venue,
                attendees=item.attendees,
                created=STAMP,
                modified=STAMP,
            )
        )
    return planned


def build(  # the visit and its first plan
    specs: list[Spec], clearances: list[Tier], people_tiers: list[Tier] | None = None
) -> tuple[Visit, Plan]:
    visit = build_visit(specs, clearances, people_tiers or [Tier.PUBLIC] * 3)
    plan = merge(
        None, visit, planned_items(visit, specs), SolveInfo(status="hand-made"), "t", STAMP
    )
    return visit, plan


def outputs(visit: Visit, plan: Plan, audience: Audience) -> str:
    parts = [ical.calendar(visit, plan, audience).decode("utf-8")]
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
    clearances=st.lists(st.sampled_from(TIERS), min_size=3, max_size=3),
    people_tiers=st.lists(st.sampled_from(TIERS), min_size=3, max_size=3),
    moves=st.lists(st.integers(0, 5), max_size=3),
)
def test_nothing_above_an_audiences_tier_reaches_it(
    specs: list[Spec], clearances: list[Tier], people_tiers: list[Tier], moves: list[int]
) -> None:
    visit, plan = build(specs, clearances, people_tiers)
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
                # where it is: neither its address nor its coordinates
                for leak in (venue.address, f"{venue.lat:.6f}", f"{venue.lon:.6f}"):
                    assert leak not in text, (audience.key, leak)
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
        if audience.tier is Tier.RESTRICTED and audience.person is None:
            # and the full audience does see everything: the test can tell
            assert all(item.title in text for item in visit.items)
            assert all(v.address in text for v in visit.venues if v.id.startswith("v"))
            assert all(v.name in text for v in visit.venues if v.id != "h0")  # arrivals too
            assert all(
                p.name in text
                for p in visit.people
                if any(p.id in i.attendees for i in visit.items)
            )
        if (
            audience.person is None
            and audience.tier is not Tier.RESTRICTED
            and any(
                _shown(audience, i.tier) and not _shown(audience, visit.venue[i.venue or ""].tier)
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
    else:
        assert audience.person is not None
        names = [f"people/{audience.person}{ext}" for ext in (".md", ".ics", ".changes.md")]
    return {name: files[name] for name in names}


change_spec = st.tuples(
    st.sampled_from(
        ["title", "notes", "venue", "later", "venue-facts", "venue-place", "person-name"]
    ),
    st.integers(0, 5),  # which item, venue or person
)


def hidden_change(
    visit: Visit, plan: Plan, audience: Audience, what: str, which: int
) -> tuple[Visit, list[PlannedItem]] | None:
    """The visit and planned items after one change the audience cannot see, or None
    when there is no such change of that kind."""
    tier = audience.tier
    items = list(visit.items)
    planned = list(plan.items)
    public = tier.rank <= Tier.PRESS.rank

    def hidden_item(n: int) -> bool:
        item = items[n]
        if audience.person is not None and audience.person not in item.attendees:
            return True
        return not tier.allows(item.tier)

    if what in ("title", "notes", "venue", "later"):
        n = which % len(items)
        item = items[n]
        coarse = public and item.public_time is not PublicTime.EXACT
        if (
            not hidden_item(n)
            and not (what == "notes" and public)
            and not (what == "later" and coarse)
        ):
            return None
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
        return visit.model_copy(update={"items": tuple(items)}), planned
    if what == "venue-place":  # where a venue is, for a reader who may not learn it
        n = which % len(visit.venues)
        venue = visit.venues[n]
        if tier.allows(venue.location_tier):
            return None
        venues = list(visit.venues)
        # its address (its coordinates would move the journeys to it, which the reader sees)
        venues[n] = venue.model_copy(update={"address": venue.address + " 2"})
        return visit.model_copy(update={"venues": tuple(venues)}), planned
    if what == "venue-facts":
        n = which % len(visit.venues)
        venue = visit.venues[n]
        if tier.allows(venue.tier) and (
            venue.id == "h0"  # the residence: the itineraries tell the way from it
            or not all(
                hidden_item(k)
                for k, i in enumerate(items)
                if venue.id in (i.venue, i.arrival_venue)
            )
        ):
            return None
        venues = list(visit.venues)
        venues[n] = venue.model_copy(
            update={
                "name": venue.name + " Hall",
                "address": venue.address + " 2",
                "notes": (venue.notes or "") + " Gate 4.",
                "lat": (venue.lat or 0.0) + 0.01,
            }
        )
        return visit.model_copy(update={"venues": tuple(venues)}), planned
    n = which % len(visit.people)
    person = visit.people[n]
    if person.id == audience.person or tier.allows(person.tier):
        return None
    people = list(visit.people)
    people[n] = person.model_copy(update={"name": person.name + " Jr"})
    return visit.model_copy(update={"people": tuple(people)}), planned


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    specs=st.lists(item_spec, min_size=1, max_size=6),
    clearances=st.lists(st.sampled_from(TIERS), min_size=3, max_size=3),
    people_tiers=st.lists(st.sampled_from(TIERS), min_size=3, max_size=3),
    reader=st.integers(0, 4),
    change=change_spec,
)
def test_a_change_hidden_from_an_audience_leaves_its_files_byte_identical(
    specs: list[Spec],
    clearances: list[Tier],
    people_tiers: list[Tier],
    reader: int,
    change: tuple[str, int],
) -> None:
    visit, plan = build(specs, clearances, people_tiers)
    audience = [PUBLIC, DELEGATION, *(for_person(p) for p in visit.people)][reader]
    found = hidden_change(visit, plan, audience, *change)
    if found is None:
        return
    changed, items = found
    second = merge(plan, changed, items, SolveInfo(status="hand-made"), "t", LATER)
    first_files = build_files(visit, plan, None)
    second_files = build_files(changed, second, read_export(first_files["plan.json"].decode()))
    assert files_of(second_files, audience) == files_of(first_files, audience), change
    assert second.version == plan.version + 1
    assert audience.key not in (second.history[-1].seen_by or ())
    # the protocol office sees it: the test can tell a change from none
    assert second_files["calendars/full.ics"] != first_files["calendars/full.ics"] or (
        second_files["changes/full.md"] != first_files["changes/full.md"]
    )


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
    clearances=st.lists(st.sampled_from(TIERS), min_size=3, max_size=3),
    raised=st.lists(st.integers(0, 5), min_size=1, max_size=3, unique=True),
)
def test_an_item_withdrawn_from_an_audience_is_cancelled_and_tells_nothing_new(
    specs: list[Spec], clearances: list[Tier], raised: list[int]
) -> None:
    """Items made restricted, renamed and moved an hour later, all at once: an audience
    below restricted that had them gets them cancelled, under the title and at the time it
    knew, and learns nothing of the new ones."""
    visit, plan = build(specs, clearances)
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
                assert visit.item[item_id].title in str(event["SUMMARY"])
        if audience.key == FULL.key:
            assert all(f"Secret{n}x" in text for n in raised)
