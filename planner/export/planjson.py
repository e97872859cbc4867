"""plan.json: the plan in machine-readable form, with its JSON Schema.

The file holds the plan itself (as in the plan file, so a later run can read it back and
say what changed), every reader's notice of what changed (so that a reader who saw no
change gets the same notice again) and, for each item, the resolved facts a script needs
without the visit file: title, kind, local and UTC times with the zone name, venue,
attendees by name. It is the full (restricted) view: it belongs to the protocol office,
like calendars/full.ics, and like it holds nothing of the off-record items: the plan it
holds is the plan on the record (``planner.plan.on_record``: without them, their changes,
nor the versions in which only they changed).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import Field

from planner.export.changes import Notice
from planner.model.base import Frozen
from planner.model.items import Item, milestone_start
from planner.model.publication import Tier
from planner.model.visit import Visit
from planner.plan import Plan, PlannedItem, Status, on_record

PLAN_JSON_VERSION = 1


class MilestoneFacts(Frozen):
    title: str
    tier: str
    start_local: str | None = Field(default=None, description="'YYYY-MM-DD HH:MM' at the venue.")
    start_utc: str | None = None


class ItemFacts(Frozen):
    id: str
    title: str
    kind: str
    status: Status
    tier: str
    start_local: str | None = Field(default=None, description="'YYYY-MM-DD HH:MM' at the venue.")
    end_local: str | None = None
    timezone: str | None = Field(default=None, description="IANA zone of start_local.")
    end_timezone: str | None = None
    start_utc: str | None = None
    end_utc: str | None = None
    venue: str | None = None
    venue_name: str | None = None
    attendees: tuple[str, ...] = ()
    attendee_names: tuple[str, ...] = ()
    revision: int = 0
    tentative: bool = Field(default=False, description="Planned, not yet confirmed.")
    cancelled_reason: str | None = Field(default=None, description="Why it was called off.")
    cancelled_on: str | None = Field(default=None, description="'YYYY-MM-DD' it was called off.")
    tags: tuple[str, ...] = ()
    milestones: tuple[MilestoneFacts, ...] = Field(
        default=(), description="The moments within it, in order, with their times."
    )


class PlanExport(Frozen):
    format: str = "planner-plan"
    version: int = PLAN_JSON_VERSION
    visit_id: str
    visit_title: str
    plan_version: int
    items: tuple[ItemFacts, ...]
    plan: Plan = Field(description="The plan file's content, for later runs.")
    baseline: Plan | None = Field(
        default=None,
        description="The plan generated before this one, which the notices compared it with.",
    )
    notices: tuple[Notice, ...] = Field(
        default=(), description="Each reader's notice of what changed (changes/, people/)."
    )


def export(
    visit: Visit,
    plan: Plan,
    baseline: Plan | None = None,
    notices: tuple[Notice, ...] = (),
) -> PlanExport:
    plan = on_record(plan)
    baseline = on_record(baseline) if baseline is not None else None
    facts = []
    for planned in plan.items:
        item = visit.item.get(planned.id)
        about = planned.about
        start, end = planned.start_at(), planned.end_at()
        venue = visit.venue.get(planned.venue) if planned.venue else None
        if venue is not None and venue.tier is Tier.OFF_RECORD:
            venue = None  # (an off-record venue: named in the office's off-record copy only)
        facts.append(
            ItemFacts(
                id=planned.id,
                title=item.title if item else about.title if about else planned.id,
                kind=item.kind_label if item else about.kind if about else "removed",
                status=planned.status,
                tier=item.tier.value if item else about.tier.value if about else "restricted",
                start_local=str(planned.start) if planned.start else None,
                end_local=str(planned.end) if planned.end else None,
                timezone=planned.timezone,
                end_timezone=planned.end_timezone or planned.timezone,
                start_utc=start.in_timezone("UTC").isoformat() if start else None,
                end_utc=end.in_timezone("UTC").isoformat() if end else None,
                venue=planned.venue,
                venue_name=venue.name if venue else None,
                attendees=planned.attendees,
                attendee_names=tuple(
                    visit.person[p].name for p in planned.attendees if p in visit.person
                ),
                revision=planned.revision,
                **_status_facts(item, planned),
            )
        )
    return PlanExport(
        visit_id=visit.id,
        visit_title=visit.title,
        plan_version=plan.version,
        items=tuple(facts),
        plan=plan,
        baseline=baseline,
        notices=notices,
    )


def _status_facts(item: Item | None, planned: PlannedItem) -> dict[str, Any]:
    """Tentative, why and when it was cancelled, its tags and milestones (with their times
    where it has a start), but those off the record: plan.json is on the record."""
    if item is None:
        return {}
    start, zone = planned.start_at(), planned.timezone
    cancellation = item.cancellation
    moments = []
    for moment in item.milestones:
        if item.milestone_tier(moment) is Tier.OFF_RECORD:
            continue
        at = milestone_start(moment, start, zone) if start is not None and zone else None
        moments.append(
            MilestoneFacts(
                title=moment.title,
                tier=item.milestone_tier(moment).value,
                start_local=at.in_timezone(zone).strftime("%Y-%m-%d %H:%M")
                if at is not None and zone
                else None,
                start_utc=at.in_timezone("UTC").isoformat() if at else None,
            )
        )
    return {
        "tentative": item.tentative,
        "cancelled_reason": cancellation.reason if cancellation else None,
        "cancelled_on": cancellation.on.isoformat() if cancellation and cancellation.on else None,
        "tags": item.tags,
        "milestones": tuple(moments),
    }


def plan_json(
    visit: Visit, plan: Plan, baseline: Plan | None = None, notices: tuple[Notice, ...] = ()
) -> str:
    data = export(visit, plan, baseline, notices).model_dump(mode="json")
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **PlanExport.model_json_schema(mode="serialization"),  # the file as written
        "title": "planner plan.json (version 1)",
    }


def schema_json() -> str:
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


def read_export(text: str) -> PlanExport | None:
    """A plan.json written earlier, or None if it cannot be read."""
    try:
        return PlanExport.model_validate(json.loads(text))
    except (ValueError, TypeError, RecursionError):  # RecursionError: arrays nested deep
        return None


def read_plan(text: str) -> Plan | None:
    """The plan inside a plan.json written earlier, or None if it cannot be read."""
    found = read_export(text)
    return found.plan if found else None


def baseline_for(previous: PlanExport | None, plan: Plan) -> Plan | None:
    """What the notices compare ``plan`` with: the plan generated before it. Generating
    the same plan again keeps the same baseline (and the same notices, which are kept)."""
    if previous is None or previous.visit_id != plan.visit:
        return None
    record = on_record(plan)
    if previous.plan.version == record.version and previous.plan.fingerprint == record.fingerprint:
        return previous.baseline
    return previous.plan
