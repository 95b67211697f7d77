"""Parsed OKR files kept between runs, keyed by a digest of their text.

Parsing is most of the work of reading a repository, and between two runs most files have not
changed. Inside a git repository, the plain data of every file that parsed cleanly is kept in
``.git/okrcli/`` under the SHA-256 of its text; the next run takes unchanged files from there
and parses only the others. A file's text fully decides its data, so an entry never goes stale;
the cache holds the files of the last run only, so it never grows beyond the repository's size.
Positions are not kept: a file that needs them (one with findings) parses its text again.
The file format and its failure modes are :mod:`okrcli.cachefile`'s.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from okrcli import cachefile

KIND = "parsed-v4"  # change when the reader's output for the same text changes


_DIGEST = re.compile(r"[0-9a-f]{64}")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ParseCache:
    """Parsed data of the repository's files, by digest of their text."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.old: dict[str, Any] = {}
        self.new: dict[str, Any] = {}
        if path is None:
            return
        loaded = cachefile.read(path, KIND)
        # any JSON value is data a YAML file could hold; only the keys need checking
        if isinstance(loaded, dict) and all(_DIGEST.fullmatch(k) for k in loaded):
            self.old = loaded

    @classmethod
    def for_root(cls, root: Path) -> ParseCache:
        folder = cachefile.folder_of(root) if cachefile.enabled() else None
        if folder is None:
            return cls(None)
        # one file per OKR repository root, as one git repository may hold several
        name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
        return cls(folder / f"{KIND}-{name}.json")

    def get(self, key: str) -> tuple[bool, Any]:
        """(True, data) for a text parsed before, else (False, None)."""
        if key in self.old:
            value = self.old[key]
            self.new[key] = value
            return True, value
        return False, None

    def put(self, key: str, data: Any) -> None:
        self.new[key] = data

    def save(self) -> None:
        """Keep this run's files (only when that changes anything); never fails a command."""
        if self.path is not None and self.new.keys() != self.old.keys():
            cachefile.write(self.path, KIND, self.new)
