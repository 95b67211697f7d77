"""Lint of metric sources: unknown connections, malformed sources and literal secrets are
errors at their positions, in OKR files and in okr.yaml."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_lint, write_repo
from tests.sync_helpers import kr, sync_repo

FILE = "okrs/2026-Q4/checkout.yaml"
CODES = ["OKR011", "OKR012", "OKR013"]


def findings(root: Path) -> list[tuple[str, str, int, str]]:
    result = run_lint(root, select=CODES)
    return [(d.code, d.rel, d.line, d.message) for d in result.diagnostics]


def line_of(root: Path, rel: str, needle: str) -> int:
    lines = (root / rel).read_text().splitlines()
    return next(n for n, text in enumerate(lines, 1) if needle in text)


def test_sources_that_are_fine_give_no_finding(tmp_path: Path) -> None:
    root = sync_repo(
        tmp_path / "r",
        [
            kr("a", "{sql: local, query: 'select 1'}"),
            kr(
                "b",
                "{http: 'https://m.example.com/q?token=${env:TOKEN}', select: 'a.b[0]', "
                "headers: {Authorization: 'Bearer ${env:TOKEN}', Accept: application/json}}",
            ),
            kr("c", "{csv: metrics/nps.csv, column: nps}"),
            kr("d", "{command: [./scripts/rate, --week]}"),
        ],
        config="  warehouse:\n    url: postgresql://okr:${env:PW}@db/analytics\n",
    )
    assert findings(root) == []


def test_unknown_connection_is_an_error_at_its_name(tmp_path: Path) -> None:
    root = sync_repo(tmp_path / "r", [kr("a", "{sql: locl, query: 'select 1'}")])
    [(code, rel, line, message)] = findings(root)
    assert (code, rel, line) == ("OKR011", FILE, line_of(root, FILE, "sql: locl"))
    assert "Did you mean 'local'?" in message


def test_malformed_sources_are_errors_at_their_fields(tmp_path: Path) -> None:
    (tmp_path / "outside.csv").write_text("nps\n1\n")
    root = sync_repo(
        tmp_path / "r",
        [
            kr("a", "{http: 'https://m.example.com/q', select: 'data.[[['}"),
            kr("b", "{csv: metrics/link.csv, column: nps}"),
            kr("c", "{sql: local, query: 'select 1; drop table kpi'}"),
            kr("d", "{http: 'ftp://m.example.com/q', select: a}"),
            kr("e", "{http: 'https://m.example.com/q?x=${WAREHOUSE}', select: a}"),
            kr("f", "{command: []}"),
        ],
        config="  outside:\n    url: sqlite:////etc/metrics.db\n",
    )
    (root / "metrics/link.csv").symlink_to(tmp_path / "outside.csv")
    got = findings(root)
    assert all(code == "OKR012" for code, *_ in got)
    messages = {line: message for _, rel, line, message in got if rel == FILE}
    assert "not a JMESPath expression" in messages[line_of(root, FILE, "data.[[[")]
    assert "outside the repository" in messages[line_of(root, FILE, "link.csv")]
    assert "more than one statement" in messages[line_of(root, FILE, "drop table")]
    assert "https://" in messages[line_of(root, FILE, "ftp://")]
    assert "${env:NAME}" in messages[line_of(root, FILE, "${WAREHOUSE}")]
    assert "empty" in messages[line_of(root, FILE, "command: []")]
    [config] = [(line, m) for _, rel, line, m in got if rel == "okr.yaml"]
    assert config[0] == line_of(root, "okr.yaml", "/etc/metrics.db")


def test_literal_secrets_are_errors_in_sources_and_connections(tmp_path: Path) -> None:
    root = sync_repo(
        tmp_path / "r",
        [
            kr("a", "{http: 'https://m.example.com/q', select: a, headers: {X-Api-Key: k3y}}"),
            kr("b", "{http: 'https://m.example.com/q?api_key=k3y', select: a}"),
            kr(
                "c",
                "{http: 'https://m.example.com/q', select: a, "
                "headers: {Authorization: 'Bearer abc.def'}}",
            ),
        ],
        config="  warehouse:\n    url: postgresql://okr:hunter2@db/analytics\n",
    )
    got = findings(root)
    assert {code for code, *_ in got} == {"OKR013"}
    where = {(rel, line) for _, rel, line, _ in got}
    assert where == {
        (FILE, line_of(root, FILE, "X-Api-Key")),
        (FILE, line_of(root, FILE, "api_key=")),
        (FILE, line_of(root, FILE, "Bearer abc")),
        ("okr.yaml", line_of(root, "okr.yaml", "hunter2")),
    }
    assert not any("hunter2" in m or "k3y" in m for *_, m in got)


def test_two_kinds_in_one_source_is_a_schema_error_at_the_source(tmp_path: Path) -> None:
    root = sync_repo(tmp_path / "r", [kr("a", "{sql: local, query: q, csv: x.csv}")])
    result = run_lint(root, select=["OKR002"])
    [d] = result.diagnostics
    assert d.line == line_of(root, FILE, "csv: x.csv")
    assert "exactly one of sql, http, csv or command" in d.message


def test_a_query_written_where_the_connection_belongs_is_explained(tmp_path: Path) -> None:
    from okrcli.lint.run import LintRequest, lint
    from okrcli.rules.base import GOOD_FILE

    text = GOOD_FILE.replace(
        "target: 34\n", 'target: 34\n        source: {sql: "select rate from kpi"}\n'
    )
    root = write_repo(tmp_path / "r", {"okrs/2026-Q4/checkout.yaml": text})
    found = lint(LintRequest(paths=[], repo=root, cwd=root)).diagnostics
    messages = [d.message for d in found if d.code == "OKR002"]
    assert any("names a connection of okr.yaml's `sources:`" in m for m in messages), found
    assert any("put the query under `query:`" in m for m in messages)
