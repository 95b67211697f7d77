"""Atomic file writes: a temporary file in the same folder, flushed, then renamed over."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path


def atomic_write(
    path: Path,
    data: str | bytes,
    *,
    encoding: str = "utf-8",
    mode: int | None = None,
    unchanged_since: os.stat_result | None = None,
) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a
    half-written one. ``mode`` sets the permissions (default: the old file's, else 0o644).
    With ``unchanged_since``, refuse (FileChangedError) when the file changed after that
    stat. On any failure the temporary file is removed and the error raised.

    A link is written through (the file it names is replaced, the link stays); a device, pipe
    or socket (``-o /dev/stdout``, ``-o /dev/null``) is written to as it is, since there is no
    file to replace and replacing it would destroy it."""
    try:
        found = os.stat(path)  # through any link
    except (FileNotFoundError, NotADirectoryError):
        found = None
    if found is not None and not stat.S_ISREG(found.st_mode):
        if stat.S_ISDIR(found.st_mode):
            raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
        with open(path, "wb") as handle:
            handle.write(data.encode(encoding) if isinstance(data, str) else data)
        return
    if os.path.islink(path):
        path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o644
    _remove_orphans(path)
    fd, tmp = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".okr-tmp"
    )
    try:
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode(encoding) if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        if unchanged_since is not None:
            now = path.stat()
            if (now.st_mtime_ns, now.st_size, now.st_ino) != (
                unchanged_since.st_mtime_ns,
                unchanged_since.st_size,
                unchanged_since.st_ino,
            ):
                raise FileChangedError(path)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _remove_orphans(path: Path) -> None:
    """Temporary files a killed writer left next to ``path`` (its pid is gone): removed."""
    prefix = f".{path.name}."
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".okr-tmp")):
            continue
        pid_text = name[len(prefix) :].split(".", 1)[0]
        if pid_text.isdigit() and not _alive(int(pid_text)):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


class FileChangedError(OSError):
    """The file changed on disk after it was read; nothing was written."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} changed on disk while okr was writing it")
        self.path = path


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on a folder, so that writers of its files take turns (POSIX; a
    no-op where file locks do not exist). Nothing is created, so nothing is left behind."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
