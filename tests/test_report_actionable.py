"""The report people act on (issue 16): what needs attention first, pace marks in every
key-result table, charts that stay readable, large reports within GitHub's limits, trends
that plot progress, links, and text from YAML that cannot turn into markup.

Fast tests build the report's data in this process from a repository without history; the
ones on the demo repository (git history, the forked lint pass) are in the slow tier."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrcli.history.source import moment
from okrcli.markdown import text as md
from okrcli.model.okr import Direction
from okrcli.model.quarter import Quarter
from okrcli.report import charts
from okrcli.report import data as report_data
from okrcli.report.links import Links, checked, web_address
from okrcli.report.render import Renderer
from okrcli.score.card import build as build_card
from okrcli.score.formats import progress, trend
from okrcli.scoring import dec_or_none, score_values
from tests.conftest import write_repo
from tests.test_history import demo  # noqa: F401 - the session fixture

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
MDCHECK = Path(__file__).resolve().parent.parent / "tools" / "render-check" / "mdcheck.py"


def unit_file(unit: str, parent: str, currents: list[float | None], title: str = "") -> str:
    krs = []
    for n, current in enumerate(currents):
        krs.append(
            f"      - id: kr{n}\n"
            f"        title: {title or f'Raise the share of orders number {n} of {unit}'}\n"
            "        baseline: 0\n"
            "        target: 100000\n"
            + (f"        current: {current}\n" if current is not None else "")
        )
    return (
        f"unit: {unit}\nquarter: 2026-Q4\nobjectives:\n  - id: goal\n"
        f"    title: Make things better for the customers of {unit}\n"
        f"    aligns_to: [{parent}]\n    key_results:\n" + "".join(krs)
    )


def organisation(
    root: Path, teams: int, currents: list[float | None] | None = None, bus: int = 2
) -> Path:
    """A company, ``bus`` business units and ``teams`` teams (Team 0 .. Team N-1)."""
    org = ["units:", "  - {id: co, name: Company, level: company}"]
    files = {"okrs/2026-Q4/co.yaml": unit_file("co", "strategy/growth", [50_000])}
    for b in range(bus):
        org.append(f"  - {{id: bu-{b}, name: BU {b}, level: business-unit, parent: co}}")
        files[f"okrs/2026-Q4/bu-{b}.yaml"] = unit_file(f"bu-{b}", "co/goal", [40_000])
    for t in range(teams):
        org.append(f"  - {{id: team-{t}, name: Team {t}, level: team, parent: bu-{t % bus}}}")
        values = currents if currents is not None else [1000.0 * (t % 60), 54_000.0]
        files[f"okrs/2026-Q4/team-{t}.yaml"] = unit_file(f"team-{t}", f"bu-{t % bus}/goal", values)
    org += ["strategy:", "  - {id: growth, title: 'Grow #1; the way we serve ~~everyone~~'}"]
    return write_repo(root, files, "\n".join(org) + "\n")


def build(root: Path, **kw: Any) -> dict[str, Any]:
    m = moment(root, None, NOW)
    card = build_card(m.repo, Quarter.parse("2026-Q4"), None, NOW)
    return report_data.build(card, m, Quarter.parse("2026-Q4"), [], **kw)


def render(data: dict[str, Any], name: str = "report.md.j2") -> str:
    return Renderer(name=name).render(data)


def mdcheck() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("mdcheck", MDCHECK)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sections(text: str) -> list[str]:
    return re.findall(r"^## (.+)$", text, re.M)


# --- 1: needs attention, a pace column with marks and a legend -------------------------


def test_needs_attention_comes_under_the_headline_worst_first(tmp_path: Path) -> None:
    root = organisation(tmp_path / "r", 6, [1000.0, None, 60_000.0])
    data = build(root)
    rows = data["attention"]
    # off track (1% of the way with 55% of the quarter gone) first, then never checked in
    assert [r["status"] for r in rows[:6]] == ["off track"] * 6
    # without git history nothing was ever checked in: a value written in the file is not a
    # check-in (the headline counts 0 of 21, the rows say the same)
    never = [r for r in rows if "never checked in" in r["why"]]
    assert {r["ref"] for r in never if r["ref"].endswith("/kr1")} == {
        f"team-{t}/goal/kr1" for t in range(6)
    }
    assert len(never) == 21  # 1 company, 2 business units, 6 teams of 3
    assert data["organisation"]["checked_in"] == 0
    off = rows[0]
    assert off["unit"] == "Team 0" and off["score"] == 0.01
    assert off["why"] == ["behind: score 0.01 with 55% of the quarter gone", "never checked in"]

    text = render(data)
    assert sections(text)[:2] == ["Needs attention", "Units at a glance"]
    head = text.split("## Needs attention")[0]
    assert "🟢 on track · 🟡 at risk · 🔴 off track" in head  # the legend, under the headline
    table = text.split("## Needs attention")[1].split("##")[0]
    assert "| Unit | Key result | Score | Pace | Why |" in table
    assert (
        "| Team 0 | Raise the share of orders number 0 of team-0 | 0.01 | 🔴 off track |" in table
    )


def test_every_key_result_table_has_a_pace_column(tmp_path: Path) -> None:
    text = render(build(organisation(tmp_path / "r", 3, [1000.0, 60_000.0])))
    units = text.split("## Units\n")[1].split("## What the history")[0]
    headers = [line for line in units.splitlines() if line.startswith("| Key result |")]
    assert headers and all("| Pace |" in h for h in headers)
    assert "| 🔴 off track |" in units and "| 🟢 on track |" in units


def test_needs_attention_is_capped_and_says_how_many_more(tmp_path: Path) -> None:
    data = build(organisation(tmp_path / "r", 40, [1000.0]))
    # the teams off track, the business units at risk, the company never checked in
    assert len(data["attention"]) == 43
    text = render(data)
    table = text.split("## Needs attention")[1].split("## ")[0]
    shown = [line for line in table.splitlines() if line.startswith("| Team")]
    assert len(shown) == report_data.ATTENTION_ROWS
    assert f"{report_data.ATTENTION_ROWS} of 43 shown" in table


# --- 3: the alignment chart stays readable ------------------------------------------------


def test_alignment_chart_is_cut_to_a_few_dozen_boxes_and_sums_up_the_rest(
    tmp_path: Path,
) -> None:
    data = build(organisation(tmp_path / "r", 200, bus=9))
    tree = data["tree"]
    chart = tree["mermaid"]
    boxes = len(re.findall(r'^\s+n\d+\["', chart, re.M))
    assert 0 < boxes <= charts.CHART_MAX_BOXES
    assert "Team 1" not in chart and "BU 0" in chart  # business units drawn, teams not
    # strategy themes in a column of their own, boxes coloured by status
    assert 'subgraph themes["Strategy"]' in chart and "direction TB" in chart
    assert re.search(r"^\s+classDef atrisk fill:", chart, re.M)  # the units at 0.4
    assert re.search(r"^\s+class n\d+(,n\d+)* atrisk$", chart, re.M)
    # the teams under each business unit: how many, mean score, the worst
    below = {b["name"]: b for b in tree["below"]}
    assert sum(b["units"] for b in below.values()) == 200
    bu0 = below["BU 0"]
    teams = [u for u in data["units"] if u["parent"] == "bu-0"]
    assert bu0["units"] == len(teams) == 23
    assert bu0["score"] == pytest.approx(sum(u["score"] for u in teams) / len(teams))
    assert bu0["worst"]["score"] == min(u["score"] for u in teams)
    text = render(data)
    part = text.split("## Alignment")[1]
    assert part.index(tree["note"]) < part.index("```mermaid")  # the note before the chart
    assert "| Parent unit | Units under it | Mean score | Worst |" in part
    assert "(green on track, yellow at risk, red off track, grey no pace yet)" in part
    assert len(tree["text"]) == 200 + 9 + 1 + 1  # the list keeps every objective


def test_labels_are_broken_into_short_lines_and_escaped() -> None:
    text = (
        "Payments: Make paying with us something nobody has to think about, ever, "
        "anywhere, for anyone at all"
    )
    label = charts.label(text)
    lines = label.split("<br>")
    assert len(lines) == charts.LABEL_LINES and lines[-1].endswith("…")
    assert all(len(line) <= charts.LABEL_WIDTH for line in lines)
    # an entity code in a title stays text; quotes, pipes and markup cannot end the label
    assert charts.escape('Grow #1; "fast" | <b>') == "Grow #35;1; #quot;fast#quot; #124; #lt;b#gt;"


# --- 4: at a glance, folded units, natural order, summary, split --------------------------


def test_units_at_a_glance_worst_first_and_units_in_natural_hierarchy_order(
    tmp_path: Path,
) -> None:
    data = build(organisation(tmp_path / "r", 12))
    scores = [u["score"] for u in data["glance"]]
    assert scores == sorted(scores)
    order = [u["name"] for u in data["units"]]
    assert order[:2] == ["Company", "BU 0"]
    bu0 = order[2 : order.index("BU 1")]
    assert bu0 == ["Team 0", "Team 2", "Team 4", "Team 6", "Team 8", "Team 10"]
    assert report_data.hierarchy_order(list(reversed(data["units"]))) == data["units"]


def test_large_reports_fold_each_unit(tmp_path: Path) -> None:
    small = render(build(organisation(tmp_path / "s", 3)))
    assert "<details><summary>" not in small.split("## Units\n")[1].split("## What")[0]
    data = build(organisation(tmp_path / "l", report_data.DETAILS_FROM + 1))
    text = render(data)
    units = text.split("## Units\n")[1].split("## What")[0]
    assert units.count("<details><summary>") == len(data["units"])
    assert units.count("</details>") == len(data["units"])


@pytest.mark.parametrize("teams", [5, 400])
def test_summary_fits_a_pull_request_comment(tmp_path: Path, teams: int) -> None:
    long = "Raise " + "the share of very long titles " * 200
    root = organisation(tmp_path / "r", teams, [1000.0, None, 100.0])
    for n in range(0, teams, 3):
        p = root / f"okrs/2026-Q4/team-{n}.yaml"
        p.write_text(unit_file(f"team-{n}", "bu-0/goal", [1000.0, 2.0], title=long))
    data = build(root)
    from okrcli.report.service import _summary

    text = _summary(Renderer(name="summary.md.j2"), data)
    assert len(text) <= report_data.COMMENT_LIMIT
    assert mdcheck().check(text, "summary", "comment") == []
    assert sections(text) == ["Needs attention", "Units at a glance"]
    assert "## Units\n" not in text and "```mermaid" not in text


def test_summary_gives_fewer_rows_until_it_fits(tmp_path: Path) -> None:
    data = build(organisation(tmp_path / "r", 30, [1000.0]))
    from okrcli.report import service

    huge = {**data, "organisation": {**data["organisation"], "name": "N" * 200}}
    text = service._summary(Renderer(name="summary.md.j2"), huge)
    assert len(text) < report_data.COMMENT_LIMIT
    tiny = report_data.COMMENT_LIMIT
    try:
        report_data.COMMENT_LIMIT = 3000
        short = service._summary(Renderer(name="summary.md.j2"), data)
    finally:
        report_data.COMMENT_LIMIT = tiny
    assert len(short) <= 3000 and "Needs attention" in short


def test_report_over_the_preview_limit_splits_by_business_unit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = build(organisation(tmp_path / "r", 12, bus=3))
    from okrcli.report import service

    monkeypatch.setattr(report_data, "PREVIEW_LIMIT", 2000)
    out = tmp_path / "out" / "report.md"
    out.parent.mkdir()
    index = service._split(Renderer(), data, out, tmp_path)
    assert out.read_text() == index
    files = sorted(p.name for p in out.parent.iterdir())
    assert files == [
        "report-bu-0.md",
        "report-bu-1.md",
        "report-bu-2.md",
        "report-organisation.md",
        "report.md",
    ]
    assert "[BU 1](report-bu-1.md): 5 units" in index and "### Team 1 " not in index
    assert "## Needs attention" in index
    bu1 = (out.parent / "report-bu-1.md").read_text()
    assert "[index](report.md)" in bu1 and "## Needs attention" not in bu1
    assert re.findall(r"^### (\w+ \d+) ", bu1, re.M) == [
        "BU 1",
        "Team 1",
        "Team 4",
        "Team 7",
        "Team 10",
    ]


# --- 5: the trend plots progress -------------------------------------------------------------

krs = st.builds(
    SimpleNamespace,
    direction=st.sampled_from(["increase", "decrease", "stay_above", "stay_below", None]),
    baseline=st.one_of(st.none(), st.integers(-1000, 1000).map(float)),
    target=st.one_of(st.none(), st.integers(-1000, 1000).map(float)),
    weekly=st.lists(st.one_of(st.none(), st.integers(-2000, 2000).map(float)), max_size=13),
    binary=st.booleans(),
)


@given(krs)
def test_progress_is_the_scoring_functions_score_of_each_week(kr: Any) -> None:
    direction = Direction(kr.direction) if kr.direction else None
    expected = [
        None
        if v is None
        else float(
            score_values(
                direction,
                dec_or_none(kr.baseline),
                dec_or_none(kr.target),
                dec_or_none(v),
                binary=kr.binary,
            ).score
        )
        for v in kr.weekly
    ]
    assert progress(kr) == pytest.approx(expected)


def test_trend_rises_as_a_lower_is_better_key_result_improves() -> None:
    falling = SimpleNamespace(
        direction="decrease", baseline=22.0, target=8.0, binary=False, weekly=[None, 22, 15, 8]
    )
    assert trend(falling) == "·▁▅█"
    text = "| x | `·▁▅█` |"  # in a code span, so one monospace font draws it
    assert mdcheck().cells(text) == 2


# --- 6: charts of the quarter ---------------------------------------------------------------


def score_card() -> Any:
    """Two units: A with key results at 0.1, 0.2, 0.3 and at none, 0, 0.5 by week (0 to 1),
    B with one at 1 all along; the headline score 0.70."""

    def kr(weekly: list[float | None]) -> Any:
        return SimpleNamespace(
            direction="increase", baseline=0.0, target=1.0, binary=False, weight=1.0, weekly=weekly
        )

    def unit(krs: list[Any]) -> Any:
        return SimpleNamespace(objectives=[SimpleNamespace(key_results=krs)])

    a = unit([kr([0.1, 0.2, 0.3]), kr([None, 0.0, 0.5])])
    return SimpleNamespace(units=[a, unit([kr([1.0, 1.0, 1.0])])], score=Decimal("0.70"))


def test_burn_up_distribution_and_unit_charts() -> None:
    weeks = [{"label": f"W{n}", "gone": n / 13} for n in range(1, 4)]

    def kr(p: list[float | None], score: float) -> dict[str, Any]:
        return {"progress": p, "score": score, "title": "T"}

    units = [
        {
            "name": "A",
            "objectives": [{"key_results": [kr([0.1, 0.2, 0.3], 0.3), kr([None, 0.0, 0.5], 0.5)]}],
        },
        {"name": "B", "objectives": [{"key_results": [kr([1.0, 1.0, 1.0], 1.0)]}]},
    ]
    burnup = report_data._burnup(score_card(), weeks, "Organisation")
    # as the headline works it out: A's objective (0.1 + 0) / 2 = 0.05, (0.2 + 0) / 2 = 0.1,
    # B 1.0: the organisation (0.05 + 1) / 2 = 0.525 -> 0.52 (half to even), 0.55; the last
    # week is the headline's score itself
    assert burnup.startswith("xychart-beta\n") and "bar [0.52, 0.55, 0.70]" in burnup
    assert "line [0.08, 0.15, 0.23]" in burnup
    dist = report_data._distribution(
        [k for u in units for o in u["objectives"] for k in o["key_results"]]
    )
    assert "bar [0, 0, 0, 1, 0, 1, 0, 0, 0, 1]" in dist
    chart = report_data._unit_chart(units[0], weeks)
    assert chart is not None
    # the week without a value is not drawn as 0: flat at the first value, said in the key
    assert (
        chart["mermaid"].count("\n    line [") == 2
        and "line [0.00, 0.00, 0.50]" in chart["mermaid"]
    )
    assert [c["mark"] for c in chart["key"]] == ["🟦", "🟧"]
    assert chart["key"][1]["title"] == "T (no value before W2)"


# --- 9: links, escaping, thousands ---------------------------------------------------------


@pytest.mark.parametrize(
    ("remote", "address"),
    [
        ("git@github.com:acme/okrs.git", "https://github.com/acme/okrs"),
        ("https://github.com/acme/okrs.git", "https://github.com/acme/okrs"),
        ("https://user:token@github.com/acme/okrs", "https://github.com/acme/okrs"),
        (
            "ssh://git@gitlab.example.com:2222/group/sub/okrs.git",
            "https://gitlab.example.com/group/sub/okrs",
        ),
        ("/srv/git/okrs.git", ""),
        ("https://github.com/acme/okrs) [x](javascript:1", ""),
    ],
)
def test_web_address_from_a_remote(remote: str, address: str) -> None:
    assert web_address(remote) == address


def test_links_to_files_lines_and_commits(tmp_path: Path) -> None:
    assert checked("https://github.com/acme/okrs/") == "https://github.com/acme/okrs"
    assert checked("javascript:alert(1)") == "" and checked("https://x.y/a b") == ""
    link = Links("https://github.com/acme/okrs", "abc123")
    assert link.file("okrs/2026-Q4/a b.yaml", 7) == (
        "https://github.com/acme/okrs/blob/abc123/okrs/2026-Q4/a%20b.yaml#L7"
    )
    assert link.commit("0123abcd") == "https://github.com/acme/okrs/commit/0123abcd"
    assert Links().file("x.yaml") == "" and link.commit("HEAD; rm") == ""
    data = build(organisation(tmp_path / "r", 2, [1000.0]), repo_url="https://github.com/acme/okrs")
    text = render(data)
    assert "[Team 0](https://github.com/acme/okrs/blob/HEAD/okrs/2026-Q4/team-0.yaml)" in text
    assert (
        "](https://github.com/acme/okrs/blob/HEAD/okrs/2026-Q4/team-1.yaml) | 🔴 off track |"
        in text
    )
    plain = render(build(organisation(tmp_path / "p", 2, [1000.0])))
    assert "](http" not in plain


def test_titles_cannot_strike_through_link_or_break_charts(tmp_path: Path) -> None:
    for value, safe in [
        ("~~gone~~", "\\~\\~gone\\~\\~"),
        ("see https://evil.example/x", "see https\\://evil.example/x"),
        ("www.example.com", "www\\.example.com"),
        ("plain title: 3/4 done", "plain title: 3/4 done"),
    ]:
        assert md(value) == safe
    data = build(organisation(tmp_path / "r", 2))
    chart = data["tree"]["mermaid"]
    assert "#35;1;" in chart and "Grow #1;" not in chart


def test_numbers_have_thousands_separators(tmp_path: Path) -> None:
    from okrcli.report.diff import _n

    assert [_n(v) for v in (12_500.0, 1234.5, -20_000, 999, None)] == [
        "12,500",
        "1,234.5",
        "-20,000",
        "999",
        "none",
    ]
    text = render(build(organisation(tmp_path / "r", 2, [1000.0, 54_000.0])))
    assert "| 0 | 1,000 | 100,000 |" in text and "| 0 | 54,000 | 100,000 |" in text


# --- the static check the render check runs ------------------------------------------------


def test_static_check_finds_malformed_tables_big_charts_and_sizes() -> None:
    check = mdcheck().check
    good = "| a | b |\n|---|---:|\n| 1 | `x\\|y` |\n\ntext\n"
    assert check(good, "g", "comment") == []
    bad = "| a | b |\n|---|---|\n| 1 | 2 | 3 |\n"
    assert check(bad, "b", "comment") == ["b:3: 3 cells in a table of 2 columns"]
    chart = "```mermaid\nflowchart LR\n" + "    a --> b\n" * 501 + "```\n"
    assert check(chart, "c", "file") == ["c:1: mermaid block with 501 edges (GitHub draws 500)"]
    assert check("x" * 65_537, "s", "comment") == [
        "s: 65,537 characters, more than a pull-request comment takes (65,536)"
    ]
    assert check("x" * 65_537, "s", "summary") == []
    assert check("```\nnever closed\n", "f", "file") == ["f:1: a code block that is never closed"]
    # a plain line right under a table is one more row to GFM
    assert check("| a | b |\n|---|---|\n| 1 | 2 |\n_cut_\n", "t", "file") == [
        "t:4: 1 cells in a table of 2 columns"
    ]
    assert check("| a | b |\n|---|---|\n| 1 | 2 |\n## next\n", "t", "file") == []


# --- 2: the check-in log, capped per key result, with counts -------------------------------


def test_checkin_log_keeps_the_latest_changes_of_each_key_result() -> None:
    from datetime import timedelta

    from okrcli.history.git import Commit
    from okrcli.history.timeline import QuarterHistory, Timeline

    def timeline(ref: str, weeks: int, day: int) -> Timeline:
        tl = Timeline(ref)
        for n in range(weeks):
            when = datetime(2026, 10, 1, tzinfo=UTC) + timedelta(days=7 * n + day)
            sha = f"{n:02d}{day:02d}" + "ab" * 18
            tl.add(Commit(sha, "Ana", "a@x", when, f"week {n}"), when, (0, 10, n, 0.5, None, None))
        return tl

    busy, quiet = timeline("u/o/busy", 10, 0), timeline("u/o/quiet", 2, 1)
    history = QuarterHistory.__new__(QuarterHistory)
    history.timelines = {"u/o/busy": busy, "u/o/quiet": quiet}
    link = Links("https://github.com/a/b", "HEAD")
    rows, counts = report_data.checkin_log(history, 200, per_kr=3, link=link)
    assert counts == {"changes": 10, "key_results": 2, "per_kr": 3, "shown": 4}
    assert [(r["kr"], r["new"]) for r in rows] == [
        ("u/o/busy", "9"),
        ("u/o/busy", "8"),
        ("u/o/busy", "7"),
        ("u/o/quiet", "1"),
    ]
    assert rows[0]["commit_link"] == f"https://github.com/a/b/commit/0900{'ab' * 18}"
    rows, counts = report_data.checkin_log(history, 2, per_kr=3)
    assert len(rows) == 2 and counts["shown"] == 2 and counts["changes"] == 10


# --- 8: okr score --format markdown, and the report's retrospective ------------------------


def test_score_markdown_mid_quarter_and_at_the_end(tmp_path: Path) -> None:
    from dataclasses import replace

    from okrcli.score.formats import brier_words, markdown

    root = organisation(tmp_path / "r", 2, [1000.0, 54_000.0])
    m = moment(root, None, NOW)
    card = build_card(m.repo, Quarter.parse("2026-Q4"), None, NOW)
    text = markdown(card)
    assert "To discuss" not in text and "What did we learn" not in text  # not mid-quarter
    assert "| Key result | Baseline | Current | Target | Score | Pace |" in text
    assert "|---|---:|---:|---:|---:|---|---:|---|---|" in text  # numbers right-aligned
    assert "| 0 | 54,000 | 100,000 | 0.54 | 🟢 on track |" in text
    assert mdcheck().check(text, "score", "summary") == []

    end = datetime(2027, 1, 5, tzinfo=UTC)
    card = build_card(m.repo, Quarter.parse("2026-Q4"), None, end)
    card.units[0] = replace(card.units[0], brier=Decimal("0.31"))
    text = markdown(card)
    assert "To discuss:" in text and "| Pace |" not in text
    assert (
        "Calibration of confidence check-ins: Brier score 0.31, worse than always saying 50% "
        "(which scores 0.25;" in text
    )
    assert brier_words(0.1).startswith("Brier score 0.1, better than")
    assert brier_words(Decimal("0.25")).startswith("Brier score 0.25, the same as")


def test_retrospective_asks_only_about_bands_that_have_units(tmp_path: Path) -> None:
    root = organisation(tmp_path / "r", 3, [1000.0])
    end = datetime(2027, 1, 5, tzinfo=UTC)
    m = moment(root, None, end)
    card = build_card(m.repo, Quarter.parse("2026-Q4"), None, end)
    text = render(report_data.build(card, m, Quarter.parse("2026-Q4"), []))
    assert "| 🔴 missed | 0 | 1,000 | 100,000 | 0.01 |" in text  # the band, in words
    assert "| Company | Raise the share of orders number 0 of co | 0.50 | 🔴 missed |" in text
    retro = text.split("## For the retrospective")[1]
    assert (
        "**Missed (below the stretch zone)**: Company, BU 0, Team 0, Team 2, BU 1, Team 1." in retro
    )
    assert "no unit" not in retro and "Over-achieved" not in retro
    assert "What did we learn" in retro and "Was the target too low" not in retro
    mid = render(build(root))
    assert "## For the retrospective" not in mid and "What did we learn" not in mid


def test_diff_markdown_is_cut_before_a_comments_limit() -> None:
    from okrcli.report.diff import Change, Diff, markdown

    changes = [
        Change("check-in", f"2026-Q4 team-{n}/goal/kr0", "current", "1", "2", title="T" * 80)
        for n in range(500)
    ]
    text = markdown(Diff("main", "HEAD", changes), limit=5000)
    assert len(text) <= 5000 and "cut to fit a pull-request comment" in text
    assert mdcheck().check(text, "diff", "comment") == []
    whole = markdown(Diff("main", "HEAD", changes[:3]))
    assert "cut to fit" not in whole and whole.count("| `2026-Q4 team-") == 3


@pytest.mark.slow
def test_the_summary_has_no_runs_of_blank_lines_and_counts_in_words(demo: Path) -> None:  # noqa: F811
    from tests.conftest import okr

    text = okr("report", "--at", "2026-11-20", "--summary", cwd=demo).stdout
    assert "\n\n\n" not in text
    assert "History: 1 moved goalpost; 1 stale key result; 0 parent objectives" in text


def test_a_report_over_the_preview_limit_to_a_device_is_one_piece(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``-o /dev/null`` (a device, as a pipe would be) gets the whole report, and nothing
    is written beside it."""
    import os

    from okrcli.report import service

    root = organisation(tmp_path / "r", 12, bus=3)
    monkeypatch.setattr(report_data, "PREVIEW_LIMIT", 2000)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert not service._a_file(fifo) and not service._a_file(Path(os.devnull))
    assert service._a_file(tmp_path / "new.md")
    text = service.report(service.ReportRequest(repo=root, cwd=root, output=Path(os.devnull)))
    assert "### Team 1 " in text  # every unit, not an index
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe", "r"]
