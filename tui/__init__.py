"""The planner's terminal UI (Textual). ``planner tui VISIT`` runs ``main``."""

from __future__ import annotations

import os
from pathlib import Path


def main(
    visit: Path,
    *,
    plan_file: Path | None = None,
    theme: str | None = None,
    headless: bool = False,
) -> int:
    """Open ``visit`` in the terminal UI; returns the process exit status: 0 after a
    normal quit, the app's return code (non-zero) when it crashed."""
    from planner.session import Session
    from tui.app import PlannerApp, load_keymap

    session = Session.open(visit, plan_file)
    app = PlannerApp(session, theme=theme, keymap=load_keymap(os.environ.get("PLANNER_KEYMAP")))
    try:
        app.run(headless=headless)
    finally:
        session.close()
    return app.return_code or 0
