from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from okrcli.lint.diagnostics import LintResult
from okrcli.lint.run import LintRequest, lint
from okrcli.rules.base import EXAMPLE_ORG

ROOT = Path(__file__).resolve().parent.parent

Builder = Callable[..., Path]


def write_repo(root: Path, files: dict[str, str], org: str | None = EXAMPLE_ORG) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if org is not None and "org.yaml" not in files:
        (root / "org.yaml").write_text(org, encoding="utf-8")
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def make_repo(tmp_path: Path) -> Builder:
    def build(files: dict[str, str], org: str | None = EXAMPLE_ORG, name: str = "repo") -> Path:
        return write_repo(tmp_path / name, files, org)

    return build


def run_lint(root: Path, *paths: str, select: list[str] | None = None) -> LintResult:
    return lint(LintRequest(paths=[root / p for p in paths], select=select, repo=root, cwd=root))
