"""Shared test helpers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
REFERENCE = FIXTURES / "herzog-azerbaijan-2023.yaml"
SEED = ROOT / "seeds" / "000_73520f884ccfa123.txt"

# The environment must not leak into the UI's rendering in tests.
os.environ.pop("NO_COLOR", None)
os.environ.pop("FORCE_COLOR", None)


@pytest.fixture
def reference_path() -> Path:
    return REFERENCE


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference visit solved once, as a user solves it: its plan file (version 1)."""
    import shutil

    from planner.cli import main
    from planner.plan import plan_path

    folder = tmp_path_factory.mktemp("first")
    visit = folder / REFERENCE.name
    shutil.copy(REFERENCE, visit)
    assert main(["solve", str(visit)]) == 0
    return plan_path(visit)


def need_tool(name: str, package: str) -> str:
    """The path of a Debian tool a test drives. Where it is missing the test is skipped
    with a reason naming the package; on CI (CI set), where .ci/run installs it, a missing
    tool fails the test instead: CI never skips."""
    import shutil

    found = shutil.which(name)
    if found is not None:
        return found
    message = f"{name} is not installed (Debian package '{package}'; .ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
