"""sql sources: one query on a named connection, through SQLAlchemy 2.

Each connection gets one engine per run, made on first use, with no pool: every query has a
connection of its own, so nothing one query does outlives it. SQLite files are opened
read-only, with an authorizer that lets a query only read (no ATTACH, VACUUM INTO, PRAGMA,
writes or extensions) and a cap on the size of any value; PostgreSQL runs each query in a
read-only transaction with a statement timeout, and needs TLS to send a password to another
machine. At most two rows are read, and every transaction is rolled back. A query must give
one row of one number. PostgreSQL URLs without a driver use psycopg 3
(``pip install 'okrcli[postgres]'``).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from okrcli.model.source import Connection
from okrcli.sync.check import sqlite_file
from okrcli.sync.secrets import Secrets, SourceError, hold_references, put_back

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


MAX_VALUE = 1_000_000  # bytes in one SQLite value (text or blob), so a query's memory is bounded
MAX_ROWS = 2  # rows read of an answer: one is the value, a second says it gave more
_LOCAL = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
_TLS_MODES = frozenset({"require", "verify-ca", "verify-full"})

# what a SQLite query may do: read tables and call functions (not these), nothing else
_SQLITE_READS = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)
_SQLITE_BARRED_FUNCTIONS = frozenset({"load_extension", "fts3_tokenizer", "readfile", "writefile"})


def _sqlite_authorizer(
    action: int, arg1: str | None, arg2: str | None, db: str | None, trigger: str | None
) -> int:
    """Allow reading and ordinary functions; refuse ATTACH, DETACH, VACUUM (INTO), PRAGMA,
    writes, transactions and extension loading."""
    if action not in _SQLITE_READS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in _SQLITE_BARRED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


class Databases:
    """The run's database engines, by connection name (thread-safe). SQLite files are
    opened afresh for each query (nothing a query does outlives it)."""

    def __init__(self, root: Path, connections: Mapping[str, Connection], secrets: Secrets):
        self.root = root
        self.connections = connections
        self.secrets = secrets
        self._engines: dict[str, tuple[Engine | Path, str] | SourceError] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        for made in self._engines.values():
            if not isinstance(made, SourceError) and not isinstance(made[0], Path):
                made[0].dispose()

    def _engine(self, name: str, timeout: float) -> tuple[Engine | Path, str]:
        with self._lock:
            made = self._engines.get(name)
            if made is None:
                try:
                    made = self._make(name, timeout)
                except SourceError as exc:
                    made = exc
                self._engines[name] = made
        if isinstance(made, SourceError):
            raise SourceError(made.reason)
        return made

    def _make(self, name: str, timeout: float) -> tuple[Engine | Path, str]:
        conn = self.connections.get(name)
        if conn is None:
            raise SourceError(f"no connection '{name}' in okr.yaml.")
        # parsed with its references unexpanded: each secret is expanded into its own part
        # (the password as a separate connection parameter), never into one URL string
        held, refs = hold_references(conn.url)
        try:
            url = make_url(held)
        except ArgumentError:
            raise SourceError(f"the URL of connection '{name}' is not a database URL.") from None
        backend = url.get_backend_name()
        if backend == "sqlite":
            path = sqlite_file(conn.url, self.root)
            assert path is not None
            if not path.is_file():
                rel = path.relative_to(Path(self.root).resolve())
                raise SourceError(f"the SQLite file '{rel}' of connection '{name}' does not exist.")
            return path, backend

        def real(part: str | None) -> str | None:
            return None if part is None else self.secrets.expand(put_back(part, refs))

        password = real(url.password)
        query: dict[str, str | tuple[str, ...]] = {}
        for key, value in url.query.items():
            if isinstance(value, tuple):
                query[key] = tuple(real(v) or "" for v in value)
            else:
                query[key] = real(value) or ""
        url = url.set(
            username=real(url.username),
            password=None,
            host=real(url.host),
            database=real(url.database),
            query={k: v for k, v in query.items() if k != "password"},
        )
        if password is None and "password" in query:
            given = query["password"]
            password = given if isinstance(given, str) else ",".join(given)
        args: dict[str, Any] = {}
        if password is not None:
            args["password"] = password
        if backend == "postgresql":
            if url.drivername == "postgresql":
                url = url.set(drivername="postgresql+psycopg")
            args["connect_timeout"] = max(1, round(timeout))
            if password is not None:
                args |= _tls_for_password(name, url.host, query)
        try:
            engine = create_engine(url, connect_args=args, poolclass=NullPool)
        except (NoSuchModuleError, ImportError):
            hint = "pip install 'okrcli[postgres]'" if backend == "postgresql" else "install it"
            raise SourceError(
                f"connection '{name}' needs a Python driver for {backend} ({hint})."
            ) from None
        except ArgumentError:
            raise SourceError(f"the URL of connection '{name}' is not a database URL.") from None
        return engine, backend

    def value(self, name: str, query: str, timeout: float) -> Any:
        """The one value the query gives."""
        engine, backend = self._engine(name, timeout)
        if isinstance(engine, Path):
            rows = _sqlite_rows(engine, query, timeout)
        else:
            rows = self._rows(name, engine, backend, query, timeout)
        if not rows:
            raise SourceError("the query returned no row; it must return one.")
        if len(rows) > 1:
            raise SourceError(
                "the query returned more than one row; make it return one (ORDER BY ... LIMIT 1)."
            )
        if len(rows[0]) != 1:
            raise SourceError(f"the query returned {len(rows[0])} columns; select one.")
        return rows[0][0]

    def _rows(
        self, name: str, engine: Engine, backend: str, query: str, timeout: float
    ) -> list[Any]:
        try:
            conn = engine.connect()
        except SQLAlchemyError as exc:
            raise SourceError(f"cannot connect to '{name}': {_driver_said(exc)}") from None
        try:
            with conn:
                if backend == "postgresql":
                    conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                    conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout * 1000)}")
                    query = _measured(query)
                # a server-side cursor where the driver has one: only MAX_ROWS rows travel
                result = conn.execution_options(stream_results=True).execute(text(query))
                rows = list(result.fetchmany(MAX_ROWS))
                result.close()
                conn.rollback()
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) == "57014":
                raise SourceError(
                    f"timed out after {timeout:g} s; the query was stopped."
                ) from None
            raise SourceError(f"the query failed: {_driver_said(exc)}") from None
        except SQLAlchemyError as exc:
            raise SourceError(f"the query failed: {_driver_said(exc)}") from None
        if backend == "postgresql":
            return [_unmeasured(row) for row in rows]
        return rows


def _measured(query: str) -> str:
    """A PostgreSQL query wrapped so that each row travels as its JSON text, or as nothing
    when its text is larger than MAX_VALUE (the server measures it: no large value reaches
    this process)."""
    inner = query.strip().rstrip(";")
    return (
        f"SELECT CASE WHEN octet_length(okr_row::text) > {MAX_VALUE} THEN NULL "
        "ELSE row_to_json(okr_row)::text END AS okr_json "
        f"FROM ({inner}\n) AS okr_row"
    )


def _unmeasured(row: Any) -> tuple[Any, ...]:
    """A row's values back from its JSON text (numbers exact, as Decimal)."""
    said = row[0]
    if said is None:
        raise SourceError(f"the query failed: a row is larger than {MAX_VALUE:,} bytes.")
    try:
        pairs = json.loads(said, parse_float=Decimal, parse_int=Decimal, object_pairs_hook=list)
    except ValueError:
        raise SourceError("the query failed: its row could not be read.") from None
    return tuple(value for _, value in pairs)


def _tls_for_password(
    name: str, host: str | None, query: Mapping[str, str | tuple[str, ...]]
) -> dict[str, str]:
    """A password goes to a host that is not this machine only over TLS (as http sources):
    sslmode require unless the URL asks for more; a weaker mode is refused."""
    hosts = [host or ""]
    for key in ("host", "hostaddr"):
        given = query.get(key)
        if given is not None:
            for part in given if isinstance(given, tuple) else (given,):
                hosts += part.split(",")
    remote = [h for h in hosts if h and not h.startswith("/") and h not in _LOCAL]
    if not remote:
        return {}
    mode = query.get("sslmode")
    if mode is None:
        return {"sslmode": "require"}
    if isinstance(mode, str) and mode in _TLS_MODES:
        return {}
    raise SourceError(
        f"connection '{name}' would send its password to a host that is not this machine "
        "without requiring TLS; use sslmode=require (or verify-full) so it is not sent in "
        "clear text."
    )


def _sqlite_rows(path: Path, query: str, timeout: float) -> list[Any]:
    """Up to MAX_ROWS rows of ``query`` on a fresh read-only connection to ``path``."""
    uri = f"file:{quote(str(path))}?mode=ro"
    deadline = time.monotonic() + timeout
    stopped = False

    def past() -> int:
        nonlocal stopped
        stopped = time.monotonic() > deadline
        return 1 if stopped else 0

    try:
        db = sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)
    except sqlite3.Error as exc:
        raise SourceError(f"cannot open the SQLite file: {_driver_said(exc)}") from None
    try:
        db.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE)
        db.set_authorizer(_sqlite_authorizer)
        db.set_progress_handler(past, 10_000)
        cursor = db.execute(query)
        return list(cursor.fetchmany(MAX_ROWS))
    except sqlite3.Error as exc:
        if stopped:
            raise SourceError(f"timed out after {timeout:g} s; the query was stopped.") from None
        said = _driver_said(exc)
        if "not authorized" in said or "authorization denied" in said:
            said = (
                "not authorized: a query only reads (no ATTACH, DETACH, VACUUM, PRAGMA, "
                "writes or extensions)."
            )
        elif "too big" in said:
            said = f"a value is larger than {MAX_VALUE:,} bytes."
        raise SourceError(f"the query failed: {said}") from None
    finally:
        db.close()


def _driver_said(exc: Exception) -> str:
    """The database's own words (first line), without SQLAlchemy's wrapping; scrubbed of
    secrets by the caller."""
    orig = getattr(exc, "orig", None) or exc
    lines = [ln.strip() for ln in str(orig).strip().splitlines() if ln.strip()]
    said = lines[0] if lines else type(orig).__name__
    if len(said) > 300:
        said = said[:297] + "..."
    return said.rstrip(".") + "."
