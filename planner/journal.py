"""Writing a visit and its plan together, so that no edit is lost or half-kept.

Every writer of a visit or its plan (the command line's edits, ``solve``, ``generate``,
the terminal UI's save) works inside ``writing``:

1. it takes the visit's writers' lock (``planner.lock.exclusive``), waiting for any
   other writer to finish;
2. it finishes (or undoes) the write of a writer that was killed half-way, from that
   writer's journal, and removes the temporary files killed writers left;
3. it reads the files it will change (``read_steady`` notes what it read);
4. it writes them with ``Guard.commit``, which first refuses to write over a file that
   changed since it was read (a text editor does not take our lock), then:
   the new files are written beside their targets and synced; a journal
   (``.NAME.yaml.journal``) naming them is put in place; the files are renamed over their
   targets; the journal is removed. A process killed at any moment leaves the old pair,
   or the new pair, or a journal from which the next writer completes the new pair.

A reader that takes the lock (``consistent``) therefore never sees a visit and a plan
from two different edits.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from planner import atomic, lock
from planner.crashpoint import reached

T = TypeVar("T")


def journal_path(visit: Path) -> Path:
    """The journal of a visit's writes: ``.NAME.yaml.journal`` beside it."""
    visit = Path(visit).resolve()
    return visit.with_name(f".{visit.name}.journal")


def digest_of(path: Path) -> str | None:
    """The SHA-256 of a file's bytes; None when there is no file."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        return "a folder"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """A file as it was read: the digest of its bytes, None when it did not exist."""

    path: Path
    digest: str | None

    @classmethod
    def of(cls, path: Path) -> Snapshot:
        return cls(Path(path), digest_of(path))

    @classmethod
    def of_bytes(cls, path: Path, data: bytes) -> Snapshot:
        return cls(Path(path), _digest(data))


class FileChanged(lock.Refused):
    """A file changed on disk since it was read: it is not written over."""


def read_steady(path: Path, read: Callable[[Path], T]) -> tuple[T, Snapshot]:
    """``read(path)`` and the snapshot of the very bytes it read: the file's digest is the
    same before and after (else it is read again)."""
    for _ in range(5):
        before = digest_of(path)
        value = read(path)
        after = digest_of(path)
        if before == after:
            return value, Snapshot(Path(path), after)
    raise FileChanged(f"{path} keeps changing while it is read; nothing was written")


def changed(expected: Snapshot) -> str | None:
    """Why a file is no longer as it was read, or None when it is."""
    now = digest_of(expected.path)
    if now == expected.digest:
        return None
    if expected.digest is None:
        return f"{expected.path} was made by another program since it was read"
    if now is None:
        return f"{expected.path} was removed since it was read"
    return f"{expected.path} changed on disk since it was read"


# -- the journal ----------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    target: Path
    staged: Path
    new: str  # digest of the staged bytes
    old: str | None  # digest of the target before (None: there was none)


def _write_journal(path: Path, doing: str, entries: Sequence[Entry]) -> None:
    data = {
        "doing": doing,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "time": datetime.now().astimezone().isoformat(timespec="seconds"),
        "files": [
            {
                "target": os.path.abspath(e.target),  # read from any folder
                "staged": os.path.abspath(e.staged),
                "new": e.new,
                "old": e.old,
            }
            for e in entries
        ],
    }
    atomic.write_text(path, json.dumps(data, indent=1) + "\n")


def _read_journal(path: Path) -> tuple[str, list[Entry]] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = [
            Entry(Path(f["target"]), Path(f["staged"]), str(f["new"]), f["old"])
            for f in data["files"]
        ]
        when = str(data["time"])
        with contextlib.suppress(ValueError):
            when = datetime.fromisoformat(when).strftime("%Y-%m-%d %H:%M:%S")
        doing = f"{data['doing']}, by process {data['pid']} at {when}"
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return doing, entries


def _fsync_parents(paths: Sequence[Path]) -> None:
    for folder in {p.parent for p in paths}:
        atomic.fsync_dir(folder)


def recover(visit: Path) -> str | None:
    """Complete, or undo, the write a killed writer of ``visit`` left half-done; returns
    what was done, or None when there was nothing to do. The caller holds the visit's
    writers' lock (so the journal's writer is gone)."""
    path = journal_path(visit)
    if not path.exists():
        return None
    read = _read_journal(path)
    if read is None:  # never written half (it is renamed into place), but be safe
        with contextlib.suppress(OSError):
            path.unlink()
        return f"removed an unreadable journal {path.name} beside {Path(visit).name}"
    doing, entries = read
    names = ", ".join(e.target.name for e in entries)
    current = {e.target: digest_of(e.target) for e in entries}
    foreign = [e for e in entries if current[e.target] not in (e.old, e.new)]
    ready = all(current[e.target] == e.new or digest_of(e.staged) == e.new for e in entries)
    if ready and not foreign:
        for e in entries:
            if current[e.target] != e.new:
                os.replace(e.staged, e.target)
        _fsync_parents([e.target for e in entries])
        outcome = f"completed an interrupted write of {names} ({doing})"
    else:
        done = [e.target.name for e in entries if current[e.target] == e.new]
        why = (
            f"{', '.join(e.target.name for e in foreign)} changed since"
            if foreign
            else "its new files are missing"
        )
        outcome = f"could not complete an interrupted write of {names} ({doing}): {why}; "
        outcome += (
            f"{', '.join(done)} already had the new content (its plan will be made again)"
            if done
            else "the files were left as they were"
        )
    for e in entries:
        with contextlib.suppress(OSError):
            e.staged.unlink()
    path.unlink()
    atomic.fsync_dir(path.parent)
    return outcome


def _commit(
    visit: Path,
    files: Sequence[tuple[Path, bytes]],
    doing: str,
    check: Callable[[], None],
) -> None:
    """Stage ``files`` beside their targets, ``check`` (as late as can be: it raises when a
    target changed meanwhile, and nothing is written then), journal, rename, done."""
    entries: list[Entry] = []
    try:
        for target, data in files:
            staged = atomic.stage_bytes(target, data)
            entries.append(Entry(Path(target), staged, _digest(data), digest_of(target)))
        reached("pair.staged")
        check()
        if len(entries) > 1:
            _write_journal(journal_path(visit), doing, entries)
    except BaseException:
        for e in entries:
            with contextlib.suppress(OSError):
                e.staged.unlink()
        raise
    if len(entries) == 1:  # one file: its rename is the whole write
        os.replace(entries[0].staged, entries[0].target)
        _fsync_parents([entries[0].target])
        return
    reached("pair.journaled")
    for n, e in enumerate(entries):
        os.replace(e.staged, e.target)
        if n == 0:
            reached("pair.half")
    _fsync_parents([e.target for e in entries])
    reached("pair.renamed")
    journal_path(visit).unlink()
    atomic.fsync_dir(journal_path(visit).parent)


# -- the writer's side ------------------------------------------------------------------


@dataclass
class Guard:
    """What a writer holding a visit's lock may do (see ``writing``)."""

    visit: Path
    doing: str
    locked: bool
    notes: list[str] = field(default_factory=list)  # recoveries, an editor open elsewhere

    def commit(
        self,
        files: Sequence[tuple[Path, bytes]],
        expected: Sequence[Snapshot],
        *,
        may_be_removed: Sequence[Path] = (),
    ) -> None:
        """Write ``files`` (target, bytes) all together, after checking that each file in
        ``expected`` is still as it was read (a file in ``may_be_removed`` may also have
        disappeared: nothing is written over then). Raises FileChanged, writing nothing,
        when one is not."""
        if not self.locked:
            raise lock.LockUnavailable(f"{self.visit}: not locked, so not written")
        reached("pair.begin")

        def check() -> None:
            problems = [
                why
                for snap in expected
                if (why := changed(snap)) is not None
                and not (snap.path in may_be_removed and digest_of(snap.path) is None)
            ]
            if problems:
                raise FileChanged(
                    "; ".join(problems) + " (by a program that does not take planner's lock: "
                    "an editor?); nothing was written, so that change is kept: run the "
                    "command again"
                )

        _commit(self.visit, files, self.doing, check)


def _tidy(visit: Path, others: Sequence[Path]) -> list[str]:
    notes = []
    recovered = recover(visit)
    if recovered:
        notes.append(recovered)
    removed = [
        tmp for path in (visit, *others, journal_path(visit)) for tmp in atomic.remove_stale(path)
    ]
    if removed:
        what = "file" if len(removed) == 1 else "files"
        names = ", ".join(p.name for p in removed)
        notes.append(f"removed {len(removed)} temporary {what} a killed write left ({names})")
    return notes


@contextlib.contextmanager
def writing(
    visit: Path,
    doing: str,
    *,
    also: Sequence[Path] = (),
    timeout: float | None = None,
) -> Iterator[Guard]:
    """Hold ``visit``'s writers' lock while the block runs, after completing any write a
    killed writer left half-done and removing the temporary files of ``visit`` and of the
    files in ``also`` (its plan). ``Guard.notes`` says what was done, and whether the
    terminal UI has the visit open. Raises planner.lock.Busy when another writer holds
    the lock past ``timeout``. A visit file that does not exist is not locked (reading
    it will fail)."""
    visit = Path(visit)
    if not visit.is_file():
        yield Guard(visit, doing, locked=False)
        return
    with lock.exclusive(visit, doing, timeout):
        guard = Guard(visit, doing, locked=True, notes=_tidy(visit, also))
        editor = lock.editor_elsewhere(visit)
        if editor is not None:
            guard.notes.append(
                f"{visit} is open in the terminal UI ({editor.describe()}): this change is "
                "written now, and that session will refuse to save over it until it "
                "reloads the visit (R)"
            )
        yield guard


@contextlib.contextmanager
def consistent(
    visit: Path, doing: str, *, also: Sequence[Path] = (), timeout: float | None = None
) -> Iterator[list[str]]:
    """For a reader of a visit and its plan: wait for a writer to finish and complete a
    killed writer's half-done write first (when the lock can be taken at all: a read-only
    folder is read as it is). Yields what was done."""
    visit = Path(visit)
    if not visit.is_file():
        yield []
        return
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(lock.exclusive(visit, doing, timeout))
        except lock.LockUnavailable:
            yield []
            return
        yield _tidy(visit, also)
