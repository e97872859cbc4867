"""planner.session: the editing session behind the terminal UI (no textual here)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from planner.model.clock import WallTime
from planner.plan import plan_path, read_plan
from planner.session import (
    FileChangedError,
    ItemEdit,
    Nudge,
    Session,
    days,
    itinerary,
    nudged,
    search,
    thin_slack,
    tracks,
)
from planner.visitfile import load_visit

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "fixtures" / "herzog-azerbaijan-2023.yaml"


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("session")
    visit = folder / "visit.yaml"
    shutil.copy(REFERENCE, visit)
    session = Session.open(visit)
    assert session.needs_plan and session.plan is None
    assert session.adopt(session.first_plan())
    assert session.dirty
    assert session.save() == [plan_path(visit)]  # the visit text is unchanged
    return visit


@pytest.fixture
def session(solved: Path, tmp_path: Path) -> Session:
    visit = tmp_path / "visit.yaml"
    shutil.copy(solved, visit)
    shutil.copy(plan_path(solved), plan_path(visit))
    return Session.open(visit)


def test_open_reads_the_plan_without_the_solver(solved: Path) -> None:
    import subprocess

    probe = (
        "import sys; from pathlib import Path; from planner.session import Session;"
        f"s = Session.open(Path({str(solved)!r})); assert not s.needs_plan;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('ortools', 'textual')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_tracks_of_the_reference() -> None:
    visit = load_visit(REFERENCE).visit
    keys = [t.key for t in tracks(visit)]
    assert keys == ["herzog", "michal-herzog", "arbel", "delegation", "host"]
    host = tracks(visit)[-1]
    assert "aliyev" in host.people and "herzog" not in host.people


def test_nudged() -> None:
    from planner.plan import PlannedItem, Status
    from planner.plan import utc_now as now

    planned = PlannedItem(
        id="x",
        status=Status.SCHEDULED,
        start=WallTime.parse("2023-05-30 23:50"),
        timezone="Asia/Baku",
        created=now(),
        modified=now(),
    )
    assert str(nudged(planned, 15)) == "2023-05-31 00:05"
    assert str(nudged(planned, -5)) == "2023-05-30 23:45"


def test_search_itinerary_days(session: Session) -> None:
    plan = session.plan
    assert plan is not None
    visit = session.visit
    assert search(visit, plan, "WREATH") == ["wreath-alley-of-honour", "wreath-alley-of-martyrs"]
    assert search(visit, plan, "zagulba")  # a venue
    assert "spouse-programme" in search(visit, plan, "Michal")  # a person
    assert search(visit, plan, "  ") == []
    mine = itinerary(visit, plan, "michal-herzog")
    assert mine[0] == "arrival" and mine[-1] == "departure"
    assert [str(d) for d in days(visit, plan)] == ["2023-05-30", "2023-05-31"]


def test_nudge_commit_undo_redo_save(session: Session) -> None:
    before = session.plan
    assert before is not None
    attempt = session.prepare(Nudge("wreath-alley-of-martyrs", 15))
    assert attempt.state is not None and attempt.error is None
    assert session.plan is before  # prepare changes nothing
    assert session.commit(attempt)
    assert not session.commit(attempt)  # made from a state no longer current
    moved = session.plan.item("wreath-alley-of-martyrs")  # type: ignore[union-attr]
    assert moved is not None
    old = before.item("wreath-alley-of-martyrs")
    assert old is not None and moved.start_at() == old.start_at().add(minutes=15)  # type: ignore[union-attr]
    assert session.is_pinned("wreath-alley-of-martyrs") and session.dirty
    assert session.undo() is not None and session.plan is before and not session.dirty
    assert session.undo() is None
    assert session.redo() is not None and session.is_pinned("wreath-alley-of-martyrs")
    # a second edit reuses the document kept from the first
    assert session.commit(session.prepare(ItemEdit("cancel", "spouse-programme")))
    written = session.save()
    assert set(written) == {session.path, session.plan_file}
    on_disk = load_visit(session.path).visit
    assert on_disk.item["spouse-programme"].cancelled
    assert str(on_disk.item["wreath-alley-of-martyrs"].pinned) == str(moved.start)
    text = session.path.read_text(encoding="utf-8")
    assert text.startswith("# State visit of Israeli President")  # comments kept
    assert read_plan(session.plan_file) == session.plan
    assert not session.dirty


def test_refused_edits(session: Session) -> None:
    error = session.prepare(ItemEdit("unpin", "one-on-one"))
    assert error.state is None and "not pinned" in (error.error or "")
    from planner.schedule.edits import Edit

    # during the arrival ceremony (09:30-10:00) the president attends: no plan, and why
    early_talks = session.prepare(Edit("move", "one-on-one", to="2023-05-30 09:40"))
    assert early_talks.state is None and early_talks.explanation
    assert "No plan exists" in early_talks.explanation
    assert early_talks.explanation.startswith(
        "Why: Isaac Herzog must attend 'Arrival at Heydar Aliyev International Airport' "
        "(pinned 09:30–10:00 Baku at Heydar Aliyev International Airport (VIP terminal)) and "
        "then 'One-on-one meeting of the Presidents' (pinned 09:40 Baku at Zagulba Palace): "
        "they overlap by 20 min."
    )
    # before the guests arrive: the visit file itself becomes invalid
    early = session.prepare(Nudge("arrival", -15))
    assert early.state is None and "not present" in (early.error or "")


def test_save_refuses_a_changed_file(session: Session) -> None:
    assert session.commit(session.prepare(ItemEdit("pin", "one-on-one")))
    session.path.write_text(session.path.read_text(encoding="utf-8") + "# other\n", "utf-8")
    with pytest.raises(FileChangedError):
        session.save()
    assert session.dirty
    assert "# other" in session.path.read_text(encoding="utf-8")


def test_thin_slack_before_a_pinned_item(session: Session) -> None:
    plan = session.plan
    assert plan is not None
    visit = session.visit
    assert thin_slack(visit, plan) == []
    # move the community meeting right up to the departure in the plan (hand edit)
    departure = plan.item("departure")
    meeting = plan.item("community-meeting")
    assert departure is not None and meeting is not None and departure.start is not None
    start = WallTime(departure.start.local.replace(hour=11, minute=50))
    end = WallTime(departure.start.local.replace(hour=12, minute=50))
    items = tuple(
        p.model_copy(update={"start": start, "end": end}) if p.id == "community-meeting" else p
        for p in plan.items
    )
    found = thin_slack(visit, plan.model_copy(update={"items": items}))
    assert [(s.item, s.after) for s in found] == [("departure", "community-meeting")]
    assert found[0].minutes < 15 and "herzog" in found[0].people


def test_set_edits_title_dress_and_notes_keeping_comments() -> None:
    from planner.schedule.edits import Edit, apply
    from planner.visitfile import load_visit_text
    from planner.yamledit import EditError, VisitDocument

    text = REFERENCE.read_text(encoding="utf-8")
    document = VisitDocument(REFERENCE, text)
    edit = Edit(
        "set", "health-meeting", title="  Health ministers meet ", dress="Lounge suit", notes=""
    )
    apply(document, edit, None)
    changed = document.text()
    item = load_visit_text(changed, REFERENCE).visit.item["health-meeting"]
    assert (item.title, item.dress, item.notes) == ("Health ministers meet", "Lounge suit", None)
    assert "# Not reported where" in changed  # the comment in that item survives
    assert "dress 'Lounge suit'" in edit.describe() and "no notes" in edit.describe()
    with pytest.raises(EditError, match="title cannot be empty"):
        apply(VisitDocument(REFERENCE, text), Edit("set", "health-meeting", title=" "), None)


def test_one_set_edit_is_one_undo_step(session: Session) -> None:
    from planner.schedule.edits import Edit

    edit = Edit("set", "one-on-one", title="Tête-à-tête", duration=60, notes="Interpreters")
    assert session.commit(session.prepare(edit))
    item = session.visit.item["one-on-one"]
    assert (item.title, item.duration, item.notes) == ("Tête-à-tête", 60, "Interpreters")
    assert len(session.undo_stack) == 1
    session.undo()
    assert session.visit.item["one-on-one"].title == "One-on-one meeting of the Presidents"


# -- the form's fields, adding, duplicating and deleting items ------------------------


def _edit(session: Session, edit: object) -> None:
    attempt = session.prepare(edit)  # type: ignore[arg-type]
    assert attempt.state is not None, attempt.error or attempt.explanation
    assert session.commit(attempt)


def test_set_kind_window_tier_and_press(session: Session) -> None:
    from planner.schedule.edits import Edit

    _edit(
        session,
        Edit(
            "set",
            "festive-lunch",
            kind="custom",
            custom_kind="working lunch",
            window=("2023-05-30 13:00", ""),
            tier="restricted",
            press="pool",
        ),
    )
    text = session.state.text
    assert '    kind: custom\n    custom_kind: "working lunch"\n' in text
    assert 'window: {earliest_start: "2023-05-30 13:00"}' in text
    assert "    tier: restricted\n    press: pool\n" in text
    assert "# gives carries a `seed` provenance" in text  # comments kept
    item = session.visit.item["festive-lunch"]
    assert item.kind_label == "working lunch" and item.window is not None
    assert item.window.latest_end is None
    planned = session.plan.item("festive-lunch")  # type: ignore[union-attr]
    assert planned is not None and planned.start is not None
    assert planned.start.local >= WallTime.parse("2023-05-30 13:00").local
    _edit(session, Edit("set", "festive-lunch", kind="lunch", window=("", "")))
    assert "custom_kind" not in session.state.text.split("id: festive-lunch")[1].split("- id")[0]
    assert session.visit.item["festive-lunch"].window is None
    assert len(session.undo_stack) == 2


def test_set_refuses_a_bad_window_or_kind(session: Session) -> None:
    from planner.schedule.edits import Edit, window_problems

    assert window_problems("", "") == {}
    assert set(window_problems("30 May", "2023-05-30 12:00")) == {"earliest_start"}
    assert "after" in window_problems("2023-05-30 12:00", "2023-05-30 11:00")["latest_end"]
    bad = session.prepare(Edit("set", "festive-lunch", window=("2023-05-30 12:00", "noon")))
    assert bad.state is None and bad.error is not None and "window" in bad.error
    custom = session.prepare(Edit("set", "festive-lunch", kind="custom"))
    assert custom.state is None and "name" in (custom.error or "")


def test_add_duplicate_and_delete_items(session: Session) -> None:
    from planner.plan import Status
    from planner.schedule.edits import Edit, copy_id

    opened = session.state.text
    _edit(
        session,
        Edit(
            "add",
            "tea",
            title="Tea with the mayor",
            kind="reception",
            duration=30,
            venue="zagulba",
            attendees=("herzog",),
            window=("2023-05-30 16:00", "2023-05-30 18:00"),
        ),
    )
    text = session.state.text
    assert text.startswith(opened.rstrip("\n")[:200])
    assert '  - id: tea\n    title: "Tea with the mayor"\n    kind: reception\n' in text
    assert "provenance: {source: assumed" in text
    planned = session.plan.item("tea")  # type: ignore[union-attr]
    assert planned is not None and planned.status is Status.SCHEDULED
    assert planned.start is not None and planned.start.local.hour >= 16

    assert copy_id({"tea", "tea-2"}, "tea") == "tea-3"
    _edit(session, Edit("duplicate", "tea"))
    copy = session.visit.item["tea-2"]
    assert copy.title == "Tea with the mayor" and copy.pinned is None
    assert session.plan.item("tea-2") is not None  # type: ignore[union-attr]
    assert session.state.text.index("id: tea\n") < session.state.text.index("id: tea-2\n")

    _edit(session, Edit("delete", "tea"))
    assert "id: tea\n" not in session.state.text and "tea" not in session.visit.item
    kept = session.plan.item("tea")  # type: ignore[union-attr]
    assert kept is not None and kept.status is Status.CANCELLED  # the plan keeps it
    session.undo()
    assert "tea" in session.visit.item
    session.undo()
    session.undo()
    assert session.state.text == opened and not session.dirty


def test_duplicate_drops_the_pin_and_add_refuses_a_taken_id(session: Session) -> None:
    from planner.schedule.edits import Edit

    pinned = next(i for i in session.visit.items if i.pinned and i.kind.value != "flight")
    _edit(session, Edit("duplicate", pinned.id))
    assert session.visit.item[f"{pinned.id}-2"].pinned is None
    taken = session.prepare(
        Edit("add", pinned.id, title="x", kind="briefing", duration=10, venue="zagulba")
    )
    assert taken.state is None and "exists" in (taken.error or "")


# -- a second editor of the same visit -----------------------------------------------


def test_a_second_session_of_the_same_visit_is_warned(session: Session) -> None:
    import json
    import os
    import socket

    from planner.lock import lock_path

    path = session.path
    lock = lock_path(path)
    assert lock.name == ".visit.yaml.lock" and lock.parent == path.parent
    assert session.lock_warning is None  # the first: it wrote the lock
    data = json.loads(lock.read_text(encoding="utf-8"))
    assert (data["pid"], data["host"]) == (os.getpid(), socket.gethostname())
    second = Session.open(path)  # a live pid holds it (this process)
    assert second.lock_warning is not None and str(os.getpid()) in second.lock_warning
    assert second.state.text == session.state.text  # warned, not refused
    second.close()
    assert lock.exists()  # not the second's to remove
    session.close()
    assert not lock.exists()
    third = Session.open(path)
    assert third.lock_warning is None and lock.exists()
    third.close()


def test_a_stale_lock_is_replaced(session: Session) -> None:
    import json
    import os
    import socket
    import subprocess

    from planner.lock import lock_path

    session.close()
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    lock = lock_path(session.path)
    lock.write_text(json.dumps({"pid": ended.pid, "host": socket.gethostname()}))
    fresh = Session.open(session.path)
    assert fresh.lock_warning is None
    assert json.loads(lock.read_text(encoding="utf-8"))["pid"] == os.getpid()
    fresh.close()
    assert not lock.exists()


def test_the_modules_threads_load_may_be_loaded_at_once(solved: Path) -> None:
    """The TUI's threads (first plan, warm-up, edits, export) load the scheduler, the
    validator and the exporters after the visit is open, sometimes at the same moment.
    That once failed ("partially initialized module", a deadlock error) while the
    scheduler's package imported its own modules."""
    import subprocess

    modules = [
        "planner.schedule.edits",
        "planner.schedule.solve",
        "planner.schedule.explain",
        "planner.schedule.decompose",
        "planner.validate",
        "planner.pipeline",
        "planner.export.ical",
    ]
    probe = (
        "import importlib, threading; from pathlib import Path\n"
        "from planner.session import Session\n"
        f"Session.open(Path({str(solved)!r}), lock=False)\n"
        f"names = {modules!r}; gate = threading.Barrier(len(names)); errors = []\n"
        "def load(name):\n"
        "    gate.wait()\n"
        "    try: importlib.import_module(name)\n"
        "    except Exception as exc: errors.append(repr(exc))\n"
        "threads = [threading.Thread(target=load, args=(n,)) for n in names]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "print(errors or 'ok')\n"
    )
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
        assert done.returncode == 0 and done.stdout.strip() == "ok", done.stdout + done.stderr


def test_the_visit_files_warnings_are_findings(session: Session) -> None:
    """Raising an item's tier above an attendee's clearance is allowed, but the checker
    warns that their itinerary will not show it: the conflicts list says so, on the item."""
    from planner.schedule.edits import Edit

    assert not [f for f in session.state.findings if f.kind == "warning"]
    _edit(session, Edit("set", "health-agreement", tier="restricted"))
    warned = [f for f in session.state.findings if f.kind == "warning"]
    low = [
        p.name
        for p in session.visit.people
        if p.id in session.visit.item["health-agreement"].attendees
        and not p.clearance.allows(session.visit.item["health-agreement"].tier)
    ]
    assert low and len(warned) == len(low)
    assert all(f.item == "health-agreement" and f.glyph == "!" for f in warned)
    assert all(any(name in f.text for f in warned) for name in low)
    assert all("will not show it" in f.text for f in warned)
    session.undo()
    assert not [f for f in session.state.findings if f.kind == "warning"]
