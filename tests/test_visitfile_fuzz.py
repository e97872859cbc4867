"""Property test: however a valid visit file is damaged, `planner check` answers 0 (valid)
or 2 (invalid, located problems), never an internal error or a traceback.

The damage is done twice over: to the parsed data (keys deleted, types changed, ids swapped
between people, venues and items, values replaced by random text), dumped back with
ruamel.yaml; and to the raw text (cut at a random byte, random characters inserted, lines
dropped or repeated, tabs). Everything runs in-process through planner.cli.main.

The minimal visit of fixtures/broken/BASE.yaml is drawn most often because it checks five
times faster than the reference visit; files over 40 KB (generated benchmark visits) are
left out. The example counts (1,050 in all) keep the file under 50 s on two cores.
"""

from __future__ import annotations

import contextlib
import copy
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

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
# Mostly the minimal visit, the full visits in fixtures/ the rest of the time (dumping and
# checking one of those costs about 200 ms).
TEXT_SOURCES = [MINIMAL] * max(4, 4 * len(VALID)) + VALID
DATA_SOURCES = [MINIMAL] * max(6, 6 * len(VALID)) + VALID

DATA_EXAMPLES = 350
TEXT_EXAMPLES = 700  # 1,050 examples in all

FUZZ = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)

Path_ = tuple[str | int, ...]

_safe = YAML(typ="safe", pure=True)
_TEXTS: dict[Path, str] = {p: p.read_text(encoding="utf-8") for p in {MINIMAL, *VALID}}
_DATA: dict[Path, Any] = {p: _safe.load(t) for p, t in _TEXTS.items()}


def _dump(data: Any) -> str:
    out = YAML(typ="safe", pure=True)
    out.default_flow_style = None
    out.width = 4096
    stream = io.StringIO()
    out.dump(data, stream)
    return stream.getvalue()


def _paths(node: Any, path: Path_ = ()) -> Iterator[Path_]:
    """Every path in the data, the root excepted."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key)
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield (*path, n)
            yield from _paths(value, (*path, n))


def _parent(data: Any, path: Path_) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


def _entries(data: Any) -> list[dict[str, Any]]:
    """The people, venues, items and cities that still have an id."""
    if not isinstance(data, dict):
        return []
    found = []
    for section in ("people", "venues", "items", "cities"):
        entries = data.get(section)
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                found.append(entry)
    return found


def _ids(data: Any) -> list[str]:
    return [entry["id"] for entry in _entries(data)]


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "2023-02-30",
            "2023-05-30 25:00",
            "2023-03-26 02:30",
            "2023-10-29 02:30",
            "2023-05-30 10:00+09:00",
            "24:00",
            "1h30",
            "Baku Time",
            "EST",
            "custom",
            "flight",
            "0001-01-01",
            "9999-12-31",
        ]
    ),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def mutated_data(draw: st.DrawFn) -> tuple[Path, str]:
    source = draw(st.sampled_from(DATA_SOURCES))
    data = copy.deepcopy(_DATA[source])
    for _ in range(draw(st.integers(1, 4))):
        paths = list(_paths(data))
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, last = _parent(data, path), path[-1]
        action = draw(
            st.sampled_from(
                ["delete", "retype", "swap_id", "swap_ids", "random", "duplicate", "rename"]
            )
        )
        if action == "delete":
            del parent[last]
        elif action == "retype":
            value = parent[last]
            parent[last] = draw(
                st.sampled_from(
                    [
                        0,
                        -1,
                        str(value),
                        [value],
                        None,
                        {"value": value},
                        True,
                        1.5,
                        [],
                        {},
                    ]
                )
            )
        elif action == "swap_id":
            ids = _ids(data)
            if ids:
                parent[last] = draw(st.sampled_from(ids))
        elif action == "swap_ids":  # two entries (a person and a venue, say) trade ids
            entries = _entries(data)
            if len(entries) >= 2:
                a, b = draw(st.lists(st.sampled_from(entries), min_size=2, max_size=2))
                a["id"], b["id"] = b["id"], a["id"]
        elif action == "random":
            parent[last] = draw(_values)
        elif action == "duplicate" and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(parent[last]))
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=12))] = parent.pop(last)
    return source, _dump(data)


@st.composite
def mutated_text(draw: st.DrawFn) -> tuple[Path, bytes]:
    source = draw(st.sampled_from(TEXT_SOURCES))
    raw = _TEXTS[source].encode("utf-8")
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(raw)))
        action = draw(
            st.sampled_from(["cut", "insert", "insert_bytes", "drop_line", "repeat_line", "tab"])
        )
        if action == "cut":
            raw = raw[:at]
        elif action == "insert":
            chars = draw(
                st.one_of(
                    st.text(max_size=8),
                    st.sampled_from(["\t", ":", "- ", "{", "[", "&a ", "*a", "!!", "'", '"', "#"]),
                )
            )
            raw = raw[:at] + chars.encode("utf-8") + raw[at:]
        elif action == "insert_bytes":
            raw = raw[:at] + draw(st.binary(min_size=1, max_size=4)) + raw[at:]
        else:
            lines = raw.split(b"\n")
            n = draw(st.integers(0, len(lines) - 1))
            if action == "drop_line":
                del lines[n]
            elif action == "repeat_line":
                lines.insert(n, lines[n])
            else:
                lines[n] = re.sub(rb"^ ", b"\t", lines[n])
            raw = b"\n".join(lines)
    return source, raw


def _check(path: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["check", "-q", str(path)])
    return code, out.getvalue() + err.getvalue()


def _assert_clean(path: Path, code: int, output: str) -> None:
    assert code in (cli.EXIT_OK, cli.EXIT_INVALID), output
    assert "Traceback" not in output, output
    assert "internal error" not in output, output
    if code == cli.EXIT_INVALID:
        # every problem is located: file:line:col
        located = re.compile(re.escape(str(path)) + r":\d+:\d+: ")
        verdict = re.compile(re.escape(str(path)) + r": invalid \(\d+ errors?\)$")
        lines = output.splitlines()
        assert lines, output
        assert verdict.match(lines[-1]), output
        assert all(located.match(line) for line in lines[:-1]), output


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "visit.yaml"


def test_sources_are_valid() -> None:
    """The fuzz starts from valid visits (otherwise it proves less than it claims)."""
    for source in [MINIMAL, *VALID]:
        code, output = _check(source)
        assert code == cli.EXIT_OK, output


@settings(FUZZ, max_examples=DATA_EXAMPLES)
@given(case=mutated_data())
def test_mutated_data_never_crashes(scratch: Path, case: tuple[Path, str]) -> None:
    _source, text = case
    scratch.write_text(text, encoding="utf-8")
    _assert_clean(scratch, *_check(scratch))


@settings(FUZZ, max_examples=TEXT_EXAMPLES)
@given(case=mutated_text())
def test_mutated_text_never_crashes(scratch: Path, case: tuple[Path, bytes]) -> None:
    _source, raw = case
    scratch.write_bytes(raw)
    _assert_clean(scratch, *_check(scratch))
