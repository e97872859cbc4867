"""The scheduler benchmark: planted-solution instances of sizes S, M and L, one table.

    python -m bench [--quick] [--sizes S,M,L] [--json FILE]

Every plan the solver returns is checked by the independent validator
(planner.validate); a plan it rejects counts as a failure, never as a result. Timings
are wall-clock seconds on this machine; the machine and the commit are printed first.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.generator import FAULTS, Instance, generate, inject, replace_items
from bench.report import machine, markdown_table
from planner.model import Visit
from planner.model.consistency import check
from planner.plan import Plan, Status
from planner.schedule.explain import explain
from planner.schedule.solve import solve
from planner.validate import validate_plan

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "fixtures" / "herzog-azerbaijan-2023.yaml"


@dataclass
class SizeResult:
    size: str
    items: list[int] = field(default_factory=list)
    first: list[float] = field(default_factory=list)
    optimum: list[float | None] = field(default_factory=list)  # None: not proven
    gap10: list[float] = field(default_factory=list)
    gap60: list[float] = field(default_factory=list)
    edit_seconds: list[float] = field(default_factory=list)
    edit_proven: list[bool] = field(default_factory=list)
    edit_moved: list[int] = field(default_factory=list)
    edit_infeasible: int = 0
    infeasible: list[dict[str, Any]] = field(default_factory=list)
    invalid_plans: int = 0
    peak_mb: float | None = None


def _valid(visit: Visit, plan: Plan | None, result: SizeResult) -> bool:
    if plan is None:
        return False
    errors = [v for v in validate_plan(visit, plan) if v.severity == "error"]
    if errors:
        result.invalid_plans += 1
        print(f"  INVALID PLAN ({len(errors)} violations): {errors[0]}", file=sys.stderr)
        return False
    return True


def _edits(
    instance: Instance, plan: Plan, count: int, rng: random.Random
) -> list[tuple[str, Visit]]:
    """Up to ``count`` edits: an unpinned item pinned 15, 30 or 60 minutes from its
    planned start, where the visit stays consistent."""
    visit = instance.visit
    candidates = [
        p
        for p in plan.items
        if p.status is Status.SCHEDULED
        and not visit.item[p.id].pinned
        and not visit.item[p.id].optional
        and visit.item[p.id].kind.value != "flight"
    ]
    rng.shuffle(candidates)
    edits: list[tuple[str, Visit]] = []
    for planned in candidates:
        if len(edits) >= count:
            break
        start = planned.start_at()
        if start is None or planned.timezone is None:
            continue
        for delta in rng.sample([15, -15, 30, -30, 60, -60], 6):
            moved = start + timedelta(minutes=delta)
            wall = moved.in_timezone(planned.timezone).naive()
            from planner.model.clock import WallTime

            item = visit.item[planned.id].model_copy(update={"pinned": WallTime(wall)})
            edited = replace_items(visit, item)
            if not [p for p in check(edited) if p.severity == "error"]:
                edits.append((planned.id, edited))
                break
    return edits


def _contains_fault(instance: Instance, facts: Sequence[Any]) -> bool:
    fault = instance.fault
    if fault is None:
        return False
    named = {i for f in facts for i in f.items}
    return set(fault.items) <= named


def run_size(
    size: str,
    seeds: Sequence[int],
    edits_per_seed: int,
    long_limit: float,
    faults: Sequence[str],
    make: Callable[[str, int], Instance] = generate,
) -> SizeResult:
    result = SizeResult(size)
    for seed in seeds:
        instance = make(size, seed)
        result.size = instance.size
        visit = instance.visit
        result.items.append(len(visit.items))
        # first feasible plan
        first = solve(visit, time_limit=long_limit, stop_at_first=True)
        if _valid(visit, first.plan, result):
            result.first.append(first.seconds)
        # optimum, or the gap after 10 s and after the long limit
        short = solve(visit, time_limit=10.0)
        if not _valid(visit, short.plan, result):
            continue
        assert short.plan is not None
        result.optimum.append(short.seconds if short.status == "optimal" else None)
        result.gap10.append(short.gap or 0.0)
        if short.status == "optimal":
            result.gap60.append(0.0)
            plan = short.plan
        else:
            long = solve(visit, time_limit=long_limit)
            if _valid(visit, long.plan, result) and long.plan is not None:
                result.gap60.append(long.gap or 0.0)
                plan = long.plan
            else:
                plan = short.plan
        # edits: move one item, re-plan with the fewest changes
        rng = random.Random(f"bench-edits/{size}/{seed}")
        for item_id, edited in _edits(instance, plan, edits_per_seed, rng):
            began = time.perf_counter()
            outcome = solve(
                edited,
                plan,
                time_limit=10.0,
                edited=frozenset({item_id}),
                unchanged_except=frozenset({item_id}),
            )
            seconds = time.perf_counter() - began
            if outcome.plan is None:
                result.edit_infeasible += 1
                continue
            if _valid(edited, outcome.plan, result):
                result.edit_seconds.append(seconds)
                result.edit_proven.append(bool(outcome.fewest_moves_proven))
                result.edit_moved.append(len(outcome.moved))
        # infeasible variants: detection and explanation
        for kind in faults:
            faulty = inject(instance, kind)
            began = time.perf_counter()
            checker_errors = [p for p in check(faulty.visit) if p.severity == "error"]
            checked = time.perf_counter() - began
            began = time.perf_counter()
            if checker_errors:
                explanation = explain(faulty.visit, time_limit=10.0)
                status = "refused by the file checker"
            else:
                outcome = solve(faulty.visit, time_limit=10.0)
                explanation = outcome.explanation
                status = outcome.status
            seconds = time.perf_counter() - began
            facts = explanation.facts if explanation else []
            result.infeasible.append(
                {
                    "fault": kind,
                    "seed": seed,
                    "status": status,
                    "check_seconds": round(checked, 3),
                    "seconds": round(seconds, 3),
                    "facts": len(facts),
                    "items": len({i for f in facts for i in f.items}),
                    "minimal": bool(explanation and explanation.minimal),
                    "contains_fault": _contains_fault(faulty, facts),
                }
            )
        print(f"  {size} seed {seed}: {len(visit.items)} items done", file=sys.stderr)
    return result


def peak_memory_mb(size: str, seed: int) -> float:
    """Peak resident memory of a fresh process that generates and solves one instance."""
    code = (
        "import resource, sys\n"
        "from bench.generator import generate\n"
        "from planner.schedule.solve import solve\n"
        f"solve(generate({size!r}, {seed}).visit, time_limit=10)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def cold_start(runs: int = 5) -> list[float]:
    """Process start to printed plan: `planner solve` on the reference visit."""
    times = []
    planner = Path(sys.executable).with_name("planner")
    command = [str(planner)] if planner.exists() else [sys.executable, "-m", "planner.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(runs):
            plan = Path(tmp) / f"p{n}.plan.yaml"
            began = time.perf_counter()
            subprocess.run(
                [*command, "solve", str(REFERENCE), "--plan", str(plan)],
                capture_output=True,
                check=True,
            )
            times.append(time.perf_counter() - began)
    return times


def _pct(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _fmt(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "%":
        return f"{value * 100:.2f} %"
    return f"{value:.0f} {unit}"


def table(results: list[SizeResult], cold: list[float]) -> str:
    rows: list[tuple[str, list[str], str]] = []

    def row(name: str, cells: list[str], target: str) -> None:
        rows.append((name, cells, target))

    row("items (per seed)", [", ".join(map(str, r.items)) for r in results], "")
    row(
        "first feasible plan, max",
        [_fmt(max(r.first, default=None)) for r in results],
        "S ≤ 100 ms, M ≤ 0.5 s, L ≤ 2 s",
    )
    row(
        "first feasible plan, median",
        [_fmt(statistics.median(r.first) if r.first else None) for r in results],
        "",
    )
    proven = []
    for r in results:
        got = [t for t in r.optimum if t is not None]
        proven.append(f"{len(got)}/{len(r.optimum)} seeds, max {_fmt(max(got, default=None))}")
    row("proven optimum within 10 s", proven, "S: every seed ≤ 1 s")
    row("gap at 10 s, max", [_fmt(max(r.gap10, default=None), "%") for r in results], "")
    row(
        "gap at the long limit, max",
        [_fmt(max(r.gap60, default=None), "%") for r in results],
        "M ≤ 1 %, L ≤ 2 % (60 s)",
    )
    row("edit re-solve p50", [_fmt(_pct(r.edit_seconds, 0.5)) for r in results], "")
    row(
        "edit re-solve p95",
        [_fmt(_pct(r.edit_seconds, 0.95)) for r in results],
        "S ≤ 250 ms, M ≤ 0.5 s, L ≤ 2 s",
    )
    row(
        "edits with fewest moves proven",
        [
            f"{sum(r.edit_proven)}/{len(r.edit_proven)}"
            + (f" ({sum(r.edit_proven) / len(r.edit_proven) * 100:.0f} %)" if r.edit_proven else "")
            for r in results
        ],
        "S 100 %, M ≥ 95 %, L ≥ 90 %",
    )
    row(
        "other items moved per edit, mean",
        [f"{statistics.mean(r.edit_moved):.2f}" if r.edit_moved else "—" for r in results],
        "",
    )
    row("edits with no plan (skipped)", [str(r.edit_infeasible) for r in results], "")
    for kind in FAULTS:
        cells = []
        for r in results:
            runs = [x for x in r.infeasible if x["fault"] == kind]
            if not runs:
                cells.append("—")
                continue
            worst = max(x["seconds"] for x in runs)
            facts = max(x["facts"] for x in runs)
            items = max(x["items"] for x in runs)
            hit = sum(x["contains_fault"] for x in runs)
            minimal = sum(x["minimal"] for x in runs)
            cells.append(
                f"{_fmt(worst)}, ≤{facts} facts on ≤{items} items, fault {hit}/{len(runs)}, "
                f"minimal {minimal}/{len(runs)}"
            )
        row(
            f"infeasible ({kind}): explained", cells, "S ≤ 1 s, ≤ 5 items, 100 %; M ≤ 3 s; L ≤ 10 s"
        )
    row("peak memory (one solve)", [_fmt(r.peak_mb, "MB") for r in results], "S ≤ 300 MB")
    row("plans rejected by the validator", [str(r.invalid_plans) for r in results], "0")
    header = ["metric", *[r.size for r in results], "target"]
    body = [[name, *cells, target] for name, cells, target in rows]
    body.append(
        [
            "cold start, reference visit (median of 5)",
            _fmt(statistics.median(cold)),
            *[""] * (len(results) - 1),
            "≤ 1.5 s",
        ]
    )
    return markdown_table(header, body)


def _tour(size: str, seed: int) -> Instance:
    from bench.tours import tour

    return tour(size, seed)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer seeds and shorter limits")
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--json", metavar="FILE", help="also write the raw figures as JSON")
    parser.add_argument(
        "--tours",
        action="store_true",
        help="the same sizes as tours: a leg per city, trains, lodging, rush hours, a leg "
        "through a landing zone, legs slower in some hours (bench/tours.py)",
    )
    args = parser.parse_args(argv)
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    plan = {
        "S": (range(10), 20, 10.0, FAULTS),
        "M": (range(3), 10, 60.0, FAULTS),
        "L": (range(2), 5, 60.0, ("overlapping-pins",)),
    }
    if args.quick:
        plan = {
            "S": (range(3), 5, 5.0, FAULTS),
            "M": (range(1), 3, 10.0, ("overlapping-pins",)),
            "L": (range(1), 2, 10.0, ("overlapping-pins",)),
        }
    # tours of two or three legs at the sizes of S and M (bench/generator.py ST, MT)
    plan["ST"] = (range(3 if args.quick else 10), 5, 10.0, ("overlapping-pins",))
    plan["MT"] = (range(1 if args.quick else 3), 3, 10.0, ("overlapping-pins",))
    print(f"# {machine()}", flush=True)
    solve(generate("S", 99).visit, time_limit=5.0)  # warm up: first solve of the process
    began = time.perf_counter()
    results = []
    for size in sizes:
        seeds, edits, limit, faults = plan[size]
        print(f"running {size}…", file=sys.stderr)
        make = _tour if args.tours else generate
        result = run_size(size, list(seeds), edits, limit, faults, make)
        result.peak_mb = None if args.tours else peak_memory_mb(size, 0)
        results.append(result)
    cold = cold_start()
    print(table(results, cold))
    print(f"\n(benchmark wall time {time.perf_counter() - began:.0f} s)")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "machine": machine(),
                    "results": [r.__dict__ for r in results],
                    "cold_start": cold,
                },
                indent=2,
                default=str,
            )
        )
    failures = sum(r.invalid_plans for r in results)
    return 1 if failures else 0
