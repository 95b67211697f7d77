"""Checks of a source that need no network: the lint rules report them with positions, and
``okr sync`` refuses a source that fails one (before expanding any secret)."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from okrcli.model.source import Connection, MetricSource
from okrcli.sync.secrets import (
    SourceError,
    bad_references,
    is_reference_only,
    literal_url_secrets,
    secret_name,
)
from okrcli.sync.select import problem

Kind = Literal["unknown", "bad", "secret"]
YPath = tuple[str | int, ...]
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong, and where: ``path`` is relative to the source (or connection)."""

    kind: Kind
    path: YPath
    message: str


def source_problems(
    src: MetricSource, connections: Mapping[str, Connection], root: Path | None
) -> list[Problem]:
    """Every problem of one key result's source (``root`` None: skip file-system checks)."""
    out: list[Problem] = []
    for field in ("query", "http", "select", "csv", "column"):
        value = getattr(src, field)
        if isinstance(value, str):
            out += _references((field,), value)
    for name, value in (src.headers or {}).items():
        out += _references(("headers", name), value)
    kind = src.kind
    if kind == "sql":
        out += _sql(src, connections)
    elif kind == "http":
        out += _http(src)
    elif kind == "csv":
        assert src.csv is not None
        try:
            if root is not None:
                repo_file(root, src.csv, "csv")
            else:
                _relative(src.csv, "csv")
        except SourceError as exc:
            out.append(Problem("bad", ("csv",), exc.reason))
    else:
        argv = src.argv()
        if not argv or not argv[0].strip():
            out.append(Problem("bad", ("command",), "the command is empty; name a program."))
        elif any("${" in a for a in argv):
            out.append(
                Problem(
                    "bad",
                    ("command",),
                    "a command takes no ${...} references: the program reads the "
                    "environment it runs in itself; remove them.",
                )
            )
    return out


def connection_problems(conn: Connection, root: Path | None) -> list[Problem]:
    """Problems of one okr.yaml connection (paths relative to it)."""
    out = _references(("url",), conn.url)
    m = _SCHEME.match(conn.url)
    if m is None:
        out.append(
            Problem(
                "bad",
                ("url",),
                "the URL has no database scheme; write it like sqlite:///metrics/kpis.db or "
                "postgresql://user@host/db.",
            )
        )
        return out
    if m.group(1).split("+")[0].lower() == "sqlite":
        try:
            sqlite_file(conn.url, root)
        except SourceError as exc:
            out.append(Problem("bad", ("url",), exc.reason))
    for what in literal_url_secrets(conn.url):
        out.append(Problem("secret", ("url",), _secret_message(what)))
    return out


def _secret_message(what: str) -> str:
    return (
        f"{what} is written out; a secret in the repository is a secret for everyone who "
        "can read it. Write ${env:NAME} and set NAME from the CI's secret store."
    )


def _references(path: YPath, value: str) -> list[Problem]:
    return [
        Problem(
            "bad",
            path,
            f"'{ref}' is no reference okr knows; secrets enter only as ${{env:NAME}}.",
        )
        for ref in bad_references(value)
    ]


def _sql(src: MetricSource, connections: Mapping[str, Connection]) -> list[Problem]:
    out: list[Problem] = []
    assert src.sql is not None and src.query is not None
    if src.sql not in connections:
        close = difflib.get_close_matches(src.sql, list(connections), n=1)
        if close:
            hint = f" Did you mean '{close[0]}'?"
        elif connections:
            hint = f" okr.yaml names: {', '.join(sorted(connections))}."
        else:
            hint = " Name it under `sources:` in okr.yaml."
        out.append(Problem("unknown", ("sql",), f"no connection '{src.sql}' in okr.yaml.{hint}"))
    if "${" in src.query:
        out.append(
            Problem(
                "bad",
                ("query",),
                "a query takes no ${...} references: secrets belong in the connection's URL.",
            )
        )
    if ";" in src.query.strip().rstrip(";"):
        out.append(Problem("bad", ("query",), "the query holds more than one statement; keep one."))
    return out


def _http(src: MetricSource) -> list[Problem]:

    out: list[Problem] = []
    assert src.http is not None and src.select is not None
    m = _SCHEME.match(src.http)
    scheme = m.group(1).lower() if m else ""
    if scheme not in ("http", "https"):
        out.append(Problem("bad", ("http",), "the URL must start with https:// (or http://)."))
    else:
        host = src.http[m.end() if m else 0 :].split("/", 1)[0].rsplit("@", 1)[-1]
        if not host.split("?", 1)[0]:
            out.append(Problem("bad", ("http",), "the URL names no host."))
    for what in literal_url_secrets(src.http):
        out.append(Problem("secret", ("http",), _secret_message(what)))
    said = problem(src.select)
    if said is not None:
        out.append(Problem("bad", ("select",), said))
    for name, value in (src.headers or {}).items():
        if any(c in value for c in "\r\n\0"):
            out.append(Problem("bad", ("headers", name), "a header value holds a line break."))
        elif secret_name(name) and not is_reference_only(value, scheme_word=True):
            out.append(
                Problem("secret", ("headers", name), _secret_message(f"the header '{name}'"))
            )
    return out


def _relative(rel: str, what: str) -> None:
    """Refuse a path that is absolute or climbs out with '..'."""
    if not rel or rel.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:", rel):
        raise SourceError(
            f"the {what} path '{rel}' must be relative to the repository root, inside it."
        )
    if ".." in re.split(r"[/\\]", rel):
        raise SourceError(f"the {what} path '{rel}' climbs out with '..'; name a file inside.")


def repo_file(root: Path, rel: str, what: str) -> Path:
    """The file ``rel`` names inside the repository at ``root``; SourceError when it is
    absolute, climbs out, or leads out through a link (a missing file passes: it is
    reported when read)."""
    _relative(rel, what)
    real_root = os.path.realpath(root)
    path = os.path.join(real_root, rel)
    real = os.path.realpath(path)
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        raise SourceError(
            f"the {what} path '{rel}' leads outside the repository through a link; "
            "okr reads only files inside it."
        )
    return Path(real)


def sqlite_file(url: str, root: Path | None) -> Path | None:
    """The file a ``sqlite:///relative/path`` URL names, checked to lie inside the
    repository (None when ``root`` is None: the path was only checked for shape)."""
    rest = url.split("://", 1)[1]
    if not rest.startswith("/") or rest == "/":
        raise SourceError("a SQLite URL names a file: sqlite:///metrics/kpis.db.")
    rel = rest[1:].split("?", 1)[0]
    if rel.startswith("/"):
        raise SourceError(
            f"the SQLite file '{rel}' must be a path relative to the repository root (write "
            "sqlite:///metrics/kpis.db), inside it."
        )
    if root is None:
        _relative(rel, "SQLite")
        return None
    return repo_file(root, rel, "SQLite")
