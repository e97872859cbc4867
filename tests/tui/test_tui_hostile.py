"""The terminal UI with a hostile visit (tests/hostile_support.py): titles and names with
ESC[2J, OSC 52, OSC 2, a C1 CSI and line breaks. The agenda view used to clear the screen
and retitle the terminal. Nothing of the visit file reaches the screen as a control
character: every cell of every layer (views, detail, findings, notifications) is checked
as Textual would write it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.hostile_support import controls, hostile_visit
from tui.app import PlannerApp

MakeApp = Callable[[Path], PlannerApp]
SIZES = [(80, 24), (160, 48)]


def screen_text(app: PlannerApp) -> str:
    """The text of every cell on the screen, layer by layer, as it would be written to the
    terminal (Textual's own styling and cursor sequences are not text and are left out)."""
    update = app.screen._compositor.render_full_update()
    return "\n".join(
        "".join(segment.text for strip in line for segment in strip if not segment.control)
        for line in update.strips
    )


async def _settle(app: PlannerApp, pilot: object) -> None:
    for _ in range(2):
        await app.workers.wait_for_complete()
        await pilot.pause()  # type: ignore[attr-defined]


def _clean(app: PlannerApp, where: str) -> str:
    text = screen_text(app)
    assert controls(text) == [], (where, controls(text))
    return text


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_hostile_texts_never_reach_the_screen(
    tmp_path: Path, make_app: MakeApp, size: tuple[int, int]
) -> None:
    app = make_app(hostile_visit(tmp_path))
    async with app.run_test(size=size) as pilot:
        await _settle(app, pilot)  # the first plan is made on opening
        assert app.session.plan is not None
        seen = ""
        for view in ("timeline", "agenda"):
            if app.view != view:
                await pilot.press("v")
                await _settle(app, pilot)
            assert app.view == view
            for item in ("arrival", "official-welcome"):
                app.select(item)
                await _settle(app, pilot)
                seen += _clean(app, f"{view}, {item} selected")
        # a search, and a notification quoting what was typed
        await pilot.press("slash")
        app.query_one("#search", Input).value = "ceremony [/b]"
        await pilot.press("enter")
        await _settle(app, pilot)
        seen += _clean(app, "after a search")
        if size[0] >= 160:  # the detail pane shows the whole title
            assert "Official welcome]52;c;cm0gLXJmIH4= ceremony [/b] [bold]" in seen
        assert "Arrival at Heydar" in seen
