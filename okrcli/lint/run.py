"""``okr lint``'s entry point: find the repository, load it, run the rules."""

from __future__ import annotations

from okrcli.history.source import moment
from okrcli.lint.diagnostics import LintResult
from okrcli.lint.engine import lint_repository, lint_root
from okrcli.lint.request import LintRequest
from okrcli.load.files import resolve_root

__all__ = ["LintRequest", "lint"]


def lint(request: LintRequest) -> LintResult:
    """Lint the repository containing the first path (or the working directory)."""
    start = request.paths[0] if request.paths else request.cwd
    root = resolve_root(request.repo, start, request.cwd)
    if request.at is not None:
        m = moment(root, request.at)
        return lint_repository(m.repo, request, m)
    return lint_root(root, request)
