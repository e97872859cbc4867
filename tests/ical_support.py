"""Shared helpers of the calendar tests (tests/test_ical.py, tests/test_ical_clients.py):
the solved fixture visits, every audience of a visit, and a reading of a calendar file
that keeps its physical lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache

from planner.export.tiers import DELEGATION, FULL, PUBLIC, Audience, ItemView, for_person, views
from planner.model import Visit
from planner.plan import Plan
from planner.schedule.solve import solve
from planner.visitfile import load_visit
from tests.conftest import FIXTURES, REFERENCE

SPAIN = FIXTURES / "exercise-spain-2024.yaml"
VISITS = {"reference": REFERENCE, "spain": SPAIN}


@cache
def solved(name: str) -> tuple[Visit, Plan]:
    visit = load_visit(VISITS[name]).visit
    outcome = solve(visit, None, time_limit=20)
    assert outcome.plan is not None
    return visit, outcome.plan


def audiences(visit: Visit) -> list[Audience]:
    return [PUBLIC, DELEGATION, FULL, *(for_person(p) for p in visit.people)]


def audience_cases() -> list[tuple[str, str]]:
    """(visit name, audience key) for every audience of both fixtures."""
    cases = []
    for name in VISITS:
        visit = load_visit(VISITS[name]).visit
        cases += [(name, a.key) for a in audiences(visit)]
    return cases


def audience_of(visit: Visit, key: str) -> Audience:
    return next(a for a in audiences(visit) if a.key == key)


@dataclass(frozen=True)
class Expected:
    uid: str
    summary: str
    start: datetime | date
    end: datetime | date


def expected(visit: Visit, plan: Plan, audience: Audience) -> dict[str, Expected]:
    """What each event must say, from the views (instants for timed events, dates for
    all-day ones)."""
    result: dict[str, Expected] = {}
    for view in views(visit, plan, audience):
        summary = ("Cancelled: " if view.cancelled else "") + view.title
        if view.start is not None and view.end is not None:
            result[view.uid] = Expected(view.uid, summary, utc(view.start), utc(view.end))
        else:
            result[view.uid] = Expected(view.uid, summary, view.day, _next(view))
    return result


def utc(value: datetime | date) -> datetime | date:
    """Instants in UTC (an aware time in a repeated hour compares unequal to any time in
    another zone, PEP 495); dates as they are."""
    if isinstance(value, datetime):
        assert value.tzinfo is not None
        return datetime.fromtimestamp(value.timestamp(), UTC)
    return value


def _next(view: ItemView) -> date:
    return date.fromordinal(view.day.toordinal() + 1)


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def unfolded(data: bytes) -> list[str]:
    """The logical content lines."""
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]
