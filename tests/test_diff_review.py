"""okr diff as a planning pull request's reviewer reads it, played through okr's own
commands: new key results show where they start and aim (baseline -> target, unit,
direction), and a target moved after the quarter's targets were agreed is flagged and scored
as okr score scores it, against the agreed target."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from okrcli.rules.base import EXAMPLE_ORG, GOOD_FILE
from tests.conftest import git, okr

Q4 = "okrs/2026-Q4/checkout.yaml"
REF = "2026-Q4 checkout/effortless-checkout/conversion"
# checked in at 31 of 30 -> 34: score 0.25
START = GOOD_FILE.replace("target: 34", "target: 34\n        current: 31")
NEW_KRS = """\
      - id: saved-cards
        title: Raise the share of repeat orders paid with a saved card
        unit: "%"
        baseline: 55
        target: 70
      - id: checkout-time
        title: Cut the time a returning customer needs to pay
        unit: s
        baseline: 95
        target: 60
        direction: decrease
      - id: pci
        title: Card payments pass the PCI audit
        binary: true
        confidence: 0.7
      - id: incidents
        title: Keep payment incidents at one a month at most
        baseline: 0
        target: 1
        direction: stay_below
"""


def planned(tmp_path: Path, when: str, change: str, okr_yaml: str = "") -> Path:
    """A repository whose 2026-Q4 file was agreed on 1 October, and a branch ``change``
    that edits it on ``when`` (the targets are agreed 14 days into the quarter)."""
    root = tmp_path / "r"
    (root / Q4).parent.mkdir(parents=True)
    (root / "org.yaml").write_text(EXAMPLE_ORG)
    if okr_yaml:
        (root / "okr.yaml").write_text(okr_yaml)
    (root / Q4).write_text(START)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "2026-Q4 agreed", when="2026-10-01")
    git(root, "checkout", "-qb", "change")
    (root / Q4).write_text(change)
    git(root, "commit", "-qam", "the change", when=when)
    return root


def diff_text(root: Path, fmt: str = "text") -> str:
    r = okr("diff", "main", "change", "--format", fmt, cwd=root)
    assert r.returncode in (0, 1), r.stderr
    return r.stdout


def score_at_head(root: Path) -> float:
    """What okr score gives the key result as of the change."""
    r = okr("score", "--at", "change", "--format", "json", cwd=root)
    assert r.returncode == 0, r.stderr
    card = json.loads(r.stdout)
    (kr,) = [
        k
        for u in card["units"]
        for o in u["objectives"]
        for k in o["key_results"]
        if k["id"] == "conversion"
    ]
    return float(kr["score"])


@pytest.mark.slow
def test_diff_shows_where_each_new_key_result_starts_and_aims(tmp_path: Path) -> None:
    root = planned(tmp_path, "2026-10-03", START + NEW_KRS)
    text = diff_text(root)
    added = {
        m.group(1): m.group(2)
        for m in re.finditer(
            r"\+ key result 2026-Q4 checkout/effortless-checkout/(\S+): .*?\((.*)\)$", text, re.M
        )
    }
    assert added == {
        "saved-cards": "baseline 55% -> target 70%, increase by its numbers",
        "checkout-time": "baseline 95 s -> target 60 s, direction decrease",
        "pci": "binary: done or not",
        "incidents": "baseline 0 -> target 1, direction stay_below",
    }, text
    markdown = diff_text(root, "markdown")
    assert "| added: baseline 55% → target 70%, increase by its numbers |" in markdown
    assert "| added: baseline 95 s → target 60 s, direction decrease |" in markdown
    assert "| added: binary: done or not |" in markdown


@pytest.mark.slow
@pytest.mark.parametrize(
    ("target", "harder"),
    [("33", "easier"), ("32", "easier"), ("36", "harder")],
)
def test_diff_of_a_target_moved_after_agreement_tells_the_score_story(
    tmp_path: Path, target: str, harder: str
) -> None:
    root = planned(tmp_path, "2026-11-10", START.replace("target: 34", f"target: {target}"))
    text = diff_text(root)
    (line,) = [x for x in text.splitlines() if REF in x]
    assert f"target changed 34 -> {target}" in line
    assert (
        "moved goalpost: the quarter's agreed target is 34, which okr score keeps scoring" in line
    )
    assert f"{harder}: score 0.25 -> 0.25 (+0.00)" in line, line
    assert "from the goalpost move" not in line
    # the same story as okr score: 0.25 against the agreed 34
    assert score_at_head(root) == 0.25
    markdown = diff_text(root, "markdown")
    assert "moved goalpost: the quarter's agreed target is 34" in markdown
    assert "score 0.25 → 0.25 (+0.00)" in markdown


@pytest.mark.slow
def test_diff_within_the_agreement_window_moves_the_score(tmp_path: Path) -> None:
    """Before the quarter's first 14 days end the targets are still being agreed: the new
    target is the one okr score will use."""
    root = planned(tmp_path, "2026-10-05", START.replace("target: 34", "target: 33"))
    (line,) = [x for x in diff_text(root).splitlines() if REF in x]
    assert "moved goalpost" not in line
    assert "easier: score 0.25 -> 0.33 (+0.08) from the goalpost move, not progress" in line
    assert score_at_head(root) == 0.33


@pytest.mark.slow
def test_diff_when_okr_yaml_scores_current_targets(tmp_path: Path) -> None:
    root = planned(
        tmp_path,
        "2026-11-10",
        START.replace("target: 34", "target: 33"),
        okr_yaml="scoring:\n  targets: current\n",
    )
    (line,) = [x for x in diff_text(root).splitlines() if REF in x]
    assert (
        "moved goalpost: the quarter's agreed target is 34, though okr score uses the current"
        in line
    )
    assert "score 0.25 -> 0.33 (+0.08) from the goalpost move, not progress" in line
    assert score_at_head(root) == 0.33


@pytest.mark.slow
def test_diff_of_a_check_in_and_a_move_together(tmp_path: Path) -> None:
    """The check-in's progress is told against the agreed target, and the move adds none."""
    change = START.replace("target: 34\n        current: 31", "target: 32\n        current: 32")
    root = planned(tmp_path, "2026-11-10", change)
    lines = [x for x in diff_text(root).splitlines() if REF in x]
    assert any("checked in 31 -> 32 (score 0.25 -> 0.50 (+0.25))" in x for x in lines), lines
    assert any("moved goalpost" in x and "0.50 -> 0.50 (+0.00)" in x for x in lines), lines
    assert score_at_head(root) == 0.5


@pytest.mark.slow
def test_diff_of_a_target_put_back_to_the_agreed_one(tmp_path: Path) -> None:
    root = planned(tmp_path, "2026-11-10", START.replace("target: 34", "target: 33"))
    git(root, "checkout", "-q", "-b", "back", "change")
    (root / Q4).write_text(START)
    git(root, "commit", "-qam", "back to 34", when="2026-11-20")
    r = okr("diff", "change", "back", cwd=root)
    (line,) = [x for x in r.stdout.splitlines() if REF in x]
    assert "target changed 33 -> 34" in line and "moved goalpost" not in line, line
