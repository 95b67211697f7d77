"""okr lint played through a quarter: binary-kr (OKR203) on declared thresholds,
unused-suppression (OKR007) on files whose rules never ran, and the sentences initiative-kr
(OKR205) and binary-kr write for titles of every shape."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from okrcli.rules.base import GOOD_FILE, variant
from tests.conftest import Builder, git, okr

CHECKOUT = "okrs/2026-Q4/checkout.yaml"
LAST_KR = "        baseline: 2.4\n        target: 1.0\n"


def lint_json(root: Path, *args: str) -> list[dict[str, object]]:
    r = okr("lint", "--format", "json", *args, cwd=root)
    assert r.returncode in (0, 1), r.stderr
    assert "Traceback" not in r.stderr
    records: list[dict[str, object]] = json.loads(r.stdout)
    return records


def codes(records: list[dict[str, object]]) -> list[object]:
    return [rec["code"] for rec in records]


@pytest.mark.slow
def test_okr203_leaves_a_declared_threshold_from_0_to_1_alone(make_repo: Builder) -> None:
    """At most one incident (stay_below 1) or at least one on call (stay_above 1) is a
    level to hold, not a done/not-done result; undeclared, 0 -> 1 still is one."""
    cases = {
        "stay_below": "        baseline: 0\n        target: 1\n        direction: stay_below\n",
        "stay_above": "        baseline: 0\n        target: 1\n        direction: stay_above\n",
        "undeclared": "        baseline: 0\n        target: 1\n",
        "increase": "        baseline: 0\n        target: 1\n        direction: increase\n",
    }
    units = ("checkout", "search", "payments", "acme")
    files = {
        f"okrs/2026-Q4/{unit}.yaml": variant(LAST_KR, text).replace(
            "unit: checkout", f"unit: {unit}"
        )
        for unit, text in zip(units, cases.values(), strict=True)
    }
    root = make_repo(files)
    records = [r for r in lint_json(root) if r["code"] == "OKR203"]
    flagged = sorted(str(r["path"]).rsplit("/", 1)[-1] for r in records)
    # stay_below (checkout) and stay_above (search) are thresholds; the others are binary
    assert flagged == ["acme.yaml", "payments.yaml"], records
    assert all("goes from 0 to 1" in str(r["message"]) for r in records)


@pytest.mark.slow
def test_okr007_says_nothing_of_a_file_whose_rules_never_ran(make_repo: Builder) -> None:
    """A key typo (OKR002) or broken YAML (OKR001) stops every rule but the load rules on
    that file: a suppression there cannot be called unused. Once fixed it can."""
    kr_line = "title: Raise checkout conversion of returning customers"
    suppressed = variant(kr_line, kr_line + "  # okr: disable=OKR205")
    files = {
        # a key typo: schema error
        CHECKOUT: suppressed.replace("target: 34", "tagret: 34"),
        # a whole-file suppression in a file that is not YAML
        "okrs/2026-Q4/search.yaml": "# okr: disable-file=OKR204,OKR205\nunit: search\n  bad: [\n",
        # a suppression naming no rule is wrong whether or not the rules ran
        "okrs/2026-Q4/payments.yaml": suppressed.replace("unit: checkout", "unit: payments")
        .replace("target: 34", "tagret: 34")
        .replace("disable=OKR205", "disable=OKR999"),
    }
    root = make_repo(files)
    records = lint_json(root)
    unused = [r for r in records if r["code"] == "OKR007"]
    assert [(str(r["path"]).rsplit("/", 1)[-1], r["message"]) for r in unused] == [
        ("payments.yaml", "the suppression names 'OKR999', which is no rule; fix or remove it.")
    ], records
    assert sorted(c for c in codes(records) if c != "OKR007") == ["OKR001", "OKR002", "OKR002"]

    # the typo fixed, the rules run and the suppression is found to hide nothing
    (root / CHECKOUT).write_text(suppressed)
    unused = [r for r in lint_json(root, CHECKOUT) if r["code"] == "OKR007"]
    assert [r["message"] for r in unused] == [
        "the suppression of OKR205 (initiative-kr) hides nothing here; remove it."
    ]


@pytest.mark.slow
def test_okr007_says_nothing_of_history_rules_that_were_skipped(make_repo: Builder) -> None:
    """Outside git the history rules are skipped: suppressing one is not 'unused' then; in a
    repository with history it is."""
    kr_line = "title: Raise checkout conversion of returning customers"
    root = make_repo({CHECKOUT: variant(kr_line, kr_line + "  # okr: disable=OKR401")})
    r = okr("lint", cwd=root)
    assert "history rules (OKR401, OKR402, OKR403, OKR404) were skipped" in r.stdout, r.stdout
    assert "OKR007" not in r.stdout
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "okrs", when="2026-10-02T10:00:00")
    r = okr("lint", cwd=root)
    assert "the suppression of OKR401 (stale-kr) hides nothing here" in r.stdout, r.stdout


# Titles of many shapes: a verb first, quotes, very short, ending in punctuation, a number
# first, a label first, upper case, an apostrophe. Written for this test.
SHAPES = [
    "Ship it",
    "Launch!",
    "Run 5 workshops.",
    '"Launch" the partner portal',
    "'Ship' the onboarding flow",
    "\u2018Ship\u2019 the onboarding flow",
    "\u201cPublish\u201d 4 case studies",
    "Ship 'the thing'",
    "Implement SSO...",
    "Go",
    "Portal",
    "Do it",
    "Launch: the new portal",
    "Onboarding: ship the new flow",
    "LAUNCH THE PARTNER PORTAL",
    "Kick off project",
    "Write docs",
    "Deliver the Q3 plan.",
    "Hire 3 engineers",
    "Interview 20 customers who cancelled?",
    "Launch v2 (beta)",
    "Ship the team's new portal",
    "Go live",
    "5 case studies published",
    "3 workshops held",
    "10 new features shipped!",
]


def _reason(message: str) -> str:
    """What a heuristic finding says between the key result's id and the advice."""
    m = re.match(r"key result 'kr\d+' (.*?)\. (Move|Measure) ", message)
    assert m, message
    return m.group(1)


@pytest.mark.slow
def test_okr205_and_okr203_sentences_read_well_for_titles_of_every_shape(
    make_repo: Builder,
) -> None:
    krs = "".join(
        f"      - id: kr{n}\n        title: {json.dumps(t)}\n        baseline: 10\n"
        f"        target: 20\n"
        for n, t in enumerate(SHAPES)
    )
    doc = GOOD_FILE[: GOOD_FILE.index("      - id: conversion")] + krs
    root = make_repo({CHECKOUT: doc})
    records = [r for r in lint_json(root) if r["code"] in ("OKR205", "OKR203")]
    fired = {int(str(r["message"]).split("'")[1][2:]) for r in records}
    # most shapes are tasks or done/not-done results: enough sentences to judge
    assert len(fired) >= len(SHAPES) - 3, sorted(set(range(len(SHAPES))) - fired)
    for r in records:
        message = str(r["message"])
        why = _reason(message)
        assert why.startswith(("reads as a task: ", "reads as done-or-not: ")), message
        # quoted words are words: no quote of the title left inside them
        for quoted in re.findall(r"'([^']*)'", why.split(": ", 1)[1]):
            assert (
                quoted
                and quoted.strip() == quoted
                and not re.search('["\u2018\u2019\u201c\u201d`]', quoted)
            )
        assert "''" not in message and "' ...)" not in message, message
        # one "and" per clause: clauses that hold one are set apart with a comma
        for clause in why.split(", and "):
            assert clause.count(" and ") <= 1, message
        # never both "starts with (a verb)" and "with no verb"
        assert not ("starts with" in why and "no verb" in why), message
        assert not ("starts with" in why and "heading" in why), message
        # the same word is never quoted twice
        words = re.findall(r"'([^']*)'", why)
        assert len(words) == len(set(words)), message
        assert message.endswith("."), message
