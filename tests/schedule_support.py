"""Shared helpers of the scheduler's acceptance tests (tests/test_schedule_*.py and
tests/test_cli_solve.py): small visits written as YAML and loaded like any visit file, solves
whose plans always go through the independent validator, and plan surgery for the
"one step over the line" checks."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ortools.sat.python import cp_model
from ruamel.yaml import YAML

from planner.cli import main
from planner.model import Visit, WallTime
from planner.plan import Plan, PlannedItem, Status
from planner.schedule.cpmodel import ModelBuilder
from planner.schedule.solve import SolveOutcome
from planner.validate import validate_plan
from planner.visitfile import SourceMap, load_visit, parse_visit

PROV = {"source": "assumed", "reason": "a test visit"}
D = "2023-06-12"  # a Monday; Berlin is at UTC+02:00
D2 = "2023-06-13"

# every solve of a test goes through this wrapper (see ``validate_every_plan``)
SOLVES: list[SolveOutcome] = []


# -- visits ------------------------------------------------------------------------------


def person(pid: str, side: str = "guest", precedence: int = 5, **extra: Any) -> dict[str, Any]:
    return {
        "id": pid,
        "name": pid.capitalize(),
        "role": "official",
        "side": side,
        "precedence": precedence,
        **extra,
    }


def venue(vid: str, lat: float, lon: float, city: str = "berlin", **extra: Any) -> dict[str, Any]:
    return {"id": vid, "name": vid.upper(), "city": city, "lat": lat, "lon": lon, **extra}


def item(iid: str, **fields: Any) -> dict[str, Any]:
    """An item: a one-hour briefing of person 'a' at v1 unless told otherwise."""
    data: dict[str, Any] = {
        "id": iid,
        "title": iid.replace("-", " ").capitalize(),
        "kind": "briefing",
        "duration": 60,
        "attendees": ["a"],
        "venue": "v1",
        "provenance": PROV,
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def prefer(kind: str, at: str, rid: str = "prefer") -> dict[str, Any]:
    """A soft time-of-day convention that pulls items of ``kind`` to start at ``at``: the
    pull the rule under test has to resist."""
    return {
        "rule": "time_of_day",
        "id": rid,
        "description": f"{kind} items start at {at}",
        "kinds": [kind],
        "start_from": at,
        "start_until": at,
        "strength": "soft",
        "weight": 100,
    }


LEGS = {("v1", "v2"): 30, ("v1", "v3"): 20, ("v2", "v3"): 25}


def visit_data(*items: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A one-city visit to Berlin on 12–13 June 2023 (programme 08:00–20:00) with venues
    v1 (not exclusive), v2, v3 (exclusive) joined by measured legs (v1–v2 30 min, v1–v3
    20 min, v2–v3 25 min), v4 (no leg: the motorcade estimate) and p1 in Potsdam (no road
    from Berlin). People a, b, c (guests) and h, k (hosts)."""
    data: dict[str, Any] = {
        "schema_version": 1,
        "id": "rule-visit",
        "title": "A visit to test one rule",
        "kind": "official",
        "host": {"code": "DE", "name": "Germany"},
        "guest": {"code": "FR", "name": "France"},
        "start": D,
        "end": D2,
        "timezone": "Europe/Berlin",
        "guest_home_timezone": "Europe/Paris",
        "use_host_conventions": False,
        "programme_hours": {"start": "08:00", "end": "20:00"},
        "cities": [
            {"id": "berlin", "name": "Berlin", "country": "DE", "timezone": "Europe/Berlin"},
            {"id": "potsdam", "name": "Potsdam", "country": "DE", "timezone": "Europe/Berlin"},
        ],
        "people": [
            person("a"),
            person("b"),
            person("c"),
            person("h", "host"),
            person("k", "host"),
        ],
        "venues": [
            venue("v1", 52.5200, 13.3700, exclusive=False),
            venue("v2", 52.5500, 13.3000),
            venue("v3", 52.4800, 13.4200),
            venue("v4", 52.4500, 13.2500),
            venue("p1", 52.4045, 13.0385, city="potsdam"),
        ],
        "travel": {
            "legs": [{"from": x, "to": y, "minutes": m} for (x, y), m in LEGS.items()],
        },
        "items": list(items),
    }
    data.update(changes)
    return data


def _no_nones(value: Any) -> Any:
    """``None`` stands for "leave the field out" in the test's data."""
    if isinstance(value, dict):
        return {k: _no_nones(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_no_nones(v) for v in value]
    return value


def dump_yaml(data: dict[str, Any]) -> str:
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.width = 200
    buffer = io.StringIO()
    yaml.dump(_no_nones(data), buffer)
    return buffer.getvalue()


def write_visit(directory: Path, data: dict[str, Any], name: str = "visit.yaml") -> Path:
    path = directory / name
    path.write_text(dump_yaml(data), encoding="utf-8")
    return path


def load(directory: Path, data: dict[str, Any], name: str = "visit.yaml") -> Visit:
    """The visit written as a YAML file and read back like any visit file (checked)."""
    return load_visit(write_visit(directory, data, name)).visit


def parse(data: dict[str, Any]) -> Visit:
    """The same, without a file (for the many visits of the brute-force searches)."""
    return parse_visit(_no_nones(data), Path("visit.yaml"), SourceMap()).visit


# -- solving -----------------------------------------------------------------------------


def errors_of(visit: Visit, plan: Plan) -> list[str]:
    return [str(v) for v in validate_plan(visit, plan) if v.severity == "error"]


def _validating(original: Callable[..., SolveOutcome]) -> Callable[..., SolveOutcome]:
    def wrapper(visit: Visit, *args: Any, **kwargs: Any) -> SolveOutcome:
        outcome = original(visit, *args, **kwargs)
        SOLVES.append(outcome)
        if outcome.plan is not None:
            errors = errors_of(visit, outcome.plan)
            assert not errors, "the solver's plan breaks the rules:\n" + "\n".join(errors)
        return outcome

    return wrapper


@pytest.fixture(autouse=True)
def validate_every_plan(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every plan the solver returns during a test, through whichever door (``solve``,
    ``run_edit``, the CLI), goes through the independent validator: no error allowed."""
    module = sys.modules["planner.schedule.solve"]
    wrapped = _validating(module.solve)
    import planner.schedule
    import planner.schedule.edits

    monkeypatch.setattr(module, "solve", wrapped)
    monkeypatch.setattr(planner.schedule, "solve", wrapped)
    monkeypatch.setattr(planner.schedule.edits, "solve", wrapped)
    SOLVES.clear()
    yield


def solve(visit: Visit, previous: Plan | None = None, **kwargs: Any) -> SolveOutcome:
    """A solve of a test: at most 5 s, its plan validated (by the fixture's wrapper)."""
    kwargs.setdefault("time_limit", 5.0)
    return sys.modules["planner.schedule.solve"].solve(visit, previous, **kwargs)  # type: ignore[no-any-return]


def solved(visit: Visit, previous: Plan | None = None, **kwargs: Any) -> Plan:
    outcome = solve(visit, previous, **kwargs)
    assert outcome.plan is not None, f"no plan: {outcome.status} {outcome.explanation}"
    assert outcome.status == "optimal", outcome.status
    return outcome.plan


def feasible(visit: Visit, time_limit: float = 5.0) -> bool:
    """Whether a plan exists at all: the hard model alone, no objective, one thread."""
    builder = ModelBuilder(visit).build()
    if builder.infeasible_static:
        return False
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit
    status = solver.solve(builder.model)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE), status
    return status != cp_model.INFEASIBLE


# -- explanations ------------------------------------------------------------------------


def holds(visit: Visit, keys: set[str], time_limit: float = 20.0) -> bool:
    """Whether exactly the hard facts ``keys`` can all hold together: these facts hold and
    no other fact of the visit does (as ``planner.schedule.explain`` reads a set of
    facts), by the explain-mode model of the whole visit on one thread. Checked here, not
    taken from the explanation."""
    builder = ModelBuilder(visit, explain=True).build()
    assert keys <= set(builder.facts), keys - set(builder.facts)
    builder.model.clear_assumptions()
    builder.model.add_assumptions(
        [f.lit if k in keys else ~f.lit for k, f in sorted(builder.facts.items())]
    )
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit
    result = solver.solve(builder.model)
    assert result in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE), result
    return result != cp_model.INFEASIBLE


def assert_irreducible(visit: Visit, explanation: Any, *, only_conflict: bool = True) -> None:
    """The explanation says it is verified and minimal, and it is: its facts cannot all
    hold, and with any one of them left out the rest can. ``only_conflict``: the visit has
    no other conflict, so with any one fact of the explanation left out, every other fact
    of the visit holds."""
    assert explanation.verified and explanation.minimal
    core = {f.key for f in explanation.facts}
    assert not holds(visit, core)
    for key in core:
        assert holds(visit, core - {key}), f"{key} is not needed"
    if only_conflict:
        everything = set(ModelBuilder(visit, explain=True).build().facts)
        assert not holds(visit, everything)
        for key in core:
            assert holds(visit, everything - {key}), f"without {key} still impossible"


# -- reading plans -----------------------------------------------------------------------


def local(plan: Plan, item_id: str) -> str:
    """'2023-06-12 11:30' (with the offset only where the local time is ambiguous)."""
    planned = plan.item(item_id)
    assert planned is not None and planned.start is not None, f"{item_id} is not scheduled"
    return str(planned.start)


def utc(plan: Plan, item_id: str) -> str:
    planned = plan.item(item_id)
    assert planned is not None
    start = planned.start_at()
    assert start is not None
    return start.in_timezone("UTC").strftime("%Y-%m-%d %H:%M")


def status(plan: Plan, item_id: str) -> Status:
    planned = plan.item(item_id)
    assert planned is not None
    return planned.status


def moved_to(visit: Visit, plan: Plan, item_id: str, start: str, venue: str | None = None) -> Plan:
    """The plan with one item moved by hand to ``start`` (local, at ``venue``)."""
    planned = plan.item(item_id)
    assert planned is not None
    where = venue or planned.venue
    assert where is not None
    zone = visit.venue_zone(where)
    begin = WallTime.parse(start)
    end = begin.resolve(zone).add(minutes=visit.item[item_id].duration)
    new = planned.model_copy(
        update={
            "start": begin,
            "end": WallTime(end.naive()),
            "timezone": zone,
            "venue": where,
        }
    )
    return plan.model_copy(
        update={"items": tuple(new if i.id == item_id else i for i in plan.items)}
    )


def decides(
    tmp_path: Path,
    with_rule: dict[str, Any],
    without_rule: dict[str, Any],
    item_id: str,
    *,
    tight: str,
    forbidden: str,
    rule: str,
    venue: str | None = None,
) -> None:
    """With the rule the item starts exactly at ``tight``; without it, at ``forbidden``;
    and a plan with the item at ``forbidden`` breaks exactly ``rule``."""
    visit = load(tmp_path, with_rule, "with.yaml")
    plan = solved(visit)
    assert local(plan, item_id) == tight
    free = solved(load(tmp_path, without_rule, "without.yaml"))
    assert local(free, item_id) == forbidden, "the rule was not what decided"
    assert broken(visit, moved_to(visit, plan, item_id, forbidden, venue)) == {rule}


def broken(visit: Visit, plan: Plan) -> set[str]:
    """The rules (validator names) a plan breaks."""
    return {v.rule for v in validate_plan(visit, plan) if v.severity == "error"}


def located(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """``planner explain``'s facts: text -> the line of the file it is cited at."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert main(["explain", str(path), "--time-limit", "10"]) == 1
    out = capsys.readouterr().out
    found = re.findall(rf"^  {re.escape(str(path))}:(\d+):(\d+): (.*)$", out, re.M)
    assert found, out
    return {text: lines[int(line) - 1].strip() for line, _col, text in found}


# -- reading and changing a plan ---------------------------------------------------------


def planned_in(plan: Plan, item_id: str) -> PlannedItem:
    """The item as the plan has it."""
    return next(p for p in plan.items if p.id == item_id)


def replaced(plan: Plan, *changed: PlannedItem) -> Plan:
    """The plan with these items instead of its own (a hand-made plan, for the validator)."""
    by_id = {p.id: p for p in changed}
    return plan.model_copy(update={"items": tuple(by_id.get(p.id, p) for p in plan.items)})


def hm(wall: WallTime | None) -> str:
    """'HH:MM' of a planned time."""
    assert wall is not None
    return wall.local.strftime("%H:%M")
