"""Markdown for every markdown output okr writes: the report (its templates' ``md`` and
``code`` filters), ``okr score --format markdown``, ``okr diff --format markdown`` and the
lint job summary. One escaping, so one title comes out the same everywhere.

- :func:`text`: a value from users' YAML as running text or a table cell: on one line,
  control characters shown escaped, HTML escaped, markdown's own characters (``|``, `````,
  ``*``, ``_``, ``[``, ``]``, ``~``, ``\\``) escaped so no link, image, emphasis or cell
  break comes out of it, ``https://x`` and ``www.x`` kept from being linked, and
  ``@name`` kept from pinging anyone.
- :func:`code`: a value as a code span (a path, a reference), whatever backticks it holds.
- :func:`table`, :func:`row`: a table from a header, rows of cells (already markdown) and
  the columns aligned right.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Any

from okrcli.textsafe import visible

# one pass, each character at most once: HTML's three, markdown's own, and @ broken up
_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        **{ch: "\\" + ch for ch in "\\|`*_[]~"},
        "@": "@\u200b",
    }
)

# words of letters, digits and punctuation that needs no escaping, one space apart: text
# that is already safe as it is (most titles), recognised in one C-level match
_PLAIN = re.compile(r"[A-Za-z0-9.,:;!?%()'\"/#+=$^{}-]+(?: [A-Za-z0-9.,:;!?%()'\"/#+=$^{}-]+)*")
# what GitHub would turn into a link by itself: its ":" or "." escaped, it stays text
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<![\w.])(www)(\.)")
_TICKS = re.compile(r"`+")


def text(value: Any) -> str:
    """Text from users' YAML, safe in a markdown table cell and in running text: HTML is
    escaped, pipes, backticks, brackets and emphasis escaped, newlines become spaces, links
    stay text and @mentions cannot ping anyone."""
    s = str(value)
    if _PLAIN.fullmatch(s) and "//" not in s and "w." not in s and "W." not in s:
        return s
    return unlink(visible(" ".join(s.split())).translate(_ESCAPES))


def cell(value: Any) -> str:
    """:func:`text` for a table cell, ``-`` when it is empty."""
    return text(value) or "-"


def unlink(s: str) -> str:
    """``https://x`` and ``www.x`` kept as text: GitHub links them by itself otherwise."""
    if "//" not in s and "ww" not in s.lower():
        return s
    return _AUTOLINK.sub(lambda m: "\\:" if m.group(1) else m.group(2) + "\\.", s)


def code(value: Any) -> str:
    """A code span showing ``value`` as it is (on one line): fenced with one backtick more
    than its longest run of them, and its pipes escaped (GitHub reads a table's cells
    before the code spans in them). Inside a code span nothing links, pings or renders."""
    s = visible(" ".join(str(value).split())).replace("|", "\\|")
    if not s:
        return "` `"
    fence = "`" * (max((len(run) for run in _TICKS.findall(s)), default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def table(
    head: Iterable[str], rows: Iterable[Iterable[str]], right: Collection[str] = ()
) -> list[str]:
    """A markdown table's lines: ``head`` (plain column names), ``rows`` of cells that are
    markdown already (made with :func:`text`, :func:`cell` or :func:`code`), the columns
    named in ``right`` aligned right."""
    names = list(head)
    out = [
        "| " + " | ".join(names) + " |",
        "|" + "".join("---:|" if n in right else "---|" for n in names),
    ]
    out += [row(r) for r in rows]
    return out


def row(cells: Iterable[str]) -> str:
    """One table row of cells that are markdown already (a table's rows, one at a time,
    where output is cut to a size)."""
    return "| " + " | ".join(cells) + " |"
