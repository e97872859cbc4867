"""`planner tui` in a real terminal: tests/tui/smoke_tmux.sh drives it through tmux."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planner.plan import plan_path, read_plan
from planner.visitfile import load_visit

SCRIPT = Path(__file__).with_name("smoke_tmux.sh")


@pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed (Debian package 'tmux')"
)
def test_tmux_smoke(visit_copy: Path) -> None:
    before = read_plan(plan_path(visit_copy)).item("wreath-alley-of-martyrs")
    assert before is not None and before.start_at() is not None
    planner = Path(sys.executable).with_name("planner")
    done = subprocess.run(
        ["bash", str(SCRIPT), str(planner), str(visit_copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "exit status: 0" in done.stdout
    item = load_visit(visit_copy).visit.item["wreath-alley-of-martyrs"]
    moved = before.start_at().add(minutes=15)  # type: ignore[union-attr]
    assert str(item.pinned) == f"{moved.naive():%Y-%m-%d %H:%M}"
    plan = read_plan(plan_path(visit_copy))
    assert plan.version == 2
    after = plan.item("wreath-alley-of-martyrs")
    assert after is not None and after.start_at() == moved
    assert visit_copy.read_text(encoding="utf-8").startswith("# State visit")
