"""Bad input gets a clear sentence and exit 1 or 2, never "internal error"."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from okrcli.errors import OkrError
from okrcli.rules.base import GOOD_FILE
from tests.conftest import commit_versions, git, write_repo
from tests.hostile.test_hostile import CHECKOUT, okr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = write_repo(tmp_path / "r", {})
    commit_versions(root, CHECKOUT, [("2026-10-01", GOOD_FILE)])
    return root


@pytest.mark.slow
@pytest.mark.parametrize("day", ["2026-02-30", "2026-13-01", "9999-12-31", "2026-00-10"])
def test_impossible_dates_are_refused(repo: Path, day: str) -> None:
    from okrcli.history.git import Git

    with pytest.raises(OkrError, match="no such day"):
        Git(repo).resolve(day)


@pytest.mark.slow
def test_far_dates_reach_git_as_it_reads_them(repo: Path) -> None:
    from okrcli.history.git import Git

    head = git(repo, "rev-parse", "HEAD").strip()
    assert Git(repo).resolve("9999-12-30") == head
    assert Git(repo).resolve("2300-01-01") == head
    with pytest.raises(OkrError, match="no commit on or before"):
        Git(repo).resolve("1990-01-01")


@pytest.mark.parametrize("value", ["1e308", "1e999", "-1e999", "1e-999", "1" * 60])
def test_check_in_of_huge_numbers_is_refused(value: str) -> None:
    from okrcli.edit.service import edit_values

    with pytest.raises(OkrError, match="more digits than an OKR file may hold"):
        edit_values(value, None)


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ["lint", "--at", "2026-02-30"],
        ["score", "--at", "9999-12-31"],
        ["report", "--at", "2026-02-30"],
        ["score", "--quarter", "9999-Q4"],
        ["report", "--quarter", "0999-Q4"],
        ["new", "checkout", "--quarter", "9999-Q4"],
        ["check-in", "checkout/conversion", "1e308", "--quarter", "2026-Q4"],
        ["check-in", "checkout/conversion", "1e999", "--quarter", "2026-Q4"],
    ],
)
def test_bad_arguments_exit_2_with_a_sentence(repo: Path, command: list[str]) -> None:
    before = (repo / CHECKOUT).read_text()
    run = okr(*command, cwd=repo)
    assert run.code == 2 and run.stderr.startswith("okr: "), run.stderr
    assert "internal error" not in run.stderr
    assert (repo / CHECKOUT).read_text() == before


@pytest.mark.slow
@pytest.mark.parametrize(
    "variables", [("GIT_DIR",), ("GIT_WORK_TREE",), ("GIT_DIR", "GIT_WORK_TREE")]
)
def test_git_variables_naming_another_repository(
    repo: Path, tmp_path: Path, variables: tuple[str, ...]
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=other, check=True)
    env = {"GIT_DIR": str(other / ".git"), "GIT_WORK_TREE": str(other)}
    env = {k: v for k, v in env.items() if k in variables}
    for command in (["lint", "--at", "HEAD"], ["diff", "HEAD", "HEAD"], ["score"]):
        run = okr(*command, cwd=repo, env=env)
        assert run.code in (0, 1, 2) and "internal error" not in run.stderr, run.stderr
        said = run.stderr + run.stdout
        assert "unset GIT_DIR and GIT_WORK_TREE" in said, said


@pytest.mark.slow
def test_looping_and_unreadable_folders_do_not_stop_any_command(repo: Path) -> None:
    (repo / "okrs/2026-Q1").symlink_to("2026-Q2")
    (repo / "okrs/2026-Q2").symlink_to("2026-Q1")
    for command in (
        ["lint"],
        ["score", "--quarter", "2026-Q4"],
        ["report", "--quarter", "2026-Q4"],
    ):
        run = okr(*command, cwd=repo)
        assert run.code in (0, 1) and "internal error" not in run.stderr, run.stderr
    run = okr("lint", "--format", "json", cwd=repo)
    unreadable = sorted(r["path"] for r in run.records() if r["code"] == "OKR001")
    assert unreadable == ["okrs/2026-Q1", "okrs/2026-Q2"]
