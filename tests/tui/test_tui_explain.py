"""The terminal UI while it re-plans and when an edit has no plan (issue 9, §5): the
"re-planning… (esc stops)" indicator is on screen at every width, read from the rendered
status line (what the terminal shows, not the widget's text), and the explanation opens
with its Why line first."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widgets import Static

from tests.tui.test_tui_app import find, settle
from tui.app import PlannerApp
from tui.screens import ExplanationScreen

MakeApp = Callable[[Path], PlannerApp]


def shown(widget: Static) -> str:
    """The text of a one-line widget as drawn on the screen (clipped to its width)."""
    width, height = widget.size
    lines = widget.render_lines(Region(0, 0, width, max(1, height)))
    return "".join(segment.text for segment in lines[0])


@pytest.mark.parametrize("width", [80, 60, 40])
async def test_replanning_indicator_is_on_screen_at_every_width(
    visit_copy: Path, make_app: MakeApp, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    import planner.schedule.solve as solving
    from planner.stop import Stopped, active

    started: list[bool] = []

    def endless(*args: object, **kwargs: object) -> object:
        signal = active()
        assert signal is not None
        started.append(True)
        for _ in range(3000):  # 30 s at most, should the test fail before it stops it
            if signal.requested:
                break
            time.sleep(0.01)
        raise Stopped

    app = make_app(visit_copy)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(app, pilot)
        monkeypatch.setattr(solving, "solve", endless)
        await find(app, pilot, "Alley of Martyrs")
        await pilot.press("greater_than_sign")
        for _ in range(500):  # at most 10 s
            if started:
                break
            await pilot.pause(0.02)
        assert started, "the re-plan did not start"
        await pilot.pause()
        line = shown(app.query_one("#status", Static))
        assert len(line) <= width
        assert "re-planning… (esc stops)" in line, line
        await pilot.press("escape")
        await settle(app, pilot)
        assert "re-planning" not in shown(app.query_one("#status", Static))


async def test_explanation_opens_with_its_why_line(visit_copy: Path, make_app: MakeApp) -> None:
    app = make_app(visit_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await find(app, pilot, "Official welcome")
        # 10:20: the guests land at 09:30, the arrival ends 10:00, 25 min by road and on
        # site 10 min before a ceremony (the plan has the welcome at 10:35, the earliest)
        await pilot.press("less_than_sign", "less_than_sign")
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, ExplanationScreen)
        text = app.screen.query_one("#explanation-text", Static)
        content = str(text.content)
        assert content.startswith("Why: "), content
        # and the facts follow, each at its line of the file
        assert "\n\nNo plan exists: these facts cannot all hold" in content
        # on screen: the first line of the panel is the Why
        assert shown(text).startswith("Why: "), shown(text)
