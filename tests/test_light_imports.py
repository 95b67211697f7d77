"""The modules on okr's start-up path stay light to import: `okr --help` and the parse
prefetch (which starts before the models load) must not pull in the heavy libraries."""

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
    "okrcli.load.prefetch": set(),
    "okrcli.load.yamlsafe": set(),
    "okrcli.load.files": set(),
    "okrcli.forked": set(),
    "okrcli.process": set(),
    "okrcli.history.git": set(),
    "okrcli.lint.run": set(),
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


def test_the_report_process_loads_no_rule() -> None:
    """okr report's lint pass runs in a forked child, which sorts its findings for the
    report: the report's own modules load none of the rules (they cost its main path)."""
    code = (
        "import json, sys\n"
        "import okrcli.report.service, okrcli.report.data, okrcli.report.render\n"
        "print(json.dumps(sorted(n for n in sys.modules if n.startswith('okrcli.rules'))))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == []
