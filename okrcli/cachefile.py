"""The files okr keeps in ``<git dir>/okrcli/`` to skip work it has done before.

Each holds plain data only (objects, lists, strings, numbers, true, false and null) as JSON
behind a header naming the kind of cache: nothing in a cache is ever executed, unpickled or
unmarshalled, since CI may restore the git directory's caches from a run that a pull request
controlled. Each cache's reader checks the shape of what it reads back and uses nothing it
did not check. A file written by another version of the cache, cut short, damaged or crafted
reads as a miss, never an error; a cache that cannot be written is simply not kept. Setting
``OKR_NO_CACHE`` (to anything) turns every cache off.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from okrcli import __version__
from okrcli.fsutil import atomic_write, open_regular, read_fd, remove_matching


def enabled() -> bool:
    return not os.environ.get("OKR_NO_CACHE")


_writes = True


def write_none() -> None:
    """Read the caches but write none, for the rest of the process: chosen once by a
    front-end that promises to write no file (``okr lsp``)."""
    global _writes
    _writes = False


def git_dir_of(root: Path) -> Path | None:
    """The git directory of the repository holding ``root`` (found without running git:
    ``.git`` or, in a worktree or submodule, the folder its ``gitdir:`` line names), or None
    outside git."""
    for folder in (root, *root.parents):
        marker = folder / ".git"
        if marker.is_dir():
            return marker
        if marker.is_file():
            try:
                line = marker.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                return None
            if not line.startswith("gitdir:"):
                return None
            target = Path(line[len("gitdir:") :].strip())
            return target if target.is_absolute() else folder / target
    return None


def folder(git_dir: Path) -> Path:
    """Where okr keeps its caches: the one definition, ``<git dir>/okrcli``."""
    return git_dir / "okrcli"


def folder_of(root: Path) -> Path | None:
    """The cache folder of the repository holding ``root``, or None outside git."""
    found = git_dir_of(root)
    return None if found is None else folder(found)


@lru_cache(maxsize=1)
def _stamp() -> str:
    """What every cache depends on besides its own format: okr's version and the YAML
    parser's (PyYAML's version, read from its source without importing it: this module is
    on the start-up path of ``okr --help``, which imports no heavy library)."""
    return f"okrcli-{__version__} pyyaml-{_pyyaml_version()}"


_VERSION = re.compile(rb"""^__version__\s*=\s*['"]([^'"]+)['"]""", re.M)


def _pyyaml_version() -> str:
    spec = importlib.util.find_spec("yaml")
    origin = spec.origin if spec is not None else None
    if origin is None:
        return "none"
    try:
        with open(origin, "rb") as source:
            found = _VERSION.search(source.read(64 * 1024))
    except OSError:
        return "unknown"
    return found.group(1).decode("ascii", "replace") if found else "unknown"


MAX_BYTES = 64 * 1024 * 1024  # a larger file is no cache okr wrote (the largest of the
# 1,000-unit, 13-week benchmark, its blob cache, is 4 MB)
MAX_MEMORY = 256 * 1024 * 1024  # what reading one cache may take, as estimated before


def estimated_memory(raw: bytes) -> int:
    """An upper estimate of the memory the JSON ``raw`` takes once read, counted at C speed
    before anything is parsed: the text, 72 bytes a list and 200 an object (an empty one
    with its place in the one holding it; one with keys grows by its keys' separators), 25
    a quote (a string object of a few letters is 50 bytes) and 40 a value (a number, or a
    place in a list or object). A few MB of ``[],[],...`` or ``"a","a",...`` would otherwise
    take fifteen to twenty times their size; what okr writes is estimated at six to eight
    times its size (and takes about four)."""
    lists = raw.count(b"[")
    objects = raw.count(b"{")
    values = raw.count(b",") + raw.count(b":")
    return len(raw) + 72 * lists + 200 * objects + 25 * raw.count(b'"') + 40 * values


def _header(kind: str) -> bytes:
    """The first line of a cache file: the cache's kind and format version, and what else
    its content depends on, so a cache written by another okr or parser is a miss."""
    return f"okrcli-cache {kind} {_stamp()} json\n".encode()


def _within(path: Path) -> Path:
    """The git directory of a cache file: every cache is ``<git dir>/okrcli/<name>``, and
    nothing below the git directory is followed through a link."""
    return path.parent.parent


def read_body(path: Path, kind: str) -> bytes | None:
    """The cache file's content after its header, or None when there is none usable: no
    file, a file that is no regular file (a link, pipe, device or folder; never opened
    blocking), one reached through a linked folder, one larger than :data:`MAX_BYTES` (only
    that much is read) or that would take more than :data:`MAX_MEMORY` to parse, or one not
    okr's (another kind or version)."""
    if not enabled():
        return None
    try:
        fd = open_regular(str(path), within=_within(path))
    except OSError:
        return None
    try:
        raw = read_fd(fd, MAX_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    header = _header(kind)
    if not raw.startswith(header) or len(raw) > MAX_BYTES:
        return None
    if estimated_memory(raw) > MAX_MEMORY:
        return None
    return raw[len(header) :]


def read(path: Path, kind: str) -> Any | None:
    """The cached value as plain JSON data, or None when there is none usable."""
    body = read_body(path, kind)
    if body is None:
        return None
    try:
        return json.loads(body, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return None


def _no_constant(name: str) -> Any:
    """NaN and infinities are no numbers a file can hold: a cache with one is no cache
    okr wrote (Python's JSON reader would take them)."""
    raise ValueError(f"{name} in a cache")


def write(path: Path, kind: str, value: Any) -> None:
    """Replace the cache file with ``value`` as JSON (see :func:`write_body`)."""
    with contextlib.suppress(ValueError):
        body = json.dumps(value, ensure_ascii=False, separators=(",", ":"), check_circular=False)
        write_body(path, kind, body.encode("utf-8"))


def write_body(path: Path, kind: str, body: bytes) -> None:
    """Replace the cache file atomically with its header and ``body``, and remove the same
    cache's files of other versions (``blobs-v1.json`` once ``blobs-v2`` is written);
    failures are ignored. Nothing is written through a link (at the file or the ``okrcli``
    folder) nor into what is no regular file: such a cache is simply not kept."""
    if not enabled() or not _writes:
        return
    within = _within(path)
    with contextlib.suppress(OSError):
        atomic_write(path, _header(kind) + body, within=within)
    family = kind.rsplit("-", 1)[0] + "-"

    def other_version(name: str) -> bool:
        rest = name[len(kind) :]
        return name.startswith(family) and not (name.startswith(kind) and rest[:1] in ("-", "."))

    with contextlib.suppress(OSError):
        remove_matching(path.parent, within, other_version)
