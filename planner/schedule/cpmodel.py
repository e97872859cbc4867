"""The CP-SAT model of a visit.

One start variable per item on the time axis (``axis.py``); optional items get a presence
literal; items with candidate venues a choice literal per venue. Every hard rule of
docs/scheduling-rules.md becomes constraints:

- time rules (windows, day parts, times written 'around', days, pins, programme hours,
  opening hours, presence, unavailability, hard times of day) shrink each start's domain;
- each person's items form a circuit through a depot: an arc k → l means l is the next
  item of that person after k, and forces l to start after k's end plus the travel time
  between their venues (and l's holding time); arcs between cities without a road do not
  exist, so only a movement (a flight, a train) moves a person between cities. A redundant
  no-overlap per person helps propagation;
- exclusive venues: no-overlap; capacities: cumulative;
- ordering rules and hard conventions: linear precedences, per-day where asked.

In *explain* mode every fact of the visit that a constraint comes from (a pin, a window, a
person's attendance, a duration, a journey, a holding time, a venue's hours…) is guarded
by its own literal, the objective is left out, and optional items are left out (they
could be dropped, so they never cause infeasibility): the solver's unsat core over these
literals names the facts. Who is on a movement is not a fact but the visit's structure: a
movement is what moves its people between cities, so leaving one out would only ever make
a plan harder, never explain why there is none.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ortools.sat.python import cp_model

from planner import stop
from planner.model.clock import ClockTime, TimeProblem, WallTime, city_of
from planner.model.consistency import Path_
from planner.model.conventions import OrderConvention, Strength, TimeOfDayConvention
from planner.model.dayparts import DayPart
from planner.model.items import Item, ItemKind
from planner.model.lodging import day_ends
from planner.model.movements import SCHEDULED, Mode
from planner.model.people import ProgrammeHours, Role
from planner.model.travel import (
    Slow,
    basis,
    drive,
    leg_minutes,
    measured_leg,
    slow_hours,
    travel_minutes,
)
from planner.model.unavailability import Unavailability
from planner.model.venues import Venue
from planner.model.visit import Visit
from planner.plan import Plan, Status
from planner.schedule import daygoals, goals
from planner.schedule.axis import Axis

Lit = Any  # a CP-SAT literal (BoolVar or its negation)


# journeys between items (circuit arcs) a model may hold: about 2 KB each while it is
# built and solved, so that a solve stays well within 1 GB (bench/bounds.py)
ARC_BUDGET = 150_000


class TooLarge(Exception):
    """A model that would be too large to build and solve within the time and memory a
    solve may take (a person with hundreds of items on the same days)."""

    def __init__(self, items: int, arcs: int) -> None:
        super().__init__(
            f"{items:,} items that one person or another attends on the same days "
            f"({arcs:,} possible journeys between them; the solver takes {ARC_BUDGET:,})"
        )
        self.items, self.arcs = items, arcs


@dataclass
class Fact:
    """A statement of the visit file that constraints come from."""

    key: str
    text: str
    paths: tuple[Path_, ...]
    items: tuple[str, ...] = ()
    lit: Lit = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class TimeRule:
    """One time rule of an item: the starts it allows (in units), the fact it comes from,
    the venue it applies at (None: any), the attendance it binds (explaining: presence
    binds only while the person must attend) and, explaining, the starts it allows when
    the item takes no time (None: the rule does not bound the item's end)."""

    domain: cp_model.Domain
    fact: Fact
    venue: str | None = None
    also: Lit | None = None
    relaxed: cp_model.Domain | None = None


@dataclass
class ItemVars:
    item: Item
    index: int
    zone: str
    dur: int  # units
    start: Any
    present: Lit | None  # None: always present
    choice: dict[str, Lit | None]  # venue -> literal (None: the only venue)
    interval: Any
    days: dict[date, Lit | None] = field(default_factory=dict)
    lb: int = 0
    ub: int = 0
    # explain mode: the item's duration is a fact; when it is dropped the item takes no
    # time (size 0). ``takes`` is the fact's literal, ``end_var`` the end as a variable
    takes: Lit | None = None
    end_var: Any = None

    @property
    def size(self) -> Any:
        """The item's length in units: a constant, or (explaining) dur × its duration
        literal."""
        return self.dur if self.takes is None else self.dur * self.takes

    @property
    def end(self) -> Any:
        return self.start + self.size

    def in_venues(self) -> list[str]:
        return list(self.choice)

    def out_venues(self, visit: Visit) -> list[str]:
        if self.item.arrival_venue:
            return [self.item.arrival_venue]
        return list(self.choice)

    def out_choice(self, venue: str) -> Lit | None:
        if self.item.moves:
            return None
        return self.choice[venue]


@dataclass
class Term:
    goal: str
    coef: int
    expr: Any  # linear expression or literal
    measure_per_unit: int = 1  # measure = value * measure_per_unit (for score lines)


def distinct_venues(item: Item) -> tuple[str, ...]:
    """The venues an item may take place at, each once: a candidate list is never trusted
    to be distinct (the file checker refuses duplicates, but a visit built in code may
    have them, and one choice literal per listed entry would leave a venue unguarded)."""
    venues = item.venues
    return venues if len(venues) < 2 else tuple(dict.fromkeys(venues))


def _conj(*lits: Lit | None) -> list[Lit]:
    return [lit for lit in lits if lit is not None]


def _intervals_domain(intervals: Iterable[tuple[int, int]]) -> cp_model.Domain:
    clean = [[lo, hi] for lo, hi in intervals if lo <= hi]
    if not clean:
        return cp_model.Domain.from_values([])
    return cp_model.Domain.from_intervals(clean)


class ModelBuilder:
    def __init__(
        self,
        visit: Visit,
        *,
        explain: bool = False,
        previous: Plan | None = None,
        axis: Axis | None = None,
        only: frozenset[str] | None = None,
        require: frozenset[str] = frozenset(),
        collected: ModelBuilder | None = None,
        assumable: bool = False,
    ) -> None:
        self.visit = visit
        self.only = only
        self.require = require  # optional items that must be kept (the user just placed them)
        # every item gets a presence literal, the required ones listed in ``keep``: a
        # solve that assumes them all has a core of items (explain.py narrows to it)
        self.assumable = assumable and not explain
        self.keep: dict[str, Lit] = {}
        self.explain = explain
        self.previous = previous
        self.axis = axis or Axis.for_visit(visit)
        self.model = cp_model.CpModel()
        self.facts: dict[str, Fact] = {}
        self.vars: dict[str, ItemVars] = {}
        self.terms: list[Term] = []
        self.moved: dict[str, Lit] = {}
        self.lost: dict[str, Lit] = {}
        self.shift: dict[str, Any] = {}
        self.importance: dict[str, int] = {}
        self.infeasible_static = False
        self._stay_cache: dict[str, list[Any]] = {}
        self._paths: dict[tuple[str, str], tuple[int, list[Fact]]] = {}
        self._travel_cache: dict[tuple[str, str], int | None] = {}
        self._slow_cache: dict[tuple[str, str], list[tuple[cp_model.Domain, int]]] = {}
        self._slow_hours: dict[tuple[str, str], tuple[Slow, ...]] = {}
        self._leaving: dict[tuple[str, str, int], Lit] = {}
        self._domains: dict[str, list[TimeRule]] = {}
        self._collected = False
        self.day_state = daygoals.DayState()
        self.order: list[Lit] = []  # the circuits' arcs: who goes from which item to which
        if collected is not None and not explain and not collected.explain:
            # reuse the time rules gathered for the whole visit (see decompose.parts)
            self._domains = collected._domains
            self.facts = collected.facts
            self._stay_cache = collected._stay_cache
            self._travel_cache = collected._travel_cache
            self._collected = True

    # -- facts ------------------------------------------------------------------------

    def fact(
        self,
        key: str,
        text: str | Callable[[], str],
        paths: Sequence[Path_],
        items: Sequence[str] = (),
    ) -> Fact:
        """The fact under ``key`` (made once). Its words are only composed when explaining;
        pass a callable for words that are costly to compose."""
        found = self.facts.get(key)
        if found is None:
            words = "" if not self.explain else text() if callable(text) else text
            found = Fact(key, words, tuple(paths), tuple(items))
            if self.explain:
                found.lit = self.model.new_bool_var(key)
            self.facts[key] = found
        return found

    # -- building ---------------------------------------------------------------------

    def selected(self) -> list[Item]:
        """The items this model places: not cancelled, in ``only`` if given, and (when
        explaining) not optional."""
        if self.only is None:
            chosen = list(self.visit.items)
        else:  # in the file's order, without a look at every item of a large visit
            where = self.visit.index
            chosen = [
                self.visit.item[i] for i in sorted(self.only, key=lambda i: where[("items", i)])
            ]
        return [
            item
            for item in chosen
            if not item.cancelled and not (self.explain and self._optional(item))
        ]

    def _optional(self, item: Item) -> bool:
        return item.optional and item.id not in self.require

    def collect(self) -> ModelBuilder:
        """Gather the time rules of every selected item (the first step of build)."""
        if self._collected:
            return self
        self._collected = True
        for item in self.selected():
            self._collect_domains(item)
        return self

    def build(self) -> ModelBuilder:
        """The model. Raises TooLarge (before the per-person circuits are built) when it
        would hold more than ARC_BUDGET journeys between items; planner.stop's
        ``Stopped``/``OutOfTime`` when the solve is stopped or out of time meanwhile."""
        self.collect()
        for n, item in enumerate(self.selected()):
            if n % 256 == 0:
                stop.check()
            self._make_vars(item)
        for iv in self.vars.values():
            self._day_literals(iv)
        arcs = self.arcs()
        if arcs > ARC_BUDGET:
            raise TooLarge(len(self.vars), arcs)
        self._people()
        self._venues()
        self._orders()
        self._conventions()
        if not self.explain:
            self._soft_goals()
            self._around_goals()
            if self.previous is not None:
                self._stability()
        return self

    # time domains ------------------------------------------------------------------

    def _clock(self, day: date, clock: ClockTime, zone: str) -> int:
        return self.axis.local_clock(day, clock.minutes, zone)

    def _add_domain(
        self,
        item: Item,
        domain: Callable[[int], cp_model.Domain] | cp_model.Domain,
        fact: Fact,
        venue: str | None = None,
        also: Lit | None = None,
    ) -> None:
        """A time rule of ``item``: its possible starts. A rule that bounds the item's end
        is given as a function of the item's length in units: explaining, its starts are
        also kept for the item taking no time (when its duration fact is dropped)."""
        if callable(domain):
            dur = self.axis.units_up(item.duration)
            full = domain(dur)
            # taking no time must only ever allow more (a flight that takes no time lands
            # when it leaves: its arrival rule alone would allow other starts, not more)
            relaxed = domain(0).union_with(full) if self.explain and dur else None
            domain = full
        else:
            relaxed = None
        self._domains.setdefault(item.id, []).append(TimeRule(domain, fact, venue, also, relaxed))

    def _collect_domains(self, item: Item) -> None:
        v, ax = self.visit, self.axis
        n = self.visit.index[("items", item.id)]
        zone = v.item_zone(item)
        base: Path_ = ("items", n)
        self._domains.setdefault(item.id, [])
        moves = item.moves  # ends elsewhere: a movement, a cruise
        # programme hours (pinned items are exempt)
        if not item.is_pinned:
            hours, narrowed = v.hours_for(item)
            ends = v.end_zone(item)  # the close on the clock where it ends (a flight's landing)
            bounds = [
                (self._clock(d, hours.start, zone), self._clock(d, hours.end, ends)) for d in v.days
            ]
            fact = self.fact(
                f"hours:{item.id}",
                functools.partial(_hours_words, v, item, hours, narrowed),
                [
                    ("programme_hours",),
                    base,
                    *(("people", self._person_index(p), "programme_hours") for p in narrowed),
                ],
                items=[item.id],
            )
            self._add_domain(
                item,
                lambda dur: _intervals_domain((lo, hi - dur) for lo, hi in bounds),
                fact,
            )
        else:
            day_spans = [ax.local_day(d, zone) for d in v.days]
            self._add_domain(
                item,
                _intervals_domain((lo, hi - 1) for lo, hi in day_spans),
                self.fact(
                    f"dates:{item.id}",
                    f"'{item.title}' takes place during the visit",
                    [("start",), base],
                    items=[item.id],
                ),
            )
        if item.days:
            spans = [ax.local_day(d, zone) for d in item.days]
            fact = self.fact(
                f"days:{item.id}",
                functools.partial(_days_words, item),
                [(*base, "days")],
                items=[item.id],
            )
            self._add_domain(item, _intervals_domain((lo, hi - 1) for lo, hi in spans), fact)
        if item.window and (item.window.earliest_start or item.window.latest_end):
            window = item.window
            lo = ax.units(window.earliest_start.resolve(zone)) if window.earliest_start else 0
            fact = self.fact(
                f"window:{item.id}",
                functools.partial(_window_words, item),
                [(*base, "window")],
                items=[item.id],
            )
            if window.latest_end:  # on the clock where it ends
                latest = ax.units(window.latest_end.resolve(v.end_zone(item)))
                self._add_domain(
                    item,
                    lambda dur: _intervals_domain([(lo, latest - dur)]),
                    fact,
                )
            else:
                self._add_domain(item, _intervals_domain([(lo, ax.horizon)]), fact)
        pin = v.start_pin(item)
        if pin is not None:
            at = ax.units(pin.resolve(zone))
            fact = self.fact(
                f"pin:{item.id}",
                functools.partial(_pin_words, v, item),
                [(*base, key) for key in ("pinned", "arrives") if getattr(item, key)],
                items=[item.id],
            )
            self._add_domain(item, cp_model.Domain(at, at), fact)
        if not item.is_pinned and v.lodging:
            self._lodging_domains(item, zone, base)
        # venue opening hours
        venues = distinct_venues(item)
        for venue_id in venues:
            venue = v.venue[venue_id]
            if not venue.opening:
                continue
            vzone = v.venue_zone(venue_id)
            hours_open = []
            for d in v.days:
                for opening in venue.opening:
                    if opening.dates and d not in opening.dates:
                        continue
                    hours_open.append(
                        (self._clock(d, opening.open, vzone), self._clock(d, opening.close, vzone))
                    )
            open_hours = ", ".join(f"{r.open}–{r.close}" for r in venue.opening)
            fact = self.fact(
                f"opening:{item.id}:{venue_id}",
                f"{venue.name} is open {open_hours}"
                + (" on set dates" if any(r.dates for r in venue.opening) else ""),
                [("venues", self._venue_index(venue_id), "opening")],
                items=[item.id],
            )
            if moves:  # checked at the departure instant only
                self._add_domain(item, _intervals_domain(hours_open), fact, venue_id)
            else:
                self._add_domain(
                    item,
                    lambda dur: _intervals_domain((lo, hi - dur) for lo, hi in hours_open),  # noqa: B023
                    fact,
                    venue_id,
                )
        # presence of attendees
        for pid in item.attendees:
            person = v.person[pid]
            if not person.presence:
                continue

            pn = self._person_index(pid)
            windows = self._stays(pid)
            for venue_id in venues:
                city = v.venue[venue_id].city
                stays = [(ax.units(s), ax.units(e)) for c, s, e in windows if v.same_place(c, city)]
                domain: Callable[[int], cp_model.Domain]
                if moves and item.arrival_venue:
                    dest = v.venue[item.arrival_venue].city
                    there = [
                        (ax.units(s), ax.units(e)) for c, s, e in windows if v.same_place(c, dest)
                    ]
                    domain = functools.partial(_flight_starts, stays, there)
                else:
                    domain = functools.partial(_stay_starts, stays)
                fact = self.fact(
                    f"presence:{pid}:{item.id}:{venue_id}",
                    functools.partial(_presence_words, v, person.name, city, windows),
                    [("people", pn, "presence")],
                    items=[item.id],
                )
                self._add_domain(
                    item,
                    domain,
                    fact,
                    venue_id if len(venues) > 1 else None,
                    also=self._attendance(pid, item).lit if self.explain and not moves else None,
                )
        # hard times of day
        for rule in self.visit.rules():
            if (
                isinstance(rule, TimeOfDayConvention)
                and rule.strength is Strength.HARD
                and item.kind in rule.kinds
                and v.covers(rule, item)
            ):
                spans = [
                    (self._clock(d, rule.start_from, zone), self._clock(d, rule.start_until, zone))
                    for d in v.days
                ]
                fact = self.fact(
                    f"tod:{rule.id}:{item.id}",
                    f"{rule.description} ({rule.start_from}–{rule.start_until})",
                    [("conventions",), base],
                    items=[item.id],
                )
                self._add_domain(item, _intervals_domain(spans), fact)
        self._written_times(item, zone, base)
        self._milestone_domains(item, zone, base)

    # the times an office writes: bounds on the start and the end, day parts, 'around',
    # unavailability -------------------------------------------------------------------

    def _written_times(self, item: Item, zone: str, base: Path_) -> None:
        """The time rules of ``latest_start``, ``earliest_end``, a day part, an 'around'
        time and the unavailabilities that concern the item (docs/scheduling-rules.md,
        rules 2 and 11)."""
        window = item.window
        if window and (window.latest_start or window.earliest_end):
            self._start_bounds(item, zone, base)
        if window and window.day_part:
            self._day_part_domains(item, window.day_part, base)
        if item.around is not None:
            self._around_domains(item, base)
        if self.visit.unavailable:
            self._unavailable_domains(item, base)

    def _start_bounds(self, item: Item, zone: str, base: Path_) -> None:
        v, ax = self.visit, self.axis
        window = item.window
        assert window is not None
        fact = self.fact(
            f"window:{item.id}",
            functools.partial(_window_words, item),
            [(*base, "window")],
            items=[item.id],
        )
        if window.latest_start:
            latest = ax.units(window.latest_start.resolve(zone))
            self._add_domain(item, _intervals_domain([(0, latest)]), fact)
        if window.earliest_end:  # on the clock where it ends
            ends = ax.units(window.earliest_end.resolve(v.end_zone(item)))
            self._add_domain(item, lambda dur: _intervals_domain([(ends - dur, ax.horizon)]), fact)

    def _venue_groups(self, item: Item, key: Callable[[str], Any]) -> list[tuple[Any, list[str]]]:
        """The item's venues grouped by what a rule reads at them (their zone, their
        host's custom): one group when they agree."""
        groups: dict[Any, list[str]] = {}
        for venue_id in distinct_venues(item):
            groups.setdefault(key(venue_id), []).append(venue_id)
        return list(groups.items())

    def _grouped_domain(
        self,
        item: Item,
        groups: list[tuple[Any, list[str]]],
        domain: Callable[[Any], cp_model.Domain],
        fact: Callable[[Any, str], Fact],
    ) -> None:
        """A time rule per group of venues (a general one when there is one group)."""
        for value, venues in groups:
            dom = domain(value)
            if len(groups) == 1:
                self._add_domain(item, dom, fact(value, ""))
            else:
                for venue_id in venues:
                    self._add_domain(item, dom, fact(value, f":{venue_id}"), venue_id)

    def _day_part_domains(self, item: Item, name: str, base: Path_) -> None:
        """Rule 2: the item starts within its day part, on the clock of its venue."""
        v = self.visit

        def part_at(venue_id: str) -> tuple[str, DayPart, str] | None:
            found = v.day_part(name, venue_id)
            return None if found is None else (v.venue_zone(venue_id), *found)

        def domain(value: tuple[str, DayPart, str] | None) -> cp_model.Domain:
            if value is None:  # check refuses an unknown part
                return cp_model.Domain.from_values([])
            zone, part, _ = value
            return _intervals_domain(self._part_spans(part, zone))

        def fact(value: tuple[str, DayPart, str] | None, suffix: str) -> Fact:
            paths: list[Path_] = [(*base, "window")]
            if name in v.day_parts:
                paths.append(("day_parts", name))
            return self.fact(
                f"daypart:{item.id}{suffix}",
                functools.partial(_day_part_words, item, name, value),
                paths,
                items=[item.id],
            )

        self._grouped_domain(item, self._venue_groups(item, part_at), domain, fact)

    def _part_spans(self, part: DayPart, zone: str) -> list[tuple[int, int]]:
        """The starts (units, both ends included) within ``part`` on each day of the visit
        and the night before it."""
        days = [self.visit.start - timedelta(days=1), *self.visit.days]
        spans = []
        for d in days:
            lo = self._clock(d, part.from_, zone)
            end_day = d + timedelta(days=1) if part.crosses_midnight else d
            spans.append((lo, self._clock(end_day, part.until, zone) - 1))
        return spans

    def around_targets(self, item: Item, zone: str) -> list[int]:
        """The starts (units) an item written 'around' aims at: its time, or for a time
        of day, that time on each day of the visit."""
        around, ax = item.around, self.axis
        if isinstance(around, WallTime):
            try:
                return [ax.units(around.resolve(zone))]
            except TimeProblem:  # no such time at a candidate venue in another zone
                return []
        if isinstance(around, ClockTime):
            return [self._clock(d, around, zone) for d in self.visit.days]
        return []

    def _around_domains(self, item: Item, base: Path_) -> None:
        """Rule 2: an item written 'around' a time starts within its tolerance of it."""
        v, ax = self.visit, self.axis
        tolerance = ax.units_up(item.around_tolerance)

        def domain(zone: str) -> cp_model.Domain:
            return _intervals_domain(
                (t - tolerance, t + tolerance) for t in self.around_targets(item, zone)
            )

        def fact(zone: str, suffix: str) -> Fact:
            keys = ("around", "tolerance") if item.tolerance is not None else ("around",)
            return self.fact(
                f"around:{item.id}{suffix}",
                functools.partial(_around_words, v, item),
                [(*base, key) for key in keys],
                items=[item.id],
            )

        self._grouped_domain(item, self._venue_groups(item, v.venue_zone), domain, fact)

    def _unavailable_domains(self, item: Item, base: Path_) -> None:
        """Rule 11: no item takes place where, or with a required attendee who, is
        unavailable: it does not overlap the span (a movement: it neither leaves a place
        nor gets to one strictly within it)."""
        v, ax = self.visit, self.axis
        venues = distinct_venues(item)
        for n, entry in enumerate(v.unavailable):
            try:
                start, end = v.unavailable_span(entry)
            except TimeProblem:
                continue  # check refuses it
            lo, hi = ax.units(start), ax.units(end)

            def fact(suffix: str = "", n: int = n, entry: Unavailability = entry) -> Fact:
                return self.fact(
                    f"unavailable:{n}:{item.id}{suffix}",
                    functools.partial(_unavailable_words, v, entry),
                    [("unavailable", n)],
                    items=[item.id],
                )

            if entry.kind == "person":
                if entry.what not in item.attendees:
                    continue
                also = (
                    self._attendance(entry.what, item).lit
                    if self.explain and not item.moves
                    else None
                )
                self._add_domain(item, functools.partial(_not_during, lo, hi), fact(), also=also)
                continue

            def here(venue_id: str, entry: Unavailability = entry) -> bool:
                if entry.kind == "venue":
                    return venue_id == entry.what
                return v.venue[venue_id].city == entry.what

            for venue_id in venues:
                domain: Callable[[int], cp_model.Domain] | cp_model.Domain
                if not item.moves:
                    if not here(venue_id):
                        continue
                    domain = functools.partial(_not_during, lo, hi)
                else:
                    leaves = here(venue_id)
                    reaches = item.arrival_venue is not None and here(item.arrival_venue)
                    if not (leaves or reaches):
                        continue
                    domain = functools.partial(_not_strictly_within, lo, hi, leaves, reaches)
                where = venue_id if len(venues) > 1 else None
                self._add_domain(item, domain, fact(f":{venue_id}" if where else ""), where)

    def _milestone_domains(self, item: Item, zone: str, base: Path_) -> None:
        """A milestone at a time of day ('gift exchange 11:40') falls within the item:
        the item starts at most its length before that time, and not after it, on the
        clock where it starts (any day of the visit, or the day after for an item that
        runs past midnight)."""
        days = [*self.visit.days]
        if days:
            days.append(days[-1] + timedelta(days=1))
        for n, moment in enumerate(item.milestones):
            if moment.at is None:
                continue
            points = [self._clock(d, moment.at, zone) for d in days]
            fact = self.fact(
                f"milestone:{item.id}:{n}",
                f"'{moment.title}' takes place at {moment.at}, within '{item.title}'",
                [(*base, "milestones", n, "at")],
                items=[item.id],
            )
            self._add_domain(item, functools.partial(_around_points, points), fact)

    def _lodging_domains(self, item: Item, zone: str, base: Path_) -> None:
        """Rule 4 door to door (``planner.model.lodging``): each required attendee's day
        starts at the residence of the night before and ends at that of the night, so an
        item that is not pinned starts after the programme opens plus the journey from the
        one (leaving as it opens: in its slower hours if it opens in them), and ends
        before it closes less the journey to the other (the slower one for an end in its
        slower hours)."""
        v, ax = self.visit, self.axis
        hours, _ = v.hours_for(item)
        venues = distinct_venues(item)
        for pid in item.attendees:
            if not any(key[0] == pid for key in v.residence):
                continue
            for venue_id in venues:
                out = item.arrival_venue or venue_id
                bounds: list[tuple[int, int]] = []
                slower: list[tuple[int, int]] = []  # ends whose slower way back is too late
                binds = False
                for d in v.days:
                    lo = self._clock(d, hours.start, zone)
                    hi = self._clock(d, hours.end, v.end_zone(item))
                    morning, evening = day_ends(v.residence, pid, d)
                    if morning is not None and morning != venue_id:
                        way = self._travel_leaving(morning, venue_id, d, hours.start.minutes)
                        if way is not None:
                            lo += ax.units_up(way + item.holding_minutes)
                            binds = True
                    if evening is not None and evening != out:
                        way = self._travel(out, evening)
                        if way is not None:
                            slower += self._too_late(out, evening, d, hi, way)
                            hi -= ax.units_up(way)
                            binds = True
                    bounds.append((lo, hi))
                if not binds:
                    continue
                fact = self.fact(
                    f"lodging:{pid}:{item.id}:{venue_id}",
                    functools.partial(_lodging_words, v, item, pid, hours),
                    [("lodging", n) for n, entry in enumerate(v.lodging) if pid in entry.people]
                    + [base],
                    items=[item.id],
                )
                self._add_domain(
                    item,
                    functools.partial(_door_to_door_starts, bounds, slower),
                    fact,
                    venue_id if len(venues) > 1 else None,
                    also=self._attendance(pid, item).lit if self.explain else None,
                )

    def _too_late(
        self, a: str, b: str, day: date, closes: int, minutes: int
    ) -> list[tuple[int, int]]:
        """The ends on ``day`` (units) in the hours when the way from ``a`` to ``b`` is
        slower than its ``minutes``, from which it no longer arrives by ``closes``."""
        v, ax = self.visit, self.axis
        zone = v.venue_zone(a)
        found = []
        for hours in self._slow_of(a, b):
            if hours.minutes <= minutes or (hours.days and day not in hours.days):
                continue
            first = ax.local_clock(day, hours.start, zone)
            last = ax.local_clock(day, hours.end, zone) - 1
            found.append((max(first, closes - ax.units_up(hours.minutes) + 1), last))
        return [(lo, hi) for lo, hi in found if lo <= hi]

    def _stays(self, pid: str) -> list[Any]:
        found = self._stay_cache.get(pid)
        if found is None:
            from planner.model.consistency import stays

            found = self._stay_cache[pid] = stays(self.visit, self.visit.person[pid])
        return found

    def _attendance(self, pid: str, item: Item) -> Fact:
        person = self.visit.person[pid]
        return self.fact(
            f"attends:{pid}:{item.id}",
            f"{person.name} must attend '{item.title}'",
            [
                (
                    "items",
                    self.visit.index[("items", item.id)],
                    "attendees",
                    item.attendees.index(pid),
                )
            ],
            items=[item.id],
        )

    def _duration(self, item: Item) -> Fact:
        n = self.visit.index[("items", item.id)]
        return self.fact(
            f"duration:{item.id}",
            f"'{item.title}' lasts {item.duration} min",
            [("items", n, "duration")],
            items=[item.id],
        )

    def _holding(self, item: Item) -> Fact:
        """The holding time of an item (explaining; only for items with one)."""
        n = self.visit.index[("items", item.id)]
        if item.holding is not None:
            return self.fact(
                f"holding:{item.id}",
                f"whoever comes to '{item.title}' from another venue must be there "
                f"{item.holding} min before it starts (holding)",
                [("items", n, "holding")],
                items=[item.id],
            )
        return self.fact(
            f"holding:{item.id}",
            f"'{item.title}' is {_article(item.kind_label)} {item.kind_label}: whoever comes to "
            "it from another venue "
            f"must be there {item.holding_minutes} min before it starts (the default holding "
            "of a ceremony; give the item 'holding: MINUTES' to change it)",
            [("items", n, "kind")],
            items=[item.id],
        )

    def travel_fact(self, a: str, b: str) -> Fact | None:
        """The fact behind the journey from venue ``a`` to venue ``b`` (explaining): the
        measured leg, or the estimate (None when the journey takes no time); "no road"
        when none joins them."""
        v = self.visit
        minutes = self._travel(a, b)
        if minutes is None:
            x, y = sorted((a, b))
            return self.fact(
                f"noroad:{x}:{y}",
                functools.partial(_no_road_words, v, a, b),
                [
                    ("venues", self._venue_index(b), "city"),
                    ("venues", self._venue_index(a), "city"),
                ],
            )
        if minutes == 0:
            return None
        leg = _leg_index(v, a, b, minutes)
        if leg is not None:
            return self.fact(
                f"leg:{leg}",
                functools.partial(_leg_words, v, leg),
                [("travel", "legs", leg)],
            )
        x, y = sorted((a, b))
        found = basis(v.travel, v.venue[a], v.venue[b]).roads
        roads: list[tuple[str | int, ...]] = [] if found is None else [("travel", "roads", found)]
        return self.fact(
            f"estimate:{x}:{y}",
            functools.partial(_estimate_words, v, a, b, minutes),
            [
                *roads,
                ("venues", self._venue_index(b), "lat"),
                ("venues", self._venue_index(a), "lat"),
                ("travel",),
            ],
        )

    def _venue_index(self, venue_id: str) -> int:
        return self.visit.index[("venues", venue_id)]

    def _person_index(self, pid: str) -> int:
        return self.visit.index[("people", pid)]

    def static_domains(self, item: Item) -> tuple[cp_model.Domain, dict[str, cp_model.Domain]]:
        """The item's possible starts from its time rules alone: overall, and per venue."""
        dur = self.axis.units_up(item.duration)
        full = cp_model.Domain(0, max(0, self.axis.horizon - dur))
        domain = full
        venues = distinct_venues(item)
        per_venue: dict[str, cp_model.Domain] = dict.fromkeys(venues, full)
        for rule in self._domains.get(item.id, []):
            if rule.venue is None:
                domain = domain.intersection_with(rule.domain)
            else:
                per_venue[rule.venue] = per_venue[rule.venue].intersection_with(rule.domain)
        if len(venues) == 1:
            domain = domain.intersection_with(per_venue[venues[0]])
        else:
            union = cp_model.Domain.from_values([])
            for dom in per_venue.values():
                union = union.union_with(dom.intersection_with(domain))
            domain = union
        return domain, per_venue

    def _make_vars(self, item: Item) -> None:
        m, ax = self.model, self.axis
        dur = ax.units_up(item.duration)
        full = cp_model.Domain(0, max(0, ax.horizon - dur))
        domain = full
        venues = distinct_venues(item)
        per_venue: dict[str, cp_model.Domain] = dict.fromkeys(venues, full)
        entries = self._domains.get(item.id, [])
        if not self.explain:
            domain, per_venue = self.static_domains(item)
        present = None
        if self._optional(item) or self.assumable:
            present = m.new_bool_var(f"keep[{item.id}]")
            if not self._optional(item):
                self.keep[item.id] = present
        if domain.is_empty():
            if present is not None:  # optional and not required by an edit: left out
                m.add(present == 0)
                domain = full
            else:
                self.infeasible_static = True
                domain = full
                m.add_bool_or([])  # no plan: leave it to the explanation
        start = m.new_int_var_from_domain(domain, f"start[{item.id}]")
        takes = end_var = None
        if self.explain:
            # the duration is a fact: without it the item takes no time
            takes = self._duration(item).lit
            end_var = m.new_int_var(0, ax.horizon, f"end[{item.id}]")
            m.add(end_var == start + dur * takes)
            interval = m.new_interval_var(start, dur * takes, end_var, f"iv[{item.id}]")
        elif present is None:
            interval = m.new_fixed_size_interval_var(start, dur, f"iv[{item.id}]")
        else:
            interval = m.new_optional_fixed_size_interval_var(start, dur, present, f"iv[{item.id}]")
        choice: dict[str, Lit | None] = {}
        if len(venues) == 1:
            choice[venues[0]] = None
        else:
            lits = []
            for venue in venues:
                lit = m.new_bool_var(f"at[{item.id},{venue}]")
                choice[venue] = lit
                lits.append(lit)
            m.add_exactly_one(lits)
            for venue in venues:  # a candidate too small for its people and groups (rule 7)
                cap = self.visit.venue[venue].capacity
                if cap is not None and cap < item.headcount:
                    m.add(choice[venue] == 0)
            if not self.explain:
                for venue, dom in per_venue.items():
                    if dom.is_empty():
                        m.add(choice[venue] == 0)
                    else:
                        m.add_linear_expression_in_domain(start, dom).only_enforce_if(choice[venue])
        lb, ub = domain.min(), domain.max()
        iv = ItemVars(
            item,
            self.visit.index[("items", item.id)],
            self.visit.item_zone(item),
            dur,
            start,
            present,
            choice,
            interval,
            lb=lb,
            ub=ub,
            takes=takes,
            end_var=end_var,
        )
        self.vars[item.id] = iv
        if self.explain:
            for rule in entries:
                cond = _conj(
                    rule.fact.lit, rule.also, choice.get(rule.venue) if rule.venue else None
                )
                if rule.relaxed is None or takes is None:
                    m.add_linear_expression_in_domain(start, rule.domain).only_enforce_if(cond)
                else:  # the rule bounds the end: as long as the item, or taking no time
                    m.add_linear_expression_in_domain(start, rule.domain).only_enforce_if(
                        [*cond, takes]
                    )
                    m.add_linear_expression_in_domain(start, rule.relaxed).only_enforce_if(
                        [*cond, ~takes]
                    )

    def _optional_interval(self, iv: ItemVars, lit: Lit, name: str) -> Any:
        """The item's interval, present when ``lit`` holds (explaining: of its length or
        of none, with its duration fact)."""
        if iv.takes is None:
            return self.model.new_optional_fixed_size_interval_var(iv.start, iv.dur, lit, name)
        return self.model.new_optional_interval_var(iv.start, iv.size, iv.end_var, lit, name)

    def _day_literals(self, iv: ItemVars) -> None:
        days = []
        for d in self.visit.days:
            lo, hi = self.axis.local_day(d, iv.zone)
            if lo <= iv.ub and iv.lb <= hi - 1:
                days.append((d, lo, hi))
        if len(days) <= 1:
            iv.days = {d: None for d, _, _ in days}
            return
        lits = []
        for d, lo, hi in days:
            lit = self.model.new_bool_var(f"day[{iv.item.id},{d}]")
            self.model.add_linear_constraint(iv.start, lo, hi - 1).only_enforce_if(lit)
            iv.days[d] = lit
            lits.append(lit)
        self.model.add_exactly_one(lits)

    # people -------------------------------------------------------------------------

    def _travel(self, a: str, b: str) -> int | None:
        key = (a, b)
        if key not in self._travel_cache:
            v = self.visit
            self._travel_cache[key] = travel_minutes(v.travel, v.venue[a], v.venue[b])
        return self._travel_cache[key]

    def _slow_of(self, a: str, b: str) -> tuple[Slow, ...]:
        """The slower hours of the way from venue ``a`` to ``b`` (worked out once)."""
        key = (a, b)
        if key not in self._slow_hours:
            v = self.visit
            self._slow_hours[key] = slow_hours(v.travel, v.venue[a], v.venue[b])
        return self._slow_hours[key]

    def _travel_leaving(self, a: str, b: str, day: date, minute: int) -> int | None:
        """Minutes from venue ``a`` to ``b`` leaving on ``day`` at ``minute`` (local)."""
        plain = self._travel(a, b)
        if plain is None:
            return None
        found = next((h for h in self._slow_of(a, b) if h.holds((day, minute))), None)
        return plain if found is None else found.minutes

    def _gap(self, a: ItemVars, venue_out: str, b: ItemVars, venue_in: str) -> int | None:
        minutes = self._travel(venue_out, venue_in)
        if minutes is None:
            return None
        if venue_out != venue_in:
            minutes += b.item.holding_minutes
        return self.axis.units_up(minutes)

    def _slow(self, a: str, b: str) -> list[tuple[cp_model.Domain, int]]:
        """The departures (units, on a's clock) in which the journey from venue ``a`` to
        ``b`` takes longer, with its minutes then (rush hours, a leg's ``by_hour``)."""
        key = (a, b)
        found = self._slow_cache.get(key)
        if found is None:
            v, ax = self.visit, self.axis
            zone = v.venue_zone(a)
            found = []
            for hours in self._slow_of(a, b):
                spans = [
                    (ax.local_clock(d, hours.start, zone), ax.local_clock(d, hours.end, zone) - 1)
                    for d in v.days
                    if not hours.days or d in hours.days
                ]
                found.append((_intervals_domain(spans), hours.minutes))
            self._slow_cache[key] = found
        return found

    def _leaves_within(self, iv: ItemVars, venue: str, n: int, hours: cp_model.Domain) -> Lit:
        """A literal that holds whenever the item ends (its people leave ``venue``)
        within ``hours``: made once per item, venue and hours."""
        key = (iv.item.id, venue, n)
        found = self._leaving.get(key)
        if found is None:
            found = self.model.new_bool_var(f"rush[{iv.item.id},{venue},{n}]")
            self.model.add_linear_expression_in_domain(iv.end, hours.complement()).only_enforce_if(
                ~found
            )
            self._leaving[key] = found
        return found

    def _via_home(self, pid: str, venue_out: str, item: Item, venue_in: str) -> int | None:
        """Units of the way from ``venue_out`` to ``item`` at ``venue_in`` past one of the
        person's residences, where no road joins the two (planner.model.lodging)."""
        found = self._way_past_home(pid, venue_out, item, venue_in)
        return found[0] if found is not None else None

    def _way_past_home(
        self, pid: str, venue_out: str, item: Item, venue_in: str
    ) -> tuple[int, str, int] | None:
        """The shortest way past one of the person's residences: its units, the residence
        and its minutes (holding included)."""
        best = None
        for home in self.visit.homes.get(pid, ()):
            there, on = self._travel(venue_out, home), self._travel(home, venue_in)
            if there is None or on is None:
                continue
            minutes = there + on + (item.holding_minutes if home != venue_in else 0)
            units = self.axis.units_up(minutes)
            if best is None or units < best[0]:
                best = (units, home, minutes)
        return best

    def _via_fact(self, pid: str, venue_out: str, venue_in: str, home: str, minutes: int) -> Fact:
        """Explaining: the way between two venues no road joins, past the person's
        residence, cited at the lodging that puts them there."""
        v = self.visit
        person, a, b, there = v.person[pid], v.venue[venue_out], v.venue[venue_in], v.venue[home]
        return self.fact(
            f"via:{pid}:{venue_out}:{venue_in}",
            f"no road joins {a.name} and {b.name}: {person.name}'s way passes by {there.name} "
            f"(their residence) and takes {minutes} min",
            [
                ("lodging", n)
                for n, entry in enumerate(v.lodging)
                if pid in entry.people and entry.venue == home
            ],
        )

    def _attending(self) -> dict[str, list[ItemVars]]:
        attending: dict[str, list[ItemVars]] = {}
        for iv in self.vars.values():
            for pid in iv.item.attendees:
                attending.setdefault(pid, []).append(iv)
        return attending

    def arcs(self) -> int:
        """How many journeys between two items of one person the model will hold (the
        arcs of the per-person circuits, as ``_circuit`` keeps them: every ordered pair
        that could follow each other; explaining, every pair twice more). They grow with
        the square of a person's items on the same days, and with them the model's
        memory and the time to build it."""
        total = 0
        for mine in self._attending().values():
            n = len(mine)
            if self.explain:
                total += 2 * n * (n - 1)
                continue
            ubs = sorted(iv.ub for iv in mine)
            for iv in mine:
                # b may follow a only if b can start after a's earliest end
                later = len(ubs) - bisect.bisect_left(ubs, iv.lb + iv.dur)
                total += later - (1 if iv.ub >= iv.lb + iv.dur else 0)
        return total

    def _people(self) -> None:
        m, v = self.model, self.visit
        attending = self._attending()
        for person in v.people:
            stop.check()
            mine = list(attending.get(person.id, ()))
            mine.sort(key=lambda iv: (iv.lb, iv.index))
            if not mine:
                continue
            active: list[Lit | None] = []
            for iv in mine:
                if self.explain and not iv.item.moves:
                    # the attendance fact makes them attend; dropped, they may or may not
                    # (an item between two others can be their way from one city to the
                    # next: leaving it out must never make a visit harder)
                    there = m.new_bool_var(f"at[{person.id},{iv.item.id}]")
                    m.add_implication(self._attendance(person.id, iv.item).lit, there)
                    active.append(there)
                elif self.explain:
                    active.append(None)  # who is on a flight is the visit's structure
                else:
                    active.append(iv.present)
            if len(mine) > 1:
                intervals = []
                for iv, act in zip(mine, active, strict=True):
                    if act is iv.present or act is None:
                        intervals.append(iv.interval)
                    else:
                        intervals.append(
                            self._optional_interval(iv, act, f"piv[{person.id},{iv.item.id}]")
                        )
                m.add_no_overlap(intervals)
                self._circuit(person.id, mine, active)

    def _circuit(self, pid: str, mine: list[ItemVars], active: list[Lit | None]) -> None:
        m = self.model
        arcs: list[tuple[int, int, Lit]] = []
        all_optional = all(a is not None for a in active)
        for k, (iv, act) in enumerate(zip(mine, active, strict=True), start=1):
            first = m.new_bool_var(f"first[{pid},{iv.item.id}]")
            last = m.new_bool_var(f"last[{pid},{iv.item.id}]")
            arcs += [(0, k, first), (k, 0, last)]
            if act is not None:
                arcs.append((k, k, ~act))
        if all_optional:
            arcs.append((0, 0, m.new_bool_var(f"idle[{pid}]")))
        between = None if self.explain else _always_between(mine)
        for k, a in enumerate(mine, start=1):
            if k % 32 == 0:
                stop.check()
            for n, b in enumerate(mine, start=1):
                if a is b:
                    continue
                combos = []
                for vo in a.out_venues(self.visit):
                    for vi in b.in_venues():
                        gap = self._gap(a, vo, b, vi)
                        if gap is None and not self.explain:
                            gap = self._via_home(pid, vo, b.item, vi)
                        combos.append((vo, vi, gap))
                if self.explain:
                    arc = m.new_bool_var(f"next[{pid},{a.item.id},{b.item.id}]")
                    arcs.append((k, n, arc))
                    for vo, vi, _gap in combos:
                        self._explained_arc(
                            a, vo, b, vi, _conj(arc, a.out_choice(vo), b.choice[vi]), pid
                        )
                    continue
                usable = [c for c in combos if c[2] is not None]
                if not usable:
                    continue
                min_gap = min(g for _, _, g in usable if g is not None)
                if a.lb + a.dur + min_gap > b.ub:
                    continue
                if between is not None and between(a, b):
                    continue  # another item of theirs always lies between the two
                arc = m.new_bool_var(f"next[{pid},{a.item.id},{b.item.id}]")
                arcs.append((k, n, arc))
                for vo, vi, gap in combos:
                    cond = _conj(arc, a.out_choice(vo), b.choice[vi])
                    if gap is None:
                        m.add_bool_or([~c for c in cond])
                        continue
                    m.add(b.start >= a.end + gap).only_enforce_if(cond)
                    for n_hours, (hours, minutes) in enumerate(self._slow(vo, vi)):
                        slower = self.axis.units_up(
                            minutes + (b.item.holding_minutes if vo != vi else 0)
                        )
                        if slower > gap:  # leaving a within those hours: the slower way
                            rush = self._leaves_within(a, vo, n_hours, hours)
                            m.add(b.start >= a.end + slower).only_enforce_if([*cond, rush])
                self._arc_goals(pid, a, b, arc, usable)
                daygoals.on_arc(self, pid, a, b, arc, min(g for _, _, g in usable if g is not None))
        m.add_circuit(arcs)
        self.order.extend(lit for _, _, lit in arcs)
        if self.explain:
            self._journeys_between(pid, mine, active)

    def _journeys_between(self, pid: str, mine: list[ItemVars], active: list[Lit | None]) -> None:
        """Explaining: whichever comes first of two items of a person, the other starts no
        sooner than the shortest journey between their venues after it ends, by any way
        (each journey a fact), even with other items in between. Never more than is true
        (every way there takes that long at least), and it keeps a journey fact binding:
        without it a way through a further item whose journeys are not among the facts of
        an explanation would take no time, and the explanation would have to name them."""
        m = self.model
        for k, a in enumerate(mine):
            for b in mine[k + 1 :]:
                ways = []
                for x, y in ((a, b), (b, a)):
                    for vo in x.out_venues(self.visit):
                        for vi in y.in_venues():
                            path = self._shortest(vo, vi)
                            if path:
                                ways.append((x, y, vo, vi, path))
                if not ways:
                    continue
                both = _conj(active[k], active[mine.index(b)])
                first = m.new_bool_var(f"before[{pid},{a.item.id},{b.item.id}]")
                for x, y, vo, vi, (units, facts) in ways:
                    order = first if x is a else ~first
                    held = (
                        facts[0].lit
                        if len(facts) == 1
                        else self._and([f.lit for f in facts], f"way[{vo},{vi}]")
                    )
                    cond = [*both, order, held, *_conj(x.out_choice(vo), y.choice[vi])]
                    m.add(y.start >= x.end + units).only_enforce_if(cond)
                # and whichever is first ends before the other starts
                m.add(b.start >= a.end).only_enforce_if([*both, first])
                m.add(a.start >= b.end).only_enforce_if([*both, ~first])

    def _shortest(self, a: str, b: str) -> tuple[int, list[Fact]] | None:
        """The shortest journey from venue ``a`` to venue ``b`` over direct journeys
        (units) and the facts of its legs; None when none takes time or no road joins."""
        if not self._paths:
            self._paths = _shortest_paths(self)
        found = self._paths.get((a, b))
        if found is None or found[0] == 0:
            return None
        return found

    def _explained_arc(
        self,
        a: ItemVars,
        venue_out: str,
        b: ItemVars,
        venue_in: str,
        cond: list[Lit],
        pid: str | None = None,
    ) -> None:
        """Explaining: under ``cond`` (b is the person's next item after a, from
        ``venue_out`` to ``venue_in``) b starts after a's end plus the journey and b's
        holding time, each guarded by its fact; no road is a fact too (dropped, the
        journey takes no time), unless the way passes by one of the person's residences
        (then it takes that long, a bound never more than true)."""
        m = self.model
        gap: Any = 0
        journey = self.travel_fact(venue_out, venue_in)
        via = self._way_past_home(pid, venue_out, b.item, venue_in) if pid is not None else None
        if journey is not None and journey.key.startswith("noroad:") and via is not None:
            assert pid is not None
            units, home, minutes = via
            fact = self._via_fact(pid, venue_out, venue_in, home, minutes)
            m.add(b.start >= a.end + units * fact.lit).only_enforce_if(cond)
            return
        held: Any = 0
        if venue_out != venue_in and b.item.holding_minutes:
            held = self.axis.units_up(b.item.holding_minutes) * self._holding(b.item).lit
        if journey is not None and journey.key.startswith("noroad:"):
            m.add_bool_or([~c for c in cond] + [~journey.lit])
        elif journey is not None:
            minutes = self._travel(venue_out, venue_in) or 0
            gap += self.axis.units_up(minutes) * journey.lit
            # leaving a in the way's slower hours: their minutes, a fact of their own
            for n, (hours, slower) in enumerate(self._slow(venue_out, venue_in)):
                if slower <= minutes:
                    continue
                fact = self._slow_fact(venue_out, venue_in, n, slower)
                rush = self._leaves_within(a, venue_out, n, hours)
                way = self.axis.units_up(slower) * fact.lit
                m.add(b.start >= a.end + way + held).only_enforce_if([*cond, rush])
        m.add(b.start >= a.end + gap + held).only_enforce_if(cond)

    def _slow_fact(self, a: str, b: str, n: int, minutes: int) -> Fact:
        """Explaining: the fact that the way from ``a`` to ``b`` takes ``minutes`` when it
        leaves in the ``n``-th of its slower hours (a leg's ``by_hour``, the rush hours of
        its roads), cited where the file gives them."""
        v = self.visit
        leg = _leg_index(v, a, b, self._travel(a, b) or 0)
        path: tuple[str | int, ...]
        if leg is not None and v.travel.legs[leg].by_hour:
            path = ("travel", "legs", leg, "by_hour")
        else:
            va, vb = v.venue[a], v.venue[b]
            roads = (
                drive(v.travel, va, vb).roads if leg is not None else basis(v.travel, va, vb).roads
            )
            path = ("travel", "roads", roads, "rush_hours") if roads is not None else ("travel",)
        hours = self._slow_of(a, b)[n]
        return self.fact(
            f"slow:{a}:{b}:{n}",
            functools.partial(_slow_words, v, a, b, hours),
            [path],
        )

    def _arc_goals(
        self,
        pid: str,
        a: ItemVars,
        b: ItemVars,
        arc: Lit,
        usable: list[tuple[str, str, int | None]],
    ) -> None:
        m = self.model
        travel = min(g for _, _, g in usable if g is not None)
        plain = min(self._travel(vo, vi) or 0 for vo, vi, _ in usable)
        if plain:
            self.terms.append(
                Term(
                    "motorcade",
                    goals.MOTORCADE * self.axis.units_up(plain) * self.axis.unit,
                    arc,
                    measure_per_unit=self.axis.units_up(plain) * self.axis.unit,
                )
            )
        wants_buffer = (
            b.item.is_pinned
            or b.item.kind is ItemKind.DEPARTURE_CEREMONY
            or b.item.mode in SCHEDULED
        )
        if wants_buffer:
            want = self.axis.units_up(goals.BUFFER_MINUTES)
            short = m.new_int_var(0, want, f"short[{pid},{a.item.id},{b.item.id}]")
            m.add(short >= want - (b.start - a.start - a.dur - travel)).only_enforce_if(arc)
            principal = self.visit.person[pid].role is Role.PRINCIPAL
            weight = goals.BUFFER_PRINCIPAL if principal else goals.BUFFER
            self.terms.append(
                Term("buffer", weight * self.axis.unit, short, measure_per_unit=self.axis.unit)
            )

    # venues -------------------------------------------------------------------------

    def _at(self, iv: ItemVars, venue: str) -> Lit | None:
        """Literal: the item takes place, at this venue (None: always)."""
        lits = _conj(iv.present, iv.choice.get(venue))
        if not lits:
            return None
        if len(lits) == 1:
            return lits[0]
        both = self.model.new_bool_var(f"at2[{iv.item.id},{venue}]")
        self.model.add_bool_and(lits).only_enforce_if(both)
        self.model.add_bool_or([~x for x in lits] + [both])
        return both

    def _venues(self) -> None:
        m, v = self.model, self.visit
        for vn, venue in enumerate(v.venues):
            here = [iv for iv in self.vars.values() if venue.id in iv.choice and not iv.item.moves]
            if len(here) < 2:
                continue
            if venue.exclusive:
                fact = self.fact(
                    f"exclusive:{venue.id}",
                    f"{venue.name} hosts one item at a time",
                    [("venues", vn, "exclusive")],
                )
                intervals = []
                for iv in here:
                    cond = _conj(self._at(iv, venue.id), fact.lit)
                    if not cond:
                        intervals.append(iv.interval)
                    else:
                        lit = cond[0] if len(cond) == 1 else self._and(cond, f"ex[{iv.item.id}]")
                        intervals.append(
                            self._optional_interval(iv, lit, f"vx[{iv.item.id},{venue.id}]")
                        )
                m.add_no_overlap(intervals)
            elif venue.capacity is not None:
                fact = self.fact(
                    f"capacity:{venue.id}",
                    f"{venue.name} holds at most {venue.capacity} people",
                    [("venues", vn, "capacity")],
                )
                intervals, demands = [], []
                for iv in here:
                    cond = _conj(self._at(iv, venue.id), fact.lit)
                    lit = (
                        None
                        if not cond
                        else (cond[0] if len(cond) == 1 else self._and(cond, f"cp[{iv.item.id}]"))
                    )
                    intervals.append(
                        iv.interval
                        if lit is None
                        else self._optional_interval(iv, lit, f"vc[{iv.item.id}]")
                    )
                    demands.append(iv.item.headcount)  # the attendees and the groups
                m.add_cumulative(intervals, demands, venue.capacity)

    def _and(self, lits: list[Lit], name: str) -> Lit:
        both = self.model.new_bool_var(name)
        self.model.add_bool_and(lits).only_enforce_if(both)
        self.model.add_bool_or([~x for x in lits] + [both])
        return both

    # orders and conventions ------------------------------------------------------------

    def _orders(self) -> None:
        m = self.model
        for iv in list(self.vars.values()):
            for k, rule in enumerate(iv.item.order):
                other = self.vars.get(rule.other)
                if other is None:
                    continue
                first, then = (other, iv) if rule.after else (iv, other)
                path: Path_ = ("items", iv.index, "order", k)
                gap = self.axis.units_up(rule.min_gap)
                words = f"'{then.item.title}' comes after '{first.item.title}'"
                if rule.min_gap:
                    words += f", at least {rule.min_gap} min later"
                if rule.max_gap is not None:
                    words += f", at most {rule.max_gap} min later"
                if rule.same_day:
                    words += ", the same day"
                fact = self.fact(
                    f"order:{iv.item.id}:{k}", words, [path], items=[first.item.id, then.item.id]
                )
                cond = _conj(first.present, then.present, fact.lit)
                m.add(then.start >= first.end + gap).only_enforce_if(cond)
                if rule.max_gap is not None:
                    # with the whole duration even when explaining: a shorter first item
                    # would bind the later one tighter, not looser
                    top = self.axis.units_up(rule.max_gap)
                    m.add(then.start <= first.start + first.dur + top).only_enforce_if(cond)
                if rule.same_day:
                    self._same_day(first, then, cond)

    def _same_day(self, a: ItemVars, b: ItemVars, cond: list[Lit]) -> None:
        """Under ``cond``, ``a`` and ``b`` start on the same local date."""
        m = self.model
        escape = [~c for c in cond]

        def forbid(lit: Lit | None) -> None:
            m.add_bool_or(escape + ([~lit] if lit is not None else []))

        def require(lit: Lit | None) -> None:
            if lit is not None:
                m.add_bool_or([*escape, lit])

        for d in set(a.days) | set(b.days):
            if d not in b.days:
                forbid(a.days[d])
            elif d not in a.days:
                forbid(b.days[d])
            elif a.days[d] is None:
                require(b.days[d])
            elif b.days[d] is None:
                require(a.days[d])
            else:
                m.add(a.days[d] == b.days[d]).only_enforce_if(cond)

    def _shared_days(self, a: ItemVars, b: ItemVars) -> list[list[Lit]]:
        """For each day both can be on: the literals meaning both are on it."""
        result = []
        for d in set(a.days) & set(b.days):
            result.append(_conj(a.days[d], b.days[d]))
        return result

    def _conventions(self) -> None:
        m, v = self.model, self.visit
        for rule in v.rules():
            if isinstance(rule, OrderConvention):
                self._order_convention(rule)
            elif (
                isinstance(rule, TimeOfDayConvention)
                and rule.strength is Strength.SOFT
                and not self.explain
            ):
                for iv in self.vars.values():
                    if iv.item.kind not in rule.kinds or iv.item.is_pinned:
                        continue
                    if not v.covers(rule, iv.item):
                        continue
                    spans = []
                    for d in iv.days or dict.fromkeys(v.days):
                        spans.append(
                            (
                                self._clock(d, rule.start_from, iv.zone),
                                self._clock(d, rule.start_until, iv.zone),
                            )
                        )
                    dom = _intervals_domain(spans)
                    if dom.intersection_with(cp_model.Domain(iv.lb, iv.ub)).is_empty():
                        continue
                    if cp_model.Domain(iv.lb, iv.ub).is_included_in(dom):
                        continue
                    miss = m.new_bool_var(f"tod[{rule.id},{iv.item.id}]")
                    m.add_linear_expression_in_domain(iv.start, dom).only_enforce_if(
                        _conj(~miss, iv.present)
                    )
                    self.terms.append(Term("time_of_day", goals.TIME_OF_DAY * rule.weight, miss))

    def _order_convention(self, rule: OrderConvention) -> None:
        m = self.model
        covered = [iv for iv in self.vars.values() if self.visit.covers(rule, iv.item)]
        firsts = [iv for iv in covered if iv.item.kind in rule.first]
        thens = [iv for iv in covered if iv.item.kind in rule.then]
        for a in firsts:
            for b in thens:
                if a is b or not set(a.item.attendees) & set(b.item.attendees):
                    continue
                if not self.explain and a.ub + a.dur <= b.lb:
                    continue  # always holds
                hard = rule.strength is Strength.HARD
                if not hard and self.explain:
                    continue
                fact = (
                    self.fact(
                        f"convention:{rule.id}:{a.item.id}:{b.item.id}",
                        f"host convention: {rule.description} "
                        f"('{a.item.title}' before '{b.item.title}')",
                        [("conventions",)],
                        items=[a.item.id, b.item.id],
                    )
                    if hard
                    else None
                )
                miss = None if hard else m.new_bool_var(f"conv[{rule.id},{a.item.id},{b.item.id}]")
                base = _conj(
                    a.present,
                    b.present,
                    fact.lit if fact else None,
                    ~miss if miss is not None else None,
                )
                if rule.same_day_only:
                    for both in self._shared_days(a, b):
                        m.add(a.end <= b.start).only_enforce_if(base + both)
                else:
                    m.add(a.end <= b.start).only_enforce_if(base)
                if miss is not None:
                    self.terms.append(Term("convention", goals.CONVENTION * rule.weight, miss))

    # soft goals --------------------------------------------------------------------------

    def _soft_goals(self) -> None:
        m = self.model
        early = ClockTime.parse(goals.HUMANE_EARLY)
        late = ClockTime.parse(goals.HUMANE_LATE)
        for iv in self.vars.values():
            item = iv.item
            if iv.present is not None:
                priority = item.priority or goals.DEFAULT_PRIORITY
                self.terms.append(
                    Term(
                        "dropped",
                        goals.DROP_OPTIONAL * priority,
                        1 - iv.present,
                        measure_per_unit=1,
                    )
                )
            if item.is_pinned or item.moves:
                continue
            days = iv.days or {}
            before = m.new_int_var(0, self.axis.horizon, f"early[{item.id}]")
            after = m.new_int_var(0, self.axis.horizon, f"late[{item.id}]")
            for d, lit in days.items():
                cond = _conj(lit, iv.present)
                m.add(before >= self._clock(d, early, iv.zone) - iv.start).only_enforce_if(cond)
                m.add(after >= iv.start + iv.dur - self._clock(d, late, iv.zone)).only_enforce_if(
                    cond
                )
            self.terms.append(Term("humane", goals.HUMANE * self.axis.unit, before, self.axis.unit))
            self.terms.append(Term("humane", goals.HUMANE * self.axis.unit, after, self.axis.unit))
        self._long_days()
        daygoals.add(self)

    def _around_goals(self) -> None:
        """Minutes away from the times written 'around' (the item starts within its
        tolerance of the nearest: rule 2; as close to it as it can: this goal)."""
        m, unit = self.model, self.axis.unit
        for iv in self.vars.values():
            if iv.item.around is None:
                continue
            margin = self.axis.units_up(iv.item.around_tolerance)
            reach = [
                t
                for t in self.around_targets(iv.item, iv.zone)
                if iv.lb - margin <= t <= iv.ub + margin  # the others are out of reach
            ]
            if not reach:
                continue
            away = m.new_int_var(0, self.axis.horizon, f"away[{iv.item.id}]")
            kept = _conj(iv.present)  # an optional item left out is away from nothing
            if len(reach) == 1:
                (t,) = reach
                m.add(away >= iv.start - t).only_enforce_if(kept)
                m.add(away >= t - iv.start).only_enforce_if(kept)
            else:
                nearest = []
                for t in reach:
                    lit = m.new_bool_var(f"around[{iv.item.id},{t}]")
                    m.add(away >= iv.start - t).only_enforce_if([lit, *kept])
                    m.add(away >= t - iv.start).only_enforce_if([lit, *kept])
                    nearest.append(lit)
                m.add_bool_or(nearest)
            self.terms.append(Term("around", goals.AROUND * unit, away, unit))

    def _long_days(self) -> None:
        """Days of principals, spouses and ministers longer than LONG_DAY_HOURS, from
        their first item's start to their last item's end (decompose.py keeps each of
        their days in one part, so the span is whole)."""
        m, unit = self.model, self.axis.unit
        limit = self.axis.units_up(goals.LONG_DAY_HOURS * 60)
        for person in self.visit.people:
            if person.role not in LONG_DAY_ROLES:
                continue
            by_day: dict[date, list[tuple[ItemVars, Lit | None]]] = {}
            for iv in self.vars.values():
                if person.id in iv.item.attendees:
                    for d, lit in iv.days.items():
                        by_day.setdefault(d, []).append((iv, lit))
            for d, members in by_day.items():
                lo = min(iv.lb for iv, _ in members)
                hi = max(iv.ub + iv.dur for iv, _ in members)
                if len(members) < 2 or hi - lo <= limit:
                    continue  # can never be too long
                first = m.new_int_var(lo, hi, f"daystart[{person.id},{d}]")
                last = m.new_int_var(lo, hi, f"dayend[{person.id},{d}]")
                for iv, lit in members:
                    cond = _conj(lit, iv.present)
                    m.add(first <= iv.start).only_enforce_if(cond)
                    m.add(last >= iv.start + iv.dur).only_enforce_if(cond)
                over = m.new_int_var(0, hi - lo, f"longday[{person.id},{d}]")
                m.add(over >= last - first - limit)
                self.terms.append(Term("long_day", goals.LONG_DAY * unit, over, unit))

    def _stability(self) -> None:
        """Moved items and shifts against the previous plan (edits)."""
        m, v = self.model, self.visit
        assert self.previous is not None
        for iv in self.vars.values():
            old = self.previous.item(iv.item.id)
            if old is None or old.status is Status.CANCELLED:
                continue
            weight = 1 + sum(
                max(1, 11 - min(v.person[p].precedence, 10)) for p in iv.item.attendees
            )
            self.importance[iv.item.id] = weight
            moved = m.new_bool_var(f"moved[{iv.item.id}]")
            self.moved[iv.item.id] = moved
            if old.status is Status.DROPPED:
                if iv.present is not None:
                    m.add(iv.present == 0).only_enforce_if(~moved)
                else:
                    m.add_bool_or([moved])
                continue
            if iv.present is not None:
                # dropping a planned item is a bigger change than moving it: it counts twice
                self.lost[iv.item.id] = ~iv.present
            start = old.start_at()
            if start is None:
                continue
            s0 = self.axis.units(start)
            if iv.present is not None:
                m.add(iv.present == 1).only_enforce_if(~moved)
            if old.venue not in iv.choice:
                m.add_bool_or([moved])
            elif iv.choice[old.venue] is not None:
                m.add(iv.choice[old.venue] == 1).only_enforce_if(~moved)
            if not (0 <= s0 <= self.axis.horizon):
                m.add_bool_or([moved])
                continue
            m.add(iv.start == s0).only_enforce_if(~moved)
            # the search begins from the previous plan (all but the edit still holds)
            m.add_hint(iv.start, s0)
            m.add_hint(moved, 0)
            if iv.present is not None:
                m.add_hint(iv.present, 1)
            for venue_id, lit in iv.choice.items():
                if lit is not None:
                    m.add_hint(lit, venue_id == old.venue)
            shift = m.new_int_var(0, self.axis.horizon, f"shift[{iv.item.id}]")
            m.add_abs_equality(shift, iv.start - s0)
            self.shift[iv.item.id] = shift

    # -- objective helpers -------------------------------------------------------------------

    def quality(self) -> Any:
        return sum(t.coef * t.expr for t in self.terms)

    def choices(self) -> list[Lit]:
        """The plan's decisions, as literals: which items take place, on which day, at
        which venue, in which order for each person, who joins what. Everything else of
        a plan (its times, the goals' measures) follows from them."""
        found: list[Lit] = list(self.order)
        for iv in self.vars.values():
            found += _conj(iv.present, *iv.days.values(), *iv.choice.values())
        found += self.day_state.joins.values()
        return found

    def stability(self) -> tuple[Any, Any]:
        moved = sum(self.importance[k] * lit for k, lit in self.moved.items()) + sum(
            self.importance[k] * lit for k, lit in self.lost.items()
        )
        shift = sum(self.shift.values())
        return moved, shift


LONG_DAY_ROLES = frozenset({Role.PRINCIPAL, Role.SPOUSE, Role.MINISTER})


def _always_between(mine: list[ItemVars]) -> Callable[[ItemVars, ItemVars], bool]:
    """Whether an item the person always attends (no presence literal) lies wholly
    between the latest end of ``a`` and the earliest start of ``b``, whatever the plan:
    then ``b`` is never the next item after ``a`` (the journey between them is never
    made, and the circuit need not hold it). Items taking no time never count (``a`` or
    ``b`` themselves could be one)."""
    fixed = sorted((iv.lb, iv.ub + iv.dur) for iv in mine if iv.present is None and iv.dur > 0)
    starts = [lo for lo, _ in fixed]
    soonest = [0] * (len(fixed) + 1)  # the earliest of the latest ends from k on
    soonest[len(fixed)] = 1 << 62
    for k in range(len(fixed) - 1, -1, -1):
        soonest[k] = min(soonest[k + 1], fixed[k][1])

    def forced(a: ItemVars, b: ItemVars) -> bool:
        k = bisect.bisect_left(starts, a.ub + a.dur)
        return soonest[k] <= b.lb

    return forced


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _hours_words(visit: Visit, item: Item, hours: ProgrammeHours, narrowed: tuple[str, ...]) -> str:
    whose = ", ".join(visit.person[p].name for p in narrowed)
    return (
        f"'{item.title}' takes place within programme hours "
        f"({hours.start}–{hours.end} local{f'; the day of {whose}' if whose else ''})"
    )


def _door_to_door_starts(
    bounds: list[tuple[int, int]], slower: list[tuple[int, int]], duration: int
) -> cp_model.Domain:
    """The starts of an item of ``duration`` units within each day's (earliest start,
    latest end), its end in none of the ``slower`` spans."""
    found = _intervals_domain((lo, hi - duration) for lo, hi in bounds)
    if slower:
        late = _intervals_domain((lo - duration, hi - duration) for lo, hi in slower)
        found = found.intersection_with(late.complement())
    return found


def _lodging_words(visit: Visit, item: Item, pid: str, hours: ProgrammeHours) -> str:
    nights = sorted({visit.venue[v].name for (p, _), v in visit.residence.items() if p == pid})
    return (
        f"{visit.person[pid].name} starts and ends each day at the residence ("
        + ", ".join(nights)
        + f"): '{item.title}' lies within the programme hours ({hours.start}–{hours.end}) "
        "door to door"
    )


def _not_during(lo: int, hi: int, dur: int) -> cp_model.Domain:
    """The starts of an item of ``dur`` units that does not overlap [lo, hi) (taking no
    time: that does not lie strictly within it)."""
    first = lo - dur + 1 if dur else lo + 1
    if hi - 1 < first:
        return _everything()
    return cp_model.Domain(first, hi - 1).complement()


def _everything() -> cp_model.Domain:
    return cp_model.Domain(-(1 << 40), 1 << 40)


def _not_strictly_within(
    lo: int, hi: int, leaves: bool, reaches: bool, dur: int
) -> cp_model.Domain:
    """The starts of a movement of ``dur`` units that neither leaves (``leaves``) nor
    arrives (``reaches``) strictly within (lo, hi)."""
    found = _everything()
    if hi - lo < 2:
        return found
    if leaves:
        found = found.intersection_with(cp_model.Domain(lo + 1, hi - 1).complement())
    if reaches:
        found = found.intersection_with(cp_model.Domain(lo + 1 - dur, hi - 1 - dur).complement())
    return found


def _day_part_words(item: Item, name: str, value: tuple[str, DayPart, str] | None) -> str:
    if value is None:
        return f"'{item.title}' starts in the {name}"
    _, part, source = value
    return f"'{item.title}' starts in the {name} ({part.from_} to {part.until}, {source})"


def _around_words(visit: Visit, item: Item) -> str:
    around = item.around
    when = str(around)
    if isinstance(around, WallTime):
        when = f"{around.local:%d %B %H:%M}"
    return f"'{item.title}' starts around {when} (± {item.around_tolerance} min)"


def _unavailable_words(visit: Visit, entry: Unavailability) -> str:
    who = visit.unavailable_name(entry)
    what = "they attend nothing" if entry.kind == "person" else "nothing takes place there"
    return (
        f"{who} is unavailable from {entry.from_.local:%d %B %H:%M} until "
        f"{entry.until.local:%d %B %H:%M} ({entry.reason}): {what}"
    )


def _days_words(item: Item) -> str:
    return f"'{item.title}' takes place on {', '.join(f'{d:%d %B}' for d in item.days)}"


def _window_words(item: Item) -> str:
    text = f"'{item.title}' must fit its window"
    if item.window and item.window.earliest_start:
        text += f" from {item.window.earliest_start}"
    if item.window and item.window.latest_end:
        text += f" until {item.window.latest_end}"
    return text


def _pin_words(visit: Visit, item: Item) -> str:
    def where(zone: str) -> str:
        # the visit's city on that zone (Las Palmas, not the zone's Canary)
        return next((c.name for c in visit.cities if c.timezone == zone), city_of(zone))

    parts = []
    if item.pinned:
        parts.append(f"is pinned at {item.pinned} ({where(visit.item_zone(item))})")
    if item.arrives:
        verb = item.mode.arrives if item.mode else "ends"
        parts.append(f"{verb} at {item.arrives} ({where(visit.end_zone(item))})")
    return f"'{item.title}' " + " and ".join(parts)


def _presence_words(visit: Visit, name: str, city: str, windows: list[Any]) -> str:
    mine = [(s, e) for c, s, e in windows if visit.same_place(c, city)]
    where = visit.city[city].name
    if not mine:
        return f"{name} is never in {where}"
    spans = "; ".join(f"{s:%d %B %H:%M}–{e:%d %B %H:%M}" for s, e in mine)
    return f"{name} is in {where} only {spans}"


def _shortest_paths(builder: ModelBuilder) -> dict[tuple[str, str], tuple[int, list[Fact]]]:
    """Shortest journeys between the venues the builder's items use, over direct
    journeys (Floyd-Warshall on units; ties keep the direct one): (a, b) -> (units, the
    facts of its legs)."""
    visit = builder.visit
    venues = sorted(
        {v for iv in builder.vars.values() for v in (*iv.in_venues(), *iv.out_venues(visit))}
    )
    axis = builder.axis
    dist: dict[tuple[str, str], int] = {}
    via: dict[tuple[str, str], str | None] = {}
    for a in venues:
        for b in venues:
            minutes = 0 if a == b else builder._travel(a, b)
            if minutes is not None:
                dist[(a, b)] = axis.units_up(minutes)
                via[(a, b)] = None
    for w in venues:
        for a in venues:
            aw = dist.get((a, w))
            if aw is None:
                continue
            for b in venues:
                wb = dist.get((w, b))
                if wb is None:
                    continue
                if aw + wb < dist.get((a, b), aw + wb + 1):
                    dist[(a, b)] = aw + wb
                    via[(a, b)] = w

    def legs(a: str, b: str) -> list[tuple[str, str]]:
        w = via.get((a, b))
        return [(a, b)] if w is None else legs(a, w) + legs(w, b)

    result: dict[tuple[str, str], tuple[int, list[Fact]]] = {}
    for (a, b), units in dist.items():
        if a == b or units == 0:
            continue
        facts = [f for x, y in legs(a, b) if (f := builder.travel_fact(x, y)) is not None]
        result[(a, b)] = (units, facts)
    return result


def _around_points(points: list[int], dur: int) -> cp_model.Domain:
    """The starts of an item of ``dur`` units that has one of ``points`` within it."""
    return _intervals_domain((t - dur, t) for t in points)


def _stay_starts(stays: list[tuple[int, int]], dur: int) -> cp_model.Domain:
    """Starts of an item of ``dur`` units within one of the stays."""
    return _intervals_domain((lo, hi - dur) for lo, hi in stays)


def _flight_starts(
    departs: list[tuple[int, int]], lands: list[tuple[int, int]], dur: int
) -> cp_model.Domain:
    """Starts of a flight of ``dur`` units that leaves within one of the stays in its
    departure city and lands within one in its arrival city."""
    landing = _intervals_domain((lo - dur, hi - dur) for lo, hi in lands)
    return _intervals_domain(departs).intersection_with(landing)


def _leg_index(visit: Visit, a: str, b: str, minutes: int) -> int | None:
    """The entry of ``travel.legs`` that gives the journey from ``a`` to ``b`` its
    ``minutes`` (None: an estimate). The first such leg of a ground mode, as
    ``travel_minutes`` reads them."""
    va, vb = visit.venue[a], visit.venue[b]
    for mode in (Mode.MOTORCADE, Mode.WALK):
        k = measured_leg(visit.travel, a, b, mode)
        if k is not None and leg_minutes(visit.travel, visit.travel.legs[k], va, vb) == minutes:
            return k
    return None


def _leg_words(visit: Visit, k: int) -> str:
    leg = visit.travel.legs[k]
    a, b = visit.venue[leg.from_venue], visit.venue[leg.to_venue]
    how = {Mode.WALK: "walk", Mode.MOTORCADE: "drive"}.get(leg.mode, f"{leg.mode.value} hop")
    direction = "from" if leg.one_way else "between"
    join = "to" if leg.one_way else "and"
    minutes = leg_minutes(visit.travel, leg, a, b)
    if leg.parts:  # through transfer points
        parts = ", then ".join(
            f"{p.mode.value} {p.minutes} min"
            + (f" to {visit.venue[p.to].name}" if p.to and p.to in visit.venue else "")
            for p in leg.parts
        )
        return (
            f"the way {direction} {a.name} {join} {b.name} takes {minutes} min ({parts}: a "
            "measured leg)"
        )
    if leg.km is not None:
        rules = visit.travel
        speed = rules.walk_kmh if leg.mode is Mode.WALK else _speed_words(visit, a, b)
        return (
            f"the {how} {direction} {a.name} {join} {b.name} is {leg.km:g} km by road (a "
            f"measured leg), {speed}: {minutes} min"
        )
    return f"the {how} {direction} {a.name} {join} {b.name} takes {minutes} min (a measured leg)"


def _roads_words(visit: Visit, index: int | None) -> str:
    if index is None:
        return ""
    roads = visit.travel.roads[index]
    if roads.venues:
        where = "its district's roads"
    elif roads.towns:
        where = "the roads of the metro area"
    else:
        where = f"{visit.city[roads.city].name}'s roads"
    return f" ({where}, travel.roads '{roads.id}')"


def _speed_words(visit: Visit, a: Venue, b: Venue) -> str:
    """'at 90 km/h, plus 10 min to embark and disembark' for a leg given in km."""
    how = drive(visit.travel, a, b)
    roads = _roads_words(visit, how.roads)
    return f"at {how.kmh:g} km/h{roads}, plus {how.buffer} min to embark and disembark"


def _estimate_words(visit: Visit, a: str, b: str, minutes: int) -> str:
    va, vb = visit.venue[a], visit.venue[b]
    how_made = basis(visit.travel, va, vb)
    roads = _roads_words(visit, how_made.roads)
    if how_made.anywhere:
        return (
            f"the journey between {va.name} and {vb.name} takes {minutes} min: every journey "
            f"nobody measured there takes that long{roads}"
        )
    if how_made.mode is Mode.WALK:
        how = (
            f"a walk of {how_made.km:.1f} km in a straight line × {how_made.road_factor:g} "
            f"(road factor) at {how_made.kmh:g} km/h{roads}"
        )
    else:
        how = (
            f"{how_made.km:.1f} km in a straight line × {how_made.road_factor:g} (road factor) "
            f"at {how_made.kmh:g} km/h{roads}, plus {how_made.buffer} min to embark and disembark"
        )
    return (
        f"the journey between {va.name} and {vb.name} takes {minutes} min, estimated from "
        f"their coordinates: {how}, rounded up to 5 min"
    )


def _slow_words(visit: Visit, a: str, b: str, hours: Slow) -> str:
    va, vb = visit.venue[a], visit.venue[b]
    days = " on " + ", ".join(f"{d.day} {d:%B}" for d in hours.days) if hours.days else ""
    return (
        f"leaving {va.name} from {ClockTime(hours.start)} until {ClockTime(hours.end)}{days}, "
        f"the way to {vb.name} takes {hours.minutes} min (its slower hours)"
    )


def _no_road_words(visit: Visit, a: str, b: str) -> str:
    va, vb = visit.venue[a], visit.venue[b]
    ca, cb = visit.city[va.city].name, visit.city[vb.city].name
    return (
        f"no road joins {va.name} ({ca}) and {vb.name} ({cb}): only a movement item (a "
        "flight, a train) moves people between cities, or a leg in travel.legs"
    )
