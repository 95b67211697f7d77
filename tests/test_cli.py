"""The command as a user runs it: exit codes, formats, no tracebacks, lazy imports."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from okrcli.rules.base import GOOD_FILE, variant
from tests.conftest import ROOT, Builder, okr

CHECKOUT = "okrs/2026-Q4/checkout.yaml"


@pytest.mark.slow
def test_lint_acme_is_clean_and_exits_zero() -> None:
    r = okr("lint", "examples/acme")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "All checks passed" in r.stdout


@pytest.mark.slow
def test_findings_exit_one_with_file_line_column() -> None:
    r = okr("lint", "examples/antipatterns")
    assert r.returncode == 1
    assert re.search(
        r"^examples/antipatterns/okrs/2026-Q4/checkout.yaml:\d+:\d+: OKR202 "
        r"missing-baseline-or-target \[error\] key result 'time' has no baseline",
        r.stdout,
        re.M,
    )
    assert "Traceback" not in r.stderr


@pytest.mark.slow
def test_warnings_fail_only_with_strict(make_repo: Builder) -> None:
    root = make_repo(
        {
            CHECKOUT: variant(
                "Raise checkout conversion of returning customers",
                "Launch the redesigned checkout page",
            )
        }
    )
    assert okr("lint", cwd=root).returncode == 0
    assert okr("lint", "--strict", cwd=root).returncode == 1
    assert okr("lint", "--strict", "--exit-zero", cwd=root).returncode == 0


@pytest.mark.slow
def test_json_records() -> None:
    r = okr("lint", "examples/antipatterns", "--format", "json")
    records = json.loads(r.stdout)
    keys = {
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "code",
        "name",
        "severity",
        "message",
        "facts",
    }
    assert records and all(set(rec) == keys for rec in records)
    # every finding but a parse or schema error says what it found as data
    assert all(rec["facts"] for rec in records if rec["code"] not in ("OKR001", "OKR002"))


@pytest.mark.slow
def test_statistics() -> None:
    r = okr("lint", "examples/antipatterns", "--statistics", "--format", "concise")
    assert "OKR301  conflicting-krs [warning]" in r.stdout


@pytest.mark.slow
def test_usage_and_config_errors_exit_two(make_repo: Builder) -> None:
    r = okr("lint", "--select", "nonsense", "examples/acme")
    assert r.returncode == 2 and "'nonsense' names no rule" in r.stderr
    assert okr("lint", "no/such/path").returncode == 2
    assert okr("lint", "--format", "xml", "examples/acme").returncode == 2
    root = make_repo({CHECKOUT: GOOD_FILE, "okr.yaml": "okrs_dir: [a]\n"})
    r = okr("lint", cwd=root)
    assert r.returncode == 2
    assert "okr.yaml:1:11" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_exit_status_of_a_whole_command() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "okrcli", "lint", "examples/antipatterns"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 1 and "OKR" in r.stdout and not r.stderr


@pytest.mark.slow
def test_no_repository_found(tmp_path: Path) -> None:
    r = okr("lint", cwd=tmp_path)
    assert r.returncode == 2
    assert "no OKR repository found" in r.stderr


@pytest.mark.slow
@pytest.mark.parametrize("ref", ["OKR205", "initiative-kr"])
def test_rule_explains_with_examples(ref: str) -> None:
    r = okr("rule", ref)
    assert r.returncode == 0
    assert "OKR205 initiative-kr [warning]" in r.stdout
    assert "Bad:" in r.stdout and "Good:" in r.stdout and "product head's guide" in r.stdout
    assert "seed" not in r.stdout


@pytest.mark.slow
def test_rules_lists_every_code() -> None:
    from okrcli.rules.base import registry

    out = okr("rules").stdout
    assert all(code in out for code in registry())


@pytest.mark.slow
def test_version() -> None:
    r = okr("--version")
    assert r.returncode == 0 and r.stdout.startswith("okr ")


@pytest.mark.slow
def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys; from okrcli.cli.app import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pydantic', 'git', 'jinja2', 'rich', 'ruamel') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert "Commands:" in r.stdout
    assert r.stdout.strip().splitlines()[-1] == "HEAVY=", r.stdout


HOSTILE = {
    "alias-bomb": b"unit: checkout\na: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
    "python-tag": b"unit: !!python/object/apply:os.system ['echo pwned']\n",
    "utf16": "unit: checkout\n".encode("utf-16"),
    "latin1": "unit: caf\xe9\n".encode("latin-1"),
    "nul": b"unit: check\x00out\n",
    "yaml11": b"%YAML 1.1\n---\nunit: checkout\n",
    "two-docs": b"unit: checkout\n---\nunit: checkout\n",
    "tabs": b"unit: checkout\nobjectives:\n\t- id: a\n",
    "dup-keys": b"unit: checkout\nunit: search\n",
    "deep": b"unit: " + b"[" * 100 + b"]" * 100 + b"\n",
    "huge-number": b"unit: checkout\nquarter: 2026-Q4\nobjectives: " + b"9" * 5000 + b"\n",
    "big": b"unit: checkout\n" + b"# padding\n" * 120_000,
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_gives_one_clear_diagnostic(make_repo: Builder, name: str) -> None:
    root = make_repo({})
    path = root / "okrs" / "2026-Q4" / "checkout.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(HOSTILE[name])
    r = okr("lint", "--format", "json", cwd=root)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    records = json.loads(r.stdout)
    assert [rec["code"] for rec in records] == ["OKR001"], records
    assert records[0]["line"] >= 1 and records[0]["message"].endswith(".")
