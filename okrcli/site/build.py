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
import os
import re
import stat
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
from okrcli.fsutil import UnsafePathError, atomic_write, inside, name_text
from okrcli.history.source import Moment, moment
from okrcli.lint.diagnostics import Diagnostic
from okrcli.lint.engine import lint_repository
from okrcli.lint.request import LintRequest
from okrcli.load.files import resolve_root
from okrcli.model.quarter import QUARTER_RE, Quarter, Years, parse_period
from okrcli.render import templates_dir
from okrcli.report import data as report_data
from okrcli.report.charts import STATUS
from okrcli.report.findings import sort_findings
from okrcli.report.links import Links
from okrcli.report.service import check_output_path
from okrcli.score.card import ScoreCard, build
from okrcli.score.enclosing import aligned_rows, enclosing_rows
from okrcli.score.service import choose_quarter, quarters_present
from okrcli.site import svg

LOG_PER_KR = 12  # the check-in log of a unit page: the latest changes of each key result

# written into every folder okr site builds: the next build may write there again, and no
# other folder with files in it is ever written into
MARKER = ".okr-site"
MARKER_TEXT = (
    "This folder was written by `okr site`; the next `okr site -o` into it replaces its pages.\n"
)


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
    periods: list[str] = field(default_factory=list)  # format 1.2: years and spans of years


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


def pick_periods(
    repo_periods: list[Years], chosen: list[Quarter], asked: str | None
) -> list[Years]:
    """Format 1.2: the years and spans of years the site shows: all of them, or with
    ``--quarters`` those that overlap the chosen quarters."""
    if asked is None:
        return repo_periods
    first, last = chosen[0].start, chosen[-1].end
    return [p for p in repo_periods if p.start <= last and first <= p.end]


def periods_present(m: Moment) -> list[Years]:
    """The years and spans of years the repository has OKR files for: years first, each
    kind oldest first."""
    start_month = m.repo.config.fiscal_year_start_month
    found: dict[str, Years] = {}
    for d in m.repo.docs:
        if d.model is None or d.model.period in found:
            continue
        period = parse_period(d.model.period, start_month)
        if isinstance(period, Years):
            found[d.model.period] = period
    return sorted(found.values(), key=lambda p: (p.kind != "year", str(p)))


def check_folder(folder: Path, shown: Path) -> None:
    """Refuse to write into a folder that holds files okr site did not write (the
    repository's root, a docs folder with its own index.html, ...): okr site writes into a
    missing or empty folder, or one with its marker file (a folder it wrote before)."""
    try:
        info = os.stat(folder)  # a link the user chose outside the repository is their own
        if not stat.S_ISDIR(info.st_mode):
            raise OkrError(f"will not write into {shown}: it is not a folder; give -o a folder.")
        names = sorted(os.listdir(folder))
        if not names:
            return
        if MARKER in names and stat.S_ISREG(os.lstat(folder / MARKER).st_mode):
            # okr site makes no link: one in its folder is someone else's, never written
            # through (checked here, before any file is written, and again by each write)
            links = [n for n in names if os.path.islink(folder / n)]
            if not links:
                return
            raise OkrError(
                f"will not write into {shown}: {shown / links[0]} is a link (to "
                f"{os.readlink(folder / links[0])}), which okr site did not make; okr site "
                "writes no file through a link: remove it first."
            )
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OkrError(f"cannot write into {shown}: {exc.strerror or exc}.") from None
    named = "index.html" if "index.html" in names else names[0]
    raise OkrError(
        f"will not write into {shown}: it holds files okr site did not write "
        f"({shown / named}{' and more' if len(names) > 1 else ''}), and okr site would "
        "overwrite them. Give -o a new or empty folder (like `okr site -o site`); a folder "
        f"okr site wrote before has its {MARKER} file and is written again."
    )


def build_site(request: SiteRequest) -> SiteResult:
    """Build the site into ``request.output`` and say what was written."""
    root = resolve_root(request.repo, request.cwd, request.cwd)
    folder = request.cwd / request.output
    check_output_path(folder / "index.html", request.output / "index.html", root)
    check_folder(folder, request.output)
    m = moment(root, request.at, request.now)
    present = quarters_present(m.repo)
    if not present:
        some = "quarterly " if periods_present(m) else ""
        raise OkrError(
            f"there are no {some}OKR files under {m.repo.config.okrs_dir}/ yet; "
            "write one (see the README's quickstart)."
        )
    chosen = pick_quarters(present, request.quarters)
    findings = lint_repository(m.repo, LintRequest(cwd=root), m).diagnostics
    start_month = m.repo.config.fiscal_year_start_month
    parsed = []
    for name in chosen:
        q = Quarter.parse(name, start_month)
        assert q is not None  # quarters_present keeps well-formed ones only
        parsed.append(q)
    quarters = [_quarter(m, q, request.repo_url, findings) for q in parsed]
    spans = pick_periods(periods_present(m), parsed, request.quarters)
    periods = [_period(m, span, request.repo_url, findings) for span in spans]
    running = str(choose_quarter(m.repo, None, m.at))
    site = Site.of(m, quarters, running if running in chosen else chosen[-1], periods)
    files = site.files()
    for name in [MARKER, *files]:  # every file's place checked before any is written
        check_output_path(folder / name, request.output / name, root)
    _write(folder / MARKER, MARKER_TEXT, request.output / MARKER, root)
    for name, make in files.items():
        _write(folder / name, name_text(make()), request.output / name, root)
    left_out = sorted({f for q in [*quarters, *periods] for f in q["organisation"]["left_out"]})
    return SiteResult(folder, list(files), chosen, left_out, [str(p) for p in spans])


def _write(path: Path, text: str, shown: Path, root: Path) -> None:
    """Write one file of the site: never through a link inside the repository, nor through
    a link in a folder outside it (the folder may be a link the user chose, but what it
    holds is okr site's own, and okr site makes no link)."""
    given = os.path.abspath(path.parent)
    mine = any(inside(given, base) for base in (os.path.abspath(root), os.path.realpath(root)))
    try:
        atomic_write(path, text, within=root if mine else path.parent)
    except UnsafePathError as exc:
        if not mine and os.path.islink(path):
            raise OkrError(
                f"will not write {shown}: it is a link (to {os.readlink(path)}), which okr "
                "site did not make; okr site writes no file through a link: remove it first."
            ) from None
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
    # format 1.2: the annual and multi-year objectives it aligns to, as okr score names them
    card.enclosing = enclosing_rows(m.repo, q, m.at, m.history)
    data = report_data.build_without_findings(card, m, q, repo_url=repo_url)
    _with_12(data, card)
    prefix = f"{m.repo.config.okrs_dir}/{name}/"
    report_data.add_findings(data, sort_findings([d for d in findings if d.rel.startswith(prefix)]))
    data["by_week"] = report_data.score_by_week(card, len(data["weeks"]))
    log, _ = report_data.checkin_log(history, 10**9, LOG_PER_KR, link=_links(data))
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for row in log:
        by_unit.setdefault(row["kr"].split("/")[0], []).append(row)
    data["unit_log"] = by_unit
    return data


def _period(
    m: Moment, span: Years, repo_url: str | None, findings: list[Diagnostic]
) -> dict[str, Any]:
    """Format 1.2: a year's or a span's data, from the score card ``okr score --year`` (or
    ``--years``) gives at the same moment, built by the report's code as a quarter's is."""
    name = str(span)
    history = m.history(name)
    card = build(m.repo, span, history, m.at)
    card.notices[:0] = m.notices
    # each objective's aligned_from: the shorter periods' objectives that align to it, as
    # okr report --year gives them
    aligned = aligned_rows(m.repo, span, m.at, m.history)
    data = report_data.build_without_findings(card, m, span, repo_url=repo_url, aligned=aligned)
    _with_12(data, card)
    prefix = f"{m.repo.config.okrs_dir}/{name}/"
    report_data.add_findings(data, sort_findings([d for d in findings if d.rel.startswith(prefix)]))
    data["by_week"] = report_data.score_by_week(card, len(data["weeks"]))
    data["kind"] = span.kind
    return data


def _with_12(data: dict[str, Any], card: ScoreCard) -> None:
    """Format 1.2's facts the report's data leaves out, added only where they say something
    (so a 1.1 repository's data is as it was): each key result's declared indicator, and a
    shared objective's other owners (``shared_with``) or, on a sharing unit's card, the unit
    whose file holds it (``held_by``)."""
    rows = {c.id: c for c in card.units}
    for u in data["units"]:
        for o, row in zip(u["objectives"], rows[u["id"]].objectives, strict=True):
            for k, krow in zip(o["key_results"], row.key_results, strict=True):
                if krow.indicator is not None:
                    k["indicator"] = krow.indicator
            if row.shared_with:
                o["shared_with"] = list(row.shared_with)
                holder = row.key_results[0].ref.split("/", 1)[0] if row.key_results else u["id"]
                if holder != u["id"]:
                    o["held_by"] = holder


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
    """One row per key result of each unit (a shared objective's on each sharing unit's
    rows); a year's or a span's CSV names its period in a ``period`` column."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_HEAD if "kind" not in data else ("period", *CSV_HEAD[1:]))
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
    env.filters["period_page"] = period_page
    return env


def period_page(name: str) -> str:
    """The page of a quarter, a year or a span of years."""
    if QUARTER_RE.match(name):
        return f"quarter-{name}.html"
    return f"year-{name}.html" if "-" not in name else f"years-{name}.html"


@dataclass(slots=True)
class Site:
    m: Moment
    quarters: list[dict[str, Any]]
    running: str
    periods: list[dict[str, Any]] = field(default_factory=list)  # format 1.2
    slugs: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        m: Moment,
        quarters: list[dict[str, Any]],
        running: str,
        periods: list[dict[str, Any]] | None = None,
    ) -> Site:
        site = cls(m, quarters, running, periods or [])
        ids: list[str] = []
        for q in quarters:
            for u in q["units"]:
                if u["id"] not in site.names:
                    ids.append(u["id"])
                site.names[u["id"]] = u["name"]  # the latest quarter's name
        for p in site.periods:  # a unit with annual or multi-year objectives only
            for u in p["units"]:
                if u["id"] not in site.names:
                    ids.append(u["id"])
                    site.names[u["id"]] = u["name"]
        site.slugs = report_data.part_slugs(ids)
        site._link_aligned()
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
            # format 1.2: the years and spans, each with its page
            "periods": [(p["quarter"], period_page(p["quarter"])) for p in self.periods],
            "score_command": "okr score --quarter QUARTER",
            "names": self.names,
        }

        def page(template: str, make: Callable[[], dict[str, Any]]) -> Callable[[], str]:
            return lambda: env.get_template(template).render(**{**common, **make()})

        files: dict[str, Callable[[], str]] = {
            "index.html": page("index.html.j2", self._index),
            "style.css": lambda: (templates_dir() / "site" / "site.css").read_text("utf-8"),
        }
        for q in self.quarters:
            files[f"quarter-{q['quarter']}.html"] = page(
                "quarter.html.j2", partial(self._quarter_page, q)
            )
            files[f"{q['quarter']}.csv"] = partial(quarter_csv, q)
        for p in self.periods:
            files[period_page(p["quarter"])] = page("period.html.j2", partial(self._period_page, p))
            files[f"{p['quarter']}.csv"] = partial(quarter_csv, p)
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
        data = {
            "organisation": self._org_name(),
            "at": self.m.at.isoformat(),
            "running": self.running,
            "quarters": [self._data_of(q) for q in self.quarters],
        }
        if self.periods:  # format 1.2; a 1.1 repository's data.json is as it was
            data["periods"] = [self._data_of(p) for p in self.periods]
        return data

    def _data_of(self, q: dict[str, Any]) -> dict[str, Any]:
        """A quarter's, a year's or a span's entry of data.json, with format 1.2's keys only
        where they say something (a 1.1 repository's entries are as they were)."""
        period = "kind" in q
        organisation = {
            k: v
            for k, v in _plain(q["organisation"]).items()
            if v or k not in ("indicators", "indicator_words")
        }
        units = []
        for u in q["units"]:
            unit = {**_unit_json(u), "page": self.page(u["id"])}
            if not period:  # a quarter's objectives have no shorter periods aligning to them
                for o in unit["objectives"]:
                    o.pop("aligned_from", None)
            units.append(unit)
        entry = {
            **{k: _plain(q[k]) for k in _DATA_KEYS},
            "organisation": organisation,
            "score_by_week": q["by_week"],
            "units": units,
        }
        if period:
            entry = {
                "period": q["quarter"],
                "kind": q["kind"],
                "page": period_page(q["quarter"]),
            } | {k: v for k, v in entry.items() if k != "quarter"}
        if q["enclosing"]:
            keys = ("ref", "title", "period", "elapsed", "score", "status", "aligned_from")
            entry["enclosing"] = [{k: e[k] for k in keys} for e in q["enclosing"]]
        return entry

    def _link_aligned(self) -> None:
        """Each objective aligning to a year's or span's objective gets ``page``: its
        period's page when the site has it, else ""."""
        shown = {q["quarter"] for q in [*self.quarters, *self.periods]}
        for p in self.periods:
            for u in p["units"]:
                for o in u["objectives"]:
                    for a in o.get("aligned_from", []):
                        a["page"] = period_page(a["period"]) if a["period"] in shown else ""

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
            "spans": [
                {
                    "period": p["quarter"],
                    "page": period_page(p["quarter"]),
                    "score": p["organisation"]["score"],
                    "elapsed": p["elapsed"],
                    "status_words": _org_status(p),
                    "units": p["organisation"]["units"],
                    "key_results": p["organisation"]["key_results"],
                }
                for p in self.periods
            ],
        }

    def _quarter_charts(self, q: dict[str, Any]) -> list[dict[str, Any]]:
        name = q["quarter"]
        word = {"year": "year", "years": "period"}.get(q.get("kind", ""), "quarter")
        out = []
        if q["weeks"]:
            labels = [w["label"] for w in q["weeks"]]
            out.append(
                svg.bars_and_line(
                    f"burnup-{name}",
                    f"{name}: score by week",
                    f"Bars: the score at the end of each week of {name}; line: the share of "
                    f"the {word} gone. The last week's score is {q['by_week'][-1]:.2f}.",
                    labels,
                    q["by_week"],
                    [w["gone"] for w in q["weeks"]],
                    ("Score", f"{word.capitalize()} gone"),
                )
            )
        krs = [
            k  # a shared objective's key results once, under the unit whose file holds them
            for u in q["units"]
            for o in u["objectives"]
            if "held_by" not in o
            for k in o["key_results"]
        ]
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

    def _period_page(self, p: dict[str, Any]) -> dict[str, Any]:
        return {
            "title": f"{p['quarter']}: {self._org_name()}",
            "p": p,
            "word": "year" if p["kind"] == "year" else "period",
            "charts": self._quarter_charts(p),
            "score_command": f"okr score --{p['kind']} {p['quarter']}",
        }

    def _unit_page(self, unit: str) -> dict[str, Any]:
        seen = [(q, u) for q in self.quarters for u in q["units"] if u["id"] == unit]
        labels = [q["quarter"] for q, _ in seen]
        scores = [u["score"] for _, u in seen]
        name = self.names[unit]
        chart = (
            svg.lines(
                "unit-scores",
                f"{name}: score quarter by quarter",
                f"A line of {name}'s score (0 to 1) for each quarter: "
                + ", ".join(f"{lb} {s:.2f}" for lb, s in zip(labels, scores, strict=True))
                + ".",
                labels,
                [(name, scores)],
            )
            if seen
            else None
        )
        spans = [(p, u) for p in self.periods for u in p["units"] if u["id"] == unit]
        return {
            "title": f"{name}: {self._org_name()}",
            "unit": unit,
            "name": name,
            "chart": chart,
            "seen": [
                {"q": q, "u": u, "log": q["unit_log"].get(unit, [])} for q, u in reversed(seen)
            ],
            # format 1.2: its annual and multi-year objectives, years first
            "spans": [{"p": p, "u": u, "page": period_page(p["quarter"])} for p, u in spans],
        }


def _org_status(q: dict[str, Any]) -> str:
    org = q["organisation"]
    if q["ended"]:
        return "ended"

    return STATUS.get(org["pace"], STATUS[""])[2]
