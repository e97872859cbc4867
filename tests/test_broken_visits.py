"""Broken visit files: `planner check` must reject each with exit code 2 and name every
problem at its file:line:col, in words that say what is wrong and how to fix it, never with a
traceback.

Every file in fixtures/broken/ is derived from the valid minimal visit fixtures/broken/BASE.yaml
with one thing wrong (the many-*.yaml files: several at once, to show that all are reported
together). The table below is the contract; fixtures/broken/EXPECTED.md is the same table for
people, and a test keeps the two in step.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from planner import cli

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "fixtures" / "broken"
BASE = BROKEN / "BASE.yaml"
EXPECTED_MD = BROKEN / "EXPECTED.md"

Expected = tuple[int, int, str]  # line, column, a distinctive part of the message

CASES: dict[str, list[Expected]] = {
    # -- the file as a file: bytes, YAML, safety ---------------------------------------------
    "empty.yaml": [(1, 1, "the file is empty; a visit file starts with 'schema_version: 1'")],
    "comments-only.yaml": [(1, 1, "the file holds no data")],
    "not-utf8.yaml": [(33, 26, "the file is not UTF-8 text; save it as UTF-8")],
    "truncated.yaml": [
        (
            88,
            23,
            "found unexpected end of stream (while scanning a quoted scalar that starts "
            "at 88:13); the file ends too early: is it cut short?",
        ),
    ],
    "tab-indent.yaml": [(35, 1, "YAML indents with spaces, never tabs: replace the tab")],
    "duplicate-key.yaml": [(67, 5, "duplicate key 'title' (first given on line 66); keep one")],
    "two-documents.yaml": [(4, 1, "a second YAML document starts here")],
    "unsafe-tag.yaml": [
        (
            66,
            12,
            "the tag '!!python/object/apply:os.system' is not allowed: visit files are "
            "plain YAML (remove the tag)",
        ),
    ],
    "alias-bomb.yaml": [(8, 31, "the file expands to more than 200,000 values (an alias bomb?)")],
    "not-a-mapping.yaml": [
        (3, 1, "a visit file is a mapping that starts with 'schema_version: 1'")
    ],
    # -- structure and types -------------------------------------------------------------------
    "schema-version.yaml": [
        (3, 1, "schema_version 2 is not supported; this planner reads version 1"),
    ],
    "wrong-type-string-for-number.yaml": [
        (
            27,
            5,
            "people[herzog].precedence: input should be a valid integer, unable to parse "
            "string as an integer (got 'first')",
        ),
    ],
    "wrong-type-list-for-mapping.yaml": [
        (7, 1, "host: expected a mapping ('key: value' lines), got a list"),
    ],
    "wrong-type-duration.yaml": [
        (
            76,
            5,
            "items[talks].duration: 'an hour' is not a duration; write minutes (45) or "
            "hours ('1h30')",
        ),
    ],
    "impossible-date.yaml": [
        (
            9,
            1,
            "start: '2023-02-30' is not a date (day value is outside expected range); write "
            "a calendar date as YYYY-MM-DD",
        ),
    ],
    "impossible-date-in-window.yaml": [
        (71, 14, "items[welcome].window.earliest_start: '2023-02-30' is not a real calendar date"),
    ],
    "impossible-clock-time.yaml": [
        (
            63,
            5,
            "items[arrival].pinned: '2023-05-30 25:00' has an impossible clock time "
            "(hours 0-23, minutes 0-59)",
        ),
    ],
    "impossible-opening-time.yaml": [
        (
            49,
            31,
            "venues[bellevue].opening[0].close: '25:00' is not a time of day (00:00 to 24:00)",
        ),
    ],
    "year-out-of-range.yaml": [
        (88, 5, "items[townhall].pinned: '9023-05-31 14:00': the year 9023 is not plausible"),
    ],
    "unknown-field-typo.yaml": [
        (61, 5, "items[arrival].atendees: unknown field 'atendees'; did you mean 'attendees'?"),
    ],
    "missing-required.yaml": [(57, 5, "items[arrival]: 'duration' is missing (required)")],
    "bad-enum.yaml": [
        (75, 5, "items[talks].kind: 'one_on_one_talk' is not allowed"),
        # the same line also suggests the right word:
        (75, 5, "did you mean 'one_on_one_talks'?"),
    ],
    "bad-id.yaml": [
        (82, 5, "items[Town Hall].id: 'Town Hall' is not a valid id: use lower-case letters"),
    ],
    "flight-without-arrival-venue.yaml": [
        (57, 5, "items[arrival]: a flight needs 'arrival_venue' (the airport it lands at)"),
    ],
    "custom-without-custom-kind.yaml": [
        (82, 5, "items[townhall]: kind 'custom' needs 'custom_kind' (its name)"),
    ],
    "priority-without-optional.yaml": [
        (82, 5, "items[townhall]: 'priority' is only for optional items; add 'optional: true'"),
    ],
    "wrong-time-zone-name.yaml": [
        (
            11,
            1,
            "timezone: 'Baku Time' is not an IANA time-zone name (Area/City); did you mean "
            "'Asia/Baku'?",
        ),
    ],
    "wrong-time-zone-abbreviation.yaml": [
        (
            21,
            47,
            "cities[hamburg].timezone: 'EST' is not an IANA time-zone name (Area/City): "
            "abbreviations",
        ),
    ],
    # -- references ----------------------------------------------------------------------------
    "unknown-person.yaml": [
        (86, 17, "items[townhall].attendees[0]: unknown person 'herzgo'; did you mean 'herzog'?"),
    ],
    "unknown-venue.yaml": [
        (78, 5, "items[talks].venue: unknown venue 'belvue'; did you mean 'bellevue'?"),
    ],
    "unknown-city.yaml": [
        (53, 5, "venues[rathaus].city: unknown city 'hamburgh'; did you mean 'hamburg'?"),
    ],
    "duplicate-item-id.yaml": [
        (82, 5, "items[arrival].id: duplicate id 'arrival' (also items[0]); ids must be unique"),
    ],
    "unknown-convention-override.yaml": [
        (
            16,
            5,
            "conventions[welcome-before-talk].id: no inherited convention is called "
            "'welcome-before-talk'; did you mean 'welcome-before-talks'?",
        ),
    ],
    "duplicate-candidate-venue.yaml": [
        (
            78,
            34,
            "items[talks].candidate_venues[1]: 'bellevue' is listed twice (also "
            "candidate_venues[0]); keep one",
        ),
    ],
    "duplicate-optional-attendee.yaml": [
        (
            87,
            38,
            "items[townhall].optional_attendees[1]: 'steinmeier' is listed twice (also "
            "optional_attendees[0]); keep one",
        ),
    ],
    "required-and-optional.yaml": [
        (
            70,
            26,
            "items[welcome].optional_attendees[0]: 'steinmeier' is a required attendee "
            "already (attendees[1]); remove them from optional_attendees",
        ),
    ],
    # -- travel --------------------------------------------------------------------------------
    "flight-leg.yaml": [
        (
            40,
            37,
            "travel.legs[0].mode: a travel leg cannot be a flight: legs are motorcade, walk, "
            "helicopter or boat (a helicopter hop is 'mode: helicopter')",
        ),
    ],
    "duplicate-leg.yaml": [
        (
            41,
            7,
            "travel.legs[1]: a second motorcade leg from 'bellevue' to 'ber' (also "
            "travel.legs[0]); keep one",
        ),
    ],
    # -- times, places and people ------------------------------------------------------------
    "window-outside-visit.yaml": [
        (
            71,
            14,
            "items[welcome].window.earliest_start: the window 29 May 2023 is outside the "
            "visit (30 May to 31 May 2023)",
        ),
    ],
    "duration-longer-than-window.yaml": [
        (
            68,
            5,
            "items[welcome].duration: 150 min do not fit the window (2023-05-30 10:00 to "
            "2023-05-30 12:00, 120 min); shorten the item or widen the window",
        ),
    ],
    "unknown-day-part.yaml": [
        (
            71,
            5,
            "items[welcome].window.day_part: unknown day part 'mornin' (the parts of a day are "
            "morning, midday, afternoon, evening, night; a visit defines others under "
            "'day_parts'); did you mean 'morning'?",
        ),
    ],
    "negative-tolerance.yaml": [
        (
            80,
            5,
            "items[talks].tolerance: a tolerance of -5 min: give the minutes the start may lie "
            "either side of 'around', from 0 to 360",
        ),
    ],
    "unavailable-until-before-from.yaml": [
        (
            91,
            5,
            "unavailable[0]: until 2023-05-30 10:00 is not after from 2023-05-30 12:00; an "
            "unavailability ends after it starts",
        ),
    ],
    "unavailable-unknown-city.yaml": [
        (91, 5, "unavailable[0].city: unknown city 'hamburgh'; did you mean 'hamburg'?"),
    ],
    "pinned-in-unavailability.yaml": [
        (
            88,
            5,
            "items[townhall].pinned: 'Visit to Hamburg City Hall' is pinned 31 May 14:00–15:00, "
            "but Hamburg is unavailable from 31 May 12:00 until 31 May 16:00 (the city hosts "
            "the Hanseatic summit; unavailable[0]); move the pin or correct the unavailability",
        ),
    ],
    "pinned-outside-window.yaml": [
        (
            71,
            5,
            "items[welcome].pinned: pinned at 2023-05-30 09:30, before its window opens "
            "(2023-05-30 10:00)",
        ),
    ],
    "pinned-outside-opening-hours.yaml": [
        (
            79,
            5,
            "items[talks].pinned: pinned 21:30–22:30, outside the opening hours of Bellevue "
            "Palace (08:00–22:00)",
        ),
    ],
    "ordering-cycle.yaml": [
        (
            71,
            13,
            "items[welcome].order[0]: ordering rules form a cycle: 'Official welcome' → "
            "'Talks of the Presidents' → 'Official welcome'; remove one of these rules",
        ),
    ],
    "attendee-after-departure.yaml": [
        (
            86,
            17,
            "items[townhall].attendees[0]: Isaac Herzog must attend 'Visit to Hamburg City "
            "Hall' in Hamburg at 31 May 19:30–20:30, but is not present there then",
        ),
    ],
    "overlapping-stays.yaml": [
        (
            31,
            9,
            "people[herzog].presence[1]: this stay in 'hamburg' overlaps the stay in "
            "'berlin' (presence[0]); Isaac Herzog cannot be in two cities at once",
        ),
    ],
    "groups-over-capacity.yaml": [
        # a group that is not people of the visit counts against the venue's capacity
        (
            70,
            5,
            "items[welcome].guests: 2 attendees and groups of 300 people (about 300 "
            "pupils), but Bellevue Palace holds at most 50; give a larger venue or smaller "
            "groups",
        ),
    ],
    "unknown-provenance-field.yaml": [
        (
            90,
            5,
            "items[townhall].provenance_of: names no field of an item: 'durations'; did you "
            "mean 'duration'?",
        ),
    ],
    "off-record-clearance.yaml": [
        (
            37,
            5,
            "people[steinmeier].clearance: 'off_record' is a tier of items and venues only: "
            "no reader has it (use 'restricted', the protocol office's)",
        ),
    ],
    "public-title-seen-by-nobody.yaml": [
        (
            73,
            5,
            "items[talks]: a public version ('public_title', 'public_venue') is for the "
            "tiers below 'disclosed_from' (delegation), but the item's tier is delegation: "
            "nobody would see it",
        ),
    ],
    "capacity-exceeded.yaml": [
        # one venue too small for two items: each item is named
        (69, 5, "items[welcome].attendees: 2 attendees, but Bellevue Palace holds at most 1"),
        (77, 5, "items[talks].attendees: 2 attendees, but Bellevue Palace holds at most 1"),
    ],
    "dst-nonexistent-time.yaml": [
        (
            63,
            5,
            "items[arrival].pinned: 2023-03-26 02:30 does not exist in Europe/Berlin: on 26 "
            "March 2023 the clocks jump from 02:00 to 03:00",
        ),
    ],
    "dst-ambiguous-time.yaml": [
        (63, 5, "items[arrival].pinned: 2023-10-29 02:30 occurs twice in Europe/Berlin"),
        (
            63,
            5,
            "write '2023-10-29 02:30+02:00' for the first or '2023-10-29 02:30+01:00' for "
            "the second",
        ),
    ],
    # -- several problems, all reported at once ---------------------------------------------------
    "many-structural.yaml": [
        (27, 5, "people[herzog].precedence: input should be a valid integer"),
        (61, 5, "items[arrival].atendees: unknown field 'atendees'; did you mean 'attendees'?"),
        (63, 5, "items[arrival].pinned: '2023-05-30 25:00' has an impossible clock time"),
        (75, 5, "items[talks].kind: 'one_on_one_talk' is not allowed"),
    ],
    "many-references.yaml": [
        (11, 1, "timezone: 'Baku Time' is not an IANA time-zone name"),
        (53, 5, "venues[rathaus].city: unknown city 'hamburgh'"),
        (78, 5, "items[talks].venue: unknown venue 'belvue'"),
        (86, 17, "items[townhall].attendees[0]: unknown person 'herzgo'"),
    ],
    "many-times.yaml": [
        (16, 5, "conventions[welcome-before-talk].id: no inherited convention"),
        (69, 5, "items[welcome].attendees: 2 attendees, but Bellevue Palace holds at most 1"),
        (71, 14, "items[welcome].window.earliest_start: the window 29 May 2023 is outside"),
        (77, 5, "items[talks].attendees: 2 attendees, but Bellevue Palace holds at most 1"),
        (79, 5, "items[talks].pinned: pinned 21:30–22:30, outside the opening hours"),
        (87, 17, "items[townhall].attendees[0]: Isaac Herzog must attend"),
    ],
}


def _check(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, str, str]:
    code = cli.main(["check", str(path)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _assert_reported(path: Path, code: int, err: str, expected: list[Expected]) -> None:
    assert code == cli.EXIT_INVALID, err
    assert "Traceback" not in err
    assert "internal error" not in err
    lines = err.splitlines()
    for line_no, col, fragment in expected:
        where = f"{path}:{line_no}:{col}: "
        at = [line for line in lines if line.startswith(where)]
        assert at, f"nothing reported at {where}\n{err}"
        assert any(fragment in line for line in at), f"{fragment!r} not at {where}\n{err}"
    # exactly these problems, and nothing else: one line per problem, then the verdict
    positions = {(line_no, col) for line_no, col, _ in expected}
    count = len(lines) - 1
    assert count == len(positions), err
    assert lines[-1] == f"{path}: invalid ({count} error{'s' if count != 1 else ''})", err


@pytest.mark.parametrize(("name", "expected"), CASES.items(), ids=list(CASES))
def test_broken_visit(
    capsys: pytest.CaptureFixture[str], name: str, expected: list[Expected]
) -> None:
    path = BROKEN / name
    code, out, err = _check(capsys, path)
    assert out == ""
    _assert_reported(path, code, err, expected)


def test_base_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    """The broken files differ from a valid visit only by what they break."""
    code, out, err = _check(capsys, BASE)
    assert code == cli.EXIT_OK, err
    assert err == ""
    assert "Minimal state visit" in out


def test_every_broken_file_is_in_the_table() -> None:
    files = {p.name for p in BROKEN.glob("*.yaml")} - {BASE.name}
    assert files == set(CASES)
    assert len(files) >= 30


def test_expected_md_matches_the_table() -> None:
    """EXPECTED.md has a row per file, naming every line:col the table expects."""
    text = EXPECTED_MD.read_text(encoding="utf-8")
    rows: dict[str, str] = {}
    for line in text.splitlines():
        match = re.match(r"^\| `([^`]+\.yaml)` \|(.*)$", line)
        if match:
            rows[match[1]] = match[2]
    assert set(rows) == set(CASES)
    for name, expected in CASES.items():
        for line_no, col, _ in expected:
            assert f"{line_no}:{col}" in rows[name], f"{name}: {line_no}:{col} not in EXPECTED.md"


def test_oversize_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """50 MB, far over the limit: refused from its size, before it is read."""
    path = tmp_path / "huge.yaml"
    line = b"# " + b"x" * 1022 + b"\n"
    with path.open("wb") as out:
        out.write(BASE.read_bytes())
        for _ in range(50 * 1024):
            out.write(line)
    assert path.stat().st_size > 50 * 1024 * 1024
    code, out, err = _check(capsys, path)
    _assert_reported(path, code, err, [(1, 1, "MB; a visit file may be at most 8 MB")])


def test_all_reported_for_every_file_of_a_folder(capsys: pytest.CaptureFixture[str]) -> None:
    """`planner check fixtures/broken` goes through every file and reports each."""
    code, _out, err = _check(capsys, BROKEN)
    assert code == cli.EXIT_INVALID
    assert "Traceback" not in err
    for name in CASES:
        assert f"{BROKEN / name}: invalid (" in err


# -- end to end: the installed console script ---------------------------------------------


def _console_script() -> list[str]:
    script = Path(sys.executable).parent / "planner"
    return [str(script)] if script.exists() else [sys.executable, "-m", "planner.cli"]


@pytest.mark.parametrize(
    "name", ["truncated.yaml", "unknown-person.yaml", "dst-ambiguous-time.yaml", "alias-bomb.yaml"]
)
def test_console_script_exit_code(name: str) -> None:
    path = BROKEN / name
    env = {k: v for k, v in os.environ.items() if k != "PLANNER_DEBUG"}
    done = subprocess.run(
        [*_console_script(), "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == cli.EXIT_INVALID, done.stderr
    assert done.stdout == ""
    _assert_reported(path, done.returncode, done.stderr, CASES[name])


def test_console_script_valid_exit_code() -> None:
    done = subprocess.run(
        [*_console_script(), "check", "-q", str(BASE)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == cli.EXIT_OK, done.stderr
    assert done.stdout == f"{BASE}: valid\n"
