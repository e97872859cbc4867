"""Screenshots of the key screens (pytest-textual-snapshot): plain ``def`` tests, a frozen
clock, the theme set explicitly. Update with ``pytest tests/tui --snapshot-update`` after
looking at the report."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from planner.session import Session
from tui.app import PlannerApp

SIZES = [(80, 24), (160, 48)]


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _app(visit: Path) -> PlannerApp:
    app = PlannerApp(Session.open(visit), theme="textual-dark")
    app.animation_level = "none"
    return app


def _then(*steps: Callable[[Pilot[Any]], Awaitable[None]]) -> Callable[[Pilot[Any]], Any]:
    async def run(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        for step in steps:
            await step(pilot)
            await _settle(pilot)

    return run


def _keys(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def press(pilot: Pilot[Any]) -> None:
        await pilot.press(*keys)

    return press


def _find(text: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def find(pilot: Pilot[Any]) -> None:
        await pilot.press("slash")
        pilot.app.query_one("#search", Input).value = text
        await pilot.press("enter")

    return find


def _person(person: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def choose(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, PlannerApp)
        app.set_person(person)

    return choose


SCREENS = {
    "timeline": _then(_keys("j")),
    "agenda": _then(_keys("v", "j")),
    "person": _then(_person("michal-herzog"), _keys("v")),
    "help": _then(_keys("question_mark")),
    "infeasible": _then(_find("Official welcome"), _keys("less_than_sign")),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(
    snap_compare: Any, visit_copy: Path, frozen: None, screen: str, size: tuple[int, int]
) -> None:
    assert snap_compare(_app(visit_copy), terminal_size=size, run_before=SCREENS[screen])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_timeline_while_the_visit_is_under_way(
    snap_compare: Any, visit_copy: Path, size: tuple[int, int]
) -> None:
    """11:17 in Baku on the first day: the now-line across the lanes."""
    import time_machine

    with time_machine.travel("2023-05-30 07:17:00+00:00", tick=False):
        assert snap_compare(_app(visit_copy), terminal_size=size, run_before=_then())
