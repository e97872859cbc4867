"""The planted-solution generator: deterministic, its instances are valid visit files, its
planted programme is feasible (checked here independently of the generator, and by the
validator), and each injected fault is really there. Its tours (bench/tours.py) carry rush
hours, a leg through a landing zone and a leg with its own minutes in some hours, and
their planted programme still holds."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bench.generator import FAULTS, Instance, generate, inject, main, planted_plan, to_yaml
from bench.tours import RUSH_HOURS, departures, tour
from planner.cli import main as planner_main
from planner.model import ItemKind, OrderConvention, Strength, TimeOfDayConvention, Visit
from planner.model.consistency import check
from planner.model.movements import Mode
from planner.model.travel import travel_minutes
from planner.validate import validate_plan
from planner.visitfile import load_visit
from tests.conftest import FIXTURES

SYNTHETIC_M = FIXTURES / "synthetic-m.yaml"


@pytest.fixture(scope="module")
def small() -> Instance:
    return generate("S", 3)


@pytest.fixture(scope="module")
def medium() -> Instance:
    return generate("M", 1)


# -- an independent check of a planted programme ---------------------------------------------


def _local_minute(instant: datetime, zone: str) -> tuple[date, int]:
    from zoneinfo import ZoneInfo

    local = instant.astimezone(ZoneInfo(zone))
    return local.date(), local.hour * 60 + local.minute


def planted_violations(visit: Visit, planted: dict[str, datetime]) -> list[str]:
    """Every way the planted starts break the visit's hard rules (empty: feasible)."""
    bad: list[str] = []
    start = {i.id: planted[i.id] for i in visit.items}
    end = {i.id: planted[i.id] + timedelta(minutes=i.duration) for i in visit.items}
    assert set(planted) == {i.id for i in visit.items}
    for item in visit.items:
        zone = visit.item_zone(item)
        s, e = start[item.id], end[item.id]
        day, minute = _local_minute(s, zone)
        if minute % 5:
            bad.append(f"{item.id}: start {s} is off the five-minute grain")
        if item.pinned and item.pinned.resolve(zone) != s:
            bad.append(f"{item.id}: pinned {item.pinned}, planted {s}")
        if not item.pinned:
            hours = visit.programme_hours
            if minute < hours.start.minutes or minute + item.duration > hours.end.minutes:
                bad.append(f"{item.id}: outside the programme hours")
        if item.window:
            if item.window.earliest_start and s < item.window.earliest_start.resolve(zone):
                bad.append(f"{item.id}: starts before its window")
            if item.window.latest_end and e > item.window.latest_end.resolve(zone):
                bad.append(f"{item.id}: ends after its window")
        if item.days and day not in item.days:
            bad.append(f"{item.id}: not on one of its days")
        venue = visit.venue[item.venues[0]]
        if venue.opening and item.kind is not ItemKind.FLIGHT:
            ok = any(
                (not o.dates or day in o.dates)
                and o.open.minutes <= minute
                and minute + item.duration <= o.close.minutes
                for o in venue.opening
            )
            if not ok:
                bad.append(f"{item.id}: {venue.id} is closed then")
        for rule in item.order:
            if rule.after:
                gap = (s - end[rule.after]).total_seconds() / 60
            else:
                gap = (start[rule.other] - e).total_seconds() / 60
            if gap < rule.min_gap or (rule.max_gap is not None and gap > rule.max_gap):
                bad.append(f"{item.id}: order against {rule.other} broken (gap {gap})")
    # people: one place at a time, with travel and holding time; presence
    for person in visit.people:
        mine = sorted(
            (i for i in visit.items if person.id in i.attendees), key=lambda i: start[i.id]
        )
        for a, b in itertools.pairwise(mine):
            leave = visit.venue[a.arrival_venue or a.venues[0]]
            come = visit.venue[b.venues[0]]
            # leaving as ``a`` ends: the rush hours and a leg's by_hour then
            leaves = _local_minute(end[a.id], visit.venue_zone(leave.id))
            t = travel_minutes(visit.travel, leave, come, leaves=leaves)
            if t is None:
                bad.append(f"{person.id}: no road from {leave.id} to {come.id} ({a.id}→{b.id})")
                continue
            hold = getattr(b, "holding_minutes", b.holding or 0)  # ceremonies default to 10
            need = end[a.id] + timedelta(minutes=t + hold)
            if start[b.id] < need:
                bad.append(f"{person.id}: cannot make it from {a.id} to {b.id}")
        if person.presence:
            stays = []
            for stay in person.presence:
                zone = visit.city[stay.city].timezone
                lo = stay.arrive.resolve(zone) if stay.arrive else None
                hi = stay.depart.resolve(zone) if stay.depart else None
                stays.append((stay.city, lo, hi))
            for item in mine:
                city = visit.venue[item.venues[0]].city
                s = start[item.id] - timedelta(minutes=item.holding or 0)
                # a movement (flight, train, helicopter) leaves the stay as it departs
                e = start[item.id] if item.arrival_venue else end[item.id]
                if not any(
                    c == city and (lo is None or lo <= s) and (hi is None or e <= hi)
                    for c, lo, hi in stays
                ):
                    bad.append(f"{person.id}: not in {city} for {item.id}")
    # exclusive venues host one item at a time
    for venue in visit.venues:
        if not venue.exclusive:
            continue
        here = sorted(
            (i for i in visit.items if i.venues[0] == venue.id), key=lambda i: start[i.id]
        )
        for a, b in itertools.pairwise(here):
            if start[b.id] < end[a.id]:
                bad.append(f"{venue.id}: {a.id} and {b.id} overlap")
    # the host conventions in force
    for rule in visit.rules():
        if isinstance(rule, OrderConvention):
            firsts = [i for i in visit.items if i.kind in rule.first]
            thens = [i for i in visit.items if i.kind in rule.then]
            for a in firsts:
                for b in thens:
                    za, zb = visit.item_zone(a), visit.item_zone(b)
                    same = _local_minute(start[a.id], za)[0] == _local_minute(start[b.id], zb)[0]
                    if (same or not rule.same_day_only) and end[a.id] > start[b.id]:
                        bad.append(f"convention {rule.id}: {a.id} is not before {b.id}")
        elif isinstance(rule, TimeOfDayConvention) and rule.strength is Strength.HARD:
            # a soft time of day is a preference (lunch around midday), not a rule a
            # planted programme must keep
            for item in visit.items:
                if item.kind in rule.kinds:
                    _, minute = _local_minute(start[item.id], visit.item_zone(item))
                    if not rule.start_from.minutes <= minute <= rule.start_until.minutes:
                        bad.append(f"convention {rule.id}: {item.id} at {minute}")
    return bad


def test_the_independent_check_catches_a_broken_plan(medium: Instance) -> None:
    planted = dict(medium.planted)
    planted["one-on-one"] = planted["welcome"]  # the principals in two items at once
    problems = planted_violations(medium.visit, planted)
    assert any("guest-principal: cannot make it" in p for p in problems)
    assert any("convention welcome-before-talks" in p for p in problems)
    late = dict(medium.planted)
    late["banquet"] = late["banquet"] + timedelta(hours=3)
    assert any(
        "banquet: ends after its window" in p for p in planted_violations(medium.visit, late)
    )


# -- determinism -------------------------------------------------------------------------------


def test_same_seed_same_instance(small: Instance) -> None:
    again = generate("S", 3)
    assert again.visit == small.visit
    assert again.planted == small.planted
    assert to_yaml(again.visit) == to_yaml(small.visit)
    other = generate("S", 4)
    assert other.visit != small.visit


def test_fixture_is_what_the_command_writes(tmp_path: Path) -> None:
    out = tmp_path / "m.yaml"
    assert main(["--size", "M", "--seed", "1", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text == SYNTHETIC_M.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if not line.startswith("#"))
    assert first == "schema_version: 1"
    assert "python -m bench.generator --size M --seed 1" in text.splitlines()[0]
    loaded = load_visit(SYNTHETIC_M).visit
    assert 120 <= len(loaded.items) <= 200


# -- feasible instances -------------------------------------------------------------------------


_CACHE: dict[tuple[str, int], Instance] = {}


def _generated(size: str, seed: int) -> Instance:
    if (size, seed) not in _CACHE:
        _CACHE[(size, seed)] = generate(size, seed)
    return _CACHE[(size, seed)]


@pytest.mark.parametrize(
    ("size", "seed"),
    [
        ("S", 0),
        ("S", 1),
        ("S", 2),
        ("M", 1),
        ("M", 2),
        pytest.param("L", 1, marks=pytest.mark.slow),
    ],
)
def test_planted_programme_is_feasible(size: str, seed: int, tmp_path: Path) -> None:
    instance = _generated(size, seed)
    visit = instance.visit
    low, high = {"S": (30, 60), "M": (150, 200), "L": (500, 1000)}[size]
    assert low <= len(visit.items) <= high
    assert len(visit.people) == max(6, len(visit.items) // 5)
    assert len(visit.venues) == {"S": 10, "M": 20, "L": 40}[size]
    assert planted_violations(visit, instance.planted) == []
    assert _errors(visit, instance) == []
    path = tmp_path / f"{size}-{seed}.yaml"
    path.write_text(to_yaml(visit), encoding="utf-8")
    assert planner_main(["check", "-q", str(path)]) == 0


def _errors(visit: Visit, instance: Instance) -> list[str]:
    """The validator's errors on the planted programme of ``instance`` read against
    ``visit``."""
    plan = planted_plan(Instance(instance.size, instance.seed, visit, instance.planted))
    return [str(v) for v in validate_plan(visit, plan) if v.severity == "error"]


def test_instance_shape(medium: Instance) -> None:
    visit = medium.visit
    n = len(visit.items)
    pinned = sum(1 for i in visit.items if i.pinned)
    ordered = sum(1 for i in visit.items if i.order)
    optional = [i for i in visit.items if i.optional]
    assert 0.07 * n <= pinned <= 0.15 * n
    assert 0.07 * n <= ordered <= 0.13 * n
    assert 0.07 * n <= len(optional) <= 0.13 * n
    assert all(i.priority is not None for i in optional)
    durations = {i.duration for i in visit.items if i.kind.value not in ("arrival", "flight")}
    assert durations >= {30, 45, 60, 90, 120}
    for item in visit.items:
        if item.pinned or item.window is None:
            continue
        zone = visit.item_zone(item)
        assert item.window.earliest_start and item.window.latest_end
        before = medium.planted[item.id] - item.window.earliest_start.resolve(zone)
        after = item.window.latest_end.resolve(zone) - medium.planted[item.id]
        assert timedelta(0) <= before <= timedelta(hours=4)
        assert (
            timedelta(minutes=item.duration) <= after <= timedelta(hours=4, minutes=item.duration)
        )
    roles = {p.role.value for p in visit.people}
    assert {"principal", "spouse", "minister", "adviser", "interpreter", "security"} <= roles
    # the spouses share only ceremonies and the banquet with the principals
    for item in visit.items:
        if "guest-spouse" in item.attendees and "guest-principal" in item.attendees:
            assert item.kind.value in (
                "arrival",
                "official_welcome",
                "banquet",
                "departure_ceremony",
                "flight",
            ), item.id


@pytest.mark.slow
def test_large_instance_moves_between_cities_by_flight_only() -> None:
    instance = _generated("L", 1)
    visit = instance.visit
    assert len(visit.cities) == 3
    assert len({c.timezone for c in visit.cities}) == 3
    flights = [i for i in visit.items if i.kind is ItemKind.FLIGHT]
    assert len(flights) == 2
    for flight in flights:
        assert flight.pinned is not None
        assert flight.arrival_venue is not None
        assert visit.venue[flight.venues[0]].city != visit.venue[flight.arrival_venue].city
    guests = [p for p in visit.people if p.side.value == "guest"]
    assert all(len(p.presence) == 3 for p in guests)
    hosts = [p for p in visit.people if p.side.value == "host"]
    assert all(len(p.presence) == 1 for p in hosts)


# -- infeasible variants ------------------------------------------------------------------------


def _changed(before: Visit, after: Visit) -> set[str]:
    old = before.item
    return {i.id for i in after.items if old[i.id] != i}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("seed", [0, 5])
def test_injected_fault_is_present(fault: str, seed: int) -> None:
    feasible = generate("S", seed)
    broken = inject(feasible, fault)
    assert broken.fault is not None and broken.fault.kind == fault
    assert broken.fault.description
    visit = broken.visit
    errors = [p for p in check(visit) if p.severity == "error"]
    involved = set(broken.fault.items)
    changed = _changed(feasible.visit, visit)
    for iid in changed - involved:
        # the only other change allowed: dropping ordering rules on a moved item
        before, after = feasible.visit.item[iid], visit.item[iid]
        assert before.model_copy(update={"order": after.order}) == after
        assert {o.other for o in before.order} - {o.other for o in after.order} <= involved
    index = {i.id: n for n, i in enumerate(visit.items)}

    if fault == "overlapping-pins":
        assert broken.fault.found_by_checker is False
        assert errors == []  # the file is consistent; only the scheduler can tell
        a, b = (visit.item[i] for i in broken.fault.items)
        person = broken.fault.person
        assert person in a.attendees and person in b.attendees
        assert a.venues[0] != b.venues[0]
        assert a.pinned is not None and b.pinned is not None
        sa, sb = a.pinned.resolve(visit.item_zone(a)), b.pinned.resolve(visit.item_zone(b))
        ea, eb = sa.add(minutes=a.duration), sb.add(minutes=b.duration)
        assert sa < eb and sb < ea  # they overlap: one person, two places
    elif fault == "short-window":
        (item,) = (visit.item[i] for i in broken.fault.items)
        assert item.window and item.window.earliest_start and item.window.latest_end
        zone = visit.item_zone(item)
        span = item.window.latest_end.resolve(zone) - item.window.earliest_start.resolve(zone)
        assert span < timedelta(minutes=item.duration)
        assert any(e.path == ("items", index[item.id], "duration") for e in errors)
        assert all(e.path[:2] == ("items", index[item.id]) for e in errors)
    elif fault == "order-cycle":
        a, b = broken.fault.items
        assert any(o.after == b for o in visit.item[a].order)
        assert any(o.after == a for o in visit.item[b].order)
        assert len(errors) == 1 and "cycle" in errors[0].message
    elif fault == "pin-outside-hours":
        (item,) = (visit.item[i] for i in broken.fault.items)
        assert item.pinned is not None
        venue = visit.venue[item.venues[0]]
        _, minute = _local_minute(item.pinned.resolve(visit.item_zone(item)), visit.item_zone(item))
        assert venue.opening
        assert not any(
            o.open.minutes <= minute and minute + item.duration <= o.close.minutes
            for o in venue.opening
        )
        assert len(errors) == 1 and errors[0].path == ("items", index[item.id], "pinned")
        assert "opening hours" in errors[0].message
    assert broken.fault.found_by_checker == bool(errors)


def test_infeasible_file_says_what_was_injected(tmp_path: Path) -> None:
    out = tmp_path / "broken.yaml"
    assert main(["--size", "S", "--seed", "1", "--fault", "order-cycle", "-o", str(out)]) == 0
    head = out.read_text(encoding="utf-8").splitlines()[:5]
    assert any("order-cycle" in line for line in head)
    assert planner_main(["check", "-q", str(out)]) == 2


# -- tours: rush hours, a leg through a landing zone, a leg slower in some hours ----------------


_TOURS: dict[tuple[str, int], Instance] = {}


def _tour(size: str, seed: int) -> Instance:
    if (size, seed) not in _TOURS:
        _TOURS[(size, seed)] = tour(size, seed)
    return _TOURS[(size, seed)]


# the seeds of ``python -m bench --quick --tours`` (bench/run.py)
TOUR_SEEDS = [
    ("S", 0),
    ("S", 1),
    ("S", 2),
    ("M", 0),
    ("ST", 0),
    ("ST", 1),
    ("ST", 2),
    ("MT", 0),
    pytest.param("L", 0, marks=pytest.mark.slow),
]


@pytest.mark.parametrize(("size", "seed"), TOUR_SEEDS)
def test_tour_draws_rush_hours_a_leg_of_parts_and_a_by_hour_leg(size: str, seed: int) -> None:
    instance = _tour(size, seed)
    visit = instance.visit
    rules = visit.travel
    # every city's roads have the rush hours, and the planted programme drives in them
    assert {r.city for r in rules.roads if r.rush_hours == RUSH_HOURS} == {
        c.id for c in visit.cities
    }
    slowed = [
        d
        for d in departures(visit, instance.planted)
        if (plain := travel_minutes(rules, visit.venue[d.leaves], visit.venue[d.to]))
        and (travel_minutes(rules, visit.venue[d.leaves], visit.venue[d.to], leaves=d.at) or 0)
        > plain
    ]
    assert slowed
    # from the hotel: a helicopter to a landing zone, then the motorcade, shorter than the
    # drive it replaces (at any hour), one way
    parts = [leg for leg in rules.legs if leg.parts]
    assert parts
    without = rules.model_copy(update={"legs": tuple(x for x in rules.legs if not x.parts)})
    for leg in parts:
        hotel, there = visit.venue[leg.from_venue], visit.venue[leg.to_venue]
        assert hotel.id.endswith("-hotel") and leg.one_way
        assert [p.mode for p in leg.parts] == [Mode.HELICOPTER, Mode.MOTORCADE]
        landing = visit.venue[leg.parts[0].to or ""]
        assert landing.city == there.city == hotel.city
        minutes = sum(p.minutes for p in leg.parts)
        assert travel_minutes(rules, hotel, there) == minutes
        drive = travel_minutes(without, hotel, there)
        assert drive is not None and minutes < drive
    # a measured leg with its own, slower minutes in the rush hours
    measured = [leg for leg in rules.legs if leg.by_hour]
    assert measured
    for leg in measured:
        a, b = visit.venue[leg.from_venue], visit.venue[leg.to_venue]
        assert leg.minutes is not None
        for hours in leg.by_hour:
            assert hours.minutes > leg.minutes
            at = (visit.start, hours.start.minutes)
            assert travel_minutes(rules, a, b, leaves=at) == hours.minutes
            assert travel_minutes(rules, b, a, leaves=at) == hours.minutes
        assert travel_minutes(rules, a, b, leaves=(visit.start, 12 * 60)) == leg.minutes


@pytest.mark.parametrize(("size", "seed"), TOUR_SEEDS)
def test_planted_programme_of_a_tour_holds(size: str, seed: int, tmp_path: Path) -> None:
    instance = _tour(size, seed)
    assert _errors(instance.visit, instance) == []
    assert planted_violations(instance.visit, instance.planted) == []
    path = tmp_path / f"{size}-{seed}-tour.yaml"
    path.write_text(to_yaml(instance.visit), encoding="utf-8")
    assert planner_main(["check", "-q", str(path)]) == 0


def test_tour_rush_hours_are_what_the_planted_programme_leaves_room_for() -> None:
    """The planted programme leaves room for the tour's rush hours, not for any: the
    same programme with slower rush hours breaks, and so does the programme planted
    without them (the validator sees the rush hours in both)."""
    instance = _tour("S", 0)
    visit = instance.visit
    slower = tuple(r.model_copy(update={"factor": 3.0}) for r in RUSH_HOURS)
    roads = tuple(r.model_copy(update={"rush_hours": slower}) for r in visit.travel.roads)
    jammed = visit.model_copy(update={"travel": visit.travel.model_copy(update={"roads": roads})})
    jammed = Visit.model_validate(jammed.model_dump())
    errors = _errors(jammed, instance)
    assert any("slower hours" in e for e in errors)
    plain = generate("S", 0)  # planted for the ordinary minutes
    rushed = generate("S", 0, rush=RUSH_HOURS)
    assert rushed.visit.travel.roads and not plain.visit.travel.roads
    assert _errors(plain.visit, plain) == []
    assert _errors(rushed.visit, rushed) == []
    as_rushed = plain.visit.model_copy(update={"travel": rushed.visit.travel})
    assert any(
        "slower hours" in e for e in _errors(Visit.model_validate(as_rushed.model_dump()), plain)
    )


def test_same_seed_same_tour() -> None:
    again = tour("ST", 1)
    assert again.visit == _tour("ST", 1).visit
    assert again.planted == _tour("ST", 1).planted
