"""An output folder replaced as a whole: written in full beside it, then exchanged with
it in one atomic step, so that a run that fails, or is killed at any moment, leaves the
previous folder or the new one in place, complete; and what killed runs leave beside it
(a folder moved aside, staging folders) put right by the next run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from planner import atomic
from planner.crashpoint import reached


class OutputFolderError(Exception):
    """The output folder cannot be written as asked (nothing was written)."""


def _staging_folders(out: Path, kind: str) -> list[Path]:
    """The folders beside ``out`` that runs writing it make: ``new`` (being written, or
    the old content after the exchange) or ``old`` (moved aside), oldest first."""
    name = "".join(f"[{c}]" if c in "*?[]" else c for c in out.name)
    found = [p for p in out.parent.glob(f".{name}.{kind}-*") if p.is_dir()]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def recover_tree(out: Path) -> list[str]:
    """Put back the folder ``out`` if a killed run left it moved aside, and remove the
    staging folders killed runs left; returns what was done. The caller holds ``out``'s
    writers' lock, so no live run owns them."""
    out = out.resolve()
    if not out.parent.is_dir():
        return []
    notes = []
    aside = _staging_folders(out, "old")
    if aside and not os.path.lexists(out):
        os.replace(aside.pop(), out)  # the newest: the output of the last complete run
        atomic.fsync_dir(out.parent)
        notes.append(f"put {out.name}/ back: a killed run had moved it aside")
    left = aside + _staging_folders(out, "new")
    for folder in left:
        shutil.rmtree(folder, ignore_errors=True)
    if left:
        what = "folder" if len(left) == 1 else "folders"
        notes.append(f"removed {len(left)} staging {what} of {out.name}/ left by killed runs")
    return notes


def _sync_tree(root: Path) -> None:
    for folder, _, _ in os.walk(root):
        atomic.fsync_dir(Path(folder))


def write_tree(out: Path, files: dict[str, bytes]) -> None:
    """Replace the folder ``out`` by exactly ``files``: written in full beside it, then
    exchanged with it in one atomic step (Linux ``renameat2``). Where the system cannot
    exchange two folders, ``out`` is moved aside and the new folder moved in: a kill
    between the two leaves the old folder aside, and the next run (``recover_tree``)
    puts it back. The caller holds ``out``'s writers' lock."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(out) and not out.is_dir():
        raise OutputFolderError(f"{out} is a file, not a folder: not replaced (name another)")
    reached("tree.begin")
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for relative, data in sorted(files.items()):
            target = (staging / relative).resolve()
            if staging not in target.parents:  # a path that would leave the folder
                raise OutputFolderError(f"refusing to write outside the output folder: {relative}")
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(target, 0o644)
        os.chmod(staging, 0o755)
        _sync_tree(staging)
        reached("tree.staged")
        if not out.exists():
            os.rename(staging, out)
            atomic.fsync_dir(out.parent)
            return
        if atomic.exchange(staging, out):  # staging now holds the old folder
            atomic.fsync_dir(out.parent)
            reached("tree.swapped")
            shutil.rmtree(staging, ignore_errors=True)
            return
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rmdir(old)
        os.replace(out, old)
        reached("tree.half")
        os.replace(staging, out)
        atomic.fsync_dir(out.parent)
        reached("tree.swapped")
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
        raise
