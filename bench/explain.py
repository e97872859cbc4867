"""python -m bench.explain: how fast, small and checkable the explanations of "no plan" are.

    python -m bench.explain [--quick] [--json FILE]

Cases, each a visit with one conflict only the scheduler finds (``bench.generator``):

- S (2 days, 30-60 items) and M (3 days, 150-200 items): the generator's visits;
- ST (5 days, 2 cities, 40-60 items) and MT (6 days, 3 cities, 150-200 items): tours
  written as a new user would (``loosen``: items on their day, no windows), so that the
  visit no longer splits into days;

with a fault injected: ``overlapping-pins`` (two items of a person pinned at once) and
``short-journey`` (two consecutive items pinned too close for the journey); and, on the
tours, an infeasible edit as the terminal UI makes it: an item of a person pinned onto
another pinned item of theirs, re-planned against the plan made before (only the part it
touches is solved again).

Each case is timed from the call of ``solve`` (or the edit's re-plan) to the returned
explanation: the time a protocol officer waits. Every explanation is then checked, outside
the timing, by brute force on the whole visit: its facts cannot all hold, and with any one
left out the rest can (exactly these facts, no other). Targets (issue 9): an irreducible
explanation in <= 1 s for visits up to 60 items and <= 3 s up to 200; never one that is
not minimal when a minimal one exists within the limit.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

from bench.generator import Instance, generate, inject, loosen, replace_items
from bench.report import machine, markdown_table
from planner.model import Visit
from planner.model.consistency import check
from planner.model.items import ItemKind
from planner.plan import Plan, Status
from planner.schedule.cpmodel import ModelBuilder
from planner.schedule.solve import solve

ROOT = Path(__file__).resolve().parent.parent
TIME_LIMIT = 60.0


@dataclass
class Case:
    size: str
    seed: int
    kind: str  # the fault, or 'edit'
    items: int
    seconds: float  # from the call of solve to the explanation
    explaining: float  # of which the explanation (after solve found a part without plan)
    facts: int
    minimal: bool  # as the explanation says
    irreducible: bool | None  # checked here (None: not checked)
    named: bool  # names the injected items
    note: str = ""


@dataclass
class Row:
    label: str
    cases: list[Case] = field(default_factory=list)


def holds(visit: Visit, keys: set[str], builder: ModelBuilder | None = None) -> bool | None:
    """Whether exactly the facts ``keys`` can hold (no other fact does), on the whole
    visit's explain-mode model; None when the solver does not decide within 60 s."""
    builder = builder or ModelBuilder(visit, explain=True).build()
    model = builder.model
    model.clear_assumptions()
    model.add_assumptions([f.lit if k in keys else ~f.lit for k, f in builder.facts.items()])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 60
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return False
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    return None


def irreducible(visit: Visit, keys: set[str]) -> bool | None:
    builder = ModelBuilder(visit, explain=True).build()
    if not keys <= set(builder.facts):
        return None
    if holds(visit, keys, builder) is not False:
        return False
    results = [holds(visit, keys - {k}, builder) for k in sorted(keys)]
    if any(r is None for r in results):
        return None
    return all(results)


def _case(size: str, seed: int, kind: str, visit: Visit, moved: str, run: Any) -> Case:
    began = time.perf_counter()
    outcome = run()
    seconds = time.perf_counter() - began
    explanation = outcome.explanation
    if outcome.plan is not None or explanation is None or not explanation.facts:
        note = outcome.status if explanation is None else explanation.note
        return Case(size, seed, kind, len(visit.items), seconds, 0.0, 0, False, None, False, note)
    keys = {f.key for f in explanation.facts}
    # the item the fault or the edit moved: any conflict it made involves it (the other
    # item of the fault is named when that is the conflict found; a moved item can
    # also clash with something else of its day, a conflict just as real)
    named = moved in {i for f in explanation.facts for i in f.items}
    return Case(
        size,
        seed,
        kind,
        len(visit.items),
        seconds,
        explanation.seconds,
        len(keys),
        explanation.minimal,
        irreducible(visit, keys),
        named,
    )


def fault_case(instance: Instance, kind: str) -> Case:
    faulty = inject(instance, kind)
    assert faulty.fault is not None
    visit = faulty.visit
    return _case(
        instance.size,
        instance.seed,
        kind,
        visit,
        faulty.fault.items[-1],
        lambda: solve(visit, time_limit=TIME_LIMIT),
    )


def _edit(visit: Visit, plan: Plan) -> tuple[str, str, Visit] | None:
    """An item pinned onto another pinned item of one of its attendees, at another venue
    of the same city, the file checker accepting it: (the pinned one, the edited one,
    the edited visit)."""
    for a in visit.items:
        if a.pinned is None or a.kind is ItemKind.FLIGHT:
            continue
        for b in visit.items:
            planned = plan.item(b.id)
            if (
                b.id == a.id
                or b.pinned
                or b.optional
                or b.kind is ItemKind.FLIGHT
                or b.order
                or any(o.other == b.id for i in visit.items for o in i.order)
                or not set(b.attendees) & set(a.attendees)
                or b.venues == a.venues
                or planned is None
                or planned.status is not Status.SCHEDULED
            ):
                continue
            va, vb = visit.venue[a.venues[0]], visit.venue[b.venues[0]]
            if va.city != vb.city:
                continue
            moved = b.model_copy(update={"pinned": a.pinned, "window": None, "days": ()})
            edited = replace_items(visit, moved)
            if not [p for p in check(edited) if p.severity == "error"]:
                return a.id, b.id, edited
    return None


def edit_case(instance: Instance) -> Case | None:
    visit = instance.visit
    plan = solve(visit, time_limit=10.0).plan
    if plan is None:
        return None
    found = _edit(visit, plan)
    if found is None:
        return None
    _a, b, edited = found
    return _case(
        instance.size,
        instance.seed,
        "edit",
        edited,
        b,
        lambda: solve(
            edited,
            plan,
            time_limit=TIME_LIMIT,
            edited=frozenset({b}),
            unchanged_except=frozenset({b}),
        ),
    )


def run(quick: bool) -> list[Row]:
    seeds = {"S": range(3 if quick else 10), "M": range(1 if quick else 3)}
    seeds["ST"] = seeds["S"]
    seeds["MT"] = seeds["M"]
    rows: list[Row] = []
    for size in ("S", "ST", "M", "MT"):
        tour = size.endswith("T")
        by_kind: dict[str, Row] = {}
        for seed in seeds[size]:
            instance = generate(size, seed)
            if tour:
                instance = loosen(instance)
            kinds: list[str] = ["overlapping-pins", "short-journey"]
            for kind in kinds:
                case = fault_case(instance, kind)
                by_kind.setdefault(kind, Row(f"{size} {kind}")).cases.append(case)
                print(f"  {_line(case)}", file=sys.stderr, flush=True)
            if tour:
                case = edit_case(instance)
                if case is not None:
                    by_kind.setdefault("edit", Row(f"{size} infeasible edit")).cases.append(case)
                    print(f"  {_line(case)}", file=sys.stderr, flush=True)
        rows.extend(by_kind.values())
    return rows


def _line(case: Case) -> str:
    return (
        f"{case.size} seed {case.seed} {case.kind}: {case.items} items, {case.seconds:.2f} s "
        f"(explaining {case.explaining:.2f} s), "
        f"{case.facts} facts, minimal {case.minimal}, irreducible {case.irreducible}, "
        f"names the moved item {case.named} {case.note}"
    )


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def table(rows: Sequence[Row]) -> str:
    head = [
        "case",
        "items",
        "median",
        "max",
        "explaining, max",
        "facts",
        "minimal",
        "irreducible (checked)",
        "names the moved item",
        "target",
    ]
    body = []
    for row in rows:
        cases = row.cases
        times = [c.seconds for c in cases]
        n = len(cases)
        largest = max(c.items for c in cases)
        body.append(
            [
                row.label,
                f"{min(c.items for c in cases)}–{largest}",
                _fmt(statistics.median(times)),
                _fmt(max(times)),
                _fmt(max(c.explaining for c in cases)),
                f"{min(c.facts for c in cases)}–{max(c.facts for c in cases)}",
                f"{sum(c.minimal for c in cases)}/{n}",
                f"{sum(c.irreducible is True for c in cases)}/{n}",
                f"{sum(c.named for c in cases)}/{n}",
                "≤ 1 s" if largest <= 60 else "≤ 3 s",
            ]
        )
    return markdown_table(head, body)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.explain", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer seeds")
    parser.add_argument("--json", metavar="FILE", help="also write every case as JSON")
    args = parser.parse_args(argv)
    print(f"# {machine()}", flush=True)
    solve(generate("S", 99).visit, time_limit=5.0)  # warm up: the first solve of the process
    began = time.perf_counter()
    rows = run(args.quick)
    print(table(rows))
    print(f"\n(benchmark wall time {time.perf_counter() - began:.0f} s)")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"machine": machine(), "cases": [c.__dict__ for r in rows for c in r.cases]},
                indent=2,
            )
        )
    bad = [c for r in rows for c in r.cases if c.irreducible is False or not c.named]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
