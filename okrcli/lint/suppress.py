"""Inline suppression comments in OKR files.

``# okr: disable=OKR204`` (or a name, or several separated by commas) suppresses those rules on
its own line, and, when the comment stands alone on its line, on the next line with content.
``# okr: disable-file=OKR204,OKR205`` suppresses them in the whole file; it needs explicit
codes, so a file can never silence every rule at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_COMMENT = re.compile(r"(?:^|\s)#\s*okr:\s*(disable-file|disable)\s*=\s*([A-Za-z0-9_,\- ]+)")


@dataclass(slots=True)
class Suppression:
    line: int  # the comment's line
    column: int
    kind: str  # "disable" | "disable-file"
    refs: list[str]
    applies_to: set[int] = field(default_factory=set)
    used: set[str] = field(default_factory=set)


def find(text: str) -> list[Suppression]:
    """The suppression comments of a file (a cheap scan: only lines mentioning 'okr:')."""
    if "okr:" not in text:
        return []
    out: list[Suppression] = []
    lines = text.splitlines()
    following: list[int] | None = None  # the next line with content after each line
    for n, line in enumerate(lines, start=1):
        if "okr:" not in line:
            continue
        m = _COMMENT.search(line)
        if m is None:
            continue
        refs = [r.strip() for r in m.group(2).split(",") if r.strip()]
        sup = Suppression(n, m.start() + 1 + (line[m.start()] != "#"), m.group(1), refs)
        if sup.kind == "disable":
            sup.applies_to.add(n)
            if not line[: m.start()].strip():
                if following is None:  # found once, from the end: never a scan per comment
                    following = _next_content(lines)
                if following[n - 1]:
                    sup.applies_to.add(following[n - 1])
        out.append(sup)
    return out


def _next_content(lines: list[str]) -> list[int]:
    """For each line (0-based), the number of the next line after it that has content other
    than a comment (1-based), or 0 when none does."""
    out = [0] * len(lines)
    nxt = 0
    for k in range(len(lines) - 1, -1, -1):
        out[k] = nxt
        stripped = lines[k].strip()
        if stripped and not stripped.startswith("#"):
            nxt = k + 1
    return out
