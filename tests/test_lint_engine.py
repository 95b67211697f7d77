"""The lint engine: selection, severities, options, suppression, per-path ignores, subsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from okrcli.errors import OkrError
from okrcli.rules.base import GOOD_FILE, variant
from tests.conftest import ROOT, Builder, run_lint

CHECKOUT = "okrs/2026-Q4/checkout.yaml"
LAUNCH = variant(
    "Raise checkout conversion of returning customers", "Launch the redesigned checkout page"
)


def codes(root: Path, *paths: str, select: list[str] | None = None) -> list[str]:
    return [d.code for d in run_lint(root, *paths, select=select).diagnostics]


def test_acme_example_is_clean() -> None:
    result = run_lint(ROOT / "examples" / "acme")
    assert result.diagnostics == []
    assert len(result.files) >= 24


def test_antipatterns_fire_every_rule_but_the_history_ones() -> None:
    from okrcli.rules.base import registry

    fired = set(codes(ROOT / "examples" / "antipatterns"))
    expected = {c for c, r in registry().items() if r.scope != "history"}
    assert expected - fired == set()


def test_select_by_code_prefix_name_and_ignore(make_repo: Builder) -> None:
    root = make_repo({CHECKOUT: LAUNCH})
    assert codes(root) == ["OKR205"]
    assert codes(root, select=["OKR1"]) == []
    assert codes(root, select=["initiative-kr"]) == ["OKR205"]
    assert codes(root, select=["ALL"]) == ["OKR205"]
    with pytest.raises(
        OkrError, match=r"'initiativ-kr' names no rule\. Did you mean 'initiative-kr'"
    ):
        run_lint(root, select=["initiativ-kr"])


def test_config_severity_ignore_options_and_per_path(make_repo: Builder) -> None:
    config = """\
lint:
  ignore: [vanity-kr]
  severity: {initiative-kr: error}
  rules:
    kr-count: {min: 4}
  per_path_ignores:
    "okrs/2026-Q3/*": [OKR205]
"""
    q3 = LAUNCH.replace("2026-Q4", "2026-Q3")
    root = make_repo({CHECKOUT: LAUNCH, "okr.yaml": config, "okrs/2026-Q3/checkout.yaml": q3})
    found = run_lint(root).diagnostics
    assert sorted((d.rel, d.code, d.severity) for d in found) == [
        ("okrs/2026-Q3/checkout.yaml", "OKR201", "error"),
        (CHECKOUT, "OKR201", "error"),
        (CHECKOUT, "OKR205", "error"),
    ]


def test_bad_rule_option_is_a_config_error(make_repo: Builder) -> None:
    root = make_repo({CHECKOUT: GOOD_FILE, "okr.yaml": "lint:\n  rules:\n    kr-count: {mni: 2}\n"})
    with pytest.raises(OkrError, match=r"lint.rules.kr-count.mni: extra inputs"):
        run_lint(root)


def test_config_type_error_names_file_and_line(make_repo: Builder) -> None:
    root = make_repo({CHECKOUT: GOOD_FILE, "okr.yaml": "okrs_dir: okrs\nlint:\n  select: OKR2\n"})
    with pytest.raises(OkrError, match=r"okr.yaml:3:11: 'select' of the file must be a list"):
        run_lint(root)


def test_suppression_on_line_and_line_above(make_repo: Builder) -> None:
    same = LAUNCH.replace(
        "Launch the redesigned checkout page",
        "Launch the redesigned checkout page  # okr: disable=OKR205",
    )
    above = LAUNCH.replace(
        "        title: Launch", "        # okr: disable=initiative-kr\n        title: Launch"
    )
    for text in (same, above):
        root = make_repo({CHECKOUT: text}, name=str(hash(text)))
        assert codes(root) == []


def test_disable_file_needs_codes_and_unused_ones_are_reported(make_repo: Builder) -> None:
    text = "# okr: disable-file=OKR205,OKR204,nosuchrule\n" + LAUNCH
    root = make_repo({CHECKOUT: text})
    found = run_lint(root).diagnostics
    assert [d.code for d in found] == ["OKR007", "OKR007"]
    assert "OKR204" in found[0].message or "OKR204" in found[1].message
    assert any("nosuchrule" in d.message for d in found)


def test_cross_file_rules_see_everything_but_report_on_the_files_asked(make_repo: Builder) -> None:
    other = GOOD_FILE.replace("unit: checkout", "unit: search").replace(
        "aligns_to: [strategy/retention]", "aligns_to: [checkout/nope]"
    )
    root = make_repo({CHECKOUT: GOOD_FILE, "okrs/2026-Q4/search.yaml": other})
    assert codes(root, CHECKOUT) == []
    assert codes(root, "okrs/2026-Q4/search.yaml") == ["OKR006"]
    assert codes(root) == ["OKR006"]


def test_missing_org_is_a_clear_error(make_repo: Builder) -> None:
    root = make_repo({CHECKOUT: GOOD_FILE, "okr.yaml": ""}, org=None)
    with pytest.raises(OkrError, match=r"has no org\.yaml"):
        run_lint(root)


def test_org_cycle_and_second_root(make_repo: Builder) -> None:
    org = """\
units:
  - {id: acme, name: Acme, level: company}
  - {id: other, name: Other, level: company}
  - {id: a, name: A, level: team, parent: b}
  - {id: b, name: B, level: team, parent: a}
"""
    root = make_repo({}, org=org)
    found = run_lint(root).diagnostics
    assert [(d.rel, d.code) for d in found] == [("org.yaml", "OKR002")] * 3
    assert "already the root" in found[0].message
    assert "own ancestor" in found[1].message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (GOOD_FILE.replace("target: 34", 'target: "34%"'), "write 34 and put the unit"),
        (
            GOOD_FILE.replace("        baseline: 30", "        baselin: 30"),
            "did you mean 'baseline'",
        ),
        (GOOD_FILE.replace("target: 34", "target: .nan"), "finite number"),
        (GOOD_FILE.replace("target: 34", "target: 34\n        confidence: 1.5"), "at most 1"),
        ("- a\n- b\n", "must be a mapping"),
        ("", "must be a mapping of fields (like 'unit: ...'), but it is empty"),
        (GOOD_FILE.replace("    title: Make", "    binary: no\n    title: Make"), "unknown field"),
    ],
)
def test_schema_errors_are_sentences_with_lines(
    make_repo: Builder, text: str, fragment: str
) -> None:
    root = make_repo({CHECKOUT: text})
    found = run_lint(root, CHECKOUT).diagnostics
    assert [d.code for d in found] == ["OKR002"]
    assert fragment in found[0].message
    assert found[0].line >= 1


def test_symlink_outside_the_repository_is_refused(make_repo: Builder, tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text(GOOD_FILE)
    root = make_repo({})
    (root / "okrs" / "2026-Q4").mkdir(parents=True)
    (root / CHECKOUT).symlink_to(outside)
    found = run_lint(root).diagnostics
    assert [d.code for d in found] == ["OKR001"]
    assert "outside the repository" in found[0].message
