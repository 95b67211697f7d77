"""The project's own set-up: the lock covers every dependency, and the CI workflow is valid."""

from __future__ import annotations

import re
import tomllib

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
