"""A lock file beside a visit being edited (``.NAME.yaml.lock``: pid and host), so a second
editor of the same visit is warned. Advisory only: nothing is refused."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Holder:
    """Who holds a lock: a process on a host (``token`` tells sessions apart)."""

    pid: int
    host: str
    token: str = ""

    def describe(self) -> str:
        return f"process {self.pid} on {self.host}"


def lock_path(visit: Path) -> Path:
    return visit.with_name(f".{visit.name}.lock")


def read_holder(path: Path) -> Holder | None:
    """The holder written in a lock file; None when there is none or it is unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Holder(int(data["pid"]), str(data["host"]), str(data.get("token", "")))
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None


def alive(holder: Holder) -> bool:
    """Whether the holder still runs; a process on another host is taken to."""
    if holder.host != socket.gethostname():
        return True
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return False
    return True


@dataclass
class VisitLock:
    """The outcome of taking the lock: ``ours`` when this session wrote it (and removes it
    on ``release``), else ``other`` is the live process holding it."""

    path: Path
    ours: Holder | None
    other: Holder | None

    @property
    def warning(self) -> str | None:
        if self.other is None:
            return None
        return f"also open in {self.other.describe()}: edits may overwrite each other"

    def release(self) -> None:
        """Remove the lock file if this session wrote it (and still holds it)."""
        if self.ours is not None and read_holder(self.path) == self.ours:
            with contextlib.suppress(OSError):
                self.path.unlink()
        self.ours = None


def acquire(visit: Path) -> VisitLock:
    """Write the lock beside ``visit`` unless a live process holds it (a stale lock, from a
    process that has ended, is replaced). Never raises for a lock it cannot write."""
    path = lock_path(visit)
    held = read_holder(path) if path.exists() else None
    if held is not None and alive(held):
        return VisitLock(path, None, held)
    mine = Holder(os.getpid(), socket.gethostname(), uuid.uuid4().hex)
    try:
        path.write_text(
            json.dumps({"pid": mine.pid, "host": mine.host, "token": mine.token}) + "\n",
            encoding="utf-8",
        )
    except OSError:
        return VisitLock(path, None, None)
    return VisitLock(path, mine, None)
