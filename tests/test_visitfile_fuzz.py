"""Fuzz: however a real visit file is damaged, `planner check` answers 0 (valid) or 2
(invalid, every problem located), never an internal error, a traceback or a crash; a
mutant that is valid is planned by `planner solve` and `planner generate` without an
internal error (exit 0 with a plan the independent validator accepts, or exit 1: no
plan); and libyaml reads every mutant as the pure parser does.

Mutants come from bench/mutate.py (structural: keys and entries deleted, duplicated or
moved, values swapped between fields, wrong types, deep nesting, huge and negative
numbers, odd Unicode, control characters, ids swapped; gentle: durations, pins,
attendees, windows and venues changed; text: cut short, bytes inserted, lines dropped or
repeated, tabs, nesting thousands deep). Hypothesis draws the seeds, derandomized: every
run checks the same mutants (`python -m bench.fuzz` runs tens of thousands of others).
Everything runs in-process through planner.cli.main; about a minute on two cores.

The minimal visit of fixtures/broken/BASE.yaml is drawn most often because it checks five
times faster than the reference visit; files over 40 KB (generated benchmark visits) are
left out.
"""

from __future__ import annotations

import contextlib
import io
import random
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench import mutate
from bench.fuzz import read, readers_differ
from planner import cli

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MINIMAL = FIXTURES / "broken" / "BASE.yaml"
# Hand-written visits; generated benchmark instances (tens of KB) cost too much per example.
MAX_BYTES = 40_000
VALID = sorted(
    p
    for p in FIXTURES.glob("*.yaml")
    if p.stat().st_size <= MAX_BYTES and not p.name.endswith(".plan.yaml")
)
SOURCES = [MINIMAL] * max(4, 4 * len(VALID)) + VALID
_DATA: dict[Path, Any] = {p: mutate.load(p) for p in {MINIMAL, *VALID}}

CHECK_EXAMPLES = 500  # structural and text mutants through `check`
READER_EXAMPLES = 150  # text mutants read by libyaml and by the pure parser
SOLVE_EXAMPLES = 40  # gentle mutants of the full visits through `solve` or `generate`

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)

seeds = st.integers(min_value=0, max_value=2**32 - 1)


def _run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue() + err.getvalue()


def _check(path: Path) -> tuple[int, str]:
    return _run("check", "-q", str(path))


def _assert_clean(path: Path, code: int, output: str, what: object = "") -> None:
    assert code in (cli.EXIT_OK, cli.EXIT_INVALID), (what, output)
    assert "Traceback" not in output, (what, output)
    assert "internal error" not in output, (what, output)
    if code == cli.EXIT_INVALID:
        # every problem is located: file:line:col
        located = re.compile(re.escape(str(path)) + r":\d+:\d+: ")
        verdict = re.compile(re.escape(str(path)) + r": invalid \(\d+ errors?\)$")
        lines = output.splitlines()
        assert lines, output
        assert verdict.match(lines[-1]), (what, output)
        assert all(located.match(line) for line in lines[:-1]), (what, output)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "visit.yaml"


def test_sources_are_valid() -> None:
    """The fuzz starts from valid visits (otherwise it proves less than it claims)."""
    for source in [MINIMAL, *VALID]:
        code, output = _check(source)
        assert code == cli.EXIT_OK, output


def test_the_mutants_are_what_they_claim() -> None:
    """The same seed gives the same file; the mutations do change it; and all kinds of
    damage occur, invalid and valid files both (a fuzz that only tried one thing would
    prove less)."""
    rng = random.Random(7)
    first = mutate.mutant(random.Random(1), _DATA[MINIMAL], "structural")
    assert first == mutate.mutant(random.Random(1), _DATA[MINIMAL], "structural")
    done: set[str] = set()
    changed = 0
    original = mutate.dump(_DATA[MINIMAL]).encode()
    for _ in range(200):
        raw, what = mutate.mutant(rng, _DATA[MINIMAL], rng.choice(["structural", "text"]))
        changed += raw != original
        done.update(w.split(" ")[0] for w in what)
    assert changed > 160
    for word in ("delete", "duplicate", "move", "swap", "retype", "nest", "number", "odd"):
        assert word in done, sorted(done)
    assert {"control", "rename", "refer", "tricky", "cut", "deep", "colon"} <= done


@settings(FUZZ, max_examples=CHECK_EXAMPLES)
@given(seed=seeds, source=st.sampled_from(SOURCES), kind=st.sampled_from(["structural", "text"]))
def test_mutants_never_crash_check(scratch: Path, seed: int, source: Path, kind: str) -> None:
    raw, what = mutate.mutant(random.Random(seed), _DATA[source], kind)
    scratch.write_bytes(raw)
    _assert_clean(scratch, *_check(scratch), what=(source.name, seed, what))


@settings(FUZZ, max_examples=READER_EXAMPLES)
@given(seed=seeds)
def test_libyaml_reads_what_the_pure_parser_reads(seed: int) -> None:
    """Where libyaml reads a mutant (with a stand-in for each ':' between digits), the
    pure parser reads the same values at the same lines; where libyaml cannot, the pure
    parser reads it or refuses it."""
    raw, what = mutate.mutant(random.Random(seed), _DATA[MINIMAL], "text")
    text = raw.decode("utf-8", "replace").replace("\x00", "")
    assert not readers_differ(text), what


def test_the_readers_are_compared_on_most_mutants() -> None:
    """The comparison above is not empty: libyaml reads most text mutants (some with a
    ':' between digits put in), and the pure parser reads them too."""
    rng = random.Random(11)
    compared = colons = 0
    for _ in range(100):
        raw, what = mutate.mutant(rng, _DATA[MINIMAL], "text")
        text = raw.decode("utf-8", "replace").replace("\x00", "")
        fast, pure = read(text, pure=False), read(text, pure=True)
        if fast != "unread" and not (isinstance(pure, tuple) and pure[0] == "error"):
            compared += 1
            colons += "colon" in what and isinstance(fast[0], dict)
    assert compared >= 40 and colons >= 3, (compared, colons)


def _solvable(source: Path) -> bool:
    return source != MINIMAL  # no road joins its two cities: only the full visits plan


@settings(FUZZ, max_examples=SOLVE_EXAMPLES)
@given(seed=seeds, source=st.sampled_from([p for p in VALID if _solvable(p)]))
def test_valid_mutants_are_planned_and_validated(
    tmp_path_factory: pytest.TempPathFactory, seed: int, source: Path
) -> None:
    folder = tmp_path_factory.mktemp("solve")
    visit = folder / "visit.yaml"
    rng = random.Random(seed)
    raw, what = mutate.mutant(rng, _DATA[source], "gentle")
    visit.write_bytes(raw)
    code, output = _check(visit)
    _assert_clean(visit, code, output, what)
    if code != cli.EXIT_OK:
        return
    if rng.random() < 0.25:
        code, output = _run("generate", str(visit), "-o", str(folder / "out"), "--time-limit", "5")
    else:
        code, output = _run("solve", str(visit), "--time-limit", "5")
    # 0: a plan, checked by the independent validator before it was written (else 3)
    assert code in (cli.EXIT_OK, cli.EXIT_NO_PLAN), (what, output)
    assert "Traceback" not in output and "internal error" not in output, (what, output)
