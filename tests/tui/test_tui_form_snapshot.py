"""Screenshot of the edit form showing its validation messages, at both sizes (frozen
clock, theme set explicitly, like the other snapshots)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, SelectionList

from planner.session import Session
from tui.app import PlannerApp

SIZES = [(80, 24), (160, 48)]


async def _form_with_errors(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("slash")
    app.query_one("#search", Input).value = "One-on-one"
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("o")
    await pilot.pause()
    form = app.screen
    form.query_one("#edit-item-title", Input).value = ""
    form.query_one("#edit-duration", Input).value = "-5"
    form.query_one("#edit-attendees", SelectionList).deselect_all()
    await pilot.press("ctrl+s")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_edit_form_with_errors(
    snap_compare: Any, visit_copy: Path, frozen: None, size: tuple[int, int]
) -> None:
    app = PlannerApp(Session.open(visit_copy, lock=False), theme="textual-dark")
    app.animation_level = "none"
    assert snap_compare(app, terminal_size=size, run_before=_form_with_errors)
