"""The one record every output format is built from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """One finding: where, which rule, how severe, and a sentence saying what to do."""

    path: str  # as shown to the user: relative to the working directory when inside it
    rel: str  # relative to the OKR repository root, POSIX separators
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    severity: str
    message: str
    # the finding's typed facts, name -> value (not part of its identity)
    facts: dict[str, str | int | float | None] | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["rel"]
        if not self.facts:
            del data["facts"]
        return data


@dataclass(frozen=True, slots=True)
class LintResult:
    """What ``okr lint`` found, and over which files."""

    diagnostics: list[Diagnostic]
    files: list[str]
    notices: list[str]
    # the severities that fail the run (and a file, in JUnit): warnings too with --strict
    failing: tuple[str, ...] = ("error",)

    def count(self, severity: str) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)
