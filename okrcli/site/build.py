"""``okr site``: every quarter of the history as a folder of static pages.

Built in process on the core: one :func:`~okrcli.history.source.moment`, each quarter's
history, :func:`okrcli.score.card.build` and the report's data (so every number is the one
``okr score`` and ``okr report`` give for that quarter and day). The pages are rendered by
okr's own templates (``templates/site/``) with autoescaping; charts are inline SVG
(:mod:`okrcli.site.svg`); nothing on a page is loaded from outside the folder, and no page
needs a script.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, partial
from html import escape
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from okrcli.errors import OkrError
from okrcli.fsutil import UnsafePathError, atomic_write, name_text
from okrcli.history.source import Moment, moment
from okrcli.lint.diagnostics import Diagnostic
from okrcli.lint.engine import lint_repository
from okrcli.lint.request import LintRequest
from okrcli.load.files import resolve_root
from okrcli.model.quarter import QUARTER_RE, Quarter
from okrcli.render import templates_dir
from okrcli.report import data as report_data
from okrcli.report.charts import STATUS
from okrcli.report.findings import sort_findings
from okrcli.report.links import Links
from okrcli.report.service import check_output_path
from okrcli.score.card import build
from okrcli.score.service import choose_quarter, quarters_present
from okrcli.site import svg

LOG_PER_KR = 12  # the check-in log of a unit page: the latest changes of each key result


@dataclass(slots=True)
class SiteRequest:
    output: Path
    at: str | None = None
    quarters: str | None = None  # FROM..TO, either end may be left out
    repo: Path | None = None
    cwd: Path = field(default_factory=Path.cwd)
    now: datetime | None = None
    repo_url: str | None = None


@dataclass(slots=True)
class SiteResult:
    folder: Path
    files: list[str]
    quarters: list[str]
    left_out: list[str]  # OKR files that could not be read (their units are left out)


def pick_quarters(present: list[str], asked: str | None) -> list[str]:
    """The quarters of ``present`` within ``asked`` (``FROM..TO``, ``FROM..``, ``..TO`` or
    one quarter)."""
    if asked is None:
        return present
    ends = asked.split("..")
    if len(ends) > 2 or not all(QUARTER_RE.match(e) for e in ends if e) or not any(ends):
        raise OkrError(
            f"--quarters {asked}: give FROM..TO as quarters, like 2026-Q1..2026-Q4 "
            "(either end may be left out: 2026-Q3..)."
        )
    low, high = (ends[0], ends[-1]) if len(ends) == 2 else (ends[0], ends[0])
    chosen = [q for q in present if (not low or q >= low) and (not high or q <= high)]
    if not chosen:
        raise OkrError(f"--quarters {asked}: the repository has no OKR files for those quarters.")
    return chosen


def build_site(request: SiteRequest) -> SiteResult:
    """Build the site into ``request.output`` and say what was written."""
    root = resolve_root(request.repo, request.cwd, request.cwd)
    folder = request.cwd / request.output
    check_output_path(folder / "index.html", request.output / "index.html", root)
    m = moment(root, request.at, request.now)
    present = quarters_present(m.repo)
    if not present:
        raise OkrError(
            f"there are no OKR files under {m.repo.config.okrs_dir}/ yet; "
            "write one (see the README's quickstart)."
        )
    chosen = pick_quarters(present, request.quarters)
    findings = lint_repository(m.repo, LintRequest(cwd=root), m).diagnostics
    start_month = m.repo.config.fiscal_year_start_month
    quarters = []
    for name in chosen:
        q = Quarter.parse(name, start_month)
        assert q is not None  # quarters_present keeps well-formed ones only
        quarters.append(_quarter(m, q, request.repo_url, findings))
    running = str(choose_quarter(m.repo, None, m.at))
    site = Site.of(m, quarters, running if running in chosen else chosen[-1])
    files = site.files()
    for name in files:  # every file's place checked before any is written
        check_output_path(folder / name, request.output / name, root)
    for name, make in files.items():
        _write(folder / name, name_text(make()), request.output / name, root)
    left_out = sorted({f for q in quarters for f in q["organisation"]["left_out"]})
    return SiteResult(folder, list(files), chosen, left_out)


def _write(path: Path, text: str, shown: Path, root: Path) -> None:
    """Write one file of the site (never through a link inside the repository)."""
    try:
        atomic_write(path, text, within=root)
    except UnsafePathError as exc:
        raise OkrError(f"will not write {shown}: {exc.strerror}.") from None
    except OSError as exc:
        raise OkrError(f"cannot write {shown}: {exc.strerror or exc}.") from None


def _quarter(
    m: Moment, q: Quarter, repo_url: str | None, findings: list[Diagnostic]
) -> dict[str, Any]:
    """One quarter's report data, with its score by week and every unit's check-in log."""
    name = str(q)
    history = m.history(name)
    card = build(m.repo, q, history, m.at)
    card.notices[:0] = m.notices
    data = report_data.build_without_findings(card, m, q, repo_url=repo_url)
    prefix = f"{m.repo.config.okrs_dir}/{name}/"
    report_data.add_findings(data, sort_findings([d for d in findings if d.rel.startswith(prefix)]))
    data["by_week"] = report_data.score_by_week(card, len(data["weeks"]))
    log, _ = report_data.checkin_log(history, 10**9, LOG_PER_KR, link=_links(data))
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for row in log:
        by_unit.setdefault(row["kr"].split("/")[0], []).append(row)
    data["unit_log"] = by_unit
    return data


def _links(data: dict[str, Any]) -> Links:
    return Links(data["repo_url"], data["repo_rev"]) if data["repo_url"] else Links()


def web_link(url: str) -> str:
    """``url`` if it is an http(s) address, else "": no link made from repository text is
    ever ``javascript:`` or ``data:``."""
    return url if re.match(r"https?://[^\s\"'<>]+$", url or "") else ""


def _csv_text(value: Any) -> str:
    """A cell a spreadsheet reads as text, never as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_HEAD = (
    "quarter",
    "unit",
    "unit_name",
    "objective",
    "key_result",
    "title",
    "baseline",
    "current",
    "target",
    "confidence",
    "score",
    "status",
    "trend",
    "last_checkin",
    "note",
)


def quarter_csv(data: dict[str, Any]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_HEAD)
    for u in data["units"]:
        for o in u["objectives"]:
            for k in o["key_results"]:
                w.writerow(
                    [
                        data["quarter"],
                        u["id"],
                        _csv_text(u["name"]),
                        o["id"],
                        k["id"],
                        _csv_text(k["title"]),
                        _csv_text(k["baseline"]),
                        _csv_text(k["current"]),
                        _csv_text(k["target"]),
                        _csv_text(k["confidence"]),
                        f"{k['score']:.2f}",
                        k["status_words"],
                        _csv_text(k["trend"]),
                        k["last_checkin"],
                        _csv_text(k["note"]),
                    ]
                )
    return out.getvalue()


_DATA_KEYS = ("quarter", "at", "date", "elapsed", "ended", "organisation", "attention", "weeks")


# what data.json leaves out: drawings (text bars, sparklines, charts, the marks), and what
# is worked out from what it keeps (a key result's progress from its weekly values)
_NOT_IN_DATA = frozenset(("chart", "bar", "mark", "progress", "trend", "same", "level_rank"))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in _NOT_IN_DATA}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _unit_json(u: dict[str, Any]) -> dict[str, Any]:
    return _plain(u)  # type: ignore[no-any-return]


def alignment_html(items: list[dict[str, Any]]) -> Markup:
    """The alignment tree (the report's nested list: depth and label) as nested lists, each
    box with boxes under it a collapsible ``<details>``."""
    out: list[str] = ['<ul class="tree">']
    depth = 0
    for n, item in enumerate(items):
        d = item["depth"]
        while depth > d:
            out.append("</ul></details></li>")
            depth -= 1
        label = escape(item["label"])
        has_children = n + 1 < len(items) and items[n + 1]["depth"] > d
        if has_children:
            out.append(f"<li><details open><summary>{label}</summary><ul>")
            depth += 1
        else:
            out.append(f"<li>{label}</li>")
    out += ["</ul></details></li>"] * depth
    out.append("</ul>")
    return Markup("".join(out))


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir() / "site"),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["web_link"] = web_link
    env.filters["score"] = lambda v: "-" if v is None else f"{v:.2f}"
    return env


@dataclass(slots=True)
class Site:
    m: Moment
    quarters: list[dict[str, Any]]
    running: str
    slugs: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, m: Moment, quarters: list[dict[str, Any]], running: str) -> Site:
        site = cls(m, quarters, running)
        ids: list[str] = []
        for q in quarters:
            for u in q["units"]:
                if u["id"] not in site.names:
                    ids.append(u["id"])
                site.names[u["id"]] = u["name"]  # the latest quarter's name
        site.slugs = report_data.part_slugs(ids)
        return site

    def page(self, unit: str) -> str:
        return f"unit-{self.slugs[unit]}.html"

    def files(self) -> dict[str, Callable[[], str]]:
        """Each file's name, and how to make its text: every name is known (and checked)
        before any text is made, and each text is written as soon as it is made."""
        env = _environment()
        script = (templates_dir() / "site" / "search.js").read_text(encoding="utf-8")
        common = {
            # the one script (the index's search box), allowed by its hash alone
            "search_js": Markup(script),
            "script_hash": base64.b64encode(hashlib.sha256(script.encode()).digest()).decode(),
            "organisation": self._org_name(),
            "date": self.m.at.date().isoformat(),
            "quarters": [q["quarter"] for q in self.quarters],
            "page_of": {u: self.page(u) for u in self.slugs},
        }

        def page(template: str, make: Callable[[], dict[str, Any]]) -> Callable[[], str]:
            return lambda: env.get_template(template).render(**common, **make())

        files: dict[str, Callable[[], str]] = {
            "index.html": page("index.html.j2", self._index),
            "style.css": lambda: (templates_dir() / "site" / "site.css").read_text("utf-8"),
        }
        for q in self.quarters:
            files[f"quarter-{q['quarter']}.html"] = page(
                "quarter.html.j2", partial(self._quarter_page, q)
            )
            files[f"{q['quarter']}.csv"] = partial(quarter_csv, q)
        for unit in self.slugs:
            files[self.page(unit)] = page("unit.html.j2", partial(self._unit_page, unit))
        files["data.json"] = self._data_json
        return files

    def _org_name(self) -> str:
        org = self.m.repo.org
        if org is None:
            return "Organisation"
        return next((u.name for u in org.units if u.parent is None), "Organisation")

    def _data_json(self) -> str:
        return json.dumps(self._data(), separators=(",", ":"), ensure_ascii=False) + "\n"

    def _data(self) -> dict[str, Any]:
        return {
            "organisation": self._org_name(),
            "at": self.m.at.isoformat(),
            "running": self.running,
            "quarters": [
                {
                    **{k: _plain(q[k]) for k in _DATA_KEYS},
                    "score_by_week": q["by_week"],
                    "units": [{**_unit_json(u), "page": self.page(u["id"])} for u in q["units"]],
                }
                for q in self.quarters
            ],
        }

    def _scores_chart(self) -> dict[str, Any]:
        labels = [q["quarter"] for q in self.quarters]
        scores = [q["organisation"]["score"] for q in self.quarters]
        return svg.lines(
            "org-scores",
            "The organisation's score quarter by quarter",
            "A line of the organisation's score (0 to 1) for each quarter: "
            + ", ".join(f"{q} {s:.2f}" for q, s in zip(labels, scores, strict=True))
            + ".",
            labels,
            [("Score", scores)],
        )

    def _index(self) -> dict[str, Any]:
        now = next(q for q in self.quarters if q["quarter"] == self.running)
        return {
            "title": f"OKRs of {self._org_name()}",
            "scores": self._scores_chart(),
            "history": [
                {
                    "quarter": q["quarter"],
                    "score": q["organisation"]["score"],
                    "ended": q["ended"],
                    "units": q["organisation"]["units"],
                    "key_results": q["organisation"]["key_results"],
                    "status_words": _org_status(q),
                }
                for q in reversed(self.quarters)
            ],
            "now": now,
            "now_charts": self._quarter_charts(now),
        }

    def _quarter_charts(self, q: dict[str, Any]) -> list[dict[str, Any]]:
        name = q["quarter"]
        out = []
        if q["weeks"]:
            labels = [w["label"] for w in q["weeks"]]
            out.append(
                svg.bars_and_line(
                    f"burnup-{name}",
                    f"{name}: score by week",
                    f"Bars: the score at the end of each week of {name}; line: the share of "
                    f"the quarter gone. The last week's score is {q['by_week'][-1]:.2f}.",
                    labels,
                    q["by_week"],
                    [w["gone"] for w in q["weeks"]],
                    ("Score", "Quarter gone"),
                )
            )
        krs = [k for u in q["units"] for o in u["objectives"] for k in o["key_results"]]
        if krs:
            counts = [0] * report_data.BUCKETS
            for k in krs:
                counts[min(report_data.BUCKETS - 1, int(k["score"] * report_data.BUCKETS))] += 1
            labels = [
                f"{n / report_data.BUCKETS:.1f}-{(n + 1) / report_data.BUCKETS:.1f}"
                for n in range(report_data.BUCKETS)
            ]
            out.append(
                svg.bars(
                    f"spread-{name}",
                    f"{name}: key results by score",
                    f"How the scores of the {len(krs)} key results of {name} spread, in "
                    "tenths: "
                    + ", ".join(f"{lb} {c}" for lb, c in zip(labels, counts, strict=True)),
                    labels,
                    counts,
                    "Key results",
                )
            )
        return out

    def _quarter_page(self, q: dict[str, Any]) -> dict[str, Any]:
        return {
            "title": f"{q['quarter']}: {self._org_name()}",
            "q": q,
            "charts": self._quarter_charts(q),
            "tree": alignment_html(q["tree"]["text"]),
        }

    def _unit_page(self, unit: str) -> dict[str, Any]:
        seen = [(q, u) for q in self.quarters for u in q["units"] if u["id"] == unit]
        labels = [q["quarter"] for q, _ in seen]
        scores = [u["score"] for _, u in seen]
        name = self.names[unit]
        chart = svg.lines(
            "unit-scores",
            f"{name}: score quarter by quarter",
            f"A line of {name}'s score (0 to 1) for each quarter: "
            + ", ".join(f"{lb} {s:.2f}" for lb, s in zip(labels, scores, strict=True))
            + ".",
            labels,
            [(name, scores)],
        )
        return {
            "title": f"{name}: {self._org_name()}",
            "unit": unit,
            "name": name,
            "chart": chart,
            "seen": [
                {"q": q, "u": u, "log": q["unit_log"].get(unit, [])} for q, u in reversed(seen)
            ],
        }


def _org_status(q: dict[str, Any]) -> str:
    org = q["organisation"]
    if q["ended"]:
        return "ended"

    return STATUS.get(org["pace"], STATUS[""])[2]
