"""Stopping a solve from another thread (planner.stop): the search ends when
asked, long before its time limit, and no plan comes out of it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from bench.generator import generate
from planner.schedule.solve import solve
from planner.session import Nudge, Session
from planner.stop import Stopped, StopSignal, active

ROOT = Path(__file__).resolve().parent.parent


def _run_in_thread(signal: StopSignal, job: object) -> tuple[threading.Thread, dict[str, object]]:
    result: dict[str, object] = {}

    def work() -> None:
        try:
            with signal.watching():
                result["value"] = job()  # type: ignore[operator]
        except Stopped:
            result["stopped"] = True

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread, result


def _searching(signal: StopSignal, thread: threading.Thread) -> None:
    while not signal._searching and thread.is_alive():  # a CP-SAT search has begun
        time.sleep(0.01)
    time.sleep(0.5)  # and is well under way


def test_a_long_search_stops_when_asked() -> None:
    visit = generate("L", 0).visit  # ~760 items: its solve uses the whole time limit
    signal = StopSignal()
    thread, result = _run_in_thread(signal, lambda: solve(visit, time_limit=300))
    _searching(signal, thread)
    assert thread.is_alive(), "the solve ended before it could be stopped"
    signal.request()
    thread.join(timeout=60)  # not stopped, it would run for five minutes
    assert not thread.is_alive()
    assert result == {"stopped": True}


def test_a_signal_given_before_the_search_stops_it_at_once() -> None:
    visit = generate("S", 0).visit
    signal = StopSignal()
    signal.request()
    with pytest.raises(Stopped), signal.watching():
        solve(visit)
    assert active() is None  # the signal watches only inside its block
    outcome = solve(visit)  # another solve of this thread is not stopped
    assert outcome.plan is not None


def test_a_stopped_edit_leaves_the_session_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "visit.yaml"
    path.write_text(
        (ROOT / "fixtures" / "herzog-azerbaijan-2023.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    session = Session.open(path, lock=False)
    signal = StopSignal()
    signal.request()
    first = session.first_plan(stop=signal)
    assert first.stopped and first.state is None and not session.adopt(first)
    assert session.plan is None
    assert session.adopt(session.first_plan())
    plan = session.plan
    assert plan is not None
    item = next(p.id for p in plan.items if p.start and not session.is_pinned(p.id))
    attempt = session.prepare(Nudge(item, 15), stop=signal)
    assert attempt.stopped and attempt.state is None and not session.commit(attempt)
    assert session.plan is plan and not session.undo_stack
    assert session.state.text == path.read_text(encoding="utf-8")
