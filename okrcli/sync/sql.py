"""sql sources: one query on a named connection, through SQLAlchemy 2.

Each connection gets one engine per run, made on first use. Queries run read-only where the
database allows it (SQLite opened read-only; PostgreSQL in a read-only transaction with a
statement timeout) and every transaction is rolled back. A query must give one row of one
number. PostgreSQL URLs without a driver use psycopg 3 (``pip install 'okrcli[postgres]'``).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from okrcli.model.source import Connection
from okrcli.sync.check import sqlite_file
from okrcli.sync.secrets import Secrets, SourceError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class Databases:
    """The run's database engines, by connection name (thread-safe)."""

    def __init__(self, root: Path, connections: Mapping[str, Connection], secrets: Secrets):
        self.root = root
        self.connections = connections
        self.secrets = secrets
        self._engines: dict[str, tuple[Engine, str] | SourceError] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        for made in self._engines.values():
            if not isinstance(made, SourceError):
                made[0].dispose()

    def _engine(self, name: str, timeout: float) -> tuple[Engine, str]:
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

    def _make(self, name: str, timeout: float) -> tuple[Engine, str]:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError
        from sqlalchemy.pool import QueuePool

        conn = self.connections.get(name)
        if conn is None:
            raise SourceError(f"no connection '{name}' in okr.yaml.")
        try:
            url = make_url(self.secrets.expand(conn.url, in_url=True))
        except ArgumentError:
            raise SourceError(f"the URL of connection '{name}' is not a database URL.") from None
        backend = url.get_backend_name()
        if backend == "sqlite":
            path = sqlite_file(conn.url, self.root)
            assert path is not None
            if not path.is_file():
                rel = path.relative_to(Path(self.root).resolve())
                raise SourceError(f"the SQLite file '{rel}' of connection '{name}' does not exist.")
            uri = f"file:{quote(str(path))}?mode=ro"

            def connect() -> sqlite3.Connection:
                return sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)

            # a pool of its own connections per thread that fetches (the default for a
            # URL without a file, SingletonThreadPool, would close one in use elsewhere)
            engine = create_engine("sqlite://", creator=connect, poolclass=QueuePool)
            return engine, backend
        args: dict[str, Any] = {}
        if backend == "postgresql":
            if url.drivername == "postgresql":
                url = url.set(drivername="postgresql+psycopg")
            args["connect_timeout"] = max(1, round(timeout))
        try:
            return create_engine(url, connect_args=args, pool_pre_ping=False), backend
        except (NoSuchModuleError, ImportError):
            hint = "pip install 'okrcli[postgres]'" if backend == "postgresql" else "install it"
            raise SourceError(
                f"connection '{name}' needs a Python driver for {backend} ({hint})."
            ) from None

    def value(self, name: str, query: str, timeout: float) -> Any:
        """The one value the query gives."""
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError, SQLAlchemyError

        engine, backend = self._engine(name, timeout)
        try:
            conn = engine.connect()
        except DBAPIError as exc:
            raise SourceError(f"cannot connect to '{name}': {_driver_said(exc)}") from None
        except SQLAlchemyError as exc:
            raise SourceError(f"cannot connect to '{name}': {_driver_said(exc)}") from None
        deadline = time.monotonic() + timeout
        stopped = False
        try:
            with conn:
                if backend == "postgresql":
                    conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                    conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout * 1000)}")
                elif backend == "sqlite":
                    raw = conn.connection.driver_connection

                    def past() -> int:
                        nonlocal stopped
                        stopped = time.monotonic() > deadline
                        return 1 if stopped else 0

                    raw.set_progress_handler(past, 10_000)  # type: ignore[union-attr]
                rows = conn.execute(text(query)).fetchmany(2)
                conn.rollback()
        except DBAPIError as exc:
            if stopped or getattr(exc.orig, "sqlstate", None) == "57014":
                raise SourceError(
                    f"timed out after {timeout:g} s; the query was stopped."
                ) from None
            raise SourceError(f"the query failed: {_driver_said(exc)}") from None
        except SQLAlchemyError as exc:
            raise SourceError(f"the query failed: {_driver_said(exc)}") from None
        if not rows:
            raise SourceError("the query returned no row; it must return one.")
        if len(rows) > 1:
            raise SourceError(
                "the query returned more than one row; make it return one (ORDER BY ... LIMIT 1)."
            )
        if len(rows[0]) != 1:
            raise SourceError(f"the query returned {len(rows[0])} columns; select one.")
        return rows[0][0]


def _driver_said(exc: Exception) -> str:
    """The database's own words (first line), without SQLAlchemy's wrapping; scrubbed of
    secrets by the caller."""
    orig = getattr(exc, "orig", None) or exc
    lines = [ln.strip() for ln in str(orig).strip().splitlines() if ln.strip()]
    said = lines[0] if lines else type(orig).__name__
    if len(said) > 300:
        said = said[:297] + "..."
    return said.rstrip(".") + "."
