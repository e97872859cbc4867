"""Why no plan exists: the smallest set of facts of the visit file that cannot all hold.

The visit is modelled once more with every fact guarded by its own literal (explain mode
of the model builder: pins, windows, hours, attendances, durations, journeys, holding
times, venues' rules…), without an objective and on one thread, the only setting in
which CP-SAT minimises its core. A set of facts is read *exactly*: the facts in it hold
and no other does (an item none of them names takes no time and its people may attend
it or not, a journey none of them names takes no time; who is on a flight is not a fact,
a flight always carries its people). So a set that cannot hold on a model of only the
items its facts name, the flights their people take and the items a way between two
cities may pass, cannot hold on the whole visit either, and the work after the first
core is done on such small models:

1. a fault that leaves one item no possible start is found from the time rules alone,
   without a solve;
2. else the part of the visit (``decompose.py``) is narrowed to one day when a day alone
   has no plan (the days of the item an edit touched first), or else to the items that
   CP-SAT's core of the whole part names;
3. those items are narrowed to a fewest set that has no plan on its own (QuickXplain
   over items, each check a quick plan-mode solve of a few items);
4. the facts of those items are shrunk on a model of only them: by CP-SAT's own cores
   while they shrink, then QuickXplain (divide and conquer) for what is still large;
5. the result is verified irreducible: dropping any one fact makes the rest possible.

Everything counts against the caller's time limit; what is not done in time is said.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from planner import stop
from planner.model.consistency import Path_
from planner.model.items import Item
from planner.model.visit import Visit
from planner.schedule.cpmodel import Fact, ModelBuilder, TimeRule, TooLarge, distinct_venues
from planner.schedule.search import run
from planner.stop import OutOfTime


@dataclass
class Explanation:
    facts: list[Fact]
    verified: bool  # the facts alone are infeasible
    minimal: bool  # dropping any one makes the rest feasible
    seconds: float
    summary: list[str] = field(default_factory=list)
    note: str = ""


# more facts than this left by CP-SAT's cores: QuickXplain first; fewer: the deletion
# pass that verifies irreducibility (one check per fact, needed anyway) shrinks them
QUICKXPLAIN_FROM = 8
SMALL = 40  # items: a model this small is solved without presolve
NO_CONTRADICTION = "the solver found no contradiction among the visit's hard facts"
OUT_OF_TIME = "the solver ran out of time before it could explain"


class _Clock:
    """The time left of the caller's limit."""

    def __init__(self, time_limit: float) -> None:
        self.began = time.perf_counter()
        self.deadline = self.began + time_limit

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.began


class _Checker:
    """Feasibility of exact sets of facts on one explain-mode model: the facts given hold,
    every other fact of the model is dropped."""

    def __init__(self, builder: ModelBuilder, clock: _Clock) -> None:
        self.builder = builder
        self.clock = clock
        self.facts = list(builder.facts.values())
        self.by_index = {f.lit.Index(): f.key for f in self.facts}
        self.timed_out = False
        self.solves = 0
        # presolve costs more than it saves on a few items (~35 ms of a 40 ms check)
        self.presolve = len(builder.vars) > SMALL

    def check(self, keys: Iterable[str]) -> tuple[bool | None, list[str]]:
        """(feasible?, a core): True feasible, False infeasible (with the facts of
        ``keys`` that CP-SAT found sufficient), None out of time."""
        chosen = set(keys)
        left = self.clock.left()
        if left <= 0:
            self.timed_out = True
            return None, []
        model = self.builder.model
        model.clear_assumptions()
        model.add_assumptions([f.lit if f.key in chosen else ~f.lit for f in self.facts])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = left
        solver.parameters.cp_model_presolve = self.presolve
        self.solves += 1
        status = run(solver, model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return True, []
        if status != cp_model.INFEASIBLE:
            self.timed_out = True
            return None, []
        core = [
            self.by_index[i]
            for i in solver.sufficient_assumptions_for_infeasibility()
            if i in self.by_index and self.by_index[i] in chosen
        ]
        return False, core


def explain(
    visit: Visit,
    *,
    time_limit: float = 10.0,
    only: frozenset[str] | None = None,
    require: frozenset[str] = frozenset(),
    focus: frozenset[str] = frozenset(),
) -> Explanation:
    """The facts behind "no plan", within ``time_limit`` seconds. ``only`` limits the
    search to a part of the visit that has no plan on its own (see ``decompose.py``);
    ``require``: optional items that must be kept; ``focus``: the items an edit touched
    (their days are searched first)."""
    with stop.within(time_limit):  # building the models counts too
        outer = stop.left()  # inside a caller's limit, if any
        clock = _Clock(time_limit if outer is None else min(time_limit, max(0.0, outer)))
        try:
            return _explain(visit, only, require, focus, clock)
        except TooLarge as exc:
            note = f"the part of the visit without a plan is too large to explain: {exc}"
            return Explanation([], False, False, clock.elapsed(), note=note)
        except OutOfTime:
            return Explanation([], False, False, clock.elapsed(), note=OUT_OF_TIME)


def _explain(
    visit: Visit,
    only: frozenset[str] | None,
    require: frozenset[str],
    focus: frozenset[str],
    clock: _Clock,
) -> Explanation:
    if only is not None:
        return _explain_part(visit, only, require, focus, clock)
    from planner.schedule.decompose import parts

    groups = parts(visit, explain=True)
    # a fault of one item is found without a solve, whichever part it is in
    for group in groups:
        collected = ModelBuilder(visit, explain=True, only=group, require=require).collect()
        local = _one_item_core(collected)
        if local is not None:
            return _done(collected.build(), local, True, True, clock)
    # the first part that has no plan (a quick feasibility solve finds it): the parts
    # where a person has two pinned items too close first, then the small ones
    suspect = _pinned_clashes(visit)
    note = NO_CONTRADICTION
    for group in sorted(groups, key=lambda g: (not g & suspect, len(g))):
        try:
            if not _without_plan(visit, group, require, clock):
                continue
        except TooLarge as exc:  # the others may still be explained
            note = f"a part of the visit is too large to check: {exc}"
            continue
        found = _explain_part(visit, group, require, focus, clock)
        if found.facts:
            found.seconds = clock.elapsed()
            return found
        if found.note == OUT_OF_TIME:
            note = OUT_OF_TIME
    if clock.left() <= 0:
        note = OUT_OF_TIME
    return Explanation([], False, False, clock.elapsed(), note=note)


def _pinned_clashes(visit: Visit) -> frozenset[str]:
    """Pinned items that a person cannot attend one after the other (they overlap, or
    leave less time than the journey between them): a quick look, without a model, at
    where a visit of many parts most likely has no plan."""
    from planner.model.travel import travel_minutes

    found: set[str] = set()
    mine: dict[str, list[tuple[float, float, Item]]] = {}
    for item in visit.items:
        if not item.is_pinned or item.cancelled:
            continue
        try:
            pin = visit.start_pin(item)
            assert pin is not None
            start = pin.resolve(visit.item_zone(item)).timestamp()
        except ValueError:
            continue
        for pid in item.attendees:
            mine.setdefault(pid, []).append((start, start + 60.0 * item.duration, item))
    for spans in mine.values():
        spans.sort(key=lambda s: s[0])
        for (_, end, a), (start, _, b) in itertools.pairwise(spans):
            leave = a.arrival_venue or a.venues[0]
            way = travel_minutes(visit.travel, visit.venue[leave], visit.venue[b.venues[0]])
            need = 0.0 if leave == b.venues[0] else 60.0 * ((way or 0) + b.holding_minutes)
            if start < end + need:
                found.update((a.id, b.id))
    return frozenset(found)


def _explain_part(
    visit: Visit,
    group: frozenset[str],
    require: frozenset[str],
    focus: frozenset[str],
    clock: _Clock,
) -> Explanation:
    collected = ModelBuilder(visit, explain=True, only=group, require=require).collect()
    local = _one_item_core(collected)
    if local is not None:
        return _done(collected.build(), local, True, True, clock)
    # a day of the part that has no plan on its own: its fewest items, then their facts
    for items in _days_of(collected, group, focus):
        alone = _has_plan(visit, items, require, clock)
        if alone is None:
            return Explanation([], False, False, clock.elapsed(), note=OUT_OF_TIME)
        if not alone:
            return _explain_items(
                visit, _fewest_items(visit, items, require, clock), require, clock
            )
    # else CP-SAT's core of the whole part, the items it names, their fewest, their facts
    found = _first_core(visit, group, require, clock)
    if found is None:
        return Explanation([], False, False, clock.elapsed(), note=OUT_OF_TIME)
    builder, core = found
    if not core:
        return Explanation([], False, False, clock.elapsed(), note=NO_CONTRADICTION)
    named = frozenset(i for key in core for i in builder.facts[key].items)
    fewest = _fewest_items(visit, named, require, clock) if len(named) > 2 else named
    if fewest == named:
        return _explain_items(visit, named, require, clock, builder, core)
    return _explain_items(visit, fewest, require, clock)


def _first_core(
    visit: Visit, items: frozenset[str], require: frozenset[str], clock: _Clock
) -> tuple[ModelBuilder, list[str]] | None:
    """CP-SAT's core of the items' model with every fact holding: (the model, its core),
    an empty core when they have a plan, None when out of time."""
    items = _with_bridges(visit, items)
    builder = ModelBuilder(visit, explain=True, only=items, require=require & items).build()
    feasible, core = _Checker(builder, clock).check(builder.facts)
    if feasible is None:
        return None
    if feasible:
        return builder, []
    return builder, core or list(builder.facts)


def _days_of(
    collected: ModelBuilder, group: frozenset[str], focus: frozenset[str]
) -> list[frozenset[str]]:
    """The part's items that could take place on each day, one set per day that holds
    fewer items than the part: the days of the items in ``focus`` first, then the
    smaller days."""
    visit, axis = collected.visit, collected.axis
    by_day: dict[object, set[str]] = {}
    for item in collected.selected():
        domain, _ = collected.static_domains(item)
        if domain.is_empty():
            continue
        zone = visit.item_zone(item)
        for day in visit.days:
            lo, hi = axis.local_day(day, zone)
            if not domain.intersection_with(cp_model.Domain(lo, hi - 1)).is_empty():
                by_day.setdefault(day, set()).add(item.id)
    days = [frozenset(ids) for ids in by_day.values() if len(ids) < len(group)]
    return sorted(days, key=lambda ids: (not ids & focus, len(ids)))


def _explain_items(
    visit: Visit,
    items: frozenset[str],
    require: frozenset[str],
    clock: _Clock,
    builder: ModelBuilder | None = None,
    core: list[str] | None = None,
) -> Explanation:
    """The facts of ``items`` (which have no plan on their own) that cannot all hold,
    shrunk until irreducible on a model of only those items: from CP-SAT's core (or
    ``core``, found on ``builder``'s larger model), while its cores shrink; QuickXplain
    for what is still large; then every fact checked needed."""
    items = _with_bridges(visit, items)
    small = ModelBuilder(visit, explain=True, only=items, require=require & items).build()
    checker = _Checker(small, clock)
    start = core if core is not None else list(small.facts)
    feasible, found = checker.check(start)
    if feasible is not False and builder is not None and core is not None:
        # not infeasible on the small model (a solver fault): on the larger one
        small, checker = builder, _Checker(builder, clock)
        feasible, found = checker.check(core)
    if feasible is not False:
        note = OUT_OF_TIME if feasible is None else NO_CONTRADICTION
        return Explanation([], False, False, clock.elapsed(), note=note)
    kept = found or start
    # CP-SAT's own cores while they shrink
    while True:
        feasible, again = checker.check(kept)
        if feasible is not False or not again or len(again) >= len(kept):
            break
        kept = again
    if len(kept) > QUICKXPLAIN_FROM:
        shrunk = _quickxplain(lambda keys: checker.check(keys)[0] is False, kept)
        if checker.check(shrunk)[0] is False:  # verified (a check out of time keeps more)
            kept = shrunk
    minimal = _irreducible(checker, kept)
    return _done(small, kept, True, minimal and not checker.timed_out, clock)


def _fewest_items(
    visit: Visit, items: frozenset[str], require: frozenset[str], clock: _Clock
) -> frozenset[str]:
    """A set of ``items`` that has no plan on its own and none of which can be left out
    (QuickXplain over items, each check a quick plan-mode solve of those items alone),
    or ``items`` when they have a plan after all or time runs out."""

    def infeasible(chosen: Iterable[str]) -> bool:
        return _has_plan(visit, frozenset(chosen), require, clock) is False

    # CP-SAT's core over the items first (a few of them, usually), then QuickXplain;
    # movements are always there (they move people between cities): not candidates
    core = _item_core(visit, items, require, clock)
    start = core if core is not None and infeasible(core) else items
    order = sorted(i for i in start if not visit.item[i].moves)
    if not order and start is not items:
        # a core of movements alone: without the items between them that join their
        # cities (a drive, an item at the venue a leg starts from), not the visit's fault
        start, order = items, sorted(i for i in items if not visit.item[i].moves)
    if start is items and not infeasible(order):
        return items
    fewest = _quickxplain(infeasible, order)
    return frozenset(fewest) if fewest and infeasible(fewest) else frozenset(order)


def _item_core(
    visit: Visit, items: frozenset[str], require: frozenset[str], clock: _Clock
) -> frozenset[str] | None:
    """The items of CP-SAT's core when every item of ``items`` must take place (a
    plan-mode model with a presence literal per item, all assumed): None when there is
    none or no time."""
    if clock.left() <= 0:
        return None
    builder = ModelBuilder(
        visit, only=_with_flights(visit, items), require=require, assumable=True
    ).build()
    kept = {lit.Index(): item_id for item_id, lit in builder.keep.items()}
    builder.model.add_assumptions(list(builder.keep.values()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.cp_model_presolve = False
    solver.parameters.max_time_in_seconds = clock.left()
    if run(solver, builder.model) != cp_model.INFEASIBLE:
        return None
    core = {kept[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in kept}
    return frozenset(core) or None


def _quickxplain(infeasible: Callable[[list[str]], bool], candidates: list[str]) -> list[str]:
    """A subset of ``candidates`` (which together are infeasible) that is infeasible and
    from which none can be dropped, when infeasibility only grows with what is added:
    Junker's QuickXplain, O(k log(n/k)) checks for k kept of n."""

    def search(base: list[str], added: bool, chosen: list[str]) -> list[str]:
        if added and infeasible(base):
            return []
        if len(chosen) <= 1:
            return list(chosen)
        half = len(chosen) // 2
        first, second = chosen[:half], chosen[half:]
        need_second = search(base + first, bool(first), second)
        need_first = search(base + need_second, bool(need_second), first)
        return need_first + need_second

    return search([], False, candidates)


def _irreducible(checker: _Checker, kept: list[str]) -> bool:
    """Whether dropping any one fact of ``kept`` makes the rest feasible; shrinks
    ``kept`` in place where dropping one leaves it infeasible (a model in which one
    fact more can make a set possible: a person's journey through a further item)."""
    n = 0
    while n < len(kept):
        trial = kept[:n] + kept[n + 1 :]
        feasible, core = checker.check(trial)
        if feasible is None:
            return False
        if feasible:
            n += 1
            continue
        kept[:] = [k for k in kept if k in set(core or trial)]
        n = 0
    return True


def _done(
    builder: ModelBuilder, keys: list[str], verified: bool, minimal: bool, clock: _Clock
) -> Explanation:
    from planner.schedule.why import why

    order = {key: n for n, key in enumerate(builder.facts)}
    facts = sorted((builder.facts[k] for k in keys), key=lambda f: order[f.key])
    explanation = Explanation(facts, verified, minimal, clock.elapsed())
    explanation.summary = why(builder, [f.key for f in facts])
    return explanation


def _one_item_core(builder: ModelBuilder) -> list[str] | None:
    """The facts that leave one item (at one venue) no possible start, shrunk until
    irreducible, if there is such an item: found from the time rules alone, without a
    solve. A fact that binds only attendees comes with the attendance it binds; the
    item's duration is one of the facts when the rules leave room for a start only if
    the item takes no time."""
    by_lit = {fact.lit.Index(): fact for fact in builder.facts.values() if fact.lit is not None}
    for item in builder.selected():
        if len(distinct_venues(item)) != 1:
            continue
        rules = builder._domains.get(item.id, [])
        dur = builder.axis.units_up(item.duration)
        full = cp_model.Domain(0, max(0, builder.axis.horizon - dur))

        def empty(chosen: list[TimeRule], takes_time: bool, full: cp_model.Domain = full) -> bool:
            domain = full
            for rule in chosen:
                dom = rule.domain if takes_time or rule.relaxed is None else rule.relaxed
                domain = domain.intersection_with(dom)
            return bool(domain.is_empty())

        if not rules or not empty(rules, True):
            continue
        kept = list(rules)
        takes_time = True
        if empty(kept, False):
            takes_time = False
        # the last rules first: the attendees' rules come in precedence order, so the
        # highest-ranking person whose rule conflicts is the one named
        for rule in reversed(kept):
            trial = [r for r in kept if r is not rule]
            if empty(trial, takes_time):
                kept = trial
        keys: list[str] = []
        for rule in kept:
            also = by_lit.get(rule.also.Index()) if rule.also is not None else None
            for found in (rule.fact, also):
                if found is not None and found.key not in keys:
                    keys.append(found.key)
        if takes_time:
            keys.append(builder._duration(item).key)
        return keys
    return None


def _with_flights(visit: Visit, items: frozenset[str]) -> frozenset[str]:
    """``items`` and the flights their attendees take: a model of some items only is a
    model of the visit with the others left out, which is sound (no plan for some items
    means none for all) only when nothing left out could help, and a flight is what
    takes people from one city to another."""
    people = {p for i in items for p in visit.item[i].attendees}
    flights = {
        item.id
        for item in visit.items
        if item.moves and not item.cancelled and people & set(item.attendees)
    }
    return items | flights


def _with_bridges(visit: Visit, items: frozenset[str]) -> frozenset[str]:
    """``items``, their people's flights, and the items of their people that a way across
    cities may pass (a venue with a measured leg to a venue of ``items`` in another city
    or metro area): with their attendance a fact to drop like any other, an item that is
    someone's way from one city to the next is what a model without it would miss."""
    from planner.model.travel import travel_minutes

    items = _with_flights(visit, items)
    here = {v for i in items for v in (*visit.item[i].venues, visit.item[i].arrival_venue) if v}
    areas = {visit.areas[visit.venue[v].city] for v in here}
    if len(areas) < 2:
        return items  # one city (or metro area): every way is its roads
    people = {p for i in items for p in visit.item[i].attendees}

    def crosses(w: str) -> bool:
        area = visit.areas[visit.venue[w].city]
        return any(
            visit.areas[visit.venue[u].city] != area
            and (
                travel_minutes(visit.travel, visit.venue[u], visit.venue[w]) is not None
                or travel_minutes(visit.travel, visit.venue[w], visit.venue[u]) is not None
            )
            for u in here
        )

    bridges = {
        item.id
        for item in visit.items
        if item.id not in items
        and not item.cancelled
        and not item.moves
        and not item.optional
        and people & set(item.attendees)
        and any(crosses(w) for w in item.venues)
    }
    return items | bridges


def _has_plan(
    visit: Visit, items: frozenset[str], require: frozenset[str], clock: _Clock
) -> bool | None:
    """Whether these items alone have a plan (their optional items may be dropped), by a
    plan-mode model without objective (quicker than the explain-mode one, and the same
    answer: every fact of the items holds); None when out of time."""
    if clock.left() <= 0:
        return None
    items = _with_flights(visit, items)
    builder = ModelBuilder(visit, only=items, require=require & items).build()
    if builder.infeasible_static:
        return False
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.stop_after_first_solution = True
    solver.parameters.cp_model_presolve = False
    solver.parameters.max_time_in_seconds = clock.left()
    status = run(solver, builder.model)
    if status == cp_model.INFEASIBLE:
        return False
    return True if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


def _without_plan(
    visit: Visit, group: frozenset[str], require: frozenset[str], clock: _Clock
) -> bool:
    """Whether this part of the visit has no plan (its optional items may be dropped)."""
    builder = ModelBuilder(visit, only=group, require=require & group).build()
    if builder.infeasible_static:
        return True
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.stop_after_first_solution = True
    solver.parameters.max_time_in_seconds = max(0.01, min(5.0, clock.left()))
    return bool(run(solver, builder.model) == cp_model.INFEASIBLE)


def render(
    explanation: Explanation, locate: Callable[[Path_], str], *, why_first: bool = False
) -> str:
    """The explanation in the words of the visit file, each fact with its file:line:col;
    ``why_first``: the "Why" lines before the facts (a screen shows the top first)."""
    if not explanation.facts:
        if explanation.note == OUT_OF_TIME:
            return "No explanation within the time limit: try a longer --time-limit."
        return f"No contradiction found: {explanation.note}."
    head = "No plan exists: these facts cannot all hold"
    head += (
        " (dropping any one of them makes the rest possible):"
        if explanation.minimal
        else " (a set the solver could not shrink further in time):"
    )
    facts = [f"  {locate(fact.paths[0])}: {fact.text}" for fact in explanation.facts]
    why = [f"Why: {sentence}." for sentence in explanation.summary]
    if why_first and why:
        return "\n".join([*why, "", head, *facts])
    return "\n".join([head, *facts, *why])
