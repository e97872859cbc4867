"""A plan found without the solver: items placed one by one at their earliest possible start.

For a part of a visit whose CP-SAT model would be too large to build within the memory
and time a solve may take (hundreds of items for one person on the same days: the
per-person circuit grows with the square of their items), or that the solver could not
solve in its share of the time limit. Items are placed pinned ones first, then in order of
their earliest possible start (an item that must follow another comes after it); each goes
to the earliest start its time rules allow (the domains the model builder collected:
windows, days, pins, programme and opening hours, presence, hard times of day) where

- every attendee can get there from their previous item and on to their next one (travel
  and holding, as rule 1 of docs/scheduling-rules.md: only the neighbours in time count,
  and no road joins two cities),
- an exclusive venue is free, a shared venue with a capacity has room,
- ordering rules and hard conventions with items already placed hold.

An optional item that fits nowhere is left out; a required one ends the attempt (None).
The plan it gives is checked by the independent validator like any other, and is no
better than feasible: the soft goals are not looked at, but for one: an item written
'around' a time is put at that time where it fits there.
"""

from __future__ import annotations

import time
from bisect import bisect_left, insort
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

from planner.model.clock import tz
from planner.model.conventions import OrderConvention, Strength
from planner.model.items import Item
from planner.model.visit import Visit
from planner.schedule.axis import Axis
from planner.schedule.cpmodel import ModelBuilder, distinct_venues

Placement = tuple[int, str]  # start (units), venue


@dataclass(frozen=True)
class _Link:
    """``then`` starts at least ``min_gap`` (and at most ``max_gap``) units after
    ``first`` ends; ``same_day``: both start on the same local date."""

    first: str
    then: str
    min_gap: int
    max_gap: int | None = None
    same_day: bool = False


@dataclass(order=True)
class _Stay:
    start: int
    end: int
    into: str = field(compare=False)  # the venue it is held at
    out: str = field(compare=False)  # the venue it leaves people at (a flight: arrival)
    item: str = field(compare=False)


class _Placer:
    def __init__(
        self,
        visit: Visit,
        axis: Axis,
        builder: ModelBuilder,
        items: list[Item],
        optional: Callable[[Item], bool],
        deadline: float,
        prefer: dict[str, Placement] | None = None,
    ) -> None:
        self.visit, self.axis, self.builder = visit, axis, builder
        self.prefer = prefer or {}
        self.items = {i.id: i for i in items}
        self.optional = optional
        self.deadline = deadline
        self.people: dict[str, list[_Stay]] = {}
        self.venues: dict[str, list[_Stay]] = {}
        self.heads: dict[str, int] = {}  # item -> people counted at a shared venue
        self.placed: dict[str, Placement | None] = {}
        self.links = self._links()
        self.links_of: dict[str, list[_Link]] = {}
        for link in self.links:
            for end in (link.first, link.then):
                self.links_of.setdefault(end, []).append(link)
        self._travel: dict[tuple[str, str], int | None] = {}
        self.bounds = {i: self._bounds(i) for i in self.items}  # earliest, latest start

    # -- what ties items together ------------------------------------------------------

    def _links(self) -> list[_Link]:
        links: list[_Link] = []
        units = self.axis.units_up
        for item in self.items.values():
            for rule in item.order:
                if rule.other not in self.items:
                    continue
                first, then = (rule.other, item.id) if rule.after else (item.id, rule.other)
                links.append(
                    _Link(
                        first,
                        then,
                        units(rule.min_gap),
                        units(rule.max_gap) if rule.max_gap is not None else None,
                        rule.same_day,
                    )
                )
        for convention in self.visit.rules():
            if (
                not isinstance(convention, OrderConvention)
                or convention.strength is not Strength.HARD
            ):
                continue
            covered = [i for i in self.items.values() if self.visit.covers(convention, i)]
            firsts = [i for i in covered if i.kind in convention.first]
            thens = [i for i in covered if i.kind in convention.then]
            for a in firsts:
                for b in thens:
                    if a.id != b.id and set(a.attendees) & set(b.attendees):
                        # same_day_only conventions bind only items of one day: placing the
                        # later one after the first on every day is stricter, never wrong
                        links.append(_Link(a.id, b.id, 0))
        return links

    def order(self) -> list[Item]:
        """Pinned items first (in time), then the others, each after the items it must
        follow: required items before optional ones (which may be left out, and must not
        take the place of an item that may not), each by its latest possible start (the
        tightest first), then its earliest."""
        lb = {i: (self.optional(self.items[i]), b[1], b[0]) for i, b in self.bounds.items()}
        pinned = sorted((i for i in self.items.values() if i.is_pinned), key=lambda i: lb[i.id])
        rest = {i.id for i in self.items.values() if not i.is_pinned}
        before: dict[str, set[str]] = {i: set() for i in rest}
        for link in self.links:
            if link.then in rest and link.first in rest:
                before[link.then].add(link.first)
        result = list(pinned)
        done: set[str] = set()
        while rest:
            ready = [i for i in rest if not before[i] - done] or list(rest)  # a cycle: any
            chosen = min(ready, key=lambda i: (lb[i], i))
            result.append(self.items[chosen])
            done.add(chosen)
            rest.discard(chosen)
        return result

    def _bounds(self, item_id: str) -> tuple[int, int]:
        domain, _ = self.builder.static_domains(self.items[item_id])
        if domain.is_empty():
            return (self.axis.horizon, self.axis.horizon)
        return int(domain.min()), int(domain.max())

    # -- geometry --------------------------------------------------------------------------

    def _units(self, item: Item) -> int:
        return self.axis.units_up(item.duration)

    def gap(
        self, out: str, into: str, item: Item, pid: str | None = None, leave: int | None = None
    ) -> int | None:
        """Units from leaving ``out`` (at ``leave``, for its slower hours) to starting
        ``item`` at ``into`` (None: no road; for ``pid``, past one of their residences
        where no road joins the two)."""
        key = (out, into)
        if key not in self._travel:
            self._travel[key] = self.builder._travel(out, into)
        minutes = self._travel[key]
        if minutes is None:
            if pid is None:
                return None
            return self.builder._via_home(pid, out, item, into)
        if leave is not None:
            for hours, slower in self.builder._slow(out, into):
                if hours.contains(leave):
                    minutes = max(minutes, slower)
        if out != into:
            minutes += item.holding_minutes
        return self.axis.units_up(minutes)

    def domains(self, item: Item) -> dict[str, list[tuple[int, int]]]:
        """Per venue, the starts the item's time rules allow, as [lo, hi] intervals."""
        dur = self._units(item)
        full = cp_model.Domain(0, max(0, self.axis.horizon - dur))
        general = full
        per_venue = dict.fromkeys(distinct_venues(item), full)
        for rule in self.builder._domains.get(item.id, []):
            if rule.venue is None:
                general = general.intersection_with(rule.domain)
            elif rule.venue in per_venue:
                per_venue[rule.venue] = per_venue[rule.venue].intersection_with(rule.domain)
        result = {}
        for venue, dom in per_venue.items():
            flat = dom.intersection_with(general).flattened_intervals()
            result[venue] = [(flat[n], flat[n + 1]) for n in range(0, len(flat), 2)]
        return result

    # -- placing ---------------------------------------------------------------------------

    def run(self) -> dict[str, Placement | None] | None:
        order = self.order()
        rank = {item.id: n for n, item in enumerate(order)}
        for n, item in enumerate(order):
            if n % 64 == 0 and time.perf_counter() > self.deadline:
                return None
            found = self.place(item)
            if found is None and not self.repair(item, rank):
                if not self.optional(item):
                    return None
                self.placed[item.id] = None
            elif found is not None:
                self.placed[item.id] = found
                self.commit(item, *found)
        return self.placed

    def repair(self, item: Item, rank: dict[str, int]) -> bool:
        """Make room for ``item``: take out the unpinned items placed already that stand
        in its way (its attendees' items and its venue's within reach of its possible
        starts), place it, then put them back. Undone unless all of them find a place
        again (an optional one may be left out)."""
        spans = [s for spans in self.domains(item).values() for s in spans]
        if not spans:
            return False
        reach = self.axis.units_up(60) + self._units(item)
        lo, hi = min(s[0] for s in spans) - reach, max(s[1] for s in spans) + reach
        lines = [self.people.get(p, []) for p in item.attendees]
        lines += [self.venues.get(v, []) for v in item.venues]
        blockers = {
            stay.item
            for line in lines
            for stay in line
            if stay.start < hi and lo < stay.end and not self.items[stay.item].is_pinned
        }
        if not blockers:
            return False
        before = {b: self.placed[b] for b in blockers}
        for b in blockers:
            found = self.placed[b]
            if found is not None:
                self.uncommit(self.items[b], *found)
            del self.placed[b]
        done: list[str] = []
        found = self.place(item)
        ok = found is not None
        if found is not None:
            self.placed[item.id] = found
            self.commit(item, *found)
            done.append(item.id)
            for b in sorted(blockers, key=lambda b: rank[b]):
                again = self.place(self.items[b])
                if again is None and not self.optional(self.items[b]):
                    ok = False
                    break
                self.placed[b] = again
                done.append(b)
                if again is not None:
                    self.commit(self.items[b], *again)
        if ok:
            return True
        for undo in done:  # as it was
            placed = self.placed.pop(undo)
            if placed is not None:
                self.uncommit(self.items[undo], *placed)
        for b, placed in before.items():
            self.placed[b] = placed
            if placed is not None:
                self.commit(self.items[b], *placed)
        return False

    def _linked_limits(self, item: Item) -> tuple[int, int, list[tuple[int, int]]]:
        """Bounds on the start from ordering rules: with items placed already, and with
        required items still to place, as far as their own time rules allow (so that an
        item is not put where the one that must follow it within a gap cannot); and the
        local days (as unit intervals) it must share with items placed."""
        lo, hi = 0, self.axis.horizon
        days: list[tuple[int, int]] = []
        dur = self._units(item)
        for link in self.links_of.get(item.id, ()):
            if link.then == item.id and (other := self.placed.get(link.first)) is not None:
                end = other[0] + self._units(self.items[link.first])
                lo = max(lo, end + link.min_gap)
                if link.max_gap is not None:
                    hi = min(hi, end + link.max_gap)
            elif link.first == item.id and (other := self.placed.get(link.then)) is not None:
                hi = min(hi, other[0] - link.min_gap - dur)
                if link.max_gap is not None:
                    lo = max(lo, other[0] - link.max_gap - dur)
            else:
                partner = link.first if link.then == item.id else link.then
                if partner in self.placed or self.optional(self.items[partner]):
                    continue  # left out already, or it may be: the rule may not apply
                p_lo, p_hi = self.bounds[partner]
                if link.then == item.id:  # it follows the partner's earliest end
                    p_dur = self._units(self.items[partner])
                    lo = max(lo, p_lo + p_dur + link.min_gap)
                    if link.max_gap is not None:
                        hi = min(hi, p_hi + p_dur + link.max_gap)
                else:  # the partner must be able to follow it
                    hi = min(hi, p_hi - link.min_gap - dur)
                    if link.max_gap is not None:
                        lo = max(lo, p_lo - link.max_gap - dur)
                continue
            if link.same_day:
                partner = link.first if link.then == item.id else link.then
                days.append(self._same_day(item, partner))
        return lo, hi, days

    def _same_day(self, item: Item, partner: str) -> tuple[int, int]:
        placement = self.placed[partner]
        assert placement is not None
        other = self.items[partner]
        zone = self.visit.item_zone(other)
        local = self.axis.instant(placement[0]).astimezone(tz(zone))
        day: date = local.date()
        lo, hi = self.axis.local_day(day, self.visit.item_zone(item))
        return lo, hi - 1

    def place(self, item: Item) -> Placement | None:
        lo, hi, days = self._linked_limits(item)
        for day_lo, day_hi in days:
            lo, hi = max(lo, day_lo), min(hi, day_hi)
        domains = self.domains(item)
        wanted = self.prefer.get(item.id)
        if wanted is not None:  # where the previous plan had it, if it still fits
            start, venue = wanted
            spans = domains.get(venue, [])
            if (
                lo <= start <= hi
                and any(a <= start <= b for a, b in spans)
                and self._conflict(item, venue, start) is None
            ):
                return wanted
        aimed = self._around(item, domains, lo, hi)
        if aimed is not None:
            return aimed
        best: Placement | None = None
        for venue, spans in domains.items():
            for span_lo, span_hi in spans:
                found = self._earliest(item, venue, max(lo, span_lo), min(hi, span_hi))
                if found is not None:
                    if best is None or found < best[0]:
                        best = (found, venue)
                    break
        return best

    def _around(
        self, item: Item, domains: dict[str, list[tuple[int, int]]], lo: int, hi: int
    ) -> Placement | None:
        """An item written 'around' a time: at that time, where it fits there (else
        wherever it fits first, like any other)."""
        if item.around is None:
            return None
        for venue, spans in domains.items():
            zone = self.visit.venue_zone(venue)
            for target in self.builder.around_targets(item, zone):
                if (
                    lo <= target <= hi
                    and any(a <= target <= b for a, b in spans)
                    and self._conflict(item, venue, target) is None
                ):
                    return target, venue
        return None

    def _earliest(self, item: Item, venue: str, lo: int, hi: int) -> int | None:
        t = lo
        while t <= hi:
            later = self._conflict(item, venue, t)
            if later is None:
                return t
            t = max(t + 1, later)
        return None

    def _conflict(self, item: Item, venue: str, t: int) -> int | None:
        """None when ``item`` can start at ``t`` at ``venue``; else a later start worth
        trying (the first that could clear the conflict found)."""
        dur = self._units(item)
        moves = item.moves
        out = item.arrival_venue or venue
        horizon = self.axis.horizon + 1
        for pid in item.attendees:
            line = self.people.get(pid, [])
            k = bisect_left(line, _Stay(t, t, "", "", ""))
            if k > 0:
                prev = line[k - 1]
                gap = self.gap(prev.out, venue, item, pid, prev.end)
                if gap is None:  # no road from there: only after the next item (a movement)
                    return line[k].start + 1 if k < len(line) else horizon
                if prev.end + gap > t:
                    return prev.end + gap
            if k < len(line):
                succ = line[k]
                follow = self.gap(out, succ.into, self.items.get(succ.item) or item, pid, t + dur)
                if follow is None or t + dur + follow > succ.start:
                    back = self.gap(succ.out, venue, item, pid, succ.end)
                    return succ.end + (back if back is not None else 1)
        if moves:
            return None
        place = self.visit.venue[venue]
        here = self.venues.get(venue, [])
        under_way = [s for s in here if s.start < t + dur and t < s.end]
        if place.exclusive and under_way:
            return max(s.end for s in under_way)
        if not place.exclusive and place.capacity is not None and under_way:
            moments = [t, *(s.start for s in under_way if s.start > t)]
            need = item.headcount
            for moment in moments:
                crowd = sum(self.heads[s.item] for s in under_way if s.start <= moment < s.end)
                if crowd + need > place.capacity:
                    return min(s.end for s in under_way if s.start <= moment < s.end)
        return None

    def uncommit(self, item: Item, start: int, venue: str) -> None:
        for pid in item.attendees:
            line = self.people[pid]
            line.pop(next(n for n, s in enumerate(line) if s.item == item.id))
        if not item.moves:
            line = self.venues[venue]
            line.pop(next(n for n, s in enumerate(line) if s.item == item.id))

    def commit(self, item: Item, start: int, venue: str) -> None:
        dur = self._units(item)
        out = item.arrival_venue or venue
        stay = _Stay(start, start + dur, venue, out, item.id)
        for pid in item.attendees:
            insort(self.people.setdefault(pid, []), stay)
        if not item.moves:
            insort(self.venues.setdefault(venue, []), stay)
            self.heads[item.id] = item.headcount


def place(
    visit: Visit,
    axis: Axis,
    builder: ModelBuilder,
    group: frozenset[str],
    require: frozenset[str] = frozenset(),
    time_limit: float = 10.0,
    prefer: dict[str, Placement] | None = None,
) -> dict[str, Placement | None] | None:
    """Starts and venues for the items of ``group`` (None for an optional item left out),
    or None when a required item fits nowhere or the time is up. ``builder``: a plan-mode
    builder whose time rules are collected (``collect()``) for these items; ``prefer``:
    where items were (the previous plan), tried first, so that an edit changes little."""
    builder.collect()
    items = [i for i in builder.selected() if i.id in group]

    def optional(item: Item) -> bool:
        return item.optional and item.id not in require

    deadline = time.perf_counter() + time_limit
    return _Placer(visit, axis, builder, items, optional, deadline, prefer).run()
