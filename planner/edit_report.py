"""What a solve or an edit changed, item by item, and how the CLI and the TUI say it.

Two plans are compared by item: an item is *placed* (new in the plan), *moved* (another
start or venue), *dropped* or *kept again* (an optional item), *cancelled* or *back*
(cancelled no more), *removed* (gone from the visit file, so cancelled), and its attendees
may be *added* or *removed* (optional attendees the solver lets join, or not). A report
lists exactly these, never a move that is not one: a cancelled item keeps its last time,
so it is not "moved" when plans are made again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pendulum

from planner.export.programme import hm
from planner.model.clock import tz
from planner.model.visit import Visit
from planner.plan import Plan, PlannedItem, Status


class What(StrEnum):
    PLACED = "placed"
    MOVED = "moved"
    DROPPED = "dropped"
    KEPT = "kept again"
    CANCELLED = "cancelled"
    BACK = "back"
    REMOVED = "removed"
    ATTENDEES = "attendees"


@dataclass(frozen=True)
class ItemChange:
    """One item's change between two plans (``what`` is the main change; attendees that
    joined or left are given as well, whatever it is)."""

    item: str
    title: str
    what: What
    before: PlannedItem | None
    after: PlannedItem
    added: tuple[str, ...] = ()  # attendee ids
    removed: tuple[str, ...] = ()


def _title(visit: Visit, item_id: str) -> str:
    item = visit.item.get(item_id)
    return item.title if item else item_id


def _status_change(before: PlannedItem, after: PlannedItem, in_visit: bool) -> What | None:
    old, new = before.status, after.status
    if old is new:
        return None
    if new is Status.CANCELLED:
        return What.CANCELLED if in_visit else What.REMOVED
    if old is Status.CANCELLED:
        return What.BACK if new is Status.SCHEDULED else What.DROPPED
    if new is Status.DROPPED:
        return What.DROPPED
    return What.KEPT


def _moved(before: PlannedItem, after: PlannedItem) -> bool:
    return (
        before.start_at() != after.start_at()
        or before.end_at() != after.end_at()
        or before.venue != after.venue
    )


def compare(
    visit: Visit, before: Plan | None, after: Plan, skip: frozenset[str] = frozenset()
) -> list[ItemChange]:
    """Every item that changed from ``before`` to ``after`` (without the items in
    ``skip``: the one an edit changed on purpose), in the order of the new plan's times."""
    old = {i.id: i for i in before.items} if before is not None else {}
    found: list[ItemChange] = []
    for planned in after.items:
        if planned.id in skip:
            continue
        title = _title(visit, planned.id)
        was = old.get(planned.id)
        if was is None:
            if planned.status is Status.SCHEDULED:
                found.append(ItemChange(planned.id, title, What.PLACED, None, planned))
            elif planned.status is Status.DROPPED:
                found.append(ItemChange(planned.id, title, What.DROPPED, None, planned))
            continue
        what = _status_change(was, planned, planned.id in visit.item)
        both_scheduled = was.status is planned.status is Status.SCHEDULED
        if what is None and both_scheduled and _moved(was, planned):
            what = What.MOVED
        added: tuple[str, ...] = ()
        removed: tuple[str, ...] = ()
        if both_scheduled:
            added = tuple(p for p in planned.attendees if p not in was.attendees)
            removed = tuple(p for p in was.attendees if p not in planned.attendees)
        if what is None and (added or removed):
            what = What.ATTENDEES
        if what is not None:
            found.append(ItemChange(planned.id, title, what, was, planned, added, removed))

    def when(change: ItemChange) -> float:
        start = change.after.start_at() or (change.before.start_at() if change.before else None)
        return start.timestamp() if start is not None else float("inf")

    found.sort(key=lambda c: (when(c), c.item))
    return found


# -- in words -----------------------------------------------------------------------------


def _local(planned: PlannedItem) -> pendulum.DateTime | None:
    start = planned.start_at()
    if start is None or planned.timezone is None:
        return None
    return start.in_timezone(tz(planned.timezone))


def _when(planned: PlannedItem, other: PlannedItem | None = None) -> str:
    """'30 May 18:00', or '18:00' when ``other`` starts the same local day."""
    local = _local(planned)
    if local is None:
        return "no time"
    twin = _local(other) if other is not None else None
    if twin is not None and twin.date() == local.date():
        return hm(local)
    return f"{local.day} {local:%B} {hm(local)}"


def _names(visit: Visit, ids: tuple[str, ...]) -> str:
    return ", ".join(visit.person[p].name if p in visit.person else p for p in ids)


def _venue(visit: Visit, venue_id: str | None) -> str:
    venue = visit.venue.get(venue_id or "")
    return venue.name if venue else (venue_id or "?")


def sentence(visit: Visit, change: ItemChange) -> str:
    """One line of a report: 'moved: Festive event: 30 May 18:00 → 18:30'."""
    after, before = change.after, change.before
    text = f"{change.what.value}: {change.title}"
    if change.what is What.MOVED and before is not None:
        text += f": {_when(before)} → {_when(after, before)}"
        if before.venue != after.venue:
            text += f", {_venue(visit, before.venue)} → {_venue(visit, after.venue)}"
    elif change.what in (What.PLACED, What.KEPT, What.BACK):
        text += f": {_when(after)} at {_venue(visit, after.venue)}"
    elif change.what is What.REMOVED:
        text += " (no longer in the visit file)"
    people = [
        f"{_names(visit, ids)} {verb if len(ids) == 1 else plural}"
        for ids, verb, plural in (
            (change.added, "joins", "join"),
            (change.removed, "no longer attends", "no longer attend"),
        )
        if ids
    ]
    if people:
        text += ("; " if change.what is not What.ATTENDEES else ": ") + "; ".join(people)
    return text


def report(
    visit: Visit, before: Plan | None, after: Plan, skip: frozenset[str] = frozenset()
) -> list[str]:
    """The lines that say what else changed (none: nothing did). Without a plan before,
    one line says the plan is new and how many items it places."""
    if before is None:
        placed = sum(1 for i in after.items if i.status is Status.SCHEDULED)
        dropped = sum(1 for i in after.items if i.status is Status.DROPPED)
        text = f"this first plan places {placed} item{'s' if placed != 1 else ''}"
        if dropped:
            text += f" ({dropped} optional left out)"
        return [text]
    return [sentence(visit, change) for change in compare(visit, before, after, skip)]
