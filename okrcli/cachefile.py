"""The files okr keeps in ``<git dir>/okrcli/`` to skip work it has done before.

Each holds plain data (dicts, lists, tuples, strings, numbers) in Python's ``marshal`` format
behind a header naming the kind of cache and the Python that wrote it. ``marshal`` reads such
data at C speed, several times faster than JSON, and it is what Python itself trusts for the
``__pycache__`` files next to a project's code; these files live inside the git directory, where
only the repository's owner writes (and whoever can write there can already make git run
commands through hooks). A file written by another Python or another version of the cache, cut
short, or damaged in any way reads as a miss, never an error; a cache that cannot be written is
simply not kept. Setting ``OKR_NO_CACHE`` (to anything) turns every cache off.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any

from okrcli.fsutil import atomic_write


def enabled() -> bool:
    return not os.environ.get("OKR_NO_CACHE")


def _header(kind: str) -> bytes:
    return f"okrcli-cache {kind} {sys.implementation.cache_tag} {marshal.version}\n".encode()


def read(path: Path, kind: str) -> Any | None:
    """The cached value, or None when there is none usable."""
    if not enabled():
        return None
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    header = _header(kind)
    if not raw.startswith(header):
        return None
    try:
        return marshal.loads(raw[len(header) :])
    except (EOFError, ValueError, TypeError):
        return None


def write(path: Path, kind: str, value: Any) -> None:
    """Replace the cache file atomically, and remove the same cache's files of other versions
    (``blobs-v1.json`` once ``blobs-v2`` is written); failures are ignored."""
    if not enabled():
        return
    with contextlib.suppress(OSError, ValueError):
        atomic_write(path, _header(kind) + marshal.dumps(value))
    family = kind.rsplit("-v", 1)[0] + "-v"
    with contextlib.suppress(OSError):
        for old in path.parent.glob(f"{family}*"):
            rest = old.name[len(kind) :]
            if not (old.name.startswith(kind) and rest[:1] in ("-", ".")):
                old.unlink()
