"""What `planner check` prints for a valid visit: the pinned list in the shared clock
wording of the programmes (the offset in a repeated hour, the '(+1 day)' of the second
clock, the visit's own city names), warnings said once, and sizes in one unit."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner import cli
from tests.conftest import FIXTURES

BASE = FIXTURES / "broken" / "BASE.yaml"
EXERCISE = FIXTURES / "exercise-spain-2024.yaml"


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _pinned(out: str) -> list[str]:
    lines = out.splitlines()
    start = lines.index("Pinned") + 1
    end = next(n for n in range(start, len(lines)) if not lines[n].startswith("  "))
    return lines[start:end]


def test_pinned_list_uses_the_programmes_clocks(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _check(capsys, str(EXERCISE))
    assert code == cli.EXIT_OK
    pinned = _pinned(out)
    # the night the clocks fall back in Madrid: which 02:30, and the day it is in New York
    assert any(
        line.startswith("  27 Oct 02:30 (+02:00) Madrid · 20:30 New York (-1 day)  Night convoy")
        for line in pinned
    ), pinned
    # the visit's city on the Canary clock, not the zone's ('Canary')
    assert any(
        line.startswith("  27 Oct 12:00 Las Palmas de Gran Canaria · 08:00 New York  Arrival")
        for line in pinned
    ), pinned
    assert not any(" Canary " in line for line in pinned)


def test_pinned_list_is_in_time_order_across_zones(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """14:00 in Hamburg on London time is 15:00 in Berlin: it comes after a pin at 14:30 in
    Berlin, though its clock reads earlier (the list was sorted by the wall clocks)."""
    text = BASE.read_text(encoding="utf-8").replace(
        "{id: hamburg, name: Hamburg, country: DE, timezone: Europe/Berlin}",
        "{id: hamburg, name: Hamburg, country: DE, timezone: Europe/London}",
    )
    text += (
        "  - id: briefing\n    title: Press briefing of the host\n    kind: briefing\n"
        "    duration: 20\n    attendees: [steinmeier]\n    venue: bellevue\n"
        '    pinned: "2023-05-31 14:30"\n'
        "    provenance: {source: assumed, reason: minimal example}\n"
    )
    visit = tmp_path / "visit.yaml"
    visit.write_text(text, encoding="utf-8")
    code, out, err = _check(capsys, str(visit))
    assert code == cli.EXIT_OK, err
    assert [line.split("  ")[2].split(" (")[0] for line in _pinned(out)] == [
        "Arrival at the airport",
        "Press briefing of the host",
        "Visit to Hamburg City Hall",
    ]
    assert "  31 May 14:00 Hamburg · 16:00 Jerusalem  Visit to Hamburg City Hall" in out


def test_a_warning_says_warning_once(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    visit = tmp_path / "visit.yaml"
    visit.write_text(
        BASE.read_text(encoding="utf-8").replace(
            "    attendees: [herzog]\n    venue: rathaus", "    venue: rathaus"
        ),
        encoding="utf-8",
    )
    code, out, _ = _check(capsys, str(visit))
    assert code == cli.EXIT_OK
    warned = [line for line in out.splitlines() if "warning:" in line]
    assert warned == [
        f"{visit}:82:5: items[townhall]: warning: 'Visit to Hamburg City Hall' has no required "
        "attendees"
    ]


def test_the_size_limit_says_one_unit(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """8.1 MB is over a limit of 8 MB: it used to be let through (the limit was 8 MiB,
    8,388,608 bytes, and called '8 MB')."""
    path = tmp_path / "big.yaml"
    padding = b"# " + b"x" * 97 + b"\n"
    with path.open("wb") as out:
        out.write(BASE.read_bytes())
        while out.tell() < 8_100_000:
            out.write(padding)
    code, out, err = _check(capsys, str(path))
    assert code == cli.EXIT_INVALID
    assert err.splitlines()[0] == (
        f"{path}:1:1: the file is 8.1 MB; a visit file may be at most 8 MB"
    ), err
