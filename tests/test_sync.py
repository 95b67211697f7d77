"""okr sync against real parts: a SQLite file, an HTTP server on 127.0.0.1, CSV files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from okrcli.errors import OkrError
from okrcli.sync.secrets import Secrets, SourceError, shown_url
from okrcli.sync.service import Synced, SyncRequest, SyncResult, sync
from tests.sync_helpers import Route, Server, free_port, kr, serve, sync_repo

FILE = "okrs/2026-Q4/checkout.yaml"
SQL = "{sql: local, query: 'select conversion from kpi order by week desc limit 1'}"


def run(root: Path, *refs: str, env: dict[str, str] | None = None, **kw: object) -> SyncResult:
    request = SyncRequest(
        refs=list(refs), quarter="2026-Q4", repo=root, cwd=root, environ=env or {}, **kw
    )  # type: ignore[arg-type]
    return sync(request)


def item(result: SyncResult, kr_id: str) -> Synced:
    return next(s for s in result.items if s.ref.endswith("/" + kr_id))


@pytest.fixture
def server() -> Iterator[Server]:
    yield from serve(
        {
            "/value": Route({"data": {"result": [{"value": [1732000000, "0.93"]}]}}),
            "/number": Route(
                {"rate": 12.5, "flag": True, "text": "high", "list": [1, 2], "unit": "30%"}
            ),
            "/slow": Route({"rate": 1}, delay=2.0),
            "/error": Route({"error": "boom"}, status=500),
            "/busy": Route({"rate": 7}, fail_first=2),
            "/elsewhere": Route(status=302, headers={"Location": "http://localhost:1/x"}),
            "/hop": Route(status=302, headers={"Location": "/number"}),
            "/huge": Route(raw=b"[" + b"1," * 2_500_000 + b"1]"),
            "/echo": Route({"rate": 3}),
            "/notjson": Route(raw=b"<html>hello</html>"),
        }
    )


def edited_lines(before: str, after: str) -> list[str]:
    """The lines of ``after`` that ``before`` does not have (every other line kept as is)."""
    import difflib

    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [d for d in diff if d.startswith("- ") and "current:" not in d], diff
    return [d[2:].strip() for d in diff if d.startswith("+ ")]


# --- sql (SQLite) -------------------------------------------------------------------------


def test_sql_source_checks_the_value_in_with_a_one_line_edit(tmp_path: Path) -> None:
    root = sync_repo(tmp_path / "r", [kr("conversion", SQL, current="31.2"), kr("other", SQL)])
    before = (root / FILE).read_text()
    result = run(root, "checkout/conversion")
    s = item(result, "conversion")
    assert (s.status, s.old, s.new, s.error) == ("changed", "31.2", "34.25", None)
    assert [x.ref for x in result.items] == ["checkout/effortless-checkout/conversion"]
    after = (root / FILE).read_text()
    assert "current: 34.25" in after
    # the value's line, and the day it was checked in (a line added after it)
    added = sorted(edited_lines(before, after))
    assert len(added) == 2 and added[1] == "current: 34.25" and added[0].startswith("checked: ")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("select conversion from kpi", "more than one row"),
        ("select conversion from kpi where week = '1999'", "no row"),
        ("select label from kpi order by week desc limit 1", "text of 2 characters, not a number"),
        ("select week, conversion from kpi limit 1", "2 columns"),
        ("select 0.0/0 from kpi limit 1", "nothing, not a number"),
        ("select nope from kpi limit 1", "the query failed"),
    ],
)
def test_sql_source_that_is_not_one_number_fails_with_its_reason(
    tmp_path: Path, query: str, expected: str
) -> None:
    root = sync_repo(tmp_path / "r", [kr("conversion", f'{{sql: local, query: "{query}"}}')])
    before = (root / FILE).read_bytes()
    s = item(run(root), "conversion")
    assert s.status == "failed"
    assert expected in (s.error or "")
    assert (root / FILE).read_bytes() == before


def test_sqlite_is_opened_read_only(tmp_path: Path) -> None:
    query = "delete from kpi returning 1"
    root = sync_repo(tmp_path / "r", [kr("conversion", f'{{sql: local, query: "{query}"}}')])
    s = item(run(root), "conversion")
    assert s.status == "failed" and "the query failed" in (s.error or "")
    import sqlite3

    rows = sqlite3.connect(root / "metrics/kpis.db").execute("select count(*) from kpi")
    assert rows.fetchone()[0] == 2


def test_sqlite_query_past_its_timeout_is_stopped(tmp_path: Path) -> None:
    slow = (
        "with recursive n(i) as (select 1 union all select i + 1 from n where i < 100000000) "
        "select count(*) from n"
    )
    root = sync_repo(
        tmp_path / "r", [kr("conversion", f'{{sql: local, query: "{slow}", timeout: 0.3}}')]
    )
    s = item(run(root), "conversion")
    assert s.status == "failed" and "timed out after 0.3 s" in (s.error or "")


def test_sqlite_file_outside_the_repository_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.db"
    import sqlite3

    sqlite3.connect(outside).executescript("create table t (v real); insert into t values (9);")
    config = "  linked:\n    url: sqlite:///metrics/link.db\n"
    root = sync_repo(
        tmp_path / "r", [kr("conversion", "{sql: linked, query: 'select v from t'}")], config
    )
    (root / "metrics/link.db").symlink_to(outside)
    s = item(run(root), "conversion")
    assert s.status == "failed" and "outside the repository" in (s.error or "")


def test_unknown_connection_is_named(tmp_path: Path) -> None:
    root = sync_repo(tmp_path / "r", [kr("conversion", "{sql: warehouse, query: 'select 1'}")])
    s = item(run(root), "conversion")
    assert s.status == "failed" and "no connection 'warehouse'" in (s.error or "")


# --- http ---------------------------------------------------------------------------------


def http(server: Server, path: str, select: str, extra: str = "") -> str:
    return f"{{http: '{server.url}{path}', select: '{select}'{extra}}}"


def test_http_source_picks_a_number_with_jmespath(tmp_path: Path, server: Server) -> None:
    root = sync_repo(
        tmp_path / "r",
        [
            kr("p95", http(server, "/value", "data.result[0].value[1]")),
            kr("rate", http(server, "/number", "rate"), current="12.5"),
            kr("again", http(server, "/hop", "rate")),
        ],
    )
    result = run(root)
    assert (item(result, "p95").status, item(result, "p95").new) == ("changed", "0.93")
    assert item(result, "rate").status == "unchanged"
    assert item(result, "again").new == "12.5"  # a redirect on the same host is followed
    text = (root / FILE).read_text()
    assert "current: 0.93" in text and "current: 12.5" in text


@pytest.mark.parametrize(
    ("path", "select", "extra", "expected"),
    [
        ("/number", "missing.value", "", "matches nothing"),
        ("/number", "text", "", "text of 4 characters, not a number"),
        ("/number", "flag", "", "true, not a number"),
        ("/number", "unit", "", "'30%', a number with a unit"),
        ("/number", "list", "", "a list of 2, not one number"),
        ("/slow", "rate", ", timeout: 0.3", "timed out after 0.3 s"),
        ("/error", "rate", "", "HTTP 500"),
        ("/elsewhere", "rate", "", "redirected to http://localhost"),
        ("/huge", "[0]", "", "larger than"),
        ("/notjson", "rate", "", "not JSON"),
    ],
)
def test_http_source_failures_name_their_reason(
    tmp_path: Path, server: Server, path: str, select: str, extra: str, expected: str
) -> None:
    root = sync_repo(tmp_path / "r", [kr("rate", http(server, path, select, extra))])
    before = (root / FILE).read_bytes()
    s = item(run(root), "rate")
    assert s.status == "failed"
    assert expected in (s.error or "")
    assert (root / FILE).read_bytes() == before


def test_http_refused_connection_is_retried_then_named(tmp_path: Path) -> None:
    port = free_port()
    source = f"{{http: 'http://127.0.0.1:{port}/x', select: 'rate'}}"
    root = sync_repo(tmp_path / "r", [kr("rate", source)])
    s = item(run(root), "rate")
    assert s.status == "failed"
    assert f"cannot connect to 127.0.0.1:{port}" in (s.error or "")
    assert "tried 3 times" in (s.error or "")


def test_http_busy_answers_are_retried(tmp_path: Path, server: Server) -> None:
    root = sync_repo(tmp_path / "r", [kr("rate", http(server, "/busy", "rate"))])
    s = item(run(root), "rate")
    assert (s.status, s.new) == ("changed", "7")
    assert server.hits["/busy"] == 3


def test_one_request_per_distinct_url(tmp_path: Path, server: Server) -> None:
    root = sync_repo(
        tmp_path / "r",
        [kr(f"k{n}", http(server, "/number", "rate")) for n in range(4)],
    )
    result = run(root)
    assert [s.new for s in result.items] == ["12.5"] * 4
    assert server.hits["/number"] == 1


def test_secret_never_goes_over_plain_http_to_another_host(tmp_path: Path) -> None:
    source = (
        "{http: 'http://metrics.example.invalid/q', select: 'rate', "
        "headers: {Authorization: 'Bearer ${env:TOKEN}'}}"
    )
    root = sync_repo(tmp_path / "r", [kr("rate", source)])
    s = item(run(root, env={"TOKEN": "tok-123456"}), "rate")
    assert s.status == "failed" and "plain http" in (s.error or "")


def test_missing_environment_variable_is_named(tmp_path: Path, server: Server) -> None:
    extra = ", headers: {Authorization: 'Bearer ${env:METRICS_TOKEN}'}"
    root = sync_repo(tmp_path / "r", [kr("rate", http(server, "/number", "rate", extra))])
    s = item(run(root), "rate")
    assert s.status == "failed" and "METRICS_TOKEN is not set" in (s.error or "")


# --- csv ----------------------------------------------------------------------------------


def test_csv_source_takes_the_named_column_of_the_last_row(tmp_path: Path) -> None:
    csv_text = "week,nps,other\n2026-11-13,31,x\n2026-11-20,36.5,y\n\n"
    root = sync_repo(
        tmp_path / "r",
        [kr("nps", "{csv: metrics/nps.csv, column: nps}", current=None)],
        files={"metrics/nps.csv": csv_text},
    )
    before = (root / FILE).read_text()
    s = item(run(root), "nps")
    assert (s.status, s.old, s.new) == ("changed", "none", "36.5")
    after = (root / FILE).read_text()
    assert "current: 36.5" in after
    # two lines added: the value and the day it was checked in
    assert len(after.splitlines()) == len(before.splitlines()) + 2


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{csv: metrics/nps.csv, column: score}", "no column 'score' (it has: week, nps)"),
        ("{csv: metrics/missing.csv, column: nps}", "does not exist"),
        ("{csv: ../outside.csv, column: nps}", "climbs out"),
        ("{csv: /etc/passwd, column: nps}", "relative to the repository root"),
        ("{csv: metrics/link.csv, column: nps}", "outside the repository through a link"),
        (
            "{csv: metrics/text.csv, column: nps}",
            "the cell 'nps' at metrics/text.csv:3 gave text of 3 characters, not a number",
        ),
    ],
)
def test_csv_source_failures(tmp_path: Path, source: str, expected: str) -> None:
    (tmp_path / "outside.csv").write_text("week,nps\n1,99\n")
    root = sync_repo(
        tmp_path / "r",
        [kr("nps", source)],
        files={"metrics/nps.csv": "week,nps\n1,30\n", "metrics/text.csv": "nps\n1\nn/a\n\n"},
    )
    (root / "metrics/link.csv").symlink_to(tmp_path / "outside.csv")
    s = item(run(root), "nps")
    assert s.status == "failed"
    assert expected in (s.error or "")


# --- what sync does with the values -------------------------------------------------------


def test_failing_source_does_not_stop_the_others(tmp_path: Path, server: Server) -> None:
    root = sync_repo(
        tmp_path / "r",
        [
            kr("conversion", SQL),
            kr("broken", http(server, "/number", "nothing.here")),
            kr("rate", http(server, "/number", "rate")),
        ],
    )
    result = run(root)
    assert [s.status for s in result.items] == ["changed", "failed", "changed"]
    text = (root / FILE).read_text()
    assert "current: 34.25" in text and "current: 12.5" in text
    assert text.count("current: 1\n") == 1  # the broken one kept its value


def test_dry_run_writes_nothing(tmp_path: Path, server: Server) -> None:
    root = sync_repo(
        tmp_path / "r", [kr("conversion", SQL), kr("rate", http(server, "/number", "rate"))]
    )
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    result = run(root, dry_run=True)
    assert [s.new for s in result.items] == ["34.25", "12.5"]
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_an_unchanged_value_is_re_confirmed(tmp_path: Path) -> None:
    """A steady metric is still checked in: the value stays, the day it was checked is
    written (so it never goes stale), and nothing else in the file changes."""
    from datetime import date

    root = sync_repo(tmp_path / "r", [kr("conversion", SQL, current="34.25")])
    before = (root / FILE).read_text()
    assert item(run(root), "conversion").status == "unchanged"
    assert edited_lines(before, (root / FILE).read_text()) == [
        f"checked: {date.today().isoformat()}"
    ]


def test_binary_key_result_takes_only_0_or_1(tmp_path: Path) -> None:
    root = sync_repo(
        tmp_path / "r", [kr("shipped", SQL, current="0", extra="        binary: true\n")]
    )
    s = item(run(root), "shipped")
    assert s.status == "failed" and "binary" in (s.error or "")


def test_refs_choose_key_results_and_unknown_refs_are_refused(tmp_path: Path) -> None:
    root = sync_repo(tmp_path / "r", [kr("conversion", SQL), kr("other", SQL)])
    result = run(root, "checkout/effortless-checkout/other")
    assert [s.ref for s in result.items] == ["checkout/effortless-checkout/other"]
    assert len(run(root, "checkout").items) == 2
    with pytest.raises(OkrError, match="names no key result with a source"):
        run(root, "checkout/nothing")


def test_commands_do_not_run_without_allow_commands(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    root = sync_repo(tmp_path / "r", [kr("flaky", f"{{command: [touch, '{marker}']}}")])
    s = item(run(root), "flaky")
    assert s.status == "failed" and "--allow-commands" in (s.error or "")
    assert not marker.exists()


# --- secrets ------------------------------------------------------------------------------


def test_scrub_masks_every_expanded_value_and_url_credentials() -> None:
    secrets = Secrets({"PW": "p@ss/word", "TOKEN": "abc123"})
    url = secrets.expand("postgresql://okr:${env:PW}@db/x", in_url=True)
    assert url == "postgresql://okr:p%40ss%2Fword@db/x"
    header = secrets.expand("Bearer ${env:TOKEN}")
    said = f"failed for {url} with {header} and p@ss/word, https://u:other@h/"
    scrubbed = secrets.scrub(said)
    for leak in ("p@ss/word", "p%40ss%2Fword", "abc123", "other"):
        assert leak not in scrubbed
    with pytest.raises(SourceError, match="MISSING is not set"):
        secrets.expand("${env:MISSING}")


def test_shown_url_masks_literal_credentials_and_keeps_references() -> None:
    assert shown_url("https://u:hunter2@h/x?token=abc&q=1") == "https://u:***@h/x?token=***&q=1"
    keep = "https://h/x?token=${env:T}"
    assert shown_url(keep) == keep


def test_literal_secret_in_a_source_is_refused_by_sync(tmp_path: Path, server: Server) -> None:
    extra = ", headers: {Authorization: 'Bearer hunter2hunter2'}"
    root = sync_repo(tmp_path / "r", [kr("rate", http(server, "/number", "rate", extra))])
    s = item(run(root), "rate")
    assert s.status == "failed" and "written out" in (s.error or "")
    assert "hunter2" not in (s.error or "") and server.hits == {}


def test_many_sqlite_queries_in_parallel_each_get_their_row(tmp_path: Path) -> None:
    queries = [
        kr(
            f"k{n}",
            f"{{sql: local, query: 'select conversion + {n} from kpi where label = \"up\"'}}",
        )
        for n in range(40)
    ]
    root = sync_repo(tmp_path / "r", queries)
    result = run(root, workers=16)
    assert [s.new for s in result.items] == [str(34.25 + n) for n in range(40)]


@pytest.mark.slow
def test_https_certificates_are_verified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    openssl = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1"
    subprocess.run(
        [*openssl.split(), "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
        check=True,
        capture_output=True,
    )
    for server in serve({"/number": Route({"rate": 12.5})}, tls=(cert, key)):
        source = f"{{http: '{server.url}/number', select: rate}}"
        root = sync_repo(tmp_path / "r", [kr("rate", source)])
        s = item(run(root), "rate")
        assert s.status == "failed" and "certificate" in (s.error or "")
        assert server.hits == {}  # no request got through an unverified connection
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # a CA the machine trusts
        assert item(run(root), "rate").new == "12.5"


def test_a_file_that_does_not_load_fails_and_the_others_are_written(tmp_path: Path) -> None:
    broken = "unit: search\nquarter: 2026-Q4\nobjectives: [{id: o, title: T, oops: 1}]\n"
    root = sync_repo(
        tmp_path / "r", [kr("conversion", SQL)], files={"okrs/2026-Q4/search.yaml": broken}
    )
    result = run(root)
    by_ref = {s.ref: s for s in result.items}
    assert by_ref["search"].status == "failed" and "okr lint" in (by_ref["search"].error or "")
    assert by_ref["checkout/effortless-checkout/conversion"].status == "changed"
    assert (root / "okrs/2026-Q4/search.yaml").read_text() == broken
    assert "current: 34.25" in (root / FILE).read_text()


def test_a_dialect_without_its_driver_is_named(tmp_path: Path) -> None:
    config = "  shop:\n    url: mysql://okr@db.internal/shop\n"
    root = sync_repo(tmp_path / "r", [kr("orders", "{sql: shop, query: 'select 1'}")], config)
    s = item(run(root), "orders")
    assert s.status == "failed" and "needs a Python driver for mysql" in (s.error or "")


def test_text_output_names_every_key_results_source_failed_or_not() -> None:
    from okrcli.sync.formats import text
    from okrcli.sync.service import Synced, SyncResult

    result = SyncResult(
        "2026-Q4",
        dry_run=True,
        items=[
            Synced("u/o/a", "okrs/2026-Q4/u.yaml", "csv metrics/a.csv:a", "1", "2", "changed"),
            Synced("u/o/b", "okrs/2026-Q4/u.yaml", "csv metrics/b.csv:b", error="no row."),
            Synced("u/o/c", "okrs/2026-Q4/u.yaml", "", error="the file cannot be read."),
        ],
    )
    lines = text(result).splitlines()
    assert lines[0].endswith("1 -> 2  [csv metrics/a.csv:a]")
    assert lines[1].startswith("FAILED") and lines[1].endswith("no row.  [csv metrics/b.csv:b]")
    assert lines[2].endswith("the file cannot be read.")  # no source to name
    assert "Dry run: nothing was written." in lines[-1]
