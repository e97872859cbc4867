"""What the tests of the real fixtures share: `planner check` on the file, the facts that
say where they come from, and the planned times of an item."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from planner.model import Provenance, SourceKind, Visit
from planner.plan import Plan, PlannedItem
from tests.conftest import ROOT


def check_output(path: Path) -> str:
    """What `planner check` says of the file, run as a user runs it; it must be valid."""
    script = Path(sys.executable).parent / "planner"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "planner.cli"]
    done = subprocess.run(
        [*command, "check", str(path)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert f"{path}: valid" in out
    return out


def sourced(visit: Visit) -> set[str]:
    """Every item, venue, person, leg, roads entry and residence says where it comes from
    (cited with its reference, or assumed with a reason); the assumed ones."""
    found: list[tuple[str, Provenance | None]] = [
        *((i.id, i.provenance) for i in visit.items),
        *((v.id, v.provenance) for v in visit.venues),
        *((p.id, p.provenance) for p in visit.people),
        *((f"{leg.from_venue}-{leg.to_venue}", leg.provenance) for leg in visit.travel.legs),
        *((r.id, r.provenance) for r in visit.travel.roads),
        *((f"lodging {e.venue}", e.provenance) for e in visit.lodging),
    ]
    assumed = set()
    for what, provenance in found:
        assert provenance is not None, what
        if provenance.source is SourceKind.CITED:
            assert provenance.ref, what
        else:
            assert provenance.source is SourceKind.ASSUMED and provenance.reason, what
            assumed.add(what)
    return assumed


def planned(plan: Plan, item_id: str) -> PlannedItem:
    """The item in the plan, with its start and end."""
    found = plan.item(item_id)
    assert found is not None and found.start is not None and found.end is not None
    return found


def clock(item: PlannedItem, end: str) -> str:
    """Its start (or, with ``end="end"``, its end) as 'YYYY-MM-DD HH:MM' local time."""
    wall = item.end if end == "end" else item.start
    assert wall is not None
    return wall.local.strftime("%Y-%m-%d %H:%M")
