"""python -m bench.fuzz: the long fuzz run, with counts.

    python -m bench.fuzz [--check 10000] [--solve 500] [--read 2000] [--seed 0]
                         [--time-limit 5] [--keep DIR]

Mutants of the real visit files (bench/mutate.py): text mutants read by libyaml and by
the pure parser, which must agree wherever both read one; structural and text mutants
through `planner check`; gentle mutants of the full visits that `check` accepts through
`planner solve` or, one in four, `planner generate`, with ``--time-limit``). Each runs
in a worker process (planner.cli.main in-process, as the tests do), so that a crash (a
signal, as libyaml's composer gave on deep nesting) or a hang is counted and the run
goes on in a new worker instead of stopping.

A check fails unless it exits 0 or 2 with every problem located (file:line:col) and no
traceback; a solve or generate fails on exit 3 (an internal error, or a plan the
independent validator rejects) or a traceback. A run is past its limit when its wall time
exceeds ``--time-limit`` by more than a second (reading, checking and writing included).
Failing mutants are kept in ``--keep`` (default: a temporary folder, named in the
report) with the seed that makes them again.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import report

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
MINIMAL = FIXTURES / "broken" / "BASE.yaml"
FULL = [
    FIXTURES / "herzog-azerbaijan-2023.yaml",
    FIXTURES / "exercise-spain-2024.yaml",
    FIXTURES / "synthetic-m.yaml",
]
CHECK_SOURCES = [MINIMAL] * 6 + FULL[:2] + FULL[:2] + FULL[2:]
SLACK_SECONDS = 1.0


# -- the worker -----------------------------------------------------------------------------


def _located(path: str, output: str) -> bool:
    located = re.compile(re.escape(path) + r":\d+:\d+: ")
    verdict = re.compile(re.escape(path) + r": invalid \(\d+ errors?\)$")
    lines = output.splitlines()
    return bool(lines) and bool(verdict.match(lines[-1])) and all(map(located.match, lines[:-1]))


def read(text: str, pure: bool) -> Any:
    """What planner's reader makes of ``text``: with libyaml (a stand-in for each ':'
    between digits) or with the pure parser; ("stop", line, col, message) for a problem
    of its own, "unread" when libyaml cannot read it, ("error", kind) for a parser error."""
    from planner import visitfile

    source = visitfile.SourceMap()
    try:
        if pure:
            data = visitfile._Builder(source).build(visitfile._pure_events(text))
        else:
            colons = visitfile._COLON not in text
            events = visitfile._c_events(
                visitfile._DIGIT_COLON.sub(visitfile._COLON, text) if colons else text
            )
            if events is None:
                return "unread"  # libyaml (ruamel.yaml.clib) is not installed
            data = visitfile._Builder(source, colons).build(events)
    except visitfile._Stop as stop:
        return ("stop", stop.line, stop.col, stop.message)
    except visitfile._Unread:
        return "unread"
    except Exception as exc:  # the pure parser's errors
        return ("error", type(exc).__name__)
    return data, source.positions, source.labels


def readers_differ(text: str) -> bool:
    """Whether libyaml reads ``text`` otherwise than the pure parser (where both read it;
    libyaml reads a few texts the pure parser refuses, and its reading is used)."""
    fast = read(text, pure=False)
    if fast == "unread":
        return False
    pure = read(text, pure=True)
    return not (isinstance(pure, tuple) and pure[0] == "error") and fast != pure


def worker() -> int:
    """Runs the commands sent on stdin (one JSON list of arguments a line) and answers
    each with a JSON line: exit code, seconds and what was wrong with the output.
    ["read-both", PATH] compares the two readers instead."""
    from planner import cli

    for line in sys.stdin:
        argv = json.loads(line)
        if argv[0] == "read-both":
            began = time.perf_counter()
            text = Path(argv[1]).read_bytes().decode("utf-8", "replace").replace("\x00", "")
            differ = readers_differ(text)
            reply = {
                "code": 0,
                "seconds": time.perf_counter() - began,
                "faults": ["the readers differ"] if differ else [],
                "tail": "",
            }
            sys.stdout.write(json.dumps(reply) + "\n")
            sys.stdout.flush()
            continue
        out, err = io.StringIO(), io.StringIO()
        began = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(argv)
        seconds = time.perf_counter() - began
        output = out.getvalue() + err.getvalue()
        faults = []
        if "Traceback" in output:
            faults.append("traceback")
        if "internal error" in output or code == cli.EXIT_INTERNAL:
            faults.append("internal error")
        if argv[0] == "check" and code == cli.EXIT_INVALID and not _located(argv[-1], output):
            faults.append("unlocated problem")
        if argv[0] == "check" and code not in (cli.EXIT_OK, cli.EXIT_INVALID):
            faults.append(f"exit {code}")
        reply = {"code": code, "seconds": seconds, "faults": faults, "tail": output[-600:]}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    return 0


class Worker:
    """A worker process; ``run`` answers None when it crashed or hung (it is restarted)."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bench.fuzz", "--worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                cwd=ROOT,
                env={k: v for k, v in os.environ.items() if k != "PLANNER_DEBUG"},
            )
        return self.process

    def run(self, argv: list[str], timeout: float) -> dict[str, Any] | str:
        process = self._start()
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(json.dumps(argv) + "\n")
        process.stdin.flush()
        ready, _, _ = select.select([process.stdout], [], [], timeout)
        if not ready:
            process.kill()
            process.wait()
            return "hung"
        line = process.stdout.readline()
        if not line:
            code = process.wait()
            return f"crashed (exit {code}: signal {-code})" if code < 0 else f"died ({code})"
        reply: dict[str, Any] = json.loads(line)
        return reply

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait(timeout=30)


# -- the run -------------------------------------------------------------------------------


@dataclass
class Tally:
    runs: int = 0
    codes: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    crashes: int = 0
    hung: int = 0
    past_limit: int = 0
    seconds: list[float] = field(default_factory=list)

    def line(self, name: str) -> str:
        codes = ", ".join(f"exit {c}: {n}" for c, n in sorted(self.codes.items()))
        slowest = max(self.seconds, default=0.0)
        return (
            f"{name}: {self.runs} runs ({codes}); failures {len(self.failures)}, crashes "
            f"{self.crashes}, hung {self.hung}, past the limit {self.past_limit}; slowest "
            f"{slowest:.2f} s"
        )


def _keep(keep: Path, name: str, raw: bytes, note: str) -> str:
    keep.mkdir(parents=True, exist_ok=True)
    (keep / f"{name}.yaml").write_bytes(raw)
    (keep / f"{name}.txt").write_text(note, encoding="utf-8")
    return str(keep / f"{name}.yaml")


def _record(
    tally: Tally, reply: dict[str, Any] | str, keep: Path, name: str, raw: bytes, note: str
) -> dict[str, Any] | None:
    tally.runs += 1
    if isinstance(reply, str):
        if reply == "hung":
            tally.hung += 1
        else:
            tally.crashes += 1
        tally.failures.append(f"{reply}: {_keep(keep, name, raw, note)}")
        return None
    tally.codes[reply["code"]] += 1
    tally.seconds.append(reply["seconds"])
    if reply["faults"]:
        detail = f"{note}\n{reply['faults']}\n{reply['tail']}"
        tally.failures.append(f"{', '.join(reply['faults'])}: {_keep(keep, name, raw, detail)}")
    return reply


def run(checks: int, solves: int, reads: int, seed: int, limit: float, keep: Path) -> int:
    from bench import mutate

    data = {p: mutate.load(p) for p in {MINIMAL, *FULL}}
    scratch = Path(tempfile.mkdtemp(prefix="fuzz-"))
    worker = Worker()
    check, solve, reader = Tally(), Tally(), Tally()
    began = time.perf_counter()
    try:
        for n in range(reads):
            rng = random.Random(f"read-{seed}-{n}")
            source = rng.choice(CHECK_SOURCES[:8])  # the minimal and the reference visit
            raw, what = mutate.mutant(rng, data[source], "text")
            path = scratch / "visit.yaml"
            path.write_bytes(raw)
            note = f"read-{seed}-{n}: text mutant of {source.name}: {what}"
            _record(reader, worker.run(["read-both", str(path)], 60), keep, f"read-{n}", raw, note)
        for n in range(checks):
            rng = random.Random(f"check-{seed}-{n}")
            source = rng.choice(CHECK_SOURCES)
            kind = rng.choice(["structural", "structural", "text"])
            raw, what = mutate.mutant(rng, data[source], kind)
            path = scratch / "visit.yaml"
            path.write_bytes(raw)
            note = f"check-{seed}-{n}: {kind} mutant of {source.name}: {what}"
            reply = worker.run(["check", "-q", str(path)], timeout=60)
            _record(check, reply, keep, f"check-{seed}-{n}", raw, note)
            if (n + 1) % 1000 == 0:
                print(f"  {n + 1} checked, {time.perf_counter() - began:.0f} s", flush=True)
        n = 0
        while solve.runs < solves:
            rng = random.Random(f"solve-{seed}-{n}")
            n += 1
            source = rng.choice(FULL)
            raw, what = mutate.mutant(rng, data[source], "gentle")
            folder = scratch / f"solve-{n}"
            folder.mkdir()
            path = folder / "visit.yaml"
            path.write_bytes(raw)
            note = f"solve-{seed}-{n - 1}: gentle mutant of {source.name}: {what}"
            reply = worker.run(["check", "-q", str(path)], timeout=60)
            checked = _record(check, reply, keep, f"solve-{seed}-{n - 1}", raw, note)
            if checked is None or checked["code"] != 0:
                shutil.rmtree(folder)
                continue
            if rng.random() < 0.25:
                argv = ["generate", str(path), "-o", str(folder / "out")]
            else:
                argv = ["solve", str(path)]
            argv += ["--time-limit", f"{limit:g}"]
            reply = worker.run(argv, timeout=limit * 6 + 60)
            done = _record(solve, reply, keep, f"solve-{seed}-{n - 1}", raw, f"{argv[0]} {note}")
            if done is not None and done["seconds"] > limit + SLACK_SECONDS:
                solve.past_limit += 1
                solve.failures.append(
                    f"{argv[0]} took {done['seconds']:.1f} s with --time-limit {limit:g}: "
                    f"{_keep(keep, f'slow-{seed}-{n - 1}', raw, note)}"
                )
            shutil.rmtree(folder)
            if solve.runs % 100 == 0:
                print(f"  {solve.runs} planned, {time.perf_counter() - began:.0f} s", flush=True)
    finally:
        worker.close()
        shutil.rmtree(scratch, ignore_errors=True)
    commit = report.commit()
    print(f"fuzz, seed {seed}, commit {commit}, {time.perf_counter() - began:.0f} s")
    print(reader.line("libyaml against the pure parser"))
    print(check.line("check"))
    print(solve.line(f"solve/generate (--time-limit {limit:g})"))
    failures = reader.failures + check.failures + solve.failures
    for failure in failures[:40]:
        print(f"  {failure}")
    if failures:
        print(f"failing mutants kept in {keep}")
    return 1 if failures else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fuzz", description=__doc__)
    parser.add_argument("--check", type=int, default=10_000, help="mutants through check")
    parser.add_argument("--solve", type=int, default=500, help="valid mutants solved")
    parser.add_argument("--read", type=int, default=2000, help="mutants read by both readers")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=5.0, metavar="S")
    parser.add_argument("--keep", metavar="DIR", help="keep failing mutants here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker()
    keep = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="fuzz-failures-"))
    return run(args.check, args.solve, args.read, args.seed, args.time_limit, keep)


if __name__ == "__main__":
    sys.exit(main())
