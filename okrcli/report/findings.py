"""The lint findings as the report reads them: by rule, and the history's kinds apart.

Sorted where the lint pass runs (the report's forked child), so that the report's own
process never loads the rules: this module imports them only when it sorts.
"""

from __future__ import annotations

from dataclasses import dataclass

from okrcli.lint.diagnostics import Diagnostic
from okrcli.rules.cascade import UnacknowledgedDependency, UncoveredParent
from okrcli.rules.history import MovedGoalpost, Sandbagging, StaleKr


@dataclass(slots=True)
class Findings:
    """The lint findings as the report reads them: by rule, and the history's kinds apart
    (built where the lint pass runs, so the report's own process need not load the rules)."""

    by_code: dict[str, list[Diagnostic]]
    moved: list[Diagnostic]
    stale: list[Diagnostic]
    uncovered: list[Diagnostic]
    dependencies: list[Diagnostic]
    sandbagging: list[Diagnostic]


def sort_findings(findings: list[Diagnostic]) -> Findings:
    """The findings by rule code, and those of the history's rules picked out by their
    rules' classes."""
    by_code: dict[str, list[Diagnostic]] = {}
    for d in findings:
        by_code.setdefault(d.code, []).append(d)
    return Findings(
        by_code,
        moved=by_code.get(MovedGoalpost.code, []),
        stale=by_code.get(StaleKr.code, []),
        uncovered=by_code.get(UncoveredParent.code, []),
        dependencies=by_code.get(UnacknowledgedDependency.code, []),
        sandbagging=by_code.get(Sandbagging.code, []),
    )
