"""Format 1.2's shared objectives through okr's own commands (issue 30): ``shared_with`` on an
objective, ``owner`` on its key results, OKR008 bad-sharing, OKR207 shared-kr-coverage, and
the objective counting for every sharing unit (scores, reports, limits) and once for the
organisation.

The mobile product team's 2026-Q3 file holds one objective shared with mobile-eng and design,
with a key result owned by each of the three:

    satisfaction (mobile-app)  4.1 -> 4.6, current 4.3: (4.3 - 4.1) / (4.6 - 4.1) = 0.2 / 0.5 = 0.40
    load-time    (mobile-eng)  2.4 -> 1.2, current 1.8: (1.8 - 2.4) / (1.2 - 2.4) = 0.6 / 1.2 = 0.50
    first-try    (design)      60 -> 80,   current 72:  (72 - 60) / (80 - 60)    = 12 / 20    = 0.60

The objective scores (0.40 + 0.50 + 0.60) / 3 = 0.50, and so does each of the three units.
Design has an objective of its own too (0.90 + 1.00 + 0.80 worked out below), so its score is
the mean of its two objectives.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import git, okr, write_repo

ORG = """\
units:
  - {id: acme, name: Acme, level: company}
  - {id: mobile-app, name: Mobile App, level: team, parent: acme}
  - {id: mobile-eng, name: Mobile Engineering, level: team, parent: acme, role: platform}
  - {id: design, name: Product Design, level: team, parent: acme, role: enabling}
strategy:
  - {id: retention, title: Grow the lifetime value of the customers we have}
"""

SHARED = """\
unit: mobile-app
quarter: 2026-Q3
objectives:
  - id: delightful-reorder
    title: Make reordering in the app feel effortless and delightful
    aligns_to: [strategy/retention]
    shared_with: [mobile-eng, design]
    key_results:
      - id: satisfaction
        title: Raise the rating shoppers give the reorder screen
        owner: mobile-app
        baseline: 4.1
        target: 4.6
        current: 4.3
      - id: load-time
        title: Cut the p90 time to open the reorder screen
        owner: mobile-eng
        baseline: 2.4
        target: 1.2
        current: 1.8
      - id: first-try
        title: Raise the share of reorders completed without going back a step
        owner: design
        baseline: 60
        target: 80
        current: 72
"""

DESIGN = """\
unit: design
quarter: 2026-Q3
objectives:
  - id: consistent-screens
    title: Let product teams build consistent screens without waiting for design
    aligns_to: [strategy/retention]
    key_results:
      - id: shared-components
        title: Raise the share of screens built from shared parts
        baseline: 40
        target: 60
        current: 58
      - {id: defects, title: Cut accessibility defects, baseline: 12, target: 4, current: 4}
      - id: lead-time
        title: Cut median days from sign-off to screen in review
        baseline: 10
        target: 5
        current: 6
"""


def repo(root: Path, files: dict[str, str]) -> Path:
    write_repo(root, files, ORG)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "OKRs", when="2026-07-01")
    return root


def lint_json(root: Path, *select: str) -> list[dict[str, Any]]:
    run = okr("lint", "--select", ",".join(select), "--format", "json", cwd=root)
    assert run.returncode in (0, 1), run.stderr
    data = json.loads(run.stdout)
    assert isinstance(data, list)
    return data


@pytest.mark.slow
def test_a_shared_objective_counts_for_every_sharing_unit(tmp_path: Path) -> None:
    root = repo(
        tmp_path / "r",
        {"okrs/2026-Q3/mobile-app.yaml": SHARED, "okrs/2026-Q3/design.yaml": DESIGN},
    )
    assert lint_json(root, "OKR008", "OKR207") == []
    run = okr("score", "--quarter", "2026-Q3", "--at", "2026-08-15", "--format", "json", cwd=root)
    card = json.loads(run.stdout)
    units = {u["id"]: u for u in card["units"]}
    # mobile-eng has no file of its own: the shared objective gives it a card
    assert sorted(units) == ["design", "mobile-app", "mobile-eng"]
    assert units["mobile-app"]["score"] == 0.5
    assert units["mobile-eng"]["score"] == 0.5
    assert [o["id"] for o in units["mobile-eng"]["objectives"]] == ["delightful-reorder"]
    # design's own objective: (58 - 40) / 20 = 0.90; (4 - 12) / (4 - 12) = 1.00;
    # (6 - 10) / (5 - 10) = 0.80; mean (0.90 + 1.00 + 0.80) / 3 = 0.90. With the shared
    # objective: (0.90 + 0.50) / 2 = 0.70
    assert [o["id"] for o in units["design"]["objectives"]] == [
        "consistent-screens",
        "delightful-reorder",
    ]
    assert units["design"]["score"] == 0.7
    # the organisation: the mean of its units, (0.70 + 0.50 + 0.50) / 3 = 0.5667, shown 0.57;
    # its key results are counted once: 3 shared + 3 of design's own = 6
    assert card["score"] == 0.57
    assert card["key_results"] == 6
    assert sum(card["paces"].values()) == 6
    text = okr("score", "--quarter", "2026-Q3", "--at", "2026-08-15", cwd=root).stdout
    assert "delightful-reorder: Make reordering in the app feel effortless and delightful" in text
    assert "shared: mobile-app, design" in text  # under mobile-eng
    report = okr("report", "--quarter", "2026-Q3", "--at", "2026-08-15", cwd=root)
    assert report.returncode == 0, report.stderr
    assert "### Mobile Engineering (`mobile-eng`, team, platform): 0.50" in report.stdout


@pytest.mark.slow
def test_a_shared_objective_counts_in_the_sharing_units_limits(tmp_path: Path) -> None:
    # design already has its one objective (teams: 1); the shared one is a second
    root = repo(
        tmp_path / "r",
        {"okrs/2026-Q3/mobile-app.yaml": SHARED, "okrs/2026-Q3/design.yaml": DESIGN},
    )
    config = "lint:\n  rules:\n    too-many-objectives: {team: 1}\n"
    (root / "okr.yaml").write_text(config, encoding="utf-8")
    [finding] = lint_json(root, "OKR101")
    assert finding["path"].endswith("okrs/2026-Q3/design.yaml")
    assert finding["facts"] == {"unit": "design", "level": "team", "count": 2, "limit": 1}
    assert "2 objectives this quarter (1 shared with it from other files)" in finding["message"]


@pytest.mark.slow
def test_okr008_bad_sharing(tmp_path: Path) -> None:
    bad = SHARED.replace("[mobile-eng, design]", "[mobile-eng, desing, mobile-app]").replace(
        "owner: design", "owner: acme"
    )
    root = repo(tmp_path / "r", {"okrs/2026-Q3/mobile-app.yaml": bad})
    found = lint_json(root, "OKR008")
    assert all(f["severity"] == "error" for f in found)
    assert [f["facts"] for f in found] == [
        {
            "objective": "mobile-app/delightful-reorder",
            "field": "shared_with",
            "unit": "desing",
            "problem": "unknown unit",
            "key_result": None,
        },
        {
            "objective": "mobile-app/delightful-reorder",
            "field": "shared_with",
            "unit": "mobile-app",
            "problem": "own unit",
            "key_result": None,
        },
        {
            "objective": "mobile-app/delightful-reorder",
            "field": "owner",
            "unit": "acme",
            "problem": "not sharing",
            "key_result": "mobile-app/delightful-reorder/first-try",
        },
    ]
    assert "Did you mean 'design'?" in found[0]["message"]
    assert okr("lint", cwd=root).returncode == 1


@pytest.mark.slow
def test_okr207_shared_kr_coverage(tmp_path: Path) -> None:
    # design's key result given to mobile-eng: design owns none, and none is shared
    uncovered = SHARED.replace("owner: design", "owner: mobile-eng")
    root = repo(tmp_path / "r", {"okrs/2026-Q3/mobile-app.yaml": uncovered})
    [finding] = lint_json(root, "OKR207")
    assert finding["severity"] == "warning"
    assert finding["facts"] == {
        "objective": "mobile-app/delightful-reorder",
        "units": ["mobile-app", "mobile-eng", "design"],
        "missing": ["design"],
    }
    # one key result moved by all of them covers every unit
    together = uncovered.replace("owner: mobile-app", "owner: shared")
    covered = repo(tmp_path / "covered", {"okrs/2026-Q3/mobile-app.yaml": together})
    assert lint_json(covered, "OKR207") == []
    rule = okr("rule", "OKR207").stdout
    assert "complement each other" in " ".join(rule.split())


@pytest.mark.slow
def test_a_sharing_units_report_shows_the_shared_key_results_check_ins_and_findings(
    tmp_path: Path,
) -> None:
    # design checks in its shared key result (first-try) in mobile-app's file on 15 July,
    # then nothing: on 20 September it is 67 days old, stale (14 days by default). Design's
    # own report shows that check-in and that finding, though neither is in design's file.
    root = repo(
        tmp_path / "r",
        {"okrs/2026-Q3/mobile-app.yaml": SHARED, "okrs/2026-Q3/design.yaml": DESIGN},
    )
    shared = root / "okrs/2026-Q3/mobile-app.yaml"
    shared.write_text(SHARED.replace("current: 72", "current: 75\n        checked: 2026-07-15"))
    git(root, "commit", "-qam", "design: first-try 75", when="2026-07-15")
    run = okr("report", "--quarter", "2026-Q3", "--at", "2026-09-20", "--unit", "design", cwd=root)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "mobile-app/delightful-reorder/first-try" in out.split("## Check-in log")[1]
    assert "72 → 75" in out
    attention = out.split("## Needs attention")[1].split("\n## ")[0]
    assert "stale: last checked in 2026-07-15 (67 days before)" in attention
    # mobile-eng shares the objective but not that key result's owner: it still sees it
    eng = okr(
        "report", "--quarter", "2026-Q3", "--at", "2026-09-20", "--unit", "mobile-eng", cwd=root
    )
    assert "stale: last checked in 2026-07-15" in eng.stdout


def test_a_sharing_units_report_counts_the_shared_key_results_as_the_owners_does(
    tmp_path: Path,
) -> None:
    # on 20 September 82 of the quarter's 92 days are gone (89%): at risk from 0.6 x 0.891 =
    # 0.535, on track from 0.802. satisfaction 0.40 and load-time 0.50 are off track,
    # first-try 0.60 at risk; none was checked in after the file was written
    root = repo(tmp_path / "r", {"okrs/2026-Q3/mobile-app.yaml": SHARED})
    at = ("--quarter", "2026-Q3", "--at", "2026-09-20")
    whole = okr("report", *at, cwd=root)
    eng = okr("report", *at, "--unit", "mobile-eng", cwd=root)
    assert whole.returncode == 0 and eng.returncode == 0, whole.stderr + eng.stderr

    def attention(out: str) -> list[str]:
        section = out.split("## Needs attention")[1].split("\n## ")[0]
        lines = [line for line in section.splitlines() if line[:2] == "| "][1:]  # no header
        return [line.split(" | ", 1)[1] for line in lines]  # the unit column left out

    rows = attention(eng.stdout)
    assert rows == attention(whole.stdout)
    assert len(rows) == 3
    assert rows[0].startswith(
        "Raise the rating shoppers give the reorder screen | 0.40 | 🔴 off track | behind: score "
        "0.40 with 89% of the quarter gone; never checked in"
    )
    assert 'title "Key results by score"' in eng.stdout
    assert "bar [0, 0, 0, 0, 1, 1, 1, 0, 0, 0]" in eng.stdout
