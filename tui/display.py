"""The screen's contents, drawn from the session's state (the layer every other part of
the app builds on)."""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeAlias

import pendulum
from rich.text import Text
from textual.app import App
from textual.notifications import SeverityLevel
from textual.widgets import ContentSwitcher, DataTable, OptionList, Static, Tab, Tabs
from textual.widgets.option_list import Option

from planner.export.programme import Entry, by_day
from planner.model.text import printable
from planner.session import ItemEdit, Nudge, Session, Track, days, itinerary
from tui.timeline import Timeline
from tui.views import day_model, day_zone, detail, row

if TYPE_CHECKING:
    from planner.schedule.edits import Edit
    from planner.stop import StopSignal


DEFAULT_THEME = "textual-dark"

Request: TypeAlias = "ItemEdit | Nudge | Edit"


class Display(App[None]):
    """What the screen shows of the session's state, refreshed after every change: the
    day tabs, the timeline or agenda, the item's details, the findings and the status
    line. The attributes are the app's (set in ``PlannerApp.__init__``)."""

    session: Session
    tracks: list[Track]
    days: list[date]
    day_index: int
    selected: str | None
    person: str | None
    busy: bool
    queue: list[Request]
    hits: list[str]
    hit: int
    last_error: str | None
    last_export: str | None
    _stop: StopSignal | None
    _by_day: dict[date, list[Entry]]

    @property
    def view(self) -> str:
        """The view on screen: 'timeline' or 'agenda'."""
        return self.query_one("#main", ContentSwitcher).current or "timeline"

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

    def _recovered(self, session: Session) -> None:
        """Say what opening found and put right: a write a killed program left half-done."""
        for note in session.recovered:
            self.notify(note, title="Recovered", severity="warning", timeout=15)

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
