"""Which files are OKR files: one definition, the same for the working tree and for git."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from okrcli.history.git import Git
from okrcli.history.source import files_at
from okrcli.load.files import okr_file
from okrcli.load.repo import load_repository, load_repository_from
from okrcli.rules.base import GOOD_FILE
from tests.conftest import git, write_repo


@pytest.mark.parametrize(
    ("rel", "okrs_dir", "expected"),
    [
        ("okrs/2026-Q4/checkout.yaml", "okrs", ("2026-Q4", "checkout")),
        ("okrs/2026-Q4/checkout.yml", "okrs", ("2026-Q4", "checkout")),
        ("okrs/2026-Q4/a.b.yaml", "okrs", ("2026-Q4", "a.b")),
        ("okrs/2026-Q4/checkout.yaml", "okrs/", ("2026-Q4", "checkout")),
        ("okrs/2026-Q4/checkout.yaml", "./okrs", ("2026-Q4", "checkout")),
        ("plans/okrs/2026-Q4/x.yaml", "plans/okrs", ("2026-Q4", "x")),
        ("2026-Q4/x.yaml", ".", ("2026-Q4", "x")),
        ("okrs/2026-Q4/.draft.yaml", "okrs", None),
        ("okrs/.drafts/checkout.yaml", "okrs", None),
        ("okrs/2026-Q4/.yaml", "okrs", None),
        ("okrs/2026-Q4/checkout.yaml.bak", "okrs", None),
        ("okrs/2026-Q4/checkout.json", "okrs", None),
        ("okrs/2026-Q4/deeper/checkout.yaml", "okrs", None),
        ("okrs/checkout.yaml", "okrs", None),
        ("okrsx/2026-Q4/checkout.yaml", "okrs", None),
        ("other/2026-Q4/checkout.yaml", "okrs", None),
    ],
)
def test_which_paths_are_okr_files(rel: str, okrs_dir: str, expected: object) -> None:
    assert okr_file(rel, okrs_dir) == expected


ODD_TREE = {
    "okrs/2026-Q4/checkout.yaml": GOOD_FILE,
    "okrs/2026-Q4/search.yml": GOOD_FILE.replace("unit: checkout", "unit: search"),
    "okrs/2026-Q4/.draft.yaml": GOOD_FILE,
    "okrs/2026-Q4/.#checkout.yaml": GOOD_FILE,
    "okrs/2026-Q4/checkout.yaml~": GOOD_FILE,
    "okrs/2026-Q4/notes.md": "# notes\n",
    "okrs/2026-Q4/nested/payments.yaml": GOOD_FILE,
    "okrs/.archive/checkout.yaml": GOOD_FILE,
    "okrs/2026-Q3/odd name with spaces.yaml": GOOD_FILE,
    "okrs/2026-Q3/caf\u00e9.yaml": GOOD_FILE,
    "okrs/stray.yaml": GOOD_FILE,
}


def test_the_working_tree_and_git_agree_on_which_files_count(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "r", ODD_TREE)
    os.symlink("checkout.yaml", root / "okrs/2026-Q4/linked.yaml")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "odd files", when="2026-10-01")
    on_disk = {d.rel: (d.folder, d.stem) for d in load_repository(root).docs}
    in_git = {
        d.rel: (d.folder, d.stem)
        for d in load_repository_from(root, files_at(Git(root), root, "HEAD")).docs
    }
    assert on_disk == in_git
    assert set(on_disk) == {
        "okrs/2026-Q4/checkout.yaml",
        "okrs/2026-Q4/search.yml",
        "okrs/2026-Q4/linked.yaml",
        "okrs/2026-Q3/odd name with spaces.yaml",
        "okrs/2026-Q3/caf\u00e9.yaml",
    }
