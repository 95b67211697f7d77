"""Output formats: each is one small function from the same diagnostic records to text."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

from okrcli.lint.diagnostics import Diagnostic, LintResult


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(result: LintResult) -> str:
    """One closing sentence."""
    n_files = len(result.files)
    if not result.diagnostics:
        return f"All checks passed: {_plural(n_files, 'file')}, no findings."
    counts = Counter(d.severity for d in result.diagnostics)
    parts = [_plural(counts[s], s) for s in ("error", "warning", "info") if counts[s]]
    with_findings = len({d.path for d in result.diagnostics})
    return f"Found {', '.join(parts)} in {with_findings} of {_plural(n_files, 'file')}.".replace(
        "1 infos", "1 info"
    ).replace(" infos", " info")


def line(d: Diagnostic) -> str:
    """``path:line:col: CODE name [severity] message``."""
    return f"{d.path}:{d.line}:{d.column}: {d.code} {d.name} [{d.severity}] {d.message}"


def text(result: LintResult) -> str:
    """Plain text, one finding a line, unwrapped: for CI logs, pipes and editors."""
    out = [line(d) for d in result.diagnostics]
    out.extend(f"note: {n}" for n in result.notices)
    out.append(summary(result))
    return "\n".join(out) + "\n"


def concise(result: LintResult) -> str:
    """Only the findings, one a line, no summary."""
    return "".join(line(d) + "\n" for d in result.diagnostics)


def as_json(result: LintResult) -> str:
    """A JSON list, one object per finding."""
    return json.dumps([d.as_dict() for d in result.diagnostics], indent=2) + "\n"


def statistics(result: LintResult) -> str:
    """Findings per rule, most frequent first."""
    counts = Counter((d.code, d.name, d.severity) for d in result.diagnostics)
    rows = [
        f"{n:5d}  {code}  {name} [{sev}]"
        for (code, name, sev), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return "\n".join(rows) + ("\n" if rows else "")


FORMATS: dict[str, Callable[[LintResult], str]] = {
    "text": text,
    "concise": concise,
    "json": as_json,
}
