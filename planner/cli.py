"""The `planner` command.

Built on argparse (standard library): `planner check` must start fast, and argparse costs
nothing to import. Each verb imports what it needs when it runs, so heavy modules (ortools,
textual) load only for the verbs that use them.

Exit codes: 0 success, 1 no plan exists (solve/explain) or the plan is invalid, 2 invalid
input or usage, 3 an internal error (a bug: please report it).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

EXIT_OK = 0
EXIT_NO_PLAN = 1
EXIT_INVALID = 2
EXIT_INTERNAL = 3


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
                if p.suffix in (".yaml", ".yml") and not p.name.endswith((".plan.yaml", ".plan.yml"))
            )
        else:
            result.append(path)
    return result


def cmd_check(args: argparse.Namespace) -> int:
    from planner.summary import summarize
    from planner.visitfile import VisitFileError, load_visit

    paths = _expand(args.visits)
    if not paths:
        print("planner check: no visit files found", file=sys.stderr)
        return EXIT_INVALID
    status = EXIT_OK
    for n, path in enumerate(paths):
        try:
            loaded = load_visit(path)
        except VisitFileError as exc:
            _print_diagnostics(exc.diagnostics, sys.stderr)
            count = sum(1 for d in exc.diagnostics if d.severity == "error")
            print(f"{path}: invalid ({count} error{'s' if count != 1 else ''})", file=sys.stderr)
            status = EXIT_INVALID
            continue
        if args.quiet:
            print(f"{path}: valid")
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
    from planner.visitfile import VisitFileError, load_visit

    visit_path = Path(args.visit)
    try:
        loaded = load_visit(visit_path)
    except VisitFileError as exc:
        _print_diagnostics(exc.diagnostics, sys.stderr)
        count = sum(1 for d in exc.diagnostics if d.severity == "error")
        print(f"{visit_path}: invalid ({count} error{'s' if count != 1 else ''})", file=sys.stderr)
        return EXIT_INVALID
    path = Path(args.plan) if args.plan else plan_path(visit_path)
    if not path.is_file():
        print(
            f"planner validate: no plan at {path}; make one with 'planner solve {visit_path}' "
            "or name the plan file",
            file=sys.stderr,
        )
        return EXIT_INVALID
    try:
        plan = read_plan(path)
    except PlanFileError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    violations = validate_plan(loaded.visit, plan)
    for violation in violations:
        print(violation)
    errors = sum(1 for v in violations if v.severity == "error")
    if errors:
        print(f"{path}: invalid ({errors} error{'s' if errors != 1 else ''})", file=sys.stderr)
        return EXIT_NO_PLAN
    counts = {status: sum(1 for i in plan.items if i.status is status) for status in Status}
    print(
        f"plan valid: {counts[Status.SCHEDULED]} items scheduled, {counts[Status.DROPPED]} "
        f"dropped, {counts[Status.CANCELLED]} cancelled"
    )
    return EXIT_OK


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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors exit 2, --help exits 0
        return int(exc.code or 0)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
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
