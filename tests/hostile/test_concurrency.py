"""Concurrent ``check-in --commit`` runs: each commits exactly its own change, or refuses
before writing anything."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from okrcli.rules.base import GOOD_FILE
from tests.conftest import commit_versions, git, write_repo
from tests.hostile.test_hostile import CHECKOUT, okr

pytestmark = pytest.mark.slow  # processes and git, many of them

SEARCH = "okrs/2026-Q4/search.yaml"
OKR = (sys.executable, "-m", "okrcli")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = write_repo(tmp_path / "r", {SEARCH: GOOD_FILE.replace("unit: checkout", "unit: search")})
    commit_versions(root, CHECKOUT, [("2026-10-01", GOOD_FILE)])
    git(root, "config", "user.name", "Dana")
    git(root, "config", "user.email", "dana@example.com")
    return root


def test_twenty_concurrent_check_ins_each_commit_their_own_change(repo: Path) -> None:
    procs = []
    for n in range(20):
        unit = "checkout" if n % 2 else "search"
        krs = ("conversion", "repeat-time")
        target = f"{unit}/{krs[n % 4 // 2]}"
        options = ["--commit", "--quarter", "2026-Q4", "-m", f"run {n}"]
        procs.append(
            subprocess.Popen(
                [*OKR, "check-in", target, str(100 + n), *options],
                cwd=repo,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "CI": "true"},
            )
        )
    outcomes = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in procs]
    for code, err in outcomes:
        assert code in (0, 2), err
        assert "lock" not in err.lower() or "remove" not in err.lower(), err
    ok = {100 + n for n, (code, _) in enumerate(outcomes) if code == 0}
    log = git(repo, "log", "--format=%H", f"-{len(ok)}").split()
    seen = set()
    for cid in log:
        subject = git(repo, "log", "-1", "--format=%s", cid)
        value = re.search(r"-> (\d+)$", subject.strip())
        assert value is not None, subject
        diff = git(repo, "show", "-U0", "--format=", cid).splitlines()
        # the day of the check-in (checked:) and its note (-m) change with every check-in
        own = ("checked:", "note:")
        added = [x for x in diff if x.startswith("+ ") and not any(o in x for o in own)]
        removed = [x for x in diff if x.startswith("- ") and not any(o in x for o in own)]
        # the commit holds its own value, and nothing but that line and the day's
        assert [a.split()[-1] for a in added] == [value.group(1)], (subject, diff)
        assert len(removed) <= 1 and all("current:" in r for r in removed), diff
        assert len([x for x in diff if x.startswith(("+ ", "- "))]) <= 6, diff
        seen.add(int(value.group(1)))
    assert seen == ok and len(ok) >= 10
    assert git(repo, "status", "--porcelain", "--untracked-files=no") == ""


def test_uncommitted_changes_are_refused_before_writing(repo: Path) -> None:
    edited = (repo / CHECKOUT).read_text().replace("target: 34", "target: 35")
    (repo / CHECKOUT).write_text(edited)
    run = okr("check-in", "checkout/conversion", "31", "--commit", "--quarter", "2026-Q4", cwd=repo)
    assert run.code == 2 and "not committed" in run.stderr, run.stderr
    assert (repo / CHECKOUT).read_text() == edited


def test_a_locked_index_is_refused_without_git_s_advice(repo: Path) -> None:
    lock = repo / ".git" / "index.lock"
    lock.write_text("")
    before = (repo / CHECKOUT).read_text()
    run = okr("check-in", "checkout/conversion", "31", "--commit", "--quarter", "2026-Q4", cwd=repo)
    assert run.code == 2 and "another git command" in run.stderr, run.stderr
    assert "remove" not in run.stderr.lower()
    assert (repo / CHECKOUT).read_text() == before


def test_a_failed_commit_puts_the_file_back(repo: Path) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    before = (repo / CHECKOUT).read_text()
    run = okr("check-in", "checkout/conversion", "31", "--commit", "--quarter", "2026-Q4", cwd=repo)
    assert run.code == 2 and "undone" in run.stderr, run.stderr
    assert (repo / CHECKOUT).read_text() == before
