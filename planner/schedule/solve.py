"""Solving a visit: a fresh plan, or an edit of an existing plan with the fewest changes.

A fresh solve minimises the soft goals. With a previous plan, two solves run in turn:
first the fewest moved items (weighted by the importance of their attendees) and then
the smallest total shift, as one lexicographic objective; then, with both fixed at their
optimum, the soft goals. When no plan exists, the outcome carries the explanation.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ortools.sat.python import cp_model

from planner import stop
from planner.model.clock import TimeProblem, tz
from planner.model.items import Item
from planner.model.lodging import day_ends
from planner.model.travel import travel_minutes
from planner.model.visit import Visit
from planner.plan import Plan, PlannedItem, SolveInfo, Status, merge, utc_now
from planner.schedule import goals, greedy
from planner.schedule.axis import Axis
from planner.schedule.cpmodel import ModelBuilder, TooLarge
from planner.schedule.decompose import parts
from planner.schedule.explain import Explanation, explain
from planner.schedule.goals import ScoreLine
from planner.schedule.search import SearchCallback, run
from planner.stop import OutOfTime

Progress = Callable[[str], None]
RESERVE_PER_ITEM = 0.002  # seconds of the limit kept, per item, for the work after solving
RESCUE_MIN = 0.5  # seconds a part without a plan in its share has for its first plan


@dataclass
class SolveOutcome:
    plan: Plan | None
    status: str  # optimal, feasible, infeasible, unknown
    seconds: float
    objective: int | None = None
    bound: int | None = None
    scores: list[ScoreLine] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    explanation: Explanation | None = None
    parts: int = 1
    fewest_moves_proven: bool | None = None  # edits: every part proved its fewest moves
    note: str = ""  # what the caller should know: a part placed without the solver, or
    # why no plan came within the limit

    def without_plan(self, time_limit: float) -> str:
        """What to say when there is no plan and no explanation."""
        if self.note:
            return self.note[0].upper() + self.note[1:] + "."
        return f"No plan found within {time_limit:.3g} s; try a longer --time-limit."

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        if self.objective == 0:
            return 0.0
        return abs(self.objective - self.bound) / max(1, abs(self.objective))


class _Reporter(SearchCallback):
    def __init__(self, progress: Progress | None, began: float) -> None:
        super().__init__()
        self.progress = progress
        self.began = began
        self.count = 0
        self.prefix = ""

    def on_solution(self) -> None:
        self.count += 1
        elapsed = time.perf_counter() - self.began
        if self.progress is not None and elapsed > 1.0:
            self.progress(
                f"{self.prefix}plan {self.count}: objective {int(self.objective_value)}, "
                f"bound {int(self.best_objective_bound)}, {elapsed:.1f} s"
            )


TIES_SECONDS = 1.0  # the most time settling the ties among equally good plans may take


def _solver(time_limit: float, workers: int, stop_at_first: bool = False) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.stop_after_first_solution = stop_at_first
    # for the first plan only, presolve and a second thread cost more than they save
    solver.parameters.cp_model_presolve = not stop_at_first
    if stop_at_first:
        workers = 1
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 1
    return solver


def terminal_progress() -> Progress | None:
    """A progress printer for an interactive terminal (stderr), or None."""
    if not sys.stderr.isatty():
        return None

    def show(message: str) -> None:
        # the erase-line sequence is the planner's own; the CLI shows any other escaped
        getattr(sys.stderr, "control", sys.stderr.write)("\r\x1b[2K")
        sys.stderr.write(f"solving: {message}")
        sys.stderr.flush()

    return show


@dataclass
class _Part:
    builder: ModelBuilder
    solver: cp_model.CpSolver | None
    status: str
    stable_optimal: bool | None = None  # edits: fewest moves proven
    # the soft goals' objective and bound, when ``solver`` is the search among ties
    quality: tuple[int, int] | None = None
    # a part placed without the solver (greedy.py): each item's start and venue (None:
    # an optional item left out)
    placements: dict[str, greedy.Placement | None] | None = None
    note: str = ""


_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "invalid",
}


def _solve_part(
    builder: ModelBuilder,
    time_limit: float,
    workers: int,
    reporter: _Reporter,
    stop_at_first: bool,
) -> _Part:
    if builder.infeasible_static:
        return _Part(builder, None, "infeasible")
    model = builder.model
    began = time.perf_counter()
    stable_optimal: bool | None = None
    if builder.moved:
        moved_expr, shift_expr = builder.stability()
        weight = len(builder.shift) * builder.axis.horizon + 1
        model.minimize(weight * moved_expr + shift_expr)
        solver = _solver(time_limit * 0.6, workers, stop_at_first)
        status = run(solver, model, reporter)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and not stop_at_first:
            stable_optimal = status == cp_model.OPTIMAL
            moved_value = int(solver.value(moved_expr))
            shift_value = int(solver.value(shift_expr))
            _hint_from(model, solver)
            model.add(moved_expr <= moved_value)
            model.add(shift_expr <= shift_value)
            model.minimize(builder.quality())
            remaining = time_limit - (time.perf_counter() - began)
            solver = _solver(max(0.2, remaining), workers, stop_at_first)
            status = run(solver, model, reporter)
            if status == cp_model.OPTIMAL and not stable_optimal:
                status = cp_model.FEASIBLE
    else:
        model.minimize(builder.quality())
        solver = _solver(time_limit, workers, stop_at_first)
        status = run(solver, model, reporter)
        if status == cp_model.OPTIMAL and not stop_at_first:
            name = _STATUS[status]
            best, bound = int(solver.objective_value), int(solver.best_objective_bound)
            spent = time.perf_counter() - began
            # a quarter of the time the optimum took, a second at most: on a large part,
            # settling the ties took as long again (and the time is the next part's)
            ties = min(time_limit - spent, max(0.2, min(TIES_SECONDS, spent / 4)))
            tied = _among_ties(builder, solver, ties)
            if tied is not None:
                return _Part(builder, tied, name, quality=(best, bound))
    name = _STATUS.get(status, "unknown")
    if name == "invalid":
        raise RuntimeError("the scheduler built an invalid CP-SAT model")
    return _Part(builder, solver, name, stable_optimal)


def _among_ties(
    builder: ModelBuilder, solver: cp_model.CpSolver, time_limit: float
) -> cp_model.CpSolver | None:
    """Among the plans as good as the optimum just found and made of the same choices
    (its order of items, venues, days, who joins), the one whose items start earliest in
    sum: the soft goals often tie (two times of an evening event equally good), and
    CP-SAT's threads return whichever they reach first, so the same visit would give
    another plan from one solve to the next. With every choice fixed, what is left is
    where the times sit among the journeys, windows and goals, which one thread settles
    in a moment on a small visit (searching every plan as good again took as long as the
    optimum's proof); a large part may not be settled in the time it is given. None when
    the search finds no such plan within the time (the optimum found is kept)."""
    if time_limit < 0.05 or not builder.vars:
        return None
    model = builder.model
    best = int(solver.objective_value)
    _hint_from(model, solver)
    for choice in builder.choices():  # kept as the optimum made them
        model.add(choice == int(solver.value(choice)))
    model.add(builder.quality() <= best)
    model.minimize(sum(iv.start for iv in builder.vars.values()))
    tied = _solver(time_limit, 1)  # one thread: the same plan every time
    status = run(tied, model)
    return tied if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


def solve(
    visit: Visit,
    previous: Plan | None = None,
    *,
    fresh: bool = False,
    time_limit: float = 10.0,
    workers: int = 2,
    progress: Progress | None = None,
    reason: str = "solve",
    now: datetime | None = None,
    edited: frozenset[str] = frozenset(),
    stop_at_first: bool = False,
    unchanged_except: frozenset[str] | None = None,
) -> SolveOutcome:
    """Plan ``visit``; with ``previous`` (and not ``fresh``), change it as little as possible.

    Everything counts against ``time_limit``: building the models, the searches and, when
    no plan exists, the explanation. A part whose model would be too large to build
    within the time and memory a solve may take (``cpmodel.TooLarge``), or that the solver
    could not plan in its share of the time, is placed without the solver
    (``greedy.py``, a feasible plan checked like any other); when that fails too, the
    outcome is "unknown" with a note that says why.

    The visit is split into independent parts (``decompose.py``), each solved on its own
    within a share of ``time_limit`` proportional to its size (time a part leaves unused
    goes to the next). ``edited`` names items the caller changed on purpose: they are not
    reported as moved, and are kept even when optional (whoever moves an optional item
    wants it there; if it cannot be there, the explanation says why). ``stop_at_first``
    keeps the first plan found for each part (the benchmark's time to a first feasible
    plan).

    ``unchanged_except``: the caller vouches that the visit differs from the one
    ``previous`` was made from only in these items (an edit of a visit whose plan was up
    to date). A part without them keeps its previous times as they are: no change is the
    fewest changes, so nothing is lost, and the part is not solved again.
    """
    with stop.within(time_limit):
        return _solve(
            visit,
            previous,
            fresh=fresh,
            time_limit=time_limit,
            workers=workers,
            progress=progress,
            reason=reason,
            now=now,
            edited=edited,
            stop_at_first=stop_at_first,
            unchanged_except=unchanged_except,
        )


def _solve(
    visit: Visit,
    previous: Plan | None,
    *,
    fresh: bool,
    time_limit: float,
    workers: int,
    progress: Progress | None,
    reason: str,
    now: datetime | None,
    edited: frozenset[str],
    stop_at_first: bool,
    unchanged_except: frozenset[str] | None,
) -> SolveOutcome:
    began = time.perf_counter()
    # inside a caller's limit (the command line's counts from reading the visit on)
    outer = stop.left()
    if outer is not None:
        time_limit = min(time_limit, max(0.0, outer))
    # what follows the searches (reading the plans out, optional attendees, the plan's
    # bookkeeping; the caller's validation and writing) counts against the limit too
    reserve = min(time_limit / 3, RESERVE_PER_ITEM * len(visit.items))
    base = None if fresh else previous
    axis = Axis.for_visit(visit)
    whole = ModelBuilder(visit, axis=axis).collect()
    # the smallest parts first: a part without a plan is found (and explained) before
    # the time limit goes to optimising the large ones; the parts are independent, and
    # time a small part leaves unused goes to the larger ones after it
    groups = sorted(parts(visit, axis, builder=whole), key=len)
    reporter = _Reporter(progress, began)
    left = sum(len(g) for g in groups)
    solved: list[_Part] = []
    kept: dict[str, PlannedItem] = {}
    for n, group in enumerate(groups, start=1):
        if base is not None and unchanged_except is not None and not group & unchanged_except:
            previous_items = [base.item(i) for i in group]
            if all(_reusable(p) for p in previous_items):
                kept.update((p.id, p) for p in previous_items if p is not None)
                left -= len(group)
                continue
        reporter.prefix = f"part {n}/{len(groups)}: " if len(groups) > 1 else ""
        remaining = time_limit - reserve - (time.perf_counter() - began)
        budget = max(0.2, remaining * len(group) / max(1, left))
        part = _plan_part(
            visit, axis, whole, base, group, edited, budget, workers, reporter, stop_at_first
        )
        left -= len(group)
        if part.status in ("infeasible", "unknown"):
            seconds = time.perf_counter() - began
            if part.status == "unknown":
                return SolveOutcome(None, "unknown", seconds, note=part.note)
            # the explanation counts against the same limit
            explanation = explain(
                visit,
                time_limit=time_limit - seconds,
                only=group,
                require=edited & group,
                focus=edited & group,
            )
            note = ""
            if not explanation.facts:  # proven, not explained: no time (or a part too large)
                note = (
                    f"no plan exists for {len(group):,} items of the visit (the solver proved "
                    f"it), but {explanation.note}; try 'planner explain' with a longer "
                    "--time-limit"
                )
            return SolveOutcome(
                None,
                "infeasible",
                time.perf_counter() - began,
                explanation=explanation if explanation.facts else None,
                note=note,
            )
        solved.append(part)
    status_name = "optimal" if all(p.status == "optimal" for p in solved) else "feasible"
    objective: int | None = sum(_quality(p)[0] for p in solved if p.solver)
    bound: int | None = sum(_quality(p)[1] for p in solved if p.solver)
    if kept:  # the kept parts were not solved again: their share of the objective is unknown
        objective = bound = None
    if any(p.placements is not None for p in solved):
        status_name, objective, bound = "feasible", None, None  # not optimised, not scored
    items = _extract(visit, axis, solved, kept)
    seconds = time.perf_counter() - began
    moved = [
        i.id
        for i in items
        if base is not None
        and i.id not in edited
        and (old := base.item(i.id)) is not None
        and not (old.status is Status.CANCELLED and i.status is Status.CANCELLED)  # kept as is
        and (old.start_at() != i.start_at() or old.venue != i.venue or old.status != i.status)
    ]
    info = SolveInfo(
        status=status_name,
        objective=objective,
        bound=bound,
        seconds=round(seconds, 3),
        moved=len(moved),
    )
    plan = merge(
        previous,
        visit,
        items,
        info,
        reason,
        now=now or utc_now(),
        unchanged_except=unchanged_except if base is not None else None,
    )
    stable = [p.stable_optimal for p in solved if p.stable_optimal is not None]
    return SolveOutcome(
        plan=plan,
        status=status_name,
        seconds=seconds,
        objective=objective,
        bound=bound,
        scores=_scores(solved),
        dropped=[i.id for i in items if i.status is Status.DROPPED],
        moved=moved,
        parts=len(groups),
        fewest_moves_proven=all(stable) if stable else None,
        note="; ".join(p.note for p in solved if p.note),
    )


def _plan_part(
    visit: Visit,
    axis: Axis,
    whole: ModelBuilder,
    base: Plan | None,
    group: frozenset[str],
    edited: frozenset[str],
    budget: float,
    workers: int,
    reporter: _Reporter,
    stop_at_first: bool,
) -> _Part:
    """One part solved by CP-SAT within ``budget`` seconds, or placed without it (a model
    too large, or no plan found in time), or "unknown" with a note."""
    why = ""
    try:
        builder = ModelBuilder(
            visit,
            previous=base,
            axis=axis,
            only=group,
            require=edited & group,
            collected=None if edited & group else whole,
        ).build()
    except TooLarge as exc:
        why = f"is too large for the solver ({exc})"
    except OutOfTime:
        why = "could not be modelled within the time limit"
    else:
        part = _solve_part(builder, budget, workers, reporter, stop_at_first)
        if part.status != "unknown" or stop_at_first:
            return part
        # no plan in its share (optimising, with presolve): the solver's first plan, which
        # it finds in a fraction of that time (a few hundred ms for 500 items), with what
        # is left of the limit, or a little past it rather than no plan at all
        left = stop.left()
        rescue = max(RESCUE_MIN, budget if left is None else left)
        part = _solve_part(builder, rescue, workers, reporter, True)
        if part.status != "unknown":
            return part
        why = "got no plan from the solver within its share of the time limit"
    what = f"a part of {len(group):,} items"
    prefer: dict[str, greedy.Placement] = {}
    if base is not None:  # an edit: where the previous plan had them, where they still fit
        for item_id in group:
            old = base.item(item_id)
            when = old.start_at() if old is not None else None
            if old is not None and old.status is Status.SCHEDULED and when and old.venue:
                prefer[item_id] = (axis.units(when), old.venue)
    left = stop.left()
    placements = greedy.place(
        visit,
        axis,
        whole,
        group,
        require=edited & group,
        time_limit=max(0.5, left if left is not None else budget),
        prefer=prefer,
    )
    if placements is None:
        return _Part(
            whole,
            None,
            "unknown",
            note=f"no plan within the limit: {what} {why}, and placing its items one by "
            "one found no place for all of them",
        )
    return _Part(
        whole,
        None,
        "feasible",
        placements=placements,
        note=f"{what} {why}: its items were placed one by one (a valid plan, not an optimised one)",
    )


def _quality(part: _Part) -> tuple[int, int]:
    """The part's objective of the soft goals and its bound."""
    if part.quality is not None:
        return part.quality
    assert part.solver is not None
    return int(part.solver.objective_value), int(part.solver.best_objective_bound)


def _hint_from(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    model.clear_hints()  # type: ignore[no-untyped-call]
    proto = model.proto
    for index in range(len(proto.variables)):
        var = model.get_int_var_from_proto_index(index)
        model.add_hint(var, solver.value(var))


def _scores(solved: list[_Part]) -> list[ScoreLine]:
    totals: dict[str, list[int]] = {name: [0, 0] for name in goals.GOAL_NAMES}
    for part in solved:
        if part.solver is None:
            continue
        for term in part.builder.terms:
            value = int(part.solver.value(term.expr))
            totals.setdefault(term.goal, [0, 0])
            totals[term.goal][0] += value * term.measure_per_unit
            totals[term.goal][1] += value * term.coef
    return [ScoreLine(goal, measure, penalty) for goal, (measure, penalty) in totals.items()]


def _reusable(planned: PlannedItem | None) -> bool:
    if planned is None or planned.status is Status.CANCELLED:
        return False
    return planned.status is Status.DROPPED or planned.start_at() is not None


def _extract(
    visit: Visit, axis: Axis, solved: list[_Part], kept: dict[str, PlannedItem]
) -> list[PlannedItem]:
    stamp = utc_now()
    result: list[PlannedItem] = []
    placed: dict[str, list[tuple[int, int, str, str, str]]] = {}
    owner = {
        item_id: part
        for part in solved
        for item_id in (part.placements if part.placements is not None else part.builder.vars)
    }
    for item in visit.items:
        old = kept.get(item.id)
        if old is not None:
            # optional attendees are chosen again below, with everyone's new commitments
            result.append(old.model_copy(update={"attendees": item.attendees}))
            when = old.start_at()
            if old.status is Status.SCHEDULED and when is not None:
                begin = axis.units(when)
                venue = old.venue or item.venues[0]
                end = begin + axis.units_up(item.duration)
                for pid in item.attendees:
                    placed.setdefault(pid, []).append(
                        (begin, end, venue, item.arrival_venue or venue, item.id)
                    )
            continue
        part = owner.get(item.id)
        found = _placement(part, item.id) if part is not None and not item.cancelled else _NONE
        if found is _NONE:
            result.append(
                PlannedItem(id=item.id, status=Status.CANCELLED, created=stamp, modified=stamp)
            )
            continue
        if found is None:
            result.append(
                PlannedItem(id=item.id, status=Status.DROPPED, created=stamp, modified=stamp)
            )
            continue
        assert isinstance(found, tuple)
        start, venue = found
        zone = visit.item_zone(item)
        dur = axis.units_up(item.duration)
        end_zone = visit.venue_zone(item.arrival_venue) if item.arrival_venue else zone
        out_venue = item.arrival_venue or venue
        for pid in item.attendees:
            placed.setdefault(pid, []).append((start, start + dur, venue, out_venue, item.id))
        result.append(
            PlannedItem(
                id=item.id,
                status=Status.SCHEDULED,
                start=axis.wall(start, zone),
                end=axis.wall(start + dur, end_zone),
                timezone=zone,
                end_timezone=end_zone if end_zone != zone else None,
                venue=venue,
                arrival_venue=item.arrival_venue,
                attendees=item.attendees,
                created=stamp,
                modified=stamp,
            )
        )
    chosen = {
        pair
        for part in solved
        if part.solver is not None and part.placements is None
        for pair, lit in part.builder.day_state.joins.items()
        if part.solver.boolean_value(lit)
    }
    return _add_optional_attendees(visit, axis, result, placed, chosen)


_NONE = object()  # no placement: the item is not planned (cancelled)


def _placement(part: _Part, item_id: str) -> greedy.Placement | object | None:
    """Where and when ``part`` put the item: (start, venue), None when it left it out
    (optional), ``_NONE`` when it does not plan it."""
    if part.placements is not None:
        return part.placements.get(item_id, _NONE)
    iv = part.builder.vars.get(item_id)
    solver = part.solver
    if iv is None or solver is None:
        return _NONE
    if iv.present is not None and not solver.boolean_value(iv.present):
        return None
    venue = next(
        (v for v, lit in iv.choice.items() if lit is None or solver.boolean_value(lit)),
        iv.item.venues[0],
    )
    return int(solver.value(iv.start)), venue


def _add_optional_attendees(
    visit: Visit,
    axis: Axis,
    items: list[PlannedItem],
    placed: dict[str, list[tuple[int, int, str, str, str]]],
    chosen: set[tuple[str, str]] | None = None,
) -> list[PlannedItem]:
    """Optional attendees join an item when they are free: no overlap, travel and holding
    time to and from their neighbouring items, present in the city, room at the venue.
    The invitations the solver chose (``chosen``: person, item; daygoals.py weighs them)
    are taken first, then the others by the item's priority (a required item before an
    optional one, then the higher priority) and its attendees' precedence, never by the
    order of the file."""
    from planner.model.consistency import stays

    def units_between(pid: str, a: str, b: str, holding: int, leave: int) -> int | None:
        local = axis.instant(leave).astimezone(tz(visit.venue_zone(a)))
        leaves = (local.date(), local.hour * 60 + local.minute)  # for the slower hours
        minutes = travel_minutes(visit.travel, visit.venue[a], visit.venue[b], leaves=leaves)
        if minutes is None:  # past one of their residences (planner.model.lodging)
            ways = [
                (there, on, home)
                for home in visit.homes.get(pid, ())
                if (there := travel_minutes(visit.travel, visit.venue[a], visit.venue[home]))
                is not None
                and (on := travel_minutes(visit.travel, visit.venue[home], visit.venue[b]))
                is not None
            ]
            if not ways:
                return None
            return min(axis.units_up(x + y + (holding if h != b else 0)) for x, y, h in ways)
        return axis.units_up(minutes + (holding if a != b else 0))

    def rank(planned: PlannedItem) -> tuple[int, int, str]:
        item = visit.item[planned.id]
        priority = (item.priority or goals.DEFAULT_PRIORITY) if item.optional else 11
        first = min((visit.person[p].precedence for p in item.attendees), default=99)
        return (-priority, first, planned.id)

    order = sorted((i for i in items if i.status is Status.SCHEDULED), key=rank)
    # who is under way at each shared venue with a capacity (rule 7): items by venue, with
    # their attendee counts as optional attendees join
    under_way: dict[str, list[tuple[int, int, str]]] = {}
    headcount: dict[str, int] = {}
    for planned in order:
        when = planned.start_at()
        assert when is not None
        headcount[planned.id] = len(planned.attendees) + visit.item[planned.id].group_count
        if not visit.item[planned.id].moves and planned.venue:
            begin = axis.units(when)
            under_way.setdefault(planned.venue, []).append(
                (begin, begin + axis.units_up(visit.item[planned.id].duration), planned.id)
            )

    def crowd(venue_id: str, start: int, end: int) -> int:
        """The most people at the venue at any moment of [start, end)."""
        spans = under_way.get(venue_id, [])
        moments = [start, *(s for s, _, _ in spans if start < s < end)]
        return max(sum(headcount[i] for s, e, i in spans if s <= t < e) for t in moments)

    extra: dict[str, list[str]] = {}
    wished = chosen or set()
    invitations = [
        (planned, pid)
        for planned in order
        if not visit.item[planned.id].moves
        for pid in visit.item[planned.id].optional_attendees
        if pid not in visit.item[planned.id].attendees
    ]
    invitations.sort(key=lambda pair: (pair[1], pair[0].id) not in wished)  # stable
    for planned, pid in invitations:
        item = visit.item[planned.id]
        when = planned.start_at()
        assert when is not None
        start = axis.units(when)
        end = start + axis.units_up(item.duration)
        venue = planned.venue or item.venues[0]
        capacity = visit.venue[venue].capacity
        count = headcount[item.id]
        if capacity is not None and count >= capacity:
            continue
        shared = not visit.venue[venue].exclusive
        if shared and capacity is not None and crowd(venue, start, end) >= capacity:
            continue
        person = visit.person[pid]
        if person.presence:
            city = visit.venue[venue].city
            s_at, e_at = axis.instant(start), axis.instant(end)
            if not any(
                visit.same_place(c, city) and s <= s_at and e_at <= e
                for c, s, e in stays(visit, person)
            ):
                continue
        if not _door_to_door(visit, axis, item, pid, start, end, venue):
            continue
        if _unavailable(visit, pid, axis.instant(start), axis.instant(end)):
            continue
        mine = placed.get(pid, [])
        between = functools.partial(units_between, pid)
        if not _free(visit, mine, start, end, venue, item.holding_minutes, between):
            continue
        placed.setdefault(pid, []).append((start, end, venue, venue, item.id))
        extra.setdefault(item.id, []).append(pid)
        headcount[item.id] += 1
    return [
        i.model_copy(update={"attendees": i.attendees + tuple(extra[i.id])}) if i.id in extra else i
        for i in items
    ]


def _unavailable(visit: Visit, pid: str, start: datetime, end: datetime) -> bool:
    """Whether ``pid`` is unavailable at some time from ``start`` until ``end`` (rule 11:
    an optional attendee is listed only when free)."""
    for entry in visit.unavailable:
        if entry.person != pid:
            continue
        try:
            since, until = visit.unavailable_span(entry)
        except TimeProblem:
            continue
        if since.timestamp() < end.timestamp() and start.timestamp() < until.timestamp():
            return True
    return False


def _door_to_door(
    visit: Visit, axis: Axis, item: Item, pid: str, start: int, end: int, venue: str
) -> bool:
    """Whether ``pid`` can join ``item`` from the morning's residence and be back at the
    evening's within the programme hours (planner.model.lodging), the item not pinned."""
    if item.is_pinned or not visit.lodging:
        return True
    zone = visit.venue_zone(venue)
    day = axis.instant(start).astimezone(tz(zone)).date()
    morning, evening = day_ends(visit.residence, pid, day)
    hours, _ = visit.hours_for(item)
    out = item.arrival_venue or venue
    if morning is not None and morning != venue:
        way = travel_minutes(
            visit.travel,
            visit.venue[morning],
            visit.venue[venue],
            leaves=(day, hours.start.minutes),  # as the programme opens
        )
        opens = axis.local_clock(day, hours.start.minutes, zone)
        if way is not None and start < opens + axis.units_up(way + item.holding_minutes):
            return False
    if evening is not None and evening != out:
        ends = axis.instant(end).astimezone(tz(visit.venue_zone(out)))
        way = travel_minutes(
            visit.travel,
            visit.venue[out],
            visit.venue[evening],
            leaves=(ends.date(), ends.hour * 60 + ends.minute),  # as the item ends
        )
        closes = axis.local_clock(day, hours.end.minutes, visit.venue_zone(out))
        if way is not None and end > closes - axis.units_up(way):
            return False
    return True


def _free(
    visit: Visit,
    mine: list[tuple[int, int, str, str, str]],
    start: int,
    end: int,
    venue: str,
    holding: int,
    units_between: Callable[[str, str, int, int], int | None],
) -> bool:
    """Whether a person whose items are ``mine`` (start, end, venue, venue left at, id) can
    be at ``venue`` from ``start`` to ``end`` for an item with ``holding`` minutes: nothing
    of theirs overlaps, and the journey from the item just before and to the item just
    after fits, with the holding time of the item travelled to (rule 1: consecutive items
    only, in whichever city they are; items further away in time do not matter)."""
    before = [m for m in mine if m[1] <= start]
    after = [m for m in mine if m[0] >= end]
    if len(before) + len(after) < len(mine):
        return False  # something overlaps
    if before:
        _, e2, _, out2, _ = max(before, key=lambda m: (m[1], m[0]))
        gap = units_between(out2, venue, holding, e2)
        if gap is None or e2 + gap > start:
            return False
    if after:
        s2, _, in2, _, other = min(after, key=lambda m: (m[0], m[1]))
        gap = units_between(venue, in2, visit.item[other].holding_minutes, end)
        if gap is None or end + gap > s2:
            return False
    return True
