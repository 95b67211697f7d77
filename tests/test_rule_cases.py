"""Every rule's cases, one file per rule found by its code: ``tests/rules/OKR201.yaml`` holds
kr-count's. A case is a whole small repository and the findings the rule gives on it.

A case file's ``cases`` is a list of cases, each with:

- ``name``: what the case shows;
- the repository: ``file`` (the text of the file checked) at ``path`` (default
  ``okrs/2026-Q4/checkout.yaml``), with ``others`` (more files by path: org.yaml, another
  unit's OKRs; the bundled example org.yaml unless ``others`` gives one) and ``config`` (the
  text of okr.yaml); or ``example: bad 0`` / ``example: good 1``, one of the examples
  ``okr rule CODE`` shows (its file, other files and history), so a case need not copy them;
- ``options``: the rule's options (written to okr.yaml as ``lint.rules.<name>``);
- history rules: ``history``, the versions of the file as committed, oldest first, each
  ``{date: 2026-10-01, text: ...}`` (the last is the file), and ``at``, the day judged;
- ``findings``: where the rule fires, as ``line:column`` (``line:column OKR204`` for another
  rule's finding the case also expects); ``[]`` when it must not fire;
- ``facts`` (optional): what each finding says as data, as ``okr lint --format json``
  writes them (a commit id is written ``(a commit id)``); SARIF must carry the same.

Each case file has a case that fires and one that does not. The heuristic rules' files also
hold sentence cases (``level``, ``flag``, ``hint``, ``pass``), read by
``tests/test_heuristics.py``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from okrcli.lint.diagnostics import LintResult
from okrcli.lint.reporters import FORMATS
from okrcli.rules.base import EXAMPLE_PATH, Example, registry
from tests.conftest import Builder, commit_versions, run_lint

RULES = registry()
CASE_DIR = Path(__file__).parent / "rules"
FILES: dict[str, dict[str, Any]] = {
    p.stem: yaml.safe_load(p.read_text("utf-8")) or {} for p in sorted(CASE_DIR.glob("*.yaml"))
}
POSITION = re.compile(r"(\d+):(\d+)(?: (OKR\d{3}))?")


@dataclass(frozen=True)
class Case:
    """One case of a rule's case file, resolved to a repository to build and lint."""

    code: str
    name: str
    path: str
    text: str
    others: dict[str, str] = field(default_factory=dict)
    history: tuple[tuple[str, str], ...] = ()
    at: str | None = None
    findings: tuple[str, ...] = ()
    facts: list[dict[str, object]] | None = None
    example: tuple[str, int] | None = None


def _example(code: str, ref: str) -> tuple[tuple[str, int], Example]:
    kind, _, index = ref.partition(" ")
    examples = {"bad": RULES[code].bad, "good": RULES[code].good}[kind]
    return (kind, int(index or 0)), examples[int(index or 0)]


def resolve(code: str, raw: dict[str, Any]) -> Case:
    """The case ``raw`` of ``tests/rules/<code>.yaml`` as a repository to lint."""
    path, text, others = EXAMPLE_PATH, "", {}
    history: tuple[tuple[str, str], ...] = ()
    at = None
    which = None
    if "example" in raw:
        which, ex = _example(code, raw["example"])
        path, text, others, history, at = ex.path, ex.text, dict(ex.others), ex.history, ex.at
    path = raw.get("path", path)
    text = raw.get("file", text)
    others = {**others, **raw.get("others", {})}
    if "history" in raw:
        history = tuple((str(v["date"]), v["text"]) for v in raw["history"])
        text = history[-1][1]
    at = str(raw["at"]) if "at" in raw else at
    config = raw.get("config", others.get("okr.yaml"))
    if "options" in raw:
        rules = {RULES[code].name: raw["options"]}
        loaded = yaml.safe_load(config) if config else {}
        loaded.setdefault("lint", {}).setdefault("rules", {}).update(rules)
        config = yaml.safe_dump(loaded, sort_keys=False)
    if config is not None:
        others["okr.yaml"] = config
    return Case(
        code=code,
        name=raw["name"],
        path=path,
        text=text,
        others=others,
        history=history,
        at=at,
        findings=tuple(raw["findings"]),
        facts=raw.get("facts"),
        example=which,
    )


CASES = [
    resolve(code, raw) for code, spec in FILES.items() if code in RULES for raw in spec["cases"]
]


def lint_case(make_repo: Builder, case: Case) -> LintResult:
    root = make_repo({case.path: case.text, **case.others})
    if case.history:
        commit_versions(root, case.path, case.history)
        assert (root / case.path).read_text("utf-8") == case.text
    return run_lint(root, case.path, at=case.at)


def positions(result: LintResult, code: str, own: str) -> list[str]:
    return sorted(
        f"{d.line}:{d.column}" + ("" if code == own else f" {code}")
        for d in result.diagnostics
        if d.code == code
    )


def _facts(result: LintResult, code: str) -> list[object]:
    """The rule's findings' facts, as `okr lint --format json` writes them."""
    for d in result.diagnostics:  # each carries facts of the class its rule declares
        if d.code == code:
            kind = RULES[code].facts
            assert (d.facts is None) if kind is None else isinstance(d.facts, kind), d
    found = [f for f in json.loads(FORMATS["json"](result)) if f["code"] == code]
    sarif = json.loads(FORMATS["sarif"](result))["runs"][0]["results"]
    assert [r.get("properties", {}).get("facts", {}) for r in sarif if r["ruleId"] == code] == [
        f["facts"] for f in found
    ], "SARIF results carry the same facts in properties"
    facts = [f["facts"] for f in found]
    for f in facts:
        if isinstance(f, dict) and "commit" in f:
            assert isinstance(f["commit"], str) and re.fullmatch(r"[0-9a-f]{40}", f["commit"])
            f["commit"] = "(a commit id)"
    return facts


@pytest.mark.parametrize("case", [pytest.param(c, id=f"{c.code}-{c.name}") for c in CASES])
def test_case(make_repo: Builder, case: Case) -> None:
    result = lint_case(make_repo, case)
    assert all(POSITION.fullmatch(f) for f in case.findings), case.findings
    codes = {case.code} | {m.group(3) for f in case.findings if (m := POSITION.fullmatch(f))}
    got = sorted(p for c in sorted(codes - {None}) for p in positions(result, c, case.code))
    assert got == sorted(case.findings), f"{case.code} {case.name}: {result.diagnostics}"
    assert all(d.rel == case.path for d in result.diagnostics if d.code == case.code)
    if case.facts is not None:
        assert _facts(result, case.code) == case.facts


def test_every_rule_has_a_case_file_with_a_case_that_fires_and_one_that_does_not() -> None:
    assert sorted(set(FILES) - set(RULES)) == [], "a case file names no rule"
    for code in RULES:
        assert code in FILES, f"add tests/rules/{code}.yaml (see tests/test_rule_cases.py)"
        cases = [c for c in CASES if c.code == code]
        assert any(c.findings for c in cases), f"tests/rules/{code}.yaml: no case fires"
        assert any(not c.findings for c in cases), f"tests/rules/{code}.yaml: every case fires"


def test_every_bad_example_has_a_case_saying_its_findings_and_facts() -> None:
    """What each bad example's findings say as data is checked against `okr lint --format
    json` by its case (OKR001 and OKR002 carry no facts: their message is the parser's or the
    schema's own finding, so their facts are written {})."""
    for code, rule in RULES.items():
        for i in range(len(rule.bad)):
            found = [
                c
                for c in CASES
                if c.code == code and c.example == ("bad", i) and c.facts is not None
            ]
            assert found, f"tests/rules/{code}.yaml: add a case `example: bad {i}` with facts"
    assert [code for code, rule in RULES.items() if rule.facts is None] == ["OKR001", "OKR002"]
