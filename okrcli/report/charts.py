"""The report's mermaid charts, as plain source text: the alignment flowchart (cut to a size
people can read, the levels below summarised as a table) and xychart-beta charts of scores
by week and of how the key results' scores spread.

Every label goes through :func:`label`, which escapes what mermaid reads as markup (entity
codes included) and breaks long text into short lines itself, so a renderer that does not
wrap (mermaid 10) draws the same boxes as one that does.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

# a few dozen boxes is what a reader takes in; GitHub's own limits (50,000 characters,
# 500 edges) are far above what such a chart needs
CHART_MAX_BOXES = 40
CHART_MAX_LEVEL = 16  # boxes of one level, which mostly share a column
LABEL_WIDTH = 24  # characters per line of a box's label (mermaid 11 wraps at about 200 px)
LABEL_LINES = 3

# "#" first: every entity code starts with it, so a title's own "#1;" stays text
_ESCAPES = str.maketrans(
    {
        "#": "#35;",
        "&": "#amp;",
        "%": "#37;",  # no directive (%%{init: ...}%%) or comment (%%) in a label
        '"': "#quot;",
        "<": "#lt;",
        ">": "#gt;",
        "|": "#124;",
        "`": "#96;",
        "@": "#64;",
    }
)

# a status: its mark in tables, its colour in charts (GitHub's light palette), its words
STATUS: dict[str, tuple[str, str, str, str]] = {
    "on track": ("🟢", "fill:#dafbe1,stroke:#1a7f37,color:#1f2328", "on track", "green"),
    "at risk": ("🟡", "fill:#fff8c5,stroke:#9a6700,color:#1f2328", "at risk", "yellow"),
    "off track": ("🔴", "fill:#ffebe9,stroke:#cf222e,color:#1f2328", "off track", "red"),
    "stretch": ("🟢", "fill:#dafbe1,stroke:#1a7f37,color:#1f2328", "in the stretch zone", "green"),
    "over": ("🔵", "fill:#ddf4ff,stroke:#0969da,color:#1f2328", "over-achieved", "blue"),
    "met": ("🟢", "fill:#dafbe1,stroke:#1a7f37,color:#1f2328", "met", "green"),
    "missed": ("🔴", "fill:#ffebe9,stroke:#cf222e,color:#1f2328", "missed", "red"),
    "": ("⚪", "fill:#f6f8fa,stroke:#8c959f,color:#1f2328", "no pace yet", "grey"),
}
_CLASS = {s: re.sub("[^a-z]", "", s) or "none" for s in STATUS}


def escape(text: str) -> str:
    """Text safe inside a quoted mermaid label or title: nothing in it is read as markup,
    an entity code (``#1;``), a directive or comment (``%%``) or a line break."""
    return " ".join(text.split()).translate(_ESCAPES)


def label(text: str, width: int = LABEL_WIDTH, lines: int = LABEL_LINES) -> str:
    """A box label broken into at most ``lines`` lines of ``width`` characters (the last
    one cut with an ellipsis), escaped."""
    wrapped = textwrap.wrap(" ".join(text.split()), width, break_long_words=True) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        last = wrapped[-1]
        wrapped[-1] = (last if len(last) < width else last[: width - 1]) + "…"
    return "<br>".join(escape(line) for line in wrapped)


_NATURAL = re.compile(r"(\d+)")


@lru_cache(maxsize=65_536)  # unit names and refs sort many times over
def natural(text: str) -> tuple[Any, ...]:
    """A sort key under which "Team 2" comes before "Team 10"."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in _NATURAL.split(text)
        if part
    )


def alignment(nodes: list[dict[str, Any]], edges: list[tuple[str, str]]) -> dict[str, Any]:
    """The alignment flowchart of ``nodes`` (each: key, text, score, rank, status) down to the
    deepest rank that keeps it within :data:`CHART_MAX_BOXES` boxes, and each level
    within :data:`CHART_MAX_LEVEL`; strategy themes (rank 0)
    in a column of their own, boxes coloured by status. Returns the source, the deepest
    rank drawn and how many boxes were left out."""
    ranks = sorted({n["rank"] for n in nodes})
    deepest = None
    for rank in ranks:
        level = sum(1 for n in nodes if n["rank"] == rank)
        if level > CHART_MAX_LEVEL or sum(1 for n in nodes if n["rank"] <= rank) > CHART_MAX_BOXES:
            break
        deepest = rank
    if deepest is None:
        return {"mermaid": "", "deepest": -1, "hidden": len(nodes)}
    shown = [n for n in nodes if n["rank"] <= deepest]
    keys = {n["key"] for n in shown}
    lines = ["flowchart LR"]
    themes = [n for n in shown if n["rank"] == 0]
    if themes:
        lines.append('    subgraph themes["Strategy"]')
        lines.append("        direction TB")
        lines += [f'        {n["key"]}["{_box(n)}"]' for n in themes]
        lines.append("    end")
    lines += [f'    {n["key"]}["{_box(n)}"]' for n in shown if n["rank"] != 0]
    lines += [f"    {a} --> {b}" for a, b in edges if a in keys and b in keys]
    for status, (_, style, _, _) in STATUS.items():
        members = [n["key"] for n in shown if n["rank"] != 0 and n["status"] == status]
        if members:
            lines.append(f"    classDef {_CLASS[status]} {style}")
            lines.append(f"    class {','.join(members)} {_CLASS[status]}")
    return {"mermaid": "\n".join(lines), "deepest": deepest, "hidden": len(nodes) - len(shown)}


def _box(node: dict[str, Any]) -> str:
    score = node.get("score")
    return label(node["text"]) + (f"<br>{score:.2f}" if score is not None else "")


def xy_bars_and_line(
    title: str, x: Sequence[str], y_title: str, bars: Sequence[float], line: Sequence[float]
) -> str:
    """An xychart-beta of bars and a line over the same x axis, y from 0 to 1."""
    return "\n".join(
        [
            "xychart-beta",
            f'    title "{escape(title)}"',
            f"    x-axis [{', '.join(x)}]",
            f'    y-axis "{escape(y_title)}" 0 --> 1',
            f"    bar [{', '.join(_f(v) for v in bars)}]",
            f"    line [{', '.join(_f(v) for v in line)}]",
        ]
    )


def xy_bars(title: str, x: Sequence[str], y_title: str, bars: Sequence[int]) -> str:
    top = max([*bars, 1])
    return "\n".join(
        [
            "xychart-beta",
            f'    title "{escape(title)}"',
            f"    x-axis [{', '.join(x)}]",
            f'    y-axis "{escape(y_title)}" 0 --> {top}',
            f"    bar [{', '.join(str(v) for v in bars)}]",
        ]
    )


def xy_lines(
    title: str, x: Sequence[str], y_title: str, lines: Sequence[Sequence[float]], palette: str
) -> str:
    """One line per series, coloured from ``palette`` in order (xychart-beta has no
    legend: the report names each colour beside the chart)."""
    init = '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "' + palette + '"}}}}%%'
    return "\n".join(
        [
            init,
            "xychart-beta",
            f'    title "{escape(title)}"',
            f"    x-axis [{', '.join(x)}]",
            f'    y-axis "{escape(y_title)}" 0 --> 1',
            *[f"    line [{', '.join(_f(v) for v in series)}]" for series in lines],
        ]
    )


def _f(value: float) -> str:
    return f"{value:.2f}"
