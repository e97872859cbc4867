"""`planner check` must start fast: it never loads the terminal UI (textual) nor the solver
(ortools), and nothing in the planner package imports textual at all (the UI lives in tui/)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLANNER = ROOT / "planner"
REFERENCE = ROOT / "fixtures" / "herzog-azerbaijan-2023.yaml"

_PROBE = """
import sys
import planner.cli
rc = planner.cli.main(["check", "-q", sys.argv[1]])
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "ortools"))
print("HEAVY", loaded)
sys.exit(rc)
"""


def test_check_loads_neither_textual_nor_ortools() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(REFERENCE)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert f"{REFERENCE}: valid" in done.stdout
    assert "HEAVY []" in done.stdout.splitlines(), done.stdout


def test_the_probe_would_see_them() -> None:
    """The probe is not blind: importing textual shows up in sys.modules the same way."""
    probe = "import sys, textual; print(sorted(m for m in sys.modules if m.startswith('textual')))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "'textual'" in done.stdout


def _imported_roots(tree: ast.AST) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (getattr(node.func, "attr", None) or getattr(node.func, "id", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            roots.add(node.args[0].value.split(".")[0])
    return roots


def test_no_planner_module_imports_textual() -> None:
    sources = sorted(PLANNER.rglob("*.py"))
    assert sources, PLANNER
    offenders = [
        str(path.relative_to(ROOT))
        for path in sources
        if "textual" in _imported_roots(ast.parse(path.read_bytes(), filename=str(path)))
    ]
    assert offenders == [], f"textual imported under planner/: {offenders}"


def test_the_static_check_finds_textual_imports() -> None:
    for code in (
        "import textual",
        "import textual.app as app",
        "from textual.widgets import DataTable",
        "def f():\n    from textual import on",
        "import importlib\nimportlib.import_module('textual.app')",
    ):
        assert "textual" in _imported_roots(ast.parse(code)), code
    assert "textual" not in _imported_roots(ast.parse("from planner import textual_free"))


# the layers of the guide: export renders only; the one pipeline (planner/pipeline.py)
# loads, plans, validates and writes, and the command line and the terminal UI call it
_NOT_FOR_EXPORT = (
    "planner.schedule",  # solving and explaining
    "planner.validate",
    "planner.visitfile",  # loading
    "planner.pipeline",
    "planner.journal",  # writing
    "planner.lock",
    "planner.atomic",
    "planner.output_folder",
    "planner.session",
)


def _imported_modules(tree: ast.AST, package: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module if node.level == 0 else f"{package}.{node.module}"
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def test_exports_only_render() -> None:
    sources = sorted((PLANNER / "export").glob("*.py"))
    assert len(sources) > 5, sources
    offenders = {
        path.name: sorted(
            name
            for name in _imported_modules(ast.parse(path.read_bytes()), "planner.export")
            if name.startswith(_NOT_FOR_EXPORT)
        )
        for path in sources
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_command_line_and_the_terminal_ui_export_through_the_pipeline() -> None:
    for path in (PLANNER / "cli.py", ROOT / "tui" / "files.py"):
        names = _imported_modules(ast.parse(path.read_bytes()), "planner")
        assert "planner.pipeline.generate" in names, path
        assert not any(n.startswith("planner.export.outputs") for n in names), path


def test_the_terminal_ui_app_is_a_shell() -> None:
    """PlannerApp binds keys, lays out the screen and starts; what it does lives in the
    layers it is built of (tui/display.py, navigation.py, editing.py, files.py), each a
    module of its own, and none of them solves or validates (they call planner.session)."""
    import inspect

    from tui.app import PlannerApp

    own = {name for name, value in vars(PlannerApp).items() if inspect.isfunction(value)}
    assert own <= {"__init__", "compose", "on_mount", "_warm", "on_unmount", "get_system_commands"}
    layers = [cls.__module__ for cls in PlannerApp.__mro__ if cls.__module__.startswith("tui.")]
    assert layers == ["tui.app", "tui.files", "tui.editing", "tui.navigation", "tui.display"]
    for module in layers:
        source = ROOT.joinpath(*module.split(".")).with_suffix(".py")
        names = _imported_modules(ast.parse(source.read_bytes()), "tui")
        solving = ("planner.schedule.solve", "planner.schedule.cpmodel", "planner.validate")
        assert not any(n.startswith(solving) for n in names), module
