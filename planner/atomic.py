"""Atomic writes: a temporary file in the same folder, flushed, then renamed over the
target, so a reader sees the old file or the new one, never half of one; and an atomic
exchange of two folders, so an output folder is always there, old or new, complete.

Temporary files are named ``.NAME.XXXXXXXX.tmp`` beside their target. A killed run may
leave one behind; ``remove_stale`` removes those of a file (its callers hold the writer
lock of that file, so no live writer owns them)."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Make the renames and removals in ``folder`` durable (a no-op where folders cannot
    be opened, as on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def stage_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` into a new temporary file beside ``path`` (flushed to disk, with the
    target's permissions) and return the temporary file's path; the caller renames it over
    the target or removes it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        mode = 0o644
        with contextlib.suppress(OSError):
            mode = path.stat().st_mode & 0o777
        os.chmod(tmp, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    tmp = stage_bytes(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def stale_temporaries(path: Path) -> list[Path]:
    """The temporary files a write of ``path`` left behind (``.NAME.*.tmp``)."""
    path = Path(path)
    try:
        return sorted(path.parent.glob(f".{_glob_escape(path.name)}.*.tmp"))
    except OSError:
        return []


def remove_stale(path: Path, keep: frozenset[Path] = frozenset()) -> list[Path]:
    """Remove the temporary files a killed write of ``path`` left behind, except ``keep``;
    returns those removed. The caller holds the writer lock of ``path``."""
    removed = []
    for tmp in stale_temporaries(path):
        if tmp in keep:
            continue
        with contextlib.suppress(OSError):
            tmp.unlink()
            removed.append(tmp)
    return removed


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in name)


# -- exchanging two folders -------------------------------------------------------------

RENAME_EXCHANGE = 2  # linux/fs.h
_renameat2: Callable[..., int] | None = None  # the libc function, once looked up
_looked_up = False
exchange_supported = sys.platform.startswith("linux")  # tests set it False for the fallback


def _libc_renameat2() -> Callable[..., int] | None:
    global _renameat2, _looked_up
    if not _looked_up:
        _looked_up = True
        import ctypes  # only here: most runs never exchange folders

        try:
            libc = ctypes.CDLL(None, use_errno=True)  # the C library the process runs on
            function = libc.renameat2  # glibc 2.28 and later, musl 1.2.2 and later
        except (OSError, AttributeError):
            pass
        else:
            function.argtypes = [
                ctypes.c_int,
                ctypes.c_char_p,
                ctypes.c_int,
                ctypes.c_char_p,
                ctypes.c_uint,
            ]
            function.restype = ctypes.c_int
            _renameat2 = function
    return _renameat2


def exchange(a: Path, b: Path) -> bool:
    """Swap the entries ``a`` and ``b`` (both exist) in one atomic step, with Linux's
    ``renameat2(RENAME_EXCHANGE)``. Returns False, having changed nothing, where that is
    not available (another system, an old C library or kernel, a filesystem without it)."""
    if not exchange_supported:
        return False
    function = _libc_renameat2()
    if function is None:
        return False
    at_cwd = -100  # AT_FDCWD
    import ctypes

    result = function(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))
