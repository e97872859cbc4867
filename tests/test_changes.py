"""What changed for whom: the reference visit solved, then an item moved, one cancelled,
one added, an attendance and a venue changed (through the CLI, as protocol staff would),
and the exact sentences each person is told. Then `planner diff` on the plan files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planner.cli import main
from planner.export.changes import changes_text, notice, notice_text, person_changes
from planner.export.documents import changes_markdown
from planner.export.planjson import plan_json
from planner.export.tiers import DELEGATION, for_person
from planner.model.clock import WallTime
from planner.model.visit import Visit
from planner.plan import Plan, plan_path, read_plan
from planner.visitfile import load_visit
from tests.conftest import REFERENCE


@pytest.fixture
def copy(first: Path, tmp_path: Path) -> Path:
    """A fresh copy of the solved reference visit and its plan: the visit's path."""
    shutil.copy(REFERENCE, tmp_path / REFERENCE.name)
    shutil.copy(first, tmp_path / first.name)
    return tmp_path / REFERENCE.name


def changed(visit_path: Path, *argv: str) -> tuple[Visit, Plan, Plan]:
    """Run a CLI verb on the copy; the visit after it, and the plans before and after."""
    old = read_plan(plan_path(visit_path))
    assert main([argv[0], str(visit_path), *argv[1:]]) == 0
    return load_visit(visit_path).visit, old, read_plan(plan_path(visit_path))


def told(visit: Visit, old: Plan, new: Plan) -> dict[str, list[str]]:
    return {p.id: s for p, s in person_changes(visit, old, new)}


COMMUNITY = "Meeting with the Jewish community of Azerbaijan"


def test_moved_item(copy: Path) -> None:
    visit, old, new = changed(copy, "move", "community-meeting", "--to", "2023-05-31 10:30")
    sentence = f"{COMMUNITY} moved from 10:00 to 10:30 (same venue)"
    assert told(visit, old, new) == {
        "herzog": [sentence],
        "michal-herzog": [sentence],
        "schneier": [sentence],
        "segal": [sentence],
    }
    text = changes_markdown(visit, old, new)
    assert text.index("## Isaac Herzog") < text.index("## Michal Herzog")
    assert text.index("## Michal Herzog") < text.index("## Rabbi Marc Schneier")
    assert f"- {sentence}\n" in text


def test_changes_stay_within_clearance(copy: Path) -> None:
    """Rabbi Segal attends the press-tier community meeting; with a public clearance he is
    not told it moved (the file checker warns about such a clearance), only that the
    meeting he had in his programme is no longer in it."""
    text = copy.read_text(encoding="utf-8")
    start = text.index("  - id: segal")
    at = text.index("clearance: press", start)
    copy.write_text(text[:at] + "clearance: public" + text[at + len("clearance: press") :])
    visit, old, new = changed(copy, "move", "community-meeting", "--to", "2023-05-31 10:30")
    assert told(visit, old, new)["segal"] == [f"{COMMUNITY} is no longer in the programme"]
    assert "herzog" in told(visit, old, new)
    assert "10:30" not in notice_text(notice(visit, old, new, for_person(visit.person["segal"])))
    assert "Segal" not in changes_markdown(visit, old, new, DELEGATION)


def test_cancelled_item(copy: Path) -> None:
    """Michal Herzog's museum visit is cancelled: her itinerary now says that she comes to
    the festive event from the lunch, her real previous item of the day."""
    visit, old, new = changed(copy, "cancel", "spouse-programme")
    assert told(visit, old, new) == {
        "michal-herzog": [
            "Visit to the National Carpet Museum cancelled",
            "Festive event for the 75th anniversary of Israel's independence: travel before "
            "it from Festive lunch hosted by President Aliyev and Mehriban Aliyeva, leaving "
            "17:15, motorcade 1 h (Michal Herzog)",
        ]
    }


def test_new_item(copy: Path) -> None:
    text = copy.read_text(encoding="utf-8")
    copy.write_text(
        text
        + """\
  - id: speaker-meeting
    title: Meeting with the Speaker of the Milli Majlis
    kind: custom
    custom_kind: courtesy call
    duration: 30
    attendees: [herzog, gafarova]
    venue: hotel
    pinned: "2023-05-31 11:00"
    tier: public
    press: spray
    provenance: {source: assumed, reason: "a new item of the test"}
""",
        encoding="utf-8",
    )
    visit, old, new = changed(copy, "solve")
    sentence = "New: Meeting with the Speaker of the Milli Majlis, 31 May 11:00"
    # the community meeting (10:00–11:00, the wait before the departure short) moves 15
    # min earlier, to leave the journey to the Speaker and the President's buffer before
    # a pinned item; the President then goes to his departure from the Speaker's
    # meeting: his itinerary tells his real journey there
    earlier = f"{COMMUNITY} moved from 10:00 to 09:45 (same venue)"
    assert told(visit, old, new) == {
        "herzog": [
            earlier,
            sentence,
            "Departure from Heydar Aliyev International Airport: travel before it from "
            "Meeting with the Speaker of the Milli Majlis, leaving 12:30, motorcade 50 min "
            "(Isaac Herzog)",
        ],
        "michal-herzog": [earlier],
        "schneier": [earlier],
        "segal": [earlier],
        "gafarova": [sentence],
    }


def test_attendance_change(copy: Path) -> None:
    visit, old, new = changed(
        copy, "set", "festive-lunch", "--attendees", "herzog,michal-herzog,aliyev,mehriban-aliyeva"
    )
    lunch = "Festive lunch hosted by President Aliyev and Mehriban Aliyeva"
    # the minister is told he no longer attends, and that he now goes to the wreath from
    # the signing; everyone else at the lunch, that he no longer attends it
    others = ["herzog", "michal-herzog", "deek", "schneier", "aliyev", "mehriban-aliyeva"]
    wreath = "Wreath at the grave of national leader Heydar Aliyev: travel before it from"
    assert told(visit, old, new) == {
        "arbel": [
            f"{wreath} Signing of the health cooperation agreement, leaving 15:30, motorcade "
            "1 h 5 min (Moshe Arbel)",
            f"You no longer attend {lunch}",
        ],
        **{p: [f"{lunch}: Moshe Arbel no longer attends"] for p in others},
    }
    # and back: the reverse comparison
    assert told(visit, new, old) == {
        "arbel": [
            f"You now attend {lunch}, 30 May 14:00",
            f"{wreath} {lunch}, leaving 15:30, motorcade 1 h 5 min (Moshe Arbel)",
        ],
        **{p: [f"{lunch}: Moshe Arbel now attends"] for p in others},
    }


def test_venue_change_moves_the_meeting(copy: Path) -> None:
    visit, old, new = changed(copy, "set", "health-meeting", "--venue", "moh-az")
    sentences = told(visit, old, new)
    first = (
        "Working meeting of the Ministers of Health moved from 11:05 at Zagulba Palace "
        "to 10:50 at Ministry of Health of Azerbaijan"
    )
    assert sentences["arbel"][0] == first
    assert sentences["musayev"][0] == first
    # the minister joined the welcome as an optional attendee (the meeting after it); at
    # the Ministry he has no time for it
    assert all(
        "(same venue)" in s or s.endswith(": Moshe Arbel no longer attends")
        for s in sentences["herzog"]
    )


def surgery(plan: Plan, item_id: str, **update: object) -> Plan:
    items = tuple(p.model_copy(update=update) if p.id == item_id else p for p in plan.items)
    return plan.model_copy(update={"items": items, "version": plan.version + 1})


def test_venue_alone_and_a_new_date(first: Path) -> None:
    visit = load_visit(REFERENCE).visit
    old = read_plan(first)
    new = surgery(old, "health-meeting", venue="moh-az")
    meeting = "Working meeting of the Ministers of Health"
    moved = (
        f"{meeting} moved from Zagulba Palace to Ministry of Health of Azerbaijan "
        "(same time, 30 May 11:05)"
    )
    back = (
        "Expanded meeting of the delegations: travel before it from "
        f"{meeting}, leaving 12:05, motorcade 1 h 5 min"
    )
    # (a plan made by hand, where the journeys do not fit: each is told as it would be)
    assert told(visit, old, new) == {
        "arbel": [
            moved,
            f"{meeting}: travel before it from Official welcome ceremony, "
            "leaving 11:05, motorcade 1 h 5 min (Moshe Arbel)",
            f"{back} (Moshe Arbel)",
        ],
        "musayev": [moved, f"{back} (Teymur Musayev)"],
    }
    later = surgery(
        old,
        "community-meeting",
        start=WallTime.parse("2023-05-30 21:00"),
        end=WallTime.parse("2023-05-30 22:00"),
    )
    got = told(visit, old, later)
    assert got["herzog"][0] == f"{COMMUNITY} moved from 31 May 10:00 to 30 May 21:00 (same venue)"


def test_coarse_times_hide_small_moves(first: Path) -> None:
    """Rabbi Segal (public clearance) knows the festive event as 'evening of 30 May': a
    move within the evening is no change for him; into another day part is."""
    visit = load_visit(REFERENCE).visit
    old = read_plan(first)
    planned = old.item("independence-75")
    assert planned is not None and planned.start is not None
    within = surgery(
        old,
        "independence-75",
        start=WallTime.parse("2023-05-30 19:00"),
        end=WallTime.parse("2023-05-30 21:00"),
    )
    assert "segal" not in told(visit, old, within)
    assert told(visit, old, within)["herzog"] == [
        "Festive event for the 75th anniversary of Israel's independence moved from "
        f"{planned.start.local:%H:%M} to 19:00 (same venue)"
    ]
    earlier = surgery(
        old,
        "independence-75",
        start=WallTime.parse("2023-05-30 16:00"),
        end=WallTime.parse("2023-05-30 18:00"),
    )
    assert told(visit, old, earlier)["segal"] == [
        "Festive event for the 75th anniversary of Israel's independence moved from "
        "evening of 30 May to afternoon of 30 May (same venue)"
    ]


def test_first_version_and_no_changes(first: Path) -> None:
    visit = load_visit(REFERENCE).visit
    plan = read_plan(first)
    assert "First version of the programme (plan version 1)." in changes_markdown(visit, None, plan)
    same = changes_markdown(visit, plan, plan)
    assert same.count("No changes.") == 1
    assert "##" not in same
    assert "No changes." in changes_text(visit, plan, plan)


def test_planner_diff_on_plan_files(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = copy.parent / "before.plan.yaml"
    shutil.copy(plan_path(copy), before)
    assert main(["move", str(copy), "community-meeting", "--to", "2023-05-31 10:30"]) == 0
    capsys.readouterr()
    assert main(["diff", str(before), str(plan_path(copy))]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Plan version 1 → 2\n")
    sentence = f"{COMMUNITY} moved from 10:00 to 10:30 (same venue)"
    assert f"Isaac Herzog:\n  - {sentence}\n" in out
    assert f"Rabbi Marc Schneier:\n  - {sentence}\n" in out


def test_planner_diff_on_plan_json(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    visit = load_visit(copy).visit
    old_json = copy.parent / "old" / "plan.json"
    old_json.parent.mkdir()
    old_json.write_text(plan_json(visit, read_plan(plan_path(copy))), encoding="utf-8")
    assert main(["cancel", str(copy), "spouse-programme"]) == 0
    new_json = copy.parent / "plan.json"
    new_json.write_text(
        plan_json(load_visit(copy).visit, read_plan(plan_path(copy))), encoding="utf-8"
    )
    capsys.readouterr()
    # a plan.json has no visit file beside it
    assert main(["diff", str(old_json), str(new_json)]) == 2
    err = capsys.readouterr().err
    assert "--visit" in err and str(new_json) in err
    assert main(["diff", str(old_json), str(new_json), "--visit", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "Michal Herzog:\n  - Visit to the National Carpet Museum cancelled\n" in out
    # mixed: a plan.json against the plan file
    assert main(["diff", str(old_json), str(plan_path(copy))]) == 0


def test_planner_diff_unreadable_input(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = plan_path(copy)
    broken = copy.parent / "broken.plan.yaml"
    broken.write_text("items: [\n", encoding="utf-8")
    garbage = copy.parent / "plan.json"
    garbage.write_text("{not json", encoding="utf-8")
    for argv, words in (
        (["diff", str(broken), str(plan)], "broken.plan.yaml"),
        (["diff", str(plan), str(copy.parent / "missing.plan.yaml")], "no such file"),
        (["diff", str(garbage), str(plan)], "not a plan.json"),
        (["diff", str(plan), str(plan), "--visit", str(copy.parent / "nope.yaml")], "no visit"),
    ):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("planner diff: ") or words in err, err
        assert words in err, err
    other = copy.parent / "other.yaml"
    other.write_text(
        copy.read_text(encoding="utf-8").replace(
            "id: herzog-azerbaijan-2023", "id: another-visit", 1
        ),
        encoding="utf-8",
    )
    assert main(["diff", str(plan), str(plan), "--visit", str(other)]) == 2
    assert "not of 'another-visit'" in capsys.readouterr().err
