"""Work handed to a forked child comes back the same as if it ran here, errors included."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from okrcli import forked
from okrcli.errors import OkrError

# the full tier only: real forked processes
pytestmark = pytest.mark.slow


def test_result_comes_back_from_the_child() -> None:
    parent = os.getpid()
    wait = forked.start(lambda: {"pid": os.getpid(), "data": list(range(100_000))})
    out = wait.result()
    assert out["data"] == list(range(100_000))
    if forked.usable():
        assert out["pid"] != parent  # it really ran elsewhere


def test_errors_are_raised_here() -> None:
    def fail() -> None:
        raise OkrError("the child could not do it.")

    job = forked.start(fail)
    with pytest.raises(OkrError, match="could not do it"):
        job.result()


def test_a_child_that_dies_means_the_work_is_done_here() -> None:
    parent = os.getpid()

    def die_in_child() -> int:
        if os.getpid() != parent:
            os._exit(3)
        return 42

    assert forked.start(die_in_child).result() == 42


def test_unpicklable_results_are_computed_here() -> None:
    parent = os.getpid()

    def result() -> object:
        return (lambda: 1) if os.getpid() != parent else "here"

    assert forked.start(result).result() == "here"


def test_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKR_NO_FORK", "1")
    parent = os.getpid()
    assert forked.start(os.getpid).result() == parent


def test_an_unwanted_child_is_stopped_and_reaped() -> None:
    job = forked.start(lambda: time.sleep(30) or list(range(1_000_000)))
    pid = job._pid
    started = time.monotonic()
    job.cancel()
    job.cancel()  # twice is harmless
    assert time.monotonic() - started < 5
    if pid is not None:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # already reaped: no zombie left


class _Big:
    """Stands for a loaded repository: something the child's work holds."""

    def __init__(self) -> None:
        self.rows = list(range(1000))


def test_a_result_is_taken_once() -> None:
    job = forked.start(lambda: 5)
    assert job.result() == 5
    with pytest.raises(RuntimeError, match="once"):
        job.result()


def _big_history(root: Path, units: int = 450) -> Path:
    """Enough files that every forking site would fork: the parse stage and the history's
    blob extraction (300 each) and the report's lint pass."""
    from okrcli.rules.base import GOOD_FILE
    from tests.conftest import git, write_repo

    files = {
        f"okrs/2026-Q4/team-{i}.yaml": GOOD_FILE.replace("unit: checkout", f"unit: team-{i}")
        for i in range(units)
    }
    write_repo(root, files)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the quarter", when="2026-10-01")
    return root


def _forks_while(monkeypatch: pytest.MonkeyPatch, work: Callable[[], object]) -> int:
    count = 0
    real = os.fork

    def counting_fork() -> int:
        nonlocal count
        count += 1
        return real()

    monkeypatch.setattr(os, "fork", counting_fork)
    work()
    monkeypatch.setattr(os, "fork", real)
    return count


@pytest.mark.parametrize("switch", [True, False])
def test_the_switch_keeps_every_command_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, switch: bool
) -> None:
    from datetime import UTC, datetime

    from okrcli import runner
    from okrcli.lint.run import LintRequest, lint
    from okrcli.report.service import ReportRequest, report

    root = _big_history(tmp_path / "r")
    monkeypatch.setattr(runner, "_current", forked.Forking())  # as the okr command does
    monkeypatch.setenv("OKR_NO_CACHE", "1")  # every run parses and walks everything again
    if switch:
        monkeypatch.setenv(forked.SWITCH, "1")
    else:
        monkeypatch.delenv(forked.SWITCH, raising=False)
    now = datetime(2026, 11, 20, tzinfo=UTC)

    def everything() -> None:
        lint(LintRequest(paths=[], repo=root, cwd=root))
        report(ReportRequest(repo=root, cwd=root, now=now))

    forks = _forks_while(monkeypatch, everything)
    if switch:
        assert forks == 0
    elif forked.usable():
        # the parse stage, the blob extraction and the report's lint pass each fork once
        assert forks >= 3


def test_the_core_called_as_a_library_never_forks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a front-end that installs a forking runner (the okr command) may fork: the core
    called in process (okr lsp, okr site, a test, a script) runs everything in order."""
    from datetime import UTC, datetime

    from okrcli import runner
    from okrcli.lint.run import LintRequest, lint
    from okrcli.report.diff import diff
    from okrcli.report.service import ReportRequest, report

    root = _big_history(tmp_path / "r")
    monkeypatch.setenv("OKR_NO_CACHE", "1")
    monkeypatch.delenv(forked.SWITCH, raising=False)
    monkeypatch.setattr(runner, "_current", runner.Serial())
    now = datetime(2026, 11, 20, tzinfo=UTC)

    def everything() -> None:
        lint(LintRequest(paths=[], repo=root, cwd=root))
        report(ReportRequest(repo=root, cwd=root, now=now))
        diff("HEAD", None, repo=root, cwd=root)

    assert _forks_while(monkeypatch, everything) == 0
