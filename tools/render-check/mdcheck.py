"""Checks of GitHub-flavoured markdown that need no browser: every table row has as many
cells as its header, every mermaid block is within what GitHub's mermaid accepts, and the
file is within the size GitHub takes for what it is meant for.

    python tools/render-check/mdcheck.py FILE.md:LIMIT ...   (LIMIT: comment, summary, file)

Prints one line per problem and exits 1 when there is any.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# what GitHub takes: a pull-request or issue comment, a job summary (per step), a file it
# shows rendered (it stops previewing at about 2 MB)
LIMITS = {
    "comment": ("a pull-request comment", 65_536, "characters"),
    "summary": ("a job summary", 1024 * 1024, "bytes"),
    "file": ("GitHub's file preview", 2_000_000, "bytes"),
}
# mermaid's defaults, which GitHub keeps
MERMAID_MAX_CHARS = 50_000
MERMAID_MAX_EDGES = 500

_DELIMITER = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_FENCE = re.compile(r"^(`{3,}|~{3,})\s*(\S*)")
_BLOCK = re.compile(
    r"^ {0,3}(#{1,6}(\s|$)|>|<|`{3,}|~{3,}|[-*+] |\d+[.)] |(\*\s*){3,}$|(-\s*){3,}$)"
)


def cells(row: str) -> int:
    """The cells of a table row as GFM splits it: on pipes not escaped by a backslash
    (inside code spans too), the outer pipes optional."""
    text = row.strip()
    count, escaped = 1, False
    for ch in text:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "|":
            count += 1
    if text.startswith("|"):
        count -= 1
    if text.endswith("|") and not text.endswith("\\|") and len(text) > 1:
        count -= 1
    return count


def check(text: str, name: str, limit: str) -> list[str]:
    problems = []
    what, most, measure = LIMITS[limit]
    size = len(text) if measure == "characters" else len(text.encode())
    if size > most:
        problems.append(f"{name}: {size:,} {measure}, more than {what} takes ({most:,})")
    lines = text.split("\n")
    fence: tuple[str, str, int] | None = None
    block: list[str] = []
    header: int | None = None
    for n, line in enumerate(lines, 1):
        if fence is not None:
            if line.startswith(fence[0]) and not line[len(fence[0]) :].strip():
                if fence[1] == "mermaid":
                    problems += _mermaid(block, f"{name}:{fence[2]}")
                fence, block = None, []
            else:
                block.append(line)
            continue
        m = _FENCE.match(line)
        if m:
            fence, block, header = (m.group(1), m.group(2), n), [], None
            continue
        if header is None:
            if line.lstrip().startswith("|") and n < len(lines) and _DELIMITER.match(lines[n]):
                header = cells(line)
                if cells(lines[n]) != header:
                    problems.append(f"{name}:{n + 1}: the delimiter row does not match the header")
            continue
        if not line.strip() or _BLOCK.match(line):
            header = None  # a table ends at a blank line or another block; any other line
            # is one more row to GFM, pipes or not
        elif not _DELIMITER.match(line) and cells(line) != header:
            problems.append(f"{name}:{n}: {cells(line)} cells in a table of {header} columns")
    if fence is not None:
        problems.append(f"{name}:{fence[2]}: a code block that is never closed")
    return problems


def _mermaid(block: list[str], where: str) -> list[str]:
    source = "\n".join(block)
    edges = sum(line.count("-->") for line in block)
    out = []
    if len(source) > MERMAID_MAX_CHARS:
        out.append(f"{where}: mermaid block of {len(source):,} characters (GitHub draws 50,000)")
    if edges > MERMAID_MAX_EDGES:
        out.append(f"{where}: mermaid block with {edges} edges (GitHub draws 500)")
    return out


def main(args: list[str]) -> int:
    problems = []
    for arg in args:
        path, _, limit = arg.rpartition(":")
        problems += check(Path(path).read_text(encoding="utf-8"), path, limit)
    print("\n".join(problems) or f"static check: {len(args)} files well-formed and within limits")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
