"""python -m bench.tui: how fast the terminal UI answers.

(a) first screen: from starting a process to the first frame of the reference visit
    painted (Textual's Ready event; headless, 80×24), with its plan file beside it, and
    without one (the first frame comes before the plan; "plan shown" is when it is);
(b) edit: from the key that nudges an item 15 min later (or earlier) to the re-planned
    screen (Pilot, 120×40), on the reference and on a 200-item visit (the generator's size
    M, seed 13: 200 items, 30 people, 20 venues). Every edit is timed, the first too: the
    app parses the visit for editing and loads the solver in the background after its
    first screen, and the bench waits for that as a person reading the screen would.

Targets: (a) ≤ 1 s; (b) ≤ 300 ms on the reference, ≤ 1 s on the 200-item visit.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "fixtures" / "herzog-azerbaijan-2023.yaml"
LARGE = ("M", 13)  # bench.generator size and seed of a visit of exactly 200 items

_CHILD = """
import sys, time
began = float(sys.argv[2])
from pathlib import Path
from planner.session import Session
from tui.app import PlannerApp
from tui.editing import Planned

class Timed(PlannerApp):
    def on_ready(self) -> None:
        print(f"painted {time.time() - began:.3f}", flush=True)
        if not self.session.needs_plan:
            self.exit()

    def on_planned(self, message: Planned) -> None:
        super().on_planned(message)
        self.call_after_refresh(self._shown)

    def _shown(self) -> None:
        print(f"plan shown {time.time() - began:.3f}", flush=True)
        self.exit()

app = Timed(Session.open(Path(sys.argv[1])), theme="textual-dark")
app.run(headless=True, size=(80, 24))
sys.exit(app.return_code or 0)
"""


def first_screen(visit: Path, runs: int) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    for _ in range(runs):
        began = time.time()
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(visit), repr(began)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        for line in done.stdout.splitlines():
            what, _, seconds = line.rpartition(" ")
            found.setdefault(what, []).append(float(seconds))
    return found


async def _edits(visit: Path, item: str, runs: int) -> list[float]:
    from planner.session import Session
    from tui.app import PlannerApp

    app = PlannerApp(Session.open(visit), theme="textual-dark")
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.select(item)
        for n in range(runs):
            key = "greater_than_sign" if n % 2 == 0 else "less_than_sign"
            began = time.perf_counter()
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
            times.append(time.perf_counter() - began)
            if app.last_error:
                raise SystemExit(f"the edit was refused: {app.last_error}")
    return times


def edit_times(visit: Path, item: str, runs: int) -> list[float]:
    return asyncio.run(_edits(visit, item, runs))


def _prepared(source: Path, folder: Path) -> Path:
    from planner.session import Session

    folder.mkdir(parents=True, exist_ok=True)
    visit = folder / source.name
    shutil.copy(source, visit)
    session = Session.open(visit, lock=False)
    if session.needs_plan:
        assert session.adopt(session.first_plan())
        session.save()
    return visit


def _ms(values: list[float]) -> str:
    return (
        f"median {statistics.median(values) * 1000:.0f} ms "
        f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f}, n={len(values)})"
    )


def main() -> int:
    runs = 7
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        reference = _prepared(REFERENCE, folder / "ref")
        bare = folder / "bare"
        bare.mkdir()
        shutil.copy(REFERENCE, bare / REFERENCE.name)
        print("(a) process start to first painted screen (target ≤ 1 s)")
        for what, values in first_screen(reference, runs).items():
            print(f"  reference, plan file beside it: {what}: {_ms(values)}")
        for what, values in first_screen(bare / REFERENCE.name, runs).items():
            print(f"  reference, no plan file yet: {what}: {_ms(values)}")
        print("(b) nudge key to re-planned screen")
        ref_times = edit_times(reference, "wreath-alley-of-martyrs", runs)
        print(f"  reference (target ≤ 300 ms): {_ms(ref_times)}")
        from bench.generator import generate, to_yaml
        from planner.session import Session

        size, seed = LARGE
        instance = generate(size, seed)
        assert len(instance.visit.items) == 200, len(instance.visit.items)
        source = folder / "large-source.yaml"
        source.write_text(to_yaml(instance.visit), encoding="utf-8")
        large = _prepared(source, folder / "large")
        session = Session.open(large, lock=False)
        assert session.plan is not None
        movable = next(
            p.id for p in session.plan.items if p.start is not None and not session.is_pinned(p.id)
        )
        large_times = edit_times(large, movable, runs)
        print(f"  200-item visit, item {movable} (target ≤ 1 s): {_ms(large_times)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
