"""The `planner` command.

Built on argparse (standard library): `planner check` must start fast, and argparse costs
nothing to import. Each verb imports what it needs when it runs, so heavy modules (ortools,
textual) load only for the verbs that use them.

Exit codes: 0 success, 1 no plan exists (solve/explain) or the plan is invalid, 2 invalid
input or usage, 3 an internal error (a bug: please report it), 4 not written to keep
someone else's work (another writer held the visit too long, or a file changed since it
was read): nothing was written, try again.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # types only: the verbs import what they need when they run
    from planner.disclosure import Audience
    from planner.journal import Guard
    from planner.model.visit import Visit
    from planner.plan import Plan
    from planner.schedule.solve import SolveOutcome
    from planner.visitfile import LoadedVisit

EXIT_OK = 0
EXIT_NO_PLAN = 1
EXIT_INVALID = 2
EXIT_INTERNAL = 3
EXIT_BUSY = 4  # another writer held the visit, or a file changed meanwhile: nothing written


class _Terminal:
    """An output stream that shows every control character escaped
    (``planner.model.text.printable``, line breaks kept): a file name, a value quoted in a
    message or an error of the operating system never reaches a terminal as a control
    sequence, nor splits a line. The planner's own sequences (the progress line) go
    through ``control``."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from planner.model.text import printable

        self._stream.write(printable(text))
        return len(text)

    def control(self, text: str) -> None:
        self._stream.write(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _erase_line(stream: TextIO) -> None:
    """Clears the progress line (a sequence of the planner's own, not escaped)."""
    getattr(stream, "control", stream.write)("\r\x1b[2K")


def _print_diagnostics(diagnostics: Sequence[object], stream: TextIO) -> None:
    for d in diagnostics:
        print(d, file=stream)


def _expand(paths: Sequence[str]) -> list[Path]:
    """Visit files named, and every visit file in named folders."""
    result: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            result.extend(
                p
                for p in sorted(path.glob("*.y*ml"))
                if p.suffix in (".yaml", ".yml")
                and not p.name.endswith((".plan.yaml", ".plan.yml"))
            )
        else:
            result.append(path)
    return result


def cmd_check(args: argparse.Namespace) -> int:
    from planner.model.text import printable
    from planner.summary import summarize

    paths = _expand(args.visits)
    if not paths:
        print("planner check: no visit files found", file=sys.stderr)
        return EXIT_INVALID
    status = EXIT_OK
    for n, path in enumerate(paths):
        loaded = _load_or_report(path)
        if loaded is None:
            status = EXIT_INVALID
            continue
        if args.quiet:
            print(f"{printable(str(path), keep='')}: valid")  # a file found in a folder
        else:
            if n:
                print()
            print(summarize(loaded))
    return status


def cmd_schema(args: argparse.Namespace) -> int:
    from planner.schema import visit_schema_json

    text = visit_schema_json()
    if args.output:
        from planner.atomic import write_text

        write_text(Path(args.output), text)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from planner.plan import PlanFileError, Status, plan_path, read_plan
    from planner.validate import validate_plan

    visit_path = Path(args.visit)
    path = Path(args.plan) if args.plan else plan_path(visit_path)
    with _consistent(args, visit_path, path):  # not in the middle of another's write
        loaded = _load_or_report(visit_path)
        plan = None
        if loaded is not None and path.is_file():
            try:
                plan = read_plan(path)
            except PlanFileError as exc:
                print(exc, file=sys.stderr)
                return EXIT_INVALID
    if loaded is None:
        return EXIT_INVALID
    if plan is None:
        print(
            f"planner validate: no plan at {path}; make one with 'planner solve {visit_path}' "
            "or name the plan file",
            file=sys.stderr,
        )
        return EXIT_INVALID
    violations = validate_plan(loaded.visit, plan)
    for violation in violations:
        print(violation)
    errors = sum(1 for v in violations if v.severity == "error")
    if errors:
        print(_invalid(path, errors), file=sys.stderr)
        return EXIT_NO_PLAN
    counts = {status: sum(1 for i in plan.items if i.status is status) for status in Status}
    print(
        f"plan valid: {counts[Status.SCHEDULED]} items scheduled, {counts[Status.DROPPED]} "
        f"dropped, {counts[Status.CANCELLED]} cancelled"
    )
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    from planner.model.text import printable
    from planner.plan import PlanFileError, plan_path
    from planner.review import CHECKS, counts, review

    visit_path = Path(args.visit)
    path = Path(args.plan) if args.plan else plan_path(visit_path)
    with _consistent(args, visit_path, path):  # not in the middle of another's write
        loaded = _load_or_report(visit_path)
        if loaded is None:
            return EXIT_INVALID
        if not path.is_file() and not args.plan:
            print(
                f"planner review: no plan at {path}; make one with 'planner solve "
                f"{visit_path}' or name the plan file",
                file=sys.stderr,
            )
            return EXIT_INVALID
        try:
            plan = _read_any_plan(path)
        except PlanFileError as exc:
            print(f"planner review: {exc}", file=sys.stderr)
            return EXIT_INVALID
    if plan.visit != loaded.visit.id:
        print(
            f"planner review: {path} is a plan of visit '{plan.visit}', not of "
            f"'{loaded.visit.id}' ({visit_path})",
            file=sys.stderr,
        )
        return EXIT_INVALID
    concerns = review(loaded.visit, plan)
    for concern in concerns:
        when = f"{concern.at:%a %-d %b %H:%M}"
        print(printable(f"{when}  {CHECKS[concern.check]}: {concern.text}", keep=""))
    if not concerns:
        print("review: nothing a protocol officer would question")
        return EXIT_OK
    found = counts(concerns)
    total = sum(found.values())
    print(
        f"review: {total} thing{'s' if total != 1 else ''} to look at ("
        + ", ".join(f"{n} {CHECKS[check]}" for check, n in found.items())
        + ")"
    )
    return EXIT_NO_PLAN


def _read_any_plan(path: Path) -> Plan:
    """A plan file (*.plan.yaml) or a plan.json written by 'planner generate'; raises
    PlanFileError saying why it cannot be read."""
    from planner.plan import PlanFileError, read_plan

    if not path.is_file():
        raise PlanFileError(f"{path}: no such file")
    if path.suffix == ".json":
        from planner.export.planjson import read_plan as read_plan_json

        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PlanFileError(f"{path}: cannot be read ({exc})") from None
        plan = read_plan_json(text)
        if plan is None:
            raise PlanFileError(f"{path}: not a plan.json written by 'planner generate'")
        return plan
    return read_plan(path)


def cmd_diff(args: argparse.Namespace) -> int:
    from planner.export.changes import changes_text
    from planner.plan import PlanFileError

    old_path, new_path = Path(args.old), Path(args.new)
    try:
        old, new = _read_any_plan(old_path), _read_any_plan(new_path)
    except PlanFileError as exc:
        print(f"planner diff: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if args.visit:
        visit_path = Path(args.visit)
    elif new_path.name.endswith((".plan.yaml", ".plan.yml")):
        name = new_path.name.rsplit(".plan.", 1)[0]
        beside = [new_path.with_name(f"{name}{s}") for s in (".yaml", ".yml")]
        visit_path = next((p for p in beside if p.is_file()), beside[0])
    else:
        print(
            f"planner diff: {new_path} has no visit file beside it (only NAME.plan.yaml has "
            "NAME.yaml); name the visit with --visit VISIT",
            file=sys.stderr,
        )
        return EXIT_INVALID
    if not visit_path.is_file():
        print(
            f"planner diff: no visit file at {visit_path}; name it with --visit VISIT",
            file=sys.stderr,
        )
        return EXIT_INVALID
    loaded = _load_or_report(visit_path)
    if loaded is None:
        return EXIT_INVALID
    for path, plan in ((old_path, old), (new_path, new)):
        if plan.visit != loaded.visit.id:
            print(
                f"planner diff: {path} is a plan of visit '{plan.visit}', not of "
                f"'{loaded.visit.id}' ({visit_path})",
                file=sys.stderr,
            )
            return EXIT_INVALID
    audience = _reader(loaded.visit, args.reader)
    if audience is None:
        from planner.model.base import did_you_mean

        names = ["public", "delegation", "full", "off-record", *(p.id for p in loaded.visit.people)]
        print(
            f"planner diff: no reader '{args.reader}': name public, delegation, full or the "
            f"id of a person of the visit{did_you_mean(args.reader, names)}",
            file=sys.stderr,
        )
        return EXIT_INVALID
    sys.stdout.write(changes_text(loaded.visit, old, new, audience))
    return EXIT_OK


def _reader(visit: Visit, name: str | None) -> Audience | None:
    """The reader ``planner diff --for`` names: a group, or a person by id."""
    from planner.disclosure import OFFICE
    from planner.export.tiers import FULL, GROUPS, for_person

    if name is None:
        return FULL
    if name == OFFICE.key:  # the office's off-record copy: asked for by name only
        return OFFICE
    for group in GROUPS:
        if name == group.key:
            return group
    person = visit.person.get(name)
    return for_person(person) if person is not None else None


def _load_or_report(path: Path) -> LoadedVisit | None:
    """The loaded visit, or None after printing its problems to stderr."""
    from planner.visitfile import VisitFileError, load_visit

    try:
        return load_visit(path)
    except VisitFileError as exc:
        _print_diagnostics(exc.diagnostics, sys.stderr)
        count = sum(1 for d in exc.diagnostics if d.severity == "error")
        print(_invalid(path, count), file=sys.stderr)
        return None


def _invalid(path: Path, errors: int) -> str:
    from planner.model.text import printable

    return f"{printable(str(path), keep='')}: invalid ({errors} error{'s' if errors != 1 else ''})"


def _check_plan(visit: Visit, plan: Plan) -> bool:
    """The independent validator's verdict on a plan the solver made; prints violations."""
    from planner.validate import validate_plan

    errors = [v for v in validate_plan(visit, plan) if v.severity == "error"]
    for violation in errors:
        print(f"planner: the solver's plan breaks a rule (a bug): {violation}", file=sys.stderr)
    return not errors


def _dropped(visit: Visit, dropped: Sequence[str]) -> str:
    from planner.schedule.goals import DEFAULT_PRIORITY

    items = [visit.item[i] for i in dropped if i in visit.item]
    return "Dropped optional items: " + "; ".join(
        f"{i.title} (priority {i.priority or DEFAULT_PRIORITY})" for i in items
    )


def _solve_report(outcome: SolveOutcome) -> str:
    gap = outcome.gap
    text = f"Solve: {outcome.status} in {outcome.seconds:.2f} s"
    if outcome.objective is not None:
        text += f" (objective {outcome.objective}, bound {outcome.bound}"
        text += f", gap {gap * 100:.1f} %)" if gap is not None else ")"
    return text


@contextmanager
def _writing(args: argparse.Namespace, visit: Path, plan: Path) -> Iterator[Guard]:
    """Hold the visit's writers' lock (see planner.journal) and say what was found."""
    from planner.journal import writing

    doing = f"planner {args.command} {visit.name}"
    if getattr(args, "item", None):
        doing = f"planner {args.command} {args.item}"
        if getattr(args, "to", None):
            doing += f" --to '{args.to}'"
        doing += f" in {visit.name}"
    with writing(visit, doing, also=(plan,)) as guard:
        for note in guard.notes:
            print(f"planner {args.command}: {note}", file=sys.stderr)
        yield guard


@contextmanager
def _consistent(args: argparse.Namespace, visit: Path, plan: Path) -> Iterator[None]:
    """For a reader of a visit and its plan: not in the middle of another's write."""
    from planner.journal import consistent

    with consistent(visit, f"planner {args.command} {visit.name}", also=(plan,)) as notes:
        for note in notes:
            print(f"planner {args.command}: {note}", file=sys.stderr)
        yield


def cmd_solve(args: argparse.Namespace) -> int:
    from planner.plan import plan_path

    path = Path(args.visit)
    out = Path(args.plan) if args.plan else plan_path(path)
    with _writing(args, path, out) as guard:  # read, solve and write under the lock
        return _solve(args, path, out, guard)


def _solve(args: argparse.Namespace, path: Path, out: Path, guard: Guard) -> int:
    from planner.export.programme import terminal_programme
    from planner.journal import read_steady
    from planner.plan import PlanFileError, plan_yaml, read_plan
    from planner.schedule.explain import render
    from planner.schedule.solve import solve, terminal_progress

    loaded = _load_or_report(path)
    if loaded is None:
        return EXIT_INVALID
    previous = None
    plan_read = None
    if out.is_file():
        try:
            previous, plan_read = read_steady(out, lambda p: read_plan(p, loaded.visit.id))
        except PlanFileError as exc:
            print(
                f"{exc}\n(fix or remove the plan file, or write elsewhere with --plan)",
                file=sys.stderr,
            )
            return EXIT_INVALID
    progress = terminal_progress()
    outcome = solve(
        loaded.visit, previous, fresh=args.fresh, time_limit=args.time_limit, progress=progress
    )
    if progress is not None:
        _erase_line(sys.stderr)
    if outcome.plan is None:
        if outcome.explanation is not None:
            print(render(outcome.explanation, loaded.locate))
        else:
            print(outcome.without_plan(args.time_limit))
        print(f"Nothing was written. {_solve_report(outcome)}", file=sys.stderr)
        return EXIT_NO_PLAN
    if not _check_plan(loaded.visit, outcome.plan):
        return EXIT_INTERNAL
    if outcome.plan is not previous:
        from planner.journal import Snapshot

        expected = plan_read or Snapshot(out, None)
        guard.commit([(out, plan_yaml(outcome.plan).encode("utf-8"))], [expected])
    print(terminal_programme(loaded.visit, outcome.plan))
    if outcome.dropped:
        print(_dropped(loaded.visit, outcome.dropped))
    if previous is not None and outcome.plan is not previous:
        from planner.edit_report import report

        changes = report(loaded.visit, previous, outcome.plan)
        print(
            "Changes since the previous plan:" if changes else "No changes since the previous plan."
        )
        for change in changes:
            print(f"  {change}")
    if outcome.note:
        print(f"Note: {outcome.note}.")
    print("Soft goals:")
    for line in outcome.scores:
        print(f"  {line}")
    print(_solve_report(outcome))
    state = "unchanged" if outcome.plan is previous else f"version {outcome.plan.version}"
    print(f"Plan: {out} ({state})")
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from planner.schedule.explain import explain, render

    loaded = _load_or_report(Path(args.visit))
    if loaded is None:
        return EXIT_INVALID
    explanation = explain(loaded.visit, time_limit=args.time_limit)
    print(render(explanation, loaded.locate))
    return EXIT_NO_PLAN if explanation.facts else EXIT_OK


def cmd_edit(args: argparse.Namespace) -> int:
    from planner.plan import plan_path

    path = Path(args.visit)
    out = Path(args.plan) if args.plan else plan_path(path)
    with _writing(args, path, out) as guard:  # read, re-plan and write under the lock
        return _edit(args, out, guard)


def _edit(args: argparse.Namespace, out: Path, guard: Guard) -> int:
    from planner.plan import PlanFileError, Status, plan_yaml
    from planner.schedule.edits import Edit, run_edit
    from planner.schedule.explain import render
    from planner.schedule.solve import terminal_progress
    from planner.visitfile import VisitFileError
    from planner.yamledit import EditError

    path = Path(args.visit)
    attendees = getattr(args, "attendees", None)
    edit = Edit(
        action=args.command,
        item=args.item or "",
        to=getattr(args, "to", None),
        duration=getattr(args, "duration", None),
        venue=getattr(args, "venue", None),
        attendees=tuple(a.strip() for a in attendees.split(",") if a.strip())
        if attendees is not None
        else None,
        leg=getattr(args, "leg", None),
        city=getattr(args, "city", None),
        tag=getattr(args, "tag", None),
        reason=getattr(args, "reason", None),
        on=getattr(args, "on", None),
    )
    if not edit.item and not edit.selects:
        print(
            f"planner {args.command}: name an ITEM, or select items with --leg, --city or "
            "--tag; nothing was written",
            file=sys.stderr,
        )
        return EXIT_INVALID
    progress = terminal_progress()
    try:
        result = run_edit(
            path,
            edit,
            plan_file=Path(args.plan) if args.plan else None,
            time_limit=args.time_limit,
            progress=progress,
        )
    except VisitFileError as exc:
        _print_diagnostics(exc.diagnostics, sys.stderr)
        print(f"planner {args.command}: nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except EditError as exc:
        print(f"planner {args.command}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except PlanFileError as exc:
        print(
            f"planner {args.command}: {exc}\n(fix or remove the plan file, or name another "
            "with --plan); nothing was written",
            file=sys.stderr,
        )
        return EXIT_INVALID
    finally:
        if progress is not None:
            _erase_line(sys.stderr)
    outcome = result.outcome
    if outcome.plan is None:
        if outcome.explanation is not None:
            print(render(outcome.explanation, result.loaded.locate))
            print(
                f"planner {args.command}: the edit leaves no possible plan; nothing was written",
                file=sys.stderr,
            )
        else:
            print(outcome.without_plan(args.time_limit))
            print(f"planner {args.command}: nothing was written", file=sys.stderr)
        return EXIT_NO_PLAN
    if not _check_plan(result.loaded.visit, outcome.plan):
        return EXIT_INTERNAL
    guard.commit(  # the plan, then the visit, all or nothing (see planner.journal)
        [(out, plan_yaml(outcome.plan).encode("utf-8")), (path, result.visit_text.encode("utf-8"))],
        result.read,
        may_be_removed=(out,),
    )
    visit = result.loaded.visit
    edit = result.edit
    print(f"{edit.describe()}: done; plan version {outcome.plan.version}")
    if edit.targets:  # a cancel of several items: each of them, as planned before
        _cancelled_report(visit, outcome.plan, edit.targets)
        from planner.edit_report import report

        changes = report(visit, result.previous, outcome.plan, skip=frozenset(edit.targets))
        print("Other changes:" if changes else "No other changes.")
        for line in changes:
            print(f"  {line}")
        if outcome.dropped:
            print(_dropped(visit, outcome.dropped))
        return EXIT_OK
    new_item = outcome.plan.item(edit.item)
    if new_item is not None and new_item.start is not None and edit.item in visit.item:
        state = "cancelled, was " if new_item.status is Status.CANCELLED else ""
        print(
            f"  {visit.item[edit.item].title}: {state}{new_item.start} – {new_item.end} "
            f"at {visit.venue[new_item.venue or visit.item[edit.item].venues[0]].name}"
        )
    from planner.edit_report import report

    changes = report(visit, result.previous, outcome.plan, skip=frozenset({edit.item}))
    if result.previous is None:
        print(f"No plan existed: {changes[0]}.")
    elif changes:
        print("Other changes:")
        for line in changes:
            print(f"  {line}")
    else:
        print("No other changes.")
    if outcome.dropped:
        print(_dropped(visit, outcome.dropped))
    return EXIT_OK


def _cancelled_report(visit: Visit, plan: Plan, targets: Sequence[str]) -> None:
    """'Cancelled 3 items (reason):' and each with the time and place it had."""
    from planner.export.programme import hm

    first = visit.item[targets[0]].cancellation
    why = f" ({first.reason})" if first is not None else ""
    print(f"Cancelled {len(targets)} item{'s' if len(targets) != 1 else ''}{why}:")
    for item_id in targets:
        item, planned = visit.item[item_id], plan.item(item_id)
        start = planned.start_at() if planned is not None else None
        if planned is None or start is None:
            print(f"  {item.title} (never scheduled)")
            continue
        zone = planned.timezone or visit.timezone
        venue = visit.venue.get(planned.venue or item.venues[0])
        where = f" at {venue.name}" if venue is not None else ""
        local = start.in_timezone(zone)
        print(f"  {item.title}: was {local.day} {local:%B} {hm(local)}{where}")


def cmd_generate(args: argparse.Namespace) -> int:
    from planner.pipeline import GenerateError, VisitOutput, generate
    from planner.visitfile import VisitFileError

    paths = _expand(args.visits)
    if not paths:
        print("planner generate: no visit files found", file=sys.stderr)
        return EXIT_INVALID
    out = Path(args.output)

    def report(result: VisitOutput) -> None:
        from planner.plan import on_record

        how = "solved" if result.solved else "up to date"
        version = on_record(result.plan).version  # (versions off the record: the office's)
        print(f"{result.visit.id}: plan version {version} ({how}, {result.plan_file})")

    try:
        results = generate(
            paths,
            out,
            plans=Path(args.plans) if args.plans else None,
            time_limit=args.time_limit,
            on_visit=report,
            on_note=lambda note: print(f"planner generate: {note}", file=sys.stderr),
            off_record=Path(args.off_record) if args.off_record else None,
        )
    except VisitFileError as exc:
        _print_diagnostics(exc.diagnostics, sys.stderr)
        print(f"planner generate: nothing was written to {out}", file=sys.stderr)
        return EXIT_INVALID
    except GenerateError as exc:
        print(exc, file=sys.stderr)
        print(f"planner generate: nothing was written to {out}", file=sys.stderr)
        return exc.exit_code
    if args.print_programme and len(results) == 1:
        from planner.export.programme import terminal_programme

        print()
        print(
            terminal_programme(
                results[0].visit, results[0].plan, off_record=args.off_record is not None
            )
        )
    print(f"Wrote {out}/:")
    for result in results:
        for relative in sorted(result.files):
            prefix = "" if len(results) == 1 else f"{result.visit.id}/"
            print(f"  {prefix}{relative}")
    if args.off_record:
        print(f"Wrote the off-record copy (not for distribution) to {args.off_record}/")
    return EXIT_OK


def cmd_tui(args: argparse.Namespace) -> int:
    from planner.visitfile import VisitFileError
    from planner.yamledit import EditError

    path = Path(args.visit)
    try:
        import tui  # the terminal UI: textual loads only for this verb
    except ImportError as exc:
        print(f"planner tui: the terminal UI is not installed ({exc})", file=sys.stderr)
        return EXIT_INTERNAL
    try:
        return tui.main(path, plan_file=Path(args.plan) if args.plan else None, theme=args.theme)
    except VisitFileError as exc:
        _print_diagnostics(exc.diagnostics, sys.stderr)
        print(f"{path}: invalid; fix it before opening it in the terminal UI", file=sys.stderr)
        return EXIT_INVALID
    except EditError as exc:
        print(f"planner tui: {exc}", file=sys.stderr)
        return EXIT_INVALID


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planner",
        description="Plan state visits: check visit files, solve programmes, export calendars.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("check", help="validate visit files and print a summary of each")
    p.add_argument("visits", nargs="+", metavar="VISIT", help="visit file(s) or folder(s)")
    p.add_argument("-q", "--quiet", action="store_true", help="only say valid or invalid")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("schema", help="print the JSON Schema of visit files")
    p.add_argument("-o", "--output", metavar="FILE", help="write it to FILE instead")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("validate", help="check a plan against the scheduling rules")
    p.add_argument("visit", metavar="VISIT", help="visit file")
    p.add_argument(
        "plan", nargs="?", metavar="PLAN", help="plan file (default: VISIT's NAME.plan.yaml)"
    )
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser(
        "review", help="list what a protocol officer would question in a plan (no rule broken)"
    )
    p.add_argument("visit", metavar="VISIT", help="visit file")
    p.add_argument(
        "plan",
        nargs="?",
        metavar="PLAN",
        help="plan file or plan.json (default: VISIT's NAME.plan.yaml)",
    )
    p.set_defaults(func=cmd_review)

    p = sub.add_parser(
        "diff", help="say what changed between two plans (for everyone, or for one reader)"
    )
    p.add_argument("old", metavar="OLD_PLAN", help="plan file (*.plan.yaml) or plan.json")
    p.add_argument("new", metavar="NEW_PLAN", help="plan file (*.plan.yaml) or plan.json")
    p.add_argument(
        "--visit", metavar="VISIT", help="visit file (default: NAME.yaml beside NAME.plan.yaml)"
    )
    p.add_argument(
        "--for",
        dest="reader",
        metavar="READER",
        help="what one reader is told: public, delegation, full (the default: the whole "
        "programme and what each person was told, off-record items aside), off-record (the "
        "protocol office's off-record copy) or a person's id",
    )
    p.set_defaults(func=cmd_diff)

    def limited(p: argparse.ArgumentParser, what: str = "the whole run (reading included)") -> None:
        p.add_argument(
            "--time-limit",
            type=float,
            default=10.0,
            metavar="S",
            help=f"seconds {what} may take (default 10)",
        )

    def solving(p: argparse.ArgumentParser) -> None:
        limited(p)
        p.add_argument("--plan", metavar="PATH", help="plan file (default: beside the visit)")

    p = sub.add_parser("solve", help="plan a visit and print the day-by-day programme")
    p.add_argument("visit", metavar="VISIT")
    p.add_argument(
        "--fresh",
        action="store_true",
        help="re-optimise from scratch instead of changing the plan as little as possible",
    )
    solving(p)
    p.set_defaults(func=cmd_solve)

    p = sub.add_parser(
        "generate", help="write programmes, itineraries and calendars of visits into a folder"
    )
    p.add_argument("visits", nargs="+", metavar="VISIT", help="visit file(s) or folder(s)")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="output folder")
    p.add_argument("--plans", metavar="DIR", help="keep plan files here (default: beside visits)")
    limited(p, "the planning of each visit")
    p.add_argument(
        "--print-programme", action="store_true", help="also print the day-by-day programme"
    )
    p.add_argument(
        "--off-record",
        metavar="DIR",
        help="also write the protocol office's off-record copy (every item, the off-record "
        "ones too) into DIR, a folder of its own; no other output holds them",
    )
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("explain", help="say why no plan exists (the facts that conflict)")
    p.add_argument("visit", metavar="VISIT")
    limited(p)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("tui", help="browse and edit a visit's plan in the terminal UI")
    p.add_argument("visit", metavar="VISIT")
    p.add_argument("--plan", metavar="PATH", help="plan file (default: beside the visit)")
    p.add_argument("--theme", metavar="NAME", help="Textual theme (default textual-dark)")
    p.set_defaults(func=cmd_tui)

    p = sub.add_parser("move", help="pin an item at a new local time and re-plan")
    p.add_argument("visit", metavar="VISIT")
    p.add_argument("item", metavar="ITEM")
    p.add_argument("--to", required=True, metavar="'YYYY-MM-DD HH:MM'")
    solving(p)
    p.set_defaults(func=cmd_edit)

    for verb, words in (
        ("pin", "pin an item at its planned time"),
        ("unpin", "let the solver move a pinned item again"),
    ):
        p = sub.add_parser(verb, help=words)
        p.add_argument("visit", metavar="VISIT")
        p.add_argument("item", metavar="ITEM")
        solving(p)
        p.set_defaults(func=cmd_edit)

    p = sub.add_parser(
        "cancel",
        help="cancel an item, or every item of a leg, a city or a tag, as one edit "
        "(calendars will show them cancelled)",
    )
    p.add_argument("visit", metavar="VISIT")
    p.add_argument("item", metavar="ITEM", nargs="?", help="the item (or select by --leg…)")
    p.add_argument("--leg", metavar="LEG", help="the items of this leg of the tour (its id)")
    p.add_argument("--city", metavar="CITY", help="the items in this city (its id or name)")
    p.add_argument("--tag", metavar="TAG", help="the items with this tag")
    p.add_argument("--reason", metavar="TEXT", help="why it was called off (shown with it)")
    p.add_argument("--on", metavar="YYYY-MM-DD", help="when it was called off (default today)")
    solving(p)
    p.set_defaults(func=cmd_edit)

    p = sub.add_parser("set", help="change an item's duration, venue or attendees and re-plan")
    p.add_argument("visit", metavar="VISIT")
    p.add_argument("item", metavar="ITEM")
    p.add_argument("--duration", type=int, metavar="MIN")
    p.add_argument("--venue", metavar="ID")
    p.add_argument("--attendees", metavar="ID,ID,…", help="the required attendees, comma-separated")
    solving(p)
    p.set_defaults(func=cmd_edit)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Terminal(sys.stdout), _Terminal(sys.stderr)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = streams


# verbs whose --time-limit bounds the whole run, from reading the visit on (generate's
# bounds the planning of each visit it is given)
_WHOLE_VERB_LIMITED = frozenset({"solve", "explain", "move", "pin", "unpin", "cancel", "set"})

_PATH_ARGUMENTS = ("visits", "visit", "plan", "old", "new", "output", "plans")


def _control_named(args: argparse.Namespace) -> str | None:
    """The first file or folder named on the command line that holds a control character
    (shown escaped), or None."""
    from planner.model.text import CONTROL, printable

    for key in _PATH_ARGUMENTS:
        value = getattr(args, key, None)
        for name in value if isinstance(value, list) else [value]:
            if isinstance(name, str) and CONTROL.search(name):
                return printable(name, keep="")
    return None


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors exit 2, --help exits 0
        return int(exc.code or 0)
    func: Callable[[argparse.Namespace], int] = args.func
    from planner.lock import Refused  # light: the standard library only

    named = _control_named(args)
    if named is not None:
        print(
            f"planner {args.command}: the file name '{named}' holds control characters; "
            "rename the file (such a name would garble or split the lines that name it)",
            file=sys.stderr,
        )
        return EXIT_INVALID
    try:
        if args.command in _WHOLE_VERB_LIMITED:
            from planner import stop  # light: the standard library only

            with stop.within(args.time_limit):  # reading the visit counts too
                return func(args)
        return func(args)
    except Refused as exc:  # another writer's work is kept: nothing was written
        print(f"planner {args.command}: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except KeyboardInterrupt:
        print("planner: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # never a traceback for the user
        if os.environ.get("PLANNER_DEBUG"):
            raise
        print(
            f"planner: internal error ({type(exc).__name__}: {exc}); this is a bug, please "
            "report it with the input (set PLANNER_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
