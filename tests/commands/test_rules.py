"""okr rules and okr rule CODE: every code listed, each rule explained with a bad and a good
example that differ."""

from __future__ import annotations

import pytest

from okrcli.rules.base import registry
from tests.conftest import okr
from tests.test_rule_examples import RULES


@pytest.mark.slow
@pytest.mark.parametrize("ref", ["OKR205", "initiative-kr"])
def test_rule_explains_with_examples(ref: str) -> None:
    r = okr("rule", ref)
    assert r.returncode == 0
    assert "OKR205 initiative-kr [warning]" in r.stdout
    assert "Bad:" in r.stdout and "Good:" in r.stdout and "product head's guide" in r.stdout
    assert "seed" not in r.stdout


@pytest.mark.slow
def test_rules_lists_every_code() -> None:

    out = okr("rules").stdout
    assert all(code in out for code in registry())


def test_okr_rule_shows_each_rule_a_bad_and_a_good_example_that_differ() -> None:
    from okrcli.rules.explain import explain

    for code, rule in RULES.items():
        shown = explain(rule)
        bad = shown[shown.index("\nBad:\n") : shown.index("\nGood:\n")]
        good = shown[shown.index("\nGood:\n") : shown.index("\nSuppress")]
        assert bad.replace("Bad", "") != good.replace("Good", ""), code
        # the good example shows what differs from the bad one, not only "as above"
        assert any("as above" not in line for line in good.strip().splitlines()[1:]), code
        assert "seed" not in shown.lower(), code
