"""python -m bench.bounds: every verb within its time limit and memory, whatever the size.

    python -m bench.bounds [--time-limit 10] [--only NAME,…] [--keep DIR]

Each case is a visit file made here, each verb a fresh `planner` process (as a user runs
it): `check`, `solve`, `validate` (of the plan solve wrote), `move` (an edit of that
plan), `explain` and `generate`, with ``--time-limit`` where the verb takes one. For each
run: the wall time, the peak memory (the process's own high-water resident set, VmHWM), the
exit code and the verdict line. A run is *past its limit* when its wall time exceeds the
limit by more than GRACE seconds (reading, checking and writing the files of a visit of
thousands of items take a few seconds of their own); for `generate`, less the time its
outputs take, measured by a second run with the plan up to date (the limit bounds the
planning; writing hundreds of calendars is linear in their size). The targets of issue 9
§3 are "0 past the limit" and "≤ 1 GB for solve on a 5,000-item visit".

Cases:

- ``xl``: the generator's XL size, seed 0 (4,381 items over 6 days in three cities, feasible
  by construction);
- ``xl-5000``: XL seed 1 (4,955 items);
- ``xl-fault``: XL seed 0 with two items of one person pinned at overlapping times;
- ``crowd``: 3,000 items without windows over 6 days, 100 people, two each (one part of
  3,000 items: the per-person circuits would hold some 360,000 arcs);
- ``chain``: 1,500 items of one person, each ordered after the one before.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRACE = 5.0  # seconds beyond the limit a run may take (reading and writing the files)


@dataclass
class Run:
    case: str
    verb: str
    items: int
    seconds: float
    peak_mb: float
    code: int
    verdict: str
    limit: float | None
    export: float = 0.0  # seconds of it that writing the outputs takes (generate)

    @property
    def past(self) -> bool:
        return self.limit is not None and self.seconds - self.export > self.limit + GRACE


# the planner's command line, then the process's own peak (VmHWM) on a file named by its
# first argument: ru_maxrss from wait4 would count the parent's resident memory at the fork
# (this script holds the XL visits it generated: ~190 MB)
_CHILD = """
import os, sys
if os.environ.get("BOUNDS_PLANNER"):  # --planner: before this checkout (python -c's '')
    sys.path.insert(0, os.environ["BOUNDS_PLANNER"])
from planner.cli import main
peak_file = sys.argv.pop(1)
try:
    code = main(sys.argv[1:])
finally:
    try:
        with open("/proc/self/status") as status:
            peak = next(line.split()[1] for line in status if line.startswith("VmHWM"))
        with open(peak_file, "w") as out:
            out.write(peak)
    except OSError:
        pass
sys.exit(code)
"""


# the children's environment: --planner DIR runs another planner/ (a checkout of an older
# commit, for the figures before a change) on the same visits
_CHILD_ENV = dict(os.environ)


def run(argv: list[str], timeout: float) -> tuple[float, float, int, str]:
    """Wall seconds, peak MB, exit code and the last line of output of one process."""
    began = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile() as peak_file:
        proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, peak_file.name, *argv],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=_CHILD_ENV,
        )
        deadline = began + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - began
        out.seek(0)
        lines = [ln for ln in out.read().decode("utf-8", "replace").splitlines() if ln.strip()]
        written = Path(peak_file.name).read_text().strip()
        # killed at the deadline: what wait4 says (an upper bound)
        peak_mb = int(written) / 1024 if written else usage.ru_maxrss / 1024
    verdict = next(
        (
            ln
            for ln in reversed(lines)
            if ln.startswith(("Solve:", "Plan:", "plan valid", "Wrote", "No plan", "Nothing"))
            or "done;" in ln
            or ": valid" in ln
            or "invalid" in ln
        ),
        lines[-1] if lines else "",
    )
    return seconds, peak_mb, proc.returncode, verdict[:110]


# -- the cases ------------------------------------------------------------------------------


def _xl(seed: int, fault: str | None = None) -> Callable[[Path], int]:
    def make(path: Path) -> int:
        from bench import generator

        instance = generator.generate("XL", seed)
        if fault is not None:
            instance = generator.inject(instance, fault)
        path.write_text(generator.to_yaml(instance.visit), encoding="utf-8")
        return len(instance.visit.items)

    return make


def _plain_visit(items: list[dict[str, object]], people: int, days: int) -> dict[str, object]:
    start = date(2025, 6, 3)
    rng = random.Random(7)
    return {
        "schema_version": 1,
        "id": "bounds",
        "title": "A visit to test the bounds",
        "kind": "state",
        "host": {"code": "DE", "name": "Germany"},
        "guest": {"code": "FR", "name": "France"},
        "start": str(start),
        "end": str(start + timedelta(days=days - 1)),
        "timezone": "Europe/Berlin",
        "guest_home_timezone": "Europe/Paris",
        "cities": [{"id": "c", "name": "Berlin", "country": "DE", "timezone": "Europe/Berlin"}],
        "people": [
            {
                "id": f"p{n}",
                "name": f"Person {n}",
                "role": "principal" if n == 0 else "minister",
                "side": "guest",
                "precedence": n + 1,
            }
            for n in range(people)
        ],
        "venues": [
            {
                "id": f"v{n}",
                "name": f"Venue {n}",
                "city": "c",
                "lat": 52.5 + rng.random() * 0.1,
                "lon": 13.4 + rng.random() * 0.1,
            }
            for n in range(40)
        ],
        "items": items,
    }


def _crowd(path: Path) -> int:
    import json

    rng = random.Random(1)
    items = [
        {
            "id": f"i{n}",
            "title": f"Item {n}",
            "kind": "briefing",
            "duration": rng.choice([15, 30, 45]),
            "attendees": rng.sample([f"p{k}" for k in range(100)], 2),
            "venue": f"v{rng.randrange(40)}",
            "provenance": {"source": "assumed", "reason": "bounds"},
            **({"optional": True} if rng.random() < 0.1 else {}),
        }
        for n in range(3000)
    ]
    path.write_text(json.dumps(_plain_visit(items, 100, 6), indent=1), encoding="utf-8")
    return len(items)


def _chain(path: Path) -> int:
    import json

    items = [
        {
            "id": f"c{n}",
            "title": f"Chain item {n}",
            "kind": "briefing",
            "duration": 5,
            "attendees": ["p0"],
            "venue": "v0",
            "provenance": {"source": "assumed", "reason": "a long chain"},
            **({"order": [{"after": f"c{n - 1}"}]} if n else {}),
        }
        for n in range(1500)
    ]
    path.write_text(json.dumps(_plain_visit(items, 1, 6), indent=1), encoding="utf-8")
    return len(items)


CASES: dict[str, Callable[[Path], int]] = {
    "xl": _xl(0),
    "xl-5000": _xl(1),
    "xl-fault": _xl(0, "overlapping-pins"),
    "crowd": _crowd,
    "chain": _chain,
}


def _movable(visit_file: Path) -> tuple[str, str] | None:
    """An unpinned scheduled item of the plan and a time 15 minutes later."""
    from datetime import timedelta as td

    from planner.plan import Status, plan_path, read_plan
    from planner.visitfile import load_visit

    plan_file = plan_path(visit_file)
    if not plan_file.is_file():
        return None
    visit = load_visit(visit_file).visit
    plan = read_plan(plan_file)
    for planned in plan.items:
        item = visit.item.get(planned.id)
        if item and not item.pinned and planned.status is Status.SCHEDULED and planned.start:
            later = planned.start.local + td(minutes=15)
            return planned.id, later.strftime("%Y-%m-%d %H:%M")
    return None


def bench_case(name: str, folder: Path, limit: float) -> list[Run]:
    from planner.plan import plan_path

    path = folder / f"{name}.yaml"
    items = CASES[name](path)
    plan_path(path).unlink(missing_ok=True)  # of an earlier run (of another planner, say)
    runs: list[Run] = []
    budget = limit * 4 + 120  # a run is killed after this (counted past its limit)

    def verb(label: str, argv: list[str], timed: bool = True) -> None:
        seconds, peak, code, verdict = run(argv, budget)
        runs.append(Run(name, label, items, seconds, peak, code, verdict, limit if timed else None))
        print(
            f"  {name:9} {label:14} {seconds:7.1f} s {peak:7.0f} MB  exit {code}  {verdict}",
            flush=True,
        )

    tl = ["--time-limit", f"{limit:g}"]
    verb("check", ["check", "--quiet", str(path)], timed=False)
    verb("solve", ["solve", str(path), *tl])
    verb("validate", ["validate", str(path)], timed=False)
    moving = _movable(path)
    if moving is not None:
        verb("move", ["move", str(path), moving[0], "--to", moving[1], *tl])
    verb("explain", ["explain", str(path), *tl])
    # generate twice: solving (no plan file) and with the plan up to date, which is the
    # time its outputs take (hundreds of calendars: not bounded by the limit, which bounds
    # the planning; the first run counts as past the limit when its planning is)
    plan_path(path).unlink(missing_ok=True)
    out = ["generate", str(path), "-o", str(folder / f"{name}-out"), *tl]
    verb("generate", out)
    verb("generate again", out, timed=False)
    if runs[-1].code == 0 and runs[-2].code == 0:
        runs[-2].export = runs[-1].seconds
    return runs


def table(runs: list[Run], limit: float) -> str:
    lines = [
        f"| case | items | verb | wall (limit {limit:g} s) | peak memory | exit | past the limit |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        past = "—" if r.limit is None else ("**yes**" if r.past else "no")
        wall = f"{r.seconds:.1f} s" + (f" ({r.export:.1f} s outputs)" if r.export else "")
        lines.append(
            f"| {r.case} | {r.items:,} | {r.verb} | {wall} | {r.peak_mb:.0f} MB | "
            f"{r.code} | {past} |"
        )
    timed = [r for r in runs if r.limit is not None]
    solves = [r for r in runs if r.verb == "solve"]
    lines.append("")
    lines.append(
        f"{sum(r.past for r in timed)} of {len(timed)} timed runs past their limit "
        f"(+{GRACE:g} s); peak memory of solve: {max((r.peak_mb for r in solves), default=0):.0f} "
        f"MB; largest of any run: {max((r.peak_mb for r in runs), default=0):.0f} MB"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bounds", description=__doc__)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--only", help="cases, comma-separated: " + ", ".join(CASES))
    parser.add_argument("--keep", metavar="DIR", help="keep the visit files and outputs here")
    parser.add_argument(
        "--planner",
        metavar="DIR",
        help="run the planner of this checkout (e.g. a git worktree of an older commit)",
    )
    args = parser.parse_args(argv)
    if args.planner:
        _CHILD_ENV["BOUNDS_PLANNER"] = str(Path(args.planner).resolve())
    names = [n.strip() for n in args.only.split(",")] if args.only else list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}")
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bounds-"))
    folder.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    runs: list[Run] = []
    for name in names:
        print(f"{name}:", flush=True)
        runs += bench_case(name, folder, args.time_limit)
    print()
    print(table(runs, args.time_limit))
    print(f"\n(bounds benchmark wall time {time.perf_counter() - began:.0f} s; files in {folder})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
