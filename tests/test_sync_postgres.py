"""sql sources against a real PostgreSQL server, started here from the machine's PostgreSQL
binaries (Debian's postgresql package, installed by `scripts/setup dev`). The server refuses
to run as root, so as root it runs as the unprivileged user `nobody`. Never skipped in CI."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from okrcli.sync.service import SyncRequest, SyncResult, sync
from tests.conftest import need_program
from tests.sync_helpers import free_port, kr, sync_repo

pytestmark = [pytest.mark.slow, pytest.mark.integration]
PASSWORD = "pg-Sentinel-7f3a9c"
FILE = "okrs/2026-Q4/checkout.yaml"


@dataclass
class Postgres:
    port: int
    bin: Path

    def url(self, password: str = "${env:PG_PASSWORD}") -> str:
        return f"postgresql://okr:{password}@127.0.0.1:{self.port}/metrics"


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", *argv]


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    bindir = _binaries()
    need_program(bindir is not None, "PostgreSQL's server (initdb, postgres)")
    assert bindir is not None
    home = Path(tempfile.mkdtemp(prefix="okr-pg-"))
    if os.geteuid() == 0:
        shutil.chown(home, "nobody", "nogroup")
    data, pwfile, log = home / "data", home / "pw", home / "log"
    pwfile.write_text(PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(pwfile, "nobody", "nogroup")
    port = free_port()

    def run(*argv: str) -> None:
        proc = subprocess.run(
            _as_server_user(list(argv)), cwd=home, capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0, (
            proc.stdout + proc.stderr + (log.read_text() if log.exists() else "")
        )

    run(
        str(bindir / "initdb"),
        "-D",
        str(data),
        "-U",
        "okr",
        f"--pwfile={pwfile}",
        "--auth=scram-sha-256",
        "-E",
        "UTF8",
        "--no-sync",
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {home} -c fsync=off"
    run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
    try:
        env = {**os.environ, "PGPASSWORD": PASSWORD}
        psql = [
            str(bindir / "psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "okr",
            "-v",
            "ON_ERROR_STOP=1",
        ]
        subprocess.run(
            [*psql, "-d", "postgres", "-c", "create database metrics"],
            env=env,
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                *psql,
                "-d",
                "metrics",
                "-c",
                "create table kpi (week date, conversion numeric, label text);"
                "insert into kpi values ('2026-11-13', 33.5, 'steady'),"
                " ('2026-11-20', 34.75, 'up');",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        yield Postgres(port, bindir)
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(home, ignore_errors=True)


def repo(tmp_path: Path, pg: Postgres, queries: dict[str, str], url: str | None = None) -> Path:
    config = f"  warehouse:\n    url: '{url or pg.url()}'\n"
    krs = [kr(k, f'{{sql: warehouse, query: "{q}", timeout: 2}}') for k, q in queries.items()]
    return sync_repo(tmp_path / "r", krs, config)


def run(root: Path, env: dict[str, str] | None = None) -> SyncResult:
    return sync(
        SyncRequest(
            quarter="2026-Q4",
            repo=root,
            cwd=root,
            environ={"PG_PASSWORD": PASSWORD} if env is None else env,
        )
    )


def test_postgres_source_checks_the_value_in(tmp_path: Path, postgres: Postgres) -> None:
    root = repo(
        tmp_path, postgres, {"conversion": "select conversion from kpi order by week desc limit 1"}
    )
    [s] = run(root).items
    assert (s.status, s.new, s.error) == ("changed", "34.75", None)
    assert "current: 34.75" in (root / FILE).read_text()


def test_postgres_failures_name_their_reason(tmp_path: Path, postgres: Postgres) -> None:
    root = repo(
        tmp_path,
        postgres,
        {
            "two": "select conversion from kpi",
            "none": "select conversion from kpi where week < '2000-01-01'",
            "text": "select label from kpi order by week desc limit 1",
            "slow": "select pg_sleep(5)",
            "write": "insert into kpi values (now(), 1, 'x') returning 1",
        },
    )
    got = {s.ref.rsplit("/", 1)[1]: s.error or "" for s in run(root).items}
    assert "more than one row" in got["two"]
    assert "no row" in got["none"]
    assert "text of 2 characters, not a number" in got["text"]
    assert "timed out after 2 s" in got["slow"]
    assert "the query failed" in got["write"]  # a read-only transaction


def test_postgres_refused_connection_and_wrong_password(tmp_path: Path, postgres: Postgres) -> None:
    closed = f"postgresql://okr:${{env:PG_PASSWORD}}@127.0.0.1:{free_port()}/metrics"
    root = repo(tmp_path, postgres, {"conversion": "select 1"}, url=closed)
    [s] = run(root).items
    assert s.status == "failed" and "cannot connect to 'warehouse'" in (s.error or "")
    assert PASSWORD not in (s.error or "")
    root2 = repo(tmp_path / "2", postgres, {"conversion": "select 1"})
    wrong = "Wrong-" + PASSWORD
    [s2] = run(root2, env={"PG_PASSWORD": wrong}).items
    assert s2.status == "failed" and "cannot connect to 'warehouse'" in (s2.error or "")
    assert wrong not in (s2.error or "") and "Wrong-" not in (s2.error or "")


# --- hostile names and servers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "secret"),
    [
        ("database", "LongDatabaseSecret-" + "q" * 70),  # cut to 63 characters by the server
        ("database", "short-Db-Secret9"),
        ("user", "LongUserSecret-" + "u" * 70),
        ("user", "MixedCase-User-Secret"),
    ],
)
def test_a_secret_name_is_never_printed_even_cut_short(
    tmp_path: Path, postgres: Postgres, part: str, secret: str
) -> None:
    user, database = ("okr", "${env:S}") if part == "database" else ("${env:S}", "metrics")
    url = f"postgresql://{user}:${{env:PG_PASSWORD}}@127.0.0.1:{postgres.port}/{database}"
    root = repo(tmp_path, postgres, {"conversion": "select 1"}, url=url)
    [s] = run(root, env={"PG_PASSWORD": PASSWORD, "S": secret}).items
    said = s.error or ""
    assert s.status == "failed" and "cannot connect to 'warehouse'" in said, said
    for piece in (secret, secret[:63], secret[:8], secret.lower()[:8]):
        assert piece.lower() not in said.lower(), said


def _declines_tls() -> Iterator[tuple[str, list[bytes], list[int]]]:
    """A server on 127.0.0.2 (loopback, but not a name okr takes for this machine) that
    answers PostgreSQL's TLS and GSS requests with 'N' and records everything else it is
    sent (at most 5 connections, 20 messages each)."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.2", 0))
    listener.listen(4)
    listener.settimeout(0.2)
    got: list[bytes] = []
    connections: list[int] = []
    stop = threading.Event()

    def one(conn: socket.socket) -> None:
        conn.settimeout(5)
        with conn:
            for _ in range(20):
                try:
                    head = conn.recv(8)
                except OSError:
                    return
                if len(head) < 8:
                    return
                code = int.from_bytes(head[4:8], "big")
                if code in (80877103, 80877104):  # SSLRequest, GSSENCRequest
                    conn.sendall(b"N")
                    continue
                got.append(head + conn.recv(4096))
                return

    def loop() -> None:
        while not stop.is_set() and len(connections) < 5:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            connections.append(1)
            one(conn)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.2:{listener.getsockname()[1]}", got, connections
    finally:
        stop.set()
        thread.join(2)
        listener.close()


@pytest.mark.parametrize(
    ("url", "refused_before"),
    [
        ("postgresql://okr:${{env:PG_PASSWORD}}@{at}/metrics", False),
        ("postgresql://okr@{at}/metrics?password=${{env:PG_PASSWORD}}", False),
        ("postgresql://okr:${{env:PG_PASSWORD}}@{at}/metrics?sslmode=prefer", True),
        ("postgresql://okr:${{env:PG_PASSWORD}}@{at}/metrics?sslmode=disable", True),
        ("postgresql+psycopg://okr:${{env:PG_PASSWORD}}@{at}/metrics?sslmode=allow", True),
    ],
)
def test_a_password_goes_to_another_host_only_over_tls(
    tmp_path: Path, url: str, refused_before: bool
) -> None:
    for at, got, connections in _declines_tls():
        config = f"  warehouse:\n    url: '{url.format(at=at)}'\n"
        source = '{sql: warehouse, query: "select 1", timeout: 2}'
        root = sync_repo(tmp_path / "r", [kr("conversion", source)], config)
        [s] = run(root).items
        said = s.error or ""
        assert s.status == "failed"
        if refused_before:
            assert "without requiring TLS" in said and not connections, said
        else:
            assert "cannot connect to 'warehouse'" in said and connections, said
        assert PASSWORD not in said
        assert not any(PASSWORD.encode() in g or b"user" in g for g in got), got


def test_a_password_to_this_machine_needs_no_tls(tmp_path: Path, postgres: Postgres) -> None:
    url = f"postgresql://okr:${{env:PG_PASSWORD}}@localhost:{postgres.port}/metrics?sslmode=disable"
    root = repo(tmp_path, postgres, {"conversion": "select 41.5"}, url=url)
    [s] = run(root).items
    assert (s.status, s.new) == ("changed", "41.5"), s.error


def test_postgres_values_are_bounded_and_exact(tmp_path: Path, postgres: Postgres) -> None:
    root = repo(
        tmp_path,
        postgres,
        {
            "huge": "select length(repeat('x', 3000000))",
            "hugetext": "select repeat('x', 5000000)",
            "hugearray": "select array_fill(1, array[2000000])",
            "many": "select g from generate_series(1, 5000000) g",
            "exact": "select 1234567.125::numeric",
            "toolong": "select 12345678901234567890.125::numeric",
            "big": "select 9223372036854775807::bigint",
            "nan": "select 'NaN'::numeric",
            "semicolon": "select 7;",
            "two": "select 1, 2",
        },
    )
    got = {s.ref.rsplit("/", 1)[1]: (s.new, s.error or "") for s in run(root).items}
    assert got["huge"] == ("3000000", "")  # large values inside the query are fine
    assert "larger than 1,000,000 bytes" in got["hugetext"][1]
    assert "larger than 1,000,000 bytes" in got["hugearray"][1]
    assert "more than one row" in got["many"][1]
    assert got["exact"][0] == "1234567.125"
    # a fraction okr would read back as another number is refused, never rounded
    assert got["toolong"][0] is None and "significant digits" in got["toolong"][1]
    assert got["big"][0] == "9223372036854775807"
    assert got["nan"][0] is None and "not a number" in got["nan"][1]
    assert got["semicolon"][0] == "7"
    assert "2 columns" in got["two"][1]
