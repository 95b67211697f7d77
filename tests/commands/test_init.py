"""okr init: the scaffold lints clean and is never overwritten, its files are valid for their
tools, its CI workflow runs; it scaffolds a scheduled sync for GitHub Actions and GitLab that
runs on the default branch only, never on a pull or merge request, with secrets from the CI's
store."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from okrcli.edit.scaffold import init
from okrcli.errors import OkrError
from okrcli.load.yamlsafe import parse
from tests.conftest import dev_tool, git, okr


def scaffold(tmp_path: Path) -> Path:
    result = init(tmp_path / "repo", company="Acme", quarter="2026-Q4")
    assert ".github/workflows/okr-sync.yml" in result.written
    return result.root


def load(path: Path) -> Any:
    return parse(path.read_text()).data  # YAML 1.2: `on` stays a key, not true


def test_github_sync_runs_on_a_schedule_on_the_default_branch_only(tmp_path: Path) -> None:
    root = scaffold(tmp_path)
    text = (root / ".github/workflows/okr-sync.yml").read_text()
    flow = load(root / ".github/workflows/okr-sync.yml")
    assert set(flow["on"]) == {"schedule", "workflow_dispatch"}
    job = flow["jobs"]["sync"]
    assert "github.event.repository.default_branch" in job["if"]
    assert flow["permissions"] == {}  # none by default; the job asks for what it needs
    assert job["permissions"] == {"contents": "write"}
    [step] = [s for s in job["steps"] if "okr sync" in s.get("run", "")]
    assert "okr sync --commit" in step["run"] and "--allow-commands" not in step["run"].replace(
        "# add --allow-commands", ""
    )
    assert all(re.fullmatch(r"\$\{\{ secrets\.[A-Z_]+ \}\}", v) for v in step["env"].values())
    assert "pull_request" not in text.replace("never on a pull request", "")


def test_gitlab_sync_runs_in_default_branch_schedules_only(tmp_path: Path) -> None:
    root = scaffold(tmp_path)
    job = load(root / ".gitlab-ci.yml")["okr-sync"]
    [rule] = job["rules"]
    assert rule["if"] == (
        '$CI_PIPELINE_SOURCE == "schedule" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH'
    )
    assert any("okr sync --commit" in line for line in job["script"])
    assert not any("--allow-commands" in line for line in job["script"] if "#" not in line)


def test_scaffolded_config_shows_sources_commented_out(tmp_path: Path) -> None:
    root = scaffold(tmp_path)
    text = (root / "okr.yaml").read_text()
    assert "# sources:" in text and "${env:WAREHOUSE_PASSWORD}" in text
    assert "sources" not in (load(root / "okr.yaml") or {})


@pytest.mark.slow
@pytest.mark.parametrize(
    ("rel", "schema"),
    [
        (".github/workflows/okr-sync.yml", "vendor.github-workflows"),
        (".gitlab-ci.yml", "vendor.gitlab-ci"),
    ],
)
def test_scaffolded_sync_jobs_are_valid_ci_files(tmp_path: Path, rel: str, schema: str) -> None:
    cjs = dev_tool("check-jsonschema")
    assert cjs is not None, "check-jsonschema comes with the dev extras: run scripts/setup dev"
    root = scaffold(tmp_path)
    run = subprocess.run(
        [cjs, "--builtin-schema", schema, rel], cwd=root, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.slow
def test_init_then_lint_is_clean(scaffold: Path) -> None:
    r = okr("lint", "--strict", cwd=scaffold)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "All checks passed" in r.stdout
    for rel in (
        ".github/workflows/okr.yml",
        ".gitlab-ci.yml",
        ".pre-commit-config.yaml",
        ".vscode/settings.json",
        "schemas/okr-file.schema.json",
        "okr.yaml",
        "org.yaml",
    ):
        assert (scaffold / rel).is_file(), rel
    json.loads((scaffold / ".vscode/settings.json").read_text())


@pytest.mark.slow
def test_init_never_overwrites(scaffold: Path) -> None:
    (scaffold / "org.yaml").write_text("# mine\n" + (scaffold / "org.yaml").read_text())
    r = okr("init", ".", cwd=scaffold)
    assert r.returncode == 0
    assert "skipped org.yaml" in r.stdout and "wrote" not in r.stdout
    assert "then run `okr lint`." in r.stdout  # here: no folder to name
    assert (scaffold / "org.yaml").read_text().startswith("# mine")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("tool", "args"),
    [
        (
            "check-jsonschema",
            ["--builtin-schema", "vendor.github-workflows", ".github/workflows/okr.yml"],
        ),
        ("check-jsonschema", ["--builtin-schema", "vendor.gitlab-ci", ".gitlab-ci.yml"]),
        ("pre-commit", ["validate-config", ".pre-commit-config.yaml"]),
    ],
    ids=["github-workflow", "gitlab-ci", "pre-commit-config"],
)
def test_scaffolded_files_are_valid_for_their_tools(
    scaffold: Path, tool: str, args: list[str]
) -> None:
    """Each scaffolded CI file is checked by its own tool (installed with the dev extras)."""
    path = dev_tool(tool)
    assert path is not None, f"{tool} comes with the dev extras: run scripts/setup dev"
    r = subprocess.run([path, *args], cwd=scaffold, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.slow
def test_scaffolded_ci_installs_from_a_marked_line_and_runs_on_the_created_branch(
    tmp_path: Path,
) -> None:
    from okrcli.edit.scaffold import init

    init(tmp_path / "r", quarter="2026-Q4")
    root = tmp_path / "r"
    assert git(root, "symbolic-ref", "--short", "HEAD").strip() == "main"
    workflow = (root / ".github/workflows/okr.yml").read_text()
    data = parse(workflow).data
    assert data["on"]["push"]["branches"] == ["main"]
    steps = data["jobs"]["lint"]["steps"]
    runs = [s.get("run", "") for s in steps]
    assert any("okr lint --changed-since" in r for r in runs)
    assert any(r.startswith("okr diff") and "--format markdown" in r for r in runs)
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)
    assert (
        "EDIT THIS" in workflow
        and 'pip install "git+https://github.com/OWNER/okrcli@main"' in workflow
    )
    gitlab = (root / ".gitlab-ci.yml").read_text()
    lint_job = parse(gitlab).data["okr-lint"]
    assert lint_job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert "--changed-since" in lint_job["script"][0] and "EDIT THIS" in gitlab
    # named at init: no placeholder, no EDIT marker
    init(tmp_path / "s", quarter="2026-Q4", install="git+https://example.com/acme/okrcli@v1")
    named = (tmp_path / "s/.github/workflows/okr.yml").read_text()
    assert "EDIT THIS" not in named and "OWNER" not in named
    assert 'pip install "git+https://example.com/acme/okrcli@v1"' in named
    with pytest.raises(OkrError, match="one pip requirement"):
        init(tmp_path / "t", install='okrcli"; curl evil')
    # a repository already on another branch gets workflows for that branch
    other = tmp_path / "u"
    other.mkdir()
    git(other, "init", "-q", "-b", "trunk")
    init(other, quarter="2026-Q4")
    assert "branches: [trunk]" in (other / ".github/workflows/okr.yml").read_text()
