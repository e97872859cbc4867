"""Modal screens: help, person filter, explanation of a refused edit, quit with unsaved
changes, export folder, and the form that edits one item."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Label,
    OptionList,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from planner.model.items import Item
from planner.model.visit import Visit

if TYPE_CHECKING:
    from planner.schedule.edits import Edit  # noqa: F401 (named in a string)


class HelpScreen(ModalScreen[None]):
    """Every key, generated from the bindings in force (user keymap included)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help-close")
    ]

    def __init__(self, bindings: dict[str, ActiveBinding], key_display: dict[str, str]) -> None:
        super().__init__(id="help")
        self._active = bindings
        self._display = key_display

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Label(
                "Keys — every action is also in the command palette (ctrl+p)", id="help-title"
            )
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            yield Label("esc closes · keys can be remapped by id (PLANNER_KEYMAP)", id="help-foot")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Keys", "Action", "Id")
        grouped: dict[tuple[str, str], list[str]] = {}
        order: list[tuple[str, str]] = []
        for key, active in self._active.items():
            binding = active.binding
            if not binding.description:
                continue
            ident = (binding.id or binding.action, binding.description)
            if ident not in grouped:
                grouped[ident] = []
                order.append(ident)
            shown = self._display.get(key, key)
            if shown not in grouped[ident]:
                grouped[ident].append(shown)
        for ident in order:
            binding_id, description = ident
            table.add_row(" ".join(grouped[ident]), description, binding_id)


class PersonScreen(ModalScreen[str | None]):
    """Pick whose itinerary to show ('' for everyone)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="person-close")
    ]

    def __init__(self, visit: Visit, current: str | None) -> None:
        super().__init__(id="person")
        self._visit = visit
        self._current = current

    def compose(self) -> ComposeResult:
        options = [Option("Everyone (all lanes)", id="")]
        people = sorted(
            self._visit.people, key=lambda p: (p.side.value != "guest", p.precedence, p.name)
        )
        for person in people:
            options.append(
                Option(
                    f"{person.name} — {person.title or person.role.value} ({person.side.value})",
                    id=person.id,
                )
            )
        with Vertical(id="person-box"):
            yield Label("Show one person's itinerary", id="person-title")
            yield OptionList(*options, id="person-list")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self._current:
            options.highlighted = options.get_option_index(self._current)
        else:
            options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id or "")


class ExplanationScreen(ModalScreen[None]):
    """Why an edit was refused: the facts that cannot all hold, or the file problems."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "dismiss", "Close", id="explanation-close")
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__(id="explanation")
        self._title = title
        self._text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="explanation-box"):
            yield Label(self._title, id="explanation-title")
            with VerticalScroll():
                yield Static(self._text, id="explanation-text", markup=False)
            yield Label("The plan on screen is unchanged · esc closes", id="explanation-foot")


class ConfirmQuitScreen(ModalScreen[str | None]):
    """Quit with unsaved changes: save, discard or stay."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s,y", "choose('save')", "Save and quit", id="quit-save"),
        Binding("d,n", "choose('discard')", "Quit without saving", id="quit-discard"),
        Binding("escape,c", "choose('')", "Stay", id="quit-stay"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Label("There are unsaved changes.", id="confirm-title")
            with Horizontal(id="confirm-buttons"):
                yield Button("Save and quit (s)", id="save", variant="primary")
                yield Button("Discard (d)", id="discard", variant="error")
                yield Button("Stay (esc)", id="stay")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice or None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "stay" else event.button.id)


class ExportScreen(ModalScreen[str | None]):
    """Ask for the folder to export into."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="export-close")
    ]

    def __init__(self, default: str) -> None:
        super().__init__(id="export")
        self._default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Label("Export programmes and calendars into folder:", id="export-title")
            yield Input(self._default, id="export-folder")
            yield Label("enter exports (the folder is replaced) · esc cancels", id="export-foot")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)


def form_problems(title: str, duration: str, attendees: list[str]) -> dict[str, str]:
    """What is wrong with the edit form's values, by field ('' when nothing is)."""
    problems: dict[str, str] = {}
    if not title.strip():
        problems["title"] = "The title cannot be empty."
    try:
        minutes = int(duration.strip())
    except ValueError:
        minutes = 0
    if minutes <= 0:
        problems["duration"] = "A positive whole number of minutes."
    if not attendees:
        problems["attendees"] = "At least one required attendee."
    return problems


class EditItemScreen(ModalScreen["Edit | None"]):
    """Edit one item: title, duration, venue, required attendees, dress, notes. Returns one
    ``set`` edit of the fields that changed (None: cancelled or nothing changed)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Apply the changes", id="edit-save", priority=True),
        Binding("escape", "cancel", "Cancel", id="edit-cancel"),
    ]

    def __init__(self, visit: Visit, item: Item) -> None:
        super().__init__(id="edit")
        self._visit = visit
        self._item = item

    def compose(self) -> ComposeResult:
        item = self._item
        venues = [(f"{v.name} ({v.id})", v.id) for v in self._visit.venues]
        people = sorted(
            self._visit.people, key=lambda p: (p.side.value != "guest", p.precedence, p.name)
        )
        with Vertical(id="edit-box"):
            yield Label(f"Edit “{item.title}” ({item.id})", id="edit-title")
            with VerticalScroll(id="edit-fields"):
                yield Label("Title", classes="field")
                yield Input(item.title, id="edit-item-title")
                yield Label("", id="title-error", classes="error")
                yield Label("Duration (minutes)", classes="field")
                yield Input(str(item.duration), id="edit-duration")
                yield Label("", id="duration-error", classes="error")
                yield Label(
                    "Venue" + (" (blank: the scheduler chooses)" if item.candidate_venues else ""),
                    classes="field",
                )
                yield Select(
                    venues,
                    value=item.venue if item.venue else Select.NULL,
                    allow_blank=not item.venue,
                    id="edit-venue",
                )
                yield Label("Required attendees", classes="field")
                yield SelectionList[str](
                    *((f"{p.name} ({p.side.value})", p.id, p.id in item.attendees) for p in people),
                    id="edit-attendees",
                )
                yield Label("", id="attendees-error", classes="error")
                yield Label("Dress", classes="field")
                yield Input(item.dress or "", id="edit-dress")
                yield Label("Notes", classes="field")
                yield TextArea(item.notes or "", id="edit-notes", soft_wrap=True)
            with Horizontal(id="edit-buttons"):
                yield Button("Apply (ctrl+s)", id="edit-apply", variant="primary")
                yield Button("Cancel (esc)", id="edit-close")

    def values(self) -> tuple[str, str, str | None, list[str], str, str]:
        venue = self.query_one("#edit-venue", Select).value
        return (
            self.query_one("#edit-item-title", Input).value,
            self.query_one("#edit-duration", Input).value,
            venue if isinstance(venue, str) else None,
            list(self.query_one("#edit-attendees", SelectionList).selected),
            self.query_one("#edit-dress", Input).value,
            self.query_one("#edit-notes", TextArea).text,
        )

    def action_save(self) -> None:
        from planner.schedule.edits import Edit

        title, duration, venue, attendees, dress, notes = self.values()
        problems = form_problems(title, duration, attendees)
        for field in ("title", "duration", "attendees"):
            self.query_one(f"#{field}-error", Label).update(problems.get(field, ""))
        if problems:
            self.notify("Check the fields marked in red", severity="warning")
            return
        item = self._item
        minutes = int(duration.strip())
        ordered = tuple(p.id for p in self._visit.people if p.id in attendees)
        edit = Edit(
            "set",
            item.id,
            title=title.strip() if title.strip() != item.title else None,
            duration=minutes if minutes != item.duration else None,
            venue=venue if venue is not None and venue != item.venue else None,
            attendees=ordered if set(ordered) != set(item.attendees) else None,
            dress=dress.strip() if dress.strip() != (item.dress or "") else None,
            notes=notes.strip() if notes.strip() != (item.notes or "").strip() else None,
        )
        changed = (edit.title, edit.duration, edit.venue, edit.attendees, edit.dress, edit.notes)
        if all(value is None for value in changed):
            self.notify("Nothing changed")
            self.dismiss(None)
            return
        self.dismiss(edit)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "edit-apply":
            self.action_save()
        else:
            self.action_cancel()
