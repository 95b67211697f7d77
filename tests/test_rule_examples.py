"""Every rule documents a bad and a good example, and each does what it says (where each
fires and what its findings say as data is in the rule's case file, tests/rules/OKRxxx.yaml)."""

from __future__ import annotations

import pytest

from okrcli.rules.base import Example, registry
from tests.conftest import Builder, commit_versions, run_lint

RULES = registry()
CASES = [
    pytest.param(code, kind, i, ex, id=f"{code}-{kind}{i}")
    for code, rule in RULES.items()
    for kind, examples in (("bad", rule.bad), ("good", rule.good))
    for i, ex in enumerate(examples)
]


def test_every_rule_has_bad_and_good_examples() -> None:
    for code, rule in RULES.items():
        assert rule.bad, f"{code} has no bad example"
        assert rule.good, f"{code} has no good example"
        assert rule.rationale(), f"{code} has no rationale"
        assert rule.scope != "history" or all(e.history for e in rule.bad + rule.good)
        # the guidance is named as a user knows it, never by the project's file numbers
        assert "seed" not in rule.rationale().lower(), code
        assert any(w in rule.rationale() for w in ("guid", "piece")) or code in {
            "OKR001",
            "OKR002",
            "OKR004",
            "OKR005",
            "OKR007",
            "OKR011",
            "OKR012",
            "OKR013",
        }, f"{code} cites no guidance"


@pytest.mark.parametrize(("code", "kind", "index", "example"), CASES)
def test_example(make_repo: Builder, code: str, kind: str, index: int, example: Example) -> None:
    root = make_repo({example.path: example.text, **example.others})
    if example.history:
        commit_versions(root, example.path, example.history)
        assert (root / example.path).read_text() == example.text
    result = run_lint(root, example.path, at=example.at)
    fired = [d for d in result.diagnostics if d.code == code]
    if kind == "bad":
        assert fired, f"{code} did not fire on its bad example; got {result.diagnostics}"
        assert all(d.rel == example.path for d in fired)
    else:
        assert not fired, f"{code} fired on its good example: {fired}"
