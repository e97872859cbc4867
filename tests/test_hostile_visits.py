"""No input may crash `planner`, and nothing from a visit file reaches a terminal or a
document as a control sequence.

- Nesting: some 30,000 nested '[' in 60 KB crashed `planner check` with a segmentation
  fault in libyaml's composer (the depth limit was checked only after composing). Each
  file is checked in a child process, so that a crash fails the test instead of ending
  the test run.
- Recursion and numbers: a long chain of ordering rules, and numbers of thousands of
  digits (hexadecimal literals are not bounded by Python's 4,300-digit limit).
- Control characters: titles with ESC[2J, OSC 52 (clipboard), OSC 2 (window title), a C1
  CSI and line breaks in names (tests/hostile_support.py) were printed raw by `check`,
  `solve` and `move`; the terminal UI is tested in tests/tui/test_tui_hostile.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from planner import cli
from planner.model.items import Item
from planner.model.people import Person
from tests.conftest import FIXTURES
from tests.hostile_support import controls, hostile_visit

ROOT = FIXTURES.parent
BASE = FIXTURES / "broken" / "BASE.yaml"


def _planner(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "planner"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "planner.cli"]
    env = {k: v for k, v in os.environ.items() if k != "PLANNER_DEBUG"}
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env
    )


# -- nesting ---------------------------------------------------------------------------------

NESTED = {
    # (text, where the first value too deep stands)
    "flow-sequences": ("a: " + "[" * 30_000, "1:44"),
    "flow-mappings": ("a: " + "{b: " * 15_000, "1:164"),
    "block-sequences": ("- " * 30_000 + "x", "1:83"),
    "indented-mappings": ("".join(" " * n + "b:\n" for n in range(300)), "42:42"),
    # libyaml cannot read line 1 (a ':' in a flow mapping), so the pure parser reads it all
    "pure-parser": ("x: {a: b:c}\ny: " + "[" * 30_000, "2:44"),
    # 20 levels around an alias of 30 levels: too deep once expanded
    "through-an-alias": (
        "a: &deep " + "[" * 30 + "]" * 30 + "\nb: " + "[" * 20 + "*deep" + "]" * 20,
        "1:",
    ),
}


@pytest.mark.parametrize("name", sorted(NESTED))
def test_deep_nesting_is_refused_not_crashed(name: str, tmp_path: Path) -> None:
    text, where = NESTED[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    done = _planner("check", str(path))
    assert done.returncode == cli.EXIT_INVALID, (done.returncode, done.stderr[-2000:])
    first, verdict = done.stderr.splitlines()
    assert first.startswith(f"{path}:{where}") and first.endswith("nested deeper than 40 levels")
    assert verdict == f"{path}: invalid (1 error)"


@pytest.mark.parametrize("pure", [False, True], ids=["libyaml", "pure"])
def test_an_alias_inside_its_own_value_is_refused(pure: bool, tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(("x: {a: b:c}\n" if pure else "") + "a: &x [1, *x]\n", encoding="utf-8")
    done = _planner("check", str(path))
    assert done.returncode == cli.EXIT_INVALID, done.stderr
    assert "the alias '*x' is part of the value it names" in done.stderr


# -- recursion and numbers ---------------------------------------------------------------------


def _chain(length: int, cycle: bool = False) -> str:
    """BASE with ``length`` briefings, each ordered after the one before (the first after
    the last too, when ``cycle``)."""
    text = BASE.read_text(encoding="utf-8")
    entries = []
    for n in range(length):
        after = n - 1 if n else (length - 1 if cycle else None)
        order = f"\n    order: [{{after: c{after}}}]" if after is not None else ""
        entries.append(
            f"  - id: c{n}\n    title: Chain item {n}\n    kind: briefing\n    duration: 5\n"
            f"    attendees: [steinmeier]\n    venue: bellevue{order}\n"
            "    provenance: {source: assumed, reason: a long chain}\n"
        )
    return text + "".join(entries)


def test_a_long_chain_of_orders_is_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """1,500 rules in a row: the cycle search recursed once per rule (exit 3)."""
    path = tmp_path / "chain.yaml"
    path.write_text(_chain(1500), encoding="utf-8")
    assert cli.main(["check", "-q", str(path)]) == cli.EXIT_OK, capsys.readouterr().err
    path.write_text(_chain(1500, cycle=True), encoding="utf-8")
    assert cli.main(["check", "-q", str(path)]) == cli.EXIT_INVALID
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2, err
    assert err[0].endswith(
        "items[c0].order[0]: ordering rules form a cycle: 'Chain item 0' → 'Chain item 1' → "
        "'Chain item 2' → 'Chain item 3' → … (1494 more) … → 'Chain item 1498' → "
        "'Chain item 1499' → 'Chain item 0'; remove one of these rules"
    ), err[0]


HUGE = "0x" + "f" * 5000  # a number of some 6,000 digits


@pytest.mark.parametrize(
    ("written", "replaced", "expected"),
    [
        ("lat: 52.3667", f"lat: {HUGE}", "venues[ber].lat: input should be a valid number"),
        ("title: Minimal state visit", f"title: {HUGE}", "title: input should be a valid string"),
        ("start: 2023-05-30", f"start: {HUGE}", "start: a number is not a date"),
        ("schema_version: 1", f"schema_version: {HUGE}", "schema_version a number of 5000"),
        ("capacity: 50", f"capacity: {HUGE}", "capacity: input should be less than or equal"),
        ("capacity: 50", "capacity: 10000000", "capacity: input should be less than or equal"),
        (
            "reason: minimal example}",
            f"reason: minimal example, line: {HUGE}}}",
            "items[arrival].provenance.line: input should be less than or equal to 1000000",
        ),
    ],
    ids=["lat", "title", "date", "schema-version", "capacity", "capacity-10M", "seed-line"],
)
def test_huge_numbers_are_refused_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], written: str, replaced: str, expected: str
) -> None:
    path = tmp_path / "visit.yaml"
    text = BASE.read_text(encoding="utf-8")
    assert written in text
    path.write_text(text.replace(written, replaced, 1), encoding="utf-8")
    assert cli.main(["check", str(path)]) == cli.EXIT_INVALID
    err = capsys.readouterr().err
    assert expected in err and "internal error" not in err, err


# -- control characters ---------------------------------------------------------------------


def _item(**fields: object) -> Item:
    base: dict[str, object] = {
        "id": "x",
        "title": "x",
        "kind": "briefing",
        "duration": 10,
        "venue": "v",
        "provenance": {"source": "assumed", "reason": "test"},
    }
    return Item.model_validate(base | fields)


def test_model_texts_hold_no_control_characters() -> None:
    item = _item(
        title="Banquet\x1b[2J\r\nfor \x07two\u2028\x9b",
        notes="first line\r\nsecond\x1b]2;x\x07 line\u2029third\tend",
        dress="  black tie\n",
    )
    assert item.title == "Banquet[2J for two"
    assert item.notes == "first line\nsecond]2;x line\nthird end"  # line breaks kept
    assert item.dress == "black tie"
    person = Person.model_validate(
        {
            "id": "p",
            "name": "A\x00B\x7fC",
            "role": "staff",
            "side": "guest",
            "precedence": 1,
            "languages": ["he\x1b"],
        }
    )
    assert (person.name, person.languages) == ("ABC", ("he",))


def test_check_prints_none_and_warns_where_each_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    visit = hostile_visit(tmp_path)
    assert cli.main(["check", str(visit)]) == cli.EXIT_OK
    captured = capsys.readouterr()
    assert controls(captured.out) == [] and controls(captured.err) == []
    warned = [line.split(": ")[1] for line in captured.out.splitlines() if ": warning: " in line]
    assert warned == [
        "people[michal-herzog].name",
        "venues[zagulba].name",
        "items[arrival].title",
        "items[official-welcome].title",
        "items[official-welcome].notes",
    ]
    # a line break in a name never splits a line: it is a space
    assert "guest (6): Isaac Herzog (principal), Michal31m Herzog (spouse)" in captured.out


def test_a_quoted_value_is_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    visit = tmp_path / "visit.yaml"
    visit.write_text(
        BASE.read_text(encoding="utf-8").replace("attendees: [herzog]", 'attendees: ["\\e[2J"]', 1),
        encoding="utf-8",
    )
    assert cli.main(["check", str(visit)]) == cli.EXIT_INVALID
    captured = capsys.readouterr()
    assert controls(captured.out + captured.err) == [], captured.err
    assert f"{visit}:61:17: items[arrival].attendees[0]: '\\x1b[2J' is not a valid id" in (
        captured.err
    )


@pytest.mark.parametrize("verb", ["check", "solve", "generate"])
def test_a_file_name_with_control_characters_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], verb: str
) -> None:
    """A name that would retitle the terminal, or split a line of every message naming it."""
    named = tmp_path / "x\x1b]2;pwned\x07\r\n.yaml"
    named.write_bytes(BASE.read_bytes())
    argv = [verb, str(named)] + (["-o", str(tmp_path / "out")] if verb == "generate" else [])
    assert cli.main(argv) == cli.EXIT_INVALID
    captured = capsys.readouterr()
    assert controls(captured.out + captured.err) == [], captured.err
    assert captured.err == (
        f"planner {verb}: the file name '{tmp_path}/x\\x1b]2;pwned\\x07\\r\\n.yaml' holds "
        "control characters; rename the file (such a name would garble or split the lines "
        "that name it)\n"
    )
    assert not (tmp_path / "out").exists()


def test_a_file_found_in_a_folder_is_named_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "ok\r\n.yaml").write_bytes(BASE.read_bytes())
    (tmp_path / "bad\x1b[2J.yaml").write_text("schema_version: 2\n", encoding="utf-8")
    assert cli.main(["check", "-q", str(tmp_path)]) == cli.EXIT_INVALID
    captured = capsys.readouterr()
    assert controls(captured.out + captured.err) == [], captured
    assert captured.out == f"{tmp_path}/ok\\r\\n.yaml: valid\n"
    assert captured.err.splitlines()[-1] == f"{tmp_path}/bad\\x1b[2J.yaml: invalid (1 error)"
    assert cli.main(["check", str(tmp_path / "ok\r\n.yaml")]) == cli.EXIT_INVALID  # named


def test_solve_and_move_print_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    visit = hostile_visit(tmp_path)
    assert cli.main(["solve", str(visit)]) == cli.EXIT_OK
    captured = capsys.readouterr()
    assert controls(captured.out) == [] and controls(captured.err) == []
    assert "Arrival at Heydar Aliyev[2J[H International Airport]2;pwned" in captured.out
    code = cli.main(["move", str(visit), "official-welcome", "--to", "2023-05-30 11:00"])
    assert code == cli.EXIT_OK
    captured = capsys.readouterr()
    assert controls(captured.out) == [] and controls(captured.err) == []
    assert "Official welcome]52;c;cm0gLXJmIH4= ceremony [/b] [bold]" in captured.out


def test_documents_hold_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    visit = hostile_visit(tmp_path)
    out = tmp_path / "out"
    assert cli.main(["generate", str(visit), "-o", str(out)]) == cli.EXIT_OK
    assert controls(capsys.readouterr().out) == []
    checked = 0
    for path in sorted(out.rglob("*")):
        if path.suffix in (".md", ".html", ".json", ".ics"):
            text = path.read_bytes().decode("utf-8")
            if path.suffix == ".ics":
                text = text.replace("\r\n", "\n")  # the calendar's own line ends
            assert controls(text) == [], path
            checked += 1
    assert checked > 30
    programme = (out / "programme.html").read_text(encoding="utf-8")
    assert "Official welcome]52;c;cm0gLXJmIH4= ceremony [/b] [bold]" in programme


def test_each_persons_stays_are_resolved_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The presence check asked for a person's stays once per item and attendee: 10.5 s
    for the 200,000 values of bench/checkspeed.py's value limit (now 1.3 s). Counted here,
    not timed."""
    from planner.model import consistency

    calls: list[str] = []
    real = consistency.stays

    def counted(visit: object, person: Person) -> object:
        calls.append(person.id)
        return real(visit, person)  # type: ignore[arg-type]

    monkeypatch.setattr(consistency, "stays", counted)
    path = tmp_path / "visit.yaml"
    text = BASE.read_text(encoding="utf-8")
    text += "".join(
        f"  - id: b{n}\n    title: Briefing {n}\n    kind: briefing\n    duration: 5\n"
        "    attendees: [herzog, steinmeier]\n    venue: ber\n"
        "    window: {earliest_start: '2023-05-30 10:00', latest_end: '2023-05-30 20:00'}\n"
        "    provenance: {source: assumed, reason: many items}\n"
        for n in range(200)
    )
    path.write_text(text, encoding="utf-8")
    assert cli.main(["check", "-q", str(path)]) == cli.EXIT_OK, capsys.readouterr().err
    assert sorted(calls) == ["herzog"]  # the only person with stays, asked for once


@pytest.mark.parametrize("suffix", [".json", ".plan.yaml"])
def test_a_deeply_nested_plan_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    """A plan.json of 100,000 nested arrays ended `planner diff` with a RecursionError."""
    deep = tmp_path / f"deep{suffix}"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code = cli.main(["diff", str(deep), str(deep), "--visit", str(BASE)])
    err = capsys.readouterr().err
    assert code == cli.EXIT_INVALID and "internal error" not in err, err
    assert str(deep) in err
