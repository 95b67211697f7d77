"""okr init scaffolds a scheduled sync for GitHub Actions and GitLab that runs on the default
branch only, never on a pull or merge request, with secrets from the CI's store."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from okrcli.edit.scaffold import init
from okrcli.load.yamlsafe import parse
from tests.conftest import dev_tool


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
