"""Reading visit files: libyaml reads what it can (flow mappings holding clock times too),
the pure parser what libyaml cannot, within a budget, and both give the same data and the
same lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from planner import cli, visitfile
from planner.visitfile import (
    PURE_MAX_READ,
    SourceMap,
    VisitFileError,
    read_yaml,
    read_yaml_text,
)
from tests.conftest import FIXTURES

BASE = FIXTURES / "broken" / "BASE.yaml"
FLOW_WITH_TIMES = FIXTURES / "synthetic-m.yaml"  # {city: alpha, arrive: 2025-06-03 09:00}


def _pure(text: str) -> tuple[Any, SourceMap]:
    source = SourceMap()
    return visitfile._Builder(source).build(visitfile._pure_events(text)), source


def _no_pure_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str) -> Any:
        raise AssertionError("the pure parser was asked to read")

    monkeypatch.setattr(visitfile, "_pure_events", refuse)


def test_flow_mappings_with_times_are_read_by_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml refuses a ':' inside a plain value of a flow mapping; the whole file went to
    the pure parser, some 20 times slower. The data is the pure parser's, to the line."""
    text = FLOW_WITH_TIMES.read_text(encoding="utf-8")
    assert "arrive: 2025-06-03 09:00, depart: 2025-06-05 18:30}" in text
    expected, where = _pure(text)
    with monkeypatch.context() as patched:
        _no_pure_parser(patched)
        data, source = read_yaml(FLOW_WITH_TIMES)
    assert data == expected
    assert source.positions == where.positions and source.labels == where.labels


def test_a_small_file_libyaml_cannot_read_goes_to_the_pure_parser(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "visit.yaml"
    path.write_text(
        BASE.read_text(encoding="utf-8").replace(
            "    title: Talks of the Presidents\n", "    window: {earliest_start: x:y}\n"
        ),
        encoding="utf-8",
    )
    assert cli.main(["check", str(path)]) == cli.EXIT_INVALID
    err = capsys.readouterr().err
    assert "items[talks].window.earliest_start: 'x:y' is not a local time" in err, err


def test_a_large_file_libyaml_cannot_read_is_refused_located(tmp_path: Path) -> None:
    """Beyond the pure parser's budget, libyaml's error is given, with what to do."""
    entries = "".join(f"  - id: b{n}\n    title: T\n" for n in range(PURE_MAX_READ // 4))
    text = BASE.read_text(encoding="utf-8") + entries + "  - {title: see:below}\n"
    last = text.count("\n")
    with pytest.raises(VisitFileError) as caught:
        read_yaml_text(text, tmp_path / "big.yaml")
    (problem,) = caught.value.diagnostics
    assert (problem.line, problem.col) == (last, 16)  # the ':' of 'see:below'
    assert problem.message.startswith("not valid YAML: found unexpected ':'")
    assert "must be plain YAML that the fast reader reads: put values holding ':'" in (
        problem.message
    )
    # within the budget, the same construct is read
    data, _ = read_yaml_text(BASE.read_text(encoding="utf-8") + "  - {title: see:below}\n", BASE)
    assert data["items"][-1] == {"title": "see:below"}


@pytest.mark.parametrize(
    "text",
    [
        "a: {at: 2023-05-30 10:00, until: 12:30}\n",
        "a: [10:30, '10:30', \"10:30\", 1:2:3]\n",
        "a: {b: 1:2}\nc: |\n  10:00 sharp\n",
        "%YAML 1.1\n---\na: [1:30, 0o17, yes]\n",  # 1.1: sexagesimal 90; 0o17 a string
        "a: &t1:2 [1:2]\nb: *t1:2\n",  # an anchor named with a ':' between digits
        "? {a: 1:2}\n: x\n",
    ],
)
def test_libyaml_reads_digit_colons_as_the_pure_parser(text: str) -> None:
    try:
        expected: Any = _pure(text)
        expected = (expected[0], expected[1].positions)
    except visitfile._Stop as stop:
        expected = (stop.line, stop.col, stop.message)
    try:
        data, source = read_yaml_text(text, Path("x.yaml"))
        found: Any = (data, source.positions)
    except VisitFileError as exc:
        first = exc.diagnostics[0]
        found = (first.line, first.col, first.message)
    assert found == expected
