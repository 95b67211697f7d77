"""``okr report --year`` and ``--years`` (format 1.2, issue 30) through okr's own commands.

The repository is tests/test_periods.py's Acme (its annual file okrs/2025/acme.yaml, the
calendar year 2025 of 365 days, and its 2025-Q3 checkout file aligning to
``acme/loyal-customers@2025``), with three additions:

- a second annual objective, ``reliable-delivery``, committed and shared with checkout, one
  key result ``on-time`` (owner ``shared``): baseline 90, target 98, checked in at 92 on
  2 March, 94 on 29 June, 97.2 on 28 December;
- okrs/2025-Q2/checkout.yaml: ``fast-dispatch`` aligning to ``acme/reliable-delivery@2025``
  and to ``acme/beloved-brand@2025-2027``, one key result 40 -> 50 at 47;
- okrs/2025-2027/acme.yaml: ``beloved-brand``, one key result 0 -> 30 at 12.

Every number below is worked out by hand from docs/scoring.md, never by okr's scoring.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import commit_versions, git, okr, write_repo
from tests.test_periods import CHECKOUT_Q3, ORG, annual

RELIABLE = """\
  - id: reliable-delivery
    title: Deliver every repeat order on the day we promised
    commitment: committed
    shared_with: [checkout]
    key_results:
      - id: on-time
        owner: shared
        title: Raise the share of repeat orders delivered on the promised day
        indicator: leading
        baseline: 90
        target: 98{current}
"""

CHECKOUT_Q2 = """\
unit: checkout
quarter: 2025-Q2
objectives:
  - id: fast-dispatch
    title: Dispatch repeat orders the day they are placed
    aligns_to: [acme/reliable-delivery@2025, acme/beloved-brand@2025-2027]
    key_results:
      - id: same-day
        title: Raise repeat orders dispatched the same day
        baseline: 40
        target: 50
        current: 47
"""

VISION = """\
unit: acme
years: 2025-2027
objectives:
  - id: beloved-brand
    title: Make Acme the shop people recommend first
    key_results:
      - id: awareness
        title: Raise aided brand awareness among online shoppers
        indicator: lagging
        baseline: 0
        target: 30
        current: 12
"""


def year(nrr: str = "", repeat: str = "", nps: str = "", on_time: str = "", **kw: int) -> str:
    current = f"\n        current: {on_time}" if on_time else ""
    return annual(nrr, repeat, nps, **kw) + RELIABLE.format(current=current)


VERSIONS = [
    ("2025-01-05", year(repeat_target=40)),
    ("2025-01-10", year()),
    ("2025-03-02", year("103", "30", "34", "92")),
    ("2025-03-16", year("103", "30", "34", "92", nps_target=45)),
    ("2025-06-29", year("106", "33", "41", "94", nps_target=45)),
    ("2025-12-28", year("110", "37", "47", "97.2", nps_target=45)),
    ("2026-01-18", year("111", "37", "47", "97.2", nps_target=45)),  # after the year closed
]


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_repo(
        tmp_path_factory.mktemp("report-periods") / "acme",
        {
            "okr.yaml": "okrs_dir: okrs\n",
            "okrs/2025-Q2/checkout.yaml": CHECKOUT_Q2,
            "okrs/2025-Q3/checkout.yaml": CHECKOUT_Q3,
            "okrs/2025-2027/acme.yaml": VISION,
        },
        ORG,
    )
    git(root, "init", "-q", "-b", "main")
    commit_versions(root, "okrs/2025/acme.yaml", VERSIONS)
    return root


def report(*args: str, cwd: Path) -> str:
    run = okr("report", *args, cwd=cwd)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def score(*args: str, cwd: Path) -> dict[str, Any]:
    run = okr("score", *args, "--format", "json", cwd=cwd)
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads(run.stdout)
    assert isinstance(data, dict)
    return data


def section(text: str, title: str) -> str:
    return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]


@pytest.mark.slow
def test_annual_report_mid_year(acme: Path) -> None:
    out = report("--year", "2025", "--at", "2025-07-01", cwd=acme)
    assert out.startswith("# Acme: OKR report for 2025\n")
    # --at 2025-07-01 is the end of that day: 182 of 365 days gone, 0.4986, shown 50%.
    # Values as of 29 June, each (current - baseline) / (target - baseline), two places:
    #   nrr 6 / 12 = 0.50; repeat 5 / 10 = 0.50 (38 agreed in the grace); nps 11 / 20 = 0.55
    #   (the agreed 50, not the 45 moved to on 16 March); on-time (94 - 90) / 8 = 0.50.
    # loyal-customers (0.50 + 0.50 + 0.55) / 3 = 0.5167 -> 0.52; reliable-delivery 0.50.
    # Acme: (0.5167 + 0.50) / 2 = 0.5083 -> 0.51. Checkout shares reliable-delivery and has
    # no annual file: 0.50. The organisation: (0.5083 + 0.50) / 2 = 0.5042 -> 0.50.
    assert "As of 2025-07-01, 50% of the year gone. **Organisation score 0.50**" in out
    # pace: on track at 0.9 x 0.4986 = 0.4488 or more: all four key results (each once,
    # the shared one under its owner's file); moved goalposts: nps (OKR402, the year's
    # grace of 14 days from 1 January over on 15 January); stale: none (29 June is 2 days
    # before, the annual limit 45)
    assert "| 4 | 0 | 0 | 4 of 4 | 0 | 1 |" in out
    assert "Key results by indicator: 2 leading, 2 lagging, 0 undeclared." in out
    assert "(pace: the score against the share of the year gone)" in out
    assert "## Progress over the year" in out
    # 26 weeks begun by 1 July (the 26th ends 2 July, cut at the moment)
    assert "x-axis [W1, W2, " in out and "W26]" in out and "W27" not in out
    attention = rows(section(out, "Needs attention"))[1:]
    assert attention == [
        "| Acme | Raise the Net Promoter Score of repeat customers | 0.55 | 🟢 on track | "
        "goalpost moved: target 50 → 45 (easier) on 2025-03-16 |"
    ]
    glance = rows(section(out, "Units at a glance"))
    assert [r.split(" | ")[:3] for r in glance[1:]] == [
        ["| Checkout", "team", "0.50"],
        ["| Acme", "company", "0.51"],
    ]
    # what the quarters do towards the year, each scored as okr score scores it that day:
    #   2025-Q2 (over on 30 June, not yet closed) fast-dispatch (47 - 40) / 10 = 0.70, in
    #   the stretch zone (0.6 to 0.8); 2025-Q3 (1 of 92 days gone) effortless-reorder has no
    #   value yet: 0.00, below 0.9 x 1/92, off track
    aligned = section(out, "Alignment").split("### What the shorter periods do towards it")[1]
    assert rows(aligned)[1:] == [
        "| Make Acme the shop our customers come back to (`acme/loyal-customers`) | 0.52 "
        "| 🟢 on track | 2025-Q3 | Make ordering again effortless for returning customers "
        "(`checkout/effortless-reorder`) | 0.00 | 🔴 off track |",
        "| Deliver every repeat order on the day we promised (`acme/reliable-delivery`) | 0.50 "
        "| 🟢 on track | 2025-Q2 | Dispatch repeat orders the day they are placed "
        "(`checkout/fast-dispatch`) | 0.70 | 🟢 in the stretch zone |",
    ]
    # the check-in log runs across the year: the 2 March check-ins to the 29 June ones
    log = section(out, "Check-in log")
    assert "| 2025-06-29 | " in log and "| 2025-03-02 | " in log
    assert "`acme/loyal-customers/nrr` | current | 103 → 106 |" in log
    assert "`acme/reliable-delivery/on-time` | current | 92 → 94 |" in log
    assert "quarter" not in out.split("## What the history shows")[0].replace("quarters", "")


@pytest.mark.slow
def test_annual_report_stale_with_the_annual_age(acme: Path) -> None:
    out = report("--year", "2025", "--at", "2025-06-01", cwd=acme)
    # the last check-in, 2 March, is 91 days before 1 June: past the annual 45 days, for
    # each of the four key results
    assert "| 4 of 4 | 4 | 1 |" in out
    stale = [r for r in rows(section(out, "Needs attention")) if "stale" in r]
    assert len(stale) == 4
    assert all("stale: last checked in 2025-03-02 (91 days before)" in r for r in stale)


@pytest.mark.slow
def test_annual_report_after_the_year(acme: Path) -> None:
    out = report("--year", "2025", "--at", "2026-01-20", cwd=acme)
    # the year closed on 14 January (31 December + 14 days): the 18 January change of nrr
    # to 111 is not scored. Values as of 28 December:
    #   nrr 10 / 12 = 0.8333 -> 0.83; repeat 9 / 10 = 0.90; nps 17 / 20 = 0.85;
    #   on-time (97.2 - 90) / 8 = 0.90, a committed key result below 1: missed.
    # loyal-customers (0.83 + 0.90 + 0.85) / 3 = 0.86, over-achieved (above 0.8);
    # reliable-delivery 0.90, committed: missed. Acme (0.8611 + 0.90) / 2 = 0.8806 -> 0.88;
    # Checkout 0.90; the organisation (0.8806 + 0.90) / 2 = 0.8903 -> 0.89.
    assert "As of 2026-01-20 (year over). **Organisation score 0.89**" in out
    assert "2025 closed on 2026-01-14: scored as at close" in out
    assert "after the year closed on 2026-01-14" in out
    attention = rows(section(out, "Needs attention"))
    # the committed objective missed comes first, for each unit that owns it
    assert attention[1].startswith("| Acme | Deliver every repeat order on the day we promised |")
    assert attention[2].startswith(
        "| Checkout | Deliver every repeat order on the day we promised |"
    )
    assert all("committed objective missed: score 0.90" in r for r in attention[1:3])
    assert "**Committed objectives missed**: Acme: Deliver every repeat order" in out
    # the quarters: Q2 as it closed, 0.70 in the stretch zone; Q3 over with no value, 0.00
    aligned = section(out, "Alignment").split("### What the shorter periods do towards it")[1]
    assert [r.split(" | ")[-3:] for r in rows(aligned)[1:]] == [
        [
            "Make ordering again effortless for returning customers "
            "(`checkout/effortless-reorder`)",
            "0.00",
            "🔴 missed |",
        ],
        [
            "Dispatch repeat orders the day they are placed (`checkout/fast-dispatch`)",
            "0.70",
            "🟢 in the stretch zone |",
        ],
    ]
    assert "## For the retrospective" in out


@pytest.mark.slow
@pytest.mark.parametrize("at", ["2025-07-01", "2026-01-20"])
def test_report_numbers_are_score_years(acme: Path, at: str) -> None:
    card = score("--year", "2025", "--at", at, cwd=acme)
    out = report("--year", "2025", "--at", at, cwd=acme)
    assert f"**Organisation score {card['score']:.2f}**" in out
    units = section(out, "Units")
    for u in card["units"]:
        assert f"### {u['name']} (`{u['id']}`, {u['level']}): {u['score']:.2f}" in units
        for o in u["objectives"]:
            assert f"**{o['title']}**: {o['commitment']}, score {o['score']:.2f}" in units
            for k in o["key_results"]:
                row = next(r for r in rows(units) if r.startswith(f"| {k['title']} |"))
                assert f" | {k['score']:.2f} | " in row
                assert (k["pace"] or "") in row


@pytest.mark.slow
def test_multi_year_report(acme: Path) -> None:
    out = report("--years", "2025-2027", "--at", "2025-07-01", cwd=acme)
    # 182 of the span's 1,095 days gone: 0.1662, shown 17%; awareness 12 / 30 = 0.40, on
    # track (0.9 x 0.1662 = 0.1496 or more); the only unit and objective: 0.40
    assert out.startswith("# Acme: OKR report for 2025-2027\n")
    assert "As of 2025-07-01, 17% of the period gone. **Organisation score 0.40**" in out
    assert (
        "| Raise aided brand awareness among online shoppers | 🟢 on track | 0 | 12 | 30 |" in out
    )
    aligned = section(out, "Alignment").split("### What the shorter periods do towards it")[1]
    assert "objectives of its quarters and years align to" in aligned
    assert rows(aligned)[1:] == [
        "| Make Acme the shop people recommend first (`acme/beloved-brand`) | 0.40 "
        "| 🟢 on track | 2025-Q2 | Dispatch repeat orders the day they are placed "
        "(`checkout/fast-dispatch`) | 0.70 | 🟢 in the stretch zone |",
    ]
    card = score("--years", "2025-2027", "--at", "2025-07-01", cwd=acme)
    assert card["score"] == 0.4 and card["span"] == "years"


@pytest.mark.slow
def test_one_unit_of_a_year_and_a_template_gets_the_period(acme: Path, tmp_path: Path) -> None:
    # checkout has no annual file: the objective it shares is its year
    out = report("--year", "2025", "--at", "2025-07-01", "--unit", "checkout", cwd=acme)
    assert "**Unit score 0.50**" in out and "### Checkout" in out and "### Acme" not in out
    template = tmp_path / "mine.md.j2"
    template.write_text(
        "{{ period.name }} {{ period.span }} {{ period.word }} {{ period.start }}"
        " {{ period.end }} {{ organisation.indicators.leading }}"
        "{% for a in aligned %} {{ a.ref }}:{% for f in a.aligned_from %}"
        " {{ f.period }} {{ f.ref }} {{ f.score }}{% endfor %}{% endfor %}\n"
    )
    mine = report("--year", "2025", "--at", "2025-07-01", "--template", str(template), cwd=acme)
    assert mine == (
        "2025 year year 2025-01-01 2025-12-31 2 acme/loyal-customers: 2025-Q3 "
        "checkout/effortless-reorder 0.0 acme/reliable-delivery: 2025-Q2 checkout/fast-dispatch"
        " 0.7"
    )
    written = tmp_path / "year.md"
    run = okr("report", "--year", "2025", "--at", "2025-07-01", "-o", str(written), cwd=acme)
    assert run.returncode == 0 and written.read_text().startswith("# Acme: OKR report for 2025")
    summary = report("--year", "2025", "--at", "2025-07-01", "--summary", cwd=acme)
    assert "50% of the year gone" in summary and "## Units at a glance" in summary


@pytest.mark.slow
def test_period_errors(acme: Path) -> None:
    both = okr("report", "--quarter", "2025-Q3", "--year", "2025", cwd=acme)
    assert both.returncode == 2
    assert "--quarter and --year: report one period at a time; give one of them." in both.stderr
    assert "Traceback" not in both.stderr
    two = okr("report", "--year", "2025", "--years", "2025-2027", cwd=acme)
    assert two.returncode == 2 and "--year and --years: report one period" in two.stderr
    absent = okr("report", "--year", "2024", cwd=acme)
    assert absent.returncode == 2
    assert "there are no annual OKR files for 2024 under okrs/2024/" in absent.stderr
    bad = okr("report", "--years", "2025", cwd=acme)
    assert bad.returncode == 2
    assert "--years 2025: that is one year; give it as --year 2025." in bad.stderr
    nobody = okr("report", "--year", "2025", "--unit", "nobody", cwd=acme)
    assert nobody.returncode == 2 and "--unit nobody: no such unit has OKRs for 2025" in (
        nobody.stderr
    )
    assert okr("score", "--quarter", "2025-Q3", "--years", "2025-2027", cwd=acme).returncode == 2


@pytest.mark.slow
def test_quarter_report_is_unchanged_by_the_period_options(acme: Path) -> None:
    out = report("--quarter", "2025-Q3", "--at", "2025-07-01", cwd=acme)
    assert "of the quarter gone" in out and "### What the shorter periods" not in out
    assert "Key results by indicator" not in out
