"""The planner's terminal UI: browse a visit's plan day by day, see its conflicts and why,
edit it (nudge, pin, unpin, cancel) with a re-plan that changes as little as possible,
undo, save and export.

The app owns one ``planner.session.Session`` and only shows what its functions return.
Solving runs in a thread worker that posts a message back; widgets are only touched on
the UI thread. Every binding has an id, so a keymap (TOML file of ``id = "keys"``, named
by $PLANNER_KEYMAP) can remap it; help and the command palette are generated from them.

``PlannerApp`` is the shell: its bindings, layout and start. What it does is in layers,
each a module of its own and each built on the one before: ``display`` (what the screen
shows of the session's state), ``navigation`` (moving about), ``editing`` (edits and
their re-plans), ``files`` (save, reload, quit, export).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, OptionList, Static, Tabs

from planner.export.programme import Entry
from planner.session import (
    Session,
    days,
    tracks,
)
from tui.display import DEFAULT_THEME, Request
from tui.files import Files
from tui.timeline import Timeline

if TYPE_CHECKING:
    from planner.stop import StopSignal


def _b(
    keys: str, action: str, description: str, ident: str, show: bool = False, **kw: object
) -> Binding:
    return Binding(keys, action, description, show=show, id=ident, **kw)  # type: ignore[arg-type]


class PlannerApp(Files):
    CSS_PATH = str(Path(__file__).with_name("app.tcss"))  # absolute: subclasses live elsewhere
    TITLE = "planner"
    HORIZONTAL_BREAKPOINTS = [(0, "-tiny"), (60, "-narrow"), (120, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]  # noqa: RUF012

    BINDINGS: ClassVar[list[BindingType]] = [
        _b("question_mark,f1", "help", "Help", "help", show=True),
        _b("down,j", "next_item", "Next item", "next-item"),
        _b("up,k", "previous_item", "Previous item", "previous-item"),
        _b("right,l,]", "next_day", "Next day", "next-day"),
        _b("left,h,[", "previous_day", "Previous day", "previous-day"),
        _b("home,g", "first_item", "First item of the day", "first-item"),
        _b("end,G", "last_item", "Last item of the day", "last-item"),
        *(_b(str(n), f"go_day({n})", f"Go to day {n}", f"go-day-{n}") for n in range(1, 10)),
        _b("v", "toggle_view", "Timeline / agenda", "toggle-view", show=True),
        _b("slash", "search", "Search", "search", show=True),
        _b("n", "search_next", "Next match", "search-next"),
        _b("N", "search_previous", "Previous match", "search-previous"),
        _b("f", "person", "Person filter", "person-filter", show=True),
        _b("F", "clear_person", "Everyone (clear filter)", "clear-filter"),
        _b("plus,equals_sign", "zoom(-1)", "Zoom in", "zoom-in"),
        _b("minus", "zoom(1)", "Zoom out", "zoom-out"),
        _b("c", "focus_findings", "Conflicts list", "focus-findings"),
        _b("t", "focus_main", "Timeline / agenda focus", "focus-main"),
        _b("greater_than_sign,shift+down", "nudge(15)", "Later by 15 min (pins)", "later-15"),
        _b("less_than_sign,shift+up", "nudge(-15)", "Earlier by 15 min (pins)", "earlier-15"),
        _b("full_stop", "nudge(5)", "Later by 5 min (pins)", "later-5"),
        _b("comma", "nudge(-5)", "Earlier by 5 min (pins)", "earlier-5"),
        _b("p", "toggle_pin", "Pin / unpin", "toggle-pin", show=True),
        _b("x", "cancel_item", "Cancel item", "cancel-item"),
        _b("o,enter", "edit_item", "Edit item (form)", "edit-item"),
        _b("a", "add_item", "Add an item (form)", "add-item"),
        _b("d", "duplicate_item", "Duplicate item", "duplicate-item"),
        _b("delete,D", "delete_item", "Delete item (kept as cancelled)", "delete-item"),
        _b("m", "move_day(1)", "Move to the next day (pins)", "move-next-day"),
        _b("M", "move_day(-1)", "Move to the previous day (pins)", "move-previous-day"),
        _b("r", "replan", "Re-plan now (fewest changes)", "replan"),
        _b("escape", "stop_replan", "Stop the re-plan", "stop-replan"),
        _b("u,ctrl+z", "undo", "Undo", "undo", show=True),
        _b("ctrl+r,ctrl+y", "redo", "Redo", "redo"),
        _b("ctrl+s", "save", "Save", "save", show=True),
        _b("R", "reload", "Reload the visit from disk", "reload"),
        _b("e", "export", "Export", "export"),
        _b("q", "quit", "Quit", "quit", show=True),
    ]

    def __init__(
        self,
        session: Session,
        *,
        theme: str | None = None,
        keymap: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        wanted = theme or os.environ.get("PLANNER_THEME") or DEFAULT_THEME
        self._theme_problem: str | None = None
        if wanted not in self.available_themes:
            known = ", ".join(sorted(self.available_themes))
            self._theme_problem = f"No theme '{wanted}'; using {DEFAULT_THEME}. Themes: {known}"
            wanted = DEFAULT_THEME
        self.theme = wanted
        self._keymap_file = keymap
        self.tracks = tracks(session.visit)
        self.days: list[date] = days(session.visit, session.plan)
        self.day_index = 0
        self.selected: str | None = None
        self.person: str | None = None
        self.busy = False
        self.queue: list[Request] = []
        self.hits: list[str] = []
        self.hit = 0
        self.last_error: str | None = None
        self.last_export: str | None = None
        self._stop: StopSignal | None = None  # asks the running solve to stop
        self._by_day: dict[date, list[Entry]] = {}

    # layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Tabs(*self._day_tabs(), id="days")
        with Horizontal(id="body"):
            with ContentSwitcher(initial="timeline", id="main"):
                yield Timeline(id="timeline")
                yield DataTable(id="agenda", cursor_type="row", zebra_stripes=True)
            with Vertical(id="side"):
                yield Static(id="detail", markup=False)
                yield OptionList(id="findings")
        yield Input(placeholder="search title, person or venue; enter jumps", id="search")
        yield Static(id="status", markup=False)
        yield Footer(show_command_palette=True)

    def on_mount(self) -> None:
        if self._keymap_file:
            self.set_keymap(self._keymap_file)
        table = self.query_one("#agenda", DataTable)
        # the item comes early: on a narrow screen the columns to its right scroll away
        table.add_columns("", "Day", "Time", "Item", "Until", "Venue", "With", "Home")
        self.query_one("#findings", OptionList).border_title = "Conflicts & warnings"
        self.query_one("#detail", Static).border_title = "Item"
        self.query_one("#timeline", Timeline).focus()
        self._state_changed(select_first=True)
        if self._theme_problem:
            self.notify(self._theme_problem, title="Theme", severity="warning", timeout=10)
        if self.session.lock_warning:
            self.notify(self.session.lock_warning, title="Open elsewhere", severity="warning")
        if self.session.plan_problem:
            self.notify(self.session.plan_problem, title="Plan file set aside", severity="warning")
        self._recovered(self.session)
        if self.session.needs_plan:
            self._start(None, opening=True)
        self.call_after_refresh(self._warm)  # after the first screen is painted
        self.set_interval(30, self._tick)

    @work(thread=True, exit_on_error=False, group="warm", description="Warming up")
    def _warm(self) -> None:
        """Runs in a thread while the first screen is read: the first edit is then as
        quick as the next ones."""
        self.session.warm()

    def on_unmount(self) -> None:
        self.session.close()  # the lock file goes with the app

    # refreshing -------------------------------------------------------------------

    # selection helpers ------------------------------------------------------------

    # navigation actions -----------------------------------------------------------

    # widget events ----------------------------------------------------------------

    # editing ----------------------------------------------------------------------

    # command palette ----------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:  # type: ignore[type-arg]
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            if binding.action.startswith("go_day"):
                continue
            key = binding.key.split(",")[0]
            yield SystemCommand(
                f"planner: {binding.description}",
                f"key {key} · id {binding.id}",
                partial(self.run_action, binding.action),
            )
        for n, day in enumerate(self.days):
            yield SystemCommand(
                f"go: day {n + 1}, {day:%A %d %B}", "show this day", partial(self._go_day, n)
            )
        for person in self.session.visit.people:
            yield SystemCommand(
                f"person: {person.name}",
                "show this person's itinerary",
                partial(self.set_person, person.id),
            )


def load_keymap(path: str | None) -> dict[str, str] | None:
    """A keymap file: TOML of binding id = "keys" (e.g. ``save = "ctrl+w"``)."""
    if not path:
        return None
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    return {str(k): str(v) for k, v in data.items()}
