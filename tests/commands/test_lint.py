"""okr lint as a user runs it: exit codes, formats, no tracebacks, lazy imports, which files
and quarters it reads, and what its findings say."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from okrcli.rules.base import GOOD_FILE, variant
from tests.commands.test_check_in import Q3, Q4
from tests.conftest import ROOT, Builder, diagnostic, git, okr, run_lint, write_repo

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


@pytest.mark.slow
def test_okr004_says_quarters_are_q1_to_q4(make_repo: Builder) -> None:
    root = make_repo({"okrs/2026-Q5/checkout.yaml": GOOD_FILE.replace("2026-Q4", "2026-Q5")})
    r = okr("lint", cwd=root)
    assert "quarter '2026-Q5' is no quarter: a year has four quarters, Q1 to Q4" in r.stdout


def test_a_declared_direction_against_baseline_and_target_is_an_error(tmp_path: Path) -> None:
    bad = variant("        target: 34\n", "        target: 34\n        direction: decrease\n")
    root = write_repo(tmp_path / "r", {Q4: bad})
    (d,) = [d for d in run_lint(root, Q4).diagnostics if d.code == "OKR202"]
    assert d.severity == "error" and "says direction: decrease" in d.message


def test_a_key_result_turned_round_since_last_quarter_is_an_error(tmp_path: Path) -> None:
    """What an earlier carry-over wrote (baseline 35 past the old target 34) is caught."""
    flipped = variant("baseline: 30\n        target: 34", "baseline: 35\n        target: 34")
    last = GOOD_FILE.replace("2026-Q4", "2026-Q3")
    root = write_repo(tmp_path / "r", {Q4: flipped, Q3: last})
    (d,) = [d for d in run_lint(root, Q4).diagnostics if d.code == "OKR202"]
    assert d.severity == "error"
    assert d.message == (
        "key result 'conversion' now points down (from 35 to 34), but in 2026-Q3 it went up "
        "(from 30 to 34): carried over past its old target? Set a target above 35, or declare "
        "direction: decrease if the aim really turned."
    )
    meant = flipped.replace(
        "        target: 34\n", "        target: 34\n        direction: decrease\n", 1
    )
    (root / Q4).write_text(meant)
    assert not [d for d in run_lint(root, Q4).diagnostics if d.code == "OKR202"]


def test_broken_references_offer_the_closest_name(tmp_path: Path) -> None:
    typo = variant("aligns_to: [strategy/retention]", "aligns_to: [strategy/retension]")
    typo = typo.replace("    key_results:\n", "    depends_on: [paymnets]\n    key_results:\n", 1)
    root = write_repo(tmp_path / "r", {Q4: typo})
    found = [d.message for d in run_lint(root, Q4).diagnostics if d.code == "OKR006"]
    assert any("Did you mean 'strategy/retention'?" in m for m in found), found
    assert any("Did you mean 'payments'?" in m for m in found), found


def test_junit_fails_a_file_only_for_what_fails_the_run() -> None:
    import xml.etree.ElementTree as ET

    from okrcli.lint.diagnostics import Diagnostic, LintResult
    from okrcli.lint.reporters import junit

    def found(path: str, severity: str) -> Diagnostic:
        return diagnostic(path=path, code="OKR204", name="vanity-kr", severity=severity)

    files = ["a.yaml", "b.yaml"]
    diags = [found("a.yaml", "warning"), found("b.yaml", "error"), found("b.yaml", "info")]
    plain = ET.fromstring(junit(LintResult(diags, files, [])))
    cases = {c.get("name"): c for c in plain.iter("testcase")}
    assert cases["a.yaml"].find("failure") is None  # warnings alone: okr lint exits 0
    assert cases["a.yaml"].findtext("system-out") is not None
    assert cases["b.yaml"].find("failure") is not None
    assert plain.find("testsuite").get("failures") == "1"  # type: ignore[union-attr]
    strict = ET.fromstring(junit(LintResult(diags, files, [], ("error", "warning"))))
    assert strict.find("testsuite").get("failures") == "2"  # type: ignore[union-attr]


@pytest.mark.slow
def test_lint_reports_on_the_changed_files_and_the_quarter_asked(tmp_path: Path) -> None:
    vanity = variant(
        "title: Raise checkout conversion of returning customers", "title: Grow total page views"
    )
    old = vanity.replace("2026-Q4", "2026-Q3")
    search = vanity.replace("unit: checkout", "unit: search")
    root = write_repo(tmp_path / "r", {Q3: old, Q4: GOOD_FILE})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "OKRs", when="2026-10-01")
    git(root, "checkout", "-q", "-b", "pr")
    (root / "okrs/2026-Q4/search.yaml").write_text(search)  # new in the pull request

    def reported(*args: str) -> set[str]:
        r = okr("lint", "--format", "json", *args, cwd=root)
        assert r.returncode in (0, 1), r.stderr
        return {d["path"] for d in json.loads(r.stdout) if d["code"] == "OKR204"}

    assert reported() == {Q3, "okrs/2026-Q4/search.yaml"}
    assert reported("--changed-since", "main") == {"okrs/2026-Q4/search.yaml"}
    assert reported("--quarter", "2026-Q3") == {Q3}
    # org.yaml changed: every file is checked again
    (root / "org.yaml").write_text((root / "org.yaml").read_text() + "\n")
    assert reported("--changed-since", "main") == {Q3, "okrs/2026-Q4/search.yaml"}
    r = okr("lint", "--changed-since", "nowhere", cwd=root)
    assert r.returncode == 2 and "nowhere" in r.stderr


def test_linting_org_yaml_alone_checks_every_okr_file(tmp_path: Path) -> None:
    """What the pre-commit hook runs when a commit only renames a unit in org.yaml."""
    root = write_repo(tmp_path / "r", {Q4: GOOD_FILE})
    (root / "org.yaml").write_text((root / "org.yaml").read_text().replace("checkout", "pay"))
    found = run_lint(root, "org.yaml").diagnostics
    assert [(d.rel, d.code) for d in found if d.code == "OKR003"] == [(Q4, "OKR003")]
