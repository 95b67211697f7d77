"""okr report and okr diff on the demo repository; escaping; the template sandbox."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrcli.errors import OkrError
from okrcli.report import data as report_data
from okrcli.report.render import Renderer, environment, md
from okrcli.rules.base import GOOD_FILE
from tests.conftest import ROOT, commit_versions, git, okr, write_repo
from tests.test_history import demo  # noqa: F401 - the session fixture

AT = "2026-11-20"


def table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("|")]


def cells(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row)) - 1


@pytest.mark.slow
def test_demo_report_has_every_section(demo: Path) -> None:  # noqa: F811
    r = okr("report", "--at", AT, cwd=demo)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    for heading in (
        "# Acme Retail: OKR report for 2026-Q4",
        "## Alignment",
        "```mermaid",
        "flowchart LR",
        "<details>",
        "## Units",
        "## Check-in log",
        "## What the history shows",
        "## For the retrospective",
    ):
        assert heading in out, heading
    assert "| On track | At risk | Off track |" in out
    assert "scanner-downtime" in out and "moved from 60 to 50 (easier)" in out
    assert re.search(r"\| Kim \| `growth/second-order/activation` \| target \| 60 → 50 \|", out)
    for row in table_rows(out):  # every table row has as many cells as its header
        assert cells(row) in (6, 8, 3, 4), row


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
    for row in table_rows(out):
        assert cells(row) in (6, 8, 3, 4), row
    mermaid = out.split("```mermaid")[1].split("```")[0]
    assert "<" not in mermaid and "|" not in mermaid.replace("-->", "")


@pytest.mark.parametrize("value", ["a|b", "x\ny", "<i>", "`t`", "@me"])
def test_md_filter(value: str) -> None:
    out = md(value)
    assert "\n" not in out and "<i>" not in out and "@me" not in out
    assert re.search(r"(?<!\\)\|", out) is None and re.search(r"(?<!\\)`", out) is None


@pytest.mark.slow
@given(
    st.one_of(
        st.text(),
        st.text(alphabet="abcXYZ019 .,:;!?%()'\"/#+=~$^{}-&<>\\|`*_[]@\t\n\u00a0\u2028é\x1b\u202e"),
        st.lists(st.sampled_from(["Grow", "NPS", "31%", "(p95)", "a-b", "x/y"]), min_size=1).map(
            " ".join
        ),
    )
)
def test_md_takes_the_short_way_only_for_text_it_would_not_change(value: str) -> None:
    from okrcli.report.render import _MD_ESCAPES
    from okrcli.textsafe import visible

    assert md(value) == visible(" ".join(value.split())).translate(_MD_ESCAPES)


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
        "Acme Retail: 12 units,"
    )


@pytest.mark.slow
def test_diff_between_two_demo_commits(demo: Path) -> None:  # noqa: F811
    rev = git(demo, "log", "--format=%H", "--grep", "growth week 6 of 2026-Q4").strip()
    r = okr("diff", f"{rev}~1", rev, cwd=demo)
    assert r.returncode == 0, r.stderr
    lines = [line.strip() for line in r.stdout.splitlines()[1:]]
    assert lines == [
        "~ 2026-Q4 growth/second-order/activation: target changed 60 -> 50 (easier)",
        "~ 2026-Q4 growth/second-order/activation: checked in 44.91 -> 46.75 "
        "(score 0.25 -> 0.68 (+0.43))",
        "~ 2026-Q4 growth/second-order/second-order-30d: checked in 19.17 -> 19.58 "
        "(score 0.23 -> 0.32 (+0.08))",
        "~ 2026-Q4 growth/second-order/unsubscribe: checked in 0.99 -> 0.96 "
        "(score 0.28 -> 0.35 (+0.08))",
    ]
    md_out = okr("diff", f"{rev}~1", rev, "--format", "markdown", cwd=demo).stdout
    assert "**Goals changed**" in md_out and "| easier |" in md_out
    assert "| 44.91 | 46.75 | score 0.25 → 0.68 (+0.43) |" in md_out


@pytest.mark.slow
def test_diff_of_the_working_tree_with_findings(demo: Path, tmp_path: Path) -> None:  # noqa: F811
    copy = tmp_path / "demo"
    git(tmp_path, "clone", "-q", str(demo), str(copy))
    path = copy / "okrs/2026-Q4/checkout.yaml"
    path.write_text(
        path.read_text().replace(
            "title: Raise checkout conversion of returning visitors",
            "title: Launch the new checkout page",
        )
    )
    r = okr("diff", "HEAD", cwd=copy)
    assert "title changed Raise checkout conversion of returning visitors -> Launch" in r.stdout
    assert "Lint findings introduced:" in r.stdout and "OKR205 initiative-kr" in r.stdout
    assert okr("diff", "--", "nosuchrev", cwd=copy).returncode == 2


def _org(teams: int) -> tuple[Any, Any]:
    """A score card and moment with one company, two business units and ``teams`` teams."""

    def unit(uid: str, level: str, parent: str | None) -> SimpleNamespace:
        objective = SimpleNamespace(
            id="goal",
            title=f"Objective of {uid} with a fairly long title, as real ones have",
            score=Decimal("0.5"),
            aligns_to=[f"{parent}/goal"] if parent else ["strategy/growth"],
        )
        return SimpleNamespace(id=uid, name=uid.title(), level=level, objectives=[objective])

    units = [unit("co", "company", None), unit("bu-a", "business-unit", "co")]
    units += [unit("bu-b", "business-unit", "co")]
    units += [unit(f"team-{i}", "team", "bu-a" if i % 2 else "bu-b") for i in range(teams)]
    org = SimpleNamespace(strategy=[SimpleNamespace(id="growth", title="Grow")])
    return SimpleNamespace(units=units), SimpleNamespace(repo=SimpleNamespace(org=org))


def _mermaid_edges(chart: str) -> int:
    return sum(" --> " in line for line in chart.splitlines())


def test_alignment_chart_fits_what_github_draws() -> None:
    small = report_data._tree(*_org(10))
    assert small["note"] == "" and _mermaid_edges(small["mermaid"]) == 13
    assert len(small["text"]) == 14

    big = report_data._tree(*_org(1500))
    chart = big["mermaid"]
    assert chart.startswith("flowchart LR") and "Team-" not in chart and "Bu-A" in chart
    assert len(chart) <= report_data.CHART_MAX_CHARS
    assert _mermaid_edges(chart) <= report_data.CHART_MAX_EDGES
    assert "business-unit objectives only" in big["note"] and "1,504 objectives" in big["note"]
    assert len(big["text"]) == 1504  # the list keeps every objective

    # the bundled template shows the note under the chart, and no empty chart without one
    template = environment([]).get_template("report.md.j2")
    shown = "".join(template.blocks["alignment"](template.new_context({"tree": big})))
    assert big["note"] in shown and shown.count("```mermaid") == 1
    none = {**big, "mermaid": ""}
    shown = "".join(template.blocks["alignment"](template.new_context({"tree": none})))
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
