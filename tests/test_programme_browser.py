"""The printable programme in a real browser: headless Chromium renders programme.html of
the reference visit at A4 proportions (1240×1754, A4 at 150 dpi) and writes a screenshot,
which must be a real picture: a PNG of that size whose rows are not all one colour.

Needs the Debian package `chromium`; skipped without it locally, never on CI."""

from __future__ import annotations

import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from planner.export.documents import programme_html
from planner.export.tiers import DELEGATION
from planner.schedule.solve import solve
from planner.visitfile import load_visit
from tests.conftest import REFERENCE, need_tool

WIDTH, HEIGHT = 1240, 1754


@pytest.fixture
def chromium() -> str:
    return need_tool("chromium", "chromium")


def png_rows(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the rows of an 8-bit RGB(A) PNG as stored (each row's filter byte
    and its filtered bytes: a blank row filters to a handful of distinct values, a row
    with text to many)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), (depth, colour)
    stride = width * (3 if colour == 2 else 4) + 1
    raw = zlib.decompress(idat)
    assert len(raw) == height * stride, "pixel data does not match the size"
    return width, height, [raw[y * stride : (y + 1) * stride] for y in range(height)]


def test_programme_renders_in_chromium(tmp_path: Path, chromium: str) -> None:
    visit = load_visit(REFERENCE).visit
    outcome = solve(visit, None, time_limit=10.0)
    assert outcome.plan is not None
    page = tmp_path / "programme.html"
    page.write_text(programme_html(visit, outcome.plan, DELEGATION), encoding="utf-8")
    shot = tmp_path / "programme.png"
    done = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            f"--window-size={WIDTH},{HEIGHT}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shot.is_file(), f"no screenshot (exit {done.returncode}): {done.stderr[-2000:]}"
    data = shot.read_bytes()
    assert len(data) > 50_000, f"a {len(data)}-byte screenshot is too small to hold a page"
    width, height, rows = png_rows(data)
    assert (width, height) == (WIDTH, HEIGHT)
    assert len(rows) == HEIGHT
    varied = [y for y, row in enumerate(rows) if len(set(row[1:])) > 8]
    assert len(varied) > HEIGHT // 4, "the page is nearly blank"
    # ink in the top, the middle and the bottom of the page: header, timeline, table
    thirds = {y * 3 // HEIGHT for y in varied}
    assert thirds == {0, 1, 2}
