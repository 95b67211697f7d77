"""Format 1.2's leading and lagging indicators through okr's own commands (issue 30): the
``indicator`` field, OKR107 lagging-only and the mix score and report show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git, okr, write_repo

ORG = """\
units:
  - {id: acme, name: Acme, level: company}
  - {id: checkout, name: Checkout, level: team, parent: acme}
strategy:
  - {id: retention, title: Grow the lifetime value of the customers we have}
"""


def checkout(*kinds: str | None) -> str:
    """Checkout's 2026-Q3 file with its three key results declared as ``kinds``."""
    krs = [
        ("conversion", "Raise checkout conversion of returning customers", 30, 34, 32),
        ("repeat-time", "Cut median time to complete a repeat order", 95, 60, 80),
        ("revenue", "Raise repeat revenue per customer", 40, 50, 45),
    ]
    out = """\
unit: checkout
quarter: 2026-Q3
objectives:
  - id: effortless-checkout
    title: Make checkout effortless for returning customers
    aligns_to: [strategy/retention]
    key_results:
"""
    for (kr, title, baseline, target, current), kind in zip(krs, kinds, strict=True):
        out += f"      - id: {kr}\n        title: {title}\n"
        if kind is not None:
            out += f"        indicator: {kind}\n"
        out += f"        baseline: {baseline}\n        target: {target}\n"
        out += f"        current: {current}\n"
    return out


def repo(root: Path, text: str) -> Path:
    write_repo(root, {"okrs/2026-Q3/checkout.yaml": text}, ORG)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "OKRs", when="2026-07-01")
    return root


@pytest.mark.slow
def test_okr107_lagging_only_through_okr_lint(tmp_path: Path) -> None:
    root = repo(tmp_path / "lagging", checkout("lagging", "lagging", "lagging"))
    run = okr("lint", "--select", "OKR107", "--format", "json", cwd=root)
    assert run.returncode == 0, run.stderr  # info does not fail the run
    [finding] = json.loads(run.stdout)
    assert finding["code"] == "OKR107" and finding["severity"] == "info"
    assert finding["facts"] == {"objective": "checkout/effortless-checkout", "key_results": 3}
    assert "add a leading one that predicts it" in finding["message"]
    mixed = repo(tmp_path / "mixed", checkout("leading", "lagging", "lagging"))
    assert json.loads(okr("lint", "--select", "OKR107", "--format", "json", cwd=mixed).stdout) == []
    # undeclared is not lagging: a 1.1 file is never reported
    plain = repo(tmp_path / "plain", checkout(None, "lagging", "lagging"))
    assert json.loads(okr("lint", "--select", "OKR107", "--format", "json", cwd=plain).stdout) == []


@pytest.mark.slow
def test_okr_rule_okr107_gives_the_guidance_reason() -> None:
    run = okr("rule", "OKR107")
    assert run.returncode == 0
    assert "OKR107 lagging-only [info]" in run.stdout
    words = " ".join(run.stdout.split())
    assert "leading one shows within weeks whether the work is paying off" in words
    assert "The product head's guide asks for both" in words
    assert "indicator: lagging" in run.stdout  # the bad example


@pytest.mark.slow
def test_score_and_report_show_the_mix(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", checkout("leading", "lagging", None))
    text = okr("score", "--quarter", "2026-Q3", "--at", "2026-08-01", cwd=root).stdout
    assert "indicators 1 leading, 1 lagging, 1 undeclared" in text
    lines = text.splitlines()
    head = next(line for line in lines if line.strip().startswith("key result"))
    assert head.split()[:2] == ["key", "result"] and head.split()[2] == "indicator"
    assert next(line for line in lines if line.strip().startswith("conversion")).split()[1] == (
        "leading"
    )
    assert next(line for line in lines if line.strip().startswith("revenue")).split()[1] == "-"
    card = json.loads(
        okr(
            "score", "--quarter", "2026-Q3", "--at", "2026-08-01", "--format", "json", cwd=root
        ).stdout
    )
    assert card["indicators"] == {"leading": 1, "lagging": 1, "unset": 1}
    kinds = [k.get("indicator") for k in card["units"][0]["objectives"][0]["key_results"]]
    assert kinds == ["leading", "lagging", None]
    report = okr("report", "--quarter", "2026-Q3", "--at", "2026-08-01", cwd=root).stdout
    assert "; indicators: 1 leading, 1 lagging, 1 undeclared" in report


@pytest.mark.slow
def test_a_1_1_score_says_nothing_of_indicators(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", checkout(None, None, None))
    text = okr("score", "--quarter", "2026-Q3", "--at", "2026-08-01", cwd=root).stdout
    assert "indicator" not in text
    card = okr("score", "--quarter", "2026-Q3", "--at", "2026-08-01", "--format", "json", cwd=root)
    assert '"indicator' not in card.stdout and '"span"' not in card.stdout


@pytest.mark.slow
def test_an_unknown_indicator_is_a_schema_error(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", checkout("trailing", None, None))
    run = okr("lint", "--select", "OKR002", cwd=root)
    assert run.returncode == 1
    assert "OKR002" in run.stdout and "indicator" in run.stdout
