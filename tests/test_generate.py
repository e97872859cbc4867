"""`planner generate`: the output tree, byte-identical re-runs, all-or-nothing writes,
several visits, and file names that cannot leave the output folder."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from planner import output_folder, pipeline
from planner.cli import main
from planner.export.tiers import slug
from planner.plan import plan_path, read_plan
from tests.conftest import FIXTURES, REFERENCE


def tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def visit(tmp_path: Path) -> Path:
    copy = tmp_path / REFERENCE.name
    shutil.copy(REFERENCE, copy)
    return copy


def run(*argv: str) -> int:
    return main(["generate", *argv])


def test_layout_and_files(visit: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert run(str(visit), "-o", str(out)) == 0
    files = tree(out)
    for name in (
        "programme.md",
        "programme.html",
        "calendars/public.ics",
        "calendars/delegation.ics",
        "calendars/full.ics",
        "changes/public.md",
        "changes/delegation.md",
        "changes/full.md",
        "plan.json",
        "plan.schema.json",
        "people/herzog.md",
        "people/herzog.ics",
        "people/michal-herzog.ics",
        "people/michal-herzog.changes.md",
    ):
        assert name in files, name
    assert len([f for f in files if f.startswith("people/")]) == 3 * 14
    printed = capsys.readouterr().out
    assert "calendars/full.ics" in printed and "plan version 1 (solved" in printed
    assert (tmp_path / "herzog-azerbaijan-2023.plan.yaml").is_file()  # beside the visit


def test_generating_twice_gives_identical_files(visit: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert run(str(visit), "-o", str(first)) == 0
    assert run(str(visit), "-o", str(second)) == 0  # the plan is reused
    assert run(str(visit), "-o", str(first)) == 0  # and over an earlier output
    assert tree(first) == tree(second)


def test_a_failed_run_leaves_the_previous_output(
    visit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert run(str(visit), "-o", str(out)) == 0
    before = tree(out)
    # an invalid visit: nothing is written
    broken = tmp_path / "broken.yaml"
    broken.write_text(visit.read_text(encoding="utf-8").replace("duration: 30", "duration: x", 1))
    assert run(str(broken), "-o", str(out)) == 2
    assert tree(out) == before
    # a failure while writing the files: the old folder is still there, whole
    real = output_folder.write_tree

    def crash(target: Path, files: dict[str, bytes]) -> None:
        real(target, {**files, "../escape.txt": b"x"})

    monkeypatch.setattr(pipeline, "write_tree", crash)
    visit.write_text(visit.read_text(encoding="utf-8").replace("duration: 45", "duration: 50", 1))
    assert run(str(visit), "-o", str(out)) == 2
    assert tree(out) == before
    assert not (tmp_path / "escape.txt").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]  # no leftovers


def test_changes_since_the_previous_run(visit: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run(str(visit), "-o", str(out)) == 0
    assert "first version" in (out / "changes/full.md").read_text(encoding="utf-8").lower()
    planned = read_plan(plan_path(visit)).item("community-meeting")
    assert planned is not None and planned.start is not None
    assert main(["move", str(visit), "community-meeting", "--to", "2023-05-31 10:30"]) == 0
    assert run(str(visit), "-o", str(out)) == 0
    changes = (out / "changes/full.md").read_text(encoding="utf-8")
    assert f"moved from {planned.start.local:%H:%M} to 10:30" in changes


def test_several_visits_and_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "visits"
    folder.mkdir()
    for name in ("herzog-azerbaijan-2023.yaml", "exercise-spain-2024.yaml"):
        shutil.copy(FIXTURES / name, folder / name)
    out = tmp_path / "out"
    assert run(str(folder), "-o", str(out)) == 0
    files = tree(out)
    assert "herzog-azerbaijan-2023/calendars/full.ics" in files
    assert "exercise-spain-2024/calendars/full.ics" in files


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("/absolute/path", "absolute-path"),
        ("Şəhidlər Xiyabanı", "shidlr-xiyaban"),
        ("מיכל הרצוג", "fallback"),
        ("con\u202eflip\u0000", "conflip"),
        ("..", "fallback"),
        ("a" * 200, "a" * 60),
    ],
)
def test_slugs_cannot_leave_the_folder(text: str, expected: str) -> None:
    assert slug(text, "fallback") == expected


def test_output_paths_stay_inside(tmp_path: Path) -> None:
    with pytest.raises(output_folder.OutputFolderError):
        output_folder.write_tree(tmp_path / "out", {"../outside.txt": b"x"})
    assert not (tmp_path / "outside.txt").exists()
    assert not (tmp_path / "out").exists()
