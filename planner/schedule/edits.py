"""Scriptable edits: move, pin, unpin, cancel and set an item, then re-plan with the
fewest changes. An edit changes the visit file (comments kept) and yields the new plan;
nothing is written here — the caller writes both files only when a plan exists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from pathlib import Path

from planner.journal import Snapshot, read_steady
from planner.model.base import did_you_mean
from planner.model.clock import WallTime
from planner.model.items import Item
from planner.model.visit import Visit
from planner.plan import Plan, fingerprint, plan_path, read_plan, utc_now
from planner.schedule.solve import Progress, SolveOutcome, solve
from planner.visitfile import LoadedVisit, load_visit, load_visit_text
from planner.yamledit import EditError, EntryDocument, VisitDocument


@dataclass(frozen=True)
class Edit:
    action: str  # move, pin, unpin, cancel, set, add, duplicate, delete
    item: str  # add: the new item's id; duplicate: the item copied
    to: str | None = None  # move: local wall time
    duration: int | None = None
    venue: str | None = None
    attendees: tuple[str, ...] | None = None
    title: str | None = None
    dress: str | None = None  # "" removes it
    notes: str | None = None  # "" removes them
    kind: str | None = None  # an ItemKind value
    custom_kind: str | None = None  # the name of kind 'custom' ("" with another kind)
    window: tuple[str, str] | None = None  # earliest start, latest end ("" no bound)
    tier: str | None = None  # a Tier value
    press: str | None = None  # a PressAccess value
    new_id: str | None = None  # duplicate: the copy's id (None: the next free -2, -3…)
    # cancel: the items of a tour's leg, a city, a tag (with ``item``, if given: all that
    # match every one); why and when (YYYY-MM-DD; with a reason, default today)
    leg: str | None = None
    city: str | None = None
    tag: str | None = None
    reason: str | None = None
    on: str | None = None
    targets: tuple[str, ...] = ()  # cancel: the items selected (see ``select``)

    def describe(self) -> str:
        if self.action == "move":
            return f"move {self.item} to {self.to}"
        if self.action == "add":
            return f"add {self.item}"
        if self.action == "duplicate":
            return f"duplicate {self.item}" + (f" as {self.new_id}" if self.new_id else "")
        if self.action == "delete":
            return f"delete {self.item}"
        if self.action == "set":
            parts = []
            if self.kind is not None:
                parts.append(f"kind {self.custom_kind or self.kind}")
            if self.window is not None:
                start, end = self.window
                parts.append(
                    f"window {start or '…'} – {end or '…'}" if start or end else "no window"
                )
            if self.tier is not None:
                parts.append(f"tier {self.tier}")
            if self.press is not None:
                parts.append(f"press {self.press}")
            if self.title is not None:
                parts.append(f"title {self.title!r}")
            if self.duration is not None:
                parts.append(f"duration {self.duration} min")
            if self.venue is not None:
                parts.append(f"venue {self.venue}")
            if self.attendees is not None:
                parts.append("attendees " + ", ".join(self.attendees))
            if self.dress is not None:
                parts.append(f"dress {self.dress!r}" if self.dress else "no dress code")
            if self.notes is not None:
                parts.append("notes" if self.notes else "no notes")
            return f"set {self.item}: " + "; ".join(parts)
        if self.action == "cancel" and self.selects:
            what = [f"{key} {value}" for key, value in self._criteria() if key != "item"]
            named = f"{self.item} " if self.item else ""
            text = f"cancel {named}({', '.join(what)})"
            return text + (f": {self.reason}" if self.reason else "")
        if self.action == "cancel" and self.reason:
            return f"cancel {self.item}: {self.reason}"
        return f"{self.action} {self.item}"

    @property
    def selects(self) -> bool:
        """Whether it cancels the items that match a leg, a city or a tag."""
        return any(v is not None for v in (self.leg, self.city, self.tag))

    def _criteria(self) -> list[tuple[str, str]]:
        given = (("item", self.item), ("leg", self.leg), ("city", self.city), ("tag", self.tag))
        return [(key, value) for key, value in given if value]


def select(visit: Visit, edit: Edit) -> tuple[str, ...]:
    """The items a cancel by leg, city or tag applies to: every item that matches all
    the criteria given (its id; a tour's leg: its venue in one of the leg's cities; a
    city, by id or name: its venue there; a tag among its tags), in the file's order,
    those cancelled already left out. Raises EditError naming what is known when nothing
    matches, and when everything that matches is cancelled already."""
    tests: list[Callable[[Item], bool]] = []
    if edit.item:
        if edit.item not in visit.item:
            known = [i.id for i in visit.items]
            raise EditError(f"no item '{edit.item}'{did_you_mean(edit.item, known)}")
        tests.append(lambda item: item.id == edit.item)
    if edit.leg is not None:
        leg = next((t for t in visit.tour if t.id == edit.leg), None)
        if leg is None:
            known = [t.id for t in visit.tour]
            raise EditError(
                f"no leg '{edit.leg}' in the tour"
                + (did_you_mean(edit.leg, known) or f" (its legs: {', '.join(known)})")
                if known
                else f"no leg '{edit.leg}': the visit is not a tour (it has no 'tour')"
            )
        cities = set(leg.cities)
        tests.append(lambda item: _in_cities(visit, item, cities))
    if edit.city is not None:
        wanted = edit.city.strip().casefold()
        city = next(
            (c for c in visit.cities if wanted in (c.id.casefold(), c.name.casefold())), None
        )
        if city is None:
            known = [c.id for c in visit.cities]
            raise EditError(
                f"no city '{edit.city}'"
                + (did_you_mean(edit.city, known) or f" (the cities: {', '.join(known)})")
            )
        tests.append(lambda item: _in_cities(visit, item, {city.id}))
    if edit.tag is not None:
        tag = edit.tag
        tests.append(lambda item: tag in item.tags)
    matched = [i for i in visit.items if all(test(i) for test in tests)]
    criteria = ", ".join(f"{key} '{value}'" for key, value in edit._criteria())
    if not matched:
        hint = ""
        if edit.tag is not None:
            tags = sorted({t for i in visit.items for t in i.tags})
            hint = f" (the tags of the visit: {', '.join(tags)})" if tags else " (no item has tags)"
        raise EditError(f"no item matches {criteria}{hint}; nothing was cancelled")
    open_ = tuple(i.id for i in matched if not i.is_cancelled)
    if not open_:
        raise EditError(
            f"every item that matches {criteria} is cancelled already "
            f"({', '.join(i.id for i in matched)})"
        )
    return open_


def _in_cities(visit: Visit, item: Item, cities: set[str]) -> bool:
    """Whether the item takes place in one of ``cities``: its venue (any of its candidate
    venues) is in one (a movement: where it departs)."""
    return any(v in visit.venue and visit.venue[v].city in cities for v in item.venues)


def cancellation(edit: Edit) -> bool | dict[str, str]:
    """What a cancel writes: ``true``, or why and when (``{reason, on}``)."""
    if edit.reason is None or not edit.reason.strip():
        if edit.on is not None:
            raise EditError("--on needs --reason: say why it was called off")
        return True
    try:
        on = date.fromisoformat(edit.on.strip()) if edit.on else utc_now().date()
    except ValueError:
        raise EditError(f"--on: '{edit.on}' is not a date; write it YYYY-MM-DD") from None
    return {"reason": " ".join(edit.reason.split()), "on": on.isoformat()}


@dataclass
class EditResult:
    edit: Edit
    visit_text: str
    loaded: LoadedVisit
    previous: Plan | None
    outcome: SolveOutcome
    read: tuple[Snapshot, ...] = ()  # the visit and plan files as they were read


def current_plan(
    visit_path: Path, plan_file: Path | None = None, visit_id: str | None = None
) -> Plan | None:
    path = plan_file or plan_path(visit_path)
    if not path.is_file():
        return None
    return read_plan(path, visit_id)


def window_problems(earliest: str, latest: str) -> dict[str, str]:
    """What is wrong with a window given as text ('YYYY-MM-DD HH:MM', either blank), by
    bound: ``earliest_start``, ``latest_end``."""
    problems: dict[str, str] = {}
    parsed: dict[str, WallTime] = {}
    for key, text in (("earliest_start", earliest), ("latest_end", latest)):
        if not text.strip():
            continue
        try:
            parsed[key] = WallTime.parse(text.strip())
        except ValueError:
            problems[key] = "A local time 'YYYY-MM-DD HH:MM', or blank."
    if len(parsed) == 2 and parsed["latest_end"].local <= parsed["earliest_start"].local:
        problems["latest_end"] = "The latest end must be after the earliest start."
    return problems


def copy_id(taken: list[str] | set[str], item_id: str) -> str:
    """The id of a copy of ``item_id``: the first free of ``item_id-2``, ``-3``…"""
    n = 2
    while f"{item_id}-{n}" in taken:
        n += 1
    return f"{item_id}-{n}"


def _window(doc: VisitDocument, item_id: str, window: tuple[str, str]) -> None:
    problems = window_problems(*window)
    if problems:
        raise EditError("window: " + " ".join(problems.values()))
    bounds = {
        key: str(WallTime.parse(text.strip()))
        for key, text in zip(("earliest_start", "latest_end"), window, strict=True)
        if text.strip()
    }
    kept = _other_bounds(doc, item_id)  # a day part, a window on the start or the end
    merged = {**kept, **bounds}
    if list(merged) == ["day_part"]:
        doc.set(item_id, "window", merged["day_part"])
    elif merged:
        doc.set(item_id, "window", merged)
    else:
        doc.remove(item_id, "window")


def _other_bounds(doc: VisitDocument, item_id: str) -> dict[str, str]:
    """What the item's window says besides its earliest start and latest end (which an
    edit of the window sets): its day part, its latest start, its earliest end."""
    written = doc.item(item_id).get("window")
    if isinstance(written, str):
        return {"day_part": written}
    if not isinstance(written, dict):
        return {}
    return {
        str(key): str(value)
        for key, value in written.items()
        if key in ("day_part", "latest_start", "earliest_end") and value is not None
    }


def _kind(doc: VisitDocument, item_id: str, kind: str, custom: str | None) -> None:
    from planner.model.items import ItemKind

    try:
        chosen = ItemKind(kind)
    except ValueError:
        raise EditError(f"unknown kind '{kind}'") from None
    doc.set(item_id, "kind", chosen.value)
    if chosen is ItemKind.CUSTOM:
        if custom is not None and custom.strip():
            doc.set(item_id, "custom_kind", custom.strip())
        elif not doc.item(item_id).get("custom_kind"):
            raise EditError("kind 'custom' needs its name")
    else:
        doc.remove(item_id, "custom_kind")


def _choice(name: str, value: str, choices: type[StrEnum]) -> str:
    try:
        return choices(value).value
    except ValueError:
        known = ", ".join(c.value for c in choices)
        raise EditError(f"unknown {name} '{value}' (one of {known})") from None


ADDED = {"source": "assumed", "reason": "added in the planner"}


def _add(doc: VisitDocument, edit: Edit) -> None:
    from planner.model.publication import PressAccess, Tier

    if not edit.item.strip():
        raise EditError("the new item needs an id")
    if not edit.title or not edit.title.strip():
        raise EditError("the title cannot be empty")
    if edit.kind is None or edit.duration is None or not edit.venue:
        raise EditError("a new item needs a kind, a duration and a venue")
    fields: dict[str, object] = {
        "id": edit.item.strip(),
        "title": edit.title.strip(),
        "kind": edit.kind,
        "duration": edit.duration,
        "attendees": list(edit.attendees or ()),
        "venue": edit.venue,
        "provenance": dict(ADDED),
    }
    if edit.tier is not None:
        fields["tier"] = _choice("tier", edit.tier, Tier)
    if edit.press is not None:
        fields["press"] = _choice("press access", edit.press, PressAccess)
    doc.add_item(fields)
    _kind(doc, edit.item.strip(), edit.kind, edit.custom_kind)
    if edit.window is not None:
        _window(doc, edit.item.strip(), edit.window)


def apply(doc: VisitDocument, edit: Edit, previous: Plan | None) -> str:
    """Apply ``edit`` to the document; returns the id of the item it made or changed."""
    if edit.action == "add":
        _add(doc, edit)
        return edit.item.strip()
    if edit.action == "cancel" and edit.targets:  # the items of a leg, a city, a tag
        value = cancellation(edit)
        for target in edit.targets:
            if doc.item(target).get("cancelled") not in (None, False):
                raise EditError(f"'{target}' is cancelled already")
            doc.set(target, "cancelled", value)
        return edit.targets[0]
    item = doc.item(edit.item)  # unknown item: EditError with a suggestion
    if edit.action == "duplicate":
        new_id = edit.new_id or copy_id(set(doc.item_ids()), edit.item)
        fields = doc.copy_item(edit.item)
        fields["id"] = new_id
        for key in ("pinned", "cancelled"):
            fields.pop(key, None)
        doc.add_item(fields, after=edit.item)
        return new_id
    if edit.action == "delete":
        doc.delete_item(edit.item)
        return edit.item
    if edit.action == "move":
        if not edit.to:
            raise EditError("move needs --to 'YYYY-MM-DD HH:MM'")
        try:
            wall = WallTime.parse(edit.to)
        except ValueError as exc:
            raise EditError(f"--to: {exc}") from None
        doc.set(edit.item, "pinned", str(wall))
    elif edit.action == "pin":
        planned = previous.item(edit.item) if previous else None
        if planned is None or planned.start is None:
            raise EditError(
                f"'{edit.item}' has no planned time to pin; solve the visit first or use "
                "'planner move … --to'"
            )
        doc.set(edit.item, "pinned", str(planned.start))
    elif edit.action == "unpin":
        if not doc.remove(edit.item, "pinned"):
            raise EditError(f"'{edit.item}' is not pinned")
    elif edit.action == "cancel":
        if item.get("cancelled") not in (None, False):
            raise EditError(f"'{edit.item}' is cancelled already")
        doc.set(edit.item, "cancelled", cancellation(edit))
    elif edit.action == "set":
        given = (
            edit.duration,
            edit.venue,
            edit.attendees,
            edit.title,
            edit.dress,
            edit.notes,
            edit.kind,
            edit.window,
            edit.tier,
            edit.press,
        )
        if all(value is None for value in given):
            raise EditError("set needs --duration, --venue or --attendees")
        if edit.kind is not None:
            _kind(doc, edit.item, edit.kind, edit.custom_kind)
        if edit.window is not None:
            _window(doc, edit.item, edit.window)
        if edit.tier is not None:
            from planner.model.publication import Tier

            doc.set(edit.item, "tier", _choice("tier", edit.tier, Tier))
        if edit.press is not None:
            from planner.model.publication import PressAccess

            doc.set(edit.item, "press", _choice("press access", edit.press, PressAccess))
        if edit.title is not None:
            if not edit.title.strip():
                raise EditError("the title cannot be empty")
            doc.set(edit.item, "title", edit.title.strip())
        if edit.duration is not None:
            doc.set(edit.item, "duration", edit.duration)
        if edit.venue is not None:
            doc.remove(edit.item, "candidate_venues")
            doc.set(edit.item, "venue", edit.venue)
        if edit.attendees is not None:
            doc.set(edit.item, "attendees", list(edit.attendees))
        for key, text in (("dress", edit.dress), ("notes", edit.notes)):
            if text is None:
                continue
            if text.strip():
                doc.set(edit.item, key, text.strip())
            else:
                doc.remove(edit.item, key)
    else:
        raise EditError(f"unknown edit '{edit.action}'")
    return edit.item


ONE_ENTRY = frozenset({"move", "pin", "unpin", "cancel", "set"})  # edits of one item's entry


def _document(path: Path, text: str, loaded: LoadedVisit, edit: Edit) -> VisitDocument:
    """The document to edit: only the item's entry when the edit changes nothing else (a
    large visit is not parsed and written out whole for one changed line), else all."""
    if edit.action in ONE_ENTRY and len(edit.targets) <= 1:
        index = next((n for n, i in enumerate(loaded.visit.items) if i.id == edit.item), None)
        if index is not None:
            entry = EntryDocument.of(path, text, loaded.source, index)
            if entry is not None:
                return entry
    return VisitDocument(path, text)


def run_edit(
    visit_path: Path,
    edit: Edit,
    *,
    plan_file: Path | None = None,
    time_limit: float = 10.0,
    progress: Progress | None = None,
) -> EditResult:
    """Apply ``edit`` to the visit file's text and re-plan. Raises VisitFileError when the
    visit (before or after the edit) is invalid, EditError for an impossible edit and
    PlanFileError for an unreadable plan. The result notes the files as they were read
    (``read``): the caller, holding the visit's lock (``planner.journal.writing``), writes
    over them only if they are still so."""

    def visit_and_text(path: Path) -> tuple[LoadedVisit, str]:
        loaded = load_visit(path)  # the file as it is must be valid
        try:
            return loaded, path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise EditError(f"{path}: cannot read the file: {exc.strerror or exc}") from None

    (before, original), visit_read = read_steady(visit_path, visit_and_text)
    previous, plan_read = read_steady(
        plan_file or plan_path(visit_path),
        lambda path: current_plan(visit_path, path, before.visit.id),
    )
    if edit.action == "cancel" and edit.selects:  # the items of a leg, a city, a tag
        edit = replace(edit, targets=select(before.visit, edit))
    doc = _document(visit_path, original, before, edit)
    touched = apply(doc, edit, previous)
    changed = frozenset(edit.targets) if edit.targets else frozenset({touched})
    text = doc.text()
    # problems are located in the file on disk, where the reader looks for them
    loaded = load_visit_text(text, visit_path, on_disk=before)
    outcome = solve(
        loaded.visit,
        previous,
        time_limit=time_limit,
        progress=progress,
        reason=edit.describe(),
        edited=changed,
        # a plan made from the visit as it was: only the edited items differ
        unchanged_except=changed
        if previous is not None and previous.fingerprint == fingerprint(before.visit)
        else None,
    )
    return EditResult(edit, text, loaded, previous, outcome, (visit_read, plan_read))
