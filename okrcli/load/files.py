"""Reading repository files without the models: light enough to run before pydantic loads.

Everything here imports only the YAML reader, so ``okr lint`` can find the repository, list its
files and start parsing them (in a forked helper) while the models are still being imported.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from okrcli.errors import OkrError
from okrcli.load.parsecache import ParseCache, digest
from okrcli.load.yamlsafe import MAX_BYTES, Parsed, Span, YamlError, decode, parse

if TYPE_CHECKING:
    from okrcli.model.okr import OkrFile

CONFIG_NAME = "okr.yaml"
ORG_NAME = "org.yaml"


@dataclass(frozen=True, slots=True)
class LoadIssue:
    """A file that cannot be read (``parse``) or does not fit the format (``schema``)."""

    kind: str  # "parse" | "schema"
    span: Span
    message: str


@dataclass(slots=True)
class Source:
    """One YAML file of the repository, as far as it could be read."""

    path: Path
    rel: str
    text: str | None = None
    parsed: Parsed | None = None
    issues: list[LoadIssue] = field(default_factory=list)


@dataclass(slots=True)
class OkrDoc(Source):
    """An OKR file: ``<okrs_dir>/<quarter>/<unit>.yaml``."""

    model: OkrFile | None = None
    folder: str = ""
    stem: str = ""


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` with an okr.yaml, else with org.yaml, else
    the git top level."""
    start = start.resolve()
    if start.is_file():
        start = start.parent
    candidates = [start, *start.parents]
    for marker in (CONFIG_NAME, ORG_NAME):
        for folder in candidates:
            if (folder / marker).is_file():
                return folder
    for folder in candidates:
        if (folder / ".git").exists():
            return folder
    raise OkrError(
        f"no OKR repository found at or above {start}: there is no {CONFIG_NAME} or {ORG_NAME}. "
        "Run the command inside an OKR repository, pass --repo PATH, or create one with okr init."
    )


@lru_cache(maxsize=1024)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


def _inside(real: str, real_root: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _read_bytes(path: Path, root: Path) -> bytes:
    """The file's bytes, refusing links that lead outside the repository and huge files."""
    name = str(path)
    real_root = _real_folder(str(root))
    folder = _real_folder(os.path.dirname(name))
    try:  # the common case, a plain file: opened without following a link
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        if not os.path.islink(name):
            raise
        resolved = os.path.realpath(name)
        if not _inside(resolved, real_root):
            raise YamlError(
                f"the file is a link to {resolved}, outside the repository; "
                "okr reads only files inside it. Copy the file in instead."
            ) from None
        del exc
        fd = os.open(resolved, os.O_RDONLY)
    else:
        if not _inside(folder, real_root):
            os.close(fd)
            raise YamlError(
                f"the file is in {folder}, a linked folder outside the repository; "
                "okr reads only files inside it. Copy the file in instead."
            )
    try:
        return _read_fd(fd, MAX_BYTES + 1)
    finally:
        os.close(fd)


def _read_fd(fd: int, limit: int) -> bytes:
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


def resolve_root(repo: Path | None, start: Path, cwd: Path) -> Path:
    """The OKR repository root: ``--repo`` when given (relative to ``cwd``), else found from
    ``start`` (a path the user named, or the working directory)."""
    if repo is not None:
        root = (cwd / repo).resolve()
        if not root.is_dir():
            raise OkrError(f"--repo {repo}: no such folder.")
        return root
    return find_root(start if start.is_absolute() else cwd / start)


def read_source(path: Path, root: Path, source: Source, cache: ParseCache | None = None) -> None:
    """Read, decode and parse ``path`` into ``source``, recording a parse issue on failure
    (taking the parsed data from ``cache`` when it has the text)."""
    try:
        raw = _read_bytes(path, root)
        if len(raw) > MAX_BYTES:
            raise YamlError(
                f"the file is larger than {MAX_BYTES:,} bytes, the most an OKR file may be; "
                "split it or remove what does not belong in it."
            )
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        source.issues.append(
            LoadIssue(
                "parse",
                Span(1, 1, 1, 1),
                f"the file cannot be read ({reason}); "
                "check that it exists and that you may read it.",
            )
        )
        return
    except YamlError as exc:
        source.issues.append(LoadIssue("parse", Span(1, 1, 1, 1), exc.message))
        return
    parse_into(source, raw, cache)


def parse_into(source: Source, raw: bytes, cache: ParseCache | None = None) -> None:
    """Decode and parse file bytes into ``source``, recording a parse issue on failure."""
    try:
        text = decode(raw)
        source.text = text
        if cache is None or cache.path is None:
            source.parsed = parse(text)
            return
        key = digest(text)
        hit, data = cache.get(key)
        if hit:
            source.parsed = Parsed(data, text=text)
        else:
            source.parsed = parse(text)
            cache.put(key, source.parsed.data)
    except YamlError as exc:
        source.issues.append(
            LoadIssue("parse", Span(exc.line, exc.column, exc.line, exc.column + 1), exc.message)
        )


Read = tuple[str | None, Parsed | None, list[LoadIssue]]


def _read_all(paths: list[Path], root: Path) -> list[Read]:
    """Read and parse files (in a worker process): plain data crosses back, never models."""
    out: list[Read] = []
    for path in paths:
        src = Source(path=path, rel="")
        read_source(path, root, src)
        out.append((src.text, src.parsed, src.issues))
    return out


def _rel(path: Path, root: Path) -> str:
    name, base = str(path), str(root).rstrip(os.sep) + os.sep
    if name.startswith(base):
        return name[len(base) :].replace(os.sep, "/")
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


OKR_SUFFIXES = (".yaml", ".yml")


def okr_file(rel: str, okrs_dir: str) -> tuple[str, str] | None:
    """The one definition of which paths are OKR files, for the working tree and for the
    trees git holds alike: ``<okrs_dir>/<folder>/<name>.yaml`` (or ``.yml``), ``rel`` relative
    to the repository root with ``/`` separators, where neither the folder nor the file's name
    starts with a dot (drafts and editors' files). Returns ``(folder, stem)``, else None."""
    base = posixpath.normpath(okrs_dir.replace("\\", "/"))
    prefix = "" if base == "." else base.strip("/") + "/"
    if not rel.startswith(prefix):
        return None
    folder, sep, name = rel[len(prefix) :].partition("/")
    if not sep or "/" in name or not folder or folder[0] == "." or not name or name[0] == ".":
        return None
    for suffix in OKR_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return folder, name[: -len(suffix)]
    return None


def discover_okr_files(root: Path, okrs_dir: str) -> list[Path]:
    """Every OKR file (see :func:`okr_file`) in the working tree, sorted."""
    base = root / okrs_dir
    if not base.is_dir():
        return []
    found: list[Path] = []
    with os.scandir(base) as folders:
        names = sorted(f.name for f in folders if f.is_dir())
    rel_base = posixpath.normpath(okrs_dir.replace("\\", "/"))
    for name in names:
        folder = base / name
        with os.scandir(folder) as entries:
            files = sorted(
                e.name for e in entries if okr_file(f"{rel_base}/{name}/{e.name}", okrs_dir)
            )
        found.extend(folder / f for f in files)
    return found
