"""okr diff holds a file its change left as it was once: the head's state takes the base's
document of the same text (not validated again), and the result is what reading both states
in full gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from okrcli.history.git import Git
from okrcli.history.source import files_at
from okrcli.lint.engine import lint_repository
from okrcli.lint.run import LintRequest
from okrcli.load.repo import load_repository, load_repository_from
from okrcli.report import diff as diff_module
from tests.conftest import git
from tests.test_history import demo  # noqa: F401 - the session fixture

CHANGED = "okrs/2026-Q4/checkout.yaml"


def _clone(demo: Path, tmp_path: Path) -> Path:  # noqa: F811
    copy = tmp_path / "demo"
    git(tmp_path, "clone", "-q", str(demo), str(copy))
    path = copy / CHANGED
    path.write_text(path.read_text().replace("title: Raise checkout", "title: Launch checkout"))
    return copy


def _findings(repo: object, root: Path) -> list[tuple[str, str, int, str]]:
    found = lint_repository(repo, LintRequest(cwd=root)).diagnostics  # type: ignore[arg-type]
    return [(d.code, d.rel, d.line, d.message) for d in found]


@pytest.mark.slow
def test_the_head_takes_the_base_documents_of_unchanged_files(
    demo: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    root = _clone(demo, tmp_path)
    g = Git(root)
    base = load_repository_from(root, files_at(g, root, g.resolve("HEAD~1")))
    same = {d.rel: d for d in base.docs}
    for head, fresh in (
        (load_repository(root, known=same), load_repository(root)),
        (
            load_repository_from(root, files_at(g, root, "HEAD"), known=same),
            load_repository_from(root, files_at(g, root, "HEAD")),
        ),
    ):
        shared = {d.rel for d in head.docs if d is same.get(d.rel)}
        unchanged = {d.rel for d in fresh.docs if same.get(d.rel) and same[d.rel].text == d.text}
        assert shared == unchanged and shared  # every unchanged file, and only those
        assert [d.model for d in head.docs] == [d.model for d in fresh.docs]
        assert _findings(head, root) == _findings(fresh, root)
    head = load_repository(root, known=same)
    assert CHANGED not in {d.rel for d in head.docs if d is same.get(d.rel)}


@pytest.mark.slow
def test_a_diff_leaves_the_parse_cache_right(demo: Path, tmp_path: Path) -> None:  # noqa: F811
    """The documents taken from the base are no parse of this run's: the working tree's
    parse cache still holds every file's own data after a diff."""
    root = _clone(demo, tmp_path)
    expected = _findings(load_repository(root), root)
    result = diff_module.diff("HEAD~1", None, repo=root, cwd=root)
    assert result.changes
    assert _findings(load_repository(root), root) == expected
    again = diff_module.diff("HEAD~1", None, repo=root, cwd=root)
    assert again == result
