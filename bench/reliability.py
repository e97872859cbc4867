"""python -m bench.reliability: nothing lost, counted (issue 9 §2).

Kills ``planner move``, the terminal UI's save and ``planner generate`` with SIGKILL at
random moments, and runs pairs of edits of one visit at the same moment; then checks the
files as the next program to open them finds them, and prints counts.

- **kill -9**: each trial forks this prepared process (planner and the solver imported
  once: a fork costs about a millisecond, a new Python a second) and kills the child
  either at a uniformly random moment of its whole run, or at a uniformly random moment
  of its write (after it reports ``pair.begin`` / ``tree.begin`` through
  ``PLANNER_TRACE_FD``, see planner/crashpoint.py), alternately. A trial where the child
  ends before the kill is not counted as a kill; trials go on until the number of kills
  is reached. Then what the next writer does is done (``planner.journal.consistent``,
  ``recover_tree``) and the files are checked:

  - *missing*: the visit, the plan or the output folder is not there (for ``generate``,
    also looked at right after the kill, before anything is put right);
  - *corrupt*: a file that does not read (the visit or plan fails to load, an output
    file does not parse, the output folder lacks files);
  - *mixed*: a visit and a plan from two different edits (the plan's fingerprint is not
    the visit's);
  - *lost*: an edit the child reported done (``done;`` / ``saved`` / ``Wrote`` printed)
    that is not on disk;
  - *leftovers*: temporary files, journals, lock files or staging folders still there.

  An edit not reported may be either fully there (*present*) or fully absent.
- **concurrent pairs**: two children released at the same instant, each editing another
  item of the same visit: ``move`` + ``move`` (both must land, or one be refused with a
  non-zero exit), and ``move`` + the terminal UI's save of an edit made before (the save
  is refused when the move came first, or the move applies on top of it; every other
  pair, the save starts 50 ms ahead).

Options: ``--kills N`` (per verb, default 100), ``--pairs N`` (per kind, default 50),
``--seed S``, ``--uniform`` (kill at uniform moments only: for code without the trace
hook), ``--json PATH`` ("-" prints JSON instead of the table). Runs on the reference
visit in a scratch folder; about 6 minutes with the defaults on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "fixtures" / "herzog-azerbaijan-2023.yaml"

MOVE_ITEM = "community-meeting"  # 31 May; any of these starts has a plan
MOVE_TIMES = [f"2023-05-31 {t}" for t in ("10:00", "10:15", "10:30", "10:45", "11:00")]
OTHER_ITEM = "wreath-alley-of-martyrs"  # 30 May: independent of the first
OTHER_TIMES = [f"2023-05-30 {t}" for t in ("17:15", "17:30", "17:45", "18:00")]
SAVE_NUDGE = 5  # minutes the terminal UI's edit moves OTHER_ITEM (later, then earlier)
DURATIONS = ("duration: 60", "duration: 55")  # MOVE_ITEM's, switched before each generate


def _warm() -> None:
    """Import everything a child will use, so that each fork starts warm."""
    import planner.cli
    import planner.export.documents
    import planner.export.ical
    import planner.pipeline
    import planner.schedule.edits
    import planner.schedule.explain
    import planner.schedule.solve
    import planner.session
    import planner.validate  # noqa: F401


# -- children ----------------------------------------------------------------------------


@dataclass
class Run:
    status: int  # exit status; -9 when killed
    out: str  # what it printed
    trace: list[str]  # the points it reached (planner.crashpoint)
    seconds: float
    reached: dict[str, float] = field(default_factory=dict)  # point: seconds after the fork

    @property
    def killed(self) -> bool:
        return self.status == -signal.SIGKILL


@dataclass
class Kill:
    """When to kill a child: ``at`` seconds after the fork, or ``delay`` seconds after it
    reaches ``point``."""

    at: float | None = None
    point: str | None = None
    delay: float = 0.0


_GATE: list[int] = []  # in a child: the trace and gate descriptors (see wait_gate)


def wait_gate() -> None:
    """In a child: say it is ready and wait until the parent releases it."""
    trace, gate = _GATE
    os.write(trace, b"ready\n")
    os.read(gate, 1)


class Child:
    """A forked child running ``job``; with ``gated``, it first waits until released (a
    job may also call ``wait_gate`` itself, once it is ready)."""

    def __init__(
        self, job: Callable[[], int], *, env: dict[str, str] | None = None, gated: bool = False
    ) -> None:
        self.trace_r, trace_w = os.pipe()
        self.out_r, out_w = os.pipe()
        gate_r, self.gate_w = os.pipe()
        self.started = time.monotonic()
        pid = os.fork()
        if pid == 0:  # the child
            code = 99
            try:
                os.close(self.trace_r)
                os.close(self.out_r)
                os.close(self.gate_w)
                os.environ.update(env or {})
                os.environ["PLANNER_TRACE_FD"] = str(trace_w)
                os.dup2(out_w, 1)
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 2)
                sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115 (a terminal's)
                sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
                _GATE[:] = [trace_w, gate_r]
                if gated:
                    wait_gate()
                code = job()
                sys.stdout.flush()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                code = 98
            os._exit(code)
        os.close(trace_w)
        os.close(out_w)
        os.close(gate_r)
        self.pid = pid
        self.trace: list[str] = []
        self.out = b""
        self.status: int | None = None
        self.reached: dict[str, float] = {}
        self._partial = b""

    def release(self) -> None:
        os.write(self.gate_w, b"g")

    def _read(self, timeout: float) -> None:
        fds = [fd for fd in (self.trace_r, self.out_r) if fd >= 0]
        if not fds:
            time.sleep(timeout)
            return
        ready, _, _ = select.select(fds, [], [], timeout)
        for fd in ready:
            data = os.read(fd, 65536)
            if fd == self.out_r:
                if data:
                    self.out += data
                else:
                    os.close(fd)
                    self.out_r = -1
            elif data:
                self._partial += data
                *lines, self._partial = self._partial.split(b"\n")
                for line in lines:
                    name = line.decode()
                    self.reached.setdefault(name, time.monotonic() - self.started)
                    self.trace.append(name)
            else:
                os.close(fd)
                self.trace_r = -1

    def wait_for(self, point: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while point not in self.trace:
            if time.monotonic() > deadline or self.poll():
                raise RuntimeError(f"child {self.pid} never reached {point}: {self.trace}")
            self._read(0.01)

    def poll(self) -> bool:
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
        return self.status is not None

    def finish(self, kill: Kill | None = None, timeout: float = 120.0) -> Run:
        deadline = time.monotonic() + timeout
        kill_at = self.started + kill.at if kill is not None and kill.at is not None else None
        while not self.poll():
            now = time.monotonic()
            if kill is not None and kill.point and kill_at is None and kill.point in self.trace:
                kill_at = now + kill.delay
            if (kill_at is not None and now >= kill_at) or now > deadline:
                os.kill(self.pid, signal.SIGKILL)
                kill_at = float("inf")
            wait = 0.01 if kill_at is None else max(0.0, min(0.01, kill_at - now))
            self._read(wait)
        while self.trace_r >= 0 or self.out_r >= 0:
            self._read(0.01)
        os.close(self.gate_w)
        assert self.status is not None
        return Run(
            self.status,
            self.out.decode("utf-8", "replace"),
            self.trace,
            time.monotonic() - self.started,
            self.reached,
        )


def run(job: Callable[[], int], kill: Kill | None = None, env: dict[str, str] | None = None) -> Run:
    return Child(job, env=env).finish(kill)


# -- jobs (they run in the child) ---------------------------------------------------------


def cli(*argv: str) -> Callable[[], int]:
    def job() -> int:
        from planner.cli import main

        return main(list(argv))

    return job


def generate_job(visit: Path, out: Path, exchange: bool) -> Callable[[], int]:
    def job() -> int:
        from planner import atomic

        atomic.exchange_supported = exchange  # False: the two-rename fallback
        return cli("generate", str(visit), "-o", str(out))()

    return job


def save_job(visit: Path, minutes: int, gate: Callable[[], None] | None = None) -> int:
    """What the terminal UI does on ``>``/``<`` then ctrl+s: open, nudge, re-plan, save."""
    from planner.session import Nudge, Session

    session = Session.open(visit)
    try:
        attempt = session.prepare(Nudge(OTHER_ITEM, minutes))
        if not session.commit(attempt):
            return 5
        if gate is not None:
            gate()
        try:
            session.save()
        except Exception as exc:  # refused: the screen says so; nothing is written
            print(f"refused: {exc}")
            return 4
        print("saved")
        return 0
    finally:
        session.close()


# -- checking what the next program finds ---------------------------------------------------


@dataclass
class Counts:
    trials: int = 0
    kills: int = 0
    in_write: int = 0  # killed after it began its write (the .begin point)
    last_point: dict[str, int] = field(default_factory=dict)  # kills by the last point passed
    reported: int = 0  # the child said the edit was done
    present: int = 0
    absent: int = 0
    refused: int = 0  # exit 4 (pairs)
    lost: int = 0
    mixed: int = 0
    missing: int = 0
    corrupt: int = 0
    leftovers: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def failures(self) -> int:
        return self.lost + self.mixed + self.missing + self.corrupt + self.leftovers


def settle(visit: Path, plan_file: Path, out: Path | None = None) -> None:
    """Do what the next writer does first: finish or undo a killed write, clean up."""
    try:
        from planner import journal, lock
        from planner.output_folder import recover_tree
    except ImportError:  # code from before the journal: nothing is put right
        return
    with journal.consistent(visit, "bench check", also=(plan_file,)):
        pass
    if out is not None:
        with lock.exclusive(out, "bench check"):
            recover_tree(out)


def leftovers(folder: Path, names: tuple[str, ...]) -> list[str]:
    return sorted(
        p.name
        for p in folder.iterdir()
        if (p.name.startswith(".") and p.name.endswith((".tmp", ".journal", ".writer.lock")))
        or any(p.name.startswith(f".{n}.new-") or p.name.startswith(f".{n}.old-") for n in names)
    )


def pin_of(visit: Path, item: str) -> str | None:
    from planner.visitfile import load_visit

    pinned = load_visit(visit).visit.item[item].pinned
    return str(pinned) if pinned is not None else None


def check_pair(visit: Path, plan_file: Path, counts: Counts, label: str) -> dict[str, str | None]:
    """The visit and plan as the next program reads them; returns the items' pins (empty
    when the files do not read)."""
    from planner.plan import PlanFileError, fingerprint, read_plan
    from planner.visitfile import VisitFileError, load_visit

    if not visit.is_file() or not plan_file.is_file():
        counts.missing += 1
        counts.problems.append(f"{label}: missing {visit.name if not visit.is_file() else 'plan'}")
        return {}
    try:
        loaded = load_visit(visit)
        plan = read_plan(plan_file)
    except (VisitFileError, PlanFileError) as exc:
        counts.corrupt += 1
        counts.problems.append(f"{label}: corrupt: {str(exc)[:200]}")
        return {}
    if plan.fingerprint != fingerprint(loaded.visit):
        counts.mixed += 1
        counts.problems.append(f"{label}: the plan is not of the visit on disk")
    left = leftovers(visit.parent, ())
    if left:
        counts.leftovers += 1
        counts.problems.append(f"{label}: left {left}")
    return {
        item: str(loaded.visit.item[item].pinned) if loaded.visit.item[item].pinned else None
        for item in (MOVE_ITEM, OTHER_ITEM)
    }


def tally(counts: Counts, done: Run, point: str) -> None:
    """Count a kill, and the last write point it passed."""
    if not done.killed:
        return
    counts.kills += 1
    counts.in_write += point in done.reached
    last = done.trace[-1] if done.trace else "(none)"
    counts.last_point[last] = counts.last_point.get(last, 0) + 1


def record(counts: Counts, label: str, reported: bool, present: bool, before: bool) -> None:
    counts.reported += reported
    if present:
        counts.present += 1
    elif before:
        counts.absent += 1
        if reported:
            counts.lost += 1
            counts.problems.append(f"{label}: reported done, not on disk")


def prepare(folder: Path) -> tuple[Path, Path]:
    """The reference visit with its plan, solved once (in a child: this process keeps no
    solver threads, so that it may fork)."""
    from planner.plan import plan_path

    folder.mkdir(parents=True, exist_ok=True)
    visit = folder / "visit.yaml"
    shutil.copy(REFERENCE, visit)
    done = run(cli("solve", str(visit)))
    if done.status != 0:
        raise SystemExit(f"cannot solve the reference visit: {done.out}")
    return visit, plan_path(visit)


def _calibrate(job: Callable[[int], Callable[[], int]], point: str) -> tuple[float, float]:
    """The run time of a job and the time from ``point`` (its write) to its end."""
    totals, writes = [], []
    for n in range(3):
        done = run(job(n))
        totals.append(done.seconds)
        if point in done.reached:
            writes.append(done.seconds - done.reached[point])
    total = sorted(totals)[1]
    write = sorted(writes)[len(writes) // 2] if writes else total
    return total, max(write, 0.002)


def _kill(
    rng: random.Random, n: int, total: float, write: float, uniform: bool, point: str
) -> Kill:
    if uniform or n % 2 == 0:
        return Kill(at=rng.uniform(0.0, total))
    return Kill(point=point, delay=rng.uniform(0.0, write))


# -- the scenarios ----------------------------------------------------------------------------


def kill_moves(folder: Path, kills: int, rng: random.Random, uniform: bool) -> Counts:
    visit, plan_file = prepare(folder / "move")
    counts = Counts()

    def job(n: int) -> Callable[[], int]:
        return cli("move", str(visit), MOVE_ITEM, "--to", MOVE_TIMES[n])

    total, write = _calibrate(job, "pair.begin")
    started = time.monotonic()
    while counts.kills < kills and counts.trials < 4 * kills:
        counts.trials += 1
        before = pin_of(visit, MOVE_ITEM)
        target = rng.choice([t for t in MOVE_TIMES if t != before])
        kill = _kill(rng, counts.trials, total, write, uniform, "pair.begin")
        done = run(cli("move", str(visit), MOVE_ITEM, "--to", target), kill)
        tally(counts, done, "pair.begin")
        settle(visit, plan_file)
        pins = check_pair(visit, plan_file, counts, f"move #{counts.trials}")
        if pins:
            record(
                counts,
                f"move #{counts.trials}",
                "done;" in done.out,
                pins[MOVE_ITEM] == target,
                pins[MOVE_ITEM] == before,
            )
            if pins[MOVE_ITEM] not in (target, before):
                counts.corrupt += 1
                counts.problems.append(f"move #{counts.trials}: pin {pins[MOVE_ITEM]}?")
    counts.seconds = time.monotonic() - started
    return counts


def _nudged(plan_file: Path, minutes: int) -> str:
    from datetime import timedelta

    from planner.model.clock import WallTime
    from planner.plan import read_plan

    planned = read_plan(plan_file).item(OTHER_ITEM)
    assert planned is not None and planned.start is not None
    return str(WallTime(planned.start.local + timedelta(minutes=minutes)))


def kill_saves(folder: Path, kills: int, rng: random.Random, uniform: bool) -> Counts:
    visit, plan_file = prepare(folder / "save")
    counts = Counts()

    def job(n: int) -> Callable[[], int]:
        return lambda: save_job(visit, SAVE_NUDGE if n % 2 else -SAVE_NUDGE)

    total, write = _calibrate(job, "pair.begin")
    started = time.monotonic()
    while counts.kills < kills and counts.trials < 4 * kills:
        counts.trials += 1
        minutes = SAVE_NUDGE if counts.trials % 2 else -SAVE_NUDGE
        before = pin_of(visit, OTHER_ITEM)
        target = _nudged(plan_file, minutes)
        kill = _kill(rng, counts.trials, total, write, uniform, "pair.begin")
        done = run(partial(save_job, visit, minutes), kill)
        tally(counts, done, "pair.begin")
        settle(visit, plan_file)
        pins = check_pair(visit, plan_file, counts, f"save #{counts.trials}")
        if pins:
            label = f"save #{counts.trials}"
            reported = "saved" in done.out
            record(counts, label, reported, pins[OTHER_ITEM] == target, pins[OTHER_ITEM] == before)
            if pins[OTHER_ITEM] not in (target, before):
                counts.corrupt += 1
                counts.problems.append(f"{label}: pin {pins[OTHER_ITEM]}?")
    counts.seconds = time.monotonic() - started
    return counts


def _tree_problems(out: Path, expected: set[str]) -> list[str]:
    """What is wrong with an output folder: files missing or extra, files that do not
    parse."""
    import icalendar

    files = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    problems = []
    if files != expected:
        problems.append(f"files {sorted(files ^ expected)[:4]} missing or extra")
    for name in sorted(files & expected):
        data = (out / name).read_bytes()
        try:
            text = data.decode("utf-8")
            if name.endswith(".ics"):
                icalendar.Calendar.from_ical(text)
                if not text.rstrip().endswith("END:VCALENDAR"):
                    raise ValueError("cut short")
            elif name.endswith(".json"):
                json.loads(text)
            elif name.endswith(".html"):
                if "</html>" not in text:
                    raise ValueError("cut short")
            elif not text.strip():
                raise ValueError("empty")
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
    return problems


def kill_generates(folder: Path, kills: int, rng: random.Random, uniform: bool) -> Counts:
    from planner.export import planjson
    from planner.plan import PlanFileError, fingerprint, read_plan
    from planner.visitfile import load_visit

    visit, plan_file = prepare(folder / "generate")
    out = visit.parent / "out"
    counts = Counts()

    def switch() -> None:
        """Change MOVE_ITEM's duration (60 and 55 minutes in turn)."""
        text = visit.read_text(encoding="utf-8")
        at = text.index("duration: ", text.index(f"id: {MOVE_ITEM}"))
        end = text.index("\n", at)
        now = text[at:end]
        new = DURATIONS[1] if now == DURATIONS[0] else DURATIONS[0]
        visit.write_text(text[:at] + new + text[end:], encoding="utf-8")

    if run(cli("generate", str(visit), "-o", str(out))).status != 0:
        raise SystemExit("generate fails on the reference visit")
    expected = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}

    def job(n: int) -> Callable[[], int]:
        switch()
        return generate_job(visit, out, True)

    total, write = _calibrate(job, "tree.begin")
    started = time.monotonic()
    while counts.kills < kills and counts.trials < 4 * kills:
        counts.trials += 1
        switch()  # a changed visit: generate solves, writes the plan, then the folder
        exchange = counts.trials % 4 != 3  # one trial in four without the atomic exchange
        kill = _kill(rng, counts.trials, total, write, uniform, "tree.begin")
        done = run(generate_job(visit, out, exchange), kill)
        tally(counts, done, "tree.begin")
        label = f"generate #{counts.trials}{'' if exchange else ' (two renames)'}"
        if not out.is_dir():  # right after the kill, before anything is put right
            if exchange:
                counts.missing += 1
            counts.problems.append(f"{label}: no output folder until the next run")
        settle(visit, plan_file, out)
        if not out.is_dir():
            counts.missing += 1
            counts.problems.append(f"{label}: no output folder after the next run")
            continue
        problems = _tree_problems(out, expected)
        try:
            read_plan(plan_file)
        except PlanFileError as exc:
            problems.append(f"plan: {str(exc)[:120]}")
        if problems:
            counts.corrupt += 1
            counts.problems.append(f"{label}: {problems[:3]}")
        left = leftovers(visit.parent, ("out",))
        if left:
            counts.leftovers += 1
            counts.problems.append(f"{label}: left {left}")
        reported = "Wrote" in done.out
        export = planjson.read_export((out / "plan.json").read_text(encoding="utf-8"))
        current = export is not None and export.plan.fingerprint == fingerprint(
            load_visit(visit).visit
        )
        record(counts, label, reported, current, not current)
    counts.seconds = time.monotonic() - started
    return counts


def pairs(folder: Path, n: int, with_save: bool) -> Counts:
    """``n`` pairs of edits released at the same instant on a fresh copy of the visit."""
    base_visit, base_plan = prepare(folder / ("pair-save" if with_save else "pair-base"))
    counts = Counts()
    started = time.monotonic()
    for i in range(n):
        counts.trials += 1
        here = folder / f"pair-{'save' if with_save else 'move'}-{i}"
        here.mkdir()
        visit, plan_file = here / base_visit.name, here / base_plan.name
        shutil.copy(base_visit, visit)
        shutil.copy(base_plan, plan_file)
        move_to = MOVE_TIMES[i % len(MOVE_TIMES)]
        first = Child(cli("move", str(visit), MOVE_ITEM, "--to", move_to), gated=True)
        if with_save:
            other_to = _nudged(plan_file, SAVE_NUDGE)
            second = Child(partial(save_job, visit, SAVE_NUDGE, gate=wait_gate))
        else:
            other_to = OTHER_TIMES[i % len(OTHER_TIMES)]
            second = Child(cli("move", str(visit), OTHER_ITEM, "--to", other_to), gated=True)
        first.wait_for("ready")
        second.wait_for("ready")
        if with_save and i % 2:  # every other pair: the save starts first, the move 50 ms on
            second.release()
            time.sleep(0.05)
            first.release()
        else:
            first.release()
            second.release()
        a, b = first.finish(), second.finish()
        label = f"pair #{i}{' (move + save)' if with_save else ''}"
        pins = check_pair(visit, plan_file, counts, label)
        for done, item, target in ((a, MOVE_ITEM, move_to), (b, OTHER_ITEM, other_to)):
            reported = done.status == 0
            counts.refused += done.status == 4
            if done.status not in (0, 4):
                counts.corrupt += 1
                counts.problems.append(f"{label}: {item} exit {done.status}: {done.out[:200]}")
            if pins:
                record(counts, f"{label} {item}", reported, pins[item] == target, True)
        shutil.rmtree(here)
    counts.seconds = time.monotonic() - started
    return counts


# -- the report ----------------------------------------------------------------------------


def commit() -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "planner", "tui"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return done.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


COLUMNS = (
    "trials",
    "kills",
    "in_write",
    "reported",
    "present",
    "absent",
    "refused",
    "lost",
    "mixed",
    "missing",
    "corrupt",
    "leftovers",
)


def table(results: dict[str, Counts]) -> str:
    width = max(len(k) for k in results)
    lines = [" ".join([" " * width, *(f"{c:>9}" for c in COLUMNS), "  seconds"])]
    for name, counts in results.items():
        cells = [f"{getattr(counts, c):>9}" for c in COLUMNS]
        lines.append(" ".join([f"{name:<{width}}", *cells, f"{counts.seconds:>9.1f}"]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reliability", description=__doc__)
    parser.add_argument("--kills", type=int, default=100, help="kills per verb (default 100)")
    parser.add_argument("--pairs", type=int, default=50, help="pairs per kind (default 50)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--uniform", action="store_true", help="kill at uniform moments only")
    parser.add_argument("--only", choices=("move", "save", "generate", "pairs"), action="append")
    parser.add_argument("--json", metavar="PATH", help='write the counts as JSON ("-": print)')
    args = parser.parse_args(argv)
    measured = commit()  # the code imported now is the code measured
    _warm()
    rng = random.Random(args.seed)
    chosen = args.only or ["move", "save", "generate", "pairs"]
    results: dict[str, Counts] = {}
    with tempfile.TemporaryDirectory(prefix="planner-reliability-") as scratch:
        folder = Path(scratch)
        if "move" in chosen:
            results["kill -9: planner move"] = kill_moves(folder, args.kills, rng, args.uniform)
        if "save" in chosen:
            results["kill -9: TUI save"] = kill_saves(folder, args.kills, rng, args.uniform)
        if "generate" in chosen:
            results["kill -9: planner generate"] = kill_generates(
                folder, args.kills, rng, args.uniform
            )
        if "pairs" in chosen:
            results["pairs: move + move"] = pairs(folder, args.pairs, with_save=False)
            results["pairs: move + TUI save"] = pairs(folder, args.pairs, with_save=True)
    header = (
        f"reliability: commit {measured}, seed {args.seed}, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}"
    )
    if args.json == "-":
        print(json.dumps({"header": header, **{k: asdict(v) for k, v in results.items()}}))
    else:
        print(header)
        print(table(results))
        for name, counts in results.items():
            if counts.last_point:
                points = ", ".join(f"{p} {n}" for p, n in sorted(counts.last_point.items()))
                print(f"  {name}: kills by the last point passed: {points}")
            for problem in counts.problems[:10]:
                print(f"  {name}: {problem}")
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {"header": header, **{k: asdict(v) for k, v in results.items()}}, indent=1
                )
            )
    return 1 if any(c.failures() for c in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
