"""Values are kept as the file says them, or refused with a clear message: never rounded
silently (a 30-digit ...789.5 once came out as ...790); a `checked:` day that is not on the
calendar (2026-02-30) is a finding with its file and line."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from okrcli.edit.checkin import number_text
from okrcli.errors import OkrError
from okrcli.rules.base import GOOD_FILE, variant
from tests.conftest import Builder, okr, run_lint

FILE = "okrs/2026-Q4/checkout.yaml"


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("1234567890123456789012345678", "1234567890123456789012345678"),
        ("123456789012345678901234567890123", "123456789012345678901234567890123"),
        ("1234567890123456789012345678901234567890", "1234567890123456789012345678901234567890"),
        ("12345678901234567890123456789.000", "12345678901234567890123456789"),
        ("1.50000000000000000000000000000000", "1.5"),
        ("0.30000000000000004", "0.30000000000000004"),  # a float's own digits, read back
        ("123456789012.345", "123456789012.345"),
    ],
)
def test_check_in_values_are_written_exactly(raw: str, text: str) -> None:
    assert number_text(raw) == text


@pytest.mark.parametrize(
    "raw",
    [
        "1234567890123456789012345678.5",  # 29 digits and a half: was written ...790
        "12345678901234567890123456789.5",
        "0.1000000000000000000001",
        "3.14159265358979323846",
    ],
)
def test_check_in_values_past_the_kept_precision_are_refused_not_rounded(raw: str) -> None:
    with pytest.raises(OkrError, match=r"more significant digits than okr keeps .*\(15\)"):
        number_text(raw)


@pytest.mark.parametrize(
    "value",
    ["2.40000000000000000001", "1234567890.12345678901", "1.0000000000000000000001e3"],
)
def test_a_file_value_a_float_cannot_hold_is_a_finding_at_its_line(
    make_repo: Builder, value: str
) -> None:
    root = make_repo({FILE: variant("baseline: 2.4", f"baseline: {value}")})
    result = run_lint(root)
    [d] = [d for d in result.diagnostics if d.code == "OKR001"]
    assert d.rel == FILE and d.line == GOOD_FILE.splitlines().index("        baseline: 2.4") + 1
    assert value in d.message and "round it" in d.message


@pytest.mark.slow
@pytest.mark.parametrize(
    "value", ["123456789012345678901234567890123", "2.5", "0.30000000000000004"]
)
def test_whole_numbers_to_40_digits_and_exact_floats_are_read_as_written(
    make_repo: Builder, value: str
) -> None:
    root = make_repo({FILE: variant("target: 34", f"target: 34\n        current: {value}")})
    assert not [d for d in run_lint(root).diagnostics if d.severity == "error"]
    r = okr("score", "--quarter", "2026-Q4", "--format", "json", cwd=root)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout, parse_float=Decimal)
    [k] = [
        k
        for u in data["units"]
        for o in u["objectives"]
        for k in o["key_results"]
        if k["id"] == "conversion"
    ]
    assert Decimal(str(k["current"])) == Decimal(value)


@pytest.mark.parametrize(
    "day", ["2026-02-30", "2025-02-29", "2026-13-01", "2026-04-31", "0000-01-01"]
)
def test_a_checked_day_off_the_calendar_is_a_finding_with_file_and_line(
    make_repo: Builder, day: str
) -> None:
    text = variant("target: 34", f"target: 34\n        current: 31\n        checked: {day}")
    root = make_repo({FILE: text})
    [d] = [d for d in run_lint(root).diagnostics if d.code == "OKR002"]
    assert d.rel == FILE and d.line == text.splitlines().index(f"        checked: {day}") + 1
    assert d.message.endswith(f"'checked' of key result 'conversion': {day} is not a day of "
                              "the calendar; write the real date.")  # fmt: skip


@pytest.mark.parametrize("day", ["2024-02-29", "2026-12-31"])
def test_a_real_checked_day_is_no_finding(make_repo: Builder, day: str) -> None:
    text = variant("target: 34", f"target: 34\n        current: 31\n        checked: {day}")
    root = make_repo({FILE: text})
    assert not [d for d in run_lint(root).diagnostics if d.code == "OKR002"]


@pytest.mark.slow
def test_okr_lint_names_the_impossible_day_through_the_cli(make_repo: Builder) -> None:
    text = variant("target: 34", "target: 34\n        current: 31\n        checked: 2026-02-30")
    root: Path = make_repo({FILE: text})
    r = okr("lint", FILE, cwd=root)
    assert r.returncode == 1
    line = text.splitlines().index("        checked: 2026-02-30") + 1
    assert f"{FILE}:{line}:" in r.stdout and "2026-02-30 is not a day of the calendar" in r.stdout
