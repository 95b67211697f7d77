"""What a pull request writes into titles and file names cannot change the report's chart or
make score and report disagree with lint."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from okrcli.errors import OkrError
from okrcli.report.data import mermaid_label
from okrcli.rules.base import GOOD_FILE
from okrcli.score.service import ScoreRequest, score
from tests.conftest import run_lint, write_repo
from tests.hostile.test_hostile import CHECKOUT

SEARCH = GOOD_FILE.replace("unit: checkout", "unit: search")


@pytest.mark.parametrize(
    "title",
    [
        '%%{init: {"theme": "dark", "securityLevel": "loose"}}%%',
        "%%{ init: { 'flowchart': { 'htmlLabels': true } } }%% x",
        "a\n%% comment\nclick n1 callback",
        'x"] --> n1\n    click n1 "javascript:alert(1)"',
        "```\n<script>alert(1)</script>",
        "x | y ` z & <b> @team",
    ],
)
def test_mermaid_labels_cannot_become_directives_or_statements(title: str) -> None:
    label = mermaid_label(title)
    assert "%" not in label and '"' not in label and "`" not in label and "\n" not in label
    assert "<" not in label and "|" not in label and "@" not in label
    line = f'    n1["{label}"]'
    assert re.fullmatch(r'    n1\["[^"\n]*"\]', line)


def test_a_file_holding_another_unit_is_left_out_of_the_score(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path / "r",
        {"okrs/2026-Q4/search.yaml": SEARCH, CHECKOUT: SEARCH},  # checkout.yaml says search
    )
    codes = sorted((d.rel, d.code) for d in run_lint(root).diagnostics)
    assert ("okrs/2026-Q4/checkout.yaml", "OKR003") in codes
    card = score(ScoreRequest([], "2026-Q4", None, root))
    assert [u.id for u in card.units] == ["search"]
    assert any("checkout.yaml is left out" in n and "OKR003" in n for n in card.notices)


@pytest.mark.parametrize(
    ("files", "kept"),
    [
        ({CHECKOUT: SEARCH}, []),  # the only file for search, named checkout
        ({"okrs/2026-Q4/search.yaml": GOOD_FILE}, []),  # search.yaml says checkout
        ({CHECKOUT: GOOD_FILE, "okrs/2026-Q3/checkout.yaml": GOOD_FILE}, ["checkout"]),
    ],
)
def test_misplaced_files_never_stand_in_for_others(
    tmp_path: Path, files: dict[str, str], kept: list[str]
) -> None:
    root = write_repo(tmp_path / "r", files)
    flagged = {d.rel for d in run_lint(root).diagnostics if d.code in ("OKR003", "OKR004")}
    try:
        card = score(ScoreRequest([], "2026-Q4", None, root))
    except OkrError:
        assert not kept
        return
    assert [u.id for u in card.units] == kept
    left_out = {rel for rel in files if rel not in {f"okrs/2026-Q4/{k}.yaml" for k in kept}}
    assert left_out <= flagged


@pytest.mark.parametrize("quarter", ["0999-Q4", "0000-Q1", "9999-Q4", "0100-Q2"])
def test_quarters_out_of_range_are_rejected_everywhere(tmp_path: Path, quarter: str) -> None:
    text = GOOD_FILE.replace("2026-Q4", quarter)
    root = write_repo(tmp_path / "r", {f"okrs/{quarter}/checkout.yaml": text})
    found = run_lint(root).diagnostics
    assert [d.code for d in found] == ["OKR004"] and "1000 to 9998" in found[0].message
    with pytest.raises(OkrError, match="1000 to 9998"):
        score(ScoreRequest([], quarter, None, root))


def test_the_edge_years_still_work(tmp_path: Path) -> None:
    for quarter in ("1000-Q1", "9998-Q4"):
        text = GOOD_FILE.replace("2026-Q4", quarter)
        root = write_repo(tmp_path / quarter, {f"okrs/{quarter}/checkout.yaml": text})
        assert run_lint(root).diagnostics == []
        assert [u.id for u in score(ScoreRequest([], quarter, None, root)).units] == ["checkout"]


@pytest.mark.slow
def test_the_report_chart_holds_no_directive(tmp_path: Path) -> None:
    from tests.hostile.test_hostile import okr

    title = '%%{init: {"securityLevel": "loose"}}%% Make checkout effortless'
    text = GOOD_FILE.replace("Make checkout effortless for returning customers", f"'{title}'")
    root = write_repo(tmp_path / "r", {CHECKOUT: text})
    run = okr("report", "--quarter", "2026-Q4", cwd=root)
    assert run.code == 0, run.stderr
    charts = [block.split("```", 1)[0] for block in run.stdout.split("```mermaid")[1:]]
    alignment = [c for c in charts if c.lstrip().startswith("flowchart")]
    assert len(alignment) == 1 and "%%" not in alignment[0] and "init" in alignment[0]
    # no chart takes the title's directive (okr's own charts set only their palette)
    assert not [c for c in charts if '"securityLevel"' in c]
