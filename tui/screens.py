"""Modal screens: help, person filter, explanation of a refused edit, quit with unsaved
changes, export folder."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from planner.model.visit import Visit


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
