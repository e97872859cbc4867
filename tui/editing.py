"""The edit flow: each edit re-planned in a thread worker, one at a time (later ones
queue), the result adopted or explained; undo and redo."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.message import Message
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from planner.session import Attempt, ItemEdit, Nudge
from tui.display import Request
from tui.navigation import Navigation
from tui.screens import EditItemScreen, ExplanationScreen

if TYPE_CHECKING:
    from planner.schedule.edits import Edit
    from planner.stop import StopSignal


class Planned(Message):
    """A worker finished planning (the first plan, or an edit)."""

    def __init__(self, attempt: Attempt, first: bool, request: Request | None = None) -> None:
        super().__init__()
        self.attempt = attempt
        self.first = first
        self.request = request


class Editing(Navigation):
    """Edits of the plan and their re-plans."""

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
