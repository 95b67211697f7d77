"""The quarterly report's data: plain dicts, lists, strings and numbers only.

Templates (bundled or the user's) receive exactly what :func:`build` returns; no live object
(no model, no git handle) ever reaches them. The README documents this data model.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from okrcli.history.source import Moment
from okrcli.history.timeline import FIELDS, QuarterHistory, Timeline
from okrcli.lint.diagnostics import Diagnostic
from okrcli.model.quarter import Quarter
from okrcli.score.card import PROMPTS, ScoreCard
from okrcli.score.formats import sparkline

BAR_WIDTH = 10


_BARS = tuple("█" * full + "░" * (BAR_WIDTH - full) for full in range(BAR_WIDTH + 1))


@lru_cache(maxsize=4096)
def bar(score: Decimal) -> str:
    """A text progress bar: ``███████░░░`` for 0.7."""
    full = int((score * BAR_WIDTH).to_integral_value(rounding="ROUND_HALF_UP"))
    return _BARS[max(0, min(BAR_WIDTH, full))]


def _num(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def _show(value: float | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def mermaid_label(text: str) -> str:
    """Text safe inside a quoted mermaid label."""
    cleaned = " ".join(text.split())
    for ch, entity in (
        ("&", "#amp;"),
        ('"', "#quot;"),
        ("<", "#lt;"),
        (">", "#gt;"),
        ("|", "#124;"),
        ("`", "#96;"),
        ("@", "#64;"),
    ):
        cleaned = cleaned.replace(ch, entity)
    return cleaned


# GitHub renders mermaid with the library's default limits: at most 50,000 characters of
# source and 500 edges (some releases stopped at 280). The chart stays well inside both; the
# plain list under it always has every objective.
CHART_MAX_CHARS = 40_000
LIST_LINES_PER_OBJECTIVE = 20  # the alignment list's bound, on average per objective
CHART_MAX_EDGES = 250
_RANK = {"strategy": 0, "company": 1, "business-unit": 2, "department": 3}
_RANK_NAMES = (
    "the strategy themes",
    "company objectives",
    "business-unit objectives",
    "department objectives",
)


def _chart(
    labels: dict[str, str], ranks: dict[str, int], edges: list[tuple[str, str]], deepest: int
) -> tuple[str, int, int]:
    """The flowchart of nodes ranked at most ``deepest``: (source, nodes, edges)."""
    keep = {k for k, r in ranks.items() if r <= deepest}
    lines = ["flowchart LR"]
    lines += [f'    {k}["{mermaid_label(label)}"]' for k, label in labels.items() if k in keep]
    shown = [(a, b) for a, b in edges if a in keep and b in keep]
    lines += [f"    {a} --> {b}" for a, b in shown]
    return "\n".join(lines), len(keep), len(shown)


def _tree(card: ScoreCard, moment: Moment) -> dict[str, Any]:
    """Strategy themes -> company -> business-unit -> team objectives, as a mermaid
    flowchart (the top levels only, when all of them would be too big for GitHub to draw)
    and as a nested text list (always complete)."""
    repo = moment.repo
    themes = {t.id: t.title for t in (repo.org.strategy if repo.org else [])}
    keys: dict[str, str] = {}
    labels: dict[str, str] = {}
    ranks: dict[str, int] = {}
    edges: list[tuple[str, str]] = []
    edge_set: set[tuple[str, str]] = set()

    def node(ref: str, label: str, rank: int) -> str:
        if ref not in keys:
            key = keys[ref] = f"n{len(keys) + 1}"
            labels[key] = label
            ranks[key] = rank
        return keys[ref]

    for u in card.units:
        for o in u.objectives:
            title = o.title if len(o.title) <= 60 else o.title[:59] + "…"
            node(
                f"{u.id}/{o.id}", f"{u.name}: {title} ({float(o.score):.2f})", _RANK.get(u.level, 4)
            )
    for u in card.units:
        for o in u.objectives:
            child = keys[f"{u.id}/{o.id}"]
            for ref in o.aligns_to:
                parts = ref.split("/")
                if parts[0] == "strategy":
                    parent = node(ref, f"Strategy: {themes.get(parts[1], parts[1])}", 0)
                elif "/".join(parts[:2]) in keys:
                    parent = keys["/".join(parts[:2])]
                else:
                    continue
                if (parent, child) not in edge_set:
                    edge_set.add((parent, child))
                    edges.append((parent, child))

    note = ""
    chart = ""
    deepest = max(ranks.values(), default=0)
    for level in sorted(set(ranks.values()), reverse=True):
        # counted first: the chart of a level with too many nodes or edges is never drawn
        nodes = sum(1 for r in ranks.values() if r <= level)
        if nodes > CHART_MAX_EDGES:
            continue
        if sum(1 for a, b in edges if ranks[a] <= level and ranks[b] <= level) > CHART_MAX_EDGES:
            continue
        chart, nodes, shown = _chart(labels, ranks, edges, level)
        if len(chart) <= CHART_MAX_CHARS and shown <= CHART_MAX_EDGES and nodes <= CHART_MAX_EDGES:
            if level < deepest:
                note = (
                    f"The chart goes down to {_RANK_NAMES[level]} only: all {len(labels):,} "
                    "objectives are more than GitHub draws in one diagram. "
                    "The list below has every one."
                )
            break
    else:
        chart = ""
        note = (
            f"The {len(labels):,} objectives are more than GitHub draws in one diagram; "
            "the list below has every one."
        )

    children: dict[str, list[str]] = {}
    has_parent = set()
    for a, b in edges:
        children.setdefault(a, []).append(b)
        has_parent.add(b)
    text: list[dict[str, Any]] = []
    # an objective is listed under each one it aligns to, with everything below it: layers
    # that each align to several above multiply the paths, so the list stops at a bound
    limit = LIST_LINES_PER_OBJECTIVE * len(labels)

    def walk(root: str) -> bool:
        """Every path down from ``root``, depth first, each node once per path: one set of
        the nodes on the path and a stack (chains of alignments can be thousands deep).
        False when the list is full."""
        text.append({"depth": 0, "label": labels[root]})
        path = {root}
        stack = [(root, iter(children.get(root, ())))]
        while stack:
            key, below = stack[-1]
            for c in below:
                if c not in path:
                    if len(text) >= limit:
                        return False
                    text.append({"depth": len(stack), "label": labels[c]})
                    path.add(c)
                    stack.append((c, iter(children.get(c, ()))))
                    break
            else:
                stack.pop()
                path.discard(key)
        return True

    for key in labels:
        if key not in has_parent and not walk(key):
            whole = (" The list below has every one.", "; the list below has every one.")
            chart_note = note.replace(whole[0], "").replace(whole[1], ".")
            note = (
                f"{chart_note} The list stops after {limit:,} lines: objectives that align "
                "to several others are listed under each of them, and here that repeats them "
                "more often than a report can hold."
            ).strip()
            break
    return {"mermaid": chart, "text": text, "note": note}


def checkin_log(history: QuarterHistory | None, limit: int) -> list[dict[str, Any]]:
    """Who moved which value when, newest first, with the commit subject (the latest
    ``limit`` changes; only those are turned into rows)."""
    if history is None:
        return []
    # every change after the first moves at least one value, so the latest ``limit`` rows
    # come from the latest ``limit`` changes: find the time of the limit-th latest change,
    # then turn only the changes from then on into objects. Key results read back from the
    # cache share their commit and time columns, so the work goes by shared column.
    groups: dict[tuple[int, int], tuple[Timeline, list[tuple[str, Timeline]]]] = {}
    for ref, tl in history.timelines.items():
        groups.setdefault((id(tl.whens), id(tl.commits)), (tl, []))[1].append((ref, tl))
    weighted: list[tuple[datetime, int]] = []
    for first, members in groups.values():
        weighted += [
            (first.whens[n], len(members))
            for n in range(1, len(first))
            if first.commits[n] is not None
        ]
    if not weighted:
        return []
    weighted.sort(reverse=True)
    seen = 0
    since = weighted[-1][0]
    for when, count in weighted:
        seen += count
        if seen >= limit:
            since = when
            break
    latest = heapq.nlargest(
        limit,
        (
            (first.whens[n], ref, n, tl)
            for first, members in groups.values()
            for n in range(1, len(first))
            if first.whens[n] >= since and first.commits[n] is not None
            for ref, tl in members
        ),
        key=lambda c: (c[0], c[1], c[2]),
    )
    events = [(when, ref, n, tl.events[n]) for when, ref, n, tl in latest]
    changes = [
        (when, ref, i, e)
        for when, ref, _, e in events
        for i in range(len(FIELDS))
        if e.before is not None and e.before[i] != e.after[i]
    ]
    rows = []
    for when, ref, i, e in changes[:limit]:
        assert e.commit is not None and e.before is not None
        rows.append(
            {
                "date": when.date().isoformat(),
                "when": when.isoformat(),
                "author": e.commit.author,
                "commit": e.commit.id[:8],
                "subject": e.commit.subject,
                "kr": ref,
                "field": FIELDS[i],
                "old": _show(e.before[i]),
                "new": _show(e.after[i]),
            }
        )
    return rows


def build(
    card: ScoreCard,
    moment: Moment,
    quarter: Quarter,
    findings: list[Diagnostic] | Callable[[], list[Diagnostic]],
    *,
    log_limit: int = 200,
) -> dict[str, Any]:
    """Everything a report template can use, as plain data (``findings`` may be a function
    that returns them: it is called last, after everything else is built)."""
    data = build_without_findings(card, moment, quarter, log_limit=log_limit)
    add_findings(data, findings() if callable(findings) else findings)
    return data


def build_without_findings(
    card: ScoreCard, moment: Moment, quarter: Quarter, *, log_limit: int = 200
) -> dict[str, Any]:
    """:func:`build`'s data but for the parts that come from lint findings, which
    :func:`add_findings` fills in (the report builds this while its lint pass runs)."""
    history = moment.history(str(quarter))
    repo = moment.repo
    org = {u.id: u for u in repo.org.units} if repo.org else {}
    units = []
    for u in card.units:
        unit = org.get(u.id)
        objectives = []
        for o in u.objectives:
            krs = [
                {
                    "ref": k.ref,
                    "id": k.id,
                    "title": k.title,
                    "unit": k.unit or "",
                    "direction": k.direction or "",
                    "binary": k.binary,
                    "baseline": _show(k.baseline),
                    "target": _show(k.target),
                    "current": _show(k.current) + ("*" if k.uncommitted else ""),
                    "confidence": _show(k.confidence),
                    "score": float(k.score),
                    "bar": bar(k.score),
                    "pace": k.pace or "",
                    "trend": sparkline(k),
                    "weekly": k.weekly,
                    "last_checkin": k.last_checkin.isoformat() if k.last_checkin else "",
                    "checkins": k.checkins,
                }
                for k in o.key_results
            ]
            objectives.append(
                {
                    "id": o.id,
                    "title": o.title,
                    "commitment": o.commitment,
                    "aligns_to": list(o.aligns_to),
                    "score": float(o.score),
                    "band": o.band,
                    "bar": bar(o.score),
                    "key_results": krs,
                }
            )
        units.append(
            {
                "id": u.id,
                "name": u.name,
                "level": u.level,
                "parent": unit.parent if unit and unit.parent else "",
                "role": unit.role if unit else "product",
                "path": u.path,
                "score": float(u.score),
                "band": u.band,
                "bar": bar(u.score),
                "brier": _num(u.brier),
                "prompts": list(u.prompts),
                "objectives": objectives,
            }
        )
    tree = _tree(card, moment)
    checkins = checkin_log(history, log_limit)
    return {
        "quarter": card.quarter,
        "at": card.at.isoformat(),
        "date": card.at.date().isoformat(),
        "generated": datetime.now(card.at.tzinfo).date().isoformat(),
        "elapsed": float(card.elapsed),
        "ended": card.ended,
        "organisation": {
            "name": next((u.name for u in org.values() if u.parent is None), "Organisation"),
            "score": float(card.score),
            "bar": bar(card.score),
            "bands": dict(card.bands),
            "paces": dict(card.paces),
            "checked_in": card.checked_in,
            "key_results": card.key_results,
            "stale": 0,  # the findings' parts, filled in by add_findings
            "moved": 0,
        },
        "units": units,
        "tree": tree,
        "checkins": checkins,
        "history": {},
        "findings_by_rule": [],
        "prompts": {band: list(qs) for band, qs in PROMPTS.items()},
        "notices": list(card.notices),
    }


def add_findings(data: dict[str, Any], findings: list[Diagnostic]) -> None:
    """Put what the lint findings tell into :func:`build_without_findings`'s data: the
    headline's stale and moved counts, the history section and the findings by rule."""
    by_code: dict[str, list[Diagnostic]] = {}
    for d in findings:
        by_code.setdefault(d.code, []).append(d)

    def plain(ds: list[Diagnostic]) -> list[dict[str, Any]]:
        return [
            {
                "path": d.rel,
                "line": d.line,
                "code": d.code,
                "name": d.name,
                "severity": d.severity,
                "message": d.message,
            }
            for d in ds
        ]

    organisation = data["organisation"]
    organisation["stale"] = len(by_code.get("OKR401", []))
    organisation["moved"] = len(by_code.get("OKR402", []))
    data["history"] = {
        "moved": plain(by_code.get("OKR402", [])),
        "stale": plain(by_code.get("OKR401", [])),
        "uncovered": plain(by_code.get("OKR303", [])),
        "dependencies": plain(by_code.get("OKR304", [])),
        "sandbagging": plain(by_code.get("OKR403", [])),
    }
    data["findings_by_rule"] = [
        {"code": code, "name": ds[0].name, "severity": ds[0].severity, "count": len(ds)}
        for code, ds in sorted(by_code.items())
    ]
