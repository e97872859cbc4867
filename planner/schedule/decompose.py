"""Splitting a visit into parts that can be planned separately.

Two items belong to the same part when a rule could tie them: an ordering rule; a host
convention between them; a person who attends both, when they could come within travel
and holding time of each other (or lie in cities no road joins); a venue both could use
at the same time. Items of different parts never constrain each other and the objective
is a sum over items and pairs within parts, so solving each part to optimality solves the
whole visit to optimality, and the bounds add up. In practice a multi-day visit splits
into its days, and within a day into the principals' programme and the parallel ones.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from planner.model.conventions import OrderConvention
from planner.model.items import Item
from planner.model.travel import leg_minutes, slow_hours, travel_minutes
from planner.model.visit import Visit
from planner.schedule import goals
from planner.schedule.axis import Axis
from planner.schedule.cpmodel import LONG_DAY_ROLES, ModelBuilder


class _Union:
    def __init__(self, keys: list[str]) -> None:
        self.parent = {k: k for k in keys}

    def find(self, key: str) -> str:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass(frozen=True)
class Span:
    lo: int  # earliest start (units)
    hi: int  # latest end (units)


def _spans(builder: ModelBuilder, items: list[Item]) -> dict[str, Span]:
    spans: dict[str, Span] = {}
    for item in items:
        domain, _ = builder.static_domains(item)
        dur = builder.axis.units_up(item.duration)
        if domain.is_empty():
            spans[item.id] = Span(0, builder.axis.horizon)
        else:
            spans[item.id] = Span(domain.min(), domain.max() + dur)
    return spans


def parts(
    visit: Visit,
    axis: Axis | None = None,
    *,
    explain: bool = False,
    builder: ModelBuilder | None = None,
) -> list[frozenset[str]]:
    """The items of ``visit`` (those a model would place) grouped into independent parts,
    largest first. ``builder``: a plan-mode builder of the whole visit whose time rules
    are collected already (they are collected here otherwise)."""
    if builder is None:
        builder = ModelBuilder(visit, axis=axis, explain=False)
    builder.collect()
    items = [i for i in builder.selected() if not (explain and i.optional)]
    if not items:
        return []
    ids = [i.id for i in items]
    chosen = set(ids)
    union = _Union(ids)
    spans = _spans(builder, items)
    venues = visit.venue

    # ordering rules
    for item in items:
        for order in item.order:
            if order.other in chosen:
                union.join(item.id, order.other)

    # people: items that could come within travel and holding time of each other, or
    # follow each other in cities that no road joins
    # (plus the wanted buffer, so that the buffer goal never spans two parts)
    gap = (
        builder.axis.units_up(
            _longest_travel(visit)
            + max((i.holding_minutes for i in items), default=0)
            + goals.BUFFER_MINUTES
        )
        + 1
    )
    attending: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        # optional attendees too: whether they are free to join is weighed with what they
        # must attend (schedule/daygoals.py), in the same part
        invited = () if item.moves else item.optional_attendees
        for pid in dict.fromkeys((*item.attendees, *invited)):
            attending[pid].append(item)
    for mine in attending.values():
        mine.sort(key=lambda i: spans[i.id].lo)
        anchor = latest = mine[0]
        reach = spans[anchor.id].hi
        for item in mine[1:]:
            span = spans[item.id]
            if span.lo < reach + gap or _no_road(visit, latest, item):
                union.join(anchor.id, item.id)
            else:
                anchor = item  # a new group: far from everything before it
            if span.hi >= reach:
                reach, latest = span.hi, item

    # the day of a principal, spouse or minister stays whole (the long-day goal spans it)
    for pid, mine in attending.items():
        if visit.person[pid].role not in LONG_DAY_ROLES:
            continue
        first_of_day: dict[object, str] = {}
        for item in mine:
            for day in _days(builder, item, spans):
                if day in first_of_day:
                    union.join(first_of_day[day], item.id)
                else:
                    first_of_day[day] = item.id

    # venues used at the same time (exclusive or with a capacity)
    at_venue: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        for venue_id in item.venues:
            venue = venues[venue_id]
            if venue.exclusive or venue.capacity is not None:
                at_venue[venue_id].append(item)
    for here in at_venue.values():
        here.sort(key=lambda i: spans[i.id].lo)
        reach, last = -1, None
        for item in here:
            span = spans[item.id]
            if last is not None and span.lo < reach:
                union.join(last, item.id)
            if span.hi > reach:
                reach, last = span.hi, item.id

    # host conventions between pairs of items
    for rule in visit.rules():
        if not isinstance(rule, OrderConvention):
            continue
        covered = [i for i in items if visit.covers(rule, i)]
        firsts = [i for i in covered if i.kind in rule.first]
        thens = [i for i in covered if i.kind in rule.then]
        for a in firsts:
            for b in thens:
                if a.id == b.id or not set(a.attendees) & set(b.attendees):
                    continue
                if rule.same_day_only and not _may_share_day(builder, a, b, spans):
                    continue
                union.join(a.id, b.id)

    groups: dict[str, set[str]] = defaultdict(set)
    for item_id in ids:
        groups[union.find(item_id)].add(item_id)
    return sorted((frozenset(g) for g in groups.values()), key=lambda g: (-len(g), min(g)))


def _longest_travel(visit: Visit) -> int:
    """The longest road journey between two venues of the visit, in minutes (at its
    slowest hours)."""
    longest = max(
        (
            max(
                [
                    leg_minutes(visit.travel, leg, visit.venue[a], visit.venue[b]),
                    *(s.minutes for s in slow_hours(visit.travel, visit.venue[a], visit.venue[b])),
                ]
            )
            for leg in visit.travel.legs
            for a, b in ((leg.from_venue, leg.to_venue),)
        ),
        default=0,
    )
    by_city: dict[str, list[str]] = defaultdict(list)
    for venue in visit.venues:
        by_city[visit.areas.get(venue.city, venue.city)].append(venue.id)  # a metro area: one
    for group in by_city.values():
        for a in group:
            for b in group:
                minutes = travel_minutes(visit.travel, visit.venue[a], visit.venue[b])
                if minutes is not None:
                    slow = slow_hours(visit.travel, visit.venue[a], visit.venue[b])
                    longest = max(longest, minutes, *(s.minutes for s in slow))
    return longest


def _no_road(visit: Visit, a: Item, b: Item) -> bool:
    out = a.arrival_venue or a.venues[0]
    return any(
        travel_minutes(visit.travel, visit.venue[out], visit.venue[v]) is None for v in b.venues
    )


def _days(builder: ModelBuilder, item: Item, spans: dict[str, Span]) -> set[date]:
    """The local dates an item could start on."""
    visit, axis = builder.visit, builder.axis
    zone = visit.item_zone(item)
    span = spans[item.id]
    found = set()
    for day in visit.days:
        lo, hi = axis.local_day(day, zone)
        if lo < span.hi and span.lo < hi:
            found.add(day)
    return found


def _may_share_day(builder: ModelBuilder, a: Item, b: Item, spans: dict[str, Span]) -> bool:
    return bool(_days(builder, a, spans) & _days(builder, b, spans))
