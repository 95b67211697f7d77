"""Atomic file writes: a temporary file in the same folder, flushed, then renamed over."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def atomic_write(
    path: Path,
    data: str | bytes | list[str],
    *,
    encoding: str = "utf-8",
    mode: int | None = None,
    unchanged_since: os.stat_result | None = None,
) -> None:
    """Write ``data`` (text, bytes, or text in pieces) to ``path`` so that readers see the old
    file or the new one, never a half-written one. ``mode`` sets the permissions (default:
    the old file's, else 0o644). With ``unchanged_since``, refuse (FileChangedError) when
    the file changed after that stat. On any failure the temporary file is removed and the
    error raised.

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
            _write_all(handle, data, encoding)
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
            _write_all(handle, data, encoding)
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


def _write_all(handle: BinaryIO, data: str | bytes | list[str], encoding: str) -> None:
    if isinstance(data, bytes):
        handle.write(data)
        return
    for piece in [data] if isinstance(data, str) else data:
        handle.write(piece.encode(encoding))


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
def folder_lock(folder: Path, timeout: float | None = None) -> Iterator[None]:
    """An exclusive lock on a folder, so that writers of its files take turns (POSIX; a
    no-op where file locks do not exist). Nothing is created, so nothing is left behind.
    With ``timeout``, TimeoutError when the lock is still held by another after so long."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        if timeout is None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        else:
            _wait_for_lock(fd, timeout)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _wait_for_lock(fd: int, timeout: float) -> None:
    import fcntl
    import time

    deadline = time.monotonic() + timeout
    pause = 0.01
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise TimeoutError(errno.EAGAIN, "the lock is held by another process") from None
            time.sleep(pause)
            pause = min(pause * 2, 0.2)


# --- reading and writing inside a repository whose content is hostile ----------------------

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


class NotAFileError(OSError):
    """The path names a pipe, device, socket or folder where a regular file belongs."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(errno.EINVAL, f"it is {kind}, not a regular file", path)
        self.kind = kind


class UnsafePathError(OSError):
    """Writing there would leave the repository, go through a link, or overwrite a file
    okr must not overwrite; nothing was written."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(errno.EPERM, reason, str(path))


def kind_of(mode: int) -> str | None:
    """What a file of this mode is, when it is no regular file (None for a regular file)."""
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return None if stat.S_ISREG(mode) else "not a regular file"


def open_regular(path: str, *, follow: bool = False) -> int:
    """A read-only descriptor of a regular file, or NotAFileError naming what it is instead.

    The path is looked at first (lstat: a socket cannot even be opened), then opened without
    blocking (a named pipe with no writer would otherwise hang the open for ever) and without
    following a final link unless ``follow``; what was opened is checked again with fstat,
    so a file swapped in between is still caught."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    found = os.stat(path) if follow else os.lstat(path)  # a socket cannot even be opened
    kind = None if stat.S_ISLNK(found.st_mode) else kind_of(found.st_mode)
    if kind is not None:
        raise NotAFileError(path, kind)
    fd = os.open(path, flags)
    try:
        kind = kind_of(os.fstat(fd).st_mode)
        if kind is not None:
            raise NotAFileError(path, kind)
    except BaseException:
        os.close(fd)
        raise
    return fd


def inside(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or under it (both absolute and normalised)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def check_destination(path: Path, root: Path) -> None:
    """Refuse (UnsafePathError) to write ``path`` when it lies in the folder ``root`` (an OKR
    repository, or the folder a command writes into) and is a link, dangling or not, or
    leads out of ``root`` through a linked folder. A path outside ``root`` is the user's own
    choice (``-o /dev/stdout``) and is not checked here."""
    given = os.path.abspath(path)
    lexical_root = os.path.abspath(root)
    real_root = os.path.realpath(root)
    if not (inside(given, lexical_root) or inside(given, real_root)):
        return
    if os.path.islink(given):
        raise UnsafePathError(
            path,
            f"it is a link (to {os.readlink(given)}); okr never writes through a link "
            "inside the repository: remove the link first",
        )
    real = os.path.realpath(given)
    if not inside(real, real_root):
        raise UnsafePathError(
            path,
            f"a linked folder leads it out of the repository (to {real}); okr writes only "
            "inside it",
        )


def check_output(path: Path, root: Path, okrs_dir: str = "okrs") -> None:
    """:func:`check_destination` for an output file (``-o``), which moreover must not be one
    of the repository's own files: okr.yaml, org.yaml, an OKR file, or anything in ``.git``."""
    check_destination(path, root)
    real = os.path.realpath(path)
    real_root = os.path.realpath(root)
    if not inside(real, real_root):
        return
    rel = os.path.relpath(real, real_root).split(os.sep)
    okrs = [p for p in okrs_dir.strip("/").split("/") if p]
    protected = (
        ".git" in rel
        or rel in (["okr.yaml"], ["org.yaml"])
        or (rel[: len(okrs)] == okrs and rel[-1].endswith((".yaml", ".yml")))
    )
    if protected:
        raise UnsafePathError(
            path,
            "it is one of the repository's own files (okr.yaml, org.yaml, an OKR file or "
            "part of .git); write the output somewhere else",
        )


def read_fd(fd: int, limit: int) -> bytes:
    """Up to ``limit`` bytes of an open file. Read straight into buffers the file's size
    (a buffered reader would set aside ``limit`` bytes for every small file first)."""
    size = os.fstat(fd).st_size
    parts: list[bytes] = []
    total = 0
    while total < limit:
        chunk = os.read(fd, min(limit - total, max(size + 1 - total, 65_536)))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
    return parts[0] if len(parts) == 1 else b"".join(parts)
