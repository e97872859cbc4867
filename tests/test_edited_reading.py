"""Reading a visit after an edit in memory (visitfile.load_edited) gives what reading its
whole text gives, and an edit's document (VisitDocument.fork) never changes the document
it was forked from, which earlier states of an editing session still hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.model.clock import WallTime
from planner.schedule.edits import Edit, apply
from planner.session import ItemEdit, Nudge, Session
from planner.visitfile import VisitFileError, load_edited, load_visit, load_visit_text
from planner.yamledit import VisitDocument

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = [
    ROOT / "fixtures" / "herzog-azerbaijan-2023.yaml",
    ROOT / "fixtures" / "exercise-spain-2024.yaml",
    ROOT / "fixtures" / "synthetic-m.yaml",  # flow mappings with times: the slow parser
]


def _edits(path: Path) -> list[Edit]:
    visit = load_visit(path).visit
    first, second, last = visit.items[0], visit.items[1], visit.items[-1]
    venue = visit.venues[-1].id
    person = visit.people[-1].id
    day = visit.start
    return [
        _valid_move(
            path, second.id, [f"{day} {h:02}:{m:02}" for h in range(7, 20) for m in (5, 35)]
        ),
        Edit("set", first.id, title="A new title: with a colon", notes="Line one"),
        Edit("set", last.id, venue=venue, attendees=(person,), duration=45),
        Edit("set", second.id, window=(f"{day} 06:00", f"{day} 23:00"), dress="Lounge suit"),
        Edit("cancel", last.id),
        Edit("duplicate", first.id),
        Edit(
            "add",
            "added-item",
            title="Added",
            kind="briefing",
            duration=30,
            venue=venue,
            attendees=(person,),
        ),
        Edit("delete", f"{first.id}-2"),  # the duplicate
    ]


def _valid_move(path: Path, item: str, times: list[str]) -> Edit:
    """A move of ``item`` to the first of ``times`` its rules allow."""
    for time in times:
        edit = Edit("move", item, to=str(WallTime.parse(time)))
        document = VisitDocument(path)
        apply(document, edit, None)
        try:
            load_visit_text(document.text(), path)
        except VisitFileError:
            continue
        return edit
    raise AssertionError(f"no allowed time for {item}")


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_an_edited_visit_reads_as_its_whole_text_does(path: Path) -> None:
    document = VisitDocument(path)
    loaded = load_visit(path)
    for edit in _edits(path):
        before_text = document.fork().text()  # the document as its structure is now
        edited = document.fork(edit.item)
        apply(edited, edit, None)
        afresh = VisitDocument(path, document.text())  # the edit made on a fresh parse
        apply(afresh, edit, None)
        assert edited.text() == afresh.text(), edit.describe()
        quick = load_edited(edited, document, loaded)
        whole = load_visit_text(edited.text(), path)
        assert quick.visit == whole.visit, edit.describe()
        assert quick.data == whole.data, edit.describe()
        assert quick.warnings == whole.warnings, edit.describe()
        assert document.fork().text() == before_text, f"{edit.describe()} changed its base"
        document, loaded = edited, quick
    assert "added-item" in loaded.visit.item
    assert loaded.visit.item[loaded.visit.items[0].id].title == "A new title: with a colon"


def test_problems_after_an_edit_are_located_in_the_edited_text(tmp_path: Path) -> None:
    path = FIXTURES[0]
    document = VisitDocument(path)
    loaded = load_visit(path)
    target = loaded.visit.items[-1].id
    grow = document.fork(target)  # two lines more before the broken item: lines move
    apply(grow, Edit("set", target, dress="Black tie", notes="Two new lines"), None)
    grown = load_edited(grow, document, loaded)
    victim = grown.visit.items[-2].id
    broken = grow.fork(victim)
    apply(broken, Edit("set", victim, venue="no-such-venue"), None)
    with pytest.raises(VisitFileError) as quick:
        load_edited(broken, grow, grown)
    with pytest.raises(VisitFileError) as whole:
        load_visit_text(broken.text(), path)
    assert quick.value.diagnostics == whole.value.diagnostics
    line = quick.value.diagnostics[0].line
    assert "no-such-venue" in broken.text().splitlines()[line - 1]


def test_undo_to_the_opened_state_gives_back_the_file_as_it_was(tmp_path: Path) -> None:
    visit = tmp_path / "visit.yaml"
    visit.write_text(FIXTURES[0].read_text(encoding="utf-8"), encoding="utf-8")
    session = Session.open(visit, lock=False)
    assert session.adopt(session.first_plan())
    session.save()  # the plan; the visit's text is as it was
    assert not session.dirty
    opened = visit.read_text(encoding="utf-8")
    assert session.plan is not None
    movable = next(
        p.id for p in session.plan.items if p.start is not None and not session.is_pinned(p.id)
    )
    texts = [session.state.text]
    for request in (
        Nudge(movable, 15),
        ItemEdit("unpin", movable),
        Edit("set", movable, notes="Check the flags"),
        Edit("duplicate", movable),
        ItemEdit("cancel", movable),
    ):
        attempt = session.prepare(request)
        assert attempt.state is not None, (request, attempt.error, attempt.explanation)
        assert session.commit(attempt)
        texts.append(session.state.text)
    assert len(set(texts)) == len(texts)  # every edit changed the text
    for expected in reversed(texts[:-1]):
        assert session.undo() is not None
        assert session.state.text == expected
    assert session.state.text == opened
    assert not session.dirty
    for expected in texts[1:]:
        assert session.redo() is not None
        assert session.state.text == expected
    session.save()
    assert visit.read_text(encoding="utf-8") == texts[-1]
    assert load_visit(visit).visit == session.visit
