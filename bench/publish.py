"""python -m bench.publish: what keeping the books of who saw what costs.

For one generated visit per size (bench.generator, seed 0): the first plan found, then

(a) merge: planner.plan.merge of that plan with one item moved a minute, which computes
    what every stream of readers is shown of every item and a digest of everything each
    reader receives (median of 5);
(b) plan file: writing and reading it back (its size too);
(c) export: planner.export.outputs.build, every file of the output folder.

No targets of its own: (a) counts against an edit's re-plan (bench/README.md, "edit
re-solve"), (c) against `planner generate`. Figures are wall times on a shared machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.generator import generate
from planner.export.outputs import build
from planner.model.clock import WallTime
from planner.plan import SolveInfo, merge, read_plan, write_plan
from planner.schedule.solve import solve


def _seconds(action: object) -> float:
    began = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - began


def run(size: str) -> dict[str, float]:
    visit = generate(size, 0).visit
    outcome = solve(visit, None, time_limit=30, stop_at_first=True)
    plan = outcome.plan
    assert plan is not None, f"no plan for {size}"
    first = next(p for p in plan.items if p.start is not None)
    assert first.start is not None
    minute = first.start.local.replace(minute=(first.start.local.minute + 1) % 60)
    moved = first.model_copy(update={"start": WallTime(minute)})
    items = [moved if p.id == first.id else p for p in plan.items]
    merges = [
        _seconds(lambda: merge(plan, visit, items, SolveInfo(status="bench"), "bench"))
        for _ in range(5)
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.plan.yaml"
        write = _seconds(lambda: write_plan(path, plan))
        size_kb = path.stat().st_size / 1024
        read = _seconds(lambda: read_plan(path))
    files: dict[str, bytes] = {}
    export = _seconds(lambda: files.update(build(visit, plan, None)))
    return {
        "items": len(visit.items),
        "people": len(visit.people),
        "merge": statistics.median(merges),
        "write": write,
        "read": read,
        "plan_kb": size_kb,
        "export": export,
        "files": len(files),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.publish", description=__doc__)
    parser.add_argument("--sizes", default="S,M,L", help="comma-separated sizes (S, M, L)")
    args = parser.parse_args(argv)
    columns = ["size", "items", "people", "merge (median of 5)", "plan file write / read"]
    columns += ["plan file", "export"]
    print("| " + " | ".join(columns) + " |")
    print("|---|---|---|---|---|---|---|")
    for size in args.sizes.split(","):
        r = run(size.strip())
        print(
            f"| {size} | {r['items']:.0f} | {r['people']:.0f} | {r['merge'] * 1000:.0f} ms "
            f"| {r['write'] * 1000:.0f} / {r['read'] * 1000:.0f} ms | {r['plan_kb']:.0f} KiB "
            f"| {r['export']:.2f} s ({r['files']:.0f} files) |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
