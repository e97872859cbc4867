"""Helpers of the tests of issue 9 §2 (nothing lost): planner processes that pause or die
at a named point of a write (planner/crashpoint.py), or at an os.replace of a given file
(a hook that works on any version of the code), and what a visit folder holds."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

from planner.plan import fingerprint, plan_path, read_plan
from planner.visitfile import load_visit

ROOT = Path(__file__).resolve().parent.parent


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_")}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


class Planner:
    """``planner ARGS`` in a new process; ``reached`` waits for a point of its trace."""

    def __init__(
        self, *argv: str, script: str | None = None, cwd: Path | None = None, **env: str
    ) -> None:
        self.trace_r, trace_w = os.pipe()
        command = (
            [sys.executable, "-c", script, *argv]
            if script
            else [
                sys.executable,
                "-m",
                "planner.cli",
                *argv,
            ]
        )
        self.process = subprocess.Popen(
            command,
            env=environment(PLANNER_TRACE_FD=str(trace_w), **env),
            pass_fds=(trace_w,),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
        )
        os.close(trace_w)
        self.points: list[str] = []
        self._partial = b""

    @property
    def pid(self) -> int:
        return self.process.pid

    def reached(self, point: str, timeout: float = 60.0) -> bool:
        """Whether the process reaches ``point`` within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while point not in self.points:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            ready, _, _ = select.select([self.trace_r], [], [], min(left, 0.1))
            if ready:
                data = os.read(self.trace_r, 4096)
                if not data:
                    return point in self.points
                self._partial += data
                *lines, self._partial = self._partial.split(b"\n")
                self.points += [line.decode() for line in lines]
        return True

    def finish(self, timeout: float = 120.0) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=timeout)
        os.close(self.trace_r)
        return self.process.returncode, out, err

    def kill(self) -> None:
        self.process.kill()
        self.finish()


def planner(*argv: str, **env: str) -> tuple[int, str, str]:
    return Planner(*argv, **env).finish()


# Dies (SIGKILL) at the os.replace or os.rename whose source or target is KILL_AT:
# KILL_WHEN=before or after that call. Needs nothing of the code under test.
KILL_AT_REPLACE = """
import os, signal, sys
target = os.path.realpath(os.environ["KILL_AT"])
when = os.environ.get("KILL_WHEN", "after")
def hooked(real):
    def call(src, dst, *args, **kwargs):
        hit = target in (os.path.realpath(src), os.path.realpath(dst))
        if hit and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        real(src, dst, *args, **kwargs)
        if hit and when == "after":
            os.kill(os.getpid(), signal.SIGKILL)
    return call
os.replace, os.rename = hooked(os.replace), hooked(os.rename)
if os.environ.get("NO_EXCHANGE"):
    from planner import atomic
    atomic.exchange_supported = False
if sys.argv[1] == "save":
    from pathlib import Path
    from planner.session import Nudge, Session
    session = Session.open(Path(sys.argv[2]))
    assert session.commit(session.prepare(Nudge(sys.argv[3], int(sys.argv[4]))))
    session.save()
    session.close()
    print("saved")
else:
    from planner.cli import main
    sys.exit(main(sys.argv[1:]))
"""


def copy_visit(source: Path, folder: Path) -> Path:
    """The visit and its plan, copied into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    visit = folder / "visit.yaml"
    shutil.copy(source, visit)
    shutil.copy(plan_path(source), plan_path(visit))
    return visit


def pin(visit: Path, item: str) -> str | None:
    pinned = load_visit(visit).visit.item[item].pinned
    return None if pinned is None else str(pinned)


def consistent(visit: Path) -> bool:
    """Whether the plan on disk was made from the visit on disk (one edit, not two)."""
    return read_plan(plan_path(visit)).fingerprint == fingerprint(load_visit(visit).visit)


def leftovers(folder: Path) -> list[str]:
    """Temporary files, journals, writers' locks and staging folders in ``folder``."""
    return sorted(
        p.name
        for p in folder.iterdir()
        if (
            p.name.startswith(".")
            and (p.name.endswith((".tmp", ".journal", ".writer.lock")) or ".new-" in p.name)
        )
        or ".old-" in p.name
    )
