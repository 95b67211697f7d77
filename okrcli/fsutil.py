"""The one way okr writes files (atomic_write: a temporary file in the same folder, flushed,
then renamed over, following no link inside the repository or the git directory), and reading
files there without following links or blocking on a pipe."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import BinaryIO

fcntl: ModuleType | None
try:  # POSIX file locks; where there are none (Windows), folder_lock is a no-op
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None


def atomic_write(
    path: Path,
    data: str | bytes | list[str] | list[bytes],
    *,
    within: Path | None,
    encoding: str = "utf-8",
    mode: int | None = None,
    unchanged_since: os.stat_result | None = None,
) -> None:
    """The one way okr writes a file. ``data`` (text, bytes, or either in pieces; text is
    encoded with ``surrogateescape``, so a file name that is no UTF-8 is written as the
    bytes it is) goes to ``path`` so that readers see the old file or the new one, never a
    half-written one: a temporary file in the same folder, flushed, then renamed over.
    ``mode`` sets the permissions (default: the old file's, else 0o644). With
    ``unchanged_since``, refuse (FileChangedError) when the file changed after that stat.
    On any failure the temporary file is removed and the error raised.

    ``within`` is the folder whose content is hostile (the repository, or the git
    directory for okr's caches). Below it no link is ever followed, at the file or at any
    folder on its way (each folder is opened with O_NOFOLLOW from the one above, missing
    ones are made), and only a regular file is ever replaced: a link, pipe, device, socket
    or folder at the name is refused with UnsafePathError (IsADirectoryError for a folder).
    Outside ``within`` (or with None) the path is the user's own choice: a link there is
    written through (the file it names is replaced, the link stays), and a device, pipe or
    socket (``-o /dev/stdout``, ``-o /dev/null``) is written to as it is, since there is no
    file to replace and replacing it would destroy it."""
    confined = _confined(path, within)
    if confined is None:
        folder_fd, name = _open_users_folder(path, data, encoding)
        if folder_fd is None:
            return
    else:
        folder_fd = _open_folder(*confined[:2], path, create=True)
        name = confined[2]
    try:
        found = _lstat_at(folder_fd, name)
        if found is not None:
            _refuse_unless_regular(found, path)
        if mode is None:
            mode = 0o644 if found is None else found.st_mode & 0o7777
        _replace_at(folder_fd, name, data, encoding, mode, unchanged_since, path)
    finally:
        os.close(folder_fd)


def check_destination(path: Path, root: Path) -> None:
    """Refuse before any work is done what :func:`atomic_write` with ``within=root`` would
    refuse (UnsafePathError; IsADirectoryError for a folder): a link, dangling or not, at
    ``path`` or at a folder on its way below ``root``, or something else than a regular file
    at ``path``. Nothing is made.
    A path outside ``root`` is the user's own choice (``-o /dev/stdout``) and passes."""
    confined = _confined(path, root)
    if confined is None:
        return
    try:
        folder_fd = _open_folder(*confined[:2], path, create=False)
    except FileNotFoundError:
        return  # the missing folders will be made: nothing on the way is a link
    try:
        found = _lstat_at(folder_fd, confined[2])
        if found is not None:
            _refuse_unless_regular(found, path)
    finally:
        os.close(folder_fd)


def _confined(path: Path, within: Path | None) -> tuple[str, list[str], str] | None:
    """(``within`` resolved, the folders below it on ``path``'s way, the file's name) when
    ``path`` lies below ``within`` (compared lexically, ``..`` taken away first), else
    None. ``within`` itself is trusted: a link to it, or above it, is followed."""
    if within is None:
        return None
    given = os.path.abspath(path)
    real_root = os.path.realpath(within)
    for base in (os.path.abspath(within), real_root):
        if given == base:
            raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
        if inside(given, base):
            parts = os.path.relpath(given, base).split(os.sep)
            return real_root, parts[:-1], parts[-1]
    return None


_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NONBLOCK", 0)


def _open_folder(base: str, parts: list[str], shown: Path, *, create: bool) -> int:
    """A descriptor of the folder ``base``/``parts``, each part opened from the one above
    without following a link (made when missing, with ``create``)."""
    if create:
        os.makedirs(base, exist_ok=True)  # ``within`` itself is trusted
    fd = os.open(base, _FOLDER_FLAGS)
    try:
        for n, part in enumerate(parts):
            flags = _FOLDER_FLAGS | getattr(os, "O_NOFOLLOW", 0)
            try:
                below = os.open(part, flags, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, 0o777, dir_fd=fd)
                below = _open_checked(part, flags, fd, parts[: n + 1], shown)
            except OSError:
                below = _open_checked(part, flags, fd, parts[: n + 1], shown)
            os.close(fd)
            fd = below
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_checked(part: str, flags: int, fd: int, way: list[str], shown: Path) -> int:
    """Open a folder again, saying why it cannot be when it is a link or no folder."""
    try:
        return os.open(part, flags, dir_fd=fd)
    except OSError:
        found = _lstat_at(fd, part)
        if found is None:
            raise
        folder = "/".join(way)
        if stat.S_ISLNK(found.st_mode):
            raise UnsafePathError(
                shown,
                f"the folder {folder} on its way is a link (to {_link_target(fd, part)}); "
                "okr never writes through a link: remove the link first",
            ) from None
        if not stat.S_ISDIR(found.st_mode):
            raise UnsafePathError(
                shown, f"{folder} on its way is {kind_of(found.st_mode) or 'a file'}, not a folder"
            ) from None
        raise


def _link_target(fd: int, name: str) -> str:
    try:
        return os.readlink(name, dir_fd=fd)
    except OSError:
        return "?"


def _lstat_at(fd: int, name: str) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def _refuse_unless_regular(found: os.stat_result, path: Path) -> None:
    if stat.S_ISLNK(found.st_mode):
        target = "?"
        with contextlib.suppress(OSError):
            target = os.readlink(path)
        raise UnsafePathError(
            path,
            f"it is a link (to {target}); okr never writes through a link inside the "
            "repository: remove the link first",
        )
    if stat.S_ISDIR(found.st_mode):
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
    kind = kind_of(found.st_mode)
    if kind is not None:
        raise UnsafePathError(path, f"it is {kind}, not a regular file; remove it first")


def _open_users_folder(
    path: Path, data: str | bytes | list[str] | list[bytes], encoding: str
) -> tuple[int | None, str]:
    """For a path of the user's choosing: the descriptor of the folder the file is replaced
    in, and its name there (links followed); (None, "") when it was a device, pipe or
    socket, written to as it is."""
    try:
        found = os.stat(path)  # through any link
    except (FileNotFoundError, NotADirectoryError):
        found = None
    if found is not None and not stat.S_ISREG(found.st_mode):
        if stat.S_ISDIR(found.st_mode):
            raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
        with open(path, "wb") as handle:
            _write_all(handle, data, encoding)
        return None, ""
    if os.path.islink(path):
        path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path.parent, _FOLDER_FLAGS), path.name


def _replace_at(
    folder_fd: int,
    name: str,
    data: str | bytes | list[str] | list[bytes],
    encoding: str,
    mode: int,
    unchanged_since: os.stat_result | None,
    path: Path,
) -> None:
    """Write a temporary file in the folder, then rename it over ``name``."""
    _remove_orphans(folder_fd, name)
    fd, tmp = _temporary(folder_fd, name)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            _write_all(handle, data, encoding)
            handle.flush()
            os.fsync(handle.fileno())
        if unchanged_since is not None:
            now = _lstat_at(folder_fd, name)
            if now is None or (now.st_mtime_ns, now.st_size, now.st_ino) != (
                unchanged_since.st_mtime_ns,
                unchanged_since.st_size,
                unchanged_since.st_ino,
            ):
                raise FileChangedError(path)
        os.replace(tmp, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=folder_fd)
        raise


def _temporary(folder_fd: int, name: str) -> tuple[int, str]:
    """A new temporary file beside ``name`` (made, never opened through anything already
    there): its descriptor, for writing, and its name."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    while True:
        tmp = f".{name}.{os.getpid()}.{os.urandom(4).hex()}.okr-tmp"
        try:
            return os.open(tmp, flags, 0o600, dir_fd=folder_fd), tmp
        except FileExistsError:
            continue


def remove_matching(folder: Path, within: Path, wanted: Callable[[str], bool]) -> None:
    """Remove the entries of ``folder`` (below ``within``, reached without following a
    link) whose names are ``wanted``; a link is removed itself, never what it names."""
    confined = _confined(folder, within)
    if confined is None:
        raise UnsafePathError(folder, "it is not inside the folder given")
    fd = _open_folder(confined[0], [*confined[1], confined[2]], folder, create=False)
    try:
        for name in os.listdir(fd):
            if wanted(name):
                with contextlib.suppress(OSError):
                    os.unlink(name, dir_fd=fd)
    finally:
        os.close(fd)


def _write_all(
    handle: BinaryIO, data: str | bytes | list[str] | list[bytes], encoding: str
) -> None:
    if isinstance(data, bytes):
        handle.write(data)
        return
    for piece in [data] if isinstance(data, str) else data:
        handle.write(
            piece if isinstance(piece, bytes) else piece.encode(encoding, "surrogateescape")
        )


def _remove_orphans(folder_fd: int, name: str) -> None:
    """Temporary files a killed writer left next to ``name`` (its pid is gone): removed."""
    prefix = f".{name}."
    try:
        entries = os.listdir(folder_fd)
    except OSError:
        return
    for entry in entries:
        if not (entry.startswith(prefix) and entry.endswith(".okr-tmp")):
            continue
        pid_text = entry[len(prefix) :].split(".", 1)[0]
        if pid_text.isdigit() and not _alive(int(pid_text)):
            with contextlib.suppress(OSError):
                os.unlink(entry, dir_fd=folder_fd)


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
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        if timeout is None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        else:
            _wait_for_lock(fcntl, fd, timeout)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _wait_for_lock(fcntl: ModuleType, fd: int, timeout: float) -> None:
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


def open_regular(path: str, *, follow: bool = False, within: Path | None = None) -> int:
    """A read-only descriptor of a regular file, or NotAFileError naming what it is instead.

    The path is looked at first (lstat: a socket cannot even be opened), then opened without
    blocking (a named pipe with no writer would otherwise hang the open for ever) and without
    following a final link unless ``follow``; what was opened is checked again with fstat,
    so a file swapped in between is still caught. With ``within`` (and the path below it),
    no folder on the way below ``within`` is followed either (a link there: UnsafePathError)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    confined = None if follow else _confined(Path(path), within)
    folder_fd = None if confined is None else _open_folder(*confined[:2], Path(path), create=False)
    try:
        name = path if confined is None else confined[2]
        found = os.stat(name, dir_fd=folder_fd, follow_symlinks=follow)
        kind = None if stat.S_ISLNK(found.st_mode) else kind_of(found.st_mode)
        if kind is not None:
            raise NotAFileError(path, kind)
        fd = os.open(name, flags, dir_fd=folder_fd)
    finally:
        if folder_fd is not None:
            os.close(folder_fd)
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


_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_surrogate(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def name_text(text: str) -> str:
    """``text`` as text any UTF-8 output can hold: a byte a file name held that is no UTF-8
    (which Python keeps as a lone surrogate, U+DC80 to U+DCFF) written as ``\\xff``, any
    other lone surrogate as ``\\udxxx``; the rest unchanged."""
    return text if text.isascii() else _SURROGATE.sub(_escape_surrogate, text)


def uri_path(path: str) -> str:
    """A relative path as a URI reference's path (SARIF's ``uri``): ``/`` between folders,
    and each byte that is no UTF-8 percent-encoded (``%FF``), which is what it stands for."""
    slashed = path.replace("\\", "/")
    if slashed.isascii():
        return slashed
    return _SURROGATE.sub(
        lambda m: (
            f"%{ord(m.group()) - 0xDC00:02X}"
            if 0xDC80 <= ord(m.group()) <= 0xDCFF
            else _escape_surrogate(m)
        ),
        slashed,
    )
