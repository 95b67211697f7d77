"""okr report: the demo repository, what needs attention first, pace marks, charts, large
reports within GitHub's limits, links, escaping and the template sandbox."""

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

from okrcli.errors import OkrError
from okrcli.history.source import moment
from okrcli.markdown import text as md
from okrcli.model.quarter import Quarter
from okrcli.report import charts
from okrcli.report import data as report_data
from okrcli.report.links import Links, checked, web_address
from okrcli.report.render import Renderer, environment
from okrcli.rules.base import GOOD_FILE
from okrcli.score.card import build as build_card
from okrcli.score.formats import trend
from tests.conftest import ROOT, commit_versions, git, okr, write_repo
from tests.test_history import demo  # noqa: F401 - the session fixture

AT = "2026-11-20"


def table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("|")]


def cells(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row)) - 1


def well_formed(text: str) -> None:
    """Every table row has as many cells as its header (the render check's static check)."""
    from tests.commands.test_report import mdcheck

    assert mdcheck().check(text, "report", "file") == []


@pytest.mark.slow
def test_demo_report_has_every_section(demo: Path) -> None:  # noqa: F811
    r = okr("report", "--at", AT, cwd=demo)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith("# Acme Retail: OKR report for 2026-Q4\n")
    # what needs attention first, the history before the log, no questions mid-quarter
    assert re.findall(r"^## (.+)$", out, re.M) == [
        "Needs attention",
        "Units at a glance",
        "Progress over the quarter",
        "Alignment",
        "Units",
        "What the history shows",
        "Check-in log",
    ]
    assert out.count("```mermaid") == 3 + 15  # burn-up, distribution, alignment; each unit's
    assert "| On track | At risk | Off track |" in out
    attention = out.split("## Needs attention")[1].split("## ")[0]
    assert re.search(
        r"\| Warehouse Systems \| Cut handheld scanner downtime per shift \| 0\.07 \| "
        r"🔴 off track \| behind: score 0\.07 with 55% of the quarter gone; stale: last "
        r"checked in 2026-10-09 \(42 days before\) \|",
        attention,
    )
    # the lowered target is scored against the agreed one (60), so the key result is behind
    assert (
        "| 0.45 | 🟡 at risk | behind: score 0.45 with 55% of the quarter gone; goalpost moved: "
        "target 60 → 50 (easier) on 2026-11-06 |"
    ) in attention
    assert "scanner-downtime" in out and "moved from 60 to 50 (easier)" in out
    log = out.split("## Check-in log")[1]
    assert log.lstrip().startswith("<details><summary>") and "</details>" in log
    assert "the latest 3 of each key result shown" in log
    assert len(re.findall(r"`growth/second-order/activation`", log)) == 3
    well_formed(out)


@pytest.mark.slow
def test_committed_example_report_is_current(demo: Path) -> None:  # noqa: F811
    committed = (ROOT / "examples" / "demo-report.md").read_text()
    assert okr("report", "--at", AT, cwd=demo).stdout == committed, (
        "regenerate it: scripts/demo writes build/demo/report.md; copy it to examples/"
    )


def test_report_is_the_same_when_the_lint_child_dies(
    demo: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Should the forked lint pass die, the report reads the repository again and lints it
    here: the same report."""
    import os

    from okrcli.report import service

    request = service.ReportRequest(at=AT, cwd=demo, repo=demo)
    expected = service.report(request)
    parent = os.getpid()
    real = service._findings

    def dies_in_child(*args: Any) -> Any:
        if os.getpid() != parent:
            os._exit(9)
        return real(*args)

    monkeypatch.setattr(service, "_findings", dies_in_child)
    assert service.report(request) == expected
    assert "moved from 60 to 50" in expected  # the findings are in it


@pytest.mark.slow
def test_report_of_one_unit_to_a_file(demo: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "r.md"
    r = okr("report", "--at", AT, "--unit", "checkout", "-o", str(out), cwd=demo)
    assert r.returncode == 0 and "wrote" in r.stdout
    text = out.read_text()
    assert "### Checkout" in text and "### Payments" not in text
    assert okr("report", "--unit", "nobody", cwd=demo).returncode == 2


@pytest.mark.slow
def test_text_from_yaml_cannot_break_the_layout_or_ping_people(tmp_path: Path) -> None:
    nasty = "Raise | conversion <script>alert(1)</script> `code` **bold** @dana [x](y)"
    text = GOOD_FILE.replace("Raise checkout conversion of returning customers", f"'{nasty}'")
    text = text.replace(
        "Make checkout effortless for returning customers",
        '"Two\\nlines | and <b>html</b> for @team"',
    )
    root = write_repo(tmp_path / "r", {})
    commit_versions(root, "okrs/2026-Q4/checkout.yaml", [("2026-10-01", text)])
    r = okr("report", "--at", "2026-10-02", cwd=root)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "<script>" not in out and "<b>" not in out
    assert "@dana" not in out and "@team" not in out and "@\u200bdana" in out
    well_formed(out)
    mermaid = out.split("flowchart LR")[1].split("```")[0]
    assert "<" not in mermaid.replace("<br>", "") and "|" not in mermaid.replace("-->", "")


@pytest.mark.parametrize("value", ["a|b", "x\ny", "<i>", "`t`", "@me"])
def test_md_filter(value: str) -> None:
    out = md(value)
    assert "\n" not in out and "<i>" not in out and "@me" not in out
    assert re.search(r"(?<!\\)\|", out) is None and re.search(r"(?<!\\)`", out) is None


@pytest.mark.slow
@given(
    st.one_of(
        st.text(),
        st.text(
            alphabet="abcXYZ019 .,:;!?%()'\"/#+=~$^{}-&<>\\|`*_[]@\t\n\u00a0\u2028éw\x1b\u202e"
        ),
        st.sampled_from(["see https://x.org", "www.x.org", "a ~~b~~", "HTTP://X", "awww.b"]),
        st.lists(st.sampled_from(["Grow", "NPS", "31%", "(p95)", "a-b", "x/y"]), min_size=1).map(
            " ".join
        ),
    )
)
def test_md_takes_the_short_way_only_for_text_it_would_not_change(value: str) -> None:
    from okrcli.markdown import _ESCAPES as _MD_ESCAPES
    from okrcli.markdown import unlink
    from okrcli.textsafe import visible

    assert md(value) == unlink(visible(" ".join(value.split())).translate(_MD_ESCAPES))


DATA = {"quarter": "2026-Q4", "units": [{"name": "A"}]}


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ units.__class__ }}", "may not"),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "may not"),
        ("{% for u in units %}{{ u.__init__.__globals__ }}{% endfor %}", "may not"),
        (
            "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
            "took longer",
        ),
        ("{% for i in range(10**7) %}{% endfor %}", "may not"),
        ("{{ 1 / 0 }}", "ZeroDivisionError"),
        ("{{ 'x' * 10**9 }}", "too large"),
        ("{{ nothing_here }}", "failed"),
        ("{% for %}", "failed"),
    ],
)
def test_hostile_templates_fail_cleanly(tmp_path: Path, template: str, message: str) -> None:
    path = tmp_path / "evil.md.j2"
    path.write_text(template)
    with pytest.raises(OkrError, match=message):
        Renderer(template=path, seconds=2).render(DATA)


def test_output_past_the_size_bound_stops_the_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many small pieces count too: the template is stopped once its output passes the
    bound, not after it has built all of it."""
    from okrcli.report import render as render_module

    monkeypatch.setattr(render_module, "SIZE_LIMIT", 50_000)
    path = tmp_path / "long.md.j2"
    path.write_text(
        "{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}"
    )
    with pytest.raises(OkrError, match="produced more than 50,000 characters; it was stopped"):
        Renderer(template=path, seconds=5).render(DATA)
    fits = tmp_path / "fits.md.j2"
    fits.write_text("{% for i in range(9000) %}{{ i }},{% endfor %}")
    assert Renderer(template=fits).render(DATA) == ",".join(str(i) for i in range(9000)) + ","


@pytest.mark.slow
def test_repository_templates_extend_the_bundled_one(demo: Path, tmp_path: Path) -> None:  # noqa: F811
    copy = tmp_path / "demo"
    git(tmp_path, "clone", "-q", str(demo), str(copy))
    (copy / "templates").mkdir()
    (copy / "templates" / "report.md.j2").write_text(
        '{% extends "okr/report.md.j2" %}{% block checkins %}## Our log\n{% endblock %}'
    )
    out = okr("report", "--at", AT, cwd=copy).stdout
    assert "## Our log" in out and "## Check-in log" not in out and "## Alignment" in out
    custom = tmp_path / "mine.md.j2"
    custom.write_text(
        "{{ organisation.name }}: {{ units | length }} units, {{ checkins | length }} check-ins\n"
    )
    assert okr("report", "--at", AT, "--template", str(custom), cwd=copy).stdout.startswith(
        "Acme Retail: 15 units,"
    )


def _units(teams: int) -> list[dict[str, Any]]:
    """One company, two business units and ``teams`` teams, as the report's data has them."""

    def unit(uid: str, level: str, parent: str) -> dict[str, Any]:
        objective = {
            "id": "goal",
            "title": f"Objective of {uid} with a fairly long title, as real ones have",
            "score": 0.5,
            "status": "at risk",
            "aligns_to": [f"{parent}/goal"] if parent else ["strategy/growth"],
        }
        return {
            "id": uid,
            "name": uid.title(),
            "level": level,
            "parent": parent,
            "score": 0.5,
            "status": "at risk",
            "objectives": [objective],
        }

    units = [unit("co", "company", ""), unit("bu-a", "business-unit", "co")]
    units += [unit("bu-b", "business-unit", "co")]
    units += [unit(f"team-{i}", "team", "bu-a" if i % 2 else "bu-b") for i in range(teams)]
    return units


def _mermaid_edges(chart: str) -> int:
    return sum(" --> " in line for line in chart.splitlines())


def test_alignment_chart_fits_what_github_draws() -> None:
    themes = {"growth": "Grow"}
    small = report_data._tree(_units(10), themes)
    assert small["note"] == "" and _mermaid_edges(small["mermaid"]) == 13
    assert len(small["text"]) == 14 and small["below"] == []

    big = report_data._tree(_units(1500), themes)
    chart = big["mermaid"]
    assert chart.startswith("flowchart LR") and "Team-" not in chart and "Bu-A" in chart
    assert _mermaid_edges(chart) == 3
    assert "business-unit objectives only" in big["note"] and "1,504 boxes" in big["note"]
    assert len(big["text"]) == 1504  # the list keeps every objective
    assert [(b["name"], b["units"]) for b in big["below"]] == [("Bu-B", 750), ("Bu-A", 750)]

    # the bundled template shows the note over the chart, and no empty chart without one
    template = environment([]).get_template("report.md.j2")
    shown = "".join(
        template.blocks["alignment"](
            template.new_context({"tree": big, "ended": False, "legend": []})
        )
    )
    assert big["note"] in shown and shown.count("```mermaid") == 1
    assert shown.index(big["note"]) < shown.index("```mermaid")
    none = {**big, "mermaid": ""}
    shown = "".join(
        template.blocks["alignment"](
            template.new_context({"tree": none, "ended": False, "legend": []})
        )
    )
    assert "```mermaid" not in shown and big["note"] in shown


def test_dict_keys_and_dict_methods_read_as_jinja2_reads_them(tmp_path: Path) -> None:
    template = tmp_path / "t.md.j2"
    template.write_text(
        "{{ d.title }}|{{ d['items'] }}|{{ d.items() | list | length }}|"
        "{{ d.missing is defined }}|{{ n.k }}"
    )
    out = Renderer(template=template).render({"d": {"title": "T", "items": "I"}, "n": {"k": [1]}})
    assert out == "T|I|2|False|[1]"
    template.write_text("{{ d.__class__ }}")
    with pytest.raises(OkrError):
        Renderer(template=template).render({"d": {}})


def test_needs_attention_reads_the_findings_facts_not_their_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """stale-kr (OKR401) and moved-goalpost (OKR402) reworded beyond recognition: the report
    still lists the stale key results and the moved goalpost, from the findings' facts."""
    from datetime import UTC, datetime

    from okrcli.history.source import moment
    from okrcli.model.quarter import Quarter
    from okrcli.rules.base import Rule
    from okrcli.rules.history import _checked_in
    from okrcli.score.card import build as build_card
    from tests.conftest import run_lint

    root = write_repo(tmp_path / "r", {})
    q4 = "okrs/2026-Q4/checkout.yaml"
    commit_versions(
        root,
        q4,
        [
            ("2026-10-01", _checked_in("0")),
            ("2026-10-09", _checked_in("10")),
            ("2026-11-06", _checked_in("10", "target: 32")),  # current unchanged: no check-in
        ],
    )
    said = Rule.at

    def reworded(*args: Any, **kw: Any) -> Any:
        found = said(*args, **kw)
        return type(found)(
            found.rel, found.span, "Reworded: nothing to read here.", found.hint, found.facts
        )

    monkeypatch.setattr(Rule, "at", staticmethod(reworded))
    findings = run_lint(root, at=AT).diagnostics
    codes = sorted(d.code for d in findings if d.code in ("OKR401", "OKR402"))
    assert codes == ["OKR401"] * 3 + ["OKR402"]
    assert {d.message for d in findings} == {"Reworded: nothing to read here."}

    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    quarter = Quarter.parse("2026-Q4")
    assert quarter is not None
    m = moment(root, None, now)
    data = report_data.build(build_card(m.repo, quarter, None, now), m, quarter, findings)
    assert (data["organisation"]["stale"], data["organisation"]["moved"]) == (3, 1)
    why = {row["ref"]: row["why"] for row in data["attention"]}
    ref = "checkout/effortless-checkout/"
    assert "goalpost moved: target 34 → 32 (easier) on 2026-11-06" in why[ref + "conversion"]
    for kr in ("conversion", "repeat-time", "payment-errors"):
        assert "stale: last checked in 2026-10-09 (42 days before)" in why[ref + kr]
    text = Renderer().render(data)
    attention = text.split("## Needs attention")[1].split("## ")[0]
    assert "goalpost moved: target 34 → 32 (easier) on 2026-11-06" in attention
    assert attention.count("stale: last checked in 2026-10-09 (42 days before)") == 3


NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


MDCHECK = Path(__file__).resolve().parents[2] / "tools" / "render-check" / "mdcheck.py"


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


krs = st.builds(
    SimpleNamespace,
    direction=st.sampled_from(["increase", "decrease", "stay_above", "stay_below", None]),
    baseline=st.one_of(st.none(), st.integers(-1000, 1000).map(float)),
    target=st.one_of(st.none(), st.integers(-1000, 1000).map(float)),
    weekly=st.lists(st.one_of(st.none(), st.integers(-2000, 2000).map(float)), max_size=13),
    binary=st.booleans(),
)


def test_trend_rises_as_a_lower_is_better_key_result_improves() -> None:
    falling = SimpleNamespace(
        direction="decrease", baseline=22.0, target=8.0, binary=False, weekly=[None, 22, 15, 8]
    )
    assert trend(falling) == "·▁▅█"
    text = "| x | `·▁▅█` |"  # in a code span, so one monospace font draws it
    assert mdcheck().cells(text) == 2


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
