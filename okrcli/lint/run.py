"""``okr lint``'s entry point: find the repository, start parsing, then load the engine.

This module is deliberately light (no pydantic, no rules): the helper process that parses the
OKR files is forked from here, so parsing overlaps with importing the models and the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from okrcli.load import prefetch
from okrcli.load.files import resolve_root

if TYPE_CHECKING:
    from okrcli.lint.diagnostics import LintResult


@dataclass(slots=True)
class LintRequest:
    """What the user asked for; everything optional falls back to okr.yaml."""

    paths: list[Path] = field(default_factory=list)
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    repo: Path | None = None
    cwd: Path = field(default_factory=Path.cwd)
    at: str | None = None  # lint the repository as it was at a commit or date
    # report only on the files changed since this revision's merge base (all of them when
    # org.yaml or okr.yaml changed; a quarter's when one of its files was deleted)
    changed_since: str | None = None
    quarter: str | None = None  # report only on this quarter's files


def lint(request: LintRequest) -> LintResult:
    """Lint the repository containing the first path (or the working directory)."""
    start = request.paths[0] if request.paths else request.cwd
    root = resolve_root(request.repo, start, request.cwd)
    if request.at is not None:
        from okrcli.history.source import moment
        from okrcli.lint.engine import lint_repository

        m = moment(root, request.at)
        return lint_repository(m.repo, request, m)
    pre = prefetch.start(root)
    try:
        from okrcli.lint.engine import lint_root
    except BaseException:
        pre.cancel()
        raise
    return lint_root(root, request, pre)
