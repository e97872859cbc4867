"""The goals of a person's day that make a plan read right (docs/scheduling-rules.md,
"Soft goals"): a lunch on each day for principals, spouses and ministers, a rest after
four hours of programme and no holes in the day for the guest's principals and spouses,
flexible items at the day's hours rather than as early as their windows allow, and
optional attendees joining what they are invited to when they are free.

Each goal is a set of terms of the objective, built from the model's variables
(``ModelBuilder``): the journeys between a person's items (the arcs of their circuit),
their items' intervals and day literals. Weights are in ``goals.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from planner.model.breaks import (
    LUNCH_ABOARD_MINUTES,
    LUNCH_FROM,
    LUNCH_MINUTES,
    LUNCH_UNTIL,
    REST_AFTER_MINUTES,
    REST_MINUTES,
    waived,
)
from planner.model.clock import ClockTime
from planner.model.items import ItemKind
from planner.model.movements import SCHEDULED
from planner.model.people import Role, Side
from planner.schedule import goals

Lit = Any

DAY_ROLES = frozenset({Role.PRINCIPAL, Role.SPOUSE, Role.MINISTER})
# whose rests and holes are weighed: the guest couples the programme is built around, as
# `planner review` questions them. The hosts go back to their offices between the
# visit's items: their day is their own office's to plan, and a wait between two of
# their items is not a guest kept waiting. (The rest costs constraints per journey;
# for the hosts' couples as well, the small visits took twice as long to prove optimal,
# and for every minister five times.)
ARC_ROLES = frozenset({Role.PRINCIPAL, Role.SPOUSE})


def _weighs_day(builder: Any, pid: str) -> bool:
    """Whether the person's rests and holes are weighed: a guest principal or spouse."""
    person = builder.visit.person[pid]
    return bool(person.side is Side.GUEST and person.role in ARC_ROLES)


@dataclass
class DayState:
    """What the builder gathers for these goals while it builds the circuits."""

    # person -> the journeys between their items: (a, b, arc literal, units of the way)
    arcs: dict[str, list[tuple[Any, Any, Lit, int]]] = field(default_factory=dict)
    # (person, item) -> literal: the optional attendee joins the item (the solver's wish;
    # solve.py lets them join first, checking travel and capacity)
    joins: dict[tuple[str, str], Lit] = field(default_factory=dict)
    # (person, item) -> the journey to the item, as intervals (lunch is not on the way)
    approaches: dict[tuple[str, str], list[Any]] = field(default_factory=dict)


def on_arc(builder: Any, pid: str, a: Any, b: Any, arc: Lit, travel: int) -> None:
    """Remember a journey of a principal, spouse or minister from item ``a`` to ``b``
    (the rests and holes of the guests' ``ARC_ROLES`` are weighed; their lunches,
    of all three, are never on the way)."""
    if builder.visit.person[pid].role in DAY_ROLES:
        builder.day_state.arcs.setdefault(pid, []).append((a, b, arc, travel))


def add(builder: Any) -> None:
    """The terms of every goal of this module (not explaining)."""
    mine = _attending(builder)
    _rhythm(builder)
    _holes(builder)
    _rest(builder, mine)
    joined = _joins(builder, mine)
    _lunch(builder, mine, joined)


def _attending(builder: Any) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for iv in builder.vars.values():
        for pid in iv.item.attendees:
            found.setdefault(pid, []).append(iv)
    return found


def _term(goal: str, coef: int, expr: Any, per_unit: int = 1) -> Any:
    from planner.schedule.cpmodel import Term

    return Term(goal, coef, expr, measure_per_unit=per_unit)


def _conj(*lits: Lit | None) -> list[Lit]:
    return [lit for lit in lits if lit is not None]


def _rhythm(builder: Any) -> None:
    """A flexible item of a principal, spouse or minister starting before the day's
    programme customarily begins
    (``goals.RHYTHM_START``) costs per minute: the solver otherwise places items at the
    earliest start their windows allow (nothing else tells one start from another)."""
    m, unit = builder.model, builder.axis.unit
    begins = ClockTime.parse(goals.RHYTHM_START)
    person = builder.visit.person
    for iv in builder.vars.values():
        if iv.item.is_pinned or iv.item.moves:
            continue
        if not any(person[p].role in DAY_ROLES for p in iv.item.attendees):
            continue  # a staff briefing at 08:00 is the rhythm of their day
        days = iv.days or {}
        marks = {d: builder._clock(d, begins, iv.zone) for d in days}
        if all(iv.lb >= mark for mark in marks.values()):
            continue  # can never start early
        early = m.new_int_var(0, max(marks.values()) - iv.lb, f"rhythm[{iv.item.id}]")
        for d, lit in days.items():
            if iv.ub < builder.axis.local_day(d, iv.zone)[0]:
                continue
            m.add(early >= marks[d] - iv.start).only_enforce_if(_conj(lit, iv.present))
        builder.terms.append(_term("rhythm", goals.RHYTHM * unit, early, unit))


def _holes(builder: Any) -> None:
    """Idle time between two consecutive items of a guest principal or spouse on the same
    day beyond ``goals.IDLE_AFTER_MINUTES`` (the journey between them not idle): one measure
    per item, the hole before it (one journey leads to it)."""
    m, ax = builder.model, builder.axis
    limit = ax.units_up(goals.IDLE_AFTER_MINUTES)
    for pid, arcs in builder.day_state.arcs.items():
        if not _weighs_day(builder, pid):
            continue
        into: dict[str, list[tuple[Any, Any, Lit, int]]] = {}
        for journey in arcs:
            into.setdefault(journey[1].item.id, []).append(journey)
        for journeys in into.values():
            b = journeys[0][1]
            found = []
            for a, _, arc, travel in journeys:
                widest = b.ub - (a.lb + a.dur) - travel
                if widest <= limit:
                    continue
                for d in set(a.days) & set(b.days):
                    if _overlap(ax, a, b, d):
                        found.append((widest, _conj(arc, a.days[d], b.days[d]), a, travel))
            if not found:
                continue
            top = max(w for w, _, _, _ in found) - limit
            hole = m.new_int_var(0, top, f"hole[{pid},{b.item.id}]")
            for _, cond, a, travel in found:
                m.add(hole >= b.start - a.end - travel - limit).only_enforce_if(cond)
            builder.terms.append(_term("idle", goals.IDLE * ax.unit, hole, ax.unit))


def _overlap(ax: Any, a: Any, b: Any, day: date) -> bool:
    """Whether both items can start on the local ``day`` (their zones' days)."""
    lo_a, hi_a = ax.local_day(day, a.zone)
    lo_b, hi_b = ax.local_day(day, b.zone)
    return bool(a.lb < hi_a and a.ub >= lo_a and b.lb < hi_b and b.ub >= lo_b)


def _breaks(iv: Any) -> bool:
    """Items that are a rest from the programme themselves: a lunch, a flight or a train."""
    return bool(iv.item.kind is ItemKind.LUNCH or iv.item.mode in SCHEDULED)


def _rest(builder: Any, mine: dict[str, list[Any]]) -> None:
    """A stretch of a guest principal's or spouse's items and the journeys between
    them with no pause of ``REST_MINUTES`` costs per minute beyond ``REST_AFTER_MINUTES``
    from its start. ``begins[b]`` is the start of the stretch that item b ends: b's own
    start after a pause (or a lunch, a flight), else that of the item before it."""
    m, ax, v = builder.model, builder.axis, builder.visit
    limit, pause = ax.units_up(REST_AFTER_MINUTES), ax.units_up(REST_MINUTES)
    for pid, arcs in builder.day_state.arcs.items():
        if not _weighs_day(builder, pid):
            continue
        items = [iv for iv in mine.get(pid, []) if not _breaks(iv)]
        begins: dict[str, Any] = {}
        earliest: dict[str, int] = {}  # the earliest a stretch ending with the item begins
        for iv in items:
            if all(waived(v.meals, "rest", pid, d) for d in iv.days or v.days):
                continue
            days = set(iv.days)
            earliest[iv.item.id] = lo = min(x.lb for x in items if days & set(x.days) or x is iv)
            begins[iv.item.id] = start = m.new_int_var(lo, iv.ub, f"stretch[{pid},{iv.item.id}]")
            m.add(start <= iv.start)
        if not begins:
            continue
        follows: dict[str, Lit] = {}  # no pause before the item (one journey leads to it)
        for a, b, arc, travel in arcs:
            if b.item.id not in begins or a.item.id not in begins:
                continue
            gap_lo = b.lb - (a.ub + a.dur) - travel
            if gap_lo >= pause:
                continue  # always a pause between them
            gap_hi = b.ub - (a.lb + a.dur) - travel
            lit = follows.get(b.item.id)
            if lit is None:
                lit = follows[b.item.id] = m.new_bool_var(f"nopause[{pid},{b.item.id}]")
            if gap_hi >= pause:  # exactly when there is no pause (no symmetry)
                m.add(b.start - a.end - travel >= pause).only_enforce_if([arc, ~lit])
                m.add(b.start - a.end - travel <= pause - 1).only_enforce_if([arc, lit])
            else:
                m.add_implication(arc, lit)
            m.add(begins[b.item.id] <= begins[a.item.id]).only_enforce_if([arc, lit])
            m.add(begins[b.item.id] <= a.start).only_enforce_if([arc, lit])  # redundant
        for iv in items:
            start = begins.get(iv.item.id)
            if start is None:
                continue
            most = iv.ub + iv.dur - earliest[iv.item.id] - limit
            if most <= 0:
                continue  # no stretch ending with it can be too long
            over = m.new_int_var(0, most, f"tired[{pid},{iv.item.id}]")
            m.add(over >= iv.start + iv.dur - start - limit).only_enforce_if(_conj(iv.present))
            builder.terms.append(_term("rest", goals.REST * ax.unit, over, ax.unit))


def _joins(builder: Any, mine: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Optional attendees (``optional_attendees``) join an item when they are free: each
    invitation not taken costs by the item's priority (10 for a required item; twice as
    much for principals, spouses and ministers), and the
    items they join do not overlap what they must attend. Returns the intervals of the
    joins per person."""
    m, v = builder.model, builder.visit
    intervals: dict[str, list[Any]] = {}
    for iv in builder.vars.values():
        item = iv.item
        if item.moves or not item.optional_attendees:
            continue
        for pid in item.optional_attendees:
            if pid in item.attendees or not _may_be_there(builder, pid, iv):
                continue
            join = m.new_bool_var(f"join[{pid},{item.id}]")
            if iv.present is not None:
                m.add_implication(join, iv.present)
            builder.day_state.joins[(pid, item.id)] = join
            intervals.setdefault(pid, []).append(
                m.new_optional_fixed_size_interval_var(
                    iv.start, iv.dur, join, f"joins[{pid},{item.id}]"
                )
            )
            role = v.person[pid].role
            # a required item weighs as a priority of 10, an optional one its priority
            priority = (item.priority or goals.DEFAULT_PRIORITY) if item.optional else 10
            weight = goals.JOIN * priority * (goals.JOIN_DAY_ROLES if role in DAY_ROLES else 1)
            builder.terms.append(_term("joined", weight, 1 - join))
    for pid, found in intervals.items():
        m.add_no_overlap(found + [iv.interval for iv in mine.get(pid, [])])
    return intervals


def _may_be_there(builder: Any, pid: str, iv: Any) -> bool:
    """Whether the person's stays (``presence``) leave any time to be at the item."""
    person = builder.visit.person[pid]
    if not person.presence:
        return True
    city = builder.visit.venue[iv.item.venues[0]].city
    ax = builder.axis
    return any(
        builder.visit.same_place(c, city) and ax.units(s) <= iv.ub and iv.lb + iv.dur <= ax.units(e)
        for c, s, e in builder._stays(pid)
    )


def _approaches(builder: Any, pid: str, near: list[Any]) -> list[Any]:
    """The journey to each of these items (and its holding time) as intervals that end
    as the item starts: no lunch is taken on the way. One optional interval of fixed
    length per length the journey can take, there when the person comes by a journey of
    that length (one interval whose length was the sum of the journeys took the small
    visits' lunches twice as long to prove optimal). (Taken just before the item, the
    journey leaves the wait after the item before for lunch; a lunch after the journey,
    in the same wait, is not seen here, and costs nothing more than a later item.)"""
    m = builder.model
    ids = {iv.item.id for iv in near}
    into: dict[str, list[tuple[Any, Lit, int]]] = {}
    for _, b, arc, travel in builder.day_state.arcs.get(pid, []):
        if b.item.id in ids and travel > 0:
            into.setdefault(b.item.id, []).append((b, arc, travel))
    found = []
    for item_id, journeys in into.items():
        b = journeys[0][0]
        key = (pid, item_id)
        cached = builder.day_state.approaches.get(key)
        if cached is None:
            ways: dict[int, list[Lit]] = {}
            for _, arc, travel in journeys:
                ways.setdefault(travel, []).append(arc)
            cached = []
            for travel, arcs in sorted(ways.items()):
                if len(arcs) == 1:
                    taken = arcs[0]
                else:
                    taken = m.new_bool_var(f"way[{pid},{item_id},{travel}]")
                    m.add(taken == sum(arcs))
                cached.append(
                    m.new_optional_fixed_size_interval_var(
                        b.start - travel, travel, taken, f"approach[{pid},{item_id},{travel}]"
                    )
                )
            builder.day_state.approaches[key] = cached
        found.extend(cached)
    return found


def _served_aboard(iv: Any) -> bool:
    """A flight or a train long enough to serve a meal on board."""
    return iv.item.mode in SCHEDULED and iv.item.duration >= LUNCH_ABOARD_MINUTES


def _lunch(builder: Any, mine: dict[str, list[Any]], joined: dict[str, list[Any]]) -> None:
    """Each principal, spouse and minister lunches on each day: a lunch item they attend
    that day, or a free window of ``LUNCH_MINUTES`` between ``LUNCH_FROM`` and
    ``LUNCH_UNTIL`` local (a day with nothing of theirs near midday has one), or a flight or
    train of ``LUNCH_ABOARD_MINUTES`` under way in that window (a meal served aboard)."""
    m, ax, v = builder.model, builder.axis, builder.visit
    size = ax.units_up(LUNCH_MINUTES)
    for person in v.people:
        if person.role not in DAY_ROLES or person.id not in mine:
            continue
        for d in v.days:
            if waived(v.meals, "lunch", person.id, d):
                continue
            today = [iv for iv in mine[person.id] if d in iv.days]
            if not today:
                continue
            zone = next((iv.zone for iv in today if not iv.item.moves), today[0].zone)
            lo = builder._clock(d, LUNCH_FROM, zone)
            hi = builder._clock(d, LUNCH_UNTIL, zone)
            near = [iv for iv in today if iv.lb < hi and iv.ub + iv.dur > lo]
            if not near:
                continue  # nothing of theirs near midday: a free window
            lunches = [iv for iv in today if iv.item.kind is ItemKind.LUNCH]
            aboard = [iv for iv in near if _served_aboard(iv)]
            if any(iv.present is None and len(iv.days) == 1 for iv in lunches) or any(
                iv.present is None and lo < iv.lb + iv.dur and iv.ub < hi for iv in aboard
            ):
                continue  # a lunch they attend that day, or a flight over midday
            free = m.new_bool_var(f"lunchtime[{person.id},{d}]")
            when = m.new_int_var(lo, hi - size, f"lunchat[{person.id},{d}]")
            window = m.new_optional_fixed_size_interval_var(
                when, size, free, f"lunch[{person.id},{d}]"
            )
            ways = _approaches(builder, person.id, near)
            m.add_no_overlap(
                [window, *(iv.interval for iv in near), *ways, *joined.get(person.id, [])]
            )
            had = []
            for iv in lunches:
                lit = m.new_bool_var(f"lunches[{person.id},{iv.item.id},{d}]")
                for cond in _conj(iv.present, iv.days[d]):
                    m.add_implication(lit, cond)
                had.append(lit)
            for iv in aboard:  # a lunch aboard, when the flight is under way at midday
                lit = m.new_bool_var(f"aboard[{person.id},{iv.item.id},{d}]")
                for cond in _conj(iv.present):
                    m.add_implication(lit, cond)
                m.add(iv.start <= hi - 1).only_enforce_if(lit)
                m.add(iv.start + iv.dur >= lo + 1).only_enforce_if(lit)
                had.append(lit)
            missing = m.new_bool_var(f"nolunch[{person.id},{d}]")
            m.add_bool_or([free, missing, *had])
            builder.terms.append(_term("lunch", goals.LUNCH, missing))
