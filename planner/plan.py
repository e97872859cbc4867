"""Plans: where and when each item of a visit takes place, with a version history.

A plan file sits beside its visit file (``visit.yaml`` → ``visit.plan.yaml``). Each item
carries its start and end as local wall time with the IANA zone name, its venue, its
attendees and its status, plus a revision number that rises only when one of those
changes (the calendars' SEQUENCE), and the instant of that change (their LAST-MODIFIED).
The plan records a fingerprint of the visit it was made from, so a stale plan is noticed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import pendulum
from pydantic import Field, ValidationError

from planner.model.base import Frozen, Id
from planner.model.clock import WallTime
from planner.model.text import Line
from planner.model.visit import Visit

PLAN_SCHEMA_VERSION = 1


class Status(StrEnum):
    SCHEDULED = "scheduled"
    DROPPED = "dropped"  # an optional item the solver could not keep
    CANCELLED = "cancelled"  # cancelled by protocol staff; kept so calendars can cancel it


class PlannedItem(Frozen):
    id: Id
    status: Status
    start: WallTime | None = Field(default=None, description="Local start at the venue.")
    end: WallTime | None = Field(default=None, description="Local end (arrival zone for flights).")
    timezone: str | None = Field(default=None, description="IANA zone of 'start'.")
    end_timezone: str | None = Field(default=None, description="IANA zone of 'end', if different.")
    venue: Id | None = None
    arrival_venue: Id | None = None
    attendees: tuple[Id, ...] = ()
    revision: int = Field(default=0, ge=0, le=1_000_000_000)
    facts: str = Field(
        default="",
        description="Digest of what calendars publish about the item besides time, venue and "
        "attendees (title, kind, notes, dress, press access, tier, the venue's name and "
        "address, the attendees' names): a change raises the revision too.",
    )
    created: datetime = Field(description="UTC instant the item first appeared in a plan.")
    modified: datetime = Field(description="UTC instant of the item's last revision.")

    def start_at(self) -> pendulum.DateTime | None:
        if self.start is None or self.timezone is None:
            return None
        return self.start.resolve(self.timezone)

    def end_at(self) -> pendulum.DateTime | None:
        if self.end is None:
            return None
        zone = self.end_timezone or self.timezone
        return self.end.resolve(zone) if zone else None

    def same_content(self, other: PlannedItem) -> bool:
        """Whether time, venue, attendees, status and the published facts are the same
        (what SEQUENCE tracks)."""
        return (
            self.facts == other.facts
            and self.status == other.status
            and self.start_at() == other.start_at()
            and self.end_at() == other.end_at()
            and self.venue == other.venue
            and self.arrival_venue == other.arrival_venue
            and set(self.attendees) == set(other.attendees)
        )


class SolveInfo(Frozen):
    status: Line = Field(description="optimal, feasible, or hand-made")
    objective: int | None = None
    bound: int | None = None
    seconds: float = 0.0
    moved: int = Field(default=0, description="Items moved by this solve (edits).")


class Change(Frozen):
    item: Id
    what: Line = Field(description="Plain-language description of the change.")


class Version(Frozen):
    version: int = Field(ge=1, le=1_000_000_000)
    at: datetime
    reason: Line
    changes: tuple[Change, ...] = ()


class Plan(Frozen):
    schema_version: Literal[1] = 1
    visit: Id
    fingerprint: str
    version: int = Field(ge=1, le=1_000_000_000)
    solve: SolveInfo
    items: tuple[PlannedItem, ...]
    history: tuple[Version, ...] = ()

    def item(self, item_id: str) -> PlannedItem | None:
        return self.items_by_id.get(item_id)

    @cached_property
    def items_by_id(self) -> dict[str, PlannedItem]:
        """The items by id (the first of an id, were one given twice); the scheduler and
        the validator look items up by id in loops over all items."""
        return {i.id: i for i in reversed(self.items)}

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Plan:
        """A copy whose lookup is made afresh (a plain pydantic copy keeps the cached one)."""
        copy = super().model_copy(update=update, deep=deep)
        copy.__dict__.pop("items_by_id", None)
        return copy

    @property
    def updated(self) -> datetime:
        return self.history[-1].at if self.history else max(i.modified for i in self.items)


def fingerprint(visit: Visit) -> str:
    """A digest of everything in the visit that a plan depends on (cached on the visit:
    an edit checks it for the visit, the merge and the validator)."""
    return visit.digest


def published_facts(visit: Visit, planned: PlannedItem) -> str:
    """A short digest of what the calendars say about an item besides its time."""
    item = visit.item.get(planned.id)
    if item is None:
        return ""
    venue = visit.venue.get(planned.venue or item.venues[0])
    parts = [
        item.title,
        item.kind_label,
        item.notes or "",
        item.dress or "",
        item.press.value,
        item.tier.value,
        item.public_time.value,
        *(
            [venue.name, venue.local_name or "", venue.address, f"{venue.lat};{venue.lon}"]
            if venue
            else []
        ),
        *(visit.person[p].name for p in planned.attendees if p in visit.person),
    ]
    text = "\x1f".join(parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def plan_path(visit_path: Path) -> Path:
    """Where the plan of ``visit_path`` lives: beside it, ``NAME.plan.yaml``."""
    name = visit_path.name
    for suffix in (".yaml", ".yml"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return visit_path.with_name(f"{name}.plan.yaml")


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def describe_change(old: PlannedItem | None, new: PlannedItem, title: str) -> str:
    if old is None:
        return f"new: {title}"
    parts = []
    if old.status != new.status:
        parts.append(f"{old.status.value} → {new.status.value}")
    if old.start_at() != new.start_at() or old.end_at() != new.end_at():
        parts.append(f"time {old.start}–{_clock(old.end)} → {new.start}–{_clock(new.end)}")
    if old.venue != new.venue:
        parts.append(f"venue {old.venue} → {new.venue}")
    if set(old.attendees) != set(new.attendees):
        added = sorted(set(new.attendees) - set(old.attendees))
        removed = sorted(set(old.attendees) - set(new.attendees))
        if added:
            parts.append("attendees +" + ", +".join(added))
        if removed:
            parts.append("attendees -" + ", -".join(removed))
    return f"{title}: " + "; ".join(parts)


def _clock(wall: WallTime | None) -> str:
    return f"{wall.local:%H:%M}" if wall else "?"


def merge(
    previous: Plan | None,
    visit: Visit,
    items: list[PlannedItem],
    solve: SolveInfo,
    reason: str,
    now: datetime | None = None,
) -> Plan:
    """The next plan: revisions carried over and raised only for items that changed;
    items that vanished from the visit are kept as cancelled. Returns ``previous``
    unchanged when nothing changed and the visit is the same."""
    stamp = now or utc_now()
    digest = fingerprint(visit)
    titles = {i.id: i.title for i in visit.items}
    old = {i.id: i for i in previous.items} if previous else {}
    result: list[PlannedItem] = []
    changes: list[Change] = []
    for new in items:
        before = old.get(new.id)
        if new.status is Status.CANCELLED and before is not None and new.start is None:
            # a cancelled item keeps the time and place it had, so calendars cancel it there
            new = new.model_copy(
                update={
                    key: getattr(before, key)
                    for key in (
                        "start",
                        "end",
                        "timezone",
                        "end_timezone",
                        "venue",
                        "arrival_venue",
                        "attendees",
                    )
                }
            )
        new = new.model_copy(update={"facts": published_facts(visit, new)})
        if before is None:
            result.append(
                new.model_copy(update={"revision": 0, "created": stamp, "modified": stamp})
            )
            if previous is not None:
                changes.append(Change(item=new.id, what=describe_change(None, new, titles[new.id])))
        elif before.same_content(new):
            result.append(
                new.model_copy(
                    update={
                        "revision": before.revision,
                        "created": before.created,
                        "modified": before.modified,
                        "start": before.start,
                        "end": before.end,
                    }
                )
            )
        else:
            result.append(
                new.model_copy(
                    update={
                        "revision": before.revision + 1,
                        "created": before.created,
                        "modified": stamp,
                    }
                )
            )
            changes.append(Change(item=new.id, what=describe_change(before, new, titles[new.id])))
    present = {i.id for i in items}
    for gone in old.values():
        if gone.id in present:
            continue
        if gone.status is Status.CANCELLED:
            result.append(gone)
            continue
        cancelled = gone.model_copy(
            update={"status": Status.CANCELLED, "revision": gone.revision + 1, "modified": stamp}
        )
        result.append(cancelled)
        changes.append(Change(item=gone.id, what=f"{gone.id}: removed from the visit, cancelled"))
    if previous is not None and not changes and previous.fingerprint == digest:
        return previous
    version = previous.version + 1 if previous else 1
    history = (
        *(previous.history if previous else ()),
        Version(version=version, at=stamp, reason=reason, changes=tuple(changes)),
    )
    return Plan(
        visit=visit.id,
        fingerprint=digest,
        version=version,
        solve=solve,
        items=tuple(result),
        history=history,
    )


# -- plan files --------------------------------------------------------------------------


class PlanFileError(Exception):
    pass


def read_plan(path: Path) -> Plan:
    """Read a plan file; raises PlanFileError with a located message."""
    from planner.visitfile import VisitFileError, read_yaml

    try:
        data, source = read_yaml(path)
    except VisitFileError as exc:
        raise PlanFileError(str(exc)) from None
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            line, col = source.locate(loc)
            where = ".".join(str(p) for p in loc)
            lines.append(f"{path}:{line}:{col}: {where}: {err['msg']}")
        raise PlanFileError("\n".join(lines)) from None


def plan_yaml(plan: Plan) -> str:
    """The plan as YAML text (stable order, so equal plans give equal files)."""
    import io

    from ruamel.yaml import YAML

    data = plan.model_dump(mode="json", exclude_none=True)
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.width = 100
    buffer = io.StringIO()
    buffer.write(
        f"# Plan of visit '{plan.visit}', written by planner. Edit the visit file, not this.\n"
    )
    yaml.dump(data, buffer)
    return buffer.getvalue()


def write_plan(path: Path, plan: Plan) -> None:
    from planner.atomic import write_text

    write_text(path, plan_yaml(plan))
