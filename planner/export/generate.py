"""`planner generate`: every output of one or more visits, written all at once.

For each visit the up-to-date plan is reused, or the visit is solved (changing the
previous plan as little as possible) and the plan file written. Then everything is built
in memory and written into a fresh folder beside OUT (``.OUT.new-XXXX``), which is
exchanged with OUT in one atomic step: a run that fails, or is killed at any moment,
leaves the previous OUT or the new one in place, complete.

A run holds OUT's writers' lock, then each visit's (``planner.journal.writing``): two
runs into one OUT, or a run and an edit of one of its visits, take turns.

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

from planner import atomic, journal, lock
from planner.crashpoint import reached
from planner.export import planjson
from planner.export.tiers import DELEGATION, FULL, PUBLIC, Index, for_person, slug
from planner.model.visit import Visit
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


def _staging_folders(out: Path, kind: str) -> list[Path]:
    """The folders beside ``out`` that runs writing it make: ``new`` (being written, or
    the old content after the exchange) or ``old`` (moved aside), oldest first."""
    name = "".join(f"[{c}]" if c in "*?[]" else c for c in out.name)
    found = [p for p in out.parent.glob(f".{name}.{kind}-*") if p.is_dir()]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def recover_tree(out: Path) -> list[str]:
    """Put back the folder ``out`` if a killed run left it moved aside, and remove the
    staging folders killed runs left; returns what was done. The caller holds ``out``'s
    writers' lock, so no live run owns them."""
    out = out.resolve()
    if not out.parent.is_dir():
        return []
    notes = []
    aside = _staging_folders(out, "old")
    if aside and not os.path.lexists(out):
        os.replace(aside.pop(), out)  # the newest: the output of the last complete run
        atomic.fsync_dir(out.parent)
        notes.append(f"put {out.name}/ back: a killed run had moved it aside")
    left = aside + _staging_folders(out, "new")
    for folder in left:
        shutil.rmtree(folder, ignore_errors=True)
    if left:
        what = "folder" if len(left) == 1 else "folders"
        notes.append(f"removed {len(left)} staging {what} of {out.name}/ left by killed runs")
    return notes


def _sync_tree(root: Path) -> None:
    for folder, _, _ in os.walk(root):
        atomic.fsync_dir(Path(folder))


def write_tree(out: Path, files: dict[str, bytes]) -> None:
    """Replace the folder ``out`` by exactly ``files``: written in full beside it, then
    exchanged with it in one atomic step (Linux ``renameat2``). Where the system cannot
    exchange two folders, ``out`` is moved aside and the new folder moved in: a kill
    between the two leaves the old folder aside, and the next run (``recover_tree``)
    puts it back. The caller holds ``out``'s writers' lock."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(out) and not out.is_dir():
        raise GenerateError(f"{out} is a file, not a folder: not replaced (name another)")
    reached("tree.begin")
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
        _sync_tree(staging)
        reached("tree.staged")
        if not out.exists():
            os.rename(staging, out)
            atomic.fsync_dir(out.parent)
            return
        if atomic.exchange(staging, out):  # staging now holds the old folder
            atomic.fsync_dir(out.parent)
            reached("tree.swapped")
            shutil.rmtree(staging, ignore_errors=True)
            return
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rmdir(old)
        os.replace(out, old)
        reached("tree.half")
        os.replace(staging, out)
        atomic.fsync_dir(out.parent)
        reached("tree.swapped")
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
    on_note: Callable[[str], None] | None = None,
) -> list[VisitOutput]:
    """Plan (or reuse the plan of) each visit and write all outputs into ``out``.
    Raises VisitFileError for an invalid visit and GenerateError otherwise; ``out`` is
    untouched then. Holds ``out``'s writers' lock, then each visit's, throughout (raises
    planner.lock.Busy when another writer holds one too long); ``on_note`` hears what
    was found on the way (a killed run's leftovers put right, the terminal UI open)."""
    out = Path(out)
    made = [p for p in (out.parent, *out.parent.parents) if not p.exists()]
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with contextlib.ExitStack() as held:
            held.enter_context(lock.exclusive(out, f"planner generate into {out.name}/"))
            notes = recover_tree(out)
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
            return _generate(visit_files, out, plan_files, guards, time_limit, on_visit)
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
) -> list[VisitOutput]:
    loaded = [load_visit(path) for path in visit_files]  # all valid, or nothing happens
    ids = [item.visit.id for item in loaded]
    if len(set(ids)) != len(ids):
        raise GenerateError("two visit files have the same visit id; give each its own")
    results: list[VisitOutput] = []
    files: dict[str, bytes] = {}
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
        if on_visit is not None:
            on_visit(result)
    write_tree(out, files)
    return results
