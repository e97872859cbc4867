"""One pipeline for every output: load → plan → validate → write (`planner generate`,
the terminal UI's export).

For each visit the up-to-date plan is reused, or the visit is solved (changing the
previous plan as little as possible), checked by the independent validator, and the plan
file written. Then every output is rendered in memory (``planner.export.outputs``, which
only renders) and written into a fresh folder beside OUT (``.OUT.new-XXXX``), exchanged
with OUT in one atomic step (``planner.output_folder``): a run that fails, or is killed
at any moment, leaves the previous OUT or the new one in place, complete. With several
visits, each gets a folder of its own in OUT, named after its id.

The protocol office's off-record copy (every item, the off-record ones too) is written
only when asked for by name (``off_record``, `planner generate --off-record DIR`), into a
folder of its own that is neither OUT nor in it, nor holds it, the same way.

A run holds OUT's writers' lock, then each visit's (``planner.journal.writing``): two
runs into one OUT, or a run and an edit of one of its visits, take turns.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from planner import journal, lock
from planner.export import planjson
from planner.export.outputs import build, build_off_record
from planner.export.tiers import slug
from planner.model.visit import Visit
from planner.output_folder import OutputFolderError, recover_tree, write_tree
from planner.plan import Plan, PlanFileError, fingerprint, plan_path, plan_yaml, read_plan
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


def current_plan(
    loaded: LoadedVisit, plan_file: Path, time_limit: float, guard: journal.Guard
) -> tuple[Plan, bool]:
    """The visit's plan: the plan file if it was made from this very visit, else a new
    solve that changes the previous plan as little as possible (written to the file,
    unless it changed since it was read: ``guard`` holds the visit's lock)."""
    from planner.schedule.explain import render
    from planner.schedule.solve import solve
    from planner.validate import validate_plan

    previous: Plan | None = None
    plan_read = journal.Snapshot(plan_file, None)
    if plan_file.is_file():
        try:
            read, plan_read = journal.read_steady(
                plan_file, lambda p: read_plan(p, loaded.visit.id)
            )
        except PlanFileError as exc:
            raise GenerateError(f"{exc}\n(fix or remove the plan file)") from None
        if read.fingerprint == fingerprint(loaded.visit):
            return read, False
        previous = read
    outcome = solve(loaded.visit, previous, time_limit=time_limit, reason="generate")
    if outcome.plan is None:
        text = (
            render(outcome.explanation, loaded.locate)
            if outcome.explanation
            else outcome.without_plan(time_limit)
        )
        raise GenerateError(f"{loaded.path}: {text}", exit_code=1)
    errors = [v for v in validate_plan(loaded.visit, outcome.plan) if v.severity == "error"]
    if errors:
        raise GenerateError(f"the solver's plan breaks a rule (a bug): {errors[0]}", 3)
    if outcome.plan is not previous:
        guard.commit([(plan_file, plan_yaml(outcome.plan).encode("utf-8"))], [plan_read])
    return outcome.plan, True


def _previous_export(out: Path, prefix: str) -> planjson.PlanExport | None:
    """The plan.json the previous run of this output folder wrote (its plan, its
    notices), if it can be read."""
    path = out / prefix / "plan.json" if prefix else out / "plan.json"
    try:
        return planjson.read_export(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


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
    on_note: Callable[[str], None] | None = None,
    off_record: Path | None = None,
) -> list[VisitOutput]:
    """Plan (or reuse the plan of) each visit and write all outputs into ``out``.
    Raises VisitFileError for an invalid visit and GenerateError otherwise; ``out`` is
    untouched then. Holds ``out``'s writers' lock, then each visit's, throughout (raises
    planner.lock.Busy when another writer holds one too long); ``on_note`` hears what
    was found on the way (a killed run's leftovers put right, the terminal UI open)."""
    out = Path(out)
    if off_record is not None:
        office, folder = Path(off_record).resolve(), out.resolve()
        if office == folder or folder in office.parents or office in folder.parents:
            raise GenerateError(
                f"the off-record copy goes into a folder of its own: {off_record} is "
                f"{'the output folder' if office == folder else 'in or around it'} ({out}); "
                "name another"
            )
    made = [p for p in (out.parent, *out.parent.parents) if not p.exists()]
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with contextlib.ExitStack() as held:
            held.enter_context(lock.exclusive(out, f"planner generate into {out.name}/"))
            notes = recover_tree(out)
            if off_record is not None:
                Path(off_record).parent.mkdir(parents=True, exist_ok=True)
                held.enter_context(
                    lock.exclusive(off_record, f"planner generate --off-record {off_record}")
                )
                notes += recover_tree(off_record)
            plan_files = {
                path: (plans / plan_path(path).name) if plans else plan_path(path)
                for path in visit_files
            }
            guards: dict[Path, journal.Guard] = {}
            for path in sorted(set(visit_files), key=lambda p: str(p.resolve())):
                doing = f"planner generate {path.name}"
                guard = held.enter_context(journal.writing(path, doing, also=(plan_files[path],)))
                guards[path] = guard
                notes += guard.notes
            for note in notes:
                if on_note is not None:
                    on_note(note)
            return _generate(visit_files, out, plan_files, guards, time_limit, on_visit, off_record)
    except BaseException:
        for folder in made:  # folders made for nothing
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _generate(
    visit_files: list[Path],
    out: Path,
    plan_files: dict[Path, Path],
    guards: dict[Path, journal.Guard],
    time_limit: float,
    on_visit: Callable[[VisitOutput], None] | None,
    off_record: Path | None = None,
) -> list[VisitOutput]:
    loaded = [load_visit(path) for path in visit_files]  # all valid, or nothing happens
    ids = [item.visit.id for item in loaded]
    if len(set(ids)) != len(ids):
        raise GenerateError("two visit files have the same visit id; give each its own")
    results: list[VisitOutput] = []
    files: dict[str, bytes] = {}
    office: dict[str, bytes] = {}
    for item, path in zip(loaded, visit_files, strict=True):
        plan_file = plan_files[path]
        plan, solved = current_plan(item, plan_file, time_limit, guards[path])
        prefix = "" if len(loaded) == 1 else slug(item.visit.id, "visit")
        previous = _previous_export(out, prefix)
        built = build(item.visit, plan, previous)
        result = VisitOutput(item.visit, plan, plan_file, solved, built)
        results.append(result)
        for relative, data in built.items():
            files[f"{prefix}/{relative}" if prefix else relative] = data
        if off_record is not None:
            for relative, data in build_off_record(item.visit, plan).items():
                office[f"{prefix}/{relative}" if prefix else relative] = data
        if on_visit is not None:
            on_visit(result)
    try:
        write_tree(out, files)
        if off_record is not None:
            write_tree(off_record, office)
    except OutputFolderError as exc:
        raise GenerateError(str(exc)) from None
    return results
