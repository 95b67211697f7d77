"""What ``okr lint`` is asked to do: the one record the entry point and the engine share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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
