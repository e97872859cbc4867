"""Two locks beside a visit file.

- ``.NAME.yaml.lock``, the editor's marker: the terminal UI writes it (pid and host) while
  it has the visit open, so a second editor is warned and the command line says so before
  it changes the visit. Advisory only: nothing is refused. The terminal UI is a
  long-lived editor; it must not block anyone, only be told about.
- ``.NAME.writer.lock``, the writers' lock (``exclusive``): every program that writes a
  visit, its plan or an output folder holds it from the moment it reads the files it
  will change until they are written (an exclusive ``flock``; the kernel lets go of it
  when the process ends, however it ends). Who holds it (pid, host, what it is doing,
  since when) is written in the file, so a writer that waits in vain can say who it
  waited for. The file is removed when the lock is let go.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
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


# -- the writers' lock ----------------------------------------------------------------

DEFAULT_TIMEOUT = 60.0  # seconds a writer waits for another; PLANNER_LOCK_TIMEOUT overrides
POLL = 0.02  # seconds between two tries


def writer_lock_path(target: Path) -> Path:
    """The writers' lock of a file or folder: ``.NAME.writer.lock`` beside it (the real
    one: two names of one file share a lock)."""
    target = Path(target).resolve()
    return target.with_name(f".{target.name}.writer.lock")


def default_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get("PLANNER_LOCK_TIMEOUT", DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


@dataclass(frozen=True)
class Writer:
    """Who holds a writers' lock, as written in its file."""

    pid: int
    host: str
    doing: str
    since: str  # ISO 8601, local time with its offset

    def describe(self) -> str:
        when = self.since
        with contextlib.suppress(ValueError):
            when = datetime.fromisoformat(self.since).strftime("%H:%M:%S")
        return f"process {self.pid} on {self.host} ({self.doing}, since {when})"


def read_writer(path: Path) -> Writer | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Writer(int(data["pid"]), str(data["host"]), str(data["doing"]), str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class Refused(Exception):
    """A write that was not done, to keep someone else's work: the message says why and
    that nothing was written."""


class Busy(Refused):
    """Another writer held the lock for longer than the timeout."""

    def __init__(self, target: Path, holder: Writer | None, waited: float) -> None:
        who = holder.describe() if holder is not None else "another process"
        super().__init__(
            f"{target} is being changed by {who}; waited {waited:g} s for it to finish. "
            "Nothing was written: try again when it is done (PLANNER_LOCK_TIMEOUT sets "
            "how long to wait)"
        )
        self.target = target
        self.holder = holder


class LockUnavailable(Refused):
    """The lock file cannot be made (a read-only folder, say)."""


try:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

except ImportError:  # Windows: a lock on the file's first byte
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True


@dataclass
class _Held:
    fd: int
    thread: int
    depth: int


_held: dict[Path, _Held] = {}  # the writers' locks this process holds, by lock file
_held_guard = threading.Lock()


def _take(path: Path, target: Path, doing: str, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError as exc:
            raise LockUnavailable(
                f"cannot make the lock file {path}: {exc.strerror or exc}"
            ) from None
        if not _try_lock(fd):
            os.close(fd)
            if time.monotonic() >= deadline:
                raise Busy(target, read_writer(path), timeout)
            time.sleep(POLL)
            continue
        try:  # the file locked must still be the one at the path (see release)
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except OSError:
            same = False
        if not same:
            os.close(fd)
            continue
        mine = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "doing": doing,
            "since": datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, (json.dumps(mine) + "\n").encode("utf-8"))
        return fd


@contextlib.contextmanager
def exclusive(target: Path, doing: str, timeout: float | None = None) -> Iterator[Path]:
    """Hold the writers' lock of ``target`` (a visit file, an output folder) while the
    block runs; yields the lock file's path. Waits up to ``timeout`` seconds (default:
    ``default_timeout()``) for another writer, then raises Busy naming it. Raises
    LockUnavailable when the lock file cannot be made. A thread that holds the lock
    already may take it again."""
    path = writer_lock_path(target)
    me = threading.get_ident()
    with _held_guard:
        held = _held.get(path)
        if held is not None and held.thread == me:
            held.depth += 1
        else:
            held = None
    if held is not None:
        try:
            yield path
        finally:
            with _held_guard:
                held.depth -= 1
        return
    fd = _take(path, Path(target), doing, default_timeout() if timeout is None else timeout)
    with _held_guard:
        _held[path] = _Held(fd, me, 1)
    try:
        yield path
    finally:
        with _held_guard:
            del _held[path]
        # removed while still locked: a writer that opened it meanwhile finds, once it
        # has the lock, that the path is gone or another file, and tries again
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)


def holding(target: Path) -> bool:
    """Whether this thread holds the writers' lock of ``target``."""
    with _held_guard:
        held = _held.get(writer_lock_path(target))
        return held is not None and held.thread == threading.get_ident()


def editor_elsewhere(visit: Path) -> Holder | None:
    """The live process, other than this one, that has ``visit`` open in the terminal UI
    (its marker ``.NAME.yaml.lock``), if any."""
    path = lock_path(Path(visit))
    held = read_holder(path) if path.exists() else None
    if held is None or not alive(held):
        return None
    if held.pid == os.getpid() and held.host == socket.gethostname():
        return None
    return held
