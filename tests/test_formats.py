"""Every output format from the same records: snapshots, escaping, fingerprints, validity."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from okrcli.lint.diagnostics import Diagnostic, LintResult
from okrcli.lint.reporters import FORMATS, _fingerprints, github, gitlab, sarif, step_summary
from tests.conftest import (
    ROOT,
    check_jsonschema,
    commit_versions,
    dev_tool,
    diagnostic,
    fetched_data,
    git,
    okr,
    run_lint,
    write_repo,
)

SNAPSHOTS = Path(__file__).parent / "snapshots"
SNAPSHOT_FORMATS = ["text", "concise", "json", "github", "gitlab", "sarif", "junit"]


def test_every_format_has_a_snapshot_and_a_choice_on_the_command_line() -> None:
    from okrcli.cli.app import LintFormat

    assert sorted(FORMATS) == sorted(SNAPSHOT_FORMATS), "add the format to SNAPSHOT_FORMATS"
    assert {f.value for f in LintFormat} == {"auto", *FORMATS}, "add it to LintFormat too"


@pytest.mark.slow
@pytest.mark.parametrize("fmt", SNAPSHOT_FORMATS)
def test_snapshot(fmt: str) -> None:
    r = okr("lint", "examples/antipatterns", "--format", fmt)
    assert r.returncode == 1, r.stderr
    out = r.stdout.replace(f'"version": "{_version()}"', '"version": "VERSION"')
    snap = SNAPSHOTS / f"antipatterns.{fmt}"
    if os.environ.get("OKR_UPDATE_SNAPSHOTS"):
        snap.write_text(out)
    assert out == snap.read_text(), f"{fmt} output changed; OKR_UPDATE_SNAPSHOTS=1 to accept"


def _version() -> str:
    from okrcli import __version__

    return __version__


def record(message: str, line: int = 3, path: str = "okrs/q/a.yaml") -> Diagnostic:
    return diagnostic(
        path=path,
        line=line,
        column=5,
        end_line=line,
        end_column=9,
        code="OKR205",
        name="initiative-kr",
        severity="warning",
        message=message,
    )


def test_github_annotations_are_escaped() -> None:
    nasty = "100% done\nnext line\r::error::injected, with: commas"
    out = github(LintResult([record(nasty, path="okrs/a,b:c.yaml")], [], []))
    assert out.count("\n") == 1 and out.startswith("::warning ")
    assert "file=okrs/a%2Cb%3Ac.yaml" in out
    assert "100%25 done%0Anext line%0D::error::injected" in out


def test_gitlab_fingerprints_survive_moved_lines() -> None:
    a = LintResult([record("x", line=3), record("x", line=9), record("y", line=12)], [], [])
    b = LintResult([record("x", line=30), record("x", line=39), record("y", line=1)], [], [])
    assert _fingerprints(a) == _fingerprints(b)
    assert len(set(_fingerprints(a))) == 3
    items = json.loads(gitlab(a))
    assert {i["severity"] for i in items} == {"minor"} and items[0]["location"]["lines"][
        "begin"
    ] == 3


def test_gitlab_fingerprints_on_a_real_move(tmp_path: Path) -> None:
    from okrcli.rules.base import variant

    text = variant("Raise checkout conversion of returning customers", "Launch the new checkout")
    root = write_repo(tmp_path / "r", {"okrs/2026-Q4/checkout.yaml": text})
    before = run_lint(root)
    (root / "okrs/2026-Q4/checkout.yaml").write_text("# a comment\n# and another\n" + text)
    after = run_lint(root)
    assert [d.line for d in after.diagnostics] == [d.line + 2 for d in before.diagnostics]
    assert _fingerprints(after) == _fingerprints(before)


@pytest.mark.slow
def test_sarif_is_well_formed_2_1_0() -> None:
    log = json.loads(okr("lint", "examples/antipatterns", "--format", "sarif").stdout)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)) and "OKR205" in ids
    assert all(r["help"]["text"] and r["shortDescription"]["text"] for r in rules)
    for res in run["results"]:
        assert ids[res["ruleIndex"]] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note")
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["endLine"] >= region["startLine"]
        assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith(
            "examples/antipatterns/"
        )
    minimal = json.loads((SNAPSHOTS.parent / "data" / "sarif-minimal.schema.json").read_text())
    import jsonschema

    jsonschema.validate(log, minimal)


@pytest.mark.slow
def test_junit_is_valid_xml_with_one_case_per_file() -> None:
    root = ET.fromstring(okr("lint", "examples/antipatterns", "--format", "junit").stdout)
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert len(cases) == int(suite.get("tests", "0"))
    assert int(suite.get("failures", "0")) == sum(1 for c in cases if c.find("failure") is not None)


@pytest.mark.slow
def test_output_file_and_terminal_text(tmp_path: Path) -> None:
    out = tmp_path / "okr.sarif"
    r = okr("lint", "examples/antipatterns", "--format", "sarif", "-o", str(out))
    assert r.returncode == 1
    assert "OKR205 initiative-kr [warning]" in r.stdout  # the terminal got text
    assert json.loads(out.read_text())["version"] == "2.1.0"


@pytest.mark.slow
def test_auto_is_github_in_actions_and_writes_a_job_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    r = okr(
        "lint",
        "examples/antipatterns",
        env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert r.stdout.startswith("::") and "title=OKR" in r.stdout
    text = summary.read_text()
    assert text.startswith("earlier step\n## okr lint")
    assert "| OKR205 initiative-kr | warning | 1 |" in text
    assert okr("lint", "examples/antipatterns").stdout.startswith("examples/")


def test_job_summary_is_cut_to_its_limit() -> None:
    many = LintResult([record(f"finding {n} " + "x" * 200) for n in range(500)], ["a"], [])
    text = step_summary(many, limit=20_000)
    assert len(text.encode()) <= 20_000
    assert "more findings are not shown here" in text
    assert "| OKR205 initiative-kr | warning | 500 |" in text


def test_every_format_comes_from_the_same_records() -> None:
    result = run_lint(ROOT / "examples" / "antipatterns")
    n = len(result.diagnostics)
    assert len(json.loads(FORMATS["json"](result))) == n
    assert len(json.loads(gitlab(result))) == n
    assert len(json.loads(sarif(result))["runs"][0]["results"]) == n
    assert github(result).count("\n::") + 1 == n


@pytest.mark.slow
def test_action_metadata_is_valid() -> None:
    check_jsonschema("vendor.github-actions", "action.yml")


@pytest.mark.slow
def test_pre_commit_hooks_via_try_repo(tmp_path: Path) -> None:
    """`pre-commit try-repo` installs this repository's hooks into a scratch repository:
    green on a clean OKR repository, red on a broken one."""
    from okrcli.rules.base import EXAMPLE_ORG, GOOD_FILE

    pc = dev_tool("pre-commit")
    assert pc is not None, "pre-commit comes with the dev extras: run scripts/setup dev"
    scratch = tmp_path / "scratch"
    commit_versions(scratch, "okrs/2026-Q4/checkout.yaml", [("2026-10-01", GOOD_FILE)])
    (scratch / "org.yaml").write_text(EXAMPLE_ORG)
    git(scratch, "add", "-A")
    # pip installs the hooks from the wheels setup made: no network
    wheels = fetched_data("wheels")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "CI": "true",
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheels),
    }

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [pc, "try-repo", str(ROOT), "okr-lint", "--all-files"],
            cwd=scratch,
            capture_output=True,
            text=True,
            env=env,
            timeout=900,
        )

    green = try_repo()
    assert green.returncode == 0, green.stdout + green.stderr
    (scratch / "okrs/2026-Q4/checkout.yaml").write_text(
        GOOD_FILE.replace("target: 34", 'target: "34%"')
    )
    git(scratch, "add", "-A")
    red = try_repo()
    assert red.returncode != 0 and "OKR002" in red.stdout, red.stdout
