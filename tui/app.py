"""The planner's terminal UI: browse a visit's plan day by day, see its conflicts and why,
edit it (nudge, pin, unpin, cancel) with a re-plan that changes as little as possible,
undo, save and export.

The app owns one ``planner.session.Session`` and only shows what its functions return.
Solving runs in a thread worker that posts a message back; widgets are only touched on
the UI thread. Every binding has an id, so a keymap (TOML file of ``id = "keys"``, named
by $PLANNER_KEYMAP) can remap it; help and the command palette are generated from them.
"""

from __future__ import annotations

import contextlib
import os
import tomllib
from collections.abc import Iterable
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeAlias

import pendulum
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, OptionList, Static, Tab, Tabs
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from planner.export.programme import Entry, by_day
from planner.model.text import printable
from planner.session import (
    Attempt,
    ItemEdit,
    Nudge,
    Session,
    days,
    itinerary,
    search,
    tracks,
)
from tui.screens import (
    ConfirmQuitScreen,
    ConfirmReloadScreen,
    EditItemScreen,
    ExplanationScreen,
    ExportScreen,
    HelpScreen,
    PersonScreen,
)
from tui.timeline import Timeline
from tui.views import day_model, day_zone, detail, row

if TYPE_CHECKING:
    from planner.schedule.edits import Edit
    from planner.stop import StopSignal

DEFAULT_THEME = "textual-dark"

Request: TypeAlias = "ItemEdit | Nudge | Edit"


class Planned(Message):
    """A worker finished planning (the first plan, or an edit)."""

    def __init__(self, attempt: Attempt, first: bool, request: Request | None = None) -> None:
        super().__init__()
        self.attempt = attempt
        self.first = first
        self.request = request


class Exported(Message):
    def __init__(self, folder: Path, error: str | None, written: str = "") -> None:
        super().__init__()
        self.folder = folder
        self.error = error
        self.written = written  # what was written (planner.pipeline.summary)


class Reloaded(Message):
    """The visit was read again from disk (``session``), or could not be (``problems``:
    the file's located problems; ``error``: it could not be read)."""

    def __init__(
        self, session: Session | None, problems: str | None = None, error: str | None = None
    ) -> None:
        super().__init__()
        self.session = session
        self.problems = problems
        self.error = error


def _b(
    keys: str, action: str, description: str, ident: str, show: bool = False, **kw: object
) -> Binding:
    return Binding(keys, action, description, show=show, id=ident, **kw)  # type: ignore[arg-type]


class PlannerApp(App[None]):
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

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A notification; what it quotes (a search, a folder typed in, an error of the
        operating system) is shown with its control characters escaped, and never read as
        markup."""
        super().notify(
            printable(message, keep=""),
            title=printable(title, keep=""),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def _day_tabs(self) -> list[Tab]:
        return [Tab(f"{d:%a %d %b}", id=f"day-{n}") for n, d in enumerate(self.days)]

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

    def _recovered(self, session: Session) -> None:
        """Say what opening found and put right: a write a killed program left half-done."""
        for note in session.recovered:
            self.notify(note, title="Recovered", severity="warning", timeout=15)

    def on_unmount(self) -> None:
        self.session.close()  # the lock file goes with the app

    # refreshing -------------------------------------------------------------------

    def _state_changed(self, select_first: bool = False, follow: bool = False) -> None:
        state = self.session.state
        visit = self.session.visit
        self._by_day = by_day(visit, state.plan) if state.plan else {}
        new_days = days(visit, state.plan)
        if new_days != self.days:
            self.days = new_days
            tabs = self.query_one("#days", Tabs)
            tabs.clear()
            for tab in self._day_tabs():
                tabs.add_tab(tab)
            self.day_index = min(self.day_index, len(self.days) - 1)
        if self.selected is not None and self._entry(self.selected) is None:
            self.selected = None
        if follow and self.selected is not None:
            self._follow(self.selected)
        if (select_first and not self._now_on_screen()) or self.selected is None:
            ids = self._day_ids()
            self.selected = ids[0] if ids else None
        self._render_findings()
        self._refresh_views()

    def _refresh_views(self) -> None:
        state = self.session.state
        visit = self.session.visit
        day = self.days[self.day_index] if self.days else None
        tabs = self.query_one("#days", Tabs)
        if day is not None and tabs.active != f"day-{self.day_index}":
            tabs.active = f"day-{self.day_index}"  # its TabActivated comes back: no change
        if self.view == "timeline":  # only the view on screen is drawn
            timeline = self.query_one("#timeline", Timeline)
            entries = self._by_day.get(day, []) if day else []
            model = (
                day_model(visit, state, day, entries, self.tracks, self.person, self._now())
                if day
                else None
            )
            if model is not None:
                timeline.empty_text = "Planning…" if state.plan is None else "No items this day."
                timeline.show(model, self.selected)
        else:
            self._render_agenda()
        entry = self._entry(self.selected) if self.selected else None
        self.query_one("#detail", Static).update(detail(visit, state, entry, self.selected))
        self._render_status()

    def _now(self) -> datetime:
        return pendulum.now("UTC")

    def _now_on_screen(self) -> bool:
        """While the visit is under way: show today, on the item in progress (or the
        next one; the last of the day once it is over). False on other days."""
        now = self._now()
        for index, day in enumerate(self.days):
            if not self._is_today(day, now):
                continue
            self.day_index = index
            entries = self._by_day.get(day, [])
            if entries:
                self.selected = next((e for e in entries if e.end > now), entries[-1]).item.id
            return True
        return False

    def _is_today(self, day: date, now: datetime) -> bool:
        """Whether ``now`` falls on ``day``, read in that day's zone."""
        zone = day_zone(self.session.visit, self._by_day.get(day, []))
        return bool(pendulum.instance(now).in_timezone(zone).date() == day)

    def _tick(self) -> None:
        """Every half minute: move the now-line (only the timeline of today changes)."""
        shown = self.days[self.day_index] if self.days else None
        if self.view == "timeline" and shown is not None and self._is_today(shown, self._now()):
            self._refresh_views()

    def _render_agenda(self) -> None:
        table = self.query_one("#agenda", DataTable)
        state = self.session.state
        visit = self.session.visit
        table.clear()
        for entry in self._agenda_entries():
            r = row(visit, state, entry)
            style = "bold" if entry.item.id in state.moved else ""
            table.add_row(
                r.marks,
                r.day,
                r.time,
                Text(r.title, style),
                r.until,
                r.venue,
                r.people,
                r.home,
                key=r.item,
            )
        if self.selected is not None:
            with contextlib.suppress(Exception):  # not in this list (another day)
                table.move_cursor(row=table.get_row_index(self.selected), animate=False)

    def _render_findings(self) -> None:
        options = self.query_one("#findings", OptionList)
        options.clear_options()
        found = self.session.state.findings
        if not found:
            text = "✓ no conflicts" if self.session.plan else "… planning"
            options.add_option(Option(text, id="none", disabled=True))
            return
        for n, finding in enumerate(found):
            options.add_option(Option(f"{finding.glyph} {finding.text}", id=f"f{n}"))

    def _render_status(self) -> None:
        session = self.session
        plan = session.plan
        parts = [session.path.name + (" ● unsaved" if session.dirty else "")]
        if plan is not None:
            parts.append(f"plan v{plan.version}")
            solved_here = session.state.label != "opened"  # from the file: no timing shown
            timing = f" {plan.solve.seconds:.2f} s" if solved_here else ""
            parts.append(f"{plan.solve.status}{timing}")
            counts: dict[str, int] = {}
            for finding in session.state.findings:
                counts[finding.glyph] = counts.get(finding.glyph, 0) + 1
            parts.append(" ".join(f"{g}{n}" for g, n in counts.items()) or "✓")
        else:
            parts.append("no plan" if self.busy else "no plan (r plans)")
        if self.person:
            parts.append(f"only {session.visit.person[self.person].name}")
        if session.lock_warning:
            parts.append(f"⚠ {session.lock_warning}")
        if self.busy:
            # first, so that no width cuts it off (the line is clipped on the right)
            parts.insert(
                0,
                "reloading…"
                if self._stop is None
                else ("re-planning…" if session.plan else "planning…") + " (esc stops)",
            )
        elif self.last_error:
            parts.append(self.last_error)
        self.query_one("#status", Static).update(" │ ".join(parts))

    # selection helpers ------------------------------------------------------------

    def _entry(self, item_id: str | None) -> Entry | None:
        for entries in self._by_day.values():
            for entry in entries:
                if entry.item.id == item_id:
                    return entry
        return None

    def _day_ids(self) -> list[str]:
        if not self.days:
            return []
        entries = self._by_day.get(self.days[self.day_index], [])
        if self.person:
            entries = [e for e in entries if self.person in e.planned.attendees]
        return [e.item.id for e in entries]

    def _agenda_entries(self) -> list[Entry]:
        if self.person and self.session.plan:
            ids = itinerary(self.session.visit, self.session.plan, self.person)
            return [e for e in (self._entry(i) for i in ids) if e is not None]
        if not self.days:
            return []
        return self._by_day.get(self.days[self.day_index], [])

    def _follow(self, item_id: str) -> None:
        """Show the day of an item."""
        entry = self._entry(item_id)
        if entry is not None:
            zone = entry.planned.timezone or self.session.visit.timezone
            day = entry.start.in_timezone(zone).date()
            if day in self.days:
                self.day_index = self.days.index(day)

    def select(self, item_id: str | None) -> None:
        """Select an item, switching to its day."""
        if item_id is not None:
            self._follow(item_id)
        self.selected = item_id
        self._refresh_views()

    def _step(self, delta: int) -> None:
        if self.person and self.session.plan:
            ids = itinerary(self.session.visit, self.session.plan, self.person)
        else:
            ids = self._day_ids()
        if not ids:
            return
        if self.selected not in ids:
            self.select(ids[0] if delta > 0 else ids[-1])
            return
        n = ids.index(self.selected) + delta
        self.select(ids[max(0, min(len(ids) - 1, n))])

    def _go_day(self, index: int) -> None:
        if not self.days:
            return
        self.day_index = max(0, min(len(self.days) - 1, index))
        ids = self._day_ids()
        self.selected = ids[0] if ids else None
        self._refresh_views()

    # navigation actions -----------------------------------------------------------

    def action_next_item(self) -> None:
        self._step(1)

    def action_previous_item(self) -> None:
        self._step(-1)

    def action_next_day(self) -> None:
        self._go_day(self.day_index + 1)

    def action_previous_day(self) -> None:
        self._go_day(self.day_index - 1)

    def action_go_day(self, number: int) -> None:
        self._go_day(number - 1)

    def action_first_item(self) -> None:
        ids = self._day_ids()
        if ids:
            self.select(ids[0])

    def action_last_item(self) -> None:
        ids = self._day_ids()
        if ids:
            self.select(ids[-1])

    def action_toggle_view(self) -> None:
        switcher = self.query_one("#main", ContentSwitcher)
        switcher.current = "agenda" if switcher.current == "timeline" else "timeline"
        self.query_one(f"#{switcher.current}").focus()
        self._refresh_views()

    @property
    def view(self) -> str:
        return self.query_one("#main", ContentSwitcher).current or "timeline"

    def action_zoom(self, step: int) -> None:
        self.query_one("#timeline", Timeline).zoom(step)

    def action_focus_findings(self) -> None:
        self.query_one("#findings", OptionList).focus()

    def action_focus_main(self) -> None:
        self.query_one(f"#{self.view}").focus()

    def action_search(self) -> None:
        search_box = self.query_one("#search", Input)
        search_box.add_class("-open")
        search_box.focus()

    @on(Input.Submitted, "#search")
    def _searched(self, event: Input.Submitted) -> None:
        self._close_search()
        if self.session.plan is None:
            return
        self.hits = search(self.session.visit, self.session.plan, event.value)
        self.hit = 0
        if self.hits:
            self.select(self.hits[0])
            self.notify(f"{len(self.hits)} match(es) for “{event.value}”; n / N for the others")
        else:
            self.notify(f"Nothing matches “{event.value}”", severity="warning")

    def _close_search(self) -> None:
        self.query_one("#search", Input).remove_class("-open")
        self.action_focus_main()

    def action_search_next(self) -> None:
        if self.hits:
            self.hit = (self.hit + 1) % len(self.hits)
            self.select(self.hits[self.hit])

    def action_search_previous(self) -> None:
        if self.hits:
            self.hit = (self.hit - 1) % len(self.hits)
            self.select(self.hits[self.hit])

    def action_person(self) -> None:
        def chosen(person: str | None) -> None:
            if person is None:
                return
            self.set_person(person or None)

        self.push_screen(PersonScreen(self.session.visit, self.person), chosen)

    def set_person(self, person: str | None) -> None:
        self.person = person
        if person and self.session.plan:
            ids = itinerary(self.session.visit, self.session.plan, person)
            if self.selected not in ids:
                self.select(ids[0] if ids else None)
                return
        self._refresh_views()

    def action_clear_person(self) -> None:
        self.set_person(None)

    def action_help(self) -> None:
        active = self.screen.active_bindings
        display = {key: self.get_key_display(a.binding) for key, a in active.items()}
        self.push_screen(HelpScreen(active, display))

    # widget events ----------------------------------------------------------------

    @on(Tabs.TabActivated, "#days")
    def _day_tab(self, event: Tabs.TabActivated) -> None:
        if event.tab.id is None:
            return
        index = int(event.tab.id.split("-")[1])
        if index != self.day_index:
            self._go_day(index)

    @on(Timeline.Selected)
    def _clicked(self, event: Timeline.Selected) -> None:
        self.select(event.item)

    @on(DataTable.RowHighlighted, "#agenda")
    def _row(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        if event.row_key.value is None or self.view != "agenda":
            return
        if not table.is_valid_row_index(table.cursor_row):
            return
        current = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        if current != event.row_key:  # a highlight from an earlier render: stale
            return
        if event.row_key.value != self.selected:
            self.select(event.row_key.value)

    @on(OptionList.OptionSelected, "#findings")
    def _finding(self, event: OptionList.OptionSelected) -> None:
        ident = event.option.id or ""
        if not ident.startswith("f"):
            return
        finding = self.session.state.findings[int(ident[1:])]
        if finding.item is not None:
            if self._entry(finding.item) is None:
                self.selected = finding.item  # dropped or cancelled: shown in the detail
                self._refresh_views()
            else:
                self.select(finding.item)
            self.action_focus_main()

    # editing ----------------------------------------------------------------------

    def _edit(self, request: Request) -> None:
        if self.session.plan is None:
            self.notify("No plan yet: wait for the first plan", severity="warning")
            return
        if self.busy and self._stop is None:  # reloading: the edit would be of the old file
            self.notify("Reloading from disk: edit when it is done", severity="warning")
            return
        self.queue.append(request)
        if not self.busy:
            self._next()

    def _next(self) -> None:
        if self.queue:
            self._start(self.queue.pop(0))

    def _start(self, request: Request | None, opening: bool = False) -> None:
        """Plan in a worker: an edit, or (no request) the visit as it is. The plan made
        on opening a visit (none yet, or one of another version of the file) is taken as
        the opened state, not an undoable step."""
        from planner.stop import StopSignal

        self.busy = True
        self.last_error = None
        self._stop = StopSignal()
        self._render_status()
        first = opening or self.session.plan is None
        self._plan(request, self._stop, first=first)

    @work(thread=True, exclusive=True, exit_on_error=False, group="solver", description="Planning")
    def _plan(self, request: Request | None, stop: StopSignal, first: bool) -> None:
        """Runs in a thread: computes, never touches a widget, posts the result."""
        session = self.session
        attempt = (
            session.first_plan(stop=stop)
            if request is None
            else session.prepare(request, stop=stop)
        )
        self.post_message(Planned(attempt, first=first, request=request))

    def action_stop_replan(self) -> None:
        """escape: closes the search box when it is open, else stops the re-plan."""
        if self.query_one("#search", Input).has_class("-open"):
            self._close_search()
            return
        if not self.busy or self._stop is None:
            self.notify("Nothing is being planned")
            return
        self.queue.clear()
        self._stop.request()
        self.notify("Stopping the re-plan…")

    def action_replan(self) -> None:
        """Solve again from the visit as it is, changing the plan as little as possible
        (an undoable step; the first plan when there is none)."""
        if self.busy:
            self.notify("Re-planning already", severity="warning")
            return
        self._start(None)

    def on_planned(self, message: Planned) -> None:
        attempt = message.attempt
        self.busy = False
        self._stop = None
        if attempt.stopped:
            self.queue.clear()
            self.last_error = "re-plan stopped"
            if self.session.plan is None:
                self.notify("Stopped: no plan yet (r plans the visit)", title=attempt.description)
            else:
                self.notify("Stopped: the plan is as it was", title=attempt.description)
        elif message.first:
            if self.session.adopt(attempt):
                self._state_changed(select_first=True)
            else:
                self._refused(attempt)
        elif (
            message.request is None
            and attempt.state is not None
            and attempt.state.plan is self.session.plan
        ):
            self.notify("The plan is up to date: nothing changed", title=attempt.description)
        elif self.session.commit(attempt):
            self.notify(self.session.state.changes_summary, title=attempt.description)
            if attempt.made is not None:
                self.selected = attempt.made  # a new item (added or a copy): show it
            self._state_changed(follow=True)  # to the item's day (it may have moved)
        else:
            self.queue.clear()
            self._refused(attempt)
        self._render_status()
        self._next()

    def _refused(self, attempt: Attempt) -> None:
        if attempt.explanation is not None:
            self.last_error = "edit refused: no plan"
            self.push_screen(
                ExplanationScreen(f"{attempt.description}: no plan exists", attempt.explanation)
            )
        elif attempt.error is not None:
            self.last_error = "edit refused"
            if "\n" in attempt.error or len(attempt.error) > 100:
                self.push_screen(
                    ExplanationScreen(f"{attempt.description}: not possible", attempt.error)
                )
            else:
                self.notify(attempt.error, title="Not possible", severity="warning")
        self._render_status()

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.busy = False
            self.queue.clear()
            error = event.worker.error
            self.last_error = f"error: {error}"
            self.notify(
                f"{type(error).__name__}: {error}", title="Internal error", severity="error"
            )
            self._render_status()

    def _selected_or_warn(self) -> str | None:
        if self.selected is None:
            self.notify("Select an item first", severity="warning")
        return self.selected

    def action_nudge(self, minutes: int) -> None:
        item = self._selected_or_warn()
        if item is not None:
            self._edit(Nudge(item, minutes))

    def action_toggle_pin(self) -> None:
        item = self._selected_or_warn()
        if item is not None:
            self._edit(ItemEdit("unpin" if self.session.is_pinned(item) else "pin", item))

    def action_cancel_item(self) -> None:
        item = self._selected_or_warn()
        if item is not None:
            self._edit(ItemEdit("cancel", item))

    def action_edit_item(self) -> None:
        item_id = self._selected_or_warn()
        if item_id is None:
            return
        item = self.session.visit.item.get(item_id)
        if item is None:
            return

        def chosen(edit: Edit | None) -> None:
            if edit is not None:
                self._edit(edit)

        self.push_screen(EditItemScreen(self.session.visit, item), chosen)

    def action_add_item(self) -> None:
        def chosen(edit: Edit | None) -> None:
            if edit is not None:
                self._edit(edit)

        self.push_screen(EditItemScreen(self.session.visit, None), chosen)

    def action_duplicate_item(self) -> None:
        from planner.schedule.edits import Edit

        item_id = self._selected_or_warn()
        if item_id is not None and item_id in self.session.visit.item:
            self._edit(Edit("duplicate", item_id))  # the copy's id: the first free "-N"

    def action_delete_item(self) -> None:
        from planner.schedule.edits import Edit

        item_id = self._selected_or_warn()
        if item_id is not None and item_id in self.session.visit.item:
            self._edit(Edit("delete", item_id))

    def action_move_day(self, delta: int) -> None:
        """Pin the selected item at the same local clock time on the next (or previous)
        programme day."""
        from planner.schedule.edits import Edit

        item_id = self._selected_or_warn()
        entry = self._entry(item_id)
        if item_id is None or entry is None or entry.planned.start is None:
            if item_id is not None:
                self.notify("This item has no planned time", severity="warning")
            return
        zone = entry.planned.timezone or self.session.visit.timezone
        day = entry.start.in_timezone(zone).date()
        index = self.days.index(day) + delta if day in self.days else -1
        if not 0 <= index < len(self.days):
            self.notify("No programme day there", severity="warning")
            return
        clock = entry.planned.start.local
        self._edit(Edit("move", item_id, to=f"{self.days[index]:%Y-%m-%d} {clock:%H:%M}"))

    def action_undo(self) -> None:
        if self.busy:
            self.notify("Re-planning: wait a moment", severity="warning")
            return
        undone = self.session.undo()
        if undone is None:
            self.notify("Nothing to undo")
            return
        self.notify(f"Undone: {undone.label}")
        self._state_changed()

    def action_redo(self) -> None:
        if self.busy:
            self.notify("Re-planning: wait a moment", severity="warning")
            return
        redone = self.session.redo()
        if redone is None:
            self.notify("Nothing to redo")
            return
        self.notify(f"Redone: {redone.label}")
        self._state_changed()

    def action_save(self) -> bool:
        if self.busy:
            self.notify("Re-planning: save when it is done", severity="warning")
            return False
        from planner.journal import FileChanged
        from planner.lock import Refused

        try:
            written = self.session.save()
        except FileChanged as exc:  # the visit or its plan (FileChangedError among them)
            self.last_error = "not saved: file changed on disk (R reloads it)"
            self.notify(
                f"{exc}. R reloads it from disk (your unsaved changes are then lost).",
                title="Not saved",
                severity="error",
                timeout=10,
            )
            self._render_status()
            return False
        except Refused as exc:  # another program is writing the visit: try again later
            self.last_error = "not saved: the visit is busy (ctrl+s tries again)"
            self.notify(str(exc), title="Not saved", severity="error", timeout=10)
            self._render_status()
            return False
        except OSError as exc:
            self.last_error = "not saved"
            self.notify(str(exc), title="Not saved", severity="error", timeout=10)
            self._render_status()
            return False
        self.last_error = None
        names = ", ".join(p.name for p in written) or "nothing changed"
        self.notify(f"Saved: {names}")
        self._render_status()
        return True

    def action_reload(self) -> None:
        """Open the visit again from disk (a colleague saved it, say); asks first when
        there are unsaved changes."""
        if self.busy:
            self.notify("Re-planning: reload when it is done", severity="warning")
            return
        if not self.session.dirty:
            self._reload()
            return

        def chosen(reload: bool | None) -> None:
            if reload:
                self._reload()

        self.push_screen(ConfirmReloadScreen(id="confirm-reload"), chosen)

    def _reload(self) -> None:
        self.busy = True
        self._render_status()
        self._read_again(self.session.path, self.session.plan_file)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reload", description="Reload")
    def _read_again(self, path: Path, plan_file: Path) -> None:
        """Runs in a thread: reads and checks the visit (and its plan) again."""
        from planner.lock import Refused
        from planner.visitfile import VisitFileError
        from planner.yamledit import EditError

        try:
            fresh = Session.open(path, plan_file, lock=False)
        except VisitFileError as exc:
            self.post_message(Reloaded(None, "\n".join(str(d) for d in exc.diagnostics)))
        except (EditError, Refused) as exc:
            self.post_message(Reloaded(None, error=str(exc)))
        else:
            self.post_message(Reloaded(fresh))

    def on_reloaded(self, message: Reloaded) -> None:
        self.busy = False
        fresh = message.session
        if fresh is None:
            if message.problems is not None:
                title = "Not reloaded: the file on disk has problems"
                self.push_screen(ExplanationScreen(title, message.problems))
            else:
                self.notify(message.error or "", title="Not reloaded", severity="error")
            self._render_status()
            return
        old = self.session
        fresh.lock, old.lock = old.lock, None  # this app keeps its lock file
        self.session = fresh
        self.tracks = tracks(fresh.visit)
        self.queue.clear()
        self.last_error = None
        self._state_changed()
        self.notify(f"Reloaded {fresh.path.name} from disk")
        self._recovered(fresh)
        if fresh.needs_plan:
            self._start(None, opening=True)

    async def action_quit(self) -> None:
        if not self.session.dirty:
            self.exit()
            return

        def chosen(choice: str | None) -> None:
            if choice == "discard" or (choice == "save" and self.action_save()):
                self.exit()

        self.push_screen(ConfirmQuitScreen(id="confirm"), chosen)

    def action_export(self) -> None:
        if self.session.dirty:
            self.notify("Save first (ctrl+s): export reads the saved files", severity="warning")
            return
        default = self.session.path.with_name(self.session.path.stem + "-out")

        def chosen(folder: str | None) -> None:
            if folder:
                self.notify(f"Exporting into {folder}…")
                self._export(Path(folder))

        self.push_screen(ExportScreen(str(default)), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export", description="Export")
    def _export(self, folder: Path) -> None:
        try:
            from planner.pipeline import generate, summary

            results = generate([self.session.path], folder, plans=self.session.plan_file.parent)
        except Exception as exc:  # reported on screen; the folder is left as it was
            self.post_message(Exported(folder, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(Exported(folder, None, summary(results)))

    def on_exported(self, message: Exported) -> None:
        if message.error:
            self.notify(message.error, title="Export failed", severity="error", timeout=10)
        else:
            self.last_export = f"Exported into {message.folder}: {message.written}"
            self.notify(self.last_export, title="Export", timeout=12)

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
