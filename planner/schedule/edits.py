"""Scriptable edits: move, pin, unpin, cancel and set an item, then re-plan with the
fewest changes. An edit changes the visit file (comments kept) and yields the new plan;
nothing is written here — the caller writes both files only when a plan exists."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner.model.clock import WallTime
from planner.plan import Plan, PlanFileError, fingerprint, plan_path, read_plan
from planner.schedule.solve import Progress, SolveOutcome, solve
from planner.visitfile import LoadedVisit, load_visit, load_visit_text
from planner.yamledit import EditError, VisitDocument


@dataclass(frozen=True)
class Edit:
    action: str  # move, pin, unpin, cancel, set
    item: str
    to: str | None = None  # move: local wall time
    duration: int | None = None
    venue: str | None = None
    attendees: tuple[str, ...] | None = None
    title: str | None = None
    dress: str | None = None  # "" removes it
    notes: str | None = None  # "" removes them

    def describe(self) -> str:
        if self.action == "move":
            return f"move {self.item} to {self.to}"
        if self.action == "set":
            parts = []
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
        return f"{self.action} {self.item}"


@dataclass
class EditResult:
    edit: Edit
    visit_text: str
    loaded: LoadedVisit
    previous: Plan | None
    outcome: SolveOutcome


def load_text(text: str, path: Path) -> LoadedVisit:
    """Check a visit given as text, reporting problems against ``path``."""
    return load_visit_text(text, path)


def current_plan(visit_path: Path, plan_file: Path | None = None) -> Plan | None:
    path = plan_file or plan_path(visit_path)
    if not path.is_file():
        return None
    return read_plan(path)


def apply(doc: VisitDocument, edit: Edit, previous: Plan | None) -> None:
    item = doc.item(edit.item)  # unknown item: EditError with a suggestion
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
        if item.get("cancelled") is True:
            raise EditError(f"'{edit.item}' is cancelled already")
        doc.set(edit.item, "cancelled", True)
    elif edit.action == "set":
        fields = (edit.duration, edit.venue, edit.attendees, edit.title, edit.dress, edit.notes)
        if all(value is None for value in fields):
            raise EditError("set needs --duration, --venue or --attendees")
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
    PlanFileError for an unreadable plan."""
    before = load_visit(visit_path)  # the file as it is must be valid
    try:
        previous = current_plan(visit_path, plan_file)
    except PlanFileError:
        raise
    doc = VisitDocument(visit_path)
    apply(doc, edit, previous)
    text = doc.text()
    loaded = load_text(text, visit_path)
    outcome = solve(
        loaded.visit,
        previous,
        time_limit=time_limit,
        progress=progress,
        reason=edit.describe(),
        edited=frozenset({edit.item}),
        # a plan made from the visit as it was: only the edited item differs
        unchanged_except=frozenset({edit.item})
        if previous is not None and previous.fingerprint == fingerprint(before.visit)
        else None,
    )
    return EditResult(edit, text, loaded, previous, outcome)
