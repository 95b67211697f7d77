"""The report's data (a quarter's, or format 1.2's year or span of years): plain dicts,
lists, strings and numbers only.

Templates (bundled or the user's) receive exactly what :func:`build` returns; no live object
(no model, no git handle) ever reaches them. docs/report.md documents this data model.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from itertools import islice
from operator import add, ne
from typing import Any

from okrcli.history.source import Moment
from okrcli.history.timeline import FIELDS, QuarterHistory, Timeline
from okrcli.lint.diagnostics import Diagnostic
from okrcli.lint.facts import MovedGoalpostFacts, StaleKrFacts
from okrcli.model.config import Bands
from okrcli.model.okr import Direction
from okrcli.model.org import Unit
from okrcli.model.quarter import Period
from okrcli.report import charts, links
from okrcli.report.findings import Findings, sort_findings
from okrcli.score.card import (
    COMMITMENT_PROMPTS,
    PROMPTS,
    KrRow,
    ObjectiveRow,
    ScoreCard,
    UnitCard,
    elapsed_share,
    week_ends,
)
from okrcli.score.enclosing import AlignedRow, EnclosingRow
from okrcli.score.formats import breach_words, brier_words, grouped, progress, trend, with_unit
from okrcli.scoring import (
    band,
    committed_band,
    dec,
    dec_or_none,
    rounded,
    score_values,
    shown,
)

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


def _show(value: float | str | None) -> str:
    """A value as written, with thousands separators (12,500; 1,234.5); a text as it is."""
    kind = type(value)
    if kind is float or kind is int:
        assert isinstance(value, float | int)
        if -1000 < value < 1000:  # most values: no separator to put in
            return str(int(value)) if kind is float and value.is_integer() else str(value)
        return grouped(value)
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if -1000 < value < 1000:
        return str(value)
    return grouped(value)


def mermaid_label(text: str) -> str:
    """Text safe inside a quoted mermaid label."""
    return charts.escape(text)


LIST_LINES_PER_OBJECTIVE = 20  # the alignment list's bound, on average per objective
_RANK = {"strategy": 0, "company": 1, "business-unit": 2, "department": 3}
_RANK_NAMES = (
    "the strategy themes",
    "company objectives",
    "business-unit objectives",
    "department objectives",
    "team objectives",
)


def _tree(units: list[dict[str, Any]], themes: dict[str, str]) -> dict[str, Any]:
    """Strategy themes -> company -> business-unit -> team objectives: a mermaid flowchart
    down to the level that keeps it readable (boxes coloured by status), a table of the
    units below that level per unit drawn, and the whole tree as a nested text list."""
    graph = _Alignment.of(units, themes)
    chart = charts.alignment(graph.nodes, graph.edges)
    note, below = _left_out(chart, len(graph.nodes), units)
    text, limit = graph.listed()
    if limit is not None:
        note = (
            f"{note} The list stops after {limit:,} lines: objectives that align to several "
            "others are listed under each of them, and here that repeats them more often "
            "than a report can hold."
        ).strip()
    return {"mermaid": chart["mermaid"], "text": text, "note": note, "below": below}


@dataclass
class _Alignment:
    """The objectives (and the strategy themes they align to) as boxes, and the alignments
    between them as edges from parent to child, each once."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[tuple[str, str]] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # ref -> box key
    texts: dict[str, str] = field(default_factory=dict)  # box key -> its line in the list

    @classmethod
    def of(cls, units: list[dict[str, Any]], themes: dict[str, str]) -> _Alignment:
        graph = cls()
        for u in units:
            for o in u["objectives"]:
                rank = _RANK.get(u["level"], 4)
                ref, title = f"{u['id']}/{o['id']}", f"{u['name']}: {o['title']}"
                graph.box(ref, title, rank, o["status"], o["score"])
        seen: set[tuple[str, str]] = set()
        for u in units:
            for o in u["objectives"]:
                child = graph.keys[f"{u['id']}/{o['id']}"]
                for ref in o["aligns_to"]:
                    parent = graph.parent(ref, themes)
                    if parent is not None and (parent, child) not in seen:
                        seen.add((parent, child))
                        graph.edges.append((parent, child))
        return graph

    def box(self, ref: str, text: str, rank: int, status: str, score: float | None) -> str:
        if ref not in self.keys:
            key = self.keys[ref] = f"n{len(self.keys) + 1}"
            self.nodes.append(
                {"key": key, "text": text, "score": score, "rank": rank, "status": status}
            )
            self.texts[key] = text if score is None else f"{text} ({score:.2f})"
        return self.keys[ref]

    def parent(self, ref: str, themes: dict[str, str]) -> str | None:
        """The box of what ``ref`` names: a strategy theme (added on first mention) or an
        objective; None for anything else."""
        parts = ref.split("/")
        if parts[0] == "strategy" and len(parts) > 1:
            return self.box(ref, f"Strategy: {themes.get(parts[1], parts[1])}", 0, "", None)
        return self.keys.get("/".join(parts[:2]))

    def listed(self) -> tuple[list[dict[str, Any]], int | None]:
        """The tree as a nested list: every path down from each box nothing is above, and
        the bound it stopped at (None when it did not). An objective is listed under each
        one it aligns to, with everything below it: layers that each align to several
        above multiply the paths, so the list stops at a bound."""
        children: dict[str, list[str]] = {}
        for a, b in self.edges:
            children.setdefault(a, []).append(b)
        has_parent = {b for _, b in self.edges}
        text: list[dict[str, Any]] = []
        limit = LIST_LINES_PER_OBJECTIVE * max(len(self.nodes), 1)
        for n in self.nodes:
            if n["key"] not in has_parent and not self._walk(n["key"], children, text, limit):
                return text, limit
        return text, None

    def _walk(
        self, root: str, children: dict[str, list[str]], text: list[dict[str, Any]], limit: int
    ) -> bool:
        """Every path down from ``root``, depth first, each box once per path: one set of
        the boxes on the path and a stack (chains of alignments can be thousands deep).
        False when the list is full."""
        text.append({"depth": 0, "label": self.texts[root]})
        path = {root}
        stack = [(root, iter(children.get(root, ())))]
        while stack:
            key, under = stack[-1]
            for c in under:
                if c not in path:
                    if len(text) >= limit:
                        return False
                    text.append({"depth": len(stack), "label": self.texts[c]})
                    path.add(c)
                    stack.append((c, iter(children.get(c, ()))))
                    break
            else:
                stack.pop()
                path.discard(key)
        return True


def _left_out(
    chart: dict[str, Any], boxes: int, units: list[dict[str, Any]]
) -> tuple[str, list[dict[str, Any]]]:
    """What the chart says it leaves out, and the table of the units below its deepest
    level (both empty when it draws everything)."""
    if not chart["hidden"]:
        return "", []
    deepest = chart["deepest"]
    if deepest < 0:
        note = f"The {boxes:,} objectives are too many for one chart; the list below has every one."
        return note, _below(units, deepest)
    drawn = _RANK_NAMES[min(deepest, 4)]
    note = (
        f"The chart goes down to {drawn} only: all {boxes:,} boxes would be more than anyone "
        "reads in one chart. The table under it sums up the units left out, per parent unit; "
        "the list has every objective."
    )
    return note, _below(units, deepest)


def _below(units: list[dict[str, Any]], deepest: int) -> list[dict[str, Any]]:
    """The units the chart leaves out, summed up per parent unit: how many, their mean
    score and the worst of them (parents in hierarchy order)."""
    by_id = {u["id"]: u for u in units}
    groups: dict[str, list[dict[str, Any]]] = {}
    for u in units:
        if _RANK.get(u["level"], 4) > deepest:
            groups.setdefault(u["parent"] if u["parent"] in by_id else "", []).append(u)
    out = []
    for key, members in groups.items():
        worst = min(members, key=lambda m: (m["score"], charts.natural(m["name"])))
        parent = by_id.get(key)
        out.append(
            {
                "id": key,
                "name": parent["name"] if parent else "No parent unit",
                "units": len(members),
                "score": sum(m["score"] for m in members) / len(members),
                "worst": {"id": worst["id"], "name": worst["name"], "score": worst["score"]},
                "status": parent["status"] if parent else "",
            }
        )
    return out


def checkin_log(
    history: QuarterHistory | None,
    limit: int,
    per_kr: int = 3,
    link: links.Links | None = None,
    refs: Collection[str] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Who moved which value when, newest first, with the commit subject: the latest
    ``per_kr`` changes of each key result, the latest ``limit`` of those in all; and the
    counts (every committed change, the key results changed, the rows shown). A check-in
    that re-confirmed its value is a change of that value to itself. Only the key results
    ``refs`` names, when given (one unit's, with those of the objectives shared with it)."""
    counts = {"changes": 0, "key_results": 0, "per_kr": per_kr, "shown": 0}
    if history is None:
        return [], counts
    link = link or links.Links()
    # newest first: by time, then key result, then change, then field (the key results,
    # changes and fields are distinct, so the timelines beside them are never compared)
    picked: list[tuple[tuple[datetime, str, int, int], Timeline]] = []
    for ref, tl in history.timelines.items():
        if refs is not None and ref not in refs:
            continue
        commits, whens, columns = tl.commits, tl.whens, tl.columns
        end = len(whens) - (1 if commits and commits[-1] is None else 0)  # committed only
        if end < 2:
            continue
        # every change counted a column at a time, at C speed; the check-in day is no
        # change of its own, but when nothing else moved it is a re-confirmation
        moving = [
            col for i, col in enumerate(columns) if col.count(col[0]) != len(col) and i != _CHECKED
        ]
        total = sum(sum(map(ne, islice(col, 1, end), col)) for col in moving)
        checked = columns[_CHECKED]
        if checked.count(checked[0]) != len(checked):
            total += sum(
                1
                for n in range(1, end)
                if checked[n] != checked[n - 1] and all(c[n] == c[n - 1] for c in moving)
            )
        if not total:
            continue
        counts["changes"] += total
        counts["key_results"] += 1
        mine = 0
        for n in range(end - 1, 0, -1):  # the latest few, from the newest back
            for i in _logged(columns, n):
                picked.append(((whens[n], ref, n, -i), tl))
                mine += 1
                if mine == per_kr:
                    break
            if mine == per_kr:
                break
    latest = heapq.nlargest(limit, picked)
    rows = []
    for (when, ref, n, minus_i), tl in latest:
        i = -minus_i
        commit = tl.commits[n]
        assert commit is not None
        col = tl.columns[i]
        rows.append(
            {
                "date": when.date().isoformat(),
                "when": when.isoformat(),
                "author": commit.author,
                "commit": commit.id[:8],
                "commit_link": link.commit(commit.id),
                "subject": commit.subject,
                "kr": ref,
                "field": FIELDS[i],
                "old": _show(col[n - 1]),
                "new": _show(col[n]),
            }
        )
    counts["shown"] = len(rows)
    return rows, counts


# a report of more units than this folds each unit into <details>, and leaves out the
# per-unit charts (one chart per unit is more than a reader looks at, and slow to draw)
DETAILS_FROM = 20
ATTENTION_ROWS = 15  # needs-attention rows shown in the full report, worst first
UNIT_CHARTS_MAX = 20
# colours of the lines of a unit's chart, with the mark that names each beside the chart
PALETTE = (
    ("🟦", "#0969da"),
    ("🟧", "#bc4c00"),
    ("🟪", "#8250df"),
    ("🟩", "#1a7f37"),
    ("🟥", "#cf222e"),
    ("🟨", "#bf8700"),
    ("🟫", "#953800"),
    ("⬛", "#1f2328"),
)
ORDER = {
    "off track": 0,
    "missed": 0,
    "at risk": 1,
    "": 2,
    "on track": 3,
    "stretch": 3,
    "met": 3,
    "over": 4,
}


_CURRENT, _CHECKED = FIELDS.index("current"), FIELDS.index("checked")


def _logged(columns: tuple[Sequence[Any], ...], n: int) -> list[int]:
    """The fields change ``n`` of a timeline shows in the log: those that moved, but the
    check-in day (the row's date says it); a check-in that re-confirmed its value shows
    that value."""
    moved = [i for i, col in enumerate(columns) if i != _CHECKED and col[n] != col[n - 1]]
    if not moved and columns[_CHECKED][n] != columns[_CHECKED][n - 1]:
        return [_CURRENT]
    return moved


def build(
    card: ScoreCard,
    moment: Moment,
    quarter: Period,
    findings: list[Diagnostic] | Callable[[], list[Diagnostic]],
    *,
    log_limit: int = 200,
    repo_url: str | None = None,
    unit: str | None = None,
    aligned: Sequence[AlignedRow] = (),
) -> dict[str, Any]:
    """Everything a report template can use, as plain data (``findings`` may be a function
    that returns them: it is called last, after everything else is built). With ``unit``,
    the report is that unit's: its check-ins only, its name and score in the headline."""
    data = build_without_findings(
        card, moment, quarter, log_limit=log_limit, repo_url=repo_url, unit=unit, aligned=aligned
    )
    add_findings(data, findings() if callable(findings) else findings)
    return data


def hierarchy_order(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Units top down: each unit followed by the units under it, siblings in natural order
    of their names (Team 2 before Team 10); units outside the hierarchy last."""
    by_id = {u["id"]: u for u in units}
    children: dict[str, list[dict[str, Any]]] = {}
    roots = []
    for u in units:
        if u["parent"] in by_id and u["parent"] != u["id"]:
            children.setdefault(u["parent"], []).append(u)
        else:
            roots.append(u)
    out: list[dict[str, Any]] = []
    seen: set[str] = set()

    def key(u: dict[str, Any]) -> tuple[Any, ...]:
        return (_RANK.get(u["level"], 4), charts.natural(u["name"]), u["id"])

    stack = sorted(roots, key=key, reverse=True)
    while stack:
        u = stack.pop()
        if u["id"] in seen:
            continue
        seen.add(u["id"])
        out.append(u)
        stack += sorted(children.get(u["id"], []), key=key, reverse=True)
    out += sorted((u for u in units if u["id"] not in seen), key=key)  # in a parent cycle
    return out


def _weeks(quarter: Period, card: ScoreCard) -> list[dict[str, Any]]:
    ends = week_ends(quarter, card.at)
    return [
        {"label": f"W{n}", "end": e.date().isoformat(), "gone": float(elapsed_share(quarter, e))}
        for n, e in enumerate(ends, 1)
    ]


def build_without_findings(
    card: ScoreCard,
    moment: Moment,
    quarter: Period,
    *,
    log_limit: int = 200,
    repo_url: str | None = None,
    unit: str | None = None,
    aligned: Sequence[AlignedRow] = (),
) -> dict[str, Any]:
    """:func:`build`'s data but for the parts that come from lint findings, which
    :func:`add_findings` fills in (the report builds this while its lint pass runs).
    ``quarter`` may be a year or a span of years (format 1.2), with ``aligned``: the
    shorter periods' objectives that align to its objectives."""
    history = moment.history(str(quarter))
    repo = moment.repo
    org = {u.id: u for u in repo.org.units} if repo.org else {}
    bands_cfg = repo.config.scoring.bands
    base = links.checked(repo_url) if repo_url else links.from_remote(moment.git)
    rev = moment.rev or (moment.git.head() if moment.git is not None else None) or "HEAD"
    link = links.Links(base, rev)
    weeks = _weeks(quarter, card)
    ended = card.ended

    units = [_unit_data(u, org.get(u.id), card, bands_cfg, link) for u in card.units]
    units = hierarchy_order(units)
    _add_aligned(units, aligned)
    themes = {t.id: t.title for t in (repo.org.strategy if repo.org else [])}
    tree = _tree(units, themes)
    if len(units) <= UNIT_CHARTS_MAX and weeks:
        for unit_data in units:
            unit_data["chart"] = _unit_chart(unit_data, weeks)
    # a unit's report: its key results, and those of the objectives shared with it (format
    # 1.2), whose check-ins are commits to the owner's file
    mine = (
        None
        if unit is None
        else {k["ref"] for u in units for o in u["objectives"] for k in o["key_results"]}
    )
    checkins, log_counts = checkin_log(history, log_limit, link=link, refs=mine)
    paths = {u["id"]: u["path"] for u in units}
    for c in checkins:
        c["kr_link"] = link.file(paths.get(c["kr"].split("/")[0], ""))
    glance = sorted(
        units, key=lambda x: (x["score"], ORDER[x["status"]], charts.natural(x["name"]))
    )
    # each key result once, under the unit whose file holds it (a shared objective, format
    # 1.2, is on every sharing unit's card too), or, in a sharing unit's own report where
    # the owner is not shown, under the first unit that shares it
    shown = {u["id"] for u in units}
    all_krs = []
    seen: set[str] = set()
    for u in units:
        for o in u["objectives"]:
            for k in o["key_results"]:
                holder = k["ref"].split("/", 1)[0]
                if k["ref"] in seen or (holder != u["id"] and holder in shown):
                    continue
                seen.add(k["ref"])
                all_krs.append((u, k))
    if unit is not None:
        scope, name = "Unit", org[unit].name if unit in org else unit
    else:
        scope = "Organisation"
        name = next((u.name for u in org.values() if u.parent is None), "Organisation")
    return {
        "quarter": card.quarter,
        "period": {
            "name": card.quarter,
            "span": card.span,
            "word": card.span_word,
            "start": quarter.start.isoformat(),
            "end": quarter.end.isoformat(),
        },
        "at": card.at.isoformat(),
        "date": card.at.date().isoformat(),
        "generated": datetime.now(card.at.tzinfo).date().isoformat(),
        "elapsed": float(card.elapsed),
        "ended": ended,
        "organisation": {
            "name": name,
            "scope": scope,
            "score": float(card.score),
            "pace": card.pace or "",
            "bar": bar(card.score),
            "bands": dict(card.bands),
            "paces": dict(card.paces),
            "checked_in": card.checked_in,
            "key_results": card.key_results,
            "units": len(units),
            "missed_commitments": _missed_commitments(units) if ended else [],
            "left_out": list(card.left_out),
            "indicators": dict(card.indicators),
            "indicator_words": _mix_words(card.indicators),
            "stale": 0,  # the findings' parts, filled in by add_findings
            "moved": 0,
        },
        "legend": _legend(ended),
        "units": units,
        "glance": [{k: u[k] for k in _GLANCE} for u in glance],
        "attention": (_commitment_rows(units) if ended else []) + _attention(all_krs, card),
        "charts": {
            "burnup": _burnup(card, weeks, scope, card.span_word),
            "distribution": _distribution([k for _, k in all_krs]),
        },
        "weeks": weeks,
        "tree": tree,
        "checkins": checkins,
        "checkin_counts": log_counts,
        "history": {},
        "findings_by_rule": [],
        "prompts": {
            **{band: list(qs) for band, qs in PROMPTS.items()},
            "commitment": list(COMMITMENT_PROMPTS),
        },
        "notices": [
            *card.notices,
            *(f"moved target: {m}" for m in card.moved),
            *_after_close(card),
        ],
        "moved_targets": list(card.moved),
        "enclosing": [_enclosing_data(row) for row in card.enclosing],
        "aligned": _aligned_table(units),
        "layout": {
            "details": len(units) > DETAILS_FROM,
            "attention_max": ATTENTION_ROWS,
            "parts": [],
            "part": None,
        },
        "repo_url": base,
        "repo_rev": rev,
    }


def _enclosing_data(row: EnclosingRow) -> dict[str, Any]:
    """Format 1.2: an annual or multi-year objective the quarter aligns to."""
    status = row.pace or row.band or ""
    return {
        "ref": row.ref,
        "title": row.title,
        "period": row.period,
        "elapsed": float(row.elapsed),
        "score": float(row.score),
        "aligned_from": list(row.aligned_from),
        **_status_fields(status),
    }


def _add_aligned(units: list[dict[str, Any]], aligned: Sequence[AlignedRow]) -> None:
    """Format 1.2: each objective of a year or span gets ``aligned_from``, the shorter
    periods' objectives that align to it with their scores (a shared objective's under
    every unit that shares it: the reference names its owner)."""
    by_ref: dict[str, list[dict[str, Any]]] = {}
    for row in aligned:
        by_ref.setdefault(row.to, []).append(
            {
                "period": row.period,
                "ref": f"{row.unit}/{row.objective}",
                "unit": row.unit,
                "title": row.title,
                "score": float(row.score),
                **_status_fields(row.pace or row.band or ""),
            }
        )
    for u in units:
        for o in u["objectives"]:
            o["aligned_from"] = by_ref.get(_owned_ref(u, o), [])


def _owned_ref(u: dict[str, Any], o: dict[str, Any]) -> str:
    """An objective's reference by the unit whose file holds it (its key results' refs
    name that unit; a shared objective is listed under other units too)."""
    owner = o["key_results"][0]["ref"].split("/", 1)[0] if o["key_results"] else u["id"]
    return f"{owner}/{o['id']}"


def _aligned_table(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Format 1.2: the year's (or span's) objectives that shorter periods align to, each
    once (a shared objective is under every sharing unit), in hierarchy order."""
    out, seen = [], set()
    for u in units:
        for o in u["objectives"]:
            ref = _owned_ref(u, o)
            if o["aligned_from"] and ref not in seen:
                seen.add(ref)
                out.append(
                    {
                        "ref": ref,
                        "title": o["title"],
                        "score": o["score"],
                        "status": o["status"],
                        "status_words": o["status_words"],
                        "mark": o["mark"],
                        "aligned_from": o["aligned_from"],
                    }
                )
    return out


def _mix_words(mix: dict[str, int]) -> str:
    """Format 1.2: the card's key results by declared indicator, in words; empty when none
    declares one."""
    if not mix:
        return ""
    return f"{mix['leading']} leading, {mix['lagging']} lagging, {mix['unset']} undeclared"


def _status_fields(status: str) -> dict[str, str]:
    """A status with its mark and its words, as every table and chart shows it."""
    return _STATUS_FIELDS[status]


_STATUS_FIELDS = {
    status: {"status": status, "status_words": words, "mark": mark}
    for status, (mark, _, words, _) in charts.STATUS.items()
}


def _after_close(card: ScoreCard) -> list[str]:
    """A closed quarter's later changes: its score as at close, the later one beside it."""
    if card.closed_on is None or card.after_close is None:
        return []
    return [
        f"{card.quarter} closed on {card.closed_on.isoformat()}: scored as at close, "
        f"{card.score:.2f} (changed after close: {card.after_close:.2f}).",
        *(f"changed after close: {m}" for m in card.changed_after_close),
    ]


def final_status(k: KrRow, committed: bool, bands_cfg: Bands) -> str:
    """A key result's status once the quarter is over: met or missed for what is expected
    in full (in a committed objective, a threshold to hold, a yes/no result), else its
    band."""
    if committed or k.binary or k.direction in ("stay_above", "stay_below"):
        return committed_band(k.score)
    return band(k.score, bands_cfg.stretch, bands_cfg.over)


def _kr_data(
    k: KrRow, ended: bool, bands_cfg: Bands, file_link: str, committed: bool = False
) -> dict[str, Any]:
    status = final_status(k, committed, bands_cfg) if ended else k.pace or ""
    weekly_progress = progress(k)
    return {
        "ref": k.ref,
        "id": k.id,
        "title": k.title,
        "unit": k.unit or "",
        "direction": k.direction or "",
        "binary": k.binary,
        "baseline": with_unit(_show(k.baseline), k.unit),
        "target": with_unit(_show(k.target), k.unit)
        + (f" (moved to {with_unit(_show(k.moved.latest), k.unit)})" if k.moved else ""),
        "moved": k.moved.describe(k.ref) if k.moved else "",
        "note": k.note or "",
        "current": with_unit(_show(k.current), k.unit)
        + ("*" if k.uncommitted and not k.after_close else "")
        + (
            f" (changed after close: {with_unit(_show(k.after_close.value), k.unit)})"
            if k.after_close
            else ""
        ),
        "breached": [d.isoformat() for d in k.breached],
        "breach": breach_words(k) if k.breached else "",
        "confidence": _show(k.confidence),
        "score": float(k.score),
        "bar": bar(k.score),
        "pace": k.pace or "",
        **_status_fields(status),
        "checked_in": k.checked_in,
        "trend": trend(k, weekly_progress),
        "progress": weekly_progress,
        "weekly": k.weekly,
        "last_checkin": k.last_checkin.isoformat() if k.last_checkin else "",
        "checkins": k.checkins,
        "link": file_link,
    }


def _objective_data(
    o: ObjectiveRow, ended: bool, bands_cfg: Bands, file_link: str
) -> dict[str, Any]:
    return {
        "id": o.id,
        "title": o.title,
        "commitment": o.commitment,
        "aligns_to": list(o.aligns_to),
        "score": float(o.score),
        "band": o.band,
        "pace": o.pace or "",
        **_status_fields(o.band if ended else (o.pace or "")),
        "bar": bar(o.score),
        "indicators": indicator_mix([k.indicator for k in o.key_results]),
        "key_results": [
            _kr_data(k, ended, bands_cfg, file_link, o.commitment == "committed")
            for k in o.key_results
        ],
    }


def indicator_mix(indicators: Sequence[str | None]) -> str:
    """Format 1.2: an objective's key results by declared indicator, in words ("1 leading,
    2 lagging"); empty when none declares one."""
    leading, lagging = indicators.count("leading"), indicators.count("lagging")
    if not leading and not lagging:
        return ""
    words = f"{leading} leading, {lagging} lagging"
    unset = len(indicators) - leading - lagging
    return words + (f", {unset} undeclared" if unset else "")


_COUNTED = ("off track", "at risk", "on track", "missed", "stretch", "over", "met")


def _unit_data(
    u: UnitCard, member: Unit | None, card: ScoreCard, bands_cfg: Bands, link: links.Links
) -> dict[str, Any]:
    ended = card.ended
    file_link = link.file(u.path)
    objectives = [_objective_data(o, ended, bands_cfg, file_link) for o in u.objectives]
    unit_krs = [k for o in objectives for k in o["key_results"]]
    statuses = [k["status"] for k in unit_krs]
    return {
        "id": u.id,
        "name": u.name,
        "level": u.level,
        "parent": member.parent if member and member.parent else "",
        "role": member.role if member else "product",
        "path": u.path,
        "link": file_link,
        "score": float(u.score),
        "band": u.band,
        "pace": u.pace or "",
        **_status_fields(u.band if ended else (u.pace or "")),
        "bar": bar(u.score),
        "brier": _num(u.brier),
        "brier_words": brier_words(u.brier) if u.brier is not None else "",
        "prompts": list(u.prompts) if ended else [],
        "missed_commitments": list(u.missed_commitments),
        "objectives": objectives,
        "counts": {s: statuses.count(s) for s in _COUNTED},
        "key_results": len(unit_krs),
        "last_checkin": max((k["last_checkin"] for k in unit_krs), default=""),
        "chart": None,
    }


# what the units-at-a-glance table shows of each unit
_GLANCE = (
    "id",
    "name",
    "level",
    "score",
    "status",
    "status_words",
    "mark",
    "counts",
    "key_results",
    "last_checkin",
    "link",
)


def _legend(ended: bool) -> list[dict[str, str]]:
    shown = (
        ("met", "stretch", "over", "missed") if ended else ("on track", "at risk", "off track", "")
    )
    return [
        {
            "status": s,
            "mark": charts.STATUS[s][0],
            "words": charts.STATUS[s][2],
            "colour": charts.STATUS[s][3],
        }
        for s in shown
    ]


def _why_pace(k: dict[str, Any], card: ScoreCard) -> str:
    gone = f"{round(float(card.elapsed) * 100)}%"
    if card.ended:
        return f"missed: score {k['score']:.2f} at the {card.span_word}'s end"
    return f"behind: score {k['score']:.2f} with {gone} of the {card.span_word} gone"


def _attention(
    pairs: list[tuple[dict[str, Any], dict[str, Any]]], card: ScoreCard
) -> list[dict[str, Any]]:
    """Key results off track or at risk by pace (missed, once the quarter is over), or never
    checked in; :func:`add_findings` adds the stale ones and the moved goalposts."""
    rows = []
    for u, k in pairs:
        reasons = []
        if k["status"] in ("off track", "at risk", "missed"):
            reasons.append(_why_pace(k, card))
        if not k["checked_in"]:
            reasons.append("never checked in")
        if k["breach"]:
            reasons.append(k["breach"])
        if reasons:
            rows.append(_attention_row(u, k, reasons))
    return rows


def _missed_commitments(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The committed objectives missed, in hierarchy order (the quarter is over)."""
    return [
        {
            "unit": u["name"],
            "unit_id": u["id"],
            "ref": f"{u['id']}/{o['id']}",
            "title": o["title"],
            "score": o["score"],
            "link": u["link"],
        }
        for u in units
        for o in u["objectives"]
        if o["id"] in u["missed_commitments"]
    ]


def _commitment_rows(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A needs-attention row for each committed objective missed: first of all rows."""
    return [
        {
            **m,
            **_status_fields("missed"),
            "why": [f"committed objective missed: score {m['score']:.2f}, committed to 1.00"],
            "commitment": True,
        }
        for m in _missed_commitments(units)
    ]


def _attention_row(u: dict[str, Any], k: dict[str, Any], reasons: list[str]) -> dict[str, Any]:
    return {
        "unit": u["name"],
        "unit_id": u["id"],
        "ref": k["ref"],
        "title": k["title"],
        "score": k["score"],
        "status": k["status"],
        "status_words": k["status_words"],
        "mark": k["mark"],
        "why": reasons,
        "link": k["link"],
        # the same key result repeated in another unit (title and numbers alike), and how
        # high this unit is: see _merge_repeats
        "same": (" ".join(k["title"].casefold().split()), k["baseline"], k["target"], k["current"]),
        "level_rank": _RANK.get(u["level"], 4),
    }


def _attention_key(row: dict[str, Any]) -> tuple[Any, ...]:
    """Worst first: off track (or missed), then moved goalposts, stale, never checked in,
    at risk; lower scores first within each."""
    why = " ".join(row["why"])
    rank = (
        -1
        if row.get("commitment")
        else 0
        if row["status"] in ("off track", "missed")
        else 1
        if "goalpost" in why
        else 2
        if "last checked in" in why
        else 3
        if "never checked in" in why
        else 4
    )
    return (rank, row["score"], charts.natural(row["unit"]), row["ref"])


def _org_score_by_week(cards: list[UnitCard], size: int, score: Decimal) -> list[float]:
    """The score at each week's end, worked out as the score card works out the headline's:
    each key result's value that week scored and shown to two places (no value scores 0),
    objectives their weighted mean, units and the whole the mean of those, each to two
    places, half to even. The last week is the headline's ``score`` (the values as of the
    report). Scores are counted in whole hundredths, so each mean is exact."""
    if not size:
        return []
    totals = [0] * size
    for u in cards:
        unit = [0] * size
        for o in u.objectives:
            krs = o.key_results
            if not krs:
                continue
            weights = [k.weight for k in krs]
            if all(float(w).is_integer() for w in weights):
                ints = [int(w) for w in weights]
                scaled = [
                    h if n == 1 else [x * n for x in h]
                    for h, n in zip((_hundredths(k, size) for k in krs), ints, strict=True)
                ]
                den = sum(ints)
                means = [_half_even(num, den) for num in map(sum, zip(*scaled, strict=True))]
            else:
                exact = [Fraction(dec(w)) for w in weights]
                whole = sum(exact, Fraction(0))
                columns = [_hundredths(k, size) for k in krs]
                means = [
                    round(
                        sum((h * f for h, f in zip(week, exact, strict=True)), Fraction(0)) / whole
                    )
                    for week in zip(*columns, strict=True)
                ]
            unit = list(map(add, unit, means))
        count = len(u.objectives)
        if count:
            totals = list(map(add, totals, [_half_even(t, count) for t in unit]))
    scores = [_half_even(t, len(cards)) / 100 if cards else 0.0 for t in totals]
    scores[-1] = float(score)
    return scores


def _half_even(num: int, den: int) -> int:
    """``num / den`` rounded to a whole number, half to even (as Decimal rounds)."""
    q, r = divmod(num, den)
    if 2 * r > den or (2 * r == den and q % 2):
        q += 1
    return q


_NEAR = 1e-6  # a float progress this close to a half hundredth is scored in decimals


def _hundredths(k: KrRow, size: int) -> list[int]:
    """A key result's score at each week's end in whole hundredths, as the scoring function
    scores it and the score card rounds it (half to even). The drawing's float progress is
    exact enough but near a half hundredth, where the decimal score decides."""
    shown = progress(k)[:size]
    hundreds = [0.0 if p is None else p * 100 for p in shown]
    up = list(map(round, map(_NEAR.__add__, hundreds)))
    down = list(map(round, map((-_NEAR).__add__, hundreds)))
    if up != down:
        for n in [n for n, (a, b) in enumerate(zip(up, down, strict=True)) if a != b]:
            up[n] = _exact_hundredths(
                k.direction, k.baseline, k.target, k.weekly[n], binary=k.binary
            )
    return up + [0] * (size - len(up))


@lru_cache(maxsize=4096)
def _exact_hundredths(
    direction: str | None,
    baseline: float | None,
    target: float | None,
    value: float | None,
    *,
    binary: bool,
) -> int:
    """The scoring function's score in whole hundredths, rounded as the score card does."""
    scored = score_values(
        Direction(direction) if direction else None,
        dec_or_none(baseline),
        dec_or_none(target),
        dec_or_none(value),
        binary=binary,
    )
    return int(rounded(scored.score) * 100)


def score_by_week(card: ScoreCard, weeks: int) -> list[float]:
    """The score card's score at the end of each of its first ``weeks`` weeks, the last
    one the headline's (as the burn-up chart draws it)."""
    return _org_score_by_week(card.units, weeks, card.score)


def part_slugs(keys: list[str]) -> dict[str, str]:
    """Distinct, safe file-name parts for ``keys`` (see :func:`_part_slugs`)."""
    return _part_slugs(keys)


def _burnup(card: ScoreCard, weeks: list[dict[str, Any]], scope: str, word: str = "quarter") -> str:
    if not weeks:
        return ""
    scores = _org_score_by_week(card.units, len(weeks), card.score)
    return charts.xy_bars_and_line(
        f"{scope} score by week (bars) and share of the {word} gone (line)",
        [w["label"] for w in weeks],
        "score",
        scores,
        [w["gone"] for w in weeks],
    )


BUCKETS = 10


def _distribution(krs: list[dict[str, Any]]) -> str:
    if not krs:
        return ""
    counts = [0] * BUCKETS
    for k in krs:
        counts[min(BUCKETS - 1, int(k["score"] * BUCKETS))] += 1
    labels = [f'"{n / BUCKETS:.1f}-{(n + 1) / BUCKETS:.1f}"' for n in range(BUCKETS)]
    return charts.xy_bars("Key results by score", labels, "key results", counts)


def _unit_chart(u: dict[str, Any], weeks: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The unit's key results by week: one line each, named by colour beside the chart.
    A week without a value is not drawn as 0: the chart starts at the first week with one,
    a key result with no value yet is left out (named below the chart), and one whose
    values start later is drawn flat at its first value before it, said in its key."""
    krs = [k for o in u["objectives"] for k in o["key_results"]]
    size = len(weeks)
    drawn = [k for k in krs if any(p is not None for p in k["progress"][:size])]
    undrawn = [k["title"] for k in krs if k not in drawn]
    if not drawn:
        return None if not krs else {"mermaid": "", "key": [], "undrawn": undrawn}
    start = min(next(n for n, p in enumerate(k["progress"][:size]) if p is not None) for k in drawn)
    lines, key = [], []
    colours = [PALETTE[n % len(PALETTE)] for n in range(len(drawn))]
    for (mark, _), k in zip(colours, drawn, strict=True):
        shown = k["progress"][start:size]
        first = next(n for n, p in enumerate(shown) if p is not None)
        values: list[float] = []
        for p in shown:
            values.append(p if p is not None else values[-1] if values else shown[first])
        lines.append(values + [values[-1]] * (size - start - len(values)))
        later = f" (no value before {weeks[start + first]['label']})" if first else ""
        key.append({"mark": mark, "title": k["title"] + later})
    return {
        "mermaid": charts.xy_lines(
            f"{u['name']}: progress of each key result by week",
            [w["label"] for w in weeks[start:]],
            "progress",
            lines,
            ", ".join(c for _, c in colours),
        ),
        "key": key,
        "undrawn": undrawn,
    }


def add_findings(data: dict[str, Any], findings: list[Diagnostic] | Findings) -> None:
    """Put what the lint findings tell into :func:`build_without_findings`'s data: the
    headline's stale and moved counts, the needs-attention rows they add, the history
    section and the findings by rule."""
    found = findings if isinstance(findings, Findings) else sort_findings(findings)
    base = data.get("repo_url", "")
    link = links.Links(base, data.get("repo_rev", "HEAD")) if base else links.Links()

    def plain(ds: list[Diagnostic]) -> list[dict[str, Any]]:
        return [
            {
                "path": d.rel,
                "line": d.line,
                "code": d.code,
                "name": d.name,
                "severity": d.severity,
                "message": d.message,
                "link": link.file(d.rel, d.line),
            }
            for d in ds
        ]

    organisation = data["organisation"]
    organisation["stale"] = len(found.stale)
    organisation["moved"] = len(found.moved)
    data["history"] = {
        "moved": plain(found.moved),
        "stale": plain(found.stale),
        "uncovered": plain(found.uncovered),
        "dependencies": plain(found.dependencies),
        "sandbagging": plain(found.sandbagging),
    }
    data["findings_by_rule"] = [
        {"code": code, "name": ds[0].name, "severity": ds[0].severity, "count": len(ds)}
        for code, ds in sorted(found.by_code.items())
    ]
    _attention_from_findings(data, found.moved + found.stale, link)
    data["attention"] = _merge_repeats(data["attention"])


def _merge_repeats(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row for a key result repeated at several levels (company, department, team:
    the same title and numbers): the highest unit's, its reasons together, naming the
    units that repeat it."""
    groups: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row.get("same") or row["ref"], []).append(row)
    if len(groups) == len(rows):
        return rows
    out = []
    for members in groups.values():
        if len(members) == 1:
            out.append(members[0])
            continue
        members.sort(key=lambda r: (r.get("level_rank", 4), charts.natural(r["unit"])))
        keep = {**members[0], "why": list(members[0]["why"])}
        for other in members[1:]:
            keep["why"] += [w for w in other["why"] if w not in keep["why"]]
        keep["why"].append("the same key result at " + ", ".join(m["unit"] for m in members[1:]))
        out.append(keep)
    return sorted(out, key=_attention_key)


def _attention_from_findings(
    data: dict[str, Any], found: list[Diagnostic], link: links.Links
) -> None:
    """The moved goalposts and stale key results joined to the needs-attention rows (one
    row per key result, its reasons together), worst first."""
    rows = {r["ref"]: r for r in data["attention"]}
    # each key result under the unit whose file holds it where that unit is shown, else
    # under a unit it is shared with (format 1.2); a ref names its file's unit, so a
    # finding's key result is one of the period's files'
    krs: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for u in data["units"] if found else ():
        for o in u["objectives"]:
            for k in o["key_results"]:
                if k["ref"].split("/", 1)[0] == u["id"] or k["ref"] not in krs:
                    krs[k["ref"]] = (u, k)
    for d in found:
        # what the finding says is read from its facts, never from its message
        facts = d.facts
        if isinstance(facts, MovedGoalpostFacts):
            way = "" if facts.easier is None else " (easier)" if facts.easier else " (harder)"
            why = (
                f"goalpost moved: {facts.field} {shown(facts.old)} → {shown(facts.new)}{way} "
                f"on {facts.day.isoformat()}"
            )
            ref = facts.key_result
        elif isinstance(facts, StaleKrFacts) and facts.last_checkin is not None:
            # (one never checked in has that reason already)
            last = facts.last_checkin.isoformat()
            why = f"stale: last checked in {last} ({facts.days} days before)"
            ref = facts.key_result
        else:
            continue
        pair = krs.get(ref)
        if pair is None:
            continue
        u, k = pair
        row = rows.get(k["ref"])
        if row is None:
            row = rows[k["ref"]] = _attention_row(u, k, [])
        row["why"].append(why)
        row["link"] = link.file(d.rel, d.line) or row["link"]
    data["attention"] = sorted(rows.values(), key=_attention_key)


# GitHub's limits on what it shows: a pull-request comment (and an issue's) takes 65,536
# characters, a job summary 1 MiB, and a file's preview stops at about 2 MB
COMMENT_LIMIT = 65_536
JOB_SUMMARY_LIMIT = 1024 * 1024
PREVIEW_LIMIT = 2_000_000
SUMMARY_ROWS = 25
SUMMARY_TITLE = 90


def summary_view(data: dict[str, Any], rows: int = SUMMARY_ROWS) -> dict[str, Any]:
    """The data for ``--summary``: the same, with at most ``rows`` needs-attention rows and
    units, titles and notes cut short, so that the summary fits a pull-request comment."""

    def cut(text: str, size: int = SUMMARY_TITLE) -> str:
        return text if len(text) <= size else text[: size - 1] + "…"

    attention = [
        {**a, "title": cut(a["title"]), "unit": cut(a["unit"]), "why": [cut(w) for w in a["why"]]}
        for a in data["attention"][:rows]
    ]
    glance = [{**u, "name": cut(u["name"])} for u in data["glance"][:rows]]
    layout = {
        **data["layout"],
        "attention_max": rows,
        "glance_max": rows,
        "summary": True,
    }
    organisation = {**data["organisation"], "name": cut(data["organisation"]["name"])}
    return {
        **data,
        "organisation": organisation,
        "attention": attention + data["attention"][rows:],  # counted, not shown
        "glance": glance + data["glance"][rows:],
        "notices": [cut(n, 300) for n in data["notices"][:5]],
        "layout": layout,
    }


def parts(data: dict[str, Any], stem: str) -> list[dict[str, Any]]:
    """The report split by business unit: each business unit with the units under it (the
    units above and outside business units together, as the organisation's own part), in
    hierarchy order; ``file`` is where each part goes, next to the index."""
    by_id = {u["id"]: u for u in data["units"]}
    groups: dict[str, list[dict[str, Any]]] = {}
    for u in data["units"]:
        top, seen = u, {u["id"]}
        while top["level"] != "business-unit" and top["parent"] in by_id:
            if top["parent"] in seen:
                break
            top = by_id[top["parent"]]
            seen.add(top["id"])
        key = top["id"] if top["level"] == "business-unit" else ""
        groups.setdefault(key, []).append(u)
    slugs = _part_slugs(list(groups))
    out = []
    for key, members in groups.items():
        name = by_id[key]["name"] if key else data["organisation"]["name"]
        out.append(
            {
                "id": key,
                "name": name,
                "file": f"{stem}-{slugs[key]}.md",
                "units": len(members),
                "score": sum(m["score"] for m in members) / len(members),
                "members": members,
            }
        )
    return out


def _part_slugs(keys: list[str]) -> dict[str, str]:
    """A distinct file-name part for each business unit (``""``: the organisation's own
    part, always ``organisation``): its id with what is no letter, digit, ``_``, ``.`` or
    ``-`` made ``-``. Names that would be the same, ignoring case (a unit with the id
    ``organisation``, ``a b`` and ``a-b``, ``Sales`` and ``sales`` on a case-insensitive
    disk), get ``-2``, ``-3``, ... in hierarchy order, never one another's own name."""

    def natural(key: str) -> str:
        return re.sub(r"[^A-Za-z0-9_.-]+", "-", key or "organisation").strip(".-") or "part"

    wanted = {key: natural(key) for key in keys}
    taken: set[str] = set()
    claimed = {slug.lower() for slug in wanted.values()}
    slugs: dict[str, str] = {}
    tried: dict[str, int] = {}  # the last number tried after each name
    for key in sorted(keys, key=lambda k: k != ""):  # the organisation's part first
        slug = wanted[key]
        if slug.lower() in taken:
            n = tried.get(slug.lower(), 1)
            while True:
                n += 1
                candidate = f"{slug}-{n}".lower()
                if candidate not in taken and candidate not in claimed:
                    break
            tried[slug.lower()] = n
            slug = f"{slug}-{n}"
        taken.add(slug.lower())
        slugs[key] = slug
    return slugs
