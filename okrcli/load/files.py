"""The repository's files as documents, found and read without the models: which paths are
OKR files, how a file is read safely, and where the repository's root is."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from okrcli.errors import OkrError
from okrcli.fsutil import NotAFileError, inside, open_regular
from okrcli.fsutil import read_fd as _read_fd
from okrcli.load.yamlsafe import MAX_BYTES, Parsed, Span, YamlError

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


def period_in(data: dict[object, object]) -> object:
    """The period a parsed OKR file names, as its folder is named (``2026-Q4``, ``2026``,
    ``2026-2028``): its ``quarter``, else its ``year`` (an int, as text), else its ``years``;
    None when it names none."""
    if "quarter" in data:
        return data["quarter"]
    year = data.get("year")
    if isinstance(year, int) and not isinstance(year, bool):
        return str(year)
    return data.get("years", year)


def in_place(doc: OkrDoc) -> bool:
    """Whether an OKR file holds the unit it is named after, in the folder of its quarter.
    One that does not (lint's OKR003 and OKR004) is left out of scores, reports and the
    history, so that a file ``checkout.yaml`` saying ``unit: search`` cannot stand in for
    search's own file."""
    unit: object
    quarter: object
    if doc.model is not None:
        unit, quarter = doc.model.unit, doc.model.period
    else:
        data = doc.parsed.data if doc.parsed is not None else None
        if not isinstance(data, dict):
            return False
        unit, quarter = data.get("unit"), period_in(data)
    return unit == doc.stem and quarter == doc.folder


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` with an okr.yaml, else with org.yaml, else
    the git top level."""
    start = start.resolve()
    if start.is_file():
        start = start.parent
    candidates = [start, *start.parents]
    for marker in (CONFIG_NAME, ORG_NAME):
        for folder in candidates:
            if is_marker(folder / marker):
                return folder
    for folder in candidates:
        if (folder / ".git").exists():
            return folder
    raise OkrError(
        f"no OKR repository found at or above {start}: there is no {CONFIG_NAME} or {ORG_NAME}. "
        "Run the command inside an OKR repository, pass --repo PATH, or create one with okr init."
    )


def is_marker(path: Path) -> bool:
    """Whether okr.yaml or org.yaml is there: any file but a folder (a pipe or a dangling link
    too, which reading then reports, rather than a repository found elsewhere)."""
    return os.path.lexists(path) and not path.is_dir()


@lru_cache(maxsize=1024)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


_inside = inside


def read_bytes(path: Path, root: Path) -> bytes:
    """The file's bytes, refusing links that lead outside the repository, huge files and
    anything but a regular file (a named pipe, device or socket is never opened blocking)."""
    name = str(path)
    real_root = _real_folder(str(root))
    folder = _real_folder(os.path.dirname(name))
    try:  # the common case, a plain file: opened without following a link
        fd = open_regular(name)
    except NotAFileError:
        raise
    except OSError:
        if not os.path.islink(name):
            raise
        resolved = os.path.realpath(name)
        if not _inside(resolved, real_root):
            raise YamlError(
                f"the file is a link to {resolved}, outside the repository; "
                "okr reads only files inside it. Copy the file in instead."
            ) from None
        fd = open_regular(resolved, follow=True)
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


def resolve_root(repo: Path | None, start: Path, cwd: Path) -> Path:
    """The OKR repository root: ``--repo`` when given (relative to ``cwd``), else found from
    ``start`` (a path the user named, or the working directory)."""
    if repo is not None:
        root = (cwd / repo).resolve()
        if not root.is_dir():
            raise OkrError(f"--repo {repo}: no such folder.")
        return root
    return find_root(start if start.is_absolute() else cwd / start)


def rel_path(path: Path, root: Path) -> str:
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
    base = posixpath.normpath(okrs_dir)
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
        return [base] if os.path.islink(base) else []  # a link that leads nowhere: said
    found: list[Path] = []
    try:
        with os.scandir(base) as folders:
            names = sorted(f.name for f in folders if _is_dir(f))
    except OSError:  # reported on the folder, as a quarter folder's
        return [base]
    rel_base = posixpath.normpath(okrs_dir)
    for name in names:
        if okr_file(f"{rel_base}/{name}/x.yaml", okrs_dir) is None:
            continue  # a hidden folder
        folder = base / name
        try:
            with os.scandir(folder) as entries:
                files = sorted(
                    e.name for e in entries if okr_file(f"{rel_base}/{name}/{e.name}", okrs_dir)
                )
        except OSError:  # listed as it is: reading it reports why it cannot be listed
            found.append(folder)
            continue
        found.extend(folder / f for f in files)
    return found


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """A folder, or a link that cannot be followed (a loop, a dangling link): listed, so
    that it is reported."""
    try:
        return entry.is_dir() or (entry.is_symlink() and not os.path.exists(entry.path))
    except OSError:
        return True


def listing_problem(path: Path) -> str:
    """Why the folder ``path`` cannot be listed (its first entries are enough to know)."""
    try:
        with os.scandir(path) as entries:
            next(entries, None)
    except OSError as exc:
        return (exc.strerror or str(exc)).lower()
    return "it is a folder where an OKR file belongs"
