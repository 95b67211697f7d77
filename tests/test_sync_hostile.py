"""okr sync under attack: a repository (sources, queries, selects, commands) and metric
sources' answers written by an attacker. Nothing reads or writes outside the repository,
no secret reaches a message in any spelling, and every source is bounded in time and
memory. Servers listen on loopback only; every server loop is bounded."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from okrcli.sync.secrets import MASK, Secrets
from okrcli.sync.select import MAX_NESTING, problem, search
from okrcli.sync.service import SyncRequest, SyncResult, sync
from tests.sync_helpers import Route, Server, kr, serve, sync_repo

FILE = "okrs/2026-Q4/checkout.yaml"
TOKEN = "tok-Sentinel-9d8c7b6a5f"


def run(root: Path, env: dict[str, str] | None = None, **kw: object) -> SyncResult:
    request = SyncRequest(quarter="2026-Q4", repo=root, cwd=root, environ=env or {}, **kw)  # type: ignore[arg-type]
    return sync(request)


def errors(result: SyncResult) -> dict[str, str]:
    return {s.ref.rsplit("/", 1)[1]: s.error or "" for s in result.items}


def sql(query: str) -> str:
    return '{sql: local, query: "' + query.replace('"', '\\"') + '"}'


def no_piece_of(secret: str, text: str, size: int = 8) -> None:
    """Neither ``secret`` nor its first ``size`` characters (a name cut short), in any
    letter case, in ``text``."""
    low, got = secret.lower(), text.lower()
    assert low not in got and low[:size] not in got, text


# --- 3, 4: SQLite reads only the repository's file, and changes nothing ---------------------


@pytest.mark.parametrize(
    "query",
    [
        "VACUUM INTO '{out}'",
        "vacuum main into '{out}'",
        "/* a comment */ VaCuUm INTO 'file:{out}?mode=rwc'",
        "VACUUM",
    ],
)
def test_sqlite_vacuum_into_writes_nothing_anywhere(tmp_path: Path, query: str) -> None:
    out = tmp_path / "copy.db"
    root = sync_repo(tmp_path / "r", [kr("conversion", sql(query.format(out=out)))])
    for dry in (True, False):
        [s] = run(root, dry_run=dry).items
        assert s.status == "failed" and "not authorized" in (s.error or ""), s.error
        assert not out.exists()
    assert sorted(p.name for p in (root / "metrics").iterdir()) == ["kpis.db"]


def _outside_db(path: Path) -> None:
    db = sqlite3.connect(path)
    db.executescript("create table t (v real); insert into t values (777);")
    db.commit()
    db.close()


@pytest.mark.parametrize("dry_run", [True, False])
def test_sqlite_attach_detach_pragma_writes_and_extensions_are_refused(
    tmp_path: Path, dry_run: bool
) -> None:
    outside = tmp_path / "outside.db"
    _outside_db(outside)
    created = tmp_path / "created.db"
    queries = {
        "attach": f"ATTACH '{outside}' AS o",
        "attachdb": f"attach database 'file:{created}?mode=rwc' as c",
        "read": "select v from o.t",  # would read what a pooled connection kept attached
        "read2": "select v from c.t",
        "detach": "DETACH main",
        "drop": "DROP TABLE kpi",
        "delete": "delete from kpi returning 1",
        "temp": "create temp table x as select 1",
        "pragma": "PRAGMA writable_schema = 1",
        "pragmaread": "PRAGMA user_version",
        "pragmafn": "select user_version from pragma_user_version",
        "extension": "select load_extension('/nonexistent/evil.so')",
        "begin": "BEGIN IMMEDIATE",
    }
    root = sync_repo(tmp_path / "r", [kr(name, sql(q)) for name, q in queries.items()], files={})
    result = run(root, dry_run=dry_run, workers=1)  # one thread: one pooled connection once
    got = errors(result)
    for name in queries:
        assert got[name], name  # every one failed
    for name in ("attach", "attachdb", "detach", "drop", "temp", "pragma", "extension"):
        assert "not authorized" in got[name], (name, got[name])
    assert "777" not in (root / FILE).read_text()
    assert not created.exists()
    db = sqlite3.connect(root / "metrics" / "kpis.db")
    assert db.execute("select count(*) from kpi").fetchone() == (2,)
    db.close()
    db = sqlite3.connect(outside)
    assert db.execute("select v from t").fetchone() == (777,)
    db.close()


def test_ordinary_sqlite_queries_still_work(tmp_path: Path) -> None:
    queries = {
        "plain": "select conversion from kpi order by week desc limit 1",
        "cte": "with w as (select max(week) m from kpi) "
        "select conversion from kpi, w where week = m",
        "fn": "select round(avg(conversion), 2) from kpi",
        "rec": "with recursive r(n) as (select 1 union all select n + 1 from r where n < 10) "
        "select sum(n) from r",
    }
    root = sync_repo(tmp_path / "r", [kr(name, sql(q)) for name, q in queries.items()])
    got = {s.ref.rsplit("/", 1)[1]: s.new for s in run(root).items}
    assert got == {"plain": "34.25", "cte": "34.25", "fn": "33.88", "rec": "55"}


@pytest.mark.parametrize(
    "query",
    [
        "select length(randomblob(900000000))",
        "select length(zeroblob(900000000))",
        "select length(replace(hex(zeroblob(600000)), '0', 'xx'))",
        "with recursive r(n, s) as (select 1, 'x' union all select n + 1, s || s from r "
        "where n < 40) select length(max(s)) from r",
    ],
)
def test_a_sqlite_query_cannot_make_a_huge_value(tmp_path: Path, query: str) -> None:
    # sixteen at once, as the finding ran them: each stops at the value cap
    krs = [kr(f"k{n}", sql(f"select ({query}) + {n}")) for n in range(16)]
    root = sync_repo(tmp_path / "r", krs)
    for s in run(root).items:
        assert s.status == "failed"
        assert "larger than 1,000,000 bytes" in (s.error or ""), s.error


# --- 5: a secret in an http source's host, in any spelling ---------------------------------


@pytest.mark.parametrize(
    "secret",
    [
        "HostSecretMixedCase42",  # printed lowercased
        "host%Secret Value",  # printed with percent escapes (either case)
        "hôst-sécret-ünïcode",  # printed as punycode
        "h" + "x" * 70,  # a label cut or refused for its length
    ],
)
def test_a_secret_in_an_http_host_reaches_no_message(tmp_path: Path, secret: str) -> None:
    sources = [
        kr("host", "{http: 'https://${env:H}.invalid:9/x', select: a, timeout: 2}"),
        kr("user", "{http: 'https://${env:H}@127.0.0.1:9/x', select: a, timeout: 2}"),
        kr("path", "{http: 'https://127.0.0.1:9/${env:H}', select: a, timeout: 2}"),
    ]
    root = sync_repo(tmp_path / "r", sources)
    result = run(root, env={"H": secret})
    for s in result.items:
        assert s.status == "failed"
        no_piece_of(secret, s.error or "")
        no_piece_of(secret.encode("ascii", "replace").decode(), s.error or "")
    assert "${env:H}" in errors(result)["host"]  # the host as the source writes it


@pytest.mark.parametrize(
    ("secret", "said"),
    [
        ("MixedCaseSecret99", "could not reach mixedcasesecret99.example"),
        ("MixedCaseSecret99", "MIXEDCASESECRET99"),
        ("a/b c?d", "path a%2fb%20c%3fd and A%2Fb%20c%3Fd"),
        ("bücher-geheim", "host xn--bcher-geheim-9db.example"),
        ("a-long-database-name-secret-" + "z" * 60, "database a-long-database-name-secr"),
        ("Sentinel-Pass-1234", "auth for sentinel- failed"),  # eight characters and more
    ],
)
def test_scrub_masks_a_secret_in_every_spelling(secret: str, said: str) -> None:
    secrets = Secrets({"S": secret})
    secrets.expand("${env:S}")
    shown = secrets.scrub(said)
    assert MASK in shown
    no_piece_of(secret, shown)
    assert "xn--bcher" not in shown


def test_scrub_leaves_what_is_not_the_secret_alone() -> None:
    secrets = Secrets({"S": "sentinel-pass-1234"})
    secrets.expand("${env:S}")
    # fewer than eight of its first characters, or its middle: not taken for the secret
    said = "the sentine check failed near pass-1234"
    assert secrets.scrub(said) == said


# --- 7: JMESPath errors name types, never values ------------------------------------------


@pytest.fixture
def echo() -> Iterator[Server]:
    yield from serve({"/echo": Route({"rate": 3, "list": [1, 2]}, echo=True)})


@pytest.mark.parametrize(
    "select",
    [
        "abs(headers.Authorization)",
        "reverse(headers.Authorization)",
        "sort_by(list, &headers)",
        "min_by(list, &headers.Authorization)",
        "ceil(join('', [headers.Authorization, 'x']))",
        "sum([headers.Authorization])",
        "starts_with(rate, headers.Authorization)",
        "not_null(headers.Authorization)",
        "to_array(headers.Authorization)",
        "merge(headers, `{}`)",
        "headers.Authorization < `1`",
    ],
)
def test_select_errors_never_quote_the_answer(tmp_path: Path, echo: Server, select: str) -> None:
    auth = "headers: {Authorization: 'Bearer ${env:T}'}"
    source = f'{{http: "{echo.url}/echo", select: "{select}", {auth}}}'
    root = sync_repo(tmp_path / "r", [kr("rate", source)])
    [s] = run(root, env={"T": TOKEN}).items
    assert s.status == "failed", s
    assert "Traceback" not in (s.error or "")
    no_piece_of(TOKEN, s.error or "")
    no_piece_of(TOKEN[::-1], s.error or "")  # reverse() of an echoed header


# --- 11: every source has a deadline for its whole answer ---------------------------------


def _trickle(head: bytes, body: bytes, pause: float) -> Iterator[str]:
    """A server on 127.0.0.1 that sends its answer a byte at a time (at most 200 bytes per
    connection, at most 10 connections)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve_one(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(4096)
                for b in (head + body)[:200]:
                    if stop.is_set():
                        return
                    conn.sendall(bytes([b]))
                    time.sleep(pause)
            except OSError:
                return

    def loop() -> None:
        for _ in range(10):
            while not stop.is_set():
                try:
                    conn, _ = listener.accept()
                    break
                except TimeoutError:
                    continue
            else:
                return
            threading.Thread(target=serve_one, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(2)
        listener.close()


@pytest.mark.parametrize(
    ("head", "body"),
    [
        (b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 150, b""),  # headers never end
        (b"HTTP/1.1 200 OK\r\nContent-Length: 150\r\n\r\n", b"[" + b" " * 140 + b"1]"),
    ],
)
def test_a_server_sending_a_byte_at_a_time_is_cut_off(
    tmp_path: Path, head: bytes, body: bytes
) -> None:
    for url in _trickle(head, body, 0.1):
        source = f"{{http: '{url}/', select: '[0]', timeout: 1}}"
        root = sync_repo(tmp_path / "r", [kr("rate", source)])
        started = time.monotonic()
        [s] = run(root).items
        waited = time.monotonic() - started
        assert s.status == "failed" and "timed out after 1 s" in (s.error or ""), s.error
        assert waited < 10  # each read alone is quick: only a whole-answer deadline stops it


def test_a_command_whose_child_keeps_stdout_open_is_stopped(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    keeps = f"setsid sh -c 'echo $$ >> {pids}; exec sleep 30' & echo 5"
    loops = f"setsid sh -c 'echo $$ >> {pids}; exec sleep 30' & sleep 30"
    root = sync_repo(
        tmp_path / "r",
        [
            kr("keeps", f'{{command: [sh, -c, "{keeps}"], timeout: 3}}'),
            kr("loops", f'{{command: [sh, -c, "{loops}"], timeout: 1}}'),
        ],
    )
    try:
        started = time.monotonic()
        got = errors(run(root, allow_commands=True))
        assert time.monotonic() - started < 20
        assert "keeps its output open" in got["keeps"], got
        assert "timed out after 1 s" in got["loops"], got
    finally:
        for pid in pids.read_text().split() if pids.exists() else []:
            with contextlib.suppress(OSError):
                os.kill(int(pid), signal.SIGKILL)


# --- 12: a select that nests too deep is a finding, not an internal error ------------------


@pytest.mark.parametrize(
    "select",
    [
        "!" * 999 + "a",
        "[" * 499 + "a" + "]" * 499,
        "(" * 499 + "a" + ")" * 499,
        "a" + "[]" * 499,
        "|".join(["a"] * 499),
        "!" * (MAX_NESTING + 1) + "a",
    ],
)
def test_a_select_that_nests_too_deep_is_named(select: str) -> None:
    said = problem(select)
    assert said is not None and "nests too deep" in said
    with pytest.raises(Exception, match="nests too deep"):
        search(select, {"a": 1})


def test_a_select_at_the_nesting_limit_still_runs() -> None:
    assert problem("!" * 10 + "a") is None
    assert search("a.b[0] | [@][0]", {"a": {"b": [4]}}) == 4
    assert problem("'" + "[" * 300 + "'") is None  # inside a literal: no nesting


# --- 13: a select's work is bounded -------------------------------------------------------


@pytest.mark.parametrize(
    "select",
    [
        "[@, @][]" * 40,
        "[@, @, @, @][]" * 30,
        "join('', [to_string(@), to_string(@)])" + " | join('', [@, @])" * 25,
        "map(&[@, @], [@, @][])" + "[] | map(&[@, @, @, @], @)" * 15,
        "to_string([@, @][]" + "[@, @][]" * 40 + ")",
    ],
)
def test_a_select_that_doubles_a_list_stops_at_its_budget(select: str) -> None:
    assert problem(select) is None  # a select lint lets through: it is the run that stops
    with pytest.raises(Exception, match="more work than okr allows"):
        search(select, [1, 2, {"a": "b" * 100}])


# --- 14: references in a URL's user and password, and a number too long -------------------


@pytest.mark.parametrize(
    "value",
    ["1" * 200_000, "-" + "9" * 50_000 + ".5", "1e" + "9" * 100_000, "0." + "0" * 60 + "1"],
)
def test_a_number_too_long_is_named_by_its_length(tmp_path: Path, value: str) -> None:
    root = sync_repo(
        tmp_path / "r",
        [kr("cell", "{csv: metrics/v.csv, column: v}")],
        files={"metrics/v.csv": f"v\n{value}\n"},
    )
    [s] = run(root).items
    assert s.status == "failed" and "OkrError" not in (s.error or "")
    assert len(s.error or "") < 300 and "9" * 41 not in (s.error or ""), s.error
