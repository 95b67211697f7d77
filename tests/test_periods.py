"""Format 1.2's periods through okr's own commands (issue 30): an annual file beside
quarterly ones, a quarter aligning to it with ``@2025``, and the annual key results scored
over their own year.

Acme's annual file (okrs/2025/acme.yaml, the fiscal year = the calendar year 2025, 365 days)
holds one objective, loyal-customers, with three key results:

    nrr      baseline 100, target 112
    repeat   baseline 28,  target 40 (written on 5 January), 38 from 10 January (in the grace)
    nps      baseline 30,  target 50, moved to 45 on 16 March (after the grace: OKR402)

checked in on 2 March (103, 30, 34), 29 June (106, 33, 41) and 28 December (110, 37, 47),
and once more after the year closed, on 18 January 2026 (nrr 111). The numbers below are
worked out by hand from docs/scoring.md, never by okr's scoring.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from okrcli.lint.facts import BrokenReferenceFacts
from tests.conftest import commit_versions, git, okr, run_lint, write_repo

ORG = """\
units:
  - {id: acme, name: Acme, level: company}
  - {id: checkout, name: Checkout, level: team, parent: acme}
strategy:
  - {id: retention, title: Grow the lifetime value of the customers we have}
"""


def annual(
    nrr: str = "", repeat: str = "", nps: str = "", *, repeat_target: int = 38, nps_target: int = 50
) -> str:
    def current(value: str) -> str:
        return f"\n        current: {value}" if value else ""

    return f"""\
unit: acme
year: 2025
objectives:
  - id: loyal-customers
    title: Make Acme the shop our customers come back to
    aligns_to: [strategy/retention]
    key_results:
      - id: nrr
        title: Raise net revenue retention
        indicator: lagging
        baseline: 100
        target: 112{current(nrr)}
      - id: repeat
        title: Raise the share of customers who order again within 90 days
        indicator: leading
        baseline: 28
        target: {repeat_target}{current(repeat)}
      - id: nps
        title: Raise the Net Promoter Score of repeat customers
        indicator: lagging
        baseline: 30
        target: {nps_target}{current(nps)}
"""


CHECKOUT_Q3 = """\
unit: checkout
quarter: 2025-Q3
objectives:
  - id: effortless-reorder
    title: Make ordering again effortless for returning customers
    aligns_to: [acme/loyal-customers@2025]
    key_results:
      - {id: saved-card, title: Raise repeat orders paid by saved card, baseline: 40, target: 50}
      - {id: reorder-time, title: Cut median time to reorder, baseline: 95, target: 60}
      - {id: reorder-errors, title: Lower failed repeat orders, baseline: 2.4, target: 1.0}
"""

VERSIONS = [
    ("2025-01-05", annual(repeat_target=40)),
    ("2025-01-10", annual()),  # within the first 14 days: the agreed target is 38
    ("2025-03-02", annual("103", "30", "34")),
    ("2025-03-16", annual("103", "30", "34", nps_target=45)),  # a moved goalpost
    ("2025-06-29", annual("106", "33", "41", nps_target=45)),
    ("2025-12-28", annual("110", "37", "47", nps_target=45)),
    ("2026-01-18", annual("111", "37", "47", nps_target=45)),  # after the year closed
]


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    root = write_repo(tmp_path / "acme", {"okr.yaml": "okrs_dir: okrs\n"}, ORG)
    git(root, "init", "-q", "-b", "main")
    (root / "okrs/2025-Q3").mkdir(parents=True)
    (root / "okrs/2025-Q3/checkout.yaml").write_text(CHECKOUT_Q3, encoding="utf-8")
    commit_versions(root, "okrs/2025/acme.yaml", VERSIONS)
    return root


def _json(*args: str, cwd: Path) -> dict[str, object]:
    run = okr(*args, "--format", "json", cwd=cwd)
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads(run.stdout)
    assert isinstance(data, dict)
    return data


def _lint_json(*args: str, cwd: Path) -> list[dict[str, Any]]:
    run = okr(*args, "--format", "json", cwd=cwd)
    assert run.returncode in (0, 1), run.stdout + run.stderr
    data = json.loads(run.stdout)
    assert isinstance(data, list)
    return data


def _krs(card: dict[str, object]) -> dict[str, dict[str, Any]]:
    units = card["units"]
    assert isinstance(units, list)
    return {k["ref"]: k for u in units for o in u["objectives"] for k in o["key_results"]}


@pytest.mark.slow
def test_okr_score_year_mid_year_paces_over_the_year(acme: Path) -> None:
    card = _json("score", "--year", "2025", "--at", "2025-07-01", cwd=acme)
    # --at 2025-07-01 is the end of that day: 182 of the year's 365 days gone,
    # 182 / 365 = 0.4986, shown rounded as 0.50
    assert card["quarter"] == "2025" and card["span"] == "year"
    assert card["elapsed"] == 0.5 and card["ended"] is False
    krs = _krs(card)
    # values as of 29 June; each (current - baseline) / (target - baseline)
    # nrr:    (106 - 100) / (112 - 100) = 6 / 12 = 0.50
    # repeat: (33 - 28) / (38 - 28) = 5 / 10 = 0.50 (38 was agreed inside the grace)
    # nps:    (41 - 30) / (50 - 30) = 11 / 20 = 0.55, against the agreed 50, not the 45
    #         moved to on 16 March (against 45 it would be 11 / 15 = 0.73)
    assert krs["acme/loyal-customers/nrr"]["score"] == 0.5
    assert krs["acme/loyal-customers/repeat"]["score"] == 0.5
    assert krs["acme/loyal-customers/nps"]["score"] == 0.55
    assert krs["acme/loyal-customers/nps"]["target"] == 50
    # pace: on track at 0.9 of the expected 0.4986 = 0.4488 or more; 0.50 and 0.55 are
    assert {k["pace"] for k in krs.values()} == {"on track"}
    # the objective: (0.50 + 0.50 + 0.55) / 3 = 1.55 / 3 = 0.5167, shown 0.52
    assert card["score"] == 0.52
    assert card["indicators"] == {"leading": 1, "lagging": 2, "unset": 0}
    text = okr("score", "--year", "2025", "--at", "2025-07-01", cwd=acme).stdout
    assert text.startswith("2025 as of 2025-07-01 (50% of the year gone): ")
    assert "indicators 1 leading, 2 lagging, 0 undeclared" in text
    assert "target moved from 50 to 45 on 2025-03-16" in text


@pytest.mark.slow
def test_okr_score_year_after_the_year_gives_bands_and_stands_at_close(acme: Path) -> None:
    card = _json("score", "--year", "2025", "--at", "2026-01-20", cwd=acme)
    # the year is over (its last day 31 December) and closed (plus scoring.close_days, 14:
    # the closing day is 14 January 2026): the 18 January change of nrr to 111 is not scored
    assert card["ended"] is True and card["closed_on"] == "2026-01-14"
    krs = _krs(card)
    # values as of 28 December:
    # nrr:    (110 - 100) / 12 = 0.8333, shown 0.83 (111 would give 0.9167)
    # repeat: (37 - 28) / 10 = 0.90
    # nps:    (47 - 30) / 20 = 17 / 20 = 0.85 (the agreed target, 50)
    assert krs["acme/loyal-customers/nrr"]["score"] == 0.83
    assert krs["acme/loyal-customers/nrr"]["current"] == 110
    assert krs["acme/loyal-customers/nrr"]["after_close"]["value"] == 111
    assert krs["acme/loyal-customers/repeat"]["score"] == 0.9
    assert krs["acme/loyal-customers/nps"]["score"] == 0.85
    # the objective: (0.8333 + 0.90 + 0.85) / 3 = 2.5833 / 3 = 0.8611, shown 0.86: above
    # the stretch band's 0.8, so over-achieved; no pace once the year is over
    assert card["score"] == 0.86
    assert card["bands"] == {"missed": 0, "stretch": 0, "over": 1}
    assert {k["pace"] for k in krs.values()} == {None}


@pytest.mark.slow
def test_okr_lint_history_rules_over_the_year(acme: Path) -> None:
    # OKR401 for an annual key result: 45 days by default (a quarter's: 14). On 20 March the
    # last check-in (2 March) is 18 days old: not stale; on 1 June it is 91 days old: stale
    early = _lint_json("lint", "--at", "2025-03-20", "--select", "OKR401", cwd=acme)
    assert early == []
    late = _lint_json("lint", "--at", "2025-06-01", "--select", "OKR401", cwd=acme)
    findings = late
    assert len(findings) == 3
    assert {f["facts"]["limit"] for f in findings} == {45}
    assert {f["facts"]["days"] for f in findings} == {91}
    # OKR402: the grace is counted from the year's first day (1 January + 14 days): the
    # 10 January change of repeat is inside it, the 16 March change of nps after it
    moved = _lint_json("lint", "--at", "2025-07-01", "--select", "OKR402", cwd=acme)
    facts = [f["facts"] for f in moved]
    assert [(f["key_result"], f["old"], f["new"], f["day"]) for f in facts] == [
        ("acme/loyal-customers/nps", 50, 45, "2025-03-16")
    ]
    assert "after the year's first 14 days" in moved[0]["message"]


@pytest.mark.slow
def test_quarter_score_and_report_name_the_annual_objective_it_aligns_to(acme: Path) -> None:
    text = okr("score", "--quarter", "2025-Q3", "--at", "2025-07-01", cwd=acme).stdout
    # the annual objective's year-to-date score is the 0.52 worked out above
    assert "aligned to longer goals:" in text
    assert (
        "acme/loyal-customers@2025 (Make Acme the shop our customers come back to): year to "
        "date 0.52 with 50% of the year gone, pace on track; aligned from "
        "checkout/effortless-reorder"
    ) in text
    report = okr("report", "--quarter", "2025-Q3", "--at", "2025-07-01", cwd=acme)
    assert report.returncode == 0, report.stderr
    assert "### The longer goals this quarter aligns to" in report.stdout
    assert (
        "| Make Acme the shop our customers come back to (`acme/loyal-customers@2025`) | 2025 "
        "| 50% | 0.52 |"
    ) in report.stdout
    assert "indicators: 1 leading, 2 lagging" not in report.stdout  # the quarter declares none


@pytest.mark.slow
def test_okr_new_year_carries_a_year_over_into_the_next(acme: Path) -> None:
    run = okr("new", "acme", "--year", "2026", "--from", "2025", cwd=acme)
    assert run.returncode == 0, run.stderr
    text = (acme / "okrs/2026/acme.yaml").read_text(encoding="utf-8")
    assert "\nyear: 2026\n" in text and "year: 2025" not in text and "quarter:" not in text
    # each baseline is where the key result ended (the working tree's 111, 37 and 47)
    assert "baseline: 111" in text and "baseline: 37" in text and "baseline: 47" in text
    assert "current:" not in text
    assert okr("lint", "okrs/2026/acme.yaml", "--select", "OKR002,OKR004", cwd=acme).returncode == 0
    wrong = okr("new", "acme", "--year", "2028", "--from", "2025-Q3", cwd=acme)
    assert wrong.returncode == 2
    assert "carry over from a period of the same length" in wrong.stderr
    # a quarter of 2026 written fresh offers the year's objective to align to
    okr("new", "checkout", "--quarter", "2026-Q1", cwd=acme)
    offered = (acme / "okrs/2026-Q1/checkout.yaml").read_text(encoding="utf-8")
    assert "acme/loyal-customers@2026: Make Acme the shop our customers come back to" in offered


@pytest.mark.slow
def test_okr_check_in_year(tmp_path: Path) -> None:
    # the running year, so that it is never closed whenever the test runs
    year = date.today().year
    text = annual().replace("year: 2025", f"year: {year}")
    root = write_repo(tmp_path / "r", {f"okrs/{year}/acme.yaml": text}, ORG)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "annual OKRs")
    run = okr(
        "check-in", "acme/loyal-customers/nrr", "104", "--year", str(year), "--commit", cwd=root
    )
    assert run.returncode == 0, run.stderr
    assert f"okrs/{year}/acme.yaml: loyal-customers/nrr current none -> 104" in run.stdout
    assert "current: 104" in (root / f"okrs/{year}/acme.yaml").read_text(encoding="utf-8")
    both = okr("check-in", "acme/nrr", "105", "--year", str(year), "--quarter", "2026-Q1", cwd=root)
    assert both.returncode == 2 and "name one period" in both.stderr
    bad = okr("score", "--year", "26", cwd=root)
    assert bad.returncode == 2 and "--year 26: write it as YYYY" in bad.stderr


# -- lint over periods, in process ------------------------------------------------------------


def test_a_reference_to_a_non_enclosing_period_is_refused(tmp_path: Path) -> None:
    later = CHECKOUT_Q3.replace("@2025]", "@2026]")
    root = write_repo(
        tmp_path / "r",
        {
            "okrs/2025/acme.yaml": annual(),
            "okrs/2026/acme.yaml": annual().replace("year: 2025", "year: 2026"),
            "okrs/2025-Q3/checkout.yaml": later,
        },
        ORG,
    )
    found = [d for d in run_lint(root).diagnostics if d.code == "OKR006"]
    assert [(d.rel, d.facts.problem) for d in found] == [  # type: ignore[union-attr]
        ("okrs/2025-Q3/checkout.yaml", "not enclosing")
    ]
    assert found[0].message.startswith(
        "'acme/loyal-customers@2026': 2026 does not enclose 2025-Q3; an objective aligns to "
        "its own period (no @) or to a longer one holding it"
    )


def test_a_reference_to_no_period_says_it_is_no_period(tmp_path: Path) -> None:
    # a reversed span, a one-year "span", a year past 9998: no period at all, said as such
    absurd = CHECKOUT_Q3.replace(
        "[acme/loyal-customers@2025]",
        "[acme/loyal-customers@2025, acme/loyal-customers@2026-2025, "
        "acme/loyal-customers@2025-2025, acme/loyal-customers@9999]",
    )
    root = write_repo(
        tmp_path / "r",
        {"okrs/2025/acme.yaml": annual(), "okrs/2025-Q3/checkout.yaml": absurd},
        ORG,
    )
    run = okr("lint", "--format", "json", cwd=root)
    assert run.returncode == 1, run.stderr
    found = [f for f in json.loads(run.stdout) if f["code"] == "OKR006"]
    assert [(f["facts"]["reference"], f["facts"]["problem"]) for f in found] == [
        ("acme/loyal-customers@2026-2025", "not enclosing"),
        ("acme/loyal-customers@2025-2025", "not enclosing"),
        ("acme/loyal-customers@9999", "not enclosing"),
    ]
    assert found[0]["message"].startswith(
        "'acme/loyal-customers@2026-2025': 2026-2025 is no period; after @ write the year "
        "(like 2026, from 1000 to 9998) or the span of years (like 2026-2028, the first year "
        "before the last) that holds 2025-Q3."
    )
    assert "does not enclose" not in " ".join(f["message"] for f in found)
    assert all(f["facts"]["closest"] == ["acme/loyal-customers@2025"] for f in found)


def test_a_reference_that_is_no_reference_shows_how_to_name_a_period(tmp_path: Path) -> None:
    bad = CHECKOUT_Q3.replace("[acme/loyal-customers@2025]", "[acme/loyal-customers@9999-99999]")
    root = write_repo(
        tmp_path / "r",
        {"okrs/2025/acme.yaml": annual(), "okrs/2025-Q3/checkout.yaml": bad},
        ORG,
    )
    run = okr("lint", "okrs/2025-Q3/checkout.yaml", cwd=root)
    assert run.returncode == 1, run.stderr
    assert (
        'the text "acme/loyal-customers@9999-99999" in alignment #1 is not a reference; write '
        "<unit>/<objective>, <unit>/<objective>/<key-result> or strategy/<theme>; an enclosing "
        "period's objective adds its year or span of years, like acme/loyal-customers@2026."
    ) in run.stdout


def test_a_broken_period_reference_names_the_reference_it_most_likely_means(
    tmp_path: Path,
) -> None:
    # an objective mistyped keeps its @2025; a period that does not enclose the quarter, or
    # one that does not hold the objective, names the enclosing periods that do
    wrong = CHECKOUT_Q3.replace(
        "[acme/loyal-customers@2025]",
        "[acme/loyal-customrs@2025, acme/loyal-customers@2026, acme/loyal-customers@2025-2027]",
    )
    root = write_repo(
        tmp_path / "r",
        {
            "okrs/2025/acme.yaml": annual(),
            "okrs/2026/acme.yaml": annual().replace("year: 2025", "year: 2026"),
            "okrs/2025-2027/acme.yaml": annual()
            .replace("year: 2025", "years: 2025-2027")
            .replace("id: loyal-customers", "id: beloved-brand"),
            "okrs/2025-Q3/checkout.yaml": wrong,
        },
        ORG,
    )
    found = [d for d in run_lint(root).diagnostics if d.code == "OKR006"]
    facts = [d.facts for d in found]
    assert all(isinstance(f, BrokenReferenceFacts) for f in facts)
    assert [(f.reference, f.problem, f.closest) for f in facts] == [  # type: ignore[union-attr]
        ("acme/loyal-customrs@2025", "unknown objective", ("acme/loyal-customers@2025",)),
        ("acme/loyal-customers@2026", "not enclosing", ("acme/loyal-customers@2025",)),
        ("acme/loyal-customers@2025-2027", "unknown objective", ("acme/loyal-customers@2025",)),
    ]
    assert found[0].message.endswith("Did you mean 'acme/loyal-customers@2025'?")


def test_a_year_does_not_align_to_a_quarter_and_a_span_encloses_a_year(tmp_path: Path) -> None:
    vision = (
        annual()
        .replace("year: 2025", "years: 2025-2028")
        .replace("id: loyal-customers", "id: beloved-brand")
    )
    team_year = """\
unit: checkout
year: 2025
objectives:
  - id: checkout-year
    title: Make checkout the easiest part of shopping with us
    aligns_to: [acme/loyal-customers, acme/beloved-brand@2025-2028, acme/x@2025-Q3]
    key_results:
      - {id: a, title: Raise checkout conversion of returning customers, baseline: 30, target: 34}
      - {id: b, title: Cut median time to complete a repeat order, baseline: 95, target: 60}
      - {id: c, title: Lower the share of checkouts that fail, baseline: 2.4, target: 1.0}
"""
    root = write_repo(
        tmp_path / "r",
        {
            "okrs/2025/acme.yaml": annual(),
            "okrs/2025-2028/acme.yaml": vision,
            "okrs/2025/checkout.yaml": team_year,
        },
        ORG,
    )
    found = [d.facts for d in run_lint(root).diagnostics if d.code == "OKR006"]
    assert [f.reference for f in found if isinstance(f, BrokenReferenceFacts)] == ["acme/x@2025-Q3"]
    assert len(found) == 1


def test_okr303_an_annual_objective_the_running_quarter_leaves_uncovered(tmp_path: Path) -> None:
    two = (
        annual()
        + """\
  - id: new-markets
    title: Open Acme to shoppers in a second country
    aligns_to: [strategy/retention]
    key_results:
      - {id: a, title: Raise the share of orders from the second country, baseline: 0, target: 5}
      - {id: b, title: Raise the repeat rate there, baseline: 10, target: 20}
      - {id: c, title: Cut delivery time to the second country, baseline: 9, target: 5}
"""
    )
    q2 = CHECKOUT_Q3.replace("2025-Q3", "2025-Q2").replace(
        "acme/loyal-customers@2025", "acme/new-markets@2025"
    )
    root = write_repo(
        tmp_path / "r",
        {
            "okrs/2025/acme.yaml": two,
            "okrs/2025-Q2/checkout.yaml": q2,
            "okrs/2025-Q3/checkout.yaml": CHECKOUT_Q3,
        },
        ORG,
    )
    found = [d for d in run_lint(root, select=["OKR303"]).diagnostics]
    # 2025-Q3 (the year's latest quarter with files) aligns to loyal-customers only; Q2's
    # alignment to new-markets is over
    assert [(d.rel, d.facts) for d in found] == [
        ("okrs/2025/acme.yaml", found[0].facts),
    ]
    assert found[0].facts.objective == "acme/new-markets"  # type: ignore[union-attr]
    assert found[0].facts.quarter == "2025"  # type: ignore[union-attr]
    assert "no objective of 2025-Q3 aligns to year 2025's objective 'acme/new-markets'" in (
        found[0].message
    )


def test_period_files_fit_their_folders_and_limits_count_per_period(tmp_path: Path) -> None:
    second = CHECKOUT_Q3.replace("quarter: 2025-Q3", "year: 2025").replace(
        "aligns_to: [acme/loyal-customers@2025]", "aligns_to: [acme/loyal-customers]"
    )
    root = write_repo(
        tmp_path / "r",
        {
            "okrs/2025/acme.yaml": annual(),
            # a team's one objective in its year and one in a quarter: one per period
            "okrs/2025/checkout.yaml": second,
            "okrs/2025-Q3/checkout.yaml": CHECKOUT_Q3,
            "okrs/2026/acme.yaml": annual(),  # says 2025
            "okrs/2025-Q4/acme.yaml": annual().replace(
                "year: 2025", "quarter: 2025-Q4\nyear: 2025"
            ),
        },
        ORG,
    )
    diags = run_lint(root).diagnostics
    assert not [d for d in diags if d.code == "OKR101"]
    wrong = [d for d in diags if d.code == "OKR004"]
    assert [(d.rel, d.message) for d in wrong] == [
        (
            "okrs/2026/acme.yaml",
            "the file is in folder '2026' but says year '2025'; move it to okrs/2025/ or fix "
            "the year.",
        )
    ]
    both = [d for d in diags if d.code == "OKR002"]
    assert [d.rel for d in both] == ["okrs/2025-Q4/acme.yaml"]
    assert "names its period once" in both[0].message


@pytest.mark.slow
def test_okr_diff_names_a_years_moved_goalpost(acme: Path) -> None:
    commits = git(acme, "log", "--format=%H %s").splitlines()
    by_day = {line.split()[-1]: line.split()[0] for line in commits}
    run = okr("diff", by_day["2025-03-02"], by_day["2025-03-16"], cwd=acme)
    assert run.returncode == 0, run.stderr
    # nps at 34: (34 - 30) / (50 - 30) = 0.20 against the agreed 50 before and after the move
    assert (
        "~ 2025 acme/loyal-customers/nps: target changed 50 -> 45 (moved goalpost: the year's "
        "agreed target is 50, which okr score keeps scoring against; easier: score 0.20 -> "
        "0.20 (+0.00))"
    ) in run.stdout


def test_okr101_counts_an_annual_files_objectives_apart(tmp_path: Path) -> None:
    year = CHECKOUT_Q3.replace("quarter: 2025-Q3", "year: 2025").replace(
        "aligns_to: [acme/loyal-customers@2025]", "aligns_to: [acme/loyal-customers]"
    )
    second = year.split("objectives:\n", 1)[1].replace("effortless-reorder", "second")
    root = write_repo(
        tmp_path / "r",
        {
            "okrs/2025/acme.yaml": annual(),
            "okrs/2025/checkout.yaml": year + second,
            "okrs/2025-Q3/checkout.yaml": CHECKOUT_Q3,
        },
        ORG,
    )
    found = [d for d in run_lint(root, select=["OKR101"]).diagnostics]
    assert [(d.rel, d.message.split(";")[0]) for d in found] == [
        ("okrs/2025/checkout.yaml", "team 'checkout' has 2 objectives this year")
    ]


def test_a_period_whose_files_cannot_be_read_names_them(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path / "r",
        {
            "okrs/2025/acme.yaml": annual().replace("target: 112", "target: [112"),
            "okrs/2025-Q3/checkout.yaml": "unit: [\n",
        },
        ORG,
    )
    for args, said in (
        (("report", "--year", "2025"), "there are no annual OKR files for 2025 under okrs/2025/"),
        (
            ("score", "--quarter", "2025-Q3"),
            "there are no OKR files for 2025-Q3 under okrs/2025-Q3/",
        ),
    ):
        run = okr(*args, cwd=root)
        assert run.returncode == 2, run.stdout
        rel = f"okrs/{args[2]}/{'acme' if args[1] == '--year' else 'checkout'}.yaml"
        assert f"{said} that can be read: {rel} cannot; `okr lint` says why." in run.stderr
        assert "write one" not in run.stderr
    empty = okr("score", "--year", "2024", cwd=root)
    assert empty.returncode == 2
    assert "there are no annual OKR files for 2024 under okrs/2024/; write one with" in empty.stderr


def test_a_year_given_to_years_or_a_span_to_year_names_the_option_that_takes_it(
    tmp_path: Path,
) -> None:
    root = write_repo(tmp_path / "r", {"okrs/2025/acme.yaml": annual()}, ORG)
    for args, said in (
        (("score", "--years", "2025"), "--years 2025: that is one year; give it as --year 2025."),
        (
            ("report", "--year", "2025-2027"),
            "--year 2025-2027: that is a span of years; give it as --years 2025-2027.",
        ),
        (
            ("new", "acme", "--years", "2026"),
            "--years 2026: that is one year; give it as --year 2026.",
        ),
        (
            ("check-in", "acme/loyal-customers/nrr", "104", "--year", "2025-2027"),
            "--year 2025-2027: that is a span of years; give it as --years 2025-2027.",
        ),
    ):
        run = okr(*args, cwd=root)
        assert run.returncode == 2 and said in run.stderr, run.stderr
    run = okr("score", "--years", "2027-2025", cwd=root)
    assert run.returncode == 2
    assert "--years 2027-2025: write it as YYYY-YYYY, like 2026-2028" in run.stderr


def test_lint_quarter_that_is_no_period_says_it_takes_years_and_spans_too(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "r", {"okrs/2025/acme.yaml": annual()}, ORG)
    run = okr("lint", "--quarter", "2026-2025", cwd=root)
    assert run.returncode == 2
    assert (
        "--quarter 2026-2025: write a quarter like 2026-Q4, a year like 2026 or a span of years "
        "like 2026-2028 (years from 1000 to 9998, the first before the last)."
    ) in run.stderr
    near = okr("lint", "--quarter", "2025-Q5", cwd=root)
    assert near.returncode == 2 and "a year has four quarters, Q1 to Q4" in near.stderr
    assert okr("lint", "--quarter", "2025", cwd=root).returncode in (0, 1)
