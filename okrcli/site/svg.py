"""Charts as inline SVG, drawn by okr itself: no script, no canvas, nothing fetched.

Each chart has a ``<title>`` and a ``<desc>`` (its text alternative, named by
``aria-labelledby``) and comes with its numbers as a table (``head`` and ``rows``), which
the page shows beside it. Series differ by dash pattern and marker shape as well as by
colour, and the colours come from the page's style sheet (classes), so dark mode and
print restyle them. Every text is escaped here: the result is markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from markupsafe import Markup

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 40, 16, 44
SERIES_STYLES = 6  # classes s0..s5 in the style sheet: colour, dash pattern, marker


def _x_positions(n: int) -> list[float]:
    inner = WIDTH - LEFT - RIGHT
    if n <= 1:
        return [LEFT + inner / 2]
    return [LEFT + inner * i / (n - 1) for i in range(n)]


def _bands(n: int) -> list[float]:
    """The middle of each of ``n`` equal bands across the plot (where bars stand)."""
    inner = WIDTH - LEFT - RIGHT
    return [LEFT + inner * (i + 0.5) / n for i in range(n)]


def _y(value: float, top: float) -> float:
    inner = HEIGHT - TOP - BOTTOM
    return TOP + inner * (1 - (value / top if top else 0))


def _f(value: float) -> str:
    return f"{value:.1f}"


def _frame(ident: str, title: str, desc: str, top: float, ticks: Sequence[float]) -> list[str]:
    t, d = escape(ident + "-t"), escape(ident + "-d")
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{t} {d}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{t}">{escape(title)}</title>',
        f'<desc id="{d}">{escape(desc)}</desc>',
    ]
    for tick in ticks:
        y = _f(_y(tick, top))
        out.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>')
        label = f"{tick:.2f}" if top <= 1 else f"{tick:g}"
        out.append(
            f'<text class="tick" x="{LEFT - 6}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle">{label}</text>'
        )
    return out


def _x_labels(xs: list[float], labels: Sequence[str]) -> list[str]:
    every = max(1, len(labels) // 12)  # at most about a dozen labels under the axis
    return [
        f'<text class="tick" x="{_f(x)}" y="{HEIGHT - BOTTOM + 16}" '
        f'text-anchor="middle">{escape(label)}</text>'
        for n, (x, label) in enumerate(zip(xs, labels, strict=True))
        if n % every == 0 or n == len(labels) - 1
    ]


def _marker(kind: int, x: float, y: float) -> str:
    shape = kind % 3
    if shape == 0:
        return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="3.5"/>'
    if shape == 1:
        return f'<rect x="{_f(x - 3.5)}" y="{_f(y - 3.5)}" width="7" height="7"/>'
    top, low = _f(y - 4.5), _f(y + 3.5)
    return f'<path d="M{_f(x)} {top}L{_f(x + 4.5)} {low}L{_f(x - 4.5)} {low}Z"/>'


def _polyline(kind: int, xs: list[float], values: Sequence[float | None], top: float) -> list[str]:
    """A series as line pieces between its known values, a marker at each."""
    points = [(x, _y(v, top)) for x, v in zip(xs, values, strict=True) if v is not None]
    if not points:
        return []
    path = " ".join(f"{_f(x)},{_f(y)}" for x, y in points)
    style = f"s{kind % SERIES_STYLES}"
    return [
        f'<g class="series {style}">',
        f'<polyline fill="none" points="{path}"/>',
        *(_marker(kind, x, y) for x, y in points),
        "</g>",
    ]


def _legend(names: Sequence[str]) -> list[str]:
    out = []
    for n, name in enumerate(names[:SERIES_STYLES]):
        x = LEFT + (n % 3) * 190
        y = HEIGHT - 14 + (n // 3) * 0
        if n >= 3:
            break
        out += [
            f'<g class="series s{n}"><line x1="{x}" x2="{x + 22}" y1="{y}" y2="{y}"/>',
            _marker(n, x + 11, y),
            "</g>",
            f'<text class="tick" x="{x + 28}" y="{y}" dominant-baseline="middle">'
            f"{escape(_short(name))}</text>",
        ]
    return out


def _short(text: str, size: int = 26) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def lines(
    ident: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
) -> dict[str, Any]:
    """Scores (0 to 1) over ``labels``, one line per series (at most three drawn with a
    legend; the table has them all)."""
    xs = _x_positions(len(labels))
    out = _frame(ident, title, desc, 1.0, (0, 0.25, 0.5, 0.75, 1.0))
    out += _x_labels(xs, labels)
    for n, (_, values) in enumerate(series[:3]):
        out += _polyline(n, xs, values, 1.0)
    if len(series) > 1:
        out += _legend([name for name, _ in series])
    out.append("</svg>")
    return {
        "svg": Markup("\n".join(out)),
        "title": title,
        "head": ["Series", *labels],
        "rows": [[name, *(_score(v) for v in values)] for name, values in series],
    }


def bars_and_line(
    ident: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    bars: Sequence[float],
    line: Sequence[float],
    names: tuple[str, str],
) -> dict[str, Any]:
    """Bars (scores, 0 to 1) with a line over them (the share of the quarter gone)."""
    xs = _bands(len(labels))
    inner = WIDTH - LEFT - RIGHT
    width = max(2.0, inner / max(len(labels), 1) * 0.6)
    out = _frame(ident, title, desc, 1.0, (0, 0.25, 0.5, 0.75, 1.0))
    out += _x_labels(xs, labels)
    base = _y(0, 1.0)
    for x, v in zip(xs, bars, strict=True):
        y = _y(v, 1.0)
        out.append(
            f'<rect class="bar" x="{_f(x - width / 2)}" y="{_f(y)}" width="{_f(width)}" '
            f'height="{_f(base - y)}"/>'
        )
    out += _polyline(1, xs, line, 1.0)
    out += [
        f'<rect class="bar" x="{LEFT}" y="{HEIGHT - 19}" width="14" height="10"/>',
        f'<text class="tick" x="{LEFT + 20}" y="{HEIGHT - 14}" dominant-baseline="middle">'
        f"{escape(names[0])} (bars)</text>",
        f'<g class="series s1"><line x1="{LEFT + 250}" x2="{LEFT + 272}" y1="{HEIGHT - 14}" '
        f'y2="{HEIGHT - 14}"/>{_marker(1, LEFT + 261, HEIGHT - 14)}</g>',
        f'<text class="tick" x="{LEFT + 278}" y="{HEIGHT - 14}" dominant-baseline="middle">'
        f"{escape(names[1])} (line)</text>",
    ]
    out.append("</svg>")
    return {
        "svg": Markup("\n".join(out)),
        "title": title,
        "head": ["Week", *names],
        "rows": [
            [label, _score(b), f"{round(g * 100)}%"]
            for label, b, g in zip(labels, bars, line, strict=True)
        ],
    }


def bars(
    ident: str, title: str, desc: str, labels: Sequence[str], counts: Sequence[int], what: str
) -> dict[str, Any]:
    """Counts as bars (the spread of scores)."""
    top = max([*counts, 1])
    step = max(1, -(-top // 4))
    top = step * 4
    inner = WIDTH - LEFT - RIGHT
    width = max(2.0, inner / max(len(labels), 1) * 0.7)
    xs = _bands(len(labels))
    out = _frame(ident, title, desc, float(top), [float(step * i) for i in range(5)])
    out += _x_labels(xs, labels)
    base = _y(0, top)
    for x, c in zip(xs, counts, strict=True):
        y = _y(c, top)
        out.append(
            f'<rect class="bar" x="{_f(x - width / 2)}" y="{_f(y)}" width="{_f(width)}" '
            f'height="{_f(base - y)}"/>'
        )
    out.append("</svg>")
    return {
        "svg": Markup("\n".join(out)),
        "title": title,
        "head": ["Score", what],
        "rows": [[label, str(c)] for label, c in zip(labels, counts, strict=True)],
    }
