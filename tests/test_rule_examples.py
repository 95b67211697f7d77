"""Every rule documents a bad and a good example, and each does what it says."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from okrcli.lint.reporters import FORMATS
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


# What each rule's first bad example's findings say as data, in `okr lint --format json`
# (a finding per key result for stale-kr). OKR001 and OKR002 carry no facts: their message is
# the parser's or the schema's own finding.
CHECKOUT = "checkout/effortless-checkout"
WEEKS = {"written": "2026-10-01", "last_checkin": "2026-10-09", "days": 42}
FACTS: dict[str, list[dict[str, object]]] = {
    "OKR001": [{}],
    "OKR002": [{}],
    "OKR003": [{"unit": "chekout", "known": False, "file_name": "checkout", "closest": "checkout"}],
    "OKR004": [{"quarter": "Q4 2026", "well_formed": False, "folder": "2026-Q4"}],
    "OKR005": [{"id": "conversion", "kind": "key result", "first": "key result #1"}],
    "OKR006": [
        {
            "reference": "strategy/retension",
            "field": "aligns_to",
            "problem": "unknown theme",
            "closest": ["strategy/retention"],
        }
    ],
    "OKR007": [{"rule": "OKR204", "known": True}],
    "OKR011": [{"key_result": f"{CHECKOUT}/conversion", "connection": None, "field": "sql"}],
    "OKR012": [{"key_result": f"{CHECKOUT}/conversion", "connection": None, "field": "csv"}],
    "OKR013": [
        {
            "key_result": f"{CHECKOUT}/payment-errors",
            "connection": None,
            "field": "headers.Authorization",
        }
    ],
    "OKR008": [
        {
            "objective": CHECKOUT,
            "field": "shared_with",
            "unit": "serach",
            "problem": "unknown unit",
            "key_result": None,
        }
    ],
    "OKR101": [{"unit": "checkout", "level": "team", "count": 2, "limit": 1}],
    **{
        code: [{"objective": CHECKOUT, "weak": False}]
        for code in ("OKR102", "OKR103", "OKR104", "OKR105", "OKR106")
    },
    "OKR107": [{"objective": CHECKOUT, "key_results": 3}],
    "OKR207": [{"objective": CHECKOUT, "units": ["checkout", "search"], "missing": ["search"]}],
    "OKR201": [{"objective": CHECKOUT, "count": 1, "min": 3, "max": 5}],
    "OKR202": [
        {
            "key_result": f"{CHECKOUT}/conversion",
            "problem": "missing",
            "missing": ["baseline"],
            "baseline": None,
            "target": 34,
            "direction": None,
        }
    ],
    "OKR203": [{"key_result": f"{CHECKOUT}/conversion", "problem": "zero to one", "weak": False}],
    "OKR204": [{"key_result": f"{CHECKOUT}/conversion", "weak": False}],
    "OKR205": [{"key_result": f"{CHECKOUT}/conversion", "weak": False}],
    "OKR206": [
        {
            "key_result": f"{CHECKOUT}/repeat-time",
            "other": f"{CHECKOUT}/conversion",
            "metric": None,
        }
    ],
    "OKR301": [
        {
            "key_result": f"{CHECKOUT}/payment-errors",
            "metric": "repeat-rate",
            "direction": "down",
            "quarter": "2026-Q4",
            "others": ["commerce/repeat-revenue/repeat-rate"],
            "others_count": 1,
        }
    ],
    "OKR302": [
        {
            "key_result": "commerce/repeat-revenue/repeat-orders",
            "metric": "repeat-orders",
            "target": 1500,
            "children": [f"{CHECKOUT}/payment-errors", "search/find-fast/search-orders"],
        }
    ],
    "OKR303": [{"objective": "commerce/repeat-revenue", "quarter": "2026-Q4", "key_result": None}],
    "OKR304": [{"objective": CHECKOUT, "unit": "payments", "role": "platform", "has_okrs": True}],
    "OKR305": [
        {
            "quarter": "2026-Q4",
            "committed": 0,
            "objectives": 5,
            "share": 0.0,
            "aim": 0.6,
            "tolerance": 0.2,
        }
    ],
    "OKR401": [
        {"key_result": f"{CHECKOUT}/{kr}", **WEEKS, "on": "2026-11-20", "limit": 14}
        for kr in ("conversion", "repeat-time", "payment-errors")
    ],
    "OKR402": [
        {
            "key_result": f"{CHECKOUT}/conversion",
            "field": "target",
            "old": 34,
            "new": 32,
            "day": "2026-11-06",
            "commit": "(a commit id)",
            "who": "Dana",
            "easier": True,
            "changes": 1,
            "grace_days": 14,
        }
    ],
    "OKR403": [
        {"unit": "checkout", "over": 0.8, "quarters": ["2026-Q3", "2026-Q4"], "scores": [1.0, 1.0]}
    ],
    # 2026-Q3 ends on 30 September; 14 closing days later it closed on 14 October
    "OKR404": [
        {
            "key_result": f"{CHECKOUT}/conversion",
            "field": "current",
            "old": 31,
            "new": 34,
            "day": "2026-11-20",
            "commit": "(a commit id)",
            "who": "Dana",
            "quarter": "2026-Q3",
            "closed_on": "2026-10-14",
            "changes": 1,
        }
    ],
}

# the later bad examples of the rules that have more than one
MORE_FACTS: dict[tuple[str, int], list[dict[str, object]]] = {
    ("OKR202", 1): [
        {
            "key_result": f"{CHECKOUT}/conversion",
            "problem": "equal",
            "missing": [],
            "baseline": 30,
            "target": 30,
            "direction": None,
        }
    ],
    ("OKR202", 2): [
        {
            "key_result": f"{CHECKOUT}/conversion",
            "problem": "turned",
            "missing": [],
            "baseline": 35,
            "target": 34,
            "direction": None,
        }
    ],
    ("OKR205", 1): [{"key_result": f"{CHECKOUT}/conversion", "weak": False}],
}


def test_every_rule_but_the_parser_and_schema_declares_its_facts() -> None:
    assert sorted(FACTS) == sorted(RULES), "add the rule's first bad example's facts to FACTS"
    more = {(code, i) for code, rule in RULES.items() for i in range(1, len(rule.bad))}
    assert set(MORE_FACTS) == more, "add the rule's other bad examples' facts to MORE_FACTS"
    assert [code for code, rule in RULES.items() if rule.facts is None] == ["OKR001", "OKR002"]


def _json_findings(root: Path, example: Example, code: str) -> list[dict[str, object]]:
    """The rule's findings on its example, as `okr lint --format json` writes them."""
    result = run_lint(root, example.path, at=example.at)
    for d in result.diagnostics:  # each carries facts of the class its rule declares
        if d.code == code:
            kind = RULES[code].facts
            assert (d.facts is None) if kind is None else isinstance(d.facts, kind), d
    found = [f for f in json.loads(FORMATS["json"](result)) if f["code"] == code]
    sarif = json.loads(FORMATS["sarif"](result))["runs"][0]["results"]
    assert [r.get("properties", {}).get("facts", {}) for r in sarif if r["ruleId"] == code] == [
        f["facts"] for f in found
    ], "SARIF results carry the same facts in properties"
    return found


@pytest.mark.parametrize(
    ("code", "index", "example"),
    [
        pytest.param(code, i, ex, id=f"{code}-bad{i}")
        for code, rule in RULES.items()
        for i, ex in enumerate(rule.bad)
    ],
)
def test_facts_of_bad_example_in_json(
    make_repo: Builder, code: str, index: int, example: Example
) -> None:
    root = make_repo({example.path: example.text, **example.others})
    if example.history:
        commit_versions(root, example.path, example.history)
    found = _json_findings(root, example, code)
    assert found and all(isinstance(f["facts"], dict) for f in found)
    facts = [f["facts"] for f in found]
    for f in facts:
        if isinstance(f, dict) and "commit" in f:
            assert isinstance(f["commit"], str) and re.fullmatch(r"[0-9a-f]{40}", f["commit"])
            f["commit"] = "(a commit id)"
    assert facts == (FACTS[code] if index == 0 else MORE_FACTS[(code, index)])
