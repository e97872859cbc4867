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
