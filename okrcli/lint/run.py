"""``okr lint``'s entry point: find the repository, start parsing, then load the engine.

This module is deliberately light (no pydantic, no rules): the helper process that parses the
OKR files is forked from here, so parsing overlaps with importing the models and the rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from okrcli.lint.request import LintRequest
from okrcli.load import prefetch
from okrcli.load.files import resolve_root

if TYPE_CHECKING:
    from okrcli.lint.diagnostics import LintResult

__all__ = ["LintRequest", "lint"]


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
