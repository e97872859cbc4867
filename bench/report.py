"""What every benchmark prints about itself: the commit and machine it ran on, and its
figures as a Markdown table (for bench/README.md)."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def commit() -> str:
    """The short hash of the checked-out commit ('?' outside a git checkout)."""
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    return found or "?"


def machine() -> str:
    import ortools

    return (
        f"commit {commit()}; {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, ortools {ortools.__version__}"
    )


def markdown_table(header: Sequence[object], body: Sequence[Sequence[object]]) -> str:
    """Rows as a Markdown table with aligned columns."""
    widths = [max(len(str(row[i])) for row in [header, *body]) for i in range(len(header))]

    def line(row: Sequence[object]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    return "\n".join(
        [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        + [line(r) for r in body]
    )
