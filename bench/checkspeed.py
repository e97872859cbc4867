"""python -m bench.checkspeed: `planner check` on the worst files it accepts (or refuses).

Every file is built from the minimal visit fixtures/broken/BASE.yaml and pushed to one of
the limits of planner.visitfile; each is checked by `planner check -q` in a fresh process
(wall time from start to exit, interpreter start included; peak memory of the process):

- byte limit: 1,800 items with notes of 4,000 characters, just under 8 MB;
- value limit: 1,000 people with two stays each, 3,050 items of 50 attendees each, just
  under 200,000 values (the presence check runs per item and attendee);
- flow mappings with times: 5,000 items written one per line in flow style with clock
  times ({pinned: 2023-05-30 10:00}): libyaml cannot read a ':' there, the pure parser is
  some 20 times slower (planner hands libyaml a stand-in character for such a ':');
- pure parser: people with stays and items of 50 attendees in a file that libyaml cannot
  read at all (a plain value holding ':' inside a flow mapping, as YAML 1.2 allows), as
  many as the pure parser is given (60,000 keys and values): it reads them all;
- too large for the pure parser: the same construct at the end of 3 MB of notes (refused,
  located, without the pure parser);
- an order chain: 5,000 items each ordered after the one before;
- nesting and aliases: 30,000 nested '[' in 60 KB, and a billion-laughs alias bomb
  (refused).

Target: every file within 5 s. Prints one line per file; ``--keep DIR`` keeps the files.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench import report

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "fixtures" / "broken" / "BASE.yaml"
TARGET_SECONDS = 5.0

_PROVENANCE = "    provenance: {source: assumed, reason: check speed}\n"


def _base() -> str:
    return BASE.read_text(encoding="utf-8")


def _item(n: int, *, attendees: str = "[steinmeier]", extra: str = "") -> str:
    return (
        f"  - id: b{n}\n    title: Briefing {n}\n    kind: briefing\n    duration: 5\n"
        f"    attendees: {attendees}\n    venue: ber\n{extra}{_PROVENANCE}"
    )


def byte_limit() -> str:
    note = "x" * 3990
    items = "".join(_item(n, extra=f"    notes: '{n:09d} {note}'\n") for n in range(1800))
    return _base() + items


def value_limit() -> str:
    text = _base()
    people = "".join(
        f"  - id: p{n}\n    name: Person {n}\n    role: staff\n    side: host\n"
        f"    precedence: {n + 2}\n    presence:\n"
        '      - {city: berlin, arrive: "2023-05-30 07:00", depart: "2023-05-31 12:00"}\n'
        '      - {city: hamburg, arrive: "2023-05-31 13:00", depart: "2023-05-31 23:00"}\n'
        for n in range(1000)
    )
    text = text.replace("venues:\n", people + "venues:\n", 1)
    items = "".join(
        _item(n, attendees="[" + ", ".join(f"p{(n * 7 + k) % 1000}" for k in range(50)) + "]")
        for n in range(3050)
    )
    return text + items


def flow_times() -> str:
    lines = [
        f"  - {{id: f{n}, title: Meeting {n}, kind: briefing, duration: 5, attendees: "
        f"[steinmeier], venue: ber, window: {{earliest_start: 2023-05-30 07:00, latest_end: "
        f"2023-05-30 22:00}}, provenance: {{source: assumed, reason: check speed}}}}\n"
        for n in range(5000)
    ]
    return _base() + "".join(lines)


_UNREADABLE = (  # YAML 1.2 reads 'see:below' in a flow mapping as one value; libyaml refuses it
    "  - {id: last, title: see:below, kind: briefing, duration: 5, attendees: [steinmeier], "
    "venue: ber, provenance: {source: assumed, reason: xyz}}\n"
)


def pure_parser() -> str:
    """People with stays and items of 50 attendees in a file libyaml refuses, up to what
    the pure parser is given (PURE_MAX_READ keys and values): it reads every one."""
    from planner.visitfile import PURE_MAX_READ, SourceMap, _Builder, _c_events

    text = value_limit()
    cuts = [n for n in range(len(text)) if text.startswith("  - id: b", n)]
    low, high = 0, len(cuts) - 1
    while low < high:  # the most items whose keys and values stay within the budget
        middle = (low + high + 1) // 2
        counted = _Builder(SourceMap())  # libyaml counts as the pure parser would
        counted.build(iter(_c_events(text[: cuts[middle]]) or ()))
        if counted.read + 20 < PURE_MAX_READ:  # the last line holds 19
            low = middle
        else:
            high = middle - 1
    return text[: cuts[low]] + _UNREADABLE


def too_large_for_pure() -> str:
    """3 MB of long notes that libyaml refuses at the end: refused without the pure parser."""
    return byte_limit()[:3_000_000].rsplit("  - id: b", 1)[0] + _UNREADABLE


def order_chain() -> str:
    return _base() + "".join(
        _item(n, extra=f"    order: [{{after: b{n - 1}}}]\n" if n else "") for n in range(5000)
    )


def nesting() -> str:
    return "a: " + "[" * 30_000


def alias_bomb() -> str:
    return (ROOT / "fixtures" / "broken" / "alias-bomb.yaml").read_text(encoding="utf-8")


CASES: dict[str, tuple[Callable[[], str], int]] = {  # builder, the exit code expected
    "byte limit (notes)": (byte_limit, 0),
    "value limit (people, presence)": (value_limit, 0),
    "flow mappings with times": (flow_times, 0),
    "pure parser (libyaml refuses)": (pure_parser, 0),
    "too large for the pure parser": (too_large_for_pure, 2),
    "order chain": (order_chain, 0),
    "30,000 nested '['": (nesting, 2),
    "alias bomb": (alias_bomb, 2),
}


def _entries(path: Path) -> str:
    """Keys and list entries of the file (what its source map locates), or '—' if it is
    refused."""
    from planner.visitfile import VisitFileError, read_yaml

    try:
        _data, source = read_yaml(path)
    except VisitFileError:
        return "—"
    return f"{len(source.positions):,}"


_CHILD = """
import sys
from planner.cli import main
code = main(["check", "-q", sys.argv[1]])
try:  # the peak of this process alone (ru_maxrss would count the parent's at the fork)
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM"))
except OSError:
    peak = "0"
print(f"PEAK-KB {peak}", file=sys.stderr)
sys.exit(code)
"""


def check_once(path: Path) -> tuple[int, float, float, str]:
    """Exit code, wall seconds and peak MB of `planner check -q` in a fresh process, and
    the first line of its output."""
    env = {k: v for k, v in os.environ.items() if k != "PLANNER_DEBUG"}
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, env=env
    )
    seconds = time.perf_counter() - began
    lines = (done.stdout + done.stderr).strip().splitlines()
    peak = next((int(x.split()[1]) for x in lines if x.startswith("PEAK-KB ")), 0)
    shown = [x for x in lines if not x.startswith("PEAK-KB ")]
    return done.returncode, seconds, peak / 1024, shown[0] if shown else ""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.checkspeed", description=__doc__)
    parser.add_argument("--keep", metavar="DIR", help="write the files here and keep them")
    parser.add_argument("--runs", type=int, default=3, help="runs per file (the median)")
    args = parser.parse_args(argv)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="checkspeed-"))
    folder.mkdir(parents=True, exist_ok=True)
    commit = report.commit()
    print(f"planner check on its worst files; commit {commit}, {os.cpu_count()} cores")
    print(f"{'file':34} {'bytes':>11} {'entries':>9} {'exit':>4} {'seconds':>8} {'peak MB':>8}")
    worst = 0.0
    failures = 0
    for n, (name, (build, expected)) in enumerate(CASES.items()):
        path = folder / f"{n}.yaml"
        path.write_text(build(), encoding="utf-8")
        runs = [check_once(path) for _ in range(args.runs)]
        codes = {r[0] for r in runs}
        seconds = sorted(r[1] for r in runs)[len(runs) // 2]
        peak = max(r[2] for r in runs)
        worst = max(worst, seconds)
        ok = codes == {expected} and seconds <= TARGET_SECONDS
        failures += not ok
        exits = "/".join(map(str, codes))
        print(
            f"{name:34} {path.stat().st_size:>11,} {_entries(path):>9} {exits:>4} "
            f"{seconds:>8.2f} {peak:>8.0f}{'' if ok else '  <-- ' + runs[0][3][:120]}"
        )
    print(f"slowest: {worst:.2f} s (target ≤ {TARGET_SECONDS:.0f} s); {failures} off target")
    if not args.keep:
        for path in folder.glob("*.yaml"):
            path.unlink()
        folder.rmdir()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
