"""`planner generate`: every output of one or more visits, written all at once.

For each visit the up-to-date plan is reused, or the visit is solved (changing the
previous plan as little as possible) and the plan file written. Then everything is built
in memory and written into a fresh folder beside OUT, which replaces OUT in one rename:
a run that fails leaves the previous OUT as it was.

Layout (one visit; with several, one such folder per visit id):

    programme.md, programme.html     the printable programme (delegation tier)
    people/<slug>.md, <slug>.ics     each person's own items, at their clearance,
    people/<slug>.changes.md         and what changed for them since the previous run
    calendars/public.ics             press and public
    calendars/delegation.ics         the delegation
    calendars/full.ics               the protocol office (restricted)
    changes/public.md                what changed since the previous run: for the press
    changes/delegation.md            and public, for the delegation, and for the
    changes/full.md                  protocol office (everything, and who was told what)
    plan.json, plan.schema.json      the plan, machine-readable (the protocol office's)

Each file holds only what its reader may see (planner.disclosure), and stays byte for
byte as it was unless something its reader can see changed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from planner.export import planjson
from planner.export.tiers import DELEGATION, FULL, PUBLIC, Index, for_person, slug
from planner.model.visit import Visit
from planner.plan import Plan, PlanFileError, fingerprint, plan_path, read_plan, write_plan
from planner.visitfile import LoadedVisit, load_visit


class GenerateError(Exception):
    """A visit that cannot be generated; the message says why (nothing was written)."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class VisitOutput:
    visit: Visit
    plan: Plan
    plan_file: Path
    solved: bool  # False: the plan was up to date and reused
    files: dict[str, bytes] = field(default_factory=dict)


def current_plan(loaded: LoadedVisit, plan_file: Path, time_limit: float) -> tuple[Plan, bool]:
    """The visit's plan: the plan file if it was made from this very visit, else a new
    solve that changes the previous plan as little as possible (written to the file)."""
    from planner.schedule.explain import render
    from planner.schedule.solve import solve
    from planner.validate import validate_plan

    previous: Plan | None = None
    if plan_file.is_file():
        try:
            previous = read_plan(plan_file)
        except PlanFileError as exc:
            raise GenerateError(f"{exc}\n(fix or remove the plan file)") from None
        if previous.fingerprint == fingerprint(loaded.visit):
            return previous, False
    outcome = solve(loaded.visit, previous, time_limit=time_limit, reason="generate")
    if outcome.plan is None:
        text = (
            render(outcome.explanation, loaded.locate)
            if outcome.explanation
            else (f"no plan found within {time_limit} s")
        )
        raise GenerateError(f"{loaded.path}: {text}", exit_code=1)
    errors = [v for v in validate_plan(loaded.visit, outcome.plan) if v.severity == "error"]
    if errors:
        raise GenerateError(f"the solver's plan breaks a rule (a bug): {errors[0]}", 3)
    if outcome.plan is not previous:
        write_plan(plan_file, outcome.plan)
    return outcome.plan, True


def build(
    visit: Visit, plan: Plan, previous: planjson.PlanExport | None = None
) -> dict[str, bytes]:
    """Every output file of one visit, by relative path; ``previous`` is the plan.json of
    the run before (its plan and notices), if any."""
    from planner.export import changes, documents, ical

    files: dict[str, bytes] = {}

    def text(path: str, content: str) -> None:
        files[path] = content.encode("utf-8")

    index = Index(visit, plan)
    if previous is not None and previous.visit_id != plan.visit:
        previous = None
    old = previous.plan if previous is not None else None
    kept = previous.notices if previous is not None else ()
    notices = changes.notices(visit, old, kept, plan)
    text("programme.md", documents.programme_markdown(visit, plan, DELEGATION, index))
    text("programme.html", documents.programme_html(visit, plan, DELEGATION, index))
    for audience, name in ((PUBLIC, "public"), (DELEGATION, "delegation"), (FULL, "full")):
        files[f"calendars/{name}.ics"] = ical.calendar(visit, plan, audience, index)
        text(
            f"changes/{name}.md",
            documents.notice_markdown(visit, notices[audience.key], audience),
        )
    used: set[str] = set()
    for person in visit.people:
        base = slug(person.id, "person")
        name, n = base, 2
        while name in used:
            name, n = f"{base}-{n}", n + 1
        used.add(name)
        audience = for_person(person)
        text(f"people/{name}.md", documents.person_markdown(visit, plan, person, index))
        files[f"people/{name}.ics"] = ical.calendar(visit, plan, audience, index)
        text(
            f"people/{name}.changes.md",
            documents.notice_markdown(visit, notices[audience.key], audience),
        )
    baseline = planjson.baseline_for(previous, plan)
    text("plan.json", planjson.plan_json(visit, plan, baseline, tuple(notices.values())))
    text("plan.schema.json", planjson.schema_json())
    return files


def _previous_export(out: Path, prefix: str) -> planjson.PlanExport | None:
    """The plan.json the previous run of this output folder wrote (its plan, its
    notices), if it can be read."""
    path = out / prefix / "plan.json" if prefix else out / "plan.json"
    try:
        return planjson.read_export(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def write_tree(out: Path, files: dict[str, bytes]) -> None:
    """Replace the folder ``out`` by exactly ``files``, in one rename at the end."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for relative, data in sorted(files.items()):
            target = (staging / relative).resolve()
            if staging not in target.parents:  # a path that would leave the folder
                raise GenerateError(f"refusing to write outside the output folder: {relative}")
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(target, 0o644)
        os.chmod(staging, 0o755)
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.rmdir(old)
            os.replace(out, old)
        os.replace(staging, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
        raise


def summary(results: list[VisitOutput]) -> str:
    """What an export wrote, in one line: the files at the top of the folder by name, the
    others counted per folder and kind ("people/: 14 .changes.md, 14 .ics, 14 .md")."""
    top: list[str] = []
    folders: dict[str, Counter[str]] = {}
    for result in results:
        for relative in result.files:
            folder, _, name = relative.rpartition("/")
            if folder:
                kind = ".changes.md" if name.endswith(".changes.md") else Path(name).suffix
                folders.setdefault(folder, Counter())[kind or name] += 1
            else:
                top.append(name)
    total = len(top) + sum(sum(c.values()) for c in folders.values())
    parts = [", ".join(sorted(top))] if top else []
    parts += [
        f"{folder}/: " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
        for folder, counts in sorted(folders.items())
    ]
    return f"{total} file{'s' if total != 1 else ''}: " + "; ".join(parts)


def generate(
    visit_files: list[Path],
    out: Path,
    *,
    plans: Path | None = None,
    time_limit: float = 10.0,
    on_visit: Callable[[VisitOutput], None] | None = None,
) -> list[VisitOutput]:
    """Plan (or reuse the plan of) each visit and write all outputs into ``out``.
    Raises VisitFileError for an invalid visit and GenerateError otherwise; ``out`` is
    untouched then."""
    loaded = [load_visit(path) for path in visit_files]  # all valid, or nothing happens
    ids = [item.visit.id for item in loaded]
    if len(set(ids)) != len(ids):
        raise GenerateError("two visit files have the same visit id; give each its own")
    results: list[VisitOutput] = []
    files: dict[str, bytes] = {}
    for item in loaded:
        plan_file = (plans / plan_path(item.path).name) if plans else plan_path(item.path)
        plan, solved = current_plan(item, plan_file, time_limit)
        prefix = "" if len(loaded) == 1 else slug(item.visit.id, "visit")
        previous = _previous_export(out, prefix)
        built = build(item.visit, plan, previous)
        result = VisitOutput(item.visit, plan, plan_file, solved, built)
        results.append(result)
        for relative, data in built.items():
            files[f"{prefix}/{relative}" if prefix else relative] = data
        if on_visit is not None:
            on_visit(result)
    write_tree(out, files)
    return results
