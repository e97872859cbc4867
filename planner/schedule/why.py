"""The "Why" of an explanation, in numbers: what the facts of an irreducible core mean
together, with times in local clocks that carry their zone (the visit's city on that
zone), for a reader to check by hand.

The shapes, tried in this order:

- one item with no possible start: which ranges of starts its rules allow, and that they
  do not meet (or that the one range is shorter than the item);
- too many people at a venue: who is there at the same moment, and how many too many;
- items that follow one another (one person's items, an exclusive venue's, ordering
  rules and host conventions): in the order that comes closest to working, the chain of
  earliest ends, journeys, holding times and gaps up to the item that cannot start in
  time, and by how many minutes; a flight departs in its departure zone (with the UTC
  offset) and lands in its arrival zone. For two items, the other order too;
- otherwise, each item's possible starts.

Only the facts of the core count: an item's duration is its length only when its
duration fact is one of them, a journey takes time only when its travel fact is.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pendulum
from ortools.sat.python import cp_model

from planner.model.clock import city_of
from planner.model.items import Item
from planner.model.travel import journey
from planner.model.visit import Visit
from planner.schedule.cpmodel import ModelBuilder, TimeRule, distinct_venues


@dataclass
class _Item:
    item: Item
    zone: str  # where it starts
    end_zone: str  # where it ends (a flight: its arrival airport)
    dur: int  # units; 0 when its duration is not a fact of the core
    starts: cp_model.Domain  # the starts the core's time rules allow
    rules: list[TimeRule]  # the core's time rules of this item

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def moves(self) -> bool:
        return self.item.moves

    @property
    def words(self) -> tuple[str, str]:
        """How it leaves and gets there: ('departs', 'arrives'), ('takes off', 'lands')."""
        mode = self.item.mode
        return (mode.departs, mode.arrives) if mode else ("leaves", "ends")

    @property
    def venue(self) -> str:
        return distinct_venues(self.item)[0]

    @property
    def leaves(self) -> str:
        return self.item.arrival_venue or self.venue


@dataclass
class _Link:
    """x before y, y starts at least ``gap`` units after x ends: why, in words."""

    x: str
    y: str
    gap: int
    kind: str  # person, venue, order, convention
    who: str = ""  # person id, venue id, rule description
    journey: int = 0  # minutes
    mode: str = ""  # motorcade, walk, journey
    holding: int = 0  # minutes
    at_most: int | None = None  # order with max_gap: units


@dataclass
class _Chain:
    order: list[str]
    earliest: dict[str, int]
    by: dict[str, _Link]  # the link that set an item's earliest start
    fails: str | None = None  # the item that cannot start in time
    latest: int = 0  # its latest start
    short: int = 0  # units
    limit: _Link | None = None  # a max-gap link that failed (x must start later)


@dataclass
class _Why:
    builder: ModelBuilder
    keys: set[str]
    items: dict[str, _Item] = field(default_factory=dict)
    dated: bool = False

    @property
    def visit(self) -> Visit:
        return self.builder.visit

    @property
    def slow_named(self) -> bool:
        """Whether the facts name a way's slower hours."""
        return any(k.startswith("slow:") for k in self.keys)

    @property
    def unit(self) -> int:
        return self.builder.axis.unit

    # -- reading the core ----------------------------------------------------------------

    def read(self) -> None:
        b, v = self.builder, self.visit
        by_lit = {f.lit.Index(): f.key for f in b.facts.values() if f.lit is not None}
        named = {i for k in self.keys for i in b.facts[k].items if i in v.item}
        for item_id in sorted(named, key=lambda i: b.visit.index.get(("items", i), 0)):
            item = v.item[item_id]
            takes = f"duration:{item_id}" in self.keys
            dur = b.axis.units_up(item.duration) if takes else 0
            rules = [
                r
                for r in b._domains.get(item_id, [])
                if r.fact.key in self.keys
                and (r.also is None or by_lit.get(r.also.Index()) in self.keys)
            ]
            zone = v.item_zone(item)
            end_zone = v.venue_zone(item.arrival_venue) if item.arrival_venue else zone
            full = cp_model.Domain(0, max(0, b.axis.horizon - b.axis.units_up(item.duration)))
            starts = _starts(item, rules, full, takes)
            self.items[item_id] = _Item(item, zone, end_zone, dur, starts, rules)
        days = set()
        for it in self.items.values():
            if not it.starts.is_empty():
                days.add(self.local(it.starts.min(), it.zone).date())
        self.dated = len(days) > 1

    # -- words of times ------------------------------------------------------------------

    def local(self, units: int, zone: str) -> pendulum.DateTime:
        instant = self.builder.axis.instant(units)
        return pendulum.instance(instant).in_timezone(zone)

    def zone_name(self, zone: str) -> str:
        return next((c.name for c in self.visit.cities if c.timezone == zone), city_of(zone))

    def at(self, units: int, zone: str, *, offset: bool = False) -> str:
        """'10:00 Berlin' (the date too when the explanation spans days; the UTC offset
        where asked, or where that clock time occurs twice)."""
        local = self.local(units, zone)
        text = f"{local:%H:%M}"
        if self.dated:
            text = f"{local.day} {local:%B} {text}"
        twice = _ambiguous(local)
        name = self.zone_name(zone)
        if offset or twice:
            return f"{text} {name} ({_utc(local)})"
        return f"{text} {name}"

    def span(self, lo: int, hi: int, zone: str) -> str:
        """'10:00–11:00 Berlin': one zone name; the date on both ends across midnight, the
        UTC offset on an end whose clock time occurs twice."""
        a, b = self.local(lo, zone), self.local(hi, zone)

        def clock(t: pendulum.DateTime, day: bool) -> str:
            text = f"{t.day} {t:%B} {t:%H:%M}" if day else f"{t:%H:%M}"
            return f"{text} ({_utc(t)})" if _ambiguous(t) else text

        across = a.date() != b.date()
        first = clock(a, self.dated or across)
        second = clock(b, across)
        return f"{first}–{second} {self.zone_name(zone)}"

    def minutes(self, units: int) -> int:
        return units * self.unit

    # -- phrases of items ------------------------------------------------------------------

    def title(self, item_id: str) -> str:
        return f"'{self.items[item_id].item.title}'"

    def venue_name(self, venue_id: str) -> str:
        return self.visit.venue[venue_id].name

    def pinned(self, it: _Item) -> bool:
        return any(r.fact.key.startswith("pin:") for r in it.rules)

    def fixed(self, it: _Item) -> bool:
        return bool(it.starts.min() == it.starts.max())

    def before_phrase(self, it: _Item, earliest: int) -> str:
        """The earlier item of a step, as the later one must allow for its end."""
        if it.moves:
            leave, reach = it.words
            return (
                f"{self.title(it.id)} ({leave} {self.at(earliest, it.zone, offset=True)}, "
                f"{reach} {self.at(earliest + it.dur, it.end_zone)})"
            )
        where = self.venue_name(it.venue)
        if self.fixed(it) and earliest == it.starts.min():
            pin = "pinned " if self.pinned(it) else ""
            when = (
                self.span(earliest, earliest + it.dur, it.zone)
                if it.dur
                else self.at(earliest, it.zone)
            )
            return f"{self.title(it.id)} ({pin}{when} at {where})"
        return (
            f"{self.title(it.id)} (at {where}, ending {self.at(earliest + it.dur, it.end_zone)} "
            "at the earliest)"
        )

    def after_phrase(self, it: _Item, latest: int) -> str:
        """The later item of a step, as it bounds the time left."""
        if it.moves:
            return (
                f"{self.title(it.id)} ({it.words[0]} {self.at(latest, it.zone, offset=True)} "
                f"from {self.venue_name(it.venue)})"
            )
        where = self.venue_name(it.venue)
        if self.fixed(it):
            pin = "pinned " if self.pinned(it) else ""
            return f"{self.title(it.id)} ({pin}{self.at(latest, it.zone)} at {where})"
        why = self.bound_reason(it, latest)
        return (
            f"{self.title(it.id)} (at {where}, starting by {self.at(latest, it.zone)} at the "
            f"latest{': ' + why if why else ''})"
        )

    def bound_reason(self, it: _Item, latest: int) -> str:
        """Which of the item's rules keeps it from starting after ``latest``: the first
        without which it could start later."""
        axis = self.builder.axis
        full = cp_model.Domain(0, max(0, axis.horizon - axis.units_up(it.item.duration)))
        for rule in it.rules:
            others = [r for r in it.rules if r is not rule]
            rest = _starts(it.item, others, full, bool(it.dur))
            if not rest.intersection_with(cp_model.Domain(latest + 1, axis.horizon)).is_empty():
                return self.rule_label(rule)
        return ""

    def rule_label(self, rule: TimeRule) -> str:
        key = rule.fact.key
        kind = key.split(":", 1)[0]
        v = self.visit
        if kind == "opening":
            return f"the opening hours of {self.venue_name(key.split(':')[2])}"
        if kind == "presence":
            _, pid, _item, venue = key.split(":")
            city = v.city[v.venue[venue].city].name
            return f"the stay of {v.person[pid].name} in {city}"
        if kind == "tod":
            rule_id = key.split(":")[1]
            found = next((r for r in v.rules() if r.id == rule_id), None)
            return f"the convention '{found.description}'" if found else "a convention"
        if kind == "unavailable":
            entry = v.unavailable[int(key.split(":")[1])]
            return f"the unavailability of {v.unavailable_name(entry)} ({entry.reason})"
        if kind == "daypart":
            window = self.items[key.split(":")[1]].item.window
            return f"its day part ({window.day_part})" if window else "its day part"
        if kind == "around":
            item = self.items[key.split(":")[1]].item
            return f"its time 'around {item.around}' (± {item.around_tolerance} min)"
        return {
            "pin": "its pin",
            "window": "its window",
            "hours": "programme hours",
            "dates": "the dates of the visit",
            "days": "its days",
            "milestone": "its milestone",
        }.get(kind, kind)

    # -- one item with no start ------------------------------------------------------------

    def one_item(self, it: _Item) -> list[str]:
        # on a visit of several days, say which: once in front when all ranges shown are
        # on one date, else with each time
        prefix = ""
        if len(self.visit.days) > 1:
            window = self.display_window(it)
            dates = set()
            for rule in it.rules:
                for lo, hi in self.clipped(self.shown(it, rule), window)[:3]:
                    dates |= {self.local(lo, it.zone).date(), self.local(hi, it.zone).date()}
            if len(dates) == 1:
                day = dates.pop()
                prefix = f"on {day.day} {day:%B}, "
            else:
                self.dated = True
        return [prefix + line for line in self.no_start(it)]

    def shown(self, it: _Item, rule: TimeRule) -> cp_model.Domain:
        """The starts a rule allows, as the core reads it: for the item's length when its
        duration is a fact of the core; else as if it took no time. A rule that allows no
        start at all for the item's length shows the time it spans."""
        if rule.relaxed is None:
            return rule.domain
        if not it.dur or (rule.domain.is_empty() and len(it.rules) == 1):
            return rule.relaxed
        return rule.domain

    def no_start(self, it: _Item) -> list[str]:
        if len(it.rules) == 1:
            rule = it.rules[0]
            dom = self.shown(it, rule)
            longest = max((hi - lo for lo, hi in _ranges(dom)), default=0)
            if it.dur and longest < it.dur:
                return [
                    f"{self.title(it.id)} lasts {self.minutes(it.dur)} min, but "
                    f"{self.rule_label(rule)} allows only "
                    f"{self.ranges_text(dom, it.zone)}: {self.minutes(longest)} min, "
                    f"short by {self.minutes(it.dur - longest)} min"
                ]
        allowed = []
        window = self.display_window(it)
        for rule in it.rules:
            shown = self.ranges_text(self.shown(it, rule), it.zone, clip=window)
            allowed.append(f"{shown} by {self.rule_label(rule)}")
        head = f"{self.title(it.id)} ({self.minutes(it.dur)} min)" if it.dur else self.title(it.id)
        if len(allowed) == 1:
            return [f"{head} can start {allowed[0]}: no start is left"]
        listed = ", ".join(allowed[:-1]) + " and " + allowed[-1]
        text = f"{head} can start {listed}: no start meets them all"
        if len(it.rules) == 2:
            a, b = (self.shown(it, rule) for rule in it.rules)
            apart = _distance(a, b)
            if apart is not None:
                text = f"{head} can start {listed}: the nearest are {self.minutes(apart)} min apart"
        return [text]

    def display_window(self, it: _Item) -> tuple[int, int] | None:
        """The local days of the narrowest rule's starts: other rules are shown there."""
        best: tuple[int, int] | None = None
        for rule in it.rules:
            dom = self.shown(it, rule)
            if dom.is_empty():
                continue
            width = dom.max() - dom.min()
            if best is None or width < best[1] - best[0]:
                best = (dom.min(), dom.max())
        if best is None:
            return None
        zone = it.zone
        first, last = self.local(best[0], zone).date(), self.local(best[1], zone).date()
        axis = self.builder.axis
        return axis.local_day(first, zone)[0], axis.local_day(last, zone)[1] - 1

    def clipped(self, dom: cp_model.Domain, clip: tuple[int, int] | None) -> list[tuple[int, int]]:
        """The domain's ranges within ``clip`` (all of them when none is)."""
        ranges = _ranges(dom)
        if clip is not None:
            inside = [(max(lo, clip[0]), min(hi, clip[1])) for lo, hi in ranges]
            inside = [(lo, hi) for lo, hi in inside if lo <= hi]
            ranges = inside or ranges
        return ranges

    def ranges_text(
        self,
        dom: cp_model.Domain,
        zone: str,
        *,
        clip: tuple[int, int] | None = None,
    ) -> str:
        ranges = self.clipped(dom, clip)
        if not ranges:
            return "never"
        whole = _ranges(dom)
        shown = []
        for lo, hi in ranges[:3]:
            # a range that goes on beyond the days shown: 'from 11:50', 'until 11:30'
            before = clip is not None and lo == clip[0] and any(a < lo <= b for a, b in whole)
            after = clip is not None and hi == clip[1] and any(a <= hi < b for a, b in whole)
            if lo == hi:
                shown.append(f"at {self.at(lo, zone)}")
            elif before and after:
                shown.append("at any time that day")
            elif after:
                shown.append(f"from {self.at(lo, zone)}")
            elif before:
                shown.append(f"until {self.at(hi, zone)}")
            else:
                shown.append(self.span(lo, hi, zone))
        return ", ".join(shown) + (", …" if len(ranges) > 3 else "")

    # -- capacity ----------------------------------------------------------------------------

    def capacity(self, venue_id: str) -> list[str] | None:
        venue = self.visit.venue[venue_id]
        cap = venue.capacity or 0
        here = [
            it
            for it in self.items.values()
            if venue_id in distinct_venues(it.item) and not it.moves and not it.starts.is_empty()
        ]
        if not here:
            return None
        people = {it.id: it.item.headcount for it in here}  # with the groups ('guests')
        if len(here) == 1:
            it = here[0]
            groups = f" (with groups of {it.item.group_count})" if it.item.guests else ""
            return [
                f"{venue.name} holds at most {cap} people, but {self.title(it.id)} has "
                f"{people[it.id]} attendees{groups}: {people[it.id] - cap} too many"
            ]
        latest = max(it.starts.max() for it in here)
        ends = min(it.starts.min() + it.dur for it in here)
        if latest >= ends:
            return None
        total = sum(people.values())
        names = ", ".join(f"{self.title(it.id)} ({people[it.id]})" for it in here[:-1])
        names += f" and {self.title(here[-1].id)} ({people[here[-1].id]})"
        zone = here[0].zone
        together = "both" if len(here) == 2 else "all"
        return [
            f"{venue.name} holds at most {cap} people: {names} are {together} under way at "
            f"{self.at(latest, zone)}: {total} people, {total - cap} too many"
        ]

    # -- items that follow one another ----------------------------------------------------

    def relations(self) -> tuple[dict[str, list[str]], dict[str, tuple[str, str]], list[_Link]]:
        """The groups of items that follow one another (a person's, an exclusive venue's)
        with their kind and whose they are, and the fixed links (ordering rules, host
        conventions)."""
        v, b = self.visit, self.builder
        groups: dict[str, list[str]] = {}
        kinds: dict[str, tuple[str, str]] = {}
        fixed: list[_Link] = []
        for key in sorted(self.keys):
            kind, _, rest = key.partition(":")
            if kind == "attends":
                pid, item_id = rest.split(":", 1)
                if item_id in self.items:
                    groups.setdefault(f"person:{pid}", []).append(item_id)
                    kinds[f"person:{pid}"] = ("person", pid)
            elif kind == "exclusive":
                groups[f"venue:{rest}"] = [
                    i
                    for i, it in self.items.items()
                    if rest in distinct_venues(it.item) and not it.moves
                ]
                kinds[f"venue:{rest}"] = ("venue", rest)
            elif kind == "order":
                item_id, k = rest.rsplit(":", 1)
                rule = v.item[item_id].order[int(k)]
                first, then = (rule.other, item_id) if rule.after else (item_id, rule.other)
                if first in self.items and then in self.items:
                    most = None if rule.max_gap is None else b.axis.units_up(rule.max_gap)
                    gap = b.axis.units_up(rule.min_gap)
                    fixed.append(_Link(first, then, gap, "order", at_most=most))
            elif kind == "convention":
                rule_id, a, c = rest.split(":")
                if a in self.items and c in self.items:
                    found = next((r for r in v.rules() if r.id == rule_id), None)
                    words = found.description if found else rule_id
                    fixed.append(_Link(a, c, 0, "convention", who=words))
        # who is on a flight is not a fact (the visit's structure): a person's flights
        # among the items belong to their sequence
        for name, (kind, who) in kinds.items():
            if kind == "person":
                groups[name] += [
                    i
                    for i, it in self.items.items()
                    if it.moves and who in it.item.attendees and i not in groups[name]
                ]
        groups = {name: members for name, members in groups.items() if len(members) > 1}
        return groups, kinds, fixed

    def step_link(self, kind: str, who: str, x: str, y: str) -> _Link | None:
        """The link of x and then y, consecutive in a group (None: no road between)."""
        if kind == "venue":
            return _Link(x, y, 0, "venue", who=who)
        a, b = self.items[x], self.items[y]
        journey, mode = 0, ""
        fact = self.builder.travel_fact(a.leaves, b.venue)
        if fact is not None and fact.key in self.keys:
            if fact.key.startswith("noroad:"):
                return None
            journey = self.builder._travel(a.leaves, b.venue) or 0
            mode = _mode(self.visit, a.leaves, b.venue, fact.key)
        past = self.builder._way_past_home(who, a.leaves, b.item, b.venue)
        if past is not None and f"via:{who}:{a.leaves}:{b.venue}" in self.keys:
            # no road, but the way past their residence (its minutes hold the holding)
            home = self.visit.venue[past[1]].name
            return _Link(x, y, past[0], "person", who=who, journey=past[2], mode=f"way past {home}")
        # leaving in the way's slower hours (a fact of their own): their minutes, the
        # hours an explanation names being those the item before ends in
        slow = self.builder._slow_of(a.leaves, b.venue) if self.slow_named else ()
        for n, hours in enumerate(slow):
            if f"slow:{a.leaves}:{b.venue}:{n}" in self.keys and hours.minutes > journey:
                journey = hours.minutes
                way = self.builder.travel_fact(a.leaves, b.venue)
                verb = _mode(self.visit, a.leaves, b.venue, way.key if way else "")
                mode = f"{verb} (leaving in its slower hours)"
        holding = 0
        if a.leaves != b.venue and f"holding:{y}" in self.keys:
            holding = b.item.holding_minutes
        axis = self.builder.axis
        gap = axis.units_up(journey) + axis.units_up(holding)
        return _Link(x, y, gap, "person", who=who, journey=journey, mode=mode, holding=holding)

    def chain(
        self,
        order: Sequence[str],
        groups: dict[str, list[str]],
        kinds: dict[str, tuple[str, str]],
        fixed: list[_Link],
    ) -> _Chain | None:
        """The earliest starts of the items in ``order``, and the first item that cannot
        start in time (None: the rules forbid this order)."""
        place = {item_id: n for n, item_id in enumerate(order)}
        incoming: dict[str, list[_Link]] = {i: [] for i in order}
        limits: list[_Link] = []
        for name, members in groups.items():
            kind, who = kinds[name]
            ranked = sorted(members, key=lambda i: place[i])
            for a, b in itertools.pairwise(ranked):
                link = self.step_link(kind, who, a, b)
                if link is None:
                    return None
                incoming[b].append(link)
        for link in fixed:
            if place[link.x] > place[link.y]:
                return None
            incoming[link.y].append(link)
            if link.at_most is not None:
                limits.append(link)
        floor = {i: self.items[i].starts.min() for i in order}
        result = _Chain(list(order), {}, {})
        for _round in range(50):
            earliest: dict[str, int] = {}
            by: dict[str, _Link] = {}
            result = _Chain(list(order), earliest, by)
            for y in order:
                it = self.items[y]
                best, used = floor[y], None
                for link in incoming[y]:
                    candidate = earliest[link.x] + self.items[link.x].dur + link.gap
                    if candidate > best:
                        best, used = candidate, link
                if used is not None:
                    by[y] = used
                value = _next_value(it.starts, best)
                earliest[y] = best if value is None else value
                if value is None:
                    result.fails, result.latest = y, it.starts.max()
                    result.short = best - it.starts.max()
                    return result
                if value != best:
                    by.pop(y, None)  # its own rules move it later still
            raised = False
            for link in limits:
                assert link.at_most is not None
                before = self.items[link.x]
                # the whole duration: the rule binds the item's real end (cpmodel)
                whole = self.builder.axis.units_up(before.item.duration)
                need = earliest[link.y] - whole - link.at_most
                if need <= earliest[link.x]:
                    continue
                value = _next_value(before.starts, need)
                if value is None:
                    result.fails, result.latest = link.x, before.starts.max()
                    result.short = need - before.starts.max()
                    result.limit = link
                    return result
                floor[link.x] = max(floor[link.x], value)
                raised = True
            if not raised:
                return result
        return result

    def sequences(self) -> list[str] | None:
        groups, kinds, fixed = self.relations()
        members = {i for group in groups.values() for i in group}
        members |= {i for link in fixed for i in (link.x, link.y)}
        involved = sorted(
            members, key=lambda i: (self.items[i].starts.min(), self.items[i].starts.max(), i)
        )
        if len(involved) < 2 or any(self.items[i].starts.is_empty() for i in involved):
            return None
        if len(involved) <= 6:
            orders: list[Sequence[str]] = list(itertools.permutations(involved))
        else:
            orders = [involved]
        chains = [self.chain(order, groups, kinds, fixed) for order in orders]
        possible = [c for c in chains if c is not None]
        if not possible and fixed:
            return [self.cycle(fixed)]
        if not possible:
            return self.no_road(groups, kinds)
        failing = [c for c in possible if c.fails is not None]
        if not failing or len(failing) < len(possible):
            return None  # an order that works here: the reason is beyond these numbers
        natural = {i: n for n, i in enumerate(involved)}
        # the order that comes closest: not one where an item would have to start before
        # the one it follows can (that order is plainly out), then the smallest shortfall
        failing.sort(key=lambda c: (self.inverted(c), c.short, [natural[i] for i in c.order]))
        best = failing[0]
        # the dates only when the times shown are on more than one
        zones = {i: self.items[i].zone for i in best.order}
        self.dated = len({self.local(t, zones[i]).date() for i, t in best.earliest.items()}) > 1
        lines = [self.describe(best)]
        if len(involved) == 2 and len(failing) == 2:
            # the other order, unless both times are fixed (the reader sees them)
            other = failing[1]
            if not all(self.fixed(self.items[i]) for i in other.order):
                lines.append("nor the other way round: " + self.describe(other))
        return lines

    def inverted(self, chain: _Chain) -> bool:
        """Whether the item that cannot start in time must start before the item it
        follows can start at all."""
        link = chain.by.get(chain.fails or "")
        if link is None or chain.limit is not None:
            return False
        return bool(self.items[link.y].starts.max() < chain.earliest[link.x])

    def no_road(
        self, groups: dict[str, list[str]], kinds: dict[str, tuple[str, str]]
    ) -> list[str] | None:
        """A person's items in cities no road joins, and no flight between them."""
        for name, members in groups.items():
            kind, who = kinds[name]
            if kind != "person":
                continue
            for x, y in itertools.permutations(members, 2):
                if self.step_link(kind, who, x, y) is not None:
                    continue
                a, b = self.items[x], self.items[y]
                ca = self.visit.city[self.visit.venue[a.leaves].city].name
                cb = self.visit.city[self.visit.venue[b.venue].city].name
                said = (
                    f"{self.visit.person[who].name} must attend {self.title(x)} at "
                    f"{self.venue_name(a.leaves)} ({ca}) and {self.title(y)} at "
                    f"{self.venue_name(b.venue)} ({cb}), and no road joins the two cities"
                )
                through = self.bridge(who, x, y, members)
                if through is not None:
                    return [f"{said}; {through}"]
                return [f"{said}: only a flight between the two items would take them there"]
        return None

    def bridge(self, who: str, x: str, y: str, members: list[str]) -> str | None:
        """'the way through 'Mid' at C1 (Caputh) needs 90 min, 60 min are left: short by
        30 min': an item of the person's, between two that no road joins, that a way
        from one to the other may pass, and why it takes too long."""
        a, b = self.items[x], self.items[y]
        left = b.starts.max() - (a.starts.min() + a.dur)
        for m_id, it in self.items.items():
            if m_id in members or it.item.moves or who not in it.item.attendees:
                continue
            there = self.step_link("person", who, x, m_id)
            on = self.step_link("person", who, m_id, y)
            if there is None or on is None:
                continue
            need = there.gap + it.dur + on.gap
            if need <= left:
                continue
            city = self.visit.city[self.visit.venue[it.venue].city].name
            return (
                f"the way through {self.title(m_id)} at {self.venue_name(it.venue)} ({city}) "
                f"needs {self.minutes(need)} min, {self.minutes(max(0, left))} min are left: "
                f"short by {self.minutes(need - max(0, left))} min"
            )
        return None

    def cycle(self, fixed: list[_Link]) -> str:
        steps = []
        for link in fixed:
            gap = f" at least {self.minutes(link.gap)} min" if link.gap else ""
            steps.append(f"{self.title(link.y)} comes{gap} after {self.title(link.x)}")
        lasting = [
            f"{self.title(i)} lasts {self.minutes(it.dur)} min"
            for i, it in self.items.items()
            if it.dur
        ]
        text = " and ".join(steps) + ": a cycle, no order of the items exists"
        if lasting:
            text += " (" + ", ".join(lasting) + ", so they cannot start together either)"
        return text

    def describe(self, chain: _Chain) -> str:
        y = chain.fails
        assert y is not None
        if chain.limit is not None:
            return self.describe_limit(chain)
        link = chain.by.get(y)
        it = self.items[y]
        if link is None:  # its own rules leave no start at or after the earliest
            return (
                f"{self.title(y)} could start {self.at(chain.earliest[y], it.zone)} at the "
                f"earliest, but no later start is allowed than {self.at(it.starts.max(), it.zone)}"
                f": short by {self.minutes(chain.short)} min"
            )
        steps = [link]
        while steps[0].x in chain.by and len(steps) < len(chain.order):
            steps.insert(0, chain.by[steps[0].x])
        if len(steps) == 1:
            return self.describe_step(chain, link)
        return self.describe_steps(chain, steps)

    def need_words(self, link: _Link, *, to: bool = False) -> tuple[str, int]:
        """'the motorcade needs 30 min and the holding 10 min (40 min)' ('the motorcade to
        V2 needs…' with ``to``), and the minutes."""
        need = self.minutes(link.gap)
        if link.kind == "person":
            parts = []
            where = f" to {self.venue_name(self.items[link.y].venue)}" if to else ""
            if link.journey:
                parts.append(f"the {link.mode}{where} needs {link.journey} min")
            if link.holding:
                parts.append(
                    f"the holding {link.holding} min"
                    if parts
                    else f"the holding needs {link.holding} min"
                )
            text = " and ".join(parts)
            if len(parts) == 2:
                text += f" ({need} min)"
            return text, need
        if link.kind == "order" and link.gap:
            return f"the rule asks for {need} min", need
        return "", need

    def describe_step(self, chain: _Chain, link: _Link) -> str:
        x, y = self.items[link.x], self.items[link.y]
        x_start = chain.earliest[link.x]
        latest = y.starts.max()
        end_x = x_start + x.dur
        left = self.minutes(latest - end_x)
        need_text, need = self.need_words(link)
        short = need - left
        if x.moves and link.kind == "person":
            person = self.visit.person[link.who].name
            land = self.at(end_x, x.end_zone)
            bound = "is pinned at" if self.pinned(y) and self.fixed(y) else "must start by"
            head = (
                f"{person} flies on {self.title(x.id)}: departs "
                f"{self.at(x_start, x.zone, offset=True)}, lands {land}"
            )
            if need:
                return (
                    f"{head}, +{need} min on the ground ({need_text}): earliest "
                    f"{self.at(end_x + link.gap, y.zone)}, but {self.title(y.id)} {bound} "
                    f"{self.at(latest, y.zone)}: short by {short} min"
                )
            return (
                f"{head}, but {self.title(y.id)} {bound} {self.at(latest, y.zone)}: "
                f"short by {short} min"
            )
        if latest < x_start:  # y would have to start before x does
            return (
                f"{self.title(y.id)} must start by {self.at(latest, y.zone)}, before "
                f"{self.title(x.id)} can start ({self.at(x_start, x.zone)})"
            )
        pair = f"{self.before_phrase(x, x_start)} and then {self.after_phrase(y, latest)}"
        if link.kind == "person":
            head = f"{self.visit.person[link.who].name} must attend {pair}"
        elif link.kind == "venue":
            head = f"{self.venue_name(link.who)} hosts one item at a time: {pair}"
        elif link.kind == "order":
            gap = f", at least {need} min later" if need else ""
            head = f"{self.title(y.id)} comes after {self.title(x.id)}{gap}: {pair}"
        else:
            head = f"host convention ({link.who}): {pair}"
        if left < 0:
            text = f"{head}: they overlap by {-left} min"
            if need:
                more = need_text if link.kind == "person" else f"{need} min must pass"
                text += f", and {more} more: short by {short} min"
            return text
        return f"{head}: {need_text}, {left} min are left: short by {short} min"

    def describe_steps(self, chain: _Chain, steps: list[_Link]) -> str:
        """A chain of three items or more, up to the one that cannot start in time."""
        first = self.items[steps[0].x]
        titles = [self.title(first.id), *(self.title(link.y) for link in steps)]
        people = {link.who for link in steps if link.kind == "person"}
        one_person = len(people) == 1 and all(link.kind == "person" for link in steps)
        if one_person:
            head = f"{self.visit.person[next(iter(people))].name} must attend " + ", then ".join(
                titles
            )
        else:
            head = "In turn, " + ", then ".join(titles)
        start = chain.earliest[first.id]
        end = self.at(start + first.dur, first.end_zone)
        fixed = self.pinned(first) and self.fixed(first)
        parts = [
            f"{self.title(first.id)} ends {end}" + (" (pinned)" if fixed else " at the earliest")
        ]
        for link in steps:
            y = self.items[link.y]
            words, need = self.need_words(link, to=True)
            if link.kind == "venue":
                words = f"{self.venue_name(link.who)} hosts one item at a time"
            elif link.kind == "convention":
                words = f"by the host convention ({link.who})"
            elif link.kind == "order":
                words = "by its ordering rule" + (f", {need} min later" if need else "")
            elif not words:
                words = f"then, for {self.visit.person[link.who].name}"
            elif not one_person:
                words = f"for {self.visit.person[link.who].name}, {words}"
            begin = chain.earliest[y.id]
            if link.y != chain.fails:
                when = self.span(begin, begin + y.dur, y.zone) if y.dur else self.at(begin, y.zone)
                parts.append(f"{words}: {self.title(y.id)} {when} at the earliest")
                continue
            latest = y.starts.max()
            if self.pinned(y) and self.fixed(y):
                bound = f"it is pinned at {self.at(latest, y.zone)}"
            else:
                reason = self.bound_reason(y, latest)
                bound = f"it must start by {self.at(latest, y.zone)}"
                bound += f" ({reason})" if reason else ""
            parts.append(
                f"{words}: {self.title(y.id)} could start {self.at(begin, y.zone)} at the "
                f"earliest, but {bound}: short by {self.minutes(chain.short)} min"
            )
        return f"{head}: " + "; ".join(parts)

    def describe_limit(self, chain: _Chain) -> str:
        link = chain.limit
        assert link is not None and link.at_most is not None
        x, y = self.items[link.x], self.items[link.y]
        latest_end = x.starts.max() + self.builder.axis.units_up(x.item.duration)
        start_y = chain.earliest[y.id]
        gap = self.minutes(start_y - latest_end)
        most = self.minutes(link.at_most)
        return (
            f"{self.title(y.id)} comes at most {most} min after {self.title(x.id)}: "
            f"{self.title(x.id)} ends {self.at(latest_end, x.end_zone)} at the latest and "
            f"{self.title(y.id)} starts {self.at(start_y, y.zone)} at the earliest: "
            f"{gap} min apart, {gap - most} min too many"
        )

    # -- anything else -----------------------------------------------------------------------

    def bounds(self) -> list[str]:
        parts = []
        for it in self.items.values():
            head = (
                f"{self.title(it.id)} ({self.minutes(it.dur)} min)" if it.dur else self.title(it.id)
            )
            if it.starts.is_empty():
                parts.append(f"{head} cannot start at all")
            elif self.fixed(it):
                pin = "is pinned at" if self.pinned(it) else "can start only at"
                parts.append(f"{head} {pin} {self.at(it.starts.min(), it.zone)}")
            else:
                parts.append(f"{head} can start {self.ranges_text(it.starts, it.zone)}")
        return ["; ".join(parts)] if parts else []


def why(builder: ModelBuilder, keys: Sequence[str]) -> list[str]:
    """Sentences that say why these facts (of ``builder``'s explain-mode model) cannot
    all hold, in numbers."""
    found = _Why(builder, set(keys))
    found.read()
    for it in found.items.values():
        if it.starts.is_empty():
            return found.one_item(it)
    for key in sorted(found.keys):
        if key.startswith("capacity:"):
            lines = found.capacity(key.split(":", 1)[1])
            if lines:
                return lines
    lines = found.sequences()
    if lines:
        return lines
    return found.bounds()


# -- helpers -------------------------------------------------------------------------------


def _starts(
    item: Item, rules: list[TimeRule], full: cp_model.Domain, takes: bool
) -> cp_model.Domain:
    venues = distinct_venues(item)
    common = full
    per_venue = dict.fromkeys(venues, full)
    for rule in rules:
        dom = rule.domain if takes or rule.relaxed is None else rule.relaxed
        if rule.venue is None:
            common = common.intersection_with(dom)
        else:
            per_venue[rule.venue] = per_venue[rule.venue].intersection_with(dom)
    result = cp_model.Domain.from_values([])
    for dom in per_venue.values():
        result = result.union_with(dom.intersection_with(common))
    return result


def _ranges(dom: cp_model.Domain) -> list[tuple[int, int]]:
    flat = dom.flattened_intervals()
    return [(flat[n], flat[n + 1]) for n in range(0, len(flat), 2)]


def _next_value(dom: cp_model.Domain, value: int) -> int | None:
    for lo, hi in _ranges(dom):
        if hi >= value:
            return max(lo, value)
    return None


def _distance(a: cp_model.Domain, b: cp_model.Domain) -> int | None:
    """The least distance between a value of ``a`` and one of ``b`` (they do not meet)."""
    best = None
    for lo1, hi1 in _ranges(a):
        for lo2, hi2 in _ranges(b):
            gap = max(lo2 - hi1, lo1 - hi2)
            if best is None or gap < best:
                best = gap
    return best


def _ambiguous(local: datetime) -> bool:
    naive = local.replace(tzinfo=None)
    zone = local.tzinfo
    return (
        zone is not None
        and naive.replace(tzinfo=zone, fold=0).utcoffset()
        != naive.replace(tzinfo=zone, fold=1).utcoffset()
    )


def _utc(local: datetime) -> str:
    """'UTC+1', 'UTC-3:30', 'UTC'."""
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    if not minutes:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _mode(visit: Visit, a: str, b: str, key: str) -> str:
    """How a journey is made, in a word: motorcade, walk (as every output names it)."""
    if key.startswith("leg:"):
        leg = visit.travel.legs[int(key.split(":")[1])]
        return ", then ".join(p.mode.verb for p in leg.parts) if leg.parts else leg.mode.verb
    way = journey(visit.travel, visit.venue[a], visit.venue[b])
    return way.verb if way is not None else "motorcade"
