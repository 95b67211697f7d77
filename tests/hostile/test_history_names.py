"""The history reads what git holds however it is named (NUL-separated git output), and a
merge that resolves conflicting check-ins is part of the history."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from okrcli.history.timeline import quarter_history
from okrcli.rules.base import GOOD_FILE
from tests.conftest import commit_versions, git, run_lint, write_repo

pytestmark = pytest.mark.slow  # every test here runs git many times

REF = "checkout/effortless-checkout/conversion"
CHECKED_IN = GOOD_FILE.replace("target: 34", "target: 34\n        current: 31")


@pytest.mark.parametrize("okrs_dir", ['o"krs', "o\tkrs", "o\nkrs", "ökrs", "o\\krs"])
def test_odd_folder_names_are_followed_by_every_history_reader(
    tmp_path: Path, okrs_dir: str
) -> None:
    from okrcli.report.diff import diff

    root = write_repo(tmp_path / "r", {"okr.yaml": f"okrs_dir: {_quoted(okrs_dir)}\n"})
    rel = f"{okrs_dir}/2026-Q4/checkout.yaml"
    commit_versions(root, rel, [("2026-10-01", GOOD_FILE), ("2026-10-08", CHECKED_IN)])
    history = quarter_history(root, okrs_dir, "2026-Q4")
    assert [e.after[2] for e in history.timelines[REF].events] == [None, 31]
    at_head = run_lint(root, at="HEAD")
    assert rel in at_head.files
    changes = diff("HEAD~1", "HEAD", repo=root, cwd=root).changes
    assert [(c.kind, c.ref) for c in changes] == [("check-in", f"2026-Q4 {REF}")]


def _quoted(text: str) -> str:
    return (
        '"'
        + text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
        + '"'
    )


@pytest.mark.parametrize("name", ['check"out.yaml', "check\tout.yaml", "check\nout.yaml"])
def test_odd_file_names_are_linted_at_a_commit_as_in_the_working_tree(
    tmp_path: Path, name: str
) -> None:
    from okrcli.report.diff import diff

    root = write_repo(tmp_path / "r", {"okrs/2026-Q4/checkout.yaml": GOOD_FILE})
    commit_versions(root, f"okrs/2026-Q4/{name}", [("2026-10-01", GOOD_FILE)])
    # the history rules (OKR4xx) read the history of the working tree only
    now = sorted((d.rel, d.code) for d in run_lint(root).diagnostics if d.code < "OKR4")
    then = sorted((d.rel, d.code) for d in run_lint(root, at="HEAD").diagnostics)
    assert now == then and any(rel.endswith(name) for rel, _ in now)
    (root / f"okrs/2026-Q4/{name}").unlink()
    git(root, "commit", "-qam", "remove it", when="2026-10-02")
    fixed = diff("HEAD~1", "HEAD", repo=root, cwd=root).fixed
    assert any(d.rel.endswith(name) for d in fixed)


def _merge(root: Path, branch: str) -> bool:
    """Merge ``branch`` into the current one; False when it conflicts."""
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-10-20T12:00:00+00:00"}
    env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"]
    proc = subprocess.run(
        ["git", "-c", "user.name=Dana", "-c", "user.email=d@e", "merge", "-q", "--no-ff", branch],
        cwd=root,
        capture_output=True,
        env=env,
    )
    return proc.returncode == 0


def _current(value: int) -> str:
    return GOOD_FILE.replace("target: 34", f"target: 34\n        current: {value}")


@pytest.mark.parametrize(
    ("resolved", "side_day"), [(33, "05"), (31, "05"), (32, "05"), (33, "07"), (32, "07")]
)
def test_a_merge_resolving_conflicting_check_ins_is_in_the_history(
    tmp_path: Path, resolved: int, side_day: str
) -> None:
    """The side branch's check-in dated before or after the main line's: either way the
    history ends at the value the merge resolved to."""
    root = tmp_path / "r"
    rel = "okrs/2026-Q4/checkout.yaml"
    write_repo(root, {})
    commit_versions(root, rel, [("2026-10-01", _current(30))])
    git(root, "checkout", "-qb", "side")
    commit_versions(root, rel, [(f"2026-10-{side_day}", _current(31))])
    git(root, "checkout", "-q", "main")
    commit_versions(root, rel, [("2026-10-06", _current(32))])
    assert not _merge(root, "side")
    (root / rel).write_text(_current(resolved))
    git(root, "add", rel)
    git(root, "commit", "-qm", "merge side: resolved", when="2026-10-20")
    history = quarter_history(root, "okrs", "2026-Q4")
    timeline = history.timelines[REF]
    assert timeline.last()[2] == resolved
    values = [e.after[2] for e in timeline.events]
    assert values[-1] == resolved
    last = timeline.events[-1].commit
    assert last is not None
    if resolved == 32 and side_day == "05":  # the main line's value kept, and last: no change
        assert last.subject != "merge side: resolved"
    else:
        assert last.subject == "merge side: resolved"


def test_a_clean_merge_adds_no_change_of_its_own(tmp_path: Path) -> None:
    root = tmp_path / "r"
    rel = "okrs/2026-Q4/checkout.yaml"
    other = "okrs/2026-Q4/search.yaml"
    write_repo(root, {other: GOOD_FILE.replace("unit: checkout", "unit: search")})
    commit_versions(root, rel, [("2026-10-01", _current(30))])
    git(root, "checkout", "-qb", "side")
    commit_versions(root, rel, [("2026-10-05", _current(31))])
    git(root, "checkout", "-q", "main")
    (root / other).write_text(GOOD_FILE.replace("unit: checkout", "unit: search") + "\n")
    git(root, "commit", "-qam", "search edit", when="2026-10-06")
    assert _merge(root, "side")
    history = quarter_history(root, "okrs", "2026-Q4")
    subjects = [e.commit.subject for e in history.timelines[REF].events]
    assert subjects == ["check-in on 2026-10-01", "check-in on 2026-10-05"]
