"""The messages a team meets through a quarter, played through okr's own commands: a unit
typo in check-in, a quarter that does not exist, a decimal comma, the new file's limits by
level, the score's label for some units, a mistyped option."""

from __future__ import annotations

from pathlib import Path

import pytest

from okrcli.rules.base import EXAMPLE_ORG, GOOD_FILE
from tests.conftest import Builder, okr

CHECKOUT = "okrs/2026-Q4/checkout.yaml"


def two_units(make_repo: Builder) -> Path:
    return make_repo(
        {
            CHECKOUT: GOOD_FILE,
            "okrs/2026-Q4/search.yaml": GOOD_FILE.replace("unit: checkout", "unit: search"),
        }
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "said"),
    [
        # without --quarter (the running quarter has no file) and with it
        (["chekout/conversion", "31"], "unit 'chekout' is not in org.yaml; did you mean checkout?"),
        (
            ["chekout/conversion", "31", "--quarter", "2026-Q4"],
            "unit 'chekout' is not in org.yaml; did you mean checkout?",
        ),
        (
            ["serach/effortless-checkout/conversion", "31", "--quarter", "2026-Q4"],
            "unit 'serach' is not in org.yaml; did you mean search?",
        ),
        (
            ["zzz/conversion", "31", "--quarter", "2026-Q4"],
            "unit 'zzz' is not in org.yaml; the units are acme, commerce, checkout, search, "
            "payments.",
        ),
    ],
    ids=["running-quarter", "named-quarter", "objective-form", "nothing-close"],
)
def test_check_in_unit_typo_names_the_closest_unit(
    make_repo: Builder, args: list[str], said: str
) -> None:
    root = two_units(make_repo)
    r = okr("check-in", *args, cwd=root)
    assert r.returncode == 2, r.stdout
    assert f"okr: {said}" in r.stderr, r.stderr
    assert "okr new" not in r.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "quarter", "said"),
    [
        (
            ["score"],
            "2026-Q5",
            "--quarter 2026-Q5: a year has four quarters, Q1 to Q4; write 2026-Q1 to 2026-Q4 "
            "(the quarter after 2026-Q4 is 2027-Q1).",
        ),
        (
            ["lint"],
            "2026-Q0",
            "--quarter 2026-Q0: a year has four quarters, Q1 to Q4; write 2026-Q1 to 2026-Q4.",
        ),
        (["new", "search"], "2027-Q9", "a year has four quarters, Q1 to Q4; write 2027-Q1"),
        (["check-in", "checkout/conversion", "31"], "2026-Q5", "a year has four quarters"),
        (["score"], "2026-q4", "--quarter 2026-q4: write it as 2026-Q4."),
        # a year out of range is still told the range
        (["score"], "9999-Q4", "a year from 1000 to 9998"),
    ],
)
def test_a_quarter_that_does_not_exist_says_why(
    make_repo: Builder, command: list[str], quarter: str, said: str
) -> None:
    root = two_units(make_repo)
    r = okr(*command, "--quarter", quarter, cwd=root)
    assert r.returncode == 2, r.stdout
    assert said in r.stderr, r.stderr
    if quarter[-1] in "059":
        assert ("1000 to 9998" in r.stderr) == (quarter == "9999-Q4")


@pytest.mark.slow
def test_okr004_says_quarters_are_q1_to_q4(make_repo: Builder) -> None:
    root = make_repo({"okrs/2026-Q5/checkout.yaml": GOOD_FILE.replace("2026-Q4", "2026-Q5")})
    r = okr("lint", cwd=root)
    assert "quarter '2026-Q5' is no quarter: a year has four quarters, Q1 to Q4" in r.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("44,5", "not '44,5'; write 44.5 (a decimal point, not a comma)."),
        ("-0,25", "not '-0,25'; write -0.25 (a decimal point, not a comma)."),
        ("1,000", "not '1,000'; write 1000 (no thousands separator), or 1.000 for a decimal."),
        ("1,234,567", "not '1,234,567'; write 1234567 (no thousands separator)."),
    ],
)
def test_check_in_decimal_comma_says_what_to_write(
    make_repo: Builder, value: str, said: str
) -> None:
    root = two_units(make_repo)
    before = (root / CHECKOUT).read_text()
    r = okr("check-in", "checkout/conversion", value, "--quarter", "2026-Q4", cwd=root)
    assert r.returncode == 2 and said in r.stderr, r.stderr
    assert (root / CHECKOUT).read_text() == before


@pytest.mark.slow
def test_new_template_gives_each_level_its_own_limits(make_repo: Builder) -> None:
    org = EXAMPLE_ORG.replace("level: business-unit", "level: department")
    root = make_repo({}, org=org)
    said = {}
    for unit in ("acme", "commerce", "checkout"):
        r = okr("new", unit, "--quarter", "2026-Q4", cwd=root)
        assert r.returncode == 0, r.stderr
        said[unit] = (root / f"okrs/2026-Q4/{unit}.yaml").read_text().splitlines()[1]
    assert said == {
        "acme": "# OKRs of Acme for 2026-Q4: up to five objectives for a company, three to five "
        "key results each.",
        "commerce": "# OKRs of Commerce for 2026-Q4: up to three objectives for a department, "
        "three to five key results each.",
        "checkout": "# OKRs of Checkout for 2026-Q4: one objective for a team, three to five "
        "key results each.",
    }
    # okr.yaml's limits, by the rule's name or code
    (root / "okr.yaml").write_text(
        "lint:\n  rules:\n    too-many-objectives: {department: 2, team: 2}\n"
        "    OKR201: {min: 2, max: 4}\n"
    )
    for unit in ("commerce", "checkout"):
        (root / f"okrs/2026-Q4/{unit}.yaml").unlink()
        assert okr("new", unit, "--quarter", "2026-Q4", cwd=root).returncode == 0
    text = (root / "okrs/2026-Q4/commerce.yaml").read_text()
    assert "up to two objectives for a department, two to four key results each." in text
    text = (root / "okrs/2026-Q4/checkout.yaml").read_text()
    assert "up to two objectives for a team, two to four key results each." in text


@pytest.mark.slow
def test_score_of_some_units_is_labelled_by_them(make_repo: Builder) -> None:
    root = make_repo(
        {
            CHECKOUT: GOOD_FILE,
            "okrs/2026-Q4/search.yaml": GOOD_FILE.replace("unit: checkout", "unit: search"),
            "okrs/2026-Q4/payments.yaml": GOOD_FILE.replace("unit: checkout", "unit: payments"),
        }
    )

    def headline(*paths: str) -> str:
        r = okr("score", "--quarter", "2026-Q4", *paths, cwd=root)
        assert r.returncode == 0, r.stderr
        return r.stdout.splitlines()[0]

    assert "Checkout and Search's score" in headline(CHECKOUT, "okrs/2026-Q4/search.yaml")
    three = headline(CHECKOUT, "okrs/2026-Q4/search.yaml", "okrs/2026-Q4/payments.yaml")
    assert "organisation score" in three  # every unit of the quarter: the organisation
    assert "Checkout and Payments' score" in headline(CHECKOUT, "okrs/2026-Q4/payments.yaml")
    assert "Checkout's score" in headline(CHECKOUT)
    assert "organisation score" in headline()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["check-in", "checkout/conversion", "31", "--confidnce", "0.7"],
            "no such option --confidnce; did you mean --confidence?",
        ),
        (
            ["check-in", "checkout/conversion", "--quartr", "2026-Q4", "31"],
            "no such option --quartr; did you mean --quarter?",
        ),
        (["check-in", "checkout/conversion", "31", "--comit"], "did you mean --commit?"),
        (["lint", "--formt", "json"], "no such option --formt; did you mean --format?"),
        (["score", "--quarter=2026-Q4", "--xyzzy"], "no such option --xyzzy; `okr score -h`"),
    ],
)
def test_a_mistyped_option_is_named_with_the_closest(
    make_repo: Builder, args: list[str], said: str
) -> None:
    root = two_units(make_repo)
    before = (root / CHECKOUT).read_text()
    r = okr(*args, cwd=root)
    assert r.returncode == 2, r.stdout
    assert said in r.stderr and "unexpected extra argument" not in r.stderr, r.stderr
    assert (root / CHECKOUT).read_text() == before


@pytest.mark.slow
def test_negative_values_and_notes_like_options_still_check_in(make_repo: Builder) -> None:
    root = two_units(make_repo)
    r = okr(
        "check-in",
        "checkout/conversion",
        "-3",
        "-m",
        "--late data",
        "--quarter",
        "2026-Q4",
        cwd=root,
    )
    assert r.returncode == 0, r.stderr
    assert "current: -3" in (root / CHECKOUT).read_text()
    r = okr("check-in", "checkout/conversion", "3", "4", "--quarter", "2026-Q4", cwd=root)
    assert r.returncode == 2 and "unexpected extra argument" in r.stderr, r.stderr
