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
import json
import os
from pathlib import Path
from typing import Any

from okrcli.fsutil import atomic_write, open_regular, read_fd


def enabled() -> bool:
    return not os.environ.get("OKR_NO_CACHE")


MAX_BYTES = 512 * 1024 * 1024  # a larger file is no cache okr wrote


def _header(kind: str) -> bytes:
    return f"okrcli-cache {kind} json\n".encode()


def read(path: Path, kind: str) -> Any | None:
    """The cached value, or None when there is none usable."""
    if not enabled():
        return None
    try:
        fd = open_regular(str(path))
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
    try:
        return json.loads(raw[len(header) :])
    except (ValueError, RecursionError):
        return None


def write(path: Path, kind: str, value: Any) -> None:
    """Replace the cache file atomically, and remove the same cache's files of other versions
    (``blobs-v1.json`` once ``blobs-v2`` is written); failures are ignored."""
    if not enabled():
        return
    with contextlib.suppress(OSError, ValueError):
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":"), check_circular=False)
        atomic_write(path, _header(kind) + data.encode("utf-8"))
    family = kind.rsplit("-v", 1)[0] + "-v"
    with contextlib.suppress(OSError):
        for old in path.parent.glob(f"{family}*"):
            rest = old.name[len(kind) :]
            if not (old.name.startswith(kind) and rest[:1] in ("-", ".")):
                old.unlink()
