"""Modal screens: help, person filter, explanation of a refused edit, quit with unsaved
changes, export folder, and the form that edits one item."""

from __future__ import annotations

from collections.abc import Iterable
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

from planner.model.items import Item, ItemKind
from planner.model.publication import PressAccess, Tier
from planner.model.visit import Visit

if TYPE_CHECKING:
    from planner.schedule.edits import Edit


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


class ConfirmReloadScreen(ModalScreen[bool]):
    """Reload the visit from disk, dropping the unsaved changes?"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r,y", "choose(True)", "Reload", id="reload-yes"),
        Binding("escape,n,c", "choose(False)", "Stay", id="reload-stay"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Label(
                "Reload the visit from disk? Unsaved changes and the undo history are lost.",
                id="confirm-title",
            )
            with Horizontal(id="confirm-buttons"):
                yield Button("Reload (r)", id="reload", variant="error")
                yield Button("Stay (esc)", id="stay")

    def action_choose(self, choice: bool) -> None:
        self.dismiss(choice)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "reload")


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


def new_item_problems(item_id: str, taken: Iterable[str], venue: str | None) -> dict[str, str]:
    """What is wrong with a new item's id and venue, by field."""
    import re

    from planner.model.base import ID_PATTERN

    problems: dict[str, str] = {}
    if not re.match(ID_PATTERN, item_id.strip()):
        problems["id"] = "Lower-case letters, digits, - and _ (e.g. tea-with-mayor)."
    elif item_id.strip() in set(taken):
        problems["id"] = "An item with this id exists already."
    if not venue:
        problems["venue"] = "Choose a venue."
    return problems


class EditItemScreen(ModalScreen["Edit | None"]):
    """Edit one item: title, kind, duration, venue, required attendees, window, tier, press
    access, dress, notes. Returns one ``set`` edit of the fields that changed (None:
    cancelled or nothing changed). Without an item it is the form of a new item (id,
    title, kind, duration, venue, attendees, window) and returns one ``add`` edit."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Apply the changes", id="edit-save", priority=True),
        Binding("escape", "cancel", "Cancel", id="edit-cancel"),
    ]

    def __init__(self, visit: Visit, item: Item | None) -> None:
        super().__init__(id="edit")
        self._visit = visit
        self._item = item

    def compose(self) -> ComposeResult:
        item = self._item
        venues = [(f"{v.name} ({v.id})", v.id) for v in self._visit.venues]
        people = sorted(
            self._visit.people, key=lambda p: (p.side.value != "guest", p.precedence, p.name)
        )
        window = item.window if item is not None else None
        with Vertical(id="edit-box"):
            yield Label(
                f"Edit “{item.title}” ({item.id})" if item else "Add an item", id="edit-title"
            )
            with VerticalScroll(id="edit-fields"):
                if item is None:
                    yield Label("Id", classes="field")
                    yield Input("", id="edit-id", placeholder="e.g. tea-with-mayor")
                    yield Label("", id="id-error", classes="error")
                yield Label("Title", classes="field")
                yield Input(item.title if item else "", id="edit-item-title")
                yield Label("", id="title-error", classes="error")
                yield Label("Kind", classes="field")
                yield Select(
                    [(k.label, k.value) for k in ItemKind],
                    value=item.kind.value if item else ItemKind.BRIEFING.value,
                    allow_blank=False,
                    id="edit-kind",
                )
                yield Input(
                    (item.custom_kind or "") if item else "",
                    id="edit-custom-kind",
                    placeholder="name of the custom kind",
                )
                yield Label("", id="kind-error", classes="error")
                yield Label("Duration (minutes)", classes="field")
                yield Input(str(item.duration) if item else "30", id="edit-duration")
                yield Label("", id="duration-error", classes="error")
                yield Label(
                    "Venue"
                    + (" (blank: the scheduler chooses)" if item and item.candidate_venues else ""),
                    classes="field",
                )
                yield Select(
                    venues,
                    value=item.venue if item and item.venue else Select.NULL,
                    allow_blank=not (item and item.venue),
                    id="edit-venue",
                )
                yield Label("", id="venue-error", classes="error")
                yield Label("Required attendees", classes="field")
                yield SelectionList[str](
                    *(
                        (f"{p.name} ({p.side.value})", p.id, bool(item and p.id in item.attendees))
                        for p in people
                    ),
                    id="edit-attendees",
                )
                yield Label("", id="attendees-error", classes="error")
                yield Label("Earliest start (YYYY-MM-DD HH:MM, blank: none)", classes="field")
                yield Input(
                    str(window.earliest_start) if window and window.earliest_start else "",
                    id="edit-earliest",
                )
                yield Label("", id="earliest-error", classes="error")
                yield Label("Latest end (YYYY-MM-DD HH:MM, blank: none)", classes="field")
                yield Input(
                    str(window.latest_end) if window and window.latest_end else "",
                    id="edit-latest",
                )
                yield Label("", id="latest-error", classes="error")
                if item is not None:
                    yield Label("Tier (who may see it)", classes="field")
                    yield Select(
                        [(t.value, t.value) for t in Tier],
                        value=item.tier.value,
                        allow_blank=False,
                        id="edit-tier",
                    )
                    yield Label("Press access", classes="field")
                    yield Select(
                        [(a.value, a.value) for a in PressAccess],
                        value=item.press.value,
                        allow_blank=False,
                        id="edit-press",
                    )
                    yield Label("Dress", classes="field")
                    yield Input(item.dress or "", id="edit-dress")
                    yield Label("Notes", classes="field")
                    yield TextArea(item.notes or "", id="edit-notes", soft_wrap=True)
            with Horizontal(id="edit-buttons"):
                yield Button("Apply (ctrl+s)", id="edit-apply", variant="primary")
                yield Button("Cancel (esc)", id="edit-close")

    def _text(self, selector: str) -> str:
        return self.query_one(selector, Input).value

    def _select(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return value if isinstance(value, str) else None

    def values(self) -> tuple[str, str, str | None, list[str], str, str]:
        item = self._item
        return (
            self._text("#edit-item-title"),
            self._text("#edit-duration"),
            self._select("#edit-venue"),
            list(self.query_one("#edit-attendees", SelectionList).selected),
            self._text("#edit-dress") if item else "",
            self.query_one("#edit-notes", TextArea).text if item else "",
        )

    def _problems(self) -> dict[str, str]:
        from planner.schedule.edits import window_problems

        title, duration, venue, attendees, _, _ = self.values()
        problems = form_problems(title, duration, attendees)
        if (
            self._select("#edit-kind") == ItemKind.CUSTOM.value
            and not self._text("#edit-custom-kind").strip()
        ):
            problems["kind"] = "A custom kind needs its name."
        window = window_problems(self._text("#edit-earliest"), self._text("#edit-latest"))
        for key, field in (("earliest_start", "earliest"), ("latest_end", "latest")):
            if key in window:
                problems[field] = window[key]
        if self._item is None:
            taken = [i.id for i in self._visit.items]
            problems.update(new_item_problems(self._text("#edit-id"), taken, venue))
        return problems

    def action_save(self) -> None:
        problems = self._problems()
        fields = ["title", "duration", "attendees", "kind", "earliest", "latest"]
        if self._item is None:
            fields += ["id", "venue"]
        for field in fields:
            self.query_one(f"#{field}-error", Label).update(problems.get(field, ""))
        if problems:
            self.notify("Check the fields marked in red", severity="warning")
            return
        edit = self._added() if self._item is None else self._changed(self._item)
        if edit is None:
            self.notify("Nothing changed")
        self.dismiss(edit)

    def _kind_values(self) -> tuple[str, str]:
        kind = self._select("#edit-kind") or ItemKind.CUSTOM.value
        custom = self._text("#edit-custom-kind").strip()
        return kind, custom if kind == ItemKind.CUSTOM.value else ""

    def _window_values(self) -> tuple[str, str]:
        return self._text("#edit-earliest").strip(), self._text("#edit-latest").strip()

    def _added(self) -> Edit:
        from planner.schedule.edits import Edit

        title, duration, venue, attendees, _, _ = self.values()
        kind, custom = self._kind_values()
        window = self._window_values()
        return Edit(
            "add",
            self._text("#edit-id").strip(),
            title=title.strip(),
            kind=kind,
            custom_kind=custom or None,
            duration=int(duration.strip()),
            venue=venue,
            attendees=tuple(p.id for p in self._visit.people if p.id in attendees),
            window=window if any(window) else None,
        )

    def _changed(self, item: Item) -> Edit | None:
        from planner.schedule.edits import Edit

        title, duration, venue, attendees, dress, notes = self.values()
        minutes = int(duration.strip())
        ordered = tuple(p.id for p in self._visit.people if p.id in attendees)
        kind, custom = self._kind_values()
        window = self._window_values()
        old = item.window
        old_window = (
            str(old.earliest_start) if old and old.earliest_start else "",
            str(old.latest_end) if old and old.latest_end else "",
        )
        tier, press = self._select("#edit-tier"), self._select("#edit-press")
        kind_changed = (kind, custom) != (item.kind.value, item.custom_kind or "")
        edit = Edit(
            "set",
            item.id,
            title=title.strip() if title.strip() != item.title else None,
            duration=minutes if minutes != item.duration else None,
            venue=venue if venue is not None and venue != item.venue else None,
            attendees=ordered if set(ordered) != set(item.attendees) else None,
            dress=dress.strip() if dress.strip() != (item.dress or "") else None,
            notes=notes.strip() if notes.strip() != (item.notes or "").strip() else None,
            kind=kind if kind_changed else None,
            custom_kind=custom if kind_changed else None,
            window=window if window != old_window else None,
            tier=tier if tier is not None and tier != item.tier.value else None,
            press=press if press is not None and press != item.press.value else None,
        )
        changed = (
            edit.title,
            edit.duration,
            edit.venue,
            edit.attendees,
            edit.dress,
            edit.notes,
            edit.kind,
            edit.window,
            edit.tier,
            edit.press,
        )
        return None if all(value is None for value in changed) else edit

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "edit-apply":
            self.action_save()
        else:
            self.action_cancel()
