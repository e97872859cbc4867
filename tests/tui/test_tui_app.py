"""Pilot tests of the terminal UI: each action, asserted on the session's plan and on the
files on disk, not only on the screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import (
    DataTable,
    Input,
    Label,
    OptionList,
    Select,
    SelectionList,
    Static,
    TextArea,
)

from planner.plan import plan_path, read_plan
from planner.visitfile import load_visit
from tui.app import PlannerApp
from tui.screens import (
    ConfirmQuitScreen,
    EditItemScreen,
    ExplanationScreen,
    HelpScreen,
    PersonScreen,
)
from tui.timeline import Timeline

MakeApp = Callable[[Path], PlannerApp]


async def settle(app: PlannerApp, pilot: object) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


async def find(app: PlannerApp, pilot: object, text: str) -> None:
    """Search with '/' (the text is put in the box at once; typing is tested once)."""
    from textual.widgets import Input

    await pilot.press("slash")  # type: ignore[attr-defined]
    app.query_one("#search", Input).value = text
    await pilot.press("enter")  # type: ignore[attr-defined]


def status(app: PlannerApp) -> str:
    return str(app.query_one("#status", Static).content)


async def test_opens_on_the_first_item_of_day_one(visit_copy: Path, make_app: MakeApp) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.selected == "arrival"
        assert app.query_one("#timeline", Timeline).selected == "arrival"
        assert "plan v1" in status(app)
        assert "unsaved" not in status(app)
        assert not app.session.needs_plan


async def test_navigation_keys(visit_copy: Path, make_app: MakeApp) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("j")
        second = app.selected
        assert second not in (None, "arrival")
        await pilot.press("down", "k")
        assert app.selected == second
        await pilot.press("end")
        last = app.selected
        await pilot.press("home")
        assert app.selected == "arrival" and last != "arrival"
        await pilot.press("l")
        assert app.day_index == 1
        assert app.selected == "community-meeting"
        await pilot.press("h")
        assert app.day_index == 0
        await pilot.press("2")
        assert app.day_index == 1
        await pilot.press("1", "right", "left")
        assert app.day_index == 0


async def test_agenda_view_and_row_selection(visit_copy: Path, make_app: MakeApp) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("v")
        assert app.view == "agenda"
        table = app.query_one("#agenda", DataTable)
        assert table.row_count == 12  # the first day's items
        await pilot.press("down", "down")
        assert app.selected == table.coordinate_to_cell_key((2, 0)).row_key.value
        await pilot.press("v")
        assert app.view == "timeline"
        assert app.query_one("#timeline", Timeline).selected == app.selected


async def test_click_selects_a_block(visit_copy: Path, make_app: MakeApp) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        timeline = app.query_one("#timeline", Timeline)
        place = next(p for p in timeline._places if p.block.item == "official-welcome")
        x = timeline._lefts[place.lane] + 3
        y = place.row - timeline.scroll_offset.y + 1
        await pilot.click(Timeline, offset=(x + 1, y + 1))  # the border is one cell
        await pilot.pause()
        assert app.selected == "official-welcome"


async def test_search_and_next_match(visit_copy: Path, make_app: MakeApp) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"wreath", "enter")
        assert app.selected == "wreath-alley-of-honour"
        await pilot.press("n")
        assert app.selected == "wreath-alley-of-martyrs"
        await find(app, pilot, "Arbel")  # a person
        assert app.hits and all(
            "arbel" in app.session.plan.item(i).attendees  # type: ignore[union-attr]
            for i in app.hits
        )
        await find(app, pilot, "Or Avner")  # a venue
        assert app.selected == "community-meeting" and app.day_index == 1


async def test_person_filter_shows_one_itinerary(visit_copy: Path, make_app: MakeApp) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
        options = app.screen.query_one(OptionList)
        options.highlighted = options.get_option_index("michal-herzog")
        await pilot.press("enter")
        await pilot.pause()
        assert app.person == "michal-herzog"
        lanes = app.query_one("#timeline", Timeline).model.lanes
        assert [lane.label for lane in lanes] == ["Michal Herzog"]
        await pilot.press("v")
        table = app.query_one("#agenda", DataTable)
        rows = [table.get_row_at(n)[3] for n in range(table.row_count)]  # the item
        # across both days, only her items
        assert any("Carpet" in str(r) for r in rows) and any("Departure" in str(r) for r in rows)
        assert table.row_count == sum(
            1
            for p in app.session.plan.items  # type: ignore[union-attr]
            if "michal-herzog" in p.attendees and p.start is not None
        )
        await pilot.press("F")
        assert app.person is None


async def test_help_lists_every_binding(visit_copy: Path, make_app: MakeApp) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        ids = {str(table.get_row_at(n)[2]) for n in range(table.row_count)}
        expected = {b.id for b in PlannerApp.BINDINGS if b.id}  # type: ignore[union-attr]
        assert expected <= ids
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_keymap_remaps_by_id(visit_copy: Path) -> None:
    from planner.session import Session

    app = PlannerApp(Session.open(visit_copy), theme="textual-dark", keymap={"next-item": "w"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("w")
        assert app.selected not in (None, "arrival")


async def test_palette_offers_every_action(visit_copy: Path, make_app: MakeApp) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for binding in PlannerApp.BINDINGS:
            if binding.description and not binding.action.startswith("go_day"):  # type: ignore[union-attr]
                assert f"planner: {binding.description}" in titles  # type: ignore[union-attr]
        assert any(t.startswith("go: day 2") for t in titles)
        assert "person: Moshe Arbel" in titles


async def test_conflict_line_jumps_to_its_item(visit_copy: Path, make_app: MakeApp) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await find(app, pilot, "Carpet")
        await pilot.press("x")
        await settle(app, pilot)
        found = app.session.state.findings
        index = next(n for n, f in enumerate(found) if f.item == "spouse-programme")
        assert found[index].glyph == "⊗"
        await pilot.press("2")
        assert app.day_index == 1 and app.selected == "community-meeting"
        await pilot.press("c")
        options = app.query_one("#findings", OptionList)
        assert options.has_focus
        options.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == "spouse-programme"
        assert "cancelled" in str(app.query_one("#detail", Static).content)


async def test_nudge_pins_replans_and_saves(visit_copy: Path, make_app: MakeApp) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        await find(app, pilot, "Alley of Martyrs")
        assert app.selected == "wreath-alley-of-martyrs"
        before = app.session.plan.item("wreath-alley-of-martyrs")  # type: ignore[union-attr]
        await pilot.press("greater_than_sign")
        await settle(app, pilot)
        await pilot.press("full_stop")
        await settle(app, pilot)
        after = app.session.plan.item("wreath-alley-of-martyrs")  # type: ignore[union-attr]
        assert before is not None and after is not None
        assert after.start_at() == before.start_at().add(minutes=20)  # type: ignore[union-attr]
        assert app.session.is_pinned("wreath-alley-of-martyrs")
        assert "unsaved" in status(app)
        assert app.session.plan.version == 3  # type: ignore[union-attr]
        # nothing on disk yet
        assert "wreath-alley-of-martyrs" not in load_visit(visit_copy).visit.item or (
            load_visit(visit_copy).visit.item["wreath-alley-of-martyrs"].pinned is None
        )
        original = visit_copy.read_text(encoding="utf-8")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "unsaved" not in status(app)
    saved = load_visit(visit_copy).visit.item["wreath-alley-of-martyrs"]
    assert str(saved.pinned) == f"{after.start.local:%Y-%m-%d %H:%M}"  # type: ignore[union-attr]
    text = visit_copy.read_text(encoding="utf-8")
    assert text.splitlines()[0] == original.splitlines()[0]  # comments kept
    assert text.count("\n#") == original.count("\n#")
    plan = read_plan(plan_path(visit_copy))
    assert plan.version == 3
    assert plan.item("wreath-alley-of-martyrs").start_at() == after.start_at()  # type: ignore[union-attr]


async def test_moved_items_are_highlighted(visit_copy: Path, make_app: MakeApp) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await find(app, pilot, "Alley of Martyrs")
        for _ in range(3):
            await pilot.press("greater_than_sign")
        await settle(app, pilot)
        await settle(app, pilot)
        moved = app.session.state.moved
        assert moved, "pushing the wreath 45 min later moves the evening event"
        blocks = [b for lane in app.query_one(Timeline).model.lanes for b in lane.blocks]
        assert {b.item for b in blocks if b.moved} == set(moved)


async def test_pin_unpin_cancel_undo_redo(visit_copy: Path, make_app: MakeApp) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await find(app, pilot, "One-on-one")
        item = app.selected
        assert item == "one-on-one" and not app.session.is_pinned(item)
        await pilot.press("p")
        await settle(app, pilot)
        assert app.session.is_pinned(item)
        await pilot.press("p")
        await settle(app, pilot)
        assert not app.session.is_pinned(item)
        await find(app, pilot, "Carpet")
        await pilot.press("x")
        await settle(app, pilot)
        plan = app.session.plan
        assert plan is not None and plan.item("spouse-programme").status.value == "cancelled"  # type: ignore[union-attr]
        assert app.session.visit.item["spouse-programme"].cancelled
        assert len(app.session.undo_stack) == 3
        await pilot.press("u")
        assert not app.session.visit.item["spouse-programme"].cancelled
        await pilot.press("ctrl+z", "ctrl+z")
        assert app.session.undo_stack == [] and not app.session.dirty
        await pilot.press("ctrl+r")
        assert app.session.is_pinned("one-on-one")
        await pilot.press("ctrl+y", "ctrl+y")
        assert app.session.visit.item["spouse-programme"].cancelled


async def test_infeasible_edit_keeps_the_plan_and_explains(
    visit_copy: Path, make_app: MakeApp
) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await find(app, pilot, "Official welcome")
        # 10:20: the guests come from the airport at 10:00, 25 min by road, and are on
        # site 10 min before a ceremony (the plan has the welcome at 10:35, the earliest)
        await pilot.press("less_than_sign", "less_than_sign")
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, ExplanationScreen)
        text = str(app.screen.query_one("#explanation-text", Static).content)
        assert "No plan exists" in text and "Official welcome ceremony" in text
        assert app.session.undo_stack == []  # the queued second nudge was dropped too
        kept = app.session.plan.item("official-welcome")  # type: ignore[union-attr]
        assert kept is not None and f"{kept.start.local:%H:%M}" == "10:35"  # type: ignore[union-attr]
        assert "refused" in status(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExplanationScreen)


async def test_edit_that_breaks_the_visit_file_is_explained(
    visit_copy: Path, make_app: MakeApp
) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        before = app.session.plan
        await pilot.press("2", "end")
        assert app.selected == "departure"
        for _ in range(2):  # 14:00: the principals have left Baku by then
            await pilot.press("greater_than_sign")
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, ExplanationScreen)
        assert app.session.plan is before and not app.session.dirty


async def test_save_refuses_a_file_changed_on_disk(visit_copy: Path, make_app: MakeApp) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        changed = visit_copy.read_text(encoding="utf-8") + "# someone else's edit\n"
        visit_copy.write_text(changed, encoding="utf-8")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.session.dirty
        assert "changed on disk" in status(app)
    assert visit_copy.read_text(encoding="utf-8") == changed


async def test_save_refuses_a_plan_changed_on_disk(visit_copy: Path, make_app: MakeApp) -> None:
    """A ``planner solve --fresh`` (here: another plan written) while the visit is open:
    ctrl+s no longer writes over it."""
    from planner.plan import write_plan

    app = make_app(visit_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        other = read_plan(plan_path(visit_copy))
        write_plan(plan_path(visit_copy), other.model_copy(update={"version": other.version + 1}))
        written = plan_path(visit_copy).read_bytes()
        visit_text = visit_copy.read_text(encoding="utf-8")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.session.dirty
        assert "changed on disk" in status(app)
    assert plan_path(visit_copy).read_bytes() == written
    assert visit_copy.read_text(encoding="utf-8") == visit_text


async def test_opening_completes_a_killed_write_and_says_so(
    visit_copy: Path, make_app: MakeApp
) -> None:
    """A ``planner move`` killed between writing the plan and the visit: the terminal UI
    opening the visit next completes the pair (never a plan of an edit its visit lacks)."""
    import signal

    from tests.durable_support import consistent, planner

    code, _, _ = planner(
        "move",
        str(visit_copy),
        "festive-lunch",
        "--to",
        "2023-05-30 14:00",
        PLANNER_CRASH_AT="pair.half",
    )
    assert code == -signal.SIGKILL and not consistent(visit_copy)
    app = make_app(visit_copy)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(app, pilot)
        assert any("completed an interrupted write" in n.message for n in app._notifications)
        assert not app.session.needs_plan
    assert consistent(visit_copy)
    assert str(load_visit(visit_copy).visit.item["festive-lunch"].pinned) == "2023-05-30 14:00"


async def test_quit_asks_when_unsaved(visit_copy: Path, make_app: MakeApp) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuitScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmQuitScreen)
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("s")  # save and quit
        await pilot.pause()
    assert app.return_code == 0
    assert load_visit(visit_copy).visit.item["arrival"].pinned is None  # p unpinned it


async def test_quit_without_saving_leaves_files(visit_copy: Path, make_app: MakeApp) -> None:
    original = visit_copy.read_bytes()
    app = make_app(visit_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
    assert visit_copy.read_bytes() == original


async def test_first_plan_when_there_is_none(
    planned_reference: Path, tmp_path: Path, make_app: MakeApp
) -> None:
    import shutil

    visit = tmp_path / "v.yaml"
    shutil.copy(planned_reference, visit)
    app = make_app(visit)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.session.plan is not None and app.selected == "arrival"
        assert "unsaved" in status(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert read_plan(plan_path(visit)).version == 1


@pytest.mark.parametrize("size", [(40, 12), (80, 24), (160, 48), (20, 6)])
async def test_no_crash_at_any_size(
    visit_copy: Path, make_app: MakeApp, size: tuple[int, int]
) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "l", "v", "j", "v", "f")
        await pilot.pause()
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        await pilot.press("escape", "plus", "minus", "minus")
        await pilot.resize_terminal(size[0] + 7, size[1] + 3)
        await pilot.pause()
    assert app.return_code in (0, None)


def test_a_crash_exits_non_zero(visit_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tui
    from planner.cli import main

    def boom(self: PlannerApp) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(PlannerApp, "on_mount", boom)
    assert tui.main(visit_copy, headless=True) == 1
    monkeypatch.setattr(PlannerApp, "run", lambda self, **kw: PlannerApp.exit(self, None, 1))
    assert main(["tui", str(visit_copy)]) == 1


def test_cli_refuses_an_invalid_visit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from planner.cli import main

    broken = tmp_path / "broken.yaml"
    broken.write_text("schema_version: 1\nid: x\n", encoding="utf-8")
    assert main(["tui", str(broken)]) == 2
    assert "broken.yaml" in capsys.readouterr().err


async def _open_form(app: PlannerApp, pilot: object, title: str) -> EditItemScreen:
    await find(app, pilot, title)
    await pilot.press("o")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, EditItemScreen)
    return app.screen


async def test_edit_form_applies_one_undoable_edit(visit_copy: Path, make_app: MakeApp) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        form = await _open_form(app, pilot, "Ministers of Health")
        assert app.selected == "health-meeting"
        assert form.query_one("#edit-venue", Select).is_blank()  # candidate venues
        form.query_one("#edit-item-title", Input).value = "Health ministers' meeting"
        form.query_one("#edit-duration", Input).value = "50"
        form.query_one("#edit-venue", Select).value = "moh-az"
        form.query_one("#edit-attendees", SelectionList).select("deek")
        form.query_one("#edit-dress", Input).value = "Lounge suit"
        form.query_one("#edit-notes", TextArea).text = "Digital health first."
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, EditItemScreen)
        item = app.session.visit.item["health-meeting"]
        assert item.title == "Health ministers' meeting" and item.duration == 50
        assert item.venue == "moh-az" and item.candidate_venues == ()
        assert item.attendees == ("arbel", "deek", "musayev")
        assert (item.dress, item.notes) == ("Lounge suit", "Digital health first.")
        planned = app.session.plan.item("health-meeting")  # type: ignore[union-attr]
        assert planned is not None and planned.venue == "moh-az"
        assert planned.end_at() == planned.start_at().add(minutes=50)  # type: ignore[union-attr]
        assert "deek" in planned.attendees
        assert len(app.session.undo_stack) == 1  # one edit
        text = app.session.state.text
        assert (
            "# after the welcome of 30 May" in text
            and 'title: "Health ministers\' meeting"' in text
        )
        await pilot.press("u")
        assert app.session.visit.item["health-meeting"].title.startswith("Working meeting")
        assert not app.session.dirty


async def test_edit_form_validates_and_escape_cancels(visit_copy: Path, make_app: MakeApp) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        before = (app.session.state.text, app.session.plan)
        form = await _open_form(app, pilot, "One-on-one")
        form.query_one("#edit-item-title", Input).value = "  "
        form.query_one("#edit-duration", Input).value = "-5"
        form.query_one("#edit-attendees", SelectionList).deselect_all()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # still open, the problems shown next to the fields
        assert "empty" in str(form.query_one("#title-error", Label).content)
        assert "positive" in str(form.query_one("#duration-error", Label).content)
        assert "attendee" in str(form.query_one("#attendees-error", Label).content)
        form.query_one("#edit-duration", Input).value = "forty"
        await pilot.click("#edit-apply")
        await pilot.pause()
        assert app.screen is form
        assert "positive" in str(form.query_one("#duration-error", Label).content)
        await pilot.press("escape")
        await pilot.pause()
        await settle(app, pilot)
        assert not isinstance(app.screen, EditItemScreen)
        assert (app.session.state.text, app.session.plan) == before
        assert app.session.undo_stack == [] and not app.session.dirty


async def test_infeasible_form_edit_is_explained_and_changes_nothing(
    visit_copy: Path, make_app: MakeApp
) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        before = (app.session.state.text, app.session.plan)
        form = await _open_form(app, pilot, "One-on-one")
        # the expanded meeting must follow within 20 min, and the day has no room for this
        form.query_one("#edit-duration", Input).value = "900"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, ExplanationScreen)
        assert (app.session.state.text, app.session.plan) == before
        assert app.session.undo_stack == []


async def test_move_to_the_next_day_keeps_the_clock_time(
    visit_copy: Path, make_app: MakeApp
) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        assert app.selected == "arrival" and app.day_index == 0
        before = app.session.plan
        await pilot.press("M")  # no day before the first
        await settle(app, pilot)
        assert app.session.plan is before and app.session.undo_stack == []
        await pilot.press("m")
        await settle(app, pilot)
        planned = app.session.plan.item("arrival")  # type: ignore[union-attr]
        assert planned is not None and str(planned.start) == "2023-05-31 09:30"
        assert str(app.session.visit.item["arrival"].pinned) == "2023-05-31 09:30"
        assert len(app.session.undo_stack) == 1
        assert app.day_index == 1 and app.selected == "arrival"  # followed to its day
        await pilot.press("u")
        assert str(app.session.visit.item["arrival"].pinned) == "2023-05-30 09:30"


async def test_move_to_another_day_that_breaks_the_visit_changes_nothing(
    visit_copy: Path, make_app: MakeApp
) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        assert app.selected == "community-meeting"
        before = (app.session.state.text, app.session.plan)
        await pilot.press("M")  # the day before: the principal is busy then
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, ExplanationScreen)
        assert (app.session.state.text, app.session.plan) == before
        assert "refused" in status(app)


async def test_export_writes_the_saved_plan(
    visit_copy: Path, make_app: MakeApp, tmp_path: Path
) -> None:
    from tui.screens import ExportScreen

    out = tmp_path / "out"
    app = make_app(visit_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        form = await _open_form(app, pilot, "One-on-one")
        form.query_one("#edit-item-title", Input).value = "Tête-à-tête of the Presidents"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("e")  # unsaved: export reads the files, so it asks to save first
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)
        await pilot.press("ctrl+s", "e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one("#export-folder", Input).value = str(out)
        await pilot.press("enter")
        await settle(app, pilot)
        version = app.session.plan.version  # type: ignore[union-attr]
    assert "Tête-à-tête of the Presidents" in (out / "people" / "herzog.md").read_text("utf-8")
    assert "Tête-à-tête of the Presidents" in (out / "calendars" / "full.ics").read_text("utf-8")
    assert "One-on-one meeting" not in (out / "people" / "herzog.md").read_text("utf-8")
    assert read_plan(plan_path(visit_copy)).version == version  # exported, not re-planned
    written = sorted(f for f in out.rglob("*") if f.is_file())
    people = len(list((out / "people").glob("*.ics")))
    assert app.last_export is not None and app.last_export.startswith(f"Exported into {out}")
    assert f"{len(written)} files: " in app.last_export
    assert f"people/: {people} .changes.md, {people} .ics, {people} .md" in app.last_export
    assert "calendars/: 3 .ics" in app.last_export and "programme.html" in app.last_export
    assert "changes/: 3 .md" in app.last_export


async def test_no_color_still_shows_the_glyphs(
    visit_copy: Path, make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(visit_copy)
    assert app.no_color
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await find(app, pilot, "Alley of Martyrs")
        for _ in range(3):  # moves the evening event too
            await pilot.press("greater_than_sign")
        await settle(app, pilot)
        await settle(app, pilot)
        assert app.session.state.moved
        screen = app.export_screenshot()
    assert "◆" in screen and "↻" in screen  # pinned, moved: meaning without colour
    assert app.session.is_pinned("wreath-alley-of-martyrs")


async def test_edit_form_sets_kind_window_tier_and_press(
    visit_copy: Path, make_app: MakeApp
) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        form = await _open_form(app, pilot, "Festive lunch")
        assert app.selected == "festive-lunch"
        assert form.query_one("#edit-earliest", Input).value == "2023-05-30 12:00"
        assert form.query_one("#edit-latest", Input).value == "2023-05-30 16:30"
        form.query_one("#edit-kind", Select).value = "custom"
        form.query_one("#edit-earliest", Input).value = "30 May"
        form.query_one("#edit-latest", Input).value = "2023-05-30 11:00"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # problems next to the fields
        assert "custom" in str(form.query_one("#kind-error", Label).content)
        assert "YYYY-MM-DD" in str(form.query_one("#earliest-error", Label).content)
        form.query_one("#edit-earliest", Input).value = "2023-05-30 12:00"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "after" in str(form.query_one("#latest-error", Label).content)
        form.query_one("#edit-custom-kind", Input).value = "working lunch"
        form.query_one("#edit-earliest", Input).value = "2023-05-30 13:00"
        form.query_one("#edit-latest", Input).value = ""
        form.query_one("#edit-tier", Select).value = "restricted"
        form.query_one("#edit-press", Select).value = "pool"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, EditItemScreen)
        text = app.session.state.text
        lunch = text.split("  - id: festive-lunch\n")[1].split("  - id:")[0]
        assert 'kind: custom\n    custom_kind: "working lunch"\n' in lunch
        assert 'window: {earliest_start: "2023-05-30 13:00"}' in lunch
        assert "tier: restricted\n    press: pool\n" in lunch
        assert "# after the welcome of 30 May" in text  # comments kept
        item = app.session.visit.item["festive-lunch"]
        assert item.kind_label == "working lunch"
        planned = app.session.plan.item("festive-lunch")
        assert planned is not None and planned.start is not None
        assert f"{planned.start.local:%H:%M}" >= "13:00"
        assert len(app.session.undo_stack) == 1
        await pilot.press("u")
        assert app.session.visit.item["festive-lunch"].kind.value == "lunch"
        assert not app.session.dirty


async def test_add_an_item_with_the_form(visit_copy: Path, make_app: MakeApp) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        opened = app.session.state.text
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EditItemScreen)
        form.query_one("#edit-id", Input).value = "festive-lunch"  # taken
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "exists" in str(form.query_one("#id-error", Label).content)
        assert "venue" in str(form.query_one("#venue-error", Label).content)
        assert "empty" in str(form.query_one("#title-error", Label).content)
        form.query_one("#edit-id", Input).value = "tea"
        form.query_one("#edit-item-title", Input).value = "Tea with the mayor"
        form.query_one("#edit-kind", Select).value = "reception"
        form.query_one("#edit-duration", Input).value = "30"
        form.query_one("#edit-venue", Select).value = "zagulba"
        form.query_one("#edit-attendees", SelectionList).select("herzog")
        form.query_one("#edit-earliest", Input).value = "2023-05-30 16:00"
        form.query_one("#edit-latest", Input).value = "2023-05-30 18:00"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, EditItemScreen)
        text = app.session.state.text
        assert '  - id: tea\n    title: "Tea with the mayor"\n    kind: reception\n' in text
        assert "# after the welcome of 30 May" in text
        assert app.session.visit.item["tea"].attendees == ("herzog",)
        planned = app.session.plan.item("tea")
        assert planned is not None and planned.start is not None
        assert app.selected == "tea" and len(app.session.undo_stack) == 1
        await pilot.press("u")
        assert app.session.state.text == opened and not app.session.dirty


async def test_duplicate_and_delete_are_undoable(visit_copy: Path, make_app: MakeApp) -> None:
    from planner.plan import Status

    app = make_app(visit_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        opened = app.session.state.text
        await find(app, pilot, "Festive lunch")
        assert app.selected == "festive-lunch"
        await pilot.press("d")
        await settle(app, pilot)
        assert app.selected == "festive-lunch-2"
        copy = app.session.visit.item["festive-lunch-2"]
        assert copy.title == app.session.visit.item["festive-lunch"].title
        assert copy.pinned is None
        assert "  - id: festive-lunch-2\n" in app.session.state.text
        assert app.session.plan.item("festive-lunch-2") is not None  # type: ignore[union-attr]
        await pilot.press("delete")
        await settle(app, pilot)
        assert "festive-lunch-2" not in app.session.visit.item
        assert "id: festive-lunch-2" not in app.session.state.text
        kept = app.session.plan.item("festive-lunch-2")  # type: ignore[union-attr]
        assert kept is not None and kept.status is Status.CANCELLED
        assert len(app.session.undo_stack) == 2
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "id: festive-lunch-2" not in visit_copy.read_text(encoding="utf-8")
        saved = read_plan(plan_path(visit_copy)).item("festive-lunch-2")
        assert saved is not None and saved.status is Status.CANCELLED
        await pilot.press("u", "u")
        assert app.session.state.text == opened


async def test_a_visit_open_elsewhere_is_a_warning(visit_copy: Path, make_app: MakeApp) -> None:
    import json
    import os
    import socket

    from planner.lock import lock_path

    lock = lock_path(visit_copy)
    holder = {"pid": os.getpid(), "host": socket.gethostname(), "token": "other"}
    lock.write_text(json.dumps(holder), encoding="utf-8")  # a live pid: this process
    app = make_app(visit_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert f"also open in process {os.getpid()}" in status(app)
        await pilot.press("greater_than_sign")  # still editable: a warning, not a refusal
        await settle(app, pilot)
        assert len(app.session.undo_stack) == 1
    assert json.loads(lock.read_text(encoding="utf-8"))["token"] == "other"  # left alone


async def test_the_lock_file_is_removed_on_exit(visit_copy: Path, make_app: MakeApp) -> None:
    from planner.lock import lock_path

    app = make_app(visit_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert lock_path(visit_copy).exists()
        assert "also open" not in status(app)
        await pilot.press("q")
        await pilot.pause()
    assert not lock_path(visit_copy).exists()


async def test_escape_stops_a_replan_and_the_plan_stays(
    visit_copy: Path, make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    import planner.schedule.solve as solving
    from planner.stop import Stopped, active

    real_solve = solving.solve
    started: list[bool] = []

    def endless(*args: object, **kwargs: object) -> object:
        """A solve that only ends when it is stopped (through the app's signal)."""
        signal = active()
        assert signal is not None, "the worker's solve is not watched by a stop signal"
        started.append(True)
        while not signal.requested:
            time.sleep(0.01)
        raise Stopped

    app = make_app(visit_copy)
    original = visit_copy.read_text(encoding="utf-8")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        plan = app.session.plan
        monkeypatch.setattr(solving, "solve", endless)
        await find(app, pilot, "Alley of Martyrs")
        await pilot.press("greater_than_sign")
        while not started:
            await pilot.pause(0.02)
        assert app.busy and "esc stops" in status(app)
        await pilot.press("j")  # the screen still answers while it plans
        assert app.selected != "wreath-alley-of-martyrs"
        await pilot.press("slash", "escape")  # escape closes the search box only
        await pilot.pause(0.1)
        assert not app.query_one("#search", Input).has_class("-open")
        assert app.busy and app._stop is not None and not app._stop.requested
        await pilot.press("escape")
        await settle(app, pilot)
        assert not app.busy and "re-plan stopped" in status(app)
        assert app.session.plan is plan and not app.session.undo_stack
        assert not app.session.is_pinned("wreath-alley-of-martyrs")
        assert "unsaved" not in status(app)
        monkeypatch.setattr(solving, "solve", real_solve)
        await pilot.press("r")  # re-plan now: the plan is up to date, nothing changes
        await settle(app, pilot)
        assert not app.busy and app.last_error is None
        assert app.session.plan is plan and not app.session.undo_stack
        await pilot.press("escape")  # nothing to stop: nothing happens
        assert app.session.plan is plan and not app.busy
    assert visit_copy.read_text(encoding="utf-8") == original


async def test_a_stopped_first_plan_is_made_again_with_r(
    planned_reference: Path, tmp_path: Path, make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil
    import time

    import planner.schedule.solve as solving
    from planner.stop import Stopped, active

    real_solve = solving.solve

    def endless(*args: object, **kwargs: object) -> object:
        signal = active()
        assert signal is not None
        while not signal.requested:
            time.sleep(0.01)
        raise Stopped

    visit = tmp_path / "v.yaml"
    shutil.copy(planned_reference, visit)  # no plan file: the app plans at once
    monkeypatch.setattr(solving, "solve", endless)
    app = make_app(visit)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.busy and "planning… (esc stops)" in status(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.session.plan is None and not app.busy
        assert "no plan (r plans)" in status(app) and "re-plan stopped" in status(app)
        monkeypatch.setattr(solving, "solve", real_solve)
        await pilot.press("r")
        await settle(app, pilot)
        assert app.session.plan is not None and app.selected == "arrival"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert read_plan(plan_path(visit)).version == 1


async def test_the_now_line_shows_today_only(visit_copy: Path, make_app: MakeApp) -> None:
    import time_machine

    def text(row: list[tuple[str, object]]) -> str:
        return "".join(ch for ch, _style in row)

    with time_machine.travel("2023-05-30 07:17:00+00:00", tick=False) as clock:  # 11:17 Baku
        app = make_app(visit_copy)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            timeline = app.query_one("#timeline", Timeline)
            entry = app._entry(app.selected)  # opens on the item in progress at 11:17
            assert entry is not None and app.day_index == 0
            assert entry.start.in_timezone("Asia/Baku").format("HH:mm") <= "11:17"
            assert entry.end.in_timezone("Asia/Baku").format("HH:mm") > "11:17"
            lines = [text(r) for r in timeline._lines]
            marked = [n for n, line in enumerate(lines) if line.startswith("11:17▶")]
            assert len(marked) == 1, lines
            row = marked[0]
            first = timeline._first
            assert first.hour * 60 + first.minute + row * timeline.minutes_per_row == 11 * 60 + 15
            assert "━" in lines[row]
            assert not any("▶" in line for n, line in enumerate(lines) if n != row)
            clock.move_to("2023-05-30 08:02:00+00:00")  # 12:02: the half-minute tick moves it
            app._tick()
            await pilot.pause()
            lines = [text(r) for r in timeline._lines]
            assert (
                [n for n, line in enumerate(lines) if "▶" in line]
                == [n for n, line in enumerate(lines) if line.startswith("12:02▶")]
                != []
            )
            await pilot.press("l")  # the second day: not today, no line
            await settle(app, pilot)
            assert not any("━" in text(r) for r in timeline._lines)
    with time_machine.travel("2023-05-20 09:00:00+00:00", tick=False):  # before the visit
        app = make_app(visit_copy)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            timeline = app.query_one("#timeline", Timeline)
            assert not any("━" in text(r) for r in timeline._lines)


async def test_themes_recolour_and_an_unknown_theme_is_a_warning(
    visit_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.session import Session

    monkeypatch.setenv("PLANNER_THEME", "no-such-theme")
    app = PlannerApp(Session.open(visit_copy, lock=False))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(app, pilot)
        assert app.theme == "textual-dark"
        assert any("No theme 'no-such-theme'" in n.message for n in app._notifications)
        timeline = app.query_one("#timeline", Timeline)
        before = {style for row in timeline._lines for _ch, style in row}
        app.theme = "textual-light"
        await settle(app, pilot)
        after = {style for row in timeline._lines for _ch, style in row}
        assert before and after and before != after  # the grid and blocks took new colours
    monkeypatch.setenv("PLANNER_THEME", "nord")
    app = PlannerApp(Session.open(visit_copy, lock=False))
    assert app.theme == "nord"


async def test_the_mouse_wheel_scrolls_the_timeline(visit_copy: Path, make_app: MakeApp) -> None:
    from textual import events

    app = make_app(visit_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        timeline = app.query_one("#timeline", Timeline)
        assert timeline.scroll_offset.y == 0 and timeline.virtual_size.height > 24
        await pilot._post_mouse_events([events.MouseScrollDown], Timeline, offset=(10, 5))
        await pilot.pause()
        assert timeline.scroll_offset.y > 0
        await pilot._post_mouse_events([events.MouseScrollUp], Timeline, offset=(10, 5))
        await pilot.pause()
        assert timeline.scroll_offset.y == 0


async def test_a_crowded_lane_is_widened_not_cut_into_slivers(
    visit_copy: Path, make_app: MakeApp
) -> None:
    from datetime import datetime

    from tui.timeline import MIN_SUB, Block, DayModel, Lane

    day = datetime(2023, 5, 30)
    crowded = tuple(
        Block(f"b{n}", day.replace(hour=10), day.replace(hour=11), f"Meeting {n}", "Hall")
        for n in range(6)
    )
    alone = (Block("solo", day.replace(hour=9), day.replace(hour=10), "Solo", "Hall"),)
    app = make_app(visit_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        timeline = app.query_one("#timeline", Timeline)
        timeline.show(DayModel(day, [Lane("Alone", alone), Lane("Crowded", crowded)]), "b5")
        await pilot.pause()
        assert timeline._widths[1] >= 6 * MIN_SUB + 1 > timeline._widths[0]
        starts = sorted({p.sub for p in timeline._places if p.block.item.startswith("b")})
        assert starts == list(range(6))
        row = "".join(
            ch
            for ch, _s in timeline._lines[
                next(p.row for p in timeline._places if p.block.item == "b0")
            ]
        )
        assert row.count("▌10:00") == 6  # each column shows its start time in full
        assert timeline.virtual_size.width > timeline.size.width  # scrolls sideways
        assert timeline.scroll_offset.x > 0  # to the selected block, the last column


async def test_reload_takes_the_file_from_disk_after_asking(
    visit_copy: Path, make_app: MakeApp
) -> None:
    from tui.screens import ConfirmReloadScreen

    app = make_app(visit_copy)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(app, pilot)
        await find(app, pilot, "Alley of Martyrs")
        await pilot.press("greater_than_sign")  # an unsaved edit
        await settle(app, pilot)
        assert app.session.dirty and app.session.undo_stack
        # a colleague saves the file meanwhile
        text = visit_copy.read_text(encoding="utf-8")
        edited = text.replace("title: Joint press statements", "title: Joint press conference")
        assert edited != text
        visit_copy.write_text(edited, encoding="utf-8")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "R reloads it" in status(app)
        assert visit_copy.read_text(encoding="utf-8") == edited  # not overwritten
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmReloadScreen)
        await pilot.press("escape")  # stay: nothing changes
        await pilot.pause()
        assert app.session.dirty and app.session.undo_stack
        await pilot.press("R")
        await pilot.pause()
        await pilot.press("r")
        await settle(app, pilot)
        titles = {i.title for i in app.session.visit.items}
        assert "Joint press conference" in titles and "Joint press statements" not in titles
        assert not app.session.undo_stack
        assert not app.session.is_pinned("wreath-alley-of-martyrs")  # the edit is gone
        assert app.session.plan is not None and not app.session.needs_plan  # re-planned
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "unsaved" not in status(app)
    assert visit_copy.read_text(encoding="utf-8") == edited  # the colleague's text kept
    assert read_plan(plan_path(visit_copy)).fingerprint == app.session.plan.fingerprint  # type: ignore[union-attr]


async def test_reload_of_a_broken_file_keeps_the_session(
    visit_copy: Path, make_app: MakeApp
) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        before = app.session
        text = visit_copy.read_text(encoding="utf-8")
        visit_copy.write_text(text.replace("venue: zagulba", "venue: zagulbaa", 1), "utf-8")
        await pilot.press("R")  # nothing unsaved: no question
        await settle(app, pilot)
        assert isinstance(app.screen, ExplanationScreen)
        shown = str(app.screen.query_one("#explanation-text", Static).content)
        assert "zagulbaa" in shown and f"{visit_copy}:" in shown
        assert app.session is before


async def test_reload_reads_in_a_worker_and_edits_wait_for_it(
    visit_copy: Path, make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import tui.app as app_module
    from planner.session import Session

    gate = threading.Event()
    real_open = Session.open

    def slow_open(*args: object, **kwargs: object) -> Session:
        gate.wait(10)  # a large visit takes a while to read and check
        return real_open(*args, **kwargs)  # type: ignore[arg-type]

    app = make_app(visit_copy)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(app, pilot)
        before = app.session
        monkeypatch.setattr(app_module.Session, "open", slow_open)
        await pilot.press("R")
        await pilot.pause(0.05)
        assert app.busy and "reloading…" in status(app)
        first = app.selected
        await pilot.press("j")  # the screen answers while the file is read
        assert app.selected != first
        await pilot.press("greater_than_sign")  # an edit of the old file: refused
        await pilot.pause()
        assert not app.queue and app.session is before
        assert any("Reloading from disk" in n.message for n in app._notifications)
        gate.set()
        await settle(app, pilot)
        assert not app.busy and app.session is not before
        assert not app.session.undo_stack


async def test_the_warnings_pane_lists_what_a_protocol_officer_would_question(
    tmp_path: Path, make_app: MakeApp
) -> None:
    from planner.plan import write_plan
    from tests.schedule_support import D, item, load, moved_to, person, solved, visit_data
    from tests.schedule_support import write_visit as write

    data = visit_data(
        item("dinner", kind="banquet", duration=120, attendees=["a", "h"], title="State dinner"),
        people=[person("a", role="principal", precedence=1), person("h", "host", role="principal")],
        programme_hours={"start": "07:00", "end": "23:30"},
    )
    visit = load(tmp_path, data)
    path = write(tmp_path, data)
    write_plan(plan_path(path), moved_to(visit, solved(visit), "dinner", f"{D} 10:30"))
    app = make_app(path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        options = app.query_one("#findings", OptionList)
        lines = [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]
        assert "? State dinner: a banquet starting at 10:30, before 18:00" in lines
        assert "?1" in status(app)  # the status line counts it
