"""okr report and okr diff on the demo repository; escaping; the template sandbox."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrcli.errors import OkrError
from okrcli.markdown import text as md
from okrcli.report import data as report_data
from okrcli.report.render import Renderer, environment
from okrcli.rules.base import GOOD_FILE
from tests.conftest import ROOT, commit_versions, git, okr, write_repo
from tests.test_history import demo  # noqa: F401 - the session fixture

AT = "2026-11-20"


def table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("|")]


def cells(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row)) - 1


def well_formed(text: str) -> None:
    """Every table row has as many cells as its header (the render check's static check)."""
    from tests.test_report_actionable import mdcheck

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


@pytest.mark.slow
def test_diff_between_two_demo_commits(demo: Path) -> None:  # noqa: F811
    rev = git(demo, "log", "--format=%H", "--grep", "growth week 6 of 2026-Q4").strip()
    r = okr("diff", f"{rev}~1", rev, cwd=demo)
    assert r.returncode == 0, r.stderr
    lines = [line.strip() for line in r.stdout.splitlines()[1:]]
    # the target lowered on 6 November, after the quarter's targets were agreed, is a moved
    # goalpost: scored, as okr score does, against the agreed 60 (0.34), so the check-in's
    # 0.25 -> 0.34 is the whole change
    assert lines == [
        "~ 2026-Q4 growth/second-order/activation: target changed 60 -> 50 "
        "(moved goalpost: the quarter's agreed target is 60, which okr score keeps scoring "
        "against; easier: score 0.34 -> 0.34 (+0.00))",
        "~ 2026-Q4 growth/second-order/activation: checked in 44.91 -> 46.75 "
        "(score 0.25 -> 0.34 (+0.09))",
        "~ 2026-Q4 growth/second-order/second-order-30d: checked in 19.17 -> 19.58 "
        "(score 0.23 -> 0.32 (+0.09))",
        "~ 2026-Q4 growth/second-order/unsubscribe: checked in 0.99 -> 0.96 "
        "(score 0.28 -> 0.35 (+0.07))",
    ]
    md_out = okr("diff", f"{rev}~1", rev, "--format", "markdown", cwd=demo).stdout
    moved, progress = md_out.split("**Goalposts moved")[1].split("**Progress (check-ins)**")
    title = "Raise the share of new accounts that save a delivery address at signup"
    assert (
        f"| `2026-Q4 growth/second-order/activation` target | {title} | 60 | 50 | moved "
        "goalpost: the quarter's agreed target is 60, which okr score keeps scoring against; "
        "easier: score 0.34 → 0.34 (+0.00) |"
    ) in moved
    assert (
        f"| `2026-Q4 growth/second-order/activation` current | {title} | 44.91 | 46.75 "
        "| score 0.25 → 0.34 (+0.09) |"
    ) in progress
    well_formed(md_out)


def test_diff_score_changes_add_up_after_rounding() -> None:
    from okrcli.model.okr import KeyResult
    from okrcli.report.diff import compare

    def kr(target: float, current: float) -> Any:
        return KeyResult.model_validate(
            {"id": "k", "title": "T", "baseline": 0, "target": target, "current": current}
        )

    def repo(k: Any) -> Any:
        objective = SimpleNamespace(id="o", title="O", key_results=[k])
        model = SimpleNamespace(period="2026-Q4", unit="u", objectives=[objective])
        return SimpleNamespace(docs=[SimpleNamespace(model=model, text=None)])

    # 0.254 -> 0.676 rounds to 0.25 -> 0.68: the change is +0.43, not round(0.422) = +0.42
    changes = compare(repo(kr(1000, 254)), repo(kr(1000, 676)))
    assert [c.score for c in changes] == [("0.25", "0.68", "+0.43")]
    changes = compare(repo(kr(1000, 254)), repo(kr(500, 338)))
    parts = {c.kind: c.score for c in changes}
    assert parts == {"target": ("0.34", "0.68", "+0.34"), "check-in": ("0.25", "0.34", "+0.09")}


def _demo_with_a_task_title(demo: Path, tmp_path: Path) -> Path:  # noqa: F811
    """A clone of the demo whose checkout objective's first key result now reads as a task
    (an initiative-kr finding), not committed."""
    copy = tmp_path / "demo"
    git(tmp_path, "clone", "-q", str(demo), str(copy))
    path = copy / "okrs/2026-Q4/checkout.yaml"
    path.write_text(
        path.read_text().replace(
            "title: Raise checkout conversion of returning visitors",
            "title: Launch the new checkout page",
        )
    )
    return copy


@pytest.mark.slow
def test_diff_of_the_working_tree_with_findings(demo: Path, tmp_path: Path) -> None:  # noqa: F811
    copy = _demo_with_a_task_title(demo, tmp_path)
    r = okr("diff", "HEAD", cwd=copy)
    assert "title changed Raise checkout conversion of returning visitors -> Launch" in r.stdout
    assert "Lint findings introduced:" in r.stdout and "OKR205 initiative-kr" in r.stdout
    assert okr("diff", "--", "nosuchrev", cwd=copy).returncode == 2


@pytest.mark.slow
def test_diff_is_the_same_when_the_base_lint_child_dies(
    demo: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The base is linted in a forked child; should it die, the base is read again and
    linted here: the same findings introduced and fixed."""
    import os

    from okrcli.report import diff as diff_module

    copy = _demo_with_a_task_title(demo, tmp_path)
    expected = diff_module.diff("HEAD~1", None, repo=copy, cwd=copy)
    assert expected.introduced
    parent = os.getpid()
    real = diff_module._findings
    here = []

    def dies_in_child(*args: Any) -> Any:
        if os.getpid() != parent:
            os._exit(9)
        here.append(args)
        return real(*args)

    monkeypatch.setattr(diff_module, "_findings", dies_in_child)
    assert diff_module.diff("HEAD~1", None, repo=copy, cwd=copy) == expected
    assert len(here) == 2  # the head, and the base again


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


def test_diff_matches_findings_by_their_facts_not_their_wording() -> None:
    """okr diff's introduced and fixed findings: one whose message was reworded but whose
    facts are the same is the same finding; other facts make another one."""
    from okrcli.lint.facts import StaleKrFacts
    from okrcli.report.diff import _key
    from tests.conftest import diagnostic

    def stale(message: str, days: int) -> Any:
        facts = StaleKrFacts(
            key_result="checkout/effortless-checkout/conversion",
            last_checkin=None,
            written=date(2026, 10, 1),
            days=days,
            on=date(2026, 11, 20),
            limit=14,
        )
        return diagnostic(code="OKR401", message=message, facts=facts)

    assert _key(stale("old words", 50)) == _key(stale("new words", 50))
    assert _key(stale("old words", 50)) != _key(stale("old words", 51))
