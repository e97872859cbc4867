"""Why no plan exists: the smallest set of facts of the visit file that cannot all hold.

The visit is modelled once more with every fact guarded by its own literal (explain mode of
the model builder), without an objective and on one thread, the only setting in which
CP-SAT minimises its core. The core is then verified (the facts alone are infeasible) and
shrunk by deletion until it is irreducible: dropping any one fact makes the rest feasible.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from planner.model.consistency import Path_
from planner.model.travel import travel_minutes
from planner.model.visit import Visit
from planner.schedule.cpmodel import Fact, ModelBuilder, distinct_venues
from planner.schedule.search import run


@dataclass
class Explanation:
    facts: list[Fact]
    verified: bool  # the facts alone are infeasible
    minimal: bool  # dropping any one makes the rest feasible
    seconds: float
    summary: list[str] = field(default_factory=list)
    note: str = ""


def _feasible(builder: ModelBuilder, facts: list[Fact], time_limit: float) -> bool | None:
    """Whether the model is feasible with exactly these facts enforced (others free)."""
    model = builder.model
    model.clear_assumptions()
    model.add_assumptions([f.lit for f in facts])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit
    status = run(solver, model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    if status == cp_model.INFEASIBLE:
        return False
    return None


def explain(
    visit: Visit,
    *,
    time_limit: float = 10.0,
    only: frozenset[str] | None = None,
    require: frozenset[str] = frozenset(),
) -> Explanation:
    """The facts behind "no plan"; ``only`` limits the search to a part of the visit that
    has no plan on its own (see ``decompose.py``)."""
    began = time.perf_counter()
    if only is None:
        from planner.schedule.decompose import parts

        groups = parts(visit, explain=True)
        # explain the parts that have no plan first (a quick feasibility solve finds them)
        groups.sort(key=lambda group: not _without_plan(visit, group, require))
        for group in groups:
            found = explain(visit, time_limit=time_limit, only=group, require=require)
            if found.facts:
                found.seconds = time.perf_counter() - began
                return found
        return Explanation(
            [],
            False,
            False,
            time.perf_counter() - began,
            note="the solver found no contradiction among the visit's hard facts",
        )
    collected = ModelBuilder(visit, explain=True, only=only, require=require).collect()
    local = _one_item_core(collected)
    if local is not None:
        explanation = Explanation(local, True, True, time.perf_counter() - began)
        explanation.summary = summarize(visit, local)
        return explanation
    builder = collected.build()
    facts = list(builder.facts.values())
    model = builder.model
    model.add_assumptions([f.lit for f in facts])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit
    status = run(solver, model)
    if status != cp_model.INFEASIBLE:
        return Explanation(
            [],
            False,
            False,
            time.perf_counter() - began,
            note="the solver found no contradiction among the visit's hard facts"
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
            else "the solver ran out of time before it could explain",
        )
    by_index = {f.lit.Index(): f for f in facts}
    core_indices = solver.sufficient_assumptions_for_infeasibility()
    core = [by_index[i] for i in core_indices if i in by_index] or facts
    # verify, then shrink by deletion (QuickXplain-style, linear)
    per_check = max(0.5, time_limit / 4)
    verified = _feasible(builder, core, per_check) is False
    if not verified:
        core = facts
        verified = _feasible(builder, core, per_check) is False
    minimal = verified
    if verified:
        kept = list(core)
        for fact in list(core):
            if time.perf_counter() - began > time_limit * 3:
                minimal = False
                break
            trial = [f for f in kept if f is not fact]
            result = _feasible(builder, trial, per_check)
            if result is False:
                kept = trial
            elif result is None:
                minimal = False
        core = kept
    explanation = Explanation(core, verified, minimal, time.perf_counter() - began)
    explanation.summary = summarize(visit, core)
    return explanation


def _one_item_core(builder: ModelBuilder) -> list[Fact] | None:
    """The facts that leave one item (at one venue) no possible start, shrunk until
    irreducible, if there is such an item: found from the time rules alone, without a
    solve. A fact that binds only attendees comes with the attendance it binds."""
    by_lit = {fact.lit.Index(): fact for fact in builder.facts.values() if fact.lit is not None}
    for item in builder.selected():
        if len(distinct_venues(item)) != 1:
            continue
        entries = builder._domains.get(item.id, [])
        dur = builder.axis.units_up(item.duration)
        full = cp_model.Domain(0, max(0, builder.axis.horizon - dur))

        def empty(
            chosen: list[tuple[cp_model.Domain, Fact, str | None, object]],
            domain: cp_model.Domain = full,
        ) -> bool:
            for dom, *_ in chosen:
                domain = domain.intersection_with(dom)
            return bool(domain.is_empty())

        if not entries or not empty(entries):
            continue
        kept = list(entries)
        for entry in list(kept):
            trial = [e for e in kept if e is not entry]
            if empty(trial):
                kept = trial
        facts: list[Fact] = []
        for _dom, fact, _venue, also in kept:
            for found in (fact, by_lit.get(also.Index()) if also is not None else None):
                if found is not None and found not in facts:
                    facts.append(found)
        return facts
    return None


def _without_plan(visit: Visit, group: frozenset[str], require: frozenset[str]) -> bool:
    """Whether this part of the visit has no plan (its optional items may be dropped)."""
    builder = ModelBuilder(visit, only=group, require=require & group).build()
    if builder.infeasible_static:
        return True
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.stop_after_first_solution = True
    solver.parameters.max_time_in_seconds = 5.0
    return bool(run(solver, builder.model) == cp_model.INFEASIBLE)


def summarize(visit: Visit, facts: list[Fact]) -> list[str]:
    """Sentences that say why, where the facts have a familiar shape: one person at two
    fixed items with too little time to travel between them."""
    lines: list[str] = []
    attends: dict[str, list[str]] = {}
    for fact in facts:
        if fact.key.startswith("attends:"):
            _, pid, item_id = fact.key.split(":", 2)
            attends.setdefault(pid, []).append(item_id)
    for pid, item_ids in attends.items():
        if len(item_ids) != 2:
            continue
        a, b = (visit.item[i] for i in item_ids)
        if a.pinned and b.pinned:
            za, zb = visit.item_zone(a), visit.item_zone(b)
            sa, sb = a.pinned.resolve(za), b.pinned.resolve(zb)
            # compared in UTC: two times of one zone compare by their wall clocks, so the
            # second 02:30 of a night the clocks fall back would come before the first
            if sb.in_timezone("UTC") < sa.in_timezone("UTC"):
                a, b, sa, sb, za, zb = b, a, sb, sa, zb, za
            ea = sa.add(minutes=a.duration)
            va, vb = visit.venue[a.arrival_venue or a.venues[0]], visit.venue[b.venues[0]]
            travel = travel_minutes(visit.travel, va, vb)
            person = visit.person[pid].name
            head = (
                f"{person} must attend '{a.title}' (pinned {sa:%H:%M}–{ea:%H:%M} at {va.name}) "
                f"and '{b.title}' (pinned {sb:%H:%M} at {vb.name})"
            )
            gap = int((sb.in_timezone("UTC") - ea.in_timezone("UTC")).total_seconds() // 60)
            if gap < 0:
                lines.append(f"{head}, but the two overlap")
            elif travel is None:
                lines.append(f"{head}, but no road joins {va.name} and {vb.name}")
            elif va.id != vb.id:
                need = travel + b.holding_minutes
                hold = f" plus {b.holding_minutes} min holding" if b.holding_minutes else ""
                lines.append(
                    f"{head}, but the motorcade needs {travel} min between them{hold} "
                    f"({need} min; {gap} min are left)"
                )
    return lines


def render(explanation: Explanation, locate: Callable[[Path_], str]) -> str:
    """The explanation in the words of the visit file, each fact with its file:line:col."""
    if not explanation.facts:
        return f"No contradiction found: {explanation.note}."
    lines = ["No plan exists: these facts cannot all hold"]
    lines[0] += (
        " (dropping any one of them makes the rest possible):"
        if explanation.minimal
        else " (a set the solver could not shrink further in time):"
    )
    for fact in explanation.facts:
        lines.append(f"  {locate(fact.paths[0])}: {fact.text}")
    for sentence in explanation.summary:
        lines.append(f"Why: {sentence}.")
    return "\n".join(lines)
