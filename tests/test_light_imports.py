"""The modules on okr's start-up path stay light to import: `okr --help` must not pull in
the heavy libraries."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

HEAVY = {"pydantic", "pydantic_core", "jinja2", "rich", "ruamel", "yaml", "multiprocessing"}

# module -> the heavy packages it may import (the CLI needs typer, nothing else heavy)
LIGHT = {
    "okrcli.cli.app": set(),
    "okrcli.runner": set(),
    # the YAML reader imports PyYAML at its top (no import is put off to save time)
    "okrcli.load.yamlsafe": {"yaml"},
    "okrcli.load.files": {"yaml"},
    "okrcli.forked": set(),
    "okrcli.process": set(),
    "okrcli.history.git": set(),
}


@pytest.mark.parametrize("module", list(LIGHT))
def test_module_imports_no_heavy_library(module: str) -> None:
    code = (
        f"import json, sys, {module}\n"
        "print(json.dumps(sorted({n.split('.')[0] for n in sys.modules})))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    loaded = set(json.loads(run.stdout)) & HEAVY
    assert loaded <= LIGHT[module], f"{module} imports {sorted(loaded - LIGHT[module])}"
