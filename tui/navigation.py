"""Moving about the plan: items and days, the view, search, the person filter, help."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.widgets import ContentSwitcher, DataTable, Input, OptionList, Tabs

from planner.session import itinerary, search
from tui.display import Display
from tui.screens import HelpScreen, PersonScreen
from tui.timeline import Timeline

if TYPE_CHECKING:
    pass


class Navigation(Display):
    """Moving about: what is selected and shown, never what is planned."""

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
