"""The process tricks (okrcli/process.py): output and status survive them, and the switch
turns them off."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from okrcli import process
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

SCRIPT = """\
import atexit, gc, sys
{hook}
from okrcli import process
process.prepare()
class Torn:
    def __del__(self):
        sys.stdout.write("|torn down")
        sys.stdout.flush()
kept = Torn()
sys.stdout.write("gc on " if gc.isenabled() else "gc off ")
sys.stdout.write("out " * 10)
sys.stderr.write("partial line")
process.leave(SystemExit(3))
"""


def _run(hook: str = "", switch: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONUNBUFFERED", process.SWITCH)}
    if switch:
        env[process.SWITCH] = "1"
    return subprocess.run(
        [sys.executable, "-c", SCRIPT.format(hook=hook)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,  # output buffered, as in a pipe
    )


@pytest.mark.parametrize("hook", ["", "atexit.register(lambda: print('at exit'))"])
def test_exit_flushes_output_and_keeps_the_status(hook: str) -> None:
    """The teardown is skipped only when nothing is registered to run at exit; either way
    every byte written arrives and the status is the command's."""
    r = _run(hook)
    assert r.returncode == 3
    assert r.stdout.startswith("gc off " + "out " * 10)
    if hook:
        assert "at exit\n" in r.stdout and "|torn down" in r.stdout
    else:
        assert "|torn down" not in r.stdout  # left without the teardown
    assert r.stderr == "partial line"


def test_the_switch_turns_both_tricks_off() -> None:
    r = _run(switch=True)
    assert r.returncode == 3
    assert r.stdout.startswith("gc on " + "out " * 10)
    assert r.stdout.endswith("|torn down")  # the interpreter's own teardown ran
    assert r.stderr == "partial line"
