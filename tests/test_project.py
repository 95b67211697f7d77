"""The project's own set-up: the lock covers every dependency, and the CI workflow is valid."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT, check_jsonschema


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_the_lock_pins_every_dependency_and_development_tool() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["dev"]}
    pinned = {}
    for line in (ROOT / "requirements" / "dev.lock").read_text("utf-8").splitlines():
        if line and not line.startswith((" ", "#")):
            name, _, version = line.partition("==")
            pinned[name.lower().replace("_", "-").replace(".", "-")] = version
    missing = {w for w in wanted if w.replace(".", "-") not in pinned}
    assert not missing, f"not in requirements/dev.lock: {sorted(missing)}; run scripts/lock"
    assert all(re.match(r"\d", v) for v in pinned.values())


@pytest.mark.slow
def test_the_ci_workflow_is_a_valid_github_workflow() -> None:
    check_jsonschema("vendor.github-workflows", ".github/workflows/ci.yml")


def test_the_ci_workflow_runs_the_check_locked_on_each_python_and_latest() -> None:
    text = (ROOT / ".github" / "workflows" / "ci.yml").read_text("utf-8")
    assert '["3.11", "3.12", "3.13"]' in text
    assert "run: ./scripts/check\n" in text and "run: ./scripts/check --latest" in text


def test_every_check_of_the_check_script_stops_it_when_it_fails(tmp_path: Path) -> None:
    """scripts/check runs under ``set -e``, which does not stop at a failing command on the
    left of ``&&``: a lint failure there once passed CI. Each check is a command of its own;
    shown here by running the script's check lines with a failing ruff."""
    import subprocess

    script = (ROOT / "scripts" / "check").read_text()
    checks = [line for line in script.splitlines() if '"$venv/bin/' in line]
    assert checks, "scripts/check runs no tool from the venv"
    assert not [line for line in checks if "&&" in line or "||" in line]
    venv = tmp_path / "venv" / "bin"
    venv.mkdir(parents=True)
    for tool in ("ruff", "mypy", "okr", "pytest"):
        (venv / tool).write_text("#!/bin/sh\nexit 1\n" if tool == "ruff" else "#!/bin/sh\n")
        (venv / tool).chmod(0o755)
    run = subprocess.run(
        ["bash", "-c", "set -euo pipefail\nvenv=venv\n" + "\n".join(checks[:2]) + "\necho reached"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0 and "reached" not in run.stdout


def test_the_fast_tier_set_up_needs_no_root_and_no_system_package() -> None:
    """`scripts/setup dev` installs Python packages only: a contributor on macOS, or without
    root, can run the fast tier. The programs the integration tier needs come from a step of
    their own, which `scripts/check` (so CI) runs before the full tier and the fast tier never
    runs."""
    setup = (ROOT / "scripts" / "setup").read_text("utf-8")
    commands = [line for line in setup.splitlines() if not line.lstrip().startswith("#")]
    for word in ("apt-get", "sudo", "npm", "install.sh", "brew"):
        assert not [line for line in commands if word in line], f"scripts/setup runs {word}"
    check = (ROOT / "scripts" / "check").read_text("utf-8")
    fast_exit = check.index('exec scripts/offline "$venv/bin/pytest" -m "not slow"')
    integration = check.index("\nscripts/setup-integration\n")
    assert fast_exit < integration, "the fast tier must leave before the integration set-up"
    assert "OKR_REQUIRE_INTEGRATION=1" in check[integration:]
    steps = (ROOT / "scripts" / "setup-integration").read_text("utf-8")
    assert "postgresql" in steps and "tools/render-check/install.sh" in steps
