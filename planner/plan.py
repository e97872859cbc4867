"""Plans: where and when each item of a visit takes place, with a version history.

A plan file sits beside its visit file (``visit.yaml`` → ``visit.plan.yaml``). Each item
carries its start and end as local wall time with the IANA zone name, its venue, its
attendees and its status, plus a revision number that rises only when one of those
changes (the calendars' SEQUENCE), and the instant of that change (their LAST-MODIFIED).
The plan records a fingerprint of the visit it was made from, so a stale plan is noticed.

What each reader was shown (planner.disclosure) is kept too: per item and stream (public,
press, delegation, restricted, full) a digest of it and the revision and instant of its
last change, raised only when what that stream sees changed (so a change the press cannot
see leaves the press calendar as it was); per reader a digest of all they receive, and in
each version of the history the readers who saw a change, from which each reader's
version and DTSTAMP come. An item removed from the visit file keeps, in ``about``, what
is needed to publish it as cancelled.

Plan files of schema version 1 (before readers were kept) are read as they are: every
stream then has the item's one revision, and the first change after reading them raises
it as version 1 did.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import pendulum
from pydantic import ConfigDict, Field, ValidationError, model_serializer, model_validator

from planner.model.base import Frozen, Id
from planner.model.clock import WallTime, tz
from planner.model.publication import PressAccess, PublicTime, Tier
from planner.model.text import Line
from planner.model.visit import Visit

PLAN_SCHEMA_VERSION = 2


class Status(StrEnum):
    SCHEDULED = "scheduled"
    DROPPED = "dropped"  # an optional item the solver could not keep
    CANCELLED = "cancelled"  # cancelled by protocol staff; kept so calendars can cancel it


class About(Frozen):
    """What the outputs say of an item besides its time, place and attendees, kept so that
    an item removed from the visit file is still published, as cancelled, under its
    title and to the readers who saw it."""

    title: str
    kind: str
    tier: Tier
    public_time: PublicTime = PublicTime.EXACT
    press: PressAccess = PressAccess.CLOSED
    public_title: str | None = Field(
        default=None, description="What the tiers below real_from were told instead."
    )
    public_venue: str | None = Field(
        default=None, description="Where the tiers below real_from were told it is."
    )
    real_from: Tier | None = Field(
        default=None, description="The lowest tier shown the real title (absent: the tier)."
    )


class Seen(Frozen):
    """What the readers of some streams were last shown of an item: a digest of it, and
    the revision and instant of its last change for them (SEQUENCE, LAST-MODIFIED).
    Written on one line, 'STREAMS REVISION MODIFIED DIGEST' (streams joined by commas):
    'public,press 2 2026-11-27T12:34:56Z 1a2b…'."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        json_schema_extra={"description": "'STREAMS REVISION MODIFIED DIGEST' on one line"},
    )

    streams: tuple[str, ...] = Field(min_length=1)
    revision: int = Field(ge=0)
    modified: datetime
    digest: str

    @model_validator(mode="before")
    @classmethod
    def _from_line(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        parts = value.split()
        if len(parts) != 4:
            raise ValueError(f"expected 'STREAMS REVISION MODIFIED DIGEST', got {value!r}")
        return {
            "streams": tuple(parts[0].split(",")),
            "revision": parts[1],
            "modified": parts[2],
            "digest": parts[3],
        }

    @model_serializer(mode="plain", when_used="always")
    def _as_line(self) -> str:
        stamp = self.modified.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"{','.join(self.streams)} {self.revision} {stamp} {self.digest}"


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
    about: About | None = Field(
        default=None, description="The item's title, kind and tier, for when it leaves the visit."
    )
    seen: tuple[Seen, ...] = Field(
        default=(), description="Per stream of readers: what they were last shown of it."
    )

    def digest_for(self, stream: str) -> str | None:
        """The digest of what ``stream`` was last shown of the item, if it was shown it."""
        return next((e.digest for e in self.seen if stream in e.streams), None)

    def seen_by_stream(self, stream: str) -> tuple[int, datetime]:
        """The revision and modification instant of what ``stream`` is shown of the item
        (a plan of schema version 1 has one revision for all)."""
        for entry in self.seen:
            if stream in entry.streams:
                return entry.revision, entry.modified
        return self.revision, self.modified

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
    seen_by: tuple[str, ...] | None = Field(
        default=None,
        description="The readers who saw a change in this version ('full', 'public', "
        "'delegation', 'person-ID'); absent in plans of schema version 1: everyone.",
    )
    off_record: Literal[True] | None = Field(
        default=None,
        description="Off the record: no reader saw a change, the protocol office's full copy "
        "neither (only off-record items changed, or nothing an output shows); every output "
        "but the office's off-record copy (calendars/full.ics, plan.json) shows the version "
        "before.",
    )


class Gone(Frozen):
    """An item a reader was shown and may not be shown any more (their tier is below it
    now, they no longer attend it, it was left out): their calendar keeps it, withdrawn,
    as they last saw it (title, time), so that no client keeps it live."""

    item: Id
    title: str
    kind: str
    tier: Tier
    timezone: str
    start: WallTime | None = Field(default=None, description="None: shown as a day only.")
    end: WallTime | None = None
    end_timezone: str | None = None
    day: date
    revision: int = Field(ge=0)
    created: datetime
    modified: datetime

    def start_at(self) -> pendulum.DateTime | None:
        return self.start.resolve(self.timezone) if self.start else None

    def end_at(self) -> pendulum.DateTime | None:
        return self.end.resolve(self.end_timezone or self.timezone) if self.end else None


class Own(Frozen):
    """What one event of a person's calendar says for them alone (their time to leave, the
    way back to their residence, their own dress), and how many times that changed while
    what their stream is shown of the item did not: added to the event's SEQUENCE."""

    item: Id
    digest: str | None = None  # None: the event says nothing of its own (any more)
    bump: int = Field(default=0, ge=0)
    since: datetime | None = None


class Reader(Frozen):
    """One reader of the outputs as of this plan: a digest of all they receive, the items
    they are shown (ids, separated by spaces) and those withdrawn from them; for a person
    also what of their own entry reaches their calendar (basis), the stream they read, and
    the amount added to every SEQUENCE of theirs since that changed, and what their events
    say for them alone (``own``)."""

    reader: str
    digest: str
    shown: str | None = Field(default=None, description="The items they are shown, by id.")
    gone: tuple[Gone, ...] = ()
    stream: str | None = None
    basis: str | None = None
    offset: int = Field(default=0, ge=0)
    since: datetime | None = None
    own: tuple[Own, ...] = ()

    @cached_property
    def own_by_item(self) -> dict[str, Own]:
        return {o.item: o for o in self.own}

    def bump(self, item_id: str) -> tuple[int, datetime | None]:
        """What is added to the SEQUENCE of the reader's event of ``item_id`` for what it
        says for them alone, and since when."""
        found = self.own_by_item.get(item_id)
        return (found.bump, found.since) if found is not None else (0, None)


class Plan(Frozen):
    schema_version: Literal[1, 2] = 2  # PLAN_SCHEMA_VERSION; 1: before readers were kept
    visit: Id
    fingerprint: str
    version: int = Field(ge=1, le=1_000_000_000)
    solve: SolveInfo
    items: tuple[PlannedItem, ...]
    history: tuple[Version, ...] = ()
    readers: tuple[Reader, ...] = ()
    record_fingerprint: str | None = Field(
        default=None,
        description="The fingerprint of the last version on the record, when later ones "
        "are not (plan.json gives it for 'fingerprint').",
    )
    record_solve: SolveInfo | None = Field(
        default=None,
        description="The solve of the last version that was not off the record, when later "
        "ones are (plan.json gives it for 'solve').",
    )

    def item(self, item_id: str) -> PlannedItem | None:
        return self.items_by_id.get(item_id)

    @cached_property
    def items_by_id(self) -> dict[str, PlannedItem]:
        """The items by id (the first of an id, were one given twice); the scheduler and
        the validator look items up by id in loops over all items."""
        return {i.id: i for i in reversed(self.items)}

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Plan:
        """A copy whose lookups are made afresh (a plain pydantic copy keeps the cached
        ones)."""
        copy = super().model_copy(update=update, deep=deep)
        for name in ("items_by_id", "readers_by_key", "reader_versions"):
            copy.__dict__.pop(name, None)
        return copy

    @cached_property
    def readers_by_key(self) -> dict[str, Reader]:
        return {r.reader: r for r in self.readers}

    @cached_property
    def reader_versions(self) -> dict[str | None, tuple[int, datetime]]:
        """Each reader's last version with a change they saw, and when; under None the
        last version that did not record who saw it (schema version 1: everyone did)."""
        found: dict[str | None, tuple[int, datetime]] = {}
        for entry in self.history:
            if entry.off_record:
                continue  # (seen by the office's off-record copy alone)
            for key in (None,) if entry.seen_by is None else ("full", *entry.seen_by):
                found[key] = (entry.version, entry.at)
        return found

    def reader_version(self, key: str) -> tuple[int, datetime]:
        """The version of the plan ``key``'s files show and its instant (their DTSTAMP):
        the last version in which that reader saw a change. The protocol office (``full``)
        sees every version on the record (not those off it, see Version.off_record); its
        off-record copy (``off-record``) every one."""
        if not self.history:
            return self.version, self.updated
        if key == OFFICE_KEY:  # the office's off-record copy: every version
            return self.version, self.history[-1].at
        options = [v for v in (self.reader_versions.get(key), self.reader_versions.get(None)) if v]
        return max(options) if options else (self.history[0].version, self.history[0].at)

    def reader_offset(self, key: str) -> tuple[int, datetime | None]:
        """What is added to each SEQUENCE of a person's calendar (raised when their own
        entry changed what every event of theirs says), and since when."""
        reader = self.readers_by_key.get(key)
        return (reader.offset, reader.since) if reader else (0, None)

    def reader_bump(self, key: str, item_id: str) -> tuple[int, datetime | None]:
        """What is added to the SEQUENCE of one event of a person's calendar (Own)."""
        reader = self.readers_by_key.get(key)
        return reader.bump(item_id) if reader else (0, None)

    @property
    def updated(self) -> datetime:
        return self.history[-1].at if self.history else max(i.modified for i in self.items)


REPLANNED = "re-planned"  # on the record, the reason of a version that changed off it too
OFFICE_KEY = "off-record"  # the protocol office's off-record copy (planner.disclosure.OFFICE)


def off_record(planned: PlannedItem, visit: Visit | None = None) -> bool:
    """Whether the item is off the record (tier off_record): in the visit, or as the plan
    last knew it."""
    item = visit.item.get(planned.id) if visit is not None else None
    if item is not None:
        return item.tier is Tier.OFF_RECORD
    return planned.about is not None and planned.about.tier is Tier.OFF_RECORD


def on_record(plan: Plan) -> Plan:
    """The plan as every output but the office's off-record copy may give it (plan.json):
    without its off-record items nor their changes, its versions only those with a change
    on the record, and the fingerprint and solve of the last of them."""
    hidden = {p.id for p in plan.items if off_record(p)}
    if (
        not hidden
        and plan.record_fingerprint is None
        and not any(v.off_record for v in plan.history)
    ):
        return plan
    history = tuple(
        # (its reason may name what changed off the record: 'move secret to …')
        v.model_copy(
            update={
                "changes": tuple(c for c in v.changes if c.item not in hidden),
                "reason": REPLANNED,
            }
        )
        if any(c.item in hidden for c in v.changes)
        else v
        for v in plan.history
        if not v.off_record
    )
    return plan.model_copy(
        update={
            "items": tuple(p for p in plan.items if p.id not in hidden),
            "history": history,
            "version": history[-1].version if history else plan.version,
            "fingerprint": plan.record_fingerprint or plan.fingerprint,
            "solve": plan.record_solve or plan.solve,
            "record_fingerprint": None,
            "record_solve": None,
        }
    )


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
    secret = item.tier is Tier.OFF_RECORD  # (its revision: the office's off-record copy's)
    parts = [
        item.title,
        item.kind_label,
        item.notes or "",
        item.dress or "",
        *(f"{d.who}: {d.dress}" for d in item.dress_by),
        item.press.value,
        item.tier.value,
        item.public_time.value,
        # (of a venue off the record, or where it is, nothing for an item on the record:
        # what the full copy does not show moves no revision of an item it shows)
        *(
            [venue.name, venue.local_name or ""]
            + (
                [venue.address, f"{venue.lat};{venue.lon}"]
                if venue.location_tier is not Tier.OFF_RECORD or secret
                else []
            )
            if venue and (venue.tier is not Tier.OFF_RECORD or secret)
            else []
        ),
        *(visit.person[p].name for p in planned.attendees if p in visit.person),
    ]
    if item.tentative or item.cancellation or item.milestones:  # (else as they were)
        cancellation = item.cancellation
        parts += [
            "tentative" if item.tentative else "",
            f"{cancellation.reason}\x1d{cancellation.on or ''}" if cancellation else "",
            *(f"{m.title}\x1d{m.at or ''}\x1d{m.after}\x1d{m.tier or ''}" for m in item.milestones),
        ]
    if item.guests or item.hosted_by or item.real_from is not item.tier:  # (only then)
        parts += [
            *(f"{g.label} ({g.count})" for g in item.guests),
            *item.hosted_by,
            item.public_title or "",
            item.public_venue or "",
            item.real_from.value,
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
    unchanged_except: frozenset[str] | None = None,
) -> Plan:
    """The next plan: revisions carried over and raised only for items that changed;
    items that vanished from the visit are kept as cancelled. What each stream of readers
    is shown of each item, and each reader of all of it, is compared with what they were
    shown before (planner.disclosure): their revisions rise, and the version records them
    among those who saw a change, only when that changed. Returns ``previous`` unchanged
    when nothing changed and the visit is the same.

    ``unchanged_except``: the caller vouches that the visit differs from the one
    ``previous`` was made from only in these items (an edit). A person none of whose
    items changed, in the plan or in the visit, then keeps their reader's record as it
    was: nothing they receive can have changed (working out their journeys around each
    item again was half the time of an edit on a large visit)."""
    from planner import disclosure  # (it reads plans: imported here, not at the top)

    stamp = now or utc_now()
    if previous is not None and previous.history:
        stamp = max(stamp, previous.history[-1].at)  # a reader's DTSTAMP never goes back
    digest = fingerprint(visit)
    titles = {i.id: i.title for i in visit.items}
    old = {i.id: i for i in previous.items} if previous else {}
    result: list[PlannedItem] = []
    changes: list[Change] = []
    altered: set[str] = set(unchanged_except or ())  # items whose content changed
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
        if before is None or not before.same_content(new):
            altered.add(new.id)
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
        altered.add(gone.id)
        if gone.status is Status.CANCELLED:
            result.append(gone)
            continue
        cancelled = gone.model_copy(
            update={"status": Status.CANCELLED, "revision": gone.revision + 1, "modified": stamp}
        )
        result.append(cancelled)
        title = gone.about.title if gone.about else gone.id
        changes.append(Change(item=gone.id, what=f"{title}: removed from the visit, cancelled"))
    if previous is not None and not changes and previous.fingerprint == digest:
        return previous  # (a plan edited by hand is not re-read for its bookkeeping)
    # what each stream of readers is shown of each item
    result = [_with_about(visit, old.get(p.id), p) for p in result]
    shell = Plan(
        visit=visit.id,
        fingerprint=digest,
        version=previous.version if previous else 1,
        solve=solve,
        items=tuple(result),
        history=previous.history if previous else (),
        readers=previous.readers if previous else (),
    )
    index = disclosure.Index(visit, shell)
    tracked: list[PlannedItem] = []
    for planned in result:
        before = old.get(planned.id)
        shown = disclosure.item_digests(visit, planned, index)
        seen, raised = _track(before, planned, shown, stamp)
        if raised:
            altered.add(planned.id)
        tracked.append(planned.model_copy(update={"seen": seen}))
        if raised and (before is None or before.revision == planned.revision):
            what = titles.get(planned.id) or (planned.about.title if planned.about else planned.id)
            changes.append(
                Change(item=planned.id, what=f"{what}: what {', '.join(raised)} are shown changed")
            )
    version = previous.version + 1 if previous else 1
    shell = shell.model_copy(update={"items": tuple(tracked), "version": version})
    untouched = (
        _untouched(visit, previous, tracked, altered)
        if unchanged_except is not None and previous is not None
        else frozenset()
    )
    readers, seen_by = _readers(visit, previous, shell, index, stamp, untouched)
    # a version no reader saw a change in, the protocol office's full copy neither (only
    # off-record items changed, or nothing any output shows): on the record, the version
    # before stays the last (see on_record)
    hidden = bool(
        previous is not None
        and not seen_by
        and _same_digest(previous, readers, disclosure.FULL.key)
        and all(off_record(p, visit) for p in tracked if p.id in {c.item for c in changes})
    )
    history = (
        *(previous.history if previous else ()),
        Version(
            version=version,
            at=stamp,
            reason=reason,
            changes=tuple(changes),
            seen_by=tuple(seen_by),
            off_record=True if hidden else None,
        ),
    )
    kept: dict[str, Any] = {}
    if hidden and previous is not None:  # the record's fingerprint and solve stay
        kept = {
            "record_fingerprint": previous.record_fingerprint or previous.fingerprint,
            "record_solve": previous.record_solve or previous.solve,
        }
    return shell.model_copy(
        update={
            "history": history,
            "readers": tuple(readers),
            "record_fingerprint": None,
            "record_solve": None,
            **kept,
        }
    )


def _same_digest(previous: Plan, readers: list[Reader], key: str) -> bool:
    """Whether reader ``key`` receives the same as from ``previous``."""
    was = previous.readers_by_key.get(key)
    now = next((r for r in readers if r.reader == key), None)
    return was is not None and now is not None and was.digest == now.digest


def _with_about(visit: Visit, before: PlannedItem | None, planned: PlannedItem) -> PlannedItem:
    """The item with what the plan keeps of it for when it leaves the visit file."""
    item = visit.item.get(planned.id)
    if item is None:
        about = before.about if before is not None else planned.about
    else:
        about = About(
            title=item.title,
            kind=item.kind_label,
            tier=item.tier,
            public_time=item.public_time,
            press=item.press,
            public_title=item.public_title if item.real_from is not item.tier else None,
            public_venue=item.public_venue if item.real_from is not item.tier else None,
            real_from=item.real_from if item.real_from is not item.tier else None,
        )
    return planned if about == planned.about else planned.model_copy(update={"about": about})


WITHDRAWN = "-"  # the digest of what a stream is shown of an item it no longer sees


def _track(
    before: PlannedItem | None, new: PlannedItem, digests: dict[str, str], stamp: datetime
) -> tuple[tuple[Seen, ...], list[str]]:
    """The item's bookkeeping per stream: revision and instant kept where a stream is
    shown the same as before, raised where it is shown something else, started where it
    is shown the item for the first time; streams that no longer see it keep theirs (so
    a SEQUENCE never goes back should they see it again). Also the streams raised."""
    known: dict[str, tuple[int, datetime, str | None]] = {}
    if before is not None:
        for entry in before.seen:
            for stream in entry.streams:
                known[stream] = (entry.revision, entry.modified, entry.digest)
        if not before.seen:  # a plan of schema version 1: one revision for everyone
            known = dict.fromkeys(digests, (before.revision, before.modified, None))
    from planner.disclosure import STREAMS

    books = dict(known)
    raised: list[str] = []
    for stream, (rev, _modified, shown) in known.items():
        if stream not in digests and shown is not None and shown != WITHDRAWN:
            # no longer shown to this stream: withdrawn from its calendars (a SEQUENCE up)
            books[stream] = (rev + 1, stamp, WITHDRAWN)
            raised.append(stream)
    for stream, shown in digests.items():
        was = known.get(stream)
        if was is None:
            books[stream] = (0, stamp, shown)
        elif was[2] == shown or (was[2] is None and before and before.revision == new.revision):
            books[stream] = (was[0], was[1], shown)
        else:
            books[stream] = (was[0] + 1, stamp, shown)
            raised.append(stream)
    grouped: dict[tuple[int, datetime, str], list[str]] = {}
    for stream in STREAMS:
        if stream in books and books[stream][2] is not None:
            rev, modified, shown_digest = books[stream]
            grouped.setdefault((rev, modified, shown_digest or ""), []).append(stream)
    if before is not None and [
        (tuple(e.streams), e.revision, e.modified, e.digest) for e in before.seen
    ] == [(tuple(streams), *key) for key, streams in grouped.items()]:
        return before.seen, raised
    seen = tuple(  # (made of values checked above: not validated again, for speed)
        Seen.model_construct(streams=tuple(streams), revision=rev, modified=modified, digest=d)
        for (rev, modified, d), streams in grouped.items()
    )
    return seen, raised


def _untouched(
    visit: Visit, previous: Plan, items: list[PlannedItem], altered: set[str]
) -> frozenset[str]:
    """The people who attend the same items as in ``previous``, none of them ``altered``
    (their content, what a stream is shown of them, or their entry in the visit)."""
    from planner.disclosure import attendee_ids

    def attended(planned_items: Iterable[PlannedItem]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for planned in planned_items:
            for pid in attendee_ids(visit, planned):
                found.setdefault(pid, set()).add(planned.id)
        return found

    before, now = attended(previous.items), attended(items)
    return frozenset(
        p.id
        for p in visit.people
        if before.get(p.id, set()) == now.get(p.id, set()) and not now.get(p.id, set()) & altered
    )


def _readers(
    visit: Visit,
    previous: Plan | None,
    plan: Plan,
    index: Any,
    stamp: datetime,
    untouched: frozenset[str] = frozenset(),
) -> tuple[list[Reader], list[str]]:
    """Each reader's digest of what they receive, the items they are shown and those
    withdrawn from them, and who of them saw a change (the protocol office, who sees every
    version, is not listed). A person ``untouched`` keeps their record as it was, where
    it is of the same stream and the same entry of theirs."""
    from planner import disclosure

    known = previous.readers_by_key if previous is not None else {}
    readers: list[Reader] = []
    seen_by: list[str] = []
    for audience in disclosure.readers(visit):
        was = known.get(audience.key)
        if (
            audience.person in untouched
            and was is not None
            and was.shown is not None
            and was.basis is not None
            and was.stream == audience.stream
            and was.basis
            == disclosure.digest(disclosure.person_basis(visit, visit.person[audience.person]))
        ):
            readers.append(was)  # nothing they receive changed
            continue
        stream = basis = None
        offset, since = (was.offset, was.since) if was else (0, None)
        if audience.person is not None:
            person = visit.person[audience.person]
            stream = audience.stream
            basis = disclosure.digest(disclosure.person_basis(visit, person))
            changed = was is not None and (was.basis != basis or was.stream != stream)
            if previous is not None and was is not None and was.basis is not None and changed:
                offset = _raised_offset(visit, previous, plan, audience, was)
                since = stamp
        shown = disclosure.shown_ids(index, audience)
        gone = {g.item: g for g in was.gone} if was is not None else {}
        back = [gone.pop(item_id) for item_id in shown if item_id in gone]
        if previous is not None and was is not None and was.shown is not None:
            now = set(shown)
            for item_id in was.shown.split():
                if item_id not in now and item_id not in gone:
                    found_gone = _tombstone(visit, previous, item_id, audience, was, stamp)
                    if found_gone is not None:
                        gone[item_id] = found_gone
        if audience.person is not None and back:
            # shown again: above the SEQUENCE it had when it was withdrawn
            need = max(
                g.revision + 1 - plan.items_by_id[g.item].seen_by_stream(audience.stream)[0]
                for g in back
            )
            if need > offset:
                offset, since = need, stamp
        tombstones = tuple(sorted(gone.values(), key=lambda g: g.item))
        own = _own(previous, plan, index, audience, was, shown, stamp)
        found = disclosure.reader_digest(visit, plan, audience, index, (offset, since), own)
        found = disclosure.digest([found, [g.model_dump(mode="json") for g in tombstones]])
        if audience.key != disclosure.FULL.key and (was is None or was.digest != found):
            seen_by.append(audience.key)
        readers.append(
            Reader(
                reader=audience.key,
                digest=found,
                shown=" ".join(shown),
                gone=tombstones,
                stream=stream,
                basis=basis,
                offset=offset,
                since=since,
                own=own,
            )
        )
    return readers, seen_by


def _own(
    previous: Plan | None,
    plan: Plan,
    index: Any,
    audience: Any,
    was: Reader | None,
    shown: list[str],
    stamp: datetime,
) -> tuple[Own, ...]:
    """What each event of a person's calendar says for them alone, its bump raised where
    that changed and what their stream is shown of the item did not (then its SEQUENCE
    rises for the change all the same)."""
    if audience.person is None:
        return ()
    kept = was.own_by_item if was is not None else {}
    stream = audience.stream
    result = []
    for item_id in shown:
        planned = plan.items_by_id[item_id]
        own = index.digest_of(planned, stream, audience.person)
        digest = own if own != index.digest_of(planned, stream) else None
        before = kept.get(item_id, Own(item=item_id))
        entry = before.model_copy(update={"digest": digest})
        earlier = previous.item(item_id) if previous is not None and was is not None else None
        if earlier is not None and digest != before.digest:
            old_stream = was.stream if was is not None and was.stream else stream
            if earlier.seen_by_stream(old_stream)[0] >= planned.seen_by_stream(stream)[0]:
                entry = entry.model_copy(update={"bump": before.bump + 1, "since": stamp})
        if entry.digest is not None or entry.bump:
            result.append(entry)
    return tuple(result)


def _tombstone(
    visit: Visit, previous: Plan, item_id: str, audience: Any, was: Reader, stamp: datetime
) -> Gone | None:
    """What a reader last saw of an item withdrawn from them, as a withdrawn event: its
    title and time as they were shown them (nothing they did not see), one SEQUENCE up."""
    from planner import disclosure

    before = previous.item(item_id)
    if before is None or before.about is None:
        return None  # (a plan of schema version 1 did not keep the title)
    stream = was.stream or audience.stream
    text = disclosure.cleaner(stream)
    zone = before.timezone or visit.timezone
    start, end = disclosure.start_of(before), disclosure.end_of(before)
    local = start.in_timezone(tz(zone)) if start else None
    coarse = (
        disclosure.stream_tier(stream).rank <= Tier.PRESS.rank
        and before.about.public_time is not PublicTime.EXACT
    )
    offset = was.offset + was.bump(item_id)[0] if audience.person is not None else 0
    about = before.about
    real = about.real_from is None or about.real_from.rank <= disclosure.stream_tier(stream).rank
    return Gone(
        item=item_id,
        title=text(about.title if real or about.public_title is None else about.public_title),
        kind=text(before.about.kind),
        tier=before.about.tier,
        timezone=zone,
        start=None if coarse or start is None else before.start,
        end=None if coarse or end is None else before.end,
        end_timezone=None if coarse else before.end_timezone,
        day=local.date() if local is not None else visit.start,
        revision=before.seen_by_stream(stream)[0] + offset + 1,
        created=before.created,
        modified=stamp,
    )


def _raised_offset(visit: Visit, previous: Plan, plan: Plan, audience: Any, was: Reader) -> int:
    """The smallest offset above the old one that puts every event of a person's new
    calendar above the SEQUENCE it had in their old one."""
    from planner import disclosure

    need = was.offset + 1
    old_stream = was.stream or audience.stream
    for planned in disclosure.visible(visit, plan, audience):
        before = previous.item(planned.id)
        if before is None:
            continue
        had = before.seen_by_stream(old_stream)[0] + was.offset + was.bump(planned.id)[0]
        need = max(need, had + 1 - planned.seen_by_stream(audience.stream)[0])
    return need


# -- plan files --------------------------------------------------------------------------


class PlanFileError(Exception):
    pass


def read_plan(path: Path, visit_id: str | None = None) -> Plan:
    """Read a plan file; raises PlanFileError with a located message, and when
    ``visit_id`` is given, for a plan of another visit."""
    plan = _read_plan(path)
    if visit_id is not None and plan.visit != visit_id:
        raise PlanFileError(f"{path}: a plan of the visit '{plan.visit}', not of '{visit_id}'")
    return plan


def _read_plan(path: Path) -> Plan:
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
    """The plan as YAML text (stable order, so equal plans give equal files): the plan's
    own fields a line each, and each item, version and reader as one flow mapping on a
    line of its own (JSON's syntax, which YAML reads as it is). A plan of thousands of
    items is written in a fraction of a second (an emitter takes seconds), and a change
    of one item changes one line of the file."""
    data = plan.model_dump(mode="json", exclude_none=True)
    lines = [f"# Plan of visit '{plan.visit}', written by planner. Edit the visit file, not this."]
    for key, value in data.items():
        if isinstance(value, list):
            lines.append(f"{key}:" if value else f"{key}: []")
            lines.extend(f"- {_flow(entry)}" for entry in value)
        else:
            lines.append(f"{key}: {_flow(value)}")
    return "\n".join(lines) + "\n"


def _flow(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    # what YAML may not carry raw (line separators, C1 controls, DEL), as JSON escapes
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff]")


def write_plan(path: Path, plan: Plan) -> None:
    from planner.atomic import write_text

    write_text(path, plan_yaml(plan))
