"""A check-in killed during its write leaves the old file or the new one, never a mix.

The okr process runs with its file-system calls wrapped (``os.write`` of the temporary file,
``os.fsync``, ``os.replace``): at the chosen step it reports on a pipe and waits, the test
reads the report and kills it there with SIGKILL. So each case provably stops the writer at
the step it names, however fast or slow the machine is; no sleeps.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from okrcli.rules.base import GOOD_FILE
from tests.conftest import commit_versions, okr, write_repo

pytestmark = pytest.mark.slow

CHECKOUT = "okrs/2026-Q4/checkout.yaml"

# Runs okr's CLI with one step of the atomic write of one file made to stop there: it writes the
# step's name to the pipe (fd in argv[1]) and sleeps until killed. argv[2] names the step,
# argv[3] the file (other files okr writes, such as caches, are left alone); the rest is okr's.
DRIVER = r"""
import io, os, sys, time
import okrcli.fsutil as fsutil
fd, step, target = int(sys.argv[1]), sys.argv[2], sys.argv[3]
real_write, real_fsync, real_replace = os.write, os.fsync, os.replace
real_temporary, real_fdopen = fsutil._temporary, os.fdopen
ours = set()  # descriptors of the temporary files written for the target

def stop(name):
    real_write(fd, name.encode())
    while True:
        time.sleep(60)

def temporary(*a, **k):
    handle, name = real_temporary(*a, **k)
    if os.path.basename(name).startswith("." + target + "."):
        ours.add(handle)
    return handle, name

def fsync(f):
    real_fsync(f)
    if step == "after-fsync" and f in ours:
        stop(step)

def replace(src, dst, *a, **k):
    mine = os.path.basename(str(dst)) == target
    if step == "before-replace" and mine:
        stop(step)
    real_replace(src, dst, *a, **k)
    if step == "after-replace" and mine:
        stop(step)

def fdopen(f, *a, **k):
    handle = real_fdopen(f, *a, **k)
    if step == "mid-write" and f in ours:
        whole = handle.write
        def half(data):
            # the first half reaches the temporary file, then the writer stops
            whole(data[: len(data) // 2])
            handle.flush()
            stop(step)
        handle.write = half
    return handle

fsutil._temporary, os.fsync, os.replace, os.fdopen = temporary, fsync, replace, fdopen
sys.argv = ["okr", *sys.argv[4:]]
from okrcli.cli.app import main
main()
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = write_repo(tmp_path / "g", {})
    commit_versions(root, CHECKOUT, [("2026-10-01", GOOD_FILE)])
    return root


@pytest.mark.parametrize(
    ("step", "expect_new"),
    [
        ("mid-write", False),
        ("after-fsync", False),
        ("before-replace", False),
        ("after-replace", True),
    ],
)
def test_killed_at_each_step_of_the_write(repo: Path, step: str, expect_new: bool) -> None:
    path = repo / CHECKOUT
    old = path.read_text()
    read_end, write_end = os.pipe()
    args = ["check-in", "checkout/conversion", "33", "--quarter", "2026-Q4"]
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(write_end), step, path.name, *args],
        cwd=repo,
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "CI": "true"},
    )
    os.close(write_end)
    try:
        reached = os.read(read_end, 100).decode()
    finally:
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
        os.close(read_end)
    assert reached == step, f"the writer never reached {step}: {err.decode()}"
    now = path.read_text()
    if expect_new:
        assert now != old and "current: 33" in now
    else:
        assert now == old
    # the next check-in succeeds and cleans up what the killed one left behind
    run = okr(*args[:2], "34", "--quarter", "2026-Q4", cwd=repo)
    assert run.returncode == 0, run.stderr
    assert "current: 34" in path.read_text()
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]
